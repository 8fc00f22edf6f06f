/**
 * The encoder of a composition: L layers of GRU or LSTM over E x_1..E x_Tx (or x_Tx..x_1), one or
 * two directions, as nn.GRU / nn.LSTM(E, n, num_layers=L, bidirectional=...):
 *   →h_j = RNN(E x_j, →h_{j-1}),  ←h_j = RNN(E x_j, ←h_{j+1}),  layer k > 0 reads layer k-1's [→h_j; ←h_j]
 *   h_j = [→h_j; ←h_j] (concat) | →h_j + ←h_j (sum, the PyTorch chatbot) of the top layer
 * and every layer's final states, direction by direction: (L, D, n), which is also PyTorch's
 * h_n (L * D, n) row order. Layer 0's input projection is a table T[x_j] (EmbeddedInputProjection).
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

export class RNNEncoder {
  private constructor(
    /** Layer 0 per direction: W_ih E x_j + b_ih = T[x_j]. */
    private readonly input: EmbeddedInputProjection[],
    /** [layer][direction] */
    private readonly layers: RecurrentLayer[][],
    readonly part: EncoderPart,
    readonly cell: Cell,
    private readonly regions: Regions,
  ) {}

  static load(regions: Regions, w: WeightStore, part: EncoderPart, cell: Cell, convention: GruConvention,
    embedding: string, V: number, E: number, f: WeightFormat, budget?: number): RNNEncoder {
    const D = part.bidirectional ? 2 : 1, n = part.hidden;
    const suffix = (l: number, dir: number) => `_l${l}${dir ? '_reverse' : ''}`;
    const input: EmbeddedInputProjection[] = [];
    for (let dir = 0; dir < D; dir++) {
      input.push(EmbeddedInputProjection.load(regions, w, part.rnn, embedding, V, E, 0, n, f, budget, suffix(0, dir),
        dir ? input[0].embeddingTable : 0, gates(cell)));
    }
    const layers: RecurrentLayer[][] = [];
    for (let l = 0; l < part.layers; l++) {
      const layer: RecurrentLayer[] = [];
      for (let dir = 0; dir < D; dir++) layer.push(RecurrentLayer.load(regions, w, cell, part.rnn, suffix(l, dir), l ? D * n : E, n, convention, l > 0, f));
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
}
