"""tools/compose_torch.py against the hand-written modules: every seq2seq fixture (the presets of
tools/presets_torch.py and the papers' models of tools/seqattn_torch.py), rebuilt by compose_torch from
the composition seqattn builds for its config (tools/composition-json.ts), loads the fixture's
state_dict (strict: the same names) and must decode like the hand-written module: greedy ids equal,
attention within 1e-6 and logits within 1e-5 (float32 rounding of a different order of the same sums: one
Linear over [q; h_j] against its two column blocks), and the same beam search nBest (tools/beam_reference.py).

    /usr/bin/python3 tools/check_compose_presets.py [--fixtures test/fixtures]

The other way too: fresh weights drawn and scaled by tools/random_compositions.py for the fixture's
parts (a fixture the generator makes from the preset's parts) load strictly into the hand-written module,
and both decode random sources alike.

The fixtures given only as parts configs (--parts-fixtures, tools/make_parts_fixtures.py: hand-written
modules there, not loadable here) are checked against their reference.json: greedy ids equal, attention
within 1e-6, logits within 1e-5.

Prints one line per fixture and exits non-zero on any difference.
"""

import argparse
import json
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from beam_reference import beam_search  # noqa: E402
from compose_torch import Composed  # noqa: E402
from random_compositions import scale  # noqa: E402
from safetensors_io import load_file  # noqa: E402
from seqattn_torch import load_model  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TOL = {"attention": 1e-6, "logits": 1e-5}
BEAMS = [{"beamSize": 3, "nBest": 3}, {"beamSize": 4, "nBest": 2, "lengthPenalty": 0.6, "coveragePenalty": 0.2}]


def compositions(folders):
    r = subprocess.run(["npx", "tsx", os.path.join("tools", "composition-json.ts"), *folders], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def max_diff(a, b):
    assert len(a) == len(b), (len(a), len(b))
    return max((abs(x - y) for x, y in zip(a, b)), default=0.0)


def check(folder, parts):
    hand, config = load_model(folder)
    tensors, _ = load_file(os.path.join(folder, "model.safetensors"))
    model = Composed(parts, config, {k: list(v.shape) for k, v in tensors.items()})
    model.load_state_dict(tensors, strict=True)
    model.eval()
    with open(os.path.join(folder, "reference.json"), encoding="utf-8") as f:
        ref = json.load(f)
    worst = {"attention": 0.0, "logits": 0.0}
    beams = 0
    for case in ref["cases"]:
        want, got = hand.greedy(case["source_ids"]), model.greedy(case["source_ids"])
        assert got["ids"] == want["ids"] == case["ids"], f"{case['name']}: greedy ids {got['ids']} vs {want['ids']}"
        for k in ("attention", "logits"):
            for a, b in zip(got[k], want[k]):
                worst[k] = max(worst[k], max_diff(a, b))
        for opts in BEAMS:
            if not model.attends:
                opts = {k: v for k, v in opts.items() if k != "coveragePenalty"}
            w, g = beam_search(hand, config, case["source_ids"], **opts), beam_search(model, config, case["source_ids"], **opts)
            assert [h["ids"] for h in g["nBest"]] == [h["ids"] for h in w["nBest"]], f"{case['name']} {opts}: beam nBest"
            assert max_diff([h["score"] for h in g["nBest"]], [h["score"] for h in w["nBest"]]) <= 1e-5, f"{case['name']} {opts}: scores"
            beams += 1
    assert all(worst[k] <= TOL[k] for k in TOL), f"differences {worst}"
    # generated weights for the same parts, read by the hand-written module
    torch.manual_seed(7)
    fresh = Composed(parts, config, {k: list(v.shape) for k, v in tensors.items()}).eval()
    scale(fresh, 4.0)
    hand.load_state_dict(fresh.state_dict(), strict=True)
    gen = torch.Generator().manual_seed(8)
    V, T = len(config["source_vocab"]), min(config.get("max_source_length", 20), 20)
    for n in (1, 5, T):
        ids = torch.randint(0, V, (n,), generator=gen).tolist()
        want, got = hand.greedy(ids), fresh.greedy(ids)
        assert got["ids"] == want["ids"], f"generated weights, source {ids}: greedy ids {got['ids']} vs {want['ids']}"
        for k in ("attention", "logits"):
            for a, b in zip(got[k], want[k]):
                worst[k] = max(worst[k], max_diff(a, b))
    assert all(worst[k] <= TOL[k] for k in TOL), f"differences with generated weights {worst}"
    return len(ref["cases"]), beams, worst


def check_reference(folder, parts):
    """A parts-only fixture: compose_torch's decodes against the reference.json its hand-written module wrote."""
    tensors, metadata = load_file(os.path.join(folder, "model.safetensors"))
    config = json.loads(metadata["seqattn"])
    model = Composed(parts, config, {k: list(v.shape) for k, v in tensors.items()})
    model.load_state_dict(model.as_module_names(tensors), strict=True)
    model.eval()
    with open(os.path.join(folder, "reference.json"), encoding="utf-8") as f:
        ref = json.load(f)
    worst = {"attention": 0.0, "logits": 0.0}
    for case in ref["cases"]:
        got = model.greedy(case["source_ids"])
        assert got["ids"] == case["ids"], f"{case['name']}: greedy ids {got['ids']} vs {case['ids']}"
        for k in ("attention", "logits"):
            for a, b in zip(got[k], case[k]):
                worst[k] = max(worst[k], max_diff(a, b))
    assert all(worst[k] <= TOL[k] for k in TOL), f"differences {worst}"
    return len(ref["cases"]), worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", default=os.path.join(ROOT, "test", "fixtures"))
    ap.add_argument("--parts-fixtures", default=os.path.join(ROOT, "test", "compose", "fixtures"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    root = os.path.abspath(args.fixtures)
    folders = sorted(os.path.join(root, d) for d in os.listdir(root) if os.path.exists(os.path.join(root, d, "reference.json")))
    proot = os.path.abspath(args.parts_fixtures)
    parts_only = sorted(os.path.join(proot, d) for d in os.listdir(proot) if os.path.exists(os.path.join(proot, d, "reference.json"))) \
        if os.path.isdir(proot) else []
    parts = compositions(folders + parts_only)
    failed = 0
    for folder in parts_only:
        name = os.path.basename(folder)
        try:
            n, worst = check_reference(folder, parts[name])
            print(f"{name}: {n} greedy cases agree with its reference.json; max |attention diff| {worst['attention']:.1e}, "
                  f"max |logit diff| {worst['logits']:.1e}")
        except Exception as e:  # noqa: BLE001 - reported per fixture
            failed += 1
            print(f"{name}: FAILED {type(e).__name__}: {e}\n  parts: {json.dumps(parts[name])}")
    for folder in folders:
        name = os.path.basename(folder)
        if name not in parts:
            continue  # captioners (show-attend-tell): not a composition of these parts
        try:
            n, beams, worst = check(folder, parts[name])
            print(f"{name}: {n} greedy cases, {beams} beam searches, 3 sources on generated weights agree; max |attention diff| {worst['attention']:.1e}, "
                  f"max |logit diff| {worst['logits']:.1e}")
        except Exception as e:  # noqa: BLE001 - reported per fixture
            failed += 1
            print(f"{name}: FAILED {type(e).__name__}: {e}\n  parts: {json.dumps(parts[name])}")
    print(f"{len(parts) - failed} of {len(parts)} compositions agree with the hand-written modules")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
