/**
 * Attention pooling, a part of the classifiers' compositions: a weighted mean of annotations
 * h_1..h_T (T, d) whose weights come from the annotations alone, against one learned context
 * vector u (no decoder state, so no query):
 *
 *   u_t = tanh(W h_t + b)                 Yang et al. 2016, word / sentence attention
 *   u_t = tanh(h_t)   (no W: M = tanh(H))  Zhou et al. 2016
 *   a_t = exp(e_t) / Σ_k exp(e_k),  e_t = u_t^T u, or tanh(u_t^T u) (score 'tanh', as some HAN code)
 *   c   = Σ_t a_t h_t
 *
 * W h_t + b is one matrix product over all t; u_t^T u for all t is one dot_energies call. The
 * tensors are named as the seq2seq parts' are (description.ts LinearName, VectorName).
 */
import type { Linear, WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { LinearName, VectorName } from './description.js';
import { index } from './floats.js';
import { loadLinear, readV } from './linear.js';

export interface PoolingPart {
  /** W (A, d) + b of u_t = tanh(W h_t + b), or null for u_t = tanh(h_t) (A = d). */
  W: LinearName | null;
  /** u (A,), the context vector (u_w, u_s in Yang et al.; w in Zhou et al.). */
  u: VectorName;
  /** A: the size of u_t. */
  size: number;
  /** e_t = u_t^T u ('none') or tanh(u_t^T u). */
  score: 'none' | 'tanh';
}

export class AttentionPooling {
  private constructor(
    readonly part: PoolingPart,
    private readonly W: Linear | null,
    /** u (A,) in Wasm memory. */
    private readonly u: number,
    /** d: size of h_t. */
    readonly annotationSize: number,
    private readonly regions: Regions,
  ) {}

  /** The part over annotations of size d. */
  static load(regions: Regions, w: WeightStore, part: PoolingPart, d: number, format: WeightFormat): AttentionPooling {
    const A = part.size;
    const W = part.W === null ? null : loadLinear(regions, w, part.W, A, d, `(attention ${A}, annotation ${d})`, format);
    return new AttentionPooling(part, W, regions.upload(readV(w, part.u, A).v), d, regions);
  }

  /**
   * c (d,) = Σ_t a_t h_t over Hs (T, d); writes a (T,) and uses U (T, A), e (T,) as scratch
   * (U holds u_t, e the scores u_t^T u afterwards).
   */
  pool(c: number, a: number, U: number, e: number, Hs: number, T: number): void {
    const k = this.regions.rt.k;
    const A = this.part.size;
    if (this.W) this.W.applyMany(U, Hs, T);
    else this.regions.rt.F32.copyWithin(index(U), index(Hs), index(Hs) + T * A);
    k.tanh_inplace(U, T * A);
    k.dot_energies(e, U, this.u, 1, T, A);
    if (this.part.score === 'tanh') k.tanh_inplace(e, T);
    k.softmax(a, e, T);
    k.context(c, a, Hs, T, this.annotationSize);
  }
}
