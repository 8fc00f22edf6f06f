/**
 * Loading a classifier from bytes: a safetensors file plus a config (from `__metadata__.seqattn`,
 * or given), as seq2seq models load (src/load.ts). Platform-free; src/classifier/node.ts adds
 * file paths and folders.
 */
import { SeqattnError } from '../errors.js';
import type { ModelSource, WeightFileInput } from '../load.js';
import type { LoadOptions } from '../model.js';
import type { NetOptions } from '../models/net.js';
import { Regions } from '../memory.js';
import { readSafetensors, type SafetensorsFile } from '../safetensors.js';
import { runtime } from '../wasm.js';
import { WeightStore } from '../weights.js';
import { AttentionBiLSTM } from './attention-bilstm.js';
import { AttentionClassifier } from './classifier.js';
import { parseClassifierConfig, type ClassifierConfig } from './config.js';
import { HierarchicalAttentionNetwork } from './han.js';

/** Options of loadClassifier: how weight matrices are kept ('float32' or 'int8'), and which Wasm build runs. */
export type ClassifierLoadOptions = Pick<LoadOptions, 'weights' | 'wasmBuild'>;

/** The net class of each classifier architecture. */
const NETS = { 'attention-bilstm': AttentionBiLSTM, han: HierarchicalAttentionNetwork } as const;

function configFrom(files: SafetensorsFile[], given: object | string | undefined, givenName = 'config'): ClassifierConfig {
  const parse = (text: string, where: string) => {
    let raw: unknown;
    try { raw = JSON.parse(text); } catch (e) { throw new SeqattnError('E_CONFIG', `${where}: not valid JSON (${(e as Error).message})`); }
    return parseClassifierConfig(raw, where);
  };
  if (given !== undefined) return typeof given === 'string' ? parse(given, givenName) : parseClassifierConfig(given, givenName);
  const file = files.find((f) => f.metadata.seqattn !== undefined);
  if (file) return parse(file.metadata.seqattn, `${file.fileName}: __metadata__.seqattn`);
  throw new SeqattnError('E_CONFIG', `${files.map((f) => f.fileName).join(', ')}: no config: neither a "seqattn" entry in __metadata__ nor a config.json / config option (see docs/classifiers.md)`);
}

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
  const src: ModelSource = source instanceof Uint8Array || source instanceof ArrayBuffer ? { weights: source } : source;
  const inputs: WeightFileInput[] = Array.isArray(src.weights) ? src.weights
    : src.weights instanceof Uint8Array || src.weights instanceof ArrayBuffer ? [{ bytes: src.weights }] : [src.weights];
  const files = inputs.map((f, i) => ({
    file: readSafetensors(f.bytes instanceof Uint8Array ? f.bytes : new Uint8Array(f.bytes), f.name ?? (inputs.length > 1 ? `<weights ${i}>` : '<weights>')),
    prefix: f.prefix ?? '',
  }));
  const config = configFrom(files.map((f) => f.file), src.config, src.configName);
  const weights = options.weights ?? 'float32';
  if (weights !== 'float32' && weights !== 'int8') throw new SeqattnError('E_OPTION', `weights is ${JSON.stringify(weights)}, expected 'float32' or 'int8'`);
  const build = options.wasmBuild;
  if (build !== undefined && build !== 'simd128' && build !== 'relaxed-simd') {
    throw new SeqattnError('E_OPTION', `wasmBuild is ${JSON.stringify(build)}, expected 'simd128' or 'relaxed-simd'`);
  }
  const rt = await runtime(build);
  const regions = new Regions(rt);
  try {
    return new AttentionClassifier(rt, regions, new NETS[config.architecture](config, regions, new WeightStore(files, config.tensorPrefix), { ...net, weights }));
  } catch (e) {
    regions.release(); // a failed load gives back what it took
    throw e;
  }
}

/**
 * Loads a classifier from bytes, a ModelSource, or a URL (fetched). In Node, the `node` entry
 * also takes file paths and folders.
 */
export async function loadClassifier(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions = {}): Promise<AttentionClassifier> {
  if (typeof source !== 'string' && !(source instanceof URL)) return loadClassifierFrom(source, options);
  if (typeof fetch !== 'function') throw new SeqattnError('E_MODEL_NOT_FOUND', `cannot fetch ${String(source)}: no fetch() here`);
  const res = await fetch(source);
  if (!res.ok) throw new SeqattnError('E_MODEL_NOT_FOUND', `${String(source)}: HTTP ${res.status}`);
  return loadClassifierFrom({ weights: { bytes: await res.arrayBuffer(), name: String(source) } }, options);
}
