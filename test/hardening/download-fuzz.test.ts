// The downloads target of `npm run fuzz` (tools/fuzz/download.ts) at a fixed seed and a small
// scale: a misbehaving local server, 240 downloads; every one a result of exactly the bytes sent
// or a SeqattnError, none hanging, no unhandled rejection. `npm run fuzz -- --only downloads` runs 20,000.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { downloadTarget } from '../../tools/fuzz/download.js';

test('downloads from a misbehaving server: typed errors or the exact bytes, no hang, no unhandled rejection (240 cases, seed 7)', async () => {
  const target = downloadTarget(7);
  const details = await target.run(240);
  assert.not.ok(details.failed, `${String(details.errorInstance)}\n${details.counterexample ? JSON.stringify(details.counterexample) : ''}`);
  assert.is(details.numRuns, 240);
  const summary = target.extra();
  assert.match(summary, / 0 untyped, 0 hangs, 0 unhandled rejections$/, summary);
  assert.match(summary, /downloads: [1-9]\d* results/, `some downloads succeed: ${summary}`);
});

test.run();
