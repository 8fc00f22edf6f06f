// examples/server (imports 'seqattn', i.e. dist/, built by `npm run build`): starts on a free port,
// answers concurrent requests through its dynamic batcher with the translations the model gives
// directly, rejects bad requests with 4xx without failing the others of their batch, shuts down;
// under faults: a killed worker (503, /health 503 until replaced), a closed pool, 100 MB bodies (413),
// slow or silent clients (timeouts) and too many connections (refused).
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';

const serverModule: string = '../examples/server/server.mjs';

test('examples/server: concurrent requests batched, equal to model.translate; errors 4xx; closes', async () => {
  const { startServer } = await import(serverModule);
  const s = await startServer({ port: 0, workers: 2, maxBatch: 8, maxWaitMs: 50 });
  const batches: number[] = [];
  const translateBatch = s.pool.translateBatch.bind(s.pool);
  s.pool.translateBatch = (inputs: unknown[], o: unknown) => { batches.push(inputs.length); return translateBatch(inputs, o); };
  const model = await loadModel('g2p-en', { weights: 'int8' });
  const post = (body: unknown) => fetch(`${s.url}/translate`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  try {
    const words = ['attention', 'batch', 'server', 'request', 'latency', 'a', 'worker', 'pool', 'zebra', 'http', 'quantised', 'loop'];
    const bad = [[5, 999]];
    const responses = await Promise.all([...words.map((w) => post({ input: w })), post({ inputs: words.slice(0, 3) }), post({ input: bad[0] })]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    words.forEach((w, k) => {
      assert.is(responses[k].status, 200);
      const want = model.translate(w);
      assert.is(bodies[k].text, want.text, w);
      assert.equal(bodies[k].tokens, want.tokens, w);
      assert.ok(Math.abs(bodies[k].score - want.score) < 1e-4, `${w}: score ${bodies[k].score} vs ${want.score}`);
    });
    assert.equal(bodies[words.length].map((b: { text: string }) => b.text), words.slice(0, 3).map((w) => model.translate(w).text));
    assert.ok(batches.length < 8 && Math.max(...batches) <= 8, `16 inputs in batches of ${batches}`);
    assert.is(responses[words.length + 1].status, 400);
    assert.is(bodies[words.length + 1].error.code, 'E_TOKEN_ID');
    assert.is((await post('{not json')).status, 400);
    assert.is((await post({ input: 42 })).status, 400);
    assert.is((await fetch(`${s.url}/nope`)).status, 404);
    assert.equal(await (await fetch(`${s.url}/health`)).json(), { ok: true, workers: 2, ready: 2, restarts: 0 });
  } finally {
    model.dispose();
    await s.close();
  }
  let refused = false;
  try { await fetch(`${s.url}/health`); } catch { refused = true; }
  assert.ok(refused, 'the server stopped listening');
});

/** Opens a raw TCP connection to `url`; resolves with what the server sent and how long until it closed the connection. */
function raw(url: string, script: (s: Socket) => void, patienceMs = 10_000): Promise<{ data: string; closedAfterMs: number | null; error?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const t0 = performance.now();
    let data = '';
    const s = connect(Number(port), hostname, () => script(s));
    const give = setTimeout(() => { s.destroy(); resolve({ data, closedAfterMs: null }); }, patienceMs);
    s.on('data', (d) => { data += d; });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(give); resolve({ data, closedAfterMs: performance.now() - t0, error: e.code }); });
    s.on('close', () => { clearTimeout(give); resolve({ data, closedAfterMs: performance.now() - t0 }); });
  });
}

test('examples/server: a worker killed under a request: 503 E_WORKER, /health 503 while none is ready, then recovery; a closed pool: 503', async () => {
  const { startServer } = await import(serverModule);
  const s = await startServer({ port: 0, workers: 2, maxBatch: 16, maxWaitMs: 1 });
  const post = (body: unknown) => fetch(`${s.url}/translate`, { method: 'POST', body: JSON.stringify(body) });
  try {
    const words = Array.from({ length: 256 }, (_, i) => `word${'abcdefghij'[i % 10]}${'klmnopqrst'[(i * 7) % 10]}ing`);
    const translateBatch = s.pool.translateBatch.bind(s.pool);
    const posted = new Promise<void>((resolve) => { s.pool.translateBatch = (inputs: unknown[], o: unknown) => { const p = translateBatch(inputs, o); resolve(); return p; }; });
    const inFlight = post({ inputs: words });
    await posted; // a batch of the request is on a worker
    assert.ok(s.pool.killWorker(0) && s.pool.killWorker(1), 'both workers killed');
    const health = await fetch(`${s.url}/health`);
    const h = await health.json();
    assert.is(health.status, 503, `health while both workers restart: ${JSON.stringify(h)}`);
    assert.equal({ ok: h.ok, ready: h.ready, restarts: h.restarts }, { ok: false, ready: 0, restarts: 2 });
    const r = await inFlight;
    assert.is(r.status, 503, 'the request a killed worker was decoding');
    assert.is(r.headers.get('retry-after'), '1');
    assert.is((await r.json()).error.code, 'E_WORKER');
    let after = await (await fetch(`${s.url}/health`)).json();
    for (let i = 0; i < 200 && after.ready < 2; i++) { await new Promise((res) => setTimeout(res, 50)); after = await (await fetch(`${s.url}/health`)).json(); }
    assert.equal(after, { ok: true, workers: 2, ready: 2, restarts: 2 }, 'both replaced');
    const ok = await post({ input: 'attention' });
    assert.is(ok.status, 200);
    assert.is((await ok.json()).text, 'AH0 T EH1 N SH AH0 N');
    s.pool.close();
    const closed = await post({ input: 'attention' });
    assert.is(closed.status, 503);
    assert.is((await closed.json()).error.code, 'E_DISPOSED');
    const hc = await fetch(`${s.url}/health`);
    assert.is(hc.status, 503);
    assert.is((await hc.json()).error, 'the pool is closed');
  } finally {
    await s.close();
  }
});

test('examples/server: a 100 MB body gets a 413 the client reads, whether it reads while sending or only after; the server drops the rest', async () => {
  const { startServer } = await import(serverModule);
  const s = await startServer({ port: 0, workers: 1 });
  const total = 100 * 2 ** 20;
  try {
    // a client that writes the whole body before reading: a close with unread bytes (a reset) would lose the 413
    const first = await raw(s.url, (sock) => {
      sock.pause();
      sock.write(`POST /translate HTTP/1.1\r\nhost: x\r\ncontent-length: ${total}\r\n\r\n`);
      sock.write(Buffer.alloc(total, 97), () => sock.resume());
    }, 30_000);
    assert.match(first.data, /^HTTP\/1\.1 413 /, `declared length: ${first.data.slice(0, 40)}`);
    assert.is(first.error, undefined, 'the whole body was sent without a reset (EPIPE / ECONNRESET)');
    // chunked: no length announced, the limit found while reading
    const chunked = await raw(s.url, (sock) => {
      sock.pause();
      sock.write('POST /translate HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = Buffer.alloc(2 ** 20, 97);
      const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      for (let i = 0; i < 99; i++) sock.write(frame);
      sock.write(Buffer.concat([frame, Buffer.from('0\r\n\r\n')]), () => sock.resume());
    }, 30_000);
    assert.match(chunked.data, /^HTTP\/1\.1 413 /, `chunked: ${chunked.data.slice(0, 40)}`);
    assert.is(chunked.error, undefined, 'chunked: sent without a reset');
    const r = await fetch(`${s.url}/translate`, { method: 'POST', body: Buffer.alloc(total, 97) });
    assert.is(r.status, 413, 'fetch');
    assert.is((await r.json()).error.code, 'TOO_LARGE');
  } finally {
    await s.close();
  }
});

test('examples/server: slow headers, slow bodies, silent and idle connections are closed by the timeouts; connections are bounded', async () => {
  const { startServer } = await import(serverModule);
  const s = await startServer({ port: 0, workers: 1, headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, maxConnections: 4 });
  try {
    const drip = (sock: Socket, text: string, everyMs: number) => {
      let i = 0;
      const t = setInterval(() => { if (i < text.length && !sock.destroyed) sock.write(text[i++]); else clearInterval(t); }, everyMs);
      sock.on('close', () => clearInterval(t));
    };
    const [slowloris, slowBody, silent, idle] = await Promise.all([
      raw(s.url, (sock) => drip(sock, `POST /translate HTTP/1.1\r\nhost: x\r\nx-a: ${'a'.repeat(200)}\r\n\r\n`, 50)),
      raw(s.url, (sock) => { sock.write('POST /translate HTTP/1.1\r\nhost: x\r\ncontent-length: 200\r\n\r\n'); drip(sock, `{"input": "${'a'.repeat(180)}"}`, 50); }),
      raw(s.url, () => {}),
      raw(s.url, (sock) => sock.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n')),
    ]);
    for (const [what, r, within] of [['slowloris', slowloris, 400], ['slow body', slowBody, 800], ['silent', silent, 400], ['idle keep-alive', idle, 300]] as const) {
      assert.ok(r.closedAfterMs !== null && r.closedAfterMs < within + 1500, `${what}: closed after ${r.closedAfterMs?.toFixed(0)} ms (timeout ${within} ms)`);
    }
    assert.match(slowBody.data, /^HTTP\/1\.1 408 /, 'the slow body gets a 408');
    assert.match(slowloris.data, /^HTTP\/1\.1 408 /, 'slow headers get a 408');
    assert.match(idle.data, /^HTTP\/1\.1 200 /, 'the idle connection was answered first');
    // 4 connections held open: a 5th is closed at once, unanswered
    const held = await Promise.all(Array.from({ length: 4 }, () => new Promise<Socket>((resolve) => { const c = connect(Number(new URL(s.url).port), '127.0.0.1', () => resolve(c)); c.on('error', () => {}); })));
    await new Promise((r) => setTimeout(r, 50));
    const fifth = await raw(s.url, (sock) => sock.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n'), 2000);
    assert.ok(fifth.closedAfterMs !== null && fifth.data === '', `5th connection: closed after ${fifth.closedAfterMs} ms, got ${JSON.stringify(fifth.data.slice(0, 30))}`);
    held.forEach((c) => c.destroy());
    await new Promise((r) => setTimeout(r, 50));
    assert.is((await fetch(`${s.url}/health`)).status, 200, 'answers again once they are gone');
  } finally {
    await s.close();
  }
});

test('examples/server/load-test.mjs --kill-every-ms: under load with workers killed, every answer a 200 or a 503 E_WORKER, /health truthful, all workers back', () => {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'examples', 'server', 'load-test.mjs'), '--workers', '2', '--levels', '16', '--duration', '3', '--kill-every-ms', '300'],
    { encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `exit ${r.status}: ${r.stdout}${r.stderr}`);
  const row = r.stdout.split('\n').find((l) => l.startsWith('| 16 |'))!;
  assert.ok(row && !row.includes('FAILED'), r.stdout);
  const killed = Number(/workers killed in all: (\d+)/.exec(r.stdout)?.[1]);
  assert.ok(killed >= 3, `${killed} workers killed in 3 s`);
  assert.match(r.stdout, new RegExp(`/health restarts: ${killed}$`, 'm'));
});

test.run();
