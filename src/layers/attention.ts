/**
 * Additive ("concat") attention (Bahdanau et al. 2015, eq. (6); the PyTorch tutorial's
 * BahdanauAttention):
 *
 *   e_ij = v^T tanh(W s_{i-1} + b_W + U h_j + b_U) + b_v      alignment model a(s_{i-1}, h_j)
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik)                           annotation weights
 *   c_i  = Σ_j a_ij h_j                                        context vector, eq. (5)
 *
 * U h_j + b_U does not depend on i, so `keys` computes it once per source (one matrix product).
 */
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { Linear } from './linear.js';

export class AdditiveAttention {
  constructor(
    readonly W: Linear, readonly U: Linear, readonly v: number, readonly vBias: number,
    readonly alignmentSize: number, readonly annotationSize: number, private readonly regions: Regions,
  ) {}

  /** names: { W, U, v } module paths; `bias` says which of them have a bias. */
  static load(regions: Regions, weights: WeightStore,
    names: { W: string; U: string; v: string }, bias: { W: boolean; U: boolean; v: boolean },
    querySize: number, annotationSize: number, alignmentSize: number): AdditiveAttention {
    const W = Linear.load(regions, weights, names.W, alignmentSize, querySize, bias.W, `(alignment ${alignmentSize}, query ${querySize})`);
    const U = Linear.load(regions, weights, names.U, alignmentSize, annotationSize, bias.U, `(alignment ${alignmentSize}, annotation ${annotationSize})`);
    const v = regions.upload(weights.float32(`${names.v}.weight`, [1, alignmentSize], `(1, alignment ${alignmentSize})`));
    const vBias = bias.v ? weights.float32(`${names.v}.bias`, [1])[0] : 0;
    return new AdditiveAttention(W, U, v, vBias, alignmentSize, annotationSize, regions);
  }

  /** Uh (Tx, A) = U h_j + b_U for every annotation h_j in Hs (Tx, d): once per source. */
  keys(Uh: number, Hs: number, Tx: number): void {
    this.U.applyMany(Uh, Hs, Tx);
  }

  /** e (Tx,) energies for the query s (e.g. s_{i-1}); Wq (A,) is scratch. */
  energies(e: number, Wq: number, s: number, Uh: number, Tx: number): void {
    this.W.apply(Wq, s);
    this.regions.rt.k.additive_energies(e, Uh, Wq, this.v, this.vBias, Tx, this.alignmentSize);
  }

  /** a (Tx,) = softmax(e). */
  weights(a: number, e: number, Tx: number): void {
    this.regions.rt.k.softmax(a, e, Tx);
  }

  /** c (d,) = Σ_j a_j h_j. */
  context(c: number, a: number, Hs: number, Tx: number): void {
    this.regions.rt.k.context(c, a, Hs, Tx, this.annotationSize);
  }
}
