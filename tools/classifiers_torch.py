"""PyTorch reference modules for seqattn's attention classifiers (see docs/classifiers.md).

state_dict() names are exactly the tensor names seqattn reads, so
    save_classifier(model, config, "model.safetensors")
writes a file seqattn's loadClassifier loads, and load_classifier() reads one back.

  AttentionBiLSTM                "attention-bilstm": Zhou et al. 2016 (ACL), embeddings, a
                                 bidirectional (stacked) nn.LSTM, M = tanh(H), alpha = softmax(w^T M),
                                 r = H alpha^T, h* = tanh(r), p(y) = softmax(W h* + b).
  HierarchicalAttentionNetwork   "han": Yang et al. 2016 (NAACL), word-level biGRU + attention
                                 pooling per sentence, sentence-level biGRU + attention pooling,
                                 p = softmax(W_c v + b_c).

Both take batches with lengths (padding masked out of the recurrences and the softmaxes), so they
train as they are; classify() runs one input (batch 1) in eval mode and returns label, logits,
probabilities and attention weights. Use /usr/bin/python3 (torch 1.13).
"""

import json
import os
import re
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file  # noqa: E402
from seqattn_torch import _EvalMode, _run_rnn, make_gru, save_model  # noqa: E402

__all__ = [
    "AttentionPooling",
    "AttentionBiLSTM",
    "HierarchicalAttentionNetwork",
    "classifier_defaults",
    "tokenize",
    "split_sentences",
    "build_classifier",
    "save_classifier",
    "load_classifier",
]

# where a document given as one string splits into sentences (src/classifier/tokenize.ts SENTENCE_BOUNDARY)
SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n")


def classifier_defaults(config):
    """A copy of `config` with the documented defaults filled in."""
    c = dict(config)
    c.setdefault("source_tokenizer", "word")
    c.setdefault("lowercase", False)
    c.setdefault("source_unk_id", None)
    if c["architecture"] == "attention-bilstm":
        c.setdefault("merge", "sum")
        c.setdefault("num_layers", 1)
        c.setdefault("max_length", 128)
    elif c["architecture"] == "han":
        c.setdefault("sentence_hidden_size", c["word_hidden_size"])
        c.setdefault("word_attention_size", 2 * c["word_hidden_size"])
        c.setdefault("sentence_attention_size", 2 * c["sentence_hidden_size"])
        c.setdefault("gru_convention", "reset_after")
        c.setdefault("max_sentence_length", 64)
        c.setdefault("max_sentences", 32)
    else:
        raise ValueError(f"unknown classifier architecture {c['architecture']!r}")
    return c


def tokenize(config, text):
    """Token ids of one text: lowercase if configured; "word": text.split(), "char": code points;
    unknown symbols -> source_unk_id (error when there is none)."""
    c = classifier_defaults(config)
    if c["lowercase"]:
        text = text.lower()
    symbols = list(text) if c["source_tokenizer"] == "char" else text.split()
    index = {s: i for i, s in enumerate(c["source_vocab"])}
    ids = []
    for pos, s in enumerate(symbols):
        if s not in index and c["source_unk_id"] is None:
            raise ValueError(f"unknown symbol {s!r} at position {pos} and no source_unk_id")
        ids.append(index.get(s, c["source_unk_id"]))
    return ids


def split_sentences(text):
    """A document string -> its sentences: after '.', '!' or '?' followed by whitespace, and at line
    breaks; pieces that are empty or only whitespace are dropped."""
    return [s for s in SENTENCE_BOUNDARY.split(text) if re.search(r"\S", s)]


def _lengths_mask(lengths, T):
    return torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)  # (B, T) True at real positions


class AttentionPooling(nn.Module):
    """a_t = softmax_t(u^T tanh(W h_t + b)), c = sum_t a_t h_t (Yang et al. 2016); with
    projection=False, u_t = tanh(h_t) (Zhou et al. 2016: M = tanh(H), alpha = softmax(w^T M)).
    Parameters: W = nn.Linear(d, A) (projection only), u = nn.Linear(A, 1, bias=False) whose
    weight (1, A) is the context vector; Zhou's w is named `w` (see AttentionBiLSTM)."""

    def __init__(self, d, A, projection=True, context_name="u"):
        super().__init__()
        self.W = nn.Linear(d, A) if projection else None
        self.context_name = context_name
        setattr(self, context_name, nn.Linear(A if projection else d, 1, bias=False))

    def forward(self, h, mask=None):
        """h (B, T, d), mask (B, T) bool -> c (B, d), a (B, T)."""
        u = torch.tanh(self.W(h) if self.W is not None else h)
        e = getattr(self, self.context_name)(u).squeeze(-1)  # u_t^T u
        if mask is not None:
            e = e.masked_fill(~mask, float("-inf"))
        a = F.softmax(e, dim=-1)
        return torch.bmm(a.unsqueeze(1), h).squeeze(1), a


class AttentionBiLSTM(nn.Module):
    """architecture "attention-bilstm" (Zhou et al. 2016). Parameters: embedding (V, E),
    lstm = nn.LSTM(E, n, num_layers, bidirectional=True), attention.w (1, d), classifier (C, d) + (C,),
    d = n (merge "sum": h_t = ->h_t + <-h_t, the paper) or 2n ("concat")."""

    def __init__(self, config):
        super().__init__()
        c = self.config = classifier_defaults(config)
        E, n = c["embedding_size"], c["hidden_size"]
        self.n = n
        self.merge = c["merge"]
        d = n if self.merge == "sum" else 2 * n
        self.embedding = nn.Embedding(len(c["source_vocab"]), E)
        self.lstm = nn.LSTM(E, n, num_layers=c["num_layers"], batch_first=True, bidirectional=True)
        self.attention = AttentionPooling(d, d, projection=False, context_name="w")
        self.classifier = nn.Linear(d, len(c["labels"]))

    def forward(self, ids, lengths=None):
        """ids (B, T) -> logits (B, C), alpha (B, T)."""
        H = _run_rnn(self.lstm, self.embedding(ids), None, lengths)[0]  # (B, T, 2n)
        if self.merge == "sum":
            H = H[..., : self.n] + H[..., self.n :]
        mask = None if lengths is None else _lengths_mask(lengths, ids.shape[1])
        r, alpha = self.attention(H, mask)  # alpha = softmax(w^T tanh(H)), r = H alpha^T
        return self.classifier(torch.tanh(r)), alpha  # W h* + b, h* = tanh(r)

    def classify(self, ids):
        with _EvalMode(self):
            logits, alpha = self(torch.tensor([list(ids)], dtype=torch.long))
            return _result(self.config, logits[0], alpha[0].tolist())


class HierarchicalAttentionNetwork(nn.Module):
    """architecture "han" (Yang et al. 2016). Parameters: embedding (V, E), word_rnn (bidirectional
    GRU E -> n_w), word_attention.W (A_w, 2n_w) + (A_w,), word_attention.u (1, A_w), sentence_rnn
    (bidirectional GRU 2n_w -> n_s), sentence_attention.W (A_s, 2n_s) + (A_s,), sentence_attention.u
    (1, A_s), classifier (C, 2n_s) + (C,)."""

    def __init__(self, config):
        super().__init__()
        c = self.config = classifier_defaults(config)
        E, nw, ns = c["embedding_size"], c["word_hidden_size"], c["sentence_hidden_size"]
        conv = c["gru_convention"]
        self.embedding = nn.Embedding(len(c["source_vocab"]), E)
        self.word_rnn = make_gru(conv, E, nw, bidirectional=True)
        self.word_attention = AttentionPooling(2 * nw, c["word_attention_size"])
        self.sentence_rnn = make_gru(conv, 2 * nw, ns, bidirectional=True)
        self.sentence_attention = AttentionPooling(2 * ns, c["sentence_attention_size"])
        self.classifier = nn.Linear(2 * ns, len(c["labels"]))

    def forward(self, ids, word_lengths=None, sentence_lengths=None):
        """ids (B, L, T) word ids; word_lengths (B, L) (0 for padded sentences), sentence_lengths (B,)
        -> logits (B, C), word alphas (B, L, T), sentence alphas (B, L)."""
        B, L, T = ids.shape
        words = ids.reshape(B * L, T)
        wl = None if word_lengths is None else word_lengths.reshape(B * L).clamp(min=1)
        h = _run_rnn(self.word_rnn, self.embedding(words), None, wl)[0]  # h_it (B L, T, 2n_w)
        s, a_words = self.word_attention(h, None if wl is None else _lengths_mask(wl, T))  # s_i, alpha_it
        hs = _run_rnn(self.sentence_rnn, s.reshape(B, L, -1), None, sentence_lengths)[0]  # h_i (B, L, 2n_s)
        v, a_sentences = self.sentence_attention(hs, None if sentence_lengths is None else _lengths_mask(sentence_lengths, L))
        return self.classifier(v), a_words.reshape(B, L, T), a_sentences

    def classify(self, document):
        """document: a list of sentences, each a list of ids (batch 1, sentences padded to the longest)."""
        with _EvalMode(self):
            L, T = len(document), max(len(s) for s in document)
            ids = torch.zeros(1, L, T, dtype=torch.long)
            for i, s in enumerate(document):
                ids[0, i, : len(s)] = torch.tensor(s)
            wl = torch.tensor([[len(s) for s in document]])
            logits, a_words, a_sentences = self(ids, wl, torch.tensor([L]))
            words = [a_words[0, i, : len(s)].tolist() for i, s in enumerate(document)]
            return _result(self.config, logits[0], {"words": words, "sentences": a_sentences[0].tolist()})


def _result(config, logits, attention):
    k = int(torch.argmax(logits))
    return {
        "label": config["labels"][k],
        "label_id": k,
        "logits": logits.tolist(),
        "probabilities": F.softmax(logits, dim=-1).tolist(),
        "log_probabilities": F.log_softmax(logits, dim=-1).tolist(),
        "attention": attention,
    }


def build_classifier(config):
    arch = config["architecture"]
    if arch == "attention-bilstm":
        return AttentionBiLSTM(config)
    if arch == "han":
        return HierarchicalAttentionNetwork(config)
    raise ValueError(f"unknown classifier architecture {arch!r}")


# model.state_dict() to `path` with metadata {"seqattn": config JSON, "format": "pt"}
# (config_in_metadata=False: write a config.json beside it instead)
save_classifier = save_model


def load_classifier(path):
    """A .safetensors file (config from its "seqattn" metadata, else config.json beside it), or a
    folder with model.safetensors -> (model in eval mode, config)."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.safetensors")
    state, metadata = load_file(path)
    if "seqattn" in metadata:
        config = json.loads(metadata["seqattn"])
    else:
        with open(os.path.join(os.path.dirname(os.path.abspath(path)), "config.json"), encoding="utf-8") as f:
            config = json.load(f)
    prefix = config.get("tensor_prefix", "")
    if prefix:
        state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    model = build_classifier(config)
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, config
