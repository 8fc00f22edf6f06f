// Dense products with a row-major weight matrix W (rows, cols).
//   matvec:         out (rows,)   = W @ x + b
//   matmul:         out (n, rows) = X (n, cols) @ W^T + b
//   matmul_rowbias: out (n, rows) = X (n, cols) @ W^T + B (n, rows), a bias row per input (B may be out)
// Blocks of 4 weight rows: each x chunk is loaded once for the 4 rows and the 4 dot products are
// reduced together into one vector (hsum4) that adds the bias and stores 4 outputs at once.
// matmul also pairs inputs (4 rows x 2 inputs), so each W chunk is loaded once for both.
// Loads of W rows are unaligned when cols % 4 != 0 (v128.load takes any alignment).
// The *_packed kernels take W in 4-row interleaved blocks (the layout of src/layers/linear.ts,
// described above matvec_packed): a block of 4 rows is one sequential stream instead of 4 streams
// a row apart, which reads out-of-cache matrices ~1.5x faster; the arithmetic is the same.
// Products accumulate through simd.ts madd: mul then add in the baseline build, one fused
// multiply-add in the relaxed-SIMD build (asconfig target "relaxed", chosen at run time by src/wasm.ts).
import { hsum, hsum4, load4, madd, store4 } from "./simd";

// @ts-ignore: decorator
@inline function biasOr0(b: usize, r: usize): f32 {
  return b ? load<f32>(b + (r << 2)) : 0;
}

// @ts-ignore: decorator
@inline function bias4(b: usize, r: usize): v128 {
  return b ? v128.load(b + (r << 2)) : f32x4.splat(0);
}

/**
 * The end of a 4-row dot product: accumulators a0..a3 so far, row r's columns at w_r + o (o the
 * byte offset of the column) from o to bytes, 4 columns a step and then a scalar cols % 4 tail;
 * returns the 4 sums as one vector. Shared by dot4rows (rows `stride` apart) and dot4packed (the
 * trailing columns of a packed block), so both reduce in the same order.
 */
// @ts-ignore: decorator
@inline function dot4finish(a0: v128, a1: v128, a2: v128, a3: v128, w0: usize, w1: usize, w2: usize, w3: usize,
  x: usize, o: usize, bytes: usize): v128 {
  for (; o + 16 <= bytes; o += 16) {
    const xa = v128.load(x + o);
    a0 = madd(v128.load(w0 + o), xa, a0);
    a1 = madd(v128.load(w1 + o), xa, a1);
    a2 = madd(v128.load(w2 + o), xa, a2);
    a3 = madd(v128.load(w3 + o), xa, a3);
  }
  let s = hsum4(a0, a1, a2, a3);
  if (o < bytes) {
    let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
    for (; o < bytes; o += 4) {
      const xv = load<f32>(x + o);
      t0 += load<f32>(w0 + o) * xv;
      t1 += load<f32>(w1 + o) * xv;
      t2 += load<f32>(w2 + o) * xv;
      t3 += load<f32>(w3 + o) * xv;
    }
    let t = f32x4.splat(t0);
    t = f32x4.replace_lane(t, 1, t1);
    t = f32x4.replace_lane(t, 2, t2);
    t = f32x4.replace_lane(t, 3, t3);
    s = f32x4.add(s, t);
  }
  return s;
}

/** 4 dot products W[r..r+4) . x as one vector; w0 is the first row, rows are `stride` bytes apart. */
// @ts-ignore: decorator
@inline export function dot4rows(w0: usize, x: usize, stride: usize, cols: usize): v128 {
  const w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const bytes = cols << 2;
  const end16 = bytes & ~63;
  let o: usize = 0;
  // 16 cols a step: the 4 products of a row are summed as a tree (pairs through madd) before the one
  // add into its accumulator, so each accumulator's chain is 1 add per step and 4 row pointers serve 16 loads
  for (; o < end16; o += 64) {
    const x0 = v128.load(x + o), x1 = v128.load(x + o, 16), x2 = v128.load(x + o, 32), x3 = v128.load(x + o, 48);
    a0 = f32x4.add(a0, f32x4.add(
      madd(v128.load(w0 + o, 16), x1, f32x4.mul(v128.load(w0 + o), x0)),
      madd(v128.load(w0 + o, 48), x3, f32x4.mul(v128.load(w0 + o, 32), x2))));
    a1 = f32x4.add(a1, f32x4.add(
      madd(v128.load(w1 + o, 16), x1, f32x4.mul(v128.load(w1 + o), x0)),
      madd(v128.load(w1 + o, 48), x3, f32x4.mul(v128.load(w1 + o, 32), x2))));
    a2 = f32x4.add(a2, f32x4.add(
      madd(v128.load(w2 + o, 16), x1, f32x4.mul(v128.load(w2 + o), x0)),
      madd(v128.load(w2 + o, 48), x3, f32x4.mul(v128.load(w2 + o, 32), x2))));
    a3 = f32x4.add(a3, f32x4.add(
      madd(v128.load(w3 + o, 16), x1, f32x4.mul(v128.load(w3 + o), x0)),
      madd(v128.load(w3 + o, 48), x3, f32x4.mul(v128.load(w3 + o, 32), x2))));
  }
  return dot4finish(a0, a1, a2, a3, w0, w1, w2, w3, x, o, bytes);
}

/** One dot product w . x over cols (rows % 4 tail). */
// @ts-ignore: decorator
@inline export function dot1row(w: usize, x: usize, cols: usize): f32 {
  let a = f32x4.splat(0), b = f32x4.splat(0);
  const bytes = cols << 2;
  const end8 = bytes & ~31;
  let o: usize = 0;
  for (; o < end8; o += 32) {
    a = madd(v128.load(w + o), v128.load(x + o), a);
    b = madd(v128.load(w + o, 16), v128.load(x + o, 16), b);
  }
  if (o + 16 <= bytes) {
    a = madd(v128.load(w + o), v128.load(x + o), a);
    o += 16;
  }
  let s = hsum(f32x4.add(a, b));
  for (; o < bytes; o += 4) s += load<f32>(w + o) * load<f32>(x + o);
  return s;
}

/**
 * out (rows,) = W (rows, cols) @ x (cols,) + b (rows,). `b = 0` means no bias.
 * out must not overlap W, x or b.
 */
export function matvec(out: usize, W: usize, x: usize, b: usize, rows: i32, cols: i32): void {
  if (rows <= 0) return;
  if (cols <= 0) {
    for (let r = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), biasOr0(b, <usize>r));
    return;
  }
  const stride = <usize>cols << 2;
  const R = <usize>rows;
  let r: usize = 0;
  for (; r + 4 <= R; r += 4) {
    const s = dot4rows(W + r * stride, x, stride, <usize>cols);
    v128.store(out + (r << 2), f32x4.add(s, bias4(b, r)));
  }
  for (; r < R; r++) {
    store<f32>(out + (r << 2), dot1row(W + r * stride, x, <usize>cols) + biasOr0(b, r));
  }
}

/**
 * The end of a 4-row x 2-input product (dot4x2's loop): accumulators a (x0) and b (x1) so far, row
 * r's columns at w_r + o from o to bytes, 4 columns a step, then the cols % 4 scalars; adds bv0 / bv1
 * and stores `lanes` outputs at out0 / out1. Shared by dot4x2 (from column 0) and dot4x2packed
 * (its trailing columns).
 */
// @ts-ignore: decorator
@inline function dot4x2finish(out0: usize, out1: usize, a0: v128, a1: v128, a2: v128, a3: v128,
  b0: v128, b1: v128, b2: v128, b3: v128, w0: usize, w1: usize, w2: usize, w3: usize,
  x0: usize, x1: usize, o: usize, bytes: usize, bv0: v128, bv1: v128, lanes: usize): void {
  const end4 = bytes & ~15;
  for (; o < end4; o += 16) {
    const u = v128.load(x0 + o), v = v128.load(x1 + o);
    let w = v128.load(w0 + o);
    a0 = madd(w, u, a0); b0 = madd(w, v, b0);
    w = v128.load(w1 + o);
    a1 = madd(w, u, a1); b1 = madd(w, v, b1);
    w = v128.load(w2 + o);
    a2 = madd(w, u, a2); b2 = madd(w, v, b2);
    w = v128.load(w3 + o);
    a3 = madd(w, u, a3); b3 = madd(w, v, b3);
  }
  let s = hsum4(a0, a1, a2, a3), t = hsum4(b0, b1, b2, b3);
  if (o < bytes) {
    let p0: f32 = 0, p1: f32 = 0, p2: f32 = 0, p3: f32 = 0, q0: f32 = 0, q1: f32 = 0, q2: f32 = 0, q3: f32 = 0;
    for (; o < bytes; o += 4) {
      const u = load<f32>(x0 + o), v = load<f32>(x1 + o);
      const c0 = load<f32>(w0 + o), c1 = load<f32>(w1 + o), c2 = load<f32>(w2 + o), c3 = load<f32>(w3 + o);
      p0 += c0 * u; p1 += c1 * u; p2 += c2 * u; p3 += c3 * u;
      q0 += c0 * v; q1 += c1 * v; q2 += c2 * v; q3 += c3 * v;
    }
    s = f32x4.add(s, f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(p0), 1, p1), 2, p2), 3, p3));
    t = f32x4.add(t, f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(q0), 1, q1), 2, q2), 3, q3));
  }
  store4(out0, f32x4.add(s, bv0), lanes);
  store4(out1, f32x4.add(t, bv1), lanes);
}

/**
 * 4 weight rows x 2 inputs: out0[0..4) = W[r..r+4) . x0 + bv, out1[0..4) = W[r..r+4) . x1 + bv.
 * Each W chunk is loaded once for both inputs: 6 loads per 8 vector multiply-adds instead of 10,
 * which moves the bound from loads to the add/mul ports.
 */
// @ts-ignore: decorator
@inline function dot4x2(out0: usize, out1: usize, w0: usize, x0: usize, x1: usize, stride: usize, cols: usize, bv0: v128, bv1: v128): void {
  const w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
  const z = f32x4.splat(0);
  dot4x2finish(out0, out1, z, z, z, z, z, z, z, z, w0, w1, w2, w3, x0, x1, 0, cols << 2, bv0, bv1, 4);
}

/**
 * out (n, rows) = X (n, cols) @ W^T + bias. The bias is b (rows,) for every input (`b = 0`: none) or,
 * when B != 0, row i of B (n, rows) for input i (B may alias out: each element is read before it is
 * written). Each block of 4 weight rows (16 cols bytes, L1-resident) is applied to all n inputs, two
 * at a time, before the next block, so W is read from memory once per call.
 */
// @ts-ignore: decorator
@inline function matmulImpl(out: usize, X: usize, W: usize, b: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  if (rows <= 0 || n <= 0) return;
  const N = <usize>n, R = <usize>rows;
  const ostride = R << 2;
  if (cols <= 0) {
    for (let i: usize = 0; i < N; i++)
      for (let r: usize = 0; r < R; r++)
        store<f32>(out + i * ostride + (r << 2), B ? load<f32>(B + i * ostride + (r << 2)) : biasOr0(b, r));
    return;
  }
  const C = <usize>cols;
  const stride = C << 2;
  let r: usize = 0;
  for (; r + 4 <= R; r += 4) {
    const w = W + r * stride;
    const bv = bias4(b, r);
    let i: usize = 0;
    for (; i + 2 <= N; i += 2) {
      const o0 = out + i * ostride + (r << 2);
      const b0 = B ? v128.load(B + i * ostride + (r << 2)) : bv;
      const b1 = B ? v128.load(B + (i + 1) * ostride + (r << 2)) : bv;
      dot4x2(o0, o0 + ostride, w, X + i * stride, X + (i + 1) * stride, stride, C, b0, b1);
    }
    if (i < N) {
      const o = out + i * ostride + (r << 2);
      v128.store(o, f32x4.add(dot4rows(w, X + i * stride, stride, C), B ? v128.load(B + i * ostride + (r << 2)) : bv));
    }
  }
  for (; r < R; r++) {
    const w = W + r * stride;
    const bs = biasOr0(b, r);
    for (let i: usize = 0; i < N; i++) {
      const o = out + i * ostride + (r << 2);
      store<f32>(o, dot1row(w, X + i * stride, C) + (B ? load<f32>(B + i * ostride + (r << 2)) : bs));
    }
  }
}

/**
 * out (n, rows) = X (n, cols) @ W^T + b (rows,), with W (rows, cols) row-major; `b = 0` means no
 * bias. Each block of 4 weight rows (16 cols bytes, L1-resident) is applied to all n inputs, two
 * at a time, before the next block, so W is read from memory once per call. The summation order
 * differs from matvec's (results agree to rounding, not bitwise). out must not overlap X, W or b.
 */
export function matmul(out: usize, X: usize, W: usize, b: usize, n: i32, rows: i32, cols: i32): void {
  matmulImpl(out, X, W, b, 0, n, rows, cols);
}

/**
 * out (n, rows) = X (n, cols) @ W^T + B (n, rows): matmul with a bias row per input, e.g. rows of a
 * precomputed table T[y_i] gathered into out beforehand (B = out). n = 1 sums as matvec does.
 * out must not overlap X or W; B may alias out exactly.
 */
export function matmul_rowbias(out: usize, X: usize, W: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  matmulImpl(out, X, W, 0, B, n, rows, cols);
}

// ---------------------------------------------------------------- packed (4-row interleaved) W
// Rows are padded with zero rows to a multiple of 4. Block k (rows 4k..4k+3) takes 4 * cols floats:
// first, for each 16 columns c..c+15 of the C16 = cols & ~15 leading ones, 64 floats: the 16 of row
// 4k, then of 4k+1, 4k+2, 4k+3; then the T = cols - C16 trailing columns: T of row 4k, T of 4k+1, ...
// The kernels do the same operations in the same order as dot4rows / dot4x2, so a whole block gives
// bitwise the row-major result; the last, partial block of rows % 4 != 0 differs from matvec's
// dot1row tail by rounding only. Padding rows are computed but never stored.

/** dot4rows over a packed block w (4 rows, cols). */
// @ts-ignore: decorator
@inline function dot4packed(w: usize, x: usize, cols: usize): v128 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const bytes = cols << 2;
  const end16 = bytes & ~63;
  let o: usize = 0;
  for (; o < end16; o += 64, w += 256) {
    const x0 = v128.load(x + o), x1 = v128.load(x + o, 16), x2 = v128.load(x + o, 32), x3 = v128.load(x + o, 48);
    a0 = f32x4.add(a0, f32x4.add(
      madd(v128.load(w, 16), x1, f32x4.mul(v128.load(w), x0)),
      madd(v128.load(w, 48), x3, f32x4.mul(v128.load(w, 32), x2))));
    a1 = f32x4.add(a1, f32x4.add(
      madd(v128.load(w, 80), x1, f32x4.mul(v128.load(w, 64), x0)),
      madd(v128.load(w, 112), x3, f32x4.mul(v128.load(w, 96), x2))));
    a2 = f32x4.add(a2, f32x4.add(
      madd(v128.load(w, 144), x1, f32x4.mul(v128.load(w, 128), x0)),
      madd(v128.load(w, 176), x3, f32x4.mul(v128.load(w, 160), x2))));
    a3 = f32x4.add(a3, f32x4.add(
      madd(v128.load(w, 208), x1, f32x4.mul(v128.load(w, 192), x0)),
      madd(v128.load(w, 240), x3, f32x4.mul(v128.load(w, 224), x2))));
  }
  // trailing T columns: row r's at w + r * tb, read from column index end16 on
  const tb = bytes - end16;
  const w0 = w - end16, w1 = w0 + tb, w2 = w1 + tb, w3 = w2 + tb;
  return dot4finish(a0, a1, a2, a3, w0, w1, w2, w3, x, o, bytes);
}

/** dot4x2 over a packed block w: 4 rows x 2 inputs, stores `lanes` outputs of each. */
// @ts-ignore: decorator
@inline function dot4x2packed(out0: usize, out1: usize, w: usize, x0: usize, x1: usize, cols: usize, bv0: v128, bv1: v128, lanes: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0); // x0
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0); // x1
  const bytes = cols << 2;
  const end16 = bytes & ~63;
  let o: usize = 0;
  for (; o < end16; w += 256) {
    // the 4 column groups of a 16-column chunk, in dot4x2's order
    for (let g: usize = 0; g < 64; g += 16, o += 16) {
      const u = v128.load(x0 + o), v = v128.load(x1 + o);
      let c = v128.load(w + g);
      a0 = madd(c, u, a0); b0 = madd(c, v, b0);
      c = v128.load(w + g, 64);
      a1 = madd(c, u, a1); b1 = madd(c, v, b1);
      c = v128.load(w + g, 128);
      a2 = madd(c, u, a2); b2 = madd(c, v, b2);
      c = v128.load(w + g, 192);
      a3 = madd(c, u, a3); b3 = madd(c, v, b3);
    }
  }
  const tb = bytes - end16;
  const w0 = w - end16, w1 = w0 + tb, w2 = w1 + tb, w3 = w2 + tb;
  dot4x2finish(out0, out1, a0, a1, a2, a3, b0, b1, b2, b3, w0, w1, w2, w3, x0, x1, o, bytes, bv0, bv1, lanes);
}

/** The packed form of matmulImpl: bias b (rows,) or, when B != 0, a row of B (n, rows) per input (B may be out). */
// @ts-ignore: decorator
@inline function matmulPackedImpl(out: usize, X: usize, W: usize, b: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  if (rows <= 0 || n <= 0) return;
  const N = <usize>n, R = <usize>rows, C = <usize>max<i32>(cols, 0);
  const ostride = R << 2, xstride = C << 2;
  const block = C << 4; // bytes of 4 rows
  for (let r: usize = 0; r < R; r += 4) {
    const lanes = min<usize>(4, R - r);
    const w = W + (r >> 2) * block;
    const bv = b ? load4(b + (r << 2), lanes) : f32x4.splat(0);
    let i: usize = 0;
    for (; i + 2 <= N; i += 2) {
      const o0 = out + i * ostride + (r << 2);
      const b0 = B ? load4(B + i * ostride + (r << 2), lanes) : bv;
      const b1 = B ? load4(B + (i + 1) * ostride + (r << 2), lanes) : bv;
      dot4x2packed(o0, o0 + ostride, w, X + i * xstride, X + (i + 1) * xstride, C, b0, b1, lanes);
    }
    if (i < N) {
      const o = out + i * ostride + (r << 2);
      store4(o, f32x4.add(dot4packed(w, X + i * xstride, C), B ? load4(B + i * ostride + (r << 2), lanes) : bv), lanes);
    }
  }
}

/**
 * out (rows,) = W (rows, cols) @ x (cols,) + b (rows,) with W packed (4-row interleaved blocks,
 * above); `b = 0` means no bias. Bitwise matvec for rows % 4 == 0. out must not overlap the inputs.
 */
export function matvec_packed(out: usize, W: usize, x: usize, b: usize, rows: i32, cols: i32): void {
  matmulPackedImpl(out, x, W, b, 0, 1, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + b with W packed; bitwise matmul for rows % 4 == 0. */
export function matmul_packed(out: usize, X: usize, W: usize, b: usize, n: i32, rows: i32, cols: i32): void {
  matmulPackedImpl(out, X, W, b, 0, n, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + B (n, rows) with W packed; B may alias out (gathered table rows). */
export function matmul_packed_rowbias(out: usize, X: usize, W: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  matmulPackedImpl(out, X, W, 0, B, n, rows, cols);
}
