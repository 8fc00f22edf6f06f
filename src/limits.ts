/**
 * Limits on every size that comes from a file, a config or an option, checked in plain numbers
 * before anything is allocated, and the estimate of what a model will take of Wasm memory.
 *
 * Why: every model of a thread shares one Wasm instance; a size that reached its allocator unchecked
 * (2^32 bytes wraps to 0 in an i32) let the zero-fill run over the allocator's state and broke every
 * later load. So: each config size has a ceiling (CONFIG_LIMITS), each load option a range, the whole
 * model an estimate checked against `maxMemoryBytes` (LoadOptions), and src/memory.ts holds a model to
 * that budget allocation by allocation.
 */
import { compositionOf } from './compose/architectures.js';
import type { ModelConfig } from './config.js';
import { SeqattnError } from './errors.js';
import { INPUT_TABLE_BUDGET_BYTES } from './layers/input-projection.js';
import type { SafetensorsFile } from './safetensors.js';
import { kindOf, ownRecord, preview } from './untrusted.js';

/** Ceilings of the integer fields of a config (docs/model-format.md). */
export const CONFIG_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  hidden_size: 65536, embedding_size: 65536, encoder_hidden_size: 65536, alignment_size: 65536,
  deep_output_size: 65536, feature_size: 65536,
  max_source_length: 65536, max_target_length: 65536, window: 65536,
  num_layers: 64,
  // classifiers (src/classifier/config.ts)
  word_hidden_size: 65536, sentence_hidden_size: 65536, word_attention_size: 65536, sentence_attention_size: 65536,
  attention_size: 65536, max_length: 65536, max_sentence_length: 65536, max_sentences: 65536,
});

/** The ceiling of an integer config field: CONFIG_LIMITS, else the largest safe integer. */
export function configLimit(key: string): number {
  return Object.prototype.hasOwnProperty.call(CONFIG_LIMITS, key) ? CONFIG_LIMITS[key] : Number.MAX_SAFE_INTEGER;
}

/** Default of LoadOptions.maxMemoryBytes: 1 GiB of Wasm memory for one model (weights, tables, decode buffers). */
export const DEFAULT_MAX_MEMORY_BYTES = 2 ** 30;
/** Default of LoadOptions.maxFileBytes: model files (and config.json) read from a path may have at most 2 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;
/** Wasm memory has 32-bit addresses: nothing can take more. */
export const WASM_MEMORY_BYTES = 2 ** 32;
/** Ceilings of LoadOptions.maxBeamSize and .maxBatchSize. */
export const MAX_BEAM_SIZE = 1024;
export const MAX_BATCH_SIZE = 4096;

/** What loadModel does with a source symbol outside the vocabulary. */
export type UnknownSource = 'error' | 'unk';

/** The load options every model kind checks, resolved with defaults. */
export interface ResolvedLimits {
  maxBeamSize: number;
  maxBatchSize: number;
  maxMemoryBytes: number;
  maxFileBytes: number;
  unknownSource: UnknownSource | undefined;
}

/**
 * The own properties of an options object (E_OPTION unless `o` is undefined or an object that is
 * not an array): Object.prototype sets no option.
 */
export function checkOptionsObject(o: unknown, what: string): Record<string, unknown> {
  if (o === undefined) return ownRecord({});
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new SeqattnError('E_OPTION', `${what} must be an object, got ${kindOf(o)}`);
  }
  return ownRecord(o);
}

/** An integer option in [min, max] (default `dflt`), else E_OPTION naming it, the value and the range. */
export function intOption(name: string, v: unknown, dflt: number, min: number, max: number, why = ''): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    throw new SeqattnError('E_OPTION', `${name} is ${preview(x)}, expected an integer in [${min}, ${max}]${why}`);
  }
  return x;
}

/** Checks the size options of loadModel / loadClassifier (E_OPTION) and fills their defaults. */
export function resolveLimits(options: unknown): ResolvedLimits {
  const o = checkOptionsObject(options, 'load options');
  const unknownSource = o.unknownSource;
  if (unknownSource !== undefined && unknownSource !== 'error' && unknownSource !== 'unk') {
    throw new SeqattnError('E_OPTION', `unknownSource is ${preview(unknownSource)}, expected 'error' or 'unk'`);
  }
  return {
    maxBeamSize: intOption('maxBeamSize', o.maxBeamSize, 16, 1, MAX_BEAM_SIZE),
    maxBatchSize: intOption('maxBatchSize', o.maxBatchSize, 16, 1, MAX_BATCH_SIZE),
    maxMemoryBytes: intOption('maxMemoryBytes', o.maxMemoryBytes, DEFAULT_MAX_MEMORY_BYTES, 2 ** 16, WASM_MEMORY_BYTES, ' (Wasm memory has 32-bit addresses)'),
    maxFileBytes: intOption('maxFileBytes', o.maxFileBytes, DEFAULT_MAX_FILE_BYTES, 8, Number.MAX_SAFE_INTEGER),
    unknownSource,
  };
}

/** Bytes as "1.5 GiB" / "640 KiB" / "12 bytes". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let k = 0;
  while (n >= 1024 && k < units.length - 1) { n /= 1024; k++; }
  return k === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 2 : 1)} ${units[k]}`;
}

/** The parts of a seq2seq model's Wasm memory, in bytes (an upper estimate; test/hardening checks it). */
export interface MemoryEstimate {
  /** The weights as f32 (int8 takes less). */
  weights: number;
  /** Input tables T (V, gates x H) of the embeddings, each at most INPUT_TABLE_BUDGET_BYTES. */
  tables: number;
  /** Per source slot: annotations h_j and keys U h_j, maxBatchSize x max_source_length of them. */
  sources: number;
  /** Per decode row: energies and weights (max_source_length each), logits, log-probabilities, states. */
  rows: number;
  /** The encoder's scratch for one source of max_source_length. */
  encoder: number;
  total: number;
}

/**
 * The sizes the estimate reads, upper bounds: from the composition a text model's config describes
 * (compose/architectures.ts, the one record the net is built from), from the fields for a captioner.
 */
function estimateSizes(c: ModelConfig): { L: number; H: number; d: number; A: number; E: number; Dout: number; attends: boolean } {
  if (c.architecture === 'show-attend-tell') {
    return { L: c.numLayers, H: Math.max(c.hiddenSize, c.encoderHiddenSize), d: Math.max(2 * c.encoderHiddenSize, c.hiddenSize, c.featureSize),
      A: c.alignmentSize, E: c.embeddingSize, Dout: 2 * c.deepOutputSize, attends: true };
  }
  const p = compositionOf(c), a = p.attention, n = p.encoder.hidden;
  return {
    L: Math.max(p.encoder.layers, p.decoder.layers),
    H: Math.max(p.decoder.hidden, n),
    d: Math.max((p.encoder.bidirectional ? 2 : 1) * n, p.decoder.hidden), // h_j, [→h; ←h], c
    A: a.kind === 'additive' ? a.size : a.kind === 'location' ? a.positions : p.decoder.hidden,
    E: Math.max(p.embeddings.sourceSize, p.embeddings.targetSize),
    Dout: 2 * (p.output.deep?.size ?? 0),
    attends: a.kind !== 'none' && a.kind !== 'summary',
  };
}

/**
 * An upper estimate of what loading a seq2seq model takes of Wasm memory, from the config, the
 * number of weight elements in its files, and the decode rows and source slots the load options ask
 * for; plain numbers (doubles), so nothing overflows.
 */
export function estimateModelBytes(c: ModelConfig, weightElements: number, maxRows: number, maxSlots: number): MemoryEstimate {
  const T = c.maxSourceLength, V = c.targetVocab.length, Vs = c.sourceVocab.length;
  const { L, H, d, A, E, Dout, attends } = estimateSizes(c);
  const G = 4 * H; // gate rows: 3H for a GRU, 4H for an LSTM
  const table = (rows: number) => Math.min(INPUT_TABLE_BUDGET_BYTES, 4 * rows * G);
  const weights = 4 * weightElements;
  const tables = 2 * L * table(Vs) + L * table(V);
  // without attention (cho, sutskever, ...) no annotations per source and no attention row per decode row
  const sources = 4 * maxSlots * ((attends ? T * (2 * d + A) : 0) + 2 * L * H + G);
  const rows = 4 * maxRows * ((attends ? 2 * T : 0) + 4 * V + L * (4 * H + G) + 3 * d + A + E + Dout + 2 * G);
  const encoder = 4 * (T * (2 * G * L + 2 * d + A) + 8 * G);
  return { weights, tables, sources, rows, encoder, total: weights + tables + sources + rows + encoder + 64 * 1024 };
}

/**
 * E_CONFIG (or E_OPTION when the load options make the difference) when the estimate is over
 * `maxMemoryBytes`; the message gives the estimate, its largest parts and what to change.
 */
export function checkMemory(where: string, c: ModelConfig, weightElements: number, limits: ResolvedLimits): MemoryEstimate {
  const rows = Math.max(limits.maxBeamSize, limits.maxBatchSize);
  const est = estimateModelBytes(c, weightElements, rows, limits.maxBatchSize);
  if (est.total <= limits.maxMemoryBytes) return est;
  const byDefault = estimateModelBytes(c, weightElements, 16, 16).total <= limits.maxMemoryBytes;
  const f = formatBytes;
  throw new SeqattnError(byDefault ? 'E_OPTION' : 'E_CONFIG',
    `${where}: the model would take about ${f(est.total)} of Wasm memory, more than maxMemoryBytes ${f(limits.maxMemoryBytes)} ` +
    `(weights ${f(est.weights)}, input tables ${f(est.tables)}, ${limits.maxBatchSize} source slots x max_source_length ${c.maxSourceLength}: ${f(est.sources)}, ` +
    `${rows} decode rows (maxBeamSize ${limits.maxBeamSize}, maxBatchSize ${limits.maxBatchSize}): ${f(est.rows)}, encoder ${f(est.encoder)}); ` +
    `lower max_source_length, maxBatchSize or maxBeamSize, or raise the maxMemoryBytes load option`);
}

/** Number of elements of all tensors of the files (what the model may copy into Wasm memory as f32). */
export function weightElements(files: readonly SafetensorsFile[]): number {
  let n = 0;
  for (const f of files) for (const t of f.tensors.values()) n += t.shape.reduce((a, b) => a * b, 1);
  return n;
}
