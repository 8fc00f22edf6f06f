// onnxruntime-web, its WebAssembly (SIMD) backend running in Node, one thread, same ONNX files.
import * as ort from 'onnxruntime-web';
import { createOrtPeer } from './ort-common.js';

export const label = 'onnxruntime-web (wasm)';
export const version = () => ort.env.versions?.web ?? '';

export async function create(dir, { config }) {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  return createOrtPeer(ort, dir, config, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
}
