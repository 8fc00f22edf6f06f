// Dense products with int8 weights (per-row symmetric quantisation, done at load in TypeScript):
//   W_rc ≈ s_r q_rc,  q_rc = round(W_rc / s_r) in [-127, 127],  s_r = max_c |W_rc| / 127
// Wq is int8 in 4-row interleaved blocks: rows padded with zero rows to rowsP = rows rounded up to
// 4, columns zero-padded to colsP = cols rounded up to 16; block k (rows 4k..4k+3) is colsP * 4
// bytes, 64 bytes per 16 columns: 16 of row 4k, 16 of row 4k+1, 16 of 4k+2, 16 of 4k+3. A block
// is then read as one sequential stream (row-major rows, 4 streams a row apart, ran 2.7x slower
// on an out-of-cache 8000 x 512 matrix). ws (rowsP,) f32 holds the s_r (0 for padding rows).
// Each input vector x is quantised on the fly to 14 bits: x_c ≈ t p_c, p_c = round(x_c / t) in
// [-8191, 8191], t = max_c |x_c| / 8191, and a product is an integer dot product:
//   out_r = s_r t Σ_c q_rc p_c + b_r
// Two exact forms of Σ_c q_rc p_c (int8_dot_form), with bit-identical results:
//  'int16' (both builds): p as i16; per 16 columns two sign-extending loads of 8 weights
//    (v128.load8x8_s -> i16x8) and two i32x4.dot_i16x8_s (8 multiply-adds each), 4 rows x 2 inputs.
//  'dot-add' (relaxed-SIMD build): u_c = p_c + 8192 in [1, 16383] as two 7-bit digits
//    u = 128 h + l (h, l in [0, 127], so the i7 operand never has its top bit set and every engine
//    computes the same integers); one i32x4.relaxed_dot_i8x16_i7x16_add_s per digit and 16 columns
//    (16 multiply-adds; one vpdpbusd on AVX-VNNI), 4 rows x 1 input (8 accumulators), and
//    Σ q p = 128 Σ q h + Σ q l - 8192 Σ q, with the row sums k_r,j = Σ_{c in chunk j} q_rc after the blocks.
// A weight byte costs 1/4 of an f32 weight in memory traffic, which is what bounds a decoder step on
// large models. Overflow: |q p| <= 127 * 8191 and 128 Σ q h <= 128 * 512 * 127 * 127 < 2^31, so
// sums are exact i32 per chunk of 512 columns, then converted and summed in f32 (the same integers,
// the same f32 operations in both forms).
// Wq layout (reference packRowsInt8): the blocks (rowsP * colsP bytes), then k (chunks, rowsP) i32,
// chunks = ceil(colsP / 512).
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

/** 14-bit input quantisation: p = round(x / t) in [-8191, 8191] (i32 lanes), t = max |x| / 8191. */
// @ts-ignore: decorator
@inline const PMAX: f32 = 8191;

/** max |x_c| over x (cols,) (NaN if any x_c is NaN). */
// @ts-ignore: decorator
@inline function absMax(x: usize, cols: usize): f32 {
  const bytes = cols << 2;
  let mv = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) mv = f32x4.max(mv, f32x4.abs(v128.load(x + o)));
  let m = hmax(mv);
  for (; o < bytes; o += 4) m = max<f32>(m, abs<f32>(load<f32>(x + o)));
  return m;
}

/** p_c for the 4 floats at x: i32x4 of nearest(x * inv) (ties to even). */
// @ts-ignore: decorator
@inline function round4(x: usize, iv: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(x), iv)));
}

/**
 * p (colsP,) i16 = round(x / t) for x (cols,), zero-padded; returns t = max |x| / 8191 (0 for x = 0
 * or NaN in x: p = 0). Rounds to nearest, ties to even (f32x4.nearest); x * (8191 / max) in f32.
 */
// @ts-ignore: decorator
@inline function quantizeInput(p: usize, x: usize, cols: usize, colsP: usize): f32 {
  const m = absMax(x, cols);
  if (!(m > 0)) {
    memory.fill(p, 0, colsP << 1);
    return 0;
  }
  const inv: f32 = PMAX / m;
  const iv = f32x4.splat(inv);
  let c: usize = 0;
  for (; c + 8 <= cols; c += 8) {
    v128.store(p + (c << 1), i16x8.narrow_i32x4_s(round4(x + (c << 2), iv), round4(x + (c << 2) + 16, iv)));
  }
  for (; c < cols; c++) store<i16>(p + (c << 1), <i16>(<i32>nearest<f32>(load<f32>(x + (c << 2)) * inv)));
  for (; c < colsP; c++) store<i16>(p + (c << 1), 0);
  return m / PMAX;
}

/**
 * The same p as digits of u = p + 8192 = 128 h + l: per 16 columns 16 bytes h then 16 bytes l
 * (colsP * 2 bytes, padding u = 8192: h = 64, l = 0); returns t as quantizeInput.
 */
// @ts-ignore: decorator
@inline function quantizeInputDigits(d: usize, x: usize, cols: usize, colsP: usize): f32 {
  const m = absMax(x, cols);
  const inv: f32 = m > 0 ? PMAX / m : 0; // 0: every p = 0
  const iv = f32x4.splat(inv), off = i32x4.splat(8192), low = i32x4.splat(127);
  let c: usize = 0;
  for (; c + 16 <= cols; c += 16) {
    const xc = x + (c << 2);
    const u0 = i32x4.add(round4(xc, iv), off), u1 = i32x4.add(round4(xc + 16, iv), off);
    const u2 = i32x4.add(round4(xc + 32, iv), off), u3 = i32x4.add(round4(xc + 48, iv), off);
    const h = i8x16.narrow_i16x8_u(
      i16x8.narrow_i32x4_s(i32x4.shr_s(u0, 7), i32x4.shr_s(u1, 7)),
      i16x8.narrow_i32x4_s(i32x4.shr_s(u2, 7), i32x4.shr_s(u3, 7)));
    const l = i8x16.narrow_i16x8_u(
      i16x8.narrow_i32x4_s(v128.and(u0, low), v128.and(u1, low)),
      i16x8.narrow_i32x4_s(v128.and(u2, low), v128.and(u3, low)));
    v128.store(d + (c << 1), h);
    v128.store(d + (c << 1), l, 16);
  }
  for (; c < colsP; c++) {
    const u = (c < cols && m > 0 ? <i32>nearest<f32>(load<f32>(x + (c << 2)) * inv) : 0) + 8192;
    const g = d + ((c & ~(<usize>15)) << 1) + (c & 15);
    store<u8>(g, <u8>(u >> 7));
    store<u8>(g + 16, <u8>(u & 127));
  }
  return m > 0 ? m / PMAX : 0;
}

/** Relaxed build: which exact form of the int8 dot products the kernels use; results are equal. */
let dotAdd: bool = false;

/**
 * Relaxed build: 1 = the 'dot-add' form (two relaxed_dot_i8x16_i7x16_add_s per 16 products and input,
 * fast where the engine emits vpdpbusd), 0 = the 'int16' form (dot_i16x8_s, fast without AVX-VNNI).
 * The results are bit-identical; src/wasm.ts checks and times both once and keeps the faster. The
 * SIMD128 build has only the 'int16' form and ignores it.
 */
export function int8_dot_form(useDotAdd: i32): void {
  dotAdd = useDotAdd != 0;
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
 * Relaxed build, 'dot-add' form: 4 rows (block w) x 1 input (digits d): 4 rows x 2 digits
 * accumulators; per chunk of 512 columns the exact Σ q p = 128 (Σ q h - 64 k) + Σ q l, added in f32.
 * K: the chunk row sums k (chunks, rowsP) of this block's rows (K + 4 r).
 */
// @ts-ignore: decorator
@inline function ddot4rows(w: usize, d: usize, colsP: usize, K: usize, rowsP: usize): v128 {
  let f = f32x4.splat(0);
  let k = K;
  for (let c0: usize = 0; c0 < colsP; c0 += FLUSH_COLS) {
    const end = min<usize>(c0 + FLUSH_COLS, colsP);
    let h0 = i32x4.splat(0), h1 = i32x4.splat(0), h2 = i32x4.splat(0), h3 = i32x4.splat(0);
    let l0 = i32x4.splat(0), l1 = i32x4.splat(0), l2 = i32x4.splat(0), l3 = i32x4.splat(0);
    for (let c = c0; c < end; c += 16) {
      const h = v128.load(d + (c << 1)), l = v128.load(d + (c << 1), 16);
      const wc = w + (c << 2);
      let q = v128.load(wc);
      h0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, h, h0);
      l0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, l, l0);
      q = v128.load(wc, 16);
      h1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, h, h1);
      l1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, l, l1);
      q = v128.load(wc, 32);
      h2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, h, h2);
      l2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, l, l2);
      q = v128.load(wc, 48);
      h3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, h, h3);
      l3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(q, l, l3);
    }
    const qh = i32x4.sub(ihsum4(h0, h1, h2, h3), i32x4.shl(v128.load(k), 6)); // Σ q (h - 64)
    f = f32x4.add(f, f32x4.convert_i32x4_s(i32x4.add(i32x4.shl(qh, 7), ihsum4(l0, l1, l2, l3))));
    k += rowsP << 2;
  }
  return f;
}

/** matmulI8Impl of the 'dot-add' form: inputs as digits (colsP * 2 bytes each). */
// @ts-ignore: decorator
@inline function matmulDigits(out: usize, X: usize, Wq: usize, ws: usize, b: usize, B: usize, N: usize, R: usize, C: usize): void {
  const colsP = padded(C), rowsP = (R + 3) & ~(<usize>3);
  const ostride = R << 2, xstride = C << 2;
  const K = Wq + rowsP * colsP; // k (chunks, rowsP) i32
  const chunk = colsP ? min<usize>(XQ_CAP / colsP, XS_CAP) : XS_CAP;
  for (let i0: usize = 0; i0 < N; i0 += chunk) {
    const m = min<usize>(chunk, N - i0);
    for (let i: usize = 0; i < m; i++) {
      store<f32>(XS + (i << 2), quantizeInputDigits(XQ + i * (colsP << 1), X + (i0 + i) * xstride, C, colsP));
    }
    for (let r: usize = 0; r < R; r += 4) {
      const lanes = min<usize>(4, R - r);
      const w = Wq + r * colsP;
      const scale = v128.load(ws + (r << 2));
      const bv = b ? load4(b + (r << 2), lanes) : f32x4.splat(0);
      for (let i: usize = 0; i < m; i++) {
        const o = out + (i0 + i) * ostride + (r << 2);
        const bp = B ? load4(B + (i0 + i) * ostride + (r << 2), lanes) : bv;
        const f = ddot4rows(w, XQ + i * (colsP << 1), colsP, K + (r << 2), rowsP);
        store4(o, f32x4.add(f32x4.mul(f, f32x4.mul(scale, f32x4.splat(load<f32>(XS + (i << 2))))), bp), lanes);
      }
    }
  }
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
  if (colsP > XQ_CAP) unreachable(); // callers keep such matrices in f32
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (dotAdd) {
      matmulDigits(out, X, Wq, ws, b, B, N, R, C);
      return;
    }
  }
  const ostride = R << 2, xstride = C << 2;
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
