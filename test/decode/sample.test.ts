// Seeded sampling: reproducible, equal to greedy in its limits, and drawing from the model's distribution.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mulberry32 } from '../../src/decode/sample.js';
import { loadModel } from '../../src/node.js';
import { committedFixtures } from '../models/helpers.js';

const dir = join(committedFixtures, 'bahdanau-maxout');

test('the generator is Mulberry32: known first outputs for seed 1 (integer arithmetic, same on every machine)', () => {
  // Mulberry32 by Tommy Ettinger, seed 1: first 32-bit outputs 2693262355 ... (computed by the published algorithm)
  const r = mulberry32(1);
  const ints = [r(), r(), r()].map((x) => Math.round(x * 4294967296));
  const ref = (seed: number, n: number) => {
    // an independent BigInt transcription of the algorithm
    const out: number[] = [];
    let a = BigInt(seed);
    const M = (1n << 32n) - 1n;
    const imul = (x: bigint, y: bigint) => (x * y) & M;
    for (let i = 0; i < n; i++) {
      a = (a + 0x6d2b79f5n) & M;
      let t = a;
      t = imul(t ^ (t >> 15n), t | 1n);
      t = (t ^ ((t + imul(t ^ (t >> 7n), t | 61n)) & M)) & M;
      out.push(Number((t ^ (t >> 14n)) & M));
    }
    return out;
  };
  assert.equal(ints, ref(1, 3));
});

test('the same seed gives the same sample; different seeds differ', async () => {
  const model = await loadModel(dir);
  const a = model.translate('hello', { temperature: 1, seed: 42 });
  const b = model.translate('hello', { temperature: 1, seed: 42 });
  assert.equal(a, b);
  const distinct = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => model.translate('hello', { temperature: 1.5, seed }).ids.join(',')));
  assert.ok(distinct.size > 1, 'eight seeds gave eight identical samples');
  model.dispose();
});

test('topK 1, tiny topP and a near-zero temperature all equal greedy decoding', async () => {
  const model = await loadModel(dir);
  for (const input of ['hello', 'naive', 'a', 'attention']) {
    const greedy = model.translate(input).ids;
    assert.equal(model.translate(input, { topK: 1, seed: 9 }).ids, greedy, `${input}: topK 1`);
    assert.equal(model.translate(input, { topP: 1e-9, seed: 9 }).ids, greedy, `${input}: topP`);
    assert.equal(model.translate(input, { temperature: 1e-4, seed: 9 }).ids, greedy, `${input}: temperature`);
  }
  model.dispose();
});

test('first-token frequencies follow p(y_1 | x); topK restricts the support', async () => {
  const model = await loadModel(dir);
  const walk = model.begin('hi');
  const logits = Array.from(walk.step().logits);
  const m = Math.max(...logits);
  const z = logits.reduce((s, x) => s + Math.exp(x - m), 0);
  const p = logits.map((x) => Math.exp(x - m) / z);
  const N = 3000;
  const counts = new Array(p.length).fill(0);
  for (let seed = 0; seed < N; seed++) counts[model.translate('hi', { temperature: 1, seed, maxLength: 1 }).ids[0]]++;
  counts.forEach((c, y) => assert.ok(Math.abs(c / N - p[y]) < 4 * Math.sqrt(p[y] * (1 - p[y]) / N) + 1e-3, `token ${y}: ${c / N} vs p = ${p[y]}`));
  const top2 = p.map((q, y) => [q, y]).sort((a, b) => b[0] - a[0]).slice(0, 2).map(([, y]) => y);
  for (let seed = 0; seed < 200; seed++) assert.ok(top2.includes(model.translate('hi', { topK: 2, seed, maxLength: 1 }).ids[0]));
  model.dispose();
});

test.run();
