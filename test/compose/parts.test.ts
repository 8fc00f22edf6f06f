// The "parts" format (docs/parts.md): the shipped schema is the one the parser walks; every fixture's
// composition (papers and presets) written as parts JSON reads back the same and loads to the same
// outputs with no architecture; unknown fields anywhere name the nearest valid ones; overrides merge.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compositionOf } from '../../src/compose/architectures.js';
import { compositionToParts, partsToComposition } from '../../src/compose/parts.js';
import { parseClassifierConfig } from '../../src/classifier/config.js';
import { parseConfig } from '../../src/config.js';
import { CONFIG_SCHEMA } from '../../src/config-schema.js';
import { loadModelFrom, readSafetensors } from '../../src/node.js';
import { committedFixtures, rewriteModel, throwsCode } from '../models/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const fixture = (name: string) => readFileSync(join(committedFixtures, name, 'model.safetensors'));
const configOf = (name: string) => JSON.parse(readSafetensors(fixture(name), 'model.safetensors').metadata.seqattn ?? '{}');
// the text models' fixtures with the config in the file
const textFolders = readdirSync(committedFixtures).filter((d) => existsSync(join(committedFixtures, d, 'model.safetensors'))
  && existsSync(join(committedFixtures, d, 'reference.json')) && configOf(d).source_vocab !== undefined).sort();
/** Fields a full parts block decides (config.ts PARTS_DECIDE). */
const DECIDED = ['architecture', 'hidden_size', 'embedding_size', 'target_embedding_size', 'encoder_hidden_size', 'alignment_size', 'num_layers', 'deep_output',
  'deep_output_size', 'gru_convention', 'reverse_source', 'bidirectional_encoder', 'attention', 'local_score', 'window', 'input_feeding', 'cell', 'max_length'];

/** The fixture's config with its architecture replaced by the full parts of its composition. */
function asParts(name: string): Record<string, unknown> {
  const c = configOf(name);
  const parts = compositionToParts(compositionOf(parseConfig(c, name)));
  const out: Record<string, unknown> = { parts };
  for (const [k, v] of Object.entries(c)) if (!DECIDED.includes(k)) out[k] = v;
  return out;
}

test('schema/config.schema.json is src/config-schema.ts as written by tools/write-schema.ts', () => {
  const shipped = JSON.parse(readFileSync(join(root, 'schema', 'config.schema.json'), 'utf8'));
  assert.equal(shipped, JSON.parse(JSON.stringify(CONFIG_SCHEMA)), 'run: npx tsx tools/write-schema.ts');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.ok(pkg.files.includes('schema'), 'package.json "files" ships schema/');
});

test('every fixture architecture as parts: JSON -> composition -> JSON is the identity', () => {
  assert.ok(textFolders.length >= 20, `text fixtures: ${textFolders.join(', ')}`);
  for (const name of textFolders) {
    const c = parseConfig(configOf(name), name);
    const comp = compositionOf(c);
    const json = compositionToParts(comp);
    const back = partsToComposition(JSON.parse(JSON.stringify(json)), name);
    assert.equal(compositionToParts(back), json, name);
  }
});

test('the shipped schema accepts every fixture config and its parts form, and refuses unknown fields (ajv, draft 2020-12)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schema', 'config.schema.json'), 'utf8')));
  for (const n of textFolders) {
    for (const c of [configOf(n), asParts(n)]) assert.ok(validate(c), `${n}: ${JSON.stringify(validate.errors)}`);
  }
  assert.not.ok(validate({ ...asParts('bentrevett-3'), tensor_name: {} }));
  assert.not.ok(validate({ ...asParts('luong-dot'), parts: { ...asParts('luong-dot').parts as object, extra: 1 } }));
  const p = asParts('luong-dot');
  (p.parts as any).attention.kind = 'additve';
  assert.not.ok(validate(p));
});

for (const name of textFolders) {
  test(`${name} loaded from its parts alone (no architecture) translates as its preset`, async () => {
    const a = await loadModelFrom(fixture(name));
    const b = await loadModelFrom({ weights: fixture(name), config: asParts(name) });
    const cases = JSON.parse(readFileSync(join(committedFixtures, name, 'reference.json'), 'utf8')).cases.slice(0, 4) as { source_ids: number[] }[];
    for (const { source_ids } of cases) {
      for (const beamSize of [1, 3]) {
        const x = a.translate(source_ids, { beamSize }), y = b.translate(source_ids, { beamSize });
        assert.equal(y.ids, x.ids, `${name} ${source_ids}`);
        assert.equal(y.attention.map((r) => Array.from(r)), x.attention.map((r) => Array.from(r)), `${name} ${source_ids}: attention`);
      }
    }
    a.dispose(); b.dispose();
  });
}

test('unknown fields anywhere: E_CONFIG naming the path and the nearest valid names', async () => {
  const bytes = fixture('bentrevett-3');
  await throwsCode(() => loadModelFrom(rewriteModel(bytes, (_, c) => { c.tensor_name = {}; })), 'E_CONFIG', 'unknown field "tensor_name"', 'nearest: "tensor_names"');
  await throwsCode(() => loadModelFrom(rewriteModel(bytes, (_, c) => { c.hiden_size = 8; })), 'E_CONFIG', 'unknown field "hiden_size"', '"hidden_size"');
  const p = asParts('bentrevett-3');
  (p.parts as any).attention.sise = 3;
  await throwsCode(() => loadModelFrom({ weights: bytes, config: p }), 'E_CONFIG', 'unknown field "parts.attention.sise"', 'nearest: "size"');
  const q = asParts('bentrevett-3');
  (q.parts as any).bridge.from = 'backward_frist';
  await throwsCode(() => loadModelFrom({ weights: bytes, config: q }), 'E_CONFIG', '"parts.bridge.from"', 'nearest: "backward_first"');
  const r = asParts('bentrevett-3');
  (r.parts as any).decoder.input.parts = ['e', 'context'];
  await throwsCode(() => loadModelFrom({ weights: bytes, config: r }), 'E_CONFIG', '"parts.decoder.input.parts[1]"', '"h_tilde"');
  // sizes have the ceilings of the config's size fields, before anything is allocated
  const big = asParts('bentrevett-3');
  (big.parts as any).decoder.hidden_size = 70000;
  await throwsCode(() => loadModelFrom({ weights: bytes, config: big }), 'E_CONFIG', '"parts.decoder.hidden_size" is 70000', '<= 65536 (limit of this field)');
  // a size decided by parts given beside them
  await throwsCode(() => loadModelFrom({ weights: bytes, config: { ...asParts('bentrevett-3'), hidden_size: 8 } }), 'E_CONFIG', '"hidden_size" is decided by "parts"');
  // the overrides of a preset are checked once merged
  await throwsCode(() => loadModelFrom(rewriteModel(bytes, (_, c) => { c.parts = { attention: { activaton: 'relu' } }; })), 'E_CONFIG', 'unknown field "parts.attention.activaton"', '"activation"');
});

test('a preset with overrides: its parts with the config\'s merged in (a changed kind replaces the part)', async () => {
  const bytes = fixture('bentrevett-3');
  const c = parseConfig({ ...configOf('bentrevett-3'), parts: { attention: { activation: 'relu' }, output: { linear: { bias: false } } } }, 'x');
  assert.is((c.parts!.attention as any).activation, 'relu');
  assert.is(c.parts!.output.out.name, 'decoder.fc_out');
  assert.is(c.parts!.output.out.bias, false);
  const d = parseConfig({ ...configOf('bentrevett-3'), parts: { bridge: { kind: 'zeros' } } }, 'x');
  assert.equal(d.parts!.bridge, { kind: 'zeros' });
  // relu scores on the same weights: loads, and decodes differently from tanh
  const a = await loadModelFrom(bytes);
  const b = await loadModelFrom(rewriteModel(bytes, (_, cfg) => { cfg.parts = { attention: { activation: 'relu' } }; }));
  assert.not.equal(Array.from(b.translate('hello').attention[0]), Array.from(a.translate('hello').attention[0]));
  a.dispose(); b.dispose();
});

test('tensor_names on a seq2seq model: module paths renamed, a Linear stored as x @ W (transposed), v stored (H, 1)', async () => {
  const bytes = fixture('bentrevett-3');
  const renamed = rewriteModel(bytes, (t) => {
    for (const k of Object.keys(t)) if (k.startsWith('encoder.rnn.')) { t[k.replace('encoder.rnn.', 'enc.bigru.')] = t[k]; delete t[k]; }
    const W = t['decoder.fc_out.weight'], [rows, cols] = W.shape, Wt = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) Wt[j * rows + i] = W.data[i * cols + j];
    t.out_proj = { shape: [cols, rows], data: Wt }; delete t['decoder.fc_out.weight'];
    t['decoder.attention.v.weight'] = { shape: [t['decoder.attention.v.weight'].shape[1], 1], data: t['decoder.attention.v.weight'].data };
  });
  await throwsCode(() => loadModelFrom(renamed), 'E_TENSOR_MISSING', 'encoder.rnn.weight_ih_l0');
  const named = rewriteModel(renamed, (_, c) => { c.tensor_names = { 'encoder.rnn': 'enc.bigru', 'decoder.fc_out.weight': { name: 'out_proj', transpose: true } }; });
  const a = await loadModelFrom(bytes), b = await loadModelFrom(named);
  const ids = [3, 4, 5, 6, 7];
  assert.equal(b.translate(ids, { beamSize: 3 }).ids, a.translate(ids, { beamSize: 3 }).ids);
  const wa = a.begin(ids).step(a.config.sosId), wb = b.begin(ids).step(b.config.sosId);
  assert.equal(Array.from(wb.logits), Array.from(wa.logits));
  a.dispose(); b.dispose();
  await throwsCode(() => loadModelFrom(rewriteModel(bytes, (_, c) => { c.tensor_names = { x: 3 }; })), 'E_CONFIG', 'tensor_names');
});

test('classifier configs: an unknown field is E_CONFIG with the nearest valid names too', async () => {
  const han = { architecture: 'han', embedding_size: 4, source_vocab: ['a', 'b'], labels: ['x', 'y'], word_hidden_size: 3 };
  assert.is(parseClassifierConfig(han, 'han.json').architecture, 'han');
  await throwsCode(() => parseClassifierConfig({ ...han, wrod_state: 'carry' }, 'han.json'), 'E_CONFIG', 'unknown field "wrod_state"', 'nearest: "word_state"');
  await throwsCode(() => parseClassifierConfig({ ...han, label: ['x'] }, 'han.json'), 'E_CONFIG', 'unknown field "label"', '"labels"');
});

test('docs/parts.md: the example is a valid parts block, the parts of bentrevett-3 (the fixture\'s sizes)', () => {
  const md = readFileSync(join(root, 'docs', 'parts.md'), 'utf8');
  const block = md.split('```json').slice(1).map((b) => b.split('```')[0]).find((b) => b.includes('"parts": {'))!;
  const example = JSON.parse(block.replace(/"source_vocab".*$/m, '"x": 0').replace(/,\s*"x": 0/, ''));
  const c = partsToComposition(example.parts, 'docs/parts.md');
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'alternatives' ? undefined : v))); // the preset also knows older names
  assert.equal(plain(compositionToParts(c)), plain(compositionToParts(compositionOf(parseConfig(configOf('bentrevett-3'), 'b3')))));
});

test.run();
