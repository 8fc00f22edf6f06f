/**
 * The buffers of compose/ are byte pointers into Wasm memory (Regions.floats, the kernels' `usize`
 * arguments); every offset into them counts floats, as llama2.c's `w->wq + l*dim*dim`. The two
 * conversions, here only:
 *   at(p, i)   the byte pointer i floats past p (a kernel's or a layer's argument)
 *   index(p)   p as an index into the F32 view (a TypeScript loop, copyWithin, fill)
 */
export const at = (p: number, floats: number): number => p + floats * 4;
export const index = (p: number): number => p >> 2;
