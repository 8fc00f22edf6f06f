/**
 * A pool of workers, each holding one loaded copy of a model, behind one API for Node
 * (worker_threads, src/pool/node.ts) and browsers (Web Workers, src/pool/web.ts). Platform-free:
 * the two front ends only say how to start a worker.
 *
 * Lifecycle:
 *   1. The main thread compiles the Wasm module once (wasm.ts compiledModule) and puts the model
 *      file bytes in one SharedArrayBuffer (where the engine has it; browsers need cross-origin
 *      isolation, else each worker gets a copy). Each worker gets the Module and the bytes in one
 *      'init' message (neither is copied: a Module and a SharedArrayBuffer are posted by
 *      reference), instantiates the module and loads the model into its own Wasm memory.
 *   2. translateBatch sorts the inputs by length, cuts them into batches of similar lengths (a
 *      greedy batch runs as long as its longest row), queues the batches, and each idle worker
 *      takes the next one. Results go back in input order and equal model.translateBatch's (every
 *      result equals translate() of its input, whatever batch it ran in).
 *   3. A worker that stops (crash, out of memory, terminated) fails the call whose batch it was
 *      decoding (E_WORKER) and is replaced by a new one loading the same bytes; when
 *      MAX_START_FAILURES replacements in a row fail to start, the pool fails closed: every
 *      pending and later call rejects with that E_WORKER.
 *   4. close() ends the workers; pending and later calls reject with E_DISPOSED.
 *
 * What crosses to a worker is checked on this thread before anything is queued: inputs and
 * options must survive a structured clone (a function, a Symbol, a Proxy do not): E_INPUT_KIND /
 * E_OPTION naming the caller's index or the option. The model's own checks run in the worker and
 * come back with the caller's index. A call that fails drops its batches still queued.
 *
 * Why not a pool library: workerpool (Node and browsers) runs tasks on whichever worker is free
 * and has no message that initialises every worker once (its per-worker setup only shapes the
 * Worker constructor's options, which for a Web Worker carry no data), so the Module and the
 * bytes would travel with tasks and each worker would load the model on its first one; it also
 * brings its own task protocol and Promise class into the browser bundle. piscina is Node-only;
 * threads.js has had no release since 2021. What is needed (init, a queue, result order) is the
 * ~150 lines below.
 */
import { eachInput, SeqattnError, type SeqattnErrorCode } from '../errors.js';
import { asModelSource, type ModelSource, type WeightFileInput } from '../load.js';
import type { ModelConfig } from '../config.js';
import type { FetchOptions } from '../fetch.js';
import { checkOptionsObject } from '../limits.js';
import type { LoadOptions, SourceInput, TranslateOptions, Translation } from '../model.js';
import { cut, kindOf, preview } from '../untrusted.js';
import { compiledModule, defaultBuild } from '../wasm.js';

/** Options of createPool: the model's load options plus the pool's. */
export interface PoolOptions extends LoadOptions {
  /** Workers (threads); default: the machine's logical cores; at most maxWorkers(cores). */
  workers?: number;
  /** Most inputs in one batch a worker decodes; default maxBatchSize (16). */
  batchSize?: number;
}

/**
 * Most workers a pool takes: 2 x the logical cores, at least 4. Decoding is CPU-bound and a worker
 * decodes one batch at a time, so workers past the cores add no throughput, only memory: each
 * holds a JavaScript engine and its own copy of the model in its Wasm memory (g2p-en int8: about
 * 27 MB each, 9 workers +250 MB RSS; 64 took 1.3 GB). The 2x leaves room for a core count that
 * under-reports (containers, hybrid cores).
 */
export function maxWorkers(cores: number): number {
  return Math.max(4, 2 * cores);
}

/** Replacements in a row that may fail to start before the pool fails closed. */
const MAX_START_FAILURES = 3;

/**
 * FetchOptions of createPool(url): used by the download on this thread, never posted to a worker
 * (onProgress is a function, requestInit may hold an AbortSignal: neither is cloneable). Names
 * FetchOptions does not have yet are harmless; one it has that is missing here fails to compile.
 */
const FETCH_OPTIONS = ['cache', 'onProgress', 'maxDownloadBytes', 'integrity', 'requestInit', 'timeoutMs', 'stallTimeoutMs'] as const;
const everyFetchOption: Exclude<keyof FetchOptions, (typeof FETCH_OPTIONS)[number]> extends never ? true : never = true;
void everyFetchOption;

/** `options` without the FetchOptions (createPool's front ends pass the rest to TranslationPool.start). */
export function withoutFetchOptions<T extends object>(options: T): T {
  const rest = { ...checkOptionsObject(options, 'options') } as Record<string, unknown>;
  for (const k of FETCH_OPTIONS) delete rest[k];
  return rest as T;
}

/** Main thread -> worker. */
export type ToWorker =
  | { type: 'init'; module: WebAssembly.Module; source: ModelSource; options: LoadOptions }
  | { type: 'translate'; id: number; inputs: SourceInput[]; options: TranslateOptions };

/** Worker -> main thread. */
export type FromWorker =
  | { type: 'ready'; config: ModelConfig; attends: boolean }
  | { type: 'result'; id: number; results: Translation[] }
  | { type: 'error'; id: number; code?: SeqattnErrorCode; message: string };

/** What the pool needs of a worker, on either platform. */
export interface WorkerPort {
  post(message: ToWorker): void;
  /**
   * Calls `onMessage` with every message, `onExit` when the worker stops or fails to start (the
   * pool then terminates it: a Web Worker lives on after an uncaught error, but is not trusted).
   */
  listen(onMessage: (m: FromWorker) => void, onExit: (e: Error) => void): void;
  terminate(): void;
}

/** What a pool is doing: what an HTTP service's health check reports. */
export interface PoolStatus {
  /** Workers the pool runs (options.workers). */
  workers: number;
  /** Workers with the model loaded, idle or decoding. */
  ready: number;
  /** Workers replaced since the start (each after one stopped). */
  restarts: number;
  /** Batches waiting for a worker. */
  queued: number;
  /** close() was called. */
  closed: boolean;
  /** Why the pool failed closed (its replacements could not start), else null. */
  failure: SeqattnError | null;
}

/** One translateBatch / translate call: its results fill in as its batches come back. */
interface Call { out: Translation[]; left: number; settled: boolean; single: boolean; resolve: (r: Translation[]) => void; reject: (e: Error) => void }
/** One batch of a call: `idx` are the caller's indices of `inputs`. */
interface Task { call: Call; idx: number[]; inputs: SourceInput[]; options: TranslateOptions }
/** A worker's place in the pool: the port changes when the worker is replaced. */
interface Slot { port: WorkerPort; state: 'starting' | 'idle' | 'busy' | 'stopped'; task: Task | null; id: number }

/** Length of a (cloned) input for sorting: characters, ids, or annotation vectors; 0 for what the model will refuse. */
function lengthOf(x: unknown): number {
  let n: unknown = 0;
  if (typeof x === 'string') n = x.length;
  else if (x !== null && typeof x === 'object') {
    const o = x as { features?: { length?: unknown }; length?: unknown };
    n = 'features' in o ? o.length ?? o.features?.length : o.length;
  }
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** `inputs[k]: ` of a message from a worker: the caller's index `map(k)`, or nothing for translate(). */
function reindex(message: string, map: (k: number) => number, single: boolean): string {
  return message.replace(/^inputs\[(\d+)\]: /, (_, k) => (single ? '' : `inputs[${map(+k)}]: `));
}

/** The error a worker reported, as a SeqattnError when it was one. */
function rebuild(m: { code?: SeqattnErrorCode; message: string }, message = m.message): Error {
  return m.code ? new SeqattnError(m.code, message) : new Error(message);
}

/** A structured clone of `v` (what postMessage sends), or undefined with the reason. */
function cloned(v: unknown): { value: unknown } | { why: string } {
  try {
    return { value: structuredClone(v) };
  } catch (e) {
    return { why: cut(e instanceof Error ? e.message : String(e), 120) };
  }
}

/** An input as the worker will receive it; E_INPUT_KIND when it cannot be posted. */
function postableInput(x: unknown): SourceInput {
  if (typeof x === 'string') return x;
  const c = cloned(x);
  if ('value' in c) return c.value as SourceInput;
  throw new SeqattnError('E_INPUT_KIND', `input must be a string, an array of source ids or { features, length } that can be sent to a worker (structured clone), got ${kindOf(x)}: ${c.why}`);
}

/** Options as the worker will receive them (own properties); E_OPTION naming one that cannot be posted. */
function postableOptions<T>(options: unknown, what: string, skip: readonly string[] = []): T {
  const o = checkOptionsObject(options, what);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    if (skip.includes(k)) continue;
    const c = cloned(o[k]);
    if (!('value' in c)) throw new SeqattnError('E_OPTION', `${k} is ${kindOf(o[k])}: a pool sends its options to the workers, which takes numbers, strings, booleans, arrays and plain objects (${c.why})`);
    out[k] = c.value;
  }
  return out as T;
}

/** Bytes in a SharedArrayBuffer where the engine has one (posted without a copy), else as they are. */
function shared(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (typeof SharedArrayBuffer !== 'function') return src;
  const out = new Uint8Array(new SharedArrayBuffer(src.byteLength));
  out.set(src);
  return out;
}

/** A ModelSource whose file bytes are shared (see `shared`). */
function sharedSource(source: ModelSource): ModelSource {
  const files = Array.isArray(source.weights) ? source.weights
    : source.weights instanceof Uint8Array || source.weights instanceof ArrayBuffer ? [{ bytes: source.weights }] : [source.weights];
  const weights: WeightFileInput[] = files.map((f) => ({ ...f, bytes: shared(f.bytes) }));
  return { ...source, weights };
}

/** A worker's stop as an E_WORKER (a SeqattnError the front end made, e.g. a script that did not start, is kept). */
function stopped(e: Error, what: string): SeqattnError {
  return e instanceof SeqattnError ? e : new SeqattnError('E_WORKER', `${what}: ${e.message}`);
}

/**
 * Workers each with the model loaded. Make one with createPool (seqattn in Node, seqattn's pool
 * module in browsers).
 */
export class TranslationPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;
  private failure: SeqattnError | null = null;
  private restarted = 0;
  private startFailures = 0;
  /** The model's config (as model.config). */
  config!: ModelConfig;
  /** Whether the model has attention to draw (as model.attends). */
  attends = false;

  private constructor(private readonly spawn: () => WorkerPort, private readonly init: ToWorker, workers: number, readonly batchSize: number) {
    this.slots = Array.from({ length: workers }, () => ({ port: null as unknown as WorkerPort, state: 'starting' as const, task: null, id: -1 }));
  }

  /** Number of workers. */
  get workers(): number { return this.slots.length; }

  /** Workers ready, restarts, queued batches, and why the pool failed closed, if it did. */
  get status(): PoolStatus {
    return {
      workers: this.slots.length, ready: this.slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      restarts: this.restarted, queued: this.queue.length, closed: this.closed, failure: this.failure,
    };
  }

  /** @internal Starts `workers` workers made by `spawn`, each loading `source`; rejects with the first load error. */
  static async start(spawn: () => WorkerPort, source: ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions, cores: number): Promise<TranslationPool> {
    const o = checkOptionsObject(options, 'options') as PoolOptions;
    const { workers = cores, batchSize = o.maxBatchSize ?? 16 } = o;
    const limit = maxWorkers(cores);
    if (!Number.isInteger(workers) || workers < 1 || workers > limit) {
      throw new SeqattnError('E_OPTION', `workers is ${preview(workers)}, expected an integer in [1, ${limit}] (2 x the ${cores} logical cores, at least 4: more workers add memory, not speed)`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new SeqattnError('E_OPTION', `batchSize is ${preview(batchSize)}, expected an integer >= 1`);
    const load = postableOptions<LoadOptions>(o, 'options', ['workers', 'batchSize', 'wasmModule']);
    const build = load.wasmBuild ?? defaultBuild();
    const module = await compiledModule(build);
    const init: ToWorker = { type: 'init', module, source: sharedSource(asModelSource(source)), options: { ...load, wasmBuild: build } };
    const pool = new TranslationPool(spawn, init, workers, batchSize);
    try {
      await Promise.all(pool.slots.map((slot) => pool.launch(slot)));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * Translates `inputs` on the workers; results in input order, each equal to model.translate()
   * of its input. Errors as model.translateBatch's (`inputs[k]: ...` names the caller's index);
   * E_WORKER when a worker stopped while decoding one of this call's batches.
   */
  translateBatch(inputs: readonly SourceInput[], options: TranslateOptions = {}): Promise<Translation[]> {
    return this.submit(inputs, options, false);
  }

  /** Translates one input on a worker (a batch of one); errors as model.translate's. */
  async translate(input: SourceInput, options: TranslateOptions = {}): Promise<Translation> {
    return (await this.submit([input], options, true))[0];
  }

  /** Ends the workers; pending and later calls reject with E_DISPOSED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopAll(new SeqattnError('E_DISPOSED', 'the pool was closed'));
  }

  /**
   * @internal Fault injection (tests, examples/server's load test): stops worker `k` as a crash
   * would: its batch fails with E_WORKER and a replacement starts. False when worker `k` is not
   * running (still starting, or the pool closed).
   */
  killWorker(k: number): boolean {
    const slot = this.slots[k];
    if (!slot || (slot.state !== 'idle' && slot.state !== 'busy') || this.closed) return false;
    const port = slot.port;
    port.terminate();
    this.exited(slot, port, new Error('terminated'));
    return true;
  }

  /** Checks and sorts a call's inputs, queues its batches; one promise, settled once. */
  private submit(inputs: readonly SourceInput[], options: TranslateOptions, single: boolean): Promise<Translation[]> {
    let posted: SourceInput[], opts: TranslateOptions;
    try {
      if (this.closed) throw new SeqattnError('E_DISPOSED', 'the pool was closed');
      if (this.failure) throw this.failure;
      opts = postableOptions<TranslateOptions>(options, 'options');
      posted = single ? [postableInput(inputs[0])] : eachInput(inputs, postableInput);
    } catch (e) {
      return Promise.reject(e);
    }
    const lengths = posted.map(lengthOf);
    const order = posted.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
    const size = Math.max(1, Math.min(this.batchSize, Math.ceil(posted.length / this.workers)));
    return new Promise<Translation[]>((resolve, reject) => {
      const call: Call = { out: new Array<Translation>(posted.length), left: 0, settled: false, single, resolve, reject };
      // no inputs: one empty batch all the same, so a worker's model checks the options as model.translateBatch([], options) does
      for (let first = 0; first < Math.max(1, order.length); first += size) {
        const idx = order.slice(first, first + size);
        this.queue.push({ call, idx, inputs: idx.map((i) => posted[i]), options: opts });
        call.left++;
      }
      this.pump();
    });
  }

  /** Fails `call` (once) and drops its batches still queued; its running batches finish unread. */
  private fail(call: Call, e: Error): void {
    if (call.settled) return;
    call.settled = true;
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].call === call) this.queue.splice(i, 1);
    call.reject(e);
  }

  /** Gives queued batches to idle workers. */
  private pump(): void {
    for (const slot of this.slots) {
      if (this.closed || this.failure || !this.queue.length) return;
      if (slot.state !== 'idle') continue;
      const task = this.queue.shift()!, id = this.nextId++;
      try {
        slot.port.post({ type: 'translate', id, inputs: task.inputs, options: task.options });
      } catch (e) { // checked in submit(), so not expected; the worker got nothing and stays idle
        this.fail(task.call, new SeqattnError('E_INPUT_KIND', `a batch could not be sent to a worker: ${cut(e instanceof Error ? e.message : String(e), 120)}`));
        continue;
      }
      slot.state = 'busy';
      slot.task = task;
      slot.id = id;
    }
  }

  /** Starts a worker in `slot`: resolves once it has the model loaded, rejects (E_WORKER or the load error) if it does not get there. */
  private launch(slot: Slot): Promise<void> {
    const port = this.spawn();
    slot.port = port;
    slot.state = 'starting';
    slot.task = null;
    return new Promise<void>((resolve, reject) => {
      port.listen((m) => {
        if (slot.port !== port || slot.state === 'stopped') return;
        if (m.type === 'ready') {
          if (slot.state !== 'starting') return;
          this.config = m.config;
          this.attends = m.attends;
          slot.state = 'idle';
          resolve();
          this.pump();
        } else if (m.type === 'error' && m.id < 0) {
          slot.state = 'stopped';
          port.terminate();
          reject(rebuild(m));
        } else {
          this.settle(slot, m);
        }
      }, (e) => {
        if (slot.port !== port || slot.state === 'stopped') return;
        if (slot.state === 'starting') {
          slot.state = 'stopped';
          port.terminate();
          reject(stopped(e, 'a pool worker stopped while loading the model'));
        } else {
          this.exited(slot, port, e);
        }
      });
      try {
        port.post(this.init);
      } catch (e) {
        slot.state = 'stopped';
        port.terminate();
        reject(new SeqattnError('E_OPTION', `the model and load options could not be sent to a worker: ${cut(e instanceof Error ? e.message : String(e), 120)}`));
      }
    });
  }

  /** A batch came back from the worker in `slot`. */
  private settle(slot: Slot, m: Exclude<FromWorker, { type: 'ready' }>): void {
    const task = slot.task;
    if (!task || m.id !== slot.id) return;
    slot.state = 'idle';
    slot.task = null;
    const { call, idx } = task;
    if (m.type === 'result') {
      if (!call.settled) {
        m.results.forEach((t, k) => { call.out[idx[k]] = t; });
        if (--call.left === 0) { call.settled = true; call.resolve(call.out); }
      }
    } else {
      this.fail(call, rebuild(m, reindex(m.message, (k) => idx[k], call.single)));
    }
    this.pump();
  }

  /** The worker in `slot` stopped after it was ready: its call fails, a replacement starts. */
  private exited(slot: Slot, port: WorkerPort, e: Error): void {
    if (slot.port !== port || slot.state === 'stopped' || this.closed) return;
    const task = slot.task;
    slot.state = 'stopped';
    slot.task = null;
    port.terminate();
    if (task) this.fail(task.call, stopped(e, `a pool worker stopped while decoding ${task.call.single ? 'the input' : `inputs [${cut(task.idx.join(', '), 60)}]`} (a replacement is starting)`));
    this.replace(slot);
  }

  /** Starts a replacement in `slot`; after MAX_START_FAILURES in a row that do not start, the pool fails closed. */
  private replace(slot: Slot): void {
    if (this.closed || this.failure) return;
    this.restarted++;
    this.launch(slot).then(() => { this.startFailures = 0; }, (err: Error) => {
      if (this.closed || this.failure) return;
      if (++this.startFailures < MAX_START_FAILURES) { this.replace(slot); return; }
      this.failure = new SeqattnError('E_WORKER', `the pool failed closed: ${MAX_START_FAILURES} replacement workers in a row did not start (last: ${err.message})`);
      this.stopAll(this.failure);
    });
  }

  /** Ends every worker and fails every pending call with `e`. */
  private stopAll(e: SeqattnError): void {
    for (const slot of this.slots) {
      if (slot.port && slot.state !== 'stopped') slot.port.terminate();
      slot.state = 'stopped';
      if (slot.task) this.fail(slot.task.call, e);
      slot.task = null;
    }
    for (const t of this.queue.splice(0)) this.fail(t.call, e);
  }
}
