// seqattn with int8 weights in the relaxed-SIMD build (loadModel(dir, { weights: 'int8', wasmBuild:
// 'relaxed-simd' })): the int8 dot-product form the runtime found exact and faster at start-up
// ('dot-add': relaxed_dot_i8x16_i7x16_add_s, one vpdpbusd where V8 knows AVX-VNNI; else 'int16').
// Quantised: ids compared with PyTorch's and the agreement reported.
import { create as createSeqattn } from './seqattn.js';

export const label = 'seqattn, int8 weights (relaxed-simd)';
export const quantised = true;

export function create(dir) {
  return createSeqattn(dir, { weights: 'int8', wasmBuild: 'relaxed-simd' });
}
