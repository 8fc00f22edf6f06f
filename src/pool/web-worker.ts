/** Entry of a browser pool worker (a module Web Worker): dist/pool-worker.js. */
import { serve } from './serve.js';
import type { ToWorker } from './pool.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: unknown): void };
serve((handler) => { scope.onmessage = (e) => handler(e.data); }, (m) => scope.postMessage(m));
