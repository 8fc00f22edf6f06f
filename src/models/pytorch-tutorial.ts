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
import { AdditiveAttention } from '../layers/attention.js';
import { GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import { Embedding, Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { AttentionNet, DecodeState } from './net.js';

interface TutorialState extends DecodeState {
  embedded: number;   // (maxTx, H) E_src x_j
  gi: number;         // (maxTx, 3H) encoder input projections; reused (3H,) by the decoder
  keysU: number;      // (maxTx, H) Ua h_j + b
  query: number;      // (H,) Wa s_{i-1} + b
  input: number;      // (2H,) [E_tgt y_{i-1}; c_i], c_i is its second half
  zeros: number;      // (H,) h_0
  encScratch: GruScratch;
  decScratch: GruScratch;
}

export class PyTorchTutorial implements AttentionNet<TutorialState> {
  readonly annotationSize: number;
  private readonly encoderEmbedding: Embedding;
  private readonly encoderGru: GRU;
  private readonly decoderEmbedding: Embedding;
  private readonly attention: AdditiveAttention;
  private readonly decoderGru: GRU;
  private readonly out: Linear;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore) {
    const H = config.hiddenSize;
    const Vs = config.sourceVocab.length;
    const Vt = config.targetVocab.length;
    this.annotationSize = H;
    this.encoderEmbedding = Embedding.load(regions, w, 'encoder.embedding', Vs, H);
    this.encoderGru = GRU.load(regions, w, 'encoder.gru', '_l0', H, H, config.gruConvention);
    this.decoderEmbedding = Embedding.load(regions, w, 'decoder.embedding', Vt, H);
    this.attention = AdditiveAttention.load(regions, w,
      { W: 'decoder.attention.Wa', U: 'decoder.attention.Ua', v: 'decoder.attention.Va' },
      { W: true, U: true, v: true }, H, H, H);
    this.decoderGru = GRU.load(regions, w, 'decoder.gru', '_l0', 2 * H, H, config.gruConvention);
    this.out = Linear.load(regions, w, 'decoder.out', Vt, H, true, `(target vocabulary ${Vt}, hidden ${H})`);
  }

  createState(r: Regions): TutorialState {
    const H = this.config.hiddenSize;
    const T = this.config.maxSourceLength;
    const input = r.floats(2 * H);
    return {
      Tx: 0,
      annotations: r.floats(T * H),
      energies: r.floats(T),
      weights: r.floats(T),
      context: input + H * 4,
      state: r.floats(H),
      logits: r.floats(this.config.targetVocab.length),
      embedded: r.floats(T * H),
      gi: r.floats(T * 3 * H),
      keysU: r.floats(T * H),
      query: r.floats(H),
      input,
      zeros: r.floats(H),
      encScratch: gruScratch(r, H),
      decScratch: gruScratch(r, H),
    };
  }

  encode(st: TutorialState, x: ArrayLike<number>): void {
    const H = this.config.hiddenSize;
    const Tx = x.length;
    st.Tx = Tx;
    // h_j = GRU(E x_j, h_{j-1}); the input projections of all j in one product.
    this.encoderEmbedding.lookupMany(st.embedded, x, Tx);
    this.encoderGru.inputProjections(st.gi, st.embedded, Tx);
    for (let j = 0; j < Tx; j++) {
      const h_prev = j === 0 ? st.zeros : st.annotations + (j - 1) * H * 4;
      this.encoderGru.step(st.annotations + j * H * 4, st.gi + j * 3 * H * 4, h_prev, st.encScratch);
    }
    // Ua h_j + b once per source; s_0 = h_Tx (the encoder's final hidden state).
    this.attention.keys(st.keysU, st.annotations, Tx);
    const F = this.regions.rt.F32;
    const last = (st.annotations >> 2) + (Tx - 1) * H;
    F.copyWithin(st.state >> 2, last, last + H);
  }

  step(st: TutorialState, previous: number): void {
    const Tx = st.Tx;
    // scores = Va(tanh(Wa(s_{i-1}) + Ua(keys))); a_i = softmax(scores); c_i = a_i @ keys
    this.attention.energies(st.energies, st.query, st.state, st.keysU, Tx);
    this.attention.weights(st.weights, st.energies, Tx);
    this.attention.context(st.context, st.weights, st.annotations, Tx);
    // s_i = GRU([E y_{i-1}; c_i], s_{i-1})
    this.decoderEmbedding.lookup(st.input, previous);
    this.decoderGru.inputProjection(st.gi, st.input);
    this.decoderGru.step(st.state, st.gi, st.state, st.decScratch);
    // logits = out(s_i)
    this.out.apply(st.logits, st.state);
  }
}
