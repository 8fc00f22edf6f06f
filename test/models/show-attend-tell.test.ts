// Xu et al. 2015 on the show-attend-tell fixtures through the step API, equation by equation, from
// the file's weights in plain TypeScript (f64):
//   h_0 = tanh(f_init,h(mean_i a_i)) (sec. 3.1.2); e_ti = w^T tanh(W_a a_i + b + W_h h_{t-1}) (eq. 4);
//   α_t = softmax(e_t) (eq. 5); soft: weights = α_t, hard: one-hot at argmax α_t;
//   ẑ_t = β_t Σ_i weights_ti a_i with β_t = σ(f_β(h_{t-1})) (sec. 4.2.1; 1 without the gate);
//   logits = L_o(E y_{t-1} + L_h h_t + L_z ẑ_t) + b_o (eq. 7; tanh inside for "tanh"), or out(h_t).
// Hard attention's 'sample' mode: locations drawn from α_t (frequencies over many seeds), seeded,
// and the same in a batch as alone. The other strategies on annotation vectors: seeded sampling, beam nBest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, readSafetensors } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg, throwsCode } from './helpers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** W (rows, x.length) x */
const mv = (W: Float32Array, x: ArrayLike<number>, rows: number) => Array.from({ length: rows }, (_, r) => dot(W.subarray(r * x.length, (r + 1) * x.length), x));
const add = (a: number[], b: ArrayLike<number>) => a.map((x, i) => x + b[i]);
const close = (a: number, b: number, what: string, tol = 2e-5) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const argmaxOf = (x: ArrayLike<number>) => { let k = 0; for (let i = 1; i < x.length; i++) if (x[i] > x[k]) k = i; return k; };

for (const name of ['sat-soft', 'sat-soft-plain', 'sat-hard']) {
  test(`${name}: h_0, e_ti, α_t, ẑ_t = β_t Σ a_ti a_i, logits, step by step from the file's weights`, async () => {
    const dir = join(committedFixtures, name);
    const model = await loadModel(dir);
    const f = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const { featureSize: D, hiddenSize: H, alignmentSize: A, embeddingSize: E, gate, deepOutput, attention } = model.config;
    const V = model.config.targetVocab.length;
    const W_a = f.float32('attention.W_a.weight', [A, D]), b = f.float32('attention.W_a.bias', [A]);
    const W_h = f.float32('attention.W_h.weight', [A, H]), w = f.float32('attention.w.weight', [1, A]);
    const init_h = f.float32('init_h.weight', [H, D]), init_h_b = f.float32('init_h.bias', [H]);
    const f_beta = gate ? f.float32('f_beta.weight', [1, H]) : null, f_beta_b = gate ? f.float32('f_beta.bias', [1]) : null;
    const emb = f.float32('embedding.weight', [V, E]);
    const rand = lcg(21);
    let betas = 0;
    for (const L of [1, 4, 25, 196]) {
      const input = inputOfLength(model, L, rand) as { features: Float32Array };
      const a = (i: number) => input.features.subarray(i * D, (i + 1) * D);
      const walk = model.begin(input);
      const mean = Array.from({ length: D }, (_, k) => { let s = 0; for (let i = 0; i < L; i++) s += a(i)[k]; return s / L; });
      add(mv(init_h, mean, H), init_h_b).map(Math.tanh).forEach((x, k) => close(walk.state[k], x, `L=${L} h_0[${k}]`));
      const keys = Array.from({ length: L }, (_, i) => add(mv(W_a, a(i), A), b));
      let y = model.config.sosId;
      for (let t = 1; t <= 6; t++) {
        const at = `L=${L} t=${t}`;
        const hPrev = walk.state.slice();
        const out = walk.step(y);
        const q = mv(W_h, hPrev, A);
        const e = keys.map((k) => dot(w, add(q, k).map(Math.tanh)));
        e.forEach((x, i) => close(out.energies[i], x, `${at} e_t${i + 1}`));
        const m = Math.max(...e), z = e.map((x) => Math.exp(x - m)), Z = z.reduce((s, x) => s + x, 0);
        const alpha = z.map((x) => x / Z);
        const weights = attention === 'hard' ? alpha.map((_, i) => (i === argmaxOf(alpha) ? 1 : 0)) : alpha;
        weights.forEach((x, i) => close(out.weights[i], x, `${at} ${attention === 'hard' ? 'one-hot at s_t' : 'α'}_t${i + 1}`, 1e-5));
        const beta = f_beta ? sigmoid(dot(f_beta, hPrev) + f_beta_b![0]) : 1;
        if (f_beta) betas += beta;
        for (let k = 0; k < D; k++) {
          let c = 0;
          for (let i = 0; i < L; i++) c += weights[i] * a(i)[k];
          close(out.context[k], beta * c, `${at} ẑ_t[${k}]`);
        }
        let logits: number[];
        if (deepOutput === 'none') {
          logits = add(mv(f.float32('out.weight', [V, H]), out.state, V), f.float32('out.bias', [V]));
        } else {
          const o = add(add(mv(f.float32('L_h.weight', [E, H]), out.state, E), mv(f.float32('L_z.weight', [E, D]), out.context, E)), emb.subarray(y * E, (y + 1) * E));
          logits = add(mv(f.float32('L_o.weight', [V, E]), deepOutput === 'tanh' ? o.map(Math.tanh) : o, V), f.float32('L_o.bias', [V]));
        }
        logits.forEach((x, k) => close(out.logits[k], x, `${at} logit ${k}`, 5e-5));
        y = 4 + ((t * 3 + L) % (V - 4));
      }
    }
    if (gate) assert.ok(betas / 24 > 0.05 && betas / 24 < 0.999, `β_t is a gate, not stuck at 0 or 1 (mean ${betas / 24})`);
    model.dispose();
  });
}

test("sat-hard 'sample': the first location s_1 ~ Multinoulli(α_1), seeded; batch rows sample as alone", async () => {
  const model = await loadModel(join(committedFixtures, 'sat-hard'), { maxBatchSize: 4 });
  const input = inputOfLength(model, 4, lcg(4));
  // α_1 depends on h_0 only: the same for every seed
  const e1 = Float32Array.from(model.begin(input).step().energies);
  const m = Math.max(...e1);
  const p = Array.from(e1, (x) => Math.exp(x - m));
  const Z = p.reduce((s, x) => s + x, 0);
  const counts = [0, 0, 0, 0], N = 2000;
  for (let seed = 0; seed < N; seed++) counts[argmaxOf(model.begin(input, { hardAttention: 'sample', seed }).step().weights)]++;
  // 4.5 standard deviations of a frequency over N draws
  counts.forEach((c, i) => assert.ok(Math.abs(c / N - p[i] / Z) <= 4.5 * Math.sqrt(0.25 / N), `location ${i + 1}: drawn ${c / N} vs α ${p[i] / Z}`));
  assert.ok(counts.filter((c) => c > 0).length >= 2, `more than one location drawn: ${counts}`);
  // seeded: the same seed gives the same caption and locations; argmax mode is the default
  const rand = lcg(8);
  const images = [1, 9, 49, 196, 16].map((L) => inputOfLength(model, L, rand));
  const one = model.translate(images[3], { hardAttention: 'sample', seed: 5 });
  assert.equal(model.translate(images[3], { hardAttention: 'sample', seed: 5 }), one);
  assert.equal(model.translate(images[3], { hardAttention: 'argmax' }), model.translate(images[3]));
  one.attention.forEach((row) => assert.is(row.reduce((s, x) => s + x, 0), 1, 'one-hot rows'));
  const batch = model.translateBatch(images, { hardAttention: 'sample', seed: 5 });
  images.forEach((x, k) => assert.equal(batch[k].ids, model.translate(x, { hardAttention: 'sample', seed: 5 }).ids, `image ${k}`));
  model.dispose();
});

test('sat-soft: the step API shows the annotation vectors as given; sampled captions are seeded; nBest from beam search', async () => {
  const model = await loadModel(join(committedFixtures, 'sat-soft'));
  const rand = lcg(12);
  const image = inputOfLength(model, 49, rand) as { features: Float32Array };
  assert.equal(Array.from(model.begin(image).annotations), Array.from(image.features), 'annotations a_i (L, D) are the features');
  const a = model.translate(image, { temperature: 1.5, seed: 3 });
  assert.equal(model.translate(image, { temperature: 1.5, seed: 3 }), a);
  const captions = new Set(Array.from({ length: 20 }, (_, seed) => model.translate(image, { temperature: 1.5, seed }).text));
  assert.ok(captions.size > 1, 'different seeds sample different captions');
  const beam = model.translate(image, { beamSize: 4, nBest: 3 });
  assert.is(beam.nBest!.length, 3);
  beam.nBest!.forEach((h) => h.attention.forEach((row) => assert.is(row.length, 49)));
  assert.equal(beam.sourceIds, []);
  assert.is(beam.sourceTokens.length, 49);
  assert.is(beam.sourceTokens[48], 'a_49');
  model.dispose();
});

test('hardAttention on a soft model, or an unknown mode, is an E_OPTION naming it', async () => {
  const soft = await loadModel(join(committedFixtures, 'sat-soft'));
  const image = inputOfLength(soft, 4, lcg(1));
  await throwsCode(() => soft.translate(image, { hardAttention: 'sample' }), 'E_OPTION', 'hardAttention', '"attention": "soft"');
  soft.dispose();
  const hard = await loadModel(join(committedFixtures, 'sat-hard'));
  await throwsCode(() => hard.translate(inputOfLength(hard, 4, lcg(1)), { hardAttention: 'gumbel' as 'sample' }), 'E_OPTION', 'hardAttention', '"gumbel"');
  await throwsCode(() => hard.begin(inputOfLength(hard, 4, lcg(1)), { hardAttention: 'gumbel' as 'sample' }), 'E_OPTION', 'hardAttention');
  hard.dispose();
});

test.run();
