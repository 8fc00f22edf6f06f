/**
 * Attention pooling: a weighted mean of annotations h_1..h_T (T, d) whose weights come from the
 * annotations alone, against one learned context vector u (no decoder state):
 *
 *   u_t = tanh(W h_t + b)                 Yang et al. 2016, word / sentence attention
 *   u_t = tanh(h_t)   (no W: M = tanh(H))  Zhou et al. 2016
 *   a_t = exp(e_t) / Σ_k exp(e_k),  e_t = u_t^T u, or tanh(u_t^T u) (scoreActivation 'tanh', as some HAN code)
 *   c   = Σ_t a_t h_t
 *
 * W h_t + b is one matrix product over all t; u_t^T u for all t is one dot_energies call.
 */
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';

export class AttentionPooling {
  private constructor(
    /** W (A, d) + b, or null when u_t = tanh(h_t) (A = d). */
    readonly W: Linear | null,
    /** u (A,), the context vector (u_w, u_s in Yang et al.; w in Zhou et al.). */
    readonly u: number,
    /** A: size of u_t. */
    readonly size: number,
    /** d: size of h_t. */
    readonly annotationSize: number,
    private readonly regions: Regions,
    /** e_t = u_t^T u ('none') or tanh(u_t^T u). */
    readonly scoreActivation: 'none' | 'tanh' = 'none',
  ) {}

  /**
   * `W`: the nn.Linear(d, A) module path, or null for u_t = tanh(h_t); `u`: an nn.Linear(A, 1,
   * bias=False) path, its weight (1, A) the context vector.
   */
  static load(regions: Regions, weights: WeightStore, names: { W: string | null; u: string }, d: number, A: number,
    format: WeightFormat, scoreActivation: 'none' | 'tanh' = 'none'): AttentionPooling {
    const W = names.W === null ? null : Linear.load(regions, weights, names.W, A, d, true, `(attention ${A}, annotation ${d})`, format);
    const u = regions.upload(weights.float32(`${names.u}.weight`, [1, A], `(1, attention ${A})`));
    return new AttentionPooling(W, u, A, d, regions, scoreActivation);
  }

  /**
   * c (d,) = Σ_t a_t h_t over Hs (T, d); writes a (T,) and uses U (T, A), e (T,) as scratch
   * (U holds u_t, e the scores u_t^T u afterwards).
   */
  pool(c: number, a: number, U: number, e: number, Hs: number, T: number): void {
    const k = this.regions.rt.k;
    const A = this.size;
    if (this.W) this.W.applyMany(U, Hs, T);
    else this.regions.rt.F32.copyWithin(U >> 2, Hs >> 2, (Hs >> 2) + T * A);
    k.tanh_inplace(U, T * A);
    k.dot_energies(e, U, this.u, 1, T, A);
    if (this.scoreActivation === 'tanh') k.tanh_inplace(e, T);
    k.softmax(a, e, T);
    k.context(c, a, Hs, T, this.annotationSize);
  }
}
