"""Beam search references from PyTorch (tools/beam_reference.py) for the fixture models.

    /usr/bin/python3 tools/make_beam_fixtures.py [--fixtures test/fixtures]

For every folder of --fixtures with a reference.json (written by tools/make_fixtures.py), loads
the model with seqattn_torch.load_model and writes beam.json beside it: for each source of
reference.json (ids of length 1, 3, 7, 60 and the string cases; show-attend-tell: its annotation
vectors) x each setting below (the coverage penalty too under local and hard attention, where
positions no window or location reached count at beam.ts's COVERAGE_FLOOR; not for cho and
sutskever, which have no attention: seqattn rejects the option there, and the setting runs
without it), the options
(TranslateOptions names, maxLength = max_target_length) and the nBest list (ids, log_probs,
score = log P / lp + cp, finished). Run it after make_fixtures.py, on the same folder.

Each case also records `min_margin`, the smallest gap of any decision of the search that a small
difference in log-probs could flip, and `near_ties`, those below 1e-5 (an order PyTorch itself
cannot settle in float32); the script prints them.
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from beam_reference import beam_search  # noqa: E402
from presets_torch import UNATTENDED  # noqa: E402
from seqattn_torch import load_model  # noqa: E402

SETTINGS = [
    {"beamSize": 1, "nBest": 1},  # nBest given: translate() runs the beam search, not greedy
    {"beamSize": 3, "nBest": 3},
    {"beamSize": 5, "nBest": 2, "lengthPenalty": 0.6},
    {"beamSize": 4, "coveragePenalty": 0.2, "lengthPenalty": 1.0},
    {"beamSize": 5, "blockRepeatNgram": 2, "minLength": 3},
    # blocking every repeated token leaves rows with fewer than 2K candidates: the top-2K cut
    # before blocking shows (a token below a row's top 2K never replaces a blocked one)
    {"beamSize": 2, "nBest": 2, "blockRepeatNgram": 1},
]

EPS = 1e-5


def model_path(folder):
    """model.safetensors (config in its metadata or config.json beside it)."""
    return os.path.join(folder, "model.safetensors")


def make(folder):
    model, config = load_model(model_path(folder))
    with open(os.path.join(folder, "reference.json"), encoding="utf-8") as f:
        ref = json.load(f)
    cases = []
    attends = config["architecture"] not in UNATTENDED
    for src in ref["cases"]:
        for setting in SETTINGS:
            options = {k: v for k, v in setting.items() if attends or k != "coveragePenalty"}
            options["maxLength"] = config["max_target_length"]
            features = "features" in src  # show-attend-tell
            r = beam_search(model, config, src["features"] if features else src["source_ids"], eps=EPS, **options)
            assert r["nBest"], f"{src['name']} {options}: no hypothesis"
            source = {"length": src["length"]} if features else {"source_ids": src["source_ids"]}  # features: once, in doc["features"]
            cases.append({
                "name": src["name"],
                "input": src["input"],
                **source,
                "options": options,
                "nBest": [{"ids": h["ids"], "log_probs": h["log_probs"], "score": h["score"], "finished": h["finished"]}
                          for h in r["nBest"]],
                "min_margin": r["min_margin"],
                "min_margin_at": r["min_margin_at"],
                "near_ties": r["near_ties"],
            })
    doc = {"architecture": config["architecture"], "torch_version": torch.__version__, "eps": EPS, "cases": cases}
    if any("features" in src for src in ref["cases"]):
        doc["features"] = {src["name"]: src["features"] for src in ref["cases"]}  # show-attend-tell: each case's a_i by name
    path = os.path.join(folder, "beam.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 1_000_000, f"{path} is {size} bytes"
    return cases, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures"))
    ap.add_argument("--only", default="", help="only the folders whose names start with this")
    args = ap.parse_args()
    torch.set_num_threads(1)
    root = os.path.abspath(args.fixtures)
    folders = sorted(d for d in os.listdir(root) if os.path.exists(os.path.join(root, d, "reference.json")) and d.startswith(args.only))
    if not folders:
        sys.exit(f"no fixture folders with reference.json in {root}")
    ties = 0
    for d in folders:
        cases, size = make(os.path.join(root, d))
        print(f"{d}: beam.json {size} bytes, {len(cases)} cases")
        for c in cases:
            best = c["nBest"][0]
            opts = {k: v for k, v in c["options"].items() if k != "maxLength"}
            m = c["min_margin"]
            print(f"  {c['name']:10s} {json.dumps(opts):75s} n={len(c['nBest'])} best len={len(best['ids']):2d}"
                  f" {'EOS' if best['finished'] else 'max'} score={best['score']:.4f}"
                  f" min margin={'-' if m is None else f'{m:.2e}'}")
            if m is not None and m < 1e-3:
                print(f"    smallest margin at {c['min_margin_at']}")
            for t in c["near_ties"]:
                ties += 1
                print(f"    NEAR TIE {t}")
    if ties:
        print(f"{ties} near tie(s) below {EPS}: those cases' order is not settled by PyTorch in float32")


if __name__ == "__main__":
    main()
