// assembly/attention.ts vs src/reference/kernels.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/wasm.js';
import * as ref from '../../src/reference/kernels.js';
import { Arena, SIZES, Worst, normErr, rng, uniform } from './util.js';

const TOL = 1e-6; // max |a - b| / (1 + max |b|)
const worst = new Worst();

test('additive_energies matches the reference for every Tx x A in SIZES', async () => {
  const rt = await runtime();
  const r = rng(30);
  for (const Tx of SIZES) for (const A of SIZES) {
    // Uh and Wq as from trained projections: mostly O(1), some saturating tanh
    const Uh = uniform(r, Tx * A, -3, 3), Wq = uniform(r, A, -3, 3), v = uniform(r, A);
    for (let i = 0; i < Uh.length; i += 11) Uh[i] = (r() - 0.5) * 100;
    const vb = r() - 0.5;
    const want = new Float32Array(Tx);
    ref.additive_energies(want, Uh, Wq, v, vb, Tx, A);
    const M = new Arena(rt);
    const e = M.out(Tx);
    rt.k.additive_energies(e, M.f32(Uh), M.f32(Wq), M.f32(v), vb, Tx, A);
    const err = worst.see('additive_energies', normErr(M.read(e, Tx), want));
    M.done();
    assert.ok(err <= TOL, `Tx=${Tx} A=${A}: error ${err}`);
  }
});

test('additive_energies_relu matches the reference for every Tx x A in SIZES (half the arguments below 0)', async () => {
  const rt = await runtime();
  const r = rng(31);
  for (const Tx of SIZES) for (const A of SIZES) {
    const Uh = uniform(r, Tx * A, -3, 3), Wq = uniform(r, A, -3, 3), v = uniform(r, A);
    const vb = r() - 0.5;
    const want = new Float32Array(Tx);
    ref.additive_energies_relu(want, Uh, Wq, v, vb, Tx, A);
    const M = new Arena(rt);
    const e = M.out(Tx);
    rt.k.additive_energies_relu(e, M.f32(Uh), M.f32(Wq), M.f32(v), vb, Tx, A);
    const err = worst.see('additive_energies_relu', normErr(M.read(e, Tx), want));
    M.done();
    assert.ok(err <= TOL, `Tx=${Tx} A=${A}: error ${err}`);
  }
});

test('additive_energies: v_bias alone when A = 0; huge arguments stay finite', async () => {
  const rt = await runtime();
  const M = new Arena(rt);
  const e = M.out(5);
  rt.k.additive_energies(e, 0, 0, 0, 0.25, 5, 0);
  assert.equal(Array.from(M.read(e, 5)), [0.25, 0.25, 0.25, 0.25, 0.25]);
  const Tx = 6, A = 9;
  const Uh = new Float32Array(Tx * A).map((_, i) => (i % 2 ? 1 : -1) * 1e30);
  const Wq = new Float32Array(A).fill(3), v = new Float32Array(A).fill(0.5);
  const want = new Float32Array(Tx);
  ref.additive_energies(want, Uh, Wq, v, 0, Tx, A);
  const e2 = M.out(Tx);
  rt.k.additive_energies(e2, M.f32(Uh), M.f32(Wq), M.f32(v), 0, Tx, A);
  assert.equal(Array.from(M.read(e2, Tx)), Array.from(want));
  M.done();
});

test('dot_energies matches the reference for every Tx x d in SIZES (dot, general and scaled)', async () => {
  const rt = await runtime();
  const r = rng(33);
  for (const Tx of SIZES) for (const d of SIZES) {
    const K = uniform(r, Tx * d, -2, 2), q = uniform(r, d, -2, 2);
    const scale = [1, 1 / Math.sqrt(d), -0.5][(Tx + d) % 3];
    const want = new Float32Array(Tx);
    ref.dot_energies(want, K, q, scale, Tx, d);
    const M = new Arena(rt);
    const e = M.out(Tx);
    rt.k.dot_energies(e, M.f32(K), M.f32(q), scale, Tx, d);
    const err = worst.see('dot_energies', normErr(M.read(e, Tx), want));
    M.done();
    assert.ok(err <= TOL, `Tx=${Tx} d=${d}: error ${err}`);
  }
});

test('dot_energies: general attention h_t^T W_a h_j = (W_a^T h_t) . h_j = h_t . (W_a h_j); unaligned keys; d = 0 gives zeros', async () => {
  const rt = await runtime();
  const r = rng(34);
  const Tx = 9, d = 13;
  const Hs = uniform(r, Tx * d), Wa = uniform(r, d * d), ht = uniform(r, d);
  // score(h_t, h_j) = h_t^T W_a h_j, summed directly in f64
  const want = new Float32Array(Tx);
  for (let j = 0; j < Tx; j++) {
    let s = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += ht[a] * Wa[a * d + b] * Hs[j * d + b];
    want[j] = s;
  }
  const M = new Arena(rt);
  // query side: q = W_a^T h_t, keys the annotations themselves (read one float past an odd offset)
  const q = new Float32Array(d);
  for (let b = 0; b < d; b++) for (let a = 0; a < d; a++) q[b] += Wa[a * d + b] * ht[a];
  const Kp = M.f32(new Float32Array(Tx * d + 1)) + 4;
  rt.F32.set(Hs, Kp >> 2);
  const e1 = M.out(Tx);
  rt.k.dot_energies(e1, Kp, M.f32(q), 1, Tx, d);
  assert.ok(normErr(M.read(e1, Tx), want) <= TOL, 'q = W_a^T h_t');
  // key side: k_j = W_a h_j once per source, query h_t
  const K = new Float32Array(Tx * d);
  for (let j = 0; j < Tx; j++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) K[j * d + a] += Wa[a * d + b] * Hs[j * d + b];
  const e2 = M.out(Tx);
  rt.k.dot_energies(e2, M.f32(K), M.f32(ht), 1, Tx, d);
  assert.ok(normErr(M.read(e2, Tx), want) <= TOL, 'k_j = W_a h_j');
  const e0 = M.out(4);
  rt.k.dot_energies(e0, 0, 0, 2, 4, 0);
  assert.equal(Array.from(M.read(e0, 4)), [0, 0, 0, 0]);
  M.done();
});

test('context matches the reference for every Tx x d in SIZES', async () => {
  const rt = await runtime();
  const r = rng(31);
  for (const Tx of SIZES) for (const d of SIZES) {
    // a is a distribution (softmax output), Hs are annotations
    const a = uniform(r, Tx, 0, 1);
    const s = a.reduce((x, y) => x + y, 0);
    for (let j = 0; j < Tx; j++) a[j] /= s;
    const Hs = uniform(r, Tx * d, -2, 2);
    const want = new Float32Array(d);
    ref.context(want, a, Hs, Tx, d);
    const M = new Arena(rt);
    const c = M.out(d);
    rt.k.context(c, M.f32(a), M.f32(Hs), Tx, d);
    const err = worst.see('context', normErr(M.read(c, d), want));
    M.done();
    assert.ok(err <= TOL, `Tx=${Tx} d=${d}: error ${err}`);
  }
});

test('context: arbitrary weights (not a distribution), unaligned Hs, Tx = 0 gives zeros', async () => {
  const rt = await runtime();
  const r = rng(32);
  for (const [Tx, d] of [[7, 37], [33, 6], [257, 70]]) {
    const a = uniform(r, Tx, -5, 5), Hs = uniform(r, Tx * d, -10, 10);
    const want = new Float32Array(d);
    ref.context(want, a, Hs, Tx, d);
    const M = new Arena(rt);
    const Hp = M.f32(new Float32Array(Tx * d + 1)) + 4;
    rt.F32.set(Hs, Hp >> 2);
    const c = M.out(d);
    rt.k.context(c, M.f32(a), Hp, Tx, d);
    const err = worst.see('context', normErr(M.read(c, d), want));
    assert.ok(err <= TOL, `Tx=${Tx} d=${d}: error ${err}`);
    M.done();
  }
  const M = new Arena(rt);
  const c = M.out(9);
  rt.k.context(c, 0, 0, 0, 9);
  assert.equal(Array.from(M.read(c, 9)), new Array(9).fill(0));
  M.done();
});

test.after(() => worst.report('attention'));
test.run();
