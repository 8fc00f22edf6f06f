// The classifier API beyond parity: typed errors naming what is wrong (files, tensors, configs,
// token ids, lengths, input kinds) with the classifier still working after them; classifyBatch
// equals classify; the sentence rule for string documents; flat Wasm memory over 10,000 calls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AttentionClassifier, ClassifierInput } from '../../src/classifier/classifier.js';
import { loadClassifierFrom } from '../../src/classifier/load.js';
import { loadClassifier } from '../../src/classifier/node.js';
import { splitSentences } from '../../src/classifier/tokenize.js';
import { attentionToSvg, attentionToText } from '../../src/render/index.js';
import { readSafetensors, writeSafetensors } from '../../src/safetensors.js';
import { lcg, throwsCode } from '../models/helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const bilstmBytes = readFileSync(join(fixtures, 'attention-bilstm-sum', 'model.safetensors'));
const hanBytes = readFileSync(join(fixtures, 'han', 'model.safetensors'));

/** A classifier file rewritten with `edit` applied to its tensors and config (config in metadata). */
function rewritten(bytes: Uint8Array, edit: (t: Record<string, { shape: number[]; data: Float32Array }>, config: any) => void): Uint8Array {
  const f = readSafetensors(bytes, 'model.safetensors');
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, info] of f.tensors) tensors[name] = { shape: info.shape, data: f.float32(name) };
  const config = JSON.parse(f.metadata.seqattn);
  edit(tensors, config);
  return writeSafetensors(tensors, { seqattn: JSON.stringify(config) });
}

/** A random input for either architecture: 1..maxLength ids, or a document of 1..maxSentences such sentences. */
function randomInput(clf: AttentionClassifier, rand: () => number, maxLength = clf.config.maxLength): ClassifierInput {
  const V = clf.config.sourceVocab.length;
  const ids = () => Array.from({ length: 1 + Math.floor(rand() * Math.min(maxLength, clf.config.maxLength)) }, () => Math.floor(rand() * V));
  if (clf.config.architecture === 'attention-bilstm') return ids();
  return Array.from({ length: 1 + Math.floor(rand() * clf.config.maxSentences) }, ids);
}

test('bad files, tensors and configs: E_FILE_TRUNCATED, E_HEADER_*, E_TENSOR_*, E_CONFIG naming the field', async () => {
  await throwsCode(() => loadClassifierFrom({ weights: { bytes: bilstmBytes.subarray(0, 5), name: 'cut.safetensors' } }), 'E_FILE_TRUNCATED', 'cut.safetensors');
  await throwsCode(() => loadClassifierFrom({ weights: { bytes: bilstmBytes.subarray(0, 100), name: 'cut.safetensors' } }), 'E_HEADER_LENGTH', 'cut.safetensors');
  const load = (bytes: Uint8Array, edit: Parameters<typeof rewritten>[1]) => loadClassifierFrom(rewritten(bytes, edit));
  // attention-bilstm-sum: E 12, n 10, 5 labels
  await throwsCode(() => load(bilstmBytes, (t) => { delete t['attention.w.weight']; }), 'E_TENSOR_MISSING', 'attention.w.weight');
  await throwsCode(() => load(bilstmBytes, (t) => { t['lstm.weight_hh_l0_reverse'].data[3] = NaN; }), 'E_TENSOR_NONFINITE', 'lstm.weight_hh_l0_reverse', 'NaN');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.merge = 'concat'; }), 'E_TENSOR_SHAPE', 'attention.w.weight', '[1, 10]', '[1, 20]');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.labels = c.labels.slice(0, 4); }), 'E_TENSOR_SHAPE', 'classifier.weight', '[5, 10]', '[4, 10]');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.hidden_size = 11; }), 'E_TENSOR_SHAPE', 'lstm.weight_ih_l0', '[40, 12]', '[44, 12]');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.merge = 'mean'; }), 'E_CONFIG', '"merge" is "mean"', '"sum", "concat"');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.num_layers = 2; }), 'E_TENSOR_MISSING', 'lstm.weight_ih_l1');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.architecture = 'cnn'; }), 'E_CONFIG', '"architecture" is "cnn"', '"attention-bilstm", "han"');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.labels = ['a', 'b', 'a', 'c', 'd']; }), 'E_CONFIG', '"labels" has "a" twice', 'ids 0 and 2');
  await throwsCode(() => load(bilstmBytes, (_, c) => { delete c.labels; }), 'E_CONFIG', '"labels" must be a non-empty array');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.source_unk_id = 999; }), 'E_CONFIG', '"source_unk_id" is 999', 'past the source vocabulary');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.max_sentences = 4; }), 'E_CONFIG', '"max_sentences" applies to han only');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.target_vocab = ['x']; }), 'E_CONFIG', '"target_vocab" is a seq2seq field');
  await throwsCode(() => load(bilstmBytes, (_, c) => { c.max_length = 0; }), 'E_CONFIG', '"max_length" is 0', 'integer >= 1');
  // han: E 10, n_w 8, n_s 9, A_w 12, A_s 14
  await throwsCode(() => load(hanBytes, (_, c) => { c.sentence_attention_size = 13; }), 'E_TENSOR_SHAPE', 'sentence_attention.W.weight', '[14, 18]', '[13, 18]');
  await throwsCode(() => load(hanBytes, (_, c) => { c.gru_convention = 'keras'; }), 'E_CONFIG', '"gru_convention" is "keras"');
  await throwsCode(() => load(hanBytes, (_, c) => { c.merge = 'sum'; }), 'E_CONFIG', '"merge" applies to attention-bilstm only');
  await throwsCode(() => load(hanBytes, (_, c) => { c.num_layers = 2; }), 'E_CONFIG', '"num_layers" applies to attention-bilstm only');
  await throwsCode(() => load(hanBytes, (_, c) => { c.hidden_size = 8; }), 'E_CONFIG', '"hidden_size" is ambiguous for han');
  await throwsCode(() => load(hanBytes, (t) => { delete t['word_attention.u.weight']; }), 'E_TENSOR_MISSING', 'word_attention.u.weight');
  const hanFile = readSafetensors(hanBytes);
  const plain = writeSafetensors(Object.fromEntries([...hanFile.tensors.values()].map((t) => [t.name, { shape: t.shape, data: hanFile.float32(t.name) }])));
  await throwsCode(() => loadClassifierFrom({ weights: { bytes: plain, name: 'bare.safetensors' } }), 'E_CONFIG', 'bare.safetensors', 'no config');
  await throwsCode(() => loadClassifierFrom({ weights: plain, config: '{"architecture": ', configName: 'config.json' }), 'E_CONFIG', 'config.json', 'not valid JSON');
  await throwsCode(() => loadClassifier(join(import.meta.dirname, '..', 'fixtures', 'luong-dot')), 'E_CONFIG', '"architecture" is "luong", a seq2seq model', 'loadModel');
  await throwsCode(() => loadClassifier(join(fixtures, 'no-such-model')), 'E_MODEL_NOT_FOUND', 'no-such-model');
  await throwsCode(() => loadClassifier(import.meta.dirname), 'E_MODEL_NOT_FOUND', 'folder has no model.safetensors');
  (await loadClassifier(pathToFileURL(join(fixtures, 'han-reset-before', 'model.safetensors')))).dispose(); // a file: URL, config.json beside it
  await throwsCode(() => loadClassifierFrom(bilstmBytes, { weights: 'int4' as 'int8' }), 'E_OPTION', 'weights is "int4"');
  // unchanged, both load
  for (const bytes of [bilstmBytes, hanBytes]) (await load(bytes, () => {})).dispose();
});

test('attention-bilstm inputs: token ids, lengths, unknown words, input kinds; still working afterwards', async () => {
  const clf = await loadClassifier(join(fixtures, 'attention-bilstm-sum')); // max_length 64, V 36, unk 1
  const good = clf.classify([5, 6, 7]);
  await throwsCode(() => clf.classify([5, 36, 7]), 'E_TOKEN_ID', 'token id 36 at index 1', '[0, 36)');
  await throwsCode(() => clf.classify([5, 1.5]), 'E_TOKEN_ID', 'token id 1.5');
  await throwsCode(() => clf.classify([]), 'E_INPUT_LENGTH', 'empty');
  await throwsCode(() => clf.classify('   '), 'E_INPUT_LENGTH', 'empty');
  await throwsCode(() => clf.classify(new Array(65).fill(3)), 'E_INPUT_LENGTH', '65 tokens', 'max_length 64');
  await throwsCode(() => clf.classify([[5, 6], [7]]), 'E_INPUT_KIND', 'attention-bilstm reads one sequence', 'han');
  await throwsCode(() => clf.classify(null as unknown as string), 'E_INPUT_KIND', 'null');
  await throwsCode(() => clf.classifyBatch([[5], [5, 99]]), 'E_TOKEN_ID', 'inputs[1]', 'token id 99');
  const unk = clf.classify('The burst has been caused by zzz');
  assert.equal(unk.tokens, ['the', 'burst', 'has', 'been', 'caused', 'by', 'zzz'], 'lowercased; the unknown word keeps its surface form');
  assert.is(unk.ids[6], 1, 'unknown word -> source_unk_id');
  assert.equal(clf.classify([5, 6, 7]), good, 'unchanged after the errors');
  const noUnk = await loadClassifierFrom(rewritten(bilstmBytes, (_, c) => { c.source_unk_id = null; }));
  await throwsCode(() => noUnk.classify('caused by zzz'), 'E_UNKNOWN_TOKEN', '"zzz" at position 2', 'source_unk_id');
  noUnk.dispose();
  clf.dispose();
  await throwsCode(() => clf.classify([5]), 'E_DISPOSED');
});

test('han inputs: documents as strings (split into sentences), arrays of strings and of ids; lengths and kinds', async () => {
  const clf = await loadClassifier(join(fixtures, 'han')); // max_sentence_length 40, max_sentences 12
  const byString = clf.classify('The food was great . Service was slow !\n\nwould come again');
  assert.is(byString.architecture, 'han');
  if (byString.architecture !== 'han') return;
  assert.equal(byString.tokens, [['the', 'food', 'was', 'great', '.'], ['service', 'was', 'slow', '!'], ['would', 'come', 'again']]);
  assert.equal(clf.classify(['The food was great .', 'Service was slow !', 'would come again']), byString, 'the same document as an array of sentences');
  assert.equal(clf.classify(byString.ids), byString, 'and as ids');
  assert.is(byString.attention.words.length, 3);
  assert.is(byString.attention.sentences.length, 3);
  byString.attention.words.forEach((row, i) => assert.is(row.length, byString.ids[i].length));
  await throwsCode(() => clf.classify([3, 4, 5]), 'E_INPUT_KIND', 'han reads a document', '[ids]');
  await throwsCode(() => clf.classify([[3, 4], []]), 'E_INPUT_LENGTH', 'sentence 1', 'empty');
  await throwsCode(() => clf.classify(['fine .', '  ']), 'E_INPUT_LENGTH', 'sentence 1', 'empty');
  await throwsCode(() => clf.classify([[3], [4, 999]]), 'E_TOKEN_ID', 'sentence 1', 'token id 999 at index 1');
  await throwsCode(() => clf.classify([[3], new Array(41).fill(4)]), 'E_INPUT_LENGTH', 'sentence 1', '41 tokens', 'max_sentence_length 40');
  await throwsCode(() => clf.classify(new Array(13).fill([3])), 'E_INPUT_LENGTH', '13 sentences', 'max_sentences 12');
  await throwsCode(() => clf.classify(' \n '), 'E_INPUT_LENGTH', 'no sentence');
  await throwsCode(() => clf.classify([]), 'E_INPUT_LENGTH', 'no sentence');
  assert.equal(clf.classify(byString.ids), byString, 'unchanged after the errors');
  clf.dispose();
});

test('splitSentences: after . ! ? followed by whitespace, and at line breaks; whitespace-only pieces dropped', () => {
  assert.equal(splitSentences('The food was great. Service slow!\nWould go again'), ['The food was great.', 'Service slow!', 'Would go again']);
  assert.equal(splitSentences('3.5 stars... ok?? yes'), ['3.5 stars...', 'ok??', 'yes']);
  assert.equal(splitSentences('one\n\n\ntwo .  '), ['one', 'two .']);
  assert.equal(splitSentences(' '), []);
});

test('the weights draw with the attention renderers as one-row matrices (docs/classifiers.md)', async () => {
  const clf = await loadClassifier(join(fixtures, 'han'));
  const r = clf.classify('the food was great . service was slow !');
  if (r.architecture !== 'han') throw new Error(r.architecture);
  const words = { attention: [r.attention.words[0]], tokens: [r.label], sourceTokens: r.tokens[0] };
  const lines = attentionToText(words, { legend: false }).split('\n');
  assert.ok(lines[lines.length - 1].trimStart().startsWith(r.label), lines.join('\n'));
  const svg = attentionToSvg({ attention: [r.attention.sentences], tokens: [r.label], sourceTokens: r.tokens.map((_, i) => `s_${i + 1}`) });
  assert.is(svg.match(/<rect class="cell"/g)?.length, 2, 'one cell per sentence');
  clf.dispose();
});

test('classifyBatch equals classify of each input, on both architectures', async () => {
  for (const name of ['attention-bilstm-concat', 'han-reset-before']) {
    const clf = await loadClassifier(join(fixtures, name));
    const rand = lcg(5);
    const inputs = Array.from({ length: 20 }, () => randomInput(clf, rand));
    const batch = clf.classifyBatch(inputs);
    assert.is(batch.length, inputs.length);
    inputs.forEach((x, b) => assert.equal(batch[b], clf.classify(x), `${name}: input ${b}`));
    clf.dispose();
  }
});

test('int8 weights: the same label as float32 on most inputs, probabilities close', async () => {
  for (const name of ['attention-bilstm-sum', 'han']) {
    const f32 = await loadClassifier(join(fixtures, name));
    const i8 = await loadClassifier(join(fixtures, name), { weights: 'int8' });
    const rand = lcg(9);
    let agree = 0, maxDp = 0;
    const N = 100;
    for (let s = 0; s < N; s++) {
      const x = randomInput(f32, rand, 20);
      const a = f32.classify(x), b = i8.classify(x);
      if (a.labelId === b.labelId) agree++;
      for (let k = 0; k < a.probabilities.length; k++) maxDp = Math.max(maxDp, Math.abs(a.probabilities[k] - b.probabilities[k]));
    }
    assert.ok(agree >= 0.9 * N, `${name}: int8 label agrees on ${agree}/${N}`);
    assert.ok(maxDp < 0.1, `${name}: int8 probabilities differ by ${maxDp}`);
    f32.dispose();
    i8.dispose();
  }
});

for (const name of ['attention-bilstm-sum', 'han']) test(`${name}: 10,000 classify calls after warm-up do not grow Wasm memory`, async () => {
  const clf = await loadClassifier(join(fixtures, name));
  const rand = lcg(7);
  const c = clf.config;
  const longest = Array.from({ length: c.maxSentences }, () => new Array(c.maxLength).fill(2));
  clf.classify(c.architecture === 'han' ? longest : longest[0]); // warm-up at the maximum lengths
  const before = clf.wasmMemoryBytes;
  let labels = 0;
  for (let i = 0; i < 10_000; i++) labels += clf.classify(randomInput(clf, rand, 12)).labelId;
  assert.is(clf.wasmMemoryBytes, before, `${name}: Wasm memory grew from ${before} bytes`);
  assert.ok(labels > 0);
  clf.dispose();
});

test('dispose() returns the regions: loading and disposing 30 times does not grow memory', async () => {
  const first = await loadClassifierFrom(hanBytes);
  first.dispose();
  const warm = (await loadClassifierFrom(hanBytes)).wasmMemoryBytes;
  for (let i = 0; i < 30; i++) {
    const clf = await loadClassifierFrom(hanBytes);
    clf.classify([[3, 4], [5]]);
    clf.dispose();
  }
  const clf = await loadClassifierFrom(hanBytes);
  assert.is(clf.wasmMemoryBytes, warm);
  clf.dispose();
});

test.run();
