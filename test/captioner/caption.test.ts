// `seqattn caption` as a user runs it (node dist/cli.js, built by `npm run build`) on the
// sgrvinod-captioning fixture: the caption of a .npy grid NumPy wrote, of (L, D) and (1, H, W, D)
// arrays and a one-tensor safetensors file, greedy and beam, equal to PyTorch's; the --svg grid of
// heatmaps with PyTorch's α_t; typed errors for every .npy it does not read. And readNpy itself
// on hand-made files of format versions 1.0 and 2.0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFeatures, readNpy } from '../../src/captioner/features.js';
import { writeSafetensors } from '../../src/safetensors.js';
import { throwsCode } from '../models/helpers.js';
import { fails } from '../cli-helpers.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const model = join(root, 'test', 'fixtures', 'sgrvinod-captioning');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-caption-'));
const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
const reference = JSON.parse(readFileSync(join(model, 'reference.json'), 'utf8'));
const beam = JSON.parse(readFileSync(join(model, 'beam.json'), 'utf8'));
const D: number = config.feature_size;
const caseOf = (name: string) => reference.cases.find((c: { name: string }) => c.name === name);
const textOf = (ids: number[]) => ids.filter((i) => i !== config.eos_id).map((i) => config.target_vocab[i]).join(' ');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'caption', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A .npy file of format `version` (1 or 2) with this header dict and data. */
function npy(dict: string, data: Float32Array | Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let header = dict;
  while ((pre + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const bytes = new Uint8Array(pre + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(bytes.buffer);
  if (version === 1) dv.setUint16(8, header.length, true); else dv.setUint32(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), pre);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pre + header.length);
  return bytes;
}
const f4 = (shape: number[]) => `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
function save(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

test('the caption of grid-7x7.npy (as np.save wrote it) is PyTorch\'s greedy caption, and --beam 3 its beam search\'s best', () => {
  const grid = join(model, 'grid-7x7.npy');
  const want = caseOf('grid-7x7');
  const r = run(['--model', model, '--features', grid]);
  assert.is(r.code, 0, r.err);
  assert.is(r.out, `${textOf(want.ids)}${want.ids.at(-1) === config.eos_id ? '' : ' …'}\n`);
  const b = beam.cases.find((c: any) => c.name === 'grid-7x7' && c.options.beamSize === 3 && c.options.nBest === 3);
  const best = b.nBest[0];
  const rb = run(['--model', model, '--features', grid, '--beam', '3']);
  assert.is(rb.code, 0, rb.err);
  assert.is(rb.out, `${textOf(best.ids)}${best.finished ? '' : ' …'}\n`);
});

test('(L, D) and (1, H, W, D) .npy arrays and a one-tensor safetensors file give the same caption', () => {
  for (const name of ['grid-5x5', 'grid-14x14', 'grid-2x2']) {
    const c = caseOf(name);
    const data = Float32Array.from(c.features);
    const L = c.length, side = Math.sqrt(L);
    const want = `${textOf(c.ids)}${c.ids.at(-1) === config.eos_id ? '' : ' …'}\n`;
    const files = [
      save(`${name}-LD.npy`, npy(f4([L, D]), data)),
      save(`${name}-1HWD.npy`, npy(f4([1, side, side, D]), data, 2)),
      save(`${name}.safetensors`, writeSafetensors({ encoder_out: { shape: [1, side, side, D], data } })),
    ];
    for (const f of files) {
      const r = run(['--model', model, '--features', f]);
      assert.is(r.code, 0, r.err);
      assert.is(r.out, want, f);
    }
  }
});

test('--svg: one H x W heatmap per word with PyTorch\'s attention weights', () => {
  const c = caseOf('grid-7x7');
  const out = join(tmp, 'grid.svg');
  const r = run(['--model', model, '--features', join(model, 'grid-7x7.npy'), '--svg', out]);
  assert.is(r.code, 0, r.err);
  const svg = readFileSync(out, 'utf8');
  assert.ok(XMLValidator.validate(svg) === true, 'well-formed XML');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(svg);
  const words = [doc.svg.g].flat();
  assert.is(words.length, c.ids.length, 'one panel per output token, </s> included');
  words.forEach((g: any, t: number) => {
    assert.is(g['@data-token'], config.target_vocab[c.ids[t]]);
    const cells = [g.rect].flat().filter((x: any) => x['@class'] === 'cell');
    assert.is(cells.length, 49);
    let worst = 0;
    for (const cell of cells) worst = Math.max(worst, Math.abs(Number(cell['@data-a']) - c.attention[t][Number(cell['@data-i'])]));
    assert.ok(worst < 1e-5, `word ${t}: attention differs by ${worst}`);
  });
});

test('errors: typed, one line; usage errors exit 2', () => {
  const data = new Float32Array(4 * D);
  const bad: [string, Uint8Array, RegExp][] = [
    ['f8.npy', npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (4, ${D}), }`, new Float64Array(4 * D) as unknown as Float32Array), /dtype '<f8': expected '<f4'/],
    ['big-endian.npy', npy(`{'descr': '>f4', 'fortran_order': False, 'shape': (4, ${D}), }`, data), /dtype '>f4'/],
    ['fortran.npy', npy(`{'descr': '<f4', 'fortran_order': True, 'shape': (4, ${D}), }`, data), /Fortran order/],
    ['short.npy', npy(f4([5, D]), data), /needs 1?\d+ bytes of data, the file has \d+/],
    ['vector.npy', npy(f4([4 * D]), data), /shape \(\d+\): expected \(L, D\)/],
    ['version9.npy', (() => { const b = npy(f4([4, D]), data); b[6] = 9; return b; })(), /format version 9\.0/],
    ['no-dict.npy', npy('(1, 2)', data), /not a dict with 'descr'/],
    ['wrong-d.npy', npy(f4([4, D + 1]), new Float32Array(4 * (D + 1))), new RegExp(`size ${D + 1}, the model's feature_size is ${D}`)],
    ['two.safetensors', writeSafetensors({ a: { shape: [1, D], data: new Float32Array(D) }, b: { shape: [1, D], data: new Float32Array(D) } }), /has 2 tensors/],
    ['text.txt', new TextEncoder().encode('not features at all, but long enough to look'), /neither a \.npy file .* nor safetensors/],
  ];
  for (const [name, bytes, re] of bad) fails(run(['--model', model, '--features', save(name, bytes)]), 1, re);
  fails(run(['--model', model, '--features', join(tmp, 'absent.npy')]), 1, /absent\.npy: no such file/);
  fails(run(['--model', join(root, 'test', 'fixtures', 'bahdanau-maxout'), '--features', join(model, 'grid-7x7.npy')]), 1, /bahdanau model, not a captioner/);
  fails(run(['--model', model]), 2, /needs --features/);
  fails(run(['--features', 'x.npy']), 2, /needs --model/);
  fails(run(['--model', model, '--features', 'x.npy', '--beam', '0']), 2, /--beam must be/);
  fails(run(['--model', model, '--features', 'x.npy', '--colour']), 2, /unknown option --colour/);
  const h = run(['--help']);
  assert.is(h.code, 0);
  assert.match(h.out, /seqattn caption --model PATH --features FILE/);
});

test('readNpy: versions 1.0 and 2.0, C order, grid shapes; a square L gives a square grid, another L one row', async () => {
  const data = Float32Array.from({ length: 6 * 3 }, (_, i) => i * 0.5 - 2);
  const a = readNpy(npy(f4([2, 3, 3]), data));
  assert.equal([a.rows, a.cols, a.size, a.length], [2, 3, 3, 6]);
  assert.equal(Array.from(a.features), Array.from(data));
  const b = readNpy(npy(f4([6, 3]), data, 2));
  assert.equal([b.rows, b.cols], [1, 6]);
  const sq = readFeatures(npy(f4([4, 3]), data.subarray(0, 12)), 'x.npy');
  assert.equal([sq.rows, sq.cols], [2, 2]);
  await throwsCode(() => readNpy(npy(f4([0, 3]), new Float32Array(0))), 'E_FEATURES_FILE', 'no annotation vectors');
  await throwsCode(() => readNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])), 'E_FEATURES_FILE', 'truncated');
  await throwsCode(() => readNpy(npy(f4([2, 3]), data).subarray(0, 40), 'cut.npy'), 'E_FEATURES_FILE', 'cut.npy', 'truncated');
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
