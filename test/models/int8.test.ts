// loadModel(src, { weights: 'int8' }): weight matrices quantised per row at load (int8), inputs per
// vector (int16). Against the same model in float32 on every fixture, over many random sources:
//   - token agreement: at each step of the float32 greedy output, does int8 (fed the same prefix)
//     pick the same argmax? >= 99% of tokens (93% on the luong, 97% on the sutskever fixtures, helpers.ts); also reported: free-running greedy sequences equal;
//   - attention a_ij and logits along the way: max differences reported, loose bounds asserted
//     (show-attend-tell with hard attention: α_t = softmax(e_t) rather than the one-hot rows, and the
//     logits up to the first step where int8 picks another location, which legitimately moves them);
// and Wasm memory stays flat over 10,000 int8 translations.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../../src/node.js';
import { argmax, softmax } from '../../src/reference/kernels.js';
import { committedFixtures, int8TokenAgreement, lcg, randomInput, throwsCode } from './helpers.js';

const SOURCES = 300;
const folders = readdirSync(committedFixtures).filter((d) => !d.startsWith('.')).sort();

for (const name of folders) {
  test(`${name}: int8 greedy tokens agree with float32 on >= ${100 * int8TokenAgreement(name)}% of steps; attention and logits close`, async () => {
    const dir = join(committedFixtures, name);
    const f32 = await loadModel(dir);
    const i8 = await loadModel(dir, { weights: 'int8' });
    const rand = lcg(11);
    const hard = f32.config.attention === 'hard';
    let tokens = 0, agree = 0, sequences = 0, sameSequences = 0, maxDa = 0, maxDl = 0, maxLogit = 0, moved = 0;
    for (let s = 0; s < SOURCES; s++) {
      const src = randomInput(f32, rand, 30);
      const want = f32.translate(src).ids;
      sequences++;
      if (i8.translate(src).ids.join() === want.join()) sameSequences++;
      // teacher-forced along the float32 output: both models see the same prefix
      const a = f32.begin(src), b = i8.begin(src);
      let y = f32.config.sosId, sameLocations = true;
      for (const next of want) {
        const oa = a.step(y), ob = b.step(y);
        let arg = 0;
        for (let j = 1; j < ob.logits.length; j++) if (ob.logits[j] > ob.logits[arg]) arg = j;
        tokens++;
        if (arg === next) agree++;
        const [wa, wb] = hard ? [oa, ob].map((o) => { const p = new Float32Array(o.energies.length); softmax(p, o.energies, p.length); return p; }) : [oa.weights, ob.weights];
        for (let j = 0; j < wa.length; j++) maxDa = Math.max(maxDa, Math.abs(wa[j] - wb[j]));
        if (hard && argmax(oa.weights, oa.weights.length) !== argmax(ob.weights, ob.weights.length)) { moved++; sameLocations = false; }
        for (let j = 0; j < oa.logits.length && sameLocations; j++) {
          maxDl = Math.max(maxDl, Math.abs(oa.logits[j] - ob.logits[j]));
          maxLogit = Math.max(maxLogit, Math.abs(oa.logits[j]));
        }
        y = next;
      }
    }
    const rate = agree / tokens;
    console.log(`      ${name}: int8 vs float32: ${agree}/${tokens} tokens agree (${(100 * rate).toFixed(2)}%), ` +
      `${sameSequences}/${sequences} greedy outputs identical; max |Δa_ij| ${maxDa.toExponential(2)}, ` +
      `max |Δlogit| ${maxDl.toExponential(2)} (max |logit| ${maxLogit.toFixed(2)})${hard ? `; ${moved} steps at another location s_t` : ''}`);
    assert.ok(rate >= int8TokenAgreement(name), `${name}: token agreement ${rate}`);
    assert.ok(maxDa <= 0.05, `${name}: attention differs by ${maxDa}`);
    assert.ok(moved <= 0.01 * tokens, `${name}: int8 moved the location s_t at ${moved} of ${tokens} steps`);
    assert.ok(maxDl <= 0.05 * (1 + maxLogit), `${name}: logits differ by ${maxDl}`);
    f32.dispose();
    i8.dispose();
  });
}

test('int8: 10,000 translations after warm-up do not grow Wasm memory; beam search runs', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'), { weights: 'int8' });
  const rand = lcg(7);
  const V = model.config.sourceVocab.length;
  const source = () => Array.from({ length: 1 + Math.floor(rand() * model.config.maxSourceLength) }, () => Math.floor(rand() * V));
  model.translate(new Array(model.config.maxSourceLength).fill(4)); // warm-up at the maximum length
  model.translate(new Array(model.config.maxSourceLength).fill(4), { beamSize: model.maxBeamSize });
  const before = model.wasmMemoryBytes;
  for (let i = 0; i < 10_000; i++) model.translate(source(), i % 10 === 0 ? { beamSize: 4 } : {});
  assert.is(model.wasmMemoryBytes, before);
  model.dispose();
});

test('weights: an unknown format is an E_OPTION naming it', async () => {
  await throwsCode(() => loadModel(join(committedFixtures, 'tutorial'), { weights: 'int4' as 'int8' }), 'E_OPTION', 'weights', 'int4');
});

test.run();
