// seqattn kernels. Every export is a free function over byte offsets and sizes:
// output first, then inputs, then sizes. The TypeScript boundary is src/wasm.ts.
export { alloc, free } from "./memory";
