/**
 * After the cell and the attention, for all rows of a step:
 *   h̃_t = act(W_c [parts] + b_c)          the attentional layer (Luong et al. 2015, eq. (5)), act tanh, relu or none
 *   r_t = [parts], parts an ordered choice of s_t, c_t, E y_{t-1}, h̃_t
 *   logits = W_o r_t + b_o                                                   'linear'
 *          = W_o t + b_o, t = maxout(W_t r_t + b_t) | tanh(W_t r_t + b_t)    deep output (Cho et al. 2014, A.1.2)
 */
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { CombinePart, OutputPart, ReadoutPart } from './description.js';
import { index } from './floats.js';
import { activate, loadLinear } from './linear.js';

/** Where each readout part of row r is: base + r * stride floats; 'e' reads the embedding table row previous[r]; hTilde is ReadoutScratch.hTilde. */
export interface ReadoutSources {
  s: number; sStride: number;
  c: number; cStride: number;
  hTilde: number;
  embedding: number;
  previous: Int32Array;
}

/** Per-row buffers. Owned by a decode state. */
export interface ReadoutScratch { cat: number; hTilde: number; tPieces: number; t: number }

export class Readout {
  private constructor(
    private readonly combine: { W: Linear; part: CombinePart } | null,
    private readonly output: OutputPart,
    private readonly W_t: Linear | null,
    private readonly W_o: Linear,
    /** Sizes of s, c, E y, h̃. */
    private readonly sizes: Record<ReadoutPart, number>,
    private readonly deepSize: number,
    private readonly regions: Regions,
  ) {}

  static load(regions: Regions, w: WeightStore, combine: CombinePart | null, output: OutputPart, sizes: Record<ReadoutPart, number>,
    V: number, f: WeightFormat): Readout {
    const width = (parts: ReadoutPart[]) => widthOf(parts, sizes);
    const what = (parts: ReadoutPart[]) => parts.map((p) => ({ s: 'hidden', c: 'context', e: 'embedding', hTilde: 'attentional hidden' })[p]).join(' + ');
    const H = sizes.s;
    const Wc = combine ? loadLinear(regions, w, combine.W, H, width(combine.parts), `(hidden ${H}, ${what(combine.parts)} ${width(combine.parts)})`, f) : null;
    const R = width(output.parts);
    if (output.kind === 'linear') {
      const W_o = loadLinear(regions, w, output.out, V, R, `(target vocabulary ${V}, ${what(output.parts)} ${R})`, f);
      return new Readout(Wc && { W: Wc, part: combine! }, output, null, W_o, sizes, 0, regions);
    }
    const l = output.deep!.size, P = output.kind === 'maxout' ? 2 * l : l;
    const W_t = loadLinear(regions, w, output.deep!.W, P, R, `(${output.kind === 'maxout' ? '2*' : ''}deep output ${P}, ${what(output.parts)} ${R})`, f);
    const W_o = loadLinear(regions, w, output.out, V, l, `(target vocabulary ${V}, deep output ${l})`, f);
    return new Readout(Wc && { W: Wc, part: combine! }, output, W_t, W_o, sizes, l, regions);
  }

  scratch(r: Regions, maxRows: number): ReadoutScratch {
    const cat = Math.max(this.combine ? widthOf(this.combine.part.parts, this.sizes) : 0, widthOf(this.output.parts, this.sizes));
    return {
      cat: r.floats(maxRows * cat),
      hTilde: r.floats(this.combine ? maxRows * this.sizes.s : 0),
      tPieces: r.floats(maxRows * 2 * this.deepSize),
      t: r.floats(maxRows * this.deepSize),
    };
  }

  /** h̃_t (if the composition has an attentional layer) and the logits (rows, V). */
  apply(logits: number, sc: ReadoutScratch, src: ReadoutSources, rows: number): void {
    const k = this.regions.rt.k;
    if (this.combine) {
      this.combine.W.applyMany(sc.hTilde, this.gather(sc, src, this.combine.part.parts, rows), rows);
      activate(this.regions, sc.hTilde, rows * this.sizes.s, this.combine.part.activation);
    }
    const r = this.gather(sc, src, this.output.parts, rows);
    if (!this.W_t) return this.W_o.applyMany(logits, r, rows);
    if (this.output.kind === 'maxout') {
      this.W_t.applyMany(sc.tPieces, r, rows);
      k.maxout(sc.t, sc.tPieces, rows * this.deepSize); // rows are contiguous pairs of pieces
    } else {
      this.W_t.applyMany(sc.t, r, rows);
      k.tanh_inplace(sc.t, rows * this.deepSize);
    }
    this.W_o.applyMany(logits, sc.t, rows);
  }

  /** The rows [parts] (rows, width): a part that is already such a block (s, h̃ alone) is read in place. */
  private gather(sc: ReadoutScratch, src: ReadoutSources, parts: ReadoutPart[], rows: number): number {
    if (parts.length === 1 && parts[0] === 'hTilde') return src.hTilde;
    if (parts.length === 1 && parts[0] === 's' && src.sStride === this.sizes.s) return src.s;
    const F = this.regions.rt.F32;
    const width = widthOf(parts, this.sizes);
    for (let r = 0; r < rows; r++) {
      let to = index(sc.cat) + r * width;
      for (const p of parts) {
        const n = this.sizes[p];
        const from = p === 's' ? index(src.s) + r * src.sStride
          : p === 'c' ? index(src.c) + r * src.cStride
            : p === 'e' ? index(src.embedding) + src.previous[r] * n
              : index(src.hTilde) + r * n;
        F.copyWithin(to, from, from + n);
        to += n;
      }
    }
    return sc.cat;
  }
}

/** Floats in a row [parts]: Σ sizes[p] (a loop, no closure: gather runs every step). */
function widthOf(parts: ReadoutPart[], sizes: Record<ReadoutPart, number>): number {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += sizes[parts[i]];
  return n;
}
