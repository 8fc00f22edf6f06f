/**
 * Att-BLSTM: Zhou et al. 2016, "Attention-Based Bidirectional Long Short-Term Memory Networks
 * for Relation Classification" (ACL), sec. 3, with PyTorch's nn.LSTM (gates i, f, g, o; no
 * peephole connections, which the paper's LSTM has; num_layers L >= 1, the paper's is 1).
 *
 *   e_t = E x_t                                          word embeddings
 *   h_t = →h_t + ←h_t   (merge "sum", the paper)         bidirectional LSTM
 *       = [→h_t; ←h_t]  (merge "concat")
 *   H = [h_1 .. h_T]                                     (d, T), d = n or 2n
 *   M = tanh(H)
 *   α = softmax(w^T M)                                   (T,)
 *   r = H α^T                                            (d,)
 *   h* = tanh(r)
 *   p(y | S) = softmax(W h* + b)
 * Position embeddings and entity markers are the caller's tokens; dropout is off (inference).
 */
import { Linear } from '../layers/linear.js';
import { RNNEncoder, type EncoderScratch } from '../compose/encoder.js';
import type { NetOptions } from '../models/net.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { ClassifierConfig } from './config.js';
import { classifierStateBuffers, type ClassifierNet, type ClassifierState } from './net.js';
import { AttentionPooling } from '../compose/pooling.js';
import { index } from '../compose/floats.js';

interface AttentionBiLSTMState extends ClassifierState {
  encoder: EncoderScratch;
  out: number;  // (maxT, 2n) [→h_t; ←h_t] of the top layer
  hT: number;   // (L, 2n) final h per layer (unused: no decoder starts from it)
  cT: number;   // (L, 2n) final c per layer
  H: number;    // (maxT, d) h_t: `out` itself for concat, →h_t + ←h_t for sum
  M: number;    // (maxT, d) tanh(h_t)
  e: number;    // (maxT,) w^T M
  r: number;    // (d,) H α^T, then h* = tanh(r) in place
}

export class AttentionBiLSTM implements ClassifierNet<AttentionBiLSTMState> {
  private readonly lstm: RNNEncoder;
  /** w (d,) with u_t = tanh(h_t): M = tanh(H), α = softmax(w^T M), r = H α^T. */
  private readonly attention: AttentionPooling;
  /** W (C, d), b (C,). */
  private readonly classifier: Linear;
  /** d: size of h_t. */
  private readonly d: number;

  constructor(readonly config: ClassifierConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions) {
    const { embeddingSize: E, hiddenSize: n } = config;
    const f = options.weights;
    this.d = config.merge === 'sum' ? n : 2 * n;
    // the composed models' encoder: nn.LSTM(E, n, num_layers, bidirectional=True), outputs [→h_t; ←h_t] (merged below)
    this.lstm = RNNEncoder.load(regions, w, { rnn: 'lstm', layers: config.numLayers, hidden: n, bidirectional: true, merge: 'concat', reverse: false },
      'lstm', 'reset_after', 'embedding', config.sourceVocab.length, E, f, options.inputTableBudgetBytes);
    // M = tanh(H) (no W) against w, an nn.Linear(d, 1, bias=False): its weight (1, d)
    this.attention = AttentionPooling.load(regions, w, { W: null, u: { name: 'attention.w', bias: false, layout: 'linear' }, size: this.d, score: 'none' }, this.d, f);
    const C = config.labels.length;
    this.classifier = Linear.load(regions, w, 'classifier', C, this.d, true, `(labels ${C}, ${config.merge === 'sum' ? 'hidden' : '2*hidden'} ${this.d})`, f);
  }

  createState(r: Regions): AttentionBiLSTMState {
    const { maxLength: T, hiddenSize: n, numLayers: L, embeddingSize: E } = this.config;
    const d = this.d;
    const out = r.floats(T * 2 * n);
    return {
      ...classifierStateBuffers(r, this.config),
      encoder: this.lstm.scratch(r, T, E),
      out,
      hT: r.floats(L * 2 * n),
      cT: r.floats(L * 2 * n),
      H: this.config.merge === 'concat' ? out : r.floats(T * d),
      M: r.floats(T * d),
      e: r.floats(T),
      r: r.floats(d),
    };
  }

  forward(st: AttentionBiLSTMState, document: readonly (readonly number[])[]): void {
    const x = document[0], T = x.length;
    const n = this.config.hiddenSize;
    this.lstm.run(st.encoder, x, T, st.out, st.hT, st.cT);
    if (this.config.merge === 'sum') {
      // h_t = →h_t ⊕ ←h_t, element-wise (f32 sums: each rounded once, as torch adds)
      const F = this.regions.rt.F32;
      const o = index(st.out), h = index(st.H);
      for (let t = 0; t < T; t++) for (let k = 0; k < n; k++) F[h + t * n + k] = F[o + t * 2 * n + k] + F[o + t * 2 * n + n + k];
    }
    this.attention.pool(st.r, st.wordWeights, st.M, st.e, st.H, T); // α, r = H α^T
    this.regions.rt.k.tanh_inplace(st.r, this.d);                  // h* = tanh(r)
    this.classifier.apply(st.logits, st.r);                         // W h* + b
  }
}
