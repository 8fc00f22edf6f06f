// Memory regions handed to the TypeScript side. Weights and scratch of a model are
// allocated here once at load and freed by dispose(); kernels never allocate.

/** Largest region `alloc` hands out; must match MAX_REGION_BYTES in src/wasm.ts. */
const MAX_REGION_BYTES: usize = (1 << 30) - 64;

/** Allocates `bytes` bytes, 16-byte aligned (one v128). Returns the byte offset, or 0 when `bytes` is past MAX_REGION_BYTES. */
export function alloc(bytes: usize): usize {
  // Past the allocator's block limit (2^30 minus a header): 0, not a trap. The caller
  // (src/wasm.ts) refuses sizes an i32 cannot carry before they get here.
  if (bytes > MAX_REGION_BYTES) return 0;
  return heap.alloc(bytes);
}

/** Returns a region from `alloc` to the allocator. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
