/**
 * How g2p() time grows with the input: one sentence without a sentence end (prose words joined),
 * doubled each step; prints words, ms, ms per 1,000 words and the words given to the tagger.
 * Linear time shows as a flat ms / 1k words column.
 *
 * --prose MB: instead, MB megabytes of running prose (the doc comments of @types/node) with every
 * sentence end removed, one g2p() call with the model, timed once (wall and CPU seconds).
 *
 *   npx tsx tools/g2p-scaling.ts [--from 4000] [--to 64000] [--prose 1]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadG2P, G2P } from '../src/node.js';

const argv = process.argv.slice(2);
const arg = (name: string, d: number) => { const k = argv.indexOf(name); return k >= 0 ? Number(argv[k + 1]) : d; };
const from = arg('--from', 4000), to = arg('--to', 64000);
if (argv.includes('--prose')) {
  const mb = arg('--prose', 1);
  const dir = new URL('../node_modules/@types/node/', import.meta.url);
  const all = readdirSync(dir).filter((f) => f.endsWith('.d.ts')).sort().map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  const prose = [...all.matchAll(/\/\*\*([\s\S]*?)\*\//g)].map((m) => m[1].replace(/^\s*\* ?/gm, '').replace(/[^A-Za-z ,'-]+/g, ' ')).join(' ').replace(/\s+/g, ' ');
  let text = prose;
  while (text.length < mb * 1e6) text += ` ${prose}`;
  text = text.slice(0, mb * 1e6);
  const g = await loadG2P();
  const x = new G2P(g.parts);
  const t0 = performance.now(), c0 = process.cpuUsage();
  const r = x.pronounce(text);
  const c = process.cpuUsage(c0);
  console.log(`${(text.length / 1e6).toFixed(2)} MB, ${text.split(' ').length} words, no sentence end: ${r.tokens.length} tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU; ${x.taggedWords} words tagged`);
  g.dispose();
  process.exit(0);
}
const base = 'the reader will read the record and lead the team to present the object while they record a live show with a close friend'.split(' ');
const g = await loadG2P({ model: false });
console.log('| words | ms | ms / 1k words | tagged words |\n|---|---|---|---|');
for (let n = from; n <= to; n *= 2) {
  const text = Array.from({ length: n }, (_, k) => base[k % base.length]).join(' ');
  const x = new G2P(g.parts);
  const t0 = performance.now();
  x.pronounce(text);
  const ms = performance.now() - t0;
  console.log(`| ${n} | ${ms.toFixed(0)} | ${(ms / (n / 1000)).toFixed(1)} | ${x.taggedWords} |`);
}
