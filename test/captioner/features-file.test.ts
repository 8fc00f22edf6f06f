// readFeaturesFile (src/captioner/features-file.ts), what `seqattn caption --features` reads with:
// the guards a model path has. /dev/zero and a FIFO with no writer refused at once, a file over the
// limit refused before reading, a 400 MB .npy (sparse) whose shape does not fit refused after its
// header, without reading the data; good files read as readFeatures reads their bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFeatures } from '../../src/captioner/features.js';
import { readFeaturesFile } from '../../src/node.js';
import { SeqattnError } from '../../src/errors.js';
import { writeSafetensors } from '../../src/safetensors.js';

const root = join(import.meta.dirname, '..', '..');
const grid = join(root, 'test', 'fixtures', 'sgrvinod-captioning', 'grid-7x7.npy');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-features-'));

function fails(f: () => unknown, code: string, re: RegExp): void {
  try { f(); } catch (e) {
    assert.instance(e, SeqattnError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.is((e as SeqattnError).code, code, (e as Error).message);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('no error');
}

/** A .npy preamble and header for shape `shape`, padded as NumPy pads. */
function npyHeader(shape: number[]): Uint8Array {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const b = new Uint8Array(10 + h.length);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(b.buffer).setUint16(8, h.length, true);
  b.set(new TextEncoder().encode(h), 10);
  return b;
}

test('a good .npy and a one-tensor safetensors file read as their bytes do', () => {
  const a = readFeaturesFile(grid);
  const b = readFeatures(readFileSync(grid), grid);
  assert.equal([a.rows, a.cols, a.size], [b.rows, b.cols, b.size]);
  assert.equal(Array.from(a.features), Array.from(b.features));
  const st = join(tmp, 'one.safetensors');
  writeFileSync(st, writeSafetensors({ x: { shape: [2, 2, 3], data: Float32Array.from({ length: 12 }, (_, i) => i) } }));
  assert.equal(Array.from(readFeaturesFile(st).features), Array.from({ length: 12 }, (_, i) => i));
});

test('/dev/zero, a folder, a FIFO with no writer: E_FEATURES_FILE at once', () => {
  const t = performance.now();
  fails(() => readFeaturesFile('/dev/zero'), 'E_FEATURES_FILE', /\/dev\/zero: is a character device, not a regular file/);
  fails(() => readFeaturesFile(tmp), 'E_FEATURES_FILE', /is a directory, not a regular file/);
  const fifo = join(tmp, 'fifo.npy');
  execFileSync('mkfifo', [fifo]);
  fails(() => readFeaturesFile(fifo), 'E_FEATURES_FILE', /fifo\.npy: is a FIFO, not a regular file/);
  fails(() => readFeaturesFile(join(tmp, 'absent.npy')), 'E_FEATURES_FILE', /absent\.npy: no such file/);
  assert.ok(performance.now() - t < 2000);
});

test('over the size limit: E_FILE_SIZE before reading; the default is 256 MiB', () => {
  fails(() => readFeaturesFile(grid, 1000), 'E_FILE_SIZE', /grid-7x7\.npy: file has \d+ bytes .*more than the features file limit 1000/);
  const big = join(tmp, 'big.npy');
  const fd = openSync(big, 'w');
  writeSync(fd, npyHeader([2 ** 20, 257]));
  closeSync(fd);
  execFileSync('truncate', ['-s', String(npyHeader([2 ** 20, 257]).length + 4 * 2 ** 20 * 257), big]); // sparse: 1 GiB of holes
  fails(() => readFeaturesFile(big), 'E_FILE_SIZE', /more than the features file limit 268435456 \(256\.0 MiB/);
  fails(() => readFeaturesFile(grid, 0), 'E_OPTION', /maxBytes is 0/);
});

test('a 400 MB .npy whose shape does not fit: refused after the header, the data never read', () => {
  const p = join(tmp, 'wrong-shape.npy');
  const head = npyHeader([100, 512]);
  writeFileSync(p, head);
  execFileSync('truncate', ['-s', String(400e6), p]);
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  fails(() => readFeaturesFile(p, 2 ** 30), 'E_FEATURES_FILE', /wrong-shape\.npy: shape \(100, 512\) needs 204800 bytes of data, the file has 3999998\d\d/);
  const ms = performance.now() - t;
  assert.ok(ms < 200, `${ms} ms`);
  assert.ok(process.memoryUsage().rss - rss0 < 50e6, 'no 400 MB read');
  // a header that claims more than the file has, and one past the header limit
  const cut = join(tmp, 'cut.npy');
  writeFileSync(cut, head.subarray(0, 40));
  fails(() => readFeaturesFile(cut), 'E_FEATURES_FILE', /truncated: the header is \d+ bytes, the file ends at 40/);
  const v2 = new Uint8Array(16);
  v2.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(v2.buffer).setUint32(8, 2 ** 31, true);
  writeFileSync(join(tmp, 'v2.npy'), v2);
  fails(() => readFeaturesFile(join(tmp, 'v2.npy')), 'E_FEATURES_FILE', /header of 2147483648 bytes: more than 65536/);
  // safetensors: the header validated before the data
  const st = join(tmp, 'bad.safetensors');
  const json = Buffer.from('{"x": 5}');
  writeFileSync(st, Buffer.concat([Buffer.from([json.length, 0, 0, 0, 0, 0, 0, 0]), json, Buffer.alloc(100)]));
  fails(() => readFeaturesFile(st), 'E_FEATURES_FILE', /neither a \.npy file .* nor safetensors .*entry is number 5/);
});

test('seqattn caption --features /dev/zero: refused at once, exit 1', () => {
  if (!existsSync(join(root, 'dist', 'cli.js'))) assert.unreachable('dist/cli.js is missing: run npm run build');
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'caption', '--model', join(root, 'test', 'fixtures', 'sgrvinod-captioning'), '--features', '/dev/zero'], { encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /^seqattn: \/dev\/zero: is a character device, not a regular file\n$/);
  assert.ok(performance.now() - t < 10_000);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
