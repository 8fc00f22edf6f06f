/**
 * Ownership of Wasm memory for one model: every region a model allocates (weights at load,
 * decode scratch at load) is recorded here and returned by `release()` on dispose.
 */
import { SeqattnError } from './errors.js';
import { DEFAULT_MAX_MEMORY_BYTES, formatBytes } from './limits.js';
import type { WasmRuntime } from './wasm.js';

export class Regions {
  private readonly owned: number[] = [];
  /** Bytes of the regions this owner holds now. */
  private used = 0;
  /** `budget`: most bytes this owner may hold (LoadOptions.maxMemoryBytes); past it, E_CONFIG before allocating. */
  constructor(readonly rt: WasmRuntime, readonly budget: number = DEFAULT_MAX_MEMORY_BYTES) {}

  /** Bytes of the regions held now. */
  get bytesOwned(): number { return this.used; }

  /** Checks `n` elements of `size` bytes in plain numbers against the budget; returns the bytes. */
  private reserve(n: number, size: number): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new SeqattnError('E_CONFIG', `a region of ${n} elements was asked for: sizes must be integers >= 0 (a config size out of range)`);
    }
    const bytes = Math.max(1, n) * size;
    if (this.used + bytes > this.budget) {
      throw new SeqattnError('E_CONFIG', `the model needs more Wasm memory than maxMemoryBytes ${formatBytes(this.budget)}: ` +
        `${formatBytes(this.used)} taken, ${formatBytes(bytes)} more asked for (raise the maxMemoryBytes load option, or lower the config's sizes)`);
    }
    return bytes;
  }

  /** A region of `n` f32 values (zero-filled), 16-byte aligned. */
  floats(n: number): number {
    const bytes = this.reserve(n, 4);
    const ptr = this.rt.alloc(bytes);
    this.owned.push(ptr);
    this.used += bytes;
    this.rt.f32(ptr, n).fill(0);
    return ptr;
  }

  /** A region of `n` i32 values (zero-filled). */
  ints(n: number): number { return this.floats(n); }

  /** A region of `n` bytes (zero-filled). */
  bytes(n: number): number {
    const bytes = this.reserve(n, 1);
    const ptr = this.rt.alloc(bytes);
    this.owned.push(ptr);
    this.used += bytes;
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
    this.used = 0;
  }
}
