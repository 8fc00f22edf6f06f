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
