// Softmax family and selection over a vector x (n,) of f32.
// Stable forms: the max is subtracted before exp, so no exp overflows.
import { exp4, exp1, hsum, hmax, mask4 } from "./simd";

// @ts-ignore: decorator
@inline const NEG_INF: f32 = -Infinity;

/** max_j x_j (f32x4.max semantics: any NaN gives NaN). n >= 1. */
// @ts-ignore: decorator
@inline function maxOf(x: usize, n: usize): f32 {
  const bytes = n << 2;
  let m0 = f32x4.splat(NEG_INF), m1 = f32x4.splat(NEG_INF);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    m0 = f32x4.max(m0, v128.load(x + o));
    m1 = f32x4.max(m1, v128.load(x + o, 16));
  }
  if (o + 16 <= bytes) { m0 = f32x4.max(m0, v128.load(x + o)); o += 16; }
  let m = hmax(f32x4.max(m0, m1));
  for (; o < bytes; o += 4) m = max<f32>(m, load<f32>(x + o));
  return m;
}

// Sums of exp: 8 f32 partial sums over blocks of SUM_BLOCK bytes (256 floats), each block's total
// added in f64. A plain f32 sum of 50k terms drifts by ~5e-6 relative; blocked, it stays ~1e-7.
// @ts-ignore: decorator
@inline const SUM_BLOCK: usize = 1024;

/** out_j = exp(x_j - m) where the mask allows (mask = 0: everywhere), else exactly 0; returns sum_j out_j. out may alias x. */
// @ts-ignore: decorator
@inline function expShift(out: usize, x: usize, m: f32, n: usize, mask: usize, store_: bool): f64 {
  const bytes = n << 2;
  const body = bytes & ~15;
  const mv = f32x4.splat(m);
  let total: f64 = 0;
  let o: usize = 0;
  while (o < body) {
    const end = min<usize>(o + SUM_BLOCK, body);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
    for (; o + 32 <= end; o += 32) {
      let e0 = exp4(f32x4.sub(v128.load(x + o), mv));
      let e1 = exp4(f32x4.sub(v128.load(x + o, 16), mv));
      if (mask) {
        e0 = v128.and(e0, mask4(mask + (o >> 2)));
        e1 = v128.and(e1, mask4(mask + (o >> 2) + 4));
      }
      if (store_) { v128.store(out + o, e0); v128.store(out + o, e1, 16); }
      s0 = f32x4.add(s0, e0); s1 = f32x4.add(s1, e1);
    }
    if (o < end) { // one last 16-byte chunk
      let e0 = exp4(f32x4.sub(v128.load(x + o), mv));
      if (mask) e0 = v128.and(e0, mask4(mask + (o >> 2)));
      if (store_) v128.store(out + o, e0);
      s0 = f32x4.add(s0, e0);
      o += 16;
    }
    total += <f64>hsum(f32x4.add(s0, s1));
  }
  for (; o < bytes; o += 4) {
    const e: f32 = !mask || load<u8>(mask + (o >> 2)) ? exp1(load<f32>(x + o) - m) : 0;
    if (store_) store<f32>(out + o, e);
    total += <f64>e;
  }
  return total;
}

/** out_j = x_j * k. out may alias x. */
// @ts-ignore: decorator
@inline function scale(out: usize, x: usize, k: f32, n: usize): void {
  const bytes = n << 2;
  const kv = f32x4.splat(k);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(out + o, f32x4.mul(v128.load(x + o), kv));
  for (; o < bytes; o += 4) store<f32>(out + o, load<f32>(x + o) * k);
}

/** out_j = x_j + k. out may alias x. */
// @ts-ignore: decorator
@inline function shift(out: usize, x: usize, k: f32, n: usize): void {
  const bytes = n << 2;
  const kv = f32x4.splat(k);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(out + o, f32x4.add(v128.load(x + o), kv));
  for (; o < bytes; o += 4) store<f32>(out + o, load<f32>(x + o) + k);
}

/**
 * out (n,) = softmax(x) = exp(x - max) / sum exp(x - max). out may alias x.
 * Any NaN in x gives all NaN; all -inf gives all NaN (as torch.softmax).
 */
export function softmax(out: usize, x: usize, n: i32): void {
  if (n <= 0) return;
  const N = <usize>n;
  const m = maxOf(x, N);
  const s = expShift(out, x, m, N, 0, true);
  scale(out, out, <f32>(1.0 / s), N);
}

/**
 * Softmax over the positions with mask[j] != 0 (mask (n,) u8); masked positions get exactly 0.
 * If no position is unmasked, or every unmasked x_j is -inf, out is all zeros (no NaN).
 * A NaN or +inf among the unmasked x gives NaN at the unmasked positions (still 0 elsewhere).
 * out may alias x; mask must not overlap out.
 */
export function masked_softmax(out: usize, x: usize, mask: usize, n: i32): void {
  if (n <= 0) return;
  const N = <usize>n;
  const bytes = N << 2;
  const ninf = f32x4.splat(NEG_INF);
  // max over unmasked positions
  let mv = ninf;
  let o: usize = 0, q: usize = 0;
  for (; o + 16 <= bytes; o += 16, q += 4) {
    mv = f32x4.max(mv, v128.bitselect(v128.load(x + o), ninf, mask4(mask + q)));
  }
  let m = hmax(mv);
  for (; o < bytes; o += 4, q++) if (load<u8>(mask + q)) m = max<f32>(m, load<f32>(x + o));
  if (m == NEG_INF) {
    // nothing to normalise over
    for (o = 0; o + 16 <= bytes; o += 16) v128.store(out + o, f32x4.splat(0));
    for (; o < bytes; o += 4) store<f32>(out + o, 0);
    return;
  }
  // exp(x - m) at unmasked positions, exactly 0 elsewhere
  const s = expShift(out, x, m, N, mask, true);
  // s >= 1 (the max contributes exp(0)) unless an unmasked x_j is NaN or +inf; re-apply the mask
  // so masked positions stay exactly 0 even then
  const k = <f32>(1.0 / s);
  const kv = f32x4.splat(k);
  o = 0; q = 0;
  for (; o + 16 <= bytes; o += 16, q += 4) {
    v128.store(out + o, v128.and(f32x4.mul(v128.load(out + o), kv), mask4(mask + q)));
  }
  for (; o < bytes; o += 4, q++) if (load<u8>(mask + q)) store<f32>(out + o, load<f32>(out + o) * k);
}

/** log sum_j exp(x_j), stable: m + log sum exp(x - m). +inf if any x_j is +inf; -inf if all are -inf (or n = 0). */
export function logsumexp(x: usize, n: i32): f32 {
  if (n <= 0) return NEG_INF;
  const N = <usize>n;
  const m = maxOf(x, N);
  if (m == Infinity || m == NEG_INF) return m;
  return <f32>(<f64>m + Math.log(expShift(0, x, m, N, 0, false)));
}

/** out (n,) = x - logsumexp(x). out may alias x. */
export function log_softmax(out: usize, x: usize, n: i32): void {
  if (n <= 0) return;
  const N = <usize>n;
  const m = maxOf(x, N);
  // (x - m) - log s rather than x - (m + log s): exact 0 at the max, better for x_j near m
  const ls = <f32>Math.log(expShift(0, x, m, N, 0, false));
  const bytes = N << 2;
  const mv = f32x4.splat(m), lv = f32x4.splat(ls);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(out + o, f32x4.sub(f32x4.sub(v128.load(x + o), mv), lv));
  for (; o < bytes; o += 4) store<f32>(out + o, (load<f32>(x + o) - m) - ls);
}

/**
 * Index of the largest x_j, the first one on ties (-0 and +0 tie). NaN never wins: NaNs are
 * skipped; if every x_j is NaN the result is 0. n <= 0 gives -1.
 */
export function argmax(x: usize, n: i32): i32 {
  if (n <= 0) return -1;
  const bytes = <usize>n << 2;
  // pass 1: max ignoring NaN (pmax keeps the accumulator when the new lane is NaN)
  let m0 = f32x4.splat(NEG_INF), m1 = f32x4.splat(NEG_INF);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    m0 = f32x4.pmax(m0, v128.load(x + o));
    m1 = f32x4.pmax(m1, v128.load(x + o, 16));
  }
  if (o + 16 <= bytes) { m0 = f32x4.pmax(m0, v128.load(x + o)); o += 16; }
  const mv = f32x4.pmax(m0, m1); // no NaN lanes
  const s = f32x4.max(mv, v128.shuffle<f32>(mv, mv, 2, 3, 0, 1));
  let m = max<f32>(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1));
  for (; o < bytes; o += 4) { const v = load<f32>(x + o); if (v > m) m = v; }
  // pass 2: first index equal to the max
  const sm = f32x4.splat(m);
  o = 0;
  for (; o + 16 <= bytes; o += 16) {
    const bits = i32x4.bitmask(f32x4.eq(v128.load(x + o), sm));
    if (bits) return <i32>(o >> 2) + ctz(bits);
  }
  for (; o < bytes; o += 4) if (load<f32>(x + o) == m) return <i32>(o >> 2);
  return 0; // all NaN
}

// topk: a binary min-heap of the k best so far, kept in the outputs themselves (val_out, idx_out),
// whose root is the worst of them. Order: higher value first, lower index on equal values,
// NaN below every number (NaNs among themselves by index).

/** a = (va, ia) ranks strictly above b = (vb, ib). */
// @ts-ignore: decorator
@inline function above(va: f32, ia: i32, vb: f32, ib: i32): bool {
  if (va > vb) return true;
  if (va < vb) return false;
  const an = va != va, bn = vb != vb;
  if (an != bn) return bn;   // the non-NaN one ranks above
  return ia < ib;            // equal values (or both NaN)
}

/** Restores the heap below slot i (worst at the root) in (vals, idxs) of `size` entries. */
// @ts-ignore: decorator
@inline function siftDown(vals: usize, idxs: usize, i: usize, size: usize): void {
  const v = load<f32>(vals + (i << 2)), id = load<i32>(idxs + (i << 2));
  while (true) {
    let c: usize = 2 * i + 1;
    if (c >= size) break;
    let cv = load<f32>(vals + (c << 2)), ci = load<i32>(idxs + (c << 2));
    if (c + 1 < size) {
      const dv = load<f32>(vals + ((c + 1) << 2)), di = load<i32>(idxs + ((c + 1) << 2));
      if (above(cv, ci, dv, di)) { c++; cv = dv; ci = di; } // take the worse child
    }
    if (!above(v, id, cv, ci)) break;
    store<f32>(vals + (i << 2), cv); store<i32>(idxs + (i << 2), ci);
    i = c;
  }
  store<f32>(vals + (i << 2), v); store<i32>(idxs + (i << 2), id);
}

/**
 * The k largest of x (n,), by value descending, lower index first on equal values:
 * idx_out (k,) i32, val_out (k,) f32. k is clamped to [0, n]. NaN ranks below -inf.
 * O(n + k log k log(n/k)) on random input: the scan compares 4 values at a time with the
 * current k-th best and touches the heap only for the few that beat it. Outputs must not
 * overlap x.
 */
export function topk(idx_out: usize, val_out: usize, x: usize, n: i32, k: i32): void {
  if (k > n) k = n;
  if (k <= 0) return;
  const K = <usize>k, N = <usize>n;
  for (let i: usize = 0; i < K; i++) {
    store<f32>(val_out + (i << 2), load<f32>(x + (i << 2)));
    store<i32>(idx_out + (i << 2), <i32>i);
  }
  for (let i = (K >> 1) - 1; <isize>i >= 0; i--) siftDown(val_out, idx_out, i, K);
  let rv = load<f32>(val_out); // the k-th best value so far
  let ri = load<i32>(idx_out);
  let j = K;
  for (; j + 4 <= N; j += 4) {
    // a later index never wins a tie, so only v > rv (or anything, if rv is NaN) can enter
    const xv = v128.load(x + (j << 2));
    if (rv == rv && !v128.any_true(f32x4.gt(xv, f32x4.splat(rv)))) continue;
    for (let l: usize = 0; l < 4; l++) {
      const v = load<f32>(x + ((j + l) << 2));
      if (above(v, <i32>(j + l), rv, ri)) {
        store<f32>(val_out, v); store<i32>(idx_out, <i32>(j + l));
        siftDown(val_out, idx_out, 0, K);
        rv = load<f32>(val_out); ri = load<i32>(idx_out);
      }
    }
  }
  for (; j < N; j++) {
    const v = load<f32>(x + (j << 2));
    if (above(v, <i32>j, rv, ri)) {
      store<f32>(val_out, v); store<i32>(idx_out, <i32>j);
      siftDown(val_out, idx_out, 0, K);
      rv = load<f32>(val_out); ri = load<i32>(idx_out);
    }
  }
  // heap sort in place: move the worst to the end, so the best ends at slot 0
  for (let size = K; size > 1; size--) {
    const last = (size - 1) << 2;
    const v = load<f32>(val_out), id = load<i32>(idx_out);
    store<f32>(val_out, load<f32>(val_out + last)); store<i32>(idx_out, load<i32>(idx_out + last));
    store<f32>(val_out + last, v); store<i32>(idx_out + last, id);
    siftDown(val_out, idx_out, 0, size - 1);
  }
}
