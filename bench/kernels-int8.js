// int8 vs f32 products on decoder-sized matrices (issue 5).
//   node --import tsx bench/kernels-int8.js
// Medians of interleaved samples, one run. 8000 x 512 (16 MB in f32) does not fit the cache;
// the others do.
import { runtime } from '../src/wasm.ts';
import { quantizeRowsInt8 } from '../src/reference/kernels.ts';

const rt = await runtime();
const k = rt.k;
if (process.env.DOT_FORM && k.int8_dot_form) k.int8_dot_form(Number(process.env.DOT_FORM));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const [n, rows, cols] of (process.env.SHAPES ? JSON.parse(process.env.SHAPES) : [[1, 8000, 512], [5, 8000, 512], [16, 8000, 512], [1, 1536, 512], [5, 1536, 512], [16, 1536, 512], [1, 1536, 256], [1, 80, 256]])) {
  const W = new Float32Array(rows * cols).map((_, i) => Math.sin(i));
  const { Wq, ws } = quantizeRowsInt8(W, rows, cols);
  const pW = rt.alloc(W.byteLength), pq = rt.alloc(Wq.byteLength), ps = rt.alloc(ws.byteLength);
  const X = rt.alloc(n * cols * 4), b = rt.alloc(rows * 4), out = rt.alloc(n * rows * 4);
  rt.F32.set(W, pW >> 2); rt.U8.set(new Uint8Array(Wq.buffer), pq); rt.F32.set(ws, ps >> 2);
  rt.f32(X, n * cols).set(new Float32Array(n * cols).map((_, i) => Math.cos(i)));
  const f32 = () => n === 1 ? k.matvec(out, pW, X, b, rows, cols) : k.matmul(out, X, pW, b, n, rows, cols);
  const i8 = () => n === 1 ? k.matvec_i8(out, pq, ps, X, b, rows, cols) : k.matmul_i8(out, X, pq, ps, b, n, rows, cols);
  const reps = Math.max(2, Math.round(2e7 / (n * rows * cols)));
  const ts = [[], []];
  for (let r = 0; r < 25; r++) for (const [i, f] of [[0, f32], [1, i8]]) {
    const t0 = performance.now(); for (let j = 0; j < reps; j++) f(); ts[i].push((performance.now() - t0) / reps * 1e3);
  }
  const gmac = (t) => (n * rows * cols / t / 1e3).toFixed(1);
  console.log(`n ${n} ${rows}x${cols}: f32 ${median(ts[0]).toFixed(1)} us (${gmac(median(ts[0]))} GMAC/s), int8 ${median(ts[1]).toFixed(1)} us (${gmac(median(ts[1]))} GMAC/s): ${(median(ts[0]) / median(ts[1])).toFixed(2)}x`);
}
