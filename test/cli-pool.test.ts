// `seqattn g2p|translate --threads N --weights W` (src/cli/pool.ts) as a user runs it: node dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import { MAX_THREADS } from '../src/cli/args.js';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = join(root, 'test', 'fixtures', 'bahdanau-maxout');
const run = (args: string[], input = '') => spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });

test('translate: stdin on 1 and 3 worker threads gives the same lines, in input order, as the model', async () => {
  const model = await loadModel(fixture);
  const lines = Array.from({ length: 150 }, (_, i) => Array.from({ length: 1 + (i * 7) % 13 }, (_, j) => 4 + (i + j) % 20).join(' '));
  const want = model.translateBatch(lines).map((t, k) => `${lines[k]}  ${t.text}${t.finished ? '' : ' …'}`).join('\n') + '\n';
  model.dispose();
  const one = run(['translate', '--model', fixture, '--threads', '1'], lines.join('\n'));
  const three = run(['translate', '--model', fixture, '--threads', '3'], lines.join('\n'));
  assert.is(one.status, 0, one.stderr);
  assert.is(three.status, 0, three.stderr);
  assert.is(three.stdout, one.stdout, 'same output on 1 and 3 threads');
  assert.is(one.stdout.split('\n').length, lines.length + 1);
  assert.is(one.stdout, want);
});

if (existsSync(join(root, 'models', 'g2p-en', 'model.int8.safetensors'))) {
  test('g2p: int8 by default (the bundled int8 file), --weights float32 the f32 model; threads agree', async () => {
    const words = ['attention', 'worker', 'thread', 'pool', 'quantise', 'zebra', 'a', 'banana'];
    const i8 = await loadModel('g2p-en', { weights: 'int8' }), f32 = await loadModel('g2p-en');
    const lines = (m: typeof i8) => m.translateBatch(words).map((t, k) => `${words[k]}  ${t.text}`).join('\n') + '\n';
    const input = words.join('\n');
    assert.is(run(['g2p', '--threads', '2'], input).stdout, lines(i8));
    assert.is(run(['g2p', '--threads', '1'], input).stdout, lines(i8));
    assert.is(run(['g2p', '--threads', '2', '--weights', 'float32'], input).stdout, lines(f32));
    i8.dispose();
    f32.dispose();
  });
}

test('--threads and --weights: bad values are usage errors (exit 2)', () => {
  for (const args of [['--threads', '0'], ['--threads', 'two'], ['--threads', '9999'], ['--weights', 'int4']]) {
    const r = run(['g2p', ...args, 'word']);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^seqattn: ${args[0]}`));
  }
  // the pool's bound (2 x cores, at least 4), as a usage error (was 256, then the pool's E_OPTION naming `workers`, exit 1)
  const over = String(MAX_THREADS + 1);
  const r = run(['g2p', '--threads', over, 'word']);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`--threads is ${over}, at most ${MAX_THREADS}`));
});

test.run();
