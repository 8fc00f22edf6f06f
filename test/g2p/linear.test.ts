// g2p(text) does work linear in the text: the tagger (compromise, whose time grows faster than
// linearly with a sentence's length) never sees more than a bounded window, however long a
// sentence is, and sees a bounded number of words per heteronym. Structural, not timed:
// tools/g2p-scaling.ts measures the time (docs/g2p.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { G2P, loadG2P, type Tagger } from '../../src/node.js';

test('one sentence of 19,000 words with heteronyms throughout: every tagger call <= 56 words, total <= 9 per heteronym', async () => {
  const g = await loadG2P({ model: false, homographs: false });
  const calls: number[] = [];
  const spy: Tagger = { tag: (words) => { calls.push(words.length); return words.map(() => 'verb'); } };
  const base = 'they read the record and then we will lead a quiet walk to the old house near the river'.split(' ');
  for (const n of [base.length * 250, base.length * 1000]) {
    calls.length = 0;
    const text = Array.from({ length: n }, (_, k) => base[k % base.length]).join(' ');
    const x = new G2P({ ...g.parts, tagger: spy });
    const r = x.pronounce(text);
    const heteronyms = r.tokens.filter((t) => t.kind === 'word' && t.source === 'homograph').length;
    assert.is(heteronyms, 3 * n / base.length, `${n}: every read/record/lead tagged`);
    assert.ok(Math.max(...calls) <= 48 + 8, `${n}: longest call ${Math.max(...calls)} words`);
    const total = calls.reduce((a, b) => a + b, 0);
    assert.ok(total <= 9 * heteronyms, `${n}: ${total} words tagged for ${heteronyms} heteronyms`);
    assert.is(total, x.taggedWords);
  }
  // A sentence without heteronyms is never tagged.
  calls.length = 0;
  new G2P({ ...g.parts, tagger: spy }).pronounce('a quiet walk to the old house near the river '.repeat(2000));
  assert.is(calls.length, 0);
});

test.run();
