// The portable bundle (dist/index.js, Wasm inlined) in a real browser: headless Chromium (found
// by test/browser/chromium.ts: CHROMIUM_PATH, a system Chromium, or @sparticuz/chromium) loads it
// from a localhost server, fetches models by URL, and gives the same translation as Node. URL
// sources: progress, the Cache API (a second load sends no request), the size limit, a bundled
// name's error; the compiled Wasm module handed to a Web Worker.
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveStatic } from '../demo/serve.mjs';
import { loadModel } from '../src/node.js';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');
const MODEL = '/test/fixtures/bahdanau-maxout/model.safetensors';
let server: Server;
let browser: Browser;
let base = '';
const requests: string[] = [];

// a test, not test.before: uvu 0.5 ignores an error thrown there, so a browser that does not start would skip the suite
test('setup: the test server and Chromium start (test/browser/chromium.ts)', async () => {
  server = await serveStatic({ '/': root }, 0, (path) => requests.push(path));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const launched = await launchChromium();
  browser = launched.browser;
  console.log(`      Chromium: ${launched.source}`);
});
test.after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page (new context: empty Cache API) at an empty document of the test server. */
async function freshPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript('globalThis.__name = (f) => f'); // tsx's keepNames helper, used by the functions evaluated below
  await page.goto(`${base}/test/fixtures/`).catch(() => {}); // any same-origin page; 404 is fine
  return page;
}

test('Chromium imports dist/index.js, loads a model by URL and translates as Node does, bit for bit on the same Wasm build', async () => {
  const page = await freshPage();
  const inBrowser = await page.evaluate(async ([b, m]) => {
    const { loadModel } = await import(`${b}/dist/index.js`);
    const runs = [];
    for (const wasmBuild of [undefined, 'simd128']) {
      const model = await loadModel(`${b}${m}`, { wasmBuild });
      const r = model.translate('hello', { beamSize: 3 });
      runs.push({ ids: r.ids, score: r.score, attention: r.attention.map((row: Float32Array) => Array.from(row)), build: model.wasmBuild });
      model.dispose();
    }
    return { runs, hasNode: typeof (globalThis as any).process !== 'undefined' };
  }, [base, MODEL]);
  assert.is(inBrowser.hasNode, false, 'this ran in a browser, not in Node');
  assert.is(inBrowser.runs[0].build, 'relaxed-simd', 'Chromium >= 114 runs the relaxed-SIMD build by default');
  let compared = 0;
  for (const run of inBrowser.runs) {
    // Node 20 has relaxed SIMD only behind a flag: compare each build Node can run
    const model = await loadModel(join(root, 'test/fixtures/bahdanau-maxout'), { wasmBuild: run.build as 'simd128' }).catch(() => undefined);
    if (!model) continue;
    const r = model.translate('hello', { beamSize: 3 });
    assert.equal(run.ids, r.ids);
    assert.is(run.score, r.score, `${run.build}: the same bits`);
    assert.equal(run.attention, r.attention.map((row) => Array.from(row)), `${run.build}: the same attention bits`);
    model.dispose();
    compared++;
  }
  assert.ok(compared >= 1);
  await page.context().close();
});

// In the page: the stored entries (Cache API, else the IndexedDB database), as { url: bytes }, and a
// way to flip the last byte of one (corruption), for the cache tests below.
const STORE_HELPERS = `
  globalThis.__name = (f) => f;
  globalThis.storeEntries = async () => {
    if (globalThis.caches) {
      const cache = await caches.open('seqattn-models');
      const out = {};
      for (const k of await cache.keys()) out[k.url] = new Uint8Array(await (await cache.match(k)).arrayBuffer());
      return out;
    }
    const db = await new Promise((ok, no) => { const r = indexedDB.open('seqattn-models'); r.onsuccess = () => ok(r.result); r.onerror = no; });
    if (!db.objectStoreNames.contains('files')) return {};
    const files = db.transaction('files').objectStore('files');
    const [keys, values] = await Promise.all([files.getAllKeys(), files.getAll()].map((r) => new Promise((ok) => { r.onsuccess = () => ok(r.result); })));
    return Object.fromEntries(keys.map((k, i) => [k, values[i].bytes]));
  };
  globalThis.corrupt = async (url) => {
    if (globalThis.caches) {
      const cache = await caches.open('seqattn-models');
      const hit = await cache.match(url);
      const bytes = new Uint8Array(await hit.arrayBuffer());
      bytes[bytes.length - 1] ^= 1;
      return cache.put(url, new Response(bytes, { headers: hit.headers }));
    }
    const db = await new Promise((ok) => { const r = indexedDB.open('seqattn-models'); r.onsuccess = () => ok(r.result); });
    const files = db.transaction('files', 'readwrite').objectStore('files');
    const v = await new Promise((ok) => { const r = files.get(url); r.onsuccess = () => ok(r.result); });
    v.bytes[v.bytes.length - 1] ^= 1;
    await new Promise((ok) => { files.put(v, url).onsuccess = ok; });
  };`;

for (const store of ['Cache API', 'IndexedDB'] as const) {
  test(`cache: true keeps the bytes (${store}): the second load sends no request; onProgress counts up to the size; a corrupt entry is downloaded again`, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript(STORE_HELPERS);
    // an insecure origin has no Cache API: take it away to reach the IndexedDB store
    if (store === 'IndexedDB') await page.addInitScript('Object.defineProperty(globalThis, "caches", { value: undefined })');
    await page.goto(`${base}/test/fixtures/`);
    requests.length = 0;
    const run = () => page.evaluate(async ([b, m]) => {
      const { loadModel } = await import(`${b}/dist/index.js`);
      const progress: [number, number | undefined][] = [];
      const model = await loadModel(`${b}${m}`, { cache: true, onProgress: (l: number, t?: number) => progress.push([l, t]) });
      const ids = model.translate('hello').ids;
      model.dispose();
      // the bytes are stored in the background while the model loads: wait for the entry
      let entries: Record<string, Uint8Array> = {};
      for (let t = 0; t < 100 && Object.keys(entries).length === 0; t++) {
        entries = await (globalThis as any).storeEntries();
        if (Object.keys(entries).length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      return { ids, progress, keys: Object.keys(entries), sizes: Object.values(entries).map((e) => e.length), hasCacheApi: !!(globalThis as any).caches };
    }, [base, MODEL]);
    const first = await run();
    assert.is(first.hasCacheApi, store === 'Cache API');
    const downloads = () => requests.filter((p) => p === MODEL).length;
    assert.is(downloads(), 1);
    const size = first.progress.at(-1)![0];
    assert.equal(first.progress[0], [0, size], 'starts at 0 of the Content-Length');
    assert.equal(first.progress.at(-1), [size, size]);
    assert.equal(first.keys, [`${base}${MODEL}`]);
    assert.equal(first.sizes, [size]);
    const second = await run();
    assert.is(downloads(), 1, 'no second download');
    assert.equal(second.ids, first.ids);
    assert.equal(second.progress, [[size, size]], 'a cache hit reports the whole size once');
    // a corrupted entry (its bytes no longer match the stored SHA-256) is dropped and downloaded again
    await page.evaluate((url) => (globalThis as any).corrupt(url), `${base}${MODEL}`);
    const third = await run();
    assert.is(downloads(), 2, 'the corrupt entry was replaced by a download');
    assert.equal(third.ids, first.ids);
    await page.context().close();
  });
}

test('in a browser: a bundled name says which URL to use; maxDownloadBytes stops a large download with E_DOWNLOAD_SIZE', async () => {
  const page = await freshPage();
  const errors = await page.evaluate(async ([b, m]) => {
    const { loadModel } = await import(`${b}/dist/index.js`);
    const fail = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    return [await fail(loadModel('g2p-en')), await fail(loadModel(`${b}${m}`, { maxDownloadBytes: 1000 }))];
  }, [base, MODEL]);
  assert.match(errors[0], /^E_MODEL_NOT_FOUND: "g2p-en" is a model bundled with the package/);
  assert.ok(errors[0].includes("loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url))"), errors[0]);
  assert.match(errors[1], /^E_DOWNLOAD_SIZE: .*Content-Length is \d+ bytes, more than maxDownloadBytes \(1000\)/);
  await page.context().close();
});

test('the page compiles the Wasm once and a Web Worker runs models on that Module (compiledModule, wasmModule)', async () => {
  const page = await freshPage();
  const out = await page.evaluate(async ([b, m]) => {
    const { compiledModule, loadModel } = await import(`${b}/dist/index.js`);
    const mine = await loadModel(`${b}${m}`);
    const build = mine.wasmBuild;
    const module = await compiledModule(build);
    const src = `import { loadModel } from '${b}/dist/index.js';
      onmessage = async ({ data }) => {
        const model = await loadModel(data.url, { wasmBuild: data.build, wasmModule: data.module });
        postMessage(model.translate('hello').ids);
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    const ids = await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ module, build, url: `${b}${m}` });
    });
    worker.terminate();
    return { same: (await compiledModule(build)) === module, ids, here: mine.translate('hello').ids };
  }, [base, MODEL]);
  assert.ok(out.same, 'compiledModule gives the one Module');
  assert.equal(out.ids, out.here, 'the worker translates as the page does');
  await page.context().close();
});

test.run();
