/**
 * The decoder cell of a composition and its input, for all rows of a step at once:
 *   x_t = [parts]  or  x_t = act(W [parts] + b)     parts: an ordered choice of E y_{t-1}, c_t, h̃_{t-1}, s_{t-1}
 *   s_t = stacked RNN(x_t, s_{t-1}): layer 0 reads x_t, layer l > 0 reads layer l-1's h (GRU or LSTM)
 * Read directly, W_ih x_t + b_ih = T[y_{t-1}] + W_ix extras (EmbeddedInputProjection): a table row per
 * row instead of the embedding product, when the table fits; W_ih's columns are put in the order
 * [E y; extras...] at load, so any order of the parts runs the same code.
 * State: h (and c) (L, maxRows, H); s_t is the top layer's h.
 */
import type { GruConvention } from '../config.js';
import { SeqattnError } from '../errors.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { gates, RecurrentLayer, type CellScratch } from './cell.js';
import type { Activation, Cell, DecoderPart, InputPart } from './description.js';
import { at, index } from './floats.js';
import { activate, ColumnOrderStore, loadLinear } from './linear.js';

export class ComposedDecoder {
  private constructor(
    readonly part: DecoderPart,
    /** Layer 0's W_ih [E y; extras] + b_ih (the input read directly). */
    readonly projection: EmbeddedInputProjection | null,
    /** With an input layer: W (H, width) + b over [parts], and the embedding table E (V, E). */
    private readonly combined: Linear | null,
    private readonly embedding: number,
    private readonly layers: RecurrentLayer[],
    readonly E: number,
    /** Width of an input row X: the extras (with the table T), [E y; extras] (without), or [parts] (with an input layer). */
    readonly inputWidth: number,
    /** Where each part of the input starts in a row of X, in floats (E y: with an input layer only). */
    readonly offsets: Partial<Record<InputPart, number>>,
    private readonly activation: Activation,
    private readonly regions: Regions,
  ) {}

  /** `sizes`: the width of each part the input may read (c, h̃, s; E y is E). */
  static load(regions: Regions, w: WeightStore, part: DecoderPart, cell: Cell, convention: GruConvention,
    embedding: string, V: number, E: number, sizes: Record<InputPart, number>, f: WeightFormat, budget?: number): ComposedDecoder {
    const H = part.hidden, input = part.input;
    const name = (l: number) => part.layout === 'cells' ? { name: `${part.rnn}.layers.${l}`, suffix: '' } : part.layout === 'cell' ? { name: part.rnn, suffix: '' } : { name: part.rnn, suffix: `_l${l}` };
    const layers: RecurrentLayer[] = [];
    const width = (ps: InputPart[]) => ps.reduce((n, q) => n + sizes[q], 0);
    const offsetsOf = (ps: InputPart[], base: number) => {
      const o: Partial<Record<InputPart, number>> = {};
      let at = base;
      for (const q of ps) { o[q] = at; at += sizes[q]; }
      return o;
    };
    if (input.W) {
      const table = regions.upload(w.float32(`${embedding}.weight`, [V, E], '(target vocabulary size, embedding size)'));
      const n = width(input.parts);
      const what = input.parts.map((q) => ({ e: 'embedding', c: 'context', hTilde: 'attentional hidden', s: 'hidden' })[q]).join(' + ');
      const W = loadLinear(regions, w, input.W, H, n, `(hidden ${H}, ${what} ${n})`, f);
      for (let l = 0; l < part.layers; l++) layers.push(RecurrentLayer.load(regions, w, cell, name(l).name, name(l).suffix, H, H, convention, true, f));
      return new ComposedDecoder(part, null, W, table, layers, E, n, offsetsOf(input.parts, 0), input.activation, regions);
    }
    if (input.parts.filter((q) => q === 'e').length !== 1) {
      throw new SeqattnError('E_CONFIG', `decoder input [${input.parts.join(', ')}]: a cell read without an input layer reads E y_{t-1} once (an input layer "linear" may read any parts)`);
    }
    const extras = input.parts.filter((q) => q !== 'e'), d = width(extras);
    const n0 = name(0);
    // W_ih's columns in [E y; extras] order
    let store = w;
    if (input.parts[0] !== 'e') {
      const at = offsetsOf(input.parts, 0), blocks: { from: number; n: number }[] = [];
      for (const q of ['e' as const, ...extras]) blocks.push({ from: at[q]!, n: q === 'e' ? E : sizes[q] });
      store = new ColumnOrderStore(w, `${n0.name}.weight_ih${n0.suffix}`, blocks);
    }
    const projection = EmbeddedInputProjection.load(regions, store, n0.name, embedding, V, E, d, H, f, budget, n0.suffix, 0, gates(cell));
    for (let l = 0; l < part.layers; l++) layers.push(RecurrentLayer.load(regions, w, cell, name(l).name, name(l).suffix, l ? H : E + d, H, convention, l > 0, f));
    return new ComposedDecoder(part, projection, null, projection.embeddingTable, layers, E, projection.inputWidth,
      offsetsOf(extras, projection.contextOffset), 'none', regions);
  }

  /** Offset of the target embedding table E (V, E). */
  get embeddingTable(): number { return this.embedding; }

  /**
   * s_t for rows 0..rows-1 from y_{t-1} = previous[r]: h, c (L, maxRows, H) in place. X (rows,
   * inputWidth) holds each row's parts but E y at `offsets`; gi (rows, G), x (rows, H) scratch.
   */
  step(h: number, c: number, maxRows: number, X: number, gi: number, x: number, previous: Int32Array, rows: number, s: CellScratch): void {
    const H = this.part.hidden;
    if (this.projection) {
      this.projection.project(gi, previous, X, rows);
    } else {
      // x_t = act(W [parts] + b)
      const F = this.regions.rt.F32, E = this.E, width = this.inputWidth, e = this.offsets.e;
      if (e !== undefined) {
        for (let r = 0; r < rows; r++) {
          const src = index(this.embedding) + previous[r] * E;
          F.copyWithin(index(X) + r * width + e, src, src + E);
        }
      }
      this.combined!.applyMany(x, X, rows);
      activate(this.regions, x, rows * H, this.activation);
      this.layers[0].inputProjections(gi, x, rows);
    }
    this.stepLayers(h, c, maxRows, gi, rows, s);
  }

  /** The layers' steps, given layer 0's input projections gi (rows, G). */
  stepLayers(h: number, c: number, maxRows: number, gi: number, rows: number, s: CellScratch): void {
    const H = this.part.hidden;
    for (let l = 0; l < this.layers.length; l++) {
      const hl = at(h, l * maxRows * H), cl = at(c, l * maxRows * H);
      if (l > 0) this.layers[l].inputProjections(gi, at(h, (l - 1) * maxRows * H), rows);
      this.layers[l].step(hl, cl, gi, hl, cl, s, rows);
    }
  }
}
