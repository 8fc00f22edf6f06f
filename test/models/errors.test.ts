// Bad input gets a typed error naming what is wrong and where; the model keeps working after it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, loadModelFrom, readSafetensors, writeSafetensors } from '../../src/node.js';
import { committedFixtures, rewriteModel, throwsCode } from './helpers.js';

const tutorialDir = join(committedFixtures, 'tutorial');
const charDir = join(committedFixtures, 'bahdanau-maxout');
const tutorialBytes = readFileSync(join(tutorialDir, 'model.safetensors'));

/** A model file (default: the tutorial's) rewritten with `edit` applied to its tensors and config. */
function rewritten(edit: Parameters<typeof rewriteModel>[1], bytes: Uint8Array = tutorialBytes): Uint8Array {
  return rewriteModel(bytes, edit);
}

test('file-level damage: truncated, header past the end, malformed JSON', async () => {
  await throwsCode(() => loadModelFrom({ weights: { bytes: tutorialBytes.subarray(0, 5), name: 'cut.safetensors' } }), 'E_FILE_TRUNCATED', 'cut.safetensors');
  await throwsCode(() => loadModelFrom({ weights: { bytes: tutorialBytes.subarray(0, 100), name: 'cut.safetensors' } }), 'E_HEADER_LENGTH', 'cut.safetensors');
  const bad = Uint8Array.from(tutorialBytes);
  bad[8] = '['.charCodeAt(0) + 1; // header no longer starts a JSON value
  await throwsCode(() => loadModelFrom({ weights: { bytes: bad, name: 'bad.safetensors' } }), 'E_HEADER_JSON', 'bad.safetensors');
});

test('tensors: missing, wrong shape, NaN, Inf', async () => {
  await throwsCode(() => loadModelFrom(rewritten((t) => { delete t['decoder.out.bias']; })), 'E_TENSOR_MISSING', 'decoder.out.bias');
  await throwsCode(() => loadModelFrom(rewritten((t) => {
    const w = t['decoder.gru.weight_ih_l0'];
    t['decoder.gru.weight_ih_l0'] = { shape: [w.shape[0], w.shape[1] - 1], data: w.data.subarray(0, w.shape[0] * (w.shape[1] - 1)) };
  })), 'E_TENSOR_SHAPE', 'decoder.gru.weight_ih_l0', '[39, 25]', '[39, 26]');
  await throwsCode(() => loadModelFrom(rewritten((t) => { t['encoder.gru.weight_hh_l0'].data[7] = NaN; })), 'E_TENSOR_NONFINITE', 'encoder.gru.weight_hh_l0', 'NaN');
  await throwsCode(() => loadModelFrom(rewritten((t) => { t['decoder.out.weight'].data[3] = Infinity; })), 'E_TENSOR_NONFINITE', 'decoder.out.weight');
});

test('config: missing, malformed, inconsistent with the tensors', async () => {
  const f = readSafetensors(tutorialBytes);
  const plain: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, info] of f.tensors) plain[name] = { shape: info.shape, data: f.float32(name) };
  await throwsCode(() => loadModelFrom({ weights: { bytes: writeSafetensors(plain), name: 'noconfig.safetensors' } }), 'E_CONFIG', 'noconfig.safetensors', 'no config');
  await throwsCode(() => loadModelFrom({ weights: writeSafetensors(plain), config: '{"architecture": ', configName: 'config.json' }), 'E_CONFIG', 'config.json', 'not valid JSON');
  await throwsCode(() => loadModelFrom(rewritten((_, c) => { c.architecture = 'transformer'; })), 'E_CONFIG', 'architecture', 'transformer');
  await throwsCode(() => loadModelFrom(rewritten((_, c) => { c.eos_id = 999; })), 'E_CONFIG', 'eos_id', '999');
  // a config whose hidden size disagrees with the file: the first tensor read says so
  await throwsCode(() => loadModelFrom(rewritten((_, c) => { c.hidden_size = 14; c.embedding_size = 14; })), 'E_TENSOR_SHAPE', 'encoder.gru.weight_ih_l0', 'has shape [39, 13]', 'expected [42, 14]');
});

test('luong config: sizes, attention, local-only fields; tensors that do not fit the config', async () => {
  const luong = readFileSync(join(committedFixtures, 'luong-local-p', 'model.safetensors')); // H 16, E 10, A 12, local-p, general, D 4
  const load = (edit: Parameters<typeof rewritten>[0]) => loadModelFrom(rewritten(edit, luong));
  await throwsCode(() => load((_, c) => { c.encoder_hidden_size = 12; }), 'E_CONFIG', 'encoder_hidden_size = hidden_size', '12 and 16');
  await throwsCode(() => load((_, c) => { c.bidirectional_encoder = true; c.encoder_hidden_size = 16; }), 'E_CONFIG', 'hidden_size = 2 * encoder_hidden_size', '16 and 16');
  await throwsCode(() => load((_, c) => { c.bidirectional_encoder = true; c.hidden_size = 15; }), 'E_CONFIG', 'even "hidden_size"', '15');
  await throwsCode(() => load((_, c) => { c.attention = 'location'; }), 'E_CONFIG', '"attention" is "location"', '"local-p"');
  await throwsCode(() => load((_, c) => { c.attention = 'general'; }), 'E_CONFIG', '"local_score" applies to "local-m" / "local-p" attention only');
  await throwsCode(() => load((_, c) => { c.local_score = 'mlp'; }), 'E_CONFIG', '"local_score" is "mlp"', '"concat"');
  await throwsCode(() => load((_, c) => { c.window = 0; }), 'E_CONFIG', '"window" is 0', 'integer >= 1');
  await throwsCode(() => load((_, c) => { c.num_layers = 0; }), 'E_CONFIG', '"num_layers" is 0');
  await throwsCode(() => load((_, c) => { c.input_feeding = 'yes'; }), 'E_CONFIG', '"input_feeding" is "yes"', 'true or false');
  // a config the tensors do not match: the first tensor read says what it expected
  await throwsCode(() => load((_, c) => { c.num_layers = 2; }), 'E_TENSOR_MISSING', 'encoder.rnn.weight_ih_l1');
  await throwsCode(() => load((_, c) => { c.input_feeding = false; }), 'E_TENSOR_SHAPE', 'decoder.rnn.weight_ih_l0', '[64, 26]', '[64, 10]');
  await throwsCode(() => load((_, c) => { c.local_score = 'concat'; }), 'E_TENSOR_SHAPE', 'decoder.attention.W_a.weight', '[16, 16]', '[12, 32]');
  await throwsCode(() => load((t) => { delete t['decoder.attention.v_p.weight']; }), 'E_TENSOR_MISSING', 'decoder.attention.v_p.weight');
  // and unchanged, it loads
  (await loadModelFrom(rewritten(() => {}, luong))).dispose();
});

test('show-attend-tell config: feature_size instead of a source vocabulary; attention, gate, deep_output; tensors that do not fit', async () => {
  const sat = readFileSync(join(committedFixtures, 'sat-soft', 'model.safetensors')); // D 12, H 24, E 10, A 16, soft, gate, linear
  const load = (edit: Parameters<typeof rewritten>[0]) => loadModelFrom(rewritten(edit, sat));
  await throwsCode(() => load((_, c) => { delete c.feature_size; }), 'E_CONFIG', 'missing "feature_size"');
  await throwsCode(() => load((_, c) => { c.source_vocab = ['a']; }), 'E_CONFIG', '"source_vocab" does not apply to show-attend-tell', 'annotation vectors');
  await throwsCode(() => load((_, c) => { c.append_source_eos = true; }), 'E_CONFIG', '"append_source_eos" does not apply');
  await throwsCode(() => load((_, c) => { c.attention = 'general'; }), 'E_CONFIG', '"attention" is "general"', '"soft", "hard"');
  await throwsCode(() => load((_, c) => { c.gate = 1; }), 'E_CONFIG', '"gate" is 1', 'true or false');
  await throwsCode(() => load((_, c) => { c.deep_output = 'maxout'; }), 'E_CONFIG', '"deep_output" is "maxout"', '"linear", "tanh", "none"');
  await throwsCode(() => load((_, c) => { c.feature_size = 16; }), 'E_TENSOR_SHAPE', 'init_h.weight', '[24, 12]', '[24, 16]');
  await throwsCode(() => load((t) => { delete t['f_beta.weight']; }), 'E_TENSOR_MISSING', 'f_beta.weight');
  await throwsCode(() => load((_, c) => { c.deep_output = 'none'; }), 'E_TENSOR_MISSING', 'out.weight');
  await throwsCode(() => load((t) => { t['lstm.weight_ih'].data[5] = NaN; }), 'E_TENSOR_NONFINITE', 'lstm.weight_ih');
  // a text model's config with feature fields
  await throwsCode(() => loadModelFrom(rewritten((_, c) => { c.feature_size = 8; })), 'E_CONFIG', '"feature_size" applies to show-attend-tell only');
  (await load(() => {})).dispose();
});

test('annotation vectors: not L x D, too many, NaN / Inf, empty; ids to a captioner, features to a text model; the model keeps working', async () => {
  const model = await loadModel(join(committedFixtures, 'sat-soft')); // D 12, max_source_length 196
  const D = model.config.featureSize;
  const image = Float32Array.from({ length: 9 * D }, (_, k) => (k % 7) / 7);
  const good = model.translate({ features: image, length: 9 });
  assert.equal(model.translate({ features: image }), good, 'length defaults to features.length / D');
  assert.equal(model.translate({ features: Array.from(image) }), good, 'a plain array of numbers');
  await throwsCode(() => model.translate({ features: image.subarray(0, 9 * D - 1) }), 'E_FEATURE_SHAPE', `${9 * D - 1} values`, `not a multiple of feature_size ${D}`);
  await throwsCode(() => model.translate({ features: image, length: 8 }), 'E_FEATURE_SHAPE', 'length is 8', `8 x ${D} = ${8 * D}`, `got ${9 * D}`);
  await throwsCode(() => model.translate({ features: 'grid' as unknown as Float32Array }), 'E_FEATURE_SHAPE', 'Float32Array', 'string');
  await throwsCode(() => model.translate({ features: new Float32Array(197 * D) }), 'E_INPUT_LENGTH', '197 annotation vectors', 'max_source_length 196');
  await throwsCode(() => model.translate({ features: new Float32Array(0) }), 'E_INPUT_LENGTH', 'empty');
  const bad = image.slice();
  bad[2 * D + 5] = NaN;
  await throwsCode(() => model.translate({ features: bad }), 'E_FEATURE_NONFINITE', `features[${2 * D + 5}]`, 'a_3', 'component 5', 'NaN');
  bad[2 * D + 5] = -Infinity;
  await throwsCode(() => model.begin({ features: bad }), 'E_FEATURE_NONFINITE', 'a_3', '-Infinity');
  await throwsCode(() => model.translateBatch([{ features: image }, { features: bad }]), 'E_FEATURE_NONFINITE', 'inputs[1]', 'a_3');
  await throwsCode(() => model.translate([1, 2, 3]), 'E_INPUT_KIND', 'show-attend-tell reads annotation vectors', 'an array of source ids');
  await throwsCode(() => model.translate(image), 'E_INPUT_KIND', 'pass { features', 'an array of source ids');
  await throwsCode(() => model.translate('a dog'), 'E_INPUT_KIND', 'a string');
  await throwsCode(() => model.translate({ features: image }, { replaceUnknown: true }), 'E_OPTION', 'replaceUnknown');
  assert.equal(model.translate({ features: image, length: 9 }), good);
  model.dispose();
  const text = await loadModel(tutorialDir);
  await throwsCode(() => text.translate({ features: image }), 'E_INPUT_KIND', 'pytorch-tutorial reads text or source ids', 'show-attend-tell');
  text.dispose();
});

test('cho and sutskever configs: fields that do not apply, sizes, flags; tensors that do not fit the config', async () => {
  const cho = readFileSync(join(committedFixtures, 'cho-maxout', 'model.safetensors')); // E 10, n 20, H 16, l 8, reset_before, maxout
  const loadCho = (edit: Parameters<typeof rewritten>[0]) => loadModelFrom(rewritten(edit, cho));
  await throwsCode(() => loadCho((_, c) => { c.attention = 'general'; }), 'E_CONFIG', '"attention" does not apply to cho', 'no attention');
  await throwsCode(() => loadCho((_, c) => { c.alignment_size = 8; }), 'E_CONFIG', '"alignment_size" does not apply to cho');
  await throwsCode(() => loadCho((_, c) => { c.reverse_source = true; }), 'E_CONFIG', '"reverse_source" applies to sutskever and bentrevett-1 only', '"cho"');
  await throwsCode(() => loadCho((_, c) => { c.deep_output = 'linear'; }), 'E_CONFIG', '"deep_output" is "linear"', '"maxout", "tanh", "none"');
  await throwsCode(() => loadCho((_, c) => { c.gru_convention = 'keras'; }), 'E_CONFIG', '"gru_convention" is "keras"');
  await throwsCode(() => loadCho((_, c) => { c.encoder_hidden_size = 12; }), 'E_TENSOR_SHAPE', 'encoder.rnn.weight_ih_l0', '[60, 10]', '[36, 10]');
  await throwsCode(() => loadCho((t) => { delete t['encoder.V.weight']; }), 'E_TENSOR_MISSING', 'encoder.V.weight');
  await throwsCode(() => loadCho((_, c) => { c.deep_output = 'none'; }), 'E_TENSOR_SHAPE', 'decoder.out.weight', '[24, 8]', '[24, 42]');
  await throwsCode(() => loadCho((_, c) => { c.deep_output_size = 5; }), 'E_TENSOR_SHAPE', 'decoder.deep_output.weight', '[16, 42]', '[10, 42]');
  await throwsCode(() => loadCho((t) => { t['decoder.V.weight'].data[0] = NaN; }), 'E_TENSOR_NONFINITE', 'decoder.V.weight');
  (await loadCho(() => {})).dispose();

  const sut = readFileSync(join(committedFixtures, 'sutskever-reversed', 'model.safetensors')); // E 10, H 16, 2 layers, reversed
  const loadSut = (edit: Parameters<typeof rewritten>[0]) => loadModelFrom(rewritten(edit, sut));
  await throwsCode(() => loadSut((_, c) => { c.encoder_hidden_size = 8; }), 'E_CONFIG', 'sutskever needs encoder_hidden_size = hidden_size', '8 and 16');
  await throwsCode(() => loadSut((_, c) => { c.reverse_source = 'yes'; }), 'E_CONFIG', '"reverse_source" is "yes"', 'true or false');
  await throwsCode(() => loadSut((_, c) => { c.attention = 'dot'; }), 'E_CONFIG', '"attention" does not apply to sutskever');
  await throwsCode(() => loadSut((_, c) => { c.num_layers = 0; }), 'E_CONFIG', '"num_layers" is 0');
  await throwsCode(() => loadSut((_, c) => { c.num_layers = 3; }), 'E_TENSOR_MISSING', 'encoder.rnn.weight_ih_l2');
  await throwsCode(() => loadSut((_, c) => { c.hidden_size = 12; c.encoder_hidden_size = 12; }), 'E_TENSOR_SHAPE', 'encoder.rnn.weight_ih_l0', '[64, 10]', '[48, 10]');
  await throwsCode(() => loadSut((t) => { delete t['decoder.out.bias']; }), 'E_TENSOR_MISSING', 'decoder.out.bias');
  await throwsCode(() => loadSut((t) => { t['decoder.rnn.weight_hh_l1'].data[3] = Infinity; }), 'E_TENSOR_NONFINITE', 'decoder.rnn.weight_hh_l1');
  (await loadSut(() => {})).dispose();
});

test('unknown model names and paths', async () => {
  await throwsCode(() => loadModel('no-such-model'), 'E_MODEL_NOT_FOUND', 'no-such-model');
  await throwsCode(() => loadModel(join(committedFixtures, 'nothing-here.safetensors')), 'E_MODEL_NOT_FOUND', 'nothing-here');
});

test('inputs: ids out of range, unknown words, too long, empty, bad options; the model keeps working', async () => {
  const model = await loadModel(tutorialDir);
  const good = model.translate([2, 3, 4, 1]);
  const V = model.config.sourceVocab.length;
  await throwsCode(() => model.translate([2, V, 1]), 'E_TOKEN_ID', `source id ${V} at index 1`, `[0, ${V})`);
  await throwsCode(() => model.translate([2, -1]), 'E_TOKEN_ID', 'index 1');
  await throwsCode(() => model.translate([2, 1.5]), 'E_TOKEN_ID', '1.5');
  await throwsCode(() => model.translate('zzyzx'), 'E_UNKNOWN_TOKEN', '"zzyzx"', 'position 0');
  await throwsCode(() => model.translate(new Array(model.config.maxSourceLength + 1).fill(2)), 'E_INPUT_LENGTH', `${model.config.maxSourceLength + 1} source ids`, `max_source_length ${model.config.maxSourceLength}`);
  await throwsCode(() => model.translate([]), 'E_INPUT_LENGTH', 'empty');
  await throwsCode(() => model.translate([2, 1], { maxLength: 0 }), 'E_OPTION', 'maxLength');
  await throwsCode(() => model.translate([2, 1], { maxLength: model.config.maxTargetLength + 1 }), 'E_OPTION', 'maxLength');
  const walk = model.begin([2, 3, 1]);
  await throwsCode(() => walk.step(model.config.targetVocab.length), 'E_TOKEN_ID', 'previous target id');
  // after all of that, the same model gives the same answer
  assert.equal(model.translate([2, 3, 4, 1]), good);
  model.dispose();
});

test('unknown characters map to the unknown id when the vocabulary has one', async () => {
  const model = await loadModel(charDir);
  const unk = model.config.sourceUnkId!;
  const { ids, tokens } = model.source('a\u2603');
  assert.is(ids[1], unk);
  assert.is(tokens[1], '\u2603'); // the surface form is kept for display and unknown-word replacement
  model.dispose();
});

test('a disposed model throws E_DISPOSED, and so do its step sessions', async () => {
  const model = await loadModel(tutorialDir);
  const walk = model.begin([2, 1]);
  model.translate([3, 1]);
  await throwsCode(() => walk.step(), 'E_STALE_SESSION');
  model.dispose();
  await throwsCode(() => model.translate([2, 1]), 'E_DISPOSED');
  await throwsCode(() => model.begin([2, 1]), 'E_DISPOSED');
  model.dispose(); // twice is harmless
});

test.run();
