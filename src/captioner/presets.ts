/**
 * The captioner's presets (show-attend-tell as popular PyTorch projects save it) and the paper's
 * architecture under seqattn's own names, as preset records (src/preset-record.ts): which parts
 * (src/captioner/parts.ts) and the name map from seqattn's tensor names to the project's
 * state_dict names, so a config holds only the preset, sizes, vocabulary and special ids.
 * docs/classifiers.md lists what a user of each preset writes.
 */
import type { PresetRecord, TensorView } from '../preset-record.js';

const NOTES = ['target_vocab, sos_id, eos_id: the project\'s word map, ids 0..V-1 in order',
  'max_source_length: at least the grid\'s L (196 for 14 x 14; default 128)'];

/** The sizes a project's tensors give: f_att's W_a (A, D) on the annotations, the LSTM's W_hh (4H, H), the output layer (V, .). */
const sizes = (W_a: string, W_hh: string, out: string) => (v: TensorView) => ({
  feature_size: v.dim(W_a, 1),
  embedding_size: v.dim('embedding.weight', 1),
  hidden_size: v.dim(W_hh, 1),
  alignment_size: v.dim(W_a, 0),
  target_vocab: v.symbols(out),
});

/** Every captioner preset, by name. */
export const CAPTIONER_PRESETS: Readonly<Record<string, PresetRecord>> = {
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
    infer: sizes('attention.encoder_att.weight', 'decode_step.weight_hh', 'fc.weight'),
    notes: () => [...NOTES],
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
    infer: sizes('attention.W.weight', 'lstm.weight_hh', 'deep_output.weight'),
    notes: () => [...NOTES],
  },
};

/** Xu et al. 2015 under seqattn's own names (src/models/show-attend-tell.ts). */
export const SHOW_ATTEND_TELL: PresetRecord = {
  name: 'show-attend-tell',
  kind: 'captioner',
  source: 'Xu et al. 2015, Show, Attend and Tell',
  paper: true,
  fields: {},
  names: {},
  required: ['init_h.weight', 'attention.W_a.weight', 'lstm.weight_ih'],
  infer: (v: TensorView) => ({ feature_size: v.dim('init_h.weight', 1), hidden_size: v.dim('init_h.weight', 0), embedding_size: v.dim('embedding.weight', 1),
    alignment_size: v.dim('attention.W_a.weight', 0), gate: v.has('f_beta.weight'), deep_output: v.has('L_o.weight') ? 'linear' : 'none',
    target_vocab: v.symbols('embedding.weight') }),
  notes: (v: TensorView) => v.has('L_o.weight') ? ['deep_output: "linear" (eq. (7) as printed) or "tanh" (the authors\' code): the file cannot tell', 'attention: "soft" or "hard"'] : ['attention: "soft" or "hard"'],
};
