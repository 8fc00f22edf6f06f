// Classifier and captioner presets beyond parity (test/classifiers/parity.test.ts and
// test/models/parity.test.ts check each preset's fixture against PyTorch): the name map's forms
// (module paths, single tensors, `x @ W` matrices stored transposed, vectors with unit dimensions),
// the errors a wrong config gives (with suggestions on the last name segments), and
// matchClassifierPresets recognising each fixture and inferring its sizes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadClassifierFrom } from '../../src/classifier/load.js';
import { matchClassifierPresets } from '../../src/presets.js';
import { loadModelFrom } from '../../src/load.js';
import { quantizeModel } from '../../src/quantize.js';
import { readSafetensors, writeSafetensors } from '../../src/safetensors.js';
import { checkTensorNameMap, resolveTensorName } from '../../src/tensor-names.js';
import { throwsCode } from '../models/helpers.js';

const classifierFixtures = join(import.meta.dirname, 'fixtures');
const captionerFolder = join(import.meta.dirname, '..', 'fixtures', 'sgrvinod-captioning');

function fixture(folder: string) {
  return {
    bytes: readFileSync(join(folder, 'model.safetensors')),
    config: JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')),
    reference: JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')),
  };
}
const han = fixture(join(classifierFixtures, 'sgrvinod-han'));
const bilstm = fixture(join(classifierFixtures, 'att-blstm-relation'));
const sat = fixture(captionerFolder);
const uvipen = fixture(join(classifierFixtures, 'uvipen-han'));
const aaron = fixture(join(import.meta.dirname, '..', 'fixtures', 'aaronccwong-sat'));

type Tensors = Record<string, { shape: number[]; data: Float32Array }>;
function tensorsOf(bytes: Uint8Array): Tensors {
  const f = readSafetensors(bytes, 'model.safetensors');
  const out: Tensors = {};
  for (const [name, info] of f.tensors) out[name] = { shape: info.shape, data: f.float32(name) };
  return out;
}
function transposed({ shape: [r, c], data }: { shape: number[]; data: Float32Array }) {
  const t = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = data[i * c + j];
  return { shape: [c, r], data: t };
}
const tensorList = (bytes: Uint8Array) => [...readSafetensors(bytes).tensors.values()].map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));

test('resolveTensorName: an exact tensor first, else the longest module path by whole segments', () => {
  const map = { lstm: 'decode_step', 'attention.w': 'attention.full_att', 'attention.w.bias': 'b', a: 'x', 'attention.W_a.weight': { name: 'W', transpose: true } };
  assert.equal(resolveTensorName(map, 'lstm.weight_ih'), { name: 'decode_step.weight_ih', transpose: false });
  assert.equal(resolveTensorName(map, 'attention.w.weight'), { name: 'attention.full_att.weight', transpose: false });
  assert.equal(resolveTensorName(map, 'attention.w.bias'), { name: 'b', transpose: false });
  assert.equal(resolveTensorName(map, 'attention.W_a.weight'), { name: 'W', transpose: true });
  assert.equal(resolveTensorName(map, 'attention.W_a.bias'), { name: 'attention.W_a.bias', transpose: false });
  assert.equal(resolveTensorName(map, 'lstmx.weight'), { name: 'lstmx.weight', transpose: false }, 'not a segment of lstm');
  assert.equal(resolveTensorName(map, 'ab.c'), { name: 'ab.c', transpose: false });
  assert.equal(resolveTensorName(map, 'toString'), { name: 'toString', transpose: false }, 'no inherited keys');
  const odd = checkTensorNameMap(JSON.parse('{"__proto__": "x", "w": {"name": "v", "transpose": true}}'), 'config');
  assert.equal(resolveTensorName(odd, '__proto__'), { name: 'x', transpose: false });
  assert.equal(resolveTensorName({ ...odd }, 'w'), { name: 'v', transpose: true });
  for (const bad of [[], 'x', { a: 1 }, { a: { name: 'v', transpose: 'yes' } }, { a: { transpose: true } }]) {
    assert.throws(() => checkTensorNameMap(bad, 'config'), /tensor_names/);
  }
});

test('sgrvinod-han: the nested names need the preset; without it the error suggests the nested name', async () => {
  const plain = { ...han.config, architecture: 'han' };
  const e = await throwsCode(() => loadClassifierFrom({ weights: { bytes: han.bytes, name: 'han.safetensors' }, config: plain }),
    'E_TENSOR_MISSING', 'han.safetensors', "'word_rnn.weight_ih_l0'");
  assert.match(e.message, /'sentence_attention\.word_attention\.word_rnn\.weight_ih_l0'/);
});

test('a raw-parameter HAN (x @ W with W stored (in, out), biases (1, n), context vectors (n, 1)) loads through tensor_names and classifies as the preset', async () => {
  const t = tensorsOf(han.bytes);
  const raw: Tensors = {};
  const names: Record<string, unknown> = {};
  const sa = 'sentence_attention.', wa = `${sa}word_attention.`;
  for (const [level, W, u] of [['word', `${wa}word_attention`, `${wa}word_context_vector`], ['sentence', `${sa}sentence_attention`, `${sa}sentence_context_vector`]]) {
    raw[`${level}_weight`] = transposed(t[`${W}.weight`]);
    raw[`${level}_bias`] = { shape: [1, t[`${W}.bias`].shape[0]], data: t[`${W}.bias`].data };
    raw[`${level}_context`] = transposed(t[`${u}.weight`]);
    names[`${level}_attention.W.weight`] = { name: `${level}_weight`, transpose: true };
    names[`${level}_attention.W.bias`] = `${level}_bias`;
    names[`${level}_attention.u.weight`] = `${level}_context`;
    for (const k of [`${W}.weight`, `${W}.bias`, `${u}.weight`]) delete t[k];
  }
  const bytes = writeSafetensors({ ...t, ...raw });
  const clf = await loadClassifierFrom({ weights: bytes, config: { ...han.config, tensor_names: names } });
  for (const c of han.reference.cases) {
    const r = clf.classify(c.source_ids);
    assert.is(r.labelId, c.label_id, c.name);
    r.probabilities.forEach((p, i) => assert.ok(Math.abs(p - c.probabilities[i]) < 1e-5, `${c.name} p[${i}]`));
  }
  clf.dispose();
  // without "transpose" the (in, out) matrix is the wrong shape, and the error says so
  names['word_attention.W.weight'] = 'word_weight';
  await throwsCode(() => loadClassifierFrom({ weights: bytes, config: { ...han.config, tensor_names: names } }), 'E_TENSOR_SHAPE', "'word_weight'", "read as 'word_attention.W.weight'");
});

test('att-blstm-relation: att_weight (1, H, 1) is read as w (1, H); a (H, 1, 2) tensor is not', async () => {
  const clf = await loadClassifierFrom({ weights: bilstm.bytes, config: bilstm.config });
  assert.is(clf.config.merge, 'sum');
  assert.is(clf.config.preset, 'att-blstm-relation');
  clf.dispose();
  const t = tensorsOf(bilstm.bytes);
  const H = bilstm.config.hidden_size;
  t.att_weight = { shape: [H / 2, 1, 2], data: t.att_weight.data };
  await throwsCode(() => loadClassifierFrom({ weights: writeSafetensors(t), config: bilstm.config }), 'E_TENSOR_SHAPE', "'att_weight'", `[${H / 2}, 1, 2]`);
});

test('pad_to_max_lengths on attention-bilstm: the input padded to max_length with the pad id, read as words', async () => {
  const config = { ...bilstm.config, max_length: 8, pad_to_max_lengths: true, source_pad_id: 0 };
  const clf = await loadClassifierFrom({ weights: bilstm.bytes, config });
  const r = clf.classify([5, 6, 7]);
  if (r.architecture !== 'attention-bilstm') throw new Error('an attention-bilstm result');
  assert.equal(r.ids, [5, 6, 7, 0, 0, 0, 0, 0]);
  assert.is(r.attention.length, 8);
  assert.ok(r.attention[7] > 0, 'the pads take attention (the model reads them)');
  const plain = await loadClassifierFrom({ weights: bilstm.bytes, config: { ...config, pad_to_max_lengths: false } });
  assert.equal(Array.from(r.probabilities), Array.from(plain.classify([5, 6, 7, 0, 0, 0, 0, 0]).probabilities), 'the same as passing the pads');
  await throwsCode(() => clf.classify([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'E_INPUT_LENGTH', 'max_length 8');
  clf.dispose();
  plain.dispose();
});

test('preset errors: unknown, a captioner preset for loadClassifier, a classifier preset for loadModel', async () => {
  await throwsCode(() => loadClassifierFrom({ weights: han.bytes, config: { ...han.config, architecture: 'sgrvinod-hna' } }), 'E_CONFIG', '"sgrvinod-hna"', '"han"', '"sgrvinod-han"', '"att-blstm-relation"', '"uvipen-han"');
  await throwsCode(() => loadClassifierFrom({ weights: sat.bytes, config: sat.config }), 'E_CONFIG', 'captioner preset', 'loadModel');
  await throwsCode(() => loadModelFrom({ weights: han.bytes, config: { ...han.config, target_vocab: ['a'], sos_id: 0, eos_id: 0, hidden_size: 4 } }), 'E_CONFIG', '"sgrvinod-han"', 'loadClassifier');
});

test('sgrvinod-captioning: the preset sets the parts; a config field overrides one (and the file then disagrees)', async () => {
  const m = await loadModelFrom({ weights: sat.bytes, config: sat.config });
  assert.is(m.config.architecture, 'show-attend-tell');
  assert.equal(m.config.captioner, {
    attentionActivation: 'relu', attentionBiases: { annotation: true, query: true, energy: true }, gate: 'channel', initActivation: 'none',
    preset: 'sgrvinod-captioning', tensorNames: m.config.captioner!.tensorNames,
  });
  m.dispose();
  await throwsCode(() => loadModelFrom({ weights: { bytes: sat.bytes, name: 'decoder.safetensors' }, config: { ...sat.config, gate: 'scalar' } }),
    'E_TENSOR_SHAPE', "'f_beta.weight'", `[${sat.config.feature_size}, ${sat.config.hidden_size}]`);
  await throwsCode(() => loadModelFrom({ weights: sat.bytes, config: { ...sat.config, attention_biases: ['bias'] } }), 'E_CONFIG', '"attention_biases"');
  await throwsCode(() => loadModelFrom({ weights: sat.bytes, config: { ...sat.config, gate: 'channels' } }), 'E_CONFIG', '"gate"', '"channel"');
  // the name map says which of seqattn's tensors a missing one was
  const t = tensorsOf(sat.bytes);
  delete t['decode_step.weight_hh'];
  await throwsCode(() => loadModelFrom({ weights: { bytes: writeSafetensors(t), name: 'decoder.safetensors' }, config: sat.config }),
    'E_TENSOR_MISSING', "'decode_step.weight_hh'", "seqattn's 'lstm.weight_hh'");
});

test('uvipen-han: the carried word state, the tanh on sentence scores and the padding each matter (the fixture differs without them)', async () => {
  const worst = async (override: Record<string, unknown>) => {
    const clf = await loadClassifierFrom({ weights: uvipen.bytes, config: { ...uvipen.config, ...override } });
    let d = 0;
    for (const c of uvipen.reference.cases) {
      const r = clf.classify(c.given_ids);
      r.probabilities.forEach((p, i) => { d = Math.max(d, Math.abs(p - c.probabilities[i])); });
    }
    clf.dispose();
    return d;
  };
  assert.ok(await worst({}) < 1e-5, 'the preset as it is');
  for (const change of [{ word_state: 'reset' }, { sentence_score_activation: 'none' }, { pad_to_max_lengths: false }, { word_score_activation: 'tanh' }]) {
    assert.ok(await worst(change) > 1e-3, `${JSON.stringify(change)} changes the probabilities`);
  }
  const clf = await loadClassifierFrom({ weights: uvipen.bytes, config: uvipen.config });
  const r = clf.classify([[5, 6]]);
  assert.is(r.architecture, 'han');
  if (r.architecture === 'han') {
    assert.is(r.ids.length, uvipen.config.max_sentences, 'the document the model read: padded to max_sentences');
    assert.equal(r.ids[0].slice(0, 3), [5, 6, 0]);
    assert.is(r.tokens[1][0], '<unk>', 'pads show as the pad id\'s symbol');
  }
  clf.dispose();
  await throwsCode(() => loadClassifierFrom({ weights: uvipen.bytes, config: { ...uvipen.config, source_pad_id: null } }), 'E_CONFIG', '"pad_to_max_lengths"', '"source_pad_id"');
  await throwsCode(() => loadClassifierFrom({ weights: uvipen.bytes, config: { ...uvipen.config, word_state: 'keep' } }), 'E_CONFIG', '"word_state"', '"carry"');
});

test('seqattn quantize on preset files: int8 tensors under the project\'s names, and the int8 file loads with the preset', async () => {
  for (const f of [han, bilstm, uvipen]) {
    const q = await quantizeModel({ weights: f.bytes, config: f.config });
    assert.ok(q.int8.length >= 3, `${f.config.architecture}: int8 tensors ${q.int8.join(', ')}`);
    assert.ok(q.int8.every((n) => readSafetensors(f.bytes).has(n)), 'the file\'s own names');
    const clf = await loadClassifierFrom(q.bytes);
    const agree = f.reference.cases.filter((c: any) => clf.classify(c.given_ids ?? c.source_ids).labelId === c.label_id).length;
    assert.ok(agree >= f.reference.cases.length - 1, `${f.config.architecture}: int8 labels agree on ${agree} of ${f.reference.cases.length}`);
    clf.dispose();
  }
  const q = await quantizeModel({ weights: sat.bytes, config: sat.config });
  assert.ok(q.int8.includes('decode_step.weight_hh') && q.int8.includes('fc.weight'), q.int8.join(', '));
  const m = await loadModelFrom(q.bytes);
  const c = sat.reference.cases.find((k: any) => k.name === 'grid-7x7');
  assert.ok(m.translate({ features: Float32Array.from(c.features), length: c.length }).attention.length > 0);
  m.dispose();
});

test('matchClassifierPresets names each fixture\'s preset and infers its sizes, also under a prefix', () => {
  const cases: [Uint8Array, Record<string, unknown>, Record<string, unknown>][] = [
    [han.bytes, han.config, { source_vocab: `${han.config.source_vocab.length} symbols`, labels: `${han.config.labels.length} names` }],
    [bilstm.bytes, bilstm.config, { num_layers: 1, source_vocab: `${bilstm.config.source_vocab.length} symbols`, labels: `${bilstm.config.labels.length} names` }],
    [sat.bytes, sat.config, { target_vocab: `${sat.config.target_vocab.length} symbols` }],
    [aaron.bytes, aaron.config, { target_vocab: `${aaron.config.target_vocab.length} symbols` }],
    [uvipen.bytes, uvipen.config, { word_attention_size: 2 * uvipen.config.word_hidden_size, sentence_attention_size: 2 * uvipen.config.sentence_hidden_size,
      source_vocab: `${uvipen.config.source_vocab.length} symbols`, labels: `${uvipen.config.labels.length} names` }],
  ];
  for (const [bytes, config, counts] of cases) {
    const found = matchClassifierPresets(tensorList(bytes));
    assert.is(found.length, 1, `${config.architecture}: ${JSON.stringify(found)}`);
    const sizes = Object.fromEntries(Object.entries(config).filter(([k]) => (k.endsWith('_size') || k.endsWith('_layers')) && !k.startsWith('max')));
    assert.equal(found[0].fields, { ...sizes, ...counts });
    assert.is(found[0].name, config.architecture);
    assert.is(found[0].architecture, config.architecture);
    assert.is(found[0].kind, String(config.architecture).endsWith('-han') || config.architecture === 'att-blstm-relation' ? 'classifier' : 'captioner');
    assert.ok(found[0].notes.length > 0);
  }
  const prefixed = tensorList(sat.bytes).map((t) => ({ ...t, name: `decoder.${t.name}` }));
  const [p] = matchClassifierPresets(prefixed);
  assert.is(p.fields.tensor_prefix, 'decoder.');
  // seqattn's own han names are no project's preset: they match the paper architecture alone
  assert.equal(matchClassifierPresets(tensorList(readFileSync(join(classifierFixtures, 'han', 'model.safetensors')))).map((m) => m.architecture), ['han']);
});

test.run();
