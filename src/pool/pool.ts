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
 *   3. close() ends the workers.
 *
 * Why not a pool library: workerpool (Node and browsers) runs tasks on whichever worker is free
 * and has no message that initialises every worker once (its per-worker setup only shapes the
 * Worker constructor's options, which for a Web Worker carry no data), so the Module and the
 * bytes would travel with tasks and each worker would load the model on its first one; it also
 * brings its own task protocol and Promise class into the browser bundle. piscina is Node-only;
 * threads.js has had no release since 2021. What is needed (init, a queue, result order) is the
 * ~150 lines below.
 */
import { SeqattnError, type SeqattnErrorCode } from '../errors.js';
import { asModelSource, type ModelSource, type WeightFileInput } from '../load.js';
import type { ModelConfig } from '../config.js';
import type { LoadOptions, SourceInput, TranslateOptions, Translation } from '../model.js';
import { compiledModule, defaultBuild } from '../wasm.js';

/** Options of createPool: the model's load options plus the pool's. */
export interface PoolOptions extends LoadOptions {
  /** Workers (threads); default: the machine's logical cores. */
  workers?: number;
  /** Most inputs in one batch a worker decodes; default maxBatchSize (16). */
  batchSize?: number;
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
  /** Calls `onMessage` with every message, `onError` if the worker dies. */
  listen(onMessage: (m: FromWorker) => void, onError: (e: Error) => void): void;
  terminate(): void;
}

interface Task { inputs: SourceInput[]; options: TranslateOptions; resolve: (r: Translation[]) => void; reject: (e: Error) => void }

/** Length of an input for sorting: characters, ids, or annotation vectors. */
function lengthOf(x: SourceInput): number {
  if (typeof x === 'string') return x.length;
  if ('features' in (x as object)) { const f = x as { features: ArrayLike<number>; length?: number }; return f.length ?? f.features.length; }
  return (x as ArrayLike<number>).length;
}

/** The error a worker reported, as a SeqattnError when it was one; `map` renames `inputs[k]` of the batch to the caller's index. */
function rebuild(m: { code?: SeqattnErrorCode; message: string }, map?: (k: number) => number): Error {
  const message = map ? m.message.replace(/^inputs\[(\d+)\]/, (_, k) => `inputs[${map(+k)}]`) : m.message;
  return m.code ? new SeqattnError(m.code, message) : new Error(message);
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

/**
 * Workers each with the model loaded. Make one with createPool (seqattn in Node, seqattn's pool
 * module in browsers).
 */
export class TranslationPool {
  private readonly idle: WorkerPort[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<number, { port: WorkerPort; task: Task }>();
  private nextId = 0;
  private closed = false;
  private failure: Error | null = null;
  /** The model's config (as model.config). */
  config!: ModelConfig;
  /** Whether the model has attention to draw (as model.attends). */
  attends = false;

  private constructor(private readonly ports: WorkerPort[], readonly batchSize: number) {}

  /** Number of workers. */
  get workers(): number { return this.ports.length; }

  /** @internal Starts `workers` workers made by `spawn`, each loading `source`; rejects with the first load error. */
  static async start(spawn: () => WorkerPort, source: ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions, cores: number): Promise<TranslationPool> {
    const { workers = cores, batchSize = options.maxBatchSize ?? 16, ...load } = options;
    if (!Number.isInteger(workers) || workers < 1) throw new SeqattnError('E_OPTION', `workers is ${workers}, expected an integer >= 1`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new SeqattnError('E_OPTION', `batchSize is ${batchSize}, expected an integer >= 1`);
    const build = load.wasmBuild ?? defaultBuild();
    const module = await compiledModule(build);
    const init: ToWorker = { type: 'init', module, source: sharedSource(asModelSource(source)), options: { ...load, wasmBuild: build } };
    const ports = Array.from({ length: workers }, spawn);
    const pool = new TranslationPool(ports, batchSize);
    try {
      await Promise.all(ports.map((port) => new Promise<void>((resolve, reject) => {
        port.listen((m) => {
          if (m.type === 'ready') { pool.config = m.config; pool.attends = m.attends; pool.idle.push(port); resolve(); pool.pump(); } else if (m.type === 'error' && m.id < 0) reject(rebuild(m)); else pool.settle(port, m);
        }, (e) => { reject(e); pool.fail(e); });
        port.post(init);
      })));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /**
   * Translates `inputs` on the workers; results in input order, each equal to model.translate()
   * of its input. Errors as model.translateBatch's (`inputs[k]: ...` names the caller's index).
   */
  async translateBatch(inputs: readonly SourceInput[], options: TranslateOptions = {}): Promise<Translation[]> {
    if (this.closed) throw new SeqattnError('E_DISPOSED', 'the pool was closed');
    if (this.failure) throw this.failure;
    const order = inputs.map((_, i) => i).sort((a, b) => lengthOf(inputs[a]) - lengthOf(inputs[b]) || a - b);
    const size = Math.max(1, Math.min(this.batchSize, Math.ceil(inputs.length / this.workers)));
    const out = new Array<Translation>(inputs.length);
    const batches: Promise<void>[] = [];
    for (let first = 0; first < order.length; first += size) {
      const idx = order.slice(first, first + size);
      batches.push(new Promise<Translation[]>((resolve, reject) => {
        this.queue.push({ inputs: idx.map((i) => inputs[i]), options, resolve, reject: (e) => reject(e instanceof SeqattnError ? rebuild(e, (k) => idx[k]) : e) });
      }).then((r) => { r.forEach((t, k) => { out[idx[k]] = t; }); }));
    }
    this.pump();
    await Promise.all(batches);
    return out;
  }

  /** Translates one input on a worker (a batch of one). */
  async translate(input: SourceInput, options: TranslateOptions = {}): Promise<Translation> {
    return (await this.translateBatch([input], options))[0];
  }

  /** Ends the workers; pending and later calls reject with E_DISPOSED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const port of this.ports) port.terminate();
    const gone = new SeqattnError('E_DISPOSED', 'the pool was closed');
    for (const t of this.queue.splice(0)) t.reject(gone);
    for (const { task } of this.running.values()) task.reject(gone);
    this.running.clear();
  }

  private pump(): void {
    while (this.idle.length && this.queue.length && !this.closed) {
      const port = this.idle.pop()!, task = this.queue.shift()!, id = this.nextId++;
      this.running.set(id, { port, task });
      port.post({ type: 'translate', id, inputs: task.inputs, options: task.options });
    }
  }

  private settle(port: WorkerPort, m: FromWorker): void {
    if (m.type === 'ready') return;
    const run = this.running.get(m.id);
    if (!run) return;
    this.running.delete(m.id);
    this.idle.push(port);
    if (m.type === 'result') run.task.resolve(m.results);
    else run.task.reject(rebuild(m));
    this.pump();
  }

  /** A worker died (not a model error: those come as messages): every call fails from now on. */
  private fail(e: Error): void {
    if (this.closed) return;
    this.failure = new SeqattnError('E_WASM', `a pool worker stopped: ${e.message}`);
    for (const t of this.queue.splice(0)) t.reject(this.failure);
    for (const { task } of this.running.values()) task.reject(this.failure);
    this.running.clear();
  }
}
