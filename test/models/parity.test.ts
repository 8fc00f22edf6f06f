// Every model against outputs of real PyTorch (tools/make_fixtures.py): identical greedy ids,
// attention a_ij within 1e-5 absolute, logits within 1e-4, on sources of length 1 to 60
// (show-attend-tell: annotation vectors of 1 to 196 locations; cho and sutskever: attention rows
// of length 0 on both sides).
// SEQATTN_FIXTURES=DIR runs the same checks on fixtures regenerated elsewhere (.ci/run does).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, type Seq2SeqModel } from '../../src/node.js';
import { caseInput, caseLength, type CaseSource } from './helpers.js';

const ATTENTION_TOL = 1e-5;
const LOGIT_TOL = 1e-4;

interface Case extends CaseSource { name: string; input: string | null; ids: number[]; attention: number[][]; logits: number[][]; log_probs: number[]; score: number }
interface Reference { architecture: string; torch_version: string; cases: Case[] }

export const fixturesDir = process.env.SEQATTN_FIXTURES ?? join(import.meta.dirname ?? 'test/models', '..', 'fixtures');
const folders = readdirSync(fixturesDir).filter((d) => existsSync(join(fixturesDir, d, 'reference.json'))).sort();
const reached = { attention: 0, logits: 0 };
/** Largest differences per fixture folder, for the record. */
const perFolder: string[] = [];
/** What the luong fixtures cover: attention kinds, and whether input feeding / a bidirectional encoder / 2+ layers occur. */
const luongSeen = new Set<string>();
/** What the show-attend-tell fixtures cover: soft / hard attention, the gate on and off, each output layer. */
const satSeen = new Set<string>();
/** What the cho and sutskever fixtures cover: both GRU conventions and deep outputs; reversed and as-given sources, 1 and 2+ layers. */
const plainSeen = new Set<string>();
/** What the preset fixtures cover: the chatbot's and OpenNMT-py's scores, cells and input feeding. */
const presetSeen = new Set<string>();

test('fixtures are present', () => {
  assert.ok(folders.length >= 3, `expected at least 3 fixture models in ${fixturesDir}, found ${folders.join(', ') || 'none'}`);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.is(a.length, b.length, `${what}: length`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function checkModel(model: Seq2SeqModel, ref: Reference, where: string) {
  const worst = { attention: 0, logits: 0 };
  for (const c of ref.cases) {
    const tag = `${where} ${c.name}`;
    if (c.input !== null) assert.equal(model.source(c.input).ids, c.source_ids, `${tag}: tokenisation of ${JSON.stringify(c.input)}`);
    // Greedy decoding: the same ids as PyTorch.
    const r = model.translate(c.input ?? caseInput(c));
    assert.equal(r.ids, c.ids, `${tag}: greedy ids`);
    assert.ok(Math.abs(r.score - c.score) <= LOGIT_TOL * c.ids.length, `${tag}: score ${r.score} vs ${c.score}`);
    // Step by step on PyTorch's ids: every a_ij and every logit.
    const walk = model.begin(caseInput(c));
    let y = model.config.sosId;
    c.ids.forEach((next, i) => {
      const out = walk.step(y);
      const da = maxAbsDiff(out.weights, c.attention[i], `${tag} step ${i + 1} attention`);
      const dl = maxAbsDiff(out.logits, c.logits[i], `${tag} step ${i + 1} logits`);
      assert.ok(da <= ATTENTION_TOL, `${tag} step ${i + 1}: attention differs by ${da}`);
      assert.ok(dl <= LOGIT_TOL, `${tag} step ${i + 1}: logits differ by ${dl}`);
      worst.attention = Math.max(worst.attention, da);
      worst.logits = Math.max(worst.logits, dl);
      y = next;
    });
  }
  reached.attention = Math.max(reached.attention, worst.attention);
  reached.logits = Math.max(reached.logits, worst.logits);
  perFolder.push(`${where}: attention ${worst.attention.toExponential(2)}, logits ${worst.logits.toExponential(2)}`);
}

for (const folder of folders) {
  const dir = join(fixturesDir, folder);
  const ref: Reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));

  test(`${folder}: ${ref.architecture} matches PyTorch ${ref.torch_version}`, async () => {
    const model = await loadModel(dir);
    assert.is(model.config.architecture, ref.architecture);
    const c = model.config;
    if (c.architecture === 'luong') {
      luongSeen.add(c.attention).add(`input_feeding ${c.inputFeeding}`);
      if (c.bidirectionalEncoder) luongSeen.add('bidirectional');
      if (c.numLayers > 1) luongSeen.add('layers');
    }
    if (c.architecture === 'pytorch-chatbot') presetSeen.add(`pytorch-chatbot ${c.attention}`);
    if (c.architecture === 'opennmt-rnn') presetSeen.add(`opennmt-rnn ${c.attention}`).add(`opennmt-rnn ${c.cell}`).add(`opennmt-rnn input_feeding ${c.inputFeeding}`);
    if (c.architecture === 'show-attend-tell') satSeen.add(c.attention).add(`gate ${c.gate}`).add(`deep_output ${c.deepOutput}`);
    if (c.architecture === 'cho') plainSeen.add(`cho ${c.gruConvention}`).add(`cho deep_output ${c.deepOutput}`);
    if (c.architecture === 'sutskever') plainSeen.add(`sutskever reverse_source ${c.reverseSource}`).add(`sutskever ${c.numLayers > 1 ? 'layers' : 'one layer'}`);
    if (!model.attends) assert.ok(ref.cases.every((c) => c.attention.every((row) => row.length === 0)), 'no attention: PyTorch gave rows of length 0');
    assert.ok(ref.cases.some((c) => caseLength(c) === 1), 'a case with a source of length 1');
    assert.ok(ref.cases.some((c) => caseLength(c) >= 60), 'a case with a source of length 60');
    if (c.architecture === 'show-attend-tell') assert.ok(ref.cases.some((c) => caseLength(c) === 196), 'a 14 x 14 grid');
    checkModel(model, ref, folder);
    model.dispose();
  });

  if (existsSync(join(dir, 'two-file'))) {
    test(`${folder}: encoder.safetensors + decoder.safetensors + config.json load as one model`, async () => {
      const model = await loadModel(join(dir, 'two-file'));
      checkModel(model, ref, `${folder}/two-file`);
      model.dispose();
    });
  }
}

test('the fixtures cover every architecture, luong every alignment function, show-attend-tell every attention, gate and output, cho and sutskever their variants', () => {
  const architectures = new Set(folders.map((d) => JSON.parse(readFileSync(join(fixturesDir, d, 'reference.json'), 'utf8')).architecture));
  assert.equal([...architectures].sort(), ['bahdanau', 'bentrevett-1', 'bentrevett-2', 'bentrevett-3', 'cho', 'luong', 'opennmt-rnn',
    'pytorch-chatbot', 'pytorch-tutorial', 'pytorch-tutorial-location', 'show-attend-tell', 'sutskever']);
  for (const want of ['pytorch-chatbot dot', 'pytorch-chatbot general', 'pytorch-chatbot concat', 'opennmt-rnn dot', 'opennmt-rnn general',
    'opennmt-rnn mlp', 'opennmt-rnn lstm', 'opennmt-rnn gru', 'opennmt-rnn input_feeding true', 'opennmt-rnn input_feeding false']) {
    assert.ok(presetSeen.has(want), `a fixture with ${want}`);
  }
  for (const want of ['cho reset_before', 'cho reset_after', 'cho deep_output maxout', 'cho deep_output tanh',
    'sutskever reverse_source true', 'sutskever reverse_source false', 'sutskever layers', 'sutskever one layer']) {
    assert.ok(plainSeen.has(want), `a fixture with ${want}`);
  }
  for (const want of ['dot', 'general', 'concat', 'local-m', 'local-p', 'input_feeding true', 'input_feeding false', 'bidirectional', 'layers']) {
    assert.ok(luongSeen.has(want), `a luong fixture with ${want}`);
  }
  for (const want of ['soft', 'hard', 'gate true', 'gate false', 'deep_output linear', 'deep_output tanh', 'deep_output none']) {
    assert.ok(satSeen.has(want), `a show-attend-tell fixture with ${want}`);
  }
});

test('tolerances reached', () => {
  console.log(`      parity (${fixturesDir}): max |attention diff| ${reached.attention.toExponential(2)}, max |logit diff| ${reached.logits.toExponential(2)}`);
  if (process.env.KERNEL_ERRORS) for (const line of perFolder) console.log(`        ${line}`);
});

test.run();
