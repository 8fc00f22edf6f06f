/**
 * int8 weights, one scheme for both ways of getting them (docs/model-format.md, "int8 files"):
 *
 *   W ≈ diag(s) Q,  s_r = max_c |W_rc| / 127 (f32),  Q_rc = round(W_rc / s_r) in [-127, 127]
 *
 * over the whole row of the file tensor, whether quantised at load (`weights: 'int8'` on an f32
 * file) or read from a file `seqattn quantize` wrote (`W` as I8, `W.scale` F32 (rows,)). Layers
 * that split a tensor by columns (the decoder input projection's [E y; c] halves, Luong concat)
 * take column slices of Q with the same row scales, so both ways give the same bytes in Wasm
 * memory and the same outputs.
 *
 * How a slice finds its tensor: every array WeightStore.float32 returns is recorded here (a
 * WeakMap keyed by its buffer) with the tensor it came from; `columnSlice` copies columns and
 * records the same; Linear.fromArrays asks `int8Weights` for the quantised rows of whatever it is
 * given, so the layers need not know about files. `TensorRead.consumed` counts the elements int8
 * Linears took, which tells `quantizeModel` which tensors the file may store as int8.
 */
import { SeqattnError } from './errors.js';
import { own, preview } from './untrusted.js';
import { INT8_CHUNK, int8PackedBytes, paddedCols, paddedRows } from './reference/kernels.js';
import type { SafetensorsFile } from './safetensors.js';

/** `__metadata__` key marking an int8 file; its value names the scheme (QUANTIZATION_SCHEME). */
export const QUANTIZATION_KEY = 'seqattn.quantization';
/** The scheme of this file format version: per-row symmetric int8 with f32 row scales. */
export const QUANTIZATION_SCHEME = 'int8-row-symmetric-v1';
/** Suffix of the scales tensor of an int8 tensor `W`: `W.scale`, F32 (rows,). */
export const SCALE_SUFFIX = '.scale';

/** Row-major int8 rows: W (rows, cols) ≈ diag(s) Q. */
export interface QuantizedRows { Q: Int8Array; s: Float32Array }

/** One read of a file tensor, as a (rows, cols) matrix. */
export interface TensorRead {
  name: string;
  rows: number;
  cols: number;
  /** The f32 values handed out (dequantised s_r Q_rc for an int8 file, maybe not yet: `dense`). */
  values: Float32Array;
  /** Q and s: from the file, or computed at the first int8 use. */
  quantized: QuantizedRows | null;
  /** Elements of `values` that int8 Linears took (rows x cols: all of it). */
  consumed: number;
}

/**
 * Where an array's elements sit in a TensorRead: columns [c0, c0 + width) of every row, base at row 0.
 * `pending`: base's values are not computed yet (an int8 tensor read for Linears, WeightStore.float32
 * `lazy`); `dense` computes them when a float32 consumer needs them.
 */
interface Origin { read: TensorRead; c0: number; width: number; base: Float32Array; pending: boolean }
const origins = new WeakMap<ArrayBufferLike, Origin>();
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Per-row symmetric int8 of W (rows, cols), row-major (the scheme above). */
export function quantizeRows(W: Float32Array, rows: number, cols: number): QuantizedRows {
  const Q = new Int8Array(rows * cols), s = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(W[r * cols + c]));
    s[r] = m / 127;
    if (m === 0) continue;
    const sr = s[r];
    for (let c = 0; c < cols; c++) Q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(W[r * cols + c] / sr)));
  }
  return { Q, s };
}

/**
 * The kernels' layout (assembly/int8.ts; reference packRowsInt8: blocks, then chunk row sums) of rows
 * [r0, r0 + rows) x columns [c0, c0 + width) of q (cols wide): Wq (int8PackedBytes(rows, width) bytes),
 * ws (paddedRows(rows),), padding 0.
 */
export function packInt8(q: QuantizedRows, cols: number, r0: number, rows: number, c0: number, width: number): { Wq: Int8Array; ws: Float32Array } {
  // packRowsInt8 of the part, straight from Q: one pass, rows of 16 bytes to their block, chunk sums alongside
  const cp = paddedCols(width), rp = paddedRows(rows), Q = q.Q;
  const Wq = new Int8Array(int8PackedBytes(rows, width)), ws = new Float32Array(rp);
  ws.set(q.s.subarray(r0, r0 + rows));
  const sums = new Int32Array(rp * Math.ceil(cp / INT8_CHUNK)); // k[j][r]
  const words = (Q.byteOffset & 3) === 0 && ((cols | c0 | width) & 3) === 0; // every row's part starts and ends on a 4-byte boundary
  const Q32 = words ? new Int32Array(Q.buffer, Q.byteOffset, Q.length >> 2) : null!, W32 = new Int32Array(Wq.buffer, 0, Wq.length >> 2);
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * cols + c0, row = (r >> 2) * 4 * cp + (r & 3) * 16;
    let sum = 0;
    for (let c = 0; c < width; c += 16) {
      const n = Math.min(16, width - c), from = src + c, to = row + 4 * c; // int8Index(r, c, cp)
      if (words) { // 4 bytes at a time (memory order kept), their sum from the word's sign-extended bytes
        for (let i = from >> 2, t = to >> 2, end = (from + n) >> 2; i < end; i++, t++) {
          const w = Q32[i];
          W32[t] = w;
          sum += ((w << 24) >> 24) + ((w << 16) >> 24) + ((w << 8) >> 24) + (w >> 24);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = Q[from + i];
          Wq[to + i] = v;
          sum += v;
        }
      }
      if (c + 16 >= width || ((c + 16) & (INT8_CHUNK - 1)) === 0) {
        sums[Math.floor(c / INT8_CHUNK) * rp + r] = sum;
        sum = 0;
      }
    }
  }
  if (HOST_LITTLE_ENDIAN) Wq.set(new Int8Array(sums.buffer), rp * cp);
  else {
    const k = new DataView(Wq.buffer, Wq.byteOffset + rp * cp);
    for (let i = 0; i < sums.length; i++) k.setInt32(4 * i, sums[i], true);
  }
  return { Wq, ws };
}

/** Records `values` as the whole of a read of tensor `name` (rows, cols); `pending`: values still to be dequantised from `quantized`. */
export function recordRead(name: string, values: Float32Array, rows: number, cols: number, quantized: QuantizedRows | null, pending = false): TensorRead {
  const read: TensorRead = { name, rows, cols, values, quantized, consumed: 0 };
  origins.set(values.buffer, { read, c0: 0, width: cols, base: values, pending: pending && quantized !== null });
  return read;
}

/** out (rows, width) = s_r Q_rc for columns [c0, c0 + width) of every row of q (cols wide). */
export function dequantize(q: QuantizedRows, rows: number, cols: number, c0: number, width: number, out: Float32Array): Float32Array {
  const { Q, s } = q;
  for (let r = 0, i = 0; r < rows; r++) {
    const sr = s[r]; // f32 times an int of 8 bits: exact in f64, so one rounding to f32 as in Math.fround(s_r * Q_rc)
    for (let j = r * cols + c0, end = i + width; i < end; i++, j++) out[i] = sr * Q[j];
  }
  return out;
}

/** W with its values: if W is (part of) an int8 tensor read lazily, dequantises the whole array it belongs to now. */
export function dense(W: Float32Array): Float32Array {
  const o = origins.get(W.buffer);
  if (o?.pending) {
    dequantize(o.read.quantized!, o.read.rows, o.read.cols, o.c0, o.width, o.base);
    o.pending = false;
  }
  return W;
}

/** Columns [c0, c0 + width) of W (rows, cols) as a new contiguous (rows, width) array, still known as part of W's tensor. */
export function columnSlice(W: Float32Array, rows: number, cols: number, c0: number, width: number): Float32Array {
  const out = new Float32Array(rows * width);
  const o = origins.get(W.buffer);
  const whole = o && W.byteOffset === o.base.byteOffset && o.width === cols && o.c0 === 0 && rows === o.read.rows;
  if (whole && o.pending) { // still int8 only: the slice is too, computed if needed (dense)
    origins.set(out.buffer, { read: o.read, c0, width, base: out, pending: true });
    return out;
  }
  dense(W);
  for (let r = 0; r < rows; r++) out.set(W.subarray(r * cols + c0, r * cols + c0 + width), r * width);
  if (whole) origins.set(out.buffer, { read: o.read, c0, width, base: out, pending: false });
  return out;
}

/**
 * The int8 form of W (rows, cols) in the kernels' layout. W that is whole rows (or a columnSlice)
 * of a tensor read by WeightStore takes the tensor's row quantisation; any other W is quantised
 * by itself (quantizeRows).
 */
export function int8Weights(W: Float32Array, rows: number, cols: number): { Wq: Int8Array; ws: Float32Array } {
  const o = origins.get(W.buffer);
  const off = o ? (W.byteOffset - o.base.byteOffset) / 4 : -1;
  if (o && o.width === cols && off >= 0 && off % cols === 0 && off / cols + rows <= o.read.rows && W.length === rows * cols) {
    const read = o.read;
    read.quantized ??= quantizeRows(read.values, read.rows, read.cols);
    read.consumed += rows * cols;
    return packInt8(read.quantized, read.cols, off / cols, rows, o.c0, cols);
  }
  return packInt8(quantizeRows(dense(W), rows, cols), cols, 0, rows, 0, cols);
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The I8 tensor `name` of `file` with its scales `name.scale`, checked (shape against `expected`,
 * scales F32 (rows,), finite and >= 0, Q in [-127, 127], every s_r Q_rc finite in f32), as Q and s (dequantize gives the f32
 * values s_r Q_rc). rows = shape[0], cols = the product of the rest.
 */
export function readInt8Tensor(file: SafetensorsFile, name: string, expected?: readonly number[], why?: string): { q: QuantizedRows; rows: number; cols: number } {
  const t = file.info(name);
  const where = `${file.fileName}: tensor '${name}'`;
  if (expected && !(expected.length === t.shape.length && expected.every((d, i) => d === t.shape[i]))) {
    throw new SeqattnError('E_TENSOR_SHAPE', `${where} has shape ${fmtShape(t.shape)}, expected ${fmtShape(expected)}${why ? ` (${why})` : ''}`);
  }
  if (t.shape.length === 0) throw new SeqattnError('E_TENSOR_SHAPE', `${where} is an int8 scalar, expected a matrix (rows, cols) with row scales`);
  const rows = t.shape[0], cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const sName = name + SCALE_SUFFIX;
  if (!file.has(sName)) {
    throw new SeqattnError('E_TENSOR_MISSING', `${where} is int8 (I8) but its row scales '${sName}' (F32 [${rows}]) are missing (see docs/model-format.md, int8 files)`);
  }
  const st = file.info(sName);
  if (st.dtype !== 'F32') throw new SeqattnError('E_TENSOR_DTYPE', `${file.fileName}: tensor '${sName}' has dtype ${st.dtype}, expected F32 (row scales of int8 '${name}')`);
  const s = file.float32(sName, [rows], `one scale per row of int8 '${name}' ${fmtShape(t.shape)}`); // E_TENSOR_SHAPE, E_TENSOR_NONFINITE
  for (let r = 0; r < rows; r++) {
    if (s[r] < 0) throw new SeqattnError('E_TENSOR_VALUE', `${file.fileName}: tensor '${sName}' has negative scale ${s[r]} at row ${r}, expected >= 0`);
  }
  const raw = file.raw(name);
  const Q = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice();
  const bad = Q.indexOf(-128); // native: a scan in JavaScript would cost ~10 ms on g2p-en's 1.85 M weights
  if (bad >= 0) {
    throw new SeqattnError('E_TENSOR_VALUE', `${where} has -128 at row ${Math.floor(bad / cols)}, column ${bad % cols}; the symmetric int8 scheme uses [-127, 127]`);
  }
  // Every effective weight s_r Q_rc finite in f32, as an F32 file's weights must be (s_r = 3.4e38
  // with a Q of 127 is Infinity: refused like an F32 Infinity). |Q_rc| <= 127, so only a row whose
  // s_r x 127 overflows can hold one; only such rows are scanned for their largest |Q_rc|.
  for (let r = 0; r < rows; r++) {
    if (Number.isFinite(Math.fround(s[r] * 127))) continue;
    let big = 0, at = 0;
    for (let c = 0, i = r * cols; c < cols; c++, i++) {
      const m = Q[i] < 0 ? -Q[i] : Q[i];
      if (m > big) { big = m; at = c; }
    }
    const w = Math.fround(s[r] * big);
    if (!Number.isFinite(w)) {
      throw new SeqattnError('E_TENSOR_NONFINITE', `${where}: effective weight s_r x Q_rc = ${s[r]} x ${Q[r * cols + at]} at row ${r}, column ${at} is ${w * Math.sign(Q[r * cols + at])} in float32 (its row scale '${sName}'[${r}] is too large)`);
    }
  }
  return { q: { Q, s }, rows, cols };
}

/** Whether any of the files says it is an int8 file (then loading defaults to weights 'int8'). */
export function isQuantized(files: readonly SafetensorsFile[]): boolean {
  let any = false;
  for (const f of files) {
    const scheme = own(f.metadata, QUANTIZATION_KEY); // not Object.prototype's
    if (scheme === undefined) continue;
    if (scheme !== QUANTIZATION_SCHEME) {
      throw new SeqattnError('E_CONFIG', `${f.fileName}: __metadata__ '${QUANTIZATION_KEY}' is ${preview(scheme)}, expected ${JSON.stringify(QUANTIZATION_SCHEME)} (a newer file format?)`);
    }
    any = true;
  }
  return any;
}
