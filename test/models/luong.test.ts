// Luong et al. 2015, sec. 3.2, on the local-attention fixtures through the step API: every attention
// row has one weight per source position, exactly 0 outside the window [p_t - D, p_t + D], and
//   local-m: p_t = t (1-based; held at S once t > S), a_t = softmax of the window's scores;
//   local-p: a_t(s) = softmax_window(score)(s) * exp(-(s - p_t)^2 / (2σ^2)), σ = D/2, for one p_t
//            recovered from the weights themselves, whose window is exactly the positions within D of it.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, type Seq2SeqModel, type StepOutput } from '../../src/node.js';
import { committedFixtures } from './helpers.js';

/** Every step t = 1..max_target_length of decodes over sources of length 1 to 40, fed varied previous ids. */
function eachStep(model: Seq2SeqModel, visit: (out: StepOutput, S: number, t: number) => void): void {
  const V = model.config.sourceVocab.length;
  for (const [b, S] of [1, 2, 5, 9, 17, 40].entries()) {
    const walk = model.begin(Array.from({ length: S }, (_, j) => (j * 7 + b * 3 + 4) % V));
    let y = model.config.sosId;
    for (let t = 1; t <= model.config.maxTargetLength; t++) {
      visit(walk.step(y), S, t);
      y = 4 + (t % 5);
    }
  }
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
