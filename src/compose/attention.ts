/**
 * The attention part of a composition: energies e_ij from a query q_i (s_{i-1} before the cell,
 * Bahdanau et al. 2015; h_t after it, Luong et al. 2015) and the annotations h_j, then
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik),  c_i = Σ_j a_ij h_j
 * with e_ij one of
 *   additive  v^T tanh(W q + b_W + U h_j + b_U) + b_v   U h_j + b_U once per source (layers/attention.ts);
 *             one Linear over [q; h_j] is the same with W, U its column blocks and its bias in b_U
 *   dot       q^T h_j
 *   general   q^T (W h_j + b)   ('keys': W h_j + b once per source)  |  (W q + b)^T h_j   ('query', OpenNMT-py)
 *   location  e_i = W [E y_{i-1}; s_{i-1}] + b over P fixed positions (the older PyTorch tutorial): the softmax
 *             runs over all P, positions past Tx weigh the zero padding, so a_i· sums to less than 1 there
 */
import { AdditiveAttention } from '../layers/attention.js';
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { DecodeState } from '../models/net.js';
import type { WeightStore } from '../weights.js';
import type { AttentionPart } from './description.js';
import { columnSlice } from '../quantized.js';
import { loadLinear, readLinear, readV, resolve } from './linear.js';

/** Per-row scratch of an attention part. Owned by a decode state. */
export interface AttentionScratch {
  query: number;     // (maxRows, A) W q + b_W (additive), (maxRows, d) W q + b (general 'query')
  positions: number; // (maxRows, P) location energies and weights over all P positions
}

export class ComposedAttention {
  private constructor(
    readonly part: AttentionPart,
    private readonly additive: AdditiveAttention | null,
    /** general: W (H, d) for 'keys', (d, H) for 'query'; location: W (P, E + H). */
    private readonly W: Linear | null,
    /** Floats per annotation kept per source slot: A (additive), H (general 'keys'), else 0. */
    readonly keySize: number,
    /** Size of the query q (the decoder state). */
    private readonly H: number,
    /** Size of h_j. */
    private readonly d: number,
    private readonly regions: Regions,
  ) {}

  /** H: the decoder state (the query); d: h_j; E: the target embedding (location's query reads E y). */
  static load(regions: Regions, w: WeightStore, part: AttentionPart, H: number, d: number, E: number, f: WeightFormat): ComposedAttention {
    switch (part.kind) {
      case 'additive': {
        let Wq: Linear, Uk: Linear, A: number;
        if (part.joint) {
          // one Linear over [q; h_j]: W q + U h_j + b, its columns split at load, the bias with U (once per source)
          const name = resolve(w, part.W);
          A = w.shape(`${name}.weight`)[0] ?? 0;
          const { W, b } = readLinear(w, part.W, A, H + d, `(alignment, hidden ${H} + annotation ${d})`);
          Wq = Linear.fromArrays(regions, columnSlice(W, A, H + d, 0, H), null, A, H, f); // int8: with the whole row's scales
          Uk = Linear.fromArrays(regions, columnSlice(W, A, H + d, H, d), b, A, d, f);
        } else {
          A = w.shape(`${resolve(w, part.W)}.weight`)[0] ?? 0;
          Wq = loadLinear(regions, w, part.W, A, H, `(alignment ${A}, query ${H})`, f);
          Uk = loadLinear(regions, w, part.U!, A, d, `(alignment ${A}, annotation ${d})`, f);
        }
        const v = readV(w, part.v.name, [], part.v.bias, A);
        return new ComposedAttention(part, new AdditiveAttention(Wq, Uk, regions.upload(v.v), v.b, A, d, regions), null, A, H, d, regions);
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
    return {
      query: r.floats(p.kind === 'additive' ? maxRows * this.keySize : p.kind === 'general' && p.convention === 'query' ? maxRows * this.d : 0),
      positions: r.floats(p.kind === 'location' ? maxRows * p.positions : 0),
    };
  }

  /** What does not depend on the step, once per source: keys (Tx, keySize) from h_j (Tx, d). */
  keys(keys: number, Hs: number, Tx: number): void {
    if (this.additive) this.additive.keys(keys, Hs, Tx);
    else if (this.keySize) this.W!.applyMany(keys, Hs, Tx);
  }

  /**
   * e_i·, a_i·, c_i for rows 0..rows-1 (into st.energies, st.weights, st.context): q (rows, H) the
   * queries (location: (rows, E + H) [E y; s]); slot k's keys at keys + k * maxTx * keySize floats.
   */
  attend(st: DecodeState, sc: AttentionScratch, q: number, keys: number, rows: number): void {
    const k = this.regions.rt.k, p = this.part, H = this.H, d = this.d, maxTx = st.maxTx;
    if (this.additive) return this.additive.attend(st, q, sc.query, keys, rows);
    if (p.kind === 'location') return this.attendLocation(st, sc, q, rows, p.positions);
    const perStepQuery = p.kind === 'general' && p.convention === 'query';
    if (perStepQuery) this.W!.applyMany(sc.query, q, rows); // W q + b, (rows, d)
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], Tx = st.Tx[slot];
      const e = st.energies + r * maxTx * 4, a = st.weights + r * maxTx * 4;
      const hBar = st.annotations + slot * maxTx * d * 4;
      if (p.kind === 'dot') k.dot_energies(e, hBar, q + r * H * 4, 1, Tx, d);
      else if (perStepQuery) k.dot_energies(e, hBar, sc.query + r * d * 4, 1, Tx, d);
      else k.dot_energies(e, keys + slot * maxTx * H * 4, q + r * H * 4, 1, Tx, H);
      k.softmax(a, e, Tx);
      k.context(st.context + r * st.contextStride * 4, a, hBar, Tx, d);
    }
  }

  private attendLocation(st: DecodeState, sc: AttentionScratch, q: number, rows: number, P: number): void {
    const k = this.regions.rt.k, F = this.regions.rt.F32, d = this.d, maxTx = st.maxTx;
    this.W!.applyMany(sc.positions, q, rows); // e_i = W [E y; s] + b, (rows, P)
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], Tx = st.Tx[slot];
      const e = sc.positions + r * P * 4;
      F.copyWithin((st.energies >> 2) + r * maxTx, e >> 2, (e >> 2) + Tx);
      k.softmax(e, e, P); // over all P positions, as the tutorial (padding included)
      F.copyWithin((st.weights >> 2) + r * maxTx, e >> 2, (e >> 2) + Tx);
      // c_i = Σ_{j <= Tx} a_ij h_j: the positions past Tx hold zero vectors
      k.context(st.context + r * st.contextStride * 4, e, st.annotations + slot * maxTx * d * 4, Tx, d);
    }
  }
}
