/**
 * The decoder's first state s_0 (per layer, and c_0 for an LSTM) from what the encoder left:
 *   final                 decoder layer l: encoder layer l's final [→h; ←h] (OpenNMT-py's _fix_enc_hidden), c too
 *   final-pytorch-order   decoder layer l: row l of h_n (L * D, n), forward and backward rows interleaved (the chatbot)
 *   tanh-linear           s_0 = tanh(W x + b), x = ←h_1 (Bahdanau et al. 2015, A.2.2) | [→h_T; ←h_1] (bentrevett 3)
 *                         | c (Cho et al. 2014, A.1.2); a single-layer decoder, c_0 = 0
 *   summary               s_0 = c (bentrevett 2)
 */
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { BridgePart } from './description.js';
import { loadLinear } from './linear.js';

/** What the encoder of one source left, as Wasm offsets. */
export interface EncoderResult {
  annotations: number; d: number; Tx: number;
  /** (L, D n) each layer's final states; c for an LSTM, else 0. */
  finalH: number; finalC: number; finalSize: number; layers: number;
  /** c (summary size) or 0. */
  summary: number; summarySize: number;
}

export class Bridge {
  private constructor(private readonly part: BridgePart, private readonly W: Linear | null, private readonly regions: Regions) {}

  /** `inputSize`: the size of what tanh-linear reads; H the decoder state. */
  static load(regions: Regions, w: WeightStore, part: BridgePart, inputSize: number, H: number, f: WeightFormat): Bridge {
    return new Bridge(part, part.kind === 'tanh-linear' ? loadLinear(regions, w, part.W, H, inputSize, `(hidden ${H}, ${part.from} ${inputSize})`, f) : null, regions);
  }

  /** s0, c0 (L, H) of one source. */
  apply(s0: number, c0: number, L: number, H: number, enc: EncoderResult): void {
    const F = this.regions.rt.F32, p = this.part;
    F.fill(0, s0 >> 2, (s0 >> 2) + L * H);
    if (c0) F.fill(0, c0 >> 2, (c0 >> 2) + L * H);
    switch (p.kind) {
      case 'final':
      case 'final-pytorch-order': {
        // 'final': row l of (L, D n) is H = D n wide; 'final-pytorch-order': row l of (L D, n), n = H
        F.copyWithin(s0 >> 2, enc.finalH >> 2, (enc.finalH >> 2) + L * H);
        if (c0 && enc.finalC) F.copyWithin(c0 >> 2, enc.finalC >> 2, (enc.finalC >> 2) + L * H);
        return;
      }
      case 'summary':
        F.copyWithin(s0 >> 2, enc.summary >> 2, (enc.summary >> 2) + H);
        return;
      case 'tanh-linear': {
        let x: number;
        if (p.from === 'summary') x = enc.summary;
        else if (p.from === 'final-concat') x = enc.finalH + enc.finalSize * (enc.layers - 1) * 4; // the top layer's [→h_T; ←h_1]
        else x = enc.annotations + (enc.d / 2) * 4; // backward-first: ←h_1, the second half of h_1
        this.W!.apply(s0, x);
        this.regions.rt.k.tanh_inplace(s0, H);
      }
    }
  }
}
