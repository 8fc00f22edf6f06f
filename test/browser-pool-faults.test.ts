// createPool in Chromium (dist/index.js, module Web Workers) under a careless caller and a worker that
// stops: createPool(url, { onProgress }) starts (the callback stays on the page); an option or input
// that cannot be posted is E_OPTION / E_INPUT_KIND and costs no worker; the model's errors carry the
// caller's index; a killed worker fails its call with E_WORKER and is replaced; a worker script that
// throws as it starts makes createPool reject with E_WORKER; no unhandledrejection on the page.
// The browser comes from test/browser/chromium.ts (CHROMIUM_PATH, a system Chromium, @sparticuz/chromium).
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveStatic } from '../demo/serve.mjs';
import { loadModel } from '../src/node.js';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');

test('Chromium: the pool refuses what it cannot post, keeps its workers, reindexes errors, replaces a killed worker', async () => {
  const server = await serveStatic({ '/': root }, 0, () => {});
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { browser } = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript('globalThis.__name = (f) => f'); // tsx's keepNames helper, used by the function evaluated below
    await page.goto(`${base}/test/fixtures/`).catch(() => {});
    const r = await page.evaluate(async (b) => {
      const unhandled: string[] = [];
      addEventListener('unhandledrejection', (e) => unhandled.push(String(e.reason)));
      const { createPool } = await import(`${b}/dist/index.js`);
      const url = `${b}/test/fixtures/bahdanau-maxout/model.safetensors`;
      const outcome = async (f: () => Promise<unknown>) => {
        try { await f(); return 'ok'; } catch (e) { return `${(e as { code?: string }).code} ${(e as Error).message}`; }
      };
      let progress = 0;
      const pool = await createPool(url, { workers: 2, batchSize: 2, onProgress: () => { progress++; } });
      const good = [[4, 5, 6], [7], [8, 9], [10, 11, 12, 13], [5]];
      const want = (await pool.translateBatch(good)).map((t: { ids: number[] }) => t.ids.join(' '));
      const errors = [
        await outcome(() => pool.translateBatch(good, { seed: () => 1 })),
        await outcome(() => pool.translateBatch([[4], Symbol('s')])),
        await outcome(() => pool.translate(Symbol('s'))),
        await outcome(() => pool.translateBatch([[4], null, [5]])),
        await outcome(() => pool.translateBatch(null)),
      ];
      const again: string[][] = [];
      for (let k = 0; k < 3; k++) again.push((await pool.translateBatch(good)).map((t: { ids: number[] }) => t.ids.join(' ')));
      const running = pool.translateBatch(Array.from({ length: 200 }, (_, i) => good[i % good.length]));
      pool.killWorker(0);
      const killed = await outcome(() => running);
      const after = (await pool.translateBatch(good)).map((t: { ids: number[] }) => t.ids.join(' '));
      for (let i = 0; i < 200 && pool.status.ready < 2; i++) await new Promise((res) => setTimeout(res, 25)); // the replacement loading
      const status = { ...pool.status, failure: String(pool.status.failure) };
      pool.close();
      const broken = await outcome(() => createPool(url, { workers: 1, workerUrl: new URL(`${b}/test/fixtures/no-such-worker.js`) }));
      await new Promise((res) => setTimeout(res, 50));
      return { progress, want, errors, again, killed, after, status, broken, unhandled };
    }, base);
    assert.ok(r.progress > 0, 'onProgress ran on the page');
    assert.match(r.errors[0], /^E_OPTION seed is a function/);
    assert.match(r.errors[1], /^E_INPUT_KIND inputs\[1\]: .*a symbol/);
    assert.match(r.errors[2], /^E_INPUT_KIND input must be/);
    assert.match(r.errors[3], /^E_INPUT_KIND inputs\[1\]: input must be a string or an array of source ids, got null$/);
    assert.match(r.errors[4], /^E_ARGUMENT inputs must be an array, got null$/);
    r.again.forEach((ids, k) => assert.equal(ids, r.want, `good call ${k} after the refused ones`));
    assert.match(r.killed, /^E_WORKER a pool worker stopped while decoding/);
    assert.equal(r.after, r.want, 'results after the replacement');
    assert.equal({ ready: r.status.ready, restarts: r.status.restarts, failure: r.status.failure }, { ready: 2, restarts: 1, failure: 'null' });
    assert.match(r.broken, /^E_WORKER /, `a worker script that does not load: ${r.broken}`);
    assert.equal(r.unhandled, [], 'no unhandledrejection on the page');
    const model = await loadModel(join(root, 'test', 'fixtures', 'bahdanau-maxout'));
    assert.equal(r.want, model.translateBatch([[4, 5, 6], [7], [8, 9], [10, 11, 12, 13], [5]]).map((t) => t.ids.join(' ')), 'the browser pool = the Node model');
    model.dispose();
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
