// assembly/lstm.ts vs src/reference/kernels.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, Worst, cellShapes, preactivations, rng, scaledErr, uniform } from './util.js';

// Gates are in (0, 1) and |h| <= 1, but c' = f c + i g is not bounded by 1, so errors are
// normalised per element by the size of what was summed: the tanh argument of g (|gi_g| + |gh_g|,
// which rounds by ~6e-8 of it in f32 before any kernel sees it) plus |c_prev|.
const TOL = 1e-6;
const worst = new Worst();

/** Per state element (n, H): |gi_g| + |gh_g| + |c_prev|. */
function terms(gi: Float32Array, gh: Float32Array, c: Float32Array, H: number, n: number): Float32Array {
  const s = new Float32Array(n * H);
  for (let r = 0; r < n; r++) for (let k = 0; k < H; k++) {
    const g = r * 4 * H + 2 * H + k;
    s[r * H + k] = Math.abs(gi[g]) + Math.abs(gh[g]) + Math.abs(c[r * H + k]);
  }
  return s;
}

test('lstm_cell matches the reference, into fresh buffers and in place (c_out = c_prev, h_out = h_prev)', async () => {
  const rt = await runtime();
  const r = rng(30);
  for (const [H, n] of cellShapes()) {
    const gi = preactivations(r, n * 4 * H), gh = preactivations(r, n * 4 * H), c = uniform(r, n * H, -3, 3);
    const wantH = new Float32Array(n * H), wantC = new Float32Array(n * H);
    ref.lstm_cell(wantH, wantC, gi, gh, c, H, n);
    const s = terms(gi, gh, c, H, n);
    const A = new Arena(rt);
    const gip = A.f32(gi), ghp = A.f32(gh), cp = A.f32(c), ho = A.out(n * H), co = A.out(n * H);
    rt.k.lstm_cell(ho, co, gip, ghp, cp, H, n);
    const e = worst.see('lstm_cell', Math.max(scaledErr(A.read(ho, n * H), wantH, s), scaledErr(A.read(co, n * H), wantC, s)));
    assert.ok(e <= TOL, `H=${H} n=${n}: error ${e}`);
    // in place, as a layer steps its state: c and h overwritten where they were read
    const hp = A.f32(uniform(r, n * H));
    rt.k.lstm_cell(hp, cp, gip, ghp, cp, H, n);
    const e2 = Math.max(scaledErr(A.read(hp, n * H), wantH, s), scaledErr(A.read(cp, n * H), wantC, s));
    assert.ok(e2 <= TOL, `H=${H} n=${n} in place: error ${e2}`);
    A.done();
  }
});

test('lstm_cell: saturated gates (|pre-activation| up to 1e30) give finite h and c, no NaN', async () => {
  const rt = await runtime();
  const H = 13, n = 3;
  const r = rng(31);
  const big = [1e30, -1e30, 1e4, -1e4, 60, -60, 0];
  const gi = new Float32Array(n * 4 * H).map(() => big[Math.floor(r() * big.length)]);
  const gh = new Float32Array(n * 4 * H).map(() => big[Math.floor(r() * big.length)]);
  const c = uniform(r, n * H, -3, 3);
  const wantH = new Float32Array(n * H), wantC = new Float32Array(n * H);
  ref.lstm_cell(wantH, wantC, gi, gh, c, H, n);
  const A = new Arena(rt);
  const ho = A.out(n * H), co = A.out(n * H);
  rt.k.lstm_cell(ho, co, A.f32(gi), A.f32(gh), A.f32(c), H, n);
  const gotH = A.read(ho, n * H), gotC = A.read(co, n * H);
  assert.ok(gotH.every(Number.isFinite) && gotC.every(Number.isFinite), 'finite');
  // sums of huge values saturate the gates (or cancel to moderate ones); only c_prev carries scale
  const s = new Float32Array(n * H).map((_, i) => Math.abs(c[i]));
  const e = Math.max(scaledErr(gotH, wantH, s), scaledErr(gotC, wantC, s));
  assert.ok(e <= TOL, `error ${e}`);
  A.done();
});

test.after(() => worst.report('lstm'));
test.run();
