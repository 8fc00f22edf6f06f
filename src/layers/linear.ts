/**
 * Affine maps y = W x + b with W (rows, cols) as PyTorch's nn.Linear stores it, in one of two
 * weight formats chosen at load:
 *   'float32': W as read, packed in 4-row interleaved blocks (assembly/matvec.ts *_packed): a block
 *              of 4 rows streams from memory sequentially; results equal the row-major products;
 *   'int8':    W ≈ diag(s) Q, per-row symmetric int8, s_r = max_c |W_rc| / 127, Q_rc = round(W_rc / s_r)
 *              over the whole row of the file tensor W came from (src/quantized.ts),
 *              in 4-row interleaved blocks (assembly/int8.ts); inputs are quantised per vector to
 *              14 bits by the kernels (exact integer sums). A quarter of the memory traffic of f32; b stays f32.
 */
import { paddedRows } from '../reference/kernels.js';
import { dense, int8Weights } from '../quantized.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';

/** How weight matrices are stored (LoadOptions.weights). Biases, embeddings and tables stay f32. */
export type WeightFormat = 'float32' | 'int8';

/** Widest matrix the int8 kernels take (their static input buffer); wider ones stay f32. */
const INT8_MAX_COLS = 65536;

/**
 * W (rows, cols) row-major in the packed f32 layout (reference packRowsF32, packedIndex): 16 columns
 * of a row at a time, copied as bits (Int32 views), the cols % 16 tail after the blocks' 16-column groups.
 */
export function packF32(W: Float32Array, rows: number, cols: number): Float32Array {
  const P = new Float32Array(paddedRows(rows) * cols);
  const w = new Int32Array(W.buffer, W.byteOffset, rows * cols), p = new Int32Array(P.buffer);
  const c16 = cols & ~15, t = cols - c16;
  for (let r = 0; r < rows; r++) {
    const src = r * cols, base = (r >> 2) * 4 * cols;
    for (let c = 0, to = base + (r & 3) * 16; c < c16; c += 16, to += 64) {
      for (let i = 0; i < 16; i++) p[to + i] = w[src + c + i];
    }
    for (let c = c16, to = base + 4 * c16 + (r & 3) * t; c < cols; c++, to++) p[to] = w[src + c];
  }
  return P;
}

export class Linear {
  /**
   * float32: W (rows rounded up to 4, cols) f32 in packed blocks, ws = 0. int8: W the int8 blocks,
   * ws (rows rounded up to 4,) f32 row scales. b (rows,) or 0 for none.
   */
  constructor(readonly W: number, readonly ws: number, readonly b: number, readonly rows: number, readonly cols: number,
    readonly format: WeightFormat, private readonly regions: Regions) {}

  /** Loads `<name>.weight` (rows, cols) and, if `bias`, `<name>.bias` (rows,). */
  static load(regions: Regions, weights: WeightStore, name: string, rows: number, cols: number, bias: boolean, why?: string,
    format: WeightFormat = 'float32'): Linear {
    return Linear.fromArrays(regions, weights.float32(`${name}.weight`, [rows, cols], why, true),
      bias ? weights.float32(`${name}.bias`, [rows], why) : null, rows, cols, format);
  }

  /** A Linear over W (rows, cols) and b (rows,) or null, copied (and quantised for 'int8') into Wasm memory. */
  static fromArrays(regions: Regions, W: Float32Array, b: Float32Array | null, rows: number, cols: number,
    format: WeightFormat = 'float32'): Linear {
    const bias = b ? regions.upload(b) : 0;
    if (format === 'int8' && cols <= INT8_MAX_COLS) {
      const { Wq, ws } = int8Weights(W, rows, cols); // the file tensor's rows when W is part of one (src/quantized.ts)
      const q = regions.bytes(Wq.length);
      regions.rt.U8.set(new Uint8Array(Wq.buffer, Wq.byteOffset, Wq.byteLength), q);
      return new Linear(q, regions.upload(ws), bias, rows, cols, 'int8', regions);
    }
    return new Linear(regions.upload(packF32(dense(W), rows, cols)), 0, bias, rows, cols, 'float32', regions);
  }

  /** out (rows,) = W x + b */
  apply(out: number, x: number): void {
    const k = this.regions.rt.k;
    if (this.format === 'int8') k.matvec_i8(out, this.W, this.ws, x, this.b, this.rows, this.cols);
    else k.matvec_packed(out, this.W, x, this.b, this.rows, this.cols);
  }

  /** out (n, rows) = X (n, cols) W^T + b: every weight read once for all n inputs. */
  applyMany(out: number, X: number, n: number): void {
    const k = this.regions.rt.k;
    if (this.format === 'int8') k.matmul_i8(out, X, this.W, this.ws, this.b, n, this.rows, this.cols);
    else k.matmul_packed(out, X, this.W, this.b, n, this.rows, this.cols);
  }

  /** out (n, rows) += X (n, cols) W^T: out holds a bias row per input (e.g. gathered table rows); b is not added. */
  addMany(out: number, X: number, n: number): void {
    const k = this.regions.rt.k;
    if (this.format === 'int8') k.matmul_i8_rowbias(out, X, this.W, this.ws, out, n, this.rows, this.cols);
    else k.matmul_packed_rowbias(out, X, this.W, out, n, this.rows, this.cols);
  }
}
