"""Public PyTorch encoder-decoder implementations, rebuilt with each project's own module attribute
names and forward() math (written here from reading them, none of their code copied), trained briefly
on a toy task (reverse a string of 1-6 digits), saved as their code saves them (`state_dict()` to
safetensors, the project's names, no seqattn metadata) with the `parts` config a user writes from
docs/your-model.md ("Your model is not a preset"). test/compose/public-impls.test.ts loads each
folder and checks seqattn's greedy ids, attention and logits against reference.json.

  /usr/bin/python3 tools/make_public_impls.py [--out test/compose/public-fixtures] [--steps 1200]

The projects (per decoder step t; y_0 = <s>, q the attention query, h_j the annotations):
- joey-gru-bahdanau: Joey NMT RecurrentEncoder / RecurrentDecoder, GRU, init_hidden "bridge",
  BahdanauAttention, input feeding. s_0 = tanh(bridge_layer([->h_T; <-h_1])) in every layer;
  s_t = GRU([E y; h~_{t-1}], s_{t-1}); e_tj = energy_layer(tanh(query_layer(s_t) + key_layer(h_j)));
  h~_t = tanh(att_vector_layer([s_t; c_t])); logits = output_layer(h~_t) (no bias).
- joey-lstm-luong: the same with LSTMs, LuongAttention e_tj = s_t^T key_layer(h_j), c_0 = s_0.
- fairseq-lstm: fairseq/models/lstm.py LSTMEncoder / LSTMDecoder / AttentionLayer. Decoder layer l
  starts from encoder_hidden_proj([->h_T; <-h_1] of encoder layer l) (no activation) and
  encoder_cell_proj of the cells; stacked LSTMCells over [E y; input_feed]; e_tj = input_proj(s_t)^T h_j;
  h~_t = tanh(output_proj([c_t; s_t])) (no biases); logits = fc_out(h~_t).
- fairseq-lstm-shared: the same with encoder output units = the decoder's size (no projections: decoder
  layer l starts from encoder layer l's [fwd; bwd] h and c) and share_decoder_input_output_embed:
  logits = E_tgt h~_t, the embedding table read through tensor_names as a bias-free output layer.
- ibm-seq2seq: IBM pytorch-seq2seq EncoderRNN / DecoderRNN / Attention. A bidirectional LSTM whose
  final (h, c) per layer are [fwd; bwd] (_cat_directions); dot attention after the cell;
  h~_t = tanh(linear_out([c_t; s_t])); logits = out(h~_t) (log_softmax in the project: same argmax).
- allennlp-simple-seq2seq: AllenNLP SimpleSeq2Seq with AdditiveAttention. s_0 = [->h_T; <-h_1],
  c_0 = 0; e_tj = v^T tanh(s_{t-1} W + h_j U) with raw (in, out) matrices; s_t = LSTMCell([c_t; E y]);
  logits = _output_projection_layer(s_t).
- keon-seq2seq: keon/seq2seq. A 2-layer bidirectional GRU, directions summed; s_0 = h_n[:2] (rows of
  the bidirectional h_n, as PyTorch orders them); e_tj = v . relu(attn([s_{t-1}; h_j])), v a bare
  (H,) parameter; s_t = GRU([E y; c_t]); logits = out([s_t; c_t]).
- d2l-bahdanau: d2l.ai Seq2SeqEncoder / Seq2SeqAttentionDecoder / AdditiveAttention. s_0 = the
  encoder's final state of every layer; e_tj = w_v(tanh(W_q s_{t-1} + W_k h_j)) (no biases);
  s_t = GRU([c_t; E y]); logits = dense(s_t).
- spro-general, spro-concat: spro/practical-pytorch's AttnDecoderRNN. s_0 = the encoder's final states;
  s_t = GRU([E y; c_{t-1}]) (last_context, c_0 = 0); e_tj = s_t . attn(h_j) (general) or
  other . attn([s_t; h_j]) (concat, no activation: a_tj does not depend on the step);
  logits = out([s_t; c_t]).
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

PAD, SOS, EOS = 0, 1, 2
V = 13  # <pad> <s> </s> and the digits 0-9 (ids 3..12)
MAX_T = 12
VOCAB = ["<pad>", "<s>", "</s>"] + [str(d) for d in range(10)]


def lin(name, bias):
    return {"name": name, "bias": bias}


# ---------------------------------------------------------------------------------------------
class JoeyRecurrent(nn.Module):
    """Joey NMT: src_embed / trg_embed (Embeddings.lut), encoder.rnn, decoder.{rnn, bridge_layer,
    attention, att_vector_layer, output_layer}."""

    def __init__(self, cell, attention):
        super().__init__()
        self.cell, self.kind = cell, attention
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.src_embed = nn.Module()
        self.src_embed.lut = nn.Embedding(V, 6, padding_idx=PAD)
        self.trg_embed = nn.Module()
        self.trg_embed.lut = nn.Embedding(V, 5, padding_idx=PAD)
        self.encoder = nn.Module()
        self.encoder.rnn = rnn(6, 5, num_layers=1 if cell == "gru" else 2, bidirectional=True)
        self.decoder = nn.Module()
        d = self.decoder
        d.rnn = rnn(5 + 8, 8, num_layers=2 if cell == "gru" else 1)  # input feeding: [E y; h~]
        d.bridge_layer = nn.Linear(10, 8)
        d.attention = nn.Module()
        if attention == "bahdanau":
            d.attention.key_layer = nn.Linear(10, 8, bias=False)
            d.attention.query_layer = nn.Linear(8, 8, bias=False)
            d.attention.energy_layer = nn.Linear(8, 1, bias=False)
        else:
            d.attention.key_layer = nn.Linear(10, 8, bias=False)
        d.att_vector_layer = nn.Linear(8 + 10, 8)
        d.output_layer = nn.Linear(8, V, bias=False)
        self.dec_layers = d.rnn.num_layers

    def encode(self, ids):
        x = self.src_embed.lut(torch.tensor(ids)).unsqueeze(1)
        hs, hn = self.encoder.rnn(x)
        if self.cell == "lstm":
            hn = hn[0]
        L = self.encoder.rnn.num_layers
        last = hn.view(L, 2, 1, 5)[-1]  # the top layer's forward and backward final states
        final = torch.cat([last[0], last[1]], dim=1)
        h0 = torch.tanh(self.decoder.bridge_layer(final)).unsqueeze(0).repeat(self.dec_layers, 1, 1)
        hidden = (h0, h0) if self.cell == "lstm" else h0
        return hs[:, 0], (hidden, torch.zeros(1, 1, 8))

    def step(self, y, state, hs):
        hidden, prev_att = state
        d = self.decoder
        emb = self.trg_embed.lut(torch.tensor([[y]]))
        _, hidden = d.rnn(torch.cat([emb, prev_att], dim=2), hidden)
        q = (hidden[0] if self.cell == "lstm" else hidden)[-1]  # (1, 8), the new top state
        if self.kind == "bahdanau":
            e = d.attention.energy_layer(torch.tanh(d.attention.query_layer(q) + d.attention.key_layer(hs)))[:, 0]
        else:
            e = d.attention.key_layer(hs) @ q[0]
        a = torch.softmax(e, 0)
        ctx = (a @ hs).unsqueeze(0)
        att = torch.tanh(d.att_vector_layer(torch.cat([q, ctx], dim=1)))
        return d.output_layer(att)[0], a, (hidden, att.unsqueeze(0))

    def parts(self):
        lstm = self.cell == "lstm"
        if self.kind == "bahdanau":
            attention = {"kind": "additive", "query": "after", "size": 8, "form": "separate",
                         "query_linear": lin("decoder.attention.query_layer", False),
                         "key_linear": lin("decoder.attention.key_layer", False),
                         "activation": "tanh", "v": {"name": "decoder.attention.energy_layer", "bias": False, "layout": "linear"}}
        else:
            attention = {"kind": "general", "query": "after", "convention": "keys", "linear": lin("decoder.attention.key_layer", False)}
        return {
            "cell": self.cell,
            "embeddings": {"source": {"name": "src_embed.lut", "size": 6}, "target": {"name": "trg_embed.lut", "size": 5}},
            "encoder": {"rnn": "encoder.rnn", "layers": 2 if lstm else 1, "hidden_size": 5, "bidirectional": True, "merge": "concat"},
            "bridge": {"kind": "project", "from": "final_concat", "linear": lin("decoder.bridge_layer", True), "activation": "tanh",
                       "layers": "every", "cell": "same" if lstm else "zero"},
            "attention": attention,
            "decoder": {"rnn": "decoder.rnn", "layout": "pytorch", "layers": 1 if lstm else 2, "hidden_size": 8,
                        "input": {"parts": ["e", "h_tilde"]}},
            "combine": {"linear": lin("decoder.att_vector_layer", True), "parts": ["s", "c"], "activation": "tanh"},
            "output": {"parts": ["h_tilde"], "kind": "linear", "linear": lin("decoder.output_layer", False)},
        }


# ---------------------------------------------------------------------------------------------
class FairseqLSTM(nn.Module):
    """fairseq lstm: encoder.{embed_tokens, lstm}; decoder.{embed_tokens, encoder_hidden_proj,
    encoder_cell_proj, layers.<k> (LSTMCell), attention.{input_proj, output_proj}, fc_out}."""

    def __init__(self, shared=False):
        super().__init__()
        # shared: share_decoder_input_output_embed (logits = E_tgt h~, no fc_out), and encoder output units
        # 2 x 4 = the decoder's hidden 8 (no encoder_hidden_proj / encoder_cell_proj)
        self.shared, n = shared, 4 if shared else 5
        self.encoder = nn.Module()
        self.encoder.embed_tokens = nn.Embedding(V, 6, padding_idx=PAD)
        self.encoder.lstm = nn.LSTM(6, n, num_layers=2, bidirectional=True)
        self.decoder = d = nn.Module()
        E = 8 if shared else 5
        d.embed_tokens = nn.Embedding(V, E, padding_idx=PAD)
        if not shared:
            d.encoder_hidden_proj = nn.Linear(2 * n, 8)  # encoder output units 10 != decoder hidden 8
            d.encoder_cell_proj = nn.Linear(2 * n, 8)
        d.layers = nn.ModuleList([nn.LSTMCell(E + 8, 8), nn.LSTMCell(8, 8)])
        d.attention = nn.Module()
        d.attention.input_proj = nn.Linear(8, 2 * n, bias=False)
        d.attention.output_proj = nn.Linear(8 + 2 * n, 8, bias=False)
        if not shared:
            d.fc_out = nn.Linear(8, V)

    def encode(self, ids):
        x = self.encoder.embed_tokens(torch.tensor(ids)).unsqueeze(1)
        hs, (hn, cn) = self.encoder.lstm(x)

        n = self.encoder.lstm.hidden_size

        def combine_bidir(outs):  # (2L, 1, n) -> (L, 1, 2n), [fwd; bwd] per layer
            return outs.view(2, 2, 1, n).transpose(1, 2).contiguous().view(2, 1, 2 * n)
        hn, cn = combine_bidir(hn), combine_bidir(cn)
        d = self.decoder
        if self.shared:
            return hs[:, 0], ([hn[i] for i in range(2)], [cn[i] for i in range(2)], torch.zeros(1, 8))
        h = [d.encoder_hidden_proj(hn[i]) for i in range(2)]
        c = [d.encoder_cell_proj(cn[i]) for i in range(2)]
        return hs[:, 0], (h, c, torch.zeros(1, 8))

    def step(self, y, state, hs):
        h, c, feed = state
        d = self.decoder
        x = d.embed_tokens(torch.tensor([y]))
        inp = torch.cat([x, feed], dim=1)
        h, c = list(h), list(c)
        for i, rnn in enumerate(d.layers):
            h[i], c[i] = rnn(inp, (h[i], c[i]))
            inp = h[i]
        q = d.attention.input_proj(h[-1])  # (1, 10)
        a = torch.softmax(hs @ q[0], 0)
        ctx = (a @ hs).unsqueeze(0)
        out = torch.tanh(d.attention.output_proj(torch.cat([ctx, h[-1]], dim=1)))
        logits = F.linear(out, d.embed_tokens.weight) if self.shared else d.fc_out(out)
        return logits[0], a, (h, c, out)

    def parts(self):
        n = self.encoder.lstm.hidden_size
        return {
            "cell": "lstm",
            "embeddings": {"source": {"name": "encoder.embed_tokens", "size": 6}, "target": {"name": "decoder.embed_tokens", "size": 8 if self.shared else 5}},
            "encoder": {"rnn": "encoder.lstm", "layers": 2, "hidden_size": n, "bidirectional": True, "merge": "concat"},
            "bridge": {"kind": "final", "order": "layer", "cell": "final"} if self.shared else
                      {"kind": "project", "from": "final_concat", "linear": lin("decoder.encoder_hidden_proj", True), "activation": "none",
                       "layers": "per_layer", "cell": "project", "cell_linear": lin("decoder.encoder_cell_proj", True)},
            "attention": {"kind": "general", "query": "after", "convention": "query", "linear": lin("decoder.attention.input_proj", False)},
            "decoder": {"rnn": "decoder", "layout": "cells", "layers": 2, "hidden_size": 8, "input": {"parts": ["e", "h_tilde"]}},
            "combine": {"linear": lin("decoder.attention.output_proj", False), "parts": ["c", "s"], "activation": "tanh"},
            "output": {"parts": ["h_tilde"], "kind": "linear", "linear": lin("decoder.fc_out", not self.shared)},
        }

    @property
    def tensor_names(self):  # the output layer reads the target embedding's table (one file tensor, two uses)
        return {"decoder.fc_out.weight": "decoder.embed_tokens.weight"} if self.shared else {}


# ---------------------------------------------------------------------------------------------
class IBMSeq2seq(nn.Module):
    """IBM pytorch-seq2seq: encoder.{embedding, rnn}; decoder.{embedding, rnn, attention.linear_out, out}."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(V, 5)
        self.encoder.rnn = nn.LSTM(5, 5, num_layers=2, bidirectional=True)
        self.decoder = d = nn.Module()
        d.embedding = nn.Embedding(V, 10)  # the decoder's embedding is hidden_size wide
        d.rnn = nn.LSTM(10, 10, num_layers=2)
        d.attention = nn.Module()
        d.attention.linear_out = nn.Linear(20, 10)
        d.out = nn.Linear(10, V)

    def encode(self, ids):
        x = self.encoder.embedding(torch.tensor(ids)).unsqueeze(1)
        hs, (hn, cn) = self.encoder.rnn(x)

        def cat_directions(h):  # rows 0, 2 (forward) beside rows 1, 3 (backward)
            return torch.cat([h[0:h.size(0):2], h[1:h.size(0):2]], 2)
        return hs[:, 0], (cat_directions(hn), cat_directions(cn))

    def step(self, y, state, hs):
        d = self.decoder
        out, state = d.rnn(d.embedding(torch.tensor([[y]])), state)
        s = out[0]  # (1, 10)
        a = torch.softmax(hs @ s[0], 0)
        mix = (a @ hs).unsqueeze(0)
        h = torch.tanh(d.attention.linear_out(torch.cat([mix, s], dim=1)))
        return d.out(h)[0], a, state

    def parts(self):
        return {
            "cell": "lstm",
            "embeddings": {"source": {"name": "encoder.embedding", "size": 5}, "target": {"name": "decoder.embedding", "size": 10}},
            "encoder": {"rnn": "encoder.rnn", "layers": 2, "hidden_size": 5, "bidirectional": True, "merge": "concat"},
            "bridge": {"kind": "final", "order": "layer", "cell": "final"},
            "attention": {"kind": "dot", "query": "after"},
            "decoder": {"rnn": "decoder.rnn", "layout": "pytorch", "layers": 2, "hidden_size": 10, "input": {"parts": ["e"]}},
            "combine": {"linear": lin("decoder.attention.linear_out", True), "parts": ["c", "s"], "activation": "tanh"},
            "output": {"parts": ["h_tilde"], "kind": "linear", "linear": lin("decoder.out", True)},
        }


# ---------------------------------------------------------------------------------------------
class AllenNLPSimpleSeq2Seq(nn.Module):
    """AllenNLP SimpleSeq2Seq: _source_embedder.token_embedder_tokens, _encoder._module (the
    PytorchSeq2SeqWrapper's LSTM), _target_embedder, _attention (AdditiveAttention: _w_matrix,
    _u_matrix, _v_vector), _decoder_cell (LSTMCell), _output_projection_layer."""

    def __init__(self):
        super().__init__()
        self._source_embedder = nn.Module()
        self._source_embedder.token_embedder_tokens = nn.Embedding(V, 6)
        self._encoder = nn.Module()
        self._encoder._module = nn.LSTM(6, 5, bidirectional=True, batch_first=True)
        self._target_embedder = nn.Embedding(V, 5)
        self._attention = nn.Module()
        self._attention._w_matrix = nn.Parameter(torch.empty(10, 10))  # (vector_dim, vector_dim)
        self._attention._u_matrix = nn.Parameter(torch.empty(10, 10))  # (matrix_dim, vector_dim)
        self._attention._v_vector = nn.Parameter(torch.empty(10, 1))  # (vector_dim, 1)
        for p in (self._attention._w_matrix, self._attention._u_matrix, self._attention._v_vector):
            nn.init.xavier_uniform_(p)
        self._decoder_cell = nn.LSTMCell(10 + 5, 10)  # [attended input; embedded input]
        self._output_projection_layer = nn.Linear(10, V)

    def encode(self, ids):
        x = self._source_embedder.token_embedder_tokens(torch.tensor([ids]))
        hs, _ = self._encoder._module(x)
        hs = hs[0]
        final = torch.cat([hs[-1, :5], hs[0, 5:]])  # get_final_encoder_states, bidirectional
        return hs, (final.unsqueeze(0), torch.zeros(1, 10))

    def step(self, y, state, hs):
        h, c = state
        att = self._attention
        e = (torch.tanh(h.mm(att._w_matrix) + hs.matmul(att._u_matrix)).matmul(att._v_vector))[:, 0]
        a = torch.softmax(e, 0)
        ctx = (a @ hs).unsqueeze(0)
        h, c = self._decoder_cell(torch.cat([ctx, self._target_embedder(torch.tensor([y]))], -1), (h, c))
        return self._output_projection_layer(h)[0], a, (h, c)

    def parts(self):
        return {
            "cell": "lstm",
            "embeddings": {"source": {"name": "_source_embedder.token_embedder_tokens", "size": 6}, "target": {"name": "_target_embedder", "size": 5}},
            "encoder": {"rnn": "_encoder._module", "layers": 1, "hidden_size": 5, "bidirectional": True, "merge": "concat"},
            "bridge": {"kind": "project", "from": "final_concat", "linear": None, "activation": "none", "layers": "first", "cell": "zero"},
            "attention": {"kind": "additive", "query": "before", "size": 10, "form": "separate",
                          "query_linear": lin("_attention.w", False), "key_linear": lin("_attention.u", False),
                          "activation": "tanh", "v": {"name": "_attention._v_vector", "layout": "column"}},
            "decoder": {"rnn": "_decoder_cell", "layout": "cell", "layers": 1, "hidden_size": 10, "input": {"parts": ["c", "e"]}},
            "combine": None,
            "output": {"parts": ["s"], "kind": "linear", "linear": lin("_output_projection_layer", True)},
        }

    tensor_names = {"_attention.w.weight": {"name": "_attention._w_matrix", "transpose": True},
                    "_attention.u.weight": {"name": "_attention._u_matrix", "transpose": True}}


# ---------------------------------------------------------------------------------------------
class KeonSeq2seq(nn.Module):
    """keon/seq2seq: encoder.{embed, gru}; decoder.{embed, attention.{attn, v}, gru, out}."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.embed = nn.Embedding(V, 6)
        self.encoder.gru = nn.GRU(6, 8, num_layers=2, bidirectional=True)
        self.decoder = d = nn.Module()
        d.embed = nn.Embedding(V, 5)
        d.attention = nn.Module()
        d.attention.attn = nn.Linear(16, 8)
        d.attention.v = nn.Parameter(torch.rand(8) * 0.5)
        d.gru = nn.GRU(8 + 5, 8, num_layers=2)
        d.out = nn.Linear(16, V)

    def encode(self, ids):
        x = self.encoder.embed(torch.tensor(ids)).unsqueeze(1)
        out, hn = self.encoder.gru(x)
        hs = out[:, 0, :8] + out[:, 0, 8:]
        return hs, hn[:2]  # hidden = encoder_hidden[:decoder.n_layers]

    def step(self, y, hidden, hs):
        d = self.decoder
        q = hidden[-1, 0]
        energy = F.relu(d.attention.attn(torch.cat([q.expand(hs.size(0), 8), hs], 1)))
        a = torch.softmax(energy @ d.attention.v, 0)
        ctx = a @ hs
        x = torch.cat([d.embed(torch.tensor(y)), ctx]).view(1, 1, -1)
        out, hidden = d.gru(x, hidden)
        return d.out(torch.cat([out[0, 0], ctx])), a, hidden

    def parts(self):
        return {
            "cell": "gru",
            "embeddings": {"source": {"name": "encoder.embed", "size": 6}, "target": {"name": "decoder.embed", "size": 5}},
            "encoder": {"rnn": "encoder.gru", "layers": 2, "hidden_size": 8, "bidirectional": True, "merge": "sum"},
            "bridge": {"kind": "final", "order": "pytorch"},
            "attention": {"kind": "additive", "query": "before", "size": 8, "form": "joint", "linear": lin("decoder.attention.attn", True),
                          "order": "query_first", "activation": "relu", "v": {"name": "decoder.attention.v", "layout": "vector"}},
            "decoder": {"rnn": "decoder.gru", "layout": "pytorch", "layers": 2, "hidden_size": 8, "input": {"parts": ["e", "c"]}},
            "combine": None,
            "output": {"parts": ["s", "c"], "kind": "linear", "linear": lin("decoder.out", True)},
        }


# ---------------------------------------------------------------------------------------------
class D2LSeq2SeqAttention(nn.Module):
    """d2l.ai: encoder.{embedding, rnn}; decoder.{attention.{W_k, W_q, w_v}, embedding, rnn, dense}."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(V, 6)
        self.encoder.rnn = nn.GRU(6, 8, num_layers=2)
        self.decoder = d = nn.Module()
        d.attention = nn.Module()
        d.attention.W_k = nn.Linear(8, 7, bias=False)
        d.attention.W_q = nn.Linear(8, 7, bias=False)
        d.attention.w_v = nn.Linear(7, 1, bias=False)
        d.embedding = nn.Embedding(V, 5)
        d.rnn = nn.GRU(5 + 8, 8, num_layers=2)
        d.dense = nn.Linear(8, V)

    def encode(self, ids):
        out, hn = self.encoder.rnn(self.encoder.embedding(torch.tensor(ids)).unsqueeze(1))
        return out[:, 0], hn

    def step(self, y, hidden, hs):
        d = self.decoder
        q = hidden[-1]  # (1, 8)
        e = d.attention.w_v(torch.tanh(d.attention.W_q(q) + d.attention.W_k(hs)))[:, 0]
        a = torch.softmax(e, 0)
        ctx = a @ hs
        x = torch.cat([ctx, d.embedding(torch.tensor(y))]).view(1, 1, -1)
        out, hidden = d.rnn(x, hidden)
        return d.dense(out[0, 0]), a, hidden

    def parts(self):
        return {
            "cell": "gru",
            "embeddings": {"source": {"name": "encoder.embedding", "size": 6}, "target": {"name": "decoder.embedding", "size": 5}},
            "encoder": {"rnn": "encoder.rnn", "layers": 2, "hidden_size": 8, "bidirectional": False},
            "bridge": {"kind": "final", "order": "layer"},
            "attention": {"kind": "additive", "query": "before", "size": 7, "form": "separate",
                          "query_linear": lin("decoder.attention.W_q", False), "key_linear": lin("decoder.attention.W_k", False),
                          "activation": "tanh", "v": {"name": "decoder.attention.w_v", "bias": False, "layout": "linear"}},
            "decoder": {"rnn": "decoder.rnn", "layout": "pytorch", "layers": 2, "hidden_size": 8, "input": {"parts": ["c", "e"]}},
            "combine": None,
            "output": {"parts": ["s"], "kind": "linear", "linear": lin("decoder.dense", True)},
        }


# ---------------------------------------------------------------------------------------------
class SproAttnDecoder(nn.Module):
    """spro/practical-pytorch seq2seq-translation: encoder.{embedding, gru}; decoder.{embedding, gru,
    attn.{attn, other}, out}. The cell reads [E y; c_{t-1}] (last_context, zeros at first), the score
    runs on its output h_t: general h_t . (W h_j + b), or concat other . W [h_t; h_j] + b without an
    activation (the query's term then drops out of the softmax: a_ij is the same at every step)."""

    def __init__(self, method):
        super().__init__()
        self.method = method
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(V, 8)
        self.encoder.gru = nn.GRU(8, 8, num_layers=2)
        self.decoder = d = nn.Module()
        d.embedding = nn.Embedding(V, 8)
        d.gru = nn.GRU(16, 8, num_layers=2)
        d.out = nn.Linear(16, V)
        d.attn = nn.Module()
        if method == "general":
            d.attn.attn = nn.Linear(8, 8)
        else:
            d.attn.attn = nn.Linear(16, 8)
            d.attn.other = nn.Parameter(torch.randn(1, 8) * 0.5)

    def encode(self, ids):
        out, hn = self.encoder.gru(self.encoder.embedding(torch.tensor(ids)).unsqueeze(1))
        return out[:, 0], (hn, torch.zeros(1, 8))  # decoder_hidden = encoder_hidden, decoder_context = 0

    def step(self, y, state, hs):
        hidden, last_context = state
        d = self.decoder
        x = torch.cat([d.embedding(torch.tensor([y])), last_context], 1).unsqueeze(0)
        out, hidden = d.gru(x, hidden)
        h = out[0, 0]
        if self.method == "general":
            e = d.attn.attn(hs) @ h
        else:
            e = d.attn.attn(torch.cat([h.expand(hs.size(0), 8), hs], 1)) @ d.attn.other[0]
        a = torch.softmax(e, 0)
        ctx = (a @ hs).unsqueeze(0)
        return d.out(torch.cat([out[0], ctx], 1))[0], a, (hidden, ctx)

    def parts(self):
        attention = {"kind": "general", "query": "after", "convention": "keys", "linear": lin("decoder.attn.attn", True)} \
            if self.method == "general" else \
            {"kind": "additive", "query": "after", "size": 8, "form": "joint", "linear": lin("decoder.attn.attn", True), "order": "query_first",
             "activation": "none", "v": {"name": "decoder.attn.other", "layout": "row"}}
        return {
            "cell": "gru",
            "embeddings": {"source": {"name": "encoder.embedding", "size": 8}, "target": {"name": "decoder.embedding", "size": 8}},
            "encoder": {"rnn": "encoder.gru", "layers": 2, "hidden_size": 8, "bidirectional": False},
            "bridge": {"kind": "final", "order": "layer"},
            "attention": attention,
            "decoder": {"rnn": "decoder.gru", "layout": "pytorch", "layers": 2, "hidden_size": 8, "input": {"parts": ["e", "c"]}},
            "combine": None,
            "output": {"parts": ["s", "c"], "kind": "linear", "linear": lin("decoder.out", True)},
        }


IMPLS = [
    ("joey-gru-bahdanau", lambda: JoeyRecurrent("gru", "bahdanau"), 21),
    ("joey-lstm-luong", lambda: JoeyRecurrent("lstm", "luong"), 22),
    ("fairseq-lstm", FairseqLSTM, 23),
    ("fairseq-lstm-shared", lambda: FairseqLSTM(shared=True), 28),
    ("ibm-seq2seq", IBMSeq2seq, 24),
    ("allennlp-simple-seq2seq", AllenNLPSimpleSeq2Seq, 25),
    ("keon-seq2seq", KeonSeq2seq, 26),
    ("d2l-bahdanau", D2LSeq2SeqAttention, 27),
    ("spro-general", lambda: SproAttnDecoder("general"), 29),
    ("spro-concat", lambda: SproAttnDecoder("concat"), 30),
]


def pair(g):
    n = 1 + int(torch.randint(6, (1,), generator=g))
    src = [3 + int(torch.randint(10, (1,), generator=g)) for _ in range(n)]
    return src, src[::-1] + [EOS]


def train(model, steps, seed):
    """Teacher-forced cross-entropy on reversal, one pair per step (the toy is the point, not the score)."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for _ in range(steps):
        src, tgt = pair(g)
        hs, state = model.encode(src)
        y, loss = SOS, 0.0
        for gold in tgt:
            logits, _, state = model.step(y, state, hs)
            loss = loss + F.cross_entropy(logits.unsqueeze(0), torch.tensor([gold]))
            y = gold
        opt.zero_grad()
        (loss / len(tgt)).backward()
        opt.step()
    model.eval()


def greedy(model, ids):
    hs, state = model.encode(ids)
    y, out = SOS, {"ids": [], "attention": [], "logits": []}
    for _ in range(MAX_T):
        logits, a, state = model.step(y, state, hs)
        y = int(torch.argmax(logits))
        out["ids"].append(y)
        out["attention"].append([round(float(v), 8) for v in a])
        out["logits"].append([round(float(v), 7) for v in logits])
        if y == EOS:
            break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "compose", "public-fixtures"))
    ap.add_argument("--steps", type=int, default=1200)
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name, make, seed in IMPLS:
        torch.manual_seed(seed)
        model = make()
        train(model, args.steps, seed)
        g = torch.Generator().manual_seed(1000 + seed)
        with torch.no_grad():
            sources = [pair(g)[0] for _ in range(5)] + [[3 + (i * 7) % 10 for i in range(9)]]
            cases = [{"name": f"case{i}", "source_ids": s, **greedy(model, s)} for i, s in enumerate(sources)]
        right = sum(c["ids"] == s[::-1] + [EOS] for c, s in zip(cases, sources))
        config = {"parts": model.parts(), "source_vocab": VOCAB, "target_vocab": VOCAB, "source_tokenizer": "char",
                  "sos_id": SOS, "eos_id": EOS, "max_target_length": MAX_T}
        if getattr(model, "tensor_names", None):
            config["tensor_names"] = model.tensor_names
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, os.path.join(folder, "model.safetensors"))
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config, f, indent=1)
            f.write("\n")
        with open(os.path.join(folder, "reference.json"), "w") as f:
            json.dump({"torch_version": torch.__version__, "steps": args.steps, "cases": cases}, f)
        print(f"{name}: {right}/{len(cases)} reversed right, ids {[len(c['ids']) for c in cases]}", file=sys.stderr)


if __name__ == "__main__":
    main()
