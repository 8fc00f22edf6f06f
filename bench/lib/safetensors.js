// A small safetensors reader for the peers that do not go through seqattn: name -> Float32Array.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Reads an F32 safetensors file: { tensors: { name: { data: Float32Array, shape } }, metadata }. */
export function readF32Safetensors(path) {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const base = 8 + n;
  const tensors = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`${path}: ${name} is ${t.dtype}, expected F32`);
    const [b, e] = t.data_offsets;
    // Copy: the file's data offsets need not be 4-byte aligned in the Buffer's pool.
    const data = new Float32Array(e / 4 - b / 4);
    new Uint8Array(data.buffer).set(bytes.subarray(base + b, base + e));
    tensors[name] = { data, shape: t.shape };
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}

/** The tutorial model's weights and config from OUT/<name>/model.safetensors. */
export function readTutorialModel(dir) {
  const { tensors, metadata } = readF32Safetensors(`${dir}/model.safetensors`);
  const config = JSON.parse(metadata.seqattn);
  const w = (name) => {
    const t = tensors[name];
    if (!t) throw new Error(`${dir}: no tensor ${name}`);
    return t.data;
  };
  return { config, w, tensors };
}

/** The config in __metadata__.seqattn, reading only the header. */
export function readConfig(path) {
  const fd = openSync(path, 'r');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    const header = Buffer.alloc(n);
    readSync(fd, header, 0, n, 8);
    return JSON.parse(JSON.parse(header.toString('utf8')).__metadata__.seqattn);
  } finally {
    closeSync(fd);
  }
}
