"""Random valid seqattn compositions with golden outputs from PyTorch (tools/compose_torch.py), for the
property-based parity test (test/compose/random-parity.test.ts).

    /usr/bin/python3 tools/random_compositions.py --seed 1 --count 60 --out DIR [--only K]

Case k draws its composition from random.Random(f"{seed}:{k}") (so one case is redrawn alone with
--only K) over every part and option seqattn composes (src/compose/description.ts, docs/parts.md), with
small odd sizes; builds compose_torch.Composed from it (torch.manual_seed of the same key); scales the
weights so that states move with the source and attention is peaked, not uniform; picks the EOS bias so
that some decodes stop early; and writes DIR/case-K/:

  model.safetensors   the module's state_dict() under the description's names (metadata: format pt)
  config.json         vocabularies, special ids, lengths and the composition ("parts")
  reference.json      greedy decodes of 3 sources (lengths 1, 2-5, up to max_source_length) as
                      tools/make_fixtures.py writes them: ids, attention rows, logits, log_probs, score
  beam.json           beam searches of the same sources as tools/make_beam_fixtures.py writes them

Sources whose greedy decode has two logits within MARGIN, or whose beam search has a decision within
MARGIN (tools/beam_reference.py min_margin), are redrawn: float32 differences below the test's
tolerances must not be able to flip a token. DIR/cases.json lists every case: its key, parts and what
it reached (peak attention weight, lengths). Only combinations seqattn accepts are drawn: see
`draw` for each rule and the reason.
"""

import argparse
import json
import math
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from beam_reference import beam_search  # noqa: E402
from compose_torch import Composed, to_json  # noqa: E402
from safetensors_io import save_file  # noqa: E402

MARGIN = 1e-3
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
PHONES = "AA AE AH AO B D EH ER IY K L M N OW P R S T UW Z".split()


def odd(rng, lo, hi):
    return rng.choice([k for k in range(lo, hi + 1) if k % 2])


def subset(rng, items, nonempty=True):
    """An ordered subset of `items` (random order)."""
    while True:
        got = [x for x in items if rng.random() < 0.5]
        if got or not nonempty:
            rng.shuffle(got)
            return got


def lin(rng, name, bias=None):
    return {"name": name, "bias": rng.random() < 0.6 if bias is None else bias}


class Redraw(Exception):
    pass


def draw(rng):
    """One composition (camelCase, as src/compose/description.ts) and the config fields around it. The rules are
    src/compose/parts.ts checkComposition's (test/compose/refused.test.ts checks seqattn refuses each with E_CONFIG):
      - a bridge copying final states fixes H (D n for order 'layer', n for 'pytorch') and needs
        decoder layers <= the encoder's rows; a projection without W fixes H to the size of what it reads;
      - dot scores q^T h_j need H = d;
      - c in the cell's input is c_t when attention runs before the cell (or the fixed summary), c_{t-1} after it;
      - h̃ in the cell's input (input feeding) needs an attentional layer;
      - a cell read without an input layer W reads E y_{t-1} (once): its W_ih runs as a table T[y] + W x;
      - a local window reads p_t from the score's own query, either side of the cell (Luong et al. 2015's is h_t,
        after; before the cell local-p reads s_{t-1}; local-m's p_t = t, the target position, on either side);
      - ←h_1 and [→h_T; ←h_1] exist with two directions; the summary bridge needs the summary attention;
      - location attention reads s_{i-1} of a single-layer decoder;
      - c_0 = s_0 ("cell": "same") or a projection of c_n ("project") is an LSTM's, "project" of a layer's states
        (not the mean or the summary), as are layers "per_layer" (decoder layers <= encoder layers); a reversed
        source is a one-direction encoder's."""
    cell = rng.choice(["gru", "lstm"])
    conv = rng.choice(["reset_after", "reset_before"]) if cell == "gru" else "reset_after"
    big = rng.random() < 0.15  # sizes past a few SIMD vectors (17-37) and sources up to 40
    size = (lambda lo, hi: odd(rng, 2 * hi - 1, 3 * hi + 1)) if big else (lambda lo, hi: odd(rng, lo, hi))
    Es, Et = size(3, 11), size(3, 11)
    tied = rng.random() < 0.15  # one nn.Embedding for both sides: one size, one vocabulary size
    if tied:
        Et = Es
    n, Le = size(3, 9), rng.choice([1, 1, 2])
    bi = rng.random() < 0.5
    merge = rng.choice(["concat", "sum"]) if bi else "concat"
    D = 2 if bi else 1
    d = 2 * n if bi and merge == "concat" else n
    encoder = {"rnn": "encoder.rnn", "layers": Le, "hidden": n, "bidirectional": bi, "merge": merge, "reverse": not bi and rng.random() < 0.4}
    fixed_H = []  # (value, why)

    kind = rng.choice(["none", "summary", "additive", "additive", "dot", "general", "general", "location"])
    at = "decoder.attention"
    if kind == "none":
        attention = {"kind": "none"}
    elif kind == "summary":
        attention = {"kind": "summary", "W": lin(rng, "encoder.summary") if rng.random() < 0.5 else None}
    elif kind == "additive":
        joint = rng.random() < 0.5
        v_layout = rng.choice(["linear", "vector", "row", "column"])
        attention = {"kind": "additive", "query": rng.choice(["before", "after"]), "joint": joint,
                     "W": lin(rng, f"{at}.attn" if joint else f"{at}.W"), "U": None if joint else lin(rng, f"{at}.U"),
                     "activation": rng.choice(["tanh", "tanh", "relu", "none"]),
                     "v": {"name": f"{at}.v", "bias": v_layout == "linear" and rng.random() < 0.5, "layout": v_layout},
                     "size": size(3, 11)}
        if joint:
            attention["order"] = rng.choice(["query-first", "key-first"])
    elif kind == "dot":
        attention = {"kind": "dot", "query": rng.choice(["before", "after"])}
        fixed_H.append((d, "dot"))
    elif kind == "general":
        attention = {"kind": "general", "query": rng.choice(["before", "after"]), "W": lin(rng, f"{at}.W"),
                     "convention": rng.choice(["keys", "query"])}
    else:
        attention = {"kind": "location", "W": lin(rng, f"{at}.attn"), "positions": 0}  # positions: below
    if "query" in attention and rng.random() < 0.35:
        local = {"mode": rng.choice(["m", "p"]), "D": rng.choice([1, 2, 3])}
        if local["mode"] == "p":
            local.update({"W_p": lin(rng, f"{at}.W_p"), "v_p": f"{at}.v_p"})
        attention["local"] = local
    attends = kind not in ("none", "summary")
    before = kind == "location" or attention.get("query") == "before"

    bk = rng.choice(["zeros", "final", "final", "project", "project", "project"])
    Ld = rng.choice([1, 1, 2])
    if bk == "zeros":
        bridge = {"kind": "zeros"}
    elif bk == "final":  # (location attention: below)
        order = rng.choice(["layer", "pytorch"])
        bridge = {"kind": "final", "order": order, "cell": rng.choice(["final", "zero"])}
        fixed_H.append((D * n if order == "layer" else n, f"final {order}"))
        Ld = rng.randint(1, Le if order == "layer" else Le * D)
    else:
        sources = ["forward-last", "mean"] + (["backward-first", "final-concat"] if bi else []) + (["summary"] if kind == "summary" else [])
        src = rng.choice(sources)
        states = src not in ("summary", "mean")  # a layer's final states (of h_n, and of c_n)
        bridge = {"kind": "project", "from": src, "W": lin(rng, "bridge.fc") if rng.random() < 0.7 else None,
                  "activation": rng.choice(["tanh", "relu", "none"]),
                  "layers": rng.choice(["first", "every"] + (["per-layer", "per-layer"] if states else [])),
                  "cell": rng.choice(["zero", "same"] + (["project", "project", "project"] if states else [])) if cell == "lstm" else "zero"}
        if bridge["layers"] == "per-layer":
            Ld = rng.randint(1, Le)
        elif states and Le > 1 and rng.random() < 0.5:
            bridge["layer"] = rng.randrange(Le)
        if bridge["cell"] == "project":
            bridge["cellW"] = lin(rng, "bridge.fc_c") if rng.random() < 0.7 else None
            if bridge["cellW"] is None:
                fixed_H.append((D * n if src == "final-concat" else n, "project c_n without cell_linear"))
        if bridge["W"] is None:
            x = {"forward-last": n, "backward-first": n, "final-concat": D * n, "mean": d}.get(src)
            if src == "summary":
                x = None if attention["W"] else n  # with W the summary is H wide: any H
            if x is not None:
                fixed_H.append((x, f"project {src} without W"))
    if len({h for h, _ in fixed_H}) > 1:
        raise Redraw(fixed_H)
    if kind == "location" and Ld != 1:
        raise Redraw("location attention reads s_{i-1} of a single-layer decoder")
    H = fixed_H[0][0] if fixed_H else size(3, 13)
    if kind == "summary" and bridge.get("from") == "summary" and bridge["W"] is None and attention["W"] is None and H != n:
        raise Redraw("summary")

    context = attends or kind == "summary"
    combine = None
    if rng.random() < 0.6:
        combine = {"W": lin(rng, "decoder.combine"), "parts": subset(rng, ["s", "c", "e"] if context else ["s", "e"]),
                   "activation": rng.choice(["tanh", "tanh", "relu", "none"])}
    # c: c_t before the cell (or the summary), c_{t-1} after it (c_0 = 0)
    cell_can = ["e", "s"] + (["c"] if attends or kind == "summary" else []) + (["hTilde"] if combine else [])
    parts = subset(rng, cell_can)
    if rng.random() < 0.3:
        dec_input = {"parts": parts, "W": lin(rng, "decoder.input"), "activation": rng.choice(["tanh", "relu", "none"])}
    else:
        if "e" not in parts:  # seqattn: a cell read without an input layer reads E y_{t-1} once (E_CONFIG otherwise)
            parts.insert(rng.randrange(len(parts) + 1), "e")
        dec_input = {"parts": parts, "W": None, "activation": "none"}
    out_parts = subset(rng, ["s", "e"] + (["c"] if context else []) + (["hTilde"] if combine else []))
    ok = rng.choice(["linear", "linear", "maxout", "tanh"])
    output = {"parts": out_parts, "kind": ok, "out": lin(rng, "decoder.out")}
    if ok != "linear":
        output["deep"] = {"W": lin(rng, "decoder.deep"), "size": size(3, 9)}
    # not a rule of seqattn's but of a useful test: logits that depend on the step (else beams tie exactly) and on the source
    reach = set(out_parts) | (set(combine["parts"]) if combine and "hTilde" in out_parts else set())
    s_sourced = bk != "zeros" or "c" in parts or ("hTilde" in parts and "c" in combine["parts"])
    # (additive energies without an activation, v^T W q + v^T U h_j + b: the query's term is the same for every j, so the
    # softmax drops it and a_ij does not depend on the step unless local-p's window moves with the query; local-m's
    # window p_t = t covers the whole of a short source)
    c_moves = attends and not (kind == "additive" and attention["activation"] == "none" and (attention.get("local") or {}).get("mode") != "p")
    if not ("s" in reach or ("c" in reach and c_moves)) or not ("c" in reach or ("s" in reach and s_sourced)):
        raise Redraw("readout")
    decoder = {"rnn": "decoder.rnn", "layout": rng.choice(["pytorch", "cells"] + (["cell"] if Ld == 1 else [])), "layers": Ld, "hidden": H, "input": dec_input}
    composition = {"cell": cell, "gruConvention": conv,
             "embeddings": {"source": "encoder.embedding", "target": "decoder.embedding", "sourceSize": Es, "targetSize": Et,
                            **({"tiedTo": "encoder.embedding"} if tied else {})},
             "encoder": encoder, "bridge": bridge, "attention": attention, "decoder": decoder, "combine": combine, "output": output}
    Vs, Vt = rng.randint(7, 21), rng.randint(6, 17)
    if tied:
        Vt = Vs
    max_src = rng.randint(20, 40) if big else rng.randint(9, 15)
    if kind == "location":
        attention["positions"] = max_src + rng.randint(0, 3)
    config = {"source_vocab": SPECIALS + LETTERS[: Vs - 4], "target_vocab": SPECIALS + PHONES[: Vt - 4],
              "source_tokenizer": "char", "sos_id": 1, "eos_id": 2, "source_unk_id": 3,
              "max_source_length": max_src, "max_target_length": rng.randint(6, 10)}
    return composition, config


def draw_valid(rng):
    for _ in range(200):
        try:
            return draw(rng)
        except Redraw:
            continue
    raise RuntimeError("no valid composition in 200 draws")


def scale(model, gain):
    """States that move with the source (x2 embeddings, x1.5 recurrent weights), logits away from ties (x3
    output), and attention energies x `gain` (v, W, U; dot scores through larger states)."""
    with torch.no_grad():
        for name, t in model.named_parameters():
            if name.endswith("embedding.weight"):
                t.mul_(2.0)
            elif ".rnn." in name:
                t.mul_(1.5)
        model.output_layer().weight.mul_(3.0)
        scale_only_attention(model, gain)
        if getattr(model, "_v_p", None) is not None:
            model._v_p.weight.mul_(3.0)  # p_t spread over the source


def peak(model, sources):
    """Mean over steps of max_j a_ij * Tx (1: uniform; Tx: one position) on sources with Tx >= 4."""
    vals = []
    for s in sources:
        if len(s) < 4:
            continue
        for row in model.greedy(s)["attention"]:
            if row:
                vals.append(max(row) * len(row))
    return sum(vals) / len(vals) if vals else None


def choose_eos(model, config, probe):
    """The EOS logit's offset (the output bias b_eos, or a factor on W_o's EOS row without a bias) on a grid: the one
    whose probe decodes are longest at the shortest (>= 3 tokens) while some stop before the limit; ties: mean
    length nearest 2/3 of the limit. Decodes of one token test one step only."""
    eos, limit = config["eos_id"], config["max_target_length"]
    out = model.output_layer()
    row = out.weight[eos].detach().clone()
    grid = [("bias", x / 4) for x in range(-12, 25)] if out.bias is not None else [("row", f) for f in (-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2)]

    def put(kind, x):
        with torch.no_grad():
            if kind == "bias":
                out.bias[eos] = x
            else:
                out.weight[eos] = row * x
    best = None
    for kind, x in grid:
        put(kind, x)
        lens = [len(model.greedy(s)["ids"]) for s in probe]
        key = (min(min(lens), 3), any(n < limit for n in lens), -abs(sum(lens) / len(lens) - 2 * limit / 3))
        if best is None or key > best[0]:
            best = (key, kind, x)
    put(best[1], best[2])


def greedy_margin(r):
    m = math.inf
    for lg in r["logits"]:
        top = sorted(lg)[-2:]
        m = min(m, top[1] - top[0])
    return m


def beam_settings(model):
    s = [{"beamSize": 3, "nBest": 2},
         {"beamSize": 4, "nBest": 1, "lengthPenalty": 0.6, "coveragePenalty": 0.2},
         {"beamSize": 2, "nBest": 2, "blockRepeatNgram": 2, "minLength": 2}]
    return [{k: v for k, v in o.items() if model.attends or k != "coveragePenalty"} for o in s]


def make_case(out, seed, k):
    key = f"{seed}:{k}"
    rng = random.Random(key)
    composition, config = draw_valid(rng)
    parts = to_json(composition)  # the config's block; the module is built from it as seqattn reads it
    shapes = {}
    # what a config may leave to the file, or name twice: v's layout (read from the file's shape), a Linear's
    # "alternatives" (the file has an older name), a tied target table absent from the file
    att, renames, drop = parts["attention"], {}, []
    if att["kind"] == "additive" and rng.random() < 0.3:
        layout = att["v"].pop("layout")
        A = att["size"]
        if layout != "linear":
            shapes[att["v"]["name"]] = {"vector": [A], "row": [1, A], "column": [A, 1]}[layout]
    for d in list(_linears(parts)) + ([att["v"]] if att["kind"] == "additive" else []):
        if rng.random() < 0.15:
            renames[d["name"]] = d["name"] + "_v1"
            d["alternatives"] = [d["name"] + "_v1"]
    if composition["embeddings"].get("tiedTo") and rng.random() < 0.5:
        drop.append(composition["embeddings"]["target"] + ".weight")
    local = composition["attention"].get("local")
    if local and local["mode"] == "p":  # the size of W_p is the file's (the description does not repeat it)
        shapes[local["W_p"]["name"] + ".weight"] = [odd(rng, 3, 9), composition["decoder"]["hidden"]]
    weight_seed = rng.randrange(2 ** 31)
    for draw_k in range(6):  # new, larger weights when fewer than 2 sources decode without near ties
        r = decode_case(out, k, key, composition, parts, config, shapes, weight_seed + draw_k, key + f":sources:{draw_k}", renames, drop,
                        gain=2.0 * 1.5 ** draw_k)
        if r["sources"] >= 2:
            break
    return {**r, "weight_draws": draw_k + 1}


def _linears(j):
    """Every Linear of a parts block ({"name", "bias"} under a "..linear" key of any part)."""
    if isinstance(j, dict):
        for k, v in j.items():
            if k.endswith("linear") and isinstance(v, dict):
                yield v
            else:
                yield from _linears(v)
    elif isinstance(j, list):
        for v in j:
            yield from _linears(v)


def _saved_name(name, renames):
    """A tensor's name in the file: a Linear given "alternatives" is stored under its first one."""
    if name in renames:
        return renames[name]  # a bare parameter (v)
    module, _, leaf = name.rpartition(".")
    return f"{renames[module]}.{leaf}" if module in renames else name


def decode_case(out, k, key, composition, parts, config, shapes, weight_seed, source_key, renames, drop, gain=2.0):
    torch.manual_seed(weight_seed)
    model = Composed(parts, config, shapes).eval()
    gen = random.Random(source_key)
    V, T = len(config["source_vocab"]), config["max_source_length"]
    probe = [[gen.randrange(V) for _ in range(n)] for n in (T, max(4, T - 3), 6)]
    scale(model, gain)
    reached = peak(model, probe)
    gain_total = gain
    while reached is not None and reached < 2.0 and gain_total < 60:  # attention not peaked enough yet
        scale_only_attention(model, 2.0)
        gain_total *= 2.0
        reached = peak(model, probe)
    lengths = [1, gen.randint(2, 5), gen.randint(6, T)]
    choose_eos(model, config, probe + [[gen.randrange(V) for _ in range(n)] for n in (1, 3)])
    cases, beams, dropped = [], [], 0
    for n in lengths:
        for attempt in range(20):
            ids = [gen.randrange(V) for _ in range(n)]
            r = model.greedy(ids)
            if greedy_margin(r) < MARGIN:
                dropped += 1
                continue
            runs = []
            for o in beam_settings(model):
                o = {**o, "maxLength": config["max_target_length"]}
                b = beam_search(model, config, ids, **o)
                if b["min_margin"] is not None and b["min_margin"] < MARGIN:
                    break
                runs.append((o, b))
            else:
                name = f"len{n}"
                cases.append({"name": name, "input": None, "source_ids": ids, **r})
                for o, b in runs:
                    beams.append({"name": name, "input": None, "source_ids": ids, "options": o,
                                  "nBest": [{kk: h[kk] for kk in ("ids", "log_probs", "score", "finished")} for h in b["nBest"]],
                                  "min_margin": b["min_margin"], "min_margin_at": b["min_margin_at"], "near_ties": b["near_ties"]})
                break
            dropped += 1
    folder = os.path.join(out, f"case-{k}")
    os.makedirs(folder, exist_ok=True)
    save_file({_saved_name(name, renames): t.detach().contiguous() for name, t in model.state_dict().items() if name not in drop},
              os.path.join(folder, "model.safetensors"),
              metadata={"format": "pt"})
    full = {**config, "parts": parts}
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(full, f, indent=1)
    torch_version = torch.__version__
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as f:
        json.dump({"architecture": "composition", "torch_version": torch_version, "cases": cases}, f)
    with open(os.path.join(folder, "beam.json"), "w", encoding="utf-8") as f:
        json.dump({"architecture": "composition", "torch_version": torch_version, "eps": 1e-5, "cases": beams}, f)
    return {"case": k, "key": key, "folder": f"case-{k}", "parts": parts, "attends": model.attends,
            "peak": reached, "attention_gain": gain_total, "sources": len(cases), "beams": len(beams), "redrawn_sources": dropped,
            "lengths": [len(c["ids"]) for c in cases]}


def scale_only_attention(model, gain):
    with torch.no_grad():
        for attr in ("_att_W", "_att_U"):
            m = getattr(model, attr, None)
            if m is not None:
                m.weight.mul_(gain)
        v = getattr(model, "_att_v", None)
        if v is not None:
            (v.weight if isinstance(v, torch.nn.Linear) else v).mul_(gain)
        if model.parts["attention"]["kind"] == "dot":
            for t in [*model._enc.parameters(), *model._dec_params()]:
                t.mul_(math.sqrt(gain))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--only", type=int, default=None, help="only case K (as drawn in a run of this seed)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    ks = [args.only] if args.only is not None else range(args.count)
    index = [make_case(args.out, args.seed, k) for k in ks]
    with open(os.path.join(args.out, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": args.seed, "torch_version": torch.__version__, "cases": index}, f, indent=1)
    for c in index:
        pk = "-" if c["peak"] is None else f"{c['peak']:.2f}"
        print(f"case {c['case']:3d}: {c['sources']} sources, {c['beams']} beams, peak {pk}, lengths {c['lengths']}")


if __name__ == "__main__":
    main()
