// Issue 12, item 4: a model path is read header first: non-regular files and files over
// maxFileBytes are refused before reading, a bad header before the tensor data is read.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../../src/node.js';
import { readModelFile } from '../../src/node-files.js';
import { throwsCode } from '../models/helpers.js';
import { g2pBytes, g2pPath, root } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'seqattn-paths-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** A sparse file of `size` bytes starting with `head` (no disk blocks for the rest). */
function sparse(name: string, head: Uint8Array, size: number): string {
  const path = join(tmp, name);
  const fd = openSync(path, 'w');
  writeSync(fd, head, 0, head.length, 0);
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

test('/dev/zero, a FIFO and a directory named as the file: refused without reading', async () => {
  if (existsSync('/dev/zero')) await throwsCode(() => loadModel('/dev/zero'), 'E_MODEL_NOT_FOUND', '/dev/zero', 'a character device, not a regular file');
  const fifo = join(tmp, 'fifo.safetensors');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    await throwsCode(() => readModelFile(fifo, 1e9), 'E_MODEL_NOT_FOUND', 'a FIFO');
  }
});

test('a 1.5 GB file with a bad header: E_HEADER_JSON after reading its header only', async () => {
  const head = new Uint8Array(64);
  new DataView(head.buffer).setUint32(0, 40, true);
  head.set(new TextEncoder().encode('{"t": not json at all ...............}'), 8);
  const path = sparse('big-bad.safetensors', head, 1.5e9);
  const before = process.memoryUsage().arrayBuffers;
  await throwsCode(() => loadModel(path, { maxFileBytes: 2e9 }), 'E_HEADER_JSON', 'big-bad.safetensors');
  assert.ok(process.memoryUsage().arrayBuffers - before < 100e6, 'the tensor data was not read');
  // a good header whose tensors run past the file: E_TENSOR_OFFSETS, also before the data
  const bad = new TextEncoder().encode(JSON.stringify({ t: { dtype: 'F32', shape: [1e9], data_offsets: [0, 4e9] } }));
  const h2 = new Uint8Array(8 + bad.length);
  new DataView(h2.buffer).setUint32(0, bad.length, true);
  h2.set(bad, 8);
  await throwsCode(() => loadModel(sparse('big-offsets.safetensors', h2, 1.5e9), { maxFileBytes: 2e9 }), 'E_TENSOR_OFFSETS', 'past the end');
});

test('maxFileBytes: a larger file is E_FILE_SIZE before it is read; the default admits 2 GiB', async () => {
  const path = sparse('big.safetensors', g2pBytes.subarray(0, 64), 3e9);
  await throwsCode(() => loadModel(path), 'E_FILE_SIZE', '3000000000 bytes', 'maxFileBytes 2147483648');
  await throwsCode(() => loadModel('g2p-en', { maxFileBytes: 1e6 }), 'E_FILE_SIZE', 'maxFileBytes 1000000');
  await throwsCode(() => loadModel('g2p-en', { maxFileBytes: -1 }), 'E_OPTION', 'maxFileBytes');
  // config.json beside a file goes through the same limit
  const dir = mkdtempSync(join(tmp, 'folder-'));
  writeFileSync(join(dir, 'model.safetensors'), g2pBytes);
  writeFileSync(join(dir, 'config.json'), ' '.repeat(2e6));
  await throwsCode(() => loadModel(dir, { maxFileBytes: 1.5e6 }), 'E_FILE_SIZE', 'config.json');
});

test('a truncated or header-only copy of g2p-en by path: the errors readSafetensors gives, and the genuine file still loads', async () => {
  const cut = join(tmp, 'cut.safetensors');
  writeFileSync(cut, g2pBytes.subarray(0, 5));
  await throwsCode(() => loadModel(cut), 'E_FILE_TRUNCATED', 'cut.safetensors');
  writeFileSync(cut, g2pBytes.subarray(0, 200));
  await throwsCode(() => loadModel(cut), 'E_HEADER_LENGTH', 'cut.safetensors');
  assert.equal(readModelFile(g2pPath, 1e9), new Uint8Array(g2pBytes));
  const m = await loadModel(join(root, 'models', 'g2p-en'));
  assert.is(m.translate('attention').text, 'AH0 T EH1 N SH AH0 N');
  m.dispose();
});

test.run();
