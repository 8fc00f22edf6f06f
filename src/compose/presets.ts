/**
 * The presets of popular PyTorch seq2seq implementations: which parts, which options, which
 * tensor names (those of each project's module attributes). docs/your-model.md shows each with the
 * lines a user adds after training; tools/presets_torch.py has modules with the same math and names.
 */
import type { ModelConfig, Preset } from '../config.js';
import { cellInput, type AttentionPart, type Composition, type LinearName } from './description.js';

const lin = (name: string, bias: boolean, ...alternatives: string[]): LinearName => ({ name, bias, alternatives });

/** The composition a preset config describes. */
export function presetComposition(c: ModelConfig & { architecture: Preset }): Composition {
  const H = c.hiddenSize, L = c.numLayers, n = c.encoderHiddenSize;
  const base = {
    gruConvention: c.gruConvention,
    embeddings: { source: 'encoder.embedding', target: 'decoder.embedding', sourceSize: c.embeddingSize, targetSize: c.targetEmbeddingSize },
    encoder: { rnn: 'encoder.rnn', layers: 1, hidden: n, bidirectional: false, merge: 'concat' as const, reverse: false },
  };
  switch (c.architecture) {
    case 'bentrevett-1': // 1 - Sequence to Sequence Learning with Neural Networks
      return {
        ...base, cell: 'lstm',
        encoder: { ...base.encoder, layers: L, reverse: c.reverseSource },
        bridge: { kind: 'final', order: 'layer', cell: 'final' },
        attention: { kind: 'none' },
        decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: L, hidden: H, input: cellInput('e') },
        combine: null,
        output: { parts: ['s'], kind: 'linear', out: lin('decoder.fc_out', true) },
      };
    case 'bentrevett-2': // 2 - Learning Phrase Representations using RNN Encoder-Decoder
      return {
        ...base, cell: 'gru',
        bridge: { kind: 'project', from: 'summary', W: null, activation: 'none', layers: 'first', cell: 'zero' },
        attention: { kind: 'summary', W: null },
        decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: 1, hidden: H, input: cellInput('e', 'c') },
        combine: null,
        output: { parts: ['e', 's', 'c'], kind: 'linear', out: lin('decoder.fc_out', true) },
      };
    case 'bentrevett-3': // 3 - Neural Machine Translation by Jointly Learning to Align and Translate
      return {
        ...base, cell: 'gru',
        encoder: { ...base.encoder, bidirectional: true },
        bridge: { kind: 'project', from: 'final-concat', W: lin('encoder.fc', true), activation: 'tanh', layers: 'first', cell: 'zero' },
        attention: { kind: 'additive', query: 'before', joint: true, W: lin('decoder.attention.attn', true, 'decoder.attention.attn_fc'), U: null,
          v: { name: 'decoder.attention.v', bias: false, alternatives: ['decoder.attention.v_fc'] }, size: H },
        decoder: { rnn: 'decoder.rnn', layout: 'pytorch', layers: 1, hidden: H, input: cellInput('e', 'c') },
        combine: null,
        output: { parts: ['s', 'c', 'e'], kind: 'linear', out: lin('decoder.fc_out', true) },
      };
    case 'pytorch-chatbot': { // EncoderRNN + LuongAttnDecoderRNN
      const at = 'decoder.attn';
      const attention: AttentionPart = c.attention === 'dot' ? { kind: 'dot', query: 'after' }
        : c.attention === 'general' ? { kind: 'general', query: 'after', W: lin(`${at}.attn`, true), convention: 'keys' }
          : { kind: 'additive', query: 'after', joint: true, W: lin(`${at}.attn`, true), U: null, v: { name: `${at}.v`, bias: false }, size: H };
      return {
        ...base, cell: 'gru',
        embeddings: { ...base.embeddings, tiedTo: 'encoder.embedding' }, // one nn.Embedding passed to both
        encoder: { ...base.encoder, rnn: 'encoder.gru', layers: L, bidirectional: true, merge: 'sum' },
        bridge: { kind: 'final', order: 'pytorch', cell: 'final' }, // encoder_hidden[:decoder.n_layers]
        attention,
        decoder: { rnn: 'decoder.gru', layout: 'pytorch', layers: L, hidden: H, input: cellInput('e') },
        combine: { W: lin('decoder.concat', true), parts: ['s', 'c'], activation: 'tanh' },
        output: { parts: ['hTilde'], kind: 'linear', out: lin('decoder.out', true) },
      };
    }
    case 'opennmt-rnn': { // RNNEncoder + InputFeedRNNDecoder / StdRNNDecoder + GlobalAttention + generator
      const at = 'decoder.attn';
      const attention: AttentionPart = c.attention === 'dot' ? { kind: 'dot', query: 'after' }
        : c.attention === 'general' ? { kind: 'general', query: 'after', W: lin(`${at}.linear_in`, false), convention: 'query' }
          : { kind: 'additive', query: 'after', joint: false, W: lin(`${at}.linear_query`, true), U: lin(`${at}.linear_context`, false),
            v: { name: `${at}.v`, bias: false }, size: H };
      const mlp = c.attention === 'mlp';
      return {
        ...base, cell: c.cell,
        embeddings: { ...base.embeddings, source: 'encoder.embeddings.make_embedding.emb_luts.0', target: 'decoder.embeddings.make_embedding.emb_luts.0' },
        encoder: { ...base.encoder, layers: L, bidirectional: c.bidirectionalEncoder },
        bridge: { kind: 'final', order: 'layer', cell: 'final' }, // _fix_enc_hidden: layer l's [→h; ←h]
        attention,
        decoder: c.inputFeeding
          ? { rnn: 'decoder.rnn', layout: 'cells', layers: L, hidden: H, input: cellInput('e', 'hTilde') }
          : { rnn: 'decoder.rnn', layout: 'pytorch', layers: L, hidden: H, input: cellInput('e') },
        combine: { W: lin(`${at}.linear_out`, mlp), parts: ['c', 's'], activation: mlp ? 'none' : 'tanh' },
        output: { parts: ['hTilde'], kind: 'linear', out: lin('generator.0', true, 'generator') },
      };
    }
    case 'pytorch-tutorial-location': // the older tutorial's EncoderRNN + AttnDecoderRNN
      return {
        ...base, cell: 'gru',
        encoder: { ...base.encoder, rnn: 'encoder.gru' },
        bridge: { kind: 'final', order: 'layer', cell: 'final' },
        attention: { kind: 'location', W: lin('decoder.attn', true), positions: c.maxLength },
        decoder: { rnn: 'decoder.gru', layout: 'pytorch', layers: 1, hidden: H, input: { parts: ['e', 'c'], W: lin('decoder.attn_combine', true), activation: 'relu' } },
        combine: null,
        output: { parts: ['s'], kind: 'linear', out: lin('decoder.out', true) },
      };
  }
}
