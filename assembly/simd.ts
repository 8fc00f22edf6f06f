// SIMD128 helpers shared by the kernel families. Everything here is @inline: no calls on the hot
// path. f32x4 vectors only; `v` in a name means one v128 of 4 f32 lanes.
//
// Accuracy (checked against f64 Math.* in test/kernels/activations.test.ts and softmax.test.ts):
//   exp4     relative error <= ~2 ulp on [-87.33, 88.3]; 0 below -87.33 (no denormals), saturates
//            at exp(88.3) ~= 2.2e38 above; NaN -> NaN.
//   tanh4    absolute error <= ~1.5e-7 everywhere; exactly +-1 for |x| >= 9.1; NaN -> NaN.
//   sigmoid4 absolute error <= ~1.5e-7 everywhere; never NaN for finite or infinite x.
// ref: Cephes expf.c / tanhf.c (S. Moshier), as in sse_mathfun.

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

// Cephes expf constants.
// @ts-ignore: decorator
@inline const EXP_HI: f32 = 88.3;
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -87.33654; // ln(2^-126): below this the result is flushed to 0
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
  const under = f32x4.lt(x, f32x4.splat(EXP_LO));
  let r = f32x4.max(f32x4.min(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const n = f32x4.nearest(f32x4.mul(r, f32x4.splat(LOG2E))); // in [-126, 127]
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let y = f32x4.splat(<f32>1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(<f32>1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(<f32>8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(<f32>4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(<f32>1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(<f32>5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), f32x4.splat(<f32>1.0));
  const p2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  y = f32x4.mul(y, p2n);
  return v128.andnot(y, under); // 0 where x < EXP_LO
}

/**
 * tanh of 4 lanes. |x| < 0.625: odd polynomial (Cephes tanhf); otherwise
 * sign(x) (1 - 2 / (exp(2|x|) + 1)) with |x| clamped to 9.1, where tanh already rounds to 1.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = f32x4.splat(<f32>-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(<f32>2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(<f32>-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(<f32>1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(<f32>-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, s), x), x);
  const e = exp4(f32x4.add(f32x4.min(ax, f32x4.splat(<f32>9.1)), f32x4.min(ax, f32x4.splat(<f32>9.1))));
  const one = f32x4.splat(<f32>1.0);
  let big = f32x4.sub(one, f32x4.div(f32x4.splat(<f32>2.0), f32x4.add(e, one)));
  big = v128.or(big, v128.and(x, f32x4.splat(<f32>-0.0))); // big >= 0: copy the sign of x
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(<f32>0.625)));
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
