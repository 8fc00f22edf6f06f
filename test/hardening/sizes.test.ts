// Issue 12, items 1-2: every size from a file, a config or an option is checked in plain numbers
// before anything is allocated, and no failed load changes what a later load computes.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, loadModelFrom, type Seq2SeqModel } from '../../src/node.js';
import { estimateModelBytes, weightElements, DEFAULT_MAX_MEMORY_BYTES } from '../../src/limits.js';
import { readWeightFiles } from '../../src/load.js';
import { Regions } from '../../src/memory.js';
import { modelSourceFromPath } from '../../src/node.js';
import { runtime, MAX_REGION_BYTES } from '../../src/wasm.js';
import { throwsCode } from '../models/helpers.js';
import { g2pWithConfig, root } from './helpers.js';

const WORDS = ['attention', 'hello', 'pronunciation', 'zebra', 'a'];

/** Everything a decode computes, for exact comparison. */
function outputs(m: Seq2SeqModel) {
  const one = m.translate('attention');
  const batch = m.translateBatch(WORDS);
  const beam = m.translate('attention', { beamSize: 4, nBest: 2 });
  const pick = (t: typeof one) => ({ ids: t.ids, logProbs: t.logProbs, attention: t.attention.map((r) => Array.from(r)) });
  return { one: pick(one), batch: batch.map(pick), beam: beam.nBest!.map(pick) };
}

test('the issue\'s files and options fail with typed errors, and the genuine g2p-en gives its exact outputs after each', async () => {
  const first = await loadModel('g2p-en');
  const expected = outputs(first);
  assert.is(first.translate('attention').text, 'AH0 T EH1 N SH AH0 N');
  first.dispose();
  const cases: [string, () => Promise<unknown>, string, string[]][] = [
    ...[262144, 131072, 2 ** 31, 2 ** 32 + 64, 2 ** 53 + 2].map((v): [string, () => Promise<unknown>, string, string[]] =>
      [`max_source_length ${v}`, () => loadModelFrom(g2pWithConfig((c) => { c.max_source_length = v; })), 'E_CONFIG', ['"max_source_length"', String(v), '<= 65536']]),
    ['maxBatchSize 32768', () => loadModel('g2p-en', { maxBatchSize: 32768 }), 'E_OPTION', ['maxBatchSize is 32768', '[1, 4096]']],
    ['max_source_length 30000', () => loadModelFrom(g2pWithConfig((c) => { c.max_source_length = 30000; })), 'E_CONFIG',
      ['max_source_length 30000', 'GiB of Wasm memory', 'more than maxMemoryBytes 1.00 GiB']],
    ['hidden_size 2^32', () => loadModelFrom(g2pWithConfig((c) => { c.hidden_size = 2 ** 32; })), 'E_CONFIG', ['"hidden_size"']],
    ['max_target_length 1e9', () => loadModelFrom(g2pWithConfig((c) => { c.max_target_length = 1e9; })), 'E_CONFIG', ['"max_target_length"']],
    ['maxBeamSize 2^31', () => loadModel('g2p-en', { maxBeamSize: 2 ** 31 }), 'E_OPTION', ['maxBeamSize']],
    ['maxBeamSize 1024 over a small budget', () => loadModel('g2p-en', { maxBeamSize: 1024, maxMemoryBytes: 2 ** 24 }), 'E_OPTION', ['maxBeamSize 1024', 'maxMemoryBytes 16.0 MiB']],
    ['maxMemoryBytes 2^40', () => loadModel('g2p-en', { maxMemoryBytes: 2 ** 40 }), 'E_OPTION', ['maxMemoryBytes']],
  ];
  const rt = await runtime();
  for (const [what, load, code, parts] of cases) {
    const before = rt.memoryBytes;
    await throwsCode(load, code, ...parts);
    assert.is(rt.memoryBytes, before, `${what}: refused before Wasm memory grew`);
    const m = await loadModel('g2p-en');
    assert.equal(outputs(m), expected, `after ${what}`);
    m.dispose();
  }
});

test('the Wasm allocator boundary refuses sizes an i32 would wrap, and the allocator stays sound', async () => {
  const rt = await runtime();
  for (const bytes of [2 ** 32 + 64, 2 ** 32, 2 ** 31, MAX_REGION_BYTES + 1, -1, 1.5, NaN, Infinity]) {
    await throwsCode(() => rt.alloc(bytes), 'E_WASM', 'cannot allocate');
  }
  // the export itself answers 0 (not a trap) past its block limit
  assert.is(rt.k.alloc(MAX_REGION_BYTES + 1), 0);
  const p = rt.alloc(64), q = rt.alloc(64);
  assert.ok(p > 0 && q > 0 && p !== q && p % 16 === 0 && q % 16 === 0);
  rt.free(p); rt.free(q);
});

test('Regions: a region count that is not a safe integer, or past the budget, is refused before allocating', async () => {
  const rt = await runtime();
  const r = new Regions(rt, 1 << 20);
  const before = rt.memoryBytes;
  await throwsCode(() => r.floats(2 ** 30), 'E_CONFIG', 'more Wasm memory than maxMemoryBytes 1.00 MiB');
  await throwsCode(() => r.floats(2 ** 53 + 2), 'E_CONFIG', 'integers');
  await throwsCode(() => r.bytes(-4), 'E_CONFIG', 'integers');
  r.floats(1000);
  assert.is(r.bytesOwned, 4000);
  await throwsCode(() => r.floats(2 ** 18), 'E_CONFIG', '3.91 KiB taken');
  assert.is(rt.memoryBytes, before);
  r.release();
  assert.is(r.bytesOwned, 0);
  assert.is(DEFAULT_MAX_MEMORY_BYTES, 2 ** 30);
});

test('the memory estimate is an upper bound of what every fixture model takes, within 5x, for several option sets', async () => {
  const fixtures = join(root, 'test', 'fixtures');
  const dirs = readdirSync(fixtures).map((d) => join(fixtures, d));
  for (const dir of dirs) {
    const files = readWeightFiles(modelSourceFromPath(dir)).map((f) => f.file);
    for (const options of [{}, { maxBatchSize: 40, maxBeamSize: 3 }, { maxBeamSize: 24, weights: 'int8' as const }]) {
      const m = await loadModel(dir, options);
      const est = estimateModelBytes(m.config, weightElements(files), Math.max(m.maxBeamSize, m.maxBatchSize), m.maxBatchSize).total;
      const used = (m as unknown as { regions: Regions }).regions.bytesOwned;
      assert.ok(used <= est && est <= 5 * used, `${dir} ${JSON.stringify(options)}: took ${used} bytes, estimated ${est}`);
      m.dispose();
    }
  }
});

test.run();
