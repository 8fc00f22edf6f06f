// The captioner presets' parts through the step API, equation by equation from the file's weights
// in plain TypeScript (f64), as the project's code computes them:
//   sgrvinod-captioning: h_0 = init_h(mean a) (no tanh); e_ti = full_att(relu(encoder_att(a_i) + decoder_att(h_{t-1})));
//   aaronccwong-sat:     h_0 = tanh(init_h(mean a));     e_ti = v(tanh(W(a_i) + U(h_{t-1})));
//   both: α_t = softmax(e_t), ẑ_t = σ(f_β(h_{t-1})) ⊙ Σ_i α_ti a_i (a gate per channel), logits = fc(h_t).
// And translateBatch over grids of different sizes equals translate of each (the relu attention's rows).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, readSafetensors } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg } from '../models/helpers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** W (rows, x.length) x + b */
const affine = (W: Float32Array, b: Float32Array, x: ArrayLike<number>) => Array.from(b, (bias, r) => dot(W.subarray(r * x.length, (r + 1) * x.length), x) + bias);
const close = (a: number, b: number, what: string, tol = 2e-5) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const relu = (x: number) => (x > 0 ? x : 0);

const PRESETS = {
  'sgrvinod-captioning': { W_a: 'attention.encoder_att', W_h: 'attention.decoder_att', w: 'attention.full_att', out: 'fc', act: relu, init: (x: number) => x },
  'aaronccwong-sat': { W_a: 'attention.W', W_h: 'attention.U', w: 'attention.v', out: 'deep_output', act: Math.tanh, init: Math.tanh },
};

for (const [name, p] of Object.entries(PRESETS)) {
  test(`${name}: h_0, e_ti, α_t, ẑ_t with the gate per channel, logits, step by step from the file's weights`, async () => {
    const dir = join(committedFixtures, name);
    const model = await loadModel(dir);
    assert.is(model.config.captioner?.preset, name);
    const f = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const { featureSize: D, hiddenSize: H } = model.config;
    const linear = (n: string) => ({ W: f.float32(`${n}.weight`), b: f.float32(`${n}.bias`) });
    const [W_a, W_h, w, init_h, f_beta, out] = [p.W_a, p.W_h, p.w, 'init_h', 'f_beta', p.out].map(linear);
    const rand = lcg(5);
    let gates = 0, spread = 0;
    for (const L of [1, 9, 49]) {
      const input = inputOfLength(model, L, rand) as { features: Float32Array };
      const a = (i: number) => input.features.subarray(i * D, (i + 1) * D);
      const walk = model.begin(input);
      const mean = Array.from({ length: D }, (_, k) => { let s = 0; for (let i = 0; i < L; i++) s += a(i)[k]; return s / L; });
      affine(init_h.W, init_h.b, mean).map(p.init).forEach((x, k) => close(walk.state[k], x, `L=${L} h_0[${k}]`));
      const keys = Array.from({ length: L }, (_, i) => affine(W_a.W, W_a.b, a(i)));
      let y = model.config.sosId;
      for (let t = 1; t <= 5; t++) {
        const at = `L=${L} t=${t}`;
        const hPrev = walk.state.slice();
        const step = walk.step(y);
        const q = affine(W_h.W, W_h.b, hPrev);
        const e = keys.map((k) => dot(w.W, k.map((x, j) => p.act(x + q[j]))) + w.b[0]);
        e.forEach((x, i) => close(step.energies[i], x, `${at} e_t${i + 1}`));
        const m = Math.max(...e), z = e.map((x) => Math.exp(x - m)), Z = z.reduce((s, x) => s + x, 0);
        const alpha = z.map((x) => x / Z);
        alpha.forEach((x, i) => close(step.weights[i], x, `${at} α_t${i + 1}`, 1e-5));
        const beta = affine(f_beta.W, f_beta.b, hPrev).map(sigmoid);
        for (let k = 0; k < D; k++) {
          let c = 0;
          for (let i = 0; i < L; i++) c += alpha[i] * a(i)[k];
          close(step.context[k], beta[k] * c, `${at} ẑ_t[${k}]`);
        }
        gates += beta.reduce((s, x) => s + x, 0) / D;
        spread += Math.max(...beta) - Math.min(...beta);
        affine(out.W, out.b, step.state).forEach((x, k) => close(step.logits[k], x, `${at} logit ${k}`, 5e-5));
        assert.is(step.state.length, H);
        y = 4 + ((t * 3 + L) % (model.config.targetVocab.length - 4));
      }
    }
    assert.ok(spread / 15 > 0.05, `the gate differs between channels (mean spread ${spread / 15})`);
    assert.ok(gates / 15 > 0.05 && gates / 15 < 0.999, `β_t is a gate, not stuck (mean ${gates / 15})`);
    model.dispose();
  });

  test(`${name}: translateBatch over grids of 1 to 196 locations equals translate of each (to f32 rounding), greedy and beam`, async () => {
    const model = await loadModel(join(committedFixtures, name), { maxBatchSize: 5 });
    const rand = lcg(9);
    const inputs = [4, 196, 1, 49, 25].map((L) => inputOfLength(model, L, rand));
    for (const options of [{}, { beamSize: 3 }]) {
      const batch = model.translateBatch(inputs, options);
      inputs.forEach((x, b) => {
        const one = model.translate(x, options);
        assert.equal(batch[b].ids, one.ids, `input ${b} ${JSON.stringify(options)}`);
        // one matrix product for all rows rounds differently from one row's: equal to f32 rounding
        batch[b].attention.forEach((row, t) => row.forEach((x, i) => close(x, one.attention[t][i], `input ${b} step ${t} α_${i}`, 1e-5)));
      });
    }
    model.dispose();
  });
}

test.run();
