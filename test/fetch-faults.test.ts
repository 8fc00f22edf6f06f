// URL sources against a server that misbehaves (src/fetch.ts): no headers, a body that stalls, a
// body too slow for timeoutMs, an endless body, a Content-Length that lies (1 GiB announced, 1,000
// bytes sent; more bytes than announced), maxDownloadBytes 2^40; each a typed error, in bounded
// time and memory. And the cache (a Cache API stand-in, as a browser has): an HTML page answered
// with 200 is not cached; a cached entry that no longer loads is dropped and downloaded again.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchModelBytes, loadModel, readFeatures, readNpy, SeqattnError } from '../src/index.js';

const file = readFileSync(join(import.meta.dirname, 'fixtures', 'tutorial', 'model.safetensors'));
const HTML = Buffer.from('<!doctype html><html><body>Sign in to continue</body></html>');
let server: Server;
let base = '';
const sockets = new Set<Socket>();
/** What /swap answers: the HTML page first, the model once a test sets it. */
let swap: Buffer = HTML;
let requests = 0;

const head = (length?: number) => `HTTP/1.1 200 OK\r\n${length === undefined ? 'transfer-encoding: chunked\r\n' : `content-length: ${length}\r\n`}connection: close\r\n\r\n`;
const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);

function start(): Promise<void> {
  server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.once('data', (req) => {
      requests++;
      const path = /^GET (\S+)/.exec(req.toString('latin1'))?.[1] ?? '/';
      const timers: NodeJS.Timeout[] = [];
      s.on('close', () => timers.forEach(clearInterval));
      if (path === '/silent') return; // accepts, never answers
      if (path === '/stall') { s.write(head(file.length)); s.write(file.subarray(0, 100)); return; }
      if (path === '/slow') { // 10 bytes every 20 ms: never quiet for long, never done
        s.write(head(file.length));
        let at = 0;
        timers.push(setInterval(() => { if (at < file.length) s.write(file.subarray(at, at += 10)); }, 20));
        return;
      }
      if (path === '/endless') { // chunked, 64 KiB every tick, forever
        s.write(head());
        const piece = chunk(Buffer.alloc(65536, 7));
        timers.push(setInterval(() => { if (s.writableLength < 1 << 20) s.write(piece); }, 1));
        return;
      }
      if (path === '/lying') { s.end(Buffer.concat([Buffer.from(head(2 ** 30)), Buffer.alloc(1000, 1)])); return; }
      if (path === '/huge') { s.end(Buffer.concat([Buffer.from(head(2 ** 40)), Buffer.alloc(1000, 1)])); return; }
      if (path === '/longer') { s.end(Buffer.concat([Buffer.from(head(1000)), Buffer.alloc(5000, 1)])); return; }
      if (path === '/reset') { s.write(head(file.length)); s.write(file.subarray(0, 500)); s.resetAndDestroy(); return; }
      if (path === '/model') { s.end(Buffer.concat([Buffer.from(head(file.length)), file])); return; }
      if (path === '/html') { s.end(Buffer.concat([Buffer.from(head(HTML.length)), HTML])); return; }
      if (path === '/swap') { s.end(Buffer.concat([Buffer.from(head(swap.length)), swap])); return; }
      s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
  });
  return new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; resolve(); }));
}

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) {
    if (!(e instanceof SeqattnError)) throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return `${e.code}: ${e.message}`;
  }
  return 'no error';
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

test('the test server starts', async () => { await start(); assert.ok(base); });

test('no response headers: E_DOWNLOAD_TIMEOUT after stallTimeoutMs', async () => {
  const [msg, ms] = await timed(() => code(fetchModelBytes(`${base}/silent`, { stallTimeoutMs: 300 })));
  assert.match(msg, /^E_DOWNLOAD_TIMEOUT: .*\/silent: no response headers within stallTimeoutMs \(300 ms\)/);
  assert.ok(ms >= 290 && ms < 5000, `${ms} ms`);
});

test('a body that stops: E_DOWNLOAD_TIMEOUT naming the bytes received', async () => {
  const [msg, ms] = await timed(() => code(loadModel(`${base}/stall`, { stallTimeoutMs: 300 })));
  assert.match(msg, new RegExp(`^E_DOWNLOAD_TIMEOUT: .*/stall: the server sent nothing for stallTimeoutMs \\(300 ms\\) after 100 of ${file.length} bytes`));
  assert.ok(ms < 5000, `${ms} ms`);
});

test('a body that trickles: E_DOWNLOAD_TIMEOUT after timeoutMs, though never quiet for stallTimeoutMs', async () => {
  const [msg, ms] = await timed(() => code(fetchModelBytes(`${base}/slow`, { timeoutMs: 600, stallTimeoutMs: 300 })));
  assert.match(msg, /^E_DOWNLOAD_TIMEOUT: .*\/slow: the download took longer than timeoutMs \(600 ms\) after \d+ of \d+ bytes/);
  assert.ok(ms >= 590 && ms < 5000, `${ms} ms`);
});

test('the timeouts are options: defaults 10 min and 30 s, positive numbers or Infinity, else E_OPTION', async () => {
  for (const bad of [0, -1, NaN, '5', -Infinity]) {
    assert.match(await code(fetchModelBytes(`${base}/model`, { timeoutMs: bad as number })), /^E_OPTION: timeoutMs is .*expected a positive number of milliseconds/);
    assert.match(await code(fetchModelBytes(`${base}/model`, { stallTimeoutMs: bad as number })), /^E_OPTION: stallTimeoutMs is /);
  }
  assert.is((await fetchModelBytes(`${base}/model`, { timeoutMs: Infinity, stallTimeoutMs: Infinity })).length, file.length);
  // the caller's own signal still aborts the request
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  assert.match(await code(fetchModelBytes(`${base}/silent`, { requestInit: { signal: ac.signal } })), /^E_MODEL_NOT_FOUND: .*\/silent: fetch failed/);
});

test('an endless body: E_DOWNLOAD_SIZE at maxDownloadBytes, memory held growing with the bytes received', async () => {
  let peak = 0;
  const base0 = process.memoryUsage().arrayBuffers;
  const msg = await code(fetchModelBytes(`${base}/endless`, { maxDownloadBytes: 8 << 20, onProgress: () => { peak = Math.max(peak, process.memoryUsage().arrayBuffers - base0); } }));
  assert.match(msg, /^E_DOWNLOAD_SIZE: .*\/endless: more than maxDownloadBytes \(8388608\) bytes sent/);
  assert.ok(peak < 64 << 20, `held ${peak} bytes while receiving 8 MiB`);
});

test('Content-Length 1 GiB and 1,000 bytes sent: nothing allocated up front, E_FILE_TRUNCATED', async () => {
  let peak = 0;
  const base0 = process.memoryUsage().arrayBuffers;
  const msg = await code(fetchModelBytes(`${base}/lying`, { onProgress: () => { peak = Math.max(peak, process.memoryUsage().arrayBuffers - base0); } }));
  assert.match(msg, /^E_FILE_TRUNCATED: .*\/lying: (received 1000 bytes, but Content-Length said 1073741824|the download broke off after 1000 of 1073741824 bytes)/);
  assert.ok(peak < 64 << 20, `held ${peak} bytes for 1,000 received`);
});

test('maxDownloadBytes 2^40 with a matching Content-Length: a typed error, never a RangeError', async () => {
  const msg = await code(fetchModelBytes(`${base}/huge`, { maxDownloadBytes: 2 ** 40 }));
  assert.match(msg, /^E_FILE_TRUNCATED: .*\/huge: .*1000 .*1099511627776/);
  assert.match(await code(fetchModelBytes(`${base}/huge`)), /^E_DOWNLOAD_SIZE: .*Content-Length is 1099511627776 bytes, more than maxDownloadBytes \(1073741824\)/);
  assert.match(await code(fetchModelBytes(`${base}/model`, { maxDownloadBytes: 2 ** 60 })), /^E_OPTION: maxDownloadBytes is 1152921504606847000, expected a positive integer/);
});

test('more bytes than the Content-Length, a reset connection, an HTML page: typed errors', async () => {
  assert.match(await code(fetchModelBytes(`${base}/longer`)), /^E_(DOWNLOAD_SIZE|FILE_TRUNCATED|HEADER_LENGTH): /);
  assert.match(await code(fetchModelBytes(`${base}/reset`)), /^E_FILE_TRUNCATED: .*\/reset: the download broke off after \d+ of \d+ bytes/);
  assert.match(await code(loadModel(`${base}/html`)), /^E_HEADER_LENGTH: .*\/html: header length \d+ bytes runs past the end of the file/);
  assert.match(await code(fetchModelBytes(`${base}/html`)), /^E_HEADER_LENGTH: /);
});

test('options and arguments of the wrong kind: E_OPTION / E_ARGUMENT', async () => {
  assert.match(await code(loadModel(`${base}/model`, { integrity: {} as string })), /^E_OPTION: integrity is an object, expected a string 'sha256-'/);
  assert.match(await code(loadModel(`${base}/model`, null as unknown as object)), /^E_OPTION: load options must be an object, got null/);
  assert.match(await code(fetchModelBytes(`${base}/model`, 5 as unknown as object)), /^E_OPTION: fetch options must be an object, got number 5/);
  assert.match(await code(fetchModelBytes(`${base}/model`, { cache: 5 as unknown as boolean })), /^E_OPTION: cache is number 5/);
  assert.match(await code(fetchModelBytes(null as unknown as string)), /^E_ARGUMENT: a URL must be a string or a URL, got null/);
  assert.match(await code(fetchModelBytes('http://[::1')), /^E_ARGUMENT: http:\/\/\[::1 is not a URL/);
  assert.throws(() => readNpy(null as unknown as Uint8Array), (e: unknown) => e instanceof SeqattnError && e.code === 'E_ARGUMENT' && /readNpy: bytes must be a Uint8Array, got null/.test(e.message));
  assert.throws(() => readFeatures('abc' as unknown as Uint8Array, 'x'), (e: unknown) => e instanceof SeqattnError && e.code === 'E_ARGUMENT' && /readFeatures: bytes must be a Uint8Array, got the string "abc"/.test(e.message));
});

/** A Cache API stand-in (CacheStorage with open; Cache with match, put, delete), as a browser has. */
function fakeCaches(): { caches: CacheStorage; entries: Map<string, Response> } {
  const entries = new Map<string, Response>();
  const cache = {
    async match(key: string) { const r = entries.get(key); return r?.clone(); },
    async put(key: string, res: Response) { entries.set(key, res.clone()); },
    async delete(key: string) { return entries.delete(key); },
  };
  return { caches: { open: async () => cache } as unknown as CacheStorage, entries };
}

test('cache: an HTML page answered with 200 is not cached; the model, once it loads, is', async () => {
  const { caches, entries } = fakeCaches();
  const g = globalThis as { caches?: CacheStorage };
  g.caches = caches;
  try {
    swap = HTML;
    assert.match(await code(loadModel(`${base}/swap`, { cache: true })), /^E_HEADER_LENGTH: /);
    assert.is(entries.size, 0, 'the HTML is not cached');
    swap = file; // the server fixed: the next visit downloads and loads
    const model = await loadModel(`${base}/swap`, { cache: true });
    model.dispose();
    await new Promise((r) => setTimeout(r, 50)); // stored in the background
    assert.is(entries.size, 1, 'the model is cached');
    swap = HTML;
    const before = requests;
    (await loadModel(`${base}/swap`, { cache: true })).dispose();
    assert.is(requests, before, 'a hit makes no request');
  } finally {
    delete g.caches;
  }
});

test('cache: an entry that does not load (stored by an older version) is dropped and downloaded again', async () => {
  const { caches, entries } = fakeCaches();
  const g = globalThis as { caches?: CacheStorage };
  g.caches = caches;
  try {
    const key = `${base}/swap`;
    const { createHash } = await import('node:crypto');
    entries.set(key, new Response(HTML, { headers: { 'x-seqattn-sha256': createHash('sha256').update(HTML).digest('base64') } }));
    swap = file;
    const before = requests;
    (await loadModel(key, { cache: true })).dispose();
    assert.is(requests, before + 1, 'downloaded again');
    await new Promise((r) => setTimeout(r, 50));
    assert.is(Buffer.from(await entries.get(key)!.clone().arrayBuffer()).equals(file), true, 'the poisoned entry replaced by the model');
    // a caller error (a bad load option) keeps a good entry
    assert.match(await code(loadModel(key, { cache: true, maxBeamSize: 0 })), /^E_OPTION: maxBeamSize/);
    assert.is(entries.size, 1);
  } finally {
    delete g.caches;
  }
});

test('the test server stops', () => { for (const s of sockets) s.destroy(); server.close(); });

test.run();
