/**
 * Luong, Pham & Manning 2015, "Effective Approaches to Attention-based Neural Machine
 * Translation" (EMNLP), sections 3.1-3.3, with LSTM cells (PyTorch nn.LSTM, gates i, f, g, o).
 *
 * Encoder: a stack of L LSTM layers over E x_1..E x_S (optionally bidirectional); the top layer's
 *   outputs are the source states h̄_s (d = H wide: [→h_s; ←h_s] when bidirectional). The decoder
 *   starts from the encoder's final (h, c) of every layer; bidirectional: [→h; ←h], [→c; ←c]
 *   (OpenNMT-py's _fix_enc_hidden), hence H = 2 x encoder_hidden_size there.
 * Decoder, for t = 1, 2, ... from y_0 = <s>, h̃_0 = 0:
 *   h_t = stacked LSTM([E y_{t-1}; h̃_{t-1}]) (input feeding, 3.3) or LSTM(E y_{t-1})
 *   score(h_t, h̄_s) = h_t^T h̄_s | h_t^T W_a h̄_s | v_a^T tanh(W_a [h_t; h̄_s])   eq. (8)
 *   global (3.1): a_t(s) = softmax_s score(h_t, h̄_s)                               eq. (7)
 *   local  (3.2): window [p_t - D, p_t + D], a_t(s) = softmax of the scores inside it, 0 outside;
 *                 local-m: p_t = t; local-p: p_t = S sigmoid(v_p^T tanh(W_p h_t))   eq. (9)
 *                 and a_t(s) *= exp(-(s - p_t)^2 / (2σ^2)), σ = D/2                  eq. (10)
 *   c_t = Σ_s a_t(s) h̄_s
 *   h̃_t = tanh(W_c [c_t; h_t])                                                       eq. (5)
 *   p(y_t | y_<t, x) = softmax(W_s h̃_t + b_s)                                        eq. (6)
 * Positions are 1-based as in the paper (s = 1..S, t = 1, 2, ...): p_t = S sigmoid(.) lies in
 * (0, S), so its window reaches source position S, and local-m's first step is centred on the
 * first source word. local-m keeps p_t = S once t > S (the paper leaves that case open; a window
 * past the source would be empty). Integer s is in the window when p_t - D <= s <= p_t + D
 * (f32 bounds, as tools/seqattn_torch.py compares them).
 */
import type { ModelConfig } from '../config.js';
import { cellInput, type AttentionPart, type Composition, type LinearName, type LocalWindow } from '../compose/description.js';

const at = 'decoder.attention';
const W_a: LinearName = { name: `${at}.W_a`, bias: false };

/** The paper's model as a composition (src/compose). */
export function luong(c: ModelConfig): Composition {
  const { embeddingSize: E, hiddenSize: H, encoderHiddenSize: n, numLayers: L } = c;
  // local (3.2): the window [p_t - D, p_t + D], p_t = t (local-m) or S sigmoid(v_p^T tanh(W_p h_t)) (local-p)
  const local: LocalWindow | undefined = c.attention === 'local-m' ? { mode: 'm', D: c.window }
    : c.attention === 'local-p' ? { mode: 'p', D: c.window, W_p: { name: `${at}.W_p`, bias: false }, v_p: `${at}.v_p` } : undefined;
  const score = local ? c.localScore : c.attention;
  // score(h_t, h̄_s) = h_t^T h̄_s | h_t^T W_a h̄_s | v_a^T tanh(W_a [h_t; h̄_s]), eq. (8), on h_t (after the cell)
  const attention: AttentionPart = score === 'dot' ? { kind: 'dot', query: 'after', local }
    : score === 'general' ? { kind: 'general', query: 'after', W: W_a, convention: 'keys', local }
      : { kind: 'additive', query: 'after', joint: true, W: W_a, U: null, v: { name: `${at}.v_a`, bias: false }, local, size: c.alignmentSize };
  return {
    cell: 'lstm', gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: E, targetSize: E },
    // h̄_s: the top layer of L (bi)LSTM layers
    encoder: { rnn: 'encoder.rnn', layers: L, hidden: n, bidirectional: c.bidirectionalEncoder, merge: 'concat', reverse: false },
    // the decoder starts from the encoder's final (h, c) per layer, [→h; ←h] when bidirectional
    bridge: { kind: 'final', order: 'layer', cell: 'final' },
    attention,
    // h_t = stacked LSTM([E y_{t-1}; h̃_{t-1}]) (input feeding, 3.3) or LSTM(E y_{t-1})
    decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: L, hidden: H, input: c.inputFeeding ? cellInput('e', 'hTilde') : cellInput('e') },
    // h̃_t = tanh(W_c [c_t; h_t]), eq. (5)
    combine: { W: { name: 'decoder.W_c', bias: false }, parts: ['c', 's'], activation: 'tanh' },
    // p(y_t | y_<t, x) = softmax(W_s h̃_t + b_s), eq. (6)
    output: { parts: ['hTilde'], kind: 'linear', out: { name: 'decoder.W_s', bias: true } },
  };
}
