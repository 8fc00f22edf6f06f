/**
 * The seq2seq architectures and presets as preset records (src/preset-record.ts): the tensors
 * every file of each has, the config fields their shapes fix, what the file cannot say. Their
 * compositions (which parts, which tensor names) are src/models (the papers) and
 * src/compose/presets.ts (the presets of popular implementations); the config fields a preset
 * reads, src/config.ts.
 */
import type { PresetRecord, TensorView } from './preset-record.js';

interface Signature {
  architecture: string;
  /** Names all present for the signature to fit (the first one locates a prefix). */
  needs: string[];
  /** Names (or, ending in '.', module paths) whose presence rules it out. */
  without?: string[];
  fields(v: TensorView): Record<string, unknown>;
  notes?(v: TensorView): string[];
}

/** The presets of popular implementations (config.ts PRESETS, compose/presets.ts), by the code they read; the others are papers'. */
const PRESET_SOURCES: Record<string, string> = {
  'bentrevett-1': 'bentrevett/pytorch-seq2seq 1 - Sequence to Sequence Learning with Neural Networks',
  'bentrevett-2': 'bentrevett/pytorch-seq2seq 2 - Learning Phrase Representations using RNN Encoder-Decoder',
  'bentrevett-3': 'bentrevett/pytorch-seq2seq 3 - Neural Machine Translation by Jointly Learning to Align and Translate',
  'pytorch-chatbot': 'the PyTorch chatbot tutorial EncoderRNN + LuongAttnDecoderRNN',
  'opennmt-rnn': 'OpenNMT-py RNNEncoder + (InputFeed)RNNDecoder + GlobalAttention + generator',
  'pytorch-tutorial-location': 'the older PyTorch seq2seq tutorial EncoderRNN + AttnDecoderRNN',
};

const record = (s: Signature): PresetRecord => ({
  name: s.architecture, kind: 'seq2seq', source: PRESET_SOURCES[s.architecture] ?? `seqattn's ${s.architecture} (src/models)`,
  ...(s.architecture in PRESET_SOURCES ? {} : { paper: true as const }),
  fields: {}, names: {}, required: s.needs, without: s.without, infer: s.fields, notes: (v) => s.notes?.(v) ?? [],
});

const GRU_NOTE = 'gru_convention: the file cannot tell; "reset_after" (nn.GRU, default) or "reset_before" (Cho et al.)';
const vocabs = (src: string, tgt: string) => (v: TensorView) => ({ source_vocab: `${v.dim(src, 0)} symbols`, target_vocab: `${v.dim(tgt, 0)} symbols` });

/** The seq2seq architectures (papers) and presets, in the order inspect lists them. */
export const SEQ2SEQ_RECORDS: readonly PresetRecord[] = ([
  { architecture: 'pytorch-tutorial', needs: ['decoder.attention.Wa.weight', 'decoder.attention.Ua.weight', 'encoder.gru.weight_hh_l0'],
    fields: (v) => ({ hidden_size: v.dim('encoder.gru.weight_hh_l0', 1), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }) },
  { architecture: 'pytorch-tutorial-location', needs: ['decoder.attn.weight', 'decoder.attn_combine.weight'],
    fields: (v) => ({ hidden_size: v.dim('decoder.attn_combine.weight', 0), max_length: v.dim('decoder.attn.weight', 0),
      ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }) },
  { architecture: 'bahdanau', needs: ['decoder.init.weight', 'decoder.attention.W.weight', 'encoder.rnn.weight_ih_l0_reverse'],
    fields: (v) => ({
      embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.init.weight', 0),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), alignment_size: v.dim('decoder.attention.W.weight', 0),
      ...deepOutput(v), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v),
    }), notes: () => [GRU_NOTE] },
  { architecture: 'cho', needs: ['encoder.V.weight', 'decoder.V.weight'],
    fields: (v) => ({
      embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.V.weight', 0),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), ...deepOutput(v), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v),
    }), notes: () => [GRU_NOTE] },
  { architecture: 'luong', needs: ['decoder.W_c.weight', 'decoder.W_s.weight'],
    fields: (v) => {
      const H = v.dim('decoder.W_s.weight', 1), E = v.dim('decoder.embedding.weight', 1);
      const score = v.has('decoder.attention.v_a.weight') ? 'concat' : v.has('decoder.attention.W_a.weight') ? 'general' : 'dot';
      return {
        embedding_size: E, hidden_size: H, num_layers: v.layers('encoder.rnn'), bidirectional_encoder: v.bidirectional('encoder.rnn'),
        ...(v.has('decoder.attention.W_p.weight') ? { attention: 'local-p', local_score: score, alignment_size: v.dim('decoder.attention.W_p.weight', 0) }
          : { attention: score, ...(score === 'concat' ? { alignment_size: v.dim('decoder.attention.W_a.weight', 0) } : {}) }),
        input_feeding: v.dim('decoder.rnn.weight_ih_l0', 1) === E + H,
        ...vocabs('encoder.embedding.weight', 'decoder.W_s.weight')(v),
      };
    },
    notes: (v) => v.has('decoder.attention.W_p.weight') ? ['window: D, not in the file (default 10)'] : ['local-m attention has no tensors of its own: "attention": "local-m" with this score as "local_score" fits too'] },
  { architecture: 'sutskever', needs: ['decoder.out.weight', 'encoder.rnn.weight_hh_l0', 'decoder.rnn.weight_hh_l0'],
    without: ['decoder.attention.', 'decoder.V.weight', 'decoder.deep_output.weight', 'decoder.init.weight'],
    fields: (v) => ({ embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.rnn.weight_hh_l0', 1), num_layers: v.layers('encoder.rnn'),
      ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }),
    notes: () => ['reverse_source: true (the paper, default) or false, not in the file'] },
  { architecture: 'bentrevett-1', needs: ['decoder.fc_out.weight', 'encoder.rnn.weight_hh_l0'], without: ['encoder.fc.weight'],
    fields: (v) => v.cell('encoder.rnn.weight_hh_l0') !== 'lstm' ? {} : ({ embedding_size: v.dim('encoder.embedding.weight', 1),
      target_embedding_size: v.dim('decoder.embedding.weight', 1), hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), num_layers: v.layers('encoder.rnn'),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'bentrevett-2', needs: ['decoder.fc_out.weight', 'encoder.rnn.weight_hh_l0'], without: ['encoder.fc.weight'],
    fields: (v) => v.cell('encoder.rnn.weight_hh_l0') !== 'gru' ? {} : ({ embedding_size: v.dim('encoder.embedding.weight', 1),
      target_embedding_size: v.dim('decoder.embedding.weight', 1), hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'bentrevett-3', needs: ['encoder.fc.weight', 'decoder.fc_out.weight', 'encoder.rnn.weight_ih_l0_reverse'],
    fields: (v) => ({ embedding_size: v.dim('encoder.embedding.weight', 1), target_embedding_size: v.dim('decoder.embedding.weight', 1),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), hidden_size: v.dim('encoder.fc.weight', 0),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'pytorch-chatbot', needs: ['decoder.concat.weight', 'encoder.gru.weight_ih_l0_reverse'],
    fields: (v) => {
      const H = v.dim('decoder.concat.weight', 0);
      const attention = !v.has('decoder.attn.attn.weight') ? 'dot' : v.dim('decoder.attn.attn.weight', 1) === 2 * H ? 'concat' : 'general';
      return { hidden_size: H, num_layers: v.layers('encoder.gru'), attention, ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) };
    } },
  { architecture: 'opennmt-rnn', needs: ['encoder.embeddings.make_embedding.emb_luts.0.weight', 'encoder.rnn.weight_hh_l0'],
    fields: (v) => {
      const feed = v.has('decoder.rnn.layers.0.weight_hh');
      const hh = feed ? 'decoder.rnn.layers.0.weight_hh' : 'decoder.rnn.weight_hh_l0';
      const out = v.has('generator.0.weight') ? 'generator.0.weight' : 'generator.weight';
      return {
        cell: v.cell('encoder.rnn.weight_hh_l0'), bidirectional_encoder: v.bidirectional('encoder.rnn'), num_layers: v.layers('encoder.rnn'),
        attention: v.has('decoder.attn.linear_in.weight') ? 'general' : v.has('decoder.attn.linear_query.weight') ? 'mlp' : 'dot', input_feeding: feed,
        embedding_size: v.dim('encoder.embeddings.make_embedding.emb_luts.0.weight', 1),
        target_embedding_size: v.dim('decoder.embeddings.make_embedding.emb_luts.0.weight', 1), hidden_size: v.dim(hh, 1),
        ...vocabs('encoder.embeddings.make_embedding.emb_luts.0.weight', out)(v),
      };
    },
    notes: (v) => v.has('generator.0.weight') || v.has('generator.weight') ? [] : ['no generator.* tensors: add the checkpoint\'s "generator" state dict (docs/your-model.md)'] },
] as Signature[]).map(record);

function deepOutput(v: TensorView): Record<string, unknown> {
  if (!v.has('decoder.deep_output.weight')) return { deep_output: 'none' };
  const l = v.dim('decoder.out.weight', 1);
  return { deep_output: v.dim('decoder.deep_output.weight', 0) === 2 * l ? 'maxout' : 'tanh', deep_output_size: l };
}

