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
