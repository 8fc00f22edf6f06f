/**
 * Every CMUdict word whose variants differ in more than stress, and what seqattn's G2P does with it:
 *   table     src/g2p/homographs.ts picks a variant by part of speech
 *   context   src/g2p/context.ts picks by neighbours (meaning words, phrases, hyphenated parts)
 *   reduced   the variants differ only in unstressed vowels (AH0 / IH0 / EH0 / ER0 ...): one word said
 *             with a reduced or a full vowel; the dictionary's first variant is kept
 *   first     the rest: free variation (either, economic), names, or senses no rule separates; the
 *             dictionary's first variant
 *
 * --common keeps only words of compromise's lexicon (about 24,600 common English words and names),
 * the ones worth reading one by one.
 *
 *   npx tsx tools/list-variants.ts [--common] [--list first|reduced|table|context|all]
 */
import { dictionary } from 'cmu-pronouncing-dictionary';
import { CONTEXT_WORDS } from '../src/g2p/context.js';
import { HETERONYMS } from '../src/g2p/homographs.js';
import nlp from 'compromise/two';
import { readDictionary } from './g2p-data.js';

const cmu = readDictionary(dictionary as Record<string, string>);
const argv = process.argv.slice(2);
const list = argv[argv.indexOf('--list') + 1] && argv.includes('--list') ? argv[argv.indexOf('--list') + 1] : undefined;
const noStress = (p: string) => p.replace(/\d/g, '');
// Unstressed vowels as one reduced vowel: variants equal under this differ only in reduction.
const reduced = (p: string) => p.split(' ').map((x) => (/^(AH|IH|EH|ER|IY|UH|UW|AA|AO|AE|EY|OW)0$/.test(x) ? 'V0' : x.replace(/[12]$/, ''))).join(' ');
const out: Record<string, [string, string[]][]> = { table: [], context: [], reduced: [], first: [] };
const common = argv.includes('--common') ? new Set(Object.keys((nlp as unknown as { model(): { one: { lexicon: Record<string, string> } } }).model().one.lexicon)) : undefined;
for (const [w, vs] of cmu) {
  if (common && !common.has(w)) continue;
  if (vs.length < 2 || new Set(vs.map(noStress)).size < 2) continue;
  const kind = Object.prototype.hasOwnProperty.call(HETERONYMS, w) ? 'table' : CONTEXT_WORDS.has(w) ? 'context' : new Set(vs.map(reduced)).size < 2 ? 'reduced' : 'first';
  out[kind].push([w, vs]);
}
const total = Object.values(out).reduce((n, x) => n + x.length, 0);
console.log(`${total} CMUdict words${common ? ' (in compromise\'s lexicon)' : ''} whose variants differ in more than stress: ${Object.entries(out).map(([k, x]) => `${k} ${x.length}`).join(', ')}`);
const tableMissing = Object.keys(HETERONYMS).filter((w) => !out.table.some(([x]) => x === w));
if (tableMissing.length) console.log(`table words whose variants differ only in stress (not counted above): ${tableMissing.join(' ')}`);
for (const [k, xs] of Object.entries(out)) if (list === k || list === 'all') for (const [w, vs] of xs) console.log(`${k}\t${w}\t${vs.join(' | ')}`);
