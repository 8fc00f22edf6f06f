// assembly/softmax.ts vs src/reference/kernels.ts (also the accuracy of the SIMD exp of assembly/simd.ts)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, SIZES, Worst, normErr, relErr, relErrBeyond, rng, uniform } from './util.js';

const TOL = 1e-6;
const worst = new Worst();
const NS = [...SIZES, 4, 8, 50000];

/** Inputs at three scales: logits, large logits, and +-1e4 (where almost every exp underflows). */
function inputs(r: () => number, n: number): Float32Array[] {
  return [uniform(r, n, -10, 10), uniform(r, n, -100, 100), uniform(r, n, -1e4, 1e4)];
}

/**
 * Allowance for the f32 rounding of x_j - max (half an ulp, <= 2^-24 |x_j - max|), which becomes a
 * relative error of exp(x_j - max) in any f32 implementation (torch's too). Unmasked max only.
 */
function subSlack(x: Float32Array, mask?: Uint8Array): Float32Array {
  let m = -Infinity;
  for (let j = 0; j < x.length; j++) if (!mask || mask[j]) m = Math.max(m, x[j]);
  return x.map((v) => Math.abs(v - m) * 2 ** -24);
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

test('softmax matches the reference (normalised, and elementwise relative beyond the rounding of x - max), and in place', async () => {
  const rt = await runtime();
  const r = rng(40);
  for (const n of NS) for (const x of inputs(r, n)) {
    const want = new Float32Array(n);
    ref.softmax(want, x, n);
    const A = new Arena(rt);
    const xp = A.f32(x), out = A.out(n);
    rt.k.softmax(out, xp, n);
    const got = A.read(out, n);
    const e = worst.see('softmax norm', normErr(got, want));
    const rel = worst.see('softmax rel (beyond input rounding)', relErrBeyond(got, want, subSlack(x)));
    assert.ok(e <= TOL && rel <= TOL, `n=${n}: error ${e}, relative ${rel}`);
    rt.k.softmax(xp, xp, n);
    assert.ok(same(A.read(xp, n), got), `n=${n} in place`);
    A.done();
  }
});

test('softmax: exp is accurate to 1e-6 relative over its whole range (x - max in [-87.3, 0])', async () => {
  const rt = await runtime();
  const n = 100001;
  // one 0 (the max) and the rest spread over [-87.3, -20], so the sum is 1 + O(1e-9) and
  // out_j = exp(x_j) / sum tests exp itself
  const x = new Float32Array(n);
  for (let j = 1; j < n; j++) x[j] = -20 - (67.3 * j) / n;
  const want = new Float32Array(n);
  ref.softmax(want, x, n);
  const A = new Arena(rt);
  const out = A.out(n);
  rt.k.softmax(out, A.f32(x), n);
  const rel = worst.see('exp rel (via softmax)', relErr(A.read(out, n), want));
  assert.ok(rel <= TOL, `relative error ${rel}`);
  // and near 0, where the polynomial does the work
  const y = uniform(rng(41), 4096, -0.5, 0.5);
  const want2 = new Float32Array(y.length);
  ref.softmax(want2, y, y.length);
  const out2 = A.out(y.length);
  rt.k.softmax(out2, A.f32(y), y.length);
  const rel2 = worst.see('softmax rel', relErr(A.read(out2, y.length), want2));
  assert.ok(rel2 <= TOL, `relative error near 0: ${rel2}`);
  A.done();
});

test('softmax: edge cases follow the reference (one element, equal values, -inf, NaN, all -inf)', async () => {
  const rt = await runtime();
  const cases = [[5], [3, 3, 3, 3, 3], [0, -Infinity, 1, -Infinity, 2], [1, NaN, 2],
    [-Infinity, -Infinity, -Infinity], [Infinity, 1, 2], [1e30, -1e30, 0, 1e30, 5, 6, 7]];
  for (const c of cases) {
    const x = new Float32Array(c);
    const want = new Float32Array(x.length);
    ref.softmax(want, x, x.length);
    const A = new Arena(rt);
    const out = A.out(x.length);
    rt.k.softmax(out, A.f32(x), x.length);
    const got = A.read(out, x.length);
    assert.ok(normErr(got, want) <= TOL, `softmax(${c}) = ${Array.from(got)}, want ${Array.from(want)}`);
    A.done();
  }
});

test('masked_softmax matches the reference, masked positions exactly 0, and in place', async () => {
  const rt = await runtime();
  const r = rng(42);
  for (const n of NS) for (const density of [0.1, 0.5, 0.9, 1]) for (const x of inputs(r, n)) {
    const mask = new Uint8Array(n).map(() => (r() < density ? 1 + Math.floor(r() * 255) : 0));
    const want = new Float32Array(n);
    ref.masked_softmax(want, x, mask, n);
    const A = new Arena(rt);
    const xp = A.f32(x), mp = A.u8(mask), out = A.out(n);
    rt.k.masked_softmax(out, xp, mp, n);
    const got = A.read(out, n);
    const e = worst.see('masked_softmax norm', normErr(got, want));
    const rel = worst.see('masked_softmax rel (beyond input rounding)', relErrBeyond(got, want, subSlack(x, mask)));
    assert.ok(e <= TOL && rel <= TOL, `n=${n} density=${density}: error ${e}, relative ${rel}`);
    for (let j = 0; j < n; j++) if (!mask[j]) assert.ok(Object.is(got[j], 0), `n=${n}: masked out[${j}] = ${got[j]}`);
    rt.k.masked_softmax(xp, xp, mp, n);
    assert.ok(same(A.read(xp, n), got), `n=${n} in place`);
    A.done();
  }
});

test('masked_softmax: all masked gives zeros; one unmasked gives 1; unmasked all -inf gives zeros; NaN stays unmasked', async () => {
  const rt = await runtime();
  for (const n of SIZES) {
    const x = uniform(rng(n), n, -5, 5);
    const A = new Arena(rt);
    const xp = A.f32(x), out = A.out(n);
    rt.k.masked_softmax(out, xp, A.u8(new Uint8Array(n)), n);
    assert.ok(same(A.read(out, n), new Float32Array(n)), `n=${n}: all masked`);
    const one = new Uint8Array(n); one[n - 1] = 1;
    rt.k.masked_softmax(out, xp, A.u8(one), n);
    const want = new Float32Array(n); want[n - 1] = 1;
    assert.ok(same(A.read(out, n), want), `n=${n}: one unmasked`);
    const ninf = A.f32(new Float32Array(n).fill(-Infinity));
    rt.k.masked_softmax(out, ninf, A.u8(new Uint8Array(n).fill(1)), n);
    assert.ok(same(A.read(out, n), new Float32Array(n)), `n=${n}: all -inf`);
    A.done();
  }
  const x = new Float32Array([1, NaN, 2, 3, 4, 5, 6, 7, 8]), mask = new Uint8Array([1, 1, 0, 1, 0, 1, 0, 0, 1]);
  const want = new Float32Array(x.length);
  ref.masked_softmax(want, x, mask, x.length);
  const A = new Arena(rt);
  const out = A.out(x.length);
  rt.k.masked_softmax(out, A.f32(x), A.u8(mask), x.length);
  assert.ok(same(A.read(out, x.length), want), `NaN: ${Array.from(A.read(out, x.length))}`);
  A.done();
});

test('log_softmax and logsumexp match the reference; log_softmax in place', async () => {
  const rt = await runtime();
  const r = rng(43);
  for (const n of NS) for (const x of inputs(r, n)) {
    const want = new Float32Array(n);
    ref.log_softmax(want, x, n);
    const A = new Arena(rt);
    const xp = A.f32(x), out = A.out(n);
    rt.k.log_softmax(out, xp, n);
    const got = A.read(out, n);
    const e = worst.see('log_softmax norm', normErr(got, want));
    assert.ok(e <= TOL, `log_softmax n=${n}: error ${e}`);
    // elementwise against the f64 value itself, normalised by its size
    const el = worst.see('log_softmax elementwise', Math.max(...Array.from(got, (g, j) => Math.abs(g - want[j]) / (1 + Math.abs(want[j])))));
    assert.ok(el <= TOL, `log_softmax n=${n}: elementwise error ${el}`);
    const lse = rt.k.logsumexp(xp, n), wantLse = ref.logsumexp(x, n);
    const el2 = worst.see('logsumexp', Math.abs(lse - wantLse) / (1 + Math.abs(wantLse)));
    assert.ok(el2 <= TOL, `logsumexp n=${n}: ${lse} vs ${wantLse}`);
    rt.k.log_softmax(xp, xp, n);
    assert.ok(same(A.read(xp, n), got), `n=${n} in place`);
    A.done();
  }
});

test('logsumexp and log_softmax: edge cases follow the reference', async () => {
  const rt = await runtime();
  const cases = [[], [5], [-Infinity, -Infinity], [Infinity, 1], [NaN, 1], [Infinity, NaN], [-Infinity, 0, -Infinity, 3],
    [88, 88, 88, 88, 88], [-1e30, 1e30]];
  for (const c of cases) {
    const x = new Float32Array(c);
    const A = new Arena(rt);
    const xp = A.f32(x.length ? x : [0]);
    const got = rt.k.logsumexp(xp, x.length), want = ref.logsumexp(x, x.length);
    assert.ok(Object.is(got, want) || Math.abs(got - want) <= TOL * (1 + Math.abs(want)), `logsumexp(${c}) = ${got}, want ${want}`);
    if (x.length) {
      const out = A.out(x.length);
      rt.k.log_softmax(out, xp, x.length);
      const w = new Float32Array(x.length);
      ref.log_softmax(w, x, x.length);
      assert.ok(normErr(A.read(out, x.length), w) <= TOL, `log_softmax(${c}) = ${Array.from(A.read(out, x.length))}, want ${Array.from(w)}`);
    }
    A.done();
  }
});

test('argmax matches the reference: random, ties (first wins), NaN skipped, all NaN gives 0, n = 0 gives -1', async () => {
  const rt = await runtime();
  const r = rng(44);
  const check = (x: Float32Array, what: string) => {
    const A = new Arena(rt);
    const got = rt.k.argmax(A.f32(x.length ? x : [0]), x.length);
    A.done();
    assert.is(got, ref.argmax(x, x.length), `${what} (n=${x.length})`);
  };
  for (const n of NS) {
    check(uniform(r, n), 'random');
    check(new Float32Array(n).map(() => Math.floor(r() * 4)), 'ties');
    check(new Float32Array(n).fill(7), 'all equal');
    check(new Float32Array(n).map(() => (r() < 0.3 ? NaN : Math.floor(r() * 4))), 'NaN and ties');
    check(new Float32Array(n).fill(NaN), 'all NaN');
    check(new Float32Array(n).map(() => (r() < 0.5 ? NaN : -Infinity)), 'NaN and -inf');
    check(new Float32Array(n).map((_, j) => j), 'increasing');
    check(new Float32Array(n).map(() => (r() < 0.5 ? -0 : 0)), '-0 and +0');
  }
  check(new Float32Array([]), 'empty');
  assert.is(ref.argmax(new Float32Array([NaN, NaN]), 2), 0);
  assert.is(ref.argmax(new Float32Array([NaN, 1, 3, 3]), 4), 2);
});

test('topk matches the reference: k = 1 .. n, ties by lower index, NaN and -inf, sorted inputs', async () => {
  const rt = await runtime();
  const r = rng(45);
  const check = (x: Float32Array, k: number, what: string) => {
    const n = x.length;
    const A = new Arena(rt);
    const ip = A.out(Math.max(k, 1)), vp = A.out(Math.max(k, 1));
    rt.k.topk(ip, vp, A.f32(x), n, k);
    const gi = A.readI32(ip, k), gv = A.read(vp, k);
    A.done();
    const wi = new Int32Array(k), wv = new Float32Array(k);
    ref.topk(wi, wv, x, n, k);
    assert.ok(same(gi, wi) && same(gv, wv), `${what} n=${n} k=${k}: ${Array.from(gi).slice(0, 8)} vs ${Array.from(wi).slice(0, 8)}`);
  };
  let cases = 0;
  for (const n of NS) for (const k of [...SIZES, n]) {
    if (k > n) continue;
    check(uniform(r, n), k, 'random');
    check(new Float32Array(n).map(() => Math.floor(r() * 5)), k, 'ties');
    check(new Float32Array(n).map((_, j) => j), k, 'ascending (every element enters)');
    check(new Float32Array(n).map((_, j) => -j), k, 'descending');
    check(new Float32Array(n).map(() => (r() < 0.2 ? NaN : r() < 0.2 ? -Infinity : Math.floor(r() * 3))), k, 'NaN, -inf, ties');
    cases += 5;
  }
  check(new Float32Array([NaN, NaN, 1, NaN]), 2, 'NaN first');
  check(new Float32Array([NaN, NaN, NaN]), 3, 'all NaN');
  check(new Float32Array(9).fill(2), 4, 'all equal');
  assert.ok(cases > 500, `${cases} cases`);
});

test('topk: k > n is clamped to n, k = 0 writes nothing', async () => {
  const rt = await runtime();
  const A = new Arena(rt);
  const x = A.f32([1, 3, 2]);
  const ip = A.out(5), vp = A.out(5);
  rt.k.topk(ip, vp, x, 3, 5);
  assert.equal(Array.from(A.readI32(ip, 3)), [1, 2, 0]);
  assert.ok(Number.isNaN(A.read(vp, 5)[3]), 'slot 3 untouched');
  const jp = A.out(1);
  rt.k.topk(jp, jp, x, 3, 0);
  assert.ok(Number.isNaN(A.read(jp, 1)[0]), 'k = 0 untouched');
  A.done();
});

test.after(() => worst.report('softmax'));
test.run();
