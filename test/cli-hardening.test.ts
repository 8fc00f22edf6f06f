// The `seqattn` command under hostile conditions (issue 12, item 8): write failures are one line,
// EPIPE is silent, --beam is bounded, long inputs are quoted cut, an SVG that cannot be written
// costs no pronunciation, progress on a pipe is rate-limited, a device is not read as a model.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = join(root, 'test', 'fixtures', 'bahdanau-maxout');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-cli-hard-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], o: { input?: string; stdout?: number } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input: o.input ?? '', encoding: 'utf8',
    stdio: ['pipe', o.stdout ?? 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr, lines: r.stderr.split('\n').filter(Boolean) };
}
const translate = (args: string[], o?: Parameters<typeof run>[1]) => run(['translate', '--model', fixture, ...args], o);

test('stdout on /dev/full: one line naming the failure, exit 1 (arguments and stdin)', () => {
  if (!existsSync('/dev/full')) return;
  const fd = openSync('/dev/full', 'w');
  try {
    for (const r of [translate(['ab', 'cd'], { stdout: fd }), translate([], { input: 'ab\ncd\n', stdout: fd })]) {
      assert.is(r.code, 1, r.err);
      assert.equal(r.lines, ['seqattn: cannot write to standard output: ENOSPC (no space left on device)']);
    }
  } finally { closeSync(fd); }
});

test('a reader that goes away (| head -n 1): silent, exit 0', () => {
  const words = join(tmp, 'many.txt');
  writeFileSync(words, Array.from({ length: 3000 }, (_, k) => `w${String.fromCharCode(97 + (k % 26))}`).join('\n'));
  const r = spawnSync('bash', ['-c', `'${process.execPath}' '${cli}' translate --model '${fixture}' < '${words}' | head -n 1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
  assert.is(r.stdout.split('\n').filter(Boolean).length, 1);
  assert.match(r.stderr, /^(seqattn: \d+\/\d+ words.*\n)*status 0\n$/);
});

test('--beam and --nbest are bounded (64), documented in --help', () => {
  for (const args of [['--beam', '65', 'ab'], ['--nbest', '100000', 'ab'], ['--beam', '100000', 'ab']]) {
    const r = translate(args);
    assert.is(r.code, 2);
    assert.is(r.lines.length, 1);
    assert.match(r.lines[0], /^seqattn: --(beam|nbest) is \d+, at most 64/);
  }
  assert.is(translate(['--beam', '64', 'ab']).code, 0);
  assert.match(run(['--help']).out, /--beam N +beam search with N hypotheses, N <= 64/);
});

test('an over-long input is quoted by a short prefix in its error, and the others still translate', () => {
  const long = 'a'.repeat(100_000);
  const r = translate(['ab', long, 'cd']);
  assert.is(r.code, 1);
  assert.is(r.lines.length, 1);
  assert.ok(r.lines[0].length < 300, `error line of ${r.lines[0].length} characters`);
  assert.match(r.lines[0], /more than max_source_length/);
  assert.equal(r.out.split('\n').filter(Boolean).map((l) => l.split('  ')[0]), ['ab', 'cd']);
  const s = translate([], { input: `ab\n${long}\ncd\n` });
  assert.is(s.code, 1);
  assert.ok(s.lines.every((l) => l.length < 300));
});

test('--svg to an unwritable path: the error on stderr, every pronunciation still on stdout, exit 1', () => {
  const bad = join(tmp, 'no', 'such', 'dir.svg');
  const one = translate(['--svg', bad, 'ab']);
  assert.is(one.code, 1);
  assert.match(one.lines[0], /cannot write .*dir\.svg: ENOENT/);
  assert.match(one.out, /^ab {2}\S/);
  const many = translate(['--svg', bad], { input: 'ab\ncd\nef\n' });
  assert.is(many.code, 1);
  assert.equal(many.out.split('\n').filter(Boolean).map((l) => l.split('  ')[0]), ['ab', 'cd', 'ef']);
  assert.is(many.lines.length, 3);
});

test('progress on a pipe: at most one line per 2 s plus the summary, not one per chunk', () => {
  const words = Array.from({ length: 2000 }, (_, k) => 'abcdefgh'.slice(0, 1 + (k % 8)) + String.fromCharCode(97 + (k % 26)));
  const t0 = Date.now();
  const r = translate([], { input: words.join('\n') + '\n' });
  const secs = (Date.now() - t0) / 1000;
  assert.is(r.code, 0, r.err);
  assert.is(r.out.split('\n').filter(Boolean).length, 2000);
  const progress = r.lines.filter((l) => /^seqattn: \d+\/\d+ words/.test(l));
  assert.ok(progress.length <= Math.floor(secs / 2), `${progress.length} progress lines in ${secs.toFixed(1)} s (2000 words = 32 chunks)`);
  assert.match(r.lines[r.lines.length - 1], /^seqattn: 2000 words in [\d.]+ s/);
});

test('--model /dev/zero: refused at once as not a regular file', () => {
  if (!existsSync('/dev/zero')) return;
  const r = run(['translate', '--model', '/dev/zero', 'ab']);
  assert.is(r.code, 1);
  assert.equal(r.lines, ['seqattn: /dev/zero: is a character device, not a regular file']);
});

test.run();
