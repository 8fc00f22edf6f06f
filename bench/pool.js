// Whole-machine throughput on model M, batches of 16 sources (issue 10's pool targets): seqattn's
// worker pool (createPool, int8 and f32) with 1 and 2 workers against onnxruntime-node with 1 and 2
// intra-op threads, side by side: every case in every round, rotating order, 100 ms apart (so a
// case's spinning threads do not run into the next), each call timed; medians of all calls.
//
//   node bench/pool.js [--models DIR] [--rounds 5] [--ms 2000]
//   DIR: bench/make_models.py's output with tools/export_onnx.py's files in DIR/M (default bench/.cache)
//
// "pool x2, 16" decodes one batch of 16 as two batches of 8, one per worker (latency of a batch);
// "pool x2, 32" decodes 32 sources as two batches of 16 (throughput with work for every worker).
// Prints a Markdown table of sequences/s and the ratios the issue asks for.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { createPool, loadModel } from '../dist/node.js';
import { median } from './lib/timing.js';
import { readConfig } from './lib/safetensors.js';
import { createOrtPeer } from './peers/ort-common.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const option = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const dir = join(option('--models', join(ROOT, 'bench', '.cache')), 'M');
const ROUNDS = Number(option('--rounds', 5));
const MS = Number(option('--ms', 2000));
const log = (...a) => console.error(...a);

const info = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
const config = readConfig(join(dir, 'model.safetensors'));
const steps = info.steps;
const batch = info.batch;                      // 16 sources of length 25
const batch32 = [...batch, ...batch.map((s) => [...s].reverse())];
const o = { maxLength: steps };
const ortOptions = (threads) => ({ executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });

const load0 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const ort1 = await createOrtPeer(ort, dir, config, ortOptions(1));
const ort2 = await createOrtPeer(ort, dir, config, ortOptions(2));
// As onnxruntime-node's users deploy it on W cores: W sessions of one thread each, run at once
// (InferenceSession.run is asynchronous: each call runs on its own libuv thread).
const W = os.cpus().length;
const ortW = [];
for (let i = 0; i < W; i++) ortW.push(await createOrtPeer(ort, dir, config, ortOptions(1)));
const int8 = await loadModel(dir, { weights: 'int8', wasmBuild: 'simd128' });
const pools = {};
for (const [key, workers, weights] of [['i8w1', 1, 'int8'], ['i8w2', 2, 'int8'], ['f32w2', 2, 'float32'], ['f32w1', 1, 'float32']]) {
  pools[key] = await createPool(dir, { workers, weights, wasmBuild: 'simd128' });
}
const ids = (ts) => ts.map((t) => t.ids);

// Same ids: the pool's as the in-process int8 model's; onnxruntime's two thread counts alike.
const want = ids(int8.translateBatch(batch, o));
for (const k of ['i8w1', 'i8w2']) {
  if (JSON.stringify(ids(await pools[k].translateBatch(batch, o))) !== JSON.stringify(want)) throw new Error(`${k}: ids differ from the in-process int8 model`);
}
if (JSON.stringify(await ort1.translateBatch(batch, steps)) !== JSON.stringify(await ort2.translateBatch(batch, steps))) throw new Error('onnxruntime 1 vs 2 threads: ids differ');

const cases = [
  { key: 'onnxruntime-node, 1 thread, 16', n: 16, fn: () => ort1.translateBatch(batch, steps) },
  { key: 'onnxruntime-node, 2 threads, 16', n: 16, fn: () => ort2.translateBatch(batch, steps) },
  { key: `onnxruntime-node, ${W} sessions x 1 thread, ${W} x 16`, n: 16 * W, fn: () => Promise.all(ortW.map((p) => p.translateBatch(batch, steps))) },
  { key: 'seqattn int8, in-process (1 thread), 16', n: 16, fn: async () => int8.translateBatch(batch, o) },
  { key: 'seqattn int8, pool x1, 16', n: 16, fn: () => pools.i8w1.translateBatch(batch, o) },
  { key: 'seqattn int8, pool x2, 16', n: 16, fn: () => pools.i8w2.translateBatch(batch, o) },
  { key: 'seqattn int8, pool x2, 32', n: 32, fn: () => pools.i8w2.translateBatch(batch32, o) },
  { key: 'seqattn f32, pool x1, 16', n: 16, fn: () => pools.f32w1.translateBatch(batch, o) },
  { key: 'seqattn f32, pool x2, 16', n: 16, fn: () => pools.f32w2.translateBatch(batch, o) },
  { key: 'seqattn f32, pool x2, 32', n: 32, fn: () => pools.f32w2.translateBatch(batch32, o) },
];
// Warm up until a case's last 5 calls are within 10% of each other (at most 40 calls).
for (const c of cases) {
  const t = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now(); await c.fn(); t.push(performance.now() - t0);
    const last = t.slice(-5);
    if (last.length === 5 && Math.max(...last) <= 1.1 * Math.min(...last)) break;
  }
  log(`warm: ${c.key} after ${t.length} calls`);
}
const samples = Object.fromEntries(cases.map((c) => [c.key, []]));
const cpuMs = Object.fromEntries(cases.map((c) => [c.key, 0]));   // CPU of the whole process (workers, onnxruntime's threads)
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[(i + r) % cases.length];
    await new Promise((res) => setTimeout(res, 100));
    const end = performance.now() + MS / cases.length;
    let calls = 0;
    const cpu0 = process.cpuUsage();
    while (calls < 2 || performance.now() < end) {
      const t0 = performance.now(); await c.fn(); samples[c.key].push(performance.now() - t0); calls++;
    }
    const cpu = process.cpuUsage(cpu0);
    cpuMs[c.key] += (cpu.user + cpu.system) / 1000;
  }
  log(`round ${r + 1}/${ROUNDS}`);
}
const rate = (c) => (c.n * 1000) / median(samples[c.key]);
const by = Object.fromEntries(cases.map((c) => [c.key, rate(c)]));
const spread = (k) => { const s = [...samples[k]].sort((a, b) => a - b); return `${s[Math.floor(s.length * 0.1)].toFixed(0)}-${s[Math.floor(s.length * 0.9)].toFixed(0)}`; };
console.log(`M (H 512, vocabs 8000, source length 25, ${steps} steps), ${os.cpus().length} cores (${os.cpus()[0].model}), Node ${process.version}, SIMD128 build; load average ${load0} at start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at end; ${ROUNDS} rounds`);
console.log('| case | sequences/s (median) | ms per call, 10th-90th percentile | calls | sequences per CPU second |');
console.log('|---|---|---|---|---|');
for (const c of cases) console.log(`| ${c.key} | ${by[c.key].toFixed(1)} | ${spread(c.key)} | ${samples[c.key].length} | ${(c.n * samples[c.key].length * 1000 / cpuMs[c.key]).toFixed(1)} |`);
const ratio = (a, b) => (by[a] / by[b]).toFixed(2);
console.log(`- pool x2 int8, 2 x 16 vs onnxruntime-node ${W} one-thread sessions, ${W} x 16: ${ratio('seqattn int8, pool x2, 32', `onnxruntime-node, ${W} sessions x 1 thread, ${W} x 16`)}x`);
console.log('');
console.log(`- pool x2 int8 vs onnxruntime-node 2 threads, batch 16: ${ratio('seqattn int8, pool x2, 16', 'onnxruntime-node, 2 threads, 16')}x (32 sources as 2 x 16: ${ratio('seqattn int8, pool x2, 32', 'onnxruntime-node, 2 threads, 16')}x)`);
console.log(`- pool scaling 1 -> 2 workers, int8: ${ratio('seqattn int8, pool x2, 16', 'seqattn int8, pool x1, 16')}x on one batch of 16, ${ratio('seqattn int8, pool x2, 32', 'seqattn int8, pool x1, 16')}x with 2 x 16; f32: ${ratio('seqattn f32, pool x2, 16', 'seqattn f32, pool x1, 16')}x / ${ratio('seqattn f32, pool x2, 32', 'seqattn f32, pool x1, 16')}x`);
console.log(`- onnxruntime-node scaling 1 -> 2 threads: ${ratio('onnxruntime-node, 2 threads, 16', 'onnxruntime-node, 1 thread, 16')}x; pool x1 vs in-process int8: ${ratio('seqattn int8, pool x1, 16', 'seqattn int8, in-process (1 thread), 16')}x`);
for (const p of Object.values(pools)) p.close();
int8.dispose();
await ort1.dispose();
await ort2.dispose();
