/**
 * Annotation vectors from a file, for `seqattn caption`: a NumPy .npy array or a safetensors file
 * holding one tensor, of shape (L, D), (H, W, D) or (1, H, W, D) (a CNN's grid as saved with its
 * batch dimension), float32. The grid (H, W) is kept for drawing attention over it; (L, D) is
 * drawn as a square when L is one, else as one row.
 *
 * .npy (format versions 1.0, 2.0, 3.0): the magic "\x93NUMPY", major and minor version bytes, the
 * header length (u16 little-endian in 1.0, u32 in 2.0 / 3.0), an ASCII (3.0: UTF-8) Python dict
 * literal {'descr': '<f4', 'fortran_order': False, 'shape': (H, W, D), }, then the data. Only
 * '<f4' (little-endian float32) in C order is read; anything else is E_FEATURES_FILE naming what it is.
 */
import { SeqattnError } from '../errors.js';
import { readSafetensors } from '../safetensors.js';
import { cut, kindOf, preview } from '../untrusted.js';

/** Annotation vectors a_1..a_L (L x D, row-major) and the grid they came from. */
export interface FeatureGrid {
  features: Float32Array;
  /** L = rows * cols. */
  length: number;
  /** D. */
  size: number;
  rows: number;
  cols: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const fail = (file: string, msg: string): never => { throw new SeqattnError('E_FEATURES_FILE', `${file}: ${msg}`); };

/** E_FEATURES_FILE for bytes that are no .npy file and whose safetensors header failed with `e`. */
export function notFeatures(file: string, e: Error): never {
  return fail(file, `neither a .npy file (no \\x93NUMPY magic) nor safetensors (${e.message})`);
}

/** Whether bytes start like a .npy file. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** The (L, D) grid of a shape (L, D), (H, W, D) or (1, H, W, D). */
function gridOf(shape: readonly number[], file: string): { rows: number; cols: number; size: number } {
  const s = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (s.length === 3) return { rows: s[0], cols: s[1], size: s[2] };
  if (s.length === 2) {
    const side = Math.round(Math.sqrt(s[0]));
    return side * side === s[0] ? { rows: side, cols: side, size: s[1] } : { rows: 1, cols: s[0], size: s[1] };
  }
  return fail(file, `shape (${cut(shape.join(', '))}): expected (L, D), (H, W, D) or (1, H, W, D)`);
}

/** Longest .npy header read, in bytes (NumPy itself writes a few hundred; its reader refuses more than 10,000 by default). */
export const MAX_NPY_HEADER_BYTES = 65_536;

/** E_ARGUMENT unless `bytes` is a Uint8Array. */
function checkBytes(bytes: unknown, fn: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new SeqattnError('E_ARGUMENT', `${fn}: bytes must be a Uint8Array, got ${kindOf(bytes)}`);
}

/**
 * Where the header of a .npy file ends (= where its data starts), from its first 12 bytes (fewer
 * when the file is shorter) and its size: the magic, a known version, a header inside the file and
 * under MAX_NPY_HEADER_BYTES; else E_FEATURES_FILE. Lets a reader of a path read the header first.
 */
export function npyDataStart(first: Uint8Array, fileSize: number, file = '<npy>'): number {
  if (!isNpy(first)) fail(file, 'not a .npy file (no \\x93NUMPY magic)');
  if (first.length < 10) fail(file, `truncated: ${fileSize} bytes, the header starts at byte 10`);
  const major = first[6];
  if (major < 1 || major > 3) fail(file, `.npy format version ${major}.${first[7]}: expected 1.0, 2.0 or 3.0`);
  const start = major === 1 ? 10 : 12;
  if (first.length < start) fail(file, `truncated: ${fileSize} bytes, the header starts at byte ${start}`);
  const dv = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES) fail(file, `header of ${headerLength} bytes: more than ${MAX_NPY_HEADER_BYTES}`);
  if (start + headerLength > fileSize) fail(file, `truncated: the header is ${headerLength} bytes, the file ends at ${fileSize}`);
  return start + headerLength;
}

/**
 * The shape of a .npy array from its bytes up to the data (npyDataStart), and the file size it
 * implies: '<f4' in C order, sizes safe integers; else E_FEATURES_FILE. Nothing of the data is read.
 */
export function npyShape(head: Uint8Array, file = '<npy>'): { shape: number[]; dataStart: number; dataBytes: number } {
  const dataStart = npyDataStart(head.subarray(0, 12), head.length, file);
  const header = new TextDecoder(head[6] === 3 ? 'utf-8' : 'latin1').decode(head.subarray(head[6] === 1 ? 10 : 12, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(file, `header ${preview(header.trim())} is not a dict with 'descr', 'fortran_order' and 'shape'`);
  if (descr !== '<f4') fail(file, `dtype '${cut(descr!)}': expected '<f4' (little-endian float32; in NumPy: a.astype('<f4'))`);
  if (fortran === 'True') fail(file, `Fortran order: expected C order (in NumPy: np.ascontiguousarray(a))`);
  const shape = shapeText!.split(',').map((x) => x.trim()).filter((x) => x !== '').map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(file, `shape (${cut(shapeText!)}) is not a tuple of sizes`);
  return { shape, dataStart, dataBytes: 4 * shape.reduce((a, b) => a * b, 1) };
}

/** Reads a .npy array (see the file comment). */
export function readNpy(bytes: Uint8Array, file = '<npy>'): FeatureGrid {
  checkBytes(bytes, 'readNpy');
  const dataStart = npyDataStart(bytes.subarray(0, 12), bytes.length, file);
  const { shape, dataBytes } = npyShape(bytes.subarray(0, dataStart), file);
  if (bytes.length - dataStart !== dataBytes) fail(file, `shape (${cut(shape.join(', '))}) needs ${dataBytes} bytes of data, the file has ${bytes.length - dataStart}`);
  const n = dataBytes / 4;
  const features = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) features[i] = dv.getFloat32(dataStart + 4 * i, true);
  return withGrid(features, shape, file);
}

/** Reads the one tensor of a safetensors file. */
export function readFeatureTensor(bytes: Uint8Array, file = '<safetensors>'): FeatureGrid {
  checkBytes(bytes, 'readFeatureTensor');
  const f = readSafetensors(bytes, file);
  const names = [...f.tensors.keys()];
  if (names.length !== 1) fail(file, `has ${names.length} tensors (${names.slice(0, 5).join(', ')}): expected one, the annotation vectors`);
  const info = f.tensors.get(names[0])!;
  return withGrid(f.float32(names[0]), info.shape, file);
}

/** A features file: .npy (by its magic) or safetensors. */
export function readFeatures(bytes: Uint8Array, file = '<features>'): FeatureGrid {
  checkBytes(bytes, 'readFeatures');
  if (isNpy(bytes)) return readNpy(bytes, file);
  try {
    return readFeatureTensor(bytes, file);
  } catch (e) {
    if (!(e instanceof SeqattnError) || !['E_FILE_TRUNCATED', 'E_HEADER_LENGTH', 'E_HEADER_JSON'].includes(e.code)) throw e;
    return notFeatures(file, e);
  }
}

function withGrid(features: Float32Array, shape: readonly number[], file: string): FeatureGrid {
  const { rows, cols, size } = gridOf(shape, file);
  if (rows * cols === 0 || size === 0) fail(file, `shape (${cut(shape.join(', '))}) has no annotation vectors`);
  return { features, length: rows * cols, size, rows, cols };
}
