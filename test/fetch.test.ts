// URL sources (src/fetch.ts) in Node against a local server: progress, the size limit (from
// Content-Length, and while streaming without one), truncated downloads, integrity, HTTP errors;
// a bundled name given to the portable entry; the compiled Wasm module (src/wasm.ts) handed on.
// The Cache API is a browser's: test/browser.test.ts checks the cache in Chromium.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchModelBytes, loadModel, SeqattnError } from '../src/index.js';
import { compiledModule } from '../src/wasm.js';

const file = readFileSync(join(import.meta.dirname, 'fixtures', 'tutorial', 'model.safetensors'));
let server: Server;
let base = '';

test.before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/model') { res.writeHead(200, { 'content-length': file.length }); res.end(file); return; }
    if (path === '/chunked') { res.writeHead(200); res.write(file.subarray(0, 1000)); res.end(file.subarray(1000)); return; }
    if (path === '/short') { res.writeHead(200, { 'content-length': file.length }); res.end(file.subarray(0, 100)); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(() => { server.close(); });

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { assert.instance(e, SeqattnError); return `${(e as SeqattnError).code}: ${(e as Error).message}`; }
  return 'no error';
}

test('a URL source downloads with progress from 0 to Content-Length and loads', async () => {
  const seen: [number, number | undefined][] = [];
  const bytes = await fetchModelBytes(`${base}/model`, { onProgress: (l, t) => seen.push([l, t]) });
  assert.equal(Buffer.from(bytes), file);
  assert.equal(seen[0], [0, file.length]);
  assert.equal(seen.at(-1), [file.length, file.length]);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0]);
  const model = await loadModel(`${base}/model`, { cache: true }); // no Cache API in Node: downloads
  assert.ok(model.translate([2, 3, 1]).ids.length > 0);
  model.dispose();
});

test('without Content-Length: progress has no total, and the bytes are all there', async () => {
  const seen: (number | undefined)[] = [];
  const bytes = await fetchModelBytes(`${base}/chunked`, { onProgress: (_l, t) => seen.push(t) });
  assert.equal(Buffer.from(bytes), file);
  assert.ok(seen.every((t) => t === undefined));
});

test('maxDownloadBytes: refused from Content-Length before reading, and mid-stream without it', async () => {
  const read: number[] = [];
  assert.match(await code(fetchModelBytes(`${base}/model`, { maxDownloadBytes: 1000, onProgress: (l) => read.push(l) })),
    new RegExp(`^E_DOWNLOAD_SIZE: .*/model: Content-Length is ${file.length} bytes, more than maxDownloadBytes \\(1000\\)`));
  assert.equal(read, [], 'nothing read');
  assert.match(await code(fetchModelBytes(`${base}/chunked`, { maxDownloadBytes: 1500 })), /^E_DOWNLOAD_SIZE: .*more than maxDownloadBytes \(1500\) bytes sent/);
  assert.match(await code(fetchModelBytes(`${base}/model`, { maxDownloadBytes: 0 })), /^E_OPTION: maxDownloadBytes is 0/);
  // the exact size passes
  assert.is((await fetchModelBytes(`${base}/model`, { maxDownloadBytes: file.length })).length, file.length);
});

test('a download shorter than its Content-Length is E_FILE_TRUNCATED; HTTP errors are E_MODEL_NOT_FOUND', async () => {
  assert.match(await code(fetchModelBytes(`${base}/short`)), /^E_FILE_TRUNCATED: .*\/short: (received 100 bytes, but Content-Length said \d+|the download broke off after 100 of \d+ bytes)/);
  assert.match(await code(loadModel(`${base}/nothing.safetensors`)), /^E_MODEL_NOT_FOUND: .*nothing\.safetensors: HTTP 404 \(no file at that URL\)/);
  assert.match(await code(loadModel('http://127.0.0.1:1/model.safetensors')), /^E_MODEL_NOT_FOUND: .*fetch failed/);
});

test('integrity: the right sha256 passes, another is E_DOWNLOAD_INTEGRITY, a malformed one E_OPTION', async () => {
  const right = `sha256-${createHash('sha256').update(file).digest('base64')}`;
  assert.is((await fetchModelBytes(`${base}/model`, { integrity: right })).length, file.length);
  const wrong = `sha256-${createHash('sha256').update('x').digest('base64')}`;
  assert.match(await code(fetchModelBytes(`${base}/model`, { integrity: wrong })), new RegExp(`^E_DOWNLOAD_INTEGRITY: .*SHA-256 is ${right.replace(/[+/]/g, '\\$&')}, expected`));
  assert.match(await code(fetchModelBytes(`${base}/model`, { integrity: 'md5-abc' })), /^E_OPTION: integrity is "md5-abc"/);
});

test('the portable entry given a bundled name says how to load it in a browser instead of fetching', async () => {
  const msg = await code(loadModel('g2p-en'));
  assert.match(msg, /^E_MODEL_NOT_FOUND: "g2p-en" is a model bundled with the package/);
  assert.ok(msg.includes("loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url))"), msg);
});

test('compiledModule compiles once per build; a worker is given it with wasmModule (and must name its build)', async () => {
  const m = await compiledModule('simd128');
  assert.instance(m, WebAssembly.Module);
  assert.is(await compiledModule('simd128'), m, 'the same Module every time');
  const fixture = join(import.meta.dirname, 'fixtures', 'tutorial', 'model.safetensors');
  assert.match(await code(loadModel(readFileSync(fixture), { wasmModule: m })), /^E_OPTION: wasmModule needs to be a WebAssembly.Module given with the wasmBuild/);
  const model = await loadModel(readFileSync(fixture), { wasmModule: m, wasmBuild: 'simd128' });
  assert.is(model.wasmBuild, 'simd128');
  model.dispose();
});

test.run();
