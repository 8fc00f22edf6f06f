// One record per preset (src/preset-record.ts, src/presets.ts): every kind's presets in one list,
// one name each, the seq2seq ones the same set the config parser accepts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PRESETS } from '../src/config.js';
import { expandPreset, PRESET_RECORDS, presetNames, presetRecord } from '../src/presets.js';
import { matchPresetRecords, TensorView } from '../src/preset-record.js';

test('every record has its own name; the seq2seq presets are config.ts PRESETS', () => {
  const names = PRESET_RECORDS.map((r) => r.name);
  assert.is(new Set(names).size, names.length, names.join(', '));
  assert.equal(presetNames('seq2seq').sort(), [...PRESETS].sort());
  assert.equal(presetNames('captioner').sort(), ['aaronccwong-sat', 'sgrvinod-captioning']);
  assert.equal(presetNames('classifier').sort(), ['att-blstm-relation', 'sgrvinod-han', 'uvipen-han']);
});

test('presetRecord finds presets of the kinds asked for, never a paper architecture', () => {
  assert.is(presetRecord('sgrvinod-captioning')?.kind, 'captioner');
  assert.is(presetRecord('uvipen-han')?.fields.architecture, 'han');
  assert.is(presetRecord('han'), undefined);
  assert.is(presetRecord('show-attend-tell'), undefined);
  assert.is(presetRecord('bentrevett-3'), undefined); // seq2seq: not asked for
  assert.is(presetRecord('bentrevett-3', ['seq2seq'])?.kind, 'seq2seq');
  assert.is(presetRecord(7), undefined);
});

test('expandPreset fills in the preset\'s fields (the config\'s own win) and names the loader of the other kind', () => {
  const { config, preset } = expandPreset({ architecture: 'uvipen-han', lowercase: false }, 'classifier', 'c.json');
  assert.is(preset?.name, 'uvipen-han');
  assert.equal([config.architecture, config.word_state, config.lowercase], ['han', 'carry', false]);
  assert.equal(expandPreset({ architecture: 'han' }, 'classifier', 'c.json'), { config: { architecture: 'han' }, preset: null });
  assert.throws(() => expandPreset({ architecture: 'sgrvinod-captioning' }, 'classifier', 'c.json'), (e: Error & { code?: string }) =>
    e.code === 'E_CONFIG' && /c\.json: "architecture" "sgrvinod-captioning" is a captioner preset: load it with loadModel/.test(e.message));
  assert.throws(() => expandPreset({ architecture: 'att-blstm-relation' }, 'captioner', 'c.json'), /is a classifier preset: load it with loadClassifier/);
});

test('matchPresetRecords: required names under one prefix, `without` rules out, shapes that do not fit drop the record', () => {
  const tensors = [
    { name: 'm.a.weight', dtype: 'F32', shape: [3, 4] },
    { name: 'm.b.weight', dtype: 'F32', shape: [5] },
    { name: 'a.weight', dtype: 'F32', shape: [3, 4] },
  ];
  const rec = (over: object) => ({ name: 'x', kind: 'classifier' as const, source: '', fields: {}, names: {}, required: ['a.weight', 'b.weight'],
    infer: (v: TensorView) => ({ rows: v.dim('a.weight', 0) }), notes: () => [], ...over });
  const found = matchPresetRecords([rec({})], tensors);
  assert.equal(found.map((m) => m.fields), [{ tensor_prefix: 'm.', rows: 3 }]);
  assert.equal(matchPresetRecords([rec({ without: ['b.'] })], tensors), []);
  assert.equal(matchPresetRecords([rec({ infer: () => ({}) })], tensors), []);
});

test.run();
