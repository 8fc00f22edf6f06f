// Shared by the command-line tests (not a test file itself: no .test.ts suffix).
import * as assert from 'uvu/assert';

/** A finished `seqattn` process: exit code and the two streams. */
export interface CliRun { code: number | null; out: string; err: string }

/** Exit code `code` and exactly one line on stderr, `seqattn: ...` matching `re`. */
export function fails(r: CliRun, code: number, re: RegExp): void {
  assert.is(r.code, code, `exit code (stderr: ${r.err})`);
  const lines = r.err.split('\n').filter(Boolean);
  assert.is(lines.length, 1, `one line on stderr, got ${JSON.stringify(r.err)}`);
  assert.match(lines[0], /^seqattn: /);
  assert.match(lines[0], re);
}
