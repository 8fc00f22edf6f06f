// G2P on the CMUdict test split, whole process, greedy (issue 10's G2P target): `seqattn g2p <
// words` (dist/cli.js) with 1 and 2 worker threads, int8 (its default) and f32, against the
// PyTorch model of the same weights at batch 64 on one thread (tools/g2p_torch_predict.py: python
// start, torch import, model load and decoding, all timed as one process). Every case in every
// round, rotating order; medians of wall time. CPU seconds (user + sys, /usr/bin/time) are given
// too, since on a busy machine they say more about the work than the wall clock does. WER from
// tools/g2p_score.py on each case's output.
//
//   node bench/g2p-cli.mjs [--rounds 3]       (needs /usr/bin/python3 with torch, and npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PY = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1] || 3);
const tmp = mkdtempSync(join(os.tmpdir(), 'seqattn-g2p-bench-'));
const log = (...a) => console.error(...a);

const words = join(tmp, 'words.txt');
const py = spawnSync(PY, ['-c', 'import sys; sys.path.insert(0, "tools"); from g2p_data import load_splits; print("\\n".join(w for w, _ in load_splits()["test"]))'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
if (py.status !== 0) throw new Error(`g2p_data: ${py.stderr}`);
writeFileSync(words, py.stdout);
const n = py.stdout.trim().split('\n').length;

/** Runs argv under /usr/bin/time with stdin from `input`; { wall s, cpu s, stdout }. */
function timed(cmd, args, input) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args], { cwd: ROOT, input: input ? readFileSync(input) : '', encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-500)}`);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: Number(m[1]) + Number(m[2]), stdout: r.stdout };
}

const cli = join(ROOT, 'dist', 'cli.js');
const cases = [
  { key: 'PyTorch, batch 64, 1 thread (tools/g2p_torch_predict.py)', run: () => { const out = join(tmp, 'torch.tsv'); const r = timed(PY, ['tools/g2p_torch_predict.py', '--out', out, '--batch-size', '64']); return { ...r, tsv: readFileSync(out, 'utf8') }; } },
  ...[['2', 'int8'], ['1', 'int8'], ['2', 'float32'], ['1', 'float32']].map(([threads, weights]) => ({
    key: `seqattn g2p --threads ${threads} --weights ${weights}`,
    run: () => { const r = timed(process.execPath, [cli, 'g2p', '--threads', threads, '--weights', weights], words); return { ...r, tsv: r.stdout.replace(/ {2}/g, '\t') }; },
  })),
];
const wall = {}, cpu = {}, wer = {};
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[(i + round) % cases.length];
    const r = c.run();
    (wall[c.key] ??= []).push(r.wall);
    (cpu[c.key] ??= []).push(r.cpu);
    if (!(c.key in wer)) {
      const f = join(tmp, 'pred.tsv');
      writeFileSync(f, r.tsv);
      const s = spawnSync(PY, ['tools/g2p_score.py', f], { cwd: ROOT, encoding: 'utf8' });
      wer[c.key] = (/WER\s+([\d.]+%)/.exec(s.stdout) ?? [, '?'])[1];
    }
    log(`round ${round + 1}: ${c.key}: ${r.wall.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU`);
  }
}
const rate = (k) => n / median(wall[k]);
console.log(`G2P test split (${n} words), greedy, whole process; ${os.cpus().length} cores (${os.cpus()[0].model}), Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end; ${ROUNDS} rounds`);
console.log('| command | words/s (median wall) | wall s, each round | words per CPU second | WER |');
console.log('|---|---|---|---|---|');
for (const c of cases) {
  console.log(`| ${c.key} | ${Math.round(rate(c.key))} | ${wall[c.key].map((x) => x.toFixed(1)).join(', ')} | ${Math.round(n / median(cpu[c.key]))} | ${wer[c.key]} |`);
}
const torch = cases[0].key;
console.log('');
console.log(`- seqattn g2p (threads 2, int8) vs PyTorch batch 64, wall: ${(rate(cases[1].key) / rate(torch)).toFixed(2)}x; per CPU second: ${(median(cpu[torch]) / median(cpu[cases[1].key])).toFixed(2)}x`);
