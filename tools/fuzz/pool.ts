// The pool fuzz target of `npm run fuzz` (tools/fuzz.ts): createPool's TranslationPool against the same
// model in this thread, under random inputs and options and workers killed at random.
//
// One pool of 2 workers (test/hardening/pool-faulty-worker.mjs: the real worker, which also dies on
// cue: an input '\u0000crash' throws uncaught, '\u0000exit' exits, '\u0000oom' runs out of heap) on
// the bahdanau-maxout fixture serves every case. A case is translateBatch (or translate) of 0-12
// random inputs (words, id arrays, holes, null, numbers, {length}, Symbols, functions, Proxies,
// throwing getters, 100 kB strings; a cue in 1 case of 60) with random options (known names with
// good and hostile values, functions, Symbols, non-objects); in 1 case of 40 a random worker is
// killed 0-3 ms into the call (a worker start costs ~100 ms, so deaths are kept to a few per 100). The case holds when, within 30 s:
//   - a result: one per input, each with the ids the model in this thread gives;
//   - an error: a SeqattnError with a message under 1,000 characters, and
//       `inputs[k]: M` only if the model's translate(inputs[k]) fails with that code and M (the caller's index);
//       E_INPUT_KIND / E_OPTION "...worker" only if that input / option fails a structured clone;
//       E_WORKER only if a worker was killed or a cue was among the inputs;
//       E_ARGUMENT only if the inputs are not an array and the model refuses the call too;
//       else the model's translateBatch fails with the same code and message;
//   - no unhandled rejection since the case began, the pool not failed, and every 50 cases a probe
//     call answering what the model does.
// 1 case in 400 instead starts a pool of its own with random PoolOptions (workers, batchSize, load
// options, hostile values), runs calls and closes it with calls pending: each start gives a pool or a
// typed error, each call a result or a typed error (E_DISPOSED after close), no unhandled rejection.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createPool, loadModel, modelSourceFromPath, SeqattnError, type Seq2SeqModel, type SourceInput, type TranslateOptions } from '../../src/node.js';
import { nodeWorker } from '../../src/pool/node.js';
import { TranslationPool } from '../../src/pool/pool.js';
import { MAX_MESSAGE, typed } from '../../test/hardening/properties.js';

const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'bahdanau-maxout');
const faultyWorker = new URL('../../test/hardening/pool-faulty-worker.mjs', import.meta.url);
const CUES = ['\u0000crash', '\u0000exit', '\u0000oom'];
const HANG_MS = 30_000;

export const poolWhat = 'a 2-worker pool (workers that also die on cue) vs the model in this thread: translateBatch / translate of 0-12 random inputs (words, ids, holes, null, Symbols, functions, Proxies, throwing getters, 100 kB strings, crash / exit / OOM cues) with random options (hostile values, functions, non-objects); a cue in 1 case of 60, a random worker killed in 1 of 40; 1 case in 400 a pool with random PoolOptions closed with calls pending';

const throwingGetter = () => Object.defineProperty(Object.defineProperty([4, 5], 1, { get() { throw new Error('getter'); }, enumerable: true }),
  fc.toStringMethod, { value: () => '[4, <a getter that throws>]' }); // fast-check prints counterexamples through it
const input: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z]{1,12}$/), weight: 12 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 10 }), weight: 6 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.array(fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(1e9, 1.5, NaN, '4', null)), { maxLength: 6 }), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(null, undefined, 42, true, 10n, '', [], {}, { length: 2 }, { length: 2 ** 32 }, { length: -1 }, { features: [1, 2] },
    'x'.repeat(100_000), new Float32Array(3), new Uint8Array([4, 5])), weight: 3 },
  { arbitrary: fc.constantFrom<() => unknown>(() => Symbol('s'), () => () => 1, () => new Proxy([4, 5], {}), throwingGetter, () => [4, Symbol('t')], () => new WeakMap())
    .map((make) => make()), weight: 2 },
);

const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -2, max: 40 }), fc.constantFrom<unknown>(0.5, NaN, Infinity, 2 ** 32, null, 'beam', true, {}, [], 1n),
  fc.constantFrom<() => unknown>(() => () => 1, () => Symbol('o'), () => new Proxy({}, {})).map((make) => make()),
);
const options: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  { arbitrary: fc.record({ beamSize: fc.integer({ min: 1, max: 4 }), nBest: fc.integer({ min: 1, max: 2 }) }, { requiredKeys: ['beamSize'] }), weight: 2 },
  { arbitrary: fc.record({ temperature: fc.constantFrom(0.7, 1), seed: fc.integer({ min: 0, max: 99 }) }), weight: 2 },
  { arbitrary: fc.dictionary(fc.constantFrom('beamSize', 'nBest', 'seed', 'maxLength', 'minLength', 'temperature', 'topK', 'topP', 'lengthPenalty', 'replaceUnknown', 'unknownSource', 'hardAttention', 'onProgress'),
    optionValue, { maxKeys: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(null, 5, 'beam', [], () => ({})), weight: 1 },
);

const poolOptions: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ workers: fc.oneof(fc.integer({ min: -1, max: 5 }), optionValue), batchSize: fc.oneof(fc.integer({ min: 0, max: 40 }), optionValue),
    maxBeamSize: fc.oneof(fc.integer({ min: 1, max: 8 }), optionValue), unknownSource: fc.constantFrom<unknown>('unk', 'error', 5, () => 'unk'),
    onProgress: fc.constantFrom<unknown>(undefined, () => {}) }, { requiredKeys: [] }),
  fc.constantFrom<unknown>(null, 7, 'x'),
);

/** A value of `arb` in 1 case of `n`, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> => fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary: arb, weight: 1 });

type Case = { single: boolean; inputs: unknown; options: unknown; kill: number | null; killWorker: number; poolCase: unknown | null; cue: string | null; cueAt: number };

const clones = (v: unknown) => { try { structuredClone(v); return true; } catch { return false; } };
/** What the model in this thread does: its results' ids, or its error. */
function reference(f: () => { ids: number[] }[]): { ids: number[][] } | { error: unknown } {
  try { return { ids: f().map((t) => t.ids) }; } catch (e) { return { error: e }; }
}
const sameError = (a: unknown, b: SeqattnError, message = b.message) => a instanceof SeqattnError && a.code === b.code && a.message === message;
const withTimeout = <T>(p: Promise<T>, what: string) => new Promise<T>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`hang: ${what} did not settle in ${HANG_MS / 1000} s`)), HANG_MS);
  p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
});

/** Checks one settled call against the model; throws (an untyped Error) when the property fails. */
function check(c: Case, model: Seq2SeqModel, outcome: { value: unknown } | { error: unknown }, killed: boolean): void {
  const list = c.single ? [c.inputs] : c.inputs;
  const cue = c.cue !== null; // (not list.some(...): the list may hold a getter that throws)
  if ('value' in outcome) {
    const got = (c.single ? [outcome.value] : outcome.value) as { ids: number[] }[];
    const want = reference(() => c.single ? [model.translate(c.inputs as SourceInput, c.options as TranslateOptions)] : model.translateBatch(c.inputs as SourceInput[], c.options as TranslateOptions));
    if ('error' in want) throw new Error(`the pool answered where the model throws ${String(want.error)}`);
    if (JSON.stringify(got.map((t) => t.ids)) !== JSON.stringify(want.ids)) throw new Error('the pool\'s ids differ from the model\'s');
    return;
  }
  const e = outcome.error;
  typed(e);
  const err = e as SeqattnError;
  if (err.message.length > MAX_MESSAGE) throw new Error('message too long');
  if (err.code === 'E_WORKER') { if (killed || cue) return; throw new Error(`E_WORKER with no worker killed: ${err.message}`); }
  const m = /^inputs\[(\d+)\]: ([^]*)$/.exec(err.message);
  if (m && /^reading it threw/.test(m[2])) {
    try { void (list as unknown[])[+m[1]]; } catch { return; }
    throw new Error(`${err.message}, but reading it does not throw`);
  }
  if (/sent to a worker/.test(err.message)) {
    const x = m ? (list as unknown[])[+m[1]] : c.inputs;
    if (clones(x)) throw new Error(`${err.message}, but that input clones`);
    return;
  }
  if (/sends its options to the workers/.test(err.message)) {
    const k = /^(\w+) is/.exec(err.message)?.[1];
    if (!k || clones((c.options as Record<string, unknown>)[k])) throw new Error(`${err.message}, but that option clones`);
    return;
  }
  if (err.code === 'E_ARGUMENT' && !c.single && !Array.isArray(c.inputs)) {
    // the pool checks the array on this thread, the model checks its options first: with both wrong, either may be named
    const want = reference(() => model.translateBatch(c.inputs as SourceInput[], c.options as TranslateOptions));
    if (!('error' in want)) throw new Error(`${err.message}, but the model answers`);
    return;
  }
  if (m && !c.single) {
    const x = (list as unknown[])[+m[1]];
    const want = reference(() => [model.translate(x as SourceInput, c.options as TranslateOptions)]);
    if (!('error' in want) || !sameError(want.error, err, m[2])) throw new Error(`${err.code} ${err.message}: the model's translate(inputs[${m[1]}]) gives ${'error' in want ? String(want.error) : 'a result'}`);
    return;
  }
  const want = reference(() => c.single ? [model.translate(c.inputs as SourceInput, c.options as TranslateOptions)] : model.translateBatch(c.inputs as SourceInput[], c.options as TranslateOptions));
  if (!('error' in want) || !sameError(want.error, err)) throw new Error(`${err.code} ${err.message}: the model gives ${'error' in want ? String(want.error) : 'a result'}`);
}

/** A pool with random options of its own: start, a few calls, close() with calls pending. */
async function poolCase(o: unknown, inputs: unknown[]): Promise<void> {
  let pool: TranslationPool;
  try {
    pool = await withTimeout(createPool(fixture, o as never), 'createPool');
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('hang')) throw e;
    typed(e);
    return;
  }
  // each call's outcome taken at once (a rejection handled later would be this harness's unhandled rejection, not the pool's)
  const calls = [pool.translateBatch(inputs as SourceInput[]), pool.translateBatch([[4, 5], 'abc']), pool.translate('word')]
    .map((p) => withTimeout(p as Promise<unknown>, 'a call on a closed pool').then(() => null, (e) => e));
  await new Promise((r) => setTimeout(r, Math.random() * 3));
  pool.close();
  for (const e of await Promise.all(calls)) if (e !== null) typed(e);
  await withTimeout(pool.translate('abc'), 'a call after close()').then(() => { throw new Error('a call after close() answered'); }, (e) => {
    typed(e);
    if ((e as SeqattnError).code !== 'E_DISPOSED') throw new Error(`after close(): ${(e as SeqattnError).code}`);
  });
}

/** Runs `n` cases with fast-check `seed`. */
export async function poolFuzz(n: number, seed: number): Promise<fc.RunDetails<unknown>> {
  const model = await loadModel(fixture);
  const pool = await TranslationPool.start(() => nodeWorker(faultyWorker, { resourceLimits: { maxOldGenerationSizeMb: 64 } }),
    modelSourceFromPath(join(fixture, 'model.safetensors')), { workers: 2, batchSize: 4 }, availableParallelism());
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => { unhandled.push(e); };
  process.on('unhandledRejection', onUnhandled);
  const probe = ['attention', 'pool', [4, 5, 6]] as SourceInput[];
  const probeIds = JSON.stringify(model.translateBatch(probe).map((t) => t.ids));
  let cases = 0;
  const caseArb: fc.Arbitrary<Case> = fc.record({
    single: fc.boolean(), inputs: fc.oneof({ arbitrary: fc.array(input, { maxLength: 12 }), weight: 20 }, { arbitrary: input, weight: 1 }),
    options, kill: rarely(fc.integer({ min: 0, max: 3 }), 40), killWorker: fc.integer({ min: 0, max: 1 }),
    poolCase: rarely(poolOptions, 400),
    // a worker start costs ~100 ms, so the deaths are kept to a few in 100 cases
    cue: rarely(fc.constantFrom(CUES[0], CUES[0], CUES[1], CUES[1], CUES[2]), 60), cueAt: fc.nat(),
  }).map((c) => {
    if (c.cue === null) return c;
    if (c.single) return { ...c, inputs: c.cue };
    let list: unknown[];
    try { list = Array.isArray(c.inputs) ? [...c.inputs] : [c.inputs]; } catch { list = [c.inputs]; } // a throwing getter as the inputs
    list.splice(c.cueAt % (list.length + 1), 0, c.cue);
    return { ...c, inputs: list };
  });
  try {
    return await fc.check(fc.asyncProperty(caseArb, async (c) => {
      const before = unhandled.length;
      cases++;
      if (c.poolCase !== null) {
        await poolCase(c.poolCase, Array.isArray(c.inputs) ? c.inputs : [c.inputs]);
      } else {
        const call: Promise<unknown> = c.single ? pool.translate(c.inputs as SourceInput, c.options as TranslateOptions) : pool.translateBatch(c.inputs as SourceInput[], c.options as TranslateOptions);
        const kill = c.kill === null ? null : new Promise<void>((r) => setTimeout(() => { pool.killWorker(c.killWorker); r(); }, c.kill!));
        const outcome = await withTimeout(call, 'a pool call').then((value) => ({ value }), (error) => {
          if (error instanceof Error && error.message.startsWith('hang')) throw error;
          return { error };
        });
        await kill; // before the next case (a kill may land after this call settled)
        check(c, model, outcome, kill !== null);
      }
      if (pool.status.failure) throw new Error(`the pool failed closed: ${pool.status.failure.message}`);
      if (cases % 50 === 0) {
        const got = JSON.stringify((await withTimeout(pool.translateBatch(probe), 'the probe')).map((t) => t.ids));
        if (got !== probeIds) throw new Error('the probe\'s ids changed');
      }
      await new Promise((r) => setImmediate(r));
      if (unhandled.length > before) throw new Error(`unhandled rejection: ${String(unhandled[before])}`);
    }), { numRuns: n, seed, endOnFailure: true }) as fc.RunDetails<unknown>;
  } finally {
    console.error(`worker pool: ${pool.status.restarts} workers replaced (killed or died on cue) in ${cases} cases`);
    process.off('unhandledRejection', onUnhandled);
    pool.close();
    model.dispose();
  }
}
