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
import { lstmScratch, StackedLSTMDecoder, StackedLSTMEncoder, type LstmScratch, type StackedEncoderScratch } from '../layers/lstm.js';
import { Linear } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { decodeStateBuffers, reorderSlots, type AttentionNet, type DecodeState, type NetOptions, type Source } from './net.js';

/** `state` is h_t of the top layer; StackedEncoderScratch: the encoder's buffers, one source at a time. */
interface SutskeverState extends DecodeState, StackedEncoderScratch {
  h0: number;        // (maxSlots, L, H) the decoder's initial h per layer: the encoder's final h
  c0: number;        // (maxSlots, L, H) and c
  h: number;         // (L, maxRows, H)
  c: number;         // (L, maxRows, H)
  input: number;     // (maxRows, E) E y_{t-1} (without the table T)
  gi: number;        // (maxRows, 4H) W_ih x + b_ih of the layer being stepped
  tmp: number;       // (maxRows, H) for reorder
  reversed: Int32Array; // (maxTx,) x_S..x_1
  top: number;       // (maxTx, H) the encoder's top-layer outputs (not used by the decoder)
  decScratch: LstmScratch;
}

export class Seq2SeqLSTM implements AttentionNet<SutskeverState> {
  readonly input = 'ids' as const;
  readonly attends = false;
  readonly annotationSize = 0;
  /** No context vector: the step API's context is empty. */
  readonly contextSize = 0;
  private readonly encoder: StackedLSTMEncoder;
  private readonly decoder: StackedLSTMDecoder;
  private readonly W: Linear;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const f = options.weights;
    const budget = options.inputTableBudgetBytes;
    const { embeddingSize: E, hiddenSize: H, numLayers: L } = config; // encoder_hidden_size = H (config.ts checks)
    const Vs = config.sourceVocab.length, Vt = config.targetVocab.length;
    this.encoder = StackedLSTMEncoder.load(regions, w, 'encoder.rnn', 'encoder.embedding', Vs, E, H, L, 1, f, budget);
    this.decoder = StackedLSTMDecoder.load(regions, w, 'decoder.rnn', 'decoder.embedding', Vt, E, 0, H, L, f, budget);
    this.W = Linear.load(regions, w, 'decoder.out', Vt, H, true, `(target vocabulary ${Vt}, hidden ${H})`, f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): SutskeverState {
    const { embeddingSize: E, hiddenSize: H, numLayers: L } = this.config;
    const T = this.config.maxSourceLength;
    const h = r.floats(L * maxRows * H);
    return {
      ...decodeStateBuffers(r, maxRows, maxSlots, T, 0, this.config.targetVocab.length, false),
      context: r.floats(0),
      contextStride: 0,
      state: h + (L - 1) * maxRows * H * 4, // h_t: the top layer's h
      h0: r.floats(maxSlots * L * H),
      c0: r.floats(maxSlots * L * H),
      h,
      c: r.floats(L * maxRows * H),
      input: r.floats(maxRows * this.decoder.input.inputWidth),
      gi: r.floats(maxRows * 4 * H),
      tmp: r.floats(maxRows * H),
      reversed: new Int32Array(T),
      top: r.floats(T * H),
      ...this.encoder.scratch(r, T, E),
      decScratch: lstmScratch(r, H, maxRows),
    };
  }

  /** The encoder over x_S..x_1 (or x_1..x_S); its final (h, c) per layer start the decoder. */
  encode(st: SutskeverState, slot: number, source: Source): void {
    const x = source.ids;
    const { hiddenSize: H, numLayers: L } = this.config;
    const S = x.length;
    st.Tx[slot] = S;
    let read: ArrayLike<number> = x;
    if (this.config.reverseSource) {
      for (let s = 0; s < S; s++) st.reversed[s] = x[S - 1 - s]; // sec. 3.3
      read = st.reversed;
    }
    this.encoder.run(st, read, S, st.top, st.h0 + slot * L * H * 4, st.c0 + slot * L * H * 4);
  }

  startRow(st: SutskeverState, row: number, slot: number): void {
    const { hiddenSize: H, numLayers: L } = this.config;
    st.slotOf[row] = slot;
    this.decoder.startRow(st.h, st.c, st.maxRows, st.h0 + slot * L * H * 4, st.c0 + slot * L * H * 4, row);
  }

  step(st: SutskeverState, previous: Int32Array, rows: number): void {
    // h_t = stacked LSTM(E y_{t-1}); logits = W h_t + b, eq. (1)
    this.decoder.step(st.h, st.c, st.maxRows, st.gi, st.input, previous, rows, st.decScratch);
    this.W.applyMany(st.logits, st.state, rows);
  }

  reorder(st: SutskeverState, parents: Int32Array, rows: number): void {
    this.decoder.reorder(st.h, st.c, st.maxRows, st.tmp, parents, rows);
    reorderSlots(st.slotOf, parents, rows);
  }
}
