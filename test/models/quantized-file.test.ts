// int8 model files (quantizeModel, `seqattn quantize`, docs/model-format.md "int8 files"):
// loading one gives exactly the outputs of loading its f32 original with weights 'int8' (tokens,
// scores, attention and logits bit for bit), on every fixture and the bundled G2P model, from
// about a quarter of the bytes; damaged int8 files give typed errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadClassifierFrom } from '../../src/classifier/load.js';
import { loadModel, loadModelFrom, bundledModelsDir, modelSourceFromPath } from '../../src/node.js';
import { quantizeModel } from '../../src/quantize.js';
import { QUANTIZATION_KEY, packInt8, quantizeRows } from '../../src/quantized.js';
import { packRowsInt8, paddedRows, quantizeRowsInt8 } from '../../src/reference/kernels.js';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../src/safetensors.js';
import type { Seq2SeqModel } from '../../src/model.js';
import { committedFixtures, lcg, randomInput, throwsCode } from './helpers.js';

test('packInt8(quantizeRows(W)) is the kernels\' reference quantisation (quantizeRowsInt8), odd shapes', () => {
  const rand = lcg(3);
  for (const [rows, cols] of [[1, 1], [3, 17], [5, 33], [8, 64], [13, 7], [4, 100]]) {
    const W = Float32Array.from({ length: rows * cols }, () => (rand() - 0.5) * 4);
    W.fill(0, 0, cols); // an all-zero row: scale 0
    const want = quantizeRowsInt8(W, rows, cols), got = packInt8(quantizeRows(W, rows, cols), cols, 0, rows, 0, cols);
    assert.equal(got.Wq, want.Wq, `${rows}x${cols} Wq`);
    assert.equal(got.ws, want.ws, `${rows}x${cols} ws`);
  }
});

test('packInt8 of rows [r0, r0 + rows) x columns [c0, c0 + width) is packRowsInt8 of that part (4-byte and odd offsets, several 512-column chunks)', () => {
  const rand = lcg(5);
  // [rows, cols, r0, n, c0, width]: whole, row ranges, column slices on and off 4-byte boundaries, > 1024 columns
  for (const [R, cols, r0, n, c0, width] of [[6, 64, 0, 6, 0, 64], [9, 40, 2, 5, 8, 32], [7, 36, 1, 6, 4, 20], [5, 37, 1, 3, 3, 30],
    [4, 1100, 0, 4, 0, 1100], [6, 1300, 1, 5, 12, 1040], [3, 1027, 0, 3, 1, 1025], [5, 24, 4, 1, 20, 4]]) {
    for (const shift of [0, 1]) { // Q at a byte offset that is not a multiple of 4: the bytewise path
      const Q = new Int8Array(R * cols + shift).subarray(shift);
      for (let i = 0; i < Q.length; i++) Q[i] = Math.round((rand() - 0.5) * 254);
      const s = Float32Array.from({ length: R }, () => rand());
      const part = new Int8Array(n * width);
      for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) part[r * width + c] = Q[(r0 + r) * cols + c0 + c];
      const got = packInt8({ Q, s }, cols, r0, n, c0, width);
      const what = `${R}x${cols} rows ${r0}+${n} columns ${c0}+${width} shift ${shift}`;
      assert.equal(got.Wq, packRowsInt8(part, n, width), `${what}: Wq`);
      const ws = new Float32Array(paddedRows(n));
      ws.set(s.subarray(r0, r0 + n));
      assert.equal(got.ws, ws, `${what}: ws`);
    }
  }
});

const folders = readdirSync(committedFixtures).filter((d) => !d.startsWith('.')).sort();

/** Greedy and beam outputs of `a` and `b` on the same random inputs, and their first step, bit for bit. */
function assertSameOutputs(a: Seq2SeqModel, b: Seq2SeqModel, name: string, n = 40): void {
  const rand = lcg(7);
  const inputs = Array.from({ length: n }, () => randomInput(a, rand, 20));
  const ga = a.translateBatch(inputs), gb = b.translateBatch(inputs);
  for (let i = 0; i < n; i++) {
    assert.equal(gb[i].ids, ga[i].ids, `${name}: input ${i} greedy ids`);
    assert.is(gb[i].score, ga[i].score, `${name}: input ${i} greedy score`);
    assert.equal(gb[i].attention, ga[i].attention, `${name}: input ${i} attention`);
  }
  const ba = a.translate(inputs[0], { beamSize: 3 }), bb = b.translate(inputs[0], { beamSize: 3 });
  assert.equal(bb.ids, ba.ids, `${name}: beam ids`);
  assert.is(bb.score, ba.score, `${name}: beam score`);
  const sa = a.begin(inputs[1]).step(a.config.sosId), sb = b.begin(inputs[1]).step(b.config.sosId);
  assert.equal(sb.logits, sa.logits, `${name}: first-step logits`);
}

for (const name of folders) {
  test(`${name}: the int8 file gives the outputs of weights 'int8' on the f32 file, bit for bit`, async () => {
    const bytes = modelSourceFromPath(join(committedFixtures, name)); // config in the file or config.json
    const q = await quantizeModel(bytes);
    assert.ok(q.int8.length > 0, `${name}: some tensors quantised`);
    const file = readSafetensors(q.bytes);
    assert.is(file.metadata[QUANTIZATION_KEY], 'int8-row-symmetric-v1');
    for (const t of q.int8) {
      assert.is(file.info(t).dtype, 'I8');
      assert.equal(file.info(`${t}.scale`).shape, [file.info(t).shape[0]]);
    }
    const atLoad = await loadModelFrom(bytes, { weights: 'int8' });
    const fromFile = await loadModelFrom(q.bytes); // an int8 file loads as int8 by default
    assertSameOutputs(atLoad, fromFile, name);
    atLoad.dispose();
    fromFile.dispose();
  });
}

test('classifiers: the int8 file gives the outputs of weights int8 on the f32 file', async () => {
  const dir = join(committedFixtures, '..', 'classifiers', 'fixtures');
  for (const name of readdirSync(dir)) {
    const bytes = modelSourceFromPath(join(dir, name));
    const q = await quantizeModel(bytes);
    assert.ok(q.int8.length > 0, name);
    const a = await loadClassifierFrom(bytes, { weights: 'int8' }), b = await loadClassifierFrom(q.bytes);
    const cases = JSON.parse(readFileSync(join(dir, name, 'reference.json'), 'utf8')).cases;
    for (const c of cases) {
      const ra = a.classify(c.source_ids), rb = b.classify(c.source_ids);
      assert.equal(rb.probabilities, ra.probabilities, `${name} ${c.name}`);
    }
    a.dispose();
    b.dispose();
  }
});

test('g2p-en: the committed int8 file is what quantizeModel writes now, loads for weights int8, a quarter of the bytes', async () => {
  const f32 = readFileSync(join(bundledModelsDir, 'g2p-en', 'model.safetensors'));
  const committed = readFileSync(join(bundledModelsDir, 'g2p-en', 'model.int8.safetensors'));
  const q = await quantizeModel(f32);
  assert.ok(Buffer.from(q.bytes).equals(committed), 'models/g2p-en/model.int8.safetensors is stale: regenerate it with seqattn quantize');
  assert.ok(committed.byteLength <= 0.27 * f32.byteLength, `int8 file ${committed.byteLength} bytes vs f32 ${f32.byteLength}`);
  const bundled = await loadModel('g2p-en', { weights: 'int8' });
  const atLoad = await loadModelFrom(f32, { weights: 'int8' });
  const words = ['attention', 'quantise', 'seqattn', 'a', 'worker', 'pool'];
  assert.equal(bundled.translateBatch(words).map((t) => t.text), atLoad.translateBatch(words).map((t) => t.text));
  assertSameOutputs(atLoad, bundled, 'g2p-en', 20);
  bundled.dispose();
  atLoad.dispose();
});

test("an int8 file with weights 'float32' runs its dequantised weights (s_r Q_rc as f32)", async () => {
  const q = await quantizeModel(readFileSync(join(committedFixtures, 'bahdanau-maxout', 'model.safetensors')));
  const file = readSafetensors(q.bytes);
  const tensors: Record<string, TensorToWrite> = {};
  for (const name of file.tensors.keys()) {
    if (name.endsWith('.scale')) continue;
    const info = file.info(name);
    if (info.dtype !== 'I8') { tensors[name] = { shape: info.shape, data: file.float32(name) }; continue; }
    const s = file.float32(`${name}.scale`), raw = file.raw(name), cols = raw.length / info.shape[0];
    tensors[name] = { shape: info.shape, data: Float32Array.from(raw, (b, i) => s[Math.floor(i / cols)] * ((b << 24) >> 24)) };
  }
  const dequantised = writeSafetensors(tensors, { seqattn: file.metadata.seqattn });
  const a = await loadModelFrom(q.bytes, { weights: 'float32' }), b = await loadModelFrom(dequantised);
  assertSameOutputs(a, b, 'dequantised', 10);
  a.dispose();
  b.dispose();
});

/** The int8 bahdanau-maxout file with `edit` applied to its tensors (raw typed arrays) and metadata. */
async function damaged(edit: (t: Record<string, TensorToWrite>, meta: Record<string, string>) => void): Promise<Uint8Array> {
  const q = await quantizeModel(readFileSync(join(committedFixtures, 'bahdanau-maxout', 'model.safetensors')));
  const file = readSafetensors(q.bytes);
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, info] of file.tensors) {
    tensors[name] = info.dtype === 'I8'
      ? { dtype: 'I8', shape: info.shape, data: Int8Array.from(file.raw(name), (b) => (b << 24) >> 24) }
      : { shape: info.shape, data: file.float32(name) };
  }
  const meta = { ...file.metadata };
  edit(tensors, meta);
  return writeSafetensors(tensors, meta);
}

test('damaged int8 files: typed errors naming the tensor', async () => {
  const W = 'decoder.attention.U.weight';
  await throwsCode(async () => loadModelFrom(await damaged((t) => { delete t[`${W}.scale`]; })), 'E_TENSOR_MISSING', W, `${W}.scale`, 'F32');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { t[`${W}.scale`] = { shape: [3], data: new Float32Array(3) }; })), 'E_TENSOR_SHAPE', `${W}.scale`, 'expected [');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { (t[`${W}.scale`].data as Float32Array)[2] = NaN; })), 'E_TENSOR_NONFINITE', `${W}.scale`, 'NaN');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { (t[`${W}.scale`].data as Float32Array)[1] = -0.5; })), 'E_TENSOR_VALUE', `${W}.scale`, 'negative', 'row 1');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { t[`${W}.scale`] = { dtype: 'F16', shape: t[`${W}.scale`].shape, data: t[`${W}.scale`].data }; })), 'E_TENSOR_DTYPE', `${W}.scale`, 'F16');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { (t[W].data as Int8Array)[5] = -128; })), 'E_TENSOR_VALUE', W, '-128');
  await throwsCode(async () => loadModelFrom(await damaged((t) => { const x = t[W]; t[W] = { dtype: 'I8', shape: [x.shape[1], x.shape[0]], data: x.data }; })), 'E_TENSOR_SHAPE', W);
  await throwsCode(async () => loadModelFrom(await damaged((_, m) => { m[QUANTIZATION_KEY] = 'int4-v9'; })), 'E_CONFIG', QUANTIZATION_KEY, 'int4-v9');
});

test.run();
