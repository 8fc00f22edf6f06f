/**
 * The decoder cell of a composition and its input, for all rows of a step at once:
 *   x_t = E y_{t-1} | [E y_{t-1}; c_t] | [E y_{t-1}; h̃_{t-1}] (input feeding) | relu(W [E y_{t-1}; c_t] + b)
 *   s_t = stacked RNN(x_t, s_{t-1}): layer 0 reads x_t, layer l > 0 reads layer l-1's h (GRU or LSTM)
 * For the first three, W_ih x_t + b_ih = T[y_{t-1}] + W_ix extra (EmbeddedInputProjection): a
 * table row per row instead of the embedding product, when the table fits.
 * State: h (and c) (L, maxRows, H); s_t is the top layer's h.
 */
import type { GruConvention } from '../config.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { gates, RecurrentLayer, type CellScratch } from './cell.js';
import type { Cell, DecoderPart } from './description.js';
import { loadLinear } from './linear.js';

export class ComposedDecoder {
  private constructor(
    readonly part: DecoderPart,
    /** Layer 0's W_ih [E y; extra] + b_ih (all kinds but 'combined'). */
    readonly projection: EmbeddedInputProjection | null,
    /** 'combined': W (H, E + d) + b over [E y; c], and the embedding table E (V, E). */
    private readonly combined: Linear | null,
    private readonly embedding: number,
    private readonly layers: RecurrentLayer[],
    readonly E: number,
    /** Width of an input row X: [E y; extra] (E + extra, or extra alone with the table T), or [E y; c] ('combined'). */
    readonly inputWidth: number,
    /** Where the extra part (c or h̃) starts in X. */
    readonly extraOffset: number,
    private readonly regions: Regions,
  ) {}

  /** `extra`: the width of c (for [E y; c] and 'combined') or of h̃ (input feeding). */
  static load(regions: Regions, w: WeightStore, part: DecoderPart, cell: Cell, convention: GruConvention,
    embedding: string, V: number, E: number, extra: number, f: WeightFormat, budget?: number): ComposedDecoder {
    const H = part.hidden;
    const name = (l: number) => part.layout === 'cells' ? { name: `${part.rnn}.layers.${l}`, suffix: '' } : { name: part.rnn, suffix: `_l${l}` };
    const kind = part.input.kind;
    const layers: RecurrentLayer[] = [];
    if (kind === 'combined') {
      const table = regions.upload(w.float32(`${embedding}.weight`, [V, E], '(target vocabulary size, embedding size)'));
      const W = loadLinear(regions, w, part.input.W, H, E + extra, `(hidden ${H}, embedding ${E} + context ${extra})`, f);
      for (let l = 0; l < part.layers; l++) layers.push(RecurrentLayer.load(regions, w, cell, name(l).name, name(l).suffix, H, H, convention, true, f));
      return new ComposedDecoder(part, null, W, table, layers, E, E + extra, E, regions);
    }
    const d = kind === 'embedding' ? 0 : extra;
    const n0 = name(0);
    const projection = EmbeddedInputProjection.load(regions, w, n0.name, embedding, V, E, d, H, f, budget, n0.suffix, 0, gates(cell));
    for (let l = 0; l < part.layers; l++) layers.push(RecurrentLayer.load(regions, w, cell, name(l).name, name(l).suffix, l ? H : E + d, H, convention, l > 0, f));
    return new ComposedDecoder(part, projection, null, projection.embeddingTable, layers, E, projection.inputWidth, projection.contextOffset, regions);
  }

  /** Offset of the target embedding table E (V, E). */
  get embeddingTable(): number { return this.embedding; }

  /**
   * s_t for rows 0..rows-1 from y_{t-1} = previous[r]: h, c (L, maxRows, H) in place. X (rows,
   * inputWidth) holds each row's extra part at extraOffset; gi (rows, G), x (rows, H) scratch.
   */
  step(h: number, c: number, maxRows: number, X: number, gi: number, x: number, previous: Int32Array, rows: number, s: CellScratch): void {
    const H = this.part.hidden;
    if (this.projection) {
      this.projection.project(gi, previous, X, rows);
    } else {
      // x_t = relu(W [E y_{t-1}; c_t] + b)
      const F = this.regions.rt.F32, E = this.E, width = this.inputWidth;
      for (let r = 0; r < rows; r++) {
        const src = (this.embedding >> 2) + previous[r] * E;
        F.copyWithin((X >> 2) + r * width, src, src + E);
      }
      this.combined!.applyMany(x, X, rows);
      for (let i = x >> 2, end = i + rows * H; i < end; i++) if (F[i] < 0) F[i] = 0;
      this.layers[0].inputProjections(gi, x, rows);
    }
    this.stepLayers(h, c, maxRows, gi, rows, s);
  }

  /** The layers' steps, given layer 0's input projections gi (rows, G). */
  stepLayers(h: number, c: number, maxRows: number, gi: number, rows: number, s: CellScratch): void {
    const H = this.part.hidden;
    for (let l = 0; l < this.layers.length; l++) {
      const hl = h + l * maxRows * H * 4, cl = c + l * maxRows * H * 4;
      if (l > 0) this.layers[l].inputProjections(gi, hl - maxRows * H * 4, rows);
      this.layers[l].step(hl, cl, gi, hl, cl, s, rows);
    }
  }
}
