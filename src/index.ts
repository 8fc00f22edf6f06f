/**
 * seqattn: attention-based encoder-decoder RNNs on the CPU, with SIMD WebAssembly.
 *
 * @example
 *   import { loadModel } from 'seqattn';
 *   const model = await loadModel(bytesOfSafetensorsFile);
 *   const { text, attention } = model.translate('hello');
 *   model.dispose();
 */
import { loadModelFrom, type ModelSource } from './load.js';
import type { LoadOptions, Seq2SeqModel } from './model.js';
import { bundledNameError, fetchAndUse, isBundledName, type FetchOptions } from './fetch.js';
import { provideModule, runtime } from './wasm.js';
import { checkOptionsObject } from './limits.js';

export { SeqattnError, type SeqattnErrorCode } from './errors.js';
export { parseConfig, PRESETS, type ModelConfig, type Architecture, type Preset, type GruConvention, type DeepOutput } from './config.js';
export { Seq2SeqModel, DecoderSession, type StepOutput, type Translation, type TranslateOptions, type LoadOptions, type SourceInput, type FeatureInput, type BeginOptions } from './model.js';
export { loadModelFrom, type ModelSource, type WeightFileInput } from './load.js';
export { readSafetensors, writeSafetensors, SafetensorsFile } from './safetensors.js';
export { quantizeModel, type QuantizedModel } from './quantize.js';
export { compiledModule, type WasmBuild } from './wasm.js';
export { fetchAndUse, fetchModelBytes, type FetchOptions } from './fetch.js';
// Worker pools: Web Workers here (tree-shaken when unused); the node entry's createPool uses worker_threads
export { createPool, type WebPoolOptions } from './pool/web.js';
export { TranslationPool, type PoolOptions } from './pool/pool.js';
export { inspect, formatInspect, matchSeq2SeqPresets, type InspectReport, type PresetMatch, type PresetMatcher, type TensorSummary } from './inspect.js';
// Attention classifiers (attention-bilstm, han): docs/classifiers.md
export { loadClassifier, loadClassifierFrom, type ClassifierLoadOptions } from './classifier/load.js';
export { AttentionClassifier, type Classification, type SequenceClassification, type DocumentClassification, type ClassifierInput } from './classifier/classifier.js';
export { parseClassifierConfig, type ClassifierConfig, type ClassifierArchitecture, type DirectionMerge } from './classifier/config.js';
export { splitSentences, SENTENCE_BOUNDARY } from './classifier/tokenize.js';
// Presets for the classifiers and the captioner as popular PyTorch projects save them; captioner inputs from .npy
export { matchClassifierPresets, CLASSIFIER_PRESETS, PRESET_RECORDS, type ClassifierPreset, type PresetCandidate, type TensorDescription } from './presets.js';
export type { PresetRecord, ModelKind } from './preset-record.js';
export type { TensorNameMap, TensorNameTarget } from './tensor-names.js';
export { readNpy, readFeatures, type FeatureGrid } from './captioner/features.js';
export { attentionGridToSvg, type CaptionAttention, type GridSvgOptions } from './captioner/svg.js';

/**
 * Loads a model from bytes (a safetensors file with its config in `__metadata__.seqattn`), from a
 * `ModelSource` (several files, a separate config), or from a URL (fetched; `cache`, `onProgress`,
 * `maxDownloadBytes`, `integrity`: FetchOptions). In Node, the `node` entry also takes file paths,
 * folders, and bundled model names such as 'g2p-en'; in a browser a bundled name is an error that
 * gives the URL to use instead.
 * @example
 *   const model = await loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url),
 *     { cache: true, onProgress: (loaded, total) => console.log(loaded, total) });
 */
export async function loadModel(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions & FetchOptions = {}): Promise<Seq2SeqModel> {
  if (typeof source === 'string' && isBundledName(source)) throw bundledNameError(source);
  if (typeof source === 'string' || source instanceof URL) {
    // compile (or, given a compiled wasmModule and its wasmBuild, instantiate) the Wasm while the
    // bytes download; errors surface from loadModelFrom's own runtime() and option checks
    const o = checkOptionsObject(options, 'load options');
    const given = o.wasmModule, build = o.wasmBuild as LoadOptions['wasmBuild'];
    if (given === undefined) runtime(build).catch(() => {});
    else if (given instanceof WebAssembly.Module && (build === 'simd128' || build === 'relaxed-simd')) {
      provideModule(build, given);
      runtime(build).catch(() => {});
    }
    // loaded before it is cached: bytes that do not load as a model never reach the cache
    return fetchAndUse(source, options, (bytes) => loadModelFrom({ weights: { bytes, name: String(source) } }, options));
  }
  return loadModelFrom(source, options);
}
// English G2P: text -> phonemes with the dictionary, numbers, heteronyms and the model (README, G2P)
export * from './g2p/index.js';
export { attentionToSvg, attentionToText, type SvgOptions, type TextOptions, type AttentionMatrix } from './render/index.js';
