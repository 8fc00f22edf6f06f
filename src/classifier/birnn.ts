/**
 * One bidirectional recurrent layer (nn.GRU / nn.LSTM with bidirectional=True) over a sequence
 * x_1..x_T, as the classifiers' encoders use it:
 *
 *   →h_t = RNN(x_t, →h_{t-1}), t = 1..T, →h_0 = 0
 *   ←h_t = RNN(x_t, ←h_{t+1}), t = T..1, ←h_{T+1} = 0
 *   out_t = [→h_t; ←h_t]                                  (T, 2n)
 *
 * The input projections W_ih x_t + b_ih of both directions come first, for the whole sequence:
 * rows of the table T[x_t] = W_ih E x_t + b_ih when x are token ids (EmbeddedInputProjection),
 * one matrix product when x are vectors; the recurrence then only does W_hh h.
 */
import type { GruConvention } from '../config.js';
import { EmbeddedInputProjection, GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import { LSTM, lstmScratch, type LstmScratch } from '../layers/lstm.js';
import type { Regions } from '../memory.js';
import type { NetOptions } from '../models/net.js';
import type { WeightStore } from '../weights.js';

/** Buffers of one layer's pass over up to maxT steps. Owned by a classifier's state. */
export interface BiRNNScratch {
  gi: [number, number]; // per direction (maxT, G) input projections, G = 3n (GRU) or 4n (LSTM)
  X: number;            // (maxT, E) E x_t, for token ids when the table T does not fit
  c: number;            // (n,) LSTM cell state of the direction being run
  zeros: number;        // (n,) h_0
  gru: GruScratch | null;
  lstm: LstmScratch | null;
}

const SUFFIX = ['_l0', '_l0_reverse'] as const;

export class BiRNN {
  private constructor(
    /** →RNN, ←RNN */
    private readonly cells: readonly [GRU, GRU] | readonly [LSTM, LSTM],
    /** Per direction W_ih E x_t + b_ih for token ids; null when x_t are vectors (cells have W_ih). */
    private readonly embedded: readonly [EmbeddedInputProjection, EmbeddedInputProjection] | null,
    /** n: size of each direction. */
    readonly n: number,
    /** G: gate rows per direction, 3n or 4n. */
    private readonly G: number,
    private readonly regions: Regions,
  ) {}

  /**
   * `<name>.weight_ih_l0{,_reverse}` etc. of an nn.GRU (`gru` set: its convention) or nn.LSTM
   * over inputs of `inputSize`; with `embedding` (the nn.Embedding path and its vocabulary size V)
   * the inputs are token ids and inputSize is E (their table T, up to options.inputTableBudgetBytes).
   */
  static load(regions: Regions, weights: WeightStore, name: string, cell: { gru: GruConvention } | 'lstm',
    inputSize: number, n: number, embedding: { name: string; V: number } | null, options: NetOptions): BiRNN {
    const gates = cell === 'lstm' ? 4 : 3;
    const format = options.weights, budget = options.inputTableBudgetBytes;
    let embedded: [EmbeddedInputProjection, EmbeddedInputProjection] | null = null;
    if (embedding) {
      const fwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, SUFFIX[0], 0, gates);
      const bwd = EmbeddedInputProjection.load(regions, weights, name, embedding.name, embedding.V, inputSize, 0, n, format, budget, SUFFIX[1], fwd.embeddingTable, gates);
      embedded = [fwd, bwd];
    }
    const withInput = embedding === null;
    const cells = cell === 'lstm'
      ? SUFFIX.map((s) => LSTM.load(regions, weights, name, s, inputSize, n, withInput, format)) as [LSTM, LSTM]
      : SUFFIX.map((s) => GRU.load(regions, weights, name, s, inputSize, n, cell.gru, withInput, format)) as [GRU, GRU];
    return new BiRNN(cells, embedded, n, gates * n, regions);
  }

  /** Scratch for sequences of up to maxT steps. */
  createScratch(r: Regions, maxT: number): BiRNNScratch {
    const lstm = this.cells[0] instanceof LSTM;
    return {
      gi: [r.floats(maxT * this.G), r.floats(maxT * this.G)],
      X: r.floats(this.embedded ? maxT * this.embedded[0].inputWidth : 0),
      c: r.floats(this.n),
      zeros: r.floats(this.n),
      gru: lstm ? null : gruScratch(r, this.n),
      lstm: lstm ? lstmScratch(r, this.n) : null,
    };
  }

  /** out (T, 2n) = [→h_t; ←h_t] over token ids x_1..x_T (checked by the caller). */
  encodeIds(out: number, s: BiRNNScratch, ids: ArrayLike<number>, T: number): void {
    for (let dir = 0; dir < 2; dir++) this.embedded![dir].project(s.gi[dir], ids, s.X, T);
    this.recur(out, s, T);
  }

  /** out (T, 2n) = [→h_t; ←h_t] over vectors X (T, inputSize). */
  encodeVectors(out: number, s: BiRNNScratch, X: number, T: number): void {
    for (let dir = 0; dir < 2; dir++) this.cells[dir].inputProjections(s.gi[dir], X, T);
    this.recur(out, s, T);
  }

  private recur(out: number, s: BiRNNScratch, T: number): void {
    const n = this.n, G = this.G;
    for (let dir = 0; dir < 2; dir++) {
      const cell = this.cells[dir];
      const h = (t: number) => out + (t * 2 * n + dir * n) * 4; // this direction's half of out_t
      const first = dir ? T - 1 : 0, step = dir ? -1 : 1;
      if (cell instanceof LSTM) this.regions.rt.F32.fill(0, s.c >> 2, (s.c >> 2) + n); // c_0 = 0
      for (let i = 0, t = first; i < T; i++, t += step) {
        const prev = i === 0 ? s.zeros : h(t - step), gi = s.gi[dir] + t * G * 4;
        if (cell instanceof LSTM) cell.step(h(t), s.c, gi, prev, s.c, s.lstm!);
        else cell.step(h(t), gi, prev, s.gru!);
      }
    }
  }
}
