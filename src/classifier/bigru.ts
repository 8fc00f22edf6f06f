/**
 * One bidirectional GRU layer (nn.GRU with bidirectional=True, or the reset-before GRU of
 * tools/seqattn_torch.py) over sequences x_1..x_T, as han's word and sentence encoders use it:
 *
 *   →h_t = GRU(x_t, →h_{t-1}), t = 1..T, →h_0 = 0
 *   ←h_t = GRU(x_t, ←h_{t+1}), t = T..1, ←h_{T+1} = 0
 *   out_t = [→h_t; ←h_t]                                  (T, 2n)
 *
 * Several sequences of different lengths (the sentences of a document) run together: the input
 * projections W_ih x_t + b_ih of every x_t of all of them first (rows of the table
 * T[x_t] = W_ih E x_t + b_ih for token ids, EmbeddedInputProjection; one matrix product for
 * vectors), then each step advances every sequence that still has a token, one matrix product for
 * all of them. Sequences run longest first, so the live ones are always rows 0..live-1; the
 * backward direction starts each at its own last token.
 *
 * With `carry` (the word GRU of some HAN code), the sequences run one after another instead, each
 * direction starting from where it ended on the sequence before (→h_0 of sentence i+1 = →h_T of
 * sentence i; ←h_{T+1} of sentence i+1 = ←h_1 of sentence i), the first from 0.
 * With num_layers L > 1 (nn.GRU's stacking), layer k reads layer k-1's [→h_t; ←h_t] (no dropout:
 * inference); each layer's sequences run as above.
 * (The LSTM counterpart, one sequence, stacked layers: compose/encoder.ts RNNEncoder.)
 */
import type { GruConvention } from '../config.js';
import { GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import type { Regions } from '../memory.js';
import type { NetOptions } from '../models/net.js';
import type { WeightStore } from '../weights.js';

/** Buffers for up to maxRows sequences of up to maxT steps. Owned by a classifier's state. */
export interface BiGRUScratch {
  gi: [number, number]; // per direction (maxRows * maxT, 3n) input projections of every x_t, sequences one after another
  X: number;            // (maxRows * maxT, E) E x_t, for token ids when the table T does not fit
  giRows: number;       // (maxRows, 3n) the live sequences' gi of one step
  hRows: number;        // (maxRows, n) their h
  gru: GruScratch;      // for maxRows rows
  ids: Int32Array;      // (maxRows * maxT,) token ids of all sequences, concatenated
  order: Int32Array;    // (maxRows,) sequences, longest first
  offset: Int32Array;   // (maxRows,) first row of each sequence in gi and out
  length: Int32Array;   // (maxRows,)
}

/** nn.GRU's tensor suffixes of layer k: forward, backward. */
const suffixes = (k: number) => [`_l${k}`, `_l${k}_reverse`] as const;

export class BiGRU {
  private constructor(
    /** Per layer →GRU, ←GRU (nn.GRU num_layers): layer k > 0 reads layer k-1's [→h_t; ←h_t]. */
    private readonly layers: readonly (readonly [GRU, GRU])[],
    /** Per direction W_ih E x_t + b_ih for token ids; null when x_t are vectors (cells have W_ih). */
    private readonly embedded: readonly [EmbeddedInputProjection, EmbeddedInputProjection] | null,
    /** n: size of each direction. */
    readonly n: number,
    private readonly regions: Regions,
    /** Each sequence starts from the previous one's final states (see the file comment), not from 0. */
    private readonly carry: boolean,
  ) {}

  /**
   * `<name>.weight_ih_l<k>{,_reverse}` etc. of `numLayers` layers over inputs of `inputSize`; with
   * `embedding` (the nn.Embedding path and its vocabulary size V) the inputs are token ids and
   * inputSize is E (their tables T up to options.inputTableBudgetBytes).
   */
  static load(regions: Regions, weights: WeightStore, name: string, convention: GruConvention,
    inputSize: number, n: number, embedding: { name: string; V: number } | null, options: NetOptions, carry = false, numLayers = 1): BiGRU {
    const format = options.weights, budget = options.inputTableBudgetBytes;
    let embedded: [EmbeddedInputProjection, EmbeddedInputProjection] | null = null;
    if (embedding) {
      const [f, b] = suffixes(0);
      const fwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, f);
      const bwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, b, fwd.embeddingTable);
      embedded = [fwd, bwd];
    }
    const layers = Array.from({ length: numLayers }, (_, k) => suffixes(k).map((s) =>
      GRU.load(regions, weights, name, s, k ? 2 * n : inputSize, n, convention, k > 0 || embedding === null, format)) as [GRU, GRU]);
    return new BiGRU(layers, embedded, n, regions, carry);
  }

  /** Scratch for up to maxRows sequences of up to maxT steps each. */
  createScratch(r: Regions, maxT: number, maxRows = 1): BiGRUScratch {
    const N = maxRows * maxT, G = 3 * this.n;
    return {
      gi: [r.floats(N * G), r.floats(N * G)],
      X: r.floats(this.embedded ? N * this.embedded[0].inputWidth : 0),
      giRows: r.floats(maxRows * G),
      hRows: r.floats(maxRows * this.n),
      gru: gruScratch(r, this.n, maxRows),
      ids: new Int32Array(N),
      order: new Int32Array(maxRows),
      offset: new Int32Array(maxRows),
      length: new Int32Array(maxRows),
    };
  }

  /**
   * out (N, 2n) = [→h_t; ←h_t] for token-id sequences (checked by the caller), sequence i's rows
   * from s.offset[i] = the lengths before it; N their total length.
   */
  encodeIds(out: number, s: BiGRUScratch, sequences: readonly (readonly number[])[]): void {
    let N = 0;
    sequences.forEach((x, i) => {
      s.offset[i] = N;
      s.length[i] = x.length;
      s.ids.set(x, N);
      N += x.length;
    });
    for (let dir = 0; dir < 2; dir++) this.embedded![dir].project(s.gi[dir], s.ids, s.X, N);
    this.recur(this.layers[0], out, s, sequences.length);
    this.upperLayers(out, s, sequences.length, N);
  }

  /** out (T, 2n) = [→h_t; ←h_t] over one sequence of vectors X (T, inputSize). */
  encodeVectors(out: number, s: BiGRUScratch, X: number, T: number): void {
    s.offset[0] = 0;
    s.length[0] = T;
    for (let dir = 0; dir < 2; dir++) this.layers[0][dir].inputProjections(s.gi[dir], X, T);
    this.recur(this.layers[0], out, s, 1);
    this.upperLayers(out, s, 1, T);
  }

  /**
   * Layers 1.. over the N rows of `out`, in place: a layer's input projections of all rows are
   * computed before its recurrence overwrites them.
   */
  private upperLayers(out: number, s: BiGRUScratch, count: number, N: number): void {
    for (let k = 1; k < this.layers.length; k++) {
      for (let dir = 0; dir < 2; dir++) this.layers[k][dir].inputProjections(s.gi[dir], out, N);
      this.recur(this.layers[k], out, s, count);
    }
  }

  /** Both recurrences of one layer over `count` sequences at s.offset / s.length, gi ready. */
  private recur(cells: readonly [GRU, GRU], out: number, s: BiGRUScratch, count: number): void {
    if (this.carry) {
      this.recurCarried(cells, out, s, count);
      return;
    }
    const n = this.n, G = 3 * n;
    const F = this.regions.rt.F32;
    const { order, offset, length } = s;
    // longest first (insertion sort: a few sequences), so the live ones are rows 0..live-1
    for (let i = 0; i < count; i++) {
      let j = i;
      for (; j > 0 && length[order[j - 1]] < length[i]; j--) order[j] = order[j - 1];
      order[j] = i;
    }
    const longest = length[order[0]];
    for (let dir = 0; dir < 2; dir++) {
      const gi = s.gi[dir] >> 2, giRows = s.giRows >> 2, hRows = s.hRows >> 2, o = out >> 2;
      F.fill(0, hRows, hRows + count * n); // h_0 = 0
      let live = count;
      for (let k = 0; k < longest; k++) {
        while (length[order[live - 1]] <= k) live--;
        // row r: sequence order[r] at t = k (→) or t = T - 1 - k (←)
        const t = (r: number) => offset[order[r]] + (dir ? length[order[r]] - 1 - k : k);
        for (let r = 0; r < live; r++) F.copyWithin(giRows + r * G, gi + t(r) * G, gi + (t(r) + 1) * G);
        cells[dir].step(s.hRows, s.giRows, s.hRows, s.gru, live);
        for (let r = 0; r < live; r++) F.copyWithin(o + t(r) * 2 * n + dir * n, hRows + r * n, hRows + (r + 1) * n);
      }
    }
  }

  /** recur with each sequence starting from the final states of the one before it (one row per step). */
  private recurCarried(cells: readonly [GRU, GRU], out: number, s: BiGRUScratch, count: number): void {
    const n = this.n, G = 3 * n;
    const F = this.regions.rt.F32;
    const gi0 = s.giRows >> 2, h = s.hRows >> 2, o = out >> 2;
    for (let dir = 0; dir < 2; dir++) {
      const gi = s.gi[dir] >> 2;
      F.fill(0, h, h + n); // the first sequence starts from 0
      for (let i = 0; i < count; i++) {
        const T = s.length[i];
        for (let k = 0; k < T; k++) {
          const t = s.offset[i] + (dir ? T - 1 - k : k);
          F.copyWithin(gi0, gi + t * G, gi + (t + 1) * G);
          cells[dir].step(s.hRows, s.giRows, s.hRows, s.gru, 1);
          F.copyWithin(o + t * 2 * n + dir * n, h, h + n);
        }
      }
    }
  }
}
