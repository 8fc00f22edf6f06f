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
  return fail(file, `shape (${shape.join(', ')}): expected (L, D), (H, W, D) or (1, H, W, D)`);
}

/** Reads a .npy array (see the file comment). */
export function readNpy(bytes: Uint8Array, file = '<npy>'): FeatureGrid {
  if (!isNpy(bytes)) fail(file, 'not a .npy file (no \\x93NUMPY magic)');
  if (bytes.length < 10) fail(file, `truncated: ${bytes.length} bytes, the header starts at byte 10`);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(file, `.npy format version ${major}.${bytes[7]}: expected 1.0, 2.0 or 3.0`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) fail(file, `truncated: ${bytes.length} bytes, the header starts at byte ${start}`);
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = start + headerLength;
  if (dataStart > bytes.length) fail(file, `truncated: the header is ${headerLength} bytes, the file ends at ${bytes.length}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(file, `header ${JSON.stringify(header.trim())} is not a dict with 'descr', 'fortran_order' and 'shape'`);
  if (descr !== '<f4') fail(file, `dtype '${descr}': expected '<f4' (little-endian float32; in NumPy: a.astype('<f4'))`);
  if (fortran === 'True') fail(file, `Fortran order: expected C order (in NumPy: np.ascontiguousarray(a))`);
  const shape = shapeText!.split(',').map((x) => x.trim()).filter((x) => x !== '').map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(file, `shape (${shapeText}) is not a tuple of sizes`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataStart !== 4 * n) fail(file, `shape (${shape.join(', ')}) needs ${4 * n} bytes of data, the file has ${bytes.length - dataStart}`);
  const features = new Float32Array(n);
  for (let i = 0; i < n; i++) features[i] = dv.getFloat32(dataStart + 4 * i, true);
  return withGrid(features, shape, file);
}

/** Reads the one tensor of a safetensors file. */
export function readFeatureTensor(bytes: Uint8Array, file = '<safetensors>'): FeatureGrid {
  const f = readSafetensors(bytes, file);
  const names = [...f.tensors.keys()];
  if (names.length !== 1) fail(file, `has ${names.length} tensors (${names.slice(0, 5).join(', ')}): expected one, the annotation vectors`);
  const info = f.tensors.get(names[0])!;
  return withGrid(f.float32(names[0]), info.shape, file);
}

/** A features file: .npy (by its magic) or safetensors. */
export function readFeatures(bytes: Uint8Array, file: string): FeatureGrid {
  if (isNpy(bytes)) return readNpy(bytes, file);
  try {
    return readFeatureTensor(bytes, file);
  } catch (e) {
    if (!(e instanceof SeqattnError) || !['E_FILE_TRUNCATED', 'E_HEADER_LENGTH', 'E_HEADER_JSON'].includes(e.code)) throw e;
    return fail(file, `neither a .npy file (no \\x93NUMPY magic) nor safetensors (${e.message})`);
  }
}

function withGrid(features: Float32Array, shape: readonly number[], file: string): FeatureGrid {
  const { rows, cols, size } = gridOf(shape, file);
  if (rows * cols === 0 || size === 0) fail(file, `shape (${shape.join(', ')}) has no annotation vectors`);
  return { features, length: rows * cols, size, rows, cols };
}
