import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../src/wasm.js';

test('runtime is compiled once and alloc returns 16-byte aligned regions', async () => {
  const a = await runtime();
  const b = await runtime();
  assert.is(a, b);
  const p = a.alloc(100);
  const q = a.alloc(7);
  assert.is(p % 16, 0);
  assert.is(q % 16, 0);
  assert.ok(q >= p + 100 || p >= q + 7, 'regions do not overlap');
  a.free(p); a.free(q);
});

test.run();
