// Issue 12, item 9 (the model-general part): unknownSource 'error' | 'unk' as a load or translate
// option, and results report which source positions were read as the unknown id.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, loadModelFrom } from '../../src/node.js';
import { throwsCode } from '../models/helpers.js';
import { g2pWithConfig } from './helpers.js';

test("default 'unk' with a source_unk_id: out-of-alphabet characters become <unk>, their positions reported", async () => {
  const m = await loadModel('g2p-en');
  const unk = m.config.sourceUnkId!;
  const r = m.translate('well-known');
  assert.equal(r.unknownSource, [4]);
  assert.is(r.sourceIds[4], unk);
  assert.is(r.sourceTokens[4], '-', 'the surface form is kept');
  assert.equal(m.translate('attention').unknownSource, []);
  assert.equal(m.translate('new york 1990').unknownSource, [3, 8, 9, 10, 11, 12]);
  assert.equal(m.translateBatch(['café', 'ok']).map((t) => t.unknownSource), [[3], []]);
  assert.equal(m.translate([5, unk, 6]).unknownSource, [], 'ids are taken as they are');
  // per call: 'error' names the character, its code point and position
  await throwsCode(() => m.translate('well-known', { unknownSource: 'error' }), 'E_UNKNOWN_TOKEN', 'character "-" (U+002D) at position 4', "unknownSource is 'error'");
  await throwsCode(() => m.translateBatch(['ok', 'naïve'], { unknownSource: 'error' }), 'E_UNKNOWN_TOKEN', 'inputs[1]', 'U+00EF');
  await throwsCode(() => m.begin('x y', { unknownSource: 'error' }), 'E_UNKNOWN_TOKEN', 'position 1');
  assert.is(m.translate('attention', { unknownSource: 'error' }).text, m.translate('attention').text);
  m.dispose();
});

test("LoadOptions.unknownSource 'error' makes every call strict unless it says 'unk'", async () => {
  const m = await loadModel('g2p-en', { unknownSource: 'error' });
  await throwsCode(() => m.translate('\u{1F600}'), 'E_UNKNOWN_TOKEN', 'U+1F600');
  assert.equal(m.translate('\u{1F600}', { unknownSource: 'unk' }).unknownSource, [0]);
  m.dispose();
});

test("without source_unk_id: 'error' is the default, 'unk' is E_OPTION at load or per call", async () => {
  const bytes = g2pWithConfig((c) => { delete c.source_unk_id; });
  await throwsCode(() => loadModelFrom(bytes, { unknownSource: 'unk' }), 'E_OPTION', 'no source_unk_id');
  const m = await loadModelFrom(bytes);
  await throwsCode(() => m.translate('a-b'), 'E_UNKNOWN_TOKEN', 'no unknown id (source_unk_id)');
  await throwsCode(() => m.translate('ab', { unknownSource: 'unk' }), 'E_OPTION', 'no source_unk_id');
  assert.equal(m.translate('ab').unknownSource, []);
  m.dispose();
});

test.run();
