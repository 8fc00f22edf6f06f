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
import { DeepOutput, type DeepOutputScratch } from '../layers/deep-output.js';
import { GRU, gruEncoderDecoderScratch, type GruEncoderDecoderScratch } from '../layers/gru.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import { Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { createAttentionDecoderState, reorderRows, startRowFromS0, type AttentionDecoderState, type AttentionNet, type Source, type NetOptions } from './net.js';

/**
 * AttentionDecoderState (input: (maxRows, E + 2n) [E y_{i-1}; c_i], or c_i with the table T), the
 * encoder's Ex, zeros (→h_0, ←h_{Tx+1}) and the GRU scratch, plus:
 */
interface RNNsearchState extends AttentionDecoderState, GruEncoderDecoderScratch {
  readout: DeepOutputScratch; // (maxRows, H + E + 2n) [s_i; E y_{i-1}; c_i], t~_i, t_i
  giForward: number; // (maxTx, 3n) input projections of →GRU
  giBackward: number;// (maxTx, 3n) input projections of ←GRU
}

export class RNNsearch implements AttentionNet<RNNsearchState> {
  readonly input = 'ids' as const;
  readonly annotationSize: number;
  private readonly forwardInput: EmbeddedInputProjection;
  private readonly backwardInput: EmbeddedInputProjection;
  private readonly forward: GRU;
  private readonly backward: GRU;
  private readonly init: Linear;
  private readonly attention: AdditiveAttention;
  /** W_ih [E y_{i-1}; c_i] + b_ih of the decoder GRU, as T[y_{i-1}] + W_ic c_i when the table fits. */
  private readonly rnnInput: EmbeddedInputProjection;
  private readonly rnn: GRU;
  private readonly deepOutput: DeepOutput;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const f = options.weights;
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, alignmentSize: A, deepOutputSize: l } = config;
    const Vs = config.sourceVocab.length;
    const Vt = config.targetVocab.length;
    const d = 2 * n;
    const catSize = H + E + d;
    this.annotationSize = d;
    // W_ih E x_j + b_ih = T[x_j] for each direction: the embedding and the input projection are one table
    const budget = options.inputTableBudgetBytes;
    this.forwardInput = EmbeddedInputProjection.load(regions, w, 'encoder.rnn', 'encoder.embedding', Vs, E, 0, n, f, budget, '_l0');
    this.backwardInput = EmbeddedInputProjection.load(regions, w, 'encoder.rnn', 'encoder.embedding', Vs, E, 0, n, f, budget, '_l0_reverse',
      this.forwardInput.embeddingTable);
    this.forward = GRU.load(regions, w, 'encoder.rnn', '_l0', E, n, config.gruConvention, false, f);
    this.backward = GRU.load(regions, w, 'encoder.rnn', '_l0_reverse', E, n, config.gruConvention, false, f);
    this.init = Linear.load(regions, w, 'decoder.init', H, n, true, `(hidden ${H}, encoder hidden ${n})`, f);
    this.attention = AdditiveAttention.load(regions, w,
      { W: 'decoder.attention.W', U: 'decoder.attention.U', v: 'decoder.attention.v' },
      { W: false, U: true, v: false }, H, d, A, f);
    this.rnnInput = EmbeddedInputProjection.load(regions, w, 'decoder.rnn', 'decoder.embedding', Vt, E, d, H, f, options.inputTableBudgetBytes);
    this.rnn = GRU.load(regions, w, 'decoder.rnn', '_l0', E + d, H, config.gruConvention, false, f);
    this.deepOutput = DeepOutput.load(regions, w, 'decoder', config.deepOutput, l, catSize, Vt, 'hidden + embedding + 2*encoder hidden', f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): RNNsearchState {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, alignmentSize: A } = this.config;
    const T = this.config.maxSourceLength;
    const d = 2 * n;
    return {
      ...createAttentionDecoderState(r, maxRows, maxSlots, {
        maxTx: T, annotationSize: d, hiddenSize: H, alignmentSize: A,
        targetVocabSize: this.config.targetVocab.length, input: this.rnnInput,
      }),
      readout: this.deepOutput.scratch(r, maxRows),
      giForward: r.floats(T * 3 * n),
      giBackward: r.floats(T * 3 * n),
      ...gruEncoderDecoderScratch(r, T, E, n, H, maxRows),
    };
  }

  encode(st: RNNsearchState, slot: number, source: Source): void {
    const x = source.ids;
    const { encoderHiddenSize: n, hiddenSize: H } = this.config;
    const d = 2 * n;
    const Tx = x.length;
    st.Tx[slot] = Tx;
    const h = (j: number) => st.annotations + (slot * st.maxTx + j) * d * 4; // h_j = [→h_j; ←h_j]
    this.forwardInput.project(st.giForward, x, st.Ex, Tx);
    this.backwardInput.project(st.giBackward, x, st.Ex, Tx);
    // →h_j = GRU(E x_j, →h_{j-1}), j = 1..Tx
    for (let j = 0; j < Tx; j++) {
      this.forward.step(h(j), st.giForward + j * 3 * n * 4, j === 0 ? st.zeros : h(j - 1), st.encScratch);
    }
    // ←h_j = GRU(E x_j, ←h_{j+1}), j = Tx..1
    for (let j = Tx - 1; j >= 0; j--) {
      this.backward.step(h(j) + n * 4, st.giBackward + j * 3 * n * 4, j === Tx - 1 ? st.zeros : h(j + 1) + n * 4, st.encScratch);
    }
    // U_a h_j + b_U once per source (A.1.2: "can be pre-computed")
    this.attention.keys(st.keysU + slot * st.maxTx * this.config.alignmentSize * 4, h(0), Tx);
    // s_0 = tanh(W_s ←h_1)
    const s0 = st.s0 + slot * H * 4;
    this.init.apply(s0, h(0) + n * 4);
    this.regions.rt.k.tanh_inplace(s0, H);
  }

  startRow(st: RNNsearchState, row: number, slot: number): void {
    startRowFromS0(this.regions.rt.F32, st, row, slot, this.config.hiddenSize);
  }

  step(st: RNNsearchState, previous: Int32Array, rows: number): void {
    const { hiddenSize: H, embeddingSize: E } = this.config;
    // e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j); a_ij = softmax_j(e_ij); c_i = Σ_j a_ij h_j  (into input[E:])
    this.attention.attend(st, st.state, st.query, st.keysU, rows);
    // s_i = GRU([E y_{i-1}; c_i], s_{i-1}); gi = W_ih [E y; c_i] + b_ih = T[y] + W_ic c_i,
    // T[y] = E_y W_ie^T + b_ih precomputed at load when V_t x 3H fits the budget (EmbeddedInputProjection)
    this.rnnInput.project(st.gi, previous, st.input, rows);
    this.rnn.step(st.state, st.gi, st.state, st.decScratch, rows);
    // t_i = maxout / tanh (W_t [s_i; E y_{i-1}; c_i] + b_t); logits = W_o t_i + b_o
    this.deepOutput.gather(st.readout, st.state, H, this.rnnInput.embeddingTable, E, previous, st.context, st.contextStride, this.annotationSize, rows);
    this.deepOutput.apply(st.logits, st.readout, rows);
  }

  reorder(st: RNNsearchState, parents: Int32Array, rows: number): void {
    reorderRows(this.regions.rt.F32, st, parents, rows, this.config.hiddenSize);
  }
}
