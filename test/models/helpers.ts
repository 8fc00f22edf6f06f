// Shared by the model tests: fixture paths and an assertion for typed errors.
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { SeqattnError } from '../../src/errors.js';

export const committedFixtures = join(import.meta.dirname, '..', 'fixtures');

/** Asserts `fn` throws (or rejects with) a SeqattnError with `code` whose message contains each of `parts`. */
export async function throwsCode(fn: () => unknown, code: string, ...parts: string[]): Promise<SeqattnError> {
  let err: unknown;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}, nothing was thrown`);
  assert.instance(err, SeqattnError, `expected a SeqattnError, got ${String(err)}`);
  const e = err as SeqattnError;
  assert.is(e.code, code, `code (message: ${e.message})`);
  for (const p of parts) assert.ok(e.message.includes(p), `message should contain ${JSON.stringify(p)}: ${e.message}`);
  return e;
}

/**
 * Smallest share of steps at which int8 weights pick float32's greedy token, per fixture folder.
 * The luong fixtures (random weights through stacked LSTMs, tools/make_fixtures.py) have small
 * logit margins, so rounding flips more near-ties: measured 94.3% (concat, bidirectional, 2 layers)
 * to 99.7% (dot); the GRU fixtures 99.6% and up. A broken int8 path agrees on a few % at most.
 */
export function int8TokenAgreement(folder: string): number {
  return folder.startsWith('luong-') ? 0.93 : 0.99;
}
