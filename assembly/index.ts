// seqattn kernels. Every export is a free function over byte offsets and sizes:
// output first, then inputs, then sizes. The TypeScript boundary is src/wasm.ts.
export { alloc, free } from "./memory";
export { matvec, matmul, matmul_rowbias, matvec_packed, matmul_packed, matmul_packed_rowbias } from "./matvec";
export { matvec_i8, matmul_i8, matmul_i8_rowbias, int8_dot_form } from "./int8";
export { gru_reset_after, gru_reset_before_gates, gru_reset_before_update } from "./gru";
export { lstm_cell } from "./lstm";
export { additive_energies, additive_energies_relu, dot_energies, context } from "./attention";
export { softmax, masked_softmax, log_softmax, logsumexp, argmax, topk } from "./softmax";
export { tanh_inplace, maxout } from "./activations";
