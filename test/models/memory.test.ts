// Weights and worst-case scratch are allocated at load: decoding never grows Wasm memory,
// and dispose() returns a model's regions for the next load to reuse.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg, randomInput } from './helpers.js';

// bahdanau (GRU); luong with the most per-row state (2 LSTM layers of h and c, h̃, bidirectional encoder);
// show-attend-tell with hard attention, every other decode sampling its locations; sutskever (2 layers,
// reversed source) for the models without attention
for (const name of ['bahdanau-maxout', 'luong-concat', 'sat-hard', 'sutskever-reversed']) test(`${name}: 10,000 translations after warm-up do not grow Wasm memory`, async () => {
  const model = await loadModel(join(committedFixtures, name));
  const rand = lcg(7);
  const hard = model.config.attention === 'hard';
  model.translate(inputOfLength(model, model.config.maxSourceLength, rand)); // warm-up at the maximum length
  const before = model.wasmMemoryBytes;
  let tokens = 0;
  for (let i = 0; i < 10_000; i++) tokens += model.translate(randomInput(model, rand, 64), hard && i % 2 ? { hardAttention: 'sample', seed: i } : {}).ids.length;
  const after = model.wasmMemoryBytes;
  console.log(`      ${name}: Wasm memory after load + warm-up: ${before} bytes; after 10,000 translations (${tokens} tokens): ${after} bytes`);
  assert.is(after, before);
  model.dispose();
});

test('dispose() returns the regions: loading and disposing 50 times does not grow memory', async () => {
  const dir = join(committedFixtures, 'tutorial');
  const first = await loadModel(dir);
  first.translate([2, 1]);
  first.dispose();
  const warm = (await loadModel(dir)).wasmMemoryBytes;
  for (let i = 0; i < 50; i++) {
    const m = await loadModel(dir);
    m.translate([2, 3, 1]);
    m.dispose();
  }
  const model = await loadModel(dir);
  assert.is(model.wasmMemoryBytes, warm);
  model.dispose();
});

test.run();
