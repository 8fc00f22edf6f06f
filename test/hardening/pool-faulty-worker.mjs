// A pool worker (dist/pool-worker-node.js) that fails on cue, for test/hardening/pool.test.ts and the
// pool fuzz target: a batch holding the string '\u0000crash' throws an uncaught exception in the
// worker thread, '\u0000oom' allocates until the thread's heap limit (Worker resourceLimits) ends it,
// '\u0000exit' calls process.exit(0) (a worker that ends on its own). Otherwise it is the real worker.
import { parentPort } from 'node:worker_threads';

function cue(m) {
  if (m.type !== 'translate') return;
  if (m.inputs.includes('\u0000crash')) throw new Error('crash on cue');
  if (m.inputs.includes('\u0000exit')) process.exit(0);
  if (m.inputs.includes('\u0000oom')) { const hog = []; for (;;) hog.push(new Array(1e5).fill(hog.length)); }
}

// the real worker's listener sees each message after cue(); no listener before it is attached, so no message is lost
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, handler) => on(event, event === 'message' ? (m) => { cue(m); handler(m); } : handler);
await import('../../dist/pool-worker-node.js');
