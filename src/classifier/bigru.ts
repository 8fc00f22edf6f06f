/**
 * One bidirectional GRU layer (nn.GRU with bidirectional=True, or the reset-before GRU of
 * tools/seqattn_torch.py) over a sequence x_1..x_T, as han's word and sentence encoders use it:
 *
 *   →h_t = GRU(x_t, →h_{t-1}), t = 1..T, →h_0 = 0
 *   ←h_t = GRU(x_t, ←h_{t+1}), t = T..1, ←h_{T+1} = 0
 *   out_t = [→h_t; ←h_t]                                  (T, 2n)
 *
 * The input projections W_ih x_t + b_ih of both directions come first, for the whole sequence:
 * rows of the table T[x_t] = W_ih E x_t + b_ih when x are token ids (EmbeddedInputProjection),
 * one matrix product when x are vectors; the recurrence then only does W_hh h.
 * (The LSTM counterpart, with stacked layers, is layers/lstm.ts StackedLSTMEncoder.)
 */
import type { GruConvention } from '../config.js';
import { EmbeddedInputProjection, GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import type { Regions } from '../memory.js';
import type { NetOptions } from '../models/net.js';
import type { WeightStore } from '../weights.js';

/** Buffers of one layer's pass over up to maxT steps. Owned by a classifier's state. */
export interface BiGRUScratch {
  gi: [number, number]; // per direction (maxT, 3n) input projections
  X: number;            // (maxT, E) E x_t, for token ids when the table T does not fit
  zeros: number;        // (n,) h_0
  gru: GruScratch;
}

const SUFFIX = ['_l0', '_l0_reverse'] as const;

export class BiGRU {
  private constructor(
    /** →GRU, ←GRU */
    private readonly cells: readonly [GRU, GRU],
    /** Per direction W_ih E x_t + b_ih for token ids; null when x_t are vectors (cells have W_ih). */
    private readonly embedded: readonly [EmbeddedInputProjection, EmbeddedInputProjection] | null,
    /** n: size of each direction. */
    readonly n: number,
  ) {}

  /**
   * `<name>.weight_ih_l0{,_reverse}` etc. over inputs of `inputSize`; with `embedding` (the
   * nn.Embedding path and its vocabulary size V) the inputs are token ids and inputSize is E
   * (their tables T up to options.inputTableBudgetBytes).
   */
  static load(regions: Regions, weights: WeightStore, name: string, convention: GruConvention,
    inputSize: number, n: number, embedding: { name: string; V: number } | null, options: NetOptions): BiGRU {
    const format = options.weights, budget = options.inputTableBudgetBytes;
    let embedded: [EmbeddedInputProjection, EmbeddedInputProjection] | null = null;
    if (embedding) {
      const fwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, SUFFIX[0]);
      const bwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, SUFFIX[1], fwd.embeddingTable);
      embedded = [fwd, bwd];
    }
    const cells = SUFFIX.map((s) => GRU.load(regions, weights, name, s, inputSize, n, convention, embedding === null, format)) as [GRU, GRU];
    return new BiGRU(cells, embedded, n);
  }

  /** Scratch for sequences of up to maxT steps. */
  createScratch(r: Regions, maxT: number): BiGRUScratch {
    return {
      gi: [r.floats(maxT * 3 * this.n), r.floats(maxT * 3 * this.n)],
      X: r.floats(this.embedded ? maxT * this.embedded[0].inputWidth : 0),
      zeros: r.floats(this.n),
      gru: gruScratch(r, this.n),
    };
  }

  /** out (T, 2n) = [→h_t; ←h_t] over token ids x_1..x_T (checked by the caller). */
  encodeIds(out: number, s: BiGRUScratch, ids: ArrayLike<number>, T: number): void {
    for (let dir = 0; dir < 2; dir++) this.embedded![dir].project(s.gi[dir], ids, s.X, T);
    this.recur(out, s, T);
  }

  /** out (T, 2n) = [→h_t; ←h_t] over vectors X (T, inputSize). */
  encodeVectors(out: number, s: BiGRUScratch, X: number, T: number): void {
    for (let dir = 0; dir < 2; dir++) this.cells[dir].inputProjections(s.gi[dir], X, T);
    this.recur(out, s, T);
  }

  private recur(out: number, s: BiGRUScratch, T: number): void {
    const n = this.n;
    for (let dir = 0; dir < 2; dir++) {
      const h = (t: number) => out + (t * 2 * n + dir * n) * 4; // this direction's half of out_t
      const first = dir ? T - 1 : 0, step = dir ? -1 : 1;
      for (let i = 0, t = first; i < T; i++, t += step) {
        this.cells[dir].step(h(t), s.gi[dir] + t * 3 * n * 4, i === 0 ? s.zeros : h(t - step), s.gru);
      }
    }
  }
}
