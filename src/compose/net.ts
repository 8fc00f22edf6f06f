/**
 * A seq2seq model composed of parts (description.ts), as an AttentionNet: per source
 *   h_j, final states = encoder(E x)                      encoder.ts
 *   keys = U h_j | W h_j once per source;  c = summary    attention.ts
 *   s_0 = bridge(...)                                      bridge.ts
 * and per step, all rows at once,
 *   [attention on s_{i-1}]  ->  s_t = cell(x_t, s_{t-1})  ->  [attention on h_t]  ->  h̃_t, logits
 *                                          decoder.ts                                   readout.ts
 */
import type { ModelConfig } from '../config.js';
import type { Regions } from '../memory.js';
import { decodeStateBuffers, gatherRows, reorderSlots, type AttentionNet, type DecodeState, type NetOptions, type Source } from '../models/net.js';
import type { WeightStore } from '../weights.js';
import { ComposedAttention, type AttentionScratch } from './attention.js';
import { Bridge, type EncoderResult } from './bridge.js';
import { cellScratch, gates, type CellScratch } from './cell.js';
import { ComposedDecoder } from './decoder.js';
import { at, index } from './floats.js';
import type { Composition } from './description.js';
import { RNNEncoder, type EncoderScratch } from './encoder.js';
import { loadLinear } from './linear.js';
import { Readout, type ReadoutScratch, type ReadoutSources } from './readout.js';
import type { Linear } from '../layers/linear.js';

interface ComposedState extends DecodeState {
  lstm: boolean;        // c, c0 and finalC are in use
  steps: Int32Array;    // (maxRows,) steps each row has taken (local-m's p_t = t)
  fixedContext: boolean;// summaryGi is in use: gi = T[y] + W_ic c
  h: number;        // (L, maxRows, H) the decoder's h per layer; `state` is the top layer's
  c: number;        // (L, maxRows, H) and c (LSTM)
  s0: number;       // (maxSlots, L, H) s_0 per source
  c0: number;       // (maxSlots, L, H)
  keys: number;     // (maxSlots, maxTx, K) U h_j + b_U (additive), W h_j + b (general 'keys')
  summary: number;  // (maxSlots, Hc) the fixed context c
  summaryGi: number;// (maxSlots, G) W_ic c once per source (with the table T)
  X: number;        // (maxRows, inputWidth) the cell's input rows
  ctx: number;      // (maxRows, Hc) c_t when it has no place in X
  gi: number;       // (maxRows, G)
  x: number;        // (maxRows, H) relu(W [E y; c] + b)
  locQuery: number; // (maxRows, E + H) [E y_{i-1}; s_{i-1}] (location)
  tmp: number;      // (maxRows, H) for reorder
  encOut: number;   // (maxTx, n) the encoder's h_j when the decoder keeps no annotations
  finalH: number;   // (L_enc, D n)
  finalC: number;
  att: AttentionScratch;
  readout: ReadoutScratch;
  sources: ReadoutSources; // where the readout finds s_t, c_t, E y_{t-1}, h̃_t (previous: set per step)
  encoded: EncoderResult;  // what the bridge reads of the source being encoded (set per encode)
  enc: EncoderScratch;
  cell: CellScratch;
}

export class ComposedNet implements AttentionNet<ComposedState> {
  readonly input = 'ids' as const;
  readonly annotationSize: number;
  readonly attends: boolean;
  readonly contextSize: number;
  private readonly encoder: RNNEncoder;
  private readonly summaryW: Linear | null = null;
  private readonly attention: ComposedAttention;
  private readonly bridge: Bridge;
  private readonly decoder: ComposedDecoder;
  private readonly readout: Readout;
  /** c_t lives in X (the cell reads [E y; c]) or in a buffer of its own. */
  private readonly contextInX: boolean;
  /** The cell reads c_{t-1}: the attention runs after it and writes c_t into X, which the next step reads (c_0 = 0). */
  private readonly previousContext: boolean;

  constructor(readonly config: ModelConfig, readonly composition: Composition, private readonly regions: Regions, w: WeightStore,
    options: NetOptions = { weights: 'float32' }) {
    const f = options.weights, budget = options.inputTableBudgetBytes, p = composition;
    const H = p.decoder.hidden, Vs = config.sourceVocab.length, Vt = config.targetVocab.length;
    const Es = p.embeddings.sourceSize, Et = p.embeddings.targetSize;
    this.encoder = RNNEncoder.load(regions, w, p.encoder, p.cell, p.gruConvention, p.embeddings.source, Vs, Es, f, budget);
    const kind = p.attention.kind;
    this.attends = kind !== 'none' && kind !== 'summary';
    this.annotationSize = this.attends ? this.encoder.annotationSize : 0;
    const n = p.encoder.hidden;
    if (p.attention.kind === 'summary' && p.attention.W) this.summaryW = loadLinear(regions, w, p.attention.W, H, n, `(hidden ${H}, encoder hidden ${n})`, f);
    const summarySize = kind === 'summary' ? (this.summaryW ? H : n) : 0;
    this.contextSize = this.attends ? this.annotationSize : summarySize;
    this.attention = ComposedAttention.load(regions, w, p.attention, H, this.annotationSize, Et, f);
    const b = p.bridge;
    const bridgeIn = b.kind !== 'project' ? 0 : b.from === 'summary' ? summarySize : b.from === 'final-concat' ? this.encoder.finalSize
      : b.from === 'mean' ? this.encoder.annotationSize : n;
    this.bridge = Bridge.load(regions, w, p.bridge, bridgeIn, H, f);
    const target = p.embeddings.tiedTo && !w.has(`${p.embeddings.target}.weight`) ? p.embeddings.tiedTo : p.embeddings.target;
    this.decoder = ComposedDecoder.load(regions, w, p.decoder, p.cell, p.gruConvention, target, Vt, Et, { e: Et, c: this.contextSize, hTilde: H, s: H }, f, budget);
    this.contextInX = p.decoder.input.parts.includes('c');
    this.previousContext = this.contextInX && this.attends && !this.attention.before;
    this.readout = Readout.load(regions, w, p.combine, p.output, { s: H, c: this.contextSize, e: Et, hTilde: H }, Vt, f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): ComposedState {
    const p = this.composition, H = p.decoder.hidden, L = p.decoder.layers, T = this.config.maxSourceLength;
    const d = this.annotationSize, Hc = this.contextSize, dec = this.decoder;
    const G = gates(p.cell) * H;
    const X = r.floats(maxRows * dec.inputWidth);
    const ctx = r.floats(this.contextInX ? 0 : maxRows * Hc);
    const h = r.floats(L * maxRows * H);
    // [E y; c] (either order) read directly with the table T: gi = T[y] + W_ic c, W_ic c once per source
    const input = p.decoder.input;
    const summaryTable = p.attention.kind === 'summary' && dec.projection?.hasTable === true && input.parts.length === 2 && this.contextInX;
    const state = at(h, (L - 1) * maxRows * H);
    const readout = this.readout.scratch(r, maxRows);
    const context = this.contextInX ? at(X, dec.offsets.c!) : ctx, contextStride = this.contextInX ? dec.inputWidth : Hc;
    return {
      ...decodeStateBuffers(r, maxRows, maxSlots, T, d, this.config.targetVocab.length, this.attends),
      lstm: p.cell === 'lstm',
      steps: new Int32Array(maxRows),
      fixedContext: summaryTable,
      context, contextStride, state,
      h,
      c: r.floats(p.cell === 'lstm' ? L * maxRows * H : 0),
      s0: r.floats(maxSlots * L * H),
      c0: r.floats(p.cell === 'lstm' ? maxSlots * L * H : 0),
      keys: r.floats(maxSlots * T * this.attention.keySize),
      summary: r.floats(maxSlots * Hc * (p.attention.kind === 'summary' ? 1 : 0)),
      summaryGi: r.floats(summaryTable ? maxSlots * G : 0),
      X, ctx,
      gi: r.floats(maxRows * G),
      x: r.floats(input.W ? maxRows * H : 0),
      locQuery: r.floats(p.attention.kind === 'location' ? maxRows * (dec.E + H) : 0),
      tmp: r.floats(maxRows * Math.max(H, this.previousContext ? Hc : 0)),
      encOut: r.floats(this.attends ? 0 : T * this.encoder.annotationSize),
      finalH: r.floats(p.encoder.layers * this.encoder.finalSize),
      finalC: r.floats(p.cell === 'lstm' ? p.encoder.layers * this.encoder.finalSize : 0),
      att: this.attention.scratch(r, maxRows),
      readout,
      encoded: { annotations: 0, d: this.encoder.annotationSize, Tx: 0, finalH: 0, finalC: 0, finalSize: this.encoder.finalSize,
        layers: p.encoder.layers, summary: 0, summarySize: Hc },
      sources: { s: state, sStride: H, c: context, cStride: contextStride, hTilde: readout.hTilde, embedding: dec.embeddingTable, previous: new Int32Array(0) },
      enc: this.encoder.scratch(r, T, p.embeddings.sourceSize),
      cell: cellScratch(r, p.cell, Math.max(H, p.encoder.hidden), maxRows),
    };
  }

  encode(st: ComposedState, slot: number, source: Source): void {
    const p = this.composition, x = source.ids, Tx = x.length, k = this.regions.rt.k;
    const H = p.decoder.hidden, L = p.decoder.layers, d = this.encoder.annotationSize;
    st.Tx[slot] = Tx;
    const hBar = this.attends ? at(st.annotations, slot * st.maxTx * d) : st.encOut;
    this.encoder.run(st.enc, x, Tx, hBar, st.finalH, st.lstm ? st.finalC : 0);
    if (this.attention.keySize) this.attention.keys(at(st.keys, slot * st.maxTx * this.attention.keySize), hBar, Tx);
    const Hc = this.contextSize;
    const summary = at(st.summary, slot * Hc);
    if (p.attention.kind === 'summary') {
      // c = h_T (the top layer's last state) or tanh(W h_T)
      const hT = at(st.finalH, (p.encoder.layers - 1) * this.encoder.finalSize);
      if (this.summaryW) {
        this.summaryW.apply(summary, hT);
        k.tanh_inplace(summary, Hc);
      } else {
        this.regions.rt.F32.copyWithin(index(summary), index(hT), index(hT) + Hc);
      }
      // c is the same at every step: its part of the cell's input projection once per source
      if (st.fixedContext) this.decoder.projection!.contextTerm(at(st.summaryGi, slot * gates(p.cell) * H), summary, 1);
    }
    const e = st.encoded;
    e.annotations = hBar; e.Tx = Tx; e.finalH = st.finalH; e.finalC = st.lstm ? st.finalC : 0; e.summary = summary;
    this.bridge.apply(at(st.s0, slot * L * H), st.lstm ? at(st.c0, slot * L * H) : 0, L, H, e);
  }

  startRow(st: ComposedState, row: number, slot: number): void {
    const p = this.composition, H = p.decoder.hidden, L = p.decoder.layers, F = this.regions.rt.F32;
    st.slotOf[row] = slot;
    st.steps[row] = 0;
    for (let l = 0; l < L; l++) {
      const to = (l * st.maxRows + row) * H, from = (slot * L + l) * H;
      F.copyWithin(index(st.h) + to, index(st.s0) + from, index(st.s0) + from + H);
      if (st.lstm) F.copyWithin(index(st.c) + to, index(st.c0) + from, index(st.c0) + from + H);
    }
    const hTilde = index(st.readout.hTilde);
    if (this.composition.combine) F.fill(0, hTilde + row * H, hTilde + (row + 1) * H); // h̃_0 = 0
    if (this.previousContext) F.fill(0, index(st.context) + row * st.contextStride, index(st.context) + row * st.contextStride + this.contextSize); // c_0 = 0
  }

  step(st: ComposedState, previous: Int32Array, rows: number): void {
    const p = this.composition, H = p.decoder.hidden, F = this.regions.rt.F32, dec = this.decoder;
    // input feeding: h̃_{t-1} in the cell's input; s_{t-1} too if it reads it
    const offsets = dec.offsets;
    if (offsets.hTilde !== undefined) copyRows(F, at(st.X, offsets.hTilde), dec.inputWidth, st.readout.hTilde, H, null, H, rows);
    if (offsets.s !== undefined) copyRows(F, at(st.X, offsets.s), dec.inputWidth, st.state, H, null, H, rows);
    // the fixed summary c of each row's source
    if (p.attention.kind === 'summary') copyRows(F, st.context, st.contextStride, st.summary, this.contextSize, st.slotOf, this.contextSize, rows);
    // step t (1-based) of each row: local-m's p_t = t, the target position, on either side of the cell
    for (let r = 0; r < rows; r++) st.steps[r]++;
    if (this.attends && this.attention.before) {
      let q = st.state; // s_{i-1}
      if (p.attention.kind === 'location') {
        // [E y_{i-1}; s_{i-1}]
        const E = dec.E;
        copyRows(F, st.locQuery, E + H, dec.embeddingTable, E, previous, E, rows);
        copyRows(F, at(st.locQuery, E), E + H, st.state, H, null, H, rows);
        q = st.locQuery;
      }
      this.attention.attend(st, st.att, q, st.keys, rows, st.steps);
    }
    if (st.fixedContext) {
      // gi = T[y] + W_ic c with W_ic c from encode, then the layers
      dec.projection!.projectFixedContext(st.gi, previous, st.summaryGi, st.slotOf, rows);
      dec.stepLayers(st.h, st.c, st.maxRows, st.gi, rows, st.cell);
    } else {
      dec.step(st.h, st.c, st.maxRows, st.X, st.gi, st.x, previous, rows, st.cell);
    }
    if (this.attends && !this.attention.before) this.attention.attend(st, st.att, st.state, st.keys, rows, st.steps); // on h_t
    st.sources.previous = previous;
    this.readout.apply(st.logits, st.readout, st.sources, rows);
  }

  reorder(st: ComposedState, parents: Int32Array, rows: number): void {
    const p = this.composition, H = p.decoder.hidden, F = this.regions.rt.F32;
    for (let l = 0; l < p.decoder.layers; l++) {
      gatherRows(F, at(st.h, l * st.maxRows * H), st.tmp, parents, rows, H);
      if (st.lstm) gatherRows(F, at(st.c, l * st.maxRows * H), st.tmp, parents, rows, H);
    }
    if (p.decoder.input.parts.includes('hTilde')) gatherRows(F, st.readout.hTilde, st.tmp, parents, rows, H);
    if (this.previousContext) {
      // c_{t-1} of each row's parent, rows of X (stride: the cell's input width)
      const n = this.contextSize, cx = index(st.context), tmp = index(st.tmp), stride = st.contextStride;
      for (let r = 0; r < rows; r++) F.copyWithin(tmp + r * n, cx + parents[r] * stride, cx + parents[r] * stride + n);
      for (let r = 0; r < rows; r++) F.copyWithin(cx + r * stride, tmp + r * n, tmp + (r + 1) * n);
    }
    reorderSlots(st.slotOf, parents, rows);
    reorderSlots(st.steps, parents, rows);
  }
}

/**
 * Row r of `to` (stride toStride floats) = n floats at from + k * fromStride, k = index[r] (a source
 * slot, a token id) or r when index is null.
 */
function copyRows(F: Float32Array, to: number, toStride: number, from: number, fromStride: number, rowOf: Int32Array | null, n: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const src = index(from) + (rowOf ? rowOf[r] : r) * fromStride;
    F.copyWithin(index(to) + r * toStride, src, src + n);
  }
}
