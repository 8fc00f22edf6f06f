/**
 * Drives `seqattn g2p` (node dist/cli.js, built by `npm run build`) over a stream of N generated
 * lines and measures its memory: the lines are written as the command reads them (a pipe with
 * backpressure), stdout is read, but not at all for `stallMs` after the first `stallAfter` lines
 * (a slow consumer: the command must stop reading, not buffer), and the command's peak resident
 * memory (VmHWM of /proc/PID/status, Linux) is sampled every 50 ms.
 *
 *   npx tsx tools/g2p-stream.ts [LINES=1000000] [--format json]
 * (SEQATTN_CLI=path/to/cli.js runs another build) prints lines answered, seconds, lines/s, peak RSS at 10% of the lines and at the end.
 * test/cli-g2p-stream.test.ts runs it on 10^5 lines.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Line k of the stream: prose with numbers, a few words the dictionary lacks (the model's), a blank line now and then. */
export function streamLine(k: number): string {
  if (k % 97 === 0) return '';
  const words = ['The', 'ship', 'carried', String(k), 'passengers', 'and', `zorblat${k % 50}`, 'read', 'the', 'record', 'in', String(1900 + (k % 120))];
  return `${words.slice(0, 5 + (k % 8)).join(' ')}.`;
}

export interface StreamRun {
  code: number | null;
  /** stdout lines read. */
  lines: number;
  /** The first and last stdout lines, and every line k with k % 10007 === 0. */
  samples: Map<number, string>;
  stderr: string;
  seconds: number;
  /** Peak RSS in bytes (VmHWM) when a tenth of the lines had been answered, and at the end. */
  peakAtTenth: number;
  peak: number;
}

/** Runs the command over `n` lines; `stallAfter` / `stallMs`: stdout left unread for a while. */
export async function streamRun(n: number, o: { args?: string[]; stallAfter?: number; stallMs?: number; cli?: string } = {}): Promise<StreamRun> {
  if (!existsSync('/proc/self/status')) throw new Error('g2p-stream: needs /proc/PID/status (Linux) to read the peak RSS of the command');
  const cli = o.cli ?? join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`g2p-stream: ${cli} is missing: run npm run build`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'g2p', ...(o.args ?? [])], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const hwm = (): number => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch { return 0; } // exited
  };
  let peak = 0;
  let peakAtTenth = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, hwm()); }, 50);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 1 << 16) stderr += d; });
  child.stdin.on('error', () => {}); // the command may exit (an error) before reading everything

  // writer: line after line, waiting for 'drain' when the pipe is full
  const writing = (async () => {
    const BATCH = 512;
    for (let k = 0; k < n; k += BATCH) {
      let chunk = '';
      for (let j = k; j < Math.min(n, k + BATCH); j++) chunk += `${streamLine(j)}\n`;
      if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      if (child.exitCode !== null) break;
    }
    child.stdin.end();
  })();

  // reader: counts lines; stops reading for stallMs once after stallAfter lines
  const samples = new Map<number, string>();
  let lines = 0;
  let rest = '';
  let stalled = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      if (lines === 0 || lines % 10007 === 0) samples.set(lines, l);
      lines++;
      if (lines === Math.ceil(n / 10)) peakAtTenth = Math.max(peak, hwm());
    }
    if (parts.length) samples.set(lines - 1, parts[parts.length - 1]);
    if (!stalled && o.stallMs && lines >= (o.stallAfter ?? 0)) {
      stalled = true;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), o.stallMs);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  await writing;
  clearInterval(sampler);
  return { code, lines, samples, stderr, seconds: (performance.now() - t0) / 1000, peakAtTenth, peak };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 1_000_000);
  void streamRun(n, { args: process.argv.slice(3), stallAfter: Math.ceil(n / 5), stallMs: 3000, cli: process.env.SEQATTN_CLI }).then((r) => {
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    console.log(`g2p-stream: ${n} lines in, ${r.lines} lines out, exit ${r.code}, ${r.seconds.toFixed(1)} s (${Math.round(r.lines / r.seconds)} lines/s); peak RSS ${mb(r.peakAtTenth)} at ${Math.ceil(n / 10)} lines, ${mb(r.peak)} at the end`);
    if (r.stderr) console.log(`stderr (first 300 characters): ${r.stderr.slice(0, 300)}`);
  });
}
