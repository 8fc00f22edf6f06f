// Alignment energies and the context vector, the per-step part of attention.
// Additive (Bahdanau; Luong's "concat"): Uh_j = U_a h_j is precomputed once per source sentence
// by matmul; per decoder step only Wq = W_a s_{i-1} is new.
//   e_ij = v_a . tanh(W_a s_{i-1} + U_a h_j) + v_bias      ref: Bahdanau et al. 2015, eq. (6)
// Multiplicative (Luong "dot" and "general"; scaled dot product with scale = 1/sqrt(d)):
//   e_tj = scale * q_t . k_j                                ref: Luong et al. 2015, eq. (8)
//   dot:     q_t = h_t,          k_j = h̄_j
//   general: q_t = W_a^T h_t,    k_j = h̄_j   (h_t^T W_a h̄_j; or q_t = h_t, k_j = W_a h̄_j once per source)
//   c_i  = sum_j a_ij h_j                                   ref: Bahdanau et al. 2015, eq. (5)
import { dot1row, dot4rows } from "./matvec";
import { hsum4, tanh4, tanh1 } from "./simd";

// The activation of the additive energies: tanh (Bahdanau; Luong's "concat") or relu (the
// sgrvinod captioner's full_att(relu(att1 + att2))). A compile-time constant in every caller, so each
// export is its own straight-line loop.
// @ts-ignore: decorator
@inline function act4(x: v128, relu: bool): v128 { return relu ? f32x4.max(x, f32x4.splat(0)) : tanh4(x); }
// @ts-ignore: decorator
@inline function act1(x: f32, relu: bool): f32 { return relu ? (x > 0 ? x : 0) : tanh1(x); }

/** sum_k v_k act(Wq_k + Uh_k) over one row of A (vector part), 2 accumulators. */
// @ts-ignore: decorator
@inline function energyVec(uh: usize, Wq: usize, v: usize, end: usize, relu: bool): v128 {
  let a = f32x4.splat(0), b = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 32 <= end; o += 32) {
    a = f32x4.add(a, f32x4.mul(v128.load(v + o), act4(f32x4.add(v128.load(Wq + o), v128.load(uh + o)), relu)));
    b = f32x4.add(b, f32x4.mul(v128.load(v + o, 16), act4(f32x4.add(v128.load(Wq + o, 16), v128.load(uh + o, 16)), relu)));
  }
  if (o < end) {
    a = f32x4.add(a, f32x4.mul(v128.load(v + o), act4(f32x4.add(v128.load(Wq + o), v128.load(uh + o)), relu)));
  }
  return f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline function energyTail(uh: usize, Wq: usize, v: usize, from: usize, bytes: usize, relu: bool): f32 {
  let t: f32 = 0;
  for (let o = from; o < bytes; o += 4) t += load<f32>(v + o) * act1(load<f32>(Wq + o) + load<f32>(uh + o), relu);
  return t;
}

/** e_j = v . act(Wq + Uh_j) + v_bias for j < Tx, 4 source positions at a time, reduced together. */
// @ts-ignore: decorator
@inline function energies(e: usize, Uh: usize, Wq: usize, v: usize, v_bias: f32, Tx: i32, A: i32, relu: bool): void {
  if (Tx <= 0) return;
  const T = <usize>Tx;
  const bytes = <usize>max<i32>(A, 0) << 2;
  const vend = bytes & ~15;
  const vb = f32x4.splat(v_bias);
  let j: usize = 0;
  for (; j + 4 <= T; j += 4) {
    const u0 = Uh + j * bytes, u1 = u0 + bytes, u2 = u1 + bytes, u3 = u2 + bytes;
    let s = hsum4(energyVec(u0, Wq, v, vend, relu), energyVec(u1, Wq, v, vend, relu),
                  energyVec(u2, Wq, v, vend, relu), energyVec(u3, Wq, v, vend, relu));
    if (vend < bytes) {
      let t = f32x4.splat(energyTail(u0, Wq, v, vend, bytes, relu));
      t = f32x4.replace_lane(t, 1, energyTail(u1, Wq, v, vend, bytes, relu));
      t = f32x4.replace_lane(t, 2, energyTail(u2, Wq, v, vend, bytes, relu));
      t = f32x4.replace_lane(t, 3, energyTail(u3, Wq, v, vend, bytes, relu));
      s = f32x4.add(s, t);
    }
    v128.store(e + (j << 2), f32x4.add(s, vb));
  }
  for (; j < T; j++) {
    const u0 = Uh + j * bytes;
    const z = f32x4.splat(0);
    const s = hsum4(energyVec(u0, Wq, v, vend, relu), z, z, z);
    store<f32>(e + (j << 2), f32x4.extract_lane(s, 0) + energyTail(u0, Wq, v, vend, bytes, relu) + v_bias);
  }
}

/**
 * e (Tx,): e_j = v . tanh(Wq + Uh_j) + v_bias; Uh (Tx, A), Wq (A,), v (A,).
 * e must not overlap the inputs.
 * ref: Bahdanau et al. 2015, eq. (6)
 */
export function additive_energies(e: usize, Uh: usize, Wq: usize, v: usize, v_bias: f32, Tx: i32, A: i32): void {
  energies(e, Uh, Wq, v, v_bias, Tx, A, false);
}

/**
 * e (Tx,): e_j = v . relu(Wq + Uh_j) + v_bias; Uh (Tx, A), Wq (A,), v (A,). e must not overlap the inputs.
 * ref: sgrvinod/a-PyTorch-Tutorial-to-Image-Captioning, Attention.forward (relu where Xu et al. 2015 have tanh)
 */
export function additive_energies_relu(e: usize, Uh: usize, Wq: usize, v: usize, v_bias: f32, Tx: i32, A: i32): void {
  energies(e, Uh, Wq, v, v_bias, Tx, A, true);
}

/**
 * e (Tx,): e_j = scale * (K_j . q); K (Tx, d) row-major keys, q (d,) the query. 4 source positions
 * at a time share each load of q (the blocked dot products of matvec). e must not overlap the inputs.
 * ref: Luong et al. 2015, eq. (8), "dot" and "general"
 */
export function dot_energies(e: usize, K: usize, q: usize, scale: f32, Tx: i32, d: i32): void {
  if (Tx <= 0) return;
  const T = <usize>Tx, D = <usize>max<i32>(d, 0);
  const stride = D << 2;
  const sv = f32x4.splat(scale);
  let j: usize = 0;
  for (; j + 4 <= T; j += 4) v128.store(e + (j << 2), f32x4.mul(dot4rows(K + j * stride, q, stride, D), sv));
  for (; j < T; j++) store<f32>(e + (j << 2), dot1row(K + j * stride, q, D) * scale);
}

/**
 * c (d,) = sum_j a_j Hs_j; a (Tx,), Hs (Tx, d) row-major. Columns of c are kept in registers
 * 32 at a time (8 accumulators) while j runs over Tx. c must not overlap the inputs.
 * ref: Bahdanau et al. 2015, eq. (5)
 */
export function context(c: usize, a: usize, Hs: usize, Tx: i32, d: i32): void {
  if (d <= 0) return;
  const D = <usize>d, T = <usize>max<i32>(Tx, 0);
  const stride = D << 2;
  let k: usize = 0;
  for (; k + 32 <= D; k += 32) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
    let p = Hs + (k << 2);
    for (let j: usize = 0; j < T; j++, p += stride) {
      const aj = v128.load32_splat(a + (j << 2));
      c0 = f32x4.add(c0, f32x4.mul(aj, v128.load(p)));
      c1 = f32x4.add(c1, f32x4.mul(aj, v128.load(p, 16)));
      c2 = f32x4.add(c2, f32x4.mul(aj, v128.load(p, 32)));
      c3 = f32x4.add(c3, f32x4.mul(aj, v128.load(p, 48)));
      c4 = f32x4.add(c4, f32x4.mul(aj, v128.load(p, 64)));
      c5 = f32x4.add(c5, f32x4.mul(aj, v128.load(p, 80)));
      c6 = f32x4.add(c6, f32x4.mul(aj, v128.load(p, 96)));
      c7 = f32x4.add(c7, f32x4.mul(aj, v128.load(p, 112)));
    }
    const q = c + (k << 2);
    v128.store(q, c0); v128.store(q, c1, 16); v128.store(q, c2, 32); v128.store(q, c3, 48);
    v128.store(q, c4, 64); v128.store(q, c5, 80); v128.store(q, c6, 96); v128.store(q, c7, 112);
  }
  for (; k + 4 <= D; k += 4) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    let p = Hs + (k << 2);
    let j: usize = 0;
    for (; j + 2 <= T; j += 2, p += 2 * stride) {
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a + (j << 2)), v128.load(p)));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a + (j << 2), 4), v128.load(p + stride)));
    }
    if (j < T) c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a + (j << 2)), v128.load(p)));
    v128.store(c + (k << 2), f32x4.add(c0, c1));
  }
  for (; k < D; k++) {
    let s: f32 = 0;
    let p = Hs + (k << 2);
    for (let j: usize = 0; j < T; j++, p += stride) s += load<f32>(a + (j << 2)) * load<f32>(p);
    store<f32>(c + (k << 2), s);
  }
}
