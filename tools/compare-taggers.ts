/**
 * Which part-of-speech tagger picks heteronym pronunciations best (issue 13): each candidate tags
 * the sentences of test/g2p/heteronyms.tsv, the tag of each marked word picks its pronunciation
 * from the heteronym table (src/g2p/homographs.ts), scored against the expected one; beside the
 * baseline that always takes the dictionary's first variant. The candidates are not dependencies:
 *
 *   npm install --no-save compromise wink-nlp wink-eng-lite-web-model en-pos && npx tsx tools/compare-taggers.ts
 */
import { createRequire } from 'node:module';
import { dictionary } from 'cmu-pronouncing-dictionary';
import { coarsePenn, heteronymPronunciation, type CoarsePos } from '../src/g2p/homographs.js';
import { heteronymAccuracy, readHeteronymCases, type HeteronymCase } from './g2p-heteronyms.js';

const require = createRequire(import.meta.url);
const cases = readHeteronymCases();
const dict = dictionary as Record<string, string>;

/** Tags per target from a tagger that gives [word, tag] pairs for the sentence: the n-th same word. */
function align(c: HeteronymCase, terms: [string, CoarsePos][]): CoarsePos[] {
  return c.targets.map((t) => {
    const nth = [...c.sentence.slice(0, t.start).matchAll(new RegExp(`\\b${t.word}\\b`, 'gi'))].length;
    const hits = terms.filter(([w]) => w.toLowerCase() === t.word.toLowerCase());
    return hits[nth]?.[1] ?? 'other';
  });
}
const pick = (c: HeteronymCase, tags: CoarsePos[]) => c.targets.map((t, k) => heteronymPronunciation(t.word.toLowerCase(), tags[k]) ?? dict[t.word.toLowerCase()]);

const taggers: Record<string, () => (c: HeteronymCase) => CoarsePos[]> = {
  'en-pos': () => {
    const { Tag } = require('en-pos');
    return (c) => {
      const words = c.sentence.match(/[A-Za-z']+|[^\sA-Za-z']/g)!;
      const tags: string[] = new Tag(words).initial().smooth().tags;
      return align(c, words.map((w, k) => [w, coarsePenn(tags[k])]));
    };
  },
  compromise: () => {
    const nlp = require('compromise');
    const coarse = (tags: string[]): CoarsePos =>
      tags.includes('Verb') ? (tags.includes('PastTense') || tags.includes('Participle') ? 'past' : 'verb')
        : tags.includes('Adjective') ? 'adj' : tags.includes('Adverb') ? 'adv' : tags.includes('Noun') ? 'noun' : 'other';
    return (c) => align(c, nlp(c.sentence).json()[0].terms.map((t: { text: string; tags: string[] }) => [t.text, coarse(t.tags)]));
  },
  'wink-nlp': () => {
    const nlp = require('wink-nlp')(require('wink-eng-lite-web-model'));
    const coarse: Record<string, CoarsePos> = { NOUN: 'noun', PROPN: 'noun', VERB: 'verb', AUX: 'verb', ADJ: 'adj', ADV: 'adv' };
    return (c) => {
      const doc = nlp.readDoc(c.sentence);
      const words: string[] = doc.tokens().out(nlp.its.value);
      const pos: string[] = doc.tokens().out(nlp.its.pos);
      return align(c, words.map((w, k) => [w, coarse[pos[k]] ?? 'other']));
    };
  },
};

const base = heteronymAccuracy(cases, (c) => c.targets.map((t) => dict[t.word.toLowerCase()]));
console.log(`${cases.length} sentences, ${base.total} heteronyms`);
console.log(`first dictionary variant: ${base.correct}/${base.total} = ${(100 * base.correct / base.total).toFixed(1)}%`);
for (const [name, make] of Object.entries(taggers)) {
  let tag: (c: HeteronymCase) => CoarsePos[];
  try { tag = make(); } catch (e) { console.log(`${name}: not installed (${(e as Error).message.split('\n')[0]})`); continue; }
  const t0 = performance.now();
  const r = heteronymAccuracy(cases, (c) => pick(c, tag(c)));
  const ms = (performance.now() - t0) / cases.length;
  console.log(`${name}: ${r.correct}/${r.total} = ${(100 * r.correct / r.total).toFixed(1)}%  (${ms.toFixed(2)} ms/sentence incl. first-call setup)`);
  if (process.argv.includes('--wrong')) for (const w of r.wrong) console.log(`  ${w}`);
}
