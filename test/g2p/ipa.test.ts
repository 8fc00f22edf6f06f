// ARPAbet -> IPA with stress marks before the stressed syllable (maximal onset): src/g2p/ipa.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ARPABET_TO_IPA, syllabify, toIpa } from '../../src/g2p/ipa.js';

const p = (s: string) => s.split(' ');

test('syllabify by maximal onset', () => {
  const cases: [string, string][] = [
    ['AH0 T EH1 N SH AH0 N', 'AH0 . T EH1 N . SH AH0 N'],
    ['EH1 K S T R AH0', 'EH1 K . S T R AH0'],
    ['K AE1 T', 'K AE1 T'],
    ['HH AE1 M B ER0 G ER0', 'HH AE1 M . B ER0 . G ER0'],
    ['IH2 N K R IY1 S', 'IH2 N . K R IY1 S'],
    ['S IH1 NG ER0', 'S IH1 NG . ER0'],
    ['S T R', 'S T R'],
  ];
  for (const [x, y] of cases) assert.is(syllabify(p(x)).map((s) => s.join(' ')).join(' . '), y, x);
});

test('toIpa: General American symbols, schwa for unstressed AH / ER, ˈ and ˌ before the syllable', () => {
  const cases: [string, string][] = [
    ['AH0 T EH1 N SH AH0 N', 'əˈtɛnʃən'],
    ['K AE1 T', 'ˈkæt'],
    ['B AH1 T ER0', 'ˈbʌtɚ'],
    ['F ER1 S T', 'ˈfɝst'],
    ['IH2 N K R IY1 S', 'ˌɪnˈkɹis'],
    ['R EH1 F Y UW2 Z', 'ˈɹɛˌfjuz'],
    ['DH AH0', 'ðə'],
    ['CH EY1 N JH IH0 NG', 'ˈtʃeɪndʒɪŋ'],
  ];
  for (const [x, y] of cases) assert.is(toIpa(p(x)), y, x);
});

test('every ARPAbet phoneme of the g2p model has an IPA symbol', () => {
  const arpabet = 'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(' ');
  for (const x of arpabet) assert.ok(ARPABET_TO_IPA[x], x);
  assert.is(Object.keys(ARPABET_TO_IPA).length, 39);
});

test.run();
