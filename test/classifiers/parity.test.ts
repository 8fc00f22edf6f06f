// Every classifier against real PyTorch (tools/make_classifier_fixtures.py): the same label,
// probabilities and attention weights within 1e-5 absolute, logits within 1e-4, on inputs of 1
// to 60 tokens (attention-bilstm) and documents of 1 to 12 sentences (han), ids and strings.
// SEQATTN_CLASSIFIER_FIXTURES=DIR runs the same checks on fixtures regenerated elsewhere (.ci/run does).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AttentionClassifier, Classification } from '../../src/classifier/classifier.js';
import { buildClassifier } from '../../src/classifier/load.js';
import { loadClassifier } from '../../src/classifier/node.js';

const PROBABILITY_TOL = 1e-5;
const ATTENTION_TOL = 1e-5;
const LOGIT_TOL = 1e-4;

type Attention = number[] | { words: number[][]; sentences: number[] };
interface Case {
  name: string; input: string | string[] | null; source_ids: number[] | number[][];
  /** pad_to_max_lengths: the ids passed (source_ids: the padded document the model reads). */
  given_ids?: number[] | number[][];
  label: string; label_id: number; logits: number[]; probabilities: number[]; log_probabilities: number[]; attention: Attention;
}
interface Reference { architecture: string; torch_version: string; cases: Case[] }

export const classifierFixtures = process.env.SEQATTN_CLASSIFIER_FIXTURES ?? join(import.meta.dirname, 'fixtures');
const folders = readdirSync(classifierFixtures).filter((d) => existsSync(join(classifierFixtures, d, 'reference.json'))).sort();
const reached = { probabilities: 0, attention: 0, logits: 0 };
const perFolder: string[] = [];
const seen = new Set<string>();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.is(a.length, b.length, `${what}: length`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The case's rows of attention weights, ours and PyTorch's side by side (han: each sentence's words, then the sentences). */
function attentionRows(r: Classification, want: Attention): [Float32Array, number[]][] {
  if (r.architecture === 'attention-bilstm') return [[r.attention, want as number[]]];
  const w = want as { words: number[][]; sentences: number[] };
  assert.is(r.attention.words.length, w.words.length, 'sentences');
  return [...r.attention.words.map((row, i): [Float32Array, number[]] => [row, w.words[i]]), [r.attention.sentences, w.sentences]];
}

function checkClassifier(clf: AttentionClassifier, ref: Reference, where: string) {
  const worst = { probabilities: 0, attention: 0, logits: 0 };
  for (const c of ref.cases) {
    const tag = `${where} ${c.name}`;
    const r = clf.classify(c.input ?? c.given_ids ?? c.source_ids);
    assert.equal(r.ids, c.source_ids, `${tag}: ids read`);
    assert.is(r.label, c.label, `${tag}: label`);
    assert.is(r.labelId, c.label_id, `${tag}: label id`);
    const dp = Math.max(maxAbsDiff(r.probabilities, c.probabilities, `${tag} probabilities`),
      maxAbsDiff(r.logProbabilities, c.log_probabilities, `${tag} log-probabilities`));
    const dl = maxAbsDiff(r.logits, c.logits, `${tag} logits`);
    const da = Math.max(...attentionRows(r, c.attention).map(([a, b], i) => maxAbsDiff(a, b, `${tag} attention row ${i}`)));
    assert.ok(dp <= PROBABILITY_TOL, `${tag}: probabilities differ by ${dp}`);
    assert.ok(da <= ATTENTION_TOL, `${tag}: attention differs by ${da}`);
    assert.ok(dl <= LOGIT_TOL, `${tag}: logits differ by ${dl}`);
    worst.probabilities = Math.max(worst.probabilities, dp);
    worst.attention = Math.max(worst.attention, da);
    worst.logits = Math.max(worst.logits, dl);
  }
  for (const k of ['probabilities', 'attention', 'logits'] as const) reached[k] = Math.max(reached[k], worst[k]);
  perFolder.push(`${where}: probabilities ${worst.probabilities.toExponential(2)}, attention ${worst.attention.toExponential(2)}, logits ${worst.logits.toExponential(2)}`);
}

test('classifier fixtures are present', () => {
  assert.ok(folders.length >= 2, `expected classifier fixtures in ${classifierFixtures}, found ${folders.join(', ') || 'none'}`);
});

for (const folder of folders) {
  const dir = join(classifierFixtures, folder);
  const ref: Reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));

  test(`${folder}: ${ref.architecture} matches PyTorch ${ref.torch_version}`, async () => {
    const clf = await loadClassifier(dir);
    const c = clf.config;
    assert.is(c.architecture, ref.architecture);
    seen.add(c.architecture === 'han' ? `han ${c.gruConvention}` : `merge ${c.merge}`);
    if (c.numLayers > 1) seen.add('layers');
    if (existsSync(join(dir, 'config.json'))) seen.add('config.json');
    if (c.tensorPrefix) seen.add('tensor_prefix');
    const lengths = ref.cases.map((k) => (k.given_ids ?? k.source_ids) as unknown[]);
    if (c.padToMaxLengths) seen.add('padded');
    if (c.wordState === 'carry') seen.add('carry');
    if (c.wordNumLayers > 1 && c.sentenceNumLayers > 1) seen.add('han layers');
    if (c.architecture === 'attention-bilstm') {
      assert.ok(lengths.some((ids) => ids.length === 1), 'a 1-token input');
      assert.ok(lengths.some((ids) => ids.length >= 60), 'a 60-token input');
    } else {
      assert.ok(lengths.some((d) => d.length === 1), 'a document of 1 sentence');
      const sizes = (d: unknown[]) => new Set((d as number[][]).map((s) => s.length)).size;
      assert.ok(lengths.some((d) => d.length === c.maxSentences && sizes(d) >= 5), `a document of max_sentences (${c.maxSentences}) sentences of different lengths`);
      assert.ok(ref.cases.some((k) => typeof k.input === 'string' && ((k.given_ids ?? k.source_ids) as number[][]).length > 1), 'a string split into sentences');
    }
    assert.ok(new Set(ref.cases.map((k) => k.label_id)).size >= 2, 'more than one label among the cases');
    checkClassifier(clf, ref, folder);
    clf.dispose();
  });

  test(`${folder}: the same without the input tables T (E x_t and W_ih E x_t per call, as for a large vocabulary)`, async () => {
    const { file, config } = { file: join(dir, 'model.safetensors'), config: join(dir, 'config.json') };
    const clf = await buildClassifier({ weights: readFileSync(file), config: existsSync(config) ? readFileSync(config, 'utf8') : undefined }, {}, { inputTableBudgetBytes: 0 });
    checkClassifier(clf, ref, `${folder} (no table)`);
    clf.dispose();
  });
}

test('the fixtures cover both merges, stacked LSTM layers, both GRU conventions, config.json, tensor_prefix, padded inputs, carried word states and stacked HAN GRUs', () => {
  for (const want of ['merge sum', 'merge concat', 'layers', 'han reset_after', 'han reset_before', 'config.json', 'tensor_prefix', 'padded', 'carry', 'han layers']) {
    assert.ok(seen.has(want), `a classifier fixture with ${want}`);
  }
});

test('tolerances reached', () => {
  console.log(`      classifier parity (${classifierFixtures}): max |p diff| ${reached.probabilities.toExponential(2)}, max |attention diff| ${reached.attention.toExponential(2)}, max |logit diff| ${reached.logits.toExponential(2)}`);
  if (process.env.KERNEL_ERRORS) for (const line of perFolder) console.log(`        ${line}`);
});

test.run();
