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
import { AdditiveAttention } from '../layers/attention.js';
import { GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import { Embedding, Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { AttentionNet, DecodeState } from './net.js';

interface RNNsearchState extends DecodeState {
  Ex: number;        // (maxTx, E) E x_j
  giForward: number; // (maxTx, 3n) input projections of →GRU
  giBackward: number;// (maxTx, 3n) input projections of ←GRU
  keysU: number;     // (maxTx, A) U_a h_j + b_U
  query: number;     // (A,) W_a s_{i-1}
  /** [s_i; E y_{i-1}; c_i] (H + E + 2n): the GRU state, its input [E y; c] and the deep output's input, in one buffer. */
  cat: number;
  gi: number;        // (3H,) decoder input projection
  tPieces: number;   // (P,) t~_i
  t: number;         // (l,) t_i
  zeros: number;     // (n,) →h_0, ←h_{Tx+1}
  encScratch: GruScratch;
  decScratch: GruScratch;
}

export class RNNsearch implements AttentionNet<RNNsearchState> {
  readonly annotationSize: number;
  private readonly sourceEmbedding: Embedding;
  private readonly forward: GRU;
  private readonly backward: GRU;
  private readonly targetEmbedding: Embedding;
  private readonly init: Linear;
  private readonly attention: AdditiveAttention;
  private readonly rnn: GRU;
  private readonly deepOutput: Linear | null;
  private readonly out: Linear;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore) {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, alignmentSize: A, deepOutputSize: l } = config;
    const Vs = config.sourceVocab.length;
    const Vt = config.targetVocab.length;
    const d = 2 * n;
    const catSize = H + E + d;
    this.annotationSize = d;
    this.sourceEmbedding = Embedding.load(regions, w, 'encoder.embedding', Vs, E);
    this.forward = GRU.load(regions, w, 'encoder.rnn', '_l0', E, n, config.gruConvention);
    this.backward = GRU.load(regions, w, 'encoder.rnn', '_l0_reverse', E, n, config.gruConvention);
    this.targetEmbedding = Embedding.load(regions, w, 'decoder.embedding', Vt, E);
    this.init = Linear.load(regions, w, 'decoder.init', H, n, true, `(hidden ${H}, encoder hidden ${n})`);
    this.attention = AdditiveAttention.load(regions, w,
      { W: 'decoder.attention.W', U: 'decoder.attention.U', v: 'decoder.attention.v' },
      { W: false, U: true, v: false }, H, d, A);
    this.rnn = GRU.load(regions, w, 'decoder.rnn', '_l0', E + d, H, config.gruConvention);
    if (config.deepOutput === 'none') {
      this.deepOutput = null;
      this.out = Linear.load(regions, w, 'decoder.out', Vt, catSize, true, `(target vocabulary ${Vt}, hidden + embedding + 2*encoder hidden ${catSize})`);
    } else {
      const P = config.deepOutput === 'maxout' ? 2 * l : l;
      this.deepOutput = Linear.load(regions, w, 'decoder.deep_output', P, catSize, true,
        `(${config.deepOutput === 'maxout' ? '2*' : ''}deep output ${P}, hidden + embedding + 2*encoder hidden ${catSize})`);
      this.out = Linear.load(regions, w, 'decoder.out', Vt, l, true, `(target vocabulary ${Vt}, deep output ${l})`);
    }
  }

  createState(r: Regions): RNNsearchState {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, alignmentSize: A, deepOutputSize: l } = this.config;
    const T = this.config.maxSourceLength;
    const d = 2 * n;
    const cat = r.floats(H + E + d);
    return {
      Tx: 0,
      annotations: r.floats(T * d),
      energies: r.floats(T),
      weights: r.floats(T),
      context: cat + (H + E) * 4,
      state: cat,
      logits: r.floats(this.config.targetVocab.length),
      Ex: r.floats(T * E),
      giForward: r.floats(T * 3 * n),
      giBackward: r.floats(T * 3 * n),
      keysU: r.floats(T * A),
      query: r.floats(A),
      cat,
      gi: r.floats(3 * H),
      tPieces: r.floats(2 * l),
      t: r.floats(l),
      zeros: r.floats(n),
      encScratch: gruScratch(r, n),
      decScratch: gruScratch(r, H),
    };
  }

  encode(st: RNNsearchState, x: ArrayLike<number>): void {
    const { encoderHiddenSize: n } = this.config;
    const d = 2 * n;
    const Tx = x.length;
    st.Tx = Tx;
    const h = (j: number) => st.annotations + j * d * 4;      // h_j = [→h_j; ←h_j], row j of (Tx, 2n)
    this.sourceEmbedding.lookupMany(st.Ex, x, Tx);
    this.forward.inputProjections(st.giForward, st.Ex, Tx);
    this.backward.inputProjections(st.giBackward, st.Ex, Tx);
    // →h_j = GRU(E x_j, →h_{j-1}), j = 1..Tx
    for (let j = 0; j < Tx; j++) {
      this.forward.step(h(j), st.giForward + j * 3 * n * 4, j === 0 ? st.zeros : h(j - 1), st.encScratch);
    }
    // ←h_j = GRU(E x_j, ←h_{j+1}), j = Tx..1
    for (let j = Tx - 1; j >= 0; j--) {
      this.backward.step(h(j) + n * 4, st.giBackward + j * 3 * n * 4, j === Tx - 1 ? st.zeros : h(j + 1) + n * 4, st.encScratch);
    }
    // U_a h_j + b_U once per source (A.1.2: "can be pre-computed")
    this.attention.keys(st.keysU, st.annotations, Tx);
    // s_0 = tanh(W_s ←h_1)
    this.init.apply(st.state, h(0) + n * 4);
    this.regions.rt.k.tanh_inplace(st.state, this.config.hiddenSize);
  }

  step(st: RNNsearchState, previous: number): void {
    const { hiddenSize: H, deepOutputSize: l } = this.config;
    const Tx = st.Tx;
    const k = this.regions.rt.k;
    // e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j); a_ij = softmax_j(e_ij); c_i = Σ_j a_ij h_j
    this.attention.energies(st.energies, st.query, st.state, st.keysU, Tx);
    this.attention.weights(st.weights, st.energies, Tx);
    this.attention.context(st.context, st.weights, st.annotations, Tx);
    // s_i = GRU([E y_{i-1}; c_i], s_{i-1}); cat = [s; E y; c], so the input is cat[H:]
    const input = st.cat + H * 4;
    this.targetEmbedding.lookup(input, previous);
    this.rnn.inputProjection(st.gi, input);
    this.rnn.step(st.state, st.gi, st.state, st.decScratch);
    // t_i = maxout / tanh (W_t [s_i; E y_{i-1}; c_i] + b_t); logits = W_o t_i + b_o
    if (this.deepOutput === null) {
      this.out.apply(st.logits, st.cat);
      return;
    }
    if (this.config.deepOutput === 'maxout') {
      this.deepOutput.apply(st.tPieces, st.cat);
      k.maxout(st.t, st.tPieces, l);
    } else {
      this.deepOutput.apply(st.t, st.cat);
      k.tanh_inplace(st.t, l);
    }
    this.out.apply(st.logits, st.t);
  }
}
