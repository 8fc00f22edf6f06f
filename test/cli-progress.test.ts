// The CLI's progress display, driven with a fake stream and clock: rate-limited on every stream,
// and clear() (before each stdout write) does not reset the limit (issue 12, item 8).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Progress } from '../src/cli/progress.js';

function fake(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => { writes.push(s); return true; } } as never, writes };
}

/** Drives `p` as readStdin does: per chunk done += n, clear(), (stdout), update(t). */
function drive(p: Progress, chunks: number, every: number, t0: number): void {
  for (let k = 1; k <= chunks; k++) { p.done += 64; p.clear(); p.update(t0 + k * every); }
}

test('not a terminal: one line per 2 s of work however many chunks, none for the first 2 s', () => {
  const { stream, writes } = fake(false);
  const p = new Progress(stream, true);
  p.total = 64 * 1000;
  const t0 = Math.ceil(performance.now()); // whole milliseconds: sums and differences of the fake clock stay exact in floating point
  drive(p, 150, 10, t0); // 1.5 s of chunks every 10 ms
  assert.is(writes.length, 0);
  drive(p, 850, 10, t0 + 1500); // to 10 s
  assert.is(writes.length, 5, 'lines at 2, 4, 6, 8 and 10 s');
  assert.ok(writes.every((w) => /^seqattn: \d+\/64000 words {2}\d+ words\/s\n$/.test(w)));
});

test('a terminal: the first update draws at once, then at most every 100 ms; clear() erases without resetting', () => {
  const { stream, writes } = fake(true);
  const p = new Progress(stream, true);
  p.total = 64 * 100;
  const t0 = Math.ceil(performance.now()); // whole milliseconds: sums and differences of the fake clock stay exact in floating point
  drive(p, 100, 5, t0); // 0.5 s, a chunk every 5 ms
  const bars = writes.filter((w) => w.includes('words'));
  assert.ok(bars.length >= 5 && bars.length <= 6, `${bars.length} bars in 0.5 s`);
  assert.match(bars[0], /^\r\x1b\[K\[[█░]{24}\] 64\/6400 words/);
  p.finish();
  assert.is(writes[writes.length - 1], '\r\x1b[K', 'erased at the end');
});

test('a terminal: a job that ends within the first 100 ms of the process still shows its bar', () => {
  // The cause of the failing script(1) test in test/cli.test.ts: the limit compared against a last
  // draw at time 0 (process start), so on an idle machine 150 words finished before 100 ms of
  // process time and no bar was ever drawn (here, under load, the first update came at ~400 ms).
  const { stream, writes } = fake(true);
  const p = new Progress(stream, true);
  p.total = 150;
  p.done = 64;
  p.update(50);
  assert.is(writes.length, 1);
  assert.match(writes[0], /64\/150 words/);
});

test('nothing when not allowed (stdin is a terminal), and nothing on a non-terminal under 200 lines', () => {
  const a = fake(true), b = fake(false);
  const p = new Progress(a.stream, false), q = new Progress(b.stream, true);
  p.total = q.total = 150;
  drive(p, 10, 1000, performance.now());
  drive(q, 10, 1000, performance.now());
  p.finish(); q.finish();
  assert.equal([a.writes, b.writes], [[], []]);
});

test.run();
