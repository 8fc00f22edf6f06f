// Memory regions handed to the TypeScript side. Weights and scratch of a model are
// allocated here once at load and freed by dispose(); kernels never allocate.

/** Allocates `bytes` bytes, 16-byte aligned (one v128). Returns the byte offset. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Returns a region from `alloc` to the allocator. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
