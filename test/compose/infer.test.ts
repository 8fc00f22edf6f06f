// `seqattn inspect` when no preset fits: the parts proposed from names and shapes (src/compose/infer.ts).
// On every text fixture (its preset's names hidden from the matcher): a proposal, which for the
// fixtures whose undecided choices are the commonest ones loads and decodes as the preset; on a
// file renamed to names no preset knows, the text report shows a config that loads.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { proposeParts } from '../../src/compose/infer.js';
import { formatInspect, inspect } from '../../src/inspect.js';
import { readWeightFiles } from '../../src/load.js';
import { loadModelFrom, readSafetensors } from '../../src/node.js';
import { committedFixtures, rewriteModel } from '../models/helpers.js';

const fixture = (name: string) => readFileSync(join(committedFixtures, name, 'model.safetensors'));
const configOf = (bytes: Uint8Array) => JSON.parse(readSafetensors(bytes, 'model.safetensors').metadata.seqattn ?? '{}');
const folders = readdirSync(committedFixtures).filter((d) => existsSync(join(committedFixtures, d, 'model.safetensors'))
  && existsSync(join(committedFixtures, d, 'reference.json')) && configOf(fixture(d)).source_vocab !== undefined).sort();
/** The fixtures whose undecided choices are all the commonest (the proposal is their exact composition). */
const EXACT = ['bentrevett-1', 'bentrevett-3', 'luong-concat', 'luong-dot', 'luong-general', 'opennmt-rnn-dot-gru', 'opennmt-rnn-general',
  'pytorch-chatbot-concat', 'pytorch-chatbot-dot', 'pytorch-chatbot-general', 'sutskever-forward', 'sutskever-reversed', 'tutorial'];
const TEXT_FIELDS = ['source_vocab', 'target_vocab', 'sos_id', 'eos_id', 'source_unk_id', 'source_eos_id', 'append_source_eos', 'max_source_length', 'max_target_length',
  'prepend_source_sos', 'source_sos_id', 'source_tokenizer', 'lowercase', 'target_separator'];

/** The proposal with the fixture's vocabularies and what the file cannot tell (gru_convention, reverse) filled in. */
function completed(proposal: Record<string, any>, c: Record<string, unknown>): Record<string, unknown> {
  const config = JSON.parse(JSON.stringify(proposal));
  for (const k of TEXT_FIELDS) if (c[k] !== undefined) config[k] = c[k];
  if (c.gru_convention) config.parts.gru_convention = c.gru_convention;
  if (c.reverse_source) config.parts.encoder.reverse = true;
  return config;
}

async function sameDecodes(bytes: Uint8Array, config: object, name: string): Promise<boolean> {
  const a = await loadModelFrom(bytes), b = await loadModelFrom({ weights: bytes, config });
  const cases = JSON.parse(readFileSync(join(committedFixtures, name, 'reference.json'), 'utf8')).cases.slice(0, 4) as { source_ids: number[] }[];
  const same = cases.every(({ source_ids: ids }) => JSON.stringify(a.translate(ids, { beamSize: 2 }).ids) === JSON.stringify(b.translate(ids, { beamSize: 2 }).ids)
    && JSON.stringify(Array.from(a.begin(ids).step(a.config.sosId).logits)) === JSON.stringify(Array.from(b.begin(ids).step(b.config.sosId).logits)));
  a.dispose(); b.dispose();
  return same;
}

test('every text fixture gets a proposal; those whose choices are the commonest decode exactly as their preset', async () => {
  const exact: string[] = [];
  for (const name of folders) {
    const bytes = fixture(name);
    const p = proposeParts(inspect(readWeightFiles({ weights: bytes })).tensors);
    assert.ok(p, `${name}: no proposal`);
    assert.ok(p!.undecided.length > 0, `${name}: what the file cannot tell is listed`);
    const config = completed(p!.config, configOf(bytes));
    if (EXACT.includes(name)) assert.ok(await sameDecodes(bytes, config, name), `${name}: ${JSON.stringify(config.parts)}`);
    if (EXACT.includes(name)) exact.push(name);
  }
  assert.equal(exact, EXACT);
});

test('a file with names no preset knows: inspect prints a parts config that loads and decodes as the model', async () => {
  const bytes = fixture('bentrevett-3');
  const renamed = rewriteModel(bytes, (t) => {
    const map: [RegExp, string][] = [[/^encoder\.rnn\./, 'model.enc.bigru.'], [/^encoder\.embedding/, 'model.enc.tok_emb'], [/^encoder\.fc/, 'model.enc.to_dec'],
      [/^decoder\.embedding/, 'model.dec.tok_emb'], [/^decoder\.rnn\./, 'model.dec.gru.'], [/^decoder\.attention\.attn/, 'model.dec.attention.score'],
      [/^decoder\.attention\.v\.weight/, 'model.dec.attention.v'], [/^decoder\.fc_out/, 'model.dec.proj']];
    for (const k of Object.keys(t)) {
      const m = map.find(([re]) => re.test(k));
      if (!m) continue;
      const to = k.replace(m[0], m[1]);
      t[to] = to === 'model.dec.attention.v' ? { shape: [t[k].shape[1]], data: t[k].data } : t[k];
      delete t[k];
    }
  });
  const report = inspect(readWeightFiles({ weights: renamed }));
  assert.equal(report.matches, []);
  const text = formatInspect(report);
  assert.ok(text.includes('the parts the names and shapes suggest'), text);
  assert.ok(text.includes('undecided'), text);
  assert.not.ok(text.includes('not placed'), text);
  const config = completed(report.proposal!.config, configOf(bytes));
  const a = await loadModelFrom(bytes), b = await loadModelFrom({ weights: renamed, config });
  for (const ids of [[3, 4, 5], [3, 9, 8, 7, 6]]) {
    assert.equal(b.translate(ids, { beamSize: 3 }).ids, a.translate(ids, { beamSize: 3 }).ids);
    assert.equal(Array.from(b.begin(ids).step(2).logits), Array.from(a.begin(ids).step(2).logits));
  }
  a.dispose(); b.dispose();
});

test('no encoder and decoder RNNs: no proposal, and the report says no preset fits', () => {
  assert.is(proposeParts([{ name: 'linear.weight', dtype: 'F32', shape: [3, 4] }]), null);
});

test('inspect checks a matched preset against the tensors its composition reads: none lacking on the fixtures, a removed one named', () => {
  for (const name of folders) {
    const m = inspect(readWeightFiles({ weights: fixture(name) })).matches;
    assert.is(m.length, 1, name);
    assert.ok(m[0].parts, `${name}: the preset's parts`);
    assert.not.ok(m[0].notes.some((n) => n.includes('which the file lacks')), `${name}: ${m[0].notes}`);
  }
  const cut = rewriteModel(fixture('bentrevett-3'), (t) => { delete t['decoder.fc_out.bias']; });
  const m = inspect(readWeightFiles({ weights: cut })).matches;
  assert.ok(m[0].notes.some((n) => n.includes("'decoder.fc_out.bias'") && n.includes('which the file lacks')), JSON.stringify(m[0].notes));
});

test.run();
