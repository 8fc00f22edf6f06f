/**
 * The RNN Encoder-Decoder of Cho, van Merriënboer, Gulcehre, Bahdanau, Bougares, Schwenk & Bengio
 * 2014, "Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine
 * Translation" (EMNLP), sec. 2.2 and appendix A. No attention: one fixed summary c of the whole
 * source conditions every decoder step.
 *
 * Encoder (A.1.1): h_j = GRU(E x_j, h_{j-1}), j = 1..N, h_0 = 0
 *   c = tanh(V h_N)                                              summary, A.1.1
 * Decoder (A.1.2), for t = 1, 2, ... from y_0 = <s>:
 *   h'_0 = tanh(V' c)
 *   h'_t = f(h'_{t-1}, y_{t-1}, c): GRU over [E y_{t-1}; c]      sec. 2.2, A.1.2
 *   s'_t = O_h h'_t + O_y E y_{t-1} + O_c c + b = W_t [h'_t; E y_{t-1}; c] + b_t
 *   s_t  = max(s'_{t,2k}, s'_{t,2k+1}) (maxout, A.1.2) | tanh(s'_t) | [h'_t; E y_{t-1}; c] ('none')
 *   p(y_t | y_<t, c) = softmax(G s_t + b_o)
 * The paper's hidden unit resets before the recurrent product (sec. 2.3, gru_convention
 * "reset_before"); PyTorch's nn.GRU resets after; both run here with the same tensor names.
 * c has hidden_size H (V (H, n)); V and V' have no bias, as printed.
 */
import type { ModelConfig } from '../config.js';
import { cellInput, deepOutputPart, type Composition } from '../compose/description.js';

/** The paper's RNN Encoder-Decoder as a composition (src/compose). */
export function cho(c: ModelConfig): Composition {
  const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H } = c;
  return {
    cell: 'gru', gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: E, targetSize: E },
    // h_j = GRU(E x_j, h_{j-1})
    encoder: { rnn: 'encoder.rnn', layers: 1, hidden: n, bidirectional: false, merge: 'concat', reverse: false },
    // c = tanh(V h_N), fixed for the whole decode
    attention: { kind: 'summary', W: { name: 'encoder.V', bias: false } },
    // h'_0 = tanh(V' c)
    bridge: { kind: 'project', from: 'summary', W: { name: 'decoder.V', bias: false }, activation: 'tanh', layers: 'first', cell: 'zero' },
    // h'_t = GRU([E y_{t-1}; c], h'_{t-1})
    decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: 1, hidden: H, input: cellInput('e', 'c') },
    combine: null,
    // s'_t = W_t [h'_t; E y_{t-1}; c] + b_t; s_t = maxout / tanh (s'_t) or the readout itself; p = softmax(G s_t + b_o)
    output: deepOutputPart(c.deepOutput, c.deepOutputSize),
  };
}
