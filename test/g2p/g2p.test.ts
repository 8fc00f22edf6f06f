// g2p(): the pipeline (src/g2p/g2p.ts) on the bundled model and lexicon: sources, alignment,
// numbers, the input policy of issue 12 item 9, model-only, output forms.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPronunciation, g2p, Lexicon, loadG2P, loadModel, SeqattnError, type G2PWord } from '../../src/node.js';

const words = (r: Awaited<ReturnType<typeof g2p>>) => r.tokens.filter((t): t is G2PWord => t.kind === 'word');

test('a sentence: words from the dictionary, numbers spelled out, punctuation kept, offsets aligned with the input', async () => {
  const text = 'I read 2 books in 1990, didn’t I?';
  const r = await g2p(text);
  assert.equal(r.tokens.map((t) => t.text), ['I', 'read', '2', 'books', 'in', '1990', ',', 'didn’t', 'I', '?']);
  for (const t of r.tokens) assert.is(text.slice(t.start, t.end), t.text);
  const w = words(r);
  assert.equal(w.find((x) => x.text === '1990')!.parts.map((p) => p.word), ['nineteen', 'ninety']);
  assert.is(w.find((x) => x.text === '2')!.phonemes.join(' '), 'T UW1');
  assert.is(w.find((x) => x.text === 'books')!.source, 'lexicon');
  assert.is(w.find((x) => x.text === 'didn’t')!.phonemes.join(' '), 'D IH1 D AH0 N T');
  assert.is(formatPronunciation(r), 'AY1 | R EH1 D | T UW1 | B UH1 K S | IH0 N | N AY1 N T IY1 N N AY1 N T IY0 | , | D IH1 D AH0 N T | AY1 | ?');
});

test('words the dictionary lacks come from the model (source model), the same as translate()', async () => {
  const model = await loadModel('g2p-en');
  const r = await g2p('The blorfity seqattn works.');
  const w = words(r);
  assert.equal(w.map((x) => x.source), ['lexicon', 'model', 'model', 'lexicon']);
  assert.equal(w[1].phonemes, model.translate('blorfity').text.split(' '));
  const only = await g2p('The blorfity works', { lexicon: false });
  assert.ok(words(only).every((x) => x.source === 'model'));
  assert.equal(words(only).map((x) => x.phonemes.join(' ')), ['the', 'blorfity', 'works'].map((x) => model.translate(x).text));
  model.dispose();
});

test('the input policy: folding, hyphenated and spaced words as their parts, whitespace, and characters with no reading', async () => {
  const one = async (s: string) => words(await g2p(s)).map((w) => w.parts.map((p) => p.word).join('+')).join(' ');
  assert.is(await one('well-known'), 'well+known');
  assert.is(await one('café naïve straße Æsop'), 'cafe naive strasse aesop');
  assert.is(await one('new york'), 'new york');
  assert.is(await one('in 1990'), 'in nineteen+ninety');
  assert.equal((await g2p('   ')).tokens, []);
  const wk = words(await g2p('well-known'))[0];
  const [well, known] = await Promise.all(['well', 'known'].map(async (x) => words(await g2p(x))[0].phonemes.join(' ')));
  assert.is(wk.phonemes.join(' '), `${well} ${known}`);
  for (const [bad, at] of [['I 😀 you', 2], ['мир', 0]] as const) {
    try {
      await g2p(bad, { unknown: 'error' });
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, SeqattnError, bad);
      assert.is((e as SeqattnError).code, 'E_G2P_UNSPEAKABLE');
      assert.match((e as Error).message, `position ${at}`);
    }
  }
  const skipped = await g2p('I 😀 you');
  assert.is(await one('I 😀 you'), 'i you');
  assert.equal(skipped.warnings.map((w) => [w.code, w.text, w.start, w.end]), [['W_G2P_SKIPPED', '😀', 2, 4]]);
  assert.is(words(await g2p('9'.repeat(50)))[0].parts.length, 50, 'a number too long for a cardinal: its digits');
});

test('words that are Object.prototype keys are plain words, beside a heteronym too', async () => {
  const r = await g2p('I use the constructor and __proto__ toString hasOwnProperty.');
  const w = words(r);
  assert.is(w[1].source, 'homograph');
  assert.equal(w.map((x) => x.text), ['I', 'use', 'the', 'constructor', 'and', 'proto', 'toString', 'hasOwnProperty']);
  assert.is(w[3].source, 'lexicon');
  assert.ok(w.every((x) => x.phonemes.length > 0));
});

test('bad arguments and over-long words: typed errors, and the G2P keeps working', async () => {
  const g = await loadG2P();
  for (const [f, code] of [[() => g.pronounce(5 as unknown as string), 'E_ARGUMENT'], [() => g.pronounce('a'.repeat(100)), 'E_INPUT_LENGTH']] as const) {
    assert.throws(f, (e: unknown) => e instanceof SeqattnError && e.code === code, code);
  }
  await g2p('x', null as unknown as object).then(() => assert.unreachable(), (e) => assert.is(e.code, 'E_OPTION'));
  await loadG2P(7 as unknown as object).then(() => assert.unreachable(), (e) => assert.is(e.code, 'E_OPTION'));
  assert.is(formatPronunciation(g.pronounce('still fine')), 'S T IH1 L | F AY1 N');
  g.dispose();
});

test('output forms: ARPAbet with and without stress, IPA with punctuation attached', async () => {
  const r = await g2p('Hello, "world" (again).');
  assert.is(formatPronunciation(r, 'arpabet-nostress'), 'HH AH L OW | , | " | W ER L D | " | ( | AH G EH N | ) | .');
  assert.is(formatPronunciation(r, 'ipa'), 'həˈloʊ, "ˈwɝld" (əˈɡɛn).');
});

test('the portable parts: a G2P from lexicon bytes and a loaded model; dictionary-only without a model', async () => {
  const bytes = readFileSync(join(import.meta.dirname, '..', '..', 'models', 'g2p-en', 'lexicon.bin'));
  const model = await loadModel('g2p-en');
  const g = await loadG2P({ lexicon: Lexicon.fromBytes(bytes), model, homographs: false });
  assert.is(formatPronunciation(g.pronounce('use it')), 'Y UW1 S | IH1 T');
  const dictOnly = await loadG2P({ model: false });
  assert.throws(() => dictOnly.pronounce('blorfity'), (e: unknown) => e instanceof SeqattnError && e.code === 'E_UNKNOWN_TOKEN' && /not in the dictionary/.test(e.message));
  await loadG2P({ model: false, lexicon: false }).then(() => assert.unreachable(), (e) => assert.is(e.code, 'E_OPTION'));
  g.dispose();
});

test.run();
