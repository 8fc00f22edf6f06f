// Shared helpers for the kernel tests: a seeded PRNG, the shape list, Wasm buffers, error metrics.
import type { WasmRuntime } from '../../src/wasm.js';

/** Sizes every dimension is tested at: tiny, odd, around multiples of 4/8/32, and large. */
export const SIZES = [1, 2, 3, 5, 7, 13, 31, 33, 64, 255, 257, 1000];

/** A seeded PRNG uniform in [0, 1): the library's own Mulberry32 (src/decode/sample.ts). */
export { mulberry32 as rng } from '../../src/decode/sample.js';

/** n floats uniform in [lo, hi). */
export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Wasm regions for one test; `done()` frees them all. */
export class Arena {
  private ptrs: number[] = [];
  constructor(readonly rt: WasmRuntime) {}
  /** A copy of `a` in Wasm memory. */
  f32(a: Float32Array | number[]): number {
    const p = this.rt.alloc(a.length * 4);
    this.ptrs.push(p);
    this.rt.F32.set(a, p >> 2);
    return p;
  }
  u8(a: Uint8Array | number[]): number {
    const p = this.rt.alloc(a.length);
    this.ptrs.push(p);
    this.rt.U8.set(a, p);
    return p;
  }
  /** `n` floats filled with NaN, so unwritten outputs show up. */
  out(n: number): number {
    const p = this.rt.alloc(n * 4);
    this.ptrs.push(p);
    this.rt.f32(p, n).fill(NaN);
    return p;
  }
  /** A copy of n floats at p. */
  read(p: number, n: number): Float32Array { return this.rt.f32(p, n).slice(); }
  readI32(p: number, n: number): Int32Array { return this.rt.i32(p, n).slice(); }
  done(): void { for (const p of this.ptrs) this.rt.free(p); this.ptrs = []; }
}

/** max |a - b| / (1 + max |b|), b the reference. NaN must sit at the same places (else Infinity). */
export function normErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    const an = Number.isNaN(a[i]), bn = Number.isNaN(b[i]);
    if (an || bn) { if (an !== bn) return Infinity; continue; }
    if (a[i] === b[i]) { m = Math.max(m, Math.abs(b[i])); continue; } // also equal infinities
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / (1 + m);
}

/** max |a - b| (NaN places must match, else Infinity). */
export function absErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    const an = Number.isNaN(a[i]), bn = Number.isNaN(b[i]);
    if (an || bn) { if (an !== bn) return Infinity; continue; }
    if (a[i] === b[i]) continue;
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d;
}

/** max |a/b - 1| over the b whose magnitude is at least `floor`; other places need |a - b| <= floor. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1.2e-38): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) { if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity; continue; }
    if (a[i] === b[i]) continue;
    if (Math.abs(b[i]) >= floor) d = Math.max(d, Math.abs(a[i] / b[i] - 1));
    else if (Math.abs(a[i] - b[i]) > floor) return Infinity;
  }
  return d;
}

/**
 * Like relErr, minus a per-element allowance `slack[i]` for error already present in the f32
 * inputs (e.g. 2^-24 |x_i - max| for exp(x_i - max), from rounding the f32 subtraction).
 */
export function relErrBeyond(a: ArrayLike<number>, b: ArrayLike<number>, slack: ArrayLike<number>, floor = 1.2e-38): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) { if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity; continue; }
    if (a[i] === b[i]) continue;
    if (Math.abs(b[i]) >= floor) d = Math.max(d, Math.abs(a[i] / b[i] - 1) - slack[i]);
    else if (Math.abs(a[i] - b[i]) > floor) return Infinity;
  }
  return Math.max(d, 0);
}

/** Largest error seen per kernel, printed once at the end of a test file (for the record). */
export class Worst {
  private m = new Map<string, number>();
  see(name: string, e: number): number {
    this.m.set(name, Math.max(this.m.get(name) ?? 0, e));
    return e;
  }
  report(file: string): void {
    if (!process.env.KERNEL_ERRORS) return;
    for (const [k, v] of this.m) console.log(`  ${file}: ${k} worst error ${v.toExponential(2)}`);
  }
}

/** max_i |a_i - b_i| / (1 + s_i), s_i the size of what was summed into element i; NaN places must match. */
export function scaledErr(a: Float32Array, b: Float32Array, s: Float32Array): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) { if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity; continue; }
    d = Math.max(d, Math.abs(a[i] - b[i]) / (1 + s[i]));
  }
  return d;
}

/** (H, n) pairs for the recurrent cell kernels: every size in both dimensions, H * n kept moderate. */
export function cellShapes(): [number, number][] {
  const s: [number, number][] = [];
  for (const H of SIZES) for (const n of SIZES) if (H * n <= 70000) s.push([H, n]);
  return s;
}

/** Gate pre-activations as from W x + b: mostly moderate, a few large (saturated gates). */
export function preactivations(r: () => number, len: number): Float32Array {
  const a = uniform(r, len, -4, 4);
  for (let i = 0; i < len; i += 17) a[i] = (r() - 0.5) * 100; // +-50
  return a;
}
