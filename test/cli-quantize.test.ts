// `seqattn quantize IN OUT` as a user runs it (node dist/cli.js, built by `npm run build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quantizeModel } from '../src/quantize.js';
import { modelSourceFromPath } from '../src/node.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-quantize-'));
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });

test('seqattn quantize writes the bytes of quantizeModel; translate reads the file', async () => {
  const fixture = join(root, 'test', 'fixtures', 'bahdanau-tanh'); // a folder with config.json
  const out = join(tmp, 'm.int8.safetensors');
  const r = run(['quantize', fixture, out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /int8 tensors/);
  const want = await quantizeModel(modelSourceFromPath(fixture));
  assert.ok(Buffer.from(want.bytes).equals(readFileSync(out)), 'same bytes as quantizeModel');
  const t = run(['translate', '--model', out, '1 2 3']);
  assert.is(t.status, 0, t.stderr);
});

test('seqattn quantize: usage errors exit 2, a missing file exits 1, one line on stderr', () => {
  for (const [args, code, re] of [[[], 2, /IN and OUT/], [['a'], 2, /IN and OUT/], [['--x', 'a', 'b'], 2, /unknown option --x/],
    [[join(tmp, 'nope.safetensors'), join(tmp, 'o')], 1, /nope/]] as const) {
    const r = run(['quantize', ...args]);
    assert.is(r.status, code, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
  }
  assert.match(run(['quantize', '--help']).stdout, /Usage: seqattn quantize/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
