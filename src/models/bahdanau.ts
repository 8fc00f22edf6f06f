/**
 * RNNsearch: Bahdanau, Cho & Bengio 2015, "Neural Machine Translation by Jointly Learning to
 * Align and Translate" (ICLR), section 3 and appendix A.
 *
 * Encoder (3.2): a bidirectional GRU reads x_1..x_Tx forward and backward;
 *   h_j = [→h_j; ←h_j]                                           annotations
 * Decoder (3.1), for i = 1..Ty, starting from s_0 = tanh(W_s ←h_1) (A.2.2) and y_0 = <s>:
 *   e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j)                    eq. (6), alignment model
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik)                            eq. (6)
 *   c_i  = Σ_j a_ij h_j                                         eq. (5)
 *   s_i  = f(s_{i-1}, y_{i-1}, c_i): GRU over [E y_{i-1}; c_i]  eq. (4)
 *   t~_i = W_t [s_i; E y_{i-1}; c_i] + b_t                      deep output (A.2.2)
 *   t_i  = max(t~_{i,2k}, t~_{i,2k+1})  (maxout) or tanh(t~_i)
 *   p(y_i | y_<i, x) = softmax(W_o t_i + b_o)                   eq. (2)
 * The paper's decoder GRU resets before the recurrent product (gru_convention "reset_before");
 * PyTorch's nn.GRU resets after; both run here with the same tensor names.
 */
import type { ModelConfig } from '../config.js';
import { cellInput, deepOutputPart, type Composition } from '../compose/description.js';

/** RNNsearch as a composition (src/compose). */
export function rnnsearch(c: ModelConfig): Composition {
  const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H } = c;
  return {
    cell: 'gru', gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: E, targetSize: E },
    // h_j = [→h_j; ←h_j]
    encoder: { rnn: 'encoder.rnn', layers: 1, hidden: n, bidirectional: true, merge: 'concat', reverse: false },
    // s_0 = tanh(W_s ←h_1)
    bridge: { kind: 'project', from: 'backward-first', W: { name: 'decoder.init', bias: true }, activation: 'tanh', layers: 'first', cell: 'zero' },
    // e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j), U_a h_j once per source (A.1.2: "can be pre-computed")
    attention: { kind: 'additive', query: 'before', joint: false, W: { name: 'decoder.attention.W', bias: false },
      U: { name: 'decoder.attention.U', bias: true }, v: { name: 'decoder.attention.v', bias: false }, size: c.alignmentSize },
    // s_i = GRU([E y_{i-1}; c_i], s_{i-1})
    decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: 1, hidden: H, input: cellInput('e', 'c') },
    combine: null,
    // t~_i = W_t [s_i; E y_{i-1}; c_i] + b_t; t_i = maxout / tanh; p(y_i | y_<i, x) = softmax(W_o t_i + b_o)
    output: deepOutputPart(c.deepOutput, c.deepOutputSize),
  };
}
