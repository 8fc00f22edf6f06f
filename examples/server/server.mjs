// An HTTP service over a seqattn worker pool that batches concurrent requests dynamically
// (Batcher): requests that arrive while the workers are busy, or within `maxWaitMs` of each other,
// go out together, up to `maxBatch`. Batches run on the pool's workers (one per core by default).
//
//   node examples/server/server.mjs [--port 8080] [--model g2p-en] [--workers N] [--weights int8]
//                                   [--max-batch 16] [--max-wait-ms 1] [--max-connections 1024]
//                                   [--max-queued 4096] [--faults]
//   curl -s localhost:8080/translate -d '{"input": "attention"}'
//     {"text":"AH0 T EH1 N SH AH0 N","tokens":[...],"score":-0.12,"finished":true}
//   curl -s localhost:8080/translate -d '{"inputs": ["attention", "pool"]}'   -> an array, in order
//   GET /health -> 200 {"ok":true,"workers":2,"ready":2,"restarts":0} while a worker has the model
//                  loaded; 503 {"ok":false,...} while none has (all being replaced) or after the pool
//                  failed closed (its replacements could not start; "error" says why)
//   GET /stats  -> {"cpuSeconds": ...} (this process, workers included)
//   POST /fault/kill-worker -> ends a pool worker as a crash would (only with --faults: the load test)
//
// Errors, as {"error": {"code", "message"}}: 400 for bad JSON or an input the model rejects (the
// other requests of its batch are decoded again without it); 503 (Retry-After: 1) when a worker
// stopped while decoding the request (E_WORKER: it is being replaced), the pool is closed or failed,
// or more than --max-queued inputs wait; 413 for a body over 64 KB, sent as soon as the length is
// known and read by the client before the connection closes (the rest of the body is read and
// dropped for up to 2 s: closing with unread bytes is a TCP reset, which discards the 413); 408 for
// a request whose headers take over 10 s or that takes over 30 s in all (slowloris, slow bodies);
// 404/405 otherwise. Idle keep-alive connections close after 5 s; at most --max-connections are
// open (more are refused at accept). Node's `http` only: no framework needed for three routes.
import { createServer } from 'node:http';
import { createPool, SeqattnError } from 'seqattn';

const MAX_BODY = 64 * 1024;
/** After a 413: how long, and how many bytes, the rest of the body is read and dropped before the connection closes. */
const LINGER_MS = 2000;
const LINGER_BYTES = 128 * 2 ** 20;
/** Pool failures a client should retry (503), as opposed to a bad request (400). */
const UNAVAILABLE = new Set(['E_WORKER', 'E_DISPOSED']);

/**
 * Dynamic batching: requests queue here; a batch of up to `maxBatch` leaves when a slot is free
 * (at most `slots` batches decode at once, one per worker), after waiting up to `maxWaitMs` for
 * the batch to fill. While every slot is busy, arriving requests collect into the next batch, so
 * batches grow with the load and a lone request waits at most `maxWaitMs`.
 */
export class Batcher {
  constructor(pool, { maxBatch = 16, maxWaitMs = 1, slots = pool.workers, maxQueued = 4096 } = {}) {
    this.pool = pool;
    this.maxQueued = maxQueued;
    this.maxBatch = maxBatch;
    this.maxWaitMs = maxWaitMs;
    this.slots = slots;
    this.running = 0;
    this.due = false; // the wait for a fuller batch is over
    this.waiting = []; // { input, resolve, reject }
    this.timer = null;
  }

  /** The translation of one input, decoded with whatever else arrives meanwhile; BUSY when `maxQueued` inputs wait. */
  translate(input) {
    if (this.waiting.length >= this.maxQueued) return Promise.reject(Object.assign(new Error(`${this.maxQueued} inputs are waiting`), { code: 'BUSY' }));
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  schedule() {
    while (this.waiting.length && this.running < this.slots) {
      if (this.waiting.length < this.maxBatch && this.maxWaitMs > 0 && !this.due) {
        this.timer ??= setTimeout(() => { this.timer = null; this.due = true; this.schedule(); }, this.maxWaitMs);
        return;
      }
      clearTimeout(this.timer);
      this.timer = null;
      this.due = false;
      this.running++;
      this.run(this.waiting.splice(0, this.maxBatch)).finally(() => { this.running--; this.schedule(); });
    }
  }

  async run(batch) {
    try {
      const results = await this.pool.translateBatch(batch.map((r) => r.input));
      batch.forEach((r, k) => r.resolve(results[k]));
    } catch (e) {
      // One input was rejected (its index is in the message): fail it, decode the rest again.
      const k = e instanceof SeqattnError ? Number(/^inputs\[(\d+)\]/.exec(e.message)?.[1]) : NaN;
      if (!Number.isInteger(k)) { batch.forEach((r) => r.reject(e)); return; }
      batch[k].reject(new SeqattnError(e.code, e.message.replace(/^inputs\[\d+\]: /, '')));
      const rest = batch.filter((_, i) => i !== k);
      if (rest.length) await this.run(rest);
    }
  }
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const view = (t) => ({ text: t.text, tokens: t.tokens, score: t.score, finished: t.finished });
const isInput = (x) => typeof x === 'string' || (Array.isArray(x) && x.every(Number.isInteger));

/** 413, then the rest of the body read and dropped (at most LINGER_MS / LINGER_BYTES) so the client reads the 413 before the close. */
function tooLarge(req, res) {
  send(res, 413, { error: { code: 'TOO_LARGE', message: `body over ${MAX_BODY} bytes` } });
  const socket = req.socket;
  let dropped = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(timer));
  req.removeAllListeners('data');
  req.on('data', (c) => { dropped += c.length; if (dropped > LINGER_BYTES) socket.destroy(); });
  req.on('end', () => socket.end());
}

/** GET /health: 200 while a worker has the model loaded and the pool has not failed, else 503; the pool's numbers either way. */
function health(pool) {
  const s = pool.status;
  const ok = !s.closed && !s.failure && s.ready > 0;
  const body = { ok, workers: s.workers, ready: s.ready, restarts: s.restarts };
  if (!ok) body.error = s.failure?.message ?? (s.closed ? 'the pool is closed' : 'no worker has the model loaded (being replaced)');
  return [ok ? 200 : 503, body];
}

/**
 * Starts the service on `port` (0: any free port) over a new pool; resolves to
 * { url, pool, server, close() } once it listens.
 */
export async function startServer({ model = 'g2p-en', port = 8080, host = '127.0.0.1', workers, weights = 'int8', maxBatch = 16, maxWaitMs = 1,
  maxConnections = 1024, maxQueued = 4096, headersTimeoutMs = 10_000, requestTimeoutMs = 30_000, keepAliveTimeoutMs = 5_000, faults = false } = {}) {
  const pool = await createPool(model, { workers, weights });
  const batcher = new Batcher(pool, { maxBatch, maxWaitMs, maxQueued });
  const server = createServer({
    headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, keepAliveTimeout: keepAliveTimeoutMs,
    // how often Node checks the two timeouts above (default 30 s, which let slow requests live 30 s past them)
    connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeoutMs / 4)),
  }, (req, res) => {
    if (req.url === '/health') return send(res, ...health(pool));
    if (req.url === '/stats') { const c = process.cpuUsage(); return send(res, 200, { cpuSeconds: (c.user + c.system) / 1e6 }); } // whole process, workers included
    if (faults && req.url === '/fault/kill-worker' && req.method === 'POST') {
      const k = Math.floor(Math.random() * pool.workers);
      return send(res, 200, { killed: pool.killWorker(k) ? k : null }); // null: that worker was still starting
    }
    if (req.url !== '/translate') return send(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.url}` } });
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'METHOD', message: 'POST a JSON body' } });
    if (Number(req.headers['content-length']) > MAX_BODY) return tooLarge(req, res);
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { tooLarge(req, res); return; }
      chunks.push(c);
    });
    req.on('end', async () => {
      if (size > MAX_BODY) return;
      let body;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return send(res, 400, { error: { code: 'BAD_JSON', message: 'the body is not JSON' } }); }
      const many = Array.isArray(body?.inputs);
      const inputs = many ? body.inputs : [body?.input];
      if (!inputs.every(isInput) || inputs.length > 256) {
        return send(res, 400, { error: { code: 'BAD_INPUT', message: 'expected {"input": string | ids} or {"inputs": [...]} (at most 256)' } });
      }
      try {
        const results = await Promise.all(inputs.map((x) => batcher.translate(x)));
        send(res, 200, many ? results.map(view) : view(results[0]));
      } catch (e) {
        if (e?.code === 'BUSY' || UNAVAILABLE.has(e?.code)) send(res, 503, { error: { code: e.code, message: e.message } }, { 'retry-after': '1' });
        else if (e instanceof SeqattnError) send(res, 400, { error: { code: e.code, message: e.message } });
        else send(res, 500, { error: { code: 'INTERNAL', message: String(e?.message ?? e) } });
      }
    });
  });
  server.maxConnections = maxConnections;
  await new Promise((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    pool,
    server,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => { pool.close(); resolve(); }); }),
  };
}

// Run directly: parse flags, start, print the URL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const flags = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
  const num = (k) => (flags[k] === undefined ? undefined : Number(flags[k]));
  const s = await startServer({
    model: flags.model, port: num('port') ?? 8080, workers: num('workers'), weights: flags.weights,
    maxBatch: num('max-batch'), maxWaitMs: num('max-wait-ms'), maxConnections: num('max-connections'), maxQueued: num('max-queued'),
    faults: process.argv.includes('--faults'),
  });
  console.log(`seqattn server on ${s.url} (${s.pool.workers} workers)`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
