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
import { SeqattnError } from './errors.js';

export { SeqattnError, type SeqattnErrorCode } from './errors.js';
export { parseConfig, type ModelConfig, type Architecture, type GruConvention, type DeepOutput } from './config.js';
export { Seq2SeqModel, DecoderSession, type StepOutput, type Translation, type TranslateOptions, type LoadOptions, type SourceInput, type FeatureInput, type BeginOptions } from './model.js';
export { loadModelFrom, type ModelSource, type WeightFileInput } from './load.js';
export { readSafetensors, writeSafetensors, SafetensorsFile } from './safetensors.js';
export { quantizeModel, type QuantizedModel } from './quantize.js';
export type { WasmBuild } from './wasm.js';
// Attention classifiers (attention-bilstm, han): docs/classifiers.md
export { loadClassifier, loadClassifierFrom, type ClassifierLoadOptions } from './classifier/load.js';
export { AttentionClassifier, type Classification, type SequenceClassification, type DocumentClassification, type ClassifierInput } from './classifier/classifier.js';
export { parseClassifierConfig, type ClassifierConfig, type ClassifierArchitecture, type DirectionMerge } from './classifier/config.js';
export { splitSentences, SENTENCE_BOUNDARY } from './classifier/tokenize.js';

/**
 * Loads a model from bytes (a safetensors file with its config in `__metadata__.seqattn`), from a
 * `ModelSource` (several files, a separate config), or from a URL (fetched). In Node, the `node`
 * entry also takes file paths, folders, and bundled model names such as 'g2p-en'.
 */
export async function loadModel(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Seq2SeqModel> {
  if (typeof source === 'string' || source instanceof URL) {
    if (typeof fetch !== 'function') throw new SeqattnError('E_MODEL_NOT_FOUND', `cannot fetch ${String(source)}: no fetch() here`);
    const res = await fetch(source);
    if (!res.ok) throw new SeqattnError('E_MODEL_NOT_FOUND', `${String(source)}: HTTP ${res.status}`);
    return loadModelFrom({ weights: { bytes: await res.arrayBuffer(), name: String(source) } }, options);
  }
  return loadModelFrom(source, options);
}
export { attentionToSvg, attentionToText, type SvgOptions, type TextOptions, type AttentionMatrix } from './render/index.js';
