// The side-by-side benchmark (issue 5): seqattn against plain JavaScript, onnxruntime-node,
// onnxruntime-web (wasm), TensorFlow.js (wasm) and PyTorch eager on the same weights, plus
// seqattn's f32 kernels against a C reference and the machine's read bandwidth.
//
//   npm run bench                       (= node bench/run.js; writes bench/RESULTS.md, prints it)
//   node bench/run.js --rounds 3 --no-build --no-write --no-default-blas
//   node bench/run.js --quick --no-write   (1 round, short samples: for checking the script)
//   npx -y node@22 bench/run.js ...        (the same under Node 22; --out FILE writes the report there)
//   BENCH_PYTHON=/path/to/python3 npm run bench     (default /usr/bin/python3; without torch, PyTorch is skipped)
//
// Steps: build dist/ if src/ or assembly/ are newer; make the models S and M (bench/make_models.py,
// cached in bench/.cache/); export ONNX (tools/export_onnx.py); PyTorch's greedy ids
// (tools/bench_torch.py); load every peer and check its ids equal PyTorch's (a peer that disagrees
// is reported, not timed); then ROUNDS rounds, each timing every peer on S, M and the M batch of
// 16 (interleaved: every case in every round, rotating order), one PyTorch run, and one run of the
// C and Wasm kernel benchmarks. Reported: medians of all calls of all rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './lib/safetensors.js';
import { median, timeRound, warmup } from './lib/timing.js';

// Relaxed SIMD (on by default from Node 22 / V8 12) for seqattn's relaxed-SIMD build, which then
// runs beside its SIMD128 build in this process. The peers' Wasm (onnxruntime-web, tfjs) has no
// relaxed-SIMD code, so this changes nothing for them. Node 20 needs the flag (children too).
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
const RELAXED_FLAG = V8_MAJOR < 12 ? ['--experimental-wasm-relaxed-simd'] : [];
if (RELAXED_FLAG.length) v8.setFlagsFromString(RELAXED_FLAG[0]);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, 'bench', '.cache');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? Number(argv[i + 1]) : dflt; };
const QUICK = flag('--quick');
const ROUNDS = option('--rounds', QUICK ? 1 : 5);
const OUT = (() => { const i = argv.indexOf('--out'); return i >= 0 ? argv[i + 1] : join(ROOT, 'bench', 'RESULTS.md'); })();
const log = (...a) => console.error(...a);
const notes = [];

const MODELS = {
  S: 'H 256, vocab 32 / 80, source length 10, 12 steps',
  M: 'H 512, vocab 8000 / 8000, source length 25, 30 steps',
};
const PEERS = ['seqattn', 'seqattn-relaxed', 'seqattn-int8', 'seqattn-int8-relaxed', 'plain-js', 'onnxruntime-node', 'onnxruntime-web', 'tfjs-wasm'];
/** Share of positions where two id lists agree. */
const agreement = (a, b) => { let k = 0; for (let i = 0; i < Math.max(a.length, b.length); i++) k += a[i] === b[i] ? 1 : 0; return k / Math.max(a.length, b.length, 1); };
const NEEDS_ONNX = new Set(['onnxruntime-node', 'onnxruntime-web']);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return r.stdout;
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

// ---- 0. the machine and the code measured
const git = (...a) => { try { return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return '?'; } };
const cpuModel = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)[1]; } catch { return os.cpus()[0]?.model ?? '?'; } })();
/** Size of the last cache level as the kernel reports it (e.g. "32768K" -> bytes), or NaN. */
const cacheBytes = (() => {
  try {
    const dir = '/sys/devices/system/cpu/cpu0/cache';
    const levels = readdirSync(dir).filter((d) => d.startsWith('index')).map((d) => join(dir, d))
      .filter((d) => readFileSync(join(d, 'type'), 'utf8').trim() !== 'Instruction')
      .map((d) => ({ level: Number(readFileSync(join(d, 'level'), 'utf8')), size: readFileSync(join(d, 'size'), 'utf8').trim() }));
    const last = levels.sort((a, b) => b.level - a.level)[0];
    const m = last.size.match(/^(\d+)([KMG]?)$/);
    return { level: last.level, bytes: Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2]] };
  } catch { return { level: NaN, bytes: NaN }; }
})();
/** What `gcc -march=native` turns on here, from its predefined macros (the C reference's vector ISA). */
const gccIsa = (() => {
  try {
    const macros = execFileSync('gcc', ['-march=native', '-dM', '-E', '-'], { input: '', encoding: 'utf8' });
    const names = [['__AVX512F__', 'AVX-512F'], ['__AVX512VNNI__', 'AVX-512 VNNI'], ['__AVX2__', 'AVX2'], ['__FMA__', 'FMA'], ['__SSE4_2__', 'SSE4.2']];
    return names.filter(([m]) => macros.includes(`#define ${m} `)).map(([, n]) => n).join(', ') || 'no AVX';
  } catch { return '?'; }
})();
/** The CPU's vector ISA as the kernel reports it (/proc/cpuinfo flags). */
const cpuIsa = (() => {
  try {
    const flags = new Set(readFileSync('/proc/cpuinfo', 'utf8').match(/flags\s*:\s*(.*)/)[1].split(/\s+/));
    return [['avx512f', 'AVX-512F'], ['avx512_vnni', 'AVX-512 VNNI'], ['avx_vnni', 'AVX-VNNI'], ['amx_int8', 'AMX-INT8'], ['avx2', 'AVX2'], ['fma', 'FMA']]
      .filter(([f]) => flags.has(f)).map(([, n]) => n).join(', ') || 'no AVX';
  } catch { return '?'; }
})();
const machine = {
  isa: cpuIsa,
  v8: process.versions.v8,
  date: new Date().toISOString(),
  cpu: `${cpuModel}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`
    + (Number.isFinite(cacheBytes.bytes) ? `, L${cacheBytes.level} ${(cacheBytes.bytes / 2 ** 20).toFixed(0)} MiB as the kernel reports it` : ''),
  node: process.version,
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: git('status', '--porcelain', '--', 'src', 'assembly').split('\n').filter(Boolean).length,
  loadStart: os.loadavg().map((x) => x.toFixed(2)).join(' '),
};

// ---- 1. build
if (!flag('--no-build')) {
  const dist = join(ROOT, 'dist', 'node.js');
  const wasm = join(ROOT, 'build', 'wasm-bytes.js');
  const src = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'assembly')));
  if (!existsSync(dist) || !existsSync(wasm) || statSync(dist).mtimeMs < src || statSync(wasm).mtimeMs < newest(join(ROOT, 'assembly'))) {
    log('== npm run build (dist/ is older than src/ or assembly/)');
    sh('npm', ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

// ---- 2. models, ONNX, PyTorch's ids
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (hasTorch) {
  log('== models (bench/make_models.py)');
  sh(PYTHON, ['bench/make_models.py', '--out', CACHE]);
  for (const name of Object.keys(MODELS)) {
    const dir = join(CACHE, name);
    const onnx = ['encoder.onnx', 'decoder_step.onnx'].map((f) => join(dir, f));
    if (!onnx.every(existsSync) || onnx.some((f) => statSync(f).mtimeMs < statSync(join(dir, 'model.safetensors')).mtimeMs)) {
      log(`== ONNX export of ${name} (tools/export_onnx.py)`);
      sh(PYTHON, ['tools/export_onnx.py', dir]);
    }
  }
} else {
  notes.push(`PyTorch skipped: ${PYTHON} ${existsSync(PYTHON) ? 'has no torch module' : 'is missing'}; models and ONNX files are only made with it (apt-get install python3-torch).`);
}
const haveModels = Object.keys(MODELS).every((n) => existsSync(join(CACHE, n, 'model.safetensors')));
let torchIds = null;
if (hasTorch) {
  log('== PyTorch greedy ids (tools/bench_torch.py --ids-only)');
  torchIds = JSON.parse(sh(PYTHON, ['tools/bench_torch.py', '--ids-only', '--blas', 'openblas', '--models', CACHE])).models;
}

// ---- 3. peers: load, check ids
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const firstDiff = (a, b) => { let i = 0; while (i < Math.max(a.length, b.length) && a[i] === b[i]) i++; return i; };
const models = {};
const peerModules = {};
// onnxruntime-node is no devDependency: its postinstall downloads CUDA libraries from nuget unless
// ONNXRUNTIME_NODE_INSTALL=skip, which would break `npm ci` on a machine without that network. The
// CPU binaries ship inside the npm package, so install it here, at onnxruntime-web's version.
if (!existsSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'))) {
  const web = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')).version;
  log(`== npm install --no-save onnxruntime-node@${web} (ONNXRUNTIME_NODE_INSTALL=skip)`);
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `onnxruntime-node@${web}`],
    { cwd: ROOT, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) notes.push(`onnxruntime-node: npm install --no-save onnxruntime-node@${web} failed (exit ${r.status}).`);
  else notes.push(`onnxruntime-node@${web} was installed by this run (npm install --no-save, ONNXRUNTIME_NODE_INSTALL=skip): it is no devDependency.`);
}
for (const p of PEERS) {
  try {
    peerModules[p] = await import(`./peers/${p}.js`);
  } catch (e) {
    peerModules[p] = { error: `failed to load: ${e.message.split('\n')[0]}` };
  }
}
for (const name of haveModels ? Object.keys(MODELS) : []) {
  const dir = join(CACHE, name);
  const info = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
  const config = readConfig(join(dir, 'model.safetensors'));
  const ref = torchIds?.[name];
  const m = (models[name] = { dir, info, peers: {} });
  for (const p of PEERS) {
    const mod = peerModules[p];
    const entry = (m.peers[p] = { label: mod.label ?? p, status: 'ok' });
    if (mod.error) { entry.status = mod.error; continue; }
    if (NEEDS_ONNX.has(p) && !existsSync(join(dir, 'decoder_step.onnx'))) { entry.status = 'no ONNX files (made with PyTorch)'; continue; }
    try {
      entry.peer = await mod.create(dir, { config });
      if (entry.peer.label) entry.label = entry.peer.label; // what loaded (build, int8 form), not fixed text
      const ids = await entry.peer.translate(info.source, info.steps);
      const want = ref ? ref.ids : name in models && m.peers.seqattn?.ids;
      entry.ids = ids;
      if (mod.quantised && want) entry.agreement = agreement(ids, want);
      else if (want && !same(ids, want)) entry.status = `ids differ from ${ref ? 'PyTorch' : 'seqattn'} from step ${firstDiff(ids, want) + 1}`;
      if (info.batch.length && entry.peer.translateBatch) {
        const batchIds = await entry.peer.translateBatch(info.batch, info.steps);
        if (mod.quantised && ref) entry.batchAgreement = agreement(batchIds.flat(), ref.batch_ids.flat());
        entry.batchStatus = !ref ? 'ok (unchecked)' : mod.quantised || same(batchIds, ref.batch_ids) ? 'ok' : 'batch ids differ from PyTorch';
      }
      if (p === 'seqattn' && info.batch.length) {
        const loopIds = entry.peer.translateLoop(info.batch, info.steps);
        entry.loopStatus = !ref || same(loopIds, ref.batch_ids) ? 'ok' : 'ids differ from PyTorch';
      }
    } catch (e) {
      entry.status = `failed: ${e.message.split('\n')[0]}`;
    }
    log(`${name} ${entry.label}: ${entry.status}${entry.batchStatus ? `, batch: ${entry.batchStatus}` : ''}`);
  }
  if (ref && !(same(ref.ids, ref.tutorial_ids) && same(ref.ids, ref.seqattn_torch_greedy_ids))) {
    notes.push(`${name}: PyTorch's two decode loops disagree with each other (precomputed Ua keys vs forward_step).`);
  }
}

// ---- 4. rounds
const samples = { S: {}, M: {}, batch: {} };
const wallSamples = { batch: {} };
const torchRuns = [];
const kernelRuns = { c: [], wasm: [], relaxed: [] };
const memory = {};
const cases = {};
for (const [name, m] of Object.entries(models)) {
  cases[name] = Object.entries(m.peers).filter(([, e]) => e.status === 'ok')
    .map(([p, e]) => ({ key: p, fn: () => e.peer.translate(m.info.source, m.info.steps) }));
  if (m.info.batch.length) {
    const sa = m.peers.seqattn;
    cases.batch = [];
    if (sa?.status === 'ok' && sa.batchStatus?.startsWith('ok')) cases.batch.push({ key: 'seqattn translateBatch', label: `${sa.label} translateBatch`, fn: () => sa.peer.translateBatch(m.info.batch, m.info.steps) });
    if (sa?.status === 'ok' && sa.loopStatus === 'ok') cases.batch.push({ key: 'seqattn 16 x translate', fn: () => sa.peer.translateLoop(m.info.batch, m.info.steps) });
    const rx = m.peers['seqattn-relaxed'];
    if (rx?.status === 'ok' && rx.batchStatus === 'ok') cases.batch.push({ key: `${rx.label} translateBatch`, fn: () => rx.peer.translateBatch(m.info.batch, m.info.steps) });
    for (const p of ['seqattn-int8', 'seqattn-int8-relaxed']) {
      const q8 = m.peers[p];
      if (q8?.status === 'ok' && q8.batchStatus?.startsWith('ok')) cases.batch.push({ key: `${q8.label} translateBatch`, fn: () => q8.peer.translateBatch(m.info.batch, m.info.steps), agreement: q8.batchAgreement });
    }
    for (const p of ['onnxruntime-node', 'onnxruntime-web']) {
      const e = m.peers[p];
      if (e?.status === 'ok' && e.batchStatus?.startsWith('ok')) cases.batch.push({ key: `${e.label} batched`, fn: () => e.peer.translateBatch(m.info.batch, m.info.steps) });
    }
  }
}
const warmups = [];
for (const [key, list] of Object.entries(cases)) for (const c of list) {
  const w = await warmup(c.fn, QUICK ? { maxMs: 5000 } : {});
  warmups.push(`${key} ${c.key}: ${w.calls} calls${w.settled ? '' : ' (NOT settled: stopped at the cap)'}`);
  log(`warm-up ${key} ${c.key}: ${w.calls} calls, ${(w.ms / 1e3).toFixed(1)} s${w.settled ? '' : ', not settled'}`);
}
for (const name of Object.keys(models)) {
  const sa = models[name].peers.seqattn;
  if (sa?.peer) memory[name] = [sa.peer.model.wasmMemoryBytes];
}

const kernelBinary = join(CACHE, 'kernel_ref');
let cOk = false;
for (const extra of [['-DHAVE_OPENBLAS', '-lopenblas'], []]) { // OpenBLAS when libopenblas-dev is installed
  try {
    sh('gcc', ['-O3', '-march=native', '-ffast-math', '-o', kernelBinary, 'bench/c/kernel_ref.c', ...extra, '-lm'], { stdio: ['ignore', 'pipe', 'ignore'] });
    cOk = true;
    if (!extra.length) notes.push('C reference built without OpenBLAS (apt-get install libopenblas-dev adds cblas_sgemv/sgemm to it).');
    break;
  } catch (e) {
    if (!extra.length) notes.push(`C reference not built: ${e.message}`);
  }
}

const MS = QUICK ? { S: 100, M: 300, batch: 600 } : { S: 400, M: 1200, batch: 2000 };
const KERNEL_MS = QUICK ? '2' : '10';
for (let round = 0; round < ROUNDS; round++) {
  log(`== round ${round + 1} / ${ROUNDS}`);
  for (const key of ['S', 'M', 'batch']) if (cases[key]?.length) await timeRound(cases[key], samples[key], { round, ms: MS[key], wall: wallSamples[key] });
  if (hasTorch) {
    try {
      torchRuns.push(JSON.parse(sh(PYTHON, ['tools/bench_torch.py', '--blas', 'openblas', '--budget', QUICK ? '0.3' : '1', '--min-runs', '3', '--warmup-settle', '--models', CACHE])));
    } catch (e) {
      notes.push(`round ${round + 1}: tools/bench_torch.py failed: ${e.message}`);
    }
  }
  if (cOk) {
    try {
      kernelRuns.c.push(JSON.parse(sh(kernelBinary, [KERNEL_MS])));
    } catch (e) {
      notes.push(`round ${round + 1}: the C reference failed: ${e.message}`);
    }
  }
  try {
    kernelRuns.wasm.push(JSON.parse(sh(process.execPath, ['--import', 'tsx', 'bench/kernels.js', KERNEL_MS], { env: { ...process.env, SEQATTN_WASM: 'simd128' } })));
  } catch (e) {
    if (round === 0) notes.push(`Wasm kernel benchmark failed: ${e.message}`);
  }
  try {
    kernelRuns.relaxed.push(JSON.parse(sh(process.execPath, [...RELAXED_FLAG, '--import', 'tsx', 'bench/kernels.js', KERNEL_MS],
      { env: { ...process.env, SEQATTN_WASM: 'relaxed-simd' } })));
  } catch (e) {
    if (round === 0) notes.push(`Wasm kernel benchmark (relaxed-SIMD build) failed: ${e.message}`);
  }
}
for (const name of Object.keys(memory)) memory[name].push(models[name].peers.seqattn.peer.model.wasmMemoryBytes);
let torchDefault = null;
if (hasTorch && !flag('--no-default-blas')) {
  log('== PyTorch on the default BLAS (one run, no batch)');
  try {
    torchDefault = JSON.parse(sh(PYTHON, ['tools/bench_torch.py', '--blas', 'default', '--budget', QUICK ? '0.5' : '2', '--min-runs', '3', '--no-batch', '--warmup-settle', '--models', CACHE]));
    // the same library as the rounds ran on (no serial OpenBLAS installed): no separate row
    if (torchRuns[0] && torchDefault.blas_label === torchRuns[0].blas_label) torchDefault = null;
  } catch (e) {
    notes.push(`PyTorch on the default BLAS failed: ${e.message}`);
  }
}
machine.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');

// ---- 5. report
const fmt = (x, d = 3) => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(d));
const lines = [];
const out = (s = '') => lines.push(s);
const torchSamples = (name, key) => torchRuns.flatMap((r) => r.models[name]?.[key]?.samples_ms ?? []);

out('# seqattn side-by-side benchmark');
out();
out(`Command: \`node bench/run.js${argv.length ? ` ${argv.join(' ')}` : ''}\` under Node ${process.version} (\`npm run bench\` = no arguments). Date: ${machine.date}.`);
out(`Machine: ${machine.cpu}; ISA ${machine.isa}; Node ${machine.node} (V8 ${machine.v8}); load average (1/5/15 min) ${machine.loadStart} at the start, ${machine.loadEnd} at the end`);
const torchLabel = torchRuns[0]?.blas_label;
out(`Detected at run time: PyTorch BLAS ${torchLabel ?? '-'}; seqattn Wasm builds ${[...new Set(Object.values(models).flatMap((m) => Object.entries(m.peers).filter(([p, e]) => p.startsWith('seqattn') && e.peer).map(([, e]) => e.label)))].join('; ') || '-'};`
  + ` C reference ${kernelRuns.c[0] ? `${kernelRuns.c[0].f32_isa} (f32), ${kernelRuns.c[0].int8_isa} (int8)${kernelRuns.c[0].openblas ? `, ${kernelRuns.c[0].openblas.config} with ${kernelRuns.c[0].openblas.threads} thread(s)` : ', no OpenBLAS'}` : '-'}.`);
out(`(other processes share the 2 cores: compare ratios, which are measured side by side; wall-clock medians of the batch`);
out(`case are listed under it to show how much the load stretched them).`);
out(`Code: commit ${machine.commit}${machine.dirty ? ` with ${machine.dirty} uncommitted change(s) in src/ or assembly/` : ''}.`);
out(`Versions: onnxruntime-node ${peerModules['onnxruntime-node'].version?.() ?? '-'}, onnxruntime-web ${peerModules['onnxruntime-web'].version?.() ?? '-'}, `
  + `@tensorflow/tfjs-core ${peerModules['tfjs-wasm'].version?.() ?? '-'}, PyTorch ${torchRuns[0]?.torch ?? '-'}.`);
out();
out(`Models: the PyTorch tutorial's structure ("pytorch-tutorial": GRU encoder, additive attention on`);
out(`s_{i-1}, GRU decoder over [E y; c], out = Linear(H, V)), seeded random weights, greedy decoding of a`);
out(`fixed number of steps (the </s> logit bias is -1e4), batch 1. Every peer runs the same arithmetic:`);
out(`Ua h_j + b once per source, then per step Wa s + b, tanh, Va, softmax, context, GRU, out, argmax.`);
out(`Times: median CPU milliseconds per sequence (encoder + all steps; the process's user + system time, so other work on`);
out(`the shared cores does not count; every peer runs one compute thread) over every call of ${ROUNDS} interleaved rounds.`);
out(`Ratio: the peer's median time / seqattn's (above 1: seqattn is faster).`);
out();

const seqattnMs = {};
for (const [name, desc] of Object.entries(MODELS)) {
  const m = models[name];
  out(`## ${name}: ${desc}`);
  out();
  if (!m) { out('Not run (no models).'); out(); continue; }
  const ref = torchIds?.[name];
  out(`Reference ids (PyTorch): ${ref ? ref.ids.join(' ') : 'none (no PyTorch)'}`);
  out();
  out('| peer | ms / sequence (median) | × seqattn | calls | ids |');
  out('|---|---|---|---|---|');
  const sa = samples[name].seqattn;
  seqattnMs[name] = sa ? median(sa) : NaN;
  for (const [p, e] of Object.entries(m.peers)) {
    const s = samples[name][p];
    if (!s) { out(`| ${e.label} | — | — | — | ${e.status} |`); continue; }
    const idsNote = e.agreement !== undefined ? `${(100 * e.agreement).toFixed(1)}% of tokens as ${torchIds ? 'PyTorch' : 'seqattn'} (quantised)`
      : !torchIds && p === 'seqattn' ? 'reference' : `same as ${torchIds ? 'PyTorch' : 'seqattn'}`;
    out(`| ${e.label} | ${fmt(median(s))} | ${fmt(median(s) / seqattnMs[name], 2)} | ${s.length} | ${idsNote} |`);
  }
  for (const [key, label] of [['precomputed', `PyTorch eager, ${torchLabel} (same arithmetic)`], ['tutorial', `PyTorch eager, ${torchLabel} (tutorial forward_step: Ua keys every step)`]]) {
    const s = torchSamples(name, key);
    if (s.length) out(`| ${label} | ${fmt(median(s))} | ${fmt(median(s) / seqattnMs[name], 2)} | ${s.length} | ${key === 'precomputed' ? 'reference' : same(ref?.tutorial_ids, ref?.ids) ? 'same' : 'differ'} |`);
  }
  const d = torchDefault?.models[name]?.precomputed;
  if (d) out(`| PyTorch eager, ${torchDefault.blas_label} (same arithmetic; one run) | ${fmt(d.median_ms)} | ${fmt(d.median_ms / seqattnMs[name], 2)} | ${d.runs} | same |`);
  if (!hasTorch) out('| PyTorch eager | — | — | — | skipped: no torch |');
  if (memory[name]) out(`\nseqattn Wasm memory: ${memory[name][0]} bytes before the timing rounds, ${memory[name][1]} after${memory[name][0] === memory[name][1] ? ' (unchanged)' : ' (CHANGED)'}.`);
  out();
}

const mb = models.M;
if (mb?.info.batch.length) {
  const B = mb.info.batch.length;
  out(`## M, batch of ${B} sources (length 25, 30 steps each)`);
  out();
  out(`Throughput: sequences per second = ${B} / (median CPU ms per batch). × seqattn: the peer's time per batch / seqattn translateBatch's.`);
  out();
  out('| peer | ms / batch (median) | sequences / s | × seqattn | calls | ids |');
  out('|---|---|---|---|---|---|');
  const base = samples.batch['seqattn translateBatch'] ? median(samples.batch['seqattn translateBatch']) : NaN;
  for (const [key, s] of Object.entries(samples.batch)) {
    const t = median(s);
    const agree = cases.batch.find((c) => c.key === key)?.agreement;
    const idsNote = agree !== undefined ? `${(100 * agree).toFixed(1)}% of tokens as PyTorch (quantised)` : torchIds ? 'same as PyTorch' : 'unchecked (no PyTorch)';
    out(`| ${cases.batch.find((c) => c.key === key)?.label ?? key} | ${fmt(t)} | ${fmt(B / t * 1e3, 1)} | ${fmt(t / base, 2)} | ${s.length} | ${idsNote} |`);
  }
  for (const [key, label] of [['batch_precomputed', `PyTorch eager batched, ${torchLabel} (same arithmetic)`], ['batch_tutorial', `PyTorch eager batched, ${torchLabel} (tutorial forward_step)`]]) {
    const s = torchSamples('M', key);
    if (s.length) out(`| ${label} | ${fmt(median(s))} | ${fmt(B / median(s) * 1e3, 1)} | ${fmt(median(s) / base, 2)} | ${s.length} | ${key === 'batch_precomputed' ? 'reference' : same(torchIds?.M?.batch_tutorial_ids, torchIds?.M?.batch_ids) ? 'same' : 'differ'} |`);
  }
  for (const [p, e] of Object.entries(mb.peers)) {
    if (e.batchStatus && !e.batchStatus.startsWith('ok')) out(`| ${e.label} batched | — | — | — | — | ${e.batchStatus} |`);
  }
  out();
  out(`Wall-clock medians of the same calls (ms / batch): ${Object.entries(wallSamples.batch).map(([k, s]) => `${cases.batch.find((c) => c.key === k)?.label ?? k} ${fmt(median(s))}`).join('; ')}.`);
  out();
}

// kernels
const kmed = (runs, kernel, n, rows, cols) => {
  const xs = runs.flatMap((r) => r.kernels.filter((k) => k.kernel === kernel && k.n === n && k.rows === rows && k.cols === cols).map((k) => k.seconds));
  return xs.length ? median(xs) : NaN;
};
const c0 = kernelRuns.c[0];
const relaxedForm = kernelRuns.relaxed[0]?.int8DotForm ?? '-';
if (kernelRuns.wasm.length || kernelRuns.c.length) {
  out('## Kernels: seqattn f32 matrix products vs C');
  out();
  out(`GFLOP/s (2·n·rows·cols per CPU second of the process), median over ${ROUNDS} runs of each benchmark (runs alternate C, Wasm), one thread. seqattn: Wasm SIMD`);
  out(`(4 lanes) through \`runtime()\` exports, bench/kernels.js. C: bench/c/kernel_ref.c, \`gcc -O3 -march=native -ffast-math\``);
  out(`(here -march=native enables ${gccIsa}): plain loops (row-major, 4 rows at a time), plain loops on seqattn's packed layout,`);
  out(`intrinsics (${c0?.f32_isa ?? '-'}, 4 rows x 4 inputs register-blocked)${c0?.openblas ? `, and OpenBLAS cblas_sgemv / cblas_sgemm (${c0.openblas.config}, ${c0.openblas.threads} thread)` : ' (no OpenBLAS: libopenblas-dev not installed)'}.`);
  out(`Best C: the fastest of these, so at least as fast as OpenBLAS here. Fraction: best seqattn SIMD128 kernel / best C.`);
  out(`Relaxed: the relaxed-SIMD build's *_packed kernel (fused multiply-add).`);
  out();
  out('| rows × cols | n | C plain | C packed | C intrinsics | OpenBLAS | seqattn matvec/matmul | seqattn *_packed | fraction of best C | relaxed *_packed | relaxed / best C |');
  out('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [rows, cols] of [[768, 256], [1536, 1024], [8000, 512]]) {
    for (const n of [1, 16]) {
      const g = (runs, k) => 2 * n * rows * cols / kmed(runs, k, n, rows, cols) / 1e9;
      const [plain, packed, blocked, blas] = n === 1 ? ['matvec', 'matvec_packed', 'matvec_blocked', 'openblas_sgemv'] : ['matmul', 'matmul_packed', 'matmul_blocked', 'openblas_sgemm'];
      const c = [g(kernelRuns.c, plain), g(kernelRuns.c, packed), g(kernelRuns.c, blocked), g(kernelRuns.c, blas)];
      const w = [g(kernelRuns.wasm, plain), g(kernelRuns.wasm, packed)];
      const rx = g(kernelRuns.relaxed, packed);
      const best = (xs) => Math.max(...xs.filter((x) => !Number.isNaN(x)));
      const f = (x) => (Number.isNaN(x) ? '—' : fmt(x, 2));
      out(`| ${rows} × ${cols} (${(rows * cols * 4 / 2 ** 20).toFixed(1)} MiB) | ${n} | ${c.map(f).join(' | ')} | ${f(w[0])} | ${f(w[1])} | ${f(best(w) / best(c))} | ${f(rx)} | ${f(rx / best(c))} |`);
    }
  }
  out();
  out('## Kernels: seqattn int8 products vs the native integer dot product');
  out();
  out(`GMAC/s (n·rows·cols multiply-adds per CPU second), medians as above, one thread. seqattn: matvec_i8 / matmul_i8 (per-row int8`);
  out(`weights, inputs quantised to 14 bits inside the call); simd128: i32x4.dot_i16x8_s; relaxed-simd: the form its runtime`);
  out(`chose at start-up (this run: ${relaxedForm}; 'dot-add' = relaxed_dot_i8x16_i7x16_add_s on two 7-bit digits, 'int16' = the`);
  out(`simd128 form). C: ${c0?.int8_isa ?? '-'}, per-row int8 weights x 8-bit activations (u8 x s8, one digit), 4 rows x 4 inputs`);
  out(`register-blocked, activations quantised inside the call. Fraction: seqattn / C (the target at n = 16 is 0.5).`);
  out();
  out('| rows × cols | n | C int8 | seqattn simd128 | fraction | seqattn relaxed-simd | fraction |');
  out('|---|---|---|---|---|---|---|');
  for (const [rows, cols] of [[768, 256], [1536, 1024], [8000, 512]]) {
    for (const n of [1, 16]) {
      const g = (runs) => n * rows * cols / kmed(runs, n === 1 ? 'matvec_i8' : 'matmul_i8', n, rows, cols) / 1e9;
      const c = g(kernelRuns.c), w = g(kernelRuns.wasm), rx = g(kernelRuns.relaxed);
      const f = (x) => (Number.isNaN(x) ? '—' : fmt(x, 2));
      out(`| ${rows} × ${cols} (${(rows * cols / 2 ** 20).toFixed(1)} MiB int8) | ${n} | ${f(c)} | ${f(w)} | ${f(w / c)} | ${f(rx)} | ${f(rx / c)} |`);
    }
  }
  const bw = kernelRuns.c.map((r) => r.read_gb_per_s);
  if (bw.length) {
    out();
    out(`Read bandwidth (C streaming sum over 512 MB, one thread): ${fmt(median(bw), 2)} GB/s, so a matvec whose weights come`);
    const big = 8000 * 512 * 4;
    const fits = !Number.isFinite(cacheBytes.bytes) ? 'may or may not fit in the last-level cache (its size is unknown here)'
      : `${big <= cacheBytes.bytes ? 'fits' : 'does not fit'} in the ${(cacheBytes.bytes / 2 ** 20).toFixed(0)} MiB L${cacheBytes.level} the kernel reports (on a virtual machine, shared with other guests)`;
    out(`from DRAM is bound at ${fmt(median(bw) / 2, 2)} GFLOP/s (2 flops per 4-byte weight). 8000 × 512 (15.6 MiB) ${fits}.`);
  }
  out();
}

// Where seqattn is slower: every timed case with a ratio below 1.
const slower = [];
for (const name of Object.keys(MODELS)) {
  if (!models[name]) continue;
  for (const [p, s] of Object.entries(samples[name])) if (p !== 'seqattn' && median(s) < seqattnMs[name]) slower.push(`${name}: ${models[name].peers[p].label} takes ${fmt(median(s) / seqattnMs[name], 2)}x seqattn's time`);
  for (const key of ['precomputed', 'tutorial']) {
    const s = torchSamples(name, key);
    if (s.length && median(s) < seqattnMs[name]) slower.push(`${name}: PyTorch (${key}) takes ${fmt(median(s) / seqattnMs[name], 2)}x seqattn's time`);
  }
}
if (samples.batch['seqattn translateBatch']) {
  const base = median(samples.batch['seqattn translateBatch']);
  for (const [key, s] of Object.entries(samples.batch)) if (median(s) < base) slower.push(`M batch 16: ${key} takes ${fmt(median(s) / base, 2)}x seqattn translateBatch's time`);
  for (const key of ['batch_precomputed', 'batch_tutorial']) {
    const s = torchSamples('M', key);
    if (s.length && median(s) < base) slower.push(`M batch 16: PyTorch (${key}) takes ${fmt(median(s) / base, 2)}x seqattn translateBatch's time`);
  }
}
out('## Where a peer is faster than seqattn');
out();
if (slower.length) for (const x of slower) out(`- ${x}`);
else out('- nowhere in this run.');
out();

notes.push('Peers: onnxruntime-node on its CPU execution provider with intraOpNumThreads = interOpNumThreads = 1; onnxruntime-web on its '
  + 'wasm backend in Node with env.wasm.numThreads = 1; TensorFlow.js with @tensorflow/tfjs-backend-wasm and setThreadsCount(1); '
  + 'the ONNX graphs (tools/export_onnx.py, opset 13) are the encoder and one decoder step, the decode loop and argmax in JavaScript; '
  + 'plain JavaScript is bench/peers/plain-js.js (Float32Array weights, double-precision loop arithmetic).');
if (hasTorch) notes.push(`PyTorch ${torchRuns[0]?.torch ?? '-'} (BLAS_INFO ${torchRuns[0]?.blas?.torch_blas_info ?? '-'}) on the BLAS detected at run time: ${torchLabel ?? '-'} `
  + `(library ${torchRuns[0]?.blas?.library_file ?? '-'}; tools/openblas.py blas_info), OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1), eval + no_grad, `
  + 'timed by tools/bench_torch.py in its own process, once per round between the JavaScript rounds, warmed up by the same settle rule; '
  + '"same arithmetic" precomputes Ua keys like every other peer, "tutorial forward_step" is the tutorial\'s own step.'
  + (torchDefault ? ` The extra row ran on the system default BLAS, detected as ${torchDefault.blas_label} (one run, no batch).` : ' No extra default-BLAS row: the system default is the same library.'));
notes.push(`Warm-up: every case was called until the median of its last 5 calls was within 3% of the 5 before (at least 10 calls, at most 300 or 20 s): ${warmups.join('; ')}.`);
notes.push('seqattn translateBatch decodes the 16 greedy rows together (one matrix product per weight per step); "16 x translate" is a loop of single calls.');

if (notes.length) {
  out('## Notes');
  out();
  for (const n of notes) out(`- ${n}`);
  out();
}

const text = lines.join('\n');
console.log(text);
if (!flag('--no-write')) {
  // keep the section other benchmarks write below this report (bench/pool.js etc.: "## Every core")
  let tail = '';
  try { const prev = readFileSync(OUT, 'utf8'); const i = prev.indexOf('\n## Every core'); if (i >= 0) tail = `\n---\n${prev.slice(i)}`; } catch { /* no previous report */ }
  writeFileSync(OUT, text + tail);
}
for (const m of Object.values(models)) for (const e of Object.values(m.peers)) await e.peer?.dispose?.();
process.exit(0);
