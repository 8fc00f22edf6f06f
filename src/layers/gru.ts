/**
 * Gated recurrent unit (Cho et al. 2014), PyTorch layout: weight_ih (3H, in), weight_hh (3H, H),
 * bias_ih, bias_hh (3H,), gate rows in the order r, z, n.
 *
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   reset_after  (PyTorch nn.GRU, Keras default): n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   reset_before (Cho et al. 2014 eq. (8), Bahdanau et al. 2015 A.2.2): n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * The input projections W_i· x + b_i· do not depend on h, so a layer computes them for a whole
 * sequence in one matrix product (`inputProjections`) and the recurrence (`step`) only does W_h· h.
 * `step` advances n independent states at once (rows of beams or batch items).
 */
import type { GruConvention } from '../config.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { Linear, type WeightFormat } from './linear.js';

/** Scratch for steps of up to `rows` states: gh (rows, 3H), rh (rows, H), z (rows, H). Owned by a decode state. */
export interface GruScratch { gh: number; rh: number; z: number }

export function gruScratch(regions: Regions, H: number, rows = 1): GruScratch {
  return { gh: regions.floats(rows * 3 * H), rh: regions.floats(rows * H), z: regions.floats(rows * H) };
}

export class GRU {
  private constructor(
    /** W_ih x + b_ih, or null when the input projection lives elsewhere (EmbeddedInputProjection). */
    readonly input: Linear | null,
    /** reset_after: all of W_hh h + b_hh (3H rows); reset_before: the r, z rows (2H). */
    readonly recurrent: Linear,
    /** reset_before only: W_hn (r ⊙ h) + b_hn (H rows). */
    readonly recurrentN: Linear | null,
    readonly inputSize: number, readonly H: number, readonly convention: GruConvention,
    private readonly regions: Regions,
  ) {}

  /**
   * Loads `<name>.weight_ih<suffix>` etc. (suffix '_l0', '_l0_reverse'). `withInput = false` leaves
   * out weight_ih / bias_ih (a decoder GRU whose input projection is an EmbeddedInputProjection).
   */
  static load(regions: Regions, weights: WeightStore, name: string, suffix: string,
    inputSize: number, H: number, convention: GruConvention, withInput = true, format: WeightFormat = 'float32'): GRU {
    const why = (what: string) => `(3*hidden ${3 * H}, ${what})`;
    const input = withInput ? Linear.fromArrays(regions,
      weights.float32(`${name}.weight_ih${suffix}`, [3 * H, inputSize], why(`input ${inputSize}`), true),
      weights.float32(`${name}.bias_ih${suffix}`, [3 * H], `(3*hidden ${3 * H})`), 3 * H, inputSize, format) : null;
    const W_hh = weights.float32(`${name}.weight_hh${suffix}`, [3 * H, H], why(`hidden ${H}`), true); // only for Linears
    const b_hh = weights.float32(`${name}.bias_hh${suffix}`, [3 * H], `(3*hidden ${3 * H})`);
    if (convention === 'reset_after') {
      return new GRU(input, Linear.fromArrays(regions, W_hh, b_hh, 3 * H, H, format), null, inputSize, H, convention, regions);
    }
    // reset_before: W_hn multiplies r ⊙ h, known only after the gates, so it is a product of its own
    return new GRU(input,
      Linear.fromArrays(regions, W_hh.subarray(0, 2 * H * H), b_hh.subarray(0, 2 * H), 2 * H, H, format),
      Linear.fromArrays(regions, W_hh.subarray(2 * H * H), b_hh.subarray(2 * H), H, H, format),
      inputSize, H, convention, regions);
  }

  /** gi (T, 3H) = X (T, in) W_ih^T + b_ih, for T inputs at once (a whole sequence, or a step's rows). */
  inputProjections(gi: number, X: number, T: number): void {
    this.input!.applyMany(gi, X, T);
  }

  /** h (n, H) = GRU(x, h_prev) for n states, given gi (n, 3H) = W_ih x + b_ih; h may alias h_prev. */
  step(h: number, gi: number, h_prev: number, s: GruScratch, n = 1): void {
    const k = this.regions.rt.k;
    const H = this.H;
    if (this.convention === 'reset_after') {
      this.recurrent.applyMany(s.gh, h_prev, n);
      k.gru_reset_after(h, gi, s.gh, h_prev, H, n);
    } else {
      // r, z need W_h{r,z} h (rows 0..2H); n needs W_hn (r ⊙ h) (rows 2H..3H) once r is known.
      const u = s.gh + n * 2 * H * 4;
      this.recurrent.applyMany(s.gh, h_prev, n);        // (n, 2H)
      k.gru_reset_before_gates(s.rh, s.z, gi, s.gh, h_prev, H, n);
      this.recurrentN!.applyMany(u, s.rh, n);            // (n, H)
      k.gru_reset_before_update(h, gi, u, s.z, h_prev, H, n);
    }
  }
}
