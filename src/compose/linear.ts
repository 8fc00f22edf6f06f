/** Loading a composition's named Linear layers (description.ts LinearName) and attention vectors v. */
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import { WeightStore } from '../weights.js';
import { SeqattnError } from '../errors.js';
import type { Activation, LinearName, VectorName } from './description.js';
import { index } from './floats.js';

/** The name of `n` the file has: n.name, else the first of n.alternatives present, else n.name (so a miss names it). */
export function resolve(w: WeightStore, n: LinearName): string {
  if (w.has(`${n.name}.weight`)) return n.name;
  return n.alternatives?.find((a) => w.has(`${a}.weight`)) ?? n.name;
}

/** W (rows, cols) and b (rows,) or null, as read; W only for Linears (WeightStore.float32 lazy). */
export function readLinear(w: WeightStore, n: LinearName, rows: number, cols: number, why: string): { W: Float32Array; b: Float32Array | null } {
  const name = resolve(w, n);
  return { W: w.float32(`${name}.weight`, [rows, cols], why, true), b: n.bias ? w.float32(`${name}.bias`, [rows], why) : null };
}

export function loadLinear(regions: Regions, w: WeightStore, n: LinearName, rows: number, cols: number, why: string, f: WeightFormat): Linear {
  const { W, b } = readLinear(w, n, rows, cols, why);
  return Linear.fromArrays(regions, W, b, rows, cols, f);
}

/** The n floats at byte pointer p = act(them), in place: tanh (the kernel), relu, or none. */
export function activate(regions: Regions, p: number, n: number, act: Activation): void {
  if (act === 'tanh') regions.rt.k.tanh_inplace(p, n);
  else if (act === 'relu') {
    const F = regions.rt.F32;
    for (let i = index(p), end = i + n; i < end; i++) if (F[i] < 0) F[i] = 0;
  }
}

/**
 * v of an additive score, as VectorName.layout says or (absent) as the file has it: `<name>.weight`
 * (1, A) of an nn.Linear (and `<name>.bias` (1,) when `bias`), or `<name>`, a bare nn.Parameter of
 * (A,), (1, A) or (A, 1) (the chatbot's Attn.v, bentrevett's older notebooks): the same A numbers.
 */
export function readV(w: WeightStore, n: VectorName, A: number): { v: Float32Array; b: number } {
  const shapes = { vector: [A], row: [1, A], column: [A, 1] } as const;
  for (const name of [n.name, ...(n.alternatives ?? [])]) {
    if ((n.layout === undefined || n.layout === 'linear') && w.has(`${name}.weight`)) {
      return { v: w.float32(`${name}.weight`, [1, A], `(1, alignment ${A})`), b: n.bias ? w.float32(`${name}.bias`, [1], '(1,)')[0] : 0 };
    }
    if (n.layout !== 'linear' && w.has(name)) {
      if (n.bias) throw new SeqattnError('E_CONFIG', `tensor '${name}': v stored as a bare parameter has no bias; "bias": true needs an nn.Linear '${name}.weight', '${name}.bias'`);
      const stored = w.shape(name);
      const layout = n.layout ?? (stored.length === 1 ? 'vector' : stored[0] === 1 ? 'row' : 'column');
      const shape = shapes[layout as keyof typeof shapes] ?? shapes.vector;
      return { v: w.float32(name, [...shape], `(alignment ${A}) stored as ${layout} ${JSON.stringify(shape)}`), b: 0 };
    }
  }
  // missing: the error names it
  return n.layout && n.layout !== 'linear' ? { v: w.float32(n.name, [...shapes[n.layout]]), b: 0 } : { v: w.float32(`${n.name}.weight`, [1, A], `(1, alignment ${A})`), b: 0 };
}

/**
 * A store that reads one matrix (rows, cols) with its column blocks in another order: block i of
 * the result is columns blocks[i].from .. from + n of the stored matrix (a cell reading [c; E y]
 * runs as one reading [E y; c]); every other tensor as stored.
 */
export class ColumnOrderStore extends WeightStore {
  constructor(private readonly inner: WeightStore, private readonly name: string, private readonly blocks: { from: number; n: number }[]) {
    super([]);
  }

  override has(name: string): boolean { return this.inner.has(name); }
  override shape(name: string): number[] { return this.inner.shape(name); }

  override float32(name: string, shape: number[], why?: string, lazy = false): Float32Array {
    if (name !== this.name) return this.inner.float32(name, shape, why, lazy);
    const W = this.inner.float32(name, shape, why), rows = shape[0], cols = shape[1];
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      let at = r * cols;
      for (const b of this.blocks) { out.set(W.subarray(r * cols + b.from, r * cols + b.from + b.n), at); at += b.n; }
    }
    return out;
  }
}
