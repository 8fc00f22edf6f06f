#!/usr/bin/env python3
"""G2P scoring as in the literature (e.g. CMUSphinx g2p-seq2seq, Yao & Zweig 2015).

* Stress digits are removed from phonemes for the main WER/PER (AH0 -> AH).
* A word is correct if the hypothesis equals ANY of its reference pronunciations.
* PER: per word, the Levenshtein distance to the closest reference, divided by the total length of
  those closest references over all words (total edits / total reference phonemes). On a tie in
  distance the first such reference (dictionary order) is used.
* WER with stress is also reported (exact match including stress digits).

    from g2p_score import score
    s = score(hyps, refs)   # hyps: {word: "PH ON"} or list aligned with refs; refs: [(word, [pron,...])]
    s["wer"], s["per"], s["wer_stress"], s["per_stress"]

Command line: g2p_score.py PRED.tsv [--split test]  (PRED.tsv: word TAB phonemes per line)
"""
import argparse
import os
import re
import sys

_DIGITS = re.compile(r"\d")


def strip_stress(phones):
    return [_DIGITS.sub("", p) for p in phones]


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _as_list(p):
    return p.split() if isinstance(p, str) else list(p)


def score_word(hyp, refs, stress=False):
    """(correct, edits, ref_len) for one word; hyp and refs are strings or token lists."""
    h = _as_list(hyp)
    rs = [_as_list(r) for r in refs]
    if not stress:
        h = strip_stress(h)
        rs = [strip_stress(r) for r in rs]
    best = None
    for r in rs:
        d = levenshtein(h, r)
        if best is None or d < best[0]:
            best = (d, len(r))
    correct = any(h == r for r in rs)
    return correct, best[0], best[1]


def score(hyps, refs):
    """hyps: dict word->pron or a list aligned with refs; refs: [(word, [pron, ...]), ...].

    Returns dict(words, wer, per, wer_stress, per_stress, errors, edits, ref_phones) (rates in %).
    A missing hypothesis counts as an empty pronunciation.
    """
    if not isinstance(hyps, dict):
        hyps = {w: h for (w, _), h in zip(refs, hyps)}
    n = len(refs)
    out = {"words": n}
    for stress, suffix in ((False, ""), (True, "_stress")):
        errors = edits = total = 0
        for w, rs in refs:
            c, e, l = score_word(hyps.get(w, ""), rs, stress)
            errors += not c
            edits += e
            total += l
        out["errors" + suffix] = errors
        out["edits" + suffix] = edits
        out["ref_phones" + suffix] = total
        out["wer" + suffix] = 100.0 * errors / max(n, 1)
        out["per" + suffix] = 100.0 * edits / max(total, 1)
    return out


def format_score(s):
    return (f"WER {s['wer']:.2f}% PER {s['per']:.2f}% (no stress) | "
            f"WER {s['wer_stress']:.2f}% PER {s['per_stress']:.2f}% (with stress) | {s['words']} words")


def read_predictions(path):
    hyps = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            w, _, p = line.partition("\t")
            hyps[w] = p
    return hyps


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("predictions", help="TSV: word TAB phonemes")
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from g2p_data import load_splits
    refs = load_splits()[args.split]
    hyps = read_predictions(args.predictions)
    missing = sum(1 for w, _ in refs if w not in hyps)
    if missing:
        print(f"warning: {missing} words of the {args.split} split have no prediction", file=sys.stderr)
    print(format_score(score(hyps, refs)))


if __name__ == "__main__":
    sys.exit(main())
