"""PyTorch fixtures of two compositions given as "parts" configs (docs/parts.md), written with
plain torch modules here (not from the parts JSON), for the options the preset fixtures do not
cover: an LSTM decoder over [c; E y] (context first) with a per-layer tanh(Linear) bridge and
c_0 = tanh(W_c [c_T; c_1]) per layer, relu additive scores over [h_j; q] with v stored (A, 1),
an output layer without a bias; a summed bidirectional GRU encoder, a decoder that is one
nn.GRUCell fed [E y; h~_{t-1}], s_0 = ->h_T, general attention (W q)^T h_j after the cell,
h~ = W [s; c] (no activation), a tanh deep output over [h~; E y].

  /usr/bin/python3 tools/make_parts_fixtures.py [--out test/compose/fixtures]

Each folder gets model.safetensors (config in __metadata__.seqattn) and reference.json: per case
the source ids, PyTorch's greedy ids, and per step the attention weights and the logits.
"""

import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

VS, VT, SOS, EOS, MAX_T = 20, 18, 1, 2, 20


class PerLayerLSTM(nn.Module):
    """Fixture A: bi-LSTM encoder (2 layers), 2-layer LSTM decoder over [c; E y]."""

    def __init__(self):
        super().__init__()
        self.src = nn.Embedding(VS, 6)
        self.tgt = nn.Embedding(VT, 5)
        self.enc = nn.LSTM(6, 4, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(8, 8)
        self.fc_cell = nn.Linear(8, 8)
        self.score = nn.Linear(8 + 8, 7)  # over [h_j; q]
        self.v = nn.Parameter(torch.randn(7, 1) * 0.5)  # (A, 1)
        self.dec = nn.LSTM(8 + 5, 8, num_layers=2)  # over [c; E y]
        self.out = nn.Linear(8 + 8, VT, bias=False)  # over [s; c]

    def encode(self, ids):
        x = self.src(torch.tensor(ids)).unsqueeze(1)
        hs, (hn, cn) = self.enc(x)  # hs (T, 1, 8), hn (4, 1, 4)
        hs = hs[:, 0]
        h0 = torch.stack([torch.tanh(self.fc(torch.cat([hn[2 * l, 0], hn[2 * l + 1, 0]]))) for l in range(2)]).unsqueeze(1)
        c0 = torch.stack([torch.tanh(self.fc_cell(torch.cat([cn[2 * l, 0], cn[2 * l + 1, 0]]))) for l in range(2)]).unsqueeze(1)
        return hs, (h0, c0)

    def step(self, y, state, hs):
        h, c = state
        q = h[-1, 0]
        e = torch.stack([self.v[:, 0] @ F.relu(self.score(torch.cat([hj, q]))) for hj in hs])
        a = torch.softmax(e, 0)
        ctx = a @ hs
        x = torch.cat([ctx, self.tgt(torch.tensor(y))]).view(1, 1, -1)
        out, state = self.dec(x, state)
        s = out[0, 0]
        return self.out(torch.cat([s, ctx])), a, state

    parts = {
        "cell": "lstm", "gru_convention": "reset_after",
        "embeddings": {"source": {"name": "src", "size": 6}, "target": {"name": "tgt", "size": 5}},
        "encoder": {"rnn": "enc", "layers": 2, "hidden_size": 4, "bidirectional": True, "merge": "concat", "reverse": False},
        "bridge": {"kind": "project", "from": "final_concat", "linear": {"name": "fc", "bias": True}, "activation": "tanh",
                   "layers": "per_layer", "cell": "project", "cell_linear": {"name": "fc_cell", "bias": True}},
        "attention": {"kind": "additive", "query": "before", "size": 7, "form": "joint", "linear": {"name": "score", "bias": True},
                      "order": "key_first", "activation": "relu", "v": {"name": "v", "bias": False, "layout": "column"}},
        "decoder": {"rnn": "dec", "layout": "pytorch", "layers": 2, "hidden_size": 8,
                    "input": {"parts": ["c", "e"], "linear": None, "activation": "none"}},
        "combine": None,
        "output": {"parts": ["s", "c"], "kind": "linear", "linear": {"name": "out", "bias": False}},
    }


class CellGRU(nn.Module):
    """Fixture B: summed bi-GRU encoder, one nn.GRUCell decoder with input feeding, general attention after the cell."""

    def __init__(self):
        super().__init__()
        self.src = nn.Embedding(VS, 6)
        self.tgt = nn.Embedding(VT, 4)
        self.enc = nn.GRU(6, 5, bidirectional=True)
        self.cell = nn.GRUCell(4 + 5, 5)  # over [E y; h~]
        self.W = nn.Linear(5, 5, bias=False)  # (W q)^T h_j
        self.combine = nn.Linear(5 + 5, 5)  # h~ = W [s; c] + b
        self.deep = nn.Linear(5 + 4, 6)  # t = tanh(W_t [h~; E y] + b_t)
        self.out = nn.Linear(6, VT)

    def encode(self, ids):
        x = self.src(torch.tensor(ids)).unsqueeze(1)
        out, hn = self.enc(x)
        hs = out[:, 0, :5] + out[:, 0, 5:]
        return hs, (hn[0, 0], torch.zeros(5))  # s_0 = ->h_T, h~_0 = 0

    def step(self, y, state, hs):
        s, ht = state
        ey = self.tgt(torch.tensor(y))
        s = self.cell(torch.cat([ey, ht]).unsqueeze(0), s.unsqueeze(0))[0]
        e = hs @ self.W(s)
        a = torch.softmax(e, 0)
        ctx = a @ hs
        ht = self.combine(torch.cat([s, ctx]))
        logits = self.out(torch.tanh(self.deep(torch.cat([ht, ey]))))
        return logits, a, (s, ht)

    parts = {
        "cell": "gru", "gru_convention": "reset_after",
        "embeddings": {"source": {"name": "src", "size": 6}, "target": {"name": "tgt", "size": 4}},
        "encoder": {"rnn": "enc", "layers": 1, "hidden_size": 5, "bidirectional": True, "merge": "sum", "reverse": False},
        "bridge": {"kind": "project", "from": "forward_last", "linear": None, "activation": "none", "layers": "first", "cell": "zero"},
        "attention": {"kind": "general", "query": "after", "linear": {"name": "W", "bias": False}, "convention": "query"},
        "decoder": {"rnn": "cell", "layout": "cell", "layers": 1, "hidden_size": 5,
                    "input": {"parts": ["e", "h_tilde"], "linear": None, "activation": "none"}},
        "combine": {"linear": {"name": "combine", "bias": True}, "parts": ["s", "c"], "activation": "none"},
        "output": {"parts": ["h_tilde", "e"], "kind": "tanh", "linear": {"name": "out", "bias": True}, "deep": {"linear": {"name": "deep", "bias": True}, "size": 6}},
    }


def run(model, ids):
    hs, state = model.encode(ids)
    y, out = SOS, {"ids": [], "attention": [], "logits": []}
    for _ in range(MAX_T):
        logits, a, state = model.step(y, state, hs)
        y = int(torch.argmax(logits))
        out["ids"].append(y)
        out["attention"].append(a.tolist())
        out["logits"].append(logits.tolist())
        if y == EOS:
            break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "compose", "fixtures"))
    args = ap.parse_args()
    for name, cls, seed in [("parts-lstm-per-layer", PerLayerLSTM, 11), ("parts-gru-cell", CellGRU, 12)]:
        torch.manual_seed(seed)
        model = cls().eval()
        with torch.no_grad():
            for p in model.parameters():
                p.uniform_(-0.8, 0.8)
            g = torch.Generator().manual_seed(seed)
            sources = [[3 + int(torch.randint(VS - 3, (1,), generator=g)) for _ in range(n)] for n in [1, 2, 5, 9, 14, 30]]
            cases = [{"name": f"case{i}", "source_ids": s, **run(model, s)} for i, s in enumerate(sources)]
        config = {"parts": cls.parts, "source_vocab": [f"s{i}" for i in range(VS)], "target_vocab": [f"t{i}" for i in range(VT)],
                  "sos_id": SOS, "eos_id": EOS, "max_source_length": 32, "max_target_length": MAX_T, "source_tokenizer": "word"}
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        tensors = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
        save_file(tensors, os.path.join(folder, "model.safetensors"), metadata={"seqattn": json.dumps(config)})
        with open(os.path.join(folder, "reference.json"), "w") as f:
            json.dump({"torch_version": torch.__version__, "cases": cases}, f)
        print(f"{name}: {len(cases)} cases, ids {[len(c['ids']) for c in cases]}", file=sys.stderr)


if __name__ == "__main__":
    main()
