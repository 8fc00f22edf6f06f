// The worker pool (src/pool/) under a careless caller and dying workers: what does not survive a
// structured clone is refused on this thread before anything is queued (E_OPTION, E_INPUT_KIND) and
// costs no worker; the model's errors come back with the caller's index (and none for translate()); a
// failed call drops its queued batches; a worker that stops fails its call with E_WORKER and is
// replaced, and a pool whose replacements do not start fails closed. No unhandled rejection anywhere.
// Needs dist/ (npm run build): the workers run dist/pool-worker-node.js.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeWorker } from '../../src/pool/node.js';
import { maxWorkers, TranslationPool, type ToWorker, type WorkerPort } from '../../src/pool/pool.js';
import { createPool, loadModel, modelSourceFromPath, SeqattnError, type SourceInput } from '../../src/node.js';
import { committedFixtures, throwsCode } from '../models/helpers.js';

const fixture = join(committedFixtures, 'bahdanau-maxout');
const faulty = new URL('./pool-faulty-worker.mjs', import.meta.url);

const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => { unhandled.push(e); });
const settle = () => new Promise((r) => setTimeout(r, 50));

/** A pool over `spawn`-made ports that records them and counts the batches posted to workers. */
async function tracked(options: { workers: number; batchSize?: number }, spawn: (k: number) => WorkerPort = () => nodeWorker()) {
  const ports: WorkerPort[] = [];
  let batches = 0;
  const pool = await TranslationPool.start(() => {
    const port = spawn(ports.length);
    ports.push(port);
    return { ...port, post: (m: ToWorker) => { if (m.type === 'translate') batches++; port.post(m); } };
  }, modelSourceFromPath(join(fixture, 'model.safetensors')), options, availableParallelism());
  return { pool, ports, batches: () => batches };
}

/** `n` id inputs of 1..12 ids in the fixture's vocabulary. */
const idInputs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => Array.from({ length: 1 + ((i + from) * 7) % 12 }, (_, j) => 4 + ((i + from) * 3 + j) % 20));

test('row 1: options and inputs that cannot be posted are E_OPTION / E_INPUT_KIND before anything is queued; no worker lost', async () => {
  const { pool, batches } = await tracked({ workers: 1 });
  const model = await loadModel(fixture);
  try {
    const good = idInputs(5);
    const want = model.translateBatch(good).map((t) => t.ids);
    await throwsCode(() => pool.translateBatch(good, { seed: (() => 1) as unknown as number }), 'E_OPTION', 'seed is a function');
    await throwsCode(() => pool.translateBatch(good, { replaceUnknown: { phraseTable: { a: Symbol('x') } } } as never), 'E_OPTION', 'replaceUnknown');
    await throwsCode(() => pool.translateBatch(good, null as never), 'E_OPTION', 'options must be an object');
    await throwsCode(() => pool.translateBatch([Symbol('s')] as never), 'E_INPUT_KIND', 'inputs[0]: ', 'a symbol');
    await throwsCode(() => pool.translateBatch([[4], [5, () => 1]] as never), 'E_INPUT_KIND', 'inputs[1]: ');
    await throwsCode(() => pool.translateBatch([[4], new Proxy([4, 5], {})] as never), 'E_INPUT_KIND', 'inputs[1]: ');
    const getter = Object.defineProperty([4, 5], 0, { get() { throw new Error('boom'); }, enumerable: true });
    await throwsCode(() => pool.translateBatch([getter] as never), 'E_INPUT_KIND', 'inputs[0]: ', 'boom');
    const single = await throwsCode(() => pool.translate(Symbol('s') as never), 'E_INPUT_KIND', 'a symbol');
    assert.not.match(single.message, /^inputs\[/, 'translate() names no batch index');
    assert.is(batches(), 0, 'nothing reached the worker');
    for (let k = 0; k < 3; k++) assert.equal((await pool.translateBatch(good)).map((t) => t.ids), want, `good call ${k} after the bad ones`);
    assert.is(pool.status.ready, 1);
  } finally {
    pool.close();
    model.dispose();
  }
  await settle();
  assert.equal(unhandled, [], 'no unhandled rejection');
});

test('row 1: createPool(url, { onProgress }) downloads with the callback and starts; a load option that cannot be posted is E_OPTION', async () => {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(join(fixture, 'model.safetensors'));
  const server = createServer((_, res) => { res.writeHead(200, { 'content-length': bytes.length }); res.end(bytes); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    let progress = 0;
    const pool = await createPool(`http://127.0.0.1:${(server.address() as AddressInfo).port}/m.safetensors`,
      { workers: 2, onProgress: () => { progress++; }, requestInit: { signal: new AbortController().signal } });
    try {
      assert.ok(progress > 0, 'onProgress called on this thread');
      assert.is((await pool.translateBatch(idInputs(4))).length, 4);
    } finally { pool.close(); }
    await throwsCode(() => createPool(fixture, { workers: 1, maxBeamSize: (() => 4) as unknown as number }), 'E_OPTION', 'maxBeamSize is a function');
    await throwsCode(() => createPool(fixture, null as never), 'E_OPTION', 'options must be an object');
  } finally {
    server.close();
  }
  await settle();
  assert.equal(unhandled, []);
});

test('row 1: close() with calls running and queued rejects them with E_DISPOSED, no unhandled rejection', async () => {
  const { pool } = await tracked({ workers: 2, batchSize: 2 });
  const pending = [pool.translateBatch(idInputs(40)), pool.translate([4, 5, 6]), pool.translateBatch([[4], [5, 999]])];
  const floating = pool.translateBatch(idInputs(10)); // never awaited before close(): its rejection is still handled below
  pool.close();
  for (const p of pending) await throwsCode(() => p, 'E_DISPOSED', 'closed');
  await throwsCode(() => floating, 'E_DISPOSED');
  await throwsCode(() => pool.translateBatch(idInputs(2)), 'E_DISPOSED');
  await settle();
  assert.equal(unhandled, []);
});

test('row 2: the model\'s typed errors with the caller\'s index; translate() with none', async () => {
  const pool = await createPool('g2p-en', { workers: 2, batchSize: 2, weights: 'int8' });
  const model = await loadModel('g2p-en', { weights: 'int8' });
  const cases: unknown[] = [
    ['hello', null, 'world'], null, 'abc', { length: 2 }, [, 'a'], ['a', 'b', 'c', 'd', undefined, 'e'], ['hello', 42, 'x'],
    ['ok', 'fine', 'x'.repeat(100_000)], ['one', { length: 2 ** 32 }], ['one', 'two', [1e9]], ['a', 'b', []],
  ];
  try {
    for (const c of cases) {
      let want: SeqattnError | null = null;
      try { model.translateBatch(c as SourceInput[]); } catch (e) { want = e as SeqattnError; }
      assert.instance(want, SeqattnError, `the model refuses ${String(c)}`);
      const got = await throwsCode(() => pool.translateBatch(c as SourceInput[]), want!.code);
      assert.is(got.message, want!.message, 'the model\'s message, the caller\'s index');
    }
    for (const x of [null, undefined, 42, [], 'x'.repeat(100_000), [1e9]]) {
      let want: SeqattnError | null = null;
      try { model.translate(x as SourceInput); } catch (e) { want = e as SeqattnError; }
      const got = await throwsCode(() => pool.translate(x as SourceInput), want!.code);
      assert.is(got.message, want!.message, 'translate(): the model\'s message, no index');
    }
    assert.is((await pool.translate('hello')).text, model.translate('hello').text, 'still answering');
  } finally {
    pool.close();
    model.dispose();
  }
});

test('found by the pool fuzz: an id array holding a 100 kB string is an E_TOKEN_ID quoting it cut; an inputs array with a throwing getter is E_INPUT_KIND; in the model and through the pool', async () => {
  const model = await loadModel(fixture);
  const pool = await createPool(fixture, { workers: 1 });
  try {
    const bad = [4, 'x'.repeat(100_000)] as unknown as SourceInput;
    const e = await throwsCode(() => model.translate(bad), 'E_TOKEN_ID', 'at index 1');
    assert.ok(e.message.length < 300, `${e.message.length} characters`);
    const p = await throwsCode(() => pool.translateBatch([[4], bad]), 'E_TOKEN_ID', 'inputs[1]: ');
    assert.is(p.message, `inputs[1]: ${e.message}`);
    // an inputs array whose element is a getter that throws: E_INPUT_KIND naming it, in both (was the getter's own Error)
    const hostile = Object.defineProperty([[4], [5]], 1, { get() { throw new Error('getter'); }, enumerable: true }) as SourceInput[];
    await throwsCode(() => model.translateBatch(hostile), 'E_INPUT_KIND', 'inputs[1]: reading it threw Error');
    await throwsCode(() => pool.translateBatch(hostile), 'E_INPUT_KIND', 'inputs[1]: reading it threw Error');
  } finally {
    pool.close();
    model.dispose();
  }
});

test('row 3: a call that fails drops its queued batches: the next call is the next batch a worker gets', async () => {
  for (const workers of [1, 2]) {
    const { pool, batches } = await tracked({ workers });
    try {
      const big = [[1e9], ...idInputs(20_000)];
      await throwsCode(() => pool.translateBatch(big), 'E_TOKEN_ID', 'inputs[0]: ', '1000000000');
      const before = batches();
      assert.ok(before <= workers + 1, `${workers} workers: ${before} of the failed call's ${Math.ceil(big.length / 16)} batches posted`);
      const t0 = performance.now();
      assert.is((await pool.translateBatch([[4, 5]])).length, 1);
      assert.ok(batches() - before === 1, 'the 1-input call was the next batch posted');
      assert.ok(performance.now() - t0 < 5000, `1 input answered in ${(performance.now() - t0).toFixed(0)} ms`);
      assert.is(pool.status.queued, 0);
    } finally {
      pool.close();
    }
  }
});

test('row 4: a worker terminated from outside, crashing, out of memory or exiting fails its call with E_WORKER and is replaced', async () => {
  const { pool, ports } = await tracked({ workers: 2, batchSize: 4 }, () => nodeWorker(faulty, { resourceLimits: { maxOldGenerationSizeMb: 48 } }));
  const model = await loadModel(fixture);
  const check = async (what: string) => {
    const inputs = idInputs(30, what.length);
    assert.equal((await pool.translateBatch(inputs)).map((t) => t.ids), model.translateBatch(inputs).map((t) => t.ids), `after ${what}: results`);
  };
  try {
    const running = pool.translateBatch(idInputs(400));
    ports[0].terminate(); // as an outside terminate() or the OS would: the pool learns it from the exit
    await throwsCode(() => running, 'E_WORKER', 'stopped while decoding');
    await check('terminate');
    for (const [cue, why] of [['\u0000crash', 'crash on cue'], ['\u0000oom', 'memory limit'], ['\u0000exit', 'exited with code 0']]) {
      const e = await throwsCode(() => pool.translateBatch([[4], cue as never]), 'E_WORKER', 'stopped while decoding');
      assert.ok(e.message.includes(why), e.message);
      await check(cue.slice(1));
    }
    const single = await throwsCode(() => pool.translate('\u0000crash' as never), 'E_WORKER', 'the input');
    assert.not.match(single.message, /inputs/);
    await check('translate crash');
    const s = pool.status;
    assert.is(s.restarts, 5);
    assert.is(s.failure, null);
    assert.is(s.workers, 2);
  } finally {
    pool.close();
    model.dispose();
  }
  await settle();
  assert.equal(unhandled, []);
});

test('row 4: replacements that do not start make the pool fail closed with E_WORKER: pending and later calls', async () => {
  const missing = new URL('./no-such-worker.mjs', import.meta.url);
  const { pool, ports } = await tracked({ workers: 2, batchSize: 2 }, (k) => k < 2 ? nodeWorker() : nodeWorker(missing));
  const queued = pool.translateBatch(idInputs(200));
  pool.killWorker(0);
  pool.killWorker(1);
  await throwsCode(() => queued, 'E_WORKER');
  while (!pool.status.failure) await settle();
  const failure = pool.status.failure!;
  assert.is(failure.code, 'E_WORKER');
  assert.match(failure.message, /failed closed: 3 replacement workers in a row did not start/);
  assert.is(pool.status.ready, 0);
  await throwsCode(() => pool.translateBatch(idInputs(2)), 'E_WORKER', 'failed closed');
  assert.ok(ports.length <= 2 + 3 + 1, `${ports.length} workers started`);
  pool.close();
  await settle();
  assert.equal(unhandled, []);
});

test('row 4: workers is bounded (2 x cores, at least 4); the bound is an E_OPTION naming it', async () => {
  const limit = maxWorkers(availableParallelism());
  assert.is(limit, Math.max(4, 2 * availableParallelism()));
  await throwsCode(() => createPool(fixture, { workers: limit + 1 }), 'E_OPTION', `[1, ${limit}]`, 'memory');
  await throwsCode(() => createPool(fixture, { workers: 1e9 }), 'E_OPTION', 'workers is 1000000000');
  await throwsCode(() => createPool(fixture, { workers: '2' as never }), 'E_OPTION', 'workers');
});

test('the pool fuzz target (tools/fuzz/pool.ts, npm run fuzz runs 40,000): 300 cases, fixed seed', async () => {
  const { poolFuzz } = await import('../../tools/fuzz/pool.js');
  const d = await poolFuzz(300, 7);
  assert.ok(!d.failed, `${String(d.errorInstance).slice(0, 500)}\n${d.counterexample ? 'seed 7' : ''}`);
  assert.is(d.numRuns, 300);
});

test.run();
