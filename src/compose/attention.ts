/**
 * The attention part of a composition: energies e_ij from a query q_i (s_{i-1} before the cell,
 * Bahdanau et al. 2015; h_t after it, Luong et al. 2015) and the annotations h_j, then
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik),  c_i = Σ_j a_ij h_j
 * with e_ij one of
 *   additive  v^T act(W q + b_W + U h_j + b_U) + b_v    U h_j + b_U once per source (layers/attention.ts);
 *             act tanh (the paper), relu, or none: then e_ij = v^T (W q + b_W) + v^T (U h_j + b_U) + b_v;
 *             one Linear over [q; h_j] (or [h_j; q]) is the same with W, U its column blocks and its bias in b_U
 *   dot       q^T h_j
 *   general   q^T (W h_j + b)   ('keys': W h_j + b once per source)  |  (W q + b)^T h_j   ('query', OpenNMT-py)
 *   location  e_i = W [E y_{i-1}; s_{i-1}] + b over P fixed positions (the older PyTorch tutorial): the softmax
 *             runs over all P, positions past Tx weigh the zero padding, so a_i· sums to less than 1 there
 * Local attention (Luong et al. 2015, sec. 3.2) scores only the window [p_t - D, p_t + D] (a_t(s) = 0 outside):
 *   local-m  p_t = t;  local-p  p_t = S sigmoid(v_p^T tanh(W_p h_t)),  a_t(s) *= exp(-(s - p_t)^2 / (2σ^2)), σ = D/2
 * Positions are 1-based as in the paper (s = 1..S): p_t in (0, S), so the window reaches S; local-m keeps
 * p_t = S once t > S. Integer s is in the window when p_t - D <= s <= p_t + D (f32 bounds).
 */
import { AdditiveAttention } from '../layers/attention.js';
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { DecodeState } from '../models/net.js';
import type { WeightStore } from '../weights.js';
import type { AttentionPart } from './description.js';
import { columnSlice } from '../quantized.js';
import { at, index } from './floats.js';
import { loadLinear, readLinear, readV, resolve } from './linear.js';

/** Per-row scratch of an attention part. Owned by a decode state. */
export interface AttentionScratch {
  query: number;     // (maxRows, A) W q + b_W (additive), (maxRows, d) W q + b (general 'query')
  positions: number; // (maxRows, P) location energies and weights over all P positions
  pQuery: number;    // (maxRows, A_p) local-p: tanh(W_p h_t)
  pLogit: number;    // (maxRows,) local-p: v_p^T tanh(W_p h_t)
}

export class ComposedAttention {
  private constructor(
    readonly part: AttentionPart,
    readonly additive: AdditiveAttention | null,
    /** general: W (H, d) for 'keys', (d, H) for 'query'; location: W (P, E + H). */
    readonly W: Linear | null,
    /** Floats per annotation kept per source slot: A (additive), H (general 'keys'), else 0. */
    readonly keySize: number,
    /** Size of the query q (the decoder state). */
    private readonly H: number,
    /** Size of h_j. */
    private readonly d: number,
    private readonly regions: Regions,
    /** local-p: W_p (A_p, H) and v_p (A_p,). */
    private readonly W_p: Linear | null = null,
    private readonly v_p = 0,
  ) {}

  /** H: the decoder state (the query); d: h_j; E: the target embedding (location's query reads E y). */
  static load(regions: Regions, w: WeightStore, part: AttentionPart, H: number, d: number, E: number, f: WeightFormat): ComposedAttention {
    const a = ComposedAttention.loadScore(regions, w, part, H, d, E, f);
    const local = 'local' in part ? part.local : undefined;
    if (local?.mode !== 'p') return a;
    const A = w.shape(`${resolve(w, local.W_p!)}.weight`)[0] ?? 0; // the name the file has (alternatives)
    const W_p = loadLinear(regions, w, local.W_p!, A, H, `(alignment ${A}, hidden ${H})`, f);
    const v_p = regions.upload(w.float32(`${local.v_p}.weight`, [1, A], `(1, alignment ${A})`));
    return new ComposedAttention(part, a.additive, a.W, a.keySize, H, d, regions, W_p, v_p);
  }

  private static loadScore(regions: Regions, w: WeightStore, part: AttentionPart, H: number, d: number, E: number, f: WeightFormat): ComposedAttention {
    switch (part.kind) {
      case 'additive': {
        let Wq: Linear, Uk: Linear;
        const A = part.size;
        if (part.joint) {
          // one Linear over [q; h_j] (or [h_j; q]): W q + U h_j + b, its columns split at load, the bias with U (once per source)
          const keyFirst = part.order === 'key-first';
          const { W, b } = readLinear(w, part.W, A, H + d, keyFirst ? `(alignment ${A}, annotation ${d} + hidden ${H})` : `(alignment ${A}, hidden ${H} + annotation ${d})`);
          Wq = Linear.fromArrays(regions, columnSlice(W, A, H + d, keyFirst ? d : 0, H), null, A, H, f); // int8: with the whole row's scales
          Uk = Linear.fromArrays(regions, columnSlice(W, A, H + d, keyFirst ? 0 : H, d), b, A, d, f);
        } else {
          Wq = loadLinear(regions, w, part.W, A, H, `(alignment ${A}, query ${H})`, f);
          Uk = loadLinear(regions, w, part.U!, A, d, `(alignment ${A}, annotation ${d})`, f);
        }
        const v = readV(w, part.v, A);
        return new ComposedAttention(part, new AdditiveAttention(Wq, Uk, regions.upload(v.v), v.b, A, d), null, A, H, d, regions);
      }
      case 'general':
        return part.convention === 'keys'
          ? new ComposedAttention(part, null, loadLinear(regions, w, part.W, H, d, `(hidden ${H}, annotation ${d})`, f), H, H, d, regions)
          : new ComposedAttention(part, null, loadLinear(regions, w, part.W, d, H, `(annotation ${d}, hidden ${H})`, f), 0, H, d, regions);
      case 'location':
        return new ComposedAttention(part, null, loadLinear(regions, w, part.W, part.positions, E + H,
          `(max_length ${part.positions}, target embedding ${E} + hidden ${H})`, f), 0, H, d, regions);
      default:
        return new ComposedAttention(part, null, null, 0, H, d, regions);
    }
  }

  /** Whether the query is s_{i-1} (before the cell) or h_t (after it). */
  get before(): boolean {
    const p = this.part;
    return p.kind === 'location' || ((p.kind === 'additive' || p.kind === 'dot' || p.kind === 'general') && p.query === 'before');
  }

  scratch(r: Regions, maxRows: number): AttentionScratch {
    const p = this.part;
    const A_p = this.W_p ? this.W_p.rows : 0;
    return {
      query: r.floats(p.kind === 'additive' ? maxRows * this.keySize : p.kind === 'general' && p.convention === 'query' ? maxRows * this.d : 0),
      positions: r.floats(p.kind === 'location' ? maxRows * p.positions : 0),
      pQuery: r.floats(maxRows * A_p),
      pLogit: r.floats(A_p ? maxRows : 0),
    };
  }

  /** What does not depend on the step, once per source: keys (Tx, keySize) from h_j (Tx, d). */
  keys(keys: number, Hs: number, Tx: number): void {
    if (this.additive) this.additive.keys(keys, Hs, Tx);
    else if (this.keySize) this.W!.applyMany(keys, Hs, Tx);
  }

  /**
   * e_i·, a_i·, c_i for rows 0..rows-1 (into st.energies, st.weights, st.context): q (rows, H) the
   * queries (location: (rows, E + H) [E y; s]); slot k's keys at keys + k * maxTx * keySize floats;
   * steps[r]: the steps row r has taken (local-m's p_t = t).
   */
  attend(st: DecodeState, sc: AttentionScratch, q: number, keys: number, rows: number, steps: Int32Array): void {
    const k = this.regions.rt.k, F = this.regions.rt.F32, p = this.part, H = this.H, d = this.d, maxTx = st.maxTx;
    if (p.kind === 'location') return this.attendLocation(st, sc, q, rows, p.positions);
    if (p.kind === 'none' || p.kind === 'summary') return;
    // what the rows share a matrix product for: W q + b_W (additive), W q + b (general 'query'), tanh(W_p h_t) (local-p)
    const A = this.keySize;
    if (this.additive) this.additive.W.applyMany(sc.query, q, rows);
    const perStepQuery = p.kind === 'general' && p.convention === 'query';
    if (perStepQuery) this.W!.applyMany(sc.query, q, rows);
    if (this.W_p) {
      const A_p = this.W_p.rows;
      this.W_p.applyMany(sc.pQuery, q, rows);
      k.tanh_inplace(sc.pQuery, rows * A_p);
      k.dot_energies(sc.pLogit, sc.pQuery, this.v_p, 1, rows, A_p); // row r's v_p . tanh(W_p h_t)
    }
    const local = p.local, D = local?.D ?? 0, sigma = D / 2;
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], S = st.Tx[slot];
      const e = at(st.energies, r * maxTx), a = at(st.weights, r * maxTx);
      // the window [lo, hi) of 0-based rows = 1-based positions lo+1..hi; all of them without local attention
      let lo = 0, hi = S, pt = 0;
      if (local) {
        pt = local.mode === 'm' ? Math.min(steps[r], S) : Math.fround(S * Math.fround(1 / (1 + Math.exp(-F[index(sc.pLogit) + r])))); // eq. (9)
        lo = Math.max(1, Math.ceil(Math.fround(pt - D))) - 1;
        hi = Math.min(S, Math.floor(Math.fround(pt + D)));
        F.fill(-Infinity, index(e), index(e) + lo); F.fill(-Infinity, index(e) + hi, index(e) + S);
        F.fill(0, index(a), index(a) + lo); F.fill(0, index(a) + hi, index(a) + S);
      }
      const n = hi - lo;
      const hBar = at(st.annotations, (slot * maxTx + lo) * d);
      if (this.additive) this.additiveEnergies(at(e, lo), at(keys, (slot * maxTx + lo) * A), at(sc.query, r * A), n, A);
      else if (p.kind === 'dot') k.dot_energies(at(e, lo), hBar, at(q, r * H), 1, n, d);
      else if (perStepQuery) k.dot_energies(at(e, lo), hBar, at(sc.query, r * d), 1, n, d);
      else k.dot_energies(at(e, lo), at(keys, (slot * maxTx + lo) * H), at(q, r * H), 1, n, H);
      k.softmax(at(a, lo), at(e, lo), n);
      if (this.W_p) for (let j = lo; j < hi; j++) F[index(a) + j] *= Math.exp(-((j + 1 - pt) ** 2) / (2 * sigma * sigma)); // eq. (10)
      k.context(at(st.context, r * st.contextStride), at(a, lo), hBar, n, d);
    }
  }

  /** e (n,) = v^T act(Wq + key_j) + b_v over n keys (n, A); act none: v^T key_j + (v^T Wq + b_v). */
  private additiveEnergies(e: number, keys: number, Wq: number, n: number, A: number): void {
    const k = this.regions.rt.k, a = this.additive!, p = this.part, act = p.kind === 'additive' ? p.activation ?? 'tanh' : 'tanh';
    if (act === 'tanh') return k.additive_energies(e, keys, Wq, a.v, a.vBias, n, A);
    if (act === 'relu') return k.additive_energies_relu(e, keys, Wq, a.v, a.vBias, n, A);
    const F = this.regions.rt.F32, v = index(a.v), q = index(Wq);
    let vq = a.vBias;
    for (let i = 0; i < A; i++) vq += F[v + i] * F[q + i];
    k.dot_energies(e, keys, a.v, 1, n, A);
    for (let j = index(e), end = j + n; j < end; j++) F[j] += vq;
  }

  private attendLocation(st: DecodeState, sc: AttentionScratch, q: number, rows: number, P: number): void {
    const k = this.regions.rt.k, F = this.regions.rt.F32, d = this.d, maxTx = st.maxTx;
    this.W!.applyMany(sc.positions, q, rows); // e_i = W [E y; s] + b, (rows, P)
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], Tx = st.Tx[slot];
      const e = at(sc.positions, r * P);
      F.copyWithin(index(st.energies) + r * maxTx, index(e), index(e) + Tx);
      k.softmax(e, e, P); // over all P positions, as the tutorial (padding included)
      F.copyWithin(index(st.weights) + r * maxTx, index(e), index(e) + Tx);
      // c_i = Σ_{j <= Tx} a_ij h_j: the positions past Tx hold zero vectors
      k.context(at(st.context, r * st.contextStride), e, at(st.annotations, slot * maxTx * d), Tx, d);
    }
  }
}
