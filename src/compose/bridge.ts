/**
 * The decoder's first state s_0 (per layer, and c_0 for an LSTM) from what the encoder left:
 *   zeros     s_0 = 0, c_0 = 0
 *   final     order 'layer': decoder layer l from encoder layer l's final [→h; ←h] (OpenNMT-py's _fix_enc_hidden);
 *             order 'pytorch': from row l of h_n (L * D, n), forward and backward rows interleaved (the chatbot);
 *             c_0 the same rows of the encoder's c, or 0
 *   project   s_0 = act(W x + b) (act(x) without W), x = ←h_1 (Bahdanau et al. 2015, A.2.2) | →h_T
 *             | [→h_T; ←h_1] (bentrevett 3) | mean_j h_j | c (Cho et al. 2014, A.1.2), of the top encoder
 *             layer or of `layer`; to the first decoder layer (the others 0) or to every layer;
 *             c_0 = 0 or c_0 = s_0
 * Offsets count floats (floats.ts).
 */
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { Activation, BridgePart, LinearName } from './description.js';
import { at, index } from './floats.js';
import { activate, loadLinear } from './linear.js';

/** What the encoder of one source left, as Wasm byte offsets. */
export interface EncoderResult {
  annotations: number; d: number; Tx: number;
  /** (L, D n) each layer's final states; c for an LSTM, else 0. */
  finalH: number; finalC: number; finalSize: number; layers: number;
  /** c (summary size) or 0. */
  summary: number; summarySize: number;
}

export class Bridge {
  private constructor(private readonly part: BridgePart, private readonly W: Linear | null, private readonly Wc: Linear | null,
    private readonly regions: Regions,
    /** (inputSize,) mean_j h_j. */
    private readonly x: number) {}

  /** `inputSize`: the size of what 'project' reads; H the decoder state. */
  static load(regions: Regions, w: WeightStore, part: BridgePart, inputSize: number, H: number, f: WeightFormat): Bridge {
    const load = (n: LinearName | null | undefined, what: string) => (n ? loadLinear(regions, w, n, H, inputSize, `(hidden ${H}, ${what} ${inputSize})`, f) : null);
    const p = part.kind === 'project' ? part : null;
    return new Bridge(part, load(p?.W, p?.from ?? ''), p?.cell === 'project' ? load(p.cellW, `${p.from} of c`) : null,
      regions, regions.floats(p?.from === 'mean' ? inputSize : 0));
  }

  /** s0, c0 (L, H) of one source (byte offsets; c0 0 for a GRU). */
  apply(s0: number, c0: number, L: number, H: number, enc: EncoderResult): void {
    const F = this.regions.rt.F32, p = this.part;
    const s = index(s0), c = index(c0);
    F.fill(0, s, s + L * H);
    if (c0) F.fill(0, c, c + L * H);
    if (p.kind === 'zeros') return;
    if (p.kind === 'final') {
      // 'layer': row l of (L, D n) is H = D n wide; 'pytorch': row l of (L D, n), n = H
      F.copyWithin(s, index(enc.finalH), index(enc.finalH) + L * H);
      if (c0 && enc.finalC && p.cell === 'final') F.copyWithin(c, index(enc.finalC), index(enc.finalC) + L * H);
      return;
    }
    const perLayer = p.layers === 'per-layer';
    for (let l = 0; l < (perLayer ? L : 1); l++) {
      const layer = perLayer ? l : p.layer ?? enc.layers - 1;
      this.project(s + l * H, this.W, this.source(index(enc.finalH), layer, enc), H, p.activation);
      if (c0 && p.cell === 'project') this.project(c + l * H, this.Wc, this.source(index(enc.finalC), layer, enc), H, p.activation);
    }
    if (p.layers === 'every') {
      for (let l = 1; l < L; l++) F.copyWithin(s + l * H, s, s + H);
      if (c0 && p.cell === 'project') for (let l = 1; l < L; l++) F.copyWithin(c + l * H, c, c + H);
    }
    if (c0 && p.cell === 'same') F.copyWithin(c, s, s + (p.layers === 'first' ? 1 : L) * H);
  }

  /** x of encoder layer `layer` (a float index) from its final states at `final` (h_n, or c_n). */
  private source(final: number, layer: number, enc: EncoderResult): number {
    const p = this.part as Extract<BridgePart, { kind: 'project' }>, F = this.regions.rt.F32;
    const top = final + layer * enc.finalSize, n = enc.finalSize / 2;
    if (p.from === 'summary') return index(enc.summary);
    if (p.from === 'final-concat' || p.from === 'forward-last') return top; // [→h_T; ←h_1] or →h_T, its first half
    if (p.from === 'backward-first') return top + n; // ←h_1, the backward direction's final state
    // mean_j h_j
    const x = index(this.x), d = enc.d, a = index(enc.annotations);
    F.fill(0, x, x + d);
    for (let j = 0; j < enc.Tx; j++) for (let i = 0; i < d; i++) F[x + i] += F[a + j * d + i];
    for (let i = 0; i < d; i++) F[x + i] /= enc.Tx;
    return x;
  }

  /** out (H,) = act(W x + b), or act(x) without W; out and x float indices. */
  private project(out: number, W: Linear | null, x: number, H: number, activation: Activation): void {
    const F = this.regions.rt.F32;
    if (W) W.apply(at(0, out), at(0, x));
    else F.copyWithin(out, x, x + H);
    activate(this.regions, at(0, out), H, activation);
  }
}
