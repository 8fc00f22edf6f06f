// onnxruntime-node (native CPU execution provider), one intra-op thread, on the exported ONNX files.
import ort from 'onnxruntime-node';
import { createOrtPeer } from './ort-common.js';

export const label = 'onnxruntime-node';
export const version = () => ort.env.versions?.node ?? '';

export async function create(dir, { config }) {
  return createOrtPeer(ort, dir, config, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}
