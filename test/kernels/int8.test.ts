// assembly/int8.ts vs src/reference/kernels.ts: int8 weights (per-row scales), inputs quantised per
// vector to 14 bits; every exact dot-product form of the running build (simd128: int16; relaxed-simd:
// int16 and dot-add) against the same reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime, type WasmRuntime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, SIZES, Worst, normErr, rng, uniform } from './util.js';

const TOL = 1e-6; // vs the reference, which quantises identically: only f32 rounding differs
const worst = new Worst();
/** The relaxed build's dot-product forms (int8_dot_form) that the runtime found exact; simd128 has one. */
const formsOf = (rt: WasmRuntime): number[] => rt.int8ExactForms.map((f) => f === 'dot-add' ? 1 : 0);
/** Runs f under every dot-product form of the build, then restores the one the runtime chose. */
function eachForm(rt: WasmRuntime, f: (form: number) => void): void {
  try { for (const form of formsOf(rt)) { rt.k.int8_dot_form(form); f(form); } }
  finally { rt.k.int8_dot_form(rt.int8DotForm === 'dot-add' ? 1 : 0); }
}

/** Wq (int8) and ws in Wasm memory. */
function upload(rt: WasmRuntime, A: Arena, W: Float32Array, rows: number, cols: number) {
  const { Wq, ws } = ref.quantizeRowsInt8(W, rows, cols);
  const q = A.u8(new Uint8Array(Wq.buffer, Wq.byteOffset, Wq.byteLength));
  return { Wq, ws, q, s: A.f32(ws) };
}

test('quantizeRowsInt8: |W - s q| <= s / 2 per row, max |q| = 127, zero rows stay zero, padding is zero, row sums follow the blocks', () => {
  const r = rng(20);
  const [rows, cols] = [7, 37];
  const W = uniform(r, rows * cols, -3, 3);
  W.fill(0, 2 * cols, 3 * cols); // row 2 all zero
  const { Wq, ws } = ref.quantizeRowsInt8(W, rows, cols);
  const cp = ref.paddedCols(cols);
  assert.is(cp, 48);
  assert.is(Wq.length, 8 * 48 + 8 * 4);
  assert.is(ref.int8PackedBytes(rows, cols), Wq.length);
  const k = new DataView(Wq.buffer, Wq.byteOffset + 8 * 48);
  for (let i = 0; i < 8; i++) {
    let sum = 0;
    for (let c = 0; c < cp; c++) sum += Wq[ref.int8Index(i, c, cp)];
    assert.is(k.getInt32(i * 4, true), sum, `row sum ${i}`);
  }
  for (let i = 0; i < 8; i++) {
    let m = 0;
    for (let c = 0; c < cp; c++) {
      const q = Wq[ref.int8Index(i, c, cp)];
      m = Math.max(m, Math.abs(q));
      if (i < rows && c < cols) assert.ok(Math.abs(W[i * cols + c] - ws[i] * q) <= ws[i] / 2 + 1e-7);
      else assert.is(q, 0, 'padding is zero');
    }
    assert.is(m, i === 2 || i >= rows ? 0 : 127);
  }
  assert.is(ws[2], 0);
  assert.is(ws[7], 0);
  // every byte of Wq is one (r, c)
  const seen = new Set<number>();
  for (let i = 0; i < 8; i++) for (let c = 0; c < cp; c++) seen.add(ref.int8Index(i, c, cp));
  assert.is(seen.size, 8 * 48);
});

test('matvec_i8 and matmul_i8 match the reference for every rows x cols in SIZES (n = 1, 2, 3, 5), with and without bias, in every dot-product form', async () => {
  const rt = await runtime();
  eachForm(rt, (form) => {
  const r = rng(21);
  for (const rows of SIZES) for (const cols of SIZES) {
    const A = new Arena(rt);
    const W = uniform(r, rows * cols), b = uniform(r, rows);
    const { Wq, ws, q, s } = upload(rt, A, W, rows, cols);
    const withBias = (rows + cols) % 2 === 0;
    const bp = withBias ? A.f32(b) : 0;
    const x = uniform(r, cols);
    const out = A.out(rows);
    rt.k.matvec_i8(out, q, s, A.f32(x), bp, rows, cols);
    const want = new Float32Array(rows);
    ref.matvec_i8(want, Wq, ws, x, withBias ? b : null, rows, cols);
    const e = worst.see('matvec_i8', normErr(A.read(out, rows), want));
    assert.ok(e <= TOL, `matvec_i8 form ${form} rows=${rows} cols=${cols}: error ${e}`);
    for (const n of [2, 3, 5]) {
      if (n * rows * cols > 2e6) continue;
      const X = uniform(r, n * cols, -4, 4);
      const o = A.out(n * rows);
      rt.k.matmul_i8(o, A.f32(X), q, s, bp, n, rows, cols);
      const w = new Float32Array(n * rows);
      ref.matmul_i8(w, X, Wq, ws, withBias ? b : null, n, rows, cols, null);
      const e2 = worst.see('matmul_i8', normErr(A.read(o, n * rows), w));
      assert.ok(e2 <= TOL, `matmul_i8 form ${form} n=${n} rows=${rows} cols=${cols}: error ${e2}`);
    }
    A.done();
  }
  });
});

test('relaxed-simd: the exact dot-product forms give bit-identical results (batch 16, odd shapes); the runtime uses an exact one', async () => {
  const rt = await runtime();
  assert.ok(rt.int8ExactForms.includes(rt.int8DotForm), `${rt.int8DotForm} of ${rt.int8ExactForms}`);
  if (rt.build !== 'relaxed-simd') { assert.equal(rt.int8ExactForms, ['int16']); return; }
  // V8 >= 12 (Node >= 22) computes both exactly; Node 20's flagged relaxed SIMD doubles the dot-add
  if (Number(process.versions.v8?.split('.')[0]) >= 12) assert.equal([...rt.int8ExactForms].sort(), ['dot-add', 'int16']);
  const r = rng(25);
  for (const [n, rows, cols] of [[16, 37, 300], [3, 4, 16], [17, 129, 1000], [2, 6, 1537]]) {
    const A = new Arena(rt);
    const W = uniform(r, rows * cols), X = uniform(r, n * cols, -3, 3), b = uniform(r, rows);
    const { q, s } = upload(rt, A, W, rows, cols);
    const got: number[][] = [];
    eachForm(rt, () => {
      const o = A.out(n * rows);
      rt.k.matmul_i8(o, A.f32(X), q, s, A.f32(b), n, rows, cols);
      got.push(Array.from(A.read(o, n * rows)));
    });
    for (const g of got) assert.equal(g, got[0], `n=${n} rows=${rows} cols=${cols}`);
    A.done();
  }
});

test('matmul_i8_rowbias matches the reference, with B separate and B = out; equals matmul_i8 when every B row is b', async () => {
  const rt = await runtime();
  const r = rng(22);
  for (const [n, rows, cols] of [[1, 1, 1], [1, 33, 257], [2, 5, 7], [3, 13, 31], [5, 64, 1000], [16, 255, 33]]) {
    const A = new Arena(rt);
    const W = uniform(r, rows * cols), X = uniform(r, n * cols), B = uniform(r, n * rows);
    const { Wq, ws, q, s } = upload(rt, A, W, rows, cols);
    const Xp = A.f32(X);
    const want = new Float32Array(n * rows);
    ref.matmul_i8_rowbias(want, X, Wq, ws, B, n, rows, cols);
    const o = A.out(n * rows);
    rt.k.matmul_i8_rowbias(o, Xp, q, s, A.f32(B), n, rows, cols);
    const inPlace = A.f32(B);
    rt.k.matmul_i8_rowbias(inPlace, Xp, q, s, inPlace, n, rows, cols);
    const e1 = worst.see('matmul_i8_rowbias', normErr(A.read(o, n * rows), want));
    const e2 = worst.see('matmul_i8_rowbias', normErr(A.read(inPlace, n * rows), want));
    assert.ok(e1 <= TOL && e2 <= TOL, `n=${n} rows=${rows} cols=${cols}: ${e1}, in place ${e2}`);
    const b = uniform(r, rows);
    const Bb = new Float32Array(n * rows);
    for (let i = 0; i < n; i++) Bb.set(b, i * rows);
    const o1 = A.out(n * rows), o2 = A.out(n * rows);
    rt.k.matmul_i8(o1, Xp, q, s, A.f32(b), n, rows, cols);
    rt.k.matmul_i8_rowbias(o2, Xp, q, s, A.f32(Bb), n, rows, cols);
    assert.equal(Array.from(A.read(o2, n * rows)), Array.from(A.read(o1, n * rows)));
    A.done();
  }
});

test('matmul_i8: inputs in several chunks of the static buffer (wide and many rows); n = 1 equals matvec_i8 bitwise', async () => {
  const rt = await runtime();
  const r = rng(23);
  // cols 1000 -> 1008 padded: 65 inputs a chunk (130 as 7-bit bytes); cols 3 -> 16 padded: 1024 inputs a chunk (scale buffer)
  for (const [n, rows, cols] of [[150, 9, 1000], [1100, 5, 3], [70, 4, 1024]]) {
    const A = new Arena(rt);
    const W = uniform(r, rows * cols), X = uniform(r, n * cols), b = uniform(r, rows);
    const { Wq, ws, q, s } = upload(rt, A, W, rows, cols);
    const o = A.out(n * rows);
    const Xp = A.f32(X), bp = A.f32(b);
    rt.k.matmul_i8(o, Xp, q, s, bp, n, rows, cols);
    const want = new Float32Array(n * rows);
    ref.matmul_i8(want, X, Wq, ws, b, n, rows, cols, null);
    const e = worst.see('matmul_i8', normErr(A.read(o, n * rows), want));
    assert.ok(e <= TOL, `n=${n} rows=${rows} cols=${cols}: error ${e}`);
    const one = A.out(rows), first = A.out(rows);
    rt.k.matvec_i8(one, q, s, Xp, bp, rows, cols);
    rt.k.matmul_i8(first, Xp, q, s, bp, 1, rows, cols);
    assert.equal(Array.from(A.read(one, rows)), Array.from(A.read(first, rows)));
    A.done();
  }
});

test('matvec_i8: no i32 overflow at the extremes (all weights and inputs at full scale, 65536 columns, the widest int8 matrix); x = 0 and cols = 0 give the bias', async () => {
  const rt = await runtime();
  const A = new Arena(rt);
  const [rows, cols] = [6, 65536];
  const W = new Float32Array(rows * cols).fill(1);
  for (let c = 0; c < cols; c++) W[cols + c] = -1; // row 1: all -1
  const { q, s } = upload(rt, A, W, rows, cols);
  const x = new Float32Array(cols).fill(2);
  const out = A.out(rows);
  rt.k.matvec_i8(out, q, s, A.f32(x), 0, rows, cols);
  const got = A.read(out, rows);
  for (let i = 0; i < rows; i++) assert.ok(Math.abs(got[i] - (i === 1 ? -2 : 2) * cols) <= 1e-5 * 2 * cols, `row ${i}: ${got[i]}`);
  rt.k.matvec_i8(out, q, s, A.f32(new Float32Array(cols)), A.f32([1, 2, 3, 4, 5, 6]), rows, cols);
  assert.equal(Array.from(A.read(out, rows)), [1, 2, 3, 4, 5, 6]);
  rt.k.matvec_i8(out, 0, s, 0, A.f32([6, 5, 4, 3, 2, 1]), rows, 0);
  assert.equal(Array.from(A.read(out, rows)), [6, 5, 4, 3, 2, 1]);
  A.done();
});

test('matmul_i8 approximates the f32 product: normalised error < 1e-2 on random shapes', async () => {
  const rt = await runtime();
  const r = rng(24);
  let worstSeen = 0;
  for (const [n, rows, cols] of [[1, 512, 512], [5, 64, 1024], [3, 31, 33], [2, 1000, 13]]) {
    const A = new Arena(rt);
    const W = uniform(r, rows * cols), X = uniform(r, n * cols), b = uniform(r, rows);
    const { q, s } = upload(rt, A, W, rows, cols);
    const o = A.out(n * rows);
    rt.k.matmul_i8(o, A.f32(X), q, s, A.f32(b), n, rows, cols);
    const exact = new Float32Array(n * rows);
    ref.matmul(exact, X, W, b, n, rows, cols);
    const e = normErr(A.read(o, n * rows), exact);
    worstSeen = Math.max(worstSeen, e);
    A.done();
    assert.ok(e < 1e-2, `n=${n} rows=${rows} cols=${cols}: int8 vs f32 error ${e}`);
  }
  worst.see('int8 vs f32 (quantisation error)', worstSeen);
});

test.after(() => worst.report('int8'));
test.run();
