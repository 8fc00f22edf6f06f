/**
 * Presets for the attention classifiers and the captioner as popular PyTorch projects save them:
 * which architecture and parts, and the name map from seqattn's tensor names to the project's
 * state_dict names, so a config holds only the preset, sizes, vocabularies and special ids.
 * docs/classifiers.md lists what a user of each preset writes.
 *
 * `matchClassifierPresets` recognises these presets from a file's tensor names and shapes (for
 * `seqattn inspect`) and infers the config fields the shapes fix.
 */
import type { TensorNameMap } from '../tensor-names.js';

/** A classifier or captioner preset. */
export interface ClassifierPreset {
  readonly name: string;
  readonly kind: 'classifier' | 'captioner';
  /** The code whose saved state_dict the preset reads. */
  readonly source: string;
  /** Config fields the preset sets (JSON names); a config's own fields win. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** seqattn's tensor or module paths -> the project's. */
  readonly names: TensorNameMap;
  /** Tensor names (the project's) every file of this preset has; the first locates a common prefix. */
  readonly required: readonly string[];
  /** Config fields from the tensors' shapes, by the project's names (prefix removed); vocabularies as "N symbols". */
  infer(shape: (name: string) => readonly number[] | undefined, names: readonly string[]): Record<string, unknown>;
  /** What the config still needs that the file cannot say. */
  readonly notes: readonly string[];
}

const dim = (s: readonly number[] | undefined, i: number): number => (s ? s[i] ?? 0 : 0);
const symbols = (s: readonly number[] | undefined) => `${dim(s, 0)} symbols`;
const labels = (s: readonly number[] | undefined) => `${dim(s, 0)} names`;
const CAPTIONER_NOTES = ['target_vocab, sos_id, eos_id: the project\'s word map, ids 0..V-1 in order',
  'max_source_length: at least the grid\'s L (196 for 14 x 14; default 128)'];
const CLASSIFIER_NOTES = ['source_vocab (ids 0..V-1 in order), labels, source_unk_id: the project\'s word map and classes'];

/** Every classifier and captioner preset, by name. */
export const CLASSIFIER_PRESETS: Readonly<Record<string, ClassifierPreset>> = {
  // sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning, models.py DecoderWithAttention (+ Attention)
  'sgrvinod-captioning': {
    name: 'sgrvinod-captioning',
    kind: 'captioner',
    source: 'sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning DecoderWithAttention',
    fields: {
      architecture: 'show-attend-tell', attention: 'soft', attention_activation: 'relu',
      attention_biases: ['annotation', 'query', 'energy'], gate: 'channel', init_activation: 'none', deep_output: 'none',
    },
    names: {
      'attention.W_a': 'attention.encoder_att', 'attention.W_h': 'attention.decoder_att', 'attention.w': 'attention.full_att',
      lstm: 'decode_step', out: 'fc',
    },
    required: ['attention.encoder_att.weight', 'attention.decoder_att.weight', 'attention.full_att.weight', 'decode_step.weight_hh',
      'init_h.weight', 'init_c.weight', 'f_beta.weight', 'fc.weight', 'embedding.weight'],
    infer: (s) => ({
      feature_size: dim(s('attention.encoder_att.weight'), 1),
      embedding_size: dim(s('embedding.weight'), 1),
      hidden_size: dim(s('decode_step.weight_hh'), 1),
      alignment_size: dim(s('attention.encoder_att.weight'), 0),
      target_vocab: symbols(s('fc.weight')),
    }),
    notes: CAPTIONER_NOTES,
  },
  // AaronCCWong/Show-Attend-and-Tell, decoder.py Decoder + attention.py Attention
  'aaronccwong-sat': {
    name: 'aaronccwong-sat',
    kind: 'captioner',
    source: 'AaronCCWong/Show-Attend-and-Tell Decoder',
    fields: {
      architecture: 'show-attend-tell', attention: 'soft', attention_activation: 'tanh',
      attention_biases: ['annotation', 'query', 'energy'], gate: 'channel', init_activation: 'tanh', deep_output: 'none',
    },
    names: { 'attention.W_a': 'attention.W', 'attention.W_h': 'attention.U', 'attention.w': 'attention.v', out: 'deep_output' },
    required: ['deep_output.weight', 'attention.W.weight', 'attention.U.weight', 'attention.v.weight', 'lstm.weight_hh',
      'init_h.weight', 'init_c.weight', 'f_beta.weight', 'embedding.weight'],
    infer: (s) => ({
      feature_size: dim(s('attention.W.weight'), 1),
      embedding_size: dim(s('embedding.weight'), 1),
      hidden_size: dim(s('lstm.weight_hh'), 1),
      alignment_size: dim(s('attention.W.weight'), 0),
      target_vocab: symbols(s('deep_output.weight')),
    }),
    notes: CAPTIONER_NOTES,
  },
  // sgrvinod/a-PyTorch-Tutorial-to-Text-Classification, model.py HierarchialAttentionNetwork
  'sgrvinod-han': {
    name: 'sgrvinod-han',
    kind: 'classifier',
    source: 'sgrvinod/a-PyTorch-Tutorial-to-Text-Classification HierarchialAttentionNetwork',
    fields: { architecture: 'han', gru_convention: 'reset_after' },
    names: {
      embedding: 'sentence_attention.word_attention.embeddings',
      word_rnn: 'sentence_attention.word_attention.word_rnn',
      'word_attention.W': 'sentence_attention.word_attention.word_attention',
      'word_attention.u': 'sentence_attention.word_attention.word_context_vector',
      sentence_rnn: 'sentence_attention.sentence_rnn',
      'sentence_attention.W': 'sentence_attention.sentence_attention',
      'sentence_attention.u': 'sentence_attention.sentence_context_vector',
      classifier: 'fc',
    },
    required: ['sentence_attention.word_attention.word_rnn.weight_hh_l0', 'sentence_attention.word_attention.embeddings.weight',
      'sentence_attention.word_attention.word_context_vector.weight', 'sentence_attention.sentence_rnn.weight_hh_l0',
      'sentence_attention.sentence_context_vector.weight', 'fc.weight'],
    infer: (s, names) => ({
      embedding_size: dim(s('sentence_attention.word_attention.embeddings.weight'), 1),
      word_hidden_size: dim(s('sentence_attention.word_attention.word_rnn.weight_hh_l0'), 1),
      sentence_hidden_size: dim(s('sentence_attention.sentence_rnn.weight_hh_l0'), 1),
      word_attention_size: dim(s('sentence_attention.word_attention.word_attention.weight'), 0),
      sentence_attention_size: dim(s('sentence_attention.sentence_attention.weight'), 0),
      word_num_layers: names.filter((n) => /^sentence_attention\.word_attention\.word_rnn\.weight_hh_l\d+$/.test(n)).length,
      sentence_num_layers: names.filter((n) => /^sentence_attention\.sentence_rnn\.weight_hh_l\d+$/.test(n)).length,
      source_vocab: symbols(s('sentence_attention.word_attention.embeddings.weight')),
      labels: labels(s('fc.weight')),
    }),
    notes: [...CLASSIFIER_NOTES, 'max_sentence_length, max_sentences: their word_limit and sentence_limit (defaults 64, 32)'],
  },
  // uvipen/Hierarchical-attention-networks-pytorch, src/hierarchical_att_model.py HierAttNet (+ WordAttNet, SentAttNet)
  'uvipen-han': {
    name: 'uvipen-han',
    kind: 'classifier',
    source: 'uvipen/Hierarchical-attention-networks-pytorch HierAttNet',
    // its dataset pads every sentence to max_word_length and every document to max_sent_length
    // with id 0 (the zero row for unknown words and pads), and the model reads the pads
    fields: {
      architecture: 'han', gru_convention: 'reset_after', word_state: 'carry', sentence_score_activation: 'tanh',
      pad_to_max_lengths: true, source_pad_id: 0, source_unk_id: 0, lowercase: true,
    },
    names: {
      embedding: 'word_att_net.lookup', word_rnn: 'word_att_net.gru',
      'word_attention.W.weight': { name: 'word_att_net.word_weight', transpose: true },
      'word_attention.W.bias': 'word_att_net.word_bias', 'word_attention.u.weight': 'word_att_net.context_weight',
      sentence_rnn: 'sent_att_net.gru',
      'sentence_attention.W.weight': { name: 'sent_att_net.sent_weight', transpose: true },
      'sentence_attention.W.bias': 'sent_att_net.sent_bias', 'sentence_attention.u.weight': 'sent_att_net.context_weight',
      classifier: 'sent_att_net.fc',
    },
    required: ['word_att_net.word_weight', 'word_att_net.lookup.weight', 'word_att_net.gru.weight_hh_l0', 'word_att_net.context_weight',
      'sent_att_net.sent_weight', 'sent_att_net.gru.weight_hh_l0', 'sent_att_net.context_weight', 'sent_att_net.fc.weight'],
    infer: (s) => ({
      embedding_size: dim(s('word_att_net.lookup.weight'), 1),
      word_hidden_size: dim(s('word_att_net.gru.weight_hh_l0'), 1),
      sentence_hidden_size: dim(s('sent_att_net.gru.weight_hh_l0'), 1),
      word_attention_size: dim(s('word_att_net.word_weight'), 1),
      sentence_attention_size: dim(s('sent_att_net.sent_weight'), 1),
      source_vocab: symbols(s('word_att_net.lookup.weight')),
      labels: labels(s('sent_att_net.fc.weight')),
    }),
    notes: ['source_vocab: "<unk>" then the GloVe words in file order; labels: the classes', 'max_sentence_length, max_sentences: the model\'s max_word_length, max_sent_length (inputs are padded to them)'],
  },
  // onehaitao/Att-BLSTM-relation-extraction, model.py Att_BLSTM
  'att-blstm-relation': {
    name: 'att-blstm-relation',
    kind: 'classifier',
    source: 'onehaitao/Att-BLSTM-relation-extraction Att_BLSTM',
    fields: { architecture: 'attention-bilstm', merge: 'sum' },
    names: { embedding: 'word_embedding', 'attention.w.weight': 'att_weight', classifier: 'dense' },
    required: ['att_weight', 'word_embedding.weight', 'lstm.weight_hh_l0', 'dense.weight'],
    infer: (s, names) => ({
      embedding_size: dim(s('word_embedding.weight'), 1),
      hidden_size: dim(s('lstm.weight_hh_l0'), 1),
      num_layers: names.filter((n) => /^lstm\.weight_hh_l\d+$/.test(n)).length,
      source_vocab: symbols(s('word_embedding.weight')),
      labels: labels(s('dense.weight')),
    }),
    notes: [...CLASSIFIER_NOTES, 'max_length: their max_len (default 128)'],
  },
};

/** The classifier / captioner preset of that name, or undefined. */
export function classifierPreset(name: unknown): ClassifierPreset | undefined {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CLASSIFIER_PRESETS, name) ? CLASSIFIER_PRESETS[name] : undefined;
}

/** A tensor as `seqattn inspect` lists it. */
export interface TensorDescription { name: string; dtype: string; shape: number[] }

/** A preset a file could be, with the config fields its tensors fix (the shape of `seqattn inspect`'s matches). */
export interface PresetCandidate {
  /** The preset's name, which is the config's "architecture". */
  name: string;
  architecture: string;
  kind: 'classifier' | 'captioner';
  /** Config fields inferred from names and shapes (sizes, layers; vocabularies as "N symbols"); tensor_prefix for a wrapped state_dict. */
  fields: Record<string, unknown>;
  /** What the config still needs that the file cannot say. */
  notes: string[];
}

/**
 * The classifier and captioner presets whose tensors a file has: every required name present,
 * under one common prefix (e.g. `decoder.` when the module was saved inside a wrapper; set as
 * `tensor_prefix`), with the config fields the shapes fix.
 * @example matchClassifierPresets(tensors) // [{ name: 'sgrvinod-han', architecture: 'sgrvinod-han', kind: 'classifier', fields: {...}, notes: [...] }]
 */
export function matchClassifierPresets(tensors: readonly TensorDescription[]): PresetCandidate[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const out: PresetCandidate[] = matchPaperClassifiers(tensors, byName);
  for (const p of Object.values(CLASSIFIER_PRESETS)) {
    const anchor = p.required[0];
    const prefixes = new Set(tensors.filter((t) => t.name === anchor || t.name.endsWith(`.${anchor}`))
      .map((t) => t.name.slice(0, t.name.length - anchor.length)));
    for (const prefix of prefixes) {
      if (!p.required.every((r) => byName.has(prefix + r))) continue;
      const local = tensors.filter((t) => t.name.startsWith(prefix)).map((t) => t.name.slice(prefix.length));
      const fields: Record<string, unknown> = p.infer((n) => byName.get(prefix + n)?.shape, local);
      if (prefix) fields.tensor_prefix = prefix;
      out.push({ name: p.name, architecture: p.name, kind: p.kind, fields, notes: [...p.notes] });
    }
  }
  return out;
}

/** Layers of a (bi)RNN module `m` saved by PyTorch: how many weight_hh_l{k} it has. */
function rnnLayers(has: (n: string) => boolean, m: string): number {
  let k = 0;
  while (has(`${m}.weight_hh_l${k}`)) k++;
  return k;
}

/** The paper architectures under seqattn's own names (docs/classifiers.md), each with the sizes its shapes fix. */
const PAPER_CLASSIFIERS: { architecture: 'attention-bilstm' | 'han'; required: string[]; infer(shape: (n: string) => readonly number[] | undefined, has: (n: string) => boolean): Record<string, unknown>; notes: string[] }[] = [
  { // Zhou et al. 2016
    architecture: 'attention-bilstm', required: ['lstm.weight_hh_l0', 'embedding.weight', 'attention.w.weight', 'classifier.weight'],
    infer: (shape, has) => {
      const H = dim(shape('lstm.weight_hh_l0'), 1);
      return {
        embedding_size: dim(shape('embedding.weight'), 1), hidden_size: H,
        merge: dim(shape('classifier.weight'), 1) === 2 * H ? 'concat' : 'sum', num_layers: rnnLayers(has, 'lstm'),
        source_vocab: symbols(shape('embedding.weight')), labels: labels(shape('classifier.weight')),
      };
    },
    notes: [...CLASSIFIER_NOTES],
  },
  { // Yang et al. 2016
    architecture: 'han', required: ['word_rnn.weight_hh_l0', 'sentence_rnn.weight_hh_l0', 'embedding.weight', 'word_attention.W.weight', 'sentence_attention.W.weight', 'classifier.weight'],
    infer: (shape) => ({
      embedding_size: dim(shape('embedding.weight'), 1),
      word_hidden_size: dim(shape('word_rnn.weight_hh_l0'), 1), sentence_hidden_size: dim(shape('sentence_rnn.weight_hh_l0'), 1),
      word_attention_size: dim(shape('word_attention.W.weight'), 0), sentence_attention_size: dim(shape('sentence_attention.W.weight'), 0),
      source_vocab: symbols(shape('embedding.weight')), labels: labels(shape('classifier.weight')),
    }),
    notes: [...CLASSIFIER_NOTES, 'gru_convention: "reset_after" (PyTorch nn.GRU) or "reset_before": the file cannot tell'],
  },
];

/** attention-bilstm and han under seqattn's own tensor names, under any common prefix (then tensor_prefix). */
function matchPaperClassifiers(tensors: readonly TensorDescription[], byName: ReadonlyMap<string, TensorDescription>): PresetCandidate[] {
  const out: PresetCandidate[] = [];
  for (const p of PAPER_CLASSIFIERS) {
    const anchor = p.required[0];
    for (const t of tensors.filter((t) => t.name === anchor || t.name.endsWith(`.${anchor}`))) {
      const prefix = t.name.slice(0, t.name.length - anchor.length);
      const has = (n: string) => byName.has(prefix + n);
      if (!p.required.every(has)) continue;
      const fields: Record<string, unknown> = { architecture: p.architecture, ...(prefix ? { tensor_prefix: prefix } : {}),
        ...p.infer((n) => byName.get(prefix + n)?.shape, has) };
      out.push({ name: p.architecture, architecture: p.architecture, kind: 'classifier', fields, notes: [...p.notes] });
    }
  }
  return out;
}
