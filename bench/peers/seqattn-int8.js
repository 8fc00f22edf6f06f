// seqattn with int8 weights (loadModel(dir, { weights: 'int8', wasmBuild: 'simd128' })): per-row
// symmetric int8 weight matrices, 14-bit activations, i32x4.dot_i16x8_s. A quantised model: its ids are compared
// with PyTorch's and the agreement is reported, but a difference does not stop it being timed.
import { create as createSeqattn } from './seqattn.js';

export const label = 'seqattn, int8 weights (simd128)';
export const quantised = true;

export function create(dir) {
  return createSeqattn(dir, { weights: 'int8' });
}
