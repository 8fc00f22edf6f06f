/**
 * The encoder of a composition: L layers of GRU or LSTM over E x_1..E x_Tx (or x_Tx..x_1), one or
 * two directions, as nn.GRU / nn.LSTM(E, n, num_layers=L, bidirectional=...):
 *   →h_j = RNN(E x_j, →h_{j-1}),  ←h_j = RNN(E x_j, ←h_{j+1}),  layer k > 0 reads layer k-1's [→h_j; ←h_j]
 *   h_j = [→h_j; ←h_j] (concat) | →h_j + ←h_j (sum, the PyTorch chatbot) of the top layer
 * and every layer's final states, direction by direction: (L, D, n), which is also PyTorch's
 * h_n (L * D, n) row order. Layer 0's input projection is a table T[x_j] (EmbeddedInputProjection),
 * or W_ih x_j + b_ih when the inputs are vectors (no embedding: HAN's sentence encoder).
 *
 * `encodeIds` / `encodeVectors` run several sequences of different lengths together (the sentences
 * of a document, Yang et al. 2016): the input projections of every x_t of all of them first, then
 * each step advances every sequence that still has a token, one matrix product for all of them.
 * Sequences run longest first, so the live ones are always rows 0..live-1; the backward direction
 * starts each at its own last token. With `carry` they run one after another instead, each
 * direction starting from where it ended on the sequence before (→h_0 of sequence i+1 = →h_T of
 * sequence i; ←h_{T+1} of sequence i+1 = ←h_1 of sequence i), the first from 0 (some HAN code).
 */
import type { GruConvention } from '../config.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import type { WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { cellScratch, gates, RecurrentLayer, type CellScratch } from './cell.js';
import { at, index } from './floats.js';
import type { Cell, EncoderPart } from './description.js';

/** The encoder's buffers, one source at a time. Owned by a decode state. */
export interface EncoderScratch {
  Ex: number;          // (maxTx, E) E x_j (without the table T)
  gi: number[];        // per direction (maxTx, G) input projections of a layer
  layerOut: number[];  // 2 x (maxTx, D n) outputs of the layers below the top (ping-pong)
  top: number;         // (maxTx, D n) the top layer's [→h_j; ←h_j] when they are summed
  c: number[];         // per direction (n,) the LSTM cell state of the layer being run
  zeros: number;       // (n,) h_0
  reversed: Int32Array;// (maxTx,) x_Tx..x_1
  cell: CellScratch;
}

/** The buffers of encodeIds / encodeVectors: up to maxRows sequences of up to maxT steps. Owned by a classifier's state. */
export interface SequencesScratch {
  gi: number[];        // per direction (maxRows * maxT, G) input projections of every x_t, sequences one after another
  Ex: number;          // (maxRows * maxT, E) E x_t, for token ids when the table T does not fit
  giRows: number;      // (maxRows, G) the live sequences' gi of one step
  hRows: number;       // (maxRows, n) their h
  cRows: number;       // (maxRows, n) their c (LSTM)
  cell: CellScratch;   // for maxRows rows
  ids: Int32Array;     // (maxRows * maxT,) token ids of all sequences, concatenated
  order: Int32Array;   // (maxRows,) sequences, longest first
  offset: Int32Array;  // (maxRows,) first row of each sequence in gi and out
  length: Int32Array;  // (maxRows,)
}

export class RNNEncoder {
  private constructor(
    /** Layer 0 per direction: W_ih E x_j + b_ih = T[x_j]; empty when the inputs are vectors (layer 0 has W_ih). */
    private readonly input: EmbeddedInputProjection[],
    /** [layer][direction] */
    private readonly layers: RecurrentLayer[][],
    readonly part: EncoderPart,
    readonly cell: Cell,
    private readonly regions: Regions,
  ) {}

  /** `embedding` null: the inputs x_j are vectors of size E (encodeVectors), not token ids. */
  static load(regions: Regions, w: WeightStore, part: EncoderPart, cell: Cell, convention: GruConvention,
    embedding: string | null, V: number, E: number, f: WeightFormat, budget?: number): RNNEncoder {
    const D = part.bidirectional ? 2 : 1, n = part.hidden;
    const suffix = (l: number, dir: number) => `_l${l}${dir ? '_reverse' : ''}`;
    const input: EmbeddedInputProjection[] = [];
    for (let dir = 0; dir < D && embedding !== null; dir++) {
      input.push(EmbeddedInputProjection.load(regions, w, part.rnn, embedding, V, E, 0, n, f, budget, suffix(0, dir),
        dir ? input[0].embeddingTable : 0, gates(cell)));
    }
    const layers: RecurrentLayer[][] = [];
    for (let l = 0; l < part.layers; l++) {
      const layer: RecurrentLayer[] = [];
      for (let dir = 0; dir < D; dir++) layer.push(RecurrentLayer.load(regions, w, cell, part.rnn, suffix(l, dir), l ? D * n : E, n, convention, l > 0 || embedding === null, f));
      layers.push(layer);
    }
    return new RNNEncoder(input, layers, part, cell, regions);
  }

  /** Size of one annotation h_j. */
  get annotationSize(): number {
    return this.part.bidirectional && this.part.merge === 'concat' ? 2 * this.part.hidden : this.part.hidden;
  }

  /** Size of one layer's final states, all directions: D n. */
  get finalSize(): number {
    return (this.part.bidirectional ? 2 : 1) * this.part.hidden;
  }

  scratch(r: Regions, maxTx: number, E: number): EncoderScratch {
    const D = this.input.length, n = this.part.hidden, G = gates(this.cell) * n;
    return {
      Ex: r.floats(maxTx * E),
      gi: Array.from({ length: D }, () => r.floats(maxTx * G)),
      layerOut: this.layers.length > 1 ? [r.floats(maxTx * D * n), r.floats(maxTx * D * n)] : [],
      top: r.floats(this.part.merge === 'sum' && D === 2 ? maxTx * D * n : 0),
      c: Array.from({ length: D }, () => r.floats(n)),
      zeros: r.floats(n),
      reversed: new Int32Array(this.part.reverse ? maxTx : 0),
      cell: cellScratch(r, this.cell, n),
    };
  }

  /** out (Tx, annotationSize): h_j; finalH, finalC (L, D n): each layer's last states (finalC: LSTM only). */
  run(sc: EncoderScratch, ids: ArrayLike<number>, Tx: number, out: number, finalH: number, finalC: number): void {
    const F = this.regions.rt.F32;
    const n = this.part.hidden, D = this.input.length, d = D * n, L = this.layers.length, G = gates(this.cell) * n;
    let x = ids;
    if (this.part.reverse) {
      for (let j = 0; j < Tx; j++) sc.reversed[j] = ids[Tx - 1 - j];
      x = sc.reversed;
    }
    const summed = this.part.merge === 'sum' && D === 2;
    let below = 0; // (Tx, d) outputs of layer l - 1
    for (let l = 0; l < L; l++) {
      const to = l < L - 1 ? sc.layerOut[l % 2] : summed ? sc.top : out;
      for (let dir = 0; dir < D; dir++) {
        const rnn = this.layers[l][dir], gi = sc.gi[dir], c = sc.c[dir];
        if (l === 0) this.input[dir].project(gi, x, sc.Ex, Tx);
        else rnn.inputProjections(gi, below, Tx);
        const row = (j: number) => at(to, j * d + dir * n); // this direction's half of row j
        F.fill(0, index(c), index(c) + n);
        // →: j = 1..Tx from h_0 = 0; ←: j = Tx..1
        const first = dir ? Tx - 1 : 0, last = dir ? 0 : Tx - 1, step = dir ? -1 : 1;
        for (let j = first; ; j += step) {
          rnn.step(row(j), c, at(gi, j * G), j === first ? sc.zeros : row(j - step), c, sc.cell);
          if (j === last) break;
        }
        F.copyWithin(index(finalH) + l * d + dir * n, index(row(last)), index(row(last)) + n);
        if (finalC) F.copyWithin(index(finalC) + l * d + dir * n, index(c), index(c) + n);
      }
      below = to;
    }
    if (summed) {
      // h_j = →h_j + ←h_j
      for (let j = 0; j < Tx; j++) {
        const src = index(sc.top) + j * d, dst = index(out) + j * n;
        for (let i = 0; i < n; i++) F[dst + i] = F[src + i] + F[src + n + i];
      }
    }
  }

  /** Scratch of encodeIds / encodeVectors for up to maxRows sequences of up to maxT steps. */
  sequencesScratch(r: Regions, maxT: number, maxRows = 1): SequencesScratch {
    const N = maxRows * maxT, n = this.part.hidden, G = gates(this.cell) * n, D = this.layers[0].length;
    return {
      gi: Array.from({ length: D }, () => r.floats(N * G)),
      Ex: r.floats(this.input.length ? N * this.input[0].inputWidth : 0),
      giRows: r.floats(maxRows * G),
      hRows: r.floats(maxRows * n),
      cRows: r.floats(this.cell === 'lstm' ? maxRows * n : 0),
      cell: cellScratch(r, this.cell, n, maxRows),
      ids: new Int32Array(this.input.length ? N : 0),
      order: new Int32Array(maxRows),
      offset: new Int32Array(maxRows),
      length: new Int32Array(maxRows),
    };
  }

  /**
   * out (N, D n) = [→h_t; ←h_t] of the top layer for token-id sequences (checked by the caller), sequence
   * i's rows from s.offset[i] = the lengths before it; N their total length. merge 'concat' only.
   */
  encodeIds(out: number, s: SequencesScratch, sequences: readonly (readonly number[])[], carry = false): void {
    let N = 0;
    sequences.forEach((x, i) => {
      s.offset[i] = N;
      s.length[i] = x.length;
      s.ids.set(x, N);
      N += x.length;
    });
    for (let dir = 0; dir < this.input.length; dir++) this.input[dir].project(s.gi[dir], s.ids, s.Ex, N);
    this.recur(0, out, s, sequences.length, carry);
    this.upperLayers(out, s, sequences.length, N, carry);
  }

  /** out (T, D n) over one sequence of vectors X (T, E) (an encoder loaded without embedding). */
  encodeVectors(out: number, s: SequencesScratch, X: number, T: number, carry = false): void {
    s.offset[0] = 0;
    s.length[0] = T;
    for (let dir = 0; dir < this.layers[0].length; dir++) this.layers[0][dir].inputProjections(s.gi[dir], X, T);
    this.recur(0, out, s, 1, carry);
    this.upperLayers(out, s, 1, T, carry);
  }

  /** Layers 1.. over the N rows of `out`, in place: a layer's input projections of all rows precede its recurrence. */
  private upperLayers(out: number, s: SequencesScratch, count: number, N: number, carry: boolean): void {
    for (let l = 1; l < this.layers.length; l++) {
      for (let dir = 0; dir < this.layers[l].length; dir++) this.layers[l][dir].inputProjections(s.gi[dir], out, N);
      this.recur(l, out, s, count, carry);
    }
  }

  /** Every direction of layer l over `count` sequences at s.offset / s.length, gi ready. */
  private recur(l: number, out: number, s: SequencesScratch, count: number, carry: boolean): void {
    const F = this.regions.rt.F32;
    const n = this.part.hidden, D = this.layers[l].length, d = D * n, G = gates(this.cell) * n;
    const { order, offset, length } = s;
    if (carry) {
      // one row per step; each sequence from the previous one's final states
      for (let dir = 0; dir < D; dir++) {
        const rnn = this.layers[l][dir];
        F.fill(0, index(s.hRows), index(s.hRows) + n);
        if (this.cell === 'lstm') F.fill(0, index(s.cRows), index(s.cRows) + n);
        for (let i = 0; i < count; i++) {
          const T = length[i];
          for (let k = 0; k < T; k++) {
            const t = offset[i] + (dir ? T - 1 - k : k);
            F.copyWithin(index(s.giRows), index(at(s.gi[dir], t * G)), index(at(s.gi[dir], (t + 1) * G)));
            rnn.step(s.hRows, s.cRows, s.giRows, s.hRows, s.cRows, s.cell, 1);
            F.copyWithin(index(at(out, t * d + dir * n)), index(s.hRows), index(s.hRows) + n);
          }
        }
      }
      return;
    }
    // longest first (insertion sort: a few sequences), so the live ones are rows 0..live-1
    for (let i = 0; i < count; i++) {
      let j = i;
      for (; j > 0 && length[order[j - 1]] < length[i]; j--) order[j] = order[j - 1];
      order[j] = i;
    }
    const longest = length[order[0]];
    for (let dir = 0; dir < D; dir++) {
      const rnn = this.layers[l][dir];
      const gi = index(s.gi[dir]), giRows = index(s.giRows), hRows = index(s.hRows), o = index(out);
      F.fill(0, hRows, hRows + count * n); // h_0 = 0
      if (this.cell === 'lstm') F.fill(0, index(s.cRows), index(s.cRows) + count * n);
      let live = count;
      for (let k = 0; k < longest; k++) {
        while (length[order[live - 1]] <= k) live--;
        // row r: sequence order[r] at t = k (→) or t = T - 1 - k (←)
        for (let r = 0; r < live; r++) {
          const t = offset[order[r]] + (dir ? length[order[r]] - 1 - k : k);
          F.copyWithin(giRows + r * G, gi + t * G, gi + (t + 1) * G);
        }
        rnn.step(s.hRows, s.cRows, s.giRows, s.hRows, s.cRows, s.cell, live);
        for (let r = 0; r < live; r++) {
          const t = offset[order[r]] + (dir ? length[order[r]] - 1 - k : k);
          F.copyWithin(o + t * d + dir * n, hRows + r * n, hRows + (r + 1) * n);
        }
      }
    }
  }
}
