/** Loading a composition's named Linear layers (description.ts LinearName) and attention vectors v. */
import { Linear, type WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { LinearName } from './description.js';

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

/**
 * v of an additive score: `<name>.weight` (1, A) of an nn.Linear (and `<name>.bias` (1,) when `bias`),
 * or `<name>` (A,), a bare nn.Parameter (the chatbot's Attn.v, bentrevett's older notebooks).
 */
export function readV(w: WeightStore, name: string, alternatives: string[], bias: boolean, A: number): { v: Float32Array; b: number } {
  for (const n of [name, ...alternatives]) {
    if (w.has(`${n}.weight`)) return { v: w.float32(`${n}.weight`, [1, A], `(1, alignment ${A})`), b: bias ? w.float32(`${n}.bias`, [1])[0] : 0 };
    if (w.has(n)) return { v: w.float32(n, [A], `(alignment ${A})`), b: 0 };
  }
  return { v: w.float32(`${name}.weight`, [1, A], `(1, alignment ${A})`), b: 0 }; // missing: the error names it
}
