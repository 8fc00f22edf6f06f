/**
 * Loading a model from bytes: safetensors file(s) plus a config (from `__metadata__.seqattn`, or
 * given). Platform-free; src/node.ts adds file paths and bundled model names on top.
 */
import { parseConfig, type ModelConfig } from './config.js';
import { ComposedNet } from './compose/net.js';
import { COMPOSITIONS, compositionOf } from './compose/architectures.js';
import { SeqattnError } from './errors.js';
import { Regions } from './memory.js';
import { Seq2SeqModel, type LoadOptions } from './model.js';
import type { AttentionNet, NetOptions } from './models/net.js';
import { ShowAttendTell } from './models/show-attend-tell.js';
import { isQuantized } from './quantized.js';
import { readSafetensors, type SafetensorsFile } from './safetensors.js';
import { provideModule, runtime } from './wasm.js';
import { checkMemory, checkOptionsObject, resolveLimits, weightElements } from './limits.js';
import { cut, kindOf, own, preview } from './untrusted.js';
import type { WeightFormat } from './layers/linear.js';
import { MappedWeightStore } from './tensor-names.js';
import { WeightStore, withArticle } from './weights.js';

/** One safetensors file; `prefix` is put before its tensor names (e.g. 'encoder.' for encoder.state_dict()). */
export interface WeightFileInput { bytes: Uint8Array | ArrayBuffer; name?: string; prefix?: string }

export interface ModelSource {
  /** One safetensors file, or several (the tutorial's encoder + decoder). */
  weights: Uint8Array | ArrayBuffer | WeightFileInput | WeightFileInput[];
  /** The config as an object or JSON text; default: `__metadata__.seqattn` of a weights file. */
  config?: object | string;
  /** Where the config came from, for error messages. */
  configName?: string;
}

type NetClass = new (c: ModelConfig, r: Regions, w: WeightStore, o: NetOptions) => AttentionNet;

/** The net of a composition the config describes: a paper's (src/models), a preset of a popular implementation, or the config's "parts". */
class ComposedFromConfig extends ComposedNet {
  constructor(c: ModelConfig, r: Regions, w: WeightStore, o: NetOptions) { super(c, compositionOf(c), r, w, o); }
}

/** The net class of each architecture name. */
export const ARCHITECTURES: Record<ModelConfig['architecture'], NetClass> = {
  ...Object.fromEntries(Object.keys(COMPOSITIONS).map((a) => [a, ComposedFromConfig])) as unknown as Record<keyof typeof COMPOSITIONS, NetClass>,
  'show-attend-tell': ShowAttendTell,
};

/** The config's store: through its "tensor_names" (a captioner's: with its preset's) when it has any, for every model kind. */
export function namedStore(store: WeightStore, c: { tensorNames: ModelConfig['tensorNames'] }): WeightStore {
  return Object.keys(c.tensorNames).length ? new MappedWeightStore(store, c.tensorNames) : store;
}

function toBytes(b: Uint8Array | ArrayBuffer): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SeqattnError('E_CONFIG', `${where}: not valid JSON (${cut((e as Error).message)})`);
  }
}

/**
 * Finds and validates a config with `parse`: the one given (object or JSON text), else the first
 * file's `__metadata__.seqattn`; `docs` names the format's documentation in the error for none.
 */
export function configFromFiles<C>(files: SafetensorsFile[], config: object | string | undefined, configName: string,
  parse: (raw: unknown, where: string) => C, docs: string): C {
  if (config !== undefined) return parse(typeof config === 'string' ? parseJson(config, configName) : config, configName);
  for (const f of files) {
    const text = own(f.metadata, 'seqattn') as string | undefined; // not Object.prototype.seqattn
    if (text !== undefined) return parse(parseJson(text, `${f.fileName}: __metadata__.seqattn`), `${f.fileName}: __metadata__.seqattn`);
  }
  throw new SeqattnError('E_CONFIG', `${files.map((f) => f.fileName).join(', ')}: no config: neither a "seqattn" entry in __metadata__ nor a config.json / config option (see ${docs})`);
}

/** Finds and validates the config of a seq2seq model (configFromFiles with parseConfig). */
export function resolveConfig(files: SafetensorsFile[], config: object | string | undefined, configName = 'config'): ModelConfig {
  return configFromFiles(files, config, configName, parseConfig, 'docs/model-format.md');
}

/** The weight files of a source, read and validated, each with the prefix for its tensor names. */
export function readWeightFiles(src: ModelSource): { file: SafetensorsFile; prefix: string }[] {
  const inputs: WeightFileInput[] = Array.isArray(src.weights)
    ? src.weights
    : src.weights instanceof Uint8Array || src.weights instanceof ArrayBuffer ? [{ bytes: src.weights }] : [src.weights];
  return inputs.map((f, i) => {
    const file = checkWeightFileInput(f, Array.isArray(src.weights) ? `weights[${i}]` : 'weights');
    return { file: readSafetensors(toBytes(file.bytes), file.name ?? (inputs.length > 1 ? `<weights ${i}>` : '<weights>')), prefix: file.prefix ?? '' };
  });
}

/** Bytes, or a ModelSource, as a ModelSource. */
export function asModelSource(source: ModelSource | Uint8Array | ArrayBuffer): ModelSource {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return { weights: source };
  if (source === null || typeof source !== 'object' || own(source, 'weights') === undefined) {
    throw new SeqattnError('E_ARGUMENT', `a model source must be the bytes of a safetensors file (Uint8Array, ArrayBuffer) or { weights, config? }, got ${kindOf(source)}`);
  }
  return source;
}

/**
 * Checks the load options every model kind shares (LoadOptions.weights and .wasmBuild) and gives
 * Wasm regions on the runtime of that build, and the weight format (default 'int8' for int8 `files`).
 */
export async function loadRegions(options: Pick<LoadOptions, 'weights' | 'wasmBuild' | 'wasmModule' | 'maxMemoryBytes'>, files: readonly SafetensorsFile[] = []): Promise<{ regions: Regions; weights: WeightFormat }> {
  const { maxMemoryBytes } = resolveLimits(options);
  const o = checkOptionsObject(options, 'load options') as typeof options;
  const weights = o.weights ?? (isQuantized(files) ? 'int8' : 'float32'); // an int8 file loads as int8 unless told otherwise
  if (weights !== 'float32' && weights !== 'int8') {
    throw new SeqattnError('E_OPTION', `weights is ${preview(weights)}, expected 'float32' or 'int8'`);
  }
  const build = o.wasmBuild;
  if (build !== undefined && build !== 'simd128' && build !== 'relaxed-simd') {
    throw new SeqattnError('E_OPTION', `wasmBuild is ${preview(build)}, expected 'simd128' or 'relaxed-simd'`);
  }
  if (o.wasmModule !== undefined) {
    if (!(o.wasmModule instanceof WebAssembly.Module) || build === undefined) {
      throw new SeqattnError('E_OPTION', 'wasmModule needs to be a WebAssembly.Module given with the wasmBuild it was compiled from');
    }
    provideModule(build, o.wasmModule);
  }
  return { regions: new Regions(await runtime(build), maxMemoryBytes), weights };
}

/**
 * Loads a model from bytes.
 * @example
 *   const model = await loadModel(new Uint8Array(await (await fetch('/g2p.safetensors')).arrayBuffer()));
 *   model.translate('hello').text
 */
export async function loadModelFrom(source: ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Seq2SeqModel> {
  const limits = resolveLimits(options);
  const src = asModelSource(source);
  const files = readWeightFiles(src);
  const config = resolveConfig(files.map((f) => f.file), src.config, src.configName);
  checkMemory(files.map((f) => f.file.fileName).join(', '), config, weightElements(files.map((f) => f.file)), limits); // before any allocation
  const { regions, weights } = await loadRegions(options, files.map((f) => f.file));
  try {
    const store = new WeightStore(files, config.tensorPrefix);
    const net = new ARCHITECTURES[config.architecture](config, regions, namedStore(store, config), { weights });
    store.checkAllRead(`${withArticle(config.architecture)} model`, options.allowUnusedTensors);
    return new Seq2SeqModel(regions.rt, regions, net, options);
  } catch (e) {
    regions.release(); // a failed load gives back what it took
    throw e;
  }
}

/** A WeightFileInput checked (E_ARGUMENT): bytes as Uint8Array or ArrayBuffer, name and prefix strings; own properties only. */
function checkWeightFileInput(f: unknown, where: string): WeightFileInput {
  const bytes = f !== null && typeof f === 'object' ? own(f, 'bytes') : undefined;
  if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
    throw new SeqattnError('E_ARGUMENT', `${where} must be a Uint8Array, an ArrayBuffer or { bytes, name?, prefix? }, got ${kindOf(f)}${f !== null && typeof f === 'object' ? ` with bytes ${kindOf(bytes)}` : ''}`);
  }
  const name = own(f as object, 'name'), prefix = own(f as object, 'prefix');
  if (name !== undefined && typeof name !== 'string') throw new SeqattnError('E_ARGUMENT', `${where}.name must be a string, got ${kindOf(name)}`);
  if (prefix !== undefined && typeof prefix !== 'string') throw new SeqattnError('E_ARGUMENT', `${where}.prefix must be a string, got ${kindOf(prefix)}`);
  return { bytes, name: name as string | undefined, prefix: prefix as string | undefined };
}
