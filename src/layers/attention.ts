/**
 * Additive ("concat") attention (Bahdanau et al. 2015, eq. (6); the PyTorch tutorial's
 * BahdanauAttention):
 *
 *   e_ij = v^T tanh(W s_{i-1} + b_W + U h_j + b_U) + b_v      alignment model a(s_{i-1}, h_j)
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik)                           annotation weights
 *   c_i  = Σ_j a_ij h_j                                        context vector, eq. (5)
 *
 * U h_j + b_U does not depend on i, so `keys` computes it once per source (one matrix product);
 * the energies, weights and context of a step (and the relu / no-activation variants) are the
 * composed attention's (compose/attention.ts), which the captioner's f_att is too.
 */
import type { Linear } from './linear.js';

export class AdditiveAttention {
  constructor(
    readonly W: Linear, readonly U: Linear, readonly v: number, readonly vBias: number,
    readonly alignmentSize: number, readonly annotationSize: number,
  ) {}

  /** Uh (Tx, A) = U h_j + b_U for every annotation h_j in Hs (Tx, d): once per source. */
  keys(Uh: number, Hs: number, Tx: number): void {
    this.U.applyMany(Uh, Hs, Tx);
  }
}
