/**
 * Ownership of Wasm memory for one model: every region a model allocates (weights at load,
 * decode scratch at load) is recorded here and returned by `release()` on dispose.
 */
import type { WasmRuntime } from './wasm.js';

export class Regions {
  private readonly owned: number[] = [];
  constructor(readonly rt: WasmRuntime) {}

  /** A region of `n` f32 values (zero-filled), 16-byte aligned. */
  floats(n: number): number {
    const ptr = this.rt.alloc(Math.max(1, n) * 4);
    this.owned.push(ptr);
    this.rt.f32(ptr, n).fill(0);
    return ptr;
  }

  /** A region of `n` i32 values (zero-filled). */
  ints(n: number): number { return this.floats(n); }

  /** A region of `n` bytes (zero-filled). */
  bytes(n: number): number {
    const ptr = this.rt.alloc(Math.max(1, n));
    this.owned.push(ptr);
    this.rt.u8(ptr, n).fill(0);
    return ptr;
  }

  /** Copies `data` into a new region and returns its offset. */
  upload(data: Float32Array): number {
    const ptr = this.floats(data.length);
    this.rt.F32.set(data, ptr >> 2);
    return ptr;
  }

  /** Frees every region; the owner must not use its offsets afterwards. */
  release(): void {
    for (const p of this.owned) this.rt.free(p);
    this.owned.length = 0;
  }
}
