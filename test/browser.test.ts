// The portable bundle (dist/index.js, Wasm inlined) in a real browser: headless Chromium loads it
// from a localhost server, fetches a model by URL, and gives the same translation as Node.
// Needs Debian's chromium (/usr/bin/chromium, installed by .ci/run) and playwright-core.
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';

const root = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.safetensors': 'application/octet-stream' };

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>seqattn</title>');
      return;
    }
    const path = normalize(join(root, url.pathname));
    if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('Chromium imports dist/index.js, loads a model by URL and translates as Node does', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const server = await serve();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const inBrowser = await page.evaluate(async (b) => {
      const { loadModel } = await import(`${b}/dist/index.js`);
      const model = await loadModel(`${b}/test/fixtures/bahdanau-maxout/model.safetensors`);
      const r = model.translate('hello', { beamSize: 3 });
      return { ids: r.ids, score: r.score, attention: r.attention.map((row: Float32Array) => Array.from(row)), build: model.wasmBuild,
        hasNode: typeof (globalThis as any).process !== 'undefined' };
    }, base);
    assert.is(inBrowser.hasNode, false, 'this ran in a browser, not in Node');
    const model = await loadModel(join(root, 'test/fixtures/bahdanau-maxout'));
    const r = model.translate('hello', { beamSize: 3 });
    assert.equal(inBrowser.ids, r.ids);
    assert.ok(Math.abs(inBrowser.score - r.score) < 1e-6);
    // Chromium has relaxed SIMD, Node 20 not (src/wasm.ts): the same build gives the same bits; the
    // other build differs only by fused multiply-add rounding
    const here = r.attention.map((row) => Array.from(row));
    console.log(`      Chromium ran the ${inBrowser.build} build, Node the ${model.wasmBuild} build`);
    if (inBrowser.build === model.wasmBuild) assert.equal(inBrowser.attention, here);
    else {
      assert.is(inBrowser.attention.length, here.length);
      const diff = Math.max(...inBrowser.attention.flatMap((row: number[], i: number) => row.map((a, j) => Math.abs(a - here[i][j]))));
      assert.ok(diff <= 1e-6, `attention differs by ${diff} between the ${inBrowser.build} and ${model.wasmBuild} builds`);
    }
    model.dispose();
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
