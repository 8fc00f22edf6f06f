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
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import { Embedding, Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { createAttentionDecoderState, reorderRows, startRowFromS0, type AttentionDecoderState, type AttentionNet, type Source, type NetOptions } from './net.js';

/** AttentionDecoderState with A = H: s0 is the encoder's final state; input is [E_tgt y_{i-1}; c_i]. */
interface TutorialState extends AttentionDecoderState {
  embedded: number;   // (maxTx, H) E_src x_j of the source being encoded
  giEnc: number;      // (maxTx, 3H) its input projections
  zeros: number;      // (H,) h_0
  encScratch: GruScratch;
  decScratch: GruScratch;
}

export class PyTorchTutorial implements AttentionNet<TutorialState> {
  readonly input = 'ids' as const;
  readonly annotationSize: number;
  private readonly encoderInput: EmbeddedInputProjection;
  private readonly encoderGru: GRU;
  private readonly attention: AdditiveAttention;
  /** W_ih [E_tgt y_{i-1}; c_i] + b_ih of the decoder GRU, as T[y_{i-1}] + W_ic c_i when the table fits. */
  private readonly decoderInput: EmbeddedInputProjection;
  private readonly decoderGru: GRU;
  private readonly out: Linear;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const H = config.hiddenSize;
    const f = options.weights;
    const Vs = config.sourceVocab.length;
    const Vt = config.targetVocab.length;
    this.annotationSize = H;
    // W_ih E x_j + b_ih = T_src[x_j]: the embedding followed by the input projection is a table
    this.encoderInput = EmbeddedInputProjection.load(regions, w, 'encoder.gru', 'encoder.embedding', Vs, H, 0, H, f, options.inputTableBudgetBytes);
    this.encoderGru = GRU.load(regions, w, 'encoder.gru', '_l0', H, H, config.gruConvention, false, f);
    this.attention = AdditiveAttention.load(regions, w,
      { W: 'decoder.attention.Wa', U: 'decoder.attention.Ua', v: 'decoder.attention.Va' },
      { W: true, U: true, v: true }, H, H, H, f);
    this.decoderInput = EmbeddedInputProjection.load(regions, w, 'decoder.gru', 'decoder.embedding', Vt, H, H, H, f, options.inputTableBudgetBytes);
    this.decoderGru = GRU.load(regions, w, 'decoder.gru', '_l0', 2 * H, H, config.gruConvention, false, f);
    this.out = Linear.load(regions, w, 'decoder.out', Vt, H, true, `(target vocabulary ${Vt}, hidden ${H})`, f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): TutorialState {
    const H = this.config.hiddenSize;
    const T = this.config.maxSourceLength;
    return {
      ...createAttentionDecoderState(r, maxRows, maxSlots, {
        maxTx: T, annotationSize: H, hiddenSize: H, alignmentSize: H,
        targetVocabSize: this.config.targetVocab.length, input: this.decoderInput,
      }),
      embedded: r.floats(T * H),
      giEnc: r.floats(T * 3 * H),
      zeros: r.floats(H),
      encScratch: gruScratch(r, H),
      decScratch: gruScratch(r, H, maxRows),
    };
  }

  encode(st: TutorialState, slot: number, source: Source): void {
    const x = source.ids;
    const H = this.config.hiddenSize;
    const Tx = x.length;
    st.Tx[slot] = Tx;
    const h = (j: number) => st.annotations + (slot * st.maxTx + j) * H * 4;
    // h_j = GRU(E x_j, h_{j-1}); the input projections of all j in one product.
    this.encoderInput.project(st.giEnc, x, st.embedded, Tx);
    for (let j = 0; j < Tx; j++) {
      this.encoderGru.step(h(j), st.giEnc + j * 3 * H * 4, j === 0 ? st.zeros : h(j - 1), st.encScratch);
    }
    // Ua h_j + b once per source; s_0 = h_Tx (the encoder's final hidden state).
    this.attention.keys(st.keysU + slot * st.maxTx * H * 4, h(0), Tx);
    const F = this.regions.rt.F32;
    F.copyWithin((st.s0 >> 2) + slot * H, h(Tx - 1) >> 2, (h(Tx - 1) >> 2) + H);
  }

  startRow(st: TutorialState, row: number, slot: number): void {
    startRowFromS0(this.regions.rt.F32, st, row, slot, this.config.hiddenSize);
  }

  step(st: TutorialState, previous: Int32Array, rows: number): void {
    // scores = Va(tanh(Wa(s_{i-1}) + Ua(keys))); a_i = softmax(scores); c_i = a_i @ keys
    this.attention.attend(st, st.state, st.query, st.keysU, rows);
    // s_i = GRU([E y_{i-1}; c_i], s_{i-1}); gi = W_ih [E y; c_i] + b_ih = T[y] + W_ic c_i,
    // T[y] = E_y W_ie^T + b_ih precomputed at load when V_t x 3H fits the budget (EmbeddedInputProjection)
    this.decoderInput.project(st.gi, previous, st.input, rows);
    this.decoderGru.step(st.state, st.gi, st.state, st.decScratch, rows);
    // logits = out(s_i)
    this.out.applyMany(st.logits, st.state, rows);
  }

  reorder(st: TutorialState, parents: Int32Array, rows: number): void {
    reorderRows(this.regions.rt.F32, st, parents, rows, this.config.hiddenSize);
  }
}
