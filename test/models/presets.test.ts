// The presets' configs, strict loading (E_TENSOR_UNUSED, allowUnusedTensors), missing-tensor errors
// that name the file looked in with suggestions, and `seqattn inspect` naming the right preset for
// every fixture. Parity of the presets with PyTorch: parity.test.ts and beam-parity.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectText } from '../../src/cli/inspect.js';
import { formatInspect, inspect, matchSeq2SeqPresets } from '../../src/inspect.js';
import { readWeightFiles } from '../../src/load.js';
import { loadModel, loadModelFrom, modelSourceFromPath, readSafetensors, writeSafetensors } from '../../src/node.js';
import { WeightStore } from '../../src/weights.js';
import { committedFixtures, rewriteModel, throwsCode, type TensorEdits } from './helpers.js';

const fixture = (name: string) => readFileSync(join(committedFixtures, name, 'model.safetensors'));
const folders = readdirSync(committedFixtures).filter((d) => existsSync(join(committedFixtures, d, 'reference.json'))).sort();

test('strict loading: a tensor no part reads is E_TENSOR_UNUSED naming it; allowUnusedTensors loads with a warning', async () => {
  const extra = rewriteModel(fixture('bentrevett-3'), (t) => { t['decoder.attention.extra.weight'] = { shape: [2], data: new Float32Array(2) }; });
  await throwsCode(() => loadModelFrom({ weights: { bytes: extra, name: 'extra.safetensors' } }), 'E_TENSOR_UNUSED',
    'extra.safetensors', "'decoder.attention.extra.weight'", 'bentrevett-3', 'allowUnusedTensors');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => { warnings.push(m); };
  try {
    const model = await loadModelFrom({ weights: { bytes: extra, name: 'extra.safetensors' } }, { allowUnusedTensors: true });
    assert.ok(model.translate('hello').ids.length > 0);
    model.dispose();
  } finally {
    console.warn = warn;
  }
  assert.is(warnings.length, 1);
  assert.ok(warnings[0].includes('decoder.attention.extra.weight'), warnings[0]);
  // a wrong preset for the file: the OpenNMT-py tensors a chatbot config does not read are listed
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('opennmt-rnn-dot-gru'), (_, c) => { c.input_feeding = true; })), 'E_TENSOR_MISSING', 'decoder.rnn.layers.0.weight_ih');
});

test('missing tensors: the error names the file looked in and suggests names, also by their last segments', async () => {
  // every name under a wrapper attribute, no tensor_prefix: the suggestion shows the ending match
  const wrapped = rewriteModel(fixture('pytorch-chatbot-dot'), (t) => {
    for (const k of Object.keys(t)) { t[`model.${k}`] = t[k]; delete t[k]; }
  });
  await throwsCode(() => loadModelFrom({ weights: { bytes: wrapped, name: 'wrapped.safetensors' } }), 'E_TENSOR_MISSING',
    'wrapped.safetensors', "'encoder.gru.weight_ih_l0'", "'model.encoder.gru.weight_ih_l0'");
  // with tensor_prefix it loads
  const prefixed = rewriteModel(wrapped, (_, c) => { c.tensor_prefix = 'model.'; });
  (await loadModelFrom(prefixed)).dispose();
  // two files: a decoder tensor is looked for in decoder.safetensors, with the decoder's names as suggestions
  const two = join(committedFixtures, 'tutorial', 'two-file');
  const src = modelSourceFromPath(two);
  const files = src.weights as { bytes: Uint8Array; name: string; prefix: string }[];
  const dec = readSafetensors(files[1].bytes, 'decoder.safetensors');
  const tensors: TensorEdits = {};
  for (const [n, info] of dec.tensors) if (n !== 'out.bias') tensors[n] = { shape: info.shape, data: dec.float32(n) };
  const e = await throwsCode(() => loadModelFrom({ ...src, weights: [files[0], { ...files[1], bytes: writeSafetensors(tensors) }] }),
    'E_TENSOR_MISSING', 'decoder.safetensors', "'decoder.out.bias'", "'decoder.out.weight'");
  assert.not.ok(e.message.includes('encoder.safetensors'), e.message);
});

test('missing tensors: a name that only matches by its last segments is suggested too', async () => {
  const t = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const bytes = writeSafetensors({ 'word_rnn.weight_hh_l0': t([3]), 'word_rnn.bias_ih_l0': t([3]), 'word_rnn.weight_ih_l1': t([3]),
    'model.han.encoder.word_rnn.weight_ih_l0': t([3]) });
  const store = new WeightStore([{ file: readSafetensors(bytes, 'han.safetensors'), prefix: '' }]);
  await throwsCode(() => store.float32('word_rnn.weight_ih_l0', [3]), 'E_TENSOR_MISSING', 'han.safetensors',
    "most similar: 'word_rnn.weight_hh_l0'", "with the same ending: 'model.han.encoder.word_rnn.weight_ih_l0'");
});

test('preset configs: sizes the project ties, fields that do not apply', async () => {
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('pytorch-chatbot-dot'), (_, c) => { c.embedding_size = 8; })), 'E_CONFIG', 'embedding_size = hidden_size');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('bentrevett-2'), (_, c) => { c.num_layers = 2; })), 'E_CONFIG', 'bentrevett-2 has one layer');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('bentrevett-2'), (_, c) => { c.cell = 'lstm'; })), 'E_CONFIG', '"cell" does not apply to bentrevett-2');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('opennmt-rnn-mlp'), (_, c) => { c.attention = 'concat'; })), 'E_CONFIG', '"attention" is "concat"', '"mlp"');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('bentrevett-1'), (_, c) => { c.prepend_source_sos = true; c.source_sos_id = null; })), 'E_CONFIG', 'source_sos_id');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('pytorch-tutorial-location'), (_, c) => { c.max_source_length = 65; })), 'E_CONFIG', 'max_length 64');
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('luong-dot'), (_, c) => { c.target_embedding_size = 4; })), 'E_CONFIG', '"target_embedding_size" applies to the presets');
  // a wrong size shows as a shape error naming the tensor
  await throwsCode(() => loadModelFrom(rewriteModel(fixture('bentrevett-3'), (_, c) => { c.encoder_hidden_size = 12; })), 'E_TENSOR_SHAPE', 'encoder.rnn.weight_ih_l0');
});

test('prepend_source_sos: a string source starts with source_sos_id', async () => {
  const model = await loadModel(join(committedFixtures, 'bentrevett-1'));
  const s = model.source('ab');
  assert.equal(s.ids, [2, 4, 5, 3]);
  assert.equal(s.tokens, ['<sos>', 'a', 'b', '<eos>']);
  model.dispose();
});

for (const folder of folders) {
  test(`inspect ${folder}: names the fixture's architecture, with the sizes of its config`, () => {
    const src = modelSourceFromPath(join(committedFixtures, folder));
    const report = inspect(readWeightFiles(src));
    const config = JSON.parse(report.config ? JSON.stringify(report.config.value) : readFileSync(join(committedFixtures, folder, 'config.json'), 'utf8'));
    assert.equal(report.matches.map((m) => m.architecture), [config.architecture], `${folder}: ${JSON.stringify(report.matches)}`);
    const { fields, notes } = report.matches[0];
    for (const [k, v] of Object.entries(fields)) {
      if (notes.some((n) => n.startsWith(`${k}:`) || n.includes(`"${k}"`))) continue; // what the file cannot tell, said in a note
      if (k.endsWith('_vocab')) assert.is(v, `${config[k].length} symbols`, `${folder}: ${k}`);
      else if (config[k] !== undefined) assert.equal(v, config[k], `${folder}: ${k}`);
    }
  });
}

const classifierFixtures = join(committedFixtures, '..', 'classifiers', 'fixtures');
for (const folder of readdirSync(classifierFixtures).filter((f) => statSync(join(classifierFixtures, f)).isDirectory()).sort()) {
  test(`inspect classifiers/${folder}: the default matchers name the classifier's architecture or preset`, () => {
    const report = inspect(readWeightFiles(modelSourceFromPath(join(classifierFixtures, folder))));
    const config = report.config ? report.config.value as Record<string, any> : JSON.parse(readFileSync(join(classifierFixtures, folder, 'config.json'), 'utf8'));
    const match = report.matches.find((m) => m.architecture === config.architecture);
    assert.ok(match, `${folder} (${config.architecture}): ${JSON.stringify(report.matches.map((m) => m.architecture))}`);
    for (const [k, v] of Object.entries(match!.fields)) {
      if (k.endsWith('_vocab')) assert.is(v, `${config[k].length} symbols`, `${folder}: ${k}`);
      else if (k === 'labels') assert.is(v, `${config.labels.length} names`, `${folder}: labels`);
      else if (config[k] !== undefined) assert.equal(v, config[k], `${folder}: ${k}`);
    }
  });
}

test('inspect: a file under a wrapper attribute suggests tensor_prefix; the CLI prints tensors and presets; usage errors', () => {
  const wrapped = rewriteModel(fixture('opennmt-rnn-general'), (t) => {
    for (const k of Object.keys(t)) { t[`model.${k}`] = t[k]; delete t[k]; }
  });
  const f = readSafetensors(wrapped, 'wrapped.safetensors');
  const m = matchSeq2SeqPresets([...f.tensors.values()].map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })));
  assert.is(m.length, 1);
  assert.is(m[0].fields.tensor_prefix, 'model.');
  assert.is(m[0].fields.attention, 'general');
  const text = inspectText([join(committedFixtures, 'pytorch-chatbot-concat')]);
  assert.ok(text.includes('decoder.attn.v') && text.includes('F32'), text);
  assert.ok(text.includes('pytorch-chatbot (seq2seq): {"architecture":"pytorch-chatbot","hidden_size":14,"num_layers":2,"attention":"concat"'), text);
  const json = JSON.parse(inspectText([join(committedFixtures, 'cho-maxout', 'model.safetensors'), '--json']));
  assert.is(json.matches[0].architecture, 'cho');
  assert.throws(() => inspectText([]), /one FILE_OR_FOLDER/);
  assert.throws(() => inspectText(['--verbose', 'x']), /unknown option --verbose/);
});


test('bentrevett-3 saved by the current notebook (decoder.attention.v_fc): loads as with v', async () => {
  const a = await loadModelFrom(fixture('bentrevett-3'));
  const renamed = rewriteModel(fixture('bentrevett-3'), (t) => { t['decoder.attention.v_fc.weight'] = t['decoder.attention.v.weight']; delete t['decoder.attention.v.weight']; });
  const b = await loadModelFrom(renamed);
  const ids = [3, 4, 5, 6];
  assert.equal(b.translate(ids, { beamSize: 3 }).ids, a.translate(ids, { beamSize: 3 }).ids);
  assert.equal(Array.from(b.translate(ids).attention[0]), Array.from(a.translate(ids).attention[0]));
  a.dispose(); b.dispose();
});

test('pytorch-chatbot with v stored as (1, H) or (H, 1): inspect names it and it loads as with (H)', async () => {
  const a = await loadModelFrom(fixture('pytorch-chatbot-concat'));
  for (const shape of [[1, 14], [14, 1]]) {
    const bytes = rewriteModel(fixture('pytorch-chatbot-concat'), (t) => { t['decoder.attn.v'] = { shape, data: t['decoder.attn.v'].data }; });
    const report = inspect(readWeightFiles({ weights: bytes }));
    assert.equal(report.matches.map((m) => m.architecture), ['pytorch-chatbot']);
    const b = await loadModelFrom(bytes);
    const ids = [3, 4, 5];
    assert.equal(b.translate(ids, { beamSize: 2 }).ids, a.translate(ids, { beamSize: 2 }).ids, `${shape}`);
    assert.equal(Array.from(b.translate(ids).attention[0]), Array.from(a.translate(ids).attention[0]), `${shape}`);
    b.dispose();
  }
  a.dispose();
});

test('an unread tensor is "not read by an opennmt-rnn model" (the article of the name)', async () => {
  const extra = rewriteModel(fixture('opennmt-rnn-mlp'), (t) => { t.extra = { shape: [2], data: new Float32Array(2) }; });
  await throwsCode(() => loadModelFrom(extra), 'E_TENSOR_UNUSED', 'not read by an opennmt-rnn model');
  const extra2 = rewriteModel(fixture('bentrevett-1'), (t) => { t.extra = { shape: [2], data: new Float32Array(2) }; });
  await throwsCode(() => loadModelFrom(extra2), 'E_TENSOR_UNUSED', 'not read by a bentrevett-1 model');
});

test('inspect\'s closing hint fits the kind: seq2seq vocabularies, classifier labels, captioner feature_size', () => {
  const report = (kind: 'seq2seq' | 'classifier' | 'captioner') => formatInspect({ files: [], tensors: [], config: null, proposal: null, matches: [{ architecture: 'x', kind, fields: {}, notes: [] }] });
  assert.ok(report('seq2seq').includes('source_vocab, target_vocab'));
  assert.ok(report('classifier').includes('labels') && !report('classifier').includes('target_vocab'), report('classifier'));
  assert.ok(report('captioner').includes('feature_size') && !report('captioner').includes('source_vocab'), report('captioner'));
});

test.run();
