/**
 * Classifier configs: the JSON beside (config.json) or inside (`__metadata__.seqattn`) a classifier's
 * safetensors file, read into a validated, camel-cased `ClassifierConfig` with defaults filled in.
 * Field names in JSON are snake_case; the source-side fields have the names seq2seq configs use.
 * Documented in docs/classifiers.md.
 */
import type { GruConvention } from '../config.js';
import { SeqattnError } from '../errors.js';
import { nearestNames } from '../schema-check.js';
import { configLimit } from '../limits.js';
import { ownRecord, preview } from '../untrusted.js';
import { checkTensorNameMap, type TensorNameMap } from '../tensor-names.js';
import { expandPreset, presetNames } from '../presets.js';

/** attention-bilstm: Zhou et al. 2016; han: Yang et al. 2016. */
export type ClassifierArchitecture = 'attention-bilstm' | 'han';
/** attention-bilstm: how h_t joins the two directions: →h_t + ←h_t (the paper) or [→h_t; ←h_t]. */
export type DirectionMerge = 'sum' | 'concat';

export interface ClassifierConfig {
  architecture: ClassifierArchitecture;
  /** E: size of the word embeddings. */
  embeddingSize: number;
  /** attention-bilstm: size of each LSTM direction. han: size of each word-GRU direction. */
  hiddenSize: number;
  /** attention-bilstm only. */
  merge: DirectionMerge;
  /** attention-bilstm: stacked bidirectional LSTM layers (1 for han). */
  numLayers: number;
  /** han: size of each sentence-GRU direction (0 for attention-bilstm). */
  sentenceHiddenSize: number;
  /** han: size of u_it = tanh(W_w h_it + b_w) and of u_w (0 for attention-bilstm). */
  wordAttentionSize: number;
  /** han: size of u_i = tanh(W_s h_i + b_s) and of u_s (0 for attention-bilstm). */
  sentenceAttentionSize: number;
  /** han: the convention of both GRUs. */
  gruConvention: GruConvention;
  /** han: stacked layers of the word GRU and of the sentence GRU (nn.GRU num_layers; the paper: 1). */
  wordNumLayers: number;
  sentenceNumLayers: number;
  /** han: each sentence's word GRU starts from 0 ('reset', the paper) or from the previous sentence's final states ('carry'). */
  wordState: 'reset' | 'carry';
  /** han: the word / sentence scores before the softmax: u^T u_c ('none', the paper) or tanh(u^T u_c). */
  wordScoreActivation: 'none' | 'tanh';
  sentenceScoreActivation: 'none' | 'tanh';
  /**
   * Inputs are padded with source_pad_id to max_length tokens (han: every sentence to
   * max_sentence_length words, the document to max_sentences sentences of pads), for models that
   * were trained on, and only read, fixed-size inputs. The pads are read like words.
   */
  padToMaxLengths: boolean;
  sourcePadId: number | null;
  sourceVocab: string[];
  /** Class names; label id k is labels[k]. */
  labels: string[];
  sourceTokenizer: 'char' | 'word';
  lowercase: boolean;
  sourceUnkId: number | null;
  /** attention-bilstm: most tokens of an input. han: most words of a sentence. */
  maxLength: number;
  /** han: most sentences of a document (1 for attention-bilstm). */
  maxSentences: number;
  tensorPrefix: string;
  /** The preset the config's "architecture" named (src/classifier/presets.ts), or null. */
  preset: string | null;
  /** seqattn's tensor names -> the file's: the preset's map, then the config's "tensor_names". */
  tensorNames: TensorNameMap;
}

const ARCHITECTURES: readonly ClassifierArchitecture[] = ['attention-bilstm', 'han'];
/** The fields both architectures read. */
const COMMON_FIELDS = ['$schema', 'architecture', 'embedding_size', 'source_vocab', 'labels', 'source_tokenizer', 'lowercase', 'source_unk_id',
  'source_pad_id', 'pad_to_max_lengths', 'tensor_prefix', 'tensor_names'];
/** The fields only one architecture reads: anything else is a mistake worth naming. */
const ONLY: Record<ClassifierArchitecture, readonly string[]> = {
  'attention-bilstm': ['merge', 'num_layers', 'max_length'],
  han: ['word_hidden_size', 'sentence_hidden_size', 'word_attention_size', 'sentence_attention_size', 'gru_convention',
    'max_sentence_length', 'max_sentences', 'word_state', 'word_score_activation', 'sentence_score_activation', 'word_num_layers',
    'sentence_num_layers'],
};

/** Typed reads of one raw config object; each failure is E_CONFIG naming the field. */
class Fields {
  constructor(private readonly raw: Record<string, unknown>, private readonly where: string) {}

  fail(msg: string): never { throw new SeqattnError('E_CONFIG', `${this.where}: ${msg}`); }

  oneOf<T extends string>(key: string, allowed: readonly T[], dflt?: T): T {
    const v = this.raw[key] ?? dflt;
    const list = allowed.map((a) => `"${a}"`).join(', ');
    if (v === undefined) this.fail(`missing "${key}" (one of ${list})`);
    if (!allowed.includes(v as T)) this.fail(`"${key}" is ${preview(v)}, expected one of ${list}`);
    return v as T;
  }

  count(key: string, dflt?: number, min = 1): number {
    const v = this.raw[key] ?? dflt;
    if (v === undefined) this.fail(`missing "${key}" (an integer >= ${min})`);
    const max = configLimit(key);
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) this.fail(`"${key}" is ${preview(v)}, expected an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max} (limit of this field)` : ''}`);
    return v as number;
  }

  flag(key: string, dflt: boolean): boolean {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'boolean') this.fail(`"${key}" is ${preview(v)}, expected true or false`);
    return v as boolean;
  }

  /** A non-empty list of distinct strings: symbol (or label) i has id i. */
  names(key: string): string[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) this.fail(`"${key}" must be a non-empty array of strings (entry i has id i)`);
    const first = new Map<string, number>();
    (v as string[]).forEach((s, i) => {
      if (first.has(s)) this.fail(`"${key}" has ${preview(s)} twice, at ids ${first.get(s)} and ${i}`);
      first.set(s, i);
    });
    return v as string[];
  }

  /** An id below `size`, or null. */
  idOrNull(key: string, size: number): number | null {
    if (this.raw[key] === undefined || this.raw[key] === null) return null;
    const id = this.count(key, undefined, 0);
    if (id >= size) this.fail(`"${key}" is ${id}, past the source vocabulary (size ${size})`);
    return id;
  }

  text(key: string, dflt: string): string {
    const v = this.raw[key] ?? dflt;
    if (typeof v !== 'string') this.fail(`"${key}" must be a string`);
    return v as string;
  }
}

/** Reads and validates a classifier config (parsed JSON); `where` names its origin in errors. */
export function parseClassifierConfig(raw: unknown, where: string): ClassifierConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SeqattnError('E_CONFIG', `${where}: config must be a JSON object`);
  const given = ownRecord(raw); // own properties only: Object.prototype configures nothing
  // "architecture" may name a preset (src/classifier/presets.ts): its fields are defaults, the config's own win
  const { config: expanded, preset } = expandPreset(given, 'classifier', where);
  const c = preset ? ownRecord(expanded) : given;
  const f = new Fields(c, where);
  if (typeof c.architecture === 'string' && !ARCHITECTURES.includes(c.architecture as ClassifierArchitecture) && 'target_vocab' in c) {
    f.fail(`"architecture" is ${preview(c.architecture)}, a seq2seq model (it has "target_vocab"): load it with loadModel, not loadClassifier`);
  }
  if (typeof c.architecture === 'string' && !ARCHITECTURES.includes(c.architecture as ClassifierArchitecture)) {
    const presets = presetNames('classifier').map((n) => `"${n}"`).join(', ');
    f.fail(`"architecture" is ${preview(c.architecture)}, expected one of "attention-bilstm", "han" or a preset: ${presets}`);
  }
  const architecture = f.oneOf('architecture', ARCHITECTURES);
  const other = architecture === 'han' ? 'attention-bilstm' : 'han';
  for (const key of ONLY[other]) {
    if (c[key] !== undefined) f.fail(`"${key}" applies to ${other} only, "architecture" is "${architecture}"`);
  }
  for (const key of ['target_vocab', 'sos_id', 'eos_id', 'max_source_length', 'max_target_length']) {
    if (c[key] !== undefined) f.fail(`"${key}" is a seq2seq field: a classifier has "labels" and ${architecture === 'han' ? '"max_sentence_length", "max_sentences"' : '"max_length"'} (docs/classifiers.md)`);
  }
  // any other field is a mistake: named, with the nearest valid names
  const known = [...COMMON_FIELDS, ...ONLY.han, ...ONLY['attention-bilstm'], 'hidden_size'];
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const near = nearestNames(key, known);
    f.fail(`unknown field "${key}"${near.length ? `; nearest: ${near.map((n) => `"${n}"`).join(', ')}` : ''} (docs/classifiers.md)`);
  }
  const sourceVocab = f.names('source_vocab');
  const padToMaxLengths = f.flag('pad_to_max_lengths', false);
  const sourcePadId = f.idOrNull('source_pad_id', sourceVocab.length);
  if (padToMaxLengths && sourcePadId === null) f.fail('"pad_to_max_lengths" is true but "source_pad_id" is missing');
  const common = {
    padToMaxLengths,
    sourcePadId,
    architecture,
    embeddingSize: f.count('embedding_size'),
    sourceVocab,
    labels: f.names('labels'),
    sourceTokenizer: f.oneOf('source_tokenizer', ['char', 'word'] as const, 'word'),
    lowercase: f.flag('lowercase', false),
    sourceUnkId: f.idOrNull('source_unk_id', sourceVocab.length),
    tensorPrefix: f.text('tensor_prefix', ''),
    preset: preset ? preset.name : null,
    tensorNames: { ...preset?.names, ...(c.tensor_names === undefined ? {} : checkTensorNameMap(c.tensor_names, where)) },
  };
  if (architecture === 'attention-bilstm') {
    if (c.word_hidden_size !== undefined) f.fail('"word_hidden_size" applies to han only; attention-bilstm has "hidden_size"');
    return {
      ...common,
      hiddenSize: f.count('hidden_size'),
      merge: f.oneOf('merge', ['sum', 'concat'] as const, 'sum'),
      numLayers: f.count('num_layers', 1),
      sentenceHiddenSize: 0, wordAttentionSize: 0, sentenceAttentionSize: 0,
      gruConvention: 'reset_after',
      wordNumLayers: 0, sentenceNumLayers: 0,
      wordState: 'reset',
      wordScoreActivation: 'none',
      sentenceScoreActivation: 'none',
      maxLength: f.count('max_length', 128),
      maxSentences: 1,
    };
  }
  if (c.hidden_size !== undefined) f.fail('"hidden_size" is ambiguous for han: give "word_hidden_size" (and "sentence_hidden_size")');
  const n = f.count('word_hidden_size');
  const sentenceHiddenSize = f.count('sentence_hidden_size', n);
  return {
    ...common,
    hiddenSize: n,
    merge: 'concat', // h_it = [→h_it; ←h_it]
    numLayers: 1,
    sentenceHiddenSize,
    wordAttentionSize: f.count('word_attention_size', 2 * n),
    sentenceAttentionSize: f.count('sentence_attention_size', 2 * sentenceHiddenSize),
    gruConvention: f.oneOf('gru_convention', ['reset_after', 'reset_before'] as const, 'reset_after'),
    wordNumLayers: f.count('word_num_layers', 1),
    sentenceNumLayers: f.count('sentence_num_layers', 1),
    wordState: f.oneOf('word_state', ['reset', 'carry'] as const, 'reset'),
    wordScoreActivation: f.oneOf('word_score_activation', ['none', 'tanh'] as const, 'none'),
    sentenceScoreActivation: f.oneOf('sentence_score_activation', ['none', 'tanh'] as const, 'none'),
    maxLength: f.count('max_sentence_length', 64),
    maxSentences: f.count('max_sentences', 32),
  };
}
