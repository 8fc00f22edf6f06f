// Unknown-word replacement: an output <unk> becomes the source token it attends to most,
// through the phrase table when given (Luong et al. 2015; OpenNMT replace_unk).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModelFrom, writeSafetensors } from '../../src/node.js';
import { throwsCode } from '../models/helpers.js';
import { tinyBahdanau } from './tiny.js';

async function unkHeavyModel(targetUnk: boolean) {
  const { config, tensors } = tinyBahdanau({ E: 4, n: 4, H: 5, A: 6, l: 3, Vs: 9, Vt: 7, maxSource: 10, maxTarget: 3, seed: 8,
    extra: targetUnk ? { target_unk_id: 3 } : {} });
  tensors['decoder.out.bias'].data[3] = 50; // <unk> wins every step
  return loadModelFrom(writeSafetensors(tensors, { seqattn: JSON.stringify(config) }));
}

test('each <unk> is replaced by the most attended source token, or its phrase-table entry', async () => {
  const model = await unkHeavyModel(true);
  const plain = model.translate('abcz');
  assert.equal(plain.tokens, ['<unk>', '<unk>', '<unk>']);
  const r = model.translate('abcz', { replaceUnknown: true });
  assert.equal(r.ids, plain.ids, 'ids are unchanged');
  r.tokens.forEach((t, i) => {
    const a = Array.from(r.attention[i]);
    assert.is(t, r.sourceTokens[a.indexOf(Math.max(...a))], `token ${i}`);
  });
  assert.ok(r.sourceTokens.includes('z'), 'the surface form of an unknown source character is kept');
  const table = { a: 'AY', b: 'B', c: 'S', z: 'Z', '</s>': '' };
  const t = model.translate('abcz', { replaceUnknown: { phraseTable: table } });
  t.tokens.forEach((tok, i) => assert.is(tok, (table as Record<string, string>)[r.tokens[i]]));
  const m = model.translate('abcz', { replaceUnknown: { phraseTable: new Map(Object.entries(table)) } });
  assert.equal(m.tokens, t.tokens);
  model.dispose();
});

test('replaceUnknown without a target_unk_id in the config is an option error', async () => {
  const model = await unkHeavyModel(false);
  await throwsCode(() => model.translate('ab', { replaceUnknown: true }), 'E_OPTION', 'target_unk_id');
  model.dispose();
});

test.run();
