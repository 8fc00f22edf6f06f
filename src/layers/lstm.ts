/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000),
 * PyTorch nn.LSTM layout: weight_ih<sfx> (4H, in), weight_hh<sfx> (4H, H), bias_ih<sfx>,
 * bias_hh<sfx> (4H,), gate rows in the order i, f, g, o; <sfx> is `_l<k>` for layer k,
 * `_l<k>_reverse` for its backward direction.
 *
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
 *
 * As for the GRU (layers/gru.ts), the input projections W_i· x + b_i· of a whole sequence are one
 * matrix product (`inputProjections`), and `step` advances n independent states (rows) at once.
 */
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { EmbeddedInputProjection } from './input-projection.js';
import { Linear, type WeightFormat } from './linear.js';

/** Scratch for steps of up to `rows` states: gh (rows, 4H). Owned by a decode state. */
export interface LstmScratch { gh: number }

export function lstmScratch(regions: Regions, H: number, rows = 1): LstmScratch {
  return { gh: regions.floats(rows * 4 * H) };
}

export class LSTM {
  private constructor(
    /** W_ih x + b_ih, or null when the input projection lives elsewhere (EmbeddedInputProjection). */
    readonly input: Linear | null,
    /** W_hh h + b_hh (4H rows). */
    readonly recurrent: Linear,
    readonly inputSize: number, readonly H: number,
    private readonly regions: Regions,
  ) {}

  /** Loads `<name>.weight_ih<suffix>` etc.; `withInput = false` leaves out weight_ih / bias_ih. */
  static load(regions: Regions, weights: WeightStore, name: string, suffix: string,
    inputSize: number, H: number, withInput = true, format: WeightFormat = 'float32'): LSTM {
    const G = 4 * H;
    const input = withInput ? Linear.fromArrays(regions,
      weights.float32(`${name}.weight_ih${suffix}`, [G, inputSize], `(4*hidden ${G}, input ${inputSize})`, true),
      weights.float32(`${name}.bias_ih${suffix}`, [G], `(4*hidden ${G})`), G, inputSize, format) : null;
    const recurrent = Linear.fromArrays(regions,
      weights.float32(`${name}.weight_hh${suffix}`, [G, H], `(4*hidden ${G}, hidden ${H})`, true),
      weights.float32(`${name}.bias_hh${suffix}`, [G], `(4*hidden ${G})`), G, H, format);
    return new LSTM(input, recurrent, inputSize, H, regions);
  }

  /** gi (T, 4H) = X (T, in) W_ih^T + b_ih, for T inputs at once (a whole sequence, or a step's rows). */
  inputProjections(gi: number, X: number, T: number): void {
    this.input!.applyMany(gi, X, T);
  }

  /**
   * h, c (n, H) = LSTM(x, (h_prev, c_prev)) for n states, given gi (n, 4H) = W_ih x + b_ih.
   * c may alias c_prev; h may alias h_prev (W_hh h_prev is taken before either is written).
   */
  step(h: number, c: number, gi: number, h_prev: number, c_prev: number, s: LstmScratch, n = 1): void {
    this.recurrent.applyMany(s.gh, h_prev, n);
    this.regions.rt.k.lstm_cell(h, c, gi, s.gh, c_prev, this.H, n);
  }
}

/** Buffers of a StackedLSTMEncoder run, one source at a time. Owned by a decode state. */
export interface StackedEncoderScratch {
  Ex: number;         // (maxTx, E) E x_s (without the table T)
  giEnc: number[];    // per direction (maxTx, 4n) input projections of a layer
  layerOut: number[]; // 2 x (maxTx, d) outputs of the layers below the top (ping-pong)
  cEnc: number[];     // per direction (n,) c of the layer being run
  zeros: number;      // (n,) h_0
  encScratch: LstmScratch;
}

/**
 * L layers of (bi)LSTM over E x_1..E x_S, as nn.LSTM(E, n, num_layers=L, bidirectional=...):
 * `<name>.weight_ih_l<k>[_reverse]` etc., layer 0's input projection an EmbeddedInputProjection
 * (T[x_s]). Outputs the top layer's states (S, d), d = directions x n, and every layer's final
 * (h, c), the two directions side by side ([→h; ←h]) as OpenNMT-py's _fix_enc_hidden.
 */
export class StackedLSTMEncoder {
  private constructor(
    /** Layer 0 input projection per direction: W_ih E x_s + b_ih = T[x_s]. */
    private readonly input: EmbeddedInputProjection[],
    /** [layer][direction] */
    private readonly layers: LSTM[][],
    readonly n: number,
    private readonly regions: Regions,
  ) {}

  static load(regions: Regions, w: WeightStore, name: string, embeddingName: string, V: number, E: number, n: number, L: number,
    directions: number, f: WeightFormat, budget?: number): StackedLSTMEncoder {
    const suffix = (l: number, dir: number) => `_l${l}${dir ? '_reverse' : ''}`;
    const input: EmbeddedInputProjection[] = [];
    for (let dir = 0; dir < directions; dir++) {
      input.push(EmbeddedInputProjection.load(regions, w, name, embeddingName, V, E, 0, n, f, budget, suffix(0, dir), dir ? input[0].embeddingTable : 0, 4));
    }
    const layers: LSTM[][] = [];
    for (let l = 0; l < L; l++) {
      const layer: LSTM[] = [];
      for (let dir = 0; dir < directions; dir++) layer.push(LSTM.load(regions, w, name, suffix(l, dir), l ? directions * n : E, n, l > 0, f));
      layers.push(layer);
    }
    return new StackedLSTMEncoder(input, layers, n, regions);
  }

  /** Scratch for sources of up to maxTx ids. */
  scratch(r: Regions, maxTx: number, E: number): StackedEncoderScratch {
    const D = this.input.length, n = this.n, d = D * n;
    return {
      Ex: r.floats(maxTx * E),
      giEnc: Array.from({ length: D }, () => r.floats(maxTx * 4 * n)),
      layerOut: this.layers.length > 1 ? [r.floats(maxTx * d), r.floats(maxTx * d)] : [],
      cEnc: Array.from({ length: D }, () => r.floats(n)),
      zeros: r.floats(n),
      encScratch: lstmScratch(r, n),
    };
  }

  /** out (S, d): the top layer's states; h0, c0 (L, d): each layer's final h and c. */
  run(sc: StackedEncoderScratch, x: ArrayLike<number>, S: number, out: number, h0: number, c0: number): void {
    const F = this.regions.rt.F32;
    const n = this.n, D = this.input.length, d = D * n, L = this.layers.length;
    let below = 0; // (S, d) outputs of layer l - 1
    for (let l = 0; l < L; l++) {
      const to = l === L - 1 ? out : sc.layerOut[l % 2]; // (S, d); the top layer writes `out`
      const hl = h0 + l * d * 4, cl = c0 + l * d * 4;
      for (let dir = 0; dir < D; dir++) {
        const lstm = this.layers[l][dir], gi = sc.giEnc[dir], c = sc.cEnc[dir];
        if (l === 0) this.input[dir].project(gi, x, sc.Ex, S);
        else lstm.inputProjections(gi, below, S);
        const at = (s: number) => to + (s * d + dir * n) * 4; // this direction's half of row s
        F.fill(0, c >> 2, (c >> 2) + n);
        // →: s = 1..S from h_0 = c_0 = 0; ←: s = S..1
        const first = dir ? S - 1 : 0, last = dir ? 0 : S - 1, step = dir ? -1 : 1;
        for (let s = first; ; s += step) {
          lstm.step(at(s), c, gi + s * 4 * n * 4, s === first ? sc.zeros : at(s - step), c, sc.encScratch);
          if (s === last) break;
        }
        // layer l's final state: this direction's last h and c
        F.copyWithin((hl >> 2) + dir * n, at(last) >> 2, (at(last) >> 2) + n);
        F.copyWithin((cl >> 2) + dir * n, c >> 2, (c >> 2) + n);
      }
      below = to;
    }
  }
}
