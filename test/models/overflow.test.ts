// Weights at the float32 limit. An int8 file whose row scale makes an effective weight s_r Q_rc
// infinite (3.4e38 x 127) is refused at load like an F32 Infinity (E_TENSOR_NONFINITE). Finite F32
// weights of +-3.4e38 that overflow in a decode (Inf - Inf = NaN in the logits) give
// E_OUTPUT_NONFINITE from translate (greedy, beam, sampling, batch), the step API and classify,
// never a NaN score with `<pad> <pad> ...`; the model keeps working for the next input.
// `quantize` refuses what load refuses (an int8 scheme it does not know), library and command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadClassifierFrom } from '../../src/classifier/load.js';
import { loadModelFrom } from '../../src/node.js';
import { quantizeModel } from '../../src/quantize.js';
import { QUANTIZATION_KEY } from '../../src/quantized.js';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../src/safetensors.js';
import { committedFixtures, throwsCode } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const f32 = readFileSync(join(committedFixtures, 'bahdanau-maxout', 'model.safetensors'));

/** The tensors of a file as writeSafetensors takes them (I8 kept as I8), its metadata, with `edit` applied. */
function edited(bytes: Uint8Array, edit: (t: Record<string, TensorToWrite>, meta: Record<string, string>) => void): Uint8Array {
  const file = readSafetensors(bytes);
  const t: Record<string, TensorToWrite> = {};
  for (const [name, info] of file.tensors) {
    t[name] = info.dtype === 'I8' ? { dtype: 'I8', shape: info.shape, data: Int8Array.from(file.raw(name), (b) => (b << 24) >> 24) } : { shape: info.shape, data: file.float32(name) };
  }
  const meta = { ...file.metadata };
  edit(t, meta);
  return writeSafetensors(t, meta);
}
const huge = (t: TensorToWrite) => ({ shape: t.shape, data: (t.data as Float32Array).map((_, i) => (i % 2 ? 3.4e38 : -3.4e38)) });

test('int8: a row scale whose s_r x 127 is Infinity in float32 is E_TENSOR_NONFINITE at load, naming tensor, row and column', async () => {
  const q = (await quantizeModel(f32)).bytes;
  for (const W of ['decoder.attention.U.weight', 'decoder.out.weight', 'encoder.rnn.weight_ih_l0']) {
    for (const s of [3.4e38, 3e36]) {
      const bytes = edited(q, (t) => { (t[`${W}.scale`].data as Float32Array)[1] = s; });
      await throwsCode(() => loadModelFrom(bytes), 'E_TENSOR_NONFINITE', `tensor '${W}': effective weight s_r x Q_rc`, 'at row 1', 'Infinity in float32', `'${W}.scale'[1] is too large`);
    }
  }
  // the largest finite effective weight loads: s_r = f32max / 127 with Q 127
  const edge = edited(q, (t) => { (t['decoder.out.weight.scale'].data as Float32Array)[1] = Math.fround(3.4e38 / 127); });
  (await loadModelFrom(edge)).dispose();
});

test('finite F32 weights of +-3.4e38 that overflow: E_OUTPUT_NONFINITE from every decode, the step API and a batch; no NaN result', async () => {
  for (const W of ['decoder.out.weight', 'decoder.attention.v.weight']) {
    const model = await loadModelFrom(edited(f32, (t) => { t[W] = huge(t[W]); }));
    for (const o of [{}, { beamSize: 3 }, { beamSize: 3, nBest: 2 }, { temperature: 1, seed: 1 }, { topK: 3, seed: 2 }]) {
      await throwsCode(() => model.translate([2, 3, 4], o), 'E_OUTPUT_NONFINITE', 'is NaN', 'overflowed float32');
    }
    await throwsCode(() => model.translateBatch([[2, 3, 4], [5, 6]]), 'E_OUTPUT_NONFINITE', 'is NaN');
    await throwsCode(() => model.begin([2, 3, 4]).step(), 'E_OUTPUT_NONFINITE', 'step 1: logit', 'is NaN');
    model.dispose();
  }
  // the same model with sane weights answers after such an error (nothing corrupted)
  const sane = await loadModelFrom(f32);
  const before = sane.translate([2, 3, 4]);
  const bad = await loadModelFrom(edited(f32, (t) => { t['decoder.out.weight'] = huge(t['decoder.out.weight']); }));
  await throwsCode(() => bad.translate([2, 3, 4]), 'E_OUTPUT_NONFINITE');
  assert.equal(sane.translate([2, 3, 4]), before);
  bad.dispose();
  sane.dispose();
});

test('a classifier whose weights overflow: E_OUTPUT_NONFINITE from classify', async () => {
  const bytes = readFileSync(join(root, 'test', 'classifiers', 'fixtures', 'attention-bilstm-sum', 'model.safetensors'));
  const file = readSafetensors(bytes);
  assert.ok(file.has('attention.w.weight'));
  const c = await loadClassifierFrom(edited(bytes, (t) => { t['attention.w.weight'] = huge(t['attention.w.weight']); }));
  await throwsCode(() => c.classify('the burst has'), 'E_OUTPUT_NONFINITE', 'log-probability of label');
  c.dispose();
});

test('quantize refuses an input load refuses: an int8 scheme it does not know (library and command)', async () => {
  const v9 = edited((await quantizeModel(f32)).bytes, (_, m) => { m[QUANTIZATION_KEY] = 'int8-row-symmetric-v9'; });
  await throwsCode(() => loadModelFrom(v9), 'E_CONFIG', QUANTIZATION_KEY, 'int8-row-symmetric-v9');
  await throwsCode(() => quantizeModel(v9), 'E_CONFIG', QUANTIZATION_KEY, 'int8-row-symmetric-v9', 'a newer file format?');
  const tmp = mkdtempSync(join(tmpdir(), 'seqattn-overflow-'));
  try {
    writeFileSync(join(tmp, 'v9.safetensors'), v9);
    const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'quantize', join(tmp, 'v9.safetensors'), join(tmp, 'out.safetensors')], { encoding: 'utf8' });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /^seqattn: quantize .*v9\.safetensors: .*'seqattn\.quantization' is "int8-row-symmetric-v9", expected "int8-row-symmetric-v1"/);
    assert.not.ok(spawnSync('test', ['-e', join(tmp, 'out.safetensors')]).status === 0, 'nothing written');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
