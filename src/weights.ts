/**
 * Weights by PyTorch state_dict name, from one or more safetensors files. A file may carry a
 * prefix, so the tutorial's two files (encoder.state_dict(), decoder.state_dict()) load as
 * `encoder.*` and `decoder.*`. Every read checks presence, shape and finiteness, with errors
 * naming the file and the tensor (see SafetensorsFile.float32). An int8 tensor (I8 with its
 * `.scale`, src/quantized.ts) reads as its dequantised values, and int8 Linears take its Q and s.
 *
 * Loading is strict: the store records which tensors the model read, and `checkAllRead` makes a
 * tensor that no part read an error (E_TENSOR_UNUSED), which is how a wrong config or preset shows.
 */
import { SeqattnError } from './errors.js';
import { dequantize, readInt8Tensor, recordRead, SCALE_SUFFIX, type TensorRead } from './quantized.js';
import type { SafetensorsFile } from './safetensors.js';

export interface WeightFile { file: SafetensorsFile; prefix: string }

/** Levenshtein distance (short strings: tensor names, config field names). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The last `k` dot-separated segments of a name. */
function tail(name: string, k: number): string {
  return name.split('.').slice(-k).join('.');
}

/** "a" or "an" before a name (by its first letter: "an opennmt-rnn model", "a bahdanau model"). */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

export class WeightStore {
  /** Every float32 read, in order, by file and local name (quantizeModel: which tensors int8 Linears took whole). */
  readonly reads: { file: SafetensorsFile; read: TensorRead }[] = [];
  /** Local names read so far, per file index (strict loading). */
  private readonly read: Set<string>[];

  constructor(private readonly files: WeightFile[], private readonly namePrefix = '') {
    this.read = files.map(() => new Set());
  }

  private locate(name: string): { index: number; file: SafetensorsFile; local: string } | null {
    const full = this.namePrefix + name;
    for (let index = 0; index < this.files.length; index++) {
      const { file, prefix } = this.files[index];
      if (full.startsWith(prefix) && file.has(full.slice(prefix.length))) return { index, file, local: full.slice(prefix.length) };
    }
    return null;
  }

  has(name: string): boolean { return this.locate(name) !== null; }

  /** The shape of tensor `name` (E_TENSOR_MISSING if absent); does not count as a read. */
  shape(name: string): number[] {
    const hit = this.locate(name);
    if (!hit) throw this.missing(name);
    return hit.file.info(hit.local).shape;
  }

  /**
   * The tensor `name` as f32, checked against `shape` (`why` explains the expected shape). `lazy`:
   * the caller only hands the array (or its subarrays, columnSlices) to Linear.fromArrays, so an
   * int8 tensor's values are computed only if a float32 consumer needs them (quantized.ts dense);
   * its Q, s and -128 are checked now all the same.
   */
  float32(name: string, shape: number[], why?: string, lazy = false): Float32Array {
    const hit = this.locate(name);
    if (!hit) throw this.missing(name);
    this.read[hit.index].add(hit.local);
    const rows = shape.length ? shape[0] : 1, cols = shape.slice(1).reduce((a, b) => a * b, 1);
    if (hit.file.info(hit.local).dtype === 'I8') {
      const t = readInt8Tensor(hit.file, hit.local, shape, why);
      this.read[hit.index].add(hit.local + SCALE_SUFFIX);
      const values = new Float32Array(rows * cols);
      if (!lazy) dequantize(t.q, rows, cols, 0, cols, values);
      this.reads.push({ file: hit.file, read: recordRead(hit.local, values, rows, cols, t.q, lazy) });
      return values;
    }
    const values = hit.file.float32(hit.local, shape, why);
    this.reads.push({ file: hit.file, read: recordRead(hit.local, values, rows, cols, null) });
    return values;
  }

  /**
   * E_TENSOR_MISSING naming the file(s) the name was looked for in (those whose prefix it carries)
   * and suggesting names from them: the most similar by edit distance, and those with the same
   * last segments (a model saved inside a wrapper module: `model.encoder.rnn.weight_ih_l0`).
   */
  private missing(name: string): SeqattnError {
    const full = this.namePrefix + name;
    if (this.files.length === 0) return new SeqattnError('E_TENSOR_MISSING', `no weight files given, needed tensor '${full}'`);
    let candidates = this.files.filter((f) => f.prefix !== '' && full.startsWith(f.prefix));
    if (candidates.length === 0) candidates = this.files.filter((f) => f.prefix === '');
    if (candidates.length === 0) candidates = this.files;
    const where = candidates.map((f) => f.file.fileName).join(', ');
    // bounded work on a hostile file: names of reasonable length, the first 10,000 of them
    const names = candidates.flatMap((f) => [...f.file.tensors.keys()].map((n) => f.prefix + n)).filter((n) => n.length <= 256).slice(0, 10_000);
    if (names.length === 0) return new SeqattnError('E_TENSOR_MISSING', `${where}: tensor '${full}' is missing (the file has no tensors)`);
    const similar = names.map((n) => ({ n, d: editDistance(full, n) }))
      .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0)).slice(0, 3).map((x) => x.n);
    let ending: string[] = [];
    for (let k = Math.min(3, full.split('.').length); k >= 1 && ending.length === 0; k--) {
      const t = tail(full, k);
      ending = names.filter((n) => n === t || n.endsWith(`.${t}`)).slice(0, 3);
    }
    const same = ending.filter((n) => !similar.includes(n));
    const hint = `${names.length} tensor${names.length === 1 ? '' : 's'} there; most similar: ${similar.map((n) => `'${n}'`).join(', ')}`
      + (same.length ? `; with the same ending: ${same.map((n) => `'${n}'`).join(', ')}` : '');
    const prefixNote = this.namePrefix ? ` (tensor_prefix '${this.namePrefix}')` : '';
    return new SeqattnError('E_TENSOR_MISSING', `${where}: tensor '${full}'${prefixNote} is missing (${hint})`);
  }

  /** Tensors of the files no part read: name (with the file's prefix) and file. */
  unread(): { name: string; file: string }[] {
    const out: { name: string; file: string }[] = [];
    this.files.forEach(({ file, prefix }, i) => {
      for (const n of file.tensors.keys()) if (!this.read[i].has(n)) out.push({ name: prefix + n, file: file.fileName });
    });
    return out;
  }

  /**
   * Strict loading: every tensor of the files was read by some part, else E_TENSOR_UNUSED listing
   * them; `allow` (LoadOptions.allowUnusedTensors) makes it a warning through `warn` instead.
   */
  checkAllRead(what: string, allow = false, warn: (message: string) => void = (m) => console.warn(m)): void {
    const unread = this.unread();
    if (unread.length === 0) return;
    const files = [...new Set(unread.map((u) => u.file))].join(', ');
    const list = unread.slice(0, 12).map((u) => `'${u.name}'`).join(', ') + (unread.length > 12 ? `, and ${unread.length - 12} more` : '');
    const message = `${files}: ${unread.length} tensor${unread.length === 1 ? '' : 's'} not read by ${what}: ${list}`
      + ' (a wrong architecture, preset or size in the config? allowUnusedTensors: true loads anyway)';
    if (!allow) throw new SeqattnError('E_TENSOR_UNUSED', message);
    warn(`seqattn: warning: ${message}`);
  }
}
