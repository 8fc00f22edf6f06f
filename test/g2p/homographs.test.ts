// Heteronyms by part of speech: the table (src/g2p/homographs.ts) and its accuracy with the
// compromise tagger on test/g2p/heteronyms.tsv, against the dictionary's first variant.
import { dictionary } from 'cmu-pronouncing-dictionary';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadG2P } from '../../src/node.js';
import { HETERONYMS, heteronymPronunciation } from '../../src/g2p/homographs.js';
import { readDictionary } from '../../tools/g2p-data.js';
import { heteronymAccuracy, readHeteronymCases, type HeteronymCase } from '../../tools/g2p-heteronyms.js';
import type { G2P } from '../../src/g2p/g2p.js';

const cmu = readDictionary(dictionary as Record<string, string>);
const cases = readHeteronymCases();

test('every pronunciation in the table is one of the word\'s CMUdict variants, and each word has two', () => {
  for (const [word, h] of Object.entries(HETERONYMS)) {
    const variants = cmu.get(word);
    assert.ok(variants, `${word} is in CMUdict`);
    for (const p of Object.values(h)) assert.ok(variants!.includes(p!), `${word}: ${p} is a CMUdict variant (${variants!.join(' | ')})`);
    assert.ok(new Set(Object.values(h)).size >= 2, `${word} has two pronunciations`);
  }
});

test('fallbacks: past -> verb, adv -> adj -> noun, other -> none', () => {
  assert.is(heteronymPronunciation('read', 'past'), 'R EH1 D');
  assert.is(heteronymPronunciation('refuse', 'past'), 'R IH0 F Y UW1 Z');
  assert.is(heteronymPronunciation('close', 'adv'), 'K L OW1 S');
  assert.is(heteronymPronunciation('object', 'adj'), 'AA1 B JH EH0 K T');
  assert.is(heteronymPronunciation('read', 'other'), undefined);
  assert.is(heteronymPronunciation('cat', 'noun'), undefined);
});

test('the test set: >= 100 sentences, every expected pronunciation a CMUdict variant of its word', () => {
  assert.ok(cases.length >= 100, `${cases.length} sentences`);
  for (const c of cases) for (const t of c.targets) assert.ok(cmu.get(t.word.toLowerCase())?.includes(t.expected), `${c.sentence}: ${t.word} ${t.expected}`);
});

const at = (g: G2P, c: HeteronymCase) => {
  const r = g.pronounce(c.sentence);
  return c.targets.map((t) => {
    const w = r.tokens.find((x) => x.start === t.start);
    return w?.kind === 'word' ? w.phonemes.join(' ') : '';
  });
};

test('accuracy with the tagger >= 85% and far above the first-variant baseline; heteronym words say source homograph', async () => {
  const g = await loadG2P({ model: false });
  const base = await loadG2P({ model: false, homographs: false });
  const ours = heteronymAccuracy(cases, (c) => at(g, c));
  const first = heteronymAccuracy(cases, (c) => at(base, c));
  console.log(`      heteronyms: ${ours.correct}/${ours.total} with the tagger, ${first.correct}/${first.total} first variant`);
  assert.ok(ours.correct / ours.total >= 0.85, `${ours.correct}/${ours.total}`);
  assert.ok(ours.correct - first.correct >= 50);
  const r = g.pronounce('I refuse to collect the refuse.');
  const words = r.tokens.filter((t) => t.kind === 'word');
  assert.equal(words.map((w) => w.source), ['lexicon', 'homograph', 'lexicon', 'lexicon', 'lexicon', 'homograph']);
  assert.equal(words.map((w) => w.phonemes.join(' ')).filter((_, k) => k === 1 || k === 5), ['R IH0 F Y UW1 Z', 'R EH1 F Y UW2 Z']);
  assert.is(base.pronounce('I refuse.').tokens[1].kind === 'word' && (base.pronounce('I refuse.').tokens[1] as { source: string }).source, 'lexicon');
});

test.run();
