/**
 * Tensor names as a project saved them: a name map from the names seqattn's parts read
 * (`lstm.weight_ih`, `attention.W_a.weight`) to the names in the file, at any nesting depth
 * (`sentence_attention.word_attention.word_rnn.weight_ih_l0`), with the storage variants seen in
 * public code:
 *   - a module path renamed as a whole: { "lstm": "decode_step" } maps every `lstm.*` tensor;
 *   - one tensor renamed: { "attention.w.weight": "att_weight" };
 *   - a raw matrix used as `x @ W` (nn.Parameter of shape (in, out)): { name, transpose: true }
 *     reads W^T, the (out, in) layout of nn.Linear.weight;
 *   - vectors stored with extra unit dimensions ((1, n), (n, 1), (1, n, 1)) read as (n,) or (1, n):
 *     a stored shape equal to the expected one once the 1s are dropped is accepted (same data order).
 * The longest matching key wins: an exact tensor name, else the longest module path (whole
 * segments). A preset's map and a config's `tensor_names` combine (the config's entries win).
 */
import { SeqattnError } from './errors.js';
import { WeightStore } from './weights.js';

/** Where a name map sends one tensor or module path: the file's name, and whether W is stored transposed. */
export type TensorNameTarget = string | { readonly name: string; readonly transpose?: boolean };
/** seqattn's tensor or module path -> the file's (docs/classifiers.md, "Tensor names"). */
export type TensorNameMap = Readonly<Record<string, TensorNameTarget>>;

/** The file's name for seqattn's tensor `name` under `map`, and whether it is stored transposed. */
export function resolveTensorName(map: TensorNameMap, name: string): { name: string; transpose: boolean } {
  const exact = map[name];
  if (exact !== undefined && Object.prototype.hasOwnProperty.call(map, name)) {
    return typeof exact === 'string' ? { name: exact, transpose: false } : { name: exact.name, transpose: exact.transpose === true };
  }
  // longest module path: 'a.b.c.weight' tries 'a.b.c', 'a.b', 'a'
  for (let end = name.lastIndexOf('.'); end > 0; end = name.lastIndexOf('.', end - 1)) {
    const key = name.slice(0, end);
    if (!Object.prototype.hasOwnProperty.call(map, key)) continue;
    const to = map[key];
    if (typeof to !== 'string') continue; // transposes name single tensors only
    return { name: to === '' ? name.slice(end + 1) : to + name.slice(end), transpose: false };
  }
  return { name, transpose: false };
}

/** Checks a name map read from a config: every entry a string or { name: string, transpose?: boolean }. */
export function checkTensorNameMap(raw: unknown, where: string): TensorNameMap {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SeqattnError('E_CONFIG', `${where}: "tensor_names" must be an object mapping seqattn's names to the file's`);
  }
  const out: Record<string, TensorNameTarget> = Object.create(null); // a key named '__proto__' stays a key
  for (const [k, v] of Object.entries(raw)) {
    const ok = typeof v === 'string' || (v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string'
      && ['undefined', 'boolean'].includes(typeof (v as { transpose?: unknown }).transpose));
    if (!ok) throw new SeqattnError('E_CONFIG', `${where}: "tensor_names" entry ${JSON.stringify(k)} is ${JSON.stringify(v)}, expected a name or {"name": ..., "transpose": true}`);
    out[k] = v as TensorNameTarget;
  }
  return out;
}

/** Shapes equal once their unit dimensions are dropped: (1, n), (n, 1), (n,), (1, n, 1) hold the same data. */
function sameData(a: readonly number[], b: readonly number[]): boolean {
  const x = a.filter((d) => d !== 1), y = b.filter((d) => d !== 1);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** A WeightStore reading through a name map (every read is the inner store's, so its checks and bookkeeping apply). */
export class MappedWeightStore extends WeightStore {
  constructor(private readonly inner: WeightStore, private readonly map: TensorNameMap) {
    super([]);
  }

  override has(name: string): boolean { return this.inner.has(resolveTensorName(this.map, name).name); }

  override shape(name: string): number[] {
    const r = resolveTensorName(this.map, name);
    if (!this.inner.has(r.name)) return this.mappedMissing(name, r.name, [], '');
    const s = [...this.inner.shape(r.name)];
    return r.transpose ? s.reverse() : s;
  }

  override float32(name: string, shape: number[], why?: string, lazy = false): Float32Array {
    const r = resolveTensorName(this.map, name);
    const renamed = r.name !== name ? `read as '${name}'` : '';
    const because = [why, renamed].filter(Boolean).join('; ');
    if (!this.inner.has(r.name)) return this.mappedMissing(name, r.name, shape, because);
    const stored = this.inner.shape(r.name);
    if (r.transpose) {
      if (shape.length !== 2) throw new SeqattnError('E_CONFIG', `tensor '${r.name}': "transpose" applies to matrices, '${name}' has shape ${fmt(shape)}`);
      const [rows, cols] = shape;
      const Wt = this.inner.float32(r.name, [cols, rows], `${because}, stored as x @ W: (in ${cols}, out ${rows})`);
      const W = new Float32Array(rows * cols);
      for (let i = 0; i < cols; i++) for (let j = 0; j < rows; j++) W[j * cols + i] = Wt[i * rows + j];
      return W;
    }
    return this.inner.float32(r.name, sameData(stored, shape) ? [...stored] : shape, because || undefined, lazy);
  }

  /** The file's E_TENSOR_MISSING (with its suggestions), saying which of seqattn's names the map sent there. */
  private mappedMissing(name: string, file: string, shape: number[], why: string): never {
    try {
      this.inner.float32(file, shape, why || undefined);
    } catch (e) {
      if (e instanceof SeqattnError && file !== name) throw new SeqattnError(e.code, `${e.message}; the name map reads it as seqattn's '${name}'`);
      throw e;
    }
    throw new SeqattnError('E_TENSOR_MISSING', `tensor '${file}' is missing`);
  }
}
