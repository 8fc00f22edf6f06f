/**
 * Additive ("concat") attention (Bahdanau et al. 2015, eq. (6); the PyTorch tutorial's
 * BahdanauAttention):
 *
 *   e_ij = v^T tanh(W s_{i-1} + b_W + U h_j + b_U) + b_v      alignment model a(s_{i-1}, h_j)
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik)                           annotation weights
 *   c_i  = Σ_j a_ij h_j                                        context vector, eq. (5)
 *
 * U h_j + b_U does not depend on i, so `keys` computes it once per source (one matrix product),
 * and `query` projects the states of all rows of a step in one product.
 */
import type { Regions } from '../memory.js';
import type { DecodeState } from '../models/net.js';
import type { WeightStore } from '../weights.js';
import { Linear, type WeightFormat } from './linear.js';

export class AdditiveAttention {
  constructor(
    readonly W: Linear, readonly U: Linear, readonly v: number, readonly vBias: number,
    readonly alignmentSize: number, readonly annotationSize: number, private readonly regions: Regions,
  ) {}

  /** names: { W, U, v } module paths; `bias` says which of them have a bias. */
  static load(regions: Regions, weights: WeightStore,
    names: { W: string; U: string; v: string }, bias: { W: boolean; U: boolean; v: boolean },
    querySize: number, annotationSize: number, alignmentSize: number, format: WeightFormat = 'float32'): AdditiveAttention {
    const W = Linear.load(regions, weights, names.W, alignmentSize, querySize, bias.W, `(alignment ${alignmentSize}, query ${querySize})`, format);
    const U = Linear.load(regions, weights, names.U, alignmentSize, annotationSize, bias.U, `(alignment ${alignmentSize}, annotation ${annotationSize})`, format);
    const v = regions.upload(weights.float32(`${names.v}.weight`, [1, alignmentSize], `(1, alignment ${alignmentSize})`));
    const vBias = bias.v ? weights.float32(`${names.v}.bias`, [1])[0] : 0;
    return new AdditiveAttention(W, U, v, vBias, alignmentSize, annotationSize, regions);
  }

  /** Uh (Tx, A) = U h_j + b_U for every annotation h_j in Hs (Tx, d): once per source. */
  keys(Uh: number, Hs: number, Tx: number): void {
    this.U.applyMany(Uh, Hs, Tx);
  }

  /**
   * For rows 0..rows-1 with queries S (rows, querySize) (the states s_{i-1}): Wq (rows, A) = W s + b_W,
   * then per row the energies e_i·, weights a_i· and context c_i over the row's own source slot.
   * `keysU` holds slot k's U h_j at keysU + k * maxTx * A floats. `activation` relu: e_ij = v^T relu(...)
   * (the sgrvinod captioner's attention) instead of the paper's tanh.
   */
  attend(st: DecodeState, S: number, Wq: number, keysU: number, rows: number, activation: 'tanh' | 'relu' = 'tanh'): void {
    const k = this.regions.rt.k;
    const A = this.alignmentSize, d = this.annotationSize, maxTx = st.maxTx;
    this.W.applyMany(Wq, S, rows);
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], Tx = st.Tx[slot];
      const e = st.energies + r * maxTx * 4, a = st.weights + r * maxTx * 4;
      (activation === 'relu' ? k.additive_energies_relu : k.additive_energies)(e, keysU + slot * maxTx * A * 4, Wq + r * A * 4, this.v, this.vBias, Tx, A);
      k.softmax(a, e, Tx);
      k.context(st.context + r * st.contextStride * 4, a, st.annotations + slot * maxTx * d * 4, Tx, d);
    }
  }
}
