// The G2P input policy and tokenisation: src/g2p/text.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
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

test('characters outside letters, digits, spaces and punctuation: one symbol token each, at its position', () => {
  for (const [text, ch, at] of [['hi 😀', '😀', 3], ['привет', 'п', 0], ['tea 茶', '茶', 4], ['a © b', '©', 2]] as const) {
    const t = tokenize(text).find((x) => x.kind === 'symbol');
    assert.ok(t, text);
    assert.is(t!.start, at);
    assert.is(text.slice(t!.start, t!.end), ch);
  }
  assert.equal(tokenize('привет').map((t) => t.kind), Array(6).fill('symbol'));
});

test('URLs, e-mail addresses and bare domains are one token; numbers keep their separators', () => {
  const kinds = (s: string) => tokenize(s).map((t) => `${t.kind[0]}:${t.text}`).join(' ');
  assert.is(kinds('see https://example.com/a?b=1, or www.x.org.'), 'w:see u:https://example.com/a?b=1 p:, w:or u:www.x.org p:.');
  assert.is(kinds('mail me@example.com or docs.python.org/3'), 'w:mail e:me@example.com w:or u:docs.python.org/3');
  assert.is(kinds('3/4/2021 10:30 555-1234 1990-1995 50¢ ¥100 2.5M'), 'n:3/4/2021 n:10:30 n:555-1234 n:1990-1995 n:50¢ n:¥100 n:2.5 w:M');
});

test.run();
