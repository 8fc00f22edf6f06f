"""Export a "pytorch-tutorial" seqattn model to ONNX: the encoder, and ONE decoder step.

    /usr/bin/python3 tools/export_onnx.py MODEL [--out DIR] [--opset 13]

MODEL is a model file or folder (tools/seqattn_torch.py load_model). Writes DIR/encoder.onnx and
DIR/decoder_step.onnx (DIR defaults to the model's folder); the decode loop runs in the caller.
Batch B and source length T are dynamic axes, so the same files serve batch 1 and batch 16.

  encoder.onnx       src (B, T) int64 -> keys (B, T, H)    encoder outputs h_1..h_T
                                         keys_u (B, T, H)  Ua h_j + b (once per source)
                                         hidden (B, H)     s_0 = h_T
  decoder_step.onnx  y (B,) int64, hidden (B, H), keys (B, T, H), keys_u (B, T, H)
                     -> logits (B, V), hidden_out (B, H)

The step is the tutorial's AttnDecoderRNN.forward_step with Ua(keys) taken from the encoder
instead of recomputed at every step (the same arithmetic, as seqattn does it):
  scores = Va(tanh(Wa(s_{i-1}) + Ua keys)), a = softmax(scores), c = a @ keys,
  s_i = GRU([E y_{i-1}; c], s_{i-1}), logits = out(s_i).
torch.onnx.export writes the protobuf itself: the Python `onnx` package is not needed.
"""

import argparse
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seqattn_torch import load_model  # noqa: E402


class Encoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.encoder
        self.Ua = model.decoder.attention.Ua

    def forward(self, src):
        keys, hidden = self.encoder(src)  # (B, T, H), (1, B, H)
        return keys, self.Ua(keys), hidden[0]


class DecoderStep(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.decoder = model.decoder

    def forward(self, y, hidden, keys, keys_u):
        d = self.decoder
        embedded = d.embedding(y).unsqueeze(1)                                 # (B, 1, H)
        scores = d.attention.Va(torch.tanh(d.attention.Wa(hidden).unsqueeze(1) + keys_u))  # (B, T, 1)
        weights = F.softmax(scores.transpose(1, 2), dim=-1)                    # (B, 1, T)
        context = torch.bmm(weights, keys)                                     # (B, 1, H)
        output, h = d.gru(torch.cat((embedded, context), dim=2), hidden.unsqueeze(0))
        return d.out(output[:, 0]), h[0]


def export(model, config, out_dir, opset=13):
    os.makedirs(out_dir, exist_ok=True)
    H = config["hidden_size"]
    B, T = 2, 5
    src = torch.randint(0, len(config["source_vocab"]), (B, T))
    enc, step = Encoder(model).eval(), DecoderStep(model).eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the GRU export warns about batch_first shape inference
        keys, keys_u, hidden = enc(src)
        torch.onnx.export(enc, (src,), os.path.join(out_dir, "encoder.onnx"), opset_version=opset,
                          input_names=["src"], output_names=["keys", "keys_u", "hidden"],
                          dynamic_axes={"src": {0: "B", 1: "T"}, "keys": {0: "B", 1: "T"},
                                        "keys_u": {0: "B", 1: "T"}, "hidden": {0: "B"}})
        y = torch.full((B,), config["sos_id"], dtype=torch.long)
        torch.onnx.export(step, (y, hidden, keys, keys_u), os.path.join(out_dir, "decoder_step.onnx"),
                          opset_version=opset,
                          input_names=["y", "hidden", "keys", "keys_u"], output_names=["logits", "hidden_out"],
                          dynamic_axes={"y": {0: "B"}, "hidden": {0: "B"}, "keys": {0: "B", 1: "T"},
                                        "keys_u": {0: "B", 1: "T"}, "logits": {0: "B"}, "hidden_out": {0: "B"}})
    assert H == keys.shape[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--out")
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    model, config = load_model(args.model)
    if config["architecture"] != "pytorch-tutorial":
        raise SystemExit(f"{args.model}: architecture {config['architecture']!r}: only 'pytorch-tutorial' is exported")
    out = args.out or (args.model if os.path.isdir(args.model) else os.path.dirname(os.path.abspath(args.model)))
    export(model, config, out, args.opset)
    print(f"wrote {os.path.join(out, 'encoder.onnx')}, {os.path.join(out, 'decoder_step.onnx')}", file=sys.stderr)


if __name__ == "__main__":
    main()
