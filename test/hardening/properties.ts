// Property-based checks (fast-check) of what reads untrusted input: the safetensors reader, the
// config parser, the load path and the translate options. Each property holds when the call either
// succeeds with a result that keeps its invariants, or throws a SeqattnError with a bounded message;
// anything else (a TypeError, a RangeError, a Wasm trap, a changed later output) is a failure.
// Run a few thousand cases by test/hardening/fuzz.test.ts (npm test) and 100,000+ by tools/fuzz.ts (npm run fuzz).
import fc from 'fast-check';
import { CONFIG_LIMITS, estimateModelBytes } from '../../src/limits.js';
import { SeqattnError } from '../../src/errors.js';
import { loadModelFrom, parseClassifierConfig, parseConfig, readSafetensors, writeSafetensors, type Seq2SeqModel } from '../../src/node.js';
import { DTYPE_SIZE } from '../../src/safetensors.js';
import { tinyBahdanau } from '../decode/tiny.js';
import { withHeader } from './helpers.js';

/** Longest message a SeqattnError may have: names and values are quoted cut, so a few hundred characters. */
export const MAX_MESSAGE = 1000;

/** fast-check parameters: a failure is reported with its counterexample cut (a case may hold a 100 kB string). */
export function runParameters<T>(numRuns: number, seed?: number): fc.Parameters<T> {
  return {
    numRuns, seed,
    reporter: (details) => {
      if (details.failed) throw new Error(fc.defaultReportMessage(details)!.slice(0, 3000));
    },
  };
}

/** Rethrows anything that is not a SeqattnError with a bounded message. */
export function typed(e: unknown): void {
  if (!(e instanceof SeqattnError) || typeof e.code !== 'string' || !e.code.startsWith('E_')) throw e;
  if (e.message.length > MAX_MESSAGE) throw new Error(`${e.code} message of ${e.message.length} characters: ${e.message.slice(0, 200)}`);
}

/** A value nested `depth` deep ([[[...1...]]]), built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** In a header, replaced by an array nested 100,000 deep in the JSON text (JSON.stringify would overflow building it). */
const DEEP_MARK = '\u0000deep';

/** Numbers a size field should never take whole: past i32 and u32, not safe, not finite, negative, fractional. */
const hostileNumber = fc.constantFrom(0, -1, 0.5, 2 ** 31, 2 ** 32, 2 ** 32 + 64, 2 ** 53 + 2, 1e308, -0, 65536, 65537, 262144, 30000, NaN, Infinity);
/** Any JSON-like value a config or header field might hold, hostile ones weighted up. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: fc.integer({ min: -5, max: 300 }), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  { arbitrary: fc.constantFrom(10, 5000, 100_000).map(nested), weight: 1 },
  { arbitrary: fc.constant(DEEP_MARK), weight: 1 },
  { arbitrary: fc.constant('x'.repeat(10_000)), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// safetensors

const dtypes = Object.keys(DTYPE_SIZE);
const tensorEntry: fc.Arbitrary<unknown> = fc.oneof(
  // well-formed-ish: small shapes and offsets that often fit the data section
  fc.record({
    dtype: fc.oneof(fc.constantFrom(...dtypes), fc.string({ maxLength: 6 })),
    shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 6 }), hostileNumber), { maxLength: 4 }), hostileValue),
    data_offsets: fc.oneof(fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })), fc.array(hostileValue, { maxLength: 3 })),
  }, { requiredKeys: [] }),
  hostileValue,
);
const header = fc.record({
  tensors: fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString')), tensorEntry, { maxKeys: 5 }),
  metadata: fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), hostileValue), { maxKeys: 3 }), hostileValue)),
});

/** A safetensors file: random bytes, or a header of random entries over a random data section, length field sometimes corrupted. */
export const safetensorsFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 96 }),
  fc.tuple(header, fc.uint8Array({ maxLength: 96 }), fc.option(fc.tuple(fc.nat(), fc.nat()), { freq: 8 })).map(([h, data, length]) => {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(h.tensors)) Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (h.metadata !== null) obj.__metadata__ = h.metadata;
    let text: string;
    try { text = JSON.stringify(obj); } catch { text = `{"deep": "${DEEP_MARK}"}`; } // a value nested too deep for JSON.stringify
    return withHeader(null, data, text.replaceAll(JSON.stringify(DEEP_MARK), '['.repeat(100_000) + ']'.repeat(100_000)), length ?? undefined);
  }),
);

/** readSafetensors: a file whose every tensor lies inside the data section, sized by dtype x shape, no two overlapping; or a typed error. */
export function safetensorsProperty() {
  return fc.property(safetensorsFile, (bytes) => {
    let f;
    try { f = readSafetensors(bytes, 'fuzz.safetensors'); } catch (e) { typed(e); return; }
    const ranges = [...f.tensors.values()];
    for (const t of ranges) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (t.begin < f.dataStart || t.end > bytes.length || t.end - t.begin !== n * DTYPE_SIZE[t.dtype]) throw new Error(`tensor ${t.name} out of bounds`);
      try {
        const x = f.float32(t.name);
        if (x.length !== n) throw new Error(`float32(${t.name}) has ${x.length} values, shape says ${n}`);
      } catch (e) { typed(e); }
    }
    const sorted = ranges.filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
    for (let i = 1; i < sorted.length; i++) if (sorted[i].begin < sorted[i - 1].end) throw new Error('overlapping tensors accepted');
  });
}

// ---------------------------------------------------------------------------------------------
// configs

const tiny = tinyBahdanau({ E: 4, n: 3, H: 5, A: 4, l: 2, Vs: 9, Vt: 7, maxSource: 12, maxTarget: 6, seed: 3 });
/** The bytes of a small valid model, and its config. */
export const tinyModel = { config: tiny.config, bytes: writeSafetensors(tiny.tensors, { seqattn: JSON.stringify(tiny.config) }) };

const configKeys = [...Object.keys(tiny.config), 'num_layers', 'window', 'feature_size', 'target_unk_id', 'source_unk_id', 'reverse_source',
  'bidirectional_encoder', 'input_feeding', 'attention', 'local_score', 'tensor_prefix', '__proto__'];
/** The tiny model's config with some fields given hostile values, some removed, its architecture sometimes changed. */
export const fuzzedConfig: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  fc.dictionary(fc.constantFrom(...configKeys), fc.oneof(hostileValue, fc.constant(undefined)), { maxKeys: 4 }),
  fc.option(fc.constantFrom('cho', 'sutskever', 'pytorch-tutorial', 'luong', 'show-attend-tell', 'bahdanau')),
).map(([edits, arch]) => {
  const c: Record<string, unknown> = { ...tiny.config };
  if (arch) c.architecture = arch;
  for (const [k, v] of Object.entries(edits)) {
    if (v === undefined) delete c[k];
    else Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return c;
});

/** parseConfig: a config within every limit (ids inside their vocabularies, a finite memory estimate); or E_CONFIG. */
export function configProperty() {
  return fc.property(fuzzedConfig, (raw) => {
    let c;
    try { c = parseConfig(raw, 'fuzz'); } catch (e) { typed(e); if ((e as SeqattnError).code !== 'E_CONFIG') throw e; return; }
    const sizes: [string, number][] = [['hidden_size', c.hiddenSize], ['embedding_size', c.embeddingSize], ['encoder_hidden_size', c.encoderHiddenSize],
      ['alignment_size', c.alignmentSize], ['deep_output_size', c.deepOutputSize], ['max_source_length', c.maxSourceLength],
      ['max_target_length', c.maxTargetLength], ['num_layers', c.numLayers]];
    for (const [k, v] of sizes) if (!Number.isSafeInteger(v) || v < 1 || v > CONFIG_LIMITS[k]) throw new Error(`${k} ${v} accepted`);
    for (const id of [c.sosId, c.eosId, c.targetUnkId ?? 0]) if (!(id >= 0 && id < c.targetVocab.length)) throw new Error(`target id ${id} accepted`);
    for (const id of [c.sourceUnkId ?? 0, c.sourceEosId ?? 0]) if (!(id >= 0 && id < Math.max(1, c.sourceVocab.length))) throw new Error(`source id ${id} accepted`);
    if (!Number.isFinite(estimateModelBytes(c, 1e6, 16, 16).total)) throw new Error('estimate not finite');
  });
}

/** A classifier config (a fixture's) with up to 4 fields hostile or removed, the architecture sometimes the other one. */
export function fuzzedClassifierConfig(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...Object.keys(base), 'merge', 'num_layers', 'max_length', 'hidden_size', 'attention_size', 'tensor_prefix', 'target_vocab', '__proto__'];
  return fc.tuple(
    fc.dictionary(fc.constantFrom(...keys), fc.oneof(hostileValue, fc.constant(undefined)), { maxKeys: 4 }),
    fc.option(fc.constantFrom('han', 'attention-bilstm')),
  ).map(([edits, arch]) => {
    const c: Record<string, unknown> = { ...base };
    if (arch) c.architecture = arch;
    for (const [k, v] of Object.entries(edits)) {
      if (v === undefined) delete c[k];
      else Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return c;
  });
}

/** parseClassifierConfig: sizes within CONFIG_LIMITS, the unknown id inside the vocabulary; or E_CONFIG. */
export function classifierConfigProperty(base: Record<string, unknown>) {
  return fc.property(fuzzedClassifierConfig(base), (raw) => {
    let c;
    try { c = parseClassifierConfig(raw, 'fuzz'); } catch (e) { typed(e); if ((e as SeqattnError).code !== 'E_CONFIG') throw e; return; }
    for (const [k, v] of Object.entries(c)) {
      if (typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0 && v <= 65536)) throw new Error(`${k} ${v} accepted`);
    }
    if (c.sourceUnkId !== null && !(c.sourceUnkId >= 0 && c.sourceUnkId < c.sourceVocab.length)) throw new Error(`source_unk_id ${c.sourceUnkId} accepted`);
  });
}

// ---------------------------------------------------------------------------------------------
// loading and translating: a resident model must give the same outputs after every case

/** A model loaded once, and what it computes for a probe, to compare after every case. */
export interface Resident { model: Seq2SeqModel; probe: () => unknown; expected: unknown }

export async function resident(): Promise<Resident> {
  const model = await loadModelFrom(tinyModel.bytes);
  const probe = () => {
    const t = model.translate('abcde');
    const b = model.translateBatch(['ab', 'cdefg'], { beamSize: 2 });
    return [t.ids, t.logProbs, Array.from(t.attention[0]), b.map((x) => x.logProbs)];
  };
  return { model, probe, expected: probe() };
}

function sameAsBefore(r: Resident): void {
  const now = JSON.stringify(r.probe());
  if (now !== JSON.stringify(r.expected)) throw new Error(`the resident model's outputs changed: ${now.slice(0, 200)}`);
}

/** The tiny model's config with fields that keep the tensors' shapes given other legal-looking values (so most of these load). */
const plausibleConfig: fc.Arbitrary<Record<string, unknown>> = fc.record({
  max_source_length: fc.integer({ min: 1, max: 300 }), max_target_length: fc.integer({ min: 1, max: 300 }),
  sos_id: fc.nat({ max: 7 }), eos_id: fc.nat({ max: 7 }), target_unk_id: fc.option(fc.nat({ max: 7 })), source_unk_id: fc.option(fc.nat({ max: 9 })),
  lowercase: fc.boolean(), append_source_eos: fc.boolean(), source_eos_id: fc.option(fc.nat({ max: 9 })),
  source_tokenizer: fc.constantFrom('char', 'word'), target_separator: fc.string({ maxLength: 3 }), gru_convention: fc.constantFrom('reset_after', 'reset_before'),
}, { requiredKeys: [] }).map((edits) => ({ ...tiny.config, ...edits }));

/** Load options, hostile ones weighted up. */
const loadOptions: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    maxBeamSize: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 6 }, hostileNumber, hostileValue),
    maxBatchSize: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 6 }, hostileNumber, hostileValue),
    maxMemoryBytes: fc.oneof({ arbitrary: fc.integer({ min: 2 ** 16, max: 2 ** 24 }), weight: 6 }, hostileNumber),
    weights: fc.oneof({ arbitrary: fc.constantFrom('float32', 'int8'), weight: 6 }, hostileValue),
    unknownSource: fc.oneof({ arbitrary: fc.constantFrom('error', 'unk'), weight: 6 }, hostileValue),
  }, { requiredKeys: [] }) },
  { arbitrary: hostileValue, weight: 1 },
);

/** loadModelFrom with a fuzzed config and options: a model that translates (or rejects an input with a typed error), or a typed error; the resident model unchanged. */
export function loadProperty(r: Resident) {
  return fc.asyncProperty(fc.oneof(plausibleConfig, fuzzedConfig), loadOptions, async (config, options) => {
    let m: Seq2SeqModel | undefined;
    try {
      m = await loadModelFrom({ weights: tinyModel.bytes, config }, options as never);
      try { m.translate('abc'); m.translateBatch(['a', 'bcd']); } catch (e) { typed(e); }
    } catch (e) { typed(e); } finally { m?.dispose(); }
    sameAsBefore(r);
  });
}

const optionNames = ['maxLength', 'maxLengthRatio', 'minLength', 'beamSize', 'nBest', 'lengthPenalty', 'coveragePenalty', 'blockRepeatNgram',
  'temperature', 'topK', 'topP', 'seed', 'replaceUnknown', 'hardAttention', 'unknownSource'];
const translateOptions: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.dictionary(fc.constantFrom(...optionNames), fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double({ min: -1, max: 3, noNaN: true }), hostileValue, fc.boolean()), { maxKeys: 4 }), weight: 6 },
  { arbitrary: fc.oneof(fc.constant(null), fc.constant(undefined), hostileValue, fc.anything()), weight: 1 },
);
const sourceInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 16 }),
  fc.constantFrom('a'.repeat(1e5), '', ' ', '\u{1F600}'),
  fc.record({ length: fc.oneof(hostileNumber, fc.nat({ max: 20 })) }),
  fc.anything(),
);

/** translate / translateBatch / begin with fuzzed inputs and options: a result or a typed error; the model's outputs for a probe unchanged. */
export function optionsProperty(r: Resident) {
  return fc.property(sourceInput, translateOptions, fc.array(sourceInput, { maxLength: 3 }), (input, options, batch) => {
    const m = r.model;
    try { const t = m.translate(input as never, options as never); if (t.ids.length > m.config.maxTargetLength) throw new Error('longer than max_target_length'); } catch (e) { typed(e); }
    try { m.translateBatch(batch as never, options as never); } catch (e) { typed(e); }
    try { m.begin(input as never, options as never).step(); } catch (e) { typed(e); }
    sameAsBefore(r);
  });
}
