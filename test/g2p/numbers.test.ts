// Numbers as words: src/g2p/numbers.ts (n2words for cardinals, ordinals, dollars; the rest here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqattnError } from '../../src/errors.js';
import { numberWords, yearWords } from '../../src/g2p/numbers.js';

test('cardinals, ordinals, years, decades, decimals, currency, percent, signs', () => {
  const cases: [string, string][] = [
    ['0', 'zero'], ['2', 'two'], ['42', 'forty two'], ['101', 'one hundred one'], ['1,234,567', 'one million two hundred thirty four thousand five hundred sixty seven'],
    ['1990', 'nineteen ninety'], ['1905', 'nineteen oh five'], ['1900', 'nineteen hundred'], ['2000', 'two thousand'], ['2005', 'two thousand five'],
    ['2024', 'twenty twenty four'], ['1066', 'ten sixty six'], ['1000', 'one thousand'], ['3000', 'three thousand'],
    ['1990s', 'nineteen nineties'], ["'80s", 'eighties'], ['1800s', 'eighteen hundreds'],
    ['1st', 'first'], ['2nd', 'second'], ['3rd', 'third'], ['21st', 'twenty first'], ['112th', 'one hundred twelfth'],
    ['3.14', 'three point one four'], ['0.5', 'zero point five'], ['.5', 'point five'], ['2.05', 'two point zero five'],
    ['$1', 'one dollar'], ['$12.50', 'twelve dollars and fifty cents'], ['$0.99', 'ninety nine cents'], ['£3', 'three pounds'], ['€2.50', 'two euros and fifty cents'], ['£0.01', 'one penny'],
    ['50%', 'fifty percent'], ['-5', 'minus five'], ['+3', 'plus three'], ['1,990', 'one thousand nine hundred ninety'],
  ];
  for (const [x, y] of cases) assert.is(numberWords(x).join(' '), y, x);
});

test('yearWords', () => {
  assert.equal(yearWords(1776), ['seventeen', 'seventy', 'six']);
  assert.equal(yearWords(2010), ['twenty', 'ten']);
});

test('a number too long to spell out is a typed error', () => {
  try {
    numberWords('9'.repeat(40));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SeqattnError);
    assert.is((e as SeqattnError).code, 'E_UNKNOWN_TOKEN');
    assert.match((e as Error).message, /40 digits/);
  }
});

test.run();
