// g2p() speed (issue 13 item 7): words/s on running text with 0%, 5% and 100% words the dictionary
// lacks (the model pronounces those), and on the heteronym test sentences (every sentence runs the
// tagger), and on running prose (the doc comments of @types/node: real English with its heteronyms
// and unknown words), beside `phonemize` (npm; lexicon + rules, ARPAbet) on the same text.
// benchmark.js; each call pronounces the next block of sentences (about 600 words; 24 for the 100%
// text), cycling through the text; each pass starts a fresh G2P, so the model's cache of recent
// unknown words only serves repeats within one pass, as in one reading of the text. Uses dist/.
//
//   node bench/g2p.js [--max-time SECONDS]     (default 3 s per case)
import Benchmark from 'benchmark';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { G2P, loadG2P } from '../dist/node.js';
import { proseSentences } from './lib/prose.js';

const require = createRequire(import.meta.url);
const { toARPABET } = require('phonemize');
const argv = process.argv.slice(2);
const k = argv.indexOf('--max-time');
const maxTime = k >= 0 ? Number(argv[k + 1]) : 3;

// Deterministic text: CMUdict words, and made-up words (a dictionary word with letters changed until it is not one).
let seed = 12345;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const g = await loadG2P();
const lexicon = g.parts.lexicon;
const common = [...lexicon.words()].filter((w) => /^[a-z]{2,10}$/.test(w));
const letters = 'abcdefghijklmnopqrstuvwxyz';
const oov = () => {
  for (;;) {
    const w = [...common[rand(common.length)]];
    for (let j = 0; j < 2; j++) w[rand(w.length)] = letters[rand(26)];
    const s = w.join('');
    if (!lexicon.has(s)) return s;
  }
};
const WORDS = 12;
const sentences = (rate) => Array.from({ length: 2000 }, () => {
  const ws = Array.from({ length: WORDS }, () => (rand(1000) < rate * 1000 ? oov() : common[rand(common.length)]));
  return `${ws[0][0].toUpperCase()}${ws.join(' ').slice(1)}.`;
});
const heteronymText = readFileSync(new URL('../test/g2p/heteronyms.tsv', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0].replace(/\*/g, ''));
// Running English prose: bench/lib/prose.js.
// phonemize 2.0.1 throws on some words ("constructor": its word-language map is a plain object), so
// both sides get only the sentences phonemize takes.
const proseAll = proseSentences();
const prose = proseAll.filter((x) => { try { toARPABET(x); return true; } catch { return false; } });
console.error(`prose: ${prose.length} of ${proseAll.length} sentences (phonemize throws on the others)`);
const countWords = (ss) => ss.reduce((n, s) => n + s.split(/\s+/).length, 0) / ss.length;

const PROSE = `prose (@types/node docs, ${prose.length} sentences)`;
const WARM = 'prose again (cache warm)';
const texts = [['0% OOV', sentences(0)], ['5% OOV', sentences(0.05)], ['100% OOV', sentences(1)], [PROSE, prose], [WARM, prose], ['heteronym sentences', heteronymText]];
const rows = [];
{ // how much of the prose is dictionary, heteronym, model
  const n = { lexicon: 0, homograph: 0, model: 0 };
  for (const x of prose) for (const t of g.pronounce(x).tokens) if (t.kind === 'word') n[t.source]++;
  const all = n.lexicon + n.homograph + n.model;
  console.error(`prose: ${all} words: ${n.lexicon} lexicon, ${n.homograph} homograph, ${n.model} model (${(100 * n.model / all).toFixed(1)}% unknown)`);
}
for (const [name, ss] of texts) {
  const block = name === '100% OOV' ? 2 : Math.max(1, Math.round(600 / countWords(ss)));
  const blocks = Array.from({ length: Math.floor(ss.length / block) }, (_, b) => ss.slice(b * block, (b + 1) * block));
  const perCall = block * countWords(blocks.flat());
  const suite = new Benchmark.Suite(name);
  let i = 0, j = 0;
  let cur = new G2P(g.parts);
  if (name === WARM) for (const x of prose) cur.pronounce(x); // one pass first: the text's unknown words (at most 4,096) are cached
  suite.add('seqattn g2p', () => {
    if (i % blocks.length === 0 && name !== WARM) cur = new G2P(g.parts); // a new pass: an empty cache
    for (const x of blocks[i++ % blocks.length]) cur.pronounce(x);
  }, { maxTime });
  suite.add('phonemize', () => { for (const x of blocks[j++ % blocks.length]) toARPABET(x); }, { maxTime });
  suite.on('cycle', (e) => console.error(`  ${name}: ${String(e.target)}`));
  suite.run();
  const [a, b] = suite.map((x) => x.hz * perCall);
  const rme = suite.map((x) => x.stats.rme.toFixed(1));
  rows.push(`| ${name} | ${Math.round(a).toLocaleString('en-US')} (±${rme[0]}%) | ${Math.round(b).toLocaleString('en-US')} (±${rme[1]}%) | ${(a / b).toFixed(2)} |`);
}
// Where the time goes on the prose: one pass each, 3 rounds: a first reading (the model decodes each
// new unknown word), cache warm with the tagger, cache warm without it (the dictionary path).
const proseWords = countWords(prose) * prose.length;
const pass = (x) => { const t0 = performance.now(); for (const s of prose) x.pronounce(s); return Math.round(proseWords / ((performance.now() - t0) / 1000)); };
const breakdown = [];
for (let r = 0; r < 3; r++) {
  const cold = pass(new G2P(g.parts));
  const tagged = new G2P(g.parts); pass(tagged);
  const plain = new G2P({ ...g.parts, tagger: null }); pass(plain);
  breakdown.push(`| ${r + 1} | ${cold.toLocaleString('en-US')} | ${pass(tagged).toLocaleString('en-US')} | ${pass(plain).toLocaleString('en-US')} |`);
}
g.dispose();
console.log(`words/s (${WORDS}-word sentences; heteronym sentences ${countWords(heteronymText).toFixed(1)} words, prose ${countWords(prose).toFixed(1)}), node ${process.version}, maxTime ${maxTime} s\n`);
console.log('| text | seqattn g2p() | phonemize toARPABET | ratio |\n|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nprose, one pass, words/s\n\n| round | first reading | cache warm | cache warm, no tagger |\n|---|---|---|---|');
for (const r of breakdown) console.log(r);
