"""PyTorch modules with the math and the state_dict names of three public projects, for the
fixtures of seqattn's classifier and captioner presets (src/classifier/presets.ts). Written here
from reading each project's model code; their state_dict() is what that project's code saves.

  SgrvinodCaptioning   preset "sgrvinod-captioning": sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning,
                       models.py DecoderWithAttention + Attention. Names: embedding, attention.encoder_att,
                       attention.decoder_att, attention.full_att, decode_step (nn.LSTMCell), init_h, init_c,
                       f_beta (Linear(decoder_dim, encoder_dim)), fc.
                         att = full_att(relu(encoder_att(a) + decoder_att(h)))   alpha = softmax(att)
                         z = sigmoid(f_beta(h)) * sum_i alpha_i a_i               (gate per channel)
                         h, c = decode_step([E y; z], (h, c));  logits = fc(h)
                         h_0, c_0 = init_h(mean a), init_c(mean a)                 (no tanh)
  AaronCCWongSAT       preset "aaronccwong-sat": AaronCCWong/Show-Attend-and-Tell, decoder.py Decoder +
                       attention.py Attention: attention.W (encoder), attention.U (decoder), attention.v,
                       tanh; gate per channel; h_0, c_0 with tanh; lstm (LSTMCell), deep_output (Linear(h_t)).
  SgrvinodHAN          preset "sgrvinod-han": sgrvinod/a-PyTorch-Tutorial-to-Text-Classification,
                       model.py HierarchialAttentionNetwork > SentenceAttention > WordAttention (names
                       nested two levels deep), softmax computed as exp(x - max) / sum over packed rows.
  UvipenHAN            preset "uvipen-han": uvipen/Hierarchical-attention-networks-pytorch, HierAttNet >
                       WordAttNet, SentAttNet: raw nn.Parameters used as x @ W, the word GRU's state carried
                       across sentences, tanh on the sentence scores, fixed-size padded documents, a float64
                       embedding table (nn.Embedding.from_pretrained of a NumPy float array).
  AttBLSTMRelation     preset "att-blstm-relation": onehaitao/Att-BLSTM-relation-extraction, model.py
                       Att_BLSTM: word_embedding, lstm (bidirectional, directions summed), att_weight
                       nn.Parameter (1, H, 1), dense; inputs padded to max_len with a mask.

Each has the interface of its seqattn_torch / classifiers_torch counterpart (greedy / step for the
captioner, so tools/beam_reference.py searches it; classify for the classifiers).
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classifiers_torch import _result  # noqa: E402
from seqattn_torch import ShowAttendTell, _EvalMode  # noqa: E402

# --------------------------------------------------------------------------------------------
# sgrvinod-captioning, aaronccwong-sat: captioners with a gate per channel and fc(h_t) outputs


class _CaptionerAttention(nn.Module):
    """e = v(act(W_a(a) + W_h(h))) with the project's attribute names `names` = (W_a, W_h, v)."""

    def __init__(self, names, encoder_dim, decoder_dim, attention_dim, act):
        super().__init__()
        self.names, self.act = names, act
        for name, (i, o) in zip(names, [(encoder_dim, attention_dim), (decoder_dim, attention_dim), (attention_dim, 1)]):
            setattr(self, name, nn.Linear(i, o))

    def keys(self, a):
        return getattr(self, self.names[0])(a)

    def forward(self, keys, h):
        """keys (B, L, A) = W_a(a), once per image; h (B, H) -> energies (B, L), alpha (B, L)."""
        W_h, v = getattr(self, self.names[1]), getattr(self, self.names[2])
        e = v(self.act(keys + W_h(h).unsqueeze(1))).squeeze(2)
        return e, F.softmax(e, dim=1)


class _GatedCaptioner(ShowAttendTell):
    """A decoder of the projects below, in eval mode (dropout off), with the Stepper / greedy interface of
    seqattn_torch.ShowAttendTell (encode, step, features, greedy):
        h_0, c_0 = init(init_h(mean a)), init(init_c(mean a))
        alpha = softmax(v(act(W_a a + W_h h)));  z = sigmoid(f_beta(h)) * sum_i alpha_i a_i
        h, c = LSTMCell([E y; z], (h, c));  logits = out(h)"""

    ATTENTION = ()  # (W_a, W_h, v) attribute names
    LSTM = OUT = ""
    act = init = staticmethod(lambda x: x)

    def __init__(self, config):
        nn.Module.__init__(self)
        c = self.config = {"max_source_length": 196, "max_target_length": 128, **config}
        D, E, H, A = c["feature_size"], c["embedding_size"], c["hidden_size"], c["alignment_size"]
        V = len(c["target_vocab"])
        self.D, self.hard, self.deep = D, False, "none"
        self.attention = _CaptionerAttention(self.ATTENTION, D, H, A, self.act)
        self.embedding = nn.Embedding(V, E)
        setattr(self, self.LSTM, nn.LSTMCell(E + D, H, bias=True))
        self.init_h = nn.Linear(D, H)
        self.init_c = nn.Linear(D, H)
        self.f_beta = nn.Linear(H, D)
        setattr(self, self.OUT, nn.Linear(H, V))

    def encode(self, a):
        mean = a.mean(dim=1)
        return self.attention.keys(a), (self.init(self.init_h(mean)), self.init(self.init_c(mean)))

    def step(self, y_prev, state, a, keys):
        h, c = state
        _, alpha = self.attention(keys, h)
        z = (a * alpha.unsqueeze(2)).sum(dim=1)
        z = torch.sigmoid(self.f_beta(h)) * z
        h, c = getattr(self, self.LSTM)(torch.cat([self.embedding(y_prev), z], dim=1), (h, c))
        return getattr(self, self.OUT)(h), (h, c), alpha, alpha

    def output_layer(self):
        return getattr(self, self.OUT)


class SgrvinodCaptioning(_GatedCaptioner):
    """sgrvinod DecoderWithAttention: full_att(relu(encoder_att(a) + decoder_att(h))), h_0 = init_h(mean a) (no tanh)."""
    ATTENTION, LSTM, OUT = ("encoder_att", "decoder_att", "full_att"), "decode_step", "fc"
    act = staticmethod(F.relu)


class AaronCCWongSAT(_GatedCaptioner):
    """AaronCCWong Decoder + Attention: v(tanh(W(a) + U(h))), h_0 = tanh(init_h(mean a)), deep_output(h)."""
    ATTENTION, LSTM, OUT = ("W", "U", "v"), "lstm", "deep_output"
    act = init = staticmethod(torch.tanh)


# --------------------------------------------------------------------------------------------
# sgrvinod-han


def _packed_softmax(scores, batch_sizes):
    """softmax within each padded row of a packed score vector, as sgrvinod's HAN computes it:
    exp(x - max over all rows), re-padded with 0s, divided by the row sums."""
    e = torch.exp(scores - scores.max())
    e, _ = pad_packed_sequence(PackedSequence(e, batch_sizes), batch_first=True)
    return e / torch.sum(e, dim=1, keepdim=True)


class _WordAttention(nn.Module):
    def __init__(self, vocab_size, emb_size, word_rnn_size, word_rnn_layers, word_att_size):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, emb_size)
        self.word_rnn = nn.GRU(emb_size, word_rnn_size, num_layers=word_rnn_layers, bidirectional=True, batch_first=True)
        self.word_attention = nn.Linear(2 * word_rnn_size, word_att_size)
        self.word_context_vector = nn.Linear(word_att_size, 1, bias=False)

    def forward(self, sentences, lengths):
        """sentences (n, T) ids, lengths (n,) sorted descending -> s (n, 2n_w), alphas (n, T_max)."""
        packed = pack_padded_sequence(self.embeddings(sentences), lengths, batch_first=True)
        words, _ = self.word_rnn(packed)
        u = self.word_context_vector(torch.tanh(self.word_attention(words.data))).squeeze(1)
        alphas = _packed_softmax(u, words.batch_sizes)
        h, _ = pad_packed_sequence(words, batch_first=True)
        return (h * alphas.unsqueeze(2)).sum(dim=1), alphas


class _SentenceAttention(nn.Module):
    def __init__(self, vocab_size, emb_size, word_rnn_size, sentence_rnn_size, word_rnn_layers, sentence_rnn_layers, word_att_size,
                 sentence_att_size):
        super().__init__()
        self.word_attention = _WordAttention(vocab_size, emb_size, word_rnn_size, word_rnn_layers, word_att_size)
        self.sentence_rnn = nn.GRU(2 * word_rnn_size, sentence_rnn_size, num_layers=sentence_rnn_layers, bidirectional=True, batch_first=True)
        self.sentence_attention = nn.Linear(2 * sentence_rnn_size, sentence_att_size)
        self.sentence_context_vector = nn.Linear(sentence_att_size, 1, bias=False)


class SgrvinodHAN(nn.Module):
    """HierarchialAttentionNetwork's names (sentence_attention.word_attention.*, fc) and math, one
    document at a time (its sentences are the word level's batch, sorted longest first as there)."""

    def __init__(self, config):
        super().__init__()
        c = self.config = config
        self.sentence_attention = _SentenceAttention(len(c["source_vocab"]), c["embedding_size"], c["word_hidden_size"],
                                                     c["sentence_hidden_size"], c.get("word_num_layers", 1), c.get("sentence_num_layers", 1),
                                                     c["word_attention_size"], c["sentence_attention_size"])
        self.fc = nn.Linear(2 * c["sentence_hidden_size"], len(c["labels"]))

    def classify(self, document):
        with _EvalMode(self):
            sa = self.sentence_attention
            lengths = torch.tensor([len(s) for s in document])
            order = torch.argsort(lengths, descending=True, stable=True)
            ids = torch.zeros(len(document), int(lengths.max()), dtype=torch.long)
            for i, s in enumerate(document):
                ids[i, : len(s)] = torch.tensor(s)
            s, word_alphas = sa.word_attention(ids[order], lengths[order])
            unsort = torch.argsort(order)
            s, word_alphas = s[unsort], word_alphas[unsort]
            # one document: the sentence level's batch is 1
            hs, _ = sa.sentence_rnn(pack_padded_sequence(s.unsqueeze(0), [len(document)], batch_first=True))
            u = sa.sentence_context_vector(torch.tanh(sa.sentence_attention(hs.data))).squeeze(1)
            alphas = _packed_softmax(u, hs.batch_sizes)
            h, _ = pad_packed_sequence(hs, batch_first=True)
            v = (h * alphas.unsqueeze(2)).sum(dim=1)
            logits = self.fc(v)[0]
            words = [word_alphas[i, : len(d)].tolist() for i, d in enumerate(document)]
            return _result(self.config, logits, {"words": words, "sentences": alphas[0].tolist()})


# --------------------------------------------------------------------------------------------
# att-blstm-relation


class AttBLSTMRelation(nn.Module):
    """Att_BLSTM's names and math: inputs padded to max_len (pad id 0) with a mask, packed through
    the LSTM, directions summed, masked softmax over tanh(H) att_weight, tanh(r), dense."""

    def __init__(self, config):
        super().__init__()
        c = self.config = {"num_layers": 1, **config}
        self.max_len, self.hidden_size = c["max_length"], c["hidden_size"]
        self.word_embedding = nn.Embedding(len(c["source_vocab"]), c["embedding_size"])
        self.lstm = nn.LSTM(c["embedding_size"], c["hidden_size"], num_layers=c["num_layers"], bias=True,
                            batch_first=True, dropout=0, bidirectional=True)
        self.att_weight = nn.Parameter(torch.randn(1, c["hidden_size"], 1))
        self.dense = nn.Linear(c["hidden_size"], len(c["labels"]), bias=True)

    def forward(self, token, mask):
        lengths = torch.sum(mask.gt(0), dim=-1)
        x = pack_padded_sequence(self.word_embedding(token), lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(x)
        h, _ = pad_packed_sequence(h, batch_first=True, padding_value=0.0, total_length=self.max_len)
        h = h.view(-1, self.max_len, 2, self.hidden_size).sum(dim=2)  # B*L*H
        score = torch.bmm(torch.tanh(h), self.att_weight.expand(mask.shape[0], -1, -1))
        score = score.masked_fill(mask.unsqueeze(-1).eq(0), float("-inf"))
        alpha = F.softmax(score, dim=1)
        reps = torch.tanh(torch.bmm(h.transpose(1, 2), alpha).squeeze(-1))
        return self.dense(reps), alpha.squeeze(-1)

    def classify(self, ids):
        with _EvalMode(self):
            token = torch.zeros(1, self.max_len, dtype=torch.long)
            mask = torch.zeros(1, self.max_len, dtype=torch.long)
            token[0, : len(ids)] = torch.tensor(ids)
            mask[0, : len(ids)] = 1
            logits, alpha = self(token, mask)
            return _result(self.config, logits[0], alpha[0, : len(ids)].tolist())


# --------------------------------------------------------------------------------------------
# uvipen-han


class _UvipenWordAttNet(nn.Module):
    def __init__(self, V, E, n):
        super().__init__()
        self.word_weight = nn.Parameter(torch.randn(2 * n, 2 * n) * 0.3)  # used as x @ W
        self.word_bias = nn.Parameter(torch.randn(1, 2 * n) * 0.3)
        self.context_weight = nn.Parameter(torch.randn(2 * n, 1))
        table = torch.cat([torch.zeros(1, E, dtype=torch.float64), torch.randn(V - 1, E, dtype=torch.float64)])  # row 0: unknown / pad
        self.lookup = nn.Embedding.from_pretrained(table)
        self.gru = nn.GRU(E, n, bidirectional=True)  # sequence-first

    def forward(self, words, h0):
        """words (T, B) ids, h0 (2, B, n) -> s (B, 2n), alpha (B, T), h_T (2, B, n)."""
        f, h = self.gru(self.lookup(words).float(), h0)
        u = torch.tanh(f @ self.word_weight + self.word_bias)
        alpha = F.softmax((u @ self.context_weight).squeeze(2).permute(1, 0), dim=1)  # no tanh on the word scores
        return (f * alpha.permute(1, 0).unsqueeze(2)).sum(0), alpha, h


class _UvipenSentAttNet(nn.Module):
    def __init__(self, ns, nw, C):
        super().__init__()
        self.sent_weight = nn.Parameter(torch.randn(2 * ns, 2 * ns) * 0.3)
        self.sent_bias = nn.Parameter(torch.randn(1, 2 * ns) * 0.3)
        self.context_weight = nn.Parameter(torch.randn(2 * ns, 1))
        self.gru = nn.GRU(2 * nw, ns, bidirectional=True)
        self.fc = nn.Linear(2 * ns, C)

    def forward(self, s, h0):
        """s (L, B, 2n_w) -> logits (B, C), alpha (B, L)."""
        f, _ = self.gru(s, h0)
        u = torch.tanh(f @ self.sent_weight + self.sent_bias)
        alpha = F.softmax(torch.tanh(u @ self.context_weight).squeeze(2).permute(1, 0), dim=1)  # tanh on the sentence scores
        return self.fc((f * alpha.permute(1, 0).unsqueeze(2)).sum(0)), alpha


class UvipenHAN(nn.Module):
    """HierAttNet's names (word_att_net.*, sent_att_net.*) and math: raw x @ W attention parameters,
    the word GRU's state carried from each sentence to the next (from 0 at a document's start),
    tanh on the sentence scores, every document padded to max_sentences x max_sentence_length with 0."""

    def __init__(self, config):
        super().__init__()
        c = self.config = config
        self.T, self.L = c["max_sentence_length"], c["max_sentences"]
        self.nw, self.ns = c["word_hidden_size"], c["sentence_hidden_size"]
        self.word_att_net = _UvipenWordAttNet(len(c["source_vocab"]), c["embedding_size"], self.nw)
        self.sent_att_net = _UvipenSentAttNet(self.ns, self.nw, len(c["labels"]))

    def classify(self, document):
        with _EvalMode(self):
            ids = torch.zeros(self.L, self.T, dtype=torch.long)  # the dataset's padding (-1, then + 1)
            for i, s in enumerate(document):
                ids[i, : len(s)] = torch.tensor(s)
            h = torch.zeros(2, 1, self.nw)
            sentences, words = [], []
            for i in range(self.L):
                s, alpha, h = self.word_att_net(ids[i].unsqueeze(1), h)
                sentences.append(s)
                words.append(alpha[0].tolist())
            logits, alpha = self.sent_att_net(torch.stack(sentences), torch.zeros(2, 1, self.ns))
            return _result(self.config, logits[0], {"words": words, "sentences": alpha[0].tolist()})


PRESETS = {"sgrvinod-captioning": SgrvinodCaptioning, "aaronccwong-sat": AaronCCWongSAT, "sgrvinod-han": SgrvinodHAN, "att-blstm-relation": AttBLSTMRelation,
           "uvipen-han": UvipenHAN}


def build_preset(config):
    """The module of the preset config["architecture"] names."""
    return PRESETS[config["architecture"]](config)
