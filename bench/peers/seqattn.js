// seqattn: loadModel(dir), then translate(ids, { maxLength: steps }) (greedy); batches with translateBatch.
// The SIMD128 build unless told otherwise: what Node 20 runs by default (src/wasm.ts).
import { loadModel } from '../../dist/node.js';

export const label = 'seqattn';

export async function create(dir, { weights, wasmBuild = 'simd128' } = {}) {
  const model = await loadModel(dir, { wasmBuild, ...(weights ? { weights } : {}) });
  return {
    model,
    // what this run detected, not fixed text
    label: `seqattn (${model.wasmBuild}${model.wasmBuild === 'relaxed-simd' ? ', FMA' : ''}${weights === 'int8' ? `, int8 weights, ${model.int8DotForm} dot` : ''})`,
    translate: (src, steps) => model.translate(src, { maxLength: steps }).ids,
    // Greedy rows decoded together: one matrix product per weight per step for the whole batch.
    translateBatch: (srcs, steps) => model.translateBatch(srcs, { maxLength: steps }).map((t) => t.ids),
    // The same batch as a loop of single translate calls.
    translateLoop: (srcs, steps) => srcs.map((src) => model.translate(src, { maxLength: steps }).ids),
    dispose: () => model.dispose(),
  };
}
