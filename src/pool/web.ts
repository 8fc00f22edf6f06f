/**
 * createPool for browsers: module Web Workers running dist/pool-worker.js (next to dist/index.js;
 * bundlers that understand `new Worker(new URL(..., import.meta.url))` copy it; `workerUrl` names
 * another place). The compiled Wasm
 * module is posted to every worker; the model bytes are shared when the page is cross-origin
 * isolated (SharedArrayBuffer), else each worker receives a copy.
 * @example
 *   const pool = await createPool('/models/g2p-en.int8.safetensors', { workers: 4 });
 *   const results = await pool.translateBatch(words);
 *   pool.close();
 */
import { fetchModelBytes, type FetchOptions } from '../fetch.js';
import type { ModelSource } from '../load.js';
import { checkOptionsObject } from '../limits.js';
import { TranslationPool, withoutFetchOptions, type FromWorker, type PoolOptions, type WorkerPort } from './pool.js';


/** A WorkerPort over a module Web Worker: dist/pool-worker.js, or the script at `url`. */
function webWorker(url?: URL): WorkerPort {
  // written out literally so bundlers (Vite, webpack 5, Parcel) find the worker script and emit it
  const w = url ? new Worker(url, { type: 'module' }) : new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module' });
  // (not `new URL('./pool-worker.js', import.meta.url)` again: Vite would copy the script a second time)
  const where = url ? url.href : `${import.meta.url.replace(/[^/]*$/, '')}pool-worker.js`;
  return {
    post: (m) => w.postMessage(m),
    listen: (onMessage, onError) => {
      w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
      w.onerror = (e) => onError(new Error(e.message
        || `the pool's worker script ${where} did not start (not found, or not a module script): give createPool the URL where your build serves `
          + `the package entry seqattn/pool-worker as the workerUrl option${url ? '' : ' (esbuild and other bundlers that emit no worker script of their own)'}`));
    },
    terminate: () => w.terminate(),
  };
}

/** Where the browser pool's worker script is. */
export interface WebPoolOptions {
  /**
   * URL of the worker script, the package entry `seqattn/pool-worker` (dist/pool-worker.js) as your
   * build serves it. Default: pool-worker.js beside the module that calls createPool, which Vite and
   * webpack 5 emit on their own; esbuild needs the entry built beside the bundle, or this option.
   */
  workerUrl?: URL;
}

/**
 * Starts `options.workers` Web Workers (default navigator.hardwareConcurrency), each with the model
 * loaded from `source` (a URL, fetched once here, bytes, or a ModelSource).
 */
export async function createPool(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions & FetchOptions & WebPoolOptions = {}): Promise<TranslationPool> {
  let src: ModelSource | Uint8Array | ArrayBuffer;
  if (typeof source === 'string' || source instanceof URL) {
    src = { weights: { bytes: await fetchModelBytes(source, options), name: String(source) } };
  } else {
    src = source;
  }
  const { workerUrl, ...rest } = checkOptionsObject(options, 'options') as typeof options;
  return TranslationPool.start(() => webWorker(workerUrl), src, withoutFetchOptions(rest), globalThis.navigator?.hardwareConcurrency || 4);
}
