// The combinations tools/random_compositions.py never draws, because seqattn refuses them: each one,
// made from a valid parts config by one change, is E_CONFIG saying why (src/compose/parts.ts
// checkComposition). The generator's docstring (`draw`) lists the same rules; a rule added on one side
// belongs on the other. The valid base passes the config checks (it fails later, on its missing tensors).
import { test } from 'uvu';
import { loadModelFrom, writeSafetensors } from '../../src/node.js';
import { throwsCode } from '../models/helpers.js';

type Parts = Record<string, any>;
const lin = (name: string) => ({ name, bias: true });
/** LSTM, bidirectional encoder (n 4, d 8), final bridge (H 8), additive attention before the cell, [E y; c] input, h̃ = tanh(W [s; c]). */
const base = (): Parts => ({
  cell: 'lstm', gru_convention: 'reset_after',
  embeddings: { source: { name: 'enc.emb', size: 5 }, target: { name: 'dec.emb', size: 5 } },
  encoder: { rnn: 'enc.rnn', layers: 1, hidden_size: 4, bidirectional: true, merge: 'concat', reverse: false },
  bridge: { kind: 'final', order: 'layer', cell: 'final' },
  attention: { kind: 'additive', query: 'before', size: 5, form: 'separate', query_linear: lin('att.W'), key_linear: lin('att.U'),
    activation: 'tanh', v: { name: 'att.v', bias: false } },
  decoder: { rnn: 'dec.rnn', layout: 'pytorch', layers: 1, hidden_size: 8, input: { parts: ['e', 'c'], linear: null, activation: 'none' } },
  combine: { linear: lin('dec.combine'), parts: ['s', 'c'], activation: 'tanh' },
  output: { parts: ['h_tilde'], kind: 'linear', linear: lin('dec.out') },
});
const weights = { bytes: writeSafetensors({ unrelated: { shape: [1], data: new Float32Array(1) } }), name: 'w.safetensors' };
const load = (parts: Parts) => loadModelFrom({
  weights, config: { parts, source_vocab: ['<pad>', 'a', 'b'], target_vocab: ['<pad>', '<s>', '</s>', 'x'], sos_id: 1, eos_id: 2 },
});
const edit = (f: (p: Parts) => void): Parts => { const p = base(); f(p); return p; };

test('the valid base passes the config checks', async () => {
  await throwsCode(() => load(base()), 'E_TENSOR_MISSING', 'w.safetensors');
});

const REFUSED: [string, Parts, string[]][] = [
  ['final bridge, order "layer": H = D n', edit((p) => { p.decoder.hidden_size = 7; p.combine = null; p.output.parts = ['s']; }), ['bridge "final" (order "layer")', 'hidden_size is 7']],
  ['final bridge, order "layer": decoder layers <= encoder layers', edit((p) => { p.decoder.layers = 2; }), ['the decoder has 2 layers, the encoder 1']],
  ['final bridge, order "pytorch": H = n', edit((p) => { p.bridge.order = 'pytorch'; }), ['bridge "final" (order "pytorch")']],
  ['final bridge, order "pytorch": decoder layers <= h_n rows', edit((p) => { p.bridge.order = 'pytorch'; p.encoder.hidden_size = 8; p.encoder.merge = 'sum'; p.decoder.layers = 3; }), ['h_n 2 rows']],
  ['project bridge without a linear: H = the size of x', edit((p) => { p.bridge = { kind: 'project', from: 'forward_last', linear: null, activation: 'tanh', layers: 'first', cell: 'zero' }; }), ['without a "linear"', 'forward_last (4)']],
  ['dot attention: d = H', edit((p) => { p.attention = { kind: 'dot', query: 'before' }; p.encoder.merge = 'sum'; p.bridge = { kind: 'zeros' }; }), ['dot attention', 'use "general"']],
  ['c in the cell input without attention', edit((p) => { p.attention = { kind: 'none' }; p.combine.parts = ['s']; }), ['there is no context']],
  ['h̃ in the cell input without an attentional layer', edit((p) => { p.decoder.input.parts = ['e', 'h_tilde']; p.combine = null; p.output.parts = ['s']; }), ['no attentional layer']],
  ['a cell input without E y and without a linear', edit((p) => { p.decoder.input.parts = ['c']; }), ['reads E y_{t-1}']],
  ['←h_1 with one direction', edit((p) => { p.encoder.bidirectional = false; p.decoder.hidden_size = 4; p.bridge = { kind: 'project', from: 'backward_first', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'zero' }; }), ['not bidirectional']],
  ['[→h_T; ←h_1] with one direction', edit((p) => { p.encoder.bidirectional = false; p.decoder.hidden_size = 4; p.bridge = { kind: 'project', from: 'final_concat', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'zero' }; }), ['not bidirectional']],
  ['the summary bridge without the summary attention', edit((p) => { p.bridge = { kind: 'project', from: 'summary', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'zero' }; }), ['the attention is not "summary"']],
  ['location attention with two decoder layers', edit((p) => { p.attention = { kind: 'location', linear: lin('att.loc'), positions: 20 }; p.encoder.layers = 2; p.decoder.layers = 2; }), ['single-layer decoder']],
  ['c_0 = s_0 with a GRU', edit((p) => { p.cell = 'gru'; p.bridge = { kind: 'project', from: 'mean', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'same' }; }), ['"same" sets c_0 of an LSTM']],
  ['c_0 projected from c_n with a GRU', edit((p) => { p.cell = 'gru'; p.bridge = { kind: 'project', from: 'final_concat', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'project', cell_linear: lin('brc') }; }), ['sets c_0 of an LSTM']],
  ['c_0 projected from the mean (no c)', edit((p) => { p.bridge = { kind: 'project', from: 'mean', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'project', cell_linear: lin('brc') }; }), ['"mean" has no c']],
  ['c_0 projected without a cell_linear: H = the size of x_c', edit((p) => { p.bridge = { kind: 'project', from: 'forward_last', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'project', cell_linear: null }; }), ['without a "cell_linear"']],
  ['a cell_linear without c_0 projected', edit((p) => { p.bridge = { kind: 'project', from: 'forward_last', linear: lin('br'), activation: 'tanh', layers: 'first', cell: 'zero', cell_linear: lin('brc') }; }), ['applies to "cell": "project"']],
  ['layers per_layer from the mean', edit((p) => { p.bridge = { kind: 'project', from: 'mean', linear: lin('br'), activation: 'tanh', layers: 'per_layer', cell: 'zero' }; }), ['"per_layer"', 'is one vector']],
  ['layers per_layer with more decoder layers than encoder layers', edit((p) => { p.decoder.layers = 2; p.bridge = { kind: 'project', from: 'final_concat', linear: lin('br'), activation: 'tanh', layers: 'per_layer', cell: 'zero' }; }), ['"per_layer": the decoder has 2 layers, the encoder 1']],
  ['the summary c (h_T, n) copied into s_0 of another size', edit((p) => { p.cell = 'gru'; p.attention = { kind: 'summary', linear: null }; p.combine = null; p.output.parts = ['s', 'c'];
    p.bridge = { kind: 'project', from: 'summary', linear: null, activation: 'tanh', layers: 'first', cell: 'zero' }; }), ['without a "linear" copies summary (4) into s_0 (8)']],
  ['a reversed source with two directions', edit((p) => { p.encoder.reverse = true; }), ['reverses a one-direction encoder']],
  ['directions summed with one direction', edit((p) => { p.encoder.bidirectional = false; p.encoder.merge = 'sum'; p.decoder.hidden_size = 4; }), ['"sum" adds two directions']],
];

for (const [rule, parts, says] of REFUSED) {
  test(`refused: ${rule}`, async () => {
    await throwsCode(() => load(parts), 'E_CONFIG', ...says);
  });
}

test.run();
