// The packed pronouncing dictionary: src/g2p/lexicon.ts, and models/g2p-en/lexicon.bin as
// tools/pack-lexicon.ts builds it (npm run build).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dictionary } from 'cmu-pronouncing-dictionary';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeqattnError } from '../../src/errors.js';
import { Lexicon, packLexicon } from '../../src/g2p/lexicon.js';
import { readDictionary } from '../../tools/g2p-data.js';

const file = join(import.meta.dirname, '..', '..', 'models', 'g2p-en', 'lexicon.bin');

test('pack -> read round trip: front-coded words, variants in order, first() the first', () => {
  const entries = new Map([['abc', ['AE1 B K']], ['ab', ['AE1 B', 'EY1 B IY1']], ["o'neill", ['OW0 N IY1 L']], ['b', ['B IY1']], ['abcd', ['AE1 B K D']]]);
  const lex = Lexicon.fromBytes(packLexicon(entries));
  assert.is(lex.size, 5);
  assert.equal([...lex.words()], ['ab', 'abc', 'abcd', 'b', "o'neill"]);
  for (const [w, prons] of entries) assert.equal(lex.lookup(w), prons.map((p) => p.split(' ')), w);
  assert.equal(lex.first('ab'), ['AE1', 'B']);
  assert.is(lex.lookup('zz'), undefined);
  assert.is(lex.first('a'), undefined);
});

test('bytes that are not a packed lexicon: E_LEXICON', () => {
  const good = packLexicon(new Map([['ab', ['AE1 B']], ['ac', ['AE1 K']]]));
  const bad: Uint8Array[] = [new TextEncoder().encode('hello\n'), good.slice(0, good.length - 3), Uint8Array.from([...good.slice(0, good.length - 4), 0xff, 0x0a])];
  const wrongPrefix = good.slice(); wrongPrefix[wrongPrefix.indexOf(0x0a, 30) + 1] = 9; bad.push(wrongPrefix);
  for (const b of bad) {
    try {
      Lexicon.fromBytes(b, 'x.bin');
      assert.unreachable();
    } catch (e) {
      assert.instance(e, SeqattnError);
      assert.is((e as SeqattnError).code, 'E_LEXICON');
      assert.match((e as Error).message, /^x\.bin: not a seqattn lexicon/);
    }
  }
});

test('models/g2p-en/lexicon.bin holds every CMUdict word with all its variants, first = the dictionary first, <= 1.5 MB gzip', () => {
  const bytes = readFileSync(file);
  const lex = Lexicon.fromBytes(bytes);
  const d = readDictionary(dictionary as Record<string, string>);
  assert.is(lex.size, d.size);
  for (const [w, prons] of d) {
    const got = lex.lookup(w)!;
    assert.ok(got && got.length === prons.length && got.every((p, k) => p.join(' ') === prons[k]), w);
  }
  const gz = gzipSync(bytes, { level: 9 }).length;
  assert.ok(gz <= 1.5e6, `${gz} bytes gzip`);
  console.log(`      lexicon.bin: ${lex.size} words, ${bytes.length} bytes, ${gz} gzip`);
});

test('the package ships models/g2p-en/lexicon.bin (npm pack, files)', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
  const files = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
  assert.ok(files.includes('models/g2p-en/lexicon.bin'), files.join(', '));
});

test.run();
