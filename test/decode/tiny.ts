// Small RNNsearch models with seeded random weights, built in TypeScript for decoding tests.
import { loadModelFrom, writeSafetensors, type LoadOptions, type Seq2SeqModel } from '../../src/node.js';

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

export interface TinySpec {
  E: number; n: number; H: number; A: number; l: number; Vs: number; Vt: number;
  maxSource: number; maxTarget: number; seed: number; scale?: number;
  deepOutput?: 'maxout' | 'tanh' | 'none'; gru?: 'reset_after' | 'reset_before'; extra?: Record<string, unknown>;
}

/** The config (snake_case JSON) and tensors of a random bahdanau model. */
export function tinyBahdanau(s: TinySpec): { config: Record<string, unknown>; tensors: Record<string, { shape: number[]; data: Float32Array }> } {
  const rand = lcg(s.seed);
  const scale = s.scale ?? 1;
  const t: Record<string, { shape: number[]; data: Float32Array }> = {};
  const add = (name: string, shape: number[], k = scale) => {
    const size = shape.reduce((a, b) => a * b, 1);
    t[name] = { shape, data: Float32Array.from({ length: size }, () => (rand() * 2 - 1) * k) };
  };
  const d = 2 * s.n, cs = s.H + s.E + d;
  const deep = s.deepOutput ?? 'maxout';
  add('encoder.embedding.weight', [s.Vs, s.E]);
  for (const suf of ['_l0', '_l0_reverse']) {
    add(`encoder.rnn.weight_ih${suf}`, [3 * s.n, s.E]); add(`encoder.rnn.weight_hh${suf}`, [3 * s.n, s.n]);
    add(`encoder.rnn.bias_ih${suf}`, [3 * s.n]); add(`encoder.rnn.bias_hh${suf}`, [3 * s.n]);
  }
  add('decoder.embedding.weight', [s.Vt, s.E]);
  add('decoder.init.weight', [s.H, s.n]); add('decoder.init.bias', [s.H]);
  add('decoder.attention.W.weight', [s.A, s.H]); add('decoder.attention.U.weight', [s.A, d]); add('decoder.attention.U.bias', [s.A]);
  add('decoder.attention.v.weight', [1, s.A], 3);
  add('decoder.rnn.weight_ih_l0', [3 * s.H, s.E + d]); add('decoder.rnn.weight_hh_l0', [3 * s.H, s.H]);
  add('decoder.rnn.bias_ih_l0', [3 * s.H]); add('decoder.rnn.bias_hh_l0', [3 * s.H]);
  if (deep === 'none') {
    add('decoder.out.weight', [s.Vt, cs]);
  } else {
    const P = deep === 'maxout' ? 2 * s.l : s.l;
    add('decoder.deep_output.weight', [P, cs]); add('decoder.deep_output.bias', [P]);
    add('decoder.out.weight', [s.Vt, s.l], 2);
  }
  add('decoder.out.bias', [s.Vt]);
  const config = {
    architecture: 'bahdanau', embedding_size: s.E, encoder_hidden_size: s.n, hidden_size: s.H, alignment_size: s.A,
    deep_output: deep, deep_output_size: s.l, gru_convention: s.gru ?? 'reset_before',
    source_vocab: Array.from({ length: s.Vs }, (_, i) => ['<pad>', '<s>', '</s>', '<unk>'][i] ?? String.fromCharCode(97 + i - 4)),
    target_vocab: Array.from({ length: s.Vt }, (_, i) => ['<pad>', '<s>', '</s>', '<unk>'][i] ?? String.fromCharCode(65 + i - 4)),
    source_tokenizer: 'char', target_separator: ' ', sos_id: 1, eos_id: 2, append_source_eos: true, source_eos_id: 2,
    source_unk_id: 3, max_source_length: s.maxSource, max_target_length: s.maxTarget, ...s.extra,
  };
  return { config, tensors: t };
}

export async function loadTiny(s: TinySpec, options: LoadOptions = {}): Promise<Seq2SeqModel> {
  const { config, tensors } = tinyBahdanau(s);
  return loadModelFrom({ weights: writeSafetensors(tensors, { seqattn: JSON.stringify(config) }) }, options);
}
