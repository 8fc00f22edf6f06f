// Measures the demo in Chromium on localhost (demo/serve.mjs):
//   - navigation to the first pronunciation shown (the model's word), first visit (fresh context,
//     empty Cache API) and second visit (same context: the model comes from the page's cache),
//     medians of N; and to the text's pronunciation by g2p() (it also needs the dictionary), where the page has one;
//   - with --against DIR, the same for the demo of another checkout DIR (its own demo/build.mjs and
//     serve.mjs, built and served beside this one), run by run in alternating order, for ratios
//     on a shared, noisy machine;
//   - G2P throughput in the demo's Web Worker (greedy, translateBatch in batches of 16, the words
//     of the CMU dictionary with only a-z and '), median of N runs of one page, and Node's just after;
//   - page JS + Wasm gzip (demo/dist: main.js + worker.js + the one Wasm build fetched), and the model bytes.
//   npx tsx tools/demo-measure.ts [runs=5] [model=models/g2p-en/model.int8.safetensors] [--against DIR]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { launchChromium } from '../test/browser/chromium.js';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const at = args.indexOf('--against');
const against = at >= 0 ? resolve(args.splice(at, 2)[1]) : undefined;
const runs = Number(args[0] ?? 5);
const modelPath = args[1] ?? 'models/g2p-en/model.int8.safetensors';
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');

interface Target { name: string; dir: string; server: Server; url: string; first: number[]; second: number[]; text: { first: number[]; second: number[] }; phases: string[] }

/** Builds and serves the demo of checkout `dir` with that checkout's own scripts. */
async function target(name: string, dir: string): Promise<Target> {
  const build = dir === root ? { buildDemo } : await import(pathToFileURL(join(dir, 'demo', 'build.mjs')).href);
  const serve = dir === root ? { demoMounts, serveStatic } : await import(pathToFileURL(join(dir, 'demo', 'serve.mjs')).href);
  await build.buildDemo({ quiet: true });
  const server: Server = await serve.serveStatic(serve.demoMounts);
  return { name, dir, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, first: [], second: [], text: { first: [], second: [] }, phases: [] };
}

/** A first and a second visit in a fresh context. */
async function visits(browser: Browser, t: Target): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const visit of ['first', 'second'] as const) {
    await page.goto(t.url);
    await page.waitForSelector('body[data-first-result]', { timeout: 30000 });
    const shown = Number(await page.$eval('body', (b) => b.dataset.firstResult));
    t[visit].push(shown);
    // g2p(text): pages that have it set data-first-text (a page without a #text box has no such line)
    if (await page.$('#text')) {
      await page.waitForSelector('body[data-first-text]', { timeout: 30000 });
      t.text[visit].push(Number(await page.$eval('body', (b) => b.dataset.firstText)));
    }
    t.phases.push(`${visit}: ${JSON.stringify(await page.evaluate(() => (window as any).seqattnDemo.timings))} shown ${shown.toFixed(0)}`);
  }
  await context.close();
}

const targets = [await target('this checkout', root)];
if (against) targets.push(await target(against, against));
const gz = (f: string) => gzipSync(readFileSync(join(root, f)), { level: 9 }).length;
const js = gz('demo/dist/main.js') + gz('demo/dist/worker.js');
// the worker fetches one build of dist/wasm/ (the relaxed one where it validates); a demo that inlines them has none there
const wasmDir = join(root, 'demo', 'dist', 'wasm');
const wasmFiles = existsSync(wasmDir) ? readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).map((f) => `demo/dist/wasm/${f}`) : [];
const wasm = Math.max(0, ...wasmFiles.map(gz));
const other = gz('demo/index.html') + gz('demo/style.css');

const { browser, source } = await launchChromium();
const rates: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    for (const t of i % 2 ? [...targets].reverse() : targets) await visits(browser, t);
  }
  const { dictionary } = await import('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> };
  const words = Object.keys(dictionary).filter((w) => /^[a-z']+$/.test(w)).filter((_, i) => i % 40 === 0);
  const page = await (await browser.newContext()).newPage();
  await page.goto(targets[0].url);
  await page.waitForSelector('body[data-first-result]');
  await page.evaluate((w) => (window as any).seqattnDemo.bench(w.slice(0, 200)), words); // warm up
  for (let i = 0; i < runs; i++) {
    const r = await page.evaluate((w) => (window as any).seqattnDemo.bench(w), words);
    rates.push((1000 * r.words) / r.ms);
  }
} finally {
  await browser.close();
  for (const t of targets) t.server.close();
}
// the same words and batches in Node, right after, for a ratio on this (shared, noisy) machine
const { loadModel } = await import('../src/node.js');
const { dictionary } = await import('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> };
const words = Object.keys(dictionary).filter((w) => /^[a-z']+$/.test(w)).filter((_, i) => i % 40 === 0);
const node = await loadModel(join(root, modelPath));
const nodeRates: number[] = [];
for (let r = 0; r <= runs; r++) {
  const t0 = performance.now();
  for (let i = 0; i < words.length; i += node.maxBatchSize) node.translateBatch(words.slice(i, i + node.maxBatchSize));
  if (r > 0) nodeRates.push((1000 * words.length) / (performance.now() - t0)); // r = 0 warms up
}
const nodeBuild = node.wasmBuild;
node.dispose();
console.log(`Chromium: ${source}; model ${modelPath}`);
for (const t of targets) {
  console.log(`\n${t.name} (${t.dir})\nphases (ms since navigation; worker started, compiled, model bytes in hand, loaded; first pronunciation shown)\n  ${t.phases.join('\n  ')}`);
  console.log(`first visit, navigation -> first pronunciation:  median ${median(t.first).toFixed(0)} ms (${fmt(t.first)})`);
  console.log(`second visit (cached model):                     median ${median(t.second).toFixed(0)} ms (${fmt(t.second)})`);
  if (t.text.first.length) {
    console.log(`first visit, navigation -> g2p(text) shown:      median ${median(t.text.first).toFixed(0)} ms (${fmt(t.text.first)})`);
    console.log(`second visit, navigation -> g2p(text) shown:     median ${median(t.text.second).toFixed(0)} ms (${fmt(t.text.second)})`);
  }
}
if (targets.length === 2) {
  const [a, b] = targets;
  const ratios = (x: number[], y: number[]) => x.map((v, k) => v / y[k]);
  console.log(`\nthis / other, run by run: first visit median ${median(ratios(a.first, b.first)).toFixed(2)}, second visit median ${median(ratios(a.second, b.second)).toFixed(2)}`);
}
console.log(`\nG2P in the Web Worker (this checkout), greedy, batches of 16: median ${median(rates).toFixed(0)} words/s (${fmt(rates)})`);
console.log(`the same in Node (${nodeBuild}), just after:     median ${median(nodeRates).toFixed(0)} words/s (${fmt(nodeRates)})`);
console.log(`page JS + Wasm: ${((js + wasm) / 1000).toFixed(1)} kB gzip (main.js + worker.js ${(js / 1000).toFixed(1)} kB${wasmFiles.length ? `, the larger Wasm build ${(wasm / 1000).toFixed(1)} kB` : ''}; + HTML and CSS ${(other / 1000).toFixed(1)} kB); model download: ${(statSync(join(root, modelPath)).size / 1e6).toFixed(2)} MB`);
const lexicon = join(root, 'models/g2p-en/lexicon.bin');
if (existsSync(lexicon) && targets[0].text.first.length) console.log(`dictionary download (for g2p(text)): ${(statSync(lexicon).size / 1e6).toFixed(2)} MB`);
