/**
 * The deep output of Cho et al. 2014 (appendix A.1.2) and RNNsearch (Bahdanau et al. 2015, A.2.2):
 * from the readout r_i = [s_i; E y_{i-1}; c_i],
 *
 *   t~_i = W_t r_i + b_t                                         <prefix>.deep_output
 *   t_i  = max(t~_{i,2k}, t~_{i,2k+1}) (maxout, l units of 2 pieces) | tanh(t~_i) | r_i ('none')
 *   logits = W_o t_i + b_o                                       <prefix>.out
 *
 * Rows of a step are one matrix product each.
 */
import type { DeepOutput as DeepOutputKind } from '../config.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { Linear, type WeightFormat } from './linear.js';

/** Per-row buffers: the readout r (rows, R), t~ (rows, P), t (rows, l). Owned by a decode state. */
export interface DeepOutputScratch { readout: number; tPieces: number; t: number }

export class DeepOutput {
  private constructor(
    readonly kind: 'maxout' | 'tanh' | 'none',
    /** W_t (P, R) + b_t, P = 2l (maxout) or l (tanh); null for 'none'. */
    private readonly W_t: Linear | null,
    /** W_o (V, l) + b_o, or (V, R) for 'none'. */
    private readonly W_o: Linear,
    /** l, the size of t_i. */
    readonly size: number,
    /** R, the size of the readout [s_i; E y_{i-1}; c_i]. */
    readonly readoutSize: number,
    private readonly regions: Regions,
  ) {}

  /** `readoutWhat` names the parts of R in shape errors (e.g. 'hidden + embedding + 2*encoder hidden'). */
  static load(regions: Regions, w: WeightStore, prefix: string, kind: DeepOutputKind, l: number, R: number, V: number,
    readoutWhat: string, f: WeightFormat): DeepOutput {
    if (kind !== 'maxout' && kind !== 'tanh' && kind !== 'none') throw new TypeError(`deep output ${kind}`); // config.ts allows only these here
    if (kind === 'none') {
      return new DeepOutput(kind, null, Linear.load(regions, w, `${prefix}.out`, V, R, true, `(target vocabulary ${V}, ${readoutWhat} ${R})`, f), R, R, regions);
    }
    const P = kind === 'maxout' ? 2 * l : l;
    const W_t = Linear.load(regions, w, `${prefix}.deep_output`, P, R, true, `(${kind === 'maxout' ? '2*' : ''}deep output ${P}, ${readoutWhat} ${R})`, f);
    const W_o = Linear.load(regions, w, `${prefix}.out`, V, l, true, `(target vocabulary ${V}, deep output ${l})`, f);
    return new DeepOutput(kind, W_t, W_o, l, R, regions);
  }

  scratch(r: Regions, maxRows: number): DeepOutputScratch {
    return { readout: r.floats(maxRows * this.readoutSize), tPieces: r.floats(maxRows * 2 * this.size), t: r.floats(maxRows * this.size) };
  }

  /**
   * Fills the readout rows r = [s_r; E y_r; c_r] of rows 0..rows-1: s (rows, H), E y from the
   * embedding table (V, E) at `embedding`, c_r at context + r * contextStride floats (d of them).
   */
  gather(sc: DeepOutputScratch, s: number, H: number, embedding: number, E: number, previous: Int32Array,
    context: number, contextStride: number, d: number, rows: number): void {
    const F = this.regions.rt.F32;
    const R = this.readoutSize;
    for (let r = 0; r < rows; r++) {
      const to = (sc.readout >> 2) + r * R, from = (s >> 2) + r * H, ctx = (context >> 2) + r * contextStride;
      const y = (embedding >> 2) + previous[r] * E;
      F.copyWithin(to, from, from + H);
      F.copyWithin(to + H, y, y + E);
      F.copyWithin(to + H + E, ctx, ctx + d);
    }
  }

  /** logits (rows, V) from the readout rows in sc. */
  apply(logits: number, sc: DeepOutputScratch, rows: number): void {
    const k = this.regions.rt.k;
    if (this.W_t === null) {
      this.W_o.applyMany(logits, sc.readout, rows);
    } else if (this.kind === 'maxout') {
      this.W_t.applyMany(sc.tPieces, sc.readout, rows);
      k.maxout(sc.t, sc.tPieces, rows * this.size); // rows are contiguous pairs of pieces, so one call pools them all
      this.W_o.applyMany(logits, sc.t, rows);
    } else {
      this.W_t.applyMany(sc.t, sc.readout, rows);
      k.tanh_inplace(sc.t, rows * this.size);
      this.W_o.applyMany(logits, sc.t, rows);
    }
  }
}
