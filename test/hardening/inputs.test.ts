// Issue 12, items 5-6: inputs longer than the limit are refused before tokenising, and every
// argument that does not conform gets a typed error; the model answers as before afterwards.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, loadModelFrom, SeqattnError, type Seq2SeqModel } from '../../src/node.js';
import { throwsCode } from '../models/helpers.js';

let model: Seq2SeqModel;
let expected: string;

test.before(async () => {
  model = await loadModel('g2p-en');
  expected = model.translate('attention').text;
});
test.after(() => model.dispose());

/** Heap and array-buffer growth of `fn`, in bytes (a refusal that tokenised would take hundreds of MB). */
function growth(fn: () => unknown): number {
  const before = process.memoryUsage();
  try { fn(); } catch { /* measured only */ }
  const after = process.memoryUsage();
  return (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
}

test('over-long string and id inputs: E_INPUT_LENGTH before tokenising (no per-symbol work)', async () => {
  const big = 'a'.repeat(1e7);
  await throwsCode(() => model.translate(big), 'E_INPUT_LENGTH', 'more than max_source_length 64');
  assert.ok(growth(() => model.translate(big)) < 50e6, 'no token arrays built');
  await throwsCode(() => model.translate('\u{1F600}'.repeat(1e6)), 'E_INPUT_LENGTH', 'max_source_length 64');
  await throwsCode(() => model.translate('ab'.repeat(32)), 'E_INPUT_LENGTH', 'more than 63 characters (plus </s>)');
  assert.ok(model.translate('a'.repeat(63)).ids.length > 0, '63 characters + </s> = 64 fit');
  await throwsCode(() => model.translate({ length: 5e7 } as ArrayLike<number>), 'E_INPUT_LENGTH', '50000000 source ids');
  assert.ok(growth(() => model.translate({ length: 5e7 } as ArrayLike<number>)) < 50e6);
  await throwsCode(() => model.translate({ length: 2 ** 32 } as ArrayLike<number>), 'E_INPUT_LENGTH', '4294967296');
  await throwsCode(() => model.translate({ length: -1 } as ArrayLike<number>), 'E_INPUT_KIND', 'length -1');
  await throwsCode(() => model.translate({ length: 1.5 } as ArrayLike<number>), 'E_INPUT_KIND', 'length 1.5');
  await throwsCode(() => model.translateBatch(['ok', big]), 'E_INPUT_LENGTH', 'inputs[1]');
  const e = await throwsCode(() => model.translate(`${'q'.repeat(100)}${'z'.repeat(1e6)}`), 'E_INPUT_LENGTH');
  assert.ok(e.message.length < 300, `the input is quoted cut: ${e.message.length} characters`);
  assert.is(model.translate('attention').text, expected);
});

test('non-conforming arguments: typed errors, never a TypeError', async () => {
  const calls: [() => unknown, string, string][] = [
    [() => model.translate('attention', null as never), 'E_OPTION', 'options must be an object, got null'],
    [() => model.translate('attention', 5 as never), 'E_OPTION', 'options must be an object, got number 5'],
    [() => model.translate('attention', 'beam' as never), 'E_OPTION', 'the string "beam"'],
    [() => model.translate('attention', [] as never), 'E_OPTION', 'an array'],
    [() => model.translateBatch(['a'], null as never), 'E_OPTION', 'options'],
    [() => model.begin('a', 7 as never), 'E_OPTION', 'options'],
    [() => model.translateBatch(null as never), 'E_ARGUMENT', 'inputs must be an array, got null'],
    [() => model.translateBatch('abc' as never), 'E_ARGUMENT', 'inputs must be an array, got string'],
    [() => model.translateBatch({ length: 2 } as never), 'E_ARGUMENT', 'not an array'],
    [() => model.translateBatch([, 'a'] as never), 'E_INPUT_KIND', 'inputs[0]: input must be a string or an array of source ids, got undefined'],
    [() => model.translate(undefined as never), 'E_INPUT_KIND', 'got undefined'],
    [() => model.translate(null as never), 'E_INPUT_KIND', 'got null'],
    [() => model.translate(42 as never), 'E_INPUT_KIND', 'number 42'],
    [() => model.translate(Symbol('s') as never), 'E_INPUT_KIND', 'symbol'],
    [() => model.translate('a', { maxLength: '5' as never }), 'E_OPTION', 'maxLength is "5"'],
    [() => model.translate('a', { beamSize: 2 ** 53 + 2 }), 'E_OPTION', 'beamSize'],
    [() => model.translate('a', { temperature: {} as never }), 'E_OPTION', 'temperature is {}'],
    [() => model.translate('a', { replaceUnknown: 5 as never }), 'E_OPTION', 'replaceUnknown is 5'],
    [() => model.translate('a', { unknownSource: 'maybe' as never }), 'E_OPTION', "unknownSource is \"maybe\", expected 'error' or 'unk'"],
  ];
  for (const [call, code, part] of calls) await throwsCode(call, code, part);
  await throwsCode(() => loadModel('g2p-en', 5 as never), 'E_OPTION', 'load options must be an object');
  await throwsCode(() => loadModel('g2p-en', { unknownSource: 'x' as never }), 'E_OPTION', 'unknownSource');
  await throwsCode(() => loadModelFrom(null as never), 'E_ARGUMENT', 'got null');
  await throwsCode(() => loadModelFrom({ weights: 5 } as never), 'E_ARGUMENT', 'weights must be');
  await throwsCode(() => loadModelFrom({ weights: [{ bytes: new Uint8Array(8), name: 5 }] } as never), 'E_ARGUMENT', 'weights[0].name');
  assert.is(model.translate('attention').text, expected);
});

test('feature inputs (show-attend-tell): a huge length is refused before the values are read', async () => {
  const sat = await loadModel(join(import.meta.dirname, '..', 'fixtures', 'sat-soft'));
  const D = sat.config.featureSize;
  const reads = { n: 0 };
  const huge = new Proxy({ length: 5e7 * D }, { get: (t, k) => { if (k !== 'length') reads.n++; return (t as Record<string | symbol, unknown>)[k]; } });
  await throwsCode(() => sat.translate({ features: huge as never }), 'E_INPUT_LENGTH', `${5e7} annotation vectors`);
  await throwsCode(() => sat.translate({ features: { length: 2 ** 32 } as never }), 'E_FEATURE_SHAPE');
  await throwsCode(() => sat.translate({ features: huge as never, length: 5e7 }), 'E_INPUT_LENGTH');
  assert.is(reads.n, 0, 'no value was read');
  await throwsCode(() => sat.translate({ features: null as never }), 'E_FEATURE_SHAPE', 'got null');
  sat.dispose();
});

test('a deeply nested or huge option value is quoted cut, without recursion', async () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const e = await throwsCode(() => model.translate('a', { maxLength: deep as never }), 'E_OPTION', 'maxLength is [[[');
  assert.ok(e.message.length < 200);
  assert.instance(e, SeqattnError);
});

test.run();
