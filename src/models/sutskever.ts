/**
 * Sutskever, Vinyals & Le 2014, "Sequence to Sequence Learning with Neural Networks" (NIPS),
 * sections 2 and 3.3, with PyTorch nn.LSTM cells (gates i, f, g, o). No attention: the encoder's
 * final state is all the decoder learns of the source.
 *
 * Encoder: a stack of L LSTM layers over the source reversed (sec. 3.3, "reversing the source
 *   sentences"): E x_S, ..., E x_1 (reverse_source, default true; false reads x_1..x_S).
 * Decoder: a stack of L LSTM layers started from the encoder's final (h, c) of every layer
 *   (sec. 2: its initial hidden state is the representation v of the source), for t = 1, 2, ...
 *   from y_0 = <s>:
 *   h_t = stacked LSTM(E y_{t-1})
 *   p(y_t | v, y_<t) = softmax(W h_t + b)                                          eq. (1)
 */
import type { ModelConfig } from '../config.js';
import { cellInput, type Composition } from '../compose/description.js';

/** The paper's stacked LSTM encoder-decoder as a composition (src/compose). */
export function sutskever(c: ModelConfig): Composition {
  const { hiddenSize: H, numLayers: L } = c; // encoder_hidden_size = H (config.ts checks)
  return {
    cell: 'lstm', gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: c.embeddingSize, targetSize: c.embeddingSize },
    // L layers over E x_S, ..., E x_1 (sec. 3.3) or x_1..x_S
    encoder: { rnn: 'encoder.rnn', layers: L, hidden: H, bidirectional: false, merge: 'concat', reverse: c.reverseSource },
    // the decoder starts from the encoder's final (h, c) of every layer (sec. 2)
    bridge: { kind: 'final', order: 'layer', cell: 'final' },
    attention: { kind: 'none' },
    // h_t = stacked LSTM(E y_{t-1})
    decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: L, hidden: H, input: cellInput('e') },
    combine: null,
    // p(y_t | v, y_<t) = softmax(W h_t + b), eq. (1)
    output: { parts: ['s'], kind: 'linear', out: { name: 'decoder.out', bias: true } },
  };
}
