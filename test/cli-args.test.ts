// src/cli/args.ts: the one argv scanner of the subcommands.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanArgs } from '../src/cli/args.js';

const usage = (m: string) => new Error(m);

/** What a parser built on scanArgs sees, as text: operands as themselves, options as name=value or name. */
function scan(argv: string[], valued: string[]): string[] {
  const out: string[] = [];
  for (const a of scanArgs(argv, usage)) {
    if (a.operand !== undefined) out.push(a.operand);
    else if (valued.includes(a.name)) out.push(`${a.name}=${a.value()}`);
    else { a.flag(); out.push(a.name); }
  }
  return out;
}

test('operands, --name value, --name=value, flags, - and -- in order', () => {
  assert.equal(scan(['a', '--beam', '5', '--svg=x.svg', '--attention', '-', 'b', '--', '--not-an-option', '-x'], ['--beam', '--svg']),
    ['a', '--beam=5', '--svg=x.svg', '--attention', '-', 'b', '--not-an-option', '-x']);
  assert.equal(scan(['--svg='], ['--svg']), ['--svg='], 'an empty =value is a value');
  assert.equal(scan(['-h'], []), ['-h']);
});

test('a value missing at the end, or given to a flag, is the usage error', () => {
  assert.throws(() => scan(['a', '--beam'], ['--beam']), /--beam needs a value/);
  assert.throws(() => scan(['--attention=yes'], []), /--attention takes no value/);
});

test.run();
