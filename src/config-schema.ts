/**
 * The JSON Schema of a seq2seq / captioner config (docs/model-format.md, docs/parts.md), the one
 * table both the shipped schema/config.schema.json (written from it by tools/write-schema.ts, a
 * test checks they agree) and the config parser's field check (schema-check.ts) read. Editors
 * complete and validate a config.json that names it in "$schema".
 */

const str = (description: string, extra: object = {}) => ({ type: 'string', description, ...extra });
const int = (description: string, minimum = 1) => ({ type: 'integer', minimum, description });
/** A size or count inside "parts", with the ceiling of the config's size fields (limits.ts CONFIG_LIMITS). */
const size = (description: string, minimum = 1, maximum = 65536) => ({ type: 'integer', minimum, maximum, description });
const bool = (description: string) => ({ type: 'boolean', description });
const oneOf = (values: readonly string[], description: string) => ({ type: 'string', enum: values, description });
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const obj = (description: string, properties: Record<string, object>, required: string[] = []) =>
  ({ type: 'object', description, properties, required, additionalProperties: false });
const nullable = (name: string) => ({ oneOf: [{ type: 'null' }, ref(name)] });

const ACTIVATION = ['tanh', 'relu', 'none'] as const;
const QUERY = oneOf(['before', 'after'], 'the query: s_{i-1} before the decoder cell (Bahdanau) or h_t after it (Luong)');
const local = obj('local attention (Luong et al. 2015, sec. 3.2): scores only inside [p_t - D, p_t + D]', {
  mode: oneOf(['m', 'p'], 'p_t = t (monotonic) or S sigmoid(v_p^T tanh(W_p h_t)) (predictive, with a Gaussian a_t(s) *= exp(-(s - p_t)^2 / (2 (D/2)^2)))'),
  window: int('D'),
  p_linear: ref('linear'),
  p_v: str('v_p: the name of an nn.Linear (1, A_p) (`<name>.weight`)'),
}, ['mode', 'window']);

/** The parts of a composition (docs/parts.md). */
const PARTS_DEFS = {
  linear: obj('an nn.Linear: `<name>.weight` (out, in) and, with bias, `<name>.bias` (out,)', {
    name: str('module path of the Linear'),
    bias: bool('whether it has `<name>.bias`'),
    alternatives: { type: 'array', items: { type: 'string' }, description: 'other names a project\'s versions used; the first the file has is read' },
  }, ['name', 'bias']),
  vector: obj('a vector v (A,): an nn.Linear(A, 1) or a bare parameter', {
    name: str('module path (layout "linear": `<name>.weight`) or parameter name'),
    bias: bool('layout "linear" only: `<name>.bias` (1,) is b_v'),
    layout: oneOf(['linear', 'vector', 'row', 'column'], '"linear": `<name>.weight` (1, A); a bare parameter `<name>` of (A) "vector", (1, A) "row", (A, 1) "column"; absent: whichever the file has'),
    alternatives: { type: 'array', items: { type: 'string' }, description: 'other names a project\'s versions used' },
  }, ['name']),
  part: oneOf(['e', 'c', 's', 'h_tilde'], 'E y_{t-1}, the context c_t (in the cell\'s input c_{t-1} when the attention runs after it), the decoder state s_t (s_{t-1} in the cell\'s input), the attentional h̃_t (h̃_{t-1} in the cell\'s input)'),
  part_list: { type: 'array', items: ref('part'), minItems: 1, description: 'an ordered concatenation' },
  embedding: obj('an nn.Embedding (V, size): `<name>.weight`', {
    name: str('module path'),
    size: size('the embedding size'),
    tied_to: str('target only: read this table when `<name>.weight` is absent (one nn.Embedding for both sides)'),
  }, ['name', 'size']),
  bridge: {
    description: 's_0 (and c_0) of the decoder',
    oneOf: [
      obj('s_0 = 0, c_0 = 0', { kind: { const: 'zeros' } }, ['kind']),
      obj('decoder layer l from the encoder\'s final states', {
        kind: { const: 'final' },
        order: oneOf(['layer', 'pytorch'], '"layer": encoder layer l\'s [→h; ←h] (H = directions * n); "pytorch": row l of h_n (layers * directions, n) (H = n)'),
        cell: oneOf(['final', 'zero'], 'LSTM: c_0 from the same rows of the encoder\'s c, or 0'),
      }, ['kind']),
      obj('s_0 = act(W x + b), or act(x) without a linear', {
        kind: { const: 'project' },
        from: oneOf(['backward_first', 'forward_last', 'final_concat', 'mean', 'summary'], 'x: ←h_1, →h_T, [→h_T; ←h_1] (of `layer`, default the top), mean_j h_j, or the summary c'),
        layer: size('the encoder layer whose final states x reads (0-based; default the top)', 0),
        linear: nullable('linear'),
        activation: oneOf(ACTIVATION, 'act'),
        layers: oneOf(['first', 'every', 'per_layer'], 's_0 of the first decoder layer (the others 0), the same s_0 for every layer, or decoder layer l from encoder layer l\'s states (one W)'),
        cell: oneOf(['zero', 'same', 'project'], 'LSTM: c_0 = 0, c_0 = s_0, or c_0 = act(W_c x_c + b_c) of the same states of c_n'),
        cell_linear: nullable('linear'),
      }, ['kind', 'from', 'linear', 'activation']),
    ],
  },
  attention: {
    description: 'e_ij, a_ij = softmax_j(e_ij), c_i = Σ_j a_ij h_j',
    oneOf: [
      obj('no attention', { kind: { const: 'none' } }, ['kind']),
      obj('a fixed context c = h_T or tanh(W h_T) (Cho et al. 2014)', { kind: { const: 'summary' }, linear: nullable('linear') }, ['kind', 'linear']),
      obj('e_ij = v^T act(W q + U h_j + b) + b_v', {
        kind: { const: 'additive' }, query: QUERY,
        size: size('A, the alignment model\'s size'),
        form: oneOf(['separate', 'joint'], '"separate": W (query_linear) and U (key_linear); "joint": one Linear (linear) over [q; h_j] or [h_j; q]'),
        query_linear: ref('linear'), key_linear: ref('linear'), linear: ref('linear'),
        order: oneOf(['query_first', 'key_first'], 'joint: [q; h_j] or [h_j; q]'),
        activation: oneOf(ACTIVATION, 'act'),
        v: ref('vector'),
        local,
      }, ['kind', 'query', 'size', 'form', 'v']),
      obj('e_ij = q^T h_j', { kind: { const: 'dot' }, query: QUERY, local }, ['kind', 'query']),
      obj('e_ij = q^T (W h_j + b) ("keys") or (W q + b)^T h_j ("query")', {
        kind: { const: 'general' }, query: QUERY, linear: ref('linear'),
        convention: oneOf(['keys', 'query'], '"keys": W (H, d) applied to h_j once per source; "query": W (d, H) applied to q'),
        local,
      }, ['kind', 'query', 'linear', 'convention']),
      obj('e_i = W [E y_{i-1}; s_{i-1}] + b over `positions` fixed positions (the older PyTorch tutorial)', {
        kind: { const: 'location' }, linear: ref('linear'), positions: size('P, the rows of W (the tutorial\'s MAX_LENGTH)'),
      }, ['kind', 'linear', 'positions']),
    ],
  },
  parts: obj('the composition of a seq2seq model (docs/parts.md)', {
    cell: oneOf(['gru', 'lstm'], 'the cell of the encoder and the decoder'),
    gru_convention: oneOf(['reset_after', 'reset_before'], 'GRU: r applied after W_hh h (nn.GRU) or before (Cho et al.)'),
    embeddings: obj('E_src, E_tgt', { source: ref('embedding'), target: ref('embedding') }, ['source', 'target']),
    encoder: obj('h_j: an nn.GRU / nn.LSTM `<rnn>.weight_ih_l<k>[_reverse]`', {
      rnn: str('module path'), layers: size('layers', 1, 64), hidden_size: size('n, each direction\'s state size'),
      bidirectional: bool('two directions'),
      merge: oneOf(['concat', 'sum'], 'h_j = [→h_j; ←h_j] (2n) or →h_j + ←h_j (n)'),
      reverse: bool('read x_Tx..x_1 (Sutskever et al. 2014)'),
    }, ['rnn', 'layers', 'hidden_size', 'bidirectional']),
    bridge: ref('bridge'),
    attention: ref('attention'),
    decoder: obj('s_t = RNN(x_t, s_{t-1})', {
      rnn: str('module path'),
      layout: oneOf(['pytorch', 'cells', 'cell'], '"pytorch": nn.GRU / nn.LSTM `<rnn>.weight_ih_l<k>`; "cells": a stack `<rnn>.layers.<k>.weight_ih` (OpenNMT-py); "cell": one nn.GRUCell / nn.LSTMCell `<rnn>.weight_ih` (layers 1)'),
      layers: size('layers', 1, 64), hidden_size: size('H, the decoder state size'),
      input: obj('x_t = [parts] or act(W [parts] + b)', { parts: ref('part_list'), linear: nullable('linear'), activation: oneOf(ACTIVATION, 'act, with a linear') }, ['parts']),
    }, ['rnn', 'layers', 'hidden_size', 'input']),
    combine: { oneOf: [{ type: 'null' }, obj('h̃_t = act(W [parts] + b), the attentional layer', { linear: ref('linear'), parts: ref('part_list'), activation: oneOf(ACTIVATION, 'act') }, ['linear', 'parts', 'activation'])] },
    output: obj('logits = W_o [parts] + b_o, or W_o t + b_o with t = maxout / tanh (W_t [parts] + b_t)', {
      parts: ref('part_list'),
      kind: oneOf(['linear', 'maxout', 'tanh'], 'the output layer'),
      linear: ref('linear'),
      deep: obj('W_t and l, the size of t (maxout: W_t has 2l rows)', { linear: ref('linear'), size: size('l') }, ['linear', 'size']),
    }, ['parts', 'linear']),
  }, ['cell', 'embeddings', 'encoder', 'bridge', 'attention', 'decoder', 'output']),
  tensor_name: { oneOf: [{ type: 'string' }, obj('a tensor stored as x @ W', { name: { type: 'string' }, transpose: { type: 'boolean' } }, ['name'])] },
};

/** The config's top-level fields (those of docs/model-format.md). */
const CONFIG_PROPERTIES = {
  $schema: str('this schema\'s address, for editors'),
  architecture: str('a paper\'s architecture or a preset (docs/your-model.md); absent with a full "parts"'),
  parts: { type: 'object', description: 'the composition (docs/parts.md); with "architecture", overrides merged into the preset\'s' },
  tensor_names: { type: 'object', additionalProperties: ref('tensor_name'), description: 'seqattn\'s tensor or module path -> the file\'s' },
  tensor_prefix: str('put before every tensor name'),
  source_vocab: { type: 'array', items: { type: 'string' }, description: 'the source symbols, id i at index i' },
  target_vocab: { type: 'array', items: { type: 'string' }, description: 'the target symbols' },
  source_tokenizer: oneOf(['char', 'word'], 'how source text is split'),
  lowercase: bool('lowercase the source'),
  target_separator: str('joins target symbols'),
  sos_id: int('<s> of the target', 0), eos_id: int('</s> of the target', 0),
  append_source_eos: bool('append source_eos_id'), source_eos_id: { type: ['integer', 'null'] },
  prepend_source_sos: bool('prepend source_sos_id'), source_sos_id: { type: ['integer', 'null'] },
  source_unk_id: { type: ['integer', 'null'] }, target_unk_id: { type: ['integer', 'null'] },
  max_source_length: int('longest source'), max_target_length: int('longest output'),
  hidden_size: int('H'), embedding_size: int('E'), target_embedding_size: int('the presets: E of the target'),
  encoder_hidden_size: int('n'), alignment_size: int('A'), num_layers: int('layers'),
  deep_output: oneOf(['maxout', 'tanh', 'linear', 'none'], 'bahdanau, cho, show-attend-tell: the output layer'),
  deep_output_size: int('l'),
  gru_convention: oneOf(['reset_after', 'reset_before'], 'GRU reset convention'),
  reverse_source: bool('sutskever, bentrevett-1'), bidirectional_encoder: bool('luong, opennmt-rnn'),
  attention: str('luong, the presets: the score; show-attend-tell: soft or hard'),
  local_score: oneOf(['dot', 'general', 'concat'], 'luong local attention'), window: int('D'),
  input_feeding: bool('luong, opennmt-rnn'), cell: oneOf(['gru', 'lstm'], 'opennmt-rnn'), max_length: int('pytorch-tutorial-location'),
  feature_size: int('show-attend-tell: D'), gate: { type: ['boolean', 'string'], enum: [true, false, 'none', 'scalar', 'channel'] },
  attention_activation: oneOf(['tanh', 'relu'], 'show-attend-tell'),
  attention_biases: { type: 'array', items: { type: 'string' }, description: 'show-attend-tell: which of "annotation", "query", "energy" have a bias' },
  init_activation: oneOf(['tanh', 'none'], 'show-attend-tell'),
};

/** The JSON Schema of a config (draft 2020-12). */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://unpkg.com/seqattn/schema/config.schema.json',
  title: 'seqattn model config',
  type: 'object',
  properties: CONFIG_PROPERTIES,
  additionalProperties: false,
  // no "architecture": a full "parts" block; with one, "parts" holds overrides (any subset, checked when merged)
  if: { not: { required: ['architecture'] } },
  then: { required: ['parts'], properties: { parts: ref('parts') } },
  $defs: PARTS_DEFS,
} as const;

export type JsonSchema = Record<string, unknown>;
