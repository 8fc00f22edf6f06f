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

/**
 * out (n,) = softmax(x) = exp(x - max) / sum exp(x - max). out may alias x.
 * Any NaN or +inf in x, or all -inf, gives all NaN (as torch.softmax).
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

// topk: a binary min-heap of the k best so far, kept in the outputs themselves, whose root is the
// worst of them. Order: higher value first, lower index on equal values (-0 equals +0), NaN below
// every number (NaNs among themselves by index). Each entry's place in that order is one i64
// rank, so heap steps compare with one instruction and pick children with select (no
// unpredictable branches): rank = key(value) << 32 | ~index, key an i32 that orders like the value.
// While the heap is built, val_out holds keys (as i32 bits); the values are restored at the end.

/** i32 that orders like v: -0 -> +0, negative floats flipped, NaN lowest. */
// @ts-ignore: decorator
@inline function keyOf(v: f32): i32 {
  const b = reinterpret<i32>(v + <f32>0.0); // -0 + 0 = +0
  return select<i32>(i32.MIN_VALUE, b ^ ((b >> 31) & 0x7fffffff), v != v);
}

// @ts-ignore: decorator
@inline function rankOf(key: i32, idx: i32): i64 {
  return (<i64>key << 32) | <i64>(<u32>~idx);
}

// @ts-ignore: decorator
@inline function rankAt(keys: usize, idxs: usize, i: usize): i64 {
  return rankOf(load<i32>(keys + (i << 2)), load<i32>(idxs + (i << 2)));
}

/** Restores the heap below slot i (lowest rank at the root) of `size` entries. */
// @ts-ignore: decorator
@inline function siftDown(keys: usize, idxs: usize, i: usize, size: usize): void {
  const key = load<i32>(keys + (i << 2)), id = load<i32>(idxs + (i << 2));
  const rk = rankOf(key, id);
  while (true) {
    let c: usize = 2 * i + 1;
    if (c >= size) break;
    let cr = rankAt(keys, idxs, c);
    if (c + 1 < size) {
      const dr = rankAt(keys, idxs, c + 1);
      const right = dr < cr; // the lower-ranked child
      c += <usize>right;
      cr = select<i64>(dr, cr, right);
    }
    if (rk <= cr) break;
    store<i32>(keys + (i << 2), <i32>(cr >> 32));
    store<i32>(idxs + (i << 2), load<i32>(idxs + (c << 2)));
    i = c;
  }
  store<i32>(keys + (i << 2), key); store<i32>(idxs + (i << 2), id);
}

/** Offers x_j at index j: replaces the root if it ranks above it. */
// @ts-ignore: decorator
@inline function offer(keys: usize, idxs: usize, K: usize, v: f32, j: usize): void {
  const kv = keyOf(v);
  if (rankOf(kv, <i32>j) > rankOf(load<i32>(keys), load<i32>(idxs))) {
    store<i32>(keys, kv); store<i32>(idxs, <i32>j);
    siftDown(keys, idxs, 0, K);
  }
}

/**
 * The k largest of x (n,), by value descending, lower index first on equal values:
 * idx_out (k,) i32, val_out (k,) f32. k is clamped to [0, n]. NaN ranks below -inf.
 * A partial selection, O(n + k log(n/k) log k) on random input: the scan compares 16 values at
 * a time with the current k-th best and touches the heap only for the ~k ln(n/k) that beat it
 * (O(n log k) at worst, for ascending x). Outputs must not overlap x.
 */
export function topk(idx_out: usize, val_out: usize, x: usize, n: i32, k: i32): void {
  if (k > n) k = n;
  if (k <= 0) return;
  const K = <usize>k, N = <usize>n;
  const keys = val_out;
  for (let i: usize = 0; i < K; i++) {
    store<i32>(keys + (i << 2), keyOf(load<f32>(x + (i << 2))));
    store<i32>(idx_out + (i << 2), <i32>i);
  }
  for (let i = (K >> 1) - 1; <isize>i >= 0; i--) siftDown(keys, idx_out, i, K);
  let j = K;
  // the root's value: a later index never wins a tie, so only v > rv can enter (anything, if NaN)
  let rv = load<f32>(x + (<usize>load<i32>(idx_out) << 2));
  let rvv = f32x4.splat(rv);
  for (; j + 16 <= N; j += 16) {
    // 16 values a test: on random input almost every block is rejected whole
    const p = x + (j << 2);
    if (rv == rv && !v128.any_true(v128.or(
      v128.or(f32x4.gt(v128.load(p), rvv), f32x4.gt(v128.load(p, 16), rvv)),
      v128.or(f32x4.gt(v128.load(p, 32), rvv), f32x4.gt(v128.load(p, 48), rvv))))) continue;
    for (let l: usize = 0; l < 16; l++) {
      const v = load<f32>(x + ((j + l) << 2));
      if (rv == rv && !(v > rv)) continue;
      offer(keys, idx_out, K, v, j + l);
      rv = load<f32>(x + (<usize>load<i32>(idx_out) << 2));
    }
    rvv = f32x4.splat(rv);
  }
  for (; j + 4 <= N; j += 4) {
    if (rv == rv && !v128.any_true(f32x4.gt(v128.load(x + (j << 2)), rvv))) continue;
    for (let l: usize = 0; l < 4; l++) offer(keys, idx_out, K, load<f32>(x + ((j + l) << 2)), j + l);
    rv = load<f32>(x + (<usize>load<i32>(idx_out) << 2));
    rvv = f32x4.splat(rv);
  }
  for (; j < N; j++) offer(keys, idx_out, K, load<f32>(x + (j << 2)), j);
  // heap sort in place: move the lowest rank to the end, so the best ends at slot 0
  for (let size = K; size > 1; size--) {
    const last = (size - 1) << 2;
    const key = load<i32>(keys), id = load<i32>(idx_out);
    store<i32>(keys, load<i32>(keys + last)); store<i32>(idx_out, load<i32>(idx_out + last));
    store<i32>(keys + last, key); store<i32>(idx_out + last, id);
    siftDown(keys, idx_out, 0, size - 1);
  }
  for (let i: usize = 0; i < K; i++) {
    store<f32>(val_out + (i << 2), load<f32>(x + (<usize>load<i32>(idx_out + (i << 2)) << 2)));
  }
}
