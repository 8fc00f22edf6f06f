// An HTTP service over a seqattn worker pool that batches concurrent requests dynamically
// (Batcher): requests that arrive while the workers are busy, or within `maxWaitMs` of each other,
// go out together, up to `maxBatch`. Batches run on the pool's workers (one per core by default).
//
//   node examples/server/server.mjs [--port 8080] [--model g2p-en] [--workers N] [--weights int8]
//                                   [--max-batch 16] [--max-wait-ms 1]
//   curl -s localhost:8080/translate -d '{"input": "attention"}'
//     {"text":"AH0 T EH1 N SH AH0 N","tokens":[...],"score":-0.12,"finished":true}
//   curl -s localhost:8080/translate -d '{"inputs": ["attention", "pool"]}'   -> an array, in order
//   GET /health -> {"ok":true,"workers":2};  GET /stats -> {"cpuSeconds": ...} (this process, workers included)
//
// Errors: 400 with {"error": {"code", "message"}} for bad JSON or an input the model rejects (the
// other requests of its batch are decoded again without it), 413 for a body over 64 KB, 404/405
// otherwise. Node's `http` only: no framework needed for two routes.
import { createServer } from 'node:http';
import { createPool, SeqattnError } from 'seqattn';

const MAX_BODY = 64 * 1024;

/**
 * Dynamic batching: requests queue here; a batch of up to `maxBatch` leaves when a slot is free
 * (at most `slots` batches decode at once, one per worker), after waiting up to `maxWaitMs` for
 * the batch to fill. While every slot is busy, arriving requests collect into the next batch, so
 * batches grow with the load and a lone request waits at most `maxWaitMs`.
 */
export class Batcher {
  constructor(pool, { maxBatch = 16, maxWaitMs = 1, slots = pool.workers } = {}) {
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.maxWaitMs = maxWaitMs;
    this.slots = slots;
    this.running = 0;
    this.due = false; // the wait for a fuller batch is over
    this.waiting = []; // { input, resolve, reject }
    this.timer = null;
  }

  /** The translation of one input, decoded with whatever else arrives meanwhile. */
  translate(input) {
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

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const view = (t) => ({ text: t.text, tokens: t.tokens, score: t.score, finished: t.finished });
const isInput = (x) => typeof x === 'string' || (Array.isArray(x) && x.every(Number.isInteger));

/**
 * Starts the service on `port` (0: any free port) over a new pool; resolves to
 * { url, pool, close() } once it listens.
 */
export async function startServer({ model = 'g2p-en', port = 8080, host = '127.0.0.1', workers, weights = 'int8', maxBatch = 16, maxWaitMs = 1 } = {}) {
  const pool = await createPool(model, { workers, weights });
  const batcher = new Batcher(pool, { maxBatch, maxWaitMs });
  const server = createServer((req, res) => {
    if (req.url === '/health') return send(res, 200, { ok: true, workers: pool.workers });
    if (req.url === '/stats') { const c = process.cpuUsage(); return send(res, 200, { cpuSeconds: (c.user + c.system) / 1e6 }); } // whole process, workers included
    if (req.url !== '/translate') return send(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.url}` } });
    if (req.method !== 'POST') return send(res, 405, { error: { code: 'METHOD', message: 'POST a JSON body' } });
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { send(res, 413, { error: { code: 'TOO_LARGE', message: `body over ${MAX_BODY} bytes` } }); req.destroy(); return; }
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
        if (e instanceof SeqattnError) send(res, 400, { error: { code: e.code, message: e.message } });
        else send(res, 500, { error: { code: 'INTERNAL', message: String(e?.message ?? e) } });
      }
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    pool,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => { pool.close(); resolve(); }); }),
  };
}

// Run directly: parse flags, start, print the URL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const flags = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
  const num = (k) => (flags[k] === undefined ? undefined : Number(flags[k]));
  const s = await startServer({
    model: flags.model, port: num('port') ?? 8080, workers: num('workers'), weights: flags.weights,
    maxBatch: num('max-batch'), maxWaitMs: num('max-wait-ms'),
  });
  console.log(`seqattn server on ${s.url} (${s.pool.workers} workers)`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
