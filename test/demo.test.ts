// The demo page (demo/, `npm run demo`) in Chromium: it loads g2p-en in its Web Worker, shows the
// pronunciation, the n-best list and the heatmap, steps through the worked example, loads a
// dropped model, logs no console errors, and its worker gives the same ids and attention bits as
// Node on the same Wasm build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { loadModel } from '../src/node.js';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');
let server: Server;
let browser: Browser;
let base = '';

// a test, not test.before: uvu 0.5 ignores an error thrown there, so a browser that does not start would skip the suite
test('setup: the demo builds, its server and Chromium start (test/browser/chromium.ts)', async () => {
  await buildDemo({ quiet: true });
  server = await serveStatic(demoMounts);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = (await launchChromium()).browser;
});
test.after(async () => {
  await browser?.close();
  server?.close();
});

/** The demo in a fresh context, collecting console errors and uncaught exceptions. */
async function open(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('body[data-first-result]', { timeout: 20000 });
  return { page, errors };
}
const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '');

test('the demo loads g2p-en, shows pronunciation, n-best and heatmap, steps through the worked example, with no console errors', async () => {
  const { page, errors } = await open();
  assert.is(await text(page, '#pronunciation'), 'AH0 T EH1 N SH AH0 N');
  assert.is(await page.$$eval('#nbest li', (l) => l.length), 5, 'beam 5 gives 5 hypotheses');
  const scores = await page.$$eval('#nbest .lp', (l) => l.map((e) => Number(e.textContent)));
  assert.ok(scores.every((s, i) => s <= 0 && (i === 0 || s <= scores[i - 1])), `log-probabilities, best first: ${scores}`);
  // 8 outputs (7 phonemes and </s>) x 10 source symbols ('attention' and </s>)
  assert.is(await page.$$eval('#heatmap .cell', (c) => c.length), 80);
  // typing: a new word is translated (in the worker) and drawn
  await page.fill('#word', 'reading');
  await page.waitForFunction(() => document.body.dataset.translated === 'reading');
  const g2p = await loadModel('g2p-en', { weights: 'int8' }); // the demo loads the int8 file
  assert.is(await text(page, '#pronunciation'), g2p.translate('reading', { beamSize: 5 }).text);
  g2p.dispose();

  // the worked example: step 1, then 3 more; each step shows e_ij and a_ij over the 10 source symbols
  await page.waitForFunction(() => document.body.dataset.walkStep === '1');
  for (let i = 2; i <= 4; i++) {
    await page.click('#next');
    await page.waitForFunction((s) => document.body.dataset.walkStep === String(s), i);
  }
  assert.is(await text(page, '#step-label'), 'step i = 4');
  assert.is(await page.$$eval('.walk-grid .src', (c) => c.length), 10);
  const weights = await page.$$eval('.walk-grid .a', (c) => c.map((e) => Number((e as HTMLElement).title.replace('a = ', ''))));
  assert.is(weights.length, 10);
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-3, `a_4j sums to 1: ${weights}`);
  assert.is(await page.$$eval('.context div', (c) => c.length), 512, 'c_4 has 2 x 256 numbers (the bidirectional annotations)');
  assert.equal(await page.$$eval('.outputs .tok:not(.next)', (t) => t.map((e) => e.textContent)), ['AH0', 'T', 'EH1', 'N']);
  await page.click('#prev');
  await page.waitForFunction(() => document.body.dataset.walkStep === '3');
  assert.equal(errors, []);
  await page.context().close();
});

test('decoding is off the main thread: the page script has no seqattn and no Wasm; the worker has both', () => {
  const main = readFileSync(join(root, 'demo', 'dist', 'main.js'), 'utf8');
  const worker = readFileSync(join(root, 'demo', 'dist', 'worker.js'), 'utf8');
  assert.not.match(main, /WebAssembly|loadModel/);
  assert.ok(main.length < 20000, `main.js is ${main.length} bytes`);
  assert.match(worker, /WebAssembly\.instantiate/);
});

test('the demo worker gives the same ids and attention bits as Node on the same Wasm build', async () => {
  const { page, errors } = await open('?wasm=simd128');
  const r = await page.evaluate(() => (window as any).seqattnDemo.ask('translate', { text: 'attention', beam: 1 }));
  assert.is(r.build, 'simd128');
  const model = await loadModel('g2p-en', { weights: 'int8', wasmBuild: 'simd128' });
  const here = model.translate('attention', { beamSize: 1, nBest: 1 });
  assert.equal(r.best.ids, here.ids);
  assert.is(r.best.score, here.score);
  assert.equal(r.attention, here.attention.map((row) => Array.from(row)));
  model.dispose();
  assert.equal(errors, []);
  await page.context().close();
});

test('a dropped model (the tutorial\'s config.json + encoder + decoder) loads and translates with its alignment', async () => {
  const { page, errors } = await open();
  const dir = join(root, 'test', 'fixtures', 'tutorial', 'two-file');
  await page.setInputFiles('#files', ['config.json', 'encoder.safetensors', 'decoder.safetensors'].map((f) => join(dir, f)));
  await page.waitForFunction(() => document.body.dataset.model !== 'g2p-en');
  await page.waitForFunction(() => document.body.dataset.translated === 'je suis il');
  assert.match(await text(page, '#model-info'), /^pytorch-tutorial · hidden 13/);
  const model = await loadModel(dir);
  assert.is(await text(page, '#pronunciation'), model.translate('je suis il', { beamSize: 5, nBest: 5 }).text || '∅');
  assert.ok(Number(await page.$eval('body', (b) => b.dataset.heatmapCells)) > 0);
  model.dispose();
  assert.equal(errors, []);
  await page.context().close();
});

test.run();
