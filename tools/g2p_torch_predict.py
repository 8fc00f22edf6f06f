#!/usr/bin/env python3
"""PyTorch greedy predictions of the G2P model on a split, for comparison with seqattn.

    /usr/bin/python3 tools/g2p_torch_predict.py --out /tmp/torch-test.tsv [--split test]
        [--model models/g2p-en/model.safetensors] [--limit N] [--score]

Writes one line per word of the split, in the split's (sorted) order: word TAB phonemes, the
phonemes joined by the config's target_separator, EOS and anything after it dropped. Uses
seqattn_torch.load_model and RNNsearch.greedy_batch (batched, float32, torch.set_num_threads(1)).
--score also prints WER/PER against the references (tools/g2p_score.py).
Like train_g2p.py, re-executes itself on OpenBLAS (libopenblas0-serial) when installed, as Debian's
torch otherwise uses the slow reference BLAS; G2P_NO_OPENBLAS=1 disables that.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openblas import use_openblas, using_openblas  # noqa: E402

use_openblas()

import argparse  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
from g2p_data import load_splits  # noqa: E402
from g2p_score import format_score, score  # noqa: E402
from seqattn_torch import load_model  # noqa: E402
from train_g2p import decode_words  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output TSV (word TAB phonemes)")
    ap.add_argument("--model", default=os.path.join(REPO, "models", "g2p-en", "model.safetensors"))
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--limit", type=int, default=0, help="first N words only")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--score", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)

    model, config = load_model(args.model)
    refs = load_splits()[args.split]
    if args.limit:
        refs = refs[:args.limit]
    words = [w for w, _ in refs]
    t0 = time.time()
    hyps = decode_words(model, config, words, args.batch_size)
    dt = time.time() - t0
    with open(args.out, "w", encoding="utf-8") as f:
        for w, h in zip(words, hyps):
            f.write(f"{w}\t{h}\n")
    print(f"{len(words)} {args.split} words -> {args.out} in {dt:.1f}s", file=sys.stderr)
    if args.score:
        print(format_score(score(hyps, refs)))


if __name__ == "__main__":
    sys.exit(main())
