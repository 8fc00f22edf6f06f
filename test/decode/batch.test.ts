// translateBatch: inputs of different lengths decoded together equal each input decoded alone.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, type Translation } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg, throwsCode } from '../models/helpers.js';

// Batched rows go through matrix-matrix products, single inputs through matrix-vector products;
// the kernels agree to rounding (f32 summation order), so numbers are compared within 1e-5.
const TOL = 1e-5;

function assertSame(a: Translation, b: Translation, what: string) {
  assert.equal(a.ids, b.ids, `${what}: ids`);
  assert.equal(a.sourceIds, b.sourceIds, `${what}: source ids`);
  assert.is(a.finished, b.finished, `${what}: finished`);
  a.logProbs.forEach((lp, i) => assert.ok(Math.abs(lp - b.logProbs[i]) <= TOL, `${what} step ${i}: log-prob ${lp} vs ${b.logProbs[i]}`));
  assert.is(a.attention.length, b.attention.length);
  a.attention.forEach((row, i) => {
    assert.is(row.length, b.attention[i].length, `${what} step ${i}: one weight per own source position, none for padding`);
    row.forEach((w, j) => assert.ok(Math.abs(w - b.attention[i][j]) <= TOL, `${what} step ${i}: a_${i}${j}`));
  });
}

for (const name of ['tutorial', 'bahdanau-maxout', 'bahdanau-tanh', 'luong-dot', 'luong-general', 'luong-concat', 'luong-local-m', 'luong-local-p',
  'sat-soft', 'sat-soft-plain', 'sat-hard',
    'cho-maxout', 'cho-tanh', 'sutskever-reversed', 'sutskever-forward']) {
  test(`${name}: every batch result equals translate() of that input alone`, async () => {
    const model = await loadModel(join(committedFixtures, name), { maxBatchSize: 4 });
    const lengths = [1, 60, 3, 7, 2, 25, 11, 5, 40];
    const rand = lcg(5);
    const inputs = lengths.map((len) => inputOfLength(model, len, rand));
    const batch = model.translateBatch(inputs); // 9 inputs: chunks of 4, 4, 1
    assert.is(batch.length, inputs.length);
    inputs.forEach((x, b) => {
      assertSame(batch[b], model.translate(x), `input ${b}`);
      batch[b].attention.forEach((row) => assert.is(row.length, model.attends ? lengths[b] : 0)); // cho, sutskever: no attention
    });
    model.dispose();
  });
}

test('batch options: maxLengthRatio per input, beam search per input, errors name the input', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'));
  const inputs = ['hello', 'a', 'attention please'];
  const batch = model.translateBatch(inputs, { maxLengthRatio: 1 });
  inputs.forEach((x, b) => assertSame(batch[b], model.translate(x, { maxLengthRatio: 1 }), `input ${b}`));
  const beams = model.translateBatch(inputs, { beamSize: 3, nBest: 2 });
  inputs.forEach((x, b) => assert.equal(beams[b].nBest!.map((h) => h.ids), model.translate(x, { beamSize: 3, nBest: 2 }).nBest!.map((h) => h.ids)));
  await throwsCode(() => model.translateBatch(['ok', [1, 999]]), 'E_TOKEN_ID', 'inputs[1]', 'source id 999');
  model.translateBatch(inputs).forEach((r, b) => assertSame(r, model.translate(inputs[b]), `after the error, input ${b}`));
  model.dispose();
});

test.run();
