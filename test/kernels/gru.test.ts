// assembly/gru.ts vs src/reference/kernels.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, Worst, absErr, cellShapes, preactivations, rng, scaledErr, uniform } from './util.js';

// Outputs are bounded (gates in (0, 1), tanh and h in [-1, 1]), so the error is absolute, but
// normalised per element by the size of the tanh argument's terms: the f32 sum gi_n + r gh_n
// alone rounds by ~6e-8 |terms|, which no f32 kernel (nor PyTorch) avoids.
const TOL = 1e-6;
const worst = new Worst();

/** |gi_n| + |gh_n| per state element (n, H): the magnitude entering tanh. */
function tanhTerms(gi: Float32Array, other: Float32Array, otherStride: number, otherOffset: number, H: number, n: number): Float32Array {
  const s = new Float32Array(n * H);
  for (let i = 0; i < n; i++) for (let k = 0; k < H; k++) {
    s[i * H + k] = Math.abs(gi[i * 3 * H + 2 * H + k]) + Math.abs(other[i * otherStride + otherOffset + k]);
  }
  return s;
}

test('gru_reset_after matches the reference (and h_out = h_prev)', async () => {
  const rt = await runtime();
  const r = rng(20);
  for (const [H, n] of cellShapes()) {
    const gi = preactivations(r, n * 3 * H), gh = preactivations(r, n * 3 * H), h = uniform(r, n * H);
    const want = new Float32Array(n * H);
    ref.gru_reset_after(want, gi, gh, h, H, n);
    const A = new Arena(rt);
    const gip = A.f32(gi), ghp = A.f32(gh), hp = A.f32(h), out = A.out(n * H);
    rt.k.gru_reset_after(out, gip, ghp, hp, H, n);
    const terms = tanhTerms(gi, gh, 3 * H, 2 * H, H, n);
    const e = worst.see('gru_reset_after', scaledErr(A.read(out, n * H), want, terms));
    assert.ok(e <= TOL, `H=${H} n=${n}: error ${e}`);
    rt.k.gru_reset_after(hp, gip, ghp, hp, H, n);
    const e2 = scaledErr(A.read(hp, n * H), want, terms);
    assert.ok(e2 <= TOL, `H=${H} n=${n} in place: error ${e2}`);
    A.done();
  }
});

test('gru_reset_before_gates + matvec + gru_reset_before_update match the reference (and h_out = h_prev)', async () => {
  const rt = await runtime();
  const r = rng(21);
  for (const [H, n] of cellShapes()) {
    const gi = preactivations(r, n * 3 * H), ghrz = preactivations(r, n * 2 * H), h = uniform(r, n * H);
    const wantRh = new Float32Array(n * H), wantZ = new Float32Array(n * H);
    ref.gru_reset_before_gates(wantRh, wantZ, gi, ghrz, h, H, n);
    const A = new Arena(rt);
    const gip = A.f32(gi), hp = A.f32(h), rh = A.out(n * H), z = A.out(n * H);
    rt.k.gru_reset_before_gates(rh, z, gip, A.f32(ghrz), hp, H, n);
    const gotRh = A.read(rh, n * H), gotZ = A.read(z, n * H);
    const e = worst.see('gru_reset_before_gates', Math.max(absErr(gotRh, wantRh), absErr(gotZ, wantZ)));
    assert.ok(e <= TOL, `gates H=${H} n=${n}: error ${e}`);

    // u = W_hn (r h) + b_hn would come from matmul; any (n, H) values exercise the update
    const u = preactivations(r, n * H);
    const want = new Float32Array(n * H);
    ref.gru_reset_before_update(want, gi, u, gotZ, h, H, n);
    const out = A.out(n * H);
    const up = A.f32(u);
    rt.k.gru_reset_before_update(out, gip, up, z, hp, H, n);
    const terms = tanhTerms(gi, u, H, 0, H, n);
    const e2 = worst.see('gru_reset_before_update', scaledErr(A.read(out, n * H), want, terms));
    assert.ok(e2 <= TOL, `update H=${H} n=${n}: error ${e2}`);
    rt.k.gru_reset_before_update(hp, gip, up, z, hp, H, n);
    const e3 = scaledErr(A.read(hp, n * H), want, terms);
    assert.ok(e3 <= TOL, `update H=${H} n=${n} in place: error ${e3}`);
    A.done();
  }
});

test('gru kernels: saturated gates (|pre-activation| up to 1e30) give finite h, no NaN', async () => {
  const rt = await runtime();
  const H = 13, n = 3;
  const r = rng(22);
  const big = [1e30, -1e30, 1e4, -1e4, 60, -60, 0];
  const gi = new Float32Array(n * 3 * H).map(() => big[Math.floor(r() * big.length)]);
  const gh = new Float32Array(n * 3 * H).map(() => big[Math.floor(r() * big.length)]);
  const h = uniform(r, n * H);
  const want = new Float32Array(n * H);
  ref.gru_reset_after(want, gi, gh, h, H, n);
  const A = new Arena(rt);
  const out = A.out(n * H);
  rt.k.gru_reset_after(out, A.f32(gi), A.f32(gh), A.f32(h), H, n);
  const got = A.read(out, n * H);
  assert.ok(got.every(Number.isFinite), 'finite');
  const e = scaledErr(got, want, tanhTerms(gi, gh, 3 * H, 2 * H, H, n));
  assert.ok(e <= TOL, `error ${e}`);
  A.done();
});

test.after(() => worst.report('gru'));
test.run();
