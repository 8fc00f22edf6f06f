// Measures the demo in Chromium on localhost (demo/serve.mjs):
//   - navigation to the first pronunciation shown (the model's word), first visit (fresh context,
//     empty Cache API) and second visit (same context: the model comes from the page's cache),
//     medians of N; and to the text's pronunciation by g2p() (it also needs the dictionary), where the page has one;
//   - G2P throughput in the demo's Web Worker (greedy, translateBatch in batches of 16, the words
//     of the CMU dictionary with only a-z and '), median of N runs of one page;
//   - page JS + Wasm gzip (demo/dist: main.js + worker.js + the one Wasm build fetched), and the model bytes.
//   npx tsx tools/demo-measure.ts [runs=5] [model=models/g2p-en/model.int8.safetensors]
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { launchChromium } from '../test/browser/chromium.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const modelPath = process.argv[3] ?? 'models/g2p-en/model.int8.safetensors';
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

await buildDemo({ quiet: true });
const gz = (f: string) => gzipSync(readFileSync(join(root, f)), { level: 9 }).length;
const js = gz('demo/dist/main.js') + gz('demo/dist/worker.js');
// main's demo inlined both builds in worker.js; this one fetches one of dist/wasm/ (the relaxed one where it validates)
const wasmFiles = ['simd128', 'relaxed-simd'].map((b) => `demo/dist/wasm/${b}.wasm`).filter((f) => existsSync(join(root, f)));
const wasm = Math.max(0, ...wasmFiles.map(gz));
const other = gz('demo/index.html') + gz('demo/style.css');

const server = await serveStatic(demoMounts);
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const { browser, source } = await launchChromium();
const first: number[] = [];
const phases: string[] = [];
const second: number[] = [];
const texts: Record<'first' | 'second', number[]> = { first: [], second: [] };
const rates: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const into of [first, second]) {
      await page.goto(url);
      await page.waitForSelector('body[data-first-result]', { timeout: 30000 });
      into.push(Number(await page.$eval('body', (b) => b.dataset.firstResult)));
      // g2p(text): pages that have it set data-first-text (main's demo before the pipeline did not)
      if (await page.$('#text')) {
        await page.waitForSelector('body[data-first-text]', { timeout: 30000 });
        texts[into === first ? 'first' : 'second'].push(Number(await page.$eval('body', (b) => b.dataset.firstText)));
      }
      phases.push(`${into === first ? 'first' : 'second'}: ${JSON.stringify(await page.evaluate(() => (window as any).seqattnDemo.timings))} shown ${into.at(-1)!.toFixed(0)}`);
    }
    await context.close();
  }
  const { dictionary } = await import('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> };
  const words = Object.keys(dictionary).filter((w) => /^[a-z']+$/.test(w)).filter((_, i) => i % 40 === 0);
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-first-result]');
  await page.evaluate((w) => (window as any).seqattnDemo.bench(w.slice(0, 200)), words); // warm up
  for (let i = 0; i < runs; i++) {
    const r = await page.evaluate((w) => (window as any).seqattnDemo.bench(w), words);
    rates.push((1000 * r.words) / r.ms);
  }
} finally {
  await browser.close();
  server.close();
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
console.log(`phases (ms since navigation): worker started, model bytes in hand, model loaded; first pronunciation shown\n  ${phases.join('\n  ')}`);
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`Chromium: ${source}; model ${modelPath}`);
console.log(`first visit, navigation -> first pronunciation: median ${median(first).toFixed(0)} ms (${fmt(first)})`);
console.log(`second visit (cached model):                    median ${median(second).toFixed(0)} ms (${fmt(second)})`);
if (texts.first.length) {
  console.log(`first visit, navigation -> g2p(text) shown:       median ${median(texts.first).toFixed(0)} ms (${fmt(texts.first)})`);
  console.log(`second visit, navigation -> g2p(text) shown:      median ${median(texts.second).toFixed(0)} ms (${fmt(texts.second)})`);
}
console.log(`G2P in the Web Worker, greedy, batches of 16:    median ${median(rates).toFixed(0)} words/s (${fmt(rates)})`);
console.log(`the same in Node (${nodeBuild}), just after:     median ${median(nodeRates).toFixed(0)} words/s (${fmt(nodeRates)})`);
console.log(`page JS + Wasm: ${((js + wasm) / 1000).toFixed(1)} kB gzip (main.js + worker.js ${(js / 1000).toFixed(1)} kB${wasmFiles.length ? `, the larger Wasm build ${(wasm / 1000).toFixed(1)} kB` : ''}; + HTML and CSS ${(other / 1000).toFixed(1)} kB); model download: ${(statSync(join(root, modelPath)).size / 1e6).toFixed(2)} MB`);
const lexicon = join(root, 'models/g2p-en/lexicon.bin');
if (existsSync(lexicon)) console.log(`dictionary download (when the page uses it): ${(statSync(lexicon).size / 1e6).toFixed(2)} MB`);
