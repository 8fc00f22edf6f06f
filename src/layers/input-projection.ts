/**
 * The embedding followed by an RNN's input projection, as one table lookup where it fits: the
 * input side of every GRU and LSTM layer that reads embeddings (encoders, and decoders over
 * [E y; c]).
 */
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { columnSlice } from '../quantized.js';
import { Linear, type WeightFormat } from './linear.js';

/** Largest table T (V, 3H) of an EmbeddedInputProjection, in bytes; bigger models read E and W_ie per step. */
export const INPUT_TABLE_BUDGET_BYTES = 64 * 2 ** 20;

/**
 * The input projection of a decoder GRU (or LSTM) whose input is [E y; c]: an embedding row E_y (E,),
 * then c (d,). With G = 3H gate rows (4H for an LSTM) and W_ih split by columns at load into
 * W_ie (G, E) and W_ic (G, d):
 *
 *   gi = W_ih [E_y; c] + b_ih = (W_ie E_y + b_ih) + W_ic c = T[y] + W_ic c
 *
 * T = E W_ie^T + b_ih (V, G) does not depend on the step. When it fits INPUT_TABLE_BUDGET_BYTES
 * it is kept: a step then reads one table row per row instead of W_ie's 3H x E weights (f32,
 * equal to rounding: T[y] is rounded once before W_ic c is added). Otherwise the product runs as
 * written, over [E_y; c]. ("3H" below reads G for an LSTM.)
 * Row T[y] is filled the first time y is read, by one matvec (W_ie E_y + b_ih), not at load:
 * computing all V rows up front took 1.8 s for V = 8000, H = 512 (8x the load), and a decode uses
 * few of them. It is a cache of a pure function of the weights, always computed by the same kernel
 * call, so its bits do not depend on which decode fills it; its memory is allocated at load.
 * With int8 weights W_ie and W_ic are column slices of W_ih quantised per whole row (so an int8 file
 * stores W_ih as int8, src/quantized.ts), and T comes from the int8 W_ie.
 * The step's input rows X (rows, inputWidth) hold c at column `contextOffset`; without the table,
 * `project` writes E_y into columns 0..E first.
 * An encoder GRU reads E x_j alone (d = 0): its input projection is then the table lookup T[x_j]
 * and nothing else.
 */
export class EmbeddedInputProjection {
  private constructor(
    /** (V, 3H) T[y] = E_y W_ie^T + b_ih where filled[y], or 0 without the table. */
    readonly table: number,
    /** filled[y] = 1 once T[y] is computed. */
    private readonly filled: Uint8Array,
    /** W_ie (3H, E) + b_ih, f32: computes T[y]; null without the table. */
    private readonly W_ie: Linear | null,
    /** table ? W_ic (3H, d), no bias (null when d = 0) : W_ih (3H, E + d) + b_ih */
    private readonly W: Linear | null,
    /** E (V, E) f32. */
    private readonly embedding: number,
    readonly E: number,
    /** Gate rows G of W_ih: 3H (GRU) or 4H (LSTM). */
    readonly G: number,
    readonly inputWidth: number,
    readonly contextOffset: number,
    private readonly regions: Regions,
  ) {}

  /**
   * `gru` names the GRU module (weight_ih<suffix>, bias_ih<suffix>), `embeddingName` the
   * nn.Embedding (V, E); the context part has d columns (0 for an encoder). `embedding`: the
   * offset of that table when another projection already uploaded it (the two directions of a
   * bidirectional encoder share one). `gates`: 3 for a GRU, 4 for an LSTM (W_ih has gates * H rows).
   */
  static load(regions: Regions, weights: WeightStore, gru: string, embeddingName: string,
    V: number, E: number, d: number, H: number, format: WeightFormat = 'float32',
    budgetBytes: number = INPUT_TABLE_BUDGET_BYTES, suffix = '_l0', embedding = 0, gates = 3): EmbeddedInputProjection {
    const G = gates * H;
    const W_ih = weights.float32(`${gru}.weight_ih${suffix}`, [G, E + d], `(${gates}*hidden ${G}, ${d ? 'embedding + context' : 'embedding'} ${E + d})`, true); // only for Linears
    const b_ih = weights.float32(`${gru}.bias_ih${suffix}`, [G], `(${gates}*hidden ${G})`);
    const Emb = embedding || regions.upload(weights.float32(`${embeddingName}.weight`, [V, E], '(vocabulary size, embedding size)'));
    if (V * G * 4 > budgetBytes) {
      return new EmbeddedInputProjection(0, new Uint8Array(0), null, Linear.fromArrays(regions, W_ih, b_ih, G, E + d, format),
        Emb, E, G, E + d, E, regions);
    }
    // split W_ih by columns, each part re-packed contiguous (int8: both with W_ih's row scales)
    const W_ie = columnSlice(W_ih, G, E + d, 0, E), W_ic = columnSlice(W_ih, G, E + d, E, d);
    return new EmbeddedInputProjection(regions.floats(V * G), new Uint8Array(V),
      Linear.fromArrays(regions, W_ie, b_ih, G, E, format), d ? Linear.fromArrays(regions, W_ic, null, G, d, format) : null,
      Emb, E, G, d, 0, regions);
  }

  /** Offset of the embedding table E (V, E) in Wasm memory. */
  get embeddingTable(): number { return this.embedding; }

  /** Whether the table T is kept (V x G within the budget), so gi = T[y] + W_ic c. */
  get hasTable(): boolean { return this.table !== 0; }

  /** K (n, G) = W_ic C for n context rows C (n, d), no bias; with the table only (a context fixed for a whole decode, as cho's c). */
  contextTerm(K: number, C: number, n: number): void {
    this.W!.applyMany(K, C, n);
  }

  /**
   * gi (rows, G) = T[ids[r]] + K_{slotOf[r]} for rows 0..rows-1, K (slots, G) from contextTerm: the
   * product W_ic c once per source instead of once per step; with the table only.
   */
  projectFixedContext(gi: number, ids: ArrayLike<number>, K: number, slotOf: Int32Array, rows: number): void {
    const F = this.regions.rt.F32, G = this.G;
    this.gatherTable(gi, ids, rows);
    for (let r = 0; r < rows; r++) {
      const g = (gi >> 2) + r * G, k = (K >> 2) + slotOf[r] * G;
      for (let j = 0; j < G; j++) F[g + j] += F[k + j];
    }
  }

  /** gi (rows, G) = T[ids[r]], each T[y] = E_y W_ie^T + b_ih computed the first time y is read. */
  private gatherTable(gi: number, ids: ArrayLike<number>, rows: number): void {
    const E = this.E, G = this.G;
    const F = this.regions.rt.F32;
    for (let r = 0; r < rows; r++) {
      const y = ids[r];
      if (!this.filled[y]) {
        this.W_ie!.apply(this.table + y * G * 4, this.embedding + y * E * 4);
        this.filled[y] = 1;
      }
      const src = (this.table >> 2) + y * G;
      F.copyWithin((gi >> 2) + r * G, src, src + G);
    }
  }

  /** gi (rows, G) = W_ih [E_{ids[r]}; c_r] + b_ih for rows 0..rows-1; X (rows, inputWidth) holds c_r at contextOffset. */
  project(gi: number, ids: ArrayLike<number>, X: number, rows: number): void {
    const E = this.E;
    if (this.table) {
      // T[y] = E_y W_ie^T + b_ih, computed once per y: gather the rows, then add W_ic c
      this.gatherTable(gi, ids, rows);
      this.W?.addMany(gi, X, rows);
    } else {
      const F = this.regions.rt.F32;
      for (let r = 0; r < rows; r++) {
        const src = (this.embedding >> 2) + ids[r] * E;
        F.copyWithin((X >> 2) + r * this.inputWidth, src, src + E);
      }
      this.W!.applyMany(gi, X, rows);
    }
  }
}
