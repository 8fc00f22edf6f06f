/** Affine maps y = W x + b with W (rows, cols) as PyTorch's nn.Linear stores it. */
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';

export class Linear {
  /** W (rows, cols) row-major; b (rows,) or 0 for none. */
  constructor(readonly W: number, readonly b: number, readonly rows: number, readonly cols: number, private readonly regions: Regions) {}

  /** Loads `<name>.weight` (rows, cols) and, if `bias`, `<name>.bias` (rows,). */
  static load(regions: Regions, weights: WeightStore, name: string, rows: number, cols: number, bias: boolean, why?: string): Linear {
    return Linear.fromArrays(regions, weights.float32(`${name}.weight`, [rows, cols], why),
      bias ? weights.float32(`${name}.bias`, [rows], why) : null, rows, cols);
  }

  /** A Linear over W (rows, cols) and b (rows,) or null, copied into Wasm memory. */
  static fromArrays(regions: Regions, W: Float32Array, b: Float32Array | null, rows: number, cols: number): Linear {
    return new Linear(regions.upload(W), b ? regions.upload(b) : 0, rows, cols, regions);
  }

  /** out (rows,) = W x + b */
  apply(out: number, x: number): void {
    this.regions.rt.k.matvec(out, this.W, x, this.b, this.rows, this.cols);
  }

  /** out (n, rows) = X (n, cols) W^T + b: every weight read once for all n inputs. */
  applyMany(out: number, X: number, n: number): void {
    if (n === 1) this.regions.rt.k.matvec(out, this.W, X, this.b, this.rows, this.cols);
    else this.regions.rt.k.matmul(out, X, this.W, this.b, n, this.rows, this.cols);
  }

  /** out (n, rows) += X (n, cols) W^T: out holds a bias row per input (e.g. gathered table rows); b is not added. */
  addMany(out: number, X: number, n: number): void {
    this.regions.rt.k.matmul_rowbias(out, X, this.W, out, n, this.rows, this.cols);
  }
}

/** Embedding lookup E[id] -> out, as nn.Embedding. */
export class Embedding {
  constructor(readonly table: number, readonly vocabSize: number, readonly dim: number, private readonly regions: Regions) {}

  static load(regions: Regions, weights: WeightStore, name: string, vocabSize: number, dim: number): Embedding {
    return new Embedding(regions.upload(weights.float32(`${name}.weight`, [vocabSize, dim], '(vocabulary size, embedding size)')), vocabSize, dim, regions);
  }

  /** out (dim,) = E[id]; ids are checked by the caller (model input validation). */
  lookup(out: number, id: number): void {
    const F = this.regions.rt.F32;
    const src = (this.table >> 2) + id * this.dim;
    F.copyWithin(out >> 2, src, src + this.dim);
  }

  /** out (T, dim): rows E[ids[t]]. */
  lookupMany(out: number, ids: ArrayLike<number>, T: number): void {
    for (let t = 0; t < T; t++) this.lookup(out + t * this.dim * 4, ids[t]);
  }
}
