/**
 * The classifiers' presets (HAN and Att-BLSTM as popular PyTorch projects save them) and the
 * papers' architectures under seqattn's own names, as preset records (src/preset-record.ts):
 * which architecture and parts, and the name map from seqattn's tensor names to the project's
 * state_dict names, so a config holds only the preset, sizes, vocabularies and special ids.
 * docs/classifiers.md lists what a user of each preset writes. The registry of every preset and
 * `matchClassifierPresets` (for `seqattn inspect`): src/presets.ts.
 */
import type { PresetRecord, TensorView } from '../preset-record.js';

const NOTES = ['source_vocab (ids 0..V-1 in order), labels, source_unk_id: the project\'s word map and classes'];

/** Every classifier preset, by name. */
export const CLASSIFIER_PRESETS: Readonly<Record<string, PresetRecord>> = {
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
    infer: (v) => ({
      embedding_size: v.dim('sentence_attention.word_attention.embeddings.weight', 1),
      word_hidden_size: v.dim('sentence_attention.word_attention.word_rnn.weight_hh_l0', 1),
      sentence_hidden_size: v.dim('sentence_attention.sentence_rnn.weight_hh_l0', 1),
      word_attention_size: v.dim('sentence_attention.word_attention.word_attention.weight', 0),
      sentence_attention_size: v.dim('sentence_attention.sentence_attention.weight', 0),
      word_num_layers: v.layers('sentence_attention.word_attention.word_rnn'),
      sentence_num_layers: v.layers('sentence_attention.sentence_rnn'),
      source_vocab: v.symbols('sentence_attention.word_attention.embeddings.weight'),
      labels: v.names('fc.weight'),
    }),
    notes: () => [...NOTES, 'max_sentence_length, max_sentences: their word_limit and sentence_limit (defaults 64, 32)'],
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
    infer: (v) => ({
      embedding_size: v.dim('word_att_net.lookup.weight', 1),
      word_hidden_size: v.dim('word_att_net.gru.weight_hh_l0', 1),
      sentence_hidden_size: v.dim('sent_att_net.gru.weight_hh_l0', 1),
      word_attention_size: v.dim('word_att_net.word_weight', 1),
      sentence_attention_size: v.dim('sent_att_net.sent_weight', 1),
      source_vocab: v.symbols('word_att_net.lookup.weight'),
      labels: v.names('sent_att_net.fc.weight'),
    }),
    notes: () => ['source_vocab: "<unk>" then the GloVe words in file order; labels: the classes', 'max_sentence_length, max_sentences: the model\'s max_word_length, max_sent_length (inputs are padded to them)'],
  },
  // onehaitao/Att-BLSTM-relation-extraction, model.py Att_BLSTM
  'att-blstm-relation': {
    name: 'att-blstm-relation',
    kind: 'classifier',
    source: 'onehaitao/Att-BLSTM-relation-extraction Att_BLSTM',
    fields: { architecture: 'attention-bilstm', merge: 'sum' },
    names: { embedding: 'word_embedding', 'attention.w.weight': 'att_weight', classifier: 'dense' },
    required: ['att_weight', 'word_embedding.weight', 'lstm.weight_hh_l0', 'dense.weight'],
    infer: (v) => ({
      embedding_size: v.dim('word_embedding.weight', 1),
      hidden_size: v.dim('lstm.weight_hh_l0', 1),
      num_layers: v.layers('lstm'),
      source_vocab: v.symbols('word_embedding.weight'),
      labels: v.names('dense.weight'),
    }),
    notes: () => [...NOTES, 'max_length: their max_len (default 128)'],
  },
};

/** The paper architectures under seqattn's own names (docs/classifiers.md), each with the sizes its shapes fix. */
export const PAPER_CLASSIFIERS: readonly PresetRecord[] = [
  { // Zhou et al. 2016
    name: 'attention-bilstm', kind: 'classifier', source: 'Zhou et al. 2016, Attention-Based Bidirectional LSTM', paper: true, fields: {}, names: {},
    required: ['lstm.weight_hh_l0', 'embedding.weight', 'attention.w.weight', 'classifier.weight'],
    infer: (v: TensorView) => {
      const H = v.dim('lstm.weight_hh_l0', 1);
      return {
        architecture: 'attention-bilstm', embedding_size: v.dim('embedding.weight', 1), hidden_size: H,
        merge: v.dim('classifier.weight', 1) === 2 * H ? 'concat' : 'sum', num_layers: v.layers('lstm'),
        source_vocab: v.symbols('embedding.weight'), labels: v.names('classifier.weight'),
      };
    },
    notes: () => [...NOTES],
  },
  { // Yang et al. 2016
    name: 'han', kind: 'classifier', source: 'Yang et al. 2016, Hierarchical Attention Networks', paper: true, fields: {}, names: {},
    required: ['word_rnn.weight_hh_l0', 'sentence_rnn.weight_hh_l0', 'embedding.weight', 'word_attention.W.weight', 'sentence_attention.W.weight', 'classifier.weight'],
    infer: (v: TensorView) => ({
      architecture: 'han', embedding_size: v.dim('embedding.weight', 1),
      word_hidden_size: v.dim('word_rnn.weight_hh_l0', 1), sentence_hidden_size: v.dim('sentence_rnn.weight_hh_l0', 1),
      word_attention_size: v.dim('word_attention.W.weight', 0), sentence_attention_size: v.dim('sentence_attention.W.weight', 0),
      source_vocab: v.symbols('embedding.weight'), labels: v.names('classifier.weight'),
    }),
    notes: () => [...NOTES, 'gru_convention: "reset_after" (PyTorch nn.GRU) or "reset_before": the file cannot tell'],
  },
];
