import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withHeader } from '../hardening/helpers.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readSafetensors, writeSafetensors, f16ToNumber, numberToF16, bf16ToNumber, numberToBf16,
  type Dtype,
} from '../../src/safetensors.js';
import { SeqattnError } from '../../src/errors.js';

const FILE = 'model.safetensors';

/** Asserts fn throws a SeqattnError with that code, whose message starts with `prefix` and contains each of `parts`. */
function throwsCode(fn: () => unknown, code: string, prefix: string, ...parts: string[]): SeqattnError {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}, nothing thrown`);
  assert.instance(err, SeqattnError, `expected a SeqattnError, got ${String(err)}`);
  const e = err as SeqattnError;
  assert.is(e.code, code, `code (message: ${e.message})`);
  assert.ok(e.message.startsWith(prefix), `message should start with '${prefix}': ${e.message}`);
  for (const p of parts) assert.ok(e.message.includes(p), `message should contain '${p}': ${e.message}`);
  return e;
}

/** A file with a hand-written header (object or raw string) and data section. */
function craft(header: unknown, data: Uint8Array | number = 0, headerLen?: [number, number]): Uint8Array {
  return withHeader(null, typeof data === 'number' ? new Uint8Array(data) : data, typeof header === 'string' ? header : JSON.stringify(header), headerLen);
}

function f32s(xs: number[]): number[] {
  return Array.from(new Float32Array(xs));
}

// ---------------------------------------------------------------------------------------------
// Round trips

test('round trip: many dtypes and shapes, metadata, sorted names, aligned data', () => {
  const f32 = new Float32Array([1.5, -2.25, 3e-8, 1e30, 0, -0]);
  const f64 = new Float64Array([Math.PI, -1e-300, 2.5]);
  const i32 = new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 7]);
  const i16 = new Int16Array([-32768, 32767]);
  const i8 = new Int8Array([-128, 127, 3]);
  const u8 = new Uint8Array([0, 255, 9, 1]);
  const b = new Uint8Array([1, 0, 1]);
  const i64 = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 5n]);
  const bytes = writeSafetensors({
    'z.weight': { shape: [2, 3], data: f32 },
    'a.f64': { shape: [3], data: f64 },
    'm.i32': { shape: [2, 2], data: i32 },
    'm.i16': { shape: [2], data: i16 },
    'm.i8': { shape: [3, 1], data: i8 },
    'm.u8': { shape: [4], data: u8 },
    'm.bool': { dtype: 'BOOL', shape: [3], data: b },
    'm.i64': { shape: [3], data: i64 },
    scalar: { shape: [], data: new Float32Array([42]) },
    empty: { shape: [0, 3], data: new Float32Array(0) },
    'üñí.code': { shape: [1], data: new Float32Array([7]) },
  }, { seqattn: '{"hidden_size": 4}', note: 'hi' });

  const hlen = new DataView(bytes.buffer).getUint32(0, true);
  assert.is((8 + hlen) % 8, 0, 'data section 8-byte aligned');
  const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + hlen));
  assert.ok(/ *$/.test(headerText));
  const keys = Object.keys(JSON.parse(headerText));
  assert.equal(keys, ['__metadata__', 'a.f64', 'empty', 'm.bool', 'm.i16', 'm.i32', 'm.i64', 'm.i8', 'm.u8', 'scalar', 'z.weight', 'üñí.code']);

  const f = readSafetensors(bytes, FILE);
  assert.is(f.fileName, FILE);
  assert.is(f.dataStart, 8 + hlen);
  assert.equal(f.metadata, { seqattn: '{"hidden_size": 4}', note: 'hi' });
  assert.is(f.tensors.size, 11);
  assert.ok(f.has('z.weight'));
  assert.not.ok(f.has('nope'));

  const z = f.info('z.weight');
  assert.is(z.dtype, 'F32');
  assert.equal(z.shape, [2, 3]);
  assert.is(z.end - z.begin, 24);
  assert.ok(z.begin >= f.dataStart && z.end <= bytes.length, 'absolute file offsets');
  assert.equal(Array.from(f.float32('z.weight', [2, 3])), Array.from(f32));
  assert.ok(Object.is(f.float32('z.weight')[5], -0));
  assert.equal(Array.from(f.float32('a.f64')), f32s([Math.PI, -1e-300, 2.5]));
  assert.equal(Array.from(f.float32('scalar', [])), [42]);
  assert.equal(f.info('scalar').shape, []);
  assert.equal(Array.from(f.float32('empty', [0, 3])), []);
  assert.is(f.info('empty').begin, f.info('empty').end);
  assert.equal(Array.from(f.float32('üñí.code')), [7]);

  const raw = (name: string) => {
    const r = f.raw(name);
    return new DataView(r.buffer, r.byteOffset, r.byteLength);
  };
  assert.equal(f.info('m.i32').dtype, 'I32');
  assert.equal([0, 1, 2, 3].map((i) => raw('m.i32').getInt32(4 * i, true)), Array.from(i32));
  assert.equal([0, 1].map((i) => raw('m.i16').getInt16(2 * i, true)), Array.from(i16));
  assert.equal([0, 1, 2].map((i) => raw('m.i8').getInt8(i)), Array.from(i8));
  assert.equal(Array.from(f.raw('m.u8')), Array.from(u8));
  assert.equal(f.info('m.bool').dtype, 'BOOL');
  assert.equal(Array.from(f.raw('m.bool')), [1, 0, 1]);
  assert.equal(f.info('m.i64').dtype, 'I64');
  assert.equal([0, 1, 2].map((i) => raw('m.i64').getBigInt64(8 * i, true)), Array.from(i64));
});

test('round trip: F16 and BF16 written from float32 values', () => {
  const vals = [1, -2, 0.5, 65504, 2 ** -24, 0.1];
  const f = readSafetensors(writeSafetensors({
    h: { dtype: 'F16', shape: [6], data: new Float32Array(vals) },
    b: { dtype: 'BF16', shape: [2, 3], data: new Float64Array(vals) },
  }));
  const h = f.float32('h', [6]);
  assert.equal(Array.from(h.subarray(0, 5)), [1, -2, 0.5, 65504, 2 ** -24]);
  assert.is(h[5], f16ToNumber(0x2e66)); // 0.1 in binary16 is 0x2E66 = 0.0999755859375
  assert.is(h[5], 0.0999755859375);
  const b = f.float32('b', [2, 3]);
  assert.equal(Array.from(b.subarray(0, 3)), [1, -2, 0.5]);
  assert.is(b[3], 65536);                // 65504 rounds to 0x4780 in bfloat16
  assert.is(b[4], 2 ** -24);
  assert.is(b[5], bf16ToNumber(0x3dcd)); // 0.1 in bfloat16 is 0x3DCD = 0.10009765625
  assert.is(b[5], 0.10009765625);
  assert.is(f.fileName, '<memory>');
});

test('F32 data at an unaligned offset is read little-endian correctly', () => {
  const vals = f32s([1.25, -3.5, 1e-20, 123456.789]);
  const file = writeSafetensors({ w: { shape: [4], data: new Float32Array(vals) } });
  const buf = new Uint8Array(file.length + 3);
  buf.set(file, 3);
  const view = buf.subarray(3);
  assert.is(view.byteOffset % 4, 3);
  const f = readSafetensors(view, 'odd.safetensors');
  assert.equal(Array.from(f.float32('w', [4])), vals);
  // Also a tensor whose own offset within the data section is not a multiple of 4.
  const data = new Uint8Array(1 + 8);
  new DataView(data.buffer).setFloat32(1, 2.5, true);
  new DataView(data.buffer).setFloat32(5, -0.75, true);
  const g = readSafetensors(craft({ pad: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, w: { dtype: 'F32', shape: [2], data_offsets: [1, 9] } }, data));
  assert.equal(Array.from(g.float32('w')), [2.5, -0.75]);
});

// ---------------------------------------------------------------------------------------------
// F16 / BF16 conversion against hand-computed values

test('F16 bits: hand-computed values, subnormals, signed zero, infinities', () => {
  const cases: [number, number][] = [
    [0x3c00, 1], [0xc000, -2], [0x3800, 0.5], [0x7bff, 65504], [0x3555, 0.333251953125],
    [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x8001, -(2 ** -24)],
    [0x0000, 0], [0x7c00, Infinity], [0xfc00, -Infinity], [0x4248, 3.140625],
  ];
  for (const [bits, v] of cases) assert.is(f16ToNumber(bits), v, `0x${bits.toString(16)}`);
  assert.ok(Object.is(f16ToNumber(0x8000), -0));
  assert.ok(Number.isNaN(f16ToNumber(0x7e00)));

  // Through a file: raw bits in a Uint16Array are written unchanged.
  const finite = cases.filter(([, v]) => Number.isFinite(v));
  const f = readSafetensors(writeSafetensors({ h: { dtype: 'F16', shape: [finite.length], data: new Uint16Array(finite.map(([b]) => b)) } }));
  assert.equal(Array.from(f.float32('h')), finite.map(([, v]) => v));
});

test('BF16 bits: hand-computed values', () => {
  const cases: [number, number][] = [
    [0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x3f00, 0.5], [0x7f7f, 3.3895313892515355e38],
    [0x0001, 2 ** -133], [0x0080, 2 ** -126], [0x8000, -0],
  ];
  for (const [bits, v] of cases) assert.ok(Object.is(bf16ToNumber(bits), v), `0x${bits.toString(16)}: ${bf16ToNumber(bits)}`);
  const f = readSafetensors(writeSafetensors({ b: { dtype: 'BF16', shape: [cases.length], data: new Uint16Array(cases.map(([b]) => b)) } }));
  const got = f.float32('b');
  cases.forEach(([, v], i) => assert.ok(Object.is(got[i], v), `index ${i}: ${got[i]} vs ${v}`));
});

test('float -> F16 / BF16 rounding is nearest-even and inverts the decoders', () => {
  assert.is(numberToF16(1), 0x3c00);
  assert.is(numberToF16(-2), 0xc000);
  assert.is(numberToF16(1 + 2 ** -11), 0x3c00);          // tie -> even
  assert.is(numberToF16(1 + 3 * 2 ** -11), 0x3c02);      // tie -> even (up)
  assert.is(numberToF16(1 + 2 ** -11 + 2 ** -20), 0x3c01);
  assert.is(numberToF16(65504), 0x7bff);
  assert.is(numberToF16(65519), 0x7bff);
  assert.is(numberToF16(65520), 0x7c00);                 // rounds to infinity
  assert.is(numberToF16(1e10), 0x7c00);
  assert.is(numberToF16(-1e10), 0xfc00);
  assert.is(numberToF16(2 ** -25), 0x0000);              // tie between 0 and the smallest subnormal
  assert.is(numberToF16(1.5 * 2 ** -25), 0x0001);
  assert.is(numberToF16(3 * 2 ** -25), 0x0002);          // tie 1|2 -> even
  assert.is(numberToF16(2 ** -14 - 2 ** -25), 0x0400);   // largest subnormal rounds up into the normals
  assert.is(numberToF16(-0), 0x8000);
  assert.is(numberToF16(1e-30), 0);
  assert.is(numberToF16(NaN) & 0x7e00, 0x7e00);
  assert.is(numberToBf16(1), 0x3f80);
  assert.is(numberToBf16(Math.PI), 0x4049);
  assert.is(numberToBf16(1 + 2 ** -8), 0x3f80);          // tie -> even
  assert.is(numberToBf16(1 + 3 * 2 ** -8), 0x3f82);
  assert.is(numberToBf16(Infinity), 0x7f80);
  assert.ok(Number.isNaN(bf16ToNumber(numberToBf16(NaN))));
  for (let bits = 0; bits < 0x10000; bits++) {
    const h = f16ToNumber(bits);
    if (!Number.isNaN(h) && numberToF16(h) !== bits) assert.unreachable(`f16 0x${bits.toString(16)} -> ${h} -> 0x${numberToF16(h).toString(16)}`);
    const b = bf16ToNumber(bits);
    if (!Number.isNaN(b) && numberToBf16(b) !== bits) assert.unreachable(`bf16 0x${bits.toString(16)} -> ${b} -> 0x${numberToBf16(b).toString(16)}`);
  }
});

// ---------------------------------------------------------------------------------------------
// A file written by real PyTorch (optional fixture)

test('a fixture written by PyTorch, if present, parses', () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
  const files = existsSync(fixtures)
    ? readdirSync(fixtures).flatMap((d) => [join(fixtures, d, 'model.safetensors'),
        join(fixtures, d, 'two-file', 'encoder.safetensors'), join(fixtures, d, 'two-file', 'decoder.safetensors')])
      .filter((p) => existsSync(p))
    : [];
  if (files.length === 0) { console.log('  (no test/fixtures/*/model.safetensors yet: skipped)'); return; }
  for (const path of files) {
    const bytes = new Uint8Array(readFileSync(path));
    const f = readSafetensors(bytes, path);
    assert.ok(f.tensors.size > 0, `${path} has tensors`);
    for (const t of f.tensors.values()) {
      assert.ok(/^[A-Za-z0-9_.]+$/.test(t.name), `state_dict-like name: ${t.name}`);
      assert.ok(t.shape.every((d) => Number.isInteger(d) && d >= 0));
      if (['F32', 'F16', 'BF16', 'F64'].includes(t.dtype)) {
        const v = f.float32(t.name, t.shape);
        assert.is(v.length, t.shape.reduce((a, b) => a * b, 1));
      }
    }
    const sizes = [...f.tensors.values()].reduce((a, t) => a + (t.end - t.begin), 0);
    assert.is(sizes, bytes.length - f.dataStart, 'tensors tile the data section (as PyTorch writers do)');
    assert.is(f.dataStart % 8, 0, 'data section 8-byte aligned');
    // GRU weight_hh rows r, z, n (3H); LSTM (luong, sutskever) i, f, g, o (4H)
    const config = 'seqattn' in f.metadata ? JSON.parse(f.metadata.seqattn) : {};
    const lstm = ['luong', 'sutskever', 'bentrevett-1'].includes(config.architecture) || (config.architecture === 'opennmt-rnn' && (config.cell ?? 'lstm') === 'lstm');
    const gates = lstm ? 4 : 3;
    for (const t of f.tensors.values()) {
      if (/weight_hh_l\d+(_reverse)?$/.test(t.name)) assert.is(t.shape[0], gates * t.shape[1], `${t.name} is [${gates}H, H]`);
      if (/bias_(ih|hh)_l0(_reverse)?$/.test(t.name)) assert.is(t.shape.length, 1, `${t.name} is 1-D`);
    }
    const emb = f.has('encoder.embedding.weight') ? f.info('encoder.embedding.weight')
      : [...f.tensors.values()].find((t) => t.name.endsWith('encoder.embedding.weight'));
    if (emb) assert.is(emb.shape.length, 2, 'embedding is 2-D');
    const rnn = [...f.tensors.values()].find((t) => /weight_hh_l0$/.test(t.name));
    if (rnn) assert.is(rnn.shape[0] % gates, 0, `weight_hh rows are ${gates}H`);
    if ('seqattn' in f.metadata) assert.type(JSON.parse(f.metadata.seqattn), 'object');
  }
});

// ---------------------------------------------------------------------------------------------
// readSafetensors errors

test('E_FILE_TRUNCATED: fewer than 8 bytes', () => {
  for (let n = 0; n < 8; n++) throwsCode(() => readSafetensors(new Uint8Array(n), FILE), 'E_FILE_TRUNCATED', FILE, `${n} bytes`);
});

test('E_HEADER_LENGTH: header past the end, including huge u64 values', () => {
  const ok = writeSafetensors({ a: { shape: [1], data: new Float32Array([1]) } });
  const size = ok.length;
  const bad = ok.slice();
  new DataView(bad.buffer).setUint32(0, size, true);      // 8 + size > size
  throwsCode(() => readSafetensors(bad, FILE), 'E_HEADER_LENGTH', FILE, `header length ${size}`, `file size ${size}`);
  const exact = ok.slice();
  new DataView(exact.buffer).setUint32(0, size - 7, true); // one byte too many
  throwsCode(() => readSafetensors(exact, FILE), 'E_HEADER_LENGTH', FILE, `${size - 7}`);
  throwsCode(() => readSafetensors(craft('{}', 0, [0, 2 ** 28]), FILE), 'E_HEADER_LENGTH', FILE, '1152921504606846976'); // 2^60
  throwsCode(() => readSafetensors(craft('{}', 0, [0, 1]), FILE), 'E_HEADER_LENGTH', FILE, '4294967296');
  throwsCode(() => readSafetensors(craft('{}', 0, [0xffffffff, 0xffffffff]), FILE), 'E_HEADER_LENGTH', FILE, '18446744073709551615');
  throwsCode(() => readSafetensors(craft('{}', 0, [2, 0]).subarray(0, 9), FILE), 'E_HEADER_LENGTH', FILE, 'file size 9');
});

test('E_HEADER_JSON: header not UTF-8 JSON object', () => {
  const badUtf8 = craft('{"a":1}');
  badUtf8[9] = 0xff;
  throwsCode(() => readSafetensors(badUtf8, FILE), 'E_HEADER_JSON', FILE, 'UTF-8');
  let parserMessage = '';
  try { JSON.parse('{"a": '); } catch (e) { parserMessage = (e as Error).message; }
  throwsCode(() => readSafetensors(craft('{"a": '), FILE), 'E_HEADER_JSON', FILE, 'not valid JSON', parserMessage);
  throwsCode(() => readSafetensors(craft(''), FILE), 'E_HEADER_JSON', FILE, 'not valid JSON');
  throwsCode(() => readSafetensors(craft('[1, 2]'), FILE), 'E_HEADER_JSON', FILE, 'array', 'not a JSON object');
  throwsCode(() => readSafetensors(craft('null'), FILE), 'E_HEADER_JSON', FILE, 'null');
  throwsCode(() => readSafetensors(craft('3'), FILE), 'E_HEADER_JSON', FILE, 'number');
  throwsCode(() => readSafetensors(craft('"x"'), FILE), 'E_HEADER_JSON', FILE, 'string');
  // Trailing spaces (the format's padding) and an empty object are fine.
  assert.is(readSafetensors(craft('{}    ')).tensors.size, 0);
});

test('E_HEADER_JSON: malformed entries name the tensor and the field', () => {
  const good = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const cases: [unknown, string][] = [
    [5, 'entry'],
    [[1], 'entry'],
    [null, 'entry'],
    [{ shape: [2], data_offsets: [0, 8] }, "'dtype' is missing"],
    [{ ...good, dtype: 4 }, "'dtype'"],
    [{ dtype: 'F32', data_offsets: [0, 8] }, "'shape' is missing"],
    [{ ...good, shape: 'x' }, "'shape'"],
    [{ ...good, shape: [-2] }, "'shape' is [-2]"],
    [{ ...good, shape: [1.5] }, "'shape'"],
    [{ ...good, shape: ['2'] }, "'shape'"],
    [{ ...good, shape: [2 ** 60] }, "'shape'"],
    [{ dtype: 'F32', shape: [2] }, "'data_offsets' is missing"],
    [{ ...good, data_offsets: [0, 8, 9] }, "'data_offsets' is [0,8,9]"],
    [{ ...good, data_offsets: [0] }, "'data_offsets'"],
    [{ ...good, data_offsets: [-1, 7] }, "'data_offsets'"],
    [{ ...good, data_offsets: [0, 8.5] }, "'data_offsets'"],
    [{ ...good, data_offsets: { begin: 0, end: 8 } }, "'data_offsets'"],
  ];
  for (const [entry, field] of cases) {
    throwsCode(() => readSafetensors(craft({ 'ok.w': good, 'enc.w': entry }, 16), FILE),
      'E_HEADER_JSON', FILE, "tensor 'enc.w'", field);
  }
});

test('E_HEADER_JSON: __metadata__ must be a string->string map', () => {
  throwsCode(() => readSafetensors(craft({ __metadata__: 'x' }), FILE), 'E_HEADER_JSON', FILE, '__metadata__', 'string');
  throwsCode(() => readSafetensors(craft({ __metadata__: ['a'] }), FILE), 'E_HEADER_JSON', FILE, '__metadata__', 'array');
  throwsCode(() => readSafetensors(craft({ __metadata__: null }), FILE), 'E_HEADER_JSON', FILE, '__metadata__', 'null');
  throwsCode(() => readSafetensors(craft({ __metadata__: { seqattn: { a: 1 } } }), FILE), 'E_HEADER_JSON', FILE, '__metadata__', "'seqattn'", 'object');
  throwsCode(() => readSafetensors(craft({ __metadata__: { n: 3 } }), FILE), 'E_HEADER_JSON', FILE, '__metadata__', "'n'", 'number 3');
  const f = readSafetensors(craft('{"__metadata__": {"__proto__": "p", "format": "pt"}}'));
  assert.is(Object.getPrototypeOf(f.metadata), Object.prototype);
  assert.equal(Object.keys(f.metadata).sort(), ['__proto__', 'format']);
  assert.is(f.metadata.format, 'pt');
});

test('E_TENSOR_DTYPE: unknown dtype names file and tensor', () => {
  throwsCode(() => readSafetensors(craft({ 'decoder.out.weight': { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, 2), FILE),
    'E_TENSOR_DTYPE', FILE, "tensor 'decoder.out.weight'", 'F8_E4M3');
  throwsCode(() => readSafetensors(craft({ w: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, 4), FILE),
    'E_TENSOR_DTYPE', FILE, "tensor 'w'", '"f32"');
  // Every listed dtype parses.
  const all: [Dtype, number][] = [['F32', 4], ['F16', 2], ['BF16', 2], ['F64', 8], ['I64', 8], ['I32', 4], ['I16', 2], ['I8', 1], ['U8', 1], ['BOOL', 1]];
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [d, s] of all) { header[`t.${d}`] = { dtype: d, shape: [3], data_offsets: [off, off + 3 * s] }; off += 3 * s; }
  const f = readSafetensors(craft(header, off));
  for (const [d] of all) assert.is(f.info(`t.${d}`).dtype, d);
});

test('E_TENSOR_OFFSETS: out of range, wrong size, overlapping', () => {
  throwsCode(() => readSafetensors(craft({ 'enc.w': { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 8), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'enc.w'", '[8, 4]', 'end before begin', 'data section size 8');
  throwsCode(() => readSafetensors(craft({ 'enc.w': { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, 8), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'enc.w'", '[0, 12]', 'past the end', 'data section size 8');
  throwsCode(() => readSafetensors(craft({ 'enc.w': { dtype: 'F32', shape: [0], data_offsets: [9, 9] } }, 8), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'enc.w'", 'data section size 8');
  throwsCode(() => readSafetensors(craft({ 'enc.w': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 24), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'enc.w'", '20 bytes', '24 bytes', '[2, 3]');
  throwsCode(() => readSafetensors(craft({ 'enc.h': { dtype: 'F16', shape: [3], data_offsets: [0, 12] } }, 24), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'enc.h'", '12 bytes', '6 bytes');
  throwsCode(() => readSafetensors(craft({ s: { dtype: 'F64', shape: [], data_offsets: [0, 4] } }, 8), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 's'", '4 bytes', '8 bytes');
  throwsCode(() => readSafetensors(craft({ big: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] } }, 8), FILE),
    'E_TENSOR_OFFSETS', FILE, "tensor 'big'");

  // Overlaps, with the two tensors far apart in header order (so it is not a neighbour check).
  const header: Record<string, unknown> = {};
  header['first.w'] = { dtype: 'F32', shape: [4], data_offsets: [100, 116] };
  for (let i = 0; i < 50; i++) header[`mid.${i}`] = { dtype: 'F32', shape: [1], data_offsets: [200 + 4 * i, 204 + 4 * i] };
  header['last.w'] = { dtype: 'F32', shape: [2], data_offsets: [112, 120] };
  throwsCode(() => readSafetensors(craft(header, 400), FILE), 'E_TENSOR_OFFSETS', FILE, "'first.w'", "'last.w'", 'overlap');
  // A range nested inside a long one, after a short one in between.
  throwsCode(() => readSafetensors(craft({
    long: { dtype: 'U8', shape: [100], data_offsets: [0, 100] },
    short: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
    inner: { dtype: 'U8', shape: [1], data_offsets: [50, 51] },
  }, 100), FILE), 'E_TENSOR_OFFSETS', FILE, "'long'", 'overlap');
  const nested = (() => { try { readSafetensors(craft({
    long: { dtype: 'U8', shape: [100], data_offsets: [0, 100] },
    b: { dtype: 'U8', shape: [1], data_offsets: [10, 11] },
    c: { dtype: 'U8', shape: [1], data_offsets: [60, 61] },
  }, 100), FILE); } catch (e) { return (e as Error).message; } return ''; })();
  assert.ok(nested.includes("'long'"), nested);

  // Touching ranges, gaps and zero-size tensors anywhere (even inside another range) are fine.
  const f = readSafetensors(craft({
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    z: { dtype: 'F32', shape: [3, 0], data_offsets: [4, 4] },
    e: { dtype: 'F32', shape: [0], data_offsets: [20, 20] },
    c: { dtype: 'U8', shape: [2], data_offsets: [16, 18] },
  }, 20));
  assert.equal(f.info('z').shape, [3, 0]);
  assert.is(f.float32('z', [3, 0]).length, 0);
});

test('many tensors: offsets validated without quadratic work', () => {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (let i = 0; i < 20000; i++) tensors[`layer.${i}.w`] = { shape: [2], data: new Float32Array([i, -i]) };
  const bytes = writeSafetensors(tensors);
  const t0 = Date.now();
  const f = readSafetensors(bytes);
  const ms = Date.now() - t0;
  assert.is(f.tensors.size, 20000);
  assert.equal(Array.from(f.float32('layer.12345.w', [2])), [12345, -12345]);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

// ---------------------------------------------------------------------------------------------
// SafetensorsFile.float32 checks

function model() {
  const nonfinite = new Float32Array(50);
  nonfinite[37] = NaN;                      // flat 37 in [5, 10] is [3, 7]
  const inf16 = new Uint16Array(6).fill(0x3c00);
  inf16[5] = 0xfc00;                        // -Infinity at [1, 2] of [2, 3]
  const f64 = new Float64Array([1, 2, 1e300, 4]);
  return readSafetensors(writeSafetensors({
    'decoder.gru.weight_ih_l0': { shape: [39, 13], data: new Float32Array(39 * 13) },
    'decoder.gru.weight_hh_l0': { shape: [39, 13], data: new Float32Array(39 * 13) },
    'decoder.gru.bias_ih_l0': { shape: [39], data: new Float32Array(39) },
    'encoder.embedding.weight': { shape: [5, 13], data: new Float32Array(65) },
    'decoder.out.weight': { shape: [5, 10], data: nonfinite },
    'ids': { shape: [3], data: new Int32Array([1, 2, 3]) },
    'half': { dtype: 'F16', shape: [2, 3], data: inf16 },
    'wide': { shape: [4], data: f64 },
    'bnan': { dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0x7fc0]) },
    'scalar_nan': { shape: [], data: new Float32Array([Infinity]) },
    'wide_nan_first': { shape: [3], data: new Float64Array([1, NaN, 1e300]) },
  }), FILE);
}

test('float32: E_TENSOR_MISSING lists similar names', () => {
  const f = model();
  const e = throwsCode(() => f.float32('decoder.gru.weight_ih_l1'), 'E_TENSOR_MISSING', FILE,
    "tensor 'decoder.gru.weight_ih_l1'", "'decoder.gru.weight_ih_l0'", 'most similar');
  assert.ok(e.message.indexOf("'decoder.gru.weight_ih_l0'") < e.message.indexOf("'decoder.gru.weight_hh_l0'"), e.message);
  assert.not.ok(e.message.includes("'ids'"), 'only a few names listed');
  throwsCode(() => f.float32('model.encoder.embedding.weight'), 'E_TENSOR_MISSING', FILE, "'encoder.embedding.weight'");
  throwsCode(() => f.info('nope'), 'E_TENSOR_MISSING', FILE, "'nope'");
  throwsCode(() => f.raw('nope'), 'E_TENSOR_MISSING', FILE, "'nope'");
  throwsCode(() => readSafetensors(craft({}), 'empty.safetensors').float32('x'), 'E_TENSOR_MISSING', 'empty.safetensors', "'x'", 'no tensors');
});

test('float32: E_TENSOR_DTYPE for a non-floating tensor', () => {
  throwsCode(() => model().float32('ids'), 'E_TENSOR_DTYPE', FILE, "tensor 'ids'", 'I32');
});

test('float32: E_TENSOR_SHAPE with the explanation', () => {
  const f = model();
  const e = throwsCode(() => f.float32('decoder.gru.weight_ih_l0', [39, 26], '3*hidden_size, embedding_size+hidden_size'), 'E_TENSOR_SHAPE', FILE);
  assert.is(e.message, "model.safetensors: tensor 'decoder.gru.weight_ih_l0' has shape [39, 13], expected [39, 26] (3*hidden_size, embedding_size+hidden_size)");
  const e2 = throwsCode(() => f.float32('decoder.gru.bias_ih_l0', [39, 1]), 'E_TENSOR_SHAPE', FILE);
  assert.is(e2.message, "model.safetensors: tensor 'decoder.gru.bias_ih_l0' has shape [39], expected [39, 1]");
  throwsCode(() => f.float32('decoder.gru.bias_ih_l0', []), 'E_TENSOR_SHAPE', FILE, 'expected []');
  assert.is(f.float32('decoder.gru.bias_ih_l0', [39]).length, 39);
});

test('float32: E_TENSOR_NONFINITE names flat and multi-dimensional index and value', () => {
  const f = model();
  throwsCode(() => f.float32('decoder.out.weight'), 'E_TENSOR_NONFINITE', FILE,
    "tensor 'decoder.out.weight'", 'NaN', 'flat index 37', '[3, 7]');
  throwsCode(() => f.float32('half', [2, 3]), 'E_TENSOR_NONFINITE', FILE, "tensor 'half'", '-Infinity', 'flat index 5', '[1, 2]');
  throwsCode(() => f.float32('wide'), 'E_TENSOR_NONFINITE', FILE, "tensor 'wide'", '1e+300', 'float32', 'flat index 2', '[2]');
  throwsCode(() => f.float32('wide_nan_first'), 'E_TENSOR_NONFINITE', FILE, "tensor 'wide_nan_first'", 'NaN', 'flat index 1');
  throwsCode(() => f.float32('bnan'), 'E_TENSOR_NONFINITE', FILE, "tensor 'bnan'", 'NaN', 'flat index 1');
  throwsCode(() => f.float32('scalar_nan'), 'E_TENSOR_NONFINITE', FILE, "tensor 'scalar_nan'", 'Infinity', 'flat index 0', 'index []');
  // Failing checks leave the file usable.
  assert.is(f.float32('encoder.embedding.weight', [5, 13]).length, 65);
});

// ---------------------------------------------------------------------------------------------
// writeSafetensors errors

test('writeSafetensors rejects inconsistent input', () => {
  const W = 'writeSafetensors';
  throwsCode(() => writeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } }), 'E_TENSOR_SHAPE', W, "'w'", '6', '5');
  throwsCode(() => writeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } }), 'E_TENSOR_SHAPE', W, "'w'");
  throwsCode(() => writeSafetensors({ w: { dtype: 'I32', shape: [1], data: new Float32Array(1) } }), 'E_TENSOR_DTYPE', W, "'w'", 'I32');
  throwsCode(() => writeSafetensors({ w: { shape: [1], data: new Uint16Array(1) } }), 'E_TENSOR_DTYPE', W, "'w'", 'Uint16Array');
  throwsCode(() => writeSafetensors({ w: { dtype: 'X' as Dtype, shape: [1], data: new Float32Array(1) } }), 'E_TENSOR_DTYPE', W, "'w'", '"X"');
  throwsCode(() => writeSafetensors({ w: { dtype: 'I8', shape: [2], data: new Int32Array([1, 200]) } }), 'E_TENSOR_DTYPE', W, "'w'", '200', 'flat index 1');
  throwsCode(() => writeSafetensors({ w: { dtype: 'BOOL', shape: [1], data: new Uint8Array([2]) } }), 'E_TENSOR_DTYPE', W, "'w'", 'BOOL');
  throwsCode(() => writeSafetensors({ __metadata__: { shape: [0], data: new Float32Array(0) } }), 'E_HEADER_JSON', W, '__metadata__');
  throwsCode(() => writeSafetensors({}, { a: 1 as unknown as string }), 'E_HEADER_JSON', W, "'a'");
  // Integer arrays convert to other integer dtypes within range, and to floats.
  const f = readSafetensors(writeSafetensors({
    a: { dtype: 'I64', shape: [2], data: new Int32Array([-5, 6]) },
    b: { dtype: 'F32', shape: [2], data: new Int32Array([-5, 6]) },
    c: { dtype: 'U8', shape: [1], data: new Int32Array([255]) },
    ['__proto__']: { shape: [1], data: new Float32Array([9]) },
  } as Record<string, { dtype?: Dtype; shape: number[]; data: Int32Array | Float32Array }>));
  const a = f.raw('a');
  assert.equal([0, 1].map((i) => new DataView(a.buffer, a.byteOffset).getBigInt64(8 * i, true)), [-5n, 6n]);
  assert.equal(Array.from(f.float32('b')), [-5, 6]);
  assert.equal(Array.from(f.raw('c')), [255]);
  assert.equal(Array.from(f.float32('__proto__')), [9]);
});

test.run();
