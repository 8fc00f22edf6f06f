// assembly/matvec.ts vs src/reference/kernels.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { packF32 } from '../../src/layers/linear.js';
import { Arena, SIZES, Worst, normErr, rng, uniform } from './util.js';

const TOL = 1e-6; // max |a - b| / (1 + max |b|)
const worst = new Worst();

test('matvec matches the reference for every rows x cols in SIZES, with and without bias', async () => {
  const rt = await runtime();
  const r = rng(1);
  for (const rows of SIZES) for (const cols of SIZES) for (const withBias of [true, false]) {
    const W = uniform(r, rows * cols), x = uniform(r, cols), b = uniform(r, rows);
    const A = new Arena(rt);
    const out = A.out(rows);
    rt.k.matvec(out, A.f32(W), A.f32(x), withBias ? A.f32(b) : 0, rows, cols);
    const want = new Float32Array(rows);
    ref.matvec(want, W, x, withBias ? b : null, rows, cols);
    const e = worst.see('matvec', normErr(A.read(out, rows), want));
    A.done();
    assert.ok(e <= TOL, `matvec rows=${rows} cols=${cols} bias=${withBias}: error ${e}`);
  }
});

test('matvec: unaligned x and W, cols = 0, large magnitudes', async () => {
  const rt = await runtime();
  const r = rng(2);
  for (const [rows, cols] of [[5, 9], [8, 33], [13, 1000]]) {
    const W = uniform(r, rows * cols, -100, 100), x = uniform(r, cols, -1e3, 1e3), b = uniform(r, rows);
    const A = new Arena(rt);
    // offset by one float: neither W nor x is 16-byte aligned
    const Wp = A.f32(new Float32Array(rows * cols + 1)) + 4, xp = A.f32(new Float32Array(cols + 1)) + 4;
    rt.F32.set(W, Wp >> 2); rt.F32.set(x, xp >> 2);
    const out = A.out(rows);
    rt.k.matvec(out, Wp, xp, A.f32(b), rows, cols);
    const want = new Float32Array(rows);
    ref.matvec(want, W, x, b, rows, cols);
    const e = worst.see('matvec', normErr(A.read(out, rows), want));
    A.done();
    assert.ok(e <= TOL, `unaligned rows=${rows} cols=${cols}: error ${e}`);
  }
  const A = new Arena(rt);
  const out = A.out(3);
  rt.k.matvec(out, 0, 0, A.f32([1, 2, 3]), 3, 0);
  assert.equal(Array.from(A.read(out, 3)), [1, 2, 3], 'cols = 0 gives the bias');
  A.done();
});

test('matmul matches the reference over n x rows x cols in SIZES', async () => {
  const rt = await runtime();
  const r = rng(3);
  let cases = 0;
  for (const n of SIZES) for (const rows of SIZES) for (const cols of SIZES) {
    // every size in every dimension, but keep the f64 reference under ~4M multiply-adds a case
    if (n * rows * cols > 4e6) continue;
    const withBias = (n + rows + cols) % 2 === 0;
    const X = uniform(r, n * cols), W = uniform(r, rows * cols), b = uniform(r, rows);
    const A = new Arena(rt);
    const out = A.out(n * rows);
    rt.k.matmul(out, A.f32(X), A.f32(W), withBias ? A.f32(b) : 0, n, rows, cols);
    const want = new Float32Array(n * rows);
    ref.matmul(want, X, W, withBias ? b : null, n, rows, cols);
    const e = worst.see('matmul', normErr(A.read(out, n * rows), want));
    A.done();
    cases++;
    assert.ok(e <= TOL, `matmul n=${n} rows=${rows} cols=${cols} bias=${withBias}: error ${e}`);
  }
  assert.ok(cases > 1000, `${cases} cases`);
});

test('matmul with n = 1 is bitwise matvec (same summation order); n >= 2 pairs inputs and agrees to rounding', async () => {
  const rt = await runtime();
  const r = rng(4);
  const [rows, cols] = [33, 257];
  const X = uniform(r, 3 * cols), W = uniform(r, rows * cols), b = uniform(r, rows);
  const A = new Arena(rt);
  const Wp = A.f32(W), bp = A.f32(b), Xp = A.f32(X);
  const out = A.out(3 * rows), one = A.out(rows);
  rt.k.matmul(out, Xp, Wp, bp, 1, rows, cols);
  rt.k.matvec(one, Wp, Xp, bp, rows, cols);
  assert.equal(Array.from(A.read(out, rows)), Array.from(A.read(one, rows)));
  rt.k.matmul(out, Xp, Wp, bp, 3, rows, cols);
  for (let i = 0; i < 3; i++) {
    rt.k.matvec(one, Wp, Xp + i * cols * 4, bp, rows, cols);
    const e = normErr(A.read(out, 3 * rows).subarray(i * rows, (i + 1) * rows), A.read(one, rows));
    assert.ok(e <= TOL, `row ${i}: ${e}`);
  }
  A.done();
});

test('matmul_rowbias matches the reference (separate B and B = out) and equals matmul when every B row is b', async () => {
  const rt = await runtime();
  const r = rng(5);
  let cases = 0;
  for (const n of SIZES) for (const rows of SIZES) for (const cols of SIZES) {
    if (n * rows * cols > 2e6 || (n + rows + cols) % 3 !== 0) continue;
    const X = uniform(r, n * cols), W = uniform(r, rows * cols), B = uniform(r, n * rows);
    const A = new Arena(rt);
    const Xp = A.f32(X), Wp = A.f32(W);
    const want = new Float32Array(n * rows);
    ref.matmul_rowbias(want, X, W, B, n, rows, cols);
    const out = A.out(n * rows);
    rt.k.matmul_rowbias(out, Xp, Wp, A.f32(B), n, rows, cols);
    const e1 = worst.see('matmul_rowbias', normErr(A.read(out, n * rows), want));
    const inPlace = A.f32(B); // B = out: gathered table rows, then the product added
    rt.k.matmul_rowbias(inPlace, Xp, Wp, inPlace, n, rows, cols);
    const e2 = worst.see('matmul_rowbias', normErr(A.read(inPlace, n * rows), want));
    A.done();
    cases++;
    assert.ok(e1 <= TOL && e2 <= TOL, `matmul_rowbias n=${n} rows=${rows} cols=${cols}: error ${e1}, in place ${e2}`);
  }
  assert.ok(cases > 200, `${cases} cases`);
  // a bias row per input equal to b gives matmul's result bitwise (same summation order)
  const [n, rows, cols] = [5, 33, 257];
  const X = uniform(r, n * cols), W = uniform(r, rows * cols), b = uniform(r, rows);
  const B = new Float32Array(n * rows);
  for (let i = 0; i < n; i++) B.set(b, i * rows);
  const A = new Arena(rt);
  const Xp = A.f32(X), Wp = A.f32(W);
  const o1 = A.out(n * rows), o2 = A.out(n * rows);
  rt.k.matmul(o1, Xp, Wp, A.f32(b), n, rows, cols);
  rt.k.matmul_rowbias(o2, Xp, Wp, A.f32(B), n, rows, cols);
  assert.equal(Array.from(A.read(o2, n * rows)), Array.from(A.read(o1, n * rows)));
  const c0 = A.out(2 * rows);
  rt.k.matmul_rowbias(c0, 0, 0, A.f32(B.subarray(0, 2 * rows)), 2, rows, 0);
  assert.equal(Array.from(A.read(c0, 2 * rows)), Array.from(B.subarray(0, 2 * rows)), 'cols = 0 gives B');
  A.done();
});

test('packed layout: packRowsF32 places every element once; padding rows are zero', () => {
  for (const [rows, cols] of [[1, 1], [5, 7], [8, 33], [3, 16], [6, 40]]) {
    const W = new Float32Array(rows * cols).map((_, i) => i + 1);
    const P = ref.packRowsF32(W, rows, cols);
    assert.is(P.length, ((rows + 3) & ~3) * cols);
    const seen = new Set<number>();
    for (let r = 0; r < ((rows + 3) & ~3); r++) for (let c = 0; c < cols; c++) seen.add(ref.packedIndex(r, c, cols));
    assert.is(seen.size, P.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.is(P[ref.packedIndex(r, c, cols)], W[r * cols + c]);
  }
});

test('packF32 (Linear\'s packing) is packRowsF32 bit for bit, odd shapes, W at an offset, NaN payloads and -0 kept', () => {
  const rand = rng(11);
  for (const [rows, cols] of [[1, 1], [3, 15], [4, 16], [5, 17], [7, 33], [9, 64], [13, 100], [2, 0]]) {
    const W = new Float32Array(rows * cols + 3).subarray(3);
    W.set(uniform(rand, W.length, -2, 2));
    const bits = new Uint32Array(W.buffer, W.byteOffset, W.length);
    if (W.length > 2) { bits[0] = 0x7fc01234; bits[W.length - 1] = 0x80000000; } // a NaN with a payload, -0
    const want = new Uint32Array(ref.packRowsF32(W, rows, cols).buffer), got = new Uint32Array(packF32(W, rows, cols).buffer);
    if (W.length > 2) { // the reference copies through JS numbers: keep its NaN payload out of the comparison
      const i = ref.packedIndex(0, 0, cols);
      assert.is(got[i], 0x7fc01234, `${rows}x${cols}: NaN payload`);
      want[i] = got[i];
    }
    assert.equal(got, want, `${rows}x${cols}`);
  }
});

test('matvec_packed, matmul_packed, matmul_packed_rowbias match the reference over SIZES; bitwise the row-major kernels when rows % 4 == 0', async () => {
  const rt = await runtime();
  const r = rng(6);
  let cases = 0;
  for (const n of [1, 2, 3, 5, 16]) for (const rows of SIZES) for (const cols of SIZES) {
    if (n * rows * cols > 2e6) continue;
    const X = uniform(r, n * cols), W = uniform(r, rows * cols), b = uniform(r, rows), B = uniform(r, n * rows);
    const A = new Arena(rt);
    const Xp = A.f32(X), Wp = A.f32(ref.packRowsF32(W, rows, cols)), bp = A.f32(b);
    const out = A.out(n * rows);
    if (n === 1) rt.k.matvec_packed(out, Wp, Xp, bp, rows, cols);
    else rt.k.matmul_packed(out, Xp, Wp, bp, n, rows, cols);
    const want = new Float32Array(n * rows);
    ref.matmul(want, X, W, b, n, rows, cols);
    const e = worst.see('matmul_packed', normErr(A.read(out, n * rows), want));
    assert.ok(e <= TOL, `packed n=${n} rows=${rows} cols=${cols}: error ${e}`);
    const inPlace = A.f32(B);
    rt.k.matmul_packed_rowbias(inPlace, Xp, Wp, inPlace, n, rows, cols);
    const wantB = new Float32Array(n * rows);
    ref.matmul_rowbias(wantB, X, W, B, n, rows, cols);
    const eB = worst.see('matmul_packed_rowbias', normErr(A.read(inPlace, n * rows), wantB));
    assert.ok(eB <= TOL, `packed rowbias n=${n} rows=${rows} cols=${cols}: error ${eB}`);
    if (rows % 4 === 0) {
      const rm = A.out(n * rows), Wr = A.f32(W);
      if (n === 1) rt.k.matvec(rm, Wr, Xp, bp, rows, cols);
      else rt.k.matmul(rm, Xp, Wr, bp, n, rows, cols);
      assert.equal(Array.from(A.read(out, n * rows)), Array.from(A.read(rm, n * rows)), `bitwise n=${n} rows=${rows} cols=${cols}`);
    }
    A.done();
    cases++;
  }
  assert.ok(cases > 400, `${cases} cases`);
});

test.after(() => worst.report('matvec'));
test.run();
