// Issue 12, item 7: configs, headers and options are read through own properties only, so a
// polluted Object.prototype configures nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadClassifier, loadModel, loadModelFrom, parseConfig, readSafetensors } from '../../src/node.js';
import { throwsCode } from '../models/helpers.js';
import { g2pBytes, split, withHeader } from './helpers.js';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';

/** Runs fn with Object.prototype (and Array.prototype) given `props`, removing them after. */
async function polluted<T>(props: Record<string, unknown>, fn: () => T | Promise<T>, proto: object = Object.prototype): Promise<T> {
  for (const [k, v] of Object.entries(props)) Object.defineProperty(proto, k, { value: v, configurable: true, writable: true, enumerable: false });
  try { return await fn(); } finally { for (const k of Object.keys(props)) delete (proto as Record<string, unknown>)[k]; }
}

test('Object.prototype.target_unk_id = 5 and friends do not configure g2p-en', async () => {
  const clean = await loadModel('g2p-en');
  const expected = { config: clean.config, out: clean.translate('attention', { beamSize: 3 }) };
  clean.dispose();
  const pollution = {
    target_unk_id: 5, source_unk_id: 0, max_source_length: 3, max_target_length: 2, lowercase: false, tensor_prefix: 'x.',
    reverse_source: true, feature_size: 7, gate: true, target_separator: '|', num_layers: 9, deep_output: 'none',
    // translate options
    beamSize: 1, maxLength: 1, temperature: 5, nBest: 2, replaceUnknown: true, minLength: 9, unknownSource: 'error',
    // load options
    maxBatchSize: 1e6, maxMemoryBytes: 1, weights: 'int9', wasmBuild: 'nope', maxFileBytes: 1,
    // safetensors metadata
    'seqattn.quantization': 'int4-from-the-prototype',
  };
  await polluted(pollution, async () => {
    const m = await loadModel('g2p-en');
    assert.is(m.config.targetUnkId, null);
    assert.equal(m.config, expected.config);
    const out = m.translate('attention', { beamSize: 3 });
    assert.equal(out.ids, expected.out.ids);
    assert.equal(out.logProbs, expected.out.logProbs);
    m.dispose();
  });
});

test('an inherited __metadata__ entry or tensor field is not read from the prototype', async () => {
  const { header, data } = split(g2pBytes);
  const config = header.__metadata__.seqattn;
  delete header.__metadata__.seqattn;
  const noConfig = withHeader(header, data);
  await polluted({ seqattn: config }, () => throwsCode(() => loadModelFrom(noConfig), 'E_CONFIG', 'no config'));
  const entry = withHeader({ t: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
  await polluted({ dtype: 'F32' }, () => throwsCode(() => readSafetensors(entry), 'E_HEADER_JSON', "field 'dtype' is missing"));
});

test('a vocabulary with a hole is refused, even with Array.prototype[0] set', async () => {
  const raw = { architecture: 'bahdanau', hidden_size: 8, source_vocab: [, 'b'], target_vocab: ['<s>', '</s>'], sos_id: 0, eos_id: 1 };
  await polluted({ 0: 'a' }, () => throwsCode(() => parseConfig(raw, 'cfg'), 'E_CONFIG', '"source_vocab" must be a non-empty array of strings'), Array.prototype);
});

test('classifier configs too: Object.prototype.source_unk_id does not configure a classifier', async () => {
  const dir = join(import.meta.dirname, '..', 'classifiers', 'fixtures');
  const first = readdirSync(dir).map((d) => join(dir, d)).find((d) => !d.endsWith('.json'))!;
  const clean = await loadClassifier(first);
  const expected = clean.config;
  clean.dispose();
  await polluted({ source_unk_id: 0, max_length: 1, merge: 'nope' }, async () => {
    const c = await loadClassifier(first);
    assert.equal(c.config, expected);
    c.dispose();
  });
});

test.run();
