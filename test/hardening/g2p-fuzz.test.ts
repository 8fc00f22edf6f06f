// g2p(text) under random text and options (tools/fuzz/g2p.ts, the `npm run fuzz` target): a result
// whose tokens slice the input in order, or a typed error of the kind the options allow; linear time.
// 300 cases with a fixed seed here; `npm run fuzz -- --only g2p` runs 20,000 with a fresh one.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { g2pProperty, residentG2P } from '../../tools/fuzz/g2p.js';

test('g2p(text): 300 random texts (any Unicode, numbers, symbols, long runs) and options: tokens in order, typed errors only, no hang', async () => {
  const g = await residentG2P();
  try {
    const details = fc.check(g2pProperty(g), { numRuns: 300, seed: 11 });
    assert.ok(!details.failed, `${String((details.errorInstance as Error)?.stack ?? details.errorInstance).slice(0, 1500)}\n${fc.defaultReportMessage(details)?.slice(0, 2000)}`);
  } finally {
    g.dispose();
  }
});

test.run();
