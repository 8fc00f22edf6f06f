/** Entry of a Node pool worker (worker_threads): dist/pool-worker-node.js. */
import { parentPort } from 'node:worker_threads';
import { serve } from './serve.js';
import type { ToWorker } from './pool.js';

serve((handler) => parentPort!.on('message', (m: ToWorker) => handler(m)), (m) => parentPort!.postMessage(m));
