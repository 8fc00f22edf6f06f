// The G2P input policy (issue 12 item 9) and tokenisation: src/g2p/text.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqattnError } from '../../src/errors.js';
import { fold, tokenize } from '../../src/g2p/text.js';

test('fold: NFKD without combining marks, common letters folded, typographic punctuation to ASCII', () => {
  const cases: [string, string][] = [['café', 'cafe'], ['naïve', 'naive'], ['straße', 'strasse'], ['æon', 'aeon'], ['Œuvre', 'OEuvre'],
    ['Søren', 'Soren'], ['Łódź', 'Lodz'], ['þorn', 'thorn'], ['e\u0301', 'e'], ['it’s', "it's"], ['“hi”', '"hi"'], ['a—b', 'a-b'], ['ﬁne', 'fine'], ['…', '...']];
  for (const [x, y] of cases) assert.is(fold(x).folded, y, x);
});

test('fold keeps the offset of each folded character in the original text', () => {
  const { folded, origin } = fold('aßé!');
  assert.is(folded, 'asse!');
  assert.equal(origin, [0, 1, 1, 2, 3, 4]);
});

test('tokenize: words, numbers, punctuation, with offsets into the original text', () => {
  const text = 'Well-known café, it’s 1990!';
  const tokens = tokenize(text);
  assert.equal(tokens.map((t) => [t.kind, t.text]), [['word', 'Well-known'], ['word', 'cafe'], ['punctuation', ','], ['word', "it's"], ['number', '1990'], ['punctuation', '!']]);
  assert.equal(tokens.map((t) => text.slice(t.start, t.end)), ['Well-known', 'café', ',', 'it’s', '1990', '!']);
});

test('tokenize: number forms and digits glued to letters', () => {
  const kinds = (s: string) => tokenize(s).map((t) => `${t.kind[0]}:${t.text}`).join(' ');
  assert.is(kinds('$12.50 and -5, 50% (21st) 1,234.5 the 1990s mp3'), 'n:$12.50 w:and n:-5 p:, n:50% p:( n:21st p:) n:1,234.5 w:the n:1990s w:mp n:3');
  assert.is(kinds('a-5'), 'w:a p:- n:5', 'a minus sign only at a word start');
  assert.is(kinds('  \t '), '', 'whitespace only: no tokens');
});

test('characters outside letters, digits, spaces and punctuation: E_UNKNOWN_TOKEN naming the character and its position', () => {
  for (const [text, ch, at] of [['hi 😀', 'U+1F600', 3], ['привет', 'U+043F', 0], ['tea 茶', 'U+8336', 4], ['a © b', 'U+00A9', 2]] as const) {
    try {
      tokenize(text);
      assert.unreachable(text);
    } catch (e) {
      assert.instance(e, SeqattnError);
      assert.is((e as SeqattnError).code, 'E_UNKNOWN_TOKEN');
      assert.match((e as Error).message, ch);
      assert.match((e as Error).message, `position ${at}`);
    }
  }
});

test.run();
