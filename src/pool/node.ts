/**
 * createPool for Node: worker_threads running dist/pool-worker-node.js, the model from a bundled
 * name, a path, bytes or a ModelSource (as loadModel takes them).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { ModelSource } from '../load.js';
import { TranslationPool, withoutFetchOptions, type FromWorker, type PoolOptions, type WorkerPort } from './pool.js';

/** The worker script beside the bundled entry (dist/), or, running from src/ (tests), the built one in dist/. */
function workerUrl(): URL {
  const beside = new URL('./pool-worker-node.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/pool-worker-node.js', import.meta.url);
}

/**
 * A WorkerPort over a worker_threads Worker. The worker has stopped at its 'exit' (any code: a
 * worker that ends on its own is as gone as one that crashed); an 'error' (uncaught exception,
 * ERR_WORKER_OUT_OF_MEMORY) comes first and gives the reason.
 */
export function nodeWorker(url: URL = workerUrl(), options?: WorkerOptions): WorkerPort {
  const w = new Worker(url, options);
  return {
    post: (m) => w.postMessage(m),
    listen: (onMessage, onExit) => {
      let reason: Error | null = null;
      w.on('message', (m: FromWorker) => onMessage(m));
      w.on('error', (e) => { reason ??= e; });
      w.on('exit', (code) => onExit(reason ?? new Error(`the worker thread exited with code ${code}`)));
    },
    terminate: () => { w.terminate().catch(() => {}); },
  };
}

/** createPool with a ModelSource already resolved from a name or path (src/node.ts does that); FetchOptions are left out. */
export function createNodePool(source: ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions = {}): Promise<TranslationPool> {
  return TranslationPool.start(() => nodeWorker(), source, withoutFetchOptions(options), availableParallelism());
}
