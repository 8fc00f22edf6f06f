// The demo page (demo/, `npm run demo`) in Chromium: text through g2p() with each word's source
// (numbers spelled out, accents folded, contractions from the dictionary), the model alone on one
// word (pronunciation, n-best, heatmap), the worked example (h_j, e_ij, a_ij, c_i as the weighted
// sum, s_i), a dropped model resetting every state and back, a model without attention, the
// layout at 1280 / 390 / 360 px, no console errors, one Wasm build fetched, and the worker giving
// the same ids and attention bits as Node on the same Wasm build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { g2p, loadModel, type G2PResult } from '../src/node.js';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');
let server: Server;
let browser: Browser;
let base = '';
const requests: string[] = [];

// a test, not test.before: uvu 0.5 ignores an error thrown there, so a browser that does not start would skip the suite
test('setup: the demo builds, its server and Chromium start (test/browser/chromium.ts)', async () => {
  await buildDemo({ quiet: true });
  server = await serveStatic(demoMounts, 0, (path: string) => requests.push(path));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = (await launchChromium()).browser;
});
test.after(async () => {
  await browser?.close();
  server?.close();
});

/** The demo in a fresh context, collecting console errors and uncaught exceptions. */
async function open(query = '', viewport = { width: 1280, height: 1000 }): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport, hasTouch: viewport.width < 800, isMobile: viewport.width < 800 })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('body[data-first-result]', { timeout: 30000 });
  return { page, errors };
}
const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '');
const visible = (page: Page, sel: string) => page.$eval(sel, (e) => (e as HTMLElement).offsetParent !== null);
/** The chips of g2p(text): word, phonemes, how (source and what the pipeline read). */
async function chips(page: Page): Promise<{ w: string; ph: string; how: string; source: string }[]> {
  return page.$$eval('#words .word', (cs) => cs.map((c) => ({ w: c.querySelector('.w')!.textContent!, ph: c.querySelector('.ph')!.textContent!,
    how: c.querySelector('.how')!.textContent!, source: (c as HTMLElement).dataset.source! })));
}
async function pronounceText(page: Page, t: string): Promise<void> {
  await page.fill('#text', t);
  await page.waitForFunction((s) => document.body.dataset.pronounced === s, t, { timeout: 20000 });
}
async function step(page: Page, i: number): Promise<void> {
  await page.click('#next');
  await page.waitForFunction((s) => document.body.dataset.walkStep === String(s), i);
}

test('the demo loads g2p-en: the model alone on a word (pronunciation, n-best, heatmap), the worked example with h_j, a_ij, c_i and s_i, no console errors', async () => {
  const { page, errors } = await open();
  assert.is(await text(page, '#pronunciation'), 'AH0 T EH1 N SH AH0 N');
  assert.is(await text(page, '#pronunciation-ipa'), 'əˈtɛnʃən');
  assert.is(await page.$$eval('#nbest li', (l) => l.length), 5, 'beam 5 gives 5 hypotheses');
  const scores = await page.$$eval('#nbest .lp', (l) => l.map((e) => Number(e.textContent)));
  assert.ok(scores.every((s, i) => s <= 0 && (i === 0 || s <= scores[i - 1])), `log-probabilities, best first: ${scores}`);
  // 8 outputs (7 phonemes and </s>) x 10 source symbols ('attention' and </s>)
  assert.is(await page.$$eval('#heatmap .cell', (c) => c.length), 80);
  // the legend: every ARPAbet symbol with its IPA
  assert.ok(await page.$$eval('#arpabet .sym', (s) => s.length) >= 39);
  // typing: a new word is translated (in the worker) and drawn, and the worked example follows it
  await page.fill('#word', 'reading');
  await page.waitForFunction(() => document.body.dataset.translated === 'reading');
  const g2pModel = await loadModel('g2p-en', { weights: 'int8' }); // the demo loads the int8 file
  assert.is(await text(page, '#pronunciation'), g2pModel.translate('reading', { beamSize: 5 }).text);
  g2pModel.dispose();
  assert.is(await text(page, '#walk-word'), 'reading');
  await page.fill('#word', 'attention');
  await page.waitForFunction(() => document.body.dataset.translated === 'attention');

  // the worked example: step 1, then 3 more; each step shows e_ij and a_ij over the 10 source symbols
  await page.waitForFunction(() => document.body.dataset.walkStep === '1' && document.querySelectorAll('.walk-grid .src').length === 10);
  for (let i = 2; i <= 4; i++) await step(page, i);
  assert.is(await text(page, '#step-label'), 'step i = 4');
  assert.is(await page.$$eval('.walk-grid .src', (c) => c.length), 10);
  const weights = await page.$$eval('.walk-grid .a', (c) => c.map((e) => Number((e as HTMLElement).title.replace('a = ', ''))));
  assert.is(weights.length, 10);
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-3, `a_4j sums to 1: ${weights}`);
  // c_4 built from the h_j: one row per source symbol (h_j and a_4j h_j, 512 numbers each), and c_4 as one strip
  const rows = await page.$$eval('.build-grid canvas', (c) => c.map((e) => (e as HTMLCanvasElement).width));
  assert.equal(rows, new Array(21).fill(512), 'h_j and a_4j h_j for 10 symbols, and c_4: 2 x 256 numbers each (the bidirectional annotations)');
  assert.is(await page.$$eval('.build-grid .w', (c) => c.length), 10);
  // s_3 (the query) and s_4 (the next step's query): 256 numbers each
  assert.equal(await page.$$eval('.vec-row canvas', (c) => c.map((e) => (e as HTMLCanvasElement).width)), [256, 256]);
  assert.match(await text(page, '#walk'), /s4 is the query of step 5/);
  assert.equal(await page.$$eval('.outputs .tok:not(.next)', (t) => t.map((e) => e.textContent)), ['AH0', 'T', 'EH1', 'N']);
  await page.click('#prev');
  await page.waitForFunction(() => document.body.dataset.walkStep === '3');
  assert.equal(errors, []);
  await page.context().close();
});

/** Node's g2p() with the model the demo loads, as the chips show it. */
async function nodeChips(t: string): Promise<{ ph: string; source: string }[]> {
  const r: G2PResult = await g2p(t, { modelOptions: { weights: 'int8' } });
  return r.tokens.flatMap((k) => (k.kind === 'punctuation' ? [] : [{ ph: k.phonemes.join(' '), source: k.source as string }]));
}

test('text goes through g2p(): 123 is one hundred twenty three, café is folded, don\'t is the dictionary\'s, each with its source; a word\'s chip sends it to the model', async () => {
  const { page, errors } = await open();
  await page.waitForFunction(() => document.body.dataset.pronounced !== undefined, undefined, { timeout: 20000 });
  // the default sentence: a year spelled out, a word from the model
  const first = await chips(page);
  assert.ok(first.some((c) => c.w === '2015' && /twenty fifteen/.test(c.how)), JSON.stringify(first));
  assert.ok(first.some((c) => c.w === "Bahdanau's" && c.source === 'model'), JSON.stringify(first));

  const sentence = "123 café don't";
  await pronounceText(page, sentence);
  const got = await chips(page);
  assert.equal(got.map((c) => c.w), ['123', 'café', "don't"]);
  assert.equal(got.map(({ ph, source }) => ({ ph, source })), await nodeChips(sentence));
  assert.match(got[0].how, /one hundred twenty three/);
  assert.is(got[0].ph.split(' ').length > 10, true, `123 is several words, not 'EH1 M': ${got[0].ph}`);
  assert.match(got[1].how, /cafe/);
  assert.is(got[2].ph, 'D OW1 N T');
  assert.not.match(await text(page, '#ipa-line'), /^\s*$/);

  // a sentence with a heteronym waits for the part-of-speech tagger (a chunk of its own)
  await pronounceText(page, 'I read it yesterday. I will read it.');
  const reads = (await chips(page)).filter((c) => c.w === 'read');
  assert.equal(reads.map((c) => c.source), ['homograph', 'homograph']);
  assert.equal(reads.map((c) => c.ph), (await nodeChips('I read it yesterday. I will read it.')).filter((_, k) => [1, 6].includes(k)).map((c) => c.ph));

  // tapping a word: the model alone and the worked example follow it
  await pronounceText(page, "Bahdanau's café");
  await page.click('#words .word[data-source="model"]');
  await page.waitForFunction(() => document.body.dataset.translated === "bahdanau's");
  assert.is(await page.inputValue('#word'), "bahdanau's");
  assert.is(await text(page, '#walk-word'), "bahdanau's");

  // the model alone on what it cannot read says so
  await page.fill('#word', '123');
  await page.waitForFunction(() => document.body.dataset.translated === '123');
  assert.ok(await visible(page, '#unknown'));
  assert.match(await text(page, '#unknown'), /“1”, “2”, “3” are not in the model's 31 source symbols: it reads them as <unk>/);
  await page.fill('#word', 'attention');
  await page.waitForFunction(() => document.body.dataset.translated === 'attention');
  assert.not.ok(await visible(page, '#unknown'));
  assert.equal(errors, []);
  await page.context().close();
});

test('decoding is off the main thread, and the worker carries no Wasm: it fetches the one build the engine runs', async () => {
  const main = readFileSync(join(root, 'demo', 'dist', 'main.js'), 'utf8');
  const worker = readFileSync(join(root, 'demo', 'dist', 'worker.js'), 'utf8');
  assert.not.match(main, /WebAssembly\.|loadModel/);
  assert.ok(main.length < 30000, `main.js is ${main.length} bytes`);
  assert.match(worker, /WebAssembly\.compileStreaming/);
  assert.not.match(worker, /AGFzbQ/, 'no base64 Wasm module (\\0asm) inlined');
  // the library's decoding and the g2p sentence pipeline (normalization rules, heteronym rules) minified; a Wasm build inlined would add ~90 kB of base64 each
  assert.ok(worker.length < 240000, `worker.js is ${worker.length} bytes`);
  // one request each: no chunk imported statically before the worker (or the page) can run
  assert.not.match(worker, /^import\b|\bimport\s*[{*]|\bimport\s*"/);
  assert.not.match(main, /^import\b|\bimport\s*[{*]|\bimport\s*"/);
  requests.length = 0;
  const { page, errors } = await open();
  const build = await page.evaluate(() => (window as any).seqattnDemo.ask('translate', { text: 'a', beam: 1 }).then((r: { build: string }) => r.build));
  const wasm = requests.filter((p) => p.endsWith('.wasm'));
  assert.is(wasm.length, 1, `one Wasm request: ${wasm}`);
  assert.match(wasm[0], new RegExp(`^/dist/wasm/${build}-[0-9a-f]{12}\\.wasm$`));
  assert.equal(errors, []);
  await page.context().close();
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

test('a dropped model (the tutorial\'s config.json + encoder + decoder) resets every state; back on g2p-en everything is g2p-en\'s again', async () => {
  const { page, errors } = await open();
  const tagline = await text(page, '#tagline');
  const dir = join(root, 'test', 'fixtures', 'tutorial', 'two-file');
  await page.setInputFiles('#files', ['config.json', 'encoder.safetensors', 'decoder.safetensors'].map((f) => join(dir, f)));
  await page.waitForFunction(() => document.body.dataset.model !== 'g2p-en');
  await page.waitForFunction(() => document.body.dataset.translated === 'je suis il');
  assert.match(await text(page, '#model-info'), /^pytorch-tutorial · hidden 13/);
  assert.match(await text(page, '#tagline'), /^encoder \+ decoder: your pytorch-tutorial model .* reads words/);
  assert.is(await page.inputValue('#word'), 'je suis il');
  assert.not.ok(await visible(page, '#pipeline'), 'g2p(text) is g2p-en\'s: hidden for another model');
  assert.not.ok(await visible(page, '#arpabet-legend'));
  const model = await loadModel(dir);
  assert.is(await text(page, '#pronunciation'), model.translate('je suis il', { beamSize: 5, nBest: 5 }).text || '∅');
  model.dispose();
  assert.ok(Number(await page.$eval('body', (b) => b.dataset.heatmapCells)) > 0);
  await page.waitForFunction(() => document.querySelectorAll('.walk-grid .src').length === 4); // je suis il </s>

  await page.click('#reset-model');
  await page.waitForFunction(() => document.body.dataset.model === 'g2p-en' && document.body.dataset.translated === 'attention');
  assert.is(await text(page, '#tagline'), tagline);
  assert.is(await page.inputValue('#word'), 'attention');
  assert.is(await page.inputValue('#text'), "In 2015, Bahdanau's networks learned attention.");
  assert.is(await text(page, '#pronunciation'), 'AH0 T EH1 N SH AH0 N');
  assert.ok(await visible(page, '#pipeline'));
  await page.waitForFunction(() => document.querySelectorAll('.walk-grid .src').length === 10);
  assert.not.match(await text(page, 'main'), /je suis il/);
  assert.equal(errors, []);
  await page.context().close();
});

test('a model without attention (cho) shows its fixed summary c: no energy equation, no alignment, no 0-1 scale', async () => {
  const { page, errors } = await open();
  await page.setInputFiles('#files', [join(root, 'test', 'fixtures', 'cho-tanh', 'model.safetensors')]);
  await page.waitForFunction(() => document.body.dataset.model === 'model.safetensors');
  await page.waitForFunction(() => document.body.dataset.walkStep === '1' && document.body.dataset.translated !== 'attention');
  assert.match(await text(page, '#model-info'), /^cho /);
  assert.not.ok(await visible(page, '#energy-eq'), 'no e_ij');
  assert.not.ok(await visible(page, '#scale'), 'no 0-1 colour scale');
  assert.match(await text(page, '#context-eq'), /c = tanh\(V hN\)/);
  assert.match(await text(page, '#heatmap'), /No alignment to draw: cho reads one fixed summary c/);
  assert.match(await text(page, '#walk'), /1. No attention here: every step reads the same summary c/);
  assert.is(await page.$$eval('.walk-grid, .build-grid', (g) => g.length), 0);
  // c (24 numbers), s_0 and s_1 (24 each)
  assert.equal(await page.$$eval('.vec-row canvas', (c) => c.map((e) => (e as HTMLCanvasElement).width)), [24, 24, 24]);
  if (!(await page.$eval('#next', (b) => (b as HTMLButtonElement).disabled))) await step(page, 2);
  assert.equal(errors, []);
  await page.context().close();
});

test('a Luong model says its query is the state after this step\'s cell (s_i), not s_{i-1}', async () => {
  const { page, errors } = await open();
  await page.setInputFiles('#files', [join(root, 'test', 'fixtures', 'luong-dot', 'model.safetensors')]);
  await page.waitForFunction(() => document.body.dataset.model === 'model.safetensors');
  await page.waitForFunction(() => document.body.dataset.walkStep === '1' && document.querySelector('.walk-grid') !== null);
  assert.match(await text(page, '#model-info'), /^luong /);
  assert.match(await text(page, '#walk'), /its new state s1 \(Luong's ht\) is the query that scores every letter/);
  assert.match(await text(page, '#state-eq'), /before the attention/);
  assert.ok(await visible(page, '#scale'));
  assert.equal(errors, []);
  await page.context().close();
});

test('layout: nothing overflows at 360 px, the step button is in its card and takes taps at 390 and 360 px, a long word keeps its </s> column', async () => {
  for (const width of [390, 360]) {
    const { page, errors } = await open('', { width, height: 800 });
    await page.fill('#word', 'supercalifragilisticexpialidocious');
    await page.waitForFunction(() => document.body.dataset.translated === 'supercalifragilisticexpialidocious');
    await page.waitForFunction(() => document.querySelectorAll('.walk-grid .src').length === 35);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= width, `page is ${overflow} px wide in a ${width} px viewport`);
    // the last column label (</s>) inside the heatmap's card
    const [last, card] = await page.evaluate(() => [Array.from(document.querySelectorAll('#heatmap .col-lab')).at(-1)!, document.querySelector('.align')!]
      .map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, text: e.textContent }; }));
    assert.is(last.text, '</s>');
    assert.ok(last.right <= card.right, `</s> column ends at ${last.right}, its card at ${card.right}`);
    // the step button: inside the card, and the element at its centre is the button itself
    await page.$eval('#next', (b) => b.scrollIntoView({ block: 'center' }));
    const inside = await page.evaluate(() => {
      const b = document.getElementById('next')!.getBoundingClientRect();
      const c = document.querySelector('.walk')!.getBoundingClientRect();
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      return { inCard: b.left >= c.left && b.right <= c.right, hit: hit?.id ?? hit?.className };
    });
    assert.ok(inside.inCard, `at ${width} px the step button leaves its card`);
    assert.is(inside.hit, 'next', `at ${width} px a tap at the step button's centre lands on ${inside.hit}`);
    await page.tap('#next');
    await page.waitForFunction(() => document.body.dataset.walkStep === '2');
    assert.equal(errors, []);
    await page.context().close();
  }
});

test.run();
