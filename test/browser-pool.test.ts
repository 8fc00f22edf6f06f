// createPool in a real browser (dist/index.js, module Web Workers running dist/pool-worker.js):
// headless Chromium, cross-origin isolated (model bytes in a SharedArrayBuffer) and not (each worker
// gets a copy); results in input order with the ids the in-page model gives. Chromium from test/browser/chromium.ts.
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');
const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html' };

/** Serves the repository; pages and files under /isolated/ come with COOP + COEP (crossOriginIsolated). */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const isolated = url.pathname.startsWith('/isolated/');
    const headers: Record<string, string> = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    const rel = isolated ? url.pathname.slice('/isolated'.length) : url.pathname;
    if (rel === '/') { res.writeHead(200, { ...headers, 'content-type': 'text/html' }); res.end('<!doctype html><title>pool</title>'); return; }
    const path = normalize(join(root, rel));
    if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { ...headers, 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('Chromium: createPool with 2 Web Workers gives the in-page model\'s ids in input order, with and without SharedArrayBuffer', async () => {
  const server = await serve();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { browser } = await launchChromium().catch((e) => { server.close(); throw e; }); // CHROMIUM_PATH, a system Chromium, or @sparticuz/chromium
  try {
    for (const prefix of ['/isolated', '']) {
      const page = await browser.newPage();
      await page.goto(`${base}${prefix}/`);
      const r = await page.evaluate(async (b) => {
        const { createPool, loadModel } = await import(`${b}/dist/index.js`);
        const url = `${b}/test/fixtures/bahdanau-maxout/model.safetensors`;
        const inputs = Array.from({ length: 23 }, (_, i) => Array.from({ length: 1 + (i * 5) % 11 }, (_, j) => 4 + (i + 3 * j) % 17));
        const pool = await createPool(url, { workers: 2 });
        const got = await pool.translateBatch(inputs);
        let error = '';
        try { await pool.translateBatch([[4], [4, 999]]); } catch (e) { error = `${(e as { code: string }).code} ${(e as Error).message}`; }
        pool.close();
        const model = await loadModel(url);
        return { isolated: globalThis.crossOriginIsolated, got: got.map((t: { ids: number[] }) => t.ids), want: model.translateBatch(inputs).map((t: { ids: number[] }) => t.ids), error };
      }, `${base}${prefix}`);
      assert.is(r.isolated, prefix === '/isolated', 'cross-origin isolation as served');
      assert.equal(r.got, r.want, `${prefix || 'not isolated'}: pool ids = model ids, in input order`);
      assert.match(r.error, /^E_TOKEN_ID inputs\[1\]/);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
