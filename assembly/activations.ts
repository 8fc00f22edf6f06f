// Elementwise activations outside the GRU and attention kernels.
import { tanh4, tanh1 } from "./simd";

/** x = tanh(x), elementwise, in place; x (n,). Absolute error <= ~1.5e-7; tanh(+-big) = +-1. */
export function tanh_inplace(x: usize, n: i32): void {
  if (n <= 0) return;
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(x + o, tanh4(v128.load(x + o)));
  for (; o < bytes; o += 4) store<f32>(x + o, tanh1(load<f32>(x + o)));
}

/**
 * out (L,): out_k = max(x_2k, x_2k+1); x (2L,). NaN propagates (as torch.max); max(-0, +0) = +0.
 * out may alias x (out_k is written after x_2k, x_2k+1 are read, and 2k >= k).
 * ref: Goodfellow et al. 2013; Bahdanau et al. 2015, A.2.2
 */
export function maxout(out: usize, x: usize, L: i32): void {
  if (L <= 0) return;
  const Lu = <usize>L;
  let k: usize = 0;
  for (; k + 4 <= Lu; k += 4) {
    const a = v128.load(x + (k << 3)), b = v128.load(x + (k << 3), 16);
    const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6), odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    v128.store(out + (k << 2), f32x4.max(even, odd));
  }
  for (; k < Lu; k++) store<f32>(out + (k << 2), max<f32>(load<f32>(x + (k << 3)), load<f32>(x + (k << 3), 4)));
}
