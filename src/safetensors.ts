/**
 * Reading and writing safetensors files (https://github.com/huggingface/safetensors), without any
 * Node built-in: everything works on `Uint8Array`, so it runs unchanged in browsers.
 *
 * Layout: 8 bytes little-endian u64 `N`, then `N` bytes of UTF-8 JSON (the header), then the data
 * section. The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
 * relative to the data section, all little-endian) and may hold `__metadata__`, a string->string map.
 *
 * `readSafetensors` validates the whole header up front (every error a `SeqattnError` whose message
 * starts with the file name); `SafetensorsFile.float32` then checks a tensor against what the model
 * needs (present, floating, shape, finite) and returns a Float32Array copy.
 */
import { SeqattnError } from './errors.js';
import { cut, own, preview } from './untrusted.js';

/** Largest header this reader accepts, as the safetensors format itself limits it (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Most entries (tensors, plus `__metadata__`) a header may have: the models here have tens to
 * hundreds, the largest checkpoints a few thousand per file. Counted in the header's bytes before
 * they are parsed, so a 58 MB header of a million empty tensors costs a scan, not a parse.
 */
export const MAX_TENSORS = 65_536;

/**
 * The number of keys of the top-level JSON object in `b` (UTF-8 bytes of a header), counting
 * stopped past `limit`: the colons at depth 1 outside strings. Structural characters are ASCII and
 * never part of a multi-byte UTF-8 sequence, so the bytes can be scanned as they are; iterative, so
 * any nesting depth costs one pass. (Malformed JSON is counted somehow; JSON.parse refuses it next.)
 */
function topLevelKeys(b: Uint8Array, limit: number): number {
  let depth = 0, n = 0, inString = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++; // { [
    else if (c === 0x7d || c === 0x5d) depth--; // } ]
    else if (c === 0x3a && depth === 1 && ++n > limit) return n; // :
  }
  return n;
}

/** Element types this reader understands (a subset of the safetensors dtypes). */
export type Dtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = Object.freeze({
  F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
});

const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['F32', 'F16', 'BF16', 'F64']);

function isDtype(s: string): s is Dtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** One tensor of a parsed file. */
export interface TensorInfo {
  name: string;
  dtype: Dtype;
  /** Dimensions, outermost first; `[]` is a scalar (one element). A 0 anywhere means no elements. */
  shape: number[];
  /**
   * Byte range `[begin, end)` of the tensor's data as absolute offsets into the WHOLE FILE (the
   * `bytes` given to `readSafetensors`), i.e. `8 + N + data_offsets[i]`; not relative to the data
   * section.
   */
  begin: number;
  end: number;
}

/** Typed arrays `writeSafetensors` accepts as tensor data. */
export type TensorData =
  | Float32Array | Float64Array
  | Int32Array | Int16Array | Int8Array
  | Uint8Array | Uint16Array | Uint32Array
  | BigInt64Array;

/** A tensor to write: `dtype` defaults from the array type (see `writeSafetensors`). */
export interface TensorToWrite {
  dtype?: Dtype;
  shape: number[];
  data: TensorData;
}

// ---------------------------------------------------------------------------------------------
// Number conversion helpers

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 bits -> number (exact). */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;            // zero and subnormals
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);            // (1 + m/1024) * 2^(e-15)
}

/** bfloat16 bits -> number (exact: the upper half of a float32). */
export function bf16ToNumber(h: number): number {
  scratchU32[0] = (h & 0xffff) << 16;
  return scratchF32[0];
}

/** number -> binary16 bits, rounded to nearest even from its float32 value; overflow gives +-Inf. */
export function numberToF16(x: number): number {
  scratchF32[0] = x;
  const b = scratchU32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112;                                 // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {                                        // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // a carry into the exponent is correct
  return sign | h;
}

/** number -> bfloat16 bits, rounded to nearest even from its float32 value; NaN stays NaN. */
export function numberToBf16(x: number): number {
  scratchF32[0] = x;
  const b = scratchU32[0];
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff)) return (b >>> 16) | 0x40;
  return Math.floor((b + 0x7fff + ((b >>> 16) & 1)) / 65536) & 0xffff;
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${preview(v, 40)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${preview(v)}`;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** Levenshtein distance, O(|a| |b|) time, O(|b|) memory. */
/** How many trailing dot-separated segments a and b share, counted only from 2 (one shared `weight` says little). */
function sharedTail(a: string, b: string): number {
  const x = a.split('.'), y = b.split('.');
  let k = 0;
  while (k < x.length && k < y.length && x[x.length - 1 - k] === y[y.length - 1 - k]) k++;
  return k >= 2 ? k : 0;
}

function editDistance(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;                       // may exceed 2^53 for absurd shapes: then it
  return n;                                            // is imprecise but still never equals a real size
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A parsed, validated safetensors file. Holds a reference to (does not copy) the input bytes. */
export class SafetensorsFile {
  /** Name used in every error message (a path, or `'<memory>'`). */
  readonly fileName: string;
  /** `__metadata__` of the header (empty object if absent). */
  readonly metadata: Record<string, string>;
  /** Every tensor, in header order. */
  readonly tensors: Map<string, TensorInfo>;
  /** Absolute offset of the data section in the file (`8 + N`). */
  readonly dataStart: number;
  private readonly bytes: Uint8Array;

  /** Use `readSafetensors`; this constructor trusts its arguments. */
  constructor(bytes: Uint8Array, fileName: string, metadata: Record<string, string>,
              tensors: Map<string, TensorInfo>, dataStart: number) {
    this.bytes = bytes;
    this.fileName = fileName;
    this.metadata = metadata;
    this.tensors = tensors;
    this.dataStart = dataStart;
  }

  /** Whether the file has a tensor of that name. */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The tensor's info; throws E_TENSOR_MISSING (listing similar names present) if absent. */
  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw this.missing(name);
    return t;
  }

  /** The tensor's raw little-endian bytes, a view into the file (no copy); E_TENSOR_MISSING if absent. */
  raw(name: string): Uint8Array {
    const t = this.info(name);
    return this.bytes.subarray(t.begin, t.end);
  }

  /**
   * Float32Array copy of a floating tensor (F32 read as little-endian regardless of alignment and
   * host; F16, BF16 and F64 converted), after checking:
   * - present, else E_TENSOR_MISSING listing a few similar names present;
   * - dtype F32, F16, BF16 or F64, else E_TENSOR_DTYPE;
   * - shape equal to `expectedShape` when given, else E_TENSOR_SHAPE, e.g.
   *   "model.safetensors: tensor 'decoder.gru.weight_ih_l0' has shape [39, 13], expected [39, 26]
   *   (3*hidden_size, embedding_size+hidden_size)" where the parenthesis is `why`;
   * - every value finite, else E_TENSOR_NONFINITE naming the flat index, the multi-dimensional
   *   index (e.g. "[3, 7]") and the value (an F64 value beyond the float32 range counts as
   *   non-finite, since it would become Infinity).
   */
  float32(name: string, expectedShape?: readonly number[], why?: string): Float32Array {
    const t = this.info(name);
    const where = `${this.fileName}: tensor '${cut(name)}'`;
    if (!FLOAT_DTYPES.has(t.dtype)) {
      throw new SeqattnError('E_TENSOR_DTYPE',
        `${where} has dtype ${t.dtype}, expected a floating dtype (F32, F16, BF16 or F64)`);
    }
    if (expectedShape) {
      const same = expectedShape.length === t.shape.length && expectedShape.every((d, i) => d === t.shape[i]);
      if (!same) {
        throw new SeqattnError('E_TENSOR_SHAPE',
          `${where} has shape ${cut(fmtShape(t.shape))}, expected ${fmtShape(expectedShape)}${why ? ` (${why})` : ''}`);
      }
    }
    const n = elementCount(t.shape);
    const out = new Float32Array(n);
    const src = this.bytes;
    const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const b = t.begin;
    let bad = -1;
    let badValue = 0;
    switch (t.dtype) {
      case 'F32':
        if (HOST_LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src.subarray(b, t.end));
        else for (let i = 0; i < n; i++) out[i] = dv.getFloat32(b + 4 * i, true);
        break;
      case 'F16':
        for (let i = 0; i < n; i++) out[i] = f16ToNumber(dv.getUint16(b + 2 * i, true));
        break;
      case 'BF16': {
        const u = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u[i] = dv.getUint16(b + 2 * i, true) << 16;
        break;
      }
      case 'F64':
        for (let i = 0; i < n; i++) {
          const v = dv.getFloat64(b + 8 * i, true);
          out[i] = v;
          if (bad < 0 && Number.isFinite(v) && !Number.isFinite(out[i])) { bad = i; badValue = v; }
        }
        break;
      default:
        break;
    }
    for (let i = 0; i < n && (bad < 0 || i < bad); i++) {
      if (!Number.isFinite(out[i])) { bad = i; badValue = out[i]; break; }
    }
    if (bad >= 0) {
      const overflow = Number.isFinite(badValue) ? ' (beyond the float32 range)' : '';
      throw new SeqattnError('E_TENSOR_NONFINITE',
        `${where} (shape ${cut(fmtShape(t.shape))}) has non-finite value ${badValue}${overflow} ` +
        `at flat index ${bad}, index ${cut(fmtShape(unravel(bad, t.shape)))}`);
    }
    return out;
  }

  private missing(name: string): SeqattnError {
    const names = [...this.tensors.keys()];
    let hint: string;
    if (names.length === 0) {
      hint = 'the file has no tensors';
    } else {
      // bounded work on a hostile file (names of reasonable length, the first 10,000 of them); names
      // ending in the same two or more segments first (`a.b.word_rnn.weight_ih_l0` for
      // `word_rnn.weight_ih_l0`: the same tensor saved at another nesting depth), then by edit distance
      const wanted = name.slice(0, 256);
      const ranked = names.filter((n) => n.length <= 256).slice(0, 10_000)
        .map((n) => ({ n, t: sharedTail(wanted, n), d: editDistance(wanted, n) }))
        .sort((x, y) => y.t - x.t || x.d - y.d || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0))
        .slice(0, 3)
        .map((x) => `'${cut(x.n)}'`);
      hint = `the file has ${names.length} tensor${names.length === 1 ? '' : 's'}; most similar: ${ranked.join(', ')}`;
    }
    return new SeqattnError('E_TENSOR_MISSING', `${this.fileName}: tensor '${cut(name)}' is missing (${hint})`);
  }
}

/**
 * Parses and validates a safetensors file. Every error is a `SeqattnError` whose message starts
 * with `fileName`:
 * - E_FILE_TRUNCATED: fewer than 8 bytes;
 * - E_HEADER_LENGTH: `8 + N` past the end of the file (N read as two u32 halves, so any u64 works),
 *   or N over MAX_HEADER_BYTES (100 MB, the format's own limit);
 * - E_HEADER_JSON: header not UTF-8, not JSON, not an object; an entry not of the form
 *   `{dtype: string, shape: non-negative integer[], data_offsets: [begin, end]}` (naming tensor
 *   and field); `__metadata__` not a string->string map;
 * - E_TENSOR_DTYPE: a dtype string outside `Dtype`;
 * - E_TENSOR_OFFSETS: `end < begin`, `end` past the data section, `end - begin` not
 *   `product(shape) * dtype size`, or two tensors overlapping.
 * - E_HEADER_JSON: more than MAX_TENSORS (65,536) entries, counted before the header is parsed.
 * Zero-size tensors are legal. Extra fields in an entry are ignored; gaps between tensors are allowed.
 * Fields are read as own properties only; values quoted in messages are cut to about 80 characters.
 * O(T log T) in the number of tensors.
 */
export function readSafetensors(bytes: Uint8Array, fileName = '<memory>'): SafetensorsFile {
  const headerLen = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, fileName);
  const { metadata, tensors, dataStart } = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLen), bytes.byteLength, fileName);
  return new SafetensorsFile(bytes, fileName, metadata, tensors, dataStart);
}

/**
 * N, the header length, from the first 8 bytes of a file of `fileSize` bytes: E_FILE_TRUNCATED for
 * fewer than 8 bytes, E_HEADER_LENGTH when 8 + N is past the end or N over MAX_HEADER_BYTES. Lets a
 * reader of a path read the header, and validate it, before the tensor data.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileSize: number, fileName = '<memory>'): number {
  if (first8.byteLength < 8 || fileSize < 8) {
    throw new SeqattnError('E_FILE_TRUNCATED',
      `${fileName}: file has ${fileSize} bytes, fewer than the 8-byte header length of a safetensors file`);
  }
  const dv = new DataView(first8.buffer, first8.byteOffset, 8);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  if (hi !== 0 || 8 + lo > fileSize) {
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    throw new SeqattnError('E_HEADER_LENGTH',
      `${fileName}: header length ${n} bytes runs past the end of the file (8 + ${n} > file size ${fileSize} bytes)`);
  }
  if (lo > MAX_HEADER_BYTES) {
    throw new SeqattnError('E_HEADER_LENGTH', `${fileName}: header length ${lo} bytes is more than ${MAX_HEADER_BYTES} (the safetensors limit)`);
  }
  return lo;
}

/**
 * Validates the header (the N bytes after the length) of a file of `fileSize` bytes; the errors of
 * readSafetensors. Tensor ranges are absolute offsets into the whole file.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, fileName = '<memory>'):
  { metadata: Record<string, string>; tensors: Map<string, TensorInfo>; dataStart: number } {
  const headerLen = headerBytes.byteLength;
  const dataStart = 8 + headerLen;
  const dataSize = fileSize - dataStart;

  if (topLevelKeys(headerBytes, MAX_TENSORS + 1) > MAX_TENSORS + 1) { // + 1: __metadata__
    throw new SeqattnError('E_HEADER_JSON', `${fileName}: header has more than ${MAX_TENSORS} tensors (the limit of this reader)`);
  }
  let text: string;
  try {
    // slice: a copy, since browsers' TextDecoder refuses views of a SharedArrayBuffer (a pool's shared model bytes)
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes.slice());
  } catch (e) {
    throw new SeqattnError('E_HEADER_JSON', `${fileName}: header (${headerLen} bytes) is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SeqattnError('E_HEADER_JSON',
      `${fileName}: header (${headerLen} bytes) is not valid JSON: ${cut((e as Error).message)}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SeqattnError('E_HEADER_JSON', `${fileName}: header is ${describe(header)}, not a JSON object`);
  }

  const metadata: Record<string, string> = {}; // read it with own properties only (load.ts does)
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw new SeqattnError('E_HEADER_JSON',
          `${fileName}: __metadata__ is ${describe(entry)}, expected an object of strings`);
      }
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') {
          throw new SeqattnError('E_HEADER_JSON',
            `${fileName}: __metadata__ key '${cut(k)}' is ${describe(v)}, expected a string`);
        }
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const where = `${fileName}: tensor '${cut(name)}'`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new SeqattnError('E_HEADER_JSON',
        `${where}: entry is ${describe(entry)}, expected an object {dtype, shape, data_offsets}`);
    }
    const dtype = own(entry, 'dtype'), shape = own(entry, 'shape'), offs = own(entry, 'data_offsets');
    if (typeof dtype !== 'string') {
      throw new SeqattnError('E_HEADER_JSON',
        `${where}: field 'dtype' is ${dtype === undefined ? 'missing' : describe(dtype)}, expected a string`);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
      throw new SeqattnError('E_HEADER_JSON',
        `${where}: field 'shape' is ${shape === undefined ? 'missing' : preview(shape)}, ` +
        `expected an array of non-negative integers`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isNonNegInt)) {
      throw new SeqattnError('E_HEADER_JSON',
        `${where}: field 'data_offsets' is ${offs === undefined ? 'missing' : preview(offs)}, ` +
        `expected [begin, end] non-negative integers`);
    }
    if (!isDtype(dtype)) {
      throw new SeqattnError('E_TENSOR_DTYPE',
        `${where}: dtype ${preview(dtype, 40)} is not supported (supported: ${Object.keys(DTYPE_SIZE).join(', ')})`);
    }
    const [begin, end] = offs as number[];
    if (end < begin || end > dataSize) {
      throw new SeqattnError('E_TENSOR_OFFSETS',
        `${where}: data_offsets [${begin}, ${end}] ` +
        `${end < begin ? 'end before begin' : 'past the end of the data section'} ` +
        `(data section size ${dataSize} bytes)`);
    }
    const need = elementCount(shape as number[]) * DTYPE_SIZE[dtype];
    if (end - begin !== need) {
      throw new SeqattnError('E_TENSOR_OFFSETS',
        `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} ` +
        `shape ${cut(fmtShape(shape as number[]))} needs ${need} bytes`);
    }
    tensors.set(name, {
      name, dtype, shape: (shape as number[]).slice(), begin: dataStart + begin, end: dataStart + end,
    });
  }

  // Overlap check: sort non-empty ranges by begin; while none overlap, the previous range is the
  // one reaching furthest, so comparing neighbours suffices.
  const ranges = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  let reach: TensorInfo | undefined;
  for (const t of ranges) {
    if (reach && t.begin < reach.end) {
      const rel = (x: TensorInfo) => `[${x.begin - dataStart}, ${x.end - dataStart}]`;
      throw new SeqattnError('E_TENSOR_OFFSETS',
        `${fileName}: tensors '${cut(reach.name)}' ${rel(reach)} and '${cut(t.name)}' ${rel(t)} overlap ` +
        `(data section size ${dataSize} bytes)`);
    }
    reach = t;
  }
  return { metadata, tensors, dataStart };
}

// ---------------------------------------------------------------------------------------------
// Writing

function defaultDtype(data: TensorData): Dtype | undefined {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Int16Array) return 'I16';
  if (data instanceof Int8Array) return 'I8';
  if (data instanceof Uint8Array) return 'U8';
  if (data instanceof BigInt64Array) return 'I64';
  return undefined;                                    // Uint16Array (F16/BF16 bits), Uint32Array: say which
}

const INT_RANGE: Partial<Record<Dtype, [number, number]>> = {
  I32: [-(2 ** 31), 2 ** 31 - 1], I16: [-32768, 32767], I8: [-128, 127], U8: [0, 255], BOOL: [0, 1],
};

/**
 * Serialises tensors to a safetensors file: header JSON (`__metadata__` first when given, then the
 * tensors in sorted name order, data laid out contiguously in that order), padded with spaces so
 * the data section starts 8-byte aligned; all data little-endian.
 *
 * `dtype` defaults from the array: Float32Array F32, Float64Array F64, Int32Array I32, Int16Array
 * I16, Int8Array I8, Uint8Array U8, BigInt64Array I64 (Uint16Array and Uint32Array need an explicit
 * dtype). Conversions: any array to a floating dtype (F16/BF16 round to nearest even via float32),
 * except that a Uint16Array with dtype F16 or BF16 is taken as raw bits; integer arrays to integer
 * dtypes and BOOL with a range check. Errors (SeqattnError, message starting "writeSafetensors:"):
 * E_TENSOR_SHAPE if the shape is not non-negative integers or `data.length` != product(shape),
 * E_TENSOR_DTYPE for an unknown dtype, a float array to an integer dtype, or an out-of-range value;
 * E_HEADER_JSON for a tensor named `__metadata__` or a non-string metadata value.
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>,
                                 metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = Object.create(null); // so a tensor named '__proto__' is a plain key
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SeqattnError('E_HEADER_JSON', `writeSafetensors: metadata key '${k}' is ${describe(v)}, expected a string`);
      }
    }
    header.__metadata__ = metadata;
  }
  const plans: { name: string; dtype: Dtype; t: TensorToWrite; offset: number; bytes: number }[] = [];
  let offset = 0;
  for (const name of names) {
    const where = `writeSafetensors: tensor '${name}'`;
    if (name === '__metadata__') {
      throw new SeqattnError('E_HEADER_JSON', `${where}: the name is reserved for metadata`);
    }
    const t = tensors[name];
    if (!Array.isArray(t.shape) || !t.shape.every(isNonNegInt)) {
      throw new SeqattnError('E_TENSOR_SHAPE', `${where}: shape ${JSON.stringify(t.shape)} is not an array of non-negative integers`);
    }
    const dtype = t.dtype ?? defaultDtype(t.data);
    if (dtype === undefined || !isDtype(dtype)) {
      throw new SeqattnError('E_TENSOR_DTYPE',
        `${where}: ${dtype === undefined ? `no dtype given for a ${t.data.constructor.name}` : `dtype ${JSON.stringify(dtype)} is not supported`}`);
    }
    const n = elementCount(t.shape);
    if (t.data.length !== n) {
      throw new SeqattnError('E_TENSOR_SHAPE',
        `${where}: shape ${cut(fmtShape(t.shape))} has ${n} elements, data has ${t.data.length}`);
    }
    const isFloatData = t.data instanceof Float32Array || t.data instanceof Float64Array;
    if (!FLOAT_DTYPES.has(dtype) && isFloatData) {
      throw new SeqattnError('E_TENSOR_DTYPE', `${where}: cannot write a ${t.data.constructor.name} as ${dtype}`);
    }
    const bytes = n * DTYPE_SIZE[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    plans.push({ name, dtype, t, offset, bytes });
    offset += bytes;
  }

  const json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) headerBytes = new TextEncoder().encode(json + ' '.repeat(pad));
  const dataStart = 8 + headerBytes.length;
  const out = new Uint8Array(dataStart + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerBytes.length, true);
  dv.setUint32(4, 0, true);
  out.set(headerBytes, 8);

  for (const { name, dtype, t, offset: off } of plans) {
    const data = t.data;
    const b = dataStart + off;
    const n = data.length;
    const num = (i: number): number => Number(data[i]);
    switch (dtype) {
      case 'F32': for (let i = 0; i < n; i++) dv.setFloat32(b + 4 * i, num(i), true); break;
      case 'F64': for (let i = 0; i < n; i++) dv.setFloat64(b + 8 * i, num(i), true); break;
      case 'F16':
      case 'BF16':
        if (data instanceof Uint16Array) {
          for (let i = 0; i < n; i++) dv.setUint16(b + 2 * i, data[i], true);
        } else {
          const conv = dtype === 'F16' ? numberToF16 : numberToBf16;
          for (let i = 0; i < n; i++) dv.setUint16(b + 2 * i, conv(num(i)), true);
        }
        break;
      case 'I64':
        for (let i = 0; i < n; i++) dv.setBigInt64(b + 8 * i, BigInt(data[i]), true);
        break;
      default: {
        const [lo, hi] = INT_RANGE[dtype]!;
        const size = DTYPE_SIZE[dtype];
        for (let i = 0; i < n; i++) {
          const v = num(i);
          if (!(v >= lo && v <= hi)) {
            throw new SeqattnError('E_TENSOR_DTYPE',
              `writeSafetensors: tensor '${name}': value ${String(data[i])} at flat index ${i} does not fit ${dtype}`);
          }
          if (size === 4) dv.setInt32(b + 4 * i, v, true);
          else if (size === 2) dv.setInt16(b + 2 * i, v, true);
          else dv.setUint8(b + i, v & 0xff);
        }
      }
    }
  }
  return out;
}
