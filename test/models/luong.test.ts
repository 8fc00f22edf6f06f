// Luong et al. 2015 on the luong fixtures through the step API, equation by equation:
//   global (3.1): e_t(s) = score(h_t, h̄_s) from the step's h_t and the source states h̄_s (eq. 8),
//                 a_t = softmax(e_t) (eq. 7), c_t = Σ_s a_t(s) h̄_s, logits = W_s tanh(W_c [c_t; h_t]) + b_s (eqs. 5, 6);
//   local (3.2):  every attention row has one weight per source position, exactly 0 outside the
//                 window [p_t - D, p_t + D], and
//     local-m: p_t = t (1-based; held at S once t > S), a_t = softmax of the window's scores;
//     local-p: a_t(s) = softmax_window(score)(s) * exp(-(s - p_t)^2 / (2σ^2)), σ = D/2, for one p_t
//              recovered from the weights themselves, whose window is exactly the positions within D of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, readSafetensors, type Seq2SeqModel, type StepOutput } from '../../src/node.js';
import { committedFixtures } from './helpers.js';

/**
 * Every step t = 1..max_target_length of decodes over sources of length 1 to 40, fed varied
 * previous ids; hBar(s) is h̄_s (1-based), of d = annotations.length / S floats.
 */
function eachStep(model: Seq2SeqModel, visit: (out: StepOutput, S: number, t: number, hBar: (s: number) => Float32Array) => void): void {
  const V = model.config.sourceVocab.length;
  for (const [b, S] of [1, 2, 5, 9, 17, 40].entries()) {
    const walk = model.begin(Array.from({ length: S }, (_, j) => (j * 7 + b * 3 + 4) % V));
    const H = walk.annotations.slice(), d = H.length / S;
    const hBar = (s: number) => H.subarray((s - 1) * d, s * d);
    let y = model.config.sosId;
    for (let t = 1; t <= model.config.maxTargetLength; t++) {
      visit(walk.step(y), S, t, hBar);
      y = 4 + (t % 5);
    }
  }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** W (rows, cols) x */
const mv = (W: Float32Array, x: ArrayLike<number>, rows: number) => Array.from({ length: rows }, (_, r) => dot(W.subarray(r * x.length, (r + 1) * x.length), x));
const close = (a: number, b: number, what: string, tol = 2e-5) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const name of ['luong-dot', 'luong-general', 'luong-concat']) {
  test(`${name}: e_t(s) = score(h_t, h̄_s), a_t = softmax(e_t), c_t = Σ a_t(s) h̄_s, logits = W_s tanh(W_c [c_t; h_t]) + b_s`, async () => {
    const dir = join(committedFixtures, name);
    const model = await loadModel(dir);
    const f = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const { hiddenSize: H, alignmentSize: A, attention } = model.config;
    const V = model.config.targetVocab.length;
    const d = H; // luong: source states are as wide as h_t
    const W_c = f.float32('decoder.W_c.weight', [H, d + H]), W_s = f.float32('decoder.W_s.weight', [V, H]), b_s = f.float32('decoder.W_s.bias', [V]);
    const W_a = attention === 'general' ? f.float32('decoder.attention.W_a.weight', [H, d])
      : attention === 'concat' ? f.float32('decoder.attention.W_a.weight', [A, H + d]) : null;
    const v_a = attention === 'concat' ? f.float32('decoder.attention.v_a.weight', [1, A]) : null;
    const score = (h_t: Float32Array, hs: Float32Array) =>
      attention === 'dot' ? dot(h_t, hs)
        : attention === 'general' ? dot(h_t, mv(W_a!, hs, H))
          : dot(v_a!, mv(W_a!, [...h_t, ...hs], A).map(Math.tanh));
    eachStep(model, (out, S, t, hBar) => {
      const at = `S=${S} t=${t}`;
      const e = Array.from({ length: S }, (_, j) => score(out.state, hBar(j + 1)));
      e.forEach((x, j) => close(out.energies[j], x, `${at} e_t(${j + 1})`));
      const m = Math.max(...e), z = e.map((x) => Math.exp(x - m)), Z = z.reduce((a, b) => a + b, 0);
      z.forEach((x, j) => close(out.weights[j], x / Z, `${at} a_t(${j + 1})`, 1e-5));
      for (let k = 0; k < d; k++) {
        let c = 0;
        for (let s = 1; s <= S; s++) c += out.weights[s - 1] * hBar(s)[k];
        close(out.context[k], c, `${at} c_t[${k}]`);
      }
      const hTilde = mv(W_c, [...out.context, ...out.state], H).map(Math.tanh);
      mv(W_s, hTilde, V).forEach((x, k) => close(out.logits[k], x + b_s[k], `${at} logit ${k}`));
    });
    model.dispose();
  });
}

/** Softmax over the finite energies (the window), in f64. */
function windowSoftmax(e: Float32Array): number[] {
  let m = -Infinity;
  for (const x of e) if (x > m) m = x;
  const z = Array.from(e, (x) => (x === -Infinity ? 0 : Math.exp(x - m)));
  const s = z.reduce((a, b) => a + b, 0);
  return z.map((x) => x / s);
}

test('local-m: the window is [t - D, t + D] (t held at S), softmax inside, exactly 0 outside', async () => {
  const model = await loadModel(join(committedFixtures, 'luong-local-m'));
  const D = model.config.window;
  eachStep(model, (out, S, t) => {
    assert.is(out.weights.length, S);
    const p = Math.min(t, S);
    const q = windowSoftmax(out.energies);
    for (let s = 1; s <= S; s++) {
      const inside = Math.abs(s - p) <= D;
      const a = out.weights[s - 1], e = out.energies[s - 1];
      if (inside) {
        assert.ok(Number.isFinite(e) && a > 0, `S=${S} t=${t} s=${s}: inside the window, e ${e}, a ${a}`);
        assert.ok(Math.abs(a - q[s - 1]) <= 1e-6, `S=${S} t=${t} s=${s}: a ${a} vs softmax ${q[s - 1]}`);
      } else {
        assert.is(a, 0, `S=${S} t=${t} s=${s}: outside the window`);
        assert.is(e, -Infinity);
      }
    }
  });
  model.dispose();
});

test('local-p: a_t(s) = softmax_window(score) * exp(-(s - p_t)^2 / (2σ^2)) for one p_t in (0, S), window = {s : |s - p_t| <= D}', async () => {
  const model = await loadModel(join(committedFixtures, 'luong-local-p'));
  const D = model.config.window, twoSigma2 = 2 * (D / 2) ** 2;
  let recovered = 0;
  eachStep(model, (out, S, t) => {
    assert.is(out.weights.length, S);
    const q = windowSoftmax(out.energies);
    const inside: number[] = [];
    for (let s = 1; s <= S; s++) {
      if (out.energies[s - 1] === -Infinity) assert.is(out.weights[s - 1], 0, `S=${S} t=${t} s=${s}: outside the window`);
      else inside.push(s);
    }
    assert.ok(inside.length >= 1 && inside.length <= 2 * D + 1, `S=${S} t=${t}: window of ${inside.length}`);
    assert.is(inside[inside.length - 1] - inside[0] + 1, inside.length, 'contiguous');
    if (inside.length >= 2) {
      // (s - p)^2 = -2σ^2 ln(a / q) for every s inside: p from the first and last, then all of them
      const L = (s: number) => -twoSigma2 * Math.log(out.weights[s - 1] / q[s - 1]);
      const s1 = inside[0], s2 = inside[inside.length - 1];
      const p = (s1 + s2 - (L(s1) - L(s2)) / (s1 - s2)) / 2;
      assert.ok(p > -1e-3 && p < S + 1e-3, `S=${S} t=${t}: p_t ${p}`);
      for (const s of inside) assert.ok(Math.abs(L(s) - (s - p) ** 2) <= 1e-3 * (1 + (s - p) ** 2), `S=${S} t=${t} s=${s}: Gaussian`);
      for (let s = 1; s <= S; s++) {
        const d = Math.abs(s - p);
        if (Math.abs(d - D) > 1e-3) assert.is(inside.includes(s), d < D, `S=${S} t=${t} s=${s}: |s - p_t| = ${d}`);
      }
      recovered++;
    }
  });
  assert.ok(recovered >= 50, `p_t recovered at ${recovered} steps`);
  model.dispose();
});

test.run();
