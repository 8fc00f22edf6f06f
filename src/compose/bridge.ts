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
 * Offsets below count floats; they become byte offsets at the Linear call only.
 */
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { BridgePart } from './description.js';
import { loadLinear } from './linear.js';

/** What the encoder of one source left, as Wasm byte offsets. */
export interface EncoderResult {
  annotations: number; d: number; Tx: number;
  /** (L, D n) each layer's final states; c for an LSTM, else 0. */
  finalH: number; finalC: number; finalSize: number; layers: number;
  /** c (summary size) or 0. */
  summary: number; summarySize: number;
}

export class Bridge {
  private constructor(private readonly part: BridgePart, private readonly W: Linear | null, private readonly regions: Regions,
    /** (inputSize,) mean_j h_j, or act(x) before it is copied. */
    private readonly x: number) {}

  /** `inputSize`: the size of what 'project' reads; H the decoder state. */
  static load(regions: Regions, w: WeightStore, part: BridgePart, inputSize: number, H: number, f: WeightFormat): Bridge {
    const W = part.kind === 'project' && part.W ? loadLinear(regions, w, part.W, H, inputSize, `(hidden ${H}, ${part.from} ${inputSize})`, f) : null;
    return new Bridge(part, W, regions, regions.floats(part.kind === 'project' && part.from === 'mean' ? inputSize : 0));
  }

  /** s0, c0 (L, H) of one source (byte offsets; c0 0 for a GRU). */
  apply(s0: number, c0: number, L: number, H: number, enc: EncoderResult): void {
    const F = this.regions.rt.F32, p = this.part;
    const s = s0 >> 2, c = c0 >> 2;
    F.fill(0, s, s + L * H);
    if (c0) F.fill(0, c, c + L * H);
    if (p.kind === 'zeros') return;
    if (p.kind === 'final') {
      // 'layer': row l of (L, D n) is H = D n wide; 'pytorch': row l of (L D, n), n = H
      F.copyWithin(s, enc.finalH >> 2, (enc.finalH >> 2) + L * H);
      if (c0 && enc.finalC && p.cell === 'final') F.copyWithin(c, enc.finalC >> 2, (enc.finalC >> 2) + L * H);
      return;
    }
    // x, in floats
    const layer = p.layer ?? enc.layers - 1, n = enc.finalSize / 2;
    const top = (enc.finalH >> 2) + layer * enc.finalSize;
    let x: number;
    if (p.from === 'summary') x = enc.summary >> 2;
    else if (p.from === 'final-concat' || p.from === 'forward-last') x = top; // [→h_T; ←h_1] or →h_T, its first half
    else if (p.from === 'backward-first') x = top + n; // ←h_1, the backward direction's final state
    else {
      // mean_j h_j
      x = this.x >> 2;
      const d = enc.d, a = enc.annotations >> 2;
      F.fill(0, x, x + d);
      for (let j = 0; j < enc.Tx; j++) for (let i = 0; i < d; i++) F[x + i] += F[a + j * d + i];
      for (let i = 0; i < d; i++) F[x + i] /= enc.Tx;
    }
    if (this.W) this.W.apply(s0, x * 4);
    else F.copyWithin(s, x, x + H);
    const k = this.regions.rt.k;
    if (p.activation === 'tanh') k.tanh_inplace(s0, H);
    else if (p.activation === 'relu') for (let i = s; i < s + H; i++) if (F[i] < 0) F[i] = 0;
    if (p.layers === 'every') for (let l = 1; l < L; l++) F.copyWithin(s + l * H, s, s + H);
    if (c0 && p.cell === 'same') F.copyWithin(c, s, s + (p.layers === 'every' ? L : 1) * H);
  }
}
