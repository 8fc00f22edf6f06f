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
import { DeepOutput, type DeepOutputScratch } from '../layers/deep-output.js';
import { GRU, gruEncoderDecoderScratch, type GruEncoderDecoderScratch } from '../layers/gru.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import { Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { decodeStateBuffers, reorderRows, startRowFromS0, type AttentionNet, type DecodeState, type NetOptions, type Source } from './net.js';

/** `state` is h'_t (maxRows, H); `context` points at c in each row's GRU input; the encoder's Ex, zeros (h_0) and GRU scratch. */
interface ChoState extends DecodeState, GruEncoderDecoderScratch {
  c: number;         // (maxSlots, H) c = tanh(V h_N) per source
  Cc: number;        // (maxSlots, 3H) W_ic c, the GRU input's c part, once per source (with the table T)
  s0: number;        // (maxSlots, H) h'_0 = tanh(V' c)
  input: number;     // (maxRows, inputWidth) [E y_{t-1}; c], or c with the table T
  gi: number;        // (maxRows, 3H) W_ih [E y_{t-1}; c] + b_ih
  tmp: number;       // (maxRows, H) for reorder
  readout: DeepOutputScratch; // (maxRows, H + E + H) [h'_t; E y_{t-1}; c], s'_t, s_t
  giEnc: number;     // (maxTx, 3n) input projections of the source being encoded
  h: number;         // (n,) h_j, overwritten in place; h_N at the end
}

export class ChoEncoderDecoder implements AttentionNet<ChoState> {
  readonly input = 'ids' as const;
  readonly attends = false;
  /** No annotations: the decoder never sees h_1..h_N, only c. */
  readonly annotationSize = 0;
  /** The step API's context is c (H). */
  readonly contextSize: number;
  /** W_ih E x_j + b_ih = T[x_j]. */
  private readonly encoderInput: EmbeddedInputProjection;
  private readonly encoder: GRU;
  private readonly V: Linear;
  private readonly Vprime: Linear;
  /** W_ih [E y_{t-1}; c] + b_ih of the decoder GRU, as T[y_{t-1}] + W_ic c when the table fits. */
  private readonly decoderInput: EmbeddedInputProjection;
  private readonly decoder: GRU;
  private readonly deepOutput: DeepOutput;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const f = options.weights;
    const budget = options.inputTableBudgetBytes;
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, deepOutputSize: l } = config;
    const Vs = config.sourceVocab.length, Vt = config.targetVocab.length;
    this.contextSize = H;
    this.encoderInput = EmbeddedInputProjection.load(regions, w, 'encoder.rnn', 'encoder.embedding', Vs, E, 0, n, f, budget);
    this.encoder = GRU.load(regions, w, 'encoder.rnn', '_l0', E, n, config.gruConvention, false, f);
    this.V = Linear.load(regions, w, 'encoder.V', H, n, false, `(hidden ${H}, encoder hidden ${n})`, f);
    this.Vprime = Linear.load(regions, w, 'decoder.V', H, H, false, `(hidden ${H}, hidden ${H})`, f);
    this.decoderInput = EmbeddedInputProjection.load(regions, w, 'decoder.rnn', 'decoder.embedding', Vt, E, H, H, f, budget);
    this.decoder = GRU.load(regions, w, 'decoder.rnn', '_l0', E + H, H, config.gruConvention, false, f);
    this.deepOutput = DeepOutput.load(regions, w, 'decoder', config.deepOutput, l, H + E + H, Vt, 'hidden + embedding + hidden (c)', f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): ChoState {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H } = this.config;
    const T = this.config.maxSourceLength;
    const input = r.floats(maxRows * this.decoderInput.inputWidth);
    return {
      ...decodeStateBuffers(r, maxRows, maxSlots, T, 0, this.config.targetVocab.length, false),
      context: input + this.decoderInput.contextOffset * 4,
      contextStride: this.decoderInput.inputWidth,
      state: r.floats(maxRows * H),
      c: r.floats(maxSlots * H),
      Cc: r.floats(this.decoderInput.hasTable ? maxSlots * 3 * H : 0),
      s0: r.floats(maxSlots * H),
      input,
      gi: r.floats(maxRows * 3 * H),
      tmp: r.floats(maxRows * H),
      readout: this.deepOutput.scratch(r, maxRows),
      giEnc: r.floats(T * 3 * n),
      h: r.floats(n),
      ...gruEncoderDecoderScratch(r, T, E, n, H, maxRows),
    };
  }

  /** h_N of the source into c = tanh(V h_N) and h'_0 = tanh(V' c) of slot `slot`. */
  encode(st: ChoState, slot: number, source: Source): void {
    const x = source.ids;
    const { encoderHiddenSize: n, hiddenSize: H } = this.config;
    const k = this.regions.rt.k;
    const N = x.length;
    st.Tx[slot] = N;
    // h_j = GRU(E x_j, h_{j-1}); the input projections of all j in one product
    this.encoderInput.project(st.giEnc, x, st.Ex, N);
    for (let j = 0; j < N; j++) this.encoder.step(st.h, st.giEnc + j * 3 * n * 4, j === 0 ? st.zeros : st.h, st.encScratch);
    // c = tanh(V h_N) (A.1.1); h'_0 = tanh(V' c)
    const c = st.c + slot * H * 4, s0 = st.s0 + slot * H * 4;
    this.V.apply(c, st.h);
    k.tanh_inplace(c, H);
    this.Vprime.apply(s0, c);
    k.tanh_inplace(s0, H);
    // c is the same at every step: its part of the decoder GRU's input projection once per source
    if (this.decoderInput.hasTable) this.decoderInput.contextTerm(st.Cc + slot * 3 * H * 4, c, 1);
  }

  startRow(st: ChoState, row: number, slot: number): void {
    startRowFromS0(this.regions.rt.F32, st, row, slot, this.config.hiddenSize);
  }

  step(st: ChoState, previous: Int32Array, rows: number): void {
    const { hiddenSize: H, embeddingSize: E } = this.config;
    const F = this.regions.rt.F32;
    // c of each row's source into its GRU input [E y_{t-1}; c] (and so into st.context)
    for (let r = 0; r < rows; r++) {
      const from = (st.c >> 2) + st.slotOf[r] * H;
      F.copyWithin((st.context >> 2) + r * st.contextStride, from, from + H);
    }
    // h'_t = GRU([E y_{t-1}; c], h'_{t-1}); gi = T[y] + W_ic c, W_ic c from encode (EmbeddedInputProjection)
    if (this.decoderInput.hasTable) this.decoderInput.projectFixedContext(st.gi, previous, st.Cc, st.slotOf, rows);
    else this.decoderInput.project(st.gi, previous, st.input, rows);
    this.decoder.step(st.state, st.gi, st.state, st.decScratch, rows);
    // s_t = maxout / tanh (W_t [h'_t; E y_{t-1}; c] + b_t); logits = G s_t + b_o
    this.deepOutput.gather(st.readout, st.state, H, this.decoderInput.embeddingTable, E, previous, st.context, st.contextStride, H, rows);
    this.deepOutput.apply(st.logits, st.readout, rows);
  }

  reorder(st: ChoState, parents: Int32Array, rows: number): void {
    reorderRows(this.regions.rt.F32, st, parents, rows, this.config.hiddenSize);
  }
}
