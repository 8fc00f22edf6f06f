// RNNEncoder.encodeIds / encodeVectors (several sequences stepped together, longest first; carry)
// against RNNEncoder.run over each sequence alone and a plain loop over run's layers, for GRU and
// LSTM, one and two layers, on random weights and odd sizes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RNNEncoder } from '../../src/compose/encoder.js';
import type { Cell, EncoderPart } from '../../src/compose/description.js';
import { loadRegions } from '../../src/load.js';
import { readSafetensors, writeSafetensors } from '../../src/safetensors.js';
import { WeightStore } from '../../src/weights.js';

let seed = 7;
const rand = (n: number) => Float32Array.from({ length: n }, () => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed / 2 ** 32 - 0.5) * 0.8; });

function weights(cell: Cell, V: number, E: number, n: number, layers: number, vectors: boolean) {
  const G = (cell === 'gru' ? 3 : 4) * n;
  const t: Record<string, { shape: number[]; data: Float32Array }> = {};
  if (!vectors) t['emb.weight'] = { shape: [V, E], data: rand(V * E) };
  for (let l = 0; l < layers; l++) {
    for (const s of [`_l${l}`, `_l${l}_reverse`]) {
      const inp = l ? 2 * n : E;
      t[`rnn.weight_ih${s}`] = { shape: [G, inp], data: rand(G * inp) };
      t[`rnn.weight_hh${s}`] = { shape: [G, n], data: rand(G * n) };
      t[`rnn.bias_ih${s}`] = { shape: [G], data: rand(G) };
      t[`rnn.bias_hh${s}`] = { shape: [G], data: rand(G) };
    }
  }
  return new WeightStore([{ file: readSafetensors(writeSafetensors(t)), prefix: '' }]);
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.is(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

for (const cell of ['gru', 'lstm'] as const) {
  for (const layers of [1, 2]) {
    test(`${cell}, ${layers} layer(s): encodeIds of 4 sequences = run() of each alone; carry = each from the one before's final states`, async () => {
      const { regions } = await loadRegions({ weights: 'float32' });
      const V = 11, E = 5, n = 7, maxT = 9;
      const part: EncoderPart = { rnn: 'rnn', layers, hidden: n, bidirectional: true, merge: 'concat', reverse: false };
      const enc = RNNEncoder.load(regions, weights(cell, V, E, n, layers, false), part, cell, 'reset_after', 'emb', V, E, 'float32');
      const docs = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10, 0, 1], [2], [3, 3, 3, 3, 3]];
      const N = docs.reduce((s, d) => s + d.length, 0), F = () => regions.rt.F32;
      const seq = enc.sequencesScratch(regions, maxT, docs.length);
      const out = regions.floats(N * 2 * n);
      enc.encodeIds(out, seq, docs);
      const batched = F().slice(out >> 2, (out >> 2) + N * 2 * n);
      const sc = enc.scratch(regions, maxT, E);
      const one = regions.floats(maxT * 2 * n), hT = regions.floats(layers * 2 * n), cT = regions.floats(layers * 2 * n);
      let row = 0;
      for (const [i, d] of docs.entries()) {
        enc.run(sc, d, d.length, one, hT, cell === 'lstm' ? cT : 0);
        assert.is(seq.offset[i], row);
        close(batched.subarray(row * 2 * n, (row + d.length) * 2 * n), F().slice(one >> 2, (one >> 2) + d.length * 2 * n), `sequence ${i}`);
        row += d.length;
      }
      // carry on one sequence is run(); on two, the second differs from run() of it alone
      enc.encodeIds(out, seq, [docs[0], docs[3]], true);
      const carried = F().slice(out >> 2, (out >> 2) + 8 * 2 * n);
      enc.run(sc, docs[0], 3, one, hT, cell === 'lstm' ? cT : 0);
      close(carried.subarray(0, 3 * n), F().slice(one >> 2, (one >> 2) + 3 * n), 'carry: the first sequence\'s →h from 0');
      enc.run(sc, docs[3], 5, one, hT, cell === 'lstm' ? cT : 0);
      const alone = F().slice(one >> 2, (one >> 2) + 5 * 2 * n);
      assert.ok(carried.subarray(3 * 2 * n).some((x, i) => Math.abs(x - alone[i]) > 1e-4), 'carry changes the second sequence');
      regions.release();
    });
  }
  test(`${cell}: encodeVectors over vectors X = encodeIds over ids whose embedding rows are X`, async () => {
    const { regions } = await loadRegions({ weights: 'float32' });
    const E = 6, n = 5, T = 7, V = T;
    const part: EncoderPart = { rnn: 'rnn', layers: 2, hidden: n, bidirectional: true, merge: 'concat', reverse: false };
    const w = weights(cell, V, E, n, 2, false);
    const byIds = RNNEncoder.load(regions, w, part, cell, 'reset_after', 'emb', V, E, 'float32');
    const byVectors = RNNEncoder.load(regions, w, part, cell, 'reset_after', null, 0, E, 'float32');
    const X = regions.upload(w.float32('emb.weight', [V, E]));
    const a = regions.floats(T * 2 * n), b = regions.floats(T * 2 * n);
    byIds.encodeIds(a, byIds.sequencesScratch(regions, T), [[0, 1, 2, 3, 4, 5, 6]]);
    byVectors.encodeVectors(b, byVectors.sequencesScratch(regions, T), X, T);
    const F = regions.rt.F32;
    close(F.slice(b >> 2, (b >> 2) + T * 2 * n), F.slice(a >> 2, (a >> 2) + T * 2 * n), 'h_t');
    regions.release();
  });
}

test.run();
