"""PyTorch modules with the math and the state_dict names of popular seq2seq implementations,
written here (no code copied) to make seqattn's preset fixtures (tools/make_preset_fixtures.py):

  bentrevett-1              bentrevett/pytorch-seq2seq 1: LSTM encoder-decoder, n layers
  bentrevett-2              bentrevett/pytorch-seq2seq 2: GRU, context c = h_T fed to every step
  bentrevett-3              bentrevett/pytorch-seq2seq 3: RNNsearch as that notebook writes it
  pytorch-chatbot           PyTorch chatbot tutorial: EncoderRNN (bidirectional GRU, directions
                            summed) + LuongAttnDecoderRNN (dot / general / concat)
  opennmt-rnn               OpenNMT-py RNNEncoder (rnn / brnn, LSTM or GRU) + InputFeedRNNDecoder or
                            StdRNNDecoder + GlobalAttention (dot / general / mlp) + generator
  pytorch-tutorial-location the older PyTorch seq2seq tutorial: attn = Linear(2H, max_length) over
                            [E y; s], attn_combine + ReLU before the GRU

Every model runs in eval mode (dropout off) and offers the interface tools/beam_reference.py
steps: memory = encode(src (1, Tx)); state = initial(memory); logits (B, V), attention (B, Tx),
state = step(y (B,), state, memory); state = reorder(state, idx); and greedy(source_ids).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from seqattn_torch import _EvalMode, _greedy

# the architectures whose steps compute no attention weights (attention rows of length 0)
UNATTENDED = ("cho", "sutskever", "bentrevett-1", "bentrevett-2")
PRESETS = ("bentrevett-1", "bentrevett-2", "bentrevett-3", "pytorch-chatbot", "opennmt-rnn", "pytorch-tutorial-location")


def preset_interesting(model, config):
    """Weights scaled (after make_fixtures.make_interesting's generic x2) so alignments are peaked and
    the states move with the source."""
    with torch.no_grad():
        arch = config["architecture"]
        for name, p in model.named_parameters():
            if "embedding" in name or "emb_luts" in name:
                p.mul_(2.0)  # a different source gives a visibly different decode
            if (arch == "bentrevett-1" or (arch == "pytorch-chatbot" and config["attention"] == "dot")) and (".rnn." in name or ".gru." in name):
                p.mul_(2.0)  # the final states (and dot scores) move with the source
            if arch == "opennmt-rnn" and "encoder.rnn" in name and config.get("attention") == "dot":
                p.mul_(3.0)
        if arch == "bentrevett-3":
            model.decoder.attention.v.weight.mul_(4.0)
            model.decoder.attention.attn.weight.mul_(2.0)
        if arch == "pytorch-chatbot" and config["attention"] != "dot":
            model.decoder.attn.attn.weight.mul_(2.0)
            if config["attention"] == "concat":
                model.decoder.attn.v.mul_(4.0)
        if arch == "opennmt-rnn":
            att = model.decoder.attn
            for name in ("linear_in", "v", "linear_query"):
                if hasattr(att, name):
                    getattr(att, name).weight.mul_(6.0)
            att.linear_out.weight.mul_(3.0)
        if arch == "pytorch-tutorial-location":
            model.decoder.attn.weight.mul_(6.0)


def preset_defaults(config):
    """A copy of `config` with the defaults src/compose/presets.ts fills in."""
    c = dict(config)
    H = c["hidden_size"]
    c.setdefault("embedding_size", H)
    c.setdefault("target_embedding_size", c["embedding_size"])
    c.setdefault("num_layers", 1)
    c.setdefault("encoder_hidden_size", H)
    return c


def _select_rows(state, idx):
    """Row k of every (.., B, ..) tensor of a state becomes row idx[k] (batch dim: 1 for (L, B, H), 0 for (B, ..))."""
    if isinstance(state, tuple):
        return tuple(_select_rows(s, idx) for s in state)
    return state.index_select(1 if state.dim() == 3 else 0, idx)


class Preset(nn.Module):
    """Greedy decoding over encode / initial / step."""

    def greedy(self, source_ids, max_steps=None):
        with _EvalMode(self):
            memory = self.encode(torch.tensor([list(source_ids)], dtype=torch.long))
            state = [self.initial(memory)]

            def step(y):
                lg, a, state[0] = self.step(y, state[0], memory)
                return lg[0], a[0]
            return _greedy(self.config, step, max_steps)

    def reorder(self, state, idx):
        return _select_rows(state, idx)


# ---------------------------------------------------------------- bentrevett 1: LSTM, n layers

class B1Encoder(nn.Module):
    def __init__(self, V, E, H, L):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E, H, L)

    def forward(self, src):  # src (T, B)
        _, (hidden, cell) = self.rnn(self.embedding(src))
        return hidden, cell


class B1Decoder(nn.Module):
    def __init__(self, V, E, H, L):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E, H, L)
        self.fc_out = nn.Linear(H, V)

    def forward(self, y, hidden, cell):  # y (B,)
        out, (hidden, cell) = self.rnn(self.embedding(y).unsqueeze(0), (hidden, cell))
        return self.fc_out(out[0]), hidden, cell


class Bentrevett1(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        self.encoder = B1Encoder(len(c["source_vocab"]), c["embedding_size"], c["hidden_size"], c["num_layers"])
        self.decoder = B1Decoder(len(c["target_vocab"]), c["target_embedding_size"], c["hidden_size"], c["num_layers"])

    def encode(self, src):
        return self.encoder(src.t())

    def initial(self, memory):
        return memory

    def step(self, y, state, memory):
        lg, h, c = self.decoder(y, *state)
        return lg, lg.new_zeros(y.shape[0], 0), (h, c)

    def output_layer(self):
        return self.decoder.fc_out


# ---------------------------------------------------------------- bentrevett 2: GRU, context every step

class B2Encoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.GRU(E, H)

    def forward(self, src):
        _, hidden = self.rnn(self.embedding(src))
        return hidden  # (1, B, H): the context z


class B2Decoder(nn.Module):
    def __init__(self, V, E, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.GRU(E + H, H)
        self.fc_out = nn.Linear(E + 2 * H, V)

    def forward(self, y, hidden, context):
        embedded = self.embedding(y).unsqueeze(0)
        _, hidden = self.rnn(torch.cat((embedded, context), dim=2), hidden)
        return self.fc_out(torch.cat((embedded[0], hidden[0], context[0]), dim=1)), hidden


class Bentrevett2(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        self.encoder = B2Encoder(len(c["source_vocab"]), c["embedding_size"], c["hidden_size"])
        self.decoder = B2Decoder(len(c["target_vocab"]), c["target_embedding_size"], c["hidden_size"])

    def encode(self, src):
        return self.encoder(src.t())

    def initial(self, context):
        return context  # s_0 = z

    def step(self, y, hidden, context):
        lg, hidden = self.decoder(y, hidden, context.expand(-1, y.shape[0], -1))
        return lg, lg.new_zeros(y.shape[0], 0), hidden

    def output_layer(self):
        return self.decoder.fc_out


# ---------------------------------------------------------------- bentrevett 3: RNNsearch

class B3Encoder(nn.Module):
    def __init__(self, V, E, n, H):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.GRU(E, n, bidirectional=True)
        self.fc = nn.Linear(2 * n, H)

    def forward(self, src):
        outputs, hidden = self.rnn(self.embedding(src))
        # s_0 = tanh(fc([->h_T; <-h_1])): hidden[-2] the forward's last, hidden[-1] the backward's
        return outputs, torch.tanh(self.fc(torch.cat((hidden[-2], hidden[-1]), dim=1)))


class B3Attention(nn.Module):
    def __init__(self, n, H):
        super().__init__()
        self.attn = nn.Linear(2 * n + H, H)
        self.v = nn.Linear(H, 1, bias=False)

    def forward(self, hidden, outputs):  # hidden (B, H), outputs (T, B, 2n)
        T = outputs.shape[0]
        hidden = hidden.unsqueeze(1).repeat(1, T, 1)
        energy = torch.tanh(self.attn(torch.cat((hidden, outputs.permute(1, 0, 2)), dim=2)))
        return F.softmax(self.v(energy).squeeze(2), dim=1)


class B3Decoder(nn.Module):
    def __init__(self, V, E, n, H):
        super().__init__()
        self.attention = B3Attention(n, H)
        self.embedding = nn.Embedding(V, E)
        self.rnn = nn.GRU(2 * n + E, H)
        self.fc_out = nn.Linear(2 * n + H + E, V)

    def forward(self, y, hidden, outputs):
        embedded = self.embedding(y).unsqueeze(0)
        a = self.attention(hidden, outputs)
        weighted = torch.bmm(a.unsqueeze(1), outputs.permute(1, 0, 2)).permute(1, 0, 2)
        out, h = self.rnn(torch.cat((embedded, weighted), dim=2), hidden.unsqueeze(0))
        return self.fc_out(torch.cat((out[0], weighted[0], embedded[0]), dim=1)), h[0], a


class Bentrevett3(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        n, H = c["encoder_hidden_size"], c["hidden_size"]
        self.encoder = B3Encoder(len(c["source_vocab"]), c["embedding_size"], n, H)
        self.decoder = B3Decoder(len(c["target_vocab"]), c["target_embedding_size"], n, H)

    def encode(self, src):
        return self.encoder(src.t())  # outputs (T, 1, 2n), s_0 (1, H)

    def initial(self, memory):
        return memory[1]

    def step(self, y, hidden, memory):
        lg, hidden, a = self.decoder(y, hidden, memory[0].expand(-1, y.shape[0], -1))
        return lg, a, hidden

    def output_layer(self):
        return self.decoder.fc_out


# ---------------------------------------------------------------- PyTorch chatbot tutorial

class ChatEncoderRNN(nn.Module):
    def __init__(self, H, embedding, L):
        super().__init__()
        self.hidden_size = H
        self.embedding = embedding
        self.gru = nn.GRU(H, H, L, bidirectional=True)

    def forward(self, src):  # (T, B)
        outputs, hidden = self.gru(self.embedding(src))
        return outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:], hidden  # directions summed


class ChatAttn(nn.Module):
    def __init__(self, method, H):
        super().__init__()
        self.method = method
        if method == "general":
            self.attn = nn.Linear(H, H)
        elif method == "concat":
            self.attn = nn.Linear(2 * H, H)
            self.v = nn.Parameter(torch.empty(H).uniform_(-0.5, 0.5))

    def forward(self, hidden, outputs):  # hidden (1, B, H), outputs (T, B, H)
        if self.method == "dot":
            energies = torch.sum(hidden * outputs, dim=2)
        elif self.method == "general":
            energies = torch.sum(hidden * self.attn(outputs), dim=2)
        else:
            e = self.attn(torch.cat((hidden.expand(outputs.shape[0], -1, -1), outputs), 2)).tanh()
            energies = torch.sum(self.v * e, dim=2)
        return F.softmax(energies.t(), dim=1).unsqueeze(1)  # (B, 1, T)


class ChatLuongAttnDecoderRNN(nn.Module):
    def __init__(self, method, embedding, H, V, L):
        super().__init__()
        self.embedding = embedding
        self.gru = nn.GRU(H, H, L)
        self.concat = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, V)
        self.attn = ChatAttn(method, H)

    def forward(self, y, last_hidden, outputs):
        rnn_output, hidden = self.gru(self.embedding(y).unsqueeze(0), last_hidden)
        w = self.attn(rnn_output, outputs)
        context = w.bmm(outputs.transpose(0, 1))[:, 0]
        h_tilde = torch.tanh(self.concat(torch.cat((rnn_output[0], context), 1)))
        return self.out(h_tilde), hidden, w[:, 0]


class PyTorchChatbot(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        H, L = c["hidden_size"], c["num_layers"]
        embedding = nn.Embedding(len(c["source_vocab"]), H)  # one vocabulary, one embedding for both sides
        self.encoder = ChatEncoderRNN(H, embedding, L)
        self.decoder = ChatLuongAttnDecoderRNN(c["attention"], embedding, H, len(c["target_vocab"]), L)

    def encode(self, src):
        return self.encoder(src.t())

    def initial(self, memory):
        return memory[1][: self.config["num_layers"]]  # encoder_hidden[:decoder.n_layers]

    def step(self, y, hidden, memory):
        lg, hidden, a = self.decoder(y, hidden, memory[0].expand(-1, y.shape[0], -1))
        return lg, a, hidden

    def output_layer(self):
        return self.decoder.out


# ---------------------------------------------------------------- OpenNMT-py RNN

class ONMTEmbeddings(nn.Module):
    def __init__(self, V, E):
        super().__init__()
        self.make_embedding = nn.Module()
        self.make_embedding.emb_luts = nn.ModuleList([nn.Embedding(V, E)])

    def forward(self, ids):
        return self.make_embedding.emb_luts[0](ids)


class ONMTStackedCells(nn.Module):
    """StackedLSTM / StackedGRU: layers.{i} cells, layer i > 0 reads layer i-1's h."""

    def __init__(self, cell, L, input_size, H):
        super().__init__()
        self.lstm = cell == "LSTM"
        self.layers = nn.ModuleList([(nn.LSTMCell if self.lstm else nn.GRUCell)(input_size if i == 0 else H, H) for i in range(L)])

    def forward(self, x, hidden):
        hs, cs = [], []
        for i, layer in enumerate(self.layers):
            if self.lstm:
                h, c = layer(x, (hidden[0][i], hidden[1][i]))
                cs.append(c)
            else:
                h = layer(x, hidden[0][i])
            hs.append(h)
            x = h
        return x, (torch.stack(hs), torch.stack(cs)) if self.lstm else (torch.stack(hs),)


class ONMTGlobalAttention(nn.Module):
    def __init__(self, dim, attn_type):
        super().__init__()
        self.attn_type = attn_type
        if attn_type == "general":
            self.linear_in = nn.Linear(dim, dim, bias=False)
        elif attn_type == "mlp":
            self.linear_context = nn.Linear(dim, dim, bias=False)
            self.linear_query = nn.Linear(dim, dim, bias=True)
            self.v = nn.Linear(dim, 1, bias=False)
        self.linear_out = nn.Linear(2 * dim, dim, bias=attn_type == "mlp")

    def score(self, h_t, h_s):  # h_t (B, dim), h_s (B, S, dim) -> (B, S)
        if self.attn_type in ("general", "dot"):
            if self.attn_type == "general":
                h_t = self.linear_in(h_t)  # (W h_t)^T h_s
            return torch.bmm(h_s, h_t.unsqueeze(2))[:, :, 0]
        wq = self.linear_query(h_t).unsqueeze(1)
        uh = self.linear_context(h_s)
        return self.v(torch.tanh(wq + uh))[:, :, 0]

    def forward(self, h_t, h_s):
        a = F.softmax(self.score(h_t, h_s), dim=-1)
        c = torch.bmm(a.unsqueeze(1), h_s)[:, 0]
        attn_h = self.linear_out(torch.cat([c, h_t], 1))
        if self.attn_type in ("general", "dot"):
            attn_h = torch.tanh(attn_h)
        return attn_h, a


class OpenNMTRnn(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        H, L = c["hidden_size"], c["num_layers"]
        self.cell = c.get("cell", "lstm").upper()
        self.brnn = c.get("bidirectional_encoder", False)
        self.input_feed = c.get("input_feeding", True)
        rnn = nn.LSTM if self.cell == "LSTM" else nn.GRU
        self.encoder = nn.Module()
        self.encoder.embeddings = ONMTEmbeddings(len(c["source_vocab"]), c["embedding_size"])
        self.encoder.rnn = rnn(c["embedding_size"], H // 2 if self.brnn else H, L, bidirectional=self.brnn)
        self.decoder = nn.Module()
        E_t = c["target_embedding_size"]
        self.decoder.embeddings = ONMTEmbeddings(len(c["target_vocab"]), E_t)
        self.decoder.rnn = ONMTStackedCells(self.cell, L, E_t + H, H) if self.input_feed else rnn(E_t, H, L)
        self.decoder.attn = ONMTGlobalAttention(H, c.get("attention", "general"))
        self.generator = nn.Sequential(nn.Linear(H, len(c["target_vocab"])), nn.LogSoftmax(dim=-1))

    def encode(self, src):
        memory, final = self.encoder.rnn(self.encoder.embeddings(src.t()))
        final = final if isinstance(final, tuple) else (final,)
        if self.brnn:  # _fix_enc_hidden: layer l's [->h; <-h]
            final = tuple(torch.cat([h[0::2], h[1::2]], 2) for h in final)
        return memory.transpose(0, 1), final  # (1, S, H), ((L, 1, H), ...)

    def initial(self, memory):
        h_tilde = memory[1][0].new_zeros(1, self.config["hidden_size"])
        return (*memory[1], h_tilde)

    def step(self, y, state, memory):
        B = y.shape[0]
        emb = self.decoder.embeddings(y)
        hidden, h_tilde = state[:-1], state[-1]
        if self.input_feed:
            rnn_out, hidden = self.decoder.rnn(torch.cat([emb, h_tilde], 1), hidden)
        else:
            out, hidden = self.decoder.rnn(emb.unsqueeze(0), hidden if self.cell == "LSTM" else hidden[0])
            rnn_out, hidden = out[0], hidden if isinstance(hidden, tuple) else (hidden,)
        h_tilde, a = self.decoder.attn(rnn_out, memory[0].expand(B, -1, -1))
        return self.generator[0](h_tilde), a, (*hidden, h_tilde)

    def output_layer(self):
        return self.generator[0]


# ---------------------------------------------------------------- the older PyTorch tutorial

class LocEncoderRNN(nn.Module):
    def __init__(self, V, H):
        super().__init__()
        self.embedding = nn.Embedding(V, H)
        self.gru = nn.GRU(H, H)

    def forward(self, src):
        return self.gru(self.embedding(src))


class LocAttnDecoderRNN(nn.Module):
    def __init__(self, H, V, max_length):
        super().__init__()
        self.embedding = nn.Embedding(V, H)
        self.attn = nn.Linear(2 * H, max_length)
        self.attn_combine = nn.Linear(2 * H, H)
        self.gru = nn.GRU(H, H)
        self.out = nn.Linear(H, V)

    def forward(self, y, hidden, encoder_outputs):  # encoder_outputs (B, max_length, H), zero-padded
        embedded = self.embedding(y)
        w = F.softmax(self.attn(torch.cat((embedded, hidden[0]), 1)), dim=1)
        applied = torch.bmm(w.unsqueeze(1), encoder_outputs)[:, 0]
        x = F.relu(self.attn_combine(torch.cat((embedded, applied), 1))).unsqueeze(0)
        out, hidden = self.gru(x, hidden)
        return self.out(out[0]), hidden, w


class PyTorchTutorialLocation(Preset):
    def __init__(self, config):
        super().__init__()
        c = self.config = preset_defaults(config)
        H = c["hidden_size"]
        self.max_length = c["max_length"]
        self.encoder = LocEncoderRNN(len(c["source_vocab"]), H)
        self.decoder = LocAttnDecoderRNN(H, len(c["target_vocab"]), self.max_length)

    def encode(self, src):
        outputs, hidden = self.encoder(src.t())
        padded = outputs.new_zeros(1, self.max_length, outputs.shape[2])  # as the tutorial's encoder_outputs
        padded[0, : outputs.shape[0]] = outputs[:, 0]
        return padded, hidden, src.shape[1]

    def initial(self, memory):
        return memory[1]

    def step(self, y, hidden, memory):
        lg, hidden, w = self.decoder(y, hidden, memory[0].expand(y.shape[0], -1, -1))
        return lg, w[:, : memory[2]], hidden  # the weights of the source positions (the rest weigh zero vectors)

    def output_layer(self):
        return self.decoder.out


CLASSES = {
    "bentrevett-1": Bentrevett1,
    "bentrevett-2": Bentrevett2,
    "bentrevett-3": Bentrevett3,
    "pytorch-chatbot": PyTorchChatbot,
    "opennmt-rnn": OpenNMTRnn,
    "pytorch-tutorial-location": PyTorchTutorialLocation,
}
