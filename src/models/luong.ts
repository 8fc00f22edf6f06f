/**
 * Luong, Pham & Manning 2015, "Effective Approaches to Attention-based Neural Machine
 * Translation" (EMNLP), sections 3.1-3.3, with LSTM cells (PyTorch nn.LSTM, gates i, f, g, o).
 *
 * Encoder: a stack of L LSTM layers over E x_1..E x_S (optionally bidirectional); the top layer's
 *   outputs are the source states h̄_s (d = H wide: [→h_s; ←h_s] when bidirectional). The decoder
 *   starts from the encoder's final (h, c) of every layer; bidirectional: [→h; ←h], [→c; ←c]
 *   (OpenNMT-py's _fix_enc_hidden), hence H = 2 x encoder_hidden_size there.
 * Decoder, for t = 1, 2, ... from y_0 = <s>, h̃_0 = 0:
 *   h_t = stacked LSTM([E y_{t-1}; h̃_{t-1}]) (input feeding, 3.3) or LSTM(E y_{t-1})
 *   score(h_t, h̄_s) = h_t^T h̄_s | h_t^T W_a h̄_s | v_a^T tanh(W_a [h_t; h̄_s])   eq. (8)
 *   global (3.1): a_t(s) = softmax_s score(h_t, h̄_s)                               eq. (7)
 *   local  (3.2): window [p_t - D, p_t + D], a_t(s) = softmax of the scores inside it, 0 outside;
 *                 local-m: p_t = t; local-p: p_t = S sigmoid(v_p^T tanh(W_p h_t))   eq. (9)
 *                 and a_t(s) *= exp(-(s - p_t)^2 / (2σ^2)), σ = D/2                  eq. (10)
 *   c_t = Σ_s a_t(s) h̄_s
 *   h̃_t = tanh(W_c [c_t; h_t])                                                       eq. (5)
 *   p(y_t | y_<t, x) = softmax(W_s h̃_t + b_s)                                        eq. (6)
 * Positions are 1-based as in the paper (s = 1..S, t = 1, 2, ...): p_t = S sigmoid(.) lies in
 * (0, S), so its window reaches source position S, and local-m's first step is centred on the
 * first source word. local-m keeps p_t = S once t > S (the paper leaves that case open; a window
 * past the source would be empty). Integer s is in the window when p_t - D <= s <= p_t + D
 * (f32 bounds, as tools/seqattn_torch.py compares them).
 */
import type { ModelConfig } from '../config.js';
import { AdditiveAttention } from '../layers/attention.js';
import { Linear } from '../layers/linear.js';
import { lstmScratch, StackedLSTMDecoder, StackedLSTMEncoder, type LstmScratch, type StackedEncoderScratch } from '../layers/lstm.js';
import type { Regions } from '../memory.js';
import { columnSlice } from '../quantized.js';
import type { WeightStore } from '../weights.js';
import { decodeStateBuffers, gatherRows, reorderSlots, type AttentionNet, type Source, type DecodeState, type NetOptions } from './net.js';

/** StackedEncoderScratch: the encoder's buffers, one source at a time. */
interface LuongState extends DecodeState, StackedEncoderScratch {
  // per source slot
  keys: number;     // (maxSlots, maxTx, K) W_a h̄_s (general, K = H) or the h̄_s part of W_a (concat, K = A)
  h0: number;       // (maxSlots, L, H) the decoder's initial h per layer
  c0: number;       // (maxSlots, L, H) and c
  // per row; `state` (DecodeState) is h of the top layer, h_t
  h: number;        // (L, maxRows, H)
  c: number;        // (L, maxRows, H)
  hTilde: number;   // (maxRows, H) h̃_t, fed to the next step with input feeding
  t: Int32Array;    // (maxRows,) steps taken
  input: number;    // (maxRows, inputWidth) [E y_{t-1}; h̃_{t-1}] (h̃ only with the table T; E y only without input feeding)
  gi: number;       // (maxRows, 4H) W_ih x + b_ih of the layer being stepped
  cat: number;      // (maxRows, d + H) [c_t; h_t]; `context` points into it
  query: number;    // (maxRows, A) concat: the h_t part of W_a [h_t; h̄_s]
  pQuery: number;   // (maxRows, A) local-p: tanh(W_p h_t)
  pLogit: number;   // (maxRows,) local-p: v_p^T tanh(W_p h_t)
  tmp: number;      // (maxRows, H) for reorder
  decScratch: LstmScratch;
}

export class Luong implements AttentionNet<LuongState> {
  readonly input = 'ids' as const;
  readonly annotationSize: number;
  private readonly encoder: StackedLSTMEncoder;
  /** Layer 0 reads [E y_{t-1}; h̃_{t-1}]: T[y_{t-1}] + W_ih̃ h̃_{t-1} when the table fits. */
  private readonly decoder: StackedLSTMDecoder;
  /** general: W_a (H, d), applied to h̄_s once per source. */
  private readonly W_a: Linear | null = null;
  /** concat: W_a = [W_q W_k] split by columns: W (A, H) on h_t, U (A, d) on h̄_s, v = v_a. */
  private readonly concat: AdditiveAttention | null = null;
  /** local-p: W_p (A, H) and v_p (A,). */
  private readonly W_p: Linear | null = null;
  private readonly v_p: number = 0;
  private readonly W_c: Linear;
  private readonly W_s: Linear;
  private readonly score: 'dot' | 'general' | 'concat';

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const f = options.weights;
    const budget = options.inputTableBudgetBytes;
    const { embeddingSize: E, hiddenSize: H, encoderHiddenSize: n, alignmentSize: A, numLayers: L } = config;
    const Vs = config.sourceVocab.length, Vt = config.targetVocab.length;
    const directions = config.bidirectionalEncoder ? 2 : 1;
    const d = directions * n; // = H (config.ts checks)
    this.annotationSize = d;
    this.encoder = StackedLSTMEncoder.load(regions, w, 'encoder.rnn', 'encoder.embedding', Vs, E, n, L, directions, f, budget);
    this.decoder = StackedLSTMDecoder.load(regions, w, 'decoder.rnn', 'decoder.embedding', Vt, E, config.inputFeeding ? H : 0, H, L, f, budget);

    const local = config.attention === 'local-m' || config.attention === 'local-p';
    this.score = local ? config.localScore : config.attention as 'dot' | 'general' | 'concat';
    const at = 'decoder.attention';
    if (this.score === 'general') {
      this.W_a = Linear.load(regions, w, `${at}.W_a`, H, d, false, `(hidden ${H}, source state ${d})`, f);
    } else if (this.score === 'concat') {
      // W_a [h_t; h̄_s] = W_q h_t + W_k h̄_s: the h̄_s half once per source (eq. (8) as additive energies)
      const Wa = w.float32(`${at}.W_a.weight`, [A, H + d], `(alignment ${A}, hidden + source state ${H + d})`);
      const Wq = columnSlice(Wa, A, H + d, 0, H), Wk = columnSlice(Wa, A, H + d, H, d);
      const v_a = regions.upload(w.float32(`${at}.v_a.weight`, [1, A], `(1, alignment ${A})`));
      this.concat = new AdditiveAttention(Linear.fromArrays(regions, Wq, null, A, H, f), Linear.fromArrays(regions, Wk, null, A, d, f),
        v_a, 0, A, d, regions);
    }
    if (config.attention === 'local-p') {
      this.W_p = Linear.load(regions, w, `${at}.W_p`, A, H, false, `(alignment ${A}, hidden ${H})`, f);
      this.v_p = regions.upload(w.float32(`${at}.v_p.weight`, [1, A], `(1, alignment ${A})`));
    }
    this.W_c = Linear.load(regions, w, 'decoder.W_c', H, d + H, false, `(hidden ${H}, source state + hidden ${d + H})`, f);
    this.W_s = Linear.load(regions, w, 'decoder.W_s', Vt, H, true, `(target vocabulary ${Vt}, hidden ${H})`, f);
  }

  createState(r: Regions, maxRows: number, maxSlots: number): LuongState {
    const { embeddingSize: E, hiddenSize: H, alignmentSize: A, numLayers: L } = this.config;
    const T = this.config.maxSourceLength;
    const d = this.annotationSize;
    const K = this.score === 'general' ? H : this.score === 'concat' ? A : 0;
    const localP = this.config.attention === 'local-p';
    const cat = r.floats(maxRows * (d + H));
    const h = r.floats(L * maxRows * H);
    return {
      ...decodeStateBuffers(r, maxRows, maxSlots, T, d, this.config.targetVocab.length),
      context: cat,                        // c_t in cat[:, 0:d]
      contextStride: d + H,
      state: h + (L - 1) * maxRows * H * 4, // h_t: the top layer's h
      keys: r.floats(maxSlots * T * K),
      h0: r.floats(maxSlots * L * H),
      c0: r.floats(maxSlots * L * H),
      h,
      c: r.floats(L * maxRows * H),
      hTilde: r.floats(maxRows * H),
      t: new Int32Array(maxRows),
      input: r.floats(maxRows * this.decoder.input.inputWidth),
      gi: r.floats(maxRows * 4 * H),
      cat,
      query: r.floats(this.concat ? maxRows * A : 0),
      pQuery: r.floats(localP ? maxRows * A : 0),
      pLogit: r.floats(localP ? maxRows : 0),
      tmp: r.floats(maxRows * H),
      ...this.encoder.scratch(r, T, E),
      decScratch: lstmScratch(r, H, maxRows),
    };
  }

  encode(st: LuongState, slot: number, source: Source): void {
    const x = source.ids;
    const { hiddenSize: H, numLayers: L } = this.config;
    const d = this.annotationSize;
    const S = x.length;
    st.Tx[slot] = S;
    const hBar = st.annotations + slot * st.maxTx * d * 4;
    // h̄_s: the top layer's states; the decoder's initial (h, c) of layer l: that layer's final state
    this.encoder.run(st, x, S, hBar, st.h0 + slot * L * H * 4, st.c0 + slot * L * H * 4);
    // what does not depend on t, once per source: W_a h̄_s (general), the h̄_s half of W_a [h_t; h̄_s] (concat)
    const keys = st.keys + slot * st.maxTx * (this.concat ? this.config.alignmentSize : H) * 4;
    if (this.W_a) this.W_a.applyMany(keys, hBar, S);
    if (this.concat) this.concat.keys(keys, hBar, S);
  }

  startRow(st: LuongState, row: number, slot: number): void {
    const { hiddenSize: H, numLayers: L } = this.config;
    const F = this.regions.rt.F32;
    st.slotOf[row] = slot;
    st.t[row] = 0;
    this.decoder.startRow(st.h, st.c, st.maxRows, st.h0 + slot * L * H * 4, st.c0 + slot * L * H * 4, row);
    F.fill(0, (st.hTilde >> 2) + row * H, (st.hTilde >> 2) + (row + 1) * H); // h̃_0 = 0
  }

  step(st: LuongState, previous: Int32Array, rows: number): void {
    const H = this.config.hiddenSize;
    const d = this.annotationSize;
    const k = this.regions.rt.k;
    const F = this.regions.rt.F32;
    // input feeding (3.3): layer 0 reads [E y_{t-1}; h̃_{t-1}]
    const proj = this.decoder.input;
    if (this.config.inputFeeding) {
      for (let r = 0; r < rows; r++) {
        const from = (st.hTilde >> 2) + r * H;
        F.copyWithin((st.input >> 2) + r * proj.inputWidth + proj.contextOffset, from, from + H);
      }
    }
    // h_t: the stacked LSTM, layer by layer over all rows
    this.decoder.step(st.h, st.c, st.maxRows, st.gi, st.input, previous, rows, st.decScratch);
    for (let r = 0; r < rows; r++) st.t[r]++;
    // a_t, c_t on h_t (into cat[:, 0:d]); then cat = [c_t; h_t]
    this.attend(st, rows);
    for (let r = 0; r < rows; r++) {
      const from = (st.state >> 2) + r * H;
      F.copyWithin((st.cat >> 2) + r * (d + H) + d, from, from + H);
    }
    // h̃_t = tanh(W_c [c_t; h_t]), eq. (5); logits = W_s h̃_t + b_s, eq. (6)
    this.W_c.applyMany(st.hTilde, st.cat, rows);
    k.tanh_inplace(st.hTilde, rows * H);
    this.W_s.applyMany(st.logits, st.hTilde, rows);
  }

  /** e_t(s), a_t(s) over each row's window (all of 1..S for global attention), c_t into st.context. */
  private attend(st: LuongState, rows: number): void {
    const { hiddenSize: H, alignmentSize: A, window: D, attention } = this.config;
    const d = this.annotationSize;
    const k = this.regions.rt.k;
    const maxTx = st.maxTx;
    const h_t = st.state;
    // what the rows share a matrix product for: W_q h_t (concat), v_p^T tanh(W_p h_t) (local-p)
    if (this.concat) this.concat.W.applyMany(st.query, h_t, rows);
    if (this.W_p) {
      this.W_p.applyMany(st.pQuery, h_t, rows);
      k.tanh_inplace(st.pQuery, rows * A);
      k.dot_energies(st.pLogit, st.pQuery, this.v_p, 1, rows, A); // row r's v_p . tanh(W_p h_t)
    }
    const F = this.regions.rt.F32;
    const sigma = D / 2;
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], S = st.Tx[slot];
      const e = st.energies + r * maxTx * 4, a = st.weights + r * maxTx * 4;
      // window [lo, hi) of 0-based rows = 1-based positions lo+1..hi
      let lo = 0, hi = S, p = 0;
      if (attention === 'local-m' || attention === 'local-p') {
        p = attention === 'local-m'
          ? Math.min(st.t[r], S)                                                          // p_t = t
          : Math.fround(S * Math.fround(1 / (1 + Math.exp(-F[(st.pLogit >> 2) + r])))); // eq. (9)
        lo = Math.max(1, Math.ceil(Math.fround(p - D))) - 1;
        hi = Math.min(S, Math.floor(Math.fround(p + D)));
        F.fill(-Infinity, e >> 2, (e >> 2) + lo); F.fill(-Infinity, (e >> 2) + hi, (e >> 2) + S);
        F.fill(0, a >> 2, (a >> 2) + lo); F.fill(0, (a >> 2) + hi, (a >> 2) + S);
      }
      const w = hi - lo;
      const hBar = st.annotations + (slot * maxTx + lo) * d * 4;
      // score(h_t, h̄_s), eq. (8)
      if (this.score === 'dot') k.dot_energies(e + lo * 4, hBar, h_t + r * H * 4, 1, w, d);
      else if (this.score === 'general') k.dot_energies(e + lo * 4, st.keys + (slot * maxTx + lo) * H * 4, h_t + r * H * 4, 1, w, H);
      else k.additive_energies(e + lo * 4, st.keys + (slot * maxTx + lo) * A * 4, st.query + r * A * 4, this.concat!.v, 0, w, A);
      k.softmax(a + lo * 4, e + lo * 4, w); // eq. (7), within the window for local attention
      if (attention === 'local-p') {
        // a_t(s) exp(-(s - p_t)^2 / (2σ^2)), eq. (10); s is 1-based
        for (let j = lo; j < hi; j++) F[(a >> 2) + j] *= Math.exp(-((j + 1 - p) ** 2) / (2 * sigma * sigma));
      }
      k.context(st.context + r * st.contextStride * 4, a + lo * 4, hBar, w, d);
    }
  }

  reorder(st: LuongState, parents: Int32Array, rows: number): void {
    const H = this.config.hiddenSize;
    const F = this.regions.rt.F32;
    this.decoder.reorder(st.h, st.c, st.maxRows, st.tmp, parents, rows);
    gatherRows(F, st.hTilde, st.tmp, parents, rows, H);
    reorderSlots(st.t, parents, rows);
    reorderSlots(st.slotOf, parents, rows);
  }
}
