/**
 * How g2p() time grows with the input: one sentence without a sentence end (prose words joined),
 * doubled each step; prints words, ms, ms per 1,000 words and the words given to the tagger.
 * Linear time shows as a flat ms / 1k words column.
 *
 *   npx tsx tools/g2p-scaling.ts [--from 4000] [--to 64000]
 */
import { loadG2P, G2P } from '../src/node.js';

const argv = process.argv.slice(2);
const arg = (name: string, d: number) => { const k = argv.indexOf(name); return k >= 0 ? Number(argv[k + 1]) : d; };
const from = arg('--from', 4000), to = arg('--to', 64000);
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
