// Issue 12, item 3: errors from every JSON path are typed and bounded: no recursion on untrusted
// depth, and no value quoted past about 80 characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModelFrom, parseConfig, readSafetensors } from '../../src/node.js';
import { preview, QUOTE_CHARS } from '../../src/untrusted.js';
import { throwsCode } from '../models/helpers.js';
import { g2pBytes, split, withHeader } from './helpers.js';

const DEEP = 100_000;
const deepArray = (): string => '['.repeat(DEEP) + ']'.repeat(DEEP);
const deepValue = (): unknown => JSON.parse(deepArray());

/** No run of more than ~80 characters of any one value in the message. */
function bounded(message: string): void {
  assert.ok(message.length < 600, `message of ${message.length} characters: ${message.slice(0, 200)}`);
  assert.not.match(message, /\[{90}/, 'the nesting is not quoted past the cut');
}

test('preview: iterative, cut to 80 characters, for any depth and size', () => {
  const deep = deepValue();
  assert.is(preview(deep).length, QUOTE_CHARS + 1);
  assert.ok(preview(deep).endsWith('…'));
  assert.is(preview({ a: [1, 'x', null], b: true }), '{"a":[1,"x",null],"b":true}');
  assert.is(preview('y'.repeat(10_000)).length, QUOTE_CHARS + 1);
  assert.is(preview(new Array(1e6).fill(7)).length, QUOTE_CHARS + 1);
  const wide: Record<string, number> = {};
  for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
  assert.is(preview(wide).length, QUOTE_CHARS + 1);
  assert.is(preview(2 ** 53 + 2), '9007199254740994');
  assert.is(preview(undefined), 'undefined');
});

test('a tensor whose shape or data_offsets is nested 100,000 deep: E_HEADER_JSON, bounded', async () => {
  for (const field of ['shape', 'data_offsets']) {
    const entry = { dtype: 'F32', shape: [1], data_offsets: [0, 4] } as Record<string, unknown>;
    const raw = JSON.stringify({ t: entry }).replace(JSON.stringify(entry[field]), deepArray());
    const bytes = withHeader(null, new Uint8Array(4), raw);
    const e = await throwsCode(() => readSafetensors(bytes, 'deep.safetensors'), 'E_HEADER_JSON', 'deep.safetensors', `field '${field}'`);
    bounded(e.message);
  }
});

test('a config value nested 100,000 deep (object and JSON text): E_CONFIG, bounded', async () => {
  for (const key of ['hidden_size', 'architecture', 'lowercase', 'source_vocab', 'target_separator']) {
    const e = await throwsCode(() => parseConfig({ architecture: 'bahdanau', hidden_size: 8, source_vocab: ['a'], target_vocab: ['<s>', '</s>'], sos_id: 0, eos_id: 1, [key]: deepValue() }, 'cfg'), 'E_CONFIG', 'cfg');
    bounded(e.message);
  }
  const { header, data } = split(g2pBytes);
  header.__metadata__.seqattn = header.__metadata__.seqattn.replace(/"hidden_size": *\d+/, `"hidden_size": ${deepArray()}`);
  const e = await throwsCode(() => loadModelFrom(withHeader(header, data)), 'E_CONFIG', '"hidden_size"');
  bounded(e.message);
});

test('long strings: tensor names, dtypes, metadata keys, vocabulary symbols and bad JSON are quoted cut', async () => {
  const long = 'n'.repeat(50_000);
  const cases: [Uint8Array, string][] = [
    [withHeader({ [long]: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), 'E_TENSOR_OFFSETS'],
    [withHeader({ t: { dtype: long, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'E_TENSOR_DTYPE'],
    [withHeader({ __metadata__: { [long]: 5 } }, new Uint8Array(0)), 'E_HEADER_JSON'],
    [withHeader(null, new Uint8Array(0), `{"a": ${'"'.padEnd(5000, 'x')}`), 'E_HEADER_JSON'],
  ];
  for (const [bytes, code] of cases) bounded((await throwsCode(() => readSafetensors(bytes), code)).message);
  const dup = await throwsCode(() => parseConfig({ architecture: 'bahdanau', hidden_size: 8, source_vocab: [long, long], target_vocab: ['<s>', '</s>'], sos_id: 0, eos_id: 1 }, 'cfg'), 'E_CONFIG', 'twice');
  bounded(dup.message);
  const missing = await throwsCode(() => readSafetensors(withHeader({ [long]: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))).float32(`${long}x`), 'E_TENSOR_MISSING');
  bounded(missing.message);
});

test('a header length over 100 MB is refused before the header is decoded', async () => {
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(0, 100_000_001, true);
  await throwsCode(() => readSafetensors(bytes, 'x'), 'E_HEADER_LENGTH', 'x');
});

test.run();
