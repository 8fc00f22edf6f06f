// GRU cell updates after the matrix products. Gate order r, z, n as in PyTorch; rows of n
// independent states (batch or beams), each row H wide. gi (n, 3H) = W_i x + b_i and
// gh (n, 3H) = W_h h + b_h come from matvec/matmul.
//   r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), h' = (1 - z) n + z h
//   reset_after  (PyTorch, Keras reset_after=True): n = tanh(gi_n + r (W_hn h + b_hn))
//   reset_before (Cho et al. 2014, Keras reset_after=False): n = tanh(gi_n + W_hn (r h) + b_hn),
//     split in two kernels around the matvec of W_hn with r h.
// ref: Cho et al. 2014, eq. (5)-(8); torch.nn.GRU docs
// All kernels are elementwise at the same index, so h_out may alias h_prev.
import { sigmoid4, tanh4, sigmoid1, tanh1 } from "./simd";

/**
 * PyTorch / Keras reset_after=True: h' = (1-z) n + z h, n = tanh(gi_n + r (W_hn h + b_hn)).
 * gi, gh (n, 3H) include biases; h_prev, h_out (n, H). h_out may alias h_prev.
 */
export function gru_reset_after(h_out: usize, gi: usize, gh: usize, h_prev: usize, H: i32, n: i32): void {
  if (H <= 0 || n <= 0) return;
  const hb = <usize>H << 2; // bytes of one gate block
  const gb = hb * 3;        // bytes of one gi / gh row
  for (let i: usize = 0; i < <usize>n; i++) {
    const pi = gi + i * gb, ph = gh + i * gb, hp = h_prev + i * hb, ho = h_out + i * hb;
    let o: usize = 0;
    for (; o + 16 <= hb; o += 16) {
      const r = sigmoid4(f32x4.add(v128.load(pi + o), v128.load(ph + o)));
      const z = sigmoid4(f32x4.add(v128.load(pi + hb + o), v128.load(ph + hb + o)));
      const nn = tanh4(f32x4.add(v128.load(pi + 2 * hb + o), f32x4.mul(r, v128.load(ph + 2 * hb + o))));
      const h = v128.load(hp + o);
      // (1 - z) n + z h = n + z (h - n)
      v128.store(ho + o, f32x4.add(nn, f32x4.mul(z, f32x4.sub(h, nn))));
    }
    for (; o < hb; o += 4) {
      const r = sigmoid1(load<f32>(pi + o) + load<f32>(ph + o));
      const z = sigmoid1(load<f32>(pi + hb + o) + load<f32>(ph + hb + o));
      const nn = tanh1(load<f32>(pi + 2 * hb + o) + r * load<f32>(ph + 2 * hb + o));
      const h = load<f32>(hp + o);
      store<f32>(ho + o, nn + z * (h - nn));
    }
  }
}

/**
 * Cho 2014 / Keras reset_after=False, first half: r = sigmoid(gi_r + gh_rz_r),
 * z = sigmoid(gi_z + gh_rz_z); writes rh_out = r * h_prev (n, H) and z_out = z (n, H).
 * gi (n, 3H), gh_rz (n, 2H) include biases. Outputs may alias h_prev (same index only).
 */
export function gru_reset_before_gates(rh_out: usize, z_out: usize, gi: usize, gh_rz: usize, h_prev: usize, H: i32, n: i32): void {
  if (H <= 0 || n <= 0) return;
  const hb = <usize>H << 2;
  for (let i: usize = 0; i < <usize>n; i++) {
    const pi = gi + i * 3 * hb, ph = gh_rz + i * 2 * hb, hp = h_prev + i * hb;
    const ro = rh_out + i * hb, zo = z_out + i * hb;
    let o: usize = 0;
    for (; o + 16 <= hb; o += 16) {
      const r = sigmoid4(f32x4.add(v128.load(pi + o), v128.load(ph + o)));
      const z = sigmoid4(f32x4.add(v128.load(pi + hb + o), v128.load(ph + hb + o)));
      const h = v128.load(hp + o);
      v128.store(ro + o, f32x4.mul(r, h));
      v128.store(zo + o, z);
    }
    for (; o < hb; o += 4) {
      const r = sigmoid1(load<f32>(pi + o) + load<f32>(ph + o));
      const z = sigmoid1(load<f32>(pi + hb + o) + load<f32>(ph + hb + o));
      const h = load<f32>(hp + o);
      store<f32>(ro + o, r * h);
      store<f32>(zo + o, z);
    }
  }
}

/**
 * Second half of reset_before: n = tanh(gi_n + u) with u = W_hn (r * h) + b_hn (n, H);
 * h' = (1-z) n + z h. gi (n, 3H), z (n, H). h_out may alias h_prev (or u, or z).
 */
export function gru_reset_before_update(h_out: usize, gi: usize, u: usize, z: usize, h_prev: usize, H: i32, n: i32): void {
  if (H <= 0 || n <= 0) return;
  const hb = <usize>H << 2;
  for (let i: usize = 0; i < <usize>n; i++) {
    const pn = gi + i * 3 * hb + 2 * hb, pu = u + i * hb, pz = z + i * hb;
    const hp = h_prev + i * hb, ho = h_out + i * hb;
    let o: usize = 0;
    for (; o + 16 <= hb; o += 16) {
      const nn = tanh4(f32x4.add(v128.load(pn + o), v128.load(pu + o)));
      const zz = v128.load(pz + o);
      const h = v128.load(hp + o);
      v128.store(ho + o, f32x4.add(nn, f32x4.mul(zz, f32x4.sub(h, nn))));
    }
    for (; o < hb; o += 4) {
      const nn = tanh1(load<f32>(pn + o) + load<f32>(pu + o));
      const zz = load<f32>(pz + o);
      const h = load<f32>(hp + o);
      store<f32>(ho + o, nn + zz * (h - nn));
    }
  }
}
