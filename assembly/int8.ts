// Dense products with int8 weights (per-row symmetric quantisation, done at load in TypeScript):
//   W_rc ≈ s_r q_rc,  q_rc = round(W_rc / s_r) in [-127, 127],  s_r = max_c |W_rc| / 127
// Wq is int8 in 4-row interleaved blocks: rows padded with zero rows to rowsP = rows rounded up to
// 4, columns zero-padded to colsP = cols rounded up to 16; block k (rows 4k..4k+3) is colsP * 4
// bytes, 64 bytes per 16 columns: 16 of row 4k, 16 of row 4k+1, 16 of 4k+2, 16 of 4k+3. A block
// is then read as one sequential stream (row-major rows, 4 streams a row apart, ran 2.7x slower
// on an out-of-cache 8000 x 512 matrix). ws (rowsP,) f32 holds the s_r (0 for padding rows).
// Each input vector x is quantised on the fly to int16: x_c ≈ t p_c, p_c = round(x_c / t),
// t = max_c |x_c| / 32767, and a product is an integer dot product:
//   out_r = s_r t Σ_c q_rc p_c + b_r
// Per 16 columns: two sign-extending loads of 8 weights each (v128.load8x8_s -> two i16x8), and two
// i32x4.dot_i16x8_s (pairwise i16 products summed into i32 lanes). A weight byte costs 1/4 of an
// f32 weight in memory traffic, which is what bounds a decoder step on large models.
// Overflow: |q p| <= 127 * 32767, so a row's i32 sum over 512 columns stays below 2^31
// (512 * 127 * 32767 = 2 130 759 168); sums are flushed to f32 every 512 columns.
// The quantised inputs live in a static buffer of this module (kernels never allocate; calls run
// one at a time); matmul quantises its inputs in chunks that fit.
import { hmax, load4, store4 } from "./simd";

/** i16 values of quantised inputs the static buffer holds (one row of up to XQ_CAP columns). */
// @ts-ignore: decorator
@inline const XQ_CAP: usize = 65536;
// @ts-ignore: decorator
@inline const XS_CAP: usize = 1024;
const XQ: usize = memory.data(<i32>(XQ_CAP * 2), 16);
const XS: usize = memory.data(<i32>(XS_CAP * 4), 16);
// @ts-ignore: decorator
@inline const FLUSH_COLS: usize = 512;

/** cols rounded up to a multiple of 16: the bytes of one row in a block. */
// @ts-ignore: decorator
@inline function padded(cols: usize): usize {
  return (cols + 15) & ~(<usize>15);
}

/**
 * p (colsP,) i16 = round(x / t) for x (cols,), zero-padded; returns t = max |x| / 32767 (0 for x = 0).
 * Rounds to nearest, ties to even (f32x4.nearest); x * (32767 / max) is computed in f32.
 */
// @ts-ignore: decorator
@inline function quantizeInput(p: usize, x: usize, cols: usize, colsP: usize): f32 {
  const bytes = cols << 2;
  let mv = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) mv = f32x4.max(mv, f32x4.abs(v128.load(x + o)));
  let m = hmax(mv);
  for (; o < bytes; o += 4) m = max<f32>(m, abs<f32>(load<f32>(x + o)));
  if (!(m > 0)) {
    memory.fill(p, 0, colsP << 1);
    return 0;
  }
  const inv: f32 = <f32>32767 / m;
  const iv = f32x4.splat(inv);
  let c: usize = 0;
  for (; c + 8 <= cols; c += 8) {
    const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(x + (c << 2)), iv)));
    const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(x + (c << 2), 16), iv)));
    v128.store(p + (c << 1), i16x8.narrow_i32x4_s(a, b));
  }
  for (; c < cols; c++) store<i16>(p + (c << 1), <i16>(<i32>nearest<f32>(load<f32>(x + (c << 2)) * inv)));
  for (; c < colsP; c++) store<i16>(p + (c << 1), 0);
  return m / <f32>32767;
}

/** [Σ lanes of a, .. of b, .. of c, .. of d] in i32 (exact: callers keep each row sum below 2^31). */
// @ts-ignore: decorator
@inline function ihsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

/** i32x4 lanes of Σ over the 16 int8 weights at w times x0, x1 (2 x i16x8); each half of w is
 * read and sign-extended to i16x8 by one v128.load8x8_s (one pmovsxbw with a memory operand, where
 * a v128.load then extend_low + extend_high took four instructions). */
// @ts-ignore: decorator
@inline function dot16(w: usize, x0: v128, x1: v128): v128 {
  return i32x4.add(
    i32x4.dot_i16x8_s(v128.load8x8_s(w), x0),
    i32x4.dot_i16x8_s(v128.load8x8_s(w, 8), x1));
}

/** The 4 integer dot products of block w (4 interleaved rows) with p, as f32x4. */
// @ts-ignore: decorator
@inline function idot4rows(w: usize, p: usize, colsP: usize): v128 {
  let f = f32x4.splat(0);
  for (let c0: usize = 0; c0 < colsP; c0 += FLUSH_COLS) {
    const end = min<usize>(c0 + FLUSH_COLS, colsP);
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    for (let c = c0; c < end; c += 16) {
      const x0 = v128.load(p + (c << 1)), x1 = v128.load(p + (c << 1), 16);
      const wc = w + (c << 2);
      a0 = i32x4.add(a0, dot16(wc, x0, x1));
      a1 = i32x4.add(a1, dot16(wc + 16, x0, x1));
      a2 = i32x4.add(a2, dot16(wc + 32, x0, x1));
      a3 = i32x4.add(a3, dot16(wc + 48, x0, x1));
    }
    f = f32x4.add(f, f32x4.convert_i32x4_s(ihsum4(a0, a1, a2, a3)));
  }
  return f;
}

/** 4 rows x 2 inputs: each block of 16 weights is loaded and widened once for both inputs. */
// @ts-ignore: decorator
@inline function idot4x2(wb: usize, p: usize, q: usize, colsP: usize, outP: usize, outQ: usize, lanes: usize,
  scale: v128, tp: f32, tq: f32, bp: v128, bq: v128): void {
  let f = f32x4.splat(0), g = f32x4.splat(0);
  for (let c0: usize = 0; c0 < colsP; c0 += FLUSH_COLS) {
    const end = min<usize>(c0 + FLUSH_COLS, colsP);
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    let b0 = i32x4.splat(0), b1 = i32x4.splat(0), b2 = i32x4.splat(0), b3 = i32x4.splat(0);
    for (let c = c0; c < end; c += 16) {
      const x0 = v128.load(p + (c << 1)), x1 = v128.load(p + (c << 1), 16);
      const y0 = v128.load(q + (c << 1)), y1 = v128.load(q + (c << 1), 16);
      const wc = wb + (c << 2);
      let lo = v128.load8x8_s(wc), hi = v128.load8x8_s(wc, 8);
      a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(lo, x0), i32x4.dot_i16x8_s(hi, x1)));
      b0 = i32x4.add(b0, i32x4.add(i32x4.dot_i16x8_s(lo, y0), i32x4.dot_i16x8_s(hi, y1)));
      lo = v128.load8x8_s(wc, 16); hi = v128.load8x8_s(wc, 24);
      a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(lo, x0), i32x4.dot_i16x8_s(hi, x1)));
      b1 = i32x4.add(b1, i32x4.add(i32x4.dot_i16x8_s(lo, y0), i32x4.dot_i16x8_s(hi, y1)));
      lo = v128.load8x8_s(wc, 32); hi = v128.load8x8_s(wc, 40);
      a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(lo, x0), i32x4.dot_i16x8_s(hi, x1)));
      b2 = i32x4.add(b2, i32x4.add(i32x4.dot_i16x8_s(lo, y0), i32x4.dot_i16x8_s(hi, y1)));
      lo = v128.load8x8_s(wc, 48); hi = v128.load8x8_s(wc, 56);
      a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(lo, x0), i32x4.dot_i16x8_s(hi, x1)));
      b3 = i32x4.add(b3, i32x4.add(i32x4.dot_i16x8_s(lo, y0), i32x4.dot_i16x8_s(hi, y1)));
    }
    f = f32x4.add(f, f32x4.convert_i32x4_s(ihsum4(a0, a1, a2, a3)));
    g = f32x4.add(g, f32x4.convert_i32x4_s(ihsum4(b0, b1, b2, b3)));
  }
  store4(outP, f32x4.add(f32x4.mul(f, f32x4.mul(scale, f32x4.splat(tp))), bp), lanes);
  store4(outQ, f32x4.add(f32x4.mul(g, f32x4.mul(scale, f32x4.splat(tq))), bq), lanes);
}

/**
 * out (n, rows) = X (n, cols) @ (ws ⊙ Wq)^T + bias, bias b (rows,) (`b = 0`: none) or, when
 * B != 0, row i of B (n, rows) for input i (B may alias out). Inputs are quantised in chunks
 * that fit the static buffer; Wq is read once per chunk.
 */
// @ts-ignore: decorator
@inline function matmulI8Impl(out: usize, X: usize, Wq: usize, ws: usize, b: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  if (rows <= 0 || n <= 0) return;
  const N = <usize>n, R = <usize>rows, C = <usize>max<i32>(cols, 0);
  const colsP = padded(C);
  const ostride = R << 2, xstride = C << 2;
  if (colsP > XQ_CAP) unreachable(); // callers keep such matrices in f32
  const chunk = colsP ? min<usize>(XQ_CAP / colsP, XS_CAP) : XS_CAP;
  for (let i0: usize = 0; i0 < N; i0 += chunk) {
    const m = min<usize>(chunk, N - i0);
    for (let i: usize = 0; i < m; i++) {
      store<f32>(XS + (i << 2), quantizeInput(XQ + i * (colsP << 1), X + (i0 + i) * xstride, C, colsP));
    }
    for (let r: usize = 0; r < R; r += 4) {
      const lanes = min<usize>(4, R - r);
      const w = Wq + r * colsP; // block r / 4: 4 rows of colsP bytes
      const scale = v128.load(ws + (r << 2)); // ws is padded to whole blocks
      const bv = b ? load4(b + (r << 2), lanes) : f32x4.splat(0);
      let i: usize = 0;
      for (; i + 2 <= m; i += 2) {
        const o = out + (i0 + i) * ostride + (r << 2);
        const bp = B ? load4(B + (i0 + i) * ostride + (r << 2), lanes) : bv;
        const bq = B ? load4(B + (i0 + i + 1) * ostride + (r << 2), lanes) : bv;
        idot4x2(w, XQ + i * (colsP << 1), XQ + (i + 1) * (colsP << 1), colsP, o, o + ostride, lanes,
          scale, load<f32>(XS + (i << 2)), load<f32>(XS + ((i + 1) << 2)), bp, bq);
      }
      if (i < m) {
        const o = out + (i0 + i) * ostride + (r << 2);
        const bp = B ? load4(B + (i0 + i) * ostride + (r << 2), lanes) : bv;
        const f = idot4rows(w, XQ + i * (colsP << 1), colsP);
        store4(o, f32x4.add(f32x4.mul(f, f32x4.mul(scale, f32x4.splat(load<f32>(XS + (i << 2))))), bp), lanes);
      }
    }
  }
}

/**
 * out (rows,) = W x + b with W ≈ ws ⊙ Wq: Wq int8 in 4-row interleaved blocks (rowsP x colsP, see
 * the top of this file), ws (rowsP,) f32 row scales; x (cols,) f32 is quantised to int16 here. `b = 0`: no bias.
 * out must not overlap x, Wq, ws or b.
 */
export function matvec_i8(out: usize, Wq: usize, ws: usize, x: usize, b: usize, rows: i32, cols: i32): void {
  matmulI8Impl(out, x, Wq, ws, b, 0, 1, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + b with W ≈ ws ⊙ Wq (as matvec_i8). n = 1 is matvec_i8. */
export function matmul_i8(out: usize, X: usize, Wq: usize, ws: usize, b: usize, n: i32, rows: i32, cols: i32): void {
  matmulI8Impl(out, X, Wq, ws, b, 0, n, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + B (n, rows), a bias row per input (B may alias out), W ≈ ws ⊙ Wq. */
export function matmul_i8_rowbias(out: usize, X: usize, Wq: usize, ws: usize, B: usize, n: i32, rows: i32, cols: i32): void {
  matmulI8Impl(out, X, Wq, ws, 0, B, n, rows, cols);
}
