"""PyTorch reference modules for seqattn model files (see docs/model-format.md).

state_dict() names are exactly the tensor names of the format, so
    save_model(model, config, "model.safetensors")
writes a file seqattn loads, and load_model() reads one back.

  ChoEncoderDecoder "cho": Cho et al. 2014, GRU encoder, summary c = tanh(V h_N), GRU decoder
                   over [E y_{t-1}; c] from h'_0 = tanh(V' c), deep output from [h'_t; E y_{t-1}; c].
  Seq2SeqLSTM      "sutskever": Sutskever, Vinyals & Le 2014, stacked LSTM encoder over the reversed
                   source, stacked LSTM decoder from its final (h, c), softmax(W h_t + b).
  TutorialSeq2Seq  "pytorch-tutorial": the official PyTorch seq2seq tutorial (EncoderRNN +
                   AttnDecoderRNN with BahdanauAttention), eval mode.
  RNNsearch        "bahdanau": Bahdanau, Cho & Bengio 2015, bidirectional GRU encoder, additive
                   attention on s_{i-1}, GRU decoder over [E y_{i-1}; c_i], deep output.
  LuongSeq2Seq     "luong": Luong, Pham & Manning 2015, stacked (bi)LSTM encoder and LSTM decoder,
                   global (dot / general / concat) or local (local-m / local-p) attention on h_t,
                   h~_t = tanh(W_c [c_t; h_t]), optional input feeding of h~_{t-1}.
  ShowAttendTell   "show-attend-tell": Xu et al. 2015, no encoder (annotation vectors a_i given),
                   h_0, c_0 = tanh(f_init(mean_i a_i)), additive attention on h_{t-1}, soft or hard
                   (argmax) attention, gate beta_t, nn.LSTMCell over [E y_{t-1}; z_t], deep output.

The two without attention (cho, sutskever) give attention rows of length 0.
All have greedy(source_ids) (ShowAttendTell: greedy(features), L x D values row-major) -> dict(ids, attention, logits, log_probs, score) (batch 1).
RNNsearch also has a batched teacher-forcing forward(src, src_lengths, tgt_in) -> logits for
training and greedy_batch(list of id lists) -> list of id lists.

Use /usr/bin/python3 (torch 1.13).
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file, save_file  # noqa: E402

__all__ = [
    "GRU",
    "make_gru",
    "EncoderRNN",
    "BahdanauAttention",
    "AttnDecoderRNN",
    "ChoEncoderDecoder",
    "Seq2SeqLSTM",
    "TutorialSeq2Seq",
    "RNNsearch",
    "LuongSeq2Seq",
    "ShowAttendTell",
    "build_model",
    "save_model",
    "load_model",
    "tokenize",
    "config_defaults",
]


# --------------------------------------------------------------------------------------------
# Config


def config_defaults(config):
    """A copy of `config` with the documented defaults filled in (sizes, deep output, GRU)."""
    c = dict(config)
    H = c["hidden_size"]
    c.setdefault("embedding_size", H)
    c.setdefault("gru_convention", "reset_after")
    if c["architecture"] in ("bahdanau", "cho"):
        c.setdefault("encoder_hidden_size", H)
        if c["architecture"] == "bahdanau":
            c.setdefault("alignment_size", H)
        c.setdefault("deep_output", "maxout")
        c.setdefault("deep_output_size", H)
    if c["architecture"] == "sutskever":
        c.setdefault("encoder_hidden_size", H)
        c.setdefault("num_layers", 1)
        c.setdefault("reverse_source", True)
    if c["architecture"] == "luong":
        c.setdefault("num_layers", 1)
        c.setdefault("bidirectional_encoder", False)
        c.setdefault("encoder_hidden_size", H // 2 if c["bidirectional_encoder"] else H)
        c.setdefault("alignment_size", H)
        c.setdefault("attention", "general")
        c.setdefault("input_feeding", True)
        if c["attention"] in ("local-m", "local-p"):
            c.setdefault("local_score", "general")
            c.setdefault("window", 10)
    if c["architecture"] == "show-attend-tell":
        c.setdefault("alignment_size", H)
        c.setdefault("attention", "soft")
        c.setdefault("gate", True)
        c.setdefault("deep_output", "linear")
    if c["gru_convention"] not in ("reset_after", "reset_before"):
        raise ValueError(f"gru_convention must be 'reset_after' or 'reset_before', got {c['gru_convention']!r}")
    return c


def tokenize(config, text, check_length=True):
    """Source ids for a string, by the config rules.

    lowercase (str.lower) if config["lowercase"]; "char": one symbol per code point, "word":
    text.split() (any whitespace); unknown symbols -> source_unk_id (error if null/absent);
    prepend source_sos_id if prepend_source_sos; append source_eos_id if append_source_eos; error if longer than max_source_length.
    """
    if config.get("lowercase", False):
        text = text.lower()
    kind = config.get("source_tokenizer", "char")
    if kind == "char":
        symbols = list(text)
    elif kind == "word":
        symbols = text.split()
    else:
        raise ValueError(f"source_tokenizer must be 'char' or 'word', got {kind!r}")
    index = {s: i for i, s in enumerate(config["source_vocab"])}
    unk = config.get("source_unk_id")
    ids = []
    for pos, s in enumerate(symbols):
        if s in index:
            ids.append(index[s])
        elif unk is not None:
            ids.append(unk)
        else:
            raise ValueError(f"unknown source symbol {s!r} at token {pos} and source_unk_id is null")
    if config.get("prepend_source_sos", False):
        ids.insert(0, config["source_sos_id"])
    if config.get("append_source_eos", False):
        ids.append(config["source_eos_id"])
    limit = config.get("max_source_length")
    if check_length and limit is not None and len(ids) > limit:
        raise ValueError(f"source has {len(ids)} ids, max_source_length is {limit}")
    return ids


# --------------------------------------------------------------------------------------------
# GRU in both conventions, nn.GRU parameter names


def gru_cell(gi, h, w_hh, b_hh, reset_before):
    """One GRU step over nn.GRU's parameters (gates r, z, n) from precomputed gi = W_ih x + b_ih (B, 3H) and h (B, H):
    reset_before (Cho et al. 2014) n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), else nn.GRU's r * (W_hn h + b_hn)."""
    H = h.shape[-1]
    gi_r, gi_z, gi_n = gi.split(H, dim=-1)
    if reset_before:
        gh_rz = F.linear(h, w_hh[: 2 * H], b_hh[: 2 * H])
        gh_r, gh_z = gh_rz.split(H, dim=-1)
        r = torch.sigmoid(gi_r + gh_r)
        z = torch.sigmoid(gi_z + gh_z)
        n = torch.tanh(gi_n + F.linear(r * h, w_hh[2 * H :], b_hh[2 * H :]))
    else:
        gh_r, gh_z, gh_n = F.linear(h, w_hh, b_hh).split(H, dim=-1)
        r = torch.sigmoid(gi_r + gh_r)
        z = torch.sigmoid(gi_z + gh_z)
        n = torch.tanh(gi_n + r * gh_n)
    return (1 - z) * n + z * h


class GRU(nn.Module):
    """Single-layer, batch_first GRU with nn.GRU's parameter names and gate order (r, z, n).

    reset_before (Cho et al. 2014):  n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
    reset_after  (nn.GRU):           n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    forward(x (B, T, in), h0 (D, B, H) or None, lengths (B,) or None) -> (out (B, T, D*H), h_n (D, B, H)).
    With lengths, padding never reaches the states: the forward direction freezes after each
    sequence's end and the backward direction starts at its last real token; padded outputs are 0.
    """

    def __init__(self, input_size, hidden_size, bidirectional=False, reset_before=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bidirectional = bidirectional
        self.reset_before = reset_before
        self.batch_first = True
        suffixes = ["_l0", "_l0_reverse"] if bidirectional else ["_l0"]
        for sfx in suffixes:
            self.register_parameter("weight_ih" + sfx, nn.Parameter(torch.empty(3 * hidden_size, input_size)))
            self.register_parameter("weight_hh" + sfx, nn.Parameter(torch.empty(3 * hidden_size, hidden_size)))
            self.register_parameter("bias_ih" + sfx, nn.Parameter(torch.empty(3 * hidden_size)))
            self.register_parameter("bias_hh" + sfx, nn.Parameter(torch.empty(3 * hidden_size)))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size)  # as nn.GRU
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _params(self, reverse):
        sfx = "_l0_reverse" if reverse else "_l0"
        return (getattr(self, "weight_ih" + sfx), getattr(self, "weight_hh" + sfx),
                getattr(self, "bias_ih" + sfx), getattr(self, "bias_hh" + sfx))

    def cell(self, gi, h, w_hh, b_hh):
        """One step from precomputed gi = W_ih x + b_ih (B, 3H) and h (B, H)."""
        return gru_cell(gi, h, w_hh, b_hh, self.reset_before)

    def _direction(self, x, h, mask, reverse):
        w_ih, w_hh, b_ih, b_hh = self._params(reverse)
        gi = F.linear(x, w_ih, b_ih)  # (B, T, 3H), all input projections at once
        T = x.shape[1]
        outs = [None] * T
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            h_new = self.cell(gi[:, t], h, w_hh, b_hh)
            if mask is not None:
                m = mask[:, t].unsqueeze(-1)
                h = torch.where(m, h_new, h)
                outs[t] = h_new * m
            else:
                h = h_new
                outs[t] = h
        return torch.stack(outs, dim=1), h

    def forward(self, x, h0=None, lengths=None):
        B, T, _ = x.shape
        D = 2 if self.bidirectional else 1
        if h0 is None:
            h0 = x.new_zeros(D, B, self.hidden_size)
        mask = None
        if lengths is not None:
            mask = torch.arange(T, device=x.device).unsqueeze(0) < lengths.to(x.device).unsqueeze(1)
        out_f, h_f = self._direction(x, h0[0], mask, reverse=False)
        if not self.bidirectional:
            return out_f, h_f.unsqueeze(0)
        out_b, h_b = self._direction(x, h0[1], mask, reverse=True)
        return torch.cat([out_f, out_b], dim=-1), torch.stack([h_f, h_b], dim=0)


def make_gru(convention, input_size, hidden_size, bidirectional=False):
    """nn.GRU for "reset_after", GRU(reset_before=True) for "reset_before"; same parameter names."""
    if convention == "reset_after":
        return nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)
    if convention == "reset_before":
        return GRU(input_size, hidden_size, bidirectional=bidirectional, reset_before=True)
    raise ValueError(f"unknown gru_convention {convention!r}")


def _run_rnn(rnn, x, h0=None, lengths=None):
    """Run nn.GRU or GRU on padded (B, T, in) with optional lengths; padded outputs are 0."""
    if isinstance(rnn, GRU):
        return rnn(x, h0, lengths)
    if lengths is None:
        return rnn(x, h0)
    T = x.shape[1]
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, h_n = rnn(packed, h0)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=T)
    return out, h_n


def _greedy(config, step, max_steps=None):
    """Greedy decoding of one source: step(y_{i-1} (1,) ids) -> (logits (V,), attention (Tx,)) advances
    the decoder; stops after EOS or max_steps (default max_target_length)."""
    max_steps = config["max_target_length"] if max_steps is None else max_steps
    y = torch.tensor([config["sos_id"]], dtype=torch.long)
    ids, attention, logits, log_probs = [], [], [], []
    for _ in range(max_steps):
        lg, a = step(y)
        k = int(torch.argmax(lg))
        ids.append(k)
        attention.append(a.tolist())
        logits.append(lg.tolist())
        log_probs.append(float(F.log_softmax(lg, dim=-1)[k]))
        if k == config["eos_id"]:
            break
        y = torch.tensor([k], dtype=torch.long)
    return {
        "ids": ids,
        "attention": attention,
        "logits": logits,
        "log_probs": log_probs,
        "score": float(sum(log_probs)),
    }


class _EvalMode:
    """Context: eval mode + no_grad, restoring the previous training flag."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        self.was_training = self.module.training
        self.module.eval()
        self.no_grad = torch.no_grad()
        self.no_grad.__enter__()

    def __exit__(self, *exc):
        self.no_grad.__exit__(*exc)
        self.module.train(self.was_training)


# --------------------------------------------------------------------------------------------
# pytorch-tutorial: the official tutorial's modules (dropout 0.1 as there; off in eval mode)


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dropout_p=0.1, gru_convention="reset_after"):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = make_gru(gru_convention, hidden_size, hidden_size)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input):
        embedded = self.dropout(self.embedding(input))
        output, hidden = self.gru(embedded)
        return output, hidden


class BahdanauAttention(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.Wa = nn.Linear(hidden_size, hidden_size)
        self.Ua = nn.Linear(hidden_size, hidden_size)
        self.Va = nn.Linear(hidden_size, 1)

    def forward(self, query, keys):
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
        scores = scores.squeeze(2).unsqueeze(1)
        weights = F.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)
        return context, weights


class AttnDecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size, dropout_p=0.1, gru_convention="reset_after"):
        super().__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.attention = BahdanauAttention(hidden_size)
        self.gru = make_gru(gru_convention, 2 * hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.dropout = nn.Dropout(dropout_p)

    def forward_step(self, input, hidden, encoder_outputs):
        """input (B, 1) ids, hidden (1, B, H) -> logits (B, 1, V), hidden (1, B, H), weights (B, 1, Tx)."""
        embedded = self.dropout(self.embedding(input))
        query = hidden.permute(1, 0, 2)
        context, attn_weights = self.attention(query, encoder_outputs)
        input_gru = torch.cat((embedded, context), dim=2)
        output, hidden = self.gru(input_gru, hidden)
        output = self.out(output)
        return output, hidden, attn_weights


class TutorialSeq2Seq(nn.Module):
    """architecture "pytorch-tutorial": attributes encoder (EncoderRNN), decoder (AttnDecoderRNN)."""

    def __init__(self, config):
        super().__init__()
        config = config_defaults(config)
        if config["embedding_size"] != config["hidden_size"]:
            raise ValueError("pytorch-tutorial: embedding_size must equal hidden_size")
        self.config = config
        H = config["hidden_size"]
        conv = config["gru_convention"]
        self.encoder = EncoderRNN(len(config["source_vocab"]), H, gru_convention=conv)
        self.decoder = AttnDecoderRNN(H, len(config["target_vocab"]), gru_convention=conv)

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            encoder_outputs, hidden = self.encoder(torch.tensor([list(source_ids)], dtype=torch.long))
            state = [hidden]

            def step(y):
                out, state[0], weights = self.decoder.forward_step(y.view(1, 1), state[0], encoder_outputs)
                return out[0, 0], weights[0, 0]

            return _greedy(self.config, step, max_steps)


# --------------------------------------------------------------------------------------------
# The deep output of Cho et al. 2014 (A.1.2) and RNNsearch (A.2.2): from r = [s_i; E y_{i-1}; c_i],
# t = maxout(W_t r + b_t) (l units of 2 pieces) | tanh(W_t r + b_t) | r; logits = W_o t + b_o


def _add_deep_output(module, kind, readout, l, V):
    """module.deep_output (absent for "none") and module.out, as the format names them."""
    if kind == "maxout":
        module.deep_output = nn.Linear(readout, 2 * l)
        module.out = nn.Linear(l, V)
    elif kind == "tanh":
        module.deep_output = nn.Linear(readout, l)
        module.out = nn.Linear(l, V)
    elif kind == "none":
        module.out = nn.Linear(readout, V)
    else:
        raise ValueError(f"deep_output must be 'maxout', 'tanh' or 'none', got {kind!r}")


def _deep_output(module, r, dropout=None):
    """logits (B, V) from the readout r (B, R) through module.deep_output / module.out (module.kind)."""
    if module.kind == "maxout":
        t = module.deep_output(r)
        t = t.view(*t.shape[:-1], -1, 2).max(-1).values
    elif module.kind == "tanh":
        t = torch.tanh(module.deep_output(r))
    else:
        t = r
    if dropout is not None:
        t = dropout(t)
    return module.out(t)


# --------------------------------------------------------------------------------------------
# cho: Cho et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder for
# Statistical Machine Translation" (EMNLP), sec. 2.2 and appendix A. No attention.


class ChoEncoder(nn.Module):
    """h_j = GRU(E x_j, h_{j-1}); the summary c = tanh(V h_N) (A.1.1), V without bias."""

    def __init__(self, vocab_size, E, n, H, convention):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, E)
        self.rnn = make_gru(convention, E, n)
        self.V = nn.Linear(n, H, bias=False)

    def forward(self, src):
        """src (B, N) -> c (B, H)."""
        _, h_N = _run_rnn(self.rnn, self.embedding(src))
        return torch.tanh(self.V(h_N[0]))


class ChoDecoder(nn.Module):
    """h'_0 = tanh(V' c); h'_t = GRU([E y_{t-1}; c], h'_{t-1}); logits from [h'_t; E y_{t-1}; c] (A.1.2)."""

    def __init__(self, config):
        super().__init__()
        E, H, l = config["embedding_size"], config["hidden_size"], config["deep_output_size"]
        V = len(config["target_vocab"])
        self.kind = config["deep_output"]
        self.embedding = nn.Embedding(V, E)
        self.V = nn.Linear(H, H, bias=False)  # V'
        self.rnn = make_gru(config["gru_convention"], E + H, H)
        _add_deep_output(self, self.kind, H + E + H, l, V)

    def initial_state(self, c):
        return torch.tanh(self.V(c))

    def step(self, y_prev, h_prev, c):
        """y_prev (B,) ids, h_prev (B, H), c (B, H) -> logits (B, V), h (B, H)."""
        Ey = self.embedding(y_prev)
        _, h = _run_rnn(self.rnn, torch.cat([Ey, c], dim=-1).unsqueeze(1), h_prev.unsqueeze(0))
        h = h[0]
        return _deep_output(self, torch.cat([h, Ey, c], dim=-1)), h


class ChoEncoderDecoder(nn.Module):
    """architecture "cho": attributes encoder (ChoEncoder), decoder (ChoDecoder)."""

    def __init__(self, config):
        super().__init__()
        config = config_defaults(config)
        self.config = config
        self.encoder = ChoEncoder(len(config["source_vocab"]), config["embedding_size"], config["encoder_hidden_size"],
                                  config["hidden_size"], config["gru_convention"])
        self.decoder = ChoDecoder(config)

    def encode(self, src):
        """src (B, N) -> c (B, H), h'_0 (B, H)."""
        c = self.encoder(src)
        return c, self.decoder.initial_state(c)

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            c, h = self.encode(torch.tensor([list(source_ids)], dtype=torch.long))
            state = [h]

            def step(y):
                lg, state[0] = self.decoder.step(y, state[0], c)
                return lg[0], lg.new_zeros(0)  # no attention

            return _greedy(self.config, step, max_steps)


# --------------------------------------------------------------------------------------------
# sutskever: Sutskever, Vinyals & Le 2014, "Sequence to Sequence Learning with Neural Networks"


class Seq2SeqLSTM(nn.Module):
    """architecture "sutskever": encoder (embedding, rnn = nn.LSTM(E, H, num_layers=L)) over the source
    reversed (sec. 3.3; reverse_source), decoder (embedding, rnn = nn.LSTM(E, H, num_layers=L) from the
    encoder's final (h, c) of every layer, out = Linear(H, V): p(y_t) = softmax(W h_t + b))."""

    def __init__(self, config):
        super().__init__()
        c = config_defaults(config)
        if c["encoder_hidden_size"] != c["hidden_size"]:
            raise ValueError("sutskever: the decoder starts from the encoder's final states, so encoder_hidden_size must be hidden_size")
        self.config = c
        E, H, L = c["embedding_size"], c["hidden_size"], c["num_layers"]
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(len(c["source_vocab"]), E)
        self.encoder.rnn = nn.LSTM(E, H, num_layers=L, batch_first=True)
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(len(c["target_vocab"]), E)
        self.decoder.rnn = nn.LSTM(E, H, num_layers=L, batch_first=True)
        self.decoder.out = nn.Linear(H, len(c["target_vocab"]))

    def encode(self, src):
        """src (B, S) -> (h, c), each (L, B, H): the encoder's final state over x_S..x_1 (or x_1..x_S)."""
        if self.config["reverse_source"]:
            src = src.flip(1)
        _, state = self.encoder.rnn(self.encoder.embedding(src))
        return state

    def step(self, y_prev, state):
        """y_prev (B,) ids, state (h, c) (L, B, H) -> logits (B, V), state."""
        out, state = self.decoder.rnn(self.decoder.embedding(y_prev).unsqueeze(1), state)
        return self.decoder.out(out[:, 0]), state

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            run = [self.encode(torch.tensor([list(source_ids)], dtype=torch.long))]

            def step(y):
                lg, run[0] = self.step(y, run[0])
                return lg[0], lg.new_zeros(0)  # no attention

            return _greedy(self.config, step, max_steps)


# --------------------------------------------------------------------------------------------
# bahdanau: RNNsearch (Bahdanau, Cho & Bengio 2015)


class RNNsearchEncoder(nn.Module):
    """Bidirectional GRU; annotations h_j = [->h_j; <-h_j] (B, Tx, 2n)."""

    def __init__(self, vocab_size, E, n, convention):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, E)
        self.rnn = make_gru(convention, E, n, bidirectional=True)

    def forward(self, src, src_lengths=None, dropout=None):
        x = self.embedding(src)
        if dropout is not None:
            x = dropout(x)
        h, _ = _run_rnn(self.rnn, x, None, src_lengths)
        return h


class AdditiveAttention(nn.Module):
    """e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j + b_U); a_ij = softmax_j e_ij; c_i = sum_j a_ij h_j."""

    def __init__(self, H, annotation_size, A):
        super().__init__()
        self.W = nn.Linear(H, A, bias=False)
        self.U = nn.Linear(annotation_size, A)
        self.v = nn.Linear(A, 1, bias=False)

    def forward(self, s_prev, h, Uh, mask=None):
        """s_prev (B, H), h (B, Tx, 2n), Uh = U(h) (B, Tx, A), mask (B, Tx) bool -> a (B, Tx), c (B, 2n)."""
        e = self.v(torch.tanh(self.W(s_prev).unsqueeze(1) + Uh)).squeeze(-1)
        if mask is not None:
            e = e.masked_fill(~mask, float("-inf"))
        a = F.softmax(e, dim=-1)
        c = torch.bmm(a.unsqueeze(1), h).squeeze(1)
        return a, c


class RNNsearchDecoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        E, n, H = config["embedding_size"], config["encoder_hidden_size"], config["hidden_size"]
        A, l = config["alignment_size"], config["deep_output_size"]
        V = len(config["target_vocab"])
        self.kind = config["deep_output"]
        self.embedding = nn.Embedding(V, E)
        self.init = nn.Linear(n, H)
        self.attention = AdditiveAttention(H, 2 * n, A)
        self.rnn = make_gru(config["gru_convention"], E + 2 * n, H)
        _add_deep_output(self, self.kind, H + E + 2 * n, l, V)
        self.n = n

    def initial_state(self, h):
        """s_0 = tanh(W_s <-h_1 + b): backward state after the whole source = its output at j = 1."""
        return torch.tanh(self.init(h[:, 0, self.n :]))

    def step(self, Ey, s_prev, h, Uh, mask=None, dropout=None):
        """Ey (B, E), s_prev (B, H) -> logits (B, V), s (B, H), a (B, Tx)."""
        a, c = self.attention(s_prev, h, Uh, mask)
        _, s = _run_rnn(self.rnn, torch.cat([Ey, c], dim=-1).unsqueeze(1), s_prev.unsqueeze(0))
        s = s[0]
        return _deep_output(self, torch.cat([s, Ey, c], dim=-1), dropout), s, a


class RNNsearch(nn.Module):
    """architecture "bahdanau". `dropout` (training only, not part of the file format) is applied
    to source/target embeddings and to the deep output before the output layer."""

    def __init__(self, config, dropout=0.0):
        super().__init__()
        config = config_defaults(config)
        self.config = config
        self.encoder = RNNsearchEncoder(
            len(config["source_vocab"]), config["embedding_size"], config["encoder_hidden_size"],
            config["gru_convention"])
        self.decoder = RNNsearchDecoder(config)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def encode(self, src, src_lengths=None):
        """src (B, Tx) -> annotations h (B, Tx, 2n), U_a h + b_U (B, Tx, A), mask (B, Tx) or None, s_0 (B, H)."""
        h = self.encoder(src, src_lengths, self.dropout)
        mask = None
        if src_lengths is not None:
            mask = torch.arange(src.shape[1], device=src.device).unsqueeze(0) < src_lengths.to(src.device).unsqueeze(1)
        return h, self.decoder.attention.U(h), mask, self.decoder.initial_state(h)

    def forward(self, src, src_lengths, tgt_in):
        """Teacher forcing. src (B, Tx) padded, src_lengths (B,), tgt_in (B, Ty) = [sos, y_1, ...] -> logits (B, Ty, V_t)."""
        h, Uh, mask, s = self.encode(src, src_lengths)
        Ey_all = self.decoder.embedding(tgt_in)
        if self.dropout is not None:
            Ey_all = self.dropout(Ey_all)
        logits = []
        for i in range(tgt_in.shape[1]):
            lg, s, _ = self.decoder.step(Ey_all[:, i], s, h, Uh, mask, self.dropout)
            logits.append(lg)
        return torch.stack(logits, dim=1)

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            h, Uh, _, s = self.encode(torch.tensor([list(source_ids)], dtype=torch.long))
            state = [s]

            def step(y):
                lg, state[0], a = self.decoder.step(self.decoder.embedding(y), state[0], h, Uh)
                return lg[0], a[0]

            return _greedy(self.config, step, max_steps)

    def greedy_batch(self, sources, max_steps=None, batch_size=256):
        """Greedy decode many sources (lists of ids); returns a list of id lists (EOS included if emitted)."""
        c = self.config
        max_steps = c["max_target_length"] if max_steps is None else max_steps
        results = []
        with _EvalMode(self):
            for start in range(0, len(sources), batch_size):
                chunk = [list(x) for x in sources[start : start + batch_size]]
                B = len(chunk)
                lengths = torch.tensor([len(x) for x in chunk], dtype=torch.long)
                src = torch.zeros(B, int(lengths.max()), dtype=torch.long)
                for b, x in enumerate(chunk):
                    src[b, : len(x)] = torch.tensor(x, dtype=torch.long)
                h, Uh, mask, s = self.encode(src, lengths)
                y = torch.full((B,), c["sos_id"], dtype=torch.long)
                done = torch.zeros(B, dtype=torch.bool)
                out = [[] for _ in range(B)]
                for _ in range(max_steps):
                    lg, s, _ = self.decoder.step(self.decoder.embedding(y), s, h, Uh, mask)
                    y = lg.argmax(-1)
                    for b in (~done).nonzero().flatten().tolist():
                        out[b].append(int(y[b]))
                    done |= y == c["eos_id"]
                    if bool(done.all()):
                        break
                results.extend(out)
        return results


# --------------------------------------------------------------------------------------------
# luong: Luong, Pham & Manning 2015, "Effective Approaches to Attention-based Neural Machine
# Translation". Positions are 1-based as in the paper: source s = 1..S, target step t = 1, 2, ...


class LuongEncoder(nn.Module):
    """Stacked (bi)LSTM over E x_s. Returns h_bar (B, S, d) (the top layer's outputs; d = 2n when
    bidirectional) and the decoder's initial (h, c), each (L, B, H): the final state of every layer,
    with a bidirectional encoder the two directions concatenated, [->h; <-h] (OpenNMT-py's
    RNNDecoderBase._fix_enc_hidden), which is why H = 2n there."""

    def __init__(self, vocab_size, E, n, L, bidirectional):
        super().__init__()
        self.bidirectional = bidirectional
        self.embedding = nn.Embedding(vocab_size, E)
        self.rnn = nn.LSTM(E, n, num_layers=L, bidirectional=bidirectional, batch_first=True)

    def forward(self, src):
        h_bar, (h, c) = self.rnn(self.embedding(src))
        if self.bidirectional:  # (2L, B, n), layer-major -> (L, B, 2n)
            h = torch.cat([h[0::2], h[1::2]], dim=2)
            c = torch.cat([c[0::2], c[1::2]], dim=2)
        return h_bar, (h, c)


class LuongAttention(nn.Module):
    """Global (sec. 3.1) or local (sec. 3.2) attention on the top decoder state h_t.

    score(h_t, h_bar_s), eq. (8): dot h_t . h_bar_s | general h_t^T W_a h_bar_s |
                                  concat v_a^T tanh(W_a [h_t; h_bar_s])
    global: a_t(s) = softmax_s score(h_t, h_bar_s)                                     eq. (7)
    local:  window [p_t - D, p_t + D] within 1..S; softmax of the scores inside it, 0 outside;
            local-m p_t = t (kept at S for t > S, else the window would leave the source);
            local-p p_t = S sigmoid(v_p^T tanh(W_p h_t))                               eq. (9)
                    and a_t(s) *= exp(-(s - p_t)^2 / (2 sigma^2)), sigma = D / 2       eq. (10)
    c_t = sum_s a_t(s) h_bar_s
    """

    def __init__(self, kind, score, H, d, A, D):
        super().__init__()
        self.kind, self.score_kind, self.D, self.H = kind, score, D, H
        if score == "general":
            self.W_a = nn.Linear(d, H, bias=False)
        elif score == "concat":
            self.W_a = nn.Linear(H + d, A, bias=False)
            self.v_a = nn.Linear(A, 1, bias=False)
        elif score != "dot":
            raise ValueError(f"unknown score {score!r}")
        if kind == "local-p":
            self.W_p = nn.Linear(H, A, bias=False)
            self.v_p = nn.Linear(A, 1, bias=False)

    def score(self, h_t, h_bar):
        """h_t (B, H), h_bar (B, S, d) -> (B, S)."""
        if self.score_kind == "dot":
            return torch.bmm(h_bar, h_t.unsqueeze(2)).squeeze(2)
        if self.score_kind == "general":
            return torch.bmm(self.W_a(h_bar), h_t.unsqueeze(2)).squeeze(2)
        q = h_t.unsqueeze(1).expand(-1, h_bar.shape[1], -1)
        return self.v_a(torch.tanh(self.W_a(torch.cat([q, h_bar], dim=2)))).squeeze(2)

    def forward(self, h_t, h_bar, t):
        """h_t (B, H), h_bar (B, S, d), t the 1-based target step -> a_t (B, S), c_t (B, d), e (B, S)."""
        B, S, _ = h_bar.shape
        e = self.score(h_t, h_bar)
        if self.kind in ("dot", "general", "concat"):
            a = F.softmax(e, dim=-1)
        else:
            s = torch.arange(1, S + 1, dtype=h_t.dtype).unsqueeze(0)  # (1, S)
            if self.kind == "local-m":
                p = torch.full((B, 1), float(min(t, S)), dtype=h_t.dtype)
            else:
                p = S * torch.sigmoid(self.v_p(torch.tanh(self.W_p(h_t))))  # (B, 1)
            inside = (s >= p - self.D) & (s <= p + self.D)
            e = e.masked_fill(~inside, float("-inf"))
            a = F.softmax(e, dim=-1)
            if self.kind == "local-p":
                sigma = self.D / 2
                a = a * torch.exp(-((s - p) ** 2) / (2 * sigma * sigma))
        c = torch.bmm(a.unsqueeze(1), h_bar).squeeze(1)
        return a, c, e


class LuongDecoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        E, H, L, A = config["embedding_size"], config["hidden_size"], config["num_layers"], config["alignment_size"]
        d = 2 * config["encoder_hidden_size"] if config["bidirectional_encoder"] else config["encoder_hidden_size"]
        V = len(config["target_vocab"])
        kind = config["attention"]
        local = kind in ("local-m", "local-p")
        self.input_feeding = config["input_feeding"]
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E + (H if self.input_feeding else 0), H, num_layers=L, batch_first=True)
        self.attention = LuongAttention(kind, config["local_score"] if local else kind, H, d, A,
                                        config["window"] if local else 0)
        self.W_c = nn.Linear(d + H, H, bias=False)
        self.W_s = nn.Linear(H, V)
        self.H = H

    def step(self, y_prev, state, h_bar, t):
        """y_prev (B,) ids, state (h (L, B, H), c (L, B, H), h~_{t-1} (B, H)), h_bar (B, S, d), t 1-based
        -> logits (B, V), state, a_t (B, S)."""
        h, c, h_tilde = state
        x = self.embedding(y_prev)
        if self.input_feeding:  # sec. 3.3: [E y_{t-1}; h~_{t-1}]
            x = torch.cat([x, h_tilde], dim=-1)
        out, (h, c) = self.rnn(x.unsqueeze(1), (h, c))
        h_t = out[:, 0]
        a, c_t, _ = self.attention(h_t, h_bar, t)
        h_tilde = torch.tanh(self.W_c(torch.cat([c_t, h_t], dim=-1)))  # eq. (5)
        return self.W_s(h_tilde), (h, c, h_tilde), a                   # eq. (6): softmax of these


class LuongSeq2Seq(nn.Module):
    """architecture "luong": attributes encoder (LuongEncoder), decoder (LuongDecoder)."""

    def __init__(self, config):
        super().__init__()
        config = config_defaults(config)
        self.config = config
        n, H = config["encoder_hidden_size"], config["hidden_size"]
        if (2 * n if config["bidirectional_encoder"] else n) != H:
            raise ValueError("luong: the decoder starts from the encoder's final states, so hidden_size must be "
                             "encoder_hidden_size (2x with a bidirectional encoder)")
        self.encoder = LuongEncoder(len(config["source_vocab"]), config["embedding_size"], n,
                                    config["num_layers"], config["bidirectional_encoder"])
        self.decoder = LuongDecoder(config)

    def encode(self, src):
        """src (B, S) -> h_bar (B, S, d), initial state (h, c, h~_0 = 0)."""
        h_bar, (h, c) = self.encoder(src)
        return h_bar, (h, c, h_bar.new_zeros(src.shape[0], self.config["hidden_size"]))

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            h_bar, state = self.encode(torch.tensor([list(source_ids)], dtype=torch.long))
            run = {"state": state, "t": 0}

            def step(y):
                run["t"] += 1
                lg, run["state"], a = self.decoder.step(y, run["state"], h_bar, run["t"])
                return lg[0], a[0]

            return _greedy(self.config, step, max_steps)


# --------------------------------------------------------------------------------------------
# show-attend-tell: Xu et al. 2015, "Show, Attend and Tell" (ICML), soft and hard attention


class ShowAttendTellAttention(nn.Module):
    """f_att(a_i, h_{t-1}) = w^T tanh(W_a a_i + W_h h_{t-1} + b), eq. (4); b is W_a's bias."""

    def __init__(self, D, H, A):
        super().__init__()
        self.W_a = nn.Linear(D, A)
        self.W_h = nn.Linear(H, A, bias=False)
        self.w = nn.Linear(A, 1, bias=False)

    def forward(self, Wa_a, h_prev):
        """Wa_a (B, L, A) = W_a a_i + b (once per image), h_prev (B, H) -> e (B, L), alpha (B, L), eq. (5)."""
        e = self.w(torch.tanh(Wa_a + self.W_h(h_prev).unsqueeze(1))).squeeze(2)
        return e, F.softmax(e, dim=-1)


class ShowAttendTell(nn.Module):
    """architecture "show-attend-tell" (see src/models/show-attend-tell.ts for the equations).

    Attributes (state_dict names): embedding, init_h, init_c (f_init, Linear + tanh), attention
    (W_a, W_h, w), f_beta (gate, Linear(H, 1)), lstm (nn.LSTMCell(E + D, H)), and L_h, L_z, L_o
    (deep output, eq. (7)) or out (Linear(H, V)). Hard attention takes s_t = argmax_i alpha_ti
    (sampling is for training; seqattn's 'sample' mode is its own seeded stream).
    """

    def __init__(self, config):
        super().__init__()
        c = config_defaults(config)
        self.config = c
        D, E, H, A = c["feature_size"], c["embedding_size"], c["hidden_size"], c["alignment_size"]
        V = len(c["target_vocab"])
        self.D, self.hard, self.deep = D, c["attention"] == "hard", c["deep_output"]
        self.embedding = nn.Embedding(V, E)
        self.init_h = nn.Linear(D, H)
        self.init_c = nn.Linear(D, H)
        self.attention = ShowAttendTellAttention(D, H, A)
        self.f_beta = nn.Linear(H, 1) if c["gate"] else None
        self.lstm = nn.LSTMCell(E + D, H)
        if self.deep == "none":
            self.out = nn.Linear(H, V)
        else:
            self.L_h = nn.Linear(H, E, bias=False)
            self.L_z = nn.Linear(D, E, bias=False)
            self.L_o = nn.Linear(E, V)

    def encode(self, a):
        """a (B, L, D) -> W_a a_i + b (B, L, A), (h_0, c_0) = tanh(f_init(mean_i a_i)) (sec. 3.1.2)."""
        mean = a.mean(dim=1)
        return self.attention.W_a(a), (torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean)))

    def step(self, y_prev, state, a, Wa_a):
        """y_prev (B,), state (h, c) (B, H), a (B, L, D), Wa_a (B, L, A) -> logits (B, V), state,
        weights (B, L) (alpha_t; one-hot at s_t with hard attention), alpha (B, L)."""
        h, c = state
        _, alpha = self.attention(Wa_a, h)
        if self.hard:  # sec. 4.1: z_t = a_{s_t}, eq. (9)
            s = torch.argmax(alpha, dim=-1)
            weights = F.one_hot(s, a.shape[1]).to(a.dtype)
            z = a[torch.arange(a.shape[0]), s]
        else:  # sec. 4.2: z_t = sum_i alpha_ti a_i, eq. (13)
            weights = alpha
            z = torch.bmm(alpha.unsqueeze(1), a).squeeze(1)
        if self.f_beta is not None:  # sec. 4.2.1: beta_t = sigmoid(f_beta(h_{t-1}))
            z = torch.sigmoid(self.f_beta(h)) * z
        Ey = self.embedding(y_prev)
        h, c = self.lstm(torch.cat([Ey, z], dim=-1), (h, c))
        if self.deep == "none":
            logits = self.out(h)
        else:  # eq. (7)
            o = Ey + self.L_h(h) + self.L_z(z)
            logits = self.L_o(torch.tanh(o) if self.deep == "tanh" else o)
        return logits, (h, c), weights, alpha

    def features(self, flat):
        """L x D values, row-major -> a (1, L, D) float32."""
        return torch.tensor(list(flat), dtype=torch.float32).view(1, -1, self.D)

    def greedy(self, features, max_steps=None):
        """features: L x D values (a_1..a_L row-major). With hard attention the result also has
        alpha_margin, the smallest gap between the top two alpha_ti of any step (argmax stability)."""
        with _EvalMode(self):
            a = self.features(features)
            Wa_a, state = self.encode(a)
            run = {"state": state, "margin": math.inf}

            def step(y):
                lg, run["state"], w, alpha = self.step(y, run["state"], a, Wa_a)
                if alpha.shape[1] > 1:
                    top = torch.topk(alpha[0], 2).values
                    run["margin"] = min(run["margin"], float(top[0] - top[1]))
                return lg[0], w[0]

            r = _greedy(self.config, step, max_steps)
            if self.hard:
                r["alpha_margin"] = run["margin"] if run["margin"] < math.inf else None  # L = 1: no second location
            return r


# --------------------------------------------------------------------------------------------
# Building, saving, loading


# the captioner presets (src/classifier/presets.ts), whose modules are in tools/classifier_presets_torch.py
CAPTIONER_PRESETS = ("sgrvinod-captioning", "aaronccwong-sat")


def build_model(config):
    """nn.Module for config["architecture"] ("cho" | "sutskever" | "pytorch-tutorial" | "bahdanau" | "luong" | "show-attend-tell")."""
    if config["architecture"] in CAPTIONER_PRESETS:  # tools/classifier_presets_torch.py: a project's own names and math
        from classifier_presets_torch import build_preset
        return build_preset(config)
    arch = config["architecture"]
    if arch == "cho":
        return ChoEncoderDecoder(config)
    if arch == "sutskever":
        return Seq2SeqLSTM(config)
    if arch == "pytorch-tutorial":
        return TutorialSeq2Seq(config)
    if arch == "bahdanau":
        return RNNsearch(config)
    if arch == "luong":
        return LuongSeq2Seq(config)
    if arch == "show-attend-tell":
        return ShowAttendTell(config)
    from presets_torch import CLASSES  # the popular implementations' modules (seqattn presets)
    if arch in CLASSES:
        return CLASSES[arch](config)
    raise ValueError(f"unknown architecture {arch!r}")


def save_model(model, config, path, config_in_metadata=True):
    """Write model.state_dict() to `path` (safetensors) with metadata {"seqattn": config JSON, "format": "pt"}.
    config_in_metadata=False leaves the config out (write a config.json beside it instead)."""
    metadata = {"format": "pt"}
    if config_in_metadata:
        metadata["seqattn"] = json.dumps(config)
    save_file({k: v for k, v in model.state_dict().items()}, path, metadata=metadata)


def _read_config_json(folder):
    p = os.path.join(folder, "config.json")
    if not os.path.exists(p):
        return None
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def load_model(path):
    """Load a model file -> (model in eval mode, config).

    `path`: a .safetensors file (config from its "seqattn" metadata, else config.json beside it),
    or a folder with model.safetensors, or with encoder.safetensors + decoder.safetensors (unprefixed
    tutorial halves) and config.json. Honours config["tensor_prefix"].
    """
    if os.path.isdir(path):
        folder = path
        single = os.path.join(folder, "model.safetensors")
        if os.path.exists(single):
            return load_model(single)
        config = _read_config_json(folder)
        if config is None:
            raise ValueError(f"{folder}: no model.safetensors and no config.json")
        state = {}
        for part in ("encoder", "decoder"):
            tensors, _ = load_file(os.path.join(folder, part + ".safetensors"))
            state.update({f"{part}.{k}": v for k, v in tensors.items()})
    else:
        state, metadata = load_file(path)
        if "seqattn" in metadata:
            config = json.loads(metadata["seqattn"])
        else:
            config = _read_config_json(os.path.dirname(os.path.abspath(path)))
            if config is None:
                raise ValueError(f"{path}: no 'seqattn' metadata and no config.json beside it")
        prefix = config.get("tensor_prefix", "")
        if prefix:
            state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    model = build_model(config)
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, config
