// The encoder-decoders without attention (cho, sutskever) through the step API, equation by
// equation from the file's weights in plain TypeScript (f64):
//   cho (Cho et al. 2014, A.1): h_j = GRU(E x_j, h_{j-1}) in the file's convention, c = tanh(V h_N)
//     is the step API's context at every step; the state before the first step is h'_0 = tanh(V' c);
//     logits = W_o t + b_o, t = maxout / tanh(W_t [h'_t; E y_{t-1}; c] + b_t), from the step's h'_t;
//   sutskever (Sutskever et al. 2014): logits = W h_t + b from the step's top-layer h_t; reverse_source
//     on x equals reverse_source false on x reversed (sec. 3.3);
// and what every strategy gives without attention: attention rows of length 0 (greedy, beam, sampling,
// batch, step API), the coverage penalty and unknown-word replacement E_OPTION errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, loadModelFrom, readSafetensors } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg, rewriteModel, throwsCode } from './helpers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
/** W (rows, x.length) x, W row-major from offset `at` */
const mv = (W: Float32Array, x: ArrayLike<number>, rows: number, at = 0) =>
  Array.from({ length: rows }, (_, r) => dot(W.subarray(at + r * x.length, at + (r + 1) * x.length), x));
const add = (a: number[], b: ArrayLike<number>, at = 0) => a.map((x, i) => x + b[at + i]);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const close = (a: number, b: number, what: string, tol = 2e-5) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

/** One GRU step (gates r, z, n), Cho et al. 2014 eq. (5)-(8): reset_before n = tanh(W_n x + U_n (r ⊙ h)), reset_after n = tanh(W_n x + r ⊙ (U_n h)). */
function gru(x: ArrayLike<number>, h: number[], Wih: Float32Array, Whh: Float32Array, bih: Float32Array, bhh: Float32Array, H: number, resetBefore: boolean): number[] {
  const gi = add(mv(Wih, x, 3 * H), bih);
  const ghRZ = add(mv(Whh, h, 2 * H), bhh);
  const r = h.map((_, k) => sigmoid(gi[k] + ghRZ[k])), z = h.map((_, k) => sigmoid(gi[H + k] + ghRZ[H + k]));
  const u = resetBefore ? add(mv(Whh, h.map((v, k) => r[k] * v), H, 2 * H * H), bhh, 2 * H) : add(mv(Whh, h, H, 2 * H * H), bhh, 2 * H);
  const n = h.map((_, k) => Math.tanh(gi[2 * H + k] + (resetBefore ? u[k] : r[k] * u[k])));
  return h.map((v, k) => (1 - z[k]) * n[k] + z[k] * v);
}

for (const name of ['cho-maxout', 'cho-tanh']) {
  test(`${name}: c = tanh(V h_N) is the context of every step, h'_0 = tanh(V' c), logits from [h'_t; E y_{t-1}; c] (A.1)`, async () => {
    const dir = join(committedFixtures, name);
    const model = await loadModel(dir);
    const f = readSafetensors(readFileSync(join(dir, 'model.safetensors')));
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, deepOutputSize: l, deepOutput, gruConvention } = model.config;
    const Vs = model.config.sourceVocab.length, Vt = model.config.targetVocab.length;
    const Ex = f.float32('encoder.embedding.weight', [Vs, E]), Ey = f.float32('decoder.embedding.weight', [Vt, E]);
    const enc = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((t) => f.float32(`encoder.rnn.${t}`));
    const V = f.float32('encoder.V.weight', [H, n]), Vp = f.float32('decoder.V.weight', [H, H]);
    const P = deepOutput === 'maxout' ? 2 * l : l, R = 2 * H + E;
    const W_t = f.float32('decoder.deep_output.weight', [P, R]), b_t = f.float32('decoder.deep_output.bias', [P]);
    const W_o = f.float32('decoder.out.weight', [Vt, l]), b_o = f.float32('decoder.out.bias', [Vt]);
    const rand = lcg(17);
    for (const N of [1, 5, 20]) {
      const x = inputOfLength(model, N, rand) as number[];
      let h = new Array(n).fill(0);
      for (const xj of x) h = gru(Ex.subarray(xj * E, (xj + 1) * E), h, enc[0], enc[1], enc[2], enc[3], n, gruConvention === 'reset_before');
      const c = mv(V, h, H).map(Math.tanh); // A.1.1
      const walk = model.begin(x);
      mv(Vp, c, H).map(Math.tanh).forEach((v, k) => close(walk.state[k], v, `N=${N} h'_0[${k}]`));
      let y = model.config.sosId;
      for (let t = 1; t <= 4; t++) {
        const out = walk.step(y);
        assert.is(out.energies.length, 0, 'no energies');
        assert.is(out.weights.length, 0, 'no attention weights');
        assert.is(out.context.length, H);
        c.forEach((v, k) => close(out.context[k], v, `N=${N} t=${t} c[${k}]`));
        // s'_t = W_t [h'_t; E y_{t-1}; c] + b_t; maxout pools adjacent pairs; logits = W_o s_t + b_o
        const readout = [...out.state, ...Ey.subarray(y * E, (y + 1) * E), ...c];
        const pieces = add(mv(W_t, readout, P), b_t);
        const s = deepOutput === 'maxout' ? Array.from({ length: l }, (_, k) => Math.max(pieces[2 * k], pieces[2 * k + 1])) : pieces.map(Math.tanh);
        add(mv(W_o, s, Vt), b_o).forEach((v, k) => close(out.logits[k], v, `N=${N} t=${t} logit ${k}`));
        y = 4 + ((t * 7) % (Vt - 4));
      }
    }
    model.dispose();
  });
}

/** The sutskever-* file with its config's reverse_source set to `reverse`. */
function withReverse(name: string, reverse: boolean): Uint8Array {
  return rewriteModel(readFileSync(join(committedFixtures, name, 'model.safetensors')), (_, c) => { c.reverse_source = reverse; });
}

for (const name of ['sutskever-reversed', 'sutskever-forward']) {
  test(`${name}: logits = W h_t + b from the top layer's h_t; reverse_source on x is the encoder over x reversed`, async () => {
    const model = await loadModel(join(committedFixtures, name));
    const flipped = await loadModelFrom(withReverse(name, !model.config.reverseSource));
    const f = readSafetensors(readFileSync(join(committedFixtures, name, 'model.safetensors')));
    const { hiddenSize: H } = model.config;
    const Vt = model.config.targetVocab.length;
    const W = f.float32('decoder.out.weight', [Vt, H]), b = f.float32('decoder.out.bias', [Vt]);
    const rand = lcg(19);
    let differ = 0;
    for (const S of [1, 2, 6, 15, 40]) {
      const x = inputOfLength(model, S, rand) as number[];
      const reversed = [...x].reverse();
      // the same encoder reading: one model reverses, the other is given the reversed ids
      assert.equal(flipped.translate(reversed), { ...model.translate(x), sourceIds: reversed, sourceTokens: model.source(reversed).tokens }, `S=${S}`);
      if (flipped.translate(x).ids.join() !== model.translate(x).ids.join()) differ++;
      const walk = model.begin(x);
      let y = model.config.sosId;
      for (let t = 1; t <= 3; t++) {
        const out = walk.step(y);
        assert.is(out.energies.length + out.weights.length + out.context.length, 0, 'no energies, weights or context');
        add(mv(W, out.state, Vt), b).forEach((v, k) => close(out.logits[k], v, `S=${S} t=${t} logit ${k}`)); // eq. (1)
        y = out.logits.indexOf(Math.max(...out.logits));
      }
    }
    assert.ok(differ > 0, 'reverse_source changes some outputs');
    model.dispose();
    flipped.dispose();
  });
}

test('without attention every strategy gives attention rows of length 0; coveragePenalty and replaceUnknown are E_OPTION', async () => {
  for (const name of ['cho-maxout', 'cho-tanh', 'sutskever-reversed', 'sutskever-forward']) {
    const model = await loadModel(join(committedFixtures, name));
    assert.is(model.attends, false, name);
    const x = [5, 9, 14, 2];
    const rows = (r: { ids: number[]; attention: Float32Array[] }, what: string) => {
      assert.is(r.attention.length, r.ids.length, `${name} ${what}: one row per output id`);
      assert.ok(r.attention.every((a) => a.length === 0), `${name} ${what}: rows of length 0`);
    };
    rows(model.translate(x), 'greedy');
    model.translate(x, { beamSize: 4, nBest: 3, lengthPenalty: 0.6, coveragePenalty: 0 }).nBest!.forEach((h, k) => rows(h, `beam hypothesis ${k}`));
    rows(model.translate(x, { temperature: 1.2, seed: 3 }), 'sampling');
    model.translateBatch([x, [7], [8, 8, 8, 2]]).forEach((r, b) => rows(r, `batch ${b}`));
    assert.equal(model.translate(x, { temperature: 1.2, seed: 3 }), model.translate(x, { temperature: 1.2, seed: 3 }), `${name}: seeded sampling`);
    await throwsCode(() => model.translate(x, { beamSize: 3, coveragePenalty: 0.2 }), 'E_OPTION', 'coveragePenalty is 0.2', `${model.config.architecture} has no attention`);
    await throwsCode(() => model.translate(x, { replaceUnknown: true }), 'E_OPTION', 'replaceUnknown', 'no attention');
    assert.is(model.begin(x).annotations.length, 0, `${name}: no annotations`);
    model.dispose();
  }
  const attending = await loadModel(join(committedFixtures, 'tutorial'));
  assert.is(attending.attends, true);
  attending.dispose();
});

test.run();
