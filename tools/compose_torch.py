"""One PyTorch module for any seqattn composition: the model a config's `parts` block (docs/parts.md, the
contract) names, built from that block alone, with its tensor names, so that

    model = Composed(config["parts"], config)
    save_file(model.state_dict(), "model.safetensors")     # + config.json with these parts

is a file seqattn loads with that config. Written from the math of each part (no code copied); it is the reference the
property-based parity test (test/compose/random-parity.test.ts) draws random compositions against.

A composition (src/compose/description.ts, docs/parts.md) per source and per step:

  embeddings   E_src x_j, E_tgt y (tied: the target table is the source's)
  encoder      h_j: GRU or LSTM, L layers, one or two directions, [→h_j; ←h_j] or →h_j + ←h_j, source
               read reversed or not; each layer's final states (L, D, n) = PyTorch's h_n rows
  bridge       s_0 per decoder layer (c_0 for an LSTM):
                 zeros    s_0 = 0, c_0 = 0
                 final    order 'layer': layer l from encoder layer l's [→h; ←h]; 'pytorch': row l of h_n (L D, n)
                          (the chatbot's encoder_hidden[:L]); c_0 the same rows of the encoder's c, or 0
                 project  s_0 = act(W x + b) (act(x) without W), x = ←h_1 | →h_T | [→h_T; ←h_1] (of the top
                          encoder layer or of `layer`) | mean_j h_j | c; to the first layer (the others 0), to
                          every layer, or per layer (decoder layer l from encoder layer l's states, one W);
                          c_0 = 0, c_0 = s_0, or act(W_c x_c + b_c) of the same states of c_n
  attention    e_ij from a query q (s_{i-1} before the cell, h_t after it) and h_j,
                 a_ij = softmax_j e_ij,  c_i = Σ_j a_ij h_j
                 additive  v^T act(W q + b_W + U h_j + b_U) + b_v   (joint: one Linear over [q; h_j] or [h_j; q]);
                           v stored as Linear(A, 1) (and its bias), or a parameter (A), (1, A) or (A, 1)
                 dot       q^T h_j
                 general   q^T (W h_j + b) ('keys') | (W q + b)^T h_j ('query')
                 location  e_i = W [E y_{i-1}; s_{i-1}] + b over P positions, softmax over all P
                 local     (Luong et al. 2015, sec. 3.2) scores inside [p_t - D, p_t + D] only;
                           local-m p_t = t; local-p p_t = S σ(v_p^T tanh(W_p h_t)), a *= exp(-(s - p_t)^2 / (2 (D/2)^2))
                 summary   c = h_T (top layer, forward) or tanh(W h_T + b), fixed for the decode
  decoder      x_t = [parts] or act(W [parts] + b), parts an ordered concatenation of E y_{t-1}, c_t,
               h̃_{t-1} (h̃_0 = 0), s_{t-1} (the top layer's state);
               s_t = stacked GRU / LSTM (nn.GRU names, a stack of cells `layers.<k>`, or one cell)
  combine      h̃_t = act(W_c [parts] + b_c), act tanh | relu | none
  output       logits = W_o r + b_o over r = [parts] (s_t, c_t, E y_{t-1}, h̃_t in the given order), or
               through t = maxout(W_t r + b_t) (2l rows, pieces in pairs) | tanh(W_t r + b_t)

The model offers what tools/beam_reference.py steps (encode / initial / step / reorder, via
presets_torch.Preset) and greedy(source_ids) -> {ids, attention, logits, log_probs, score}.
`attends` is False when the steps compute no attention weights (rows of length 0).

Use /usr/bin/python3 (torch 1.13).
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from presets_torch import Preset  # noqa: E402
from seqattn_torch import gru_cell  # noqa: E402

__all__ = ["Composed", "normalize", "from_json", "to_json"]

READOUT = ("s", "c", "e", "hTilde")


def _lin_from(j):
    return None if j is None else {"name": j["name"], "bias": bool(j.get("bias", True)), **({"alternatives": j["alternatives"]} if j.get("alternatives") else {})}


def _lin_to(l):
    return None if l is None else {"name": l["name"], "bias": bool(l["bias"]), **({"alternatives": l["alternatives"]} if l.get("alternatives") else {})}


def _kebab(s):
    return s.replace("_", "-")


def _snake(s):
    return s.replace("-", "_")


def _part_from(p):
    return "hTilde" if p == "h_tilde" else p


def _part_to(p):
    return "h_tilde" if p == "hTilde" else p


def from_json(j):
    """The `parts` block of a config (docs/parts.md: snake_case, as Python writes it) as the composition this
    module reads (src/compose/description.ts's Composition: camelCase)."""
    emb, enc, dec, att, br, out = j["embeddings"], j["encoder"], j["decoder"], j["attention"], j["bridge"], j["output"]
    local = att.get("local")
    if local:
        local = {"mode": local["mode"], "D": local["window"],
                 **({"W_p": _lin_from(local["p_linear"]), "v_p": local["p_v"]} if local.get("p_linear") else {})}
    kind = att["kind"]
    if kind == "none":
        a = {"kind": "none"}
    elif kind == "summary":
        a = {"kind": "summary", "W": _lin_from(att.get("linear"))}
    elif kind == "dot":
        a = {"kind": "dot", "query": att["query"]}
    elif kind == "general":
        a = {"kind": "general", "query": att["query"], "W": _lin_from(att["linear"]), "convention": att["convention"]}
    elif kind == "location":
        a = {"kind": "location", "W": _lin_from(att["linear"]), "positions": att["positions"]}
    else:
        joint = att["form"] == "joint"
        v = att["v"]
        a = {"kind": "additive", "query": att["query"], "size": att["size"], "joint": joint,
             "W": _lin_from(att["linear"] if joint else att["query_linear"]), "U": None if joint else _lin_from(att["key_linear"]),
             "activation": att.get("activation", "tanh"),
             "v": {"name": v["name"], "bias": bool(v.get("bias", False)), **({"layout": v["layout"]} if v.get("layout") else {})}}
        if joint:
            a["order"] = _kebab(att.get("order", "query_first"))
    if local:
        a["local"] = local
    if br["kind"] == "zeros":
        b = {"kind": "zeros"}
    elif br["kind"] == "final":
        b = {"kind": "final", "order": br.get("order", "layer"), "cell": br.get("cell", "final")}
    else:
        b = {"kind": "project", "from": _kebab(br["from"]), "W": _lin_from(br.get("linear")), "activation": br["activation"],
             "layers": _kebab(br.get("layers", "first")), "cell": br.get("cell", "zero"), **({"layer": br["layer"]} if br.get("layer") is not None else {}),
             **({"cellW": _lin_from(br.get("cell_linear"))} if br.get("cell") == "project" else {})}
    inp = dec["input"]
    comb = j.get("combine")
    return {
        "cell": j["cell"], "gruConvention": j.get("gru_convention", "reset_after"),
        "embeddings": {"source": emb["source"]["name"], "sourceSize": emb["source"]["size"], "target": emb["target"]["name"],
                       "targetSize": emb["target"]["size"], **({"tiedTo": emb["target"]["tied_to"]} if emb["target"].get("tied_to") else {})},
        "encoder": {"rnn": enc["rnn"], "layers": enc["layers"], "hidden": enc["hidden_size"], "bidirectional": enc["bidirectional"],
                    "merge": enc.get("merge", "concat"), "reverse": enc.get("reverse", False)},
        "bridge": b, "attention": a,
        "decoder": {"rnn": dec["rnn"], "layout": dec.get("layout", "pytorch"), "layers": dec["layers"], "hidden": dec["hidden_size"],
                    "input": {"parts": [_part_from(q) for q in inp["parts"]], "W": _lin_from(inp.get("linear")), "activation": inp.get("activation", "none")}},
        "combine": None if not comb else {"W": _lin_from(comb["linear"]), "parts": [_part_from(q) for q in comb["parts"]], "activation": comb["activation"]},
        "output": {"parts": [_part_from(q) for q in out["parts"]], "kind": out.get("kind", "linear"), "out": _lin_from(out["linear"]),
                   **({"deep": {"W": _lin_from(out["deep"]["linear"]), "size": out["deep"]["size"]}} if out.get("deep") else {})},
    }


def to_json(c):
    """A composition (camelCase) as the `parts` block of a config (snake_case, every field written)."""
    a, b = c["attention"], c["bridge"]
    local = a.get("local")
    lj = {} if not local else {"local": {"mode": local["mode"], "window": local["D"],
                                         **({"p_linear": _lin_to(local["W_p"]), "p_v": local["v_p"]} if local.get("W_p") else {})}}
    if a["kind"] in ("none",):
        aj = {"kind": "none"}
    elif a["kind"] == "summary":
        aj = {"kind": "summary", "linear": _lin_to(a.get("W"))}
    elif a["kind"] == "dot":
        aj = {"kind": "dot", "query": a["query"], **lj}
    elif a["kind"] == "general":
        aj = {"kind": "general", "query": a["query"], "linear": _lin_to(a["W"]), "convention": a["convention"], **lj}
    elif a["kind"] == "location":
        aj = {"kind": "location", "linear": _lin_to(a["W"]), "positions": a["positions"]}
    else:
        v = a["v"]
        aj = {"kind": "additive", "query": a["query"], "size": a["size"],
              **({"form": "joint", "linear": _lin_to(a["W"]), "order": _snake(a.get("order", "query-first"))} if a["joint"]
                 else {"form": "separate", "query_linear": _lin_to(a["W"]), "key_linear": _lin_to(a["U"])}),
              "activation": a.get("activation", "tanh"),
              "v": {"name": v["name"], "bias": bool(v.get("bias", False)), **({"layout": v["layout"]} if v.get("layout") else {})}, **lj}
    if b["kind"] == "zeros":
        bj = {"kind": "zeros"}
    elif b["kind"] == "final":
        bj = {"kind": "final", "order": b["order"], "cell": b["cell"]}
    else:
        bj = {"kind": "project", "from": _snake(b["from"]), **({"layer": b["layer"]} if b.get("layer") is not None else {}),
              "linear": _lin_to(b.get("W")), "activation": b["activation"], "layers": _snake(b["layers"]), "cell": b["cell"],
              **({"cell_linear": _lin_to(b.get("cellW"))} if b["cell"] == "project" else {})}
    e, d, comb, out = c["embeddings"], c["decoder"], c.get("combine"), c["output"]
    return {
        "cell": c["cell"], "gru_convention": c.get("gruConvention", "reset_after"),
        "embeddings": {"source": {"name": e["source"], "size": e["sourceSize"]},
                       "target": {"name": e["target"], "size": e["targetSize"], **({"tied_to": e["tiedTo"]} if e.get("tiedTo") else {})}},
        "encoder": {"rnn": c["encoder"]["rnn"], "layers": c["encoder"]["layers"], "hidden_size": c["encoder"]["hidden"],
                    "bidirectional": c["encoder"]["bidirectional"], "merge": c["encoder"]["merge"], "reverse": c["encoder"]["reverse"]},
        "bridge": bj, "attention": aj,
        "decoder": {"rnn": d["rnn"], "layout": d["layout"], "layers": d["layers"], "hidden_size": d["hidden"],
                    "input": {"parts": [_part_to(q) for q in d["input"]["parts"]], "linear": _lin_to(d["input"].get("W")),
                              "activation": d["input"].get("activation", "none")}},
        "combine": None if not comb else {"linear": _lin_to(comb["W"]), "parts": [_part_to(q) for q in comb["parts"]], "activation": comb["activation"]},
        "output": {"parts": [_part_to(q) for q in out["parts"]], "kind": out["kind"], "linear": _lin_to(out["out"]),
                   **({"deep": {"linear": _lin_to(out["deep"]["W"]), "size": out["deep"]["size"]}} if out.get("deep") else {})},
    }


def _linear_names(c):
    """Every LinearName (and v) of a composition: dicts with a "name" and a "bias"."""
    if isinstance(c, dict):
        if "name" in c and "bias" in c:
            yield c
        for v in c.values():
            yield from _linear_names(v)
    elif isinstance(c, list):
        for v in c:
            yield from _linear_names(v)


def normalize(parts, shapes=None):
    """The description as this module reads it (src/compose/description.ts's Composition, camelCase): from the
    config's `parts` block (docs/parts.md, snake_case) or a Composition, a deep copy with the optional fields filled in. `shapes` ({tensor name: shape}, optional): a file's tensors, for what a
    description may leave to the file (how v is stored, the size of local-p's W_p), as seqattn reads them."""
    shapes = shapes or {}
    p = json.loads(json.dumps(parts))
    if "gru_convention" in p or isinstance(p["embeddings"].get("source"), dict):
        p = from_json(p)  # the config's `parts` block
    p.setdefault("gruConvention", "reset_after")
    att = p["attention"]
    if att["kind"] == "additive":
        att.setdefault("activation", "tanh")
        att.setdefault("order", "query-first")
        v = att["v"]
        if "layout" not in v:  # whichever the file has, under the name or one of its alternatives
            bare = next((shapes[n] for n in [v["name"], *v.get("alternatives", [])] if n in shapes), None)
            v["layout"] = "linear" if bare is None else {1: "vector"}.get(len(bare), "row" if bare and bare[0] == 1 else "column")
    local = att.get("local")
    if local and local["mode"] == "p" and "size" not in local:
        W_p = next((shapes[n + ".weight"] for n in [local["W_p"]["name"], *local["W_p"].get("alternatives", [])] if n + ".weight" in shapes), None)
        local["size"] = W_p[0] if W_p else att.get("size", p["decoder"]["hidden"])
    if p.get("combine"):
        p["combine"].setdefault("activation", "tanh")
    return p


def _act(kind, x):
    """tanh | relu | none (the identity)."""
    return torch.tanh(x) if kind == "tanh" else F.relu(x) if kind == "relu" else x


def _lin(d):
    """A LinearName: (name, bias)."""
    return d["name"], bool(d.get("bias", True))


class Composed(Preset):
    def __init__(self, parts, config, shapes=None):
        super().__init__()
        p = self.parts = normalize(parts, shapes)
        self.config = config
        self._cell_kind = p["cell"]
        self._reset_before = p["cell"] == "gru" and p["gruConvention"] == "reset_before"
        Vs, Vt = len(config["source_vocab"]), len(config["target_vocab"])
        emb, enc, dec, att = p["embeddings"], p["encoder"], p["decoder"], p["attention"]
        Es, Et = emb["sourceSize"], emb["targetSize"]
        self._src_emb = self._put(emb["source"], nn.Embedding(Vs, Es))
        if emb.get("tiedTo"):
            self._tgt_emb = self._src_emb
            if emb.get("target") and emb["target"] != emb["tiedTo"]:
                self._put(emb["target"], self._src_emb)  # one module under both names (both in the state_dict)
        else:
            self._tgt_emb = self._put(emb["target"], nn.Embedding(Vt, Et))

        # encoder
        n, Le, bi = enc["hidden"], enc["layers"], enc["bidirectional"]
        D = 2 if bi else 1
        rnn = nn.LSTM if self._cell_kind == "lstm" else nn.GRU
        self._enc = self._put(enc["rnn"], rnn(Es, n, Le, bidirectional=bi))
        self._d = 2 * n if bi and enc["merge"] == "concat" else n  # h_j
        self._final_size = D * n

        # attention
        kind = att["kind"]
        self.attends = kind not in ("none", "summary")
        H, Ld = dec["hidden"], dec["layers"]
        self._H, self._Ld = H, Ld
        self._context_size = self._d if self.attends else (0 if kind == "none" else (H if att.get("W") else n))
        if kind == "summary" and att.get("W"):
            self._summary_W = self._linear(att["W"], n, H)
        if kind == "additive":
            A = att["size"]
            if att["joint"]:
                self._att_W = self._linear(att["W"], H + self._d, A)
            else:
                self._att_W = self._linear(att["W"], H, A)
                self._att_U = self._linear(att["U"], self._d, A)
            self._att_v = self._vector(att["v"], A)
        elif kind == "general":
            self._att_W = self._linear(att["W"], self._d, H) if att["convention"] == "keys" else self._linear(att["W"], H, self._d)
        elif kind == "location":
            self._att_W = self._linear(att["W"], Et + H, att["positions"])
        local = att.get("local")
        if local and local["mode"] == "p":
            W_p = local["W_p"]
            A_p = local["size"]
            self._W_p = self._linear(W_p, H, A_p)
            self._v_p = self._put(local["v_p"], nn.Linear(A_p, 1, bias=False))

        # bridge
        br = p["bridge"]
        if br["kind"] == "project" and br.get("W"):
            x = {"summary": self._context_size, "final-concat": self._final_size, "backward-first": n, "forward-last": n,
                 "mean": self._d}[br["from"]]
            self._bridge_W = self._linear(br["W"], x, H)
        if br["kind"] == "project" and br["cell"] == "project" and br.get("cellW"):
            x = {"final-concat": self._final_size, "backward-first": n, "forward-last": n}[br["from"]]
            self._bridge_Wc = self._linear(br["cellW"], x, H)

        # decoder
        self._sizes = {"s": H, "c": self._context_size, "e": Et, "hTilde": H}
        inp = dec["input"]
        x_size = self._width(inp["parts"])
        if inp.get("W"):
            self._input_W = self._linear(inp["W"], x_size, H)
            x_size = H
        cell = nn.LSTMCell if self._cell_kind == "lstm" else nn.GRUCell
        if dec["layout"] == "cells":
            container = self._put(dec["rnn"], nn.Module())
            container.layers = nn.ModuleList([cell(x_size if k == 0 else H, H) for k in range(Ld)])
            self._dec_cells = container.layers
            self._dec = None
        elif dec["layout"] == "cell":  # one nn.GRUCell / nn.LSTMCell named <rnn> (a single layer)
            self._dec_cells = [self._put(dec["rnn"], cell(x_size, H))]
            self._dec = None
        else:
            self._dec = self._put(dec["rnn"], rnn(x_size, H, Ld))
            self._dec_cells = None

        # readout
        comb = p.get("combine")
        if comb:
            self._combine_W = self._linear(comb["W"], self._width(comb["parts"]), H)
        out = p["output"]
        R = self._width(out["parts"])
        if out["kind"] == "linear":
            self._out = self._linear(out["out"], R, Vt)
        else:
            l = out["deep"]["size"]
            self._deep = self._linear(out["deep"]["W"], R, 2 * l if out["kind"] == "maxout" else l)
            self._out = self._linear(out["out"], l, Vt)

    # ------------------------------------------------------------------ building by name

    # Its own attributes start with "_" (or are the interface beam_reference steps: config, parts, attends, encode,
    # initial, step, reorder, greedy), so a part named "cell", "sizes" or "H" at the top of the state_dict is free.

    def __setattr__(self, name, value):
        # self._x = module: a handle on a part registered by _put under its state_dict name, not a second registration
        if name.startswith("_") and isinstance(value, (nn.Module, nn.Parameter)):
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def _put(self, name, module):
        """Registers `module` (or a tensor as a parameter) at the dotted state_dict name `name`."""
        *path, last = name.split(".")
        parent = self
        for seg in path:
            if seg not in parent._modules:
                if hasattr(parent, seg):
                    raise ValueError(f"{name}: '{seg}' is taken by an attribute of {type(parent).__name__}")
                parent.add_module(seg, nn.Module())
            parent = parent._modules[seg]
        if isinstance(module, nn.Parameter):
            parent.register_parameter(last, module)
        else:
            if last in parent._modules:
                raise ValueError(f"{name}: registered twice")
            parent.add_module(last, module)
        return module

    def _linear(self, d, inp, out):
        name, bias = _lin(d)
        return self._put(name, nn.Linear(inp, out, bias=bias))

    def _vector(self, v, A):
        """v of an additive score: layout 'linear': `<name>.weight` (1, A) of a Linear(A, 1) (and `<name>.bias` when
        v.bias); else a bare parameter `<name>` (A,) 'vector', (1, A) 'row' or (A, 1) 'column'."""
        shape = {"vector": (A,), "row": (1, A), "column": (A, 1)}.get(v["layout"])
        if shape is None:
            return self._put(v["name"], nn.Linear(A, 1, bias=bool(v.get("bias", False))))
        return self._put(v["name"], nn.Parameter(torch.empty(shape).uniform_(-A ** -0.5, A ** -0.5)))

    def _v_energies(self, energy):
        """v^T x (+ b_v) over the last axis of (B, S, A) -> (B, S)."""
        v = self._att_v
        if isinstance(v, nn.Linear):
            return v(energy)[:, :, 0]
        return energy @ v.reshape(-1)

    def _width(self, parts):
        return sum(self._sizes[k] for k in parts)

    # ------------------------------------------------------------------ recurrences

    def _encoder_rnn(self, x):
        """x (T, 1, E) -> outputs (T, 1, D n), h_n (L D, 1, n), c_n or None."""
        rnn = self._enc
        if not self._reset_before:
            out, final = rnn(x)
            return (out, *final) if self._cell_kind == "lstm" else (out, final, None)
        D = 2 if rnn.bidirectional else 1
        below, finals = x, []
        for k in range(rnn.num_layers):
            outs = []
            for r in range(D):
                sfx = f"_l{k}" + ("_reverse" if r else "")
                gi = F.linear(below, getattr(rnn, "weight_ih" + sfx), getattr(rnn, "bias_ih" + sfx))
                h = x.new_zeros(1, rnn.hidden_size)
                seq = [None] * x.shape[0]
                for j in (range(x.shape[0] - 1, -1, -1) if r else range(x.shape[0])):
                    h = gru_cell(gi[j], h, getattr(rnn, "weight_hh" + sfx), getattr(rnn, "bias_hh" + sfx), reset_before=True)
                    seq[j] = h
                outs.append(torch.stack(seq))
                finals.append(h)
            below = torch.cat(outs, dim=-1)
        return below, torch.stack(finals), None

    def _decoder_rnn(self, x, h, c):
        """One step of the stacked decoder cell: x (B, in), h, c (L, B, H) -> top h (B, H), h, c."""
        if self._dec is not None and not self._reset_before:
            if self._cell_kind == "lstm":
                out, (h, c) = self._dec(x.unsqueeze(0), (h, c))
            else:
                out, h = self._dec(x.unsqueeze(0), h)
            return out[0], h, c
        hs, cs = [], []
        for k in range(self._Ld):
            if self._dec_cells is not None:
                layer = self._dec_cells[k]
                w_ih, w_hh, b_ih, b_hh = layer.weight_ih, layer.weight_hh, layer.bias_ih, layer.bias_hh
            else:
                w_ih, w_hh, b_ih, b_hh = (getattr(self._dec, f"{w}_l{k}") for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            if self._cell_kind == "lstm":
                hk, ck = self._dec_cells[k](x, (h[k], c[k]))
                cs.append(ck)
            elif self._reset_before:
                hk = gru_cell(F.linear(x, w_ih, b_ih), h[k], w_hh, b_hh, reset_before=True)
            else:
                hk = self._dec_cells[k](x, h[k])
            hs.append(hk)
            x = hk
        return x, torch.stack(hs), (torch.stack(cs) if cs else c)

    # ------------------------------------------------------------------ per source

    def encode(self, src):
        """src (1, Tx) ids -> memory: annotations (1, Tx, d), summary (1, Hc) or None, s_0, c_0 (L, 1, H), Tx."""
        p, enc = self.parts, self.parts["encoder"]
        if enc["reverse"]:
            src = src.flip(1)
        out, h_n, c_n = self._encoder_rnn(self._src_emb(src.t()))  # (T, 1, D n)
        n = enc["hidden"]
        if enc["bidirectional"] and enc["merge"] == "sum":
            out = out[:, :, :n] + out[:, :, n:]
        h = out.transpose(0, 1)  # (1, Tx, d)
        Le, D = enc["layers"], 2 if enc["bidirectional"] else 1
        finalH = h_n.view(Le, D, 1, n).permute(0, 2, 1, 3).reshape(Le, 1, D * n)  # (L, 1, D n): [→h; ←h] per layer
        finalC = c_n.view(Le, D, 1, n).permute(0, 2, 1, 3).reshape(Le, 1, D * n) if c_n is not None else None
        att = p["attention"]
        summary = None
        if att["kind"] == "summary":
            hT = finalH[-1][:, :n]  # the top layer's last (forward) state
            summary = torch.tanh(self._summary_W(hT)) if att.get("W") else hT
        H, L = self._H, self._Ld
        s0 = h.new_zeros(L, 1, H)
        c0 = h.new_zeros(L, 1, H)
        br = p["bridge"]
        if br["kind"] == "final":
            rows_h, rows_c = (finalH, finalC) if br["order"] == "layer" else (h_n, c_n)
            s0 = rows_h[:L].clone()
            if rows_c is not None and br["cell"] == "final":
                c0 = rows_c[:L].clone()
        elif br["kind"] == "project":
            def source(final, k):
                """x of encoder layer k from its final states (L, 1, D n) (h_n, or c_n)."""
                row = final[k]
                return {"summary": lambda: summary, "final-concat": lambda: row, "forward-last": lambda: row[:, :n],
                        "backward-first": lambda: row[:, n:2 * n], "mean": lambda: h.mean(dim=1)}[br["from"]]()

            def project(W, x):
                return _act(br["activation"], W(x) if W is not None else x)
            per_layer = br["layers"] == "per-layer"
            for k in range(L if per_layer else 1):
                layer = k if per_layer else br["layer"] if br.get("layer") is not None else -1
                s0[k] = project(getattr(self, "_bridge_W", None), source(finalH, layer))
                if br["cell"] == "project" and finalC is not None:
                    c0[k] = project(getattr(self, "_bridge_Wc", None), source(finalC, layer))
            if br["layers"] == "every":
                s0[1:] = s0[0]
                if br["cell"] == "project":
                    c0[1:] = c0[0]
            if br["cell"] == "same":
                k = 1 if br["layers"] == "first" else L
                c0[:k] = s0[:k]
        keys = None
        if att["kind"] == "additive":
            if att["joint"]:
                keys = F.linear(h, self._joint_blocks()[1], self._att_W.bias)  # U h_j + b
            else:
                keys = self._att_U(h)
        elif att["kind"] == "general" and att["convention"] == "keys":
            keys = self._att_W(h)
        return {"h": h, "keys": keys, "summary": summary, "s0": s0, "c0": c0, "Tx": src.shape[1]}

    def initial(self, memory):
        """(h (L, 1, H), c (L, 1, H), h̃_0 = 0 (1, H), t = 0, c_0 = 0 (1, context size): the context a cell
        after which the attention runs reads, c_{t-1})."""
        return (memory["s0"], memory["c0"], memory["s0"].new_zeros(1, self._H), 0, memory["s0"].new_zeros(1, self._context_size))

    def reorder(self, state, idx):
        h, c, h_tilde, t, c_prev = state
        return h.index_select(1, idx), c.index_select(1, idx), h_tilde.index_select(0, idx), t, c_prev.index_select(0, idx)

    # ------------------------------------------------------------------ per step

    def _joint_blocks(self):
        """W, U: the column blocks of one Linear over [q; h_j] ('query-first') or [h_j; q] ('key-first')."""
        W, H = self._att_W.weight, self._H
        return (W[:, :H], W[:, H:]) if self.parts["attention"]["order"] == "query-first" else (W[:, self._d:], W[:, :self._d])

    def _attend(self, q, memory, B, t, prev_emb):
        """q (B, H) -> a (B, Tx), c (B, d)."""
        att = self.parts["attention"]
        h = memory["h"].expand(B, -1, -1)  # (B, S, d)
        S = h.shape[1]
        kind = att["kind"]
        if kind == "location":
            P = att["positions"]
            a = F.softmax(self._att_W(torch.cat([prev_emb, q], 1)), dim=1)  # over all P positions
            padded = h.new_zeros(B, P, h.shape[2])
            padded[:, :S] = h
            return a[:, :S], torch.bmm(a.unsqueeze(1), padded)[:, 0]
        if kind == "additive":
            Wq = F.linear(q, self._joint_blocks()[0]) if att["joint"] else self._att_W(q)
            e = self._v_energies(_act(att["activation"], Wq.unsqueeze(1) + memory["keys"].expand(B, -1, -1)))  # (B, S)
        elif kind == "dot":
            e = torch.bmm(h, q.unsqueeze(2))[:, :, 0]
        elif att["convention"] == "keys":
            e = torch.bmm(memory["keys"].expand(B, -1, -1), q.unsqueeze(2))[:, :, 0]
        else:
            e = torch.bmm(h, self._att_W(q).unsqueeze(2))[:, :, 0]
        local = att.get("local")
        if not local:
            a = F.softmax(e, dim=-1)
        else:
            Dw = local["D"]
            s = torch.arange(1, S + 1, dtype=q.dtype).unsqueeze(0)
            if local["mode"] == "m":
                pt = torch.full((B, 1), float(min(t, S)), dtype=q.dtype)
            else:
                pt = S * torch.sigmoid(self._v_p(torch.tanh(self._W_p(q))))  # (B, 1)
            inside = (s >= pt - Dw) & (s <= pt + Dw)
            a = F.softmax(e.masked_fill(~inside, float("-inf")), dim=-1)
            if local["mode"] == "p":
                sigma = Dw / 2
                a = a * torch.exp(-((s - pt) ** 2) / (2 * sigma * sigma))
        return a, torch.bmm(a.unsqueeze(1), h)[:, 0]

    def _cat(self, parts, got):
        return torch.cat([got[k] for k in parts], 1)

    def step(self, y, state, memory):
        """y (B,) ids y_{i-1} -> logits (B, V), attention (B, Tx) (B, 0 without attention), state."""
        p = self.parts
        h, c, h_tilde, t, c_prev = state
        B = y.shape[0]
        att = p["attention"]
        Ey = self._tgt_emb(y)
        ctx = None
        a = Ey.new_zeros(B, 0)
        before = self.attends and (att["kind"] == "location" or att.get("query") == "before")
        if att["kind"] == "summary":
            ctx = memory["summary"].expand(B, -1)
        t += 1  # step t (1-based): local-m's p_t = t, the target position, before or after the cell
        if before:
            a, ctx = self._attend(h[-1], memory, B, t, Ey)
        inp = p["decoder"]["input"]
        # "c" in the cell's input: c_t (attention before the cell, or the summary), else c_{t-1} (c_0 = 0)
        x = self._cat(inp["parts"], {"e": Ey, "c": ctx if ctx is not None else c_prev.expand(B, -1), "hTilde": h_tilde, "s": h[-1]})
        if inp.get("W"):
            x = _act(inp["activation"], self._input_W(x))
        top, h, c = self._decoder_rnn(x, h, c)
        if self.attends and not before:
            a, ctx = self._attend(top, memory, B, t, Ey)
        got = {"s": top, "c": ctx, "e": Ey}
        comb = p.get("combine")
        if comb:
            h_tilde = _act(comb["activation"], self._combine_W(self._cat(comb["parts"], got)))
            got["hTilde"] = h_tilde
        out = p["output"]
        r = self._cat(out["parts"], got)
        if out["kind"] == "maxout":
            r = self._deep(r).view(B, -1, 2).max(dim=2).values  # pieces in pairs
        elif out["kind"] == "tanh":
            r = torch.tanh(self._deep(r))
        return self._out(r), a, (h, c, h_tilde, t, ctx if self.attends and not before else c_prev)

    def as_module_names(self, tensors):
        """A file's tensors ({name: tensor}) under this module's names: a Linear or v the file holds under one of
        its "alternatives" renamed to its name (as seqattn resolves them)."""
        p, out = self.parts, dict(tensors)

        def named(d):
            if not d or not d.get("alternatives"):
                return
            for alt in d["alternatives"]:
                for leaf in ("weight", "bias", None):
                    a, n = (f"{alt}.{leaf}", f"{d['name']}.{leaf}") if leaf else (alt, d["name"])
                    if a in out and n not in out:
                        out[n] = out.pop(a)
        for d in _linear_names(p):
            named(d)
        return out

    def _dec_params(self):
        """The decoder cell's parameters."""
        return list(self._dec.parameters()) if self._dec is not None else [t for c in self._dec_cells for t in c.parameters()]

    def output_layer(self):
        return self._out


def main():
    """python3 tools/compose_torch.py CONFIG.json [--weights FILE.safetensors] [--source "3 5 8"]: builds the module
    of CONFIG's parts, loads FILE strictly (listing the names the parts expect and the file lacks, and the
    file's names no part reads) and prints PyTorch's greedy decode of the source ids."""
    import argparse

    from safetensors_io import load_file

    ap = argparse.ArgumentParser(description=main.__doc__.split(":")[0])
    ap.add_argument("config")
    ap.add_argument("--weights")
    ap.add_argument("--source", default="", help="source ids, space separated")
    args = ap.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    if "parts" not in config:
        sys.exit(f"{args.config}: no \"parts\" block (docs/parts.md)")
    tensors = load_file(args.weights)[0] if args.weights else {}
    model = Composed(config["parts"], config, {k: list(v.shape) for k, v in tensors.items()})
    if args.weights:
        tensors = model.as_module_names(tensors)
        missing, unexpected = model.load_state_dict(tensors, strict=False)
        emb = model.parts["embeddings"]
        if emb.get("tiedTo"):  # the target table is the source's when the file has no target name
            missing = [n for n in missing if n != emb["target"] + ".weight"]
        for name in missing:
            print(f"missing in {args.weights}: {name} {list(model.state_dict()[name].shape)}")
        for name in unexpected:
            print(f"not read by the parts: {name} {list(tensors[name].shape)}")
        if missing or unexpected:
            sys.exit(1)
    else:
        print("(random weights: no --weights given)")
    for name, t in model.state_dict().items():
        print(f"  {name} {list(t.shape)}")
    if args.source:
        r = model.eval().greedy([int(x) for x in args.source.split()])
        print(json.dumps({k: r[k] for k in ("ids", "log_probs", "score")}))


if __name__ == "__main__":
    main()
