// LSTM cell update after the matrix products. Gate order i, f, g, o as in PyTorch; rows of n
// independent states (batch or beams), each row H wide. gi (n, 4H) = W_ih x + b_ih and
// gh (n, 4H) = W_hh h + b_hh come from matvec/matmul.
//   i = sigmoid(gi_i + gh_i), f = sigmoid(gi_f + gh_f), g = tanh(gi_g + gh_g), o = sigmoid(gi_o + gh_o)
//   c' = f c + i g,  h' = o tanh(c')
// ref: Hochreiter & Schmidhuber 1997; Gers et al. 2000 (forget gate); torch.nn.LSTM docs
// Elementwise at the same index, so h_out may alias h_prev's buffer and c_out may alias c_prev.
import { sigmoid4, tanh4, sigmoid1, tanh1 } from "./simd";

/**
 * h_out, c_out (n, H) from gi, gh (n, 4H) (biases included) and c_prev (n, H):
 * c' = f c + i g, h' = o tanh(c'). c_out may alias c_prev; h_out may alias either.
 */
export function lstm_cell(h_out: usize, c_out: usize, gi: usize, gh: usize, c_prev: usize, H: i32, n: i32): void {
  if (H <= 0 || n <= 0) return;
  const hb = <usize>H << 2; // bytes of one gate block
  const gb = hb * 4;        // bytes of one gi / gh row
  for (let r: usize = 0; r < <usize>n; r++) {
    const pi = gi + r * gb, ph = gh + r * gb, cp = c_prev + r * hb, co = c_out + r * hb, ho = h_out + r * hb;
    let o: usize = 0;
    for (; o + 16 <= hb; o += 16) {
      const i = sigmoid4(f32x4.add(v128.load(pi + o), v128.load(ph + o)));
      const f = sigmoid4(f32x4.add(v128.load(pi + hb + o), v128.load(ph + hb + o)));
      const g = tanh4(f32x4.add(v128.load(pi + 2 * hb + o), v128.load(ph + 2 * hb + o)));
      const og = sigmoid4(f32x4.add(v128.load(pi + 3 * hb + o), v128.load(ph + 3 * hb + o)));
      const c = f32x4.add(f32x4.mul(f, v128.load(cp + o)), f32x4.mul(i, g));
      v128.store(co + o, c); // read c_prev before: c_out may alias it
      v128.store(ho + o, f32x4.mul(og, tanh4(c)));
    }
    for (; o < hb; o += 4) {
      const i = sigmoid1(load<f32>(pi + o) + load<f32>(ph + o));
      const f = sigmoid1(load<f32>(pi + hb + o) + load<f32>(ph + hb + o));
      const g = tanh1(load<f32>(pi + 2 * hb + o) + load<f32>(ph + 2 * hb + o));
      const og = sigmoid1(load<f32>(pi + 3 * hb + o) + load<f32>(ph + 3 * hb + o));
      const c = f * load<f32>(cp + o) + i * g;
      store<f32>(co + o, c);
      store<f32>(ho + o, og * tanh1(c));
    }
  }
}
