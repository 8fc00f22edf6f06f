// createPool (src/pool/): worker_threads each with the model loaded (dist/pool-worker-node.js, built
// by `npm run build`). Results come back in input order and equal the single-thread model's: bit for
// bit against model.translateBatch over the same batches (inputs sorted by length, cut in
// ceil(n / workers) up to batchSize), and equal ids against one translateBatch over all inputs.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, loadModel, type SourceInput, type Translation } from '../src/node.js';
import { committedFixtures, lcg, randomInput, throwsCode } from './models/helpers.js';

/** The pool's batches of `inputs` (indices), as TranslationPool.translateBatch cuts them. */
function batchesOf(inputs: SourceInput[], workers: number, batchSize = 16): number[][] {
  const len = (x: SourceInput) => typeof x === 'string' ? x.length : 'features' in (x as object) ? (x as { length: number }).length : (x as number[]).length;
  const order = inputs.map((_, i) => i).sort((a, b) => len(inputs[a]) - len(inputs[b]) || a - b);
  const size = Math.max(1, Math.min(batchSize, Math.ceil(inputs.length / workers)));
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}

const plain = (t: Translation) => ({ ...t, attention: t.attention.map((r) => Array.from(r)), nBest: t.nBest?.map((n) => ({ ...n, attention: n.attention.map((r) => Array.from(r)) })) });

for (const [name, weights] of [['bahdanau-maxout', 'float32'], ['luong-local-p', 'int8'], ['sat-soft', 'float32']] as const) {
  test(`${name} (${weights}): 2 workers give the single-thread results in input order`, async () => {
    const dir = join(committedFixtures, name);
    const model = await loadModel(dir, { weights });
    const rand = lcg(5);
    const inputs = Array.from({ length: 37 }, () => randomInput(model, rand, 25));
    const pool = await createPool(dir, { workers: 2, weights });
    assert.is(pool.workers, 2);
    try {
      const got = await pool.translateBatch(inputs);
      assert.is(got.length, inputs.length);
      const all = model.translateBatch(inputs);
      got.forEach((t, i) => assert.equal(t.ids, all[i].ids, `input ${i}: ids`));
      for (const batch of batchesOf(inputs, 2)) {
        const want = model.translateBatch(batch.map((i) => inputs[i]));
        batch.forEach((i, k) => assert.equal(plain(got[i]), plain(want[k]), `input ${i}: the result of its batch`));
      }
      const beams = await pool.translateBatch(inputs.slice(0, 6), { beamSize: 3, nBest: 2 });
      beams.forEach((t, i) => assert.equal(plain(t), plain(model.translate(inputs[i], { beamSize: 3, nBest: 2 })), `beam ${i}`));
      assert.equal(plain(await pool.translate(inputs[4])), plain(model.translate(inputs[4])), 'translate = a batch of one');
      assert.equal(await pool.translateBatch([]), []);
    } finally {
      pool.close();
      model.dispose();
    }
  });
}

test('errors: an input a worker rejects names the caller\'s index; calls after close() are E_DISPOSED; concurrent calls each get theirs', async () => {
  const dir = join(committedFixtures, 'bahdanau-maxout');
  const pool = await createPool(dir, { workers: 2, batchSize: 2 });
  const ok = [[5, 6, 7], [4], [8, 9, 10, 11, 12], [6, 6]];
  await throwsCode(() => pool.translateBatch([...ok, [5, 999]]), 'E_TOKEN_ID', 'inputs[4]', '999');
  await throwsCode(() => pool.translateBatch([[5, 6], [1.5], ...ok]), 'E_TOKEN_ID', 'inputs[1]');
  const [a, b] = await Promise.all([pool.translateBatch(ok), pool.translateBatch(ok.slice().reverse())]);
  assert.equal(a.map((t) => t.ids), b.reverse().map((t) => t.ids));
  pool.close();
  await throwsCode(() => pool.translateBatch(ok), 'E_DISPOSED', 'closed');
});

test('createPool: a damaged model or bad options fail with typed errors, no workers left behind', async () => {
  await throwsCode(() => createPool(new Uint8Array(4), { workers: 2 }), 'E_FILE_TRUNCATED');
  await throwsCode(() => createPool(join(committedFixtures, 'bahdanau-maxout'), { workers: 0 }), 'E_OPTION', 'workers');
  await throwsCode(() => createPool(join(committedFixtures, 'bahdanau-maxout'), { workers: 1, batchSize: 1.5 }), 'E_OPTION', 'batchSize');
  await throwsCode(() => createPool('no-such-model-anywhere'), 'E_MODEL_NOT_FOUND');
  await throwsCode(() => loadModel(join(committedFixtures, 'bahdanau-maxout'), { wasmModule: {} as WebAssembly.Module, wasmBuild: 'simd128' }), 'E_OPTION', 'wasmModule');
});

test.run();
