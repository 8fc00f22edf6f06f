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

/** Scratch for steps of up to `rows` states: gh (rows, 3H), rh (rows, H), z (rows, H). Owned by a decode state. */
export interface GruScratch { gh: number; rh: number; z: number }

export function gruScratch(regions: Regions, H: number, rows = 1): GruScratch {
  return { gh: regions.floats(rows * 3 * H), rh: regions.floats(rows * H), z: regions.floats(rows * H) };
}

export class GRU {
  private constructor(
    readonly W_ih: number, readonly W_hh: number, readonly b_ih: number, readonly b_hh: number,
    readonly inputSize: number, readonly H: number, readonly convention: GruConvention,
    private readonly regions: Regions,
  ) {}

  /** Loads `<name>.weight_ih<suffix>` etc. (suffix '_l0', '_l0_reverse'). */
  static load(regions: Regions, weights: WeightStore, name: string, suffix: string,
    inputSize: number, H: number, convention: GruConvention): GRU {
    const why = (what: string) => `(3*hidden ${3 * H}, ${what})`;
    return new GRU(
      regions.upload(weights.float32(`${name}.weight_ih${suffix}`, [3 * H, inputSize], why(`input ${inputSize}`))),
      regions.upload(weights.float32(`${name}.weight_hh${suffix}`, [3 * H, H], why(`hidden ${H}`))),
      regions.upload(weights.float32(`${name}.bias_ih${suffix}`, [3 * H], `(3*hidden ${3 * H})`)),
      regions.upload(weights.float32(`${name}.bias_hh${suffix}`, [3 * H], `(3*hidden ${3 * H})`)),
      inputSize, H, convention, regions,
    );
  }

  /** gi (T, 3H) = X (T, in) W_ih^T + b_ih, for T inputs at once (a whole sequence, or a step's rows). */
  inputProjections(gi: number, X: number, T: number): void {
    this.regions.rt.k.matmul(gi, X, this.W_ih, this.b_ih, T, 3 * this.H, this.inputSize);
  }

  /** h (n, H) = GRU(x, h_prev) for n states, given gi (n, 3H) = W_ih x + b_ih; h may alias h_prev. */
  step(h: number, gi: number, h_prev: number, s: GruScratch, n = 1): void {
    const k = this.regions.rt.k;
    const H = this.H;
    if (this.convention === 'reset_after') {
      k.matmul(s.gh, h_prev, this.W_hh, this.b_hh, n, 3 * H, H);
      k.gru_reset_after(h, gi, s.gh, h_prev, H, n);
    } else {
      // r, z need W_h{r,z} h (rows 0..2H); n needs W_hn (r ⊙ h) (rows 2H..3H) once r is known.
      const u = s.gh + n * 2 * H * 4;
      k.matmul(s.gh, h_prev, this.W_hh, this.b_hh, n, 2 * H, H);                   // (n, 2H)
      k.gru_reset_before_gates(s.rh, s.z, gi, s.gh, h_prev, H, n);
      k.matmul(u, s.rh, this.W_hh + 2 * H * H * 4, this.b_hh + 2 * H * 4, n, H, H); // (n, H)
      k.gru_reset_before_update(h, gi, u, s.z, h_prev, H, n);
    }
  }
}
