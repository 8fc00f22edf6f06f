/**
 * Model configs: the JSON a PyTorch user writes beside (or inside) the safetensors file, read
 * into a validated, camel-cased `ModelConfig` with defaults filled in. The format is documented in
 * docs/model-format.md; field names in JSON are snake_case as Python writes them.
 */
import { SeqattnError } from './errors.js';

export type Architecture = 'pytorch-tutorial' | 'bahdanau';
export type GruConvention = 'reset_after' | 'reset_before';
export type DeepOutput = 'maxout' | 'tanh' | 'none';

export interface ModelConfig {
  architecture: Architecture;
  /** E: size of the word embeddings (pytorch-tutorial: equals hiddenSize). */
  embeddingSize: number;
  /** Size of the decoder state s_i (pytorch-tutorial: the encoder's too). */
  hiddenSize: number;
  /** bahdanau: size of each encoder direction; annotations h_j have 2x this. */
  encoderHiddenSize: number;
  /** Size of the alignment model's hidden layer, W s_{i-1} + U h_j. */
  alignmentSize: number;
  /** bahdanau: the deep output layer before the softmax. */
  deepOutput: DeepOutput;
  /** bahdanau: l, the size of t_i (maxout pools 2l pieces in pairs). */
  deepOutputSize: number;
  gruConvention: GruConvention;
  sourceVocab: string[];
  targetVocab: string[];
  sourceTokenizer: 'char' | 'word';
  lowercase: boolean;
  targetSeparator: string;
  sosId: number;
  eosId: number;
  appendSourceEos: boolean;
  sourceEosId: number | null;
  sourceUnkId: number | null;
  /** The target unknown symbol, for unknown-word replacement. */
  targetUnkId: number | null;
  maxSourceLength: number;
  maxTargetLength: number;
  tensorPrefix: string;
}

const ARCHITECTURES: Architecture[] = ['pytorch-tutorial', 'bahdanau'];

/** Reads and validates a config object (parsed JSON); `where` names its origin in errors. */
export function parseConfig(raw: unknown, where: string): ModelConfig {
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('config must be a JSON object');
  const c = raw as Record<string, unknown>;

  const str = <T extends string>(key: string, allowed: readonly T[], dflt?: T): T => {
    const v = c[key] ?? dflt;
    if (v === undefined) fail(`missing "${key}" (one of ${allowed.map((a) => `"${a}"`).join(', ')})`);
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      fail(`"${key}" is ${JSON.stringify(v)}, expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
    return v as T;
  };
  const int = (key: string, dflt?: number, min = 1): number => {
    const v = c[key] ?? dflt;
    if (v === undefined) fail(`missing "${key}" (an integer >= ${min})`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(`"${key}" is ${JSON.stringify(v)}, expected an integer >= ${min}`);
    return v as number;
  };
  const bool = (key: string, dflt: boolean): boolean => {
    const v = c[key] ?? dflt;
    if (typeof v !== 'boolean') fail(`"${key}" is ${JSON.stringify(v)}, expected true or false`);
    return v as boolean;
  };
  const vocab = (key: string): string[] => {
    const v = c[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) {
      fail(`"${key}" must be a non-empty array of strings (symbol i has id i)`);
    }
    const seen = new Map<string, number>();
    (v as string[]).forEach((s, i) => {
      if (seen.has(s)) fail(`"${key}" has ${JSON.stringify(s)} twice, at ids ${seen.get(s)} and ${i}`);
      seen.set(s, i);
    });
    return v as string[];
  };

  const architecture = str('architecture', ARCHITECTURES);
  const hiddenSize = int('hidden_size');
  const embeddingSize = int('embedding_size', hiddenSize);
  if (architecture === 'pytorch-tutorial' && embeddingSize !== hiddenSize) {
    fail(`pytorch-tutorial needs embedding_size = hidden_size, got ${embeddingSize} and ${hiddenSize}`);
  }
  const sourceVocab = vocab('source_vocab');
  const targetVocab = vocab('target_vocab');
  const targetId = (key: string, dflt?: number) => {
    const id = int(key, dflt, 0);
    if (id >= targetVocab.length) fail(`"${key}" is ${id}, past the target vocabulary (size ${targetVocab.length})`);
    return id;
  };
  const sourceIdOrNull = (key: string, dflt: number | null) => {
    const v = c[key] === undefined ? dflt : c[key];
    if (v === null) return null;
    const id = int(key, undefined, 0);
    if (id >= sourceVocab.length) fail(`"${key}" is ${id}, past the source vocabulary (size ${sourceVocab.length})`);
    return id;
  };

  const appendSourceEos = bool('append_source_eos', false);
  const sourceEosId = sourceIdOrNull('source_eos_id', null);
  if (appendSourceEos && sourceEosId === null) fail('"append_source_eos" is true but "source_eos_id" is missing');
  const prefix = c.tensor_prefix ?? '';
  if (typeof prefix !== 'string') fail(`"tensor_prefix" must be a string`);
  const separator = c.target_separator ?? ' ';
  if (typeof separator !== 'string') fail(`"target_separator" must be a string`);

  return {
    architecture,
    embeddingSize,
    hiddenSize,
    encoderHiddenSize: int('encoder_hidden_size', hiddenSize),
    alignmentSize: int('alignment_size', hiddenSize),
    deepOutput: architecture === 'bahdanau' ? str('deep_output', ['maxout', 'tanh', 'none'] as const, 'maxout') : 'none',
    deepOutputSize: int('deep_output_size', hiddenSize),
    gruConvention: str('gru_convention', ['reset_after', 'reset_before'] as const, 'reset_after'),
    sourceVocab,
    targetVocab,
    sourceTokenizer: str('source_tokenizer', ['char', 'word'] as const, 'char'),
    lowercase: bool('lowercase', false),
    targetSeparator: separator as string,
    sosId: targetId('sos_id'),
    eosId: targetId('eos_id'),
    appendSourceEos,
    sourceEosId,
    sourceUnkId: sourceIdOrNull('source_unk_id', null),
    targetUnkId: c.target_unk_id === undefined || c.target_unk_id === null ? null : targetId('target_unk_id'),
    maxSourceLength: int('max_source_length', 128),
    maxTargetLength: int('max_target_length', 128),
    tensorPrefix: prefix as string,
  };
}
