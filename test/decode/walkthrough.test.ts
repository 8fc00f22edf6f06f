// The worked example of attention, number by number: a model with three source positions, its
// step API against the plain TypeScript RNNsearch (src/reference/rnnsearch.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSafetensors, writeSafetensors, loadModelFrom, parseConfig } from '../../src/node.js';
import { ReferenceRNNsearch } from '../../src/reference/rnnsearch.js';
import { tinyBahdanau } from './tiny.js';

const close = (a: number, b: number, what: string, tol = 2e-6) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const gru of ['reset_before', 'reset_after'] as const) {
  test(`e_ij, a_ij, c_i, s_i for two output steps over h_1, h_2, h_3 (${gru})`, async () => {
    const { config, tensors } = tinyBahdanau({ E: 6, n: 5, H: 7, A: 9, l: 4, Vs: 9, Vt: 8, maxSource: 8, maxTarget: 6, seed: 3, gru });
    const bytes = writeSafetensors(tensors, { seqattn: JSON.stringify(config) });
    const model = await loadModelFrom(bytes);
    const ref = new ReferenceRNNsearch(parseConfig(config, 'tiny'), readSafetensors(bytes));
    const x = [4, 6, 2];                                  // x_1, x_2, x_3 = </s>
    const walk = model.begin(x);
    const { h, s0 } = ref.encode(x);
    const d = 2 * (config.encoder_hidden_size as number);
    // annotations h_j = [→h_j; ←h_j] and s_0 = tanh(W_s ←h_1)
    h.forEach((hj, j) => hj.forEach((v, k) => close(walk.annotations[j * d + k], v, `h_${j + 1}[${k}]`)));
    s0.forEach((v, k) => close(walk.state[k], v, `s_0[${k}]`));

    let sPrev = Float32Array.from(walk.state);
    let y = model.config.sosId;
    for (const i of [1, 2]) {
      const step = walk.step(y);
      // e_ij = a(s_{i-1}, h_j) = v^T tanh(W s_{i-1} + U h_j)
      const e = h.map((hj) => ref.energy(sPrev, hj));
      e.forEach((eij, j) => close(step.energies[j], eij, `e_${i}${j + 1}`));
      // a_ij = exp(e_ij) / (exp(e_i1) + exp(e_i2) + exp(e_i3))
      const Z = Math.exp(e[0]) + Math.exp(e[1]) + Math.exp(e[2]);
      e.forEach((eij, j) => close(step.weights[j], Math.exp(eij) / Z, `a_${i}${j + 1}`));
      // c_i = a_i1 h_1 + a_i2 h_2 + a_i3 h_3
      for (let k = 0; k < d; k++) {
        close(step.context[k], step.weights[0] * h[0][k] + step.weights[1] * h[1][k] + step.weights[2] * h[2][k], `c_${i}[${k}]`);
      }
      // s_i and the logits from the reference step
      const r = ref.step(h, sPrev, y);
      r.s.forEach((v, k) => close(step.state[k], v, `s_${i}[${k}]`));
      r.logits.forEach((v, k) => close(step.logits[k], v, `logits_${i}[${k}]`));
      sPrev = Float32Array.from(step.state);
      y = 4 + i; // any next symbol: the walk follows what it is given
    }
    model.dispose();
  });
}

test.run();
