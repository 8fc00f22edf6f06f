/**
 * quantizeModel: an f32 model file -> an int8 file (docs/model-format.md, "int8 files"). Which
 * tensors become int8 is what the loader itself quantises: the model is built once with
 * weights 'int8', and every tensor whose reads int8 Linears took whole (rows, or column slices
 * covering it) is written as I8 with its row scales; embeddings, biases, attention vectors stay
 * as they were. Loading the result therefore gives the same bytes in Wasm memory as loading the
 * original with `weights: 'int8'`.
 */
import { parseClassifierConfig } from './classifier/config.js';
import { NETS } from './classifier/load.js';
import { presetRecord } from './presets.js';
import { parseConfig } from './config.js';
import { SeqattnError } from './errors.js';
import { ARCHITECTURES, asModelSource, namedStore, loadRegions, readWeightFiles, type ModelSource } from './load.js';
import { isQuantized, QUANTIZATION_KEY, QUANTIZATION_SCHEME, SCALE_SUFFIX, type QuantizedRows } from './quantized.js';
import { writeSafetensors, type Dtype, type SafetensorsFile, type TensorToWrite } from './safetensors.js';
import { WeightStore } from './weights.js';

/** What quantizeModel wrote. */
export interface QuantizedModel {
  /** The int8 safetensors file. */
  bytes: Uint8Array;
  /** Tensors written as I8 (each with `<name>.scale`). */
  int8: string[];
  /** Tensors copied as they were. */
  kept: string[];
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SeqattnError('E_CONFIG', `${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** The tensor as a typed array writeSafetensors writes back bit for bit. */
function copyTensor(file: SafetensorsFile, name: string): TensorToWrite {
  const t = file.info(name);
  const view = file.raw(name);
  const raw = new Uint8Array(view.byteLength); // an aligned copy (a Buffer's slice() would not copy)
  raw.set(view);
  const b = raw.buffer;
  const views: Record<Dtype, () => TensorToWrite['data']> = {
    F32: () => new Float32Array(b), F64: () => new Float64Array(b), F16: () => new Uint16Array(b), BF16: () => new Uint16Array(b),
    I64: () => new BigInt64Array(b), I32: () => new Int32Array(b), I16: () => new Int16Array(b), I8: () => new Int8Array(b),
    U8: () => raw, BOOL: () => raw,
  };
  return { dtype: t.dtype, shape: t.shape, data: views[t.dtype]() };
}

/**
 * Quantises a model (seq2seq or classifier, one safetensors file) to an int8 file. The config
 * comes from the file's `__metadata__.seqattn` or `source.config`; it is written into the
 * output's metadata either way, so the int8 file stands alone.
 * @example
 *   const { bytes } = await quantizeModel(readFileSync('model.safetensors'));
 *   writeFileSync('model.int8.safetensors', bytes);
 */
export async function quantizeModel(source: ModelSource | Uint8Array | ArrayBuffer): Promise<QuantizedModel> {
  const src = asModelSource(source);
  const files = readWeightFiles(src);
  if (files.length !== 1 || files[0].prefix) {
    throw new SeqattnError('E_OPTION', `quantizeModel takes one safetensors file, got ${files.length}${files.length === 1 ? ' with a prefix' : ''} (merge encoder and decoder files first)`);
  }
  const { file } = files[0];
  isQuantized([file]); // what load refuses (an int8 scheme this version does not know), quantize refuses: the same check
  const configText = src.config === undefined ? file.metadata.seqattn : typeof src.config === 'string' ? src.config : JSON.stringify(src.config);
  if (configText === undefined) {
    throw new SeqattnError('E_CONFIG', `${file.fileName}: no config: neither a "seqattn" entry in __metadata__ nor a config given (see docs/model-format.md)`);
  }
  const where = src.config === undefined ? `${file.fileName}: __metadata__.seqattn` : src.configName ?? 'config';
  const raw = parseJson(configText, where);
  const kind = (raw as { architecture?: unknown } | null)?.architecture;
  const preset = presetRecord(kind); // classifier and captioner presets (src/presets.ts)
  const { regions } = await loadRegions({ weights: 'int8' });
  let store: WeightStore;
  try {
    if (kind === 'attention-bilstm' || kind === 'han' || preset?.kind === 'classifier') {
      const config = parseClassifierConfig(raw, where);
      store = new WeightStore(files, config.tensorPrefix);
      new NETS[config.architecture](config, regions, namedStore(store, config), { weights: 'int8' });
    } else {
      const config = parseConfig(raw, where);
      store = new WeightStore(files, config.tensorPrefix);
      new ARCHITECTURES[config.architecture](config, regions, namedStore(store, config), { weights: 'int8' });
    }
  } finally {
    regions.release();
  }

  // A tensor is int8 when every read of it went whole to int8 Linears, all reads agreeing on Q.
  const q = new Map<string, QuantizedRows | null>();
  for (const { read } of store.reads) {
    const whole = read.consumed === read.rows * read.cols && read.quantized !== null;
    q.set(read.name, whole && q.get(read.name) !== null ? read.quantized : null);
  }
  const out: Record<string, TensorToWrite> = {};
  const int8: string[] = [], kept: string[] = [];
  for (const name of file.tensors.keys()) {
    const owner = name.endsWith(SCALE_SUFFIX) ? name.slice(0, -SCALE_SUFFIX.length) : '';
    if (owner && file.has(owner) && file.info(owner).dtype === 'I8') continue; // scales of an int8 input tensor: rewritten with it
    const rows = q.get(name);
    if (rows) {
      if (file.has(name + SCALE_SUFFIX) && file.info(name).dtype !== 'I8') {
        throw new SeqattnError('E_TENSOR_SHAPE', `${file.fileName}: tensor '${name}${SCALE_SUFFIX}' exists, so '${name}' cannot be written as int8 with its scales under that name`);
      }
      out[name] = { dtype: 'I8', shape: file.info(name).shape, data: rows.Q };
      out[name + SCALE_SUFFIX] = { dtype: 'F32', shape: [rows.s.length], data: rows.s };
      int8.push(name);
    } else {
      out[name] = copyTensor(file, name);
      kept.push(name);
    }
  }
  const metadata: Record<string, string> = { ...file.metadata, seqattn: configText, [QUANTIZATION_KEY]: QUANTIZATION_SCHEME };
  return { bytes: writeSafetensors(out, metadata), int8, kept };
}
