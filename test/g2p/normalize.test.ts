// Text normalization (src/g2p/normalize.ts): what a reader says for what people write, each
// normalized token saying what it was (normalized.kind) and what it became (normalized.spoken);
// and test/g2p/normalization.tsv (written for seqattn) per category.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadG2P, type G2PResult, type G2PWord } from '../../src/node.js';

let g: Awaited<ReturnType<typeof loadG2P>>;
test.before(async () => { g = await loadG2P(); });
test.after(() => g.dispose());
/** The words said, lower case, punctuation dropped. */
const said = (r: G2PResult) => r.tokens.filter((t): t is G2PWord => t.kind === 'word').flatMap((t) => t.parts.map((p) => p.word)).join(' ');
const say = (text: string, options = {}) => said(g.pronounce(text, options));

test('numbers by context: years only where a year is read, cardinals with separators, decimals, negatives, ordinals, fractions, ranges, percent', () => {
  const cases: [string, string][] = [
    ['The ship carried 1234 passengers.', 'the ship carried one thousand two hundred thirty four passengers'],
    ['in 1990', 'in nineteen ninety'], ['the 1990s', 'the nineteen nineties'], ["the '90s", 'the nineties'],
    ['On Jan. 5, 1990 it rained.', 'on january fifth nineteen ninety it rained'],
    ['1,000,000', 'one million'], ['3.75', 'three point seven five'], ['-40', 'minus forty'], ['the 2nd and 23rd', 'the second and twenty third'],
    ['1/2', 'one half'], ['3/4', 'three quarters'], ['2 1/2 miles', 'two and a half miles'],
    ['1990-1995', 'nineteen ninety to nineteen ninety five'], ['pages 10-20', 'pages ten to twenty'], ['50%', 'fifty percent'],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
});

test('Indian digit grouping by locale: its value in en-US (with a warning), lakh and crore in en-IN', () => {
  const us = g.pronounce('1,00,000');
  assert.is(said(us), 'one hundred thousand');
  assert.equal(us.warnings.map((w) => w.code), ['W_G2P_NUMBER']);
  assert.is(say('1,00,000', { locale: 'en-IN' }), 'one lakh');
  assert.is(say('2,50,00,000', { locale: 'en-IN' }), 'two crore fifty lakh');
});

test('currency with scale words and cents: $, £, €, ¥, ¢', () => {
  const cases: [string, string][] = [
    ['$2.5 billion', 'two point five billion dollars'], ['€1.5M', 'one point five million euros'], ['50¢', 'fifty cents'],
    ['$12.50', 'twelve dollars and fifty cents'], ['£3', 'three pounds'], ['¥100', 'one hundred yen'], ['$5k', 'five thousand dollars'], ['$0.99', 'ninety nine cents'],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
});

test('phone numbers and digit strings digit by digit; times; dates numeric and with month names', () => {
  const cases: [string, string][] = [
    ['555-1234', 'five five five one two three four'], ['dial 911', 'dial nine one one'], ['(555) 123-4567', 'five five five one two three four five six seven'],
    ['10:00', "ten o'clock"], ['7:05', 'seven oh five'], ['10:30 pm', 'ten thirty p m'],
    ['3/4/2021', 'march fourth twenty twenty one'], ['Jan. 5', 'january fifth'], ['2021-12-25', 'december twenty fifth twenty twenty one'], ['5 May 1985', 'the fifth of may nineteen eighty five'],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
});

test('roman numerals after names, titles and centuries', () => {
  const cases: [string, string][] = [
    ['World War II', 'world war two'], ['Henry VIII', 'henry the eighth'], ['Queen Elizabeth II', 'queen elizabeth the second'], ['Louis XIV was king', 'louis the fourteenth was king'],
    ['the XIX century', 'the nineteenth century'], ['Chapter IV', 'chapter four'], ['I think so', 'i think so'],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
});

test('units, math symbols, &, @, #, URLs and e-mail addresses', () => {
  const cases: [string, string][] = [
    ['5 km', 'five kilometers'], ['60 mph', 'sixty miles per hour'], ['72°F', 'seventy two degrees fahrenheit'], ['1 kg', 'one kilogram'], ['-5°C', 'minus five degrees celsius'],
    ['2 + 2 = 4', 'two plus two equals four'], ['3 x 4', 'three times four'], ['Tom & Jerry', 'tom and jerry'], ['#1 seed', 'number one seed'], ['#tbt', 'hashtag tbt'],
    ['me@example.com', 'me at example dot com'], ['https://www.example.com/docs', 'w w w dot example dot com slash docs'], ['see example.org.', 'see example dot org'],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
  assert.is(say('meet @ noon'), 'meet at noon');
});

test('abbreviations by context; all-capital words the dictionary lacks as letters', () => {
  const cases: [string, string][] = [
    ['Dr. Smith', 'doctor smith'], ['Smith Dr.', 'smith drive'], ['St. Louis', 'saint louis'], ['Main St.', 'main street'], ['Mr. Jones', 'mister jones'],
    ['cats vs. dogs', 'cats versus dogs'], ['pens, paper, etc.', 'pens paper et cetera'], ['fruit, e.g. apples', 'fruit for example apples'],
    ['GPU', 'g p u'], ['the WTO', 'the w t o'], ['NASA', 'nasa'], ['GPUs', "g p u's"],
  ];
  for (const [x, y] of cases) assert.is(say(x), y, x);
});

test('every normalized token says what it was and what it became; offsets are the input as written', () => {
  const text = 'In 1990 I paid $2.5 billion at 10:00 on 3/4/2021, Dr. Smith.';
  const r = g.pronounce(text);
  const norm = r.tokens.filter((t): t is G2PWord => t.kind === 'word' && t.normalized !== undefined).map((t) => [t.text, t.normalized!.kind, t.normalized!.spoken]);
  assert.equal(norm, [['1990', 'year', 'nineteen ninety'], ['$2.5 billion', 'currency', 'two point five billion dollars'], ['10:00', 'time', "ten o'clock"],
    ['3/4/2021', 'date', 'march fourth twenty twenty one'], ['Dr.', 'abbreviation', 'doctor']]);
  for (const t of r.tokens) assert.is(text.slice(t.start, t.end), t.text);
  const plain = r.tokens.find((t) => t.text === 'paid') as G2PWord;
  assert.is(plain.normalized, undefined);
});

test('test/g2p/normalization.tsv: every category read as written there, compared as phonemes without stress (at most 1 miss in all)', () => {
  const lexicon = g.parts.lexicon!;
  // Every reading of the words (each word's CMUdict variants; a one-letter word also as its letter name).
  const readingsOf = (words: string) => words.split(' ').reduce<string[]>((acc, w) => {
    const vs = [...(lexicon.lookup(w) ?? [[`?${w}`]]).map((v) => v.map((p) => p.replace(/\d/g, '')).join(' ')), ...(w === 'a' ? ['EY'] : [])];
    return acc.flatMap((a) => vs.map((v) => (a ? `${a} ${v}` : v)));
  }, ['']);
  const rows = readFileSync(join(import.meta.dirname, 'normalization.tsv'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));
  const by: Record<string, [number, number]> = {};
  const misses: string[] = [];
  for (const [input, readings, category] of rows) {
    const r = g.pronounce(input);
    const got = r.tokens.flatMap((t) => (t.kind === 'word' ? t.phonemes : [])).map((p) => p.replace(/\d/g, '')).join(' ');
    const ok = readings.split(' | ').some((x) => readingsOf(x.trim()).includes(got));
    const c = (by[category] ??= [0, 0]);
    c[1]++;
    if (ok) c[0]++; else misses.push(`${input} -> ${said(r)}: ${got}`);
  }
  console.log(`      normalization.tsv: ${Object.entries(by).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(', ')}`);
  assert.ok(rows.length >= 50);
  assert.ok(misses.length <= 1, misses.join('\n'));
});

test('characters that fold to several pieces (found by the g2p fuzz target): one token each, never empty, never untyped', () => {
  for (const [text, spoken] of [['ẚ', 'AH0'], ['ŉ', 'EH1 N'], ['½', 'W AH1 N HH AE1 F'], ['0st', 'Z EH1 R AH0 TH']] as const) {
    const r = g.pronounce(text);
    assert.equal(r.tokens.map((t) => [t.text, t.start, t.end]), [[text, 0, text.length]], text);
    assert.is((r.tokens[0] as G2PWord).phonemes.join(' '), spoken, text);
  }
  // 1½ is one and a half, not eleven halves
  const r = g.pronounce('1½ cups');
  assert.equal(r.tokens.map((t) => t.text), ['1', '½', 'cups']);
});

test.run();
