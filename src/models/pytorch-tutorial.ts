/**
 * The model of the official PyTorch seq2seq tutorial ("NLP From Scratch: Translation with a
 * Sequence to Sequence Network and Attention"), in eval mode:
 *
 *   EncoderRNN:      h_j = GRU(E_src x_j, h_{j-1}),  h_0 = 0;  keys = h_1..h_Tx
 *   BahdanauAttention: scores = Va(tanh(Wa(query) + Ua(keys))), query = s_{i-1}
 *   AttnDecoderRNN:  s_0 = h_Tx;  y_0 = SOS
 *                    a_i = softmax(scores),  c_i = a_i @ keys
 *                    s_i = GRU([E_tgt y_{i-1}; c_i], s_{i-1})
 *                    logits_i = out(s_i)          (the context does not reach the output layer)
 */
import type { ModelConfig } from '../config.js';
import { cellInput, type Composition } from '../compose/description.js';

/** The tutorial's EncoderRNN + AttnDecoderRNN as a composition (src/compose). */
export function pytorchTutorial(c: ModelConfig): Composition {
  const H = c.hiddenSize;
  return {
    cell: 'gru', gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: H, targetSize: H },
    // h_j = GRU(E_src x_j, h_{j-1})
    encoder: { rnn: 'encoder.gru', layers: 1, hidden: H, bidirectional: false, merge: 'concat', reverse: false },
    // s_0 = h_Tx
    bridge: { kind: 'final', order: 'layer', cell: 'final' },
    // scores = Va(tanh(Wa(s_{i-1}) + Ua(keys)))
    attention: { kind: 'additive', query: 'before', joint: false, W: { name: 'decoder.attention.Wa', bias: true },
      U: { name: 'decoder.attention.Ua', bias: true }, v: { name: 'decoder.attention.Va', bias: true }, size: H },
    // s_i = GRU([E_tgt y_{i-1}; c_i], s_{i-1})
    decoder: { rnn: 'decoder.gru', layout: 'pytorch', layers: 1, hidden: H, input: cellInput('e', 'c') },
    combine: null,
    // logits_i = out(s_i)
    output: { parts: ['s'], kind: 'linear', out: { name: 'decoder.out', bias: true } },
  };
}
