// SIMD128 helpers shared by the kernel families. Everything here is @inline: no calls on the hot
// path. f32x4 vectors only; `v` in a name means one v128 of 4 f32 lanes.
//
// Accuracy (measured against f64 Math.* in test/kernels/activations.test.ts and softmax.test.ts):
//   exp4     relative error <= 2.3e-7 on [-87.33, 88.3]; 0 below -87.33 (no denormals), saturates
//            at exp(88.3) ~= 2.2e38 above; NaN -> NaN.
//   tanh4    absolute error <= 3.3e-7 everywhere (odd rational, tools/fit_tanh.py); exactly +-1
//            for |x| >= 9; NaN -> NaN.
//   sigmoid4 absolute error <= 6e-8, relative <= 2e-7 for x >= -87.3; never NaN for finite or
//            infinite x (1 / (1 + saturated exp)).
// ref: Cephes expf.c (S. Moshier), as in sse_mathfun.
// Written for V8's code generator: no FMA in SIMD128, so polynomials use Estrin's scheme (short
// dependency chains); clamps use pmin/pmax (one minps/maxps; f32x4.min/max cost ~6 instructions
// each for their NaN and -0 rules); no float -> int conversion (the 1.5 * 2^23 rounding trick).

/**
 * a * b + c per lane. In the relaxed-SIMD build (asconfig target "relaxed", ASC_FEATURE_RELAXED_SIMD)
 * one f32x4.relaxed_madd: a fused multiply-add (vfmadd) where the CPU has FMA, mul then add where
 * it does not, so results may differ from the baseline build in the last bit. The baseline build
 * (SIMD128 only) is exactly mul then add. The dense products (matvec.ts) accumulate through it.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Horizontal sum of the 4 lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  // (v0+v2, v1+v3, ..) then lane 0 + lane 1
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)]: 4 horizontal sums as one vector (a transpose-add). */
// @ts-ignore: decorator
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  // ab = [a0+a2, b0+b2, a1+a3, b1+b3], cd likewise
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** Horizontal max of the 4 lanes (f32x4.max semantics: NaN propagates). */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return max<f32>(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1));
}

/** Loads 4 u8 mask bytes at `p` and returns an all-ones lane where the byte != 0. */
// @ts-ignore: decorator
@inline export function mask4(p: usize): v128 {
  const b = v128.load32_zero(p);
  const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(b));
  return i32x4.ne(w, i32x4.splat(0));
}

/** The first `lanes` (1..4) floats at p as a vector (the rest 0): never reads past them. */
// @ts-ignore: decorator
@inline export function load4(p: usize, lanes: usize): v128 {
  if (lanes == 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first `lanes` (1..4) lanes of v at p. */
// @ts-ignore: decorator
@inline export function store4(p: usize, v: v128, lanes: usize): void {
  if (lanes == 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// Cephes expf constants.
// @ts-ignore: decorator
@inline const EXP_HI: f32 = 88.3;
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -87.33654; // ln(2^-126): below this the result is flushed to 0
// @ts-ignore: decorator
@inline const ROUND: f32 = 12582912.0; // 1.5 * 2^23: adding it rounds to an integer
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375; // 355/512: n * LN2_HI is exact for |n| < 2^15
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

/**
 * exp of 4 lanes. Range reduction x = n ln2 + r, |r| <= ln2/2, then a degree-5 minimax
 * polynomial for e^r and 2^n built in the exponent bits. Relative error ~1e-7.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // pmin/pmax (one minps/maxps on x86) with x first keep a NaN x; min/max with their NaN and
  // -0 rules cost several instructions each
  const under = f32x4.lt(x, f32x4.splat(EXP_LO));
  const r = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  return v128.andnot(expCore(r), under); // 0 where x < EXP_LO
}

/** exp of 4 lanes already in [EXP_LO, EXP_HI] (no clamping; NaN -> NaN). */
// @ts-ignore: decorator
@inline export function expCore(x: v128): v128 {
  // n = round(x log2e) by the 1.5 * 2^23 trick: t's low mantissa bits hold n as an integer,
  // so 2^n needs no float -> int conversion
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND));
  const n = f32x4.sub(t, f32x4.splat(ROUND)); // in [-126, 127]
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  // e^r = 1 + r + r^2 (p5 + p4 r + p3 r^2 + p2 r^3 + p1 r^4 + p0 r^5), Estrin's scheme: the
  // dependency chain is half of Horner's, which matters as V8 emits no FMA
  const z = f32x4.mul(r, r);
  const z2 = f32x4.mul(z, z);
  const a = f32x4.add(f32x4.mul(f32x4.splat(<f32>1.9875691500e-4), r), f32x4.splat(<f32>1.3981999507e-3));
  const b = f32x4.add(f32x4.mul(f32x4.splat(<f32>8.3334519073e-3), r), f32x4.splat(<f32>4.1665795894e-2));
  const c = f32x4.add(f32x4.mul(f32x4.splat(<f32>1.6666665459e-1), r), f32x4.splat(<f32>5.0000001201e-1));
  const y = f32x4.add(f32x4.add(c, f32x4.mul(b, z)), f32x4.mul(a, z2));
  const e = f32x4.add(f32x4.mul(y, z), f32x4.add(r, f32x4.splat(<f32>1.0)));
  // bits(t) = 0x4B400000 + n; the shift drops the 0x4B400000 (its low 9 bits are 0)
  const p2n = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(e, p2n);
}

/**
 * tanh of 4 lanes as one odd rational function: tanh(x) ~ c P(c^2) / Q(c^2), c = x clamped to
 * [-9, 9] (tanh(9) rounds to 1 in f32), P and Q of degree 4 in c^2, Estrin's scheme; no exp, one
 * division, and a final clamp to [-1, 1]. About 2.7x faster than the exp-based form this replaced
 * (1 - 2 / (exp(2x) + 1)), which matters because additive attention takes Tx x A tanh per step.
 * Coefficients from tools/fit_tanh.py (weighted least squares toward the minimax fit); in this f32
 * arithmetic the absolute error is <= 3.3e-7 and the result is exactly +-1 for |x| >= 9.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(<f32>9.0)), f32x4.splat(<f32>-9.0)); // keeps NaN
  const s = f32x4.mul(c, c);
  const s2 = f32x4.mul(s, s);
  // P = (p0 + p1 s) + s^2 ((p2 + p3 s) + s^2 p4), Q likewise
  const pLo = f32x4.add(f32x4.splat(<f32>0.9999999403953552), f32x4.mul(f32x4.splat(<f32>0.13381437957286835), s));
  let pHi = f32x4.add(f32x4.splat(<f32>0.003496210789307952), f32x4.mul(f32x4.splat(<f32>2.06244603759842e-05), s));
  pHi = f32x4.add(pHi, f32x4.mul(s2, f32x4.splat(<f32>1.3385268005094986e-08)));
  const P = f32x4.add(pLo, f32x4.mul(s2, pHi));
  const qLo = f32x4.add(f32x4.splat(<f32>1.0), f32x4.mul(f32x4.splat(<f32>0.46714746952056885), s));
  let qHi = f32x4.add(f32x4.splat(<f32>0.025879008695483208), f32x4.mul(f32x4.splat(<f32>0.00032868768903426826), s));
  qHi = f32x4.add(qHi, f32x4.mul(s2, f32x4.splat(<f32>7.787136269143957e-07)));
  const Q = f32x4.add(qLo, f32x4.mul(s2, qHi));
  const r = f32x4.div(f32x4.mul(c, P), Q);
  return f32x4.pmax(f32x4.pmin(r, f32x4.splat(<f32>1.0)), f32x4.splat(<f32>-1.0));
}

/** sigmoid of 4 lanes: 1 / (1 + exp(-x)); exp4 saturates, so no overflow to NaN. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(<f32>1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** Scalar exp with exactly the lane arithmetic of exp4 (for tails). */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** Scalar tanh with exactly the lane arithmetic of tanh4 (for tails). */
// @ts-ignore: decorator
@inline export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

/** Scalar sigmoid with exactly the lane arithmetic of sigmoid4 (for tails). */
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
