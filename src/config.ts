/**
 * Model configs: the JSON a PyTorch user writes beside (or inside) the safetensors file, read
 * into a validated, camel-cased `ModelConfig` with defaults filled in. The format is documented in
 * docs/model-format.md; field names in JSON are snake_case as Python writes them.
 */
import { CAPTIONER_FIELDS, expandCaptionerPreset, parseCaptionerParts, type CaptionerParts } from './captioner/parts.js';
import { compositionOf } from './compose/architectures.js';
import type { Composition } from './compose/description.js';
import { compositionToParts, mergeParts, partsToComposition } from './compose/parts.js';
import { SeqattnError } from './errors.js';
import { checkSchema } from './schema-check.js';
import { checkTensorNameMap, type TensorNameMap } from './tensor-names.js';
import { configLimit } from './limits.js';
import { ownRecord, preview } from './untrusted.js';

/**
 * The presets of popular PyTorch implementations (src/compose/presets.ts, docs/your-model.md): a
 * file saved by that project's module classes loads with a config naming the preset.
 */
export const PRESETS = ['bentrevett-1', 'bentrevett-2', 'bentrevett-3', 'pytorch-chatbot', 'opennmt-rnn', 'pytorch-tutorial-location'] as const;
export type Preset = typeof PRESETS[number];
/** 'composed': a config with a full "parts" block and no architecture (docs/parts.md). */
export type Architecture = 'cho' | 'sutskever' | 'pytorch-tutorial' | 'bahdanau' | 'luong' | 'show-attend-tell' | Preset | 'composed';
export type GruConvention = 'reset_after' | 'reset_before';
/**
 * bahdanau, cho: 'maxout' | 'tanh' | 'none'. show-attend-tell: 'linear' (eq. (7) as printed,
 * L_o(E y_{t-1} + L_h h_t + L_z ẑ_t)), 'tanh' (L_o tanh(...), as the authors' arctic-captions code), 'none' (Linear(h_t)).
 */
export type DeepOutput = 'maxout' | 'tanh' | 'linear' | 'none';
/** luong: score(h_t, h̄_s), Luong et al. 2015, eq. (8). */
export type LuongScore = 'dot' | 'general' | 'concat';
/** luong: global attention with one of the scores (sec. 3.1), or local attention (sec. 3.2); opennmt-rnn: 'mlp' (additive). */
export type LuongAttention = LuongScore | 'local-m' | 'local-p' | 'mlp';
/** show-attend-tell: soft ("deterministic", sec. 4.2) or hard ("stochastic", sec. 4.1) attention. */
export type ShowAttendTellAttention = 'soft' | 'hard';

export interface ModelConfig {
  architecture: Architecture;
  /** E: size of the word embeddings (pytorch-tutorial: equals hiddenSize); the presets: of the source side. */
  embeddingSize: number;
  /** The presets: size of the target embeddings (default embeddingSize); the other architectures: embeddingSize. */
  targetEmbeddingSize: number;
  /** opennmt-rnn: the encoder's and decoder's cell (OpenNMT-py's rnn_type); bentrevett-1: lstm; the other GRU presets: gru. */
  cell: 'gru' | 'lstm';
  /** pytorch-tutorial-location: the positions of the location attention (the tutorial's MAX_LENGTH, rows of decoder.attn). */
  maxLength: number;
  /** The source starts with source_sos_id (bentrevett's `<sos> x <eos>`). */
  prependSourceSos: boolean;
  sourceSosId: number | null;
  /** Size of the decoder state s_i (pytorch-tutorial: the encoder's too). */
  hiddenSize: number;
  /** bahdanau: size of each encoder direction; annotations h_j have 2x this. cho: the encoder GRU's h_j. */
  encoderHiddenSize: number;
  /** Size of the alignment model's hidden layer, W s_{i-1} + U h_j. */
  alignmentSize: number;
  /** bahdanau, cho: the deep output layer before the softmax. */
  deepOutput: DeepOutput;
  /** bahdanau, cho: l, the size of t_i (maxout pools 2l pieces in pairs). */
  deepOutputSize: number;
  gruConvention: GruConvention;
  /** luong, sutskever: LSTM layers of the encoder and of the decoder. */
  numLayers: number;
  /** sutskever: the encoder reads the source reversed, x_Tx..x_1 (Sutskever et al. 2014, sec. 3.3). */
  reverseSource: boolean;
  /** luong: the encoder LSTM reads both ways; h̄_s = [→h_s; ←h_s] and hiddenSize = 2 encoderHiddenSize. */
  bidirectionalEncoder: boolean;
  /** luong: the alignment function; show-attend-tell: soft or hard attention; cho, sutskever: 'none'. */
  attention: LuongAttention | ShowAttendTellAttention | 'location' | 'none';
  /** luong, local-m / local-p: the score used inside the window. */
  localScore: LuongScore;
  /** luong, local-m / local-p: D, the window is [p_t - D, p_t + D]. */
  window: number;
  /** luong: the decoder reads [E y_{t-1}; h̃_{t-1}] (sec. 3.3) instead of E y_{t-1}. */
  inputFeeding: boolean;
  /** show-attend-tell: D, the size of each annotation vector a_i (0 for the text models). */
  featureSize: number;
  /** show-attend-tell: ẑ_t is scaled by the gating scalar β_t = σ(f_β(h_{t-1})) (sec. 4.2.1). */
  gate: boolean;
  /** show-attend-tell: its parts (attention activation and biases, gate, h_0 / c_0, tensor names); null for the text models. */
  captioner: CaptionerParts | null;
  /** The source vocabulary; [] for show-attend-tell, which reads annotation vectors. */
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
  /** seqattn's tensor names -> the file's (docs/model-format.md, "Tensor names"): the config's "tensor_names" (captioners: with the preset's). */
  tensorNames: TensorNameMap;
  /**
   * The composition when the config gives "parts" (a full block, or overrides of its architecture's);
   * null: the architecture's own (compose/architectures.ts). The size fields above are derived from it.
   */
  parts: Composition | null;
}

const ARCHITECTURES: Architecture[] = ['cho', 'sutskever', 'pytorch-tutorial', 'bahdanau', 'luong', 'show-attend-tell', ...PRESETS];
/** Fields a full "parts" block decides (a config with "parts" and no "architecture" may not give them). */
const PARTS_DECIDE = ['hidden_size', 'embedding_size', 'target_embedding_size', 'encoder_hidden_size', 'alignment_size', 'num_layers', 'deep_output',
  'deep_output_size', 'gru_convention', 'reverse_source', 'bidirectional_encoder', 'attention', 'local_score', 'window', 'input_feeding', 'cell', 'max_length'];

/** Whether an architecture name is a preset of a popular implementation. */
export function isPreset(a: string): a is Preset {
  return (PRESETS as readonly string[]).includes(a);
}
/** The config fields of the source side, which show-attend-tell (annotation vectors in, no source vocabulary) does not have. */
const SOURCE_FIELDS = ['source_vocab', 'source_tokenizer', 'lowercase', 'append_source_eos', 'source_eos_id', 'source_unk_id', 'prepend_source_sos', 'source_sos_id'];
/** Config fields only the presets read. */
const PRESET_FIELDS = ['target_embedding_size', 'cell', 'max_length'];

/** Reads and validates a config object (parsed JSON); `where` names its origin in errors. */
export function parseConfig(raw: unknown, where: string): ModelConfig {
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('config must be a JSON object');
  // own properties only: Object.prototype configures nothing; "architecture" may name a captioner preset
  const expanded = expandCaptionerPreset(ownRecord(raw as object), where);
  // every field known (schema/config.schema.json), unknown ones named with the nearest valid names
  checkSchema(ownRecord(raw as object), where);
  let c = ownRecord(expanded.config);
  // a full "parts" block: the sizes come from it
  let composed: Composition | null = null;
  if (c.parts !== undefined && c.architecture === undefined) {
    for (const key of [...PARTS_DECIDE, ...CAPTIONER_FIELDS]) if (c[key] !== undefined) fail(`"${key}" is decided by "parts" (docs/parts.md), give it there (or name a preset in "architecture" to override its parts)`);
    composed = partsToComposition(c.parts, where);
    c = { ...c, architecture: 'composed', hidden_size: composed.decoder.hidden, embedding_size: composed.embeddings.sourceSize };
  }
  const captionerPreset = expanded.preset;

  const str = <T extends string>(key: string, allowed: readonly T[], dflt?: T): T => {
    const v = c[key] ?? dflt;
    if (v === undefined) fail(`missing "${key}" (one of ${allowed.map((a) => `"${a}"`).join(', ')})`);
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      fail(`"${key}" is ${preview(v)}, expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
    return v as T;
  };
  const int = (key: string, dflt?: number, min = 1): number => {
    const v = c[key] ?? dflt;
    if (v === undefined) fail(`missing "${key}" (an integer >= ${min})`);
    const max = configLimit(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(`"${key}" is ${preview(v)}, expected an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max} (limit of this field)` : ''}`);
    }
    return v as number;
  };
  const bool = (key: string, dflt: boolean): boolean => {
    const v = c[key] ?? dflt;
    if (typeof v !== 'boolean') fail(`"${key}" is ${preview(v)}, expected true or false`);
    return v as boolean;
  };
  const vocab = (key: string): string[] => {
    const v = c[key];
    // every index its own string: a hole would read Array.prototype
    if (!Array.isArray(v) || v.length === 0 || !v.every((s, i) => typeof s === 'string' && Object.prototype.hasOwnProperty.call(v, i)) || Object.keys(v).length !== v.length) {
      fail(`"${key}" must be a non-empty array of strings (symbol i has id i)`);
    }
    const seen = new Map<string, number>();
    (v as string[]).forEach((s, i) => {
      if (seen.has(s)) fail(`"${key}" has ${preview(s)} twice, at ids ${seen.get(s)} and ${i}`);
      seen.set(s, i);
    });
    return (v as string[]).slice();
  };

  const architecture: Architecture = composed ? 'composed' : str('architecture', ARCHITECTURES);
  if (architecture === 'show-attend-tell' && c.parts !== undefined) fail('"parts" applies to the text models; a captioner\'s parts are the fields attention_activation, attention_biases, gate, init_activation (docs/classifiers.md)');
  const hiddenSize = int('hidden_size');
  const embeddingSize = int('embedding_size', hiddenSize);
  if (architecture === 'pytorch-tutorial' && embeddingSize !== hiddenSize) {
    fail(`pytorch-tutorial needs embedding_size = hidden_size, got ${embeddingSize} and ${hiddenSize}`);
  }
  // show-attend-tell reads annotation vectors a_i (L, D): feature_size D instead of a source vocabulary
  const captioner = architecture === 'show-attend-tell';
  for (const key of captioner ? SOURCE_FIELDS : CAPTIONER_FIELDS) {
    if (c[key] !== undefined) {
      fail(captioner ? `"${key}" does not apply to show-attend-tell: it reads annotation vectors (feature_size D), not source text`
        : `"${key}" applies to show-attend-tell only, "architecture" is "${architecture}"`);
    }
  }
  const featureSize = captioner ? int('feature_size') : 0;
  const captionerParts = captioner ? parseCaptionerParts(c, where, captionerPreset) : null;
  const sourceVocab = captioner ? [] : vocab('source_vocab');
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

  // luong: the decoder starts from the encoder's final (h, c) per layer (with a bidirectional
  // encoder [→h; ←h], as OpenNMT-py), so the sizes must line up
  const luong = architecture === 'luong';
  const sutskever = architecture === 'sutskever';
  if (!sutskever && architecture !== 'bentrevett-1' && c.reverse_source !== undefined) fail(`"reverse_source" applies to sutskever and bentrevett-1 only, "architecture" is "${architecture}"`);
  const bidirectionalEncoder = luong && bool('bidirectional_encoder', false);
  if (!luong && architecture !== 'opennmt-rnn' && c.bidirectional_encoder !== undefined) fail(`"bidirectional_encoder" applies to luong and opennmt-rnn only, "architecture" is "${architecture}"`);
  if (bidirectionalEncoder && c.encoder_hidden_size === undefined && hiddenSize % 2 !== 0) {
    fail(`"bidirectional_encoder" needs an even "hidden_size" (the decoder starts from [→h; ←h]), got ${hiddenSize}`);
  }
  const encoderHiddenSize = int('encoder_hidden_size', bidirectionalEncoder ? hiddenSize / 2 : hiddenSize);
  if (luong && (bidirectionalEncoder ? 2 * encoderHiddenSize : encoderHiddenSize) !== hiddenSize) {
    fail(bidirectionalEncoder
      ? `luong with "bidirectional_encoder" needs hidden_size = 2 * encoder_hidden_size (the decoder starts from [→h; ←h]), got ${hiddenSize} and ${encoderHiddenSize}`
      : `luong needs encoder_hidden_size = hidden_size (the decoder starts from the encoder's final state), got ${encoderHiddenSize} and ${hiddenSize}`);
  }
  // sutskever: the decoder starts from the encoder's final (h, c) of every layer
  if (sutskever && encoderHiddenSize !== hiddenSize) {
    fail(`sutskever needs encoder_hidden_size = hidden_size (the decoder starts from the encoder's final states), got ${encoderHiddenSize} and ${hiddenSize}`);
  }
  const unattended = architecture === 'cho' || sutskever || architecture === 'bentrevett-1' || architecture === 'bentrevett-2';
  for (const key of ['attention', 'alignment_size']) {
    if (unattended && c[key] !== undefined) fail(`"${key}" does not apply to ${architecture}: it has no attention`);
  }
  const attention = unattended || isPreset(architecture) ? 'none' : luong ? str('attention', ['dot', 'general', 'concat', 'local-m', 'local-p'] as const, 'general')
    : captioner ? str('attention', ['soft', 'hard'] as const, 'soft') : 'general';
  const local = attention === 'local-m' || attention === 'local-p';
  for (const key of ['local_score', 'window']) {
    if (luong && !local && c[key] !== undefined) fail(`"${key}" applies to "local-m" / "local-p" attention only, "attention" is "${attention}"`);
  }

  const preset = isPreset(architecture);
  for (const key of PRESET_FIELDS) if (!preset && c[key] !== undefined) fail(`"${key}" applies to the presets (${PRESETS.join(', ')}) only, "architecture" is "${architecture}"`);
  const prependSourceSos = bool('prepend_source_sos', false);
  const sourceSosId = sourceIdOrNull('source_sos_id', null);
  if (prependSourceSos && sourceSosId === null) fail('"prepend_source_sos" is true but "source_sos_id" is missing');
  const p = preset ? presetFields(architecture, c, { str, int, bool, fail }, hiddenSize, embeddingSize) : null;
  if (p && architecture === 'pytorch-tutorial-location' && c.max_source_length !== undefined && (c.max_source_length as number) > p.maxLength) {
    fail(`pytorch-tutorial-location attends over max_length ${p.maxLength} positions: "max_source_length" ${c.max_source_length} is larger`);
  }

  const config: ModelConfig = {
    architecture,
    embeddingSize,
    targetEmbeddingSize: p?.targetEmbeddingSize ?? embeddingSize,
    cell: p?.cell ?? (architecture === 'luong' || sutskever || captioner ? 'lstm' : 'gru'),
    maxLength: p?.maxLength ?? 0,
    prependSourceSos,
    sourceSosId,
    hiddenSize,
    encoderHiddenSize: p?.encoderHiddenSize ?? encoderHiddenSize,
    alignmentSize: int('alignment_size', hiddenSize),
    deepOutput: architecture === 'bahdanau' || architecture === 'cho' ? str('deep_output', ['maxout', 'tanh', 'none'] as const, 'maxout')
      : captioner ? str('deep_output', ['linear', 'tanh', 'none'] as const, 'linear') : 'none',
    deepOutputSize: int('deep_output_size', hiddenSize),
    gruConvention: str('gru_convention', ['reset_after', 'reset_before'] as const, 'reset_after'),
    numLayers: luong || sutskever || p ? int('num_layers', 1) : 1,
    reverseSource: (sutskever && bool('reverse_source', true)) || (architecture === 'bentrevett-1' && bool('reverse_source', false)),
    bidirectionalEncoder: p?.bidirectionalEncoder ?? bidirectionalEncoder,
    attention: p?.attention ?? attention,
    localScore: local ? str('local_score', ['dot', 'general', 'concat'] as const, 'general') : 'general',
    window: local ? int('window', 10) : 0,
    inputFeeding: p?.inputFeeding ?? (luong && bool('input_feeding', true)),
    featureSize,
    gate: captionerParts !== null && captionerParts.gate !== 'none',
    captioner: captionerParts,
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
    maxSourceLength: int('max_source_length', p?.maxLength || 128),
    maxTargetLength: int('max_target_length', 128),
    tensorPrefix: prefix as string,
    tensorNames: captionerParts ? captionerParts.tensorNames : c.tensor_names === undefined ? {} : checkTensorNameMap(c.tensor_names, where),
    parts: composed,
  };
  if (!composed && c.parts !== undefined) {
    // a preset (or a paper's architecture) with overrides: its parts as JSON, the overrides merged in, read back
    composed = partsToComposition(mergeParts(compositionToParts(compositionOf(config)), c.parts), where);
    config.parts = composed;
  }
  if (composed) sizesFromParts(config, composed);
  return config;
}

/** The size fields of a config with "parts" (memory estimate, step API), derived from its composition. */
function sizesFromParts(c: ModelConfig, p: Composition): void {
  const a = p.attention;
  c.hiddenSize = p.decoder.hidden;
  c.encoderHiddenSize = p.encoder.hidden;
  c.embeddingSize = p.embeddings.sourceSize;
  c.targetEmbeddingSize = p.embeddings.targetSize;
  c.numLayers = Math.max(p.encoder.layers, p.decoder.layers);
  c.cell = p.cell;
  c.gruConvention = p.gruConvention;
  c.alignmentSize = a.kind === 'additive' ? a.size : p.decoder.hidden;
  c.deepOutputSize = p.output.deep?.size ?? 0;
  c.bidirectionalEncoder = p.encoder.bidirectional;
  c.reverseSource = p.encoder.reverse;
  c.inputFeeding = p.decoder.input.parts.includes('hTilde');
  c.attention = a.kind === 'additive' ? 'concat' : a.kind === 'dot' || a.kind === 'general' || a.kind === 'location' ? a.kind : 'none';
  if (a.kind === 'location') c.maxLength = a.positions;
}

type FieldReaders = {
  str: <T extends string>(key: string, allowed: readonly T[], dflt?: T) => T;
  int: (key: string, dflt?: number, min?: number) => number;
  bool: (key: string, dflt: boolean) => boolean;
  fail: (msg: string) => never;
};

/** The fields each preset reads, with its defaults and the sizes its project ties together. */
function presetFields(a: Preset, c: Record<string, unknown>, r: FieldReaders, H: number, E: number) {
  const only = (key: string, presets: Preset[]) => {
    if (c[key] !== undefined && !presets.includes(a)) r.fail(`"${key}" does not apply to ${a} (only to ${presets.join(', ')})`);
  };
  only('cell', ['opennmt-rnn']);
  only('max_length', ['pytorch-tutorial-location']);
  only('input_feeding', ['opennmt-rnn']);
  only('attention', ['pytorch-chatbot', 'opennmt-rnn']);
  const opennmt = a === 'opennmt-rnn';
  const bidirectionalEncoder = opennmt ? r.bool('bidirectional_encoder', false) : a === 'bentrevett-3' || a === 'pytorch-chatbot';
  if (opennmt && bidirectionalEncoder && H % 2 !== 0) r.fail(`opennmt-rnn with "bidirectional_encoder" (brnn) needs an even "hidden_size" (H/2 per direction), got ${H}`);
  const encoderHiddenSize = r.int('encoder_hidden_size', opennmt && bidirectionalEncoder ? H / 2 : H);
  const tiedSizes = a !== 'bentrevett-3';
  if (tiedSizes && encoderHiddenSize !== (opennmt && bidirectionalEncoder ? H / 2 : H)) {
    r.fail(`${a} needs encoder_hidden_size = ${opennmt && bidirectionalEncoder ? 'hidden_size / 2' : 'hidden_size'} (the decoder starts from the encoder's final state), got ${encoderHiddenSize} and hidden_size ${H}`);
  }
  if ((a === 'pytorch-chatbot' || a === 'pytorch-tutorial-location') && E !== H) r.fail(`${a} needs embedding_size = hidden_size, got ${E} and ${H}`);
  const targetEmbeddingSize = r.int('target_embedding_size', E);
  if ((a === 'pytorch-chatbot' || a === 'pytorch-tutorial-location') && targetEmbeddingSize !== H) r.fail(`${a} needs target_embedding_size = hidden_size, got ${targetEmbeddingSize} and ${H}`);
  const layers = c.num_layers ?? 1;
  if (!['bentrevett-1', 'pytorch-chatbot', 'opennmt-rnn'].includes(a) && layers !== 1) r.fail(`${a} has one layer, "num_layers" is ${JSON.stringify(layers)}`);
  return {
    targetEmbeddingSize,
    encoderHiddenSize,
    bidirectionalEncoder,
    cell: opennmt ? r.str('cell', ['lstm', 'gru'] as const, 'lstm') : a === 'bentrevett-1' ? 'lstm' as const : 'gru' as const,
    attention: a === 'pytorch-chatbot' ? r.str('attention', ['dot', 'general', 'concat'] as const, 'dot')
      : opennmt ? r.str('attention', ['dot', 'general', 'mlp'] as const, 'general')
        : a === 'bentrevett-3' ? 'concat' as const : a === 'pytorch-tutorial-location' ? 'location' as const : 'none' as const,
    inputFeeding: opennmt && r.bool('input_feeding', true),
    maxLength: a === 'pytorch-tutorial-location' ? r.int('max_length', typeof c.max_source_length === 'number' ? c.max_source_length : undefined) : 0,
  };
}
