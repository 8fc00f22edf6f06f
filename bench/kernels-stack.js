// Does one product with the stacked matrix [W_hh; W_a] beat two products with the same vector?
//   node --import tsx bench/kernels-stack.js
// Medians of interleaved samples, one run; the packed f32 kernels of Linear layers.
import { runtime } from '../src/wasm.ts';

const rt = await runtime();
const k = rt.k;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const H of [256, 512]) for (const n of [1, 5]) {
  const A = H;
  const W = rt.alloc((3 * H + A) * H * 4), b = rt.alloc((3 * H + A) * 4), X = rt.alloc(n * H * 4);
  const out = rt.alloc(n * (3 * H + A) * 4), o1 = rt.alloc(n * 3 * H * 4), o2 = rt.alloc(n * A * 4);
  const F = rt.F32; for (let i = 0; i < (3 * H + A) * H; i++) F[(W >> 2) + i] = Math.sin(i);
  const Wa = W + 3 * H * H * 4;
  const two = () => {
    if (n === 1) { k.matvec_packed(o1, W, X, b, 3 * H, H); k.matvec_packed(o2, Wa, X, b, A, H); }
    else { k.matmul_packed(o1, X, W, b, n, 3 * H, H); k.matmul_packed(o2, X, Wa, b, n, A, H); }
  };
  const one = () => { if (n === 1) k.matvec_packed(out, W, X, b, 3 * H + A, H); else k.matmul_packed(out, X, W, b, n, 3 * H + A, H); };
  const ts = [[], []];
  const reps = 2000 / n;
  for (let r = 0; r < 30; r++) for (const [i, f] of [[0, two], [1, one]]) {
    const t0 = performance.now(); for (let j = 0; j < reps; j++) f(); ts[i].push((performance.now() - t0) / reps * 1e3);
  }
  console.log(`H ${H} n ${n}: two products ${median(ts[0]).toFixed(2)} us, stacked ${median(ts[1]).toFixed(2)} us: ${(median(ts[0]) / median(ts[1])).toFixed(3)}x`);
}
