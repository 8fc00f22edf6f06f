/**
 * Loading a model from bytes: safetensors file(s) plus a config (from `__metadata__.seqattn`, or
 * given). Platform-free; src/node.ts adds file paths and bundled model names on top.
 */
import { parseConfig, type ModelConfig } from './config.js';
import { SeqattnError } from './errors.js';
import { Regions } from './memory.js';
import { Seq2SeqModel, type LoadOptions } from './model.js';
import { RNNsearch } from './models/bahdanau.js';
import { ChoEncoderDecoder } from './models/cho.js';
import { Luong } from './models/luong.js';
import type { AttentionNet, NetOptions } from './models/net.js';
import { PyTorchTutorial } from './models/pytorch-tutorial.js';
import { ShowAttendTell } from './models/show-attend-tell.js';
import { Seq2SeqLSTM } from './models/sutskever.js';
import { isQuantized } from './quantized.js';
import { readSafetensors, type SafetensorsFile } from './safetensors.js';
import { runtime } from './wasm.js';
import type { WeightFormat } from './layers/linear.js';
import { WeightStore } from './weights.js';

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

/** The net class of each architecture name. */
export const ARCHITECTURES: Record<ModelConfig['architecture'], new (c: ModelConfig, r: Regions, w: WeightStore, o: NetOptions) => AttentionNet> = {
  cho: ChoEncoderDecoder,
  sutskever: Seq2SeqLSTM,
  'pytorch-tutorial': PyTorchTutorial,
  bahdanau: RNNsearch,
  luong: Luong,
  'show-attend-tell': ShowAttendTell,
};

function toBytes(b: Uint8Array | ArrayBuffer): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SeqattnError('E_CONFIG', `${where}: not valid JSON (${(e as Error).message})`);
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
    const text = f.metadata.seqattn;
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
  return inputs.map((f, i) => ({ file: readSafetensors(toBytes(f.bytes), f.name ?? (inputs.length > 1 ? `<weights ${i}>` : '<weights>')), prefix: f.prefix ?? '' }));
}

/** Bytes, or a ModelSource, as a ModelSource. */
export function asModelSource(source: ModelSource | Uint8Array | ArrayBuffer): ModelSource {
  return source instanceof Uint8Array || source instanceof ArrayBuffer ? { weights: source } : source;
}

/**
 * Checks the load options every model kind shares (LoadOptions.weights and .wasmBuild) and gives
 * Wasm regions on the runtime of that build, and the weight format (default 'int8' for int8 `files`).
 */
export async function loadRegions(options: Pick<LoadOptions, 'weights' | 'wasmBuild'>, files: readonly SafetensorsFile[] = []): Promise<{ regions: Regions; weights: WeightFormat }> {
  const weights = options.weights ?? (isQuantized(files) ? 'int8' : 'float32'); // an int8 file loads as int8 unless told otherwise
  if (weights !== 'float32' && weights !== 'int8') {
    throw new SeqattnError('E_OPTION', `weights is ${JSON.stringify(weights)}, expected 'float32' or 'int8'`);
  }
  const build = options.wasmBuild;
  if (build !== undefined && build !== 'simd128' && build !== 'relaxed-simd') {
    throw new SeqattnError('E_OPTION', `wasmBuild is ${JSON.stringify(build)}, expected 'simd128' or 'relaxed-simd'`);
  }
  return { regions: new Regions(await runtime(build)), weights };
}

/**
 * Loads a model from bytes.
 * @example
 *   const model = await loadModel(new Uint8Array(await (await fetch('/g2p.safetensors')).arrayBuffer()));
 *   model.translate('hello').text
 */
export async function loadModelFrom(source: ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Seq2SeqModel> {
  const src = asModelSource(source);
  const files = readWeightFiles(src);
  const config = resolveConfig(files.map((f) => f.file), src.config, src.configName);
  const { regions, weights } = await loadRegions(options, files.map((f) => f.file));
  try {
    const net = new ARCHITECTURES[config.architecture](config, regions, new WeightStore(files, config.tensorPrefix), { weights });
    return new Seq2SeqModel(regions.rt, regions, net, options);
  } catch (e) {
    regions.release(); // a failed load gives back what it took
    throw e;
  }
}
