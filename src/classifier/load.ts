/**
 * Loading a classifier from bytes: a safetensors file plus a config (from `__metadata__.seqattn`,
 * or given), as seq2seq models load (src/load.ts). Platform-free; src/classifier/node.ts adds
 * file paths and folders.
 */
import { fetchAndUse, type FetchOptions } from '../fetch.js';
import { asModelSource, configFromFiles, loadRegions, namedStore, readWeightFiles, type ModelSource } from '../load.js';
import type { LoadOptions } from '../model.js';
import type { NetOptions } from '../models/net.js';
import { WeightStore, withArticle } from '../weights.js';
import { AttentionBiLSTM } from './attention-bilstm.js';
import { AttentionClassifier } from './classifier.js';
import { parseClassifierConfig } from './config.js';
import { HierarchicalAttentionNetwork } from './han.js';

/** Options of loadClassifier: how weight matrices are kept ('float32' or 'int8'), and which Wasm build runs. */
export type ClassifierLoadOptions = Pick<LoadOptions, 'weights' | 'wasmBuild' | 'allowUnusedTensors'>;

/** The net class of each classifier architecture. */
export const NETS = { 'attention-bilstm': AttentionBiLSTM, han: HierarchicalAttentionNetwork } as const;

/**
 * Loads a classifier from bytes (a safetensors file with its config in `__metadata__.seqattn`) or
 * from a ModelSource (weights and a separate config).
 * @example
 *   const clf = await loadClassifierFrom(new Uint8Array(await (await fetch('/relations.safetensors')).arrayBuffer()));
 *   clf.classify('the burst has been caused by water hammer pressure').label
 */
export function loadClassifierFrom(source: ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions = {}): Promise<AttentionClassifier> {
  return buildClassifier(source, options);
}

/** @internal loadClassifierFrom with the nets' load-time knobs (tests: inputTableBudgetBytes 0 runs without the tables T). */
export async function buildClassifier(source: ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions,
  net: Omit<NetOptions, 'weights'> = {}): Promise<AttentionClassifier> {
  const src = asModelSource(source);
  const files = readWeightFiles(src);
  const config = configFromFiles(files.map((f) => f.file), src.config, src.configName ?? 'config', parseClassifierConfig, 'docs/classifiers.md');
  const { regions, weights } = await loadRegions(options, files.map((f) => f.file));
  try {
    const store = new WeightStore(files, config.tensorPrefix);
    const classifier = new NETS[config.architecture](config, regions, namedStore(store, config), { ...net, weights });
    store.checkAllRead(`${withArticle(config.architecture)} classifier`, options.allowUnusedTensors); // strict loading, as loadModelFrom
    return new AttentionClassifier(regions.rt, regions, classifier);
  } catch (e) {
    regions.release(); // a failed load gives back what it took
    throw e;
  }
}

/**
 * Loads a classifier from bytes, a ModelSource, or a URL (fetched, with FetchOptions). In Node, the `node` entry
 * also takes file paths and folders.
 */
export async function loadClassifier(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions & FetchOptions = {}): Promise<AttentionClassifier> {
  if (typeof source !== 'string' && !(source instanceof URL)) return loadClassifierFrom(source, options);
  return fetchAndUse(source, options, (bytes) => loadClassifierFrom({ weights: { bytes, name: String(source) } }, options)); // cached once it loaded
}
