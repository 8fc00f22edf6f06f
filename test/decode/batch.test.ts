// translateBatch: inputs of different lengths decoded together equal each input decoded alone.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../../src/node.js';
import { committedFixtures, throwsCode } from '../models/helpers.js';

for (const name of ['tutorial', 'bahdanau-maxout', 'bahdanau-tanh']) {
  test(`${name}: every batch result equals translate() of that input alone`, async () => {
    const model = await loadModel(join(committedFixtures, name), { maxBatchSize: 4 });
    const V = model.config.sourceVocab.length;
    const inputs = [1, 60, 3, 7, 2, 25, 11, 5, 40].map((len, b) => Array.from({ length: len }, (_, j) => (j * 5 + b * 3 + 1) % V));
    const batch = model.translateBatch(inputs); // 9 inputs: chunks of 4, 4, 1
    assert.is(batch.length, inputs.length);
    inputs.forEach((x, b) => {
      const alone = model.translate(x);
      assert.equal(batch[b].ids, alone.ids, `input ${b}: ids`);
      assert.equal(batch[b].logProbs, alone.logProbs, `input ${b}: log-probs`);
      assert.is(batch[b].attention.length, alone.attention.length);
      batch[b].attention.forEach((row, i) => {
        assert.is(row.length, x.length, `input ${b} step ${i}: one weight per own source position, none for padding`);
        assert.equal(Array.from(row), Array.from(alone.attention[i]), `input ${b} step ${i}: attention`);
      });
    });
    model.dispose();
  });
}

test('batch options: maxLengthRatio per input, beam search per input, errors name the input', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'));
  const inputs = ['hello', 'a', 'attention please'];
  const batch = model.translateBatch(inputs, { maxLengthRatio: 1 });
  inputs.forEach((x, b) => assert.equal(batch[b], model.translate(x, { maxLengthRatio: 1 })));
  const beams = model.translateBatch(inputs, { beamSize: 3, nBest: 2 });
  inputs.forEach((x, b) => assert.equal(beams[b].nBest!.map((h) => h.ids), model.translate(x, { beamSize: 3, nBest: 2 }).nBest!.map((h) => h.ids)));
  await throwsCode(() => model.translateBatch(['ok', [1, 999]]), 'E_TOKEN_ID', 'inputs[1]', 'source id 999');
  assert.equal(model.translateBatch(inputs), inputs.map((x) => model.translate(x)), 'still working after the error');
  model.dispose();
});

test.run();
