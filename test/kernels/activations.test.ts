// assembly/activations.ts vs src/reference/kernels.ts, plus the accuracy of the SIMD tanh/sigmoid
// helpers of assembly/simd.ts on dense grids (sigmoid is reached through gru_reset_before_gates
// with h_prev = 1, where rh_out = sigmoid(gi_r + gh_r) exactly).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, SIZES, Worst, absErr, relErr, rng, uniform } from './util.js';

const worst = new Worst();

/** -lim..lim in `steps` steps, plus values every helper branch cares about. */
function grid(lim: number, steps: number): Float32Array {
  const v: number[] = [];
  for (let i = 0; i <= steps; i++) v.push(-lim + (2 * lim * i) / steps);
  for (const s of [1, -1]) {
    for (const a of [0, 1e-30, 1e-8, 1e-4, 0.1, 0.6249, 0.625, 0.62501, 1, 4.5, 7.94, 7.95, 8.99, 9, 9.0001, 9.0999, 9.1, 9.2, 10, 20, 43.6,
      44, 87.3, 87.34, 88.3, 88.4, 88.8, 89, 100, 1e4, 1e10, 1e30, 3.4e38, Infinity]) v.push(s * a);
  }
  return new Float32Array(v);
}

test('tanh_inplace: absolute error <= 4e-7 on a dense grid of [-50, 50] and at the edges, relative <= 4e-7 near 0; +-1 exactly for |x| >= 9', async () => {
  const rt = await runtime();
  const x = grid(50, 200001);
  const A = new Arena(rt);
  const p = A.f32(x);
  rt.k.tanh_inplace(p, x.length);
  const got = A.read(p, x.length);
  const want = x.slice(); ref.tanh_inplace(want, want.length);
  const e = worst.see('tanh abs', absErr(got, want));
  assert.ok(e <= 4e-7, `tanh abs error ${e}`);
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]) >= 9) assert.is(got[i], Math.sign(x[i]), `tanh(${x[i]})`);
    assert.ok(Math.abs(got[i]) <= 1, `|tanh(${x[i]})| <= 1`);
    if (x[i] !== 0 && Math.abs(x[i]) < 0.1) {
      const r = Math.abs(got[i] - Math.tanh(x[i])) / Math.abs(Math.tanh(x[i]));
      assert.ok(r <= 4e-7, `tanh(${x[i]}) relative error ${r}`);
    }
    if (x[i] !== 0) assert.is(Math.sign(got[i]), Math.sign(x[i]), `sign of tanh(${x[i]})`);
  }
  // odd, and finite everywhere on finite input
  for (let i = 0; i < x.length; i++) assert.ok(Number.isFinite(got[i]));
  A.done();
});

test('tanh_inplace: NaN stays NaN; every n in SIZES (SIMD body and scalar tail) matches the reference', async () => {
  const rt = await runtime();
  const A = new Arena(rt);
  const p = A.f32([NaN, 1, NaN, -2, 0.5]);
  rt.k.tanh_inplace(p, 5);
  const got = A.read(p, 5);
  assert.ok(Number.isNaN(got[0]) && Number.isNaN(got[2]));
  A.done();
  const r = rng(10);
  for (const n of SIZES) {
    const x = uniform(r, n, -6, 6);
    const B = new Arena(rt);
    const q = B.f32(x);
    // the element after the end must not be touched
    const guard = B.f32([12345]);
    rt.k.tanh_inplace(q, n);
    const want = x.slice(); ref.tanh_inplace(want, n);
    const e = worst.see('tanh abs', absErr(B.read(q, n), want));
    assert.ok(e <= 1e-6, `n=${n}: error ${e}`);
    assert.is(B.read(guard, 1)[0], 12345);
    B.done();
  }
});

test('sigmoid (via gru_reset_before_gates, h = 1): absolute error <= 1e-6, relative <= 1e-6 down to 1e-38, no NaN up to |x| = 1e30', async () => {
  const rt = await runtime();
  const x = grid(100, 100001);
  const H = x.length;
  const gi = new Float32Array(3 * H);
  gi.set(x, 0);                                  // r gate input
  gi.set(x.map((v) => -v), H);                   // z gate input
  const A = new Arena(rt);
  const rh = A.out(H), z = A.out(H);
  rt.k.gru_reset_before_gates(rh, z, A.f32(gi), A.f32(new Float32Array(2 * H)), A.f32(new Float32Array(H).fill(1)), H, 1);
  const r = A.read(rh, H), zz = A.read(z, H);
  const want = x.map(ref.sigmoid), wantZ = x.map((v) => ref.sigmoid(-v));
  const e = worst.see('sigmoid abs', Math.max(absErr(r, want), absErr(zz, wantZ)));
  assert.ok(e <= 1e-6, `sigmoid abs error ${e}`);
  // relative accuracy where sigmoid(x) is a normal f32 and exp(-x) is below the saturation point
  const inRange = (v: number) => v >= -87.3;
  const rel = worst.see('sigmoid rel (x >= -87.3)', relErr(r.filter((_, i) => inRange(x[i])), want.filter((_, i) => inRange(x[i]))));
  assert.ok(rel <= 1e-6, `sigmoid rel error ${rel}`);
  for (let i = 0; i < H; i++) {
    if (Number.isNaN(x[i])) continue;
    assert.ok(r[i] >= 0 && r[i] <= 1, `sigmoid(${x[i]}) = ${r[i]}`);
  }
  A.done();
});

test('maxout matches the reference for every L in SIZES, and in place', async () => {
  const rt = await runtime();
  const r = rng(11);
  for (const L of SIZES) {
    const x = uniform(r, 2 * L, -3, 3);
    const want = new Float32Array(L);
    ref.maxout(want, x, L);
    const A = new Arena(rt);
    const xp = A.f32(x), out = A.out(L);
    rt.k.maxout(out, xp, L);
    assert.equal(Array.from(A.read(out, L)), Array.from(want), `L=${L}`);
    rt.k.maxout(xp, xp, L); // out = x
    assert.equal(Array.from(A.read(xp, L)), Array.from(want), `L=${L} in place`);
    A.done();
  }
});

test('maxout: NaN propagates, max(-0, +0) = +0, infinities', async () => {
  const rt = await runtime();
  const x = [NaN, 1, 2, NaN, -0, 0, 0, -0, -Infinity, -1e30, Infinity, NaN, 3, 3, -5, -7, 1, NaN];
  const L = x.length / 2;
  const want = new Float32Array(L);
  ref.maxout(want, new Float32Array(x), L);
  const A = new Arena(rt);
  const out = A.out(L);
  rt.k.maxout(out, A.f32(x), L);
  const got = A.read(out, L);
  for (let k = 0; k < L; k++) assert.ok(Object.is(got[k], want[k]), `out[${k}] = ${got[k]}, want ${want[k]}`);
  A.done();
});

test.after(() => worst.report('activations'));
test.run();
