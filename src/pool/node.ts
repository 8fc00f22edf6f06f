/**
 * createPool for Node: worker_threads running dist/pool-worker-node.js, the model from a bundled
 * name, a path, bytes or a ModelSource (as loadModel takes them).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelSource } from '../load.js';
import { TranslationPool, type FromWorker, type PoolOptions, type WorkerPort } from './pool.js';

/** The worker script beside the bundled entry (dist/), or, running from src/ (tests), the built one in dist/. */
function workerUrl(): URL {
  const beside = new URL('./pool-worker-node.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../../dist/pool-worker-node.js', import.meta.url);
}

/** A WorkerPort over a worker_threads Worker. */
export function nodeWorker(url: URL = workerUrl()): WorkerPort {
  const w = new Worker(url);
  return {
    post: (m) => w.postMessage(m),
    listen: (onMessage, onError) => {
      w.on('message', (m: FromWorker) => onMessage(m));
      w.on('error', onError);
      w.on('exit', (code) => { if (code !== 0) onError(new Error(`worker exited with code ${code}`)); });
    },
    terminate: () => { void w.terminate(); },
  };
}

/** createPool with a ModelSource already resolved from a name or path (src/node.ts does that). */
export function createNodePool(source: ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions = {}): Promise<TranslationPool> {
  return TranslationPool.start(() => nodeWorker(), source, options, availableParallelism());
}
