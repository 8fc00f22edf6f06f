// seqattn's relaxed-SIMD build (loadModel(dir, { wasmBuild: 'relaxed-simd' })): the same kernels with
// the dense products accumulating through a fused multiply-add (f32x4.relaxed_madd). What Chrome >= 114
// and Node >= 22 run by default; bench/run.js turns relaxed SIMD on in Node 20 for it.
import { create as createSeqattn } from './seqattn.js';

export const label = 'seqattn, relaxed SIMD (FMA)';

export function create(dir) {
  return createSeqattn(dir, { wasmBuild: 'relaxed-simd' });
}
