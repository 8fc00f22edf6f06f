// GFLOP/s of seqattn's f32 matrix kernels and GMAC/s of its int8 ones, called straight through the Wasm exports.
//   node --import tsx bench/kernels.js [ms per sample]       (bench/run.js runs it; needs build/)
// Shapes: 768x256 (S: GRU 3H x H), 1536x1024 (M: decoder GRU input 3H x 2H), 8000x512 (M: out
// layer), each as matvec (n = 1) and as the batch-16 matmul. Kernels: row-major matvec / matmul,
// and the packed variants (4-row interleaved blocks, the layout f32 Linear layers use) when the
// build exports them; int8: matvec_i8 / matmul_i8 on weights quantised as Linear does at load, in the
// dot-product form the runtime chose (rt.int8DotForm). Prints one JSON object; the same shapes and
// timing as bench/c/kernel_ref.c (median over 21 samples of ~20 ms of CPU time each).
import { runtime } from '../src/wasm.ts';
import * as ref from '../src/reference/kernels.ts';

const target = Number(process.argv[2] ?? 20);
const rt = await runtime();
const k = rt.k;
const SHAPES = [[768, 256], [1536, 1024], [8000, 512]];
const SAMPLES = 21;
/** Milliseconds of this process's CPU time (user + system): other work on shared cores does not count. */
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

let seed = 12345;
const random = (n) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; a[i] = ((seed >>> 8) / 16777216 - 0.5) * 0.2; }
  return a;
};
const upload = (a) => { const p = rt.alloc(a.length * 4); rt.F32.set(a, p >> 2); return p; };

function time(call) {
  let reps = 0;
  const t0 = cpuNow();
  do { call(); reps++; } while (cpuNow() - t0 < target / 4);
  reps *= 4;
  const s = [];
  for (let i = 0; i < SAMPLES; i++) {
    const a = cpuNow();
    for (let r = 0; r < reps; r++) call();
    s.push((cpuNow() - a) / 1e3 / reps);
  }
  return median(s);
}

const memoryBefore = rt.memoryBytes;
const results = [];
for (const [rows, cols] of SHAPES) {
  const W = random(rows * cols);
  const b = random(rows);
  const X = random(16 * cols);
  const pW = upload(W);
  const pb = upload(b);
  const pX = upload(X);
  const pOut = rt.alloc(16 * rows * 4);
  const packed = typeof k.matvec_packed === 'function' && typeof ref.packRowsF32 === 'function';
  const pP = packed ? upload(ref.packRowsF32(W, rows, cols)) : 0;
  const { Wq, ws } = ref.quantizeRowsInt8(W, rows, cols);
  const pQ = rt.alloc(Wq.length), pS = upload(ws);
  rt.U8.set(new Uint8Array(Wq.buffer, Wq.byteOffset, Wq.length), pQ);
  // Correctness first: each kernel against plain loops in float64.
  const want = new Float64Array(16 * rows);
  for (let i = 0; i < 16; i++) for (let r = 0; r < rows; r++) {
    let s = b[r];
    for (let c = 0; c < cols; c++) s += W[r * cols + c] * X[i * cols + c];
    want[i * rows + r] = s;
  }
  const check = (name, n) => {
    const got = rt.f32(pOut, n * rows);
    let err = 0;
    for (let i = 0; i < n * rows; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    const tol = name.endsWith('_i8') ? 2e-2 : 1e-3; // int8: the quantisation error (outputs are ~1 here)
    if (!(err < tol)) throw new Error(`${name} ${rows}x${cols} n=${n}: max error ${err}`);
  };
  const cases = [
    ['matvec', 1, () => k.matvec(pOut, pW, pX, pb, rows, cols)],
    ['matmul', 16, () => k.matmul(pOut, pX, pW, pb, 16, rows, cols)],
  ];
  if (packed) {
    cases.push(['matvec_packed', 1, () => k.matvec_packed(pOut, pP, pX, pb, rows, cols)]);
    cases.push(['matmul_packed', 16, () => k.matmul_packed(pOut, pX, pP, pb, 16, rows, cols)]);
  }
  cases.push(['matvec_i8', 1, () => k.matvec_i8(pOut, pQ, pS, pX, pb, rows, cols)]);
  cases.push(['matmul_i8', 16, () => k.matmul_i8(pOut, pX, pQ, pS, pb, 16, rows, cols)]);
  for (const [name, n, call] of cases) {
    call();
    check(name, n);
    const seconds = time(call);
    const i8 = name.endsWith('_i8');
    results.push({ kernel: name, n, rows, cols, seconds, [i8 ? 'gmacs' : 'gflops']: ((i8 ? 1 : 2) * n * rows * cols) / seconds / 1e9 });
    console.error(`wasm ${name} ${rows}x${cols} n=${n}: ${((i8 ? 1 : 2) * n * rows * cols / seconds / 1e9).toFixed(2)} ${i8 ? 'GMAC/s' : 'GFLOP/s'}`);
  }
  for (const p of [pW, pb, pX, pOut, pP, pQ, pS]) if (p) rt.free(p);
}
console.log(JSON.stringify({ build: rt.build, int8DotForm: rt.int8DotForm, kernels: results, memoryBytes: [memoryBefore, rt.memoryBytes] }));
