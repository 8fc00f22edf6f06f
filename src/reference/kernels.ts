/**
 * Plain TypeScript reference of every kernel in assembly/ (the `Kernels` interface of src/wasm.ts):
 * same names, same argument order, same semantics, over typed arrays instead of pointers.
 *
 * This file is the spec. It is written for reading, not speed: each value is computed in f64
 * (JS numbers) straight from the formula and rounded once when stored into a Float32Array, so
 * the Wasm kernels (f32 arithmetic, SIMD summation order, polynomial exp/tanh) are compared
 * against the exact result rounded to f32. Tests: test/kernels/*.test.ts.
 *
 * Edge cases (NaN, infinities, empty inputs) follow the Wasm kernels exactly and are documented
 * on each function.
 */

/** 1 / (1 + e^-x) */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

// ---------------------------------------------------------------- assembly/matvec.ts

/** out (rows,) = W (rows, cols) @ x (cols,) + b (rows,); `b = null` means no bias. */
export function matvec(out: Float32Array, W: Float32Array, x: Float32Array, b: Float32Array | null,
  rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let s = b ? b[r] : 0;
    for (let c = 0; c < cols; c++) s += W[r * cols + c] * x[c];
    out[r] = s;
  }
}

/** out (n, rows) = X (n, cols) @ W^T + b; W (rows, cols) row-major; `b = null` means no bias. */
export function matmul(out: Float32Array, X: Float32Array, W: Float32Array, b: Float32Array | null,
  n: number, rows: number, cols: number): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let s = b ? b[r] : 0;
      for (let c = 0; c < cols; c++) s += W[r * cols + c] * X[i * cols + c];
      out[i * rows + r] = s;
    }
  }
}

/** out (n, rows) = X (n, cols) @ W^T + B (n, rows): a bias row per input. B may be out. */
export function matmul_rowbias(out: Float32Array, X: Float32Array, W: Float32Array, B: Float32Array,
  n: number, rows: number, cols: number): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let s = B[i * rows + r];
      for (let c = 0; c < cols; c++) s += W[r * cols + c] * X[i * cols + c];
      out[i * rows + r] = s;
    }
  }
}

/**
 * Index of W[r][c] in the packed f32 layout of the *_packed kernels: rows padded to a multiple of 4;
 * block r >> 2 of 4 * cols floats holds, per 16 leading columns, 16 floats of each of its 4 rows in
 * turn, then the cols % 16 trailing columns of each row in turn.
 */
export function packedIndex(r: number, c: number, cols: number): number {
  const c16 = cols & ~15, t = cols - c16;
  const base = (r >> 2) * 4 * cols;
  return c < c16 ? base + (c >> 4) * 64 + (r & 3) * 16 + (c & 15) : base + 4 * c16 + (r & 3) * t + (c - c16);
}

/** W (rows, cols) row-major -> the packed layout (paddedRows(rows) * cols floats, padding rows 0). */
export function packRowsF32(W: Float32Array, rows: number, cols: number): Float32Array {
  const P = new Float32Array(paddedRows(rows) * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) P[packedIndex(r, c, cols)] = W[r * cols + c];
  return P;
}

/** out (n, rows) = X (n, cols) @ W^T + b (or + B (n, rows) when given), W packed (packedIndex). */
export function matmul_packed(out: Float32Array, X: Float32Array, Wp: Float32Array, b: Float32Array | null,
  n: number, rows: number, cols: number, B: Float32Array | null = null): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let s = B ? B[i * rows + r] : b ? b[r] : 0;
      for (let c = 0; c < cols; c++) s += Wp[packedIndex(r, c, cols)] * X[i * cols + c];
      out[i * rows + r] = s;
    }
  }
}

/** out (rows,) = W x + b, W packed. */
export function matvec_packed(out: Float32Array, Wp: Float32Array, x: Float32Array, b: Float32Array | null,
  rows: number, cols: number): void {
  matmul_packed(out, x, Wp, b, 1, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + B (n, rows), W packed. B may be out. */
export function matmul_packed_rowbias(out: Float32Array, X: Float32Array, Wp: Float32Array, B: Float32Array,
  n: number, rows: number, cols: number): void {
  matmul_packed(out, X, Wp, null, n, rows, cols, B.slice());
}

// ---------------------------------------------------------------- assembly/int8.ts
// W ≈ ws ⊙ Wq: per-row symmetric int8 (quantizeRowsInt8, done at load); inputs quantised per
// vector to int16 (quantizeInputInt16); products are exact integer dot products.
// Wq layout: 4-row interleaved blocks, rows padded to a multiple of 4 (zero rows, scale 0),
// columns to a multiple of 16 (zeros); int8Index gives the byte of W[r][c]; then the chunk row sums
// k[j][r] = Σ_{c in 512-column chunk j} Wq_rc as i32 (chunks, paddedRows), which the relaxed-SIMD
// build's 'dot-add' form needs. Inputs are quantised per vector to 14 bits (quantizeInput14) in
// every build and form; the integer sums are exact, so every form gives the same result.

/** cols rounded up to 16. */
export function paddedCols(cols: number): number {
  return (cols + 15) & ~15;
}

/** rows rounded up to 4. */
export function paddedRows(rows: number): number {
  return (rows + 3) & ~3;
}

/** Byte offset of W[r][c] in Wq: block r >> 2 of 4 * colsP bytes, 64 bytes per 16 columns, 16 per row. */
export function int8Index(r: number, c: number, colsP: number): number {
  return (r >> 2) * 4 * colsP + (c >> 4) * 64 + (r & 3) * 16 + (c & 15);
}

/** Round half to even, as f32x4.nearest. */
function nearest(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Columns per exact i32 partial sum in the int8 kernels (assembly/int8.ts FLUSH_COLS). */
export const INT8_CHUNK = 512;

/** Bytes of packed int8 weights (packRowsInt8): the blocks, then the i32 chunk row sums. */
export function int8PackedBytes(rows: number, cols: number): number {
  const cp = paddedCols(cols);
  return paddedRows(rows) * (cp + 4 * Math.ceil(cp / INT8_CHUNK));
}

/**
 * Q (rows, cols) int8 row-major, values in [-127, 127] -> the kernels' layout: blocks (int8Index), then
 * k[j][r] = Σ_{c in chunk j} Q_rc as little-endian i32 (ceil(colsP / 512), paddedRows(rows));
 * int8PackedBytes(rows, cols) bytes.
 */
export function packRowsInt8(Q: Int8Array, rows: number, cols: number): Int8Array {
  const cp = paddedCols(cols), rp = paddedRows(rows);
  const Wq = new Int8Array(int8PackedBytes(rows, cols));
  const k = new DataView(Wq.buffer, Wq.byteOffset + rp * cp);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) Wq[int8Index(r, c, cp)] = Q[r * cols + c];
    for (let j = 0; j * INT8_CHUNK < cols; j++) {
      let sum = 0;
      for (let c = j * INT8_CHUNK; c < Math.min(cols, (j + 1) * INT8_CHUNK); c++) sum += Q[r * cols + c];
      k.setInt32((j * rp + r) * 4, sum, true);
    }
  }
  return Wq;
}

/**
 * Per-row symmetric int8: ws_r = max_c |W_rc| / 127, Wq_rc = round(W_rc / ws_r) in [-127, 127]
 * (0 for an all-zero row). Wq packed by packRowsInt8 (int8PackedBytes(rows, cols) bytes),
 * ws (paddedRows(rows),). This is the load-time quantisation used by the library
 * (src/layers/linear.ts), not a Wasm kernel.
 */
export function quantizeRowsInt8(W: Float32Array, rows: number, cols: number): { Wq: Int8Array; ws: Float32Array } {
  const Q = new Int8Array(rows * cols), ws = new Float32Array(paddedRows(rows));
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(W[r * cols + c]));
    ws[r] = m / 127;
    if (m === 0) continue;
    const s = ws[r];
    for (let c = 0; c < cols; c++) Q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(W[r * cols + c] / s)));
  }
  return { Wq: packRowsInt8(Q, rows, cols), ws };
}

/**
 * The kernels' input quantisation (every build): t = f32(max |x| / 8191), p_c = nearest(f32(x_c * f32(8191 / max)))
 * in [-8191, 8191] (ties to even). x = 0, or any NaN: t = 0 and p = 0 (the product is then the bias alone).
 */
export function quantizeInput14(x: Float32Array, cols: number): { p: Int16Array; t: number } {
  let m = 0;
  for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(x[c]));
  const p = new Int16Array(paddedCols(cols));
  if (!(m > 0)) return { p, t: 0 };
  const f = Math.fround;
  const inv = f(8191 / m);
  for (let c = 0; c < cols; c++) p[c] = nearest(f(x[c] * inv));
  return { p, t: f(m / 8191) };
}

/** out (n, rows) = X (n, cols) @ W^T + b (or + B (n, rows) when given), W ≈ ws ⊙ Wq; see matvec_i8. */
export function matmul_i8(out: Float32Array, X: Float32Array, Wq: Int8Array, ws: Float32Array, b: Float32Array | null,
  n: number, rows: number, cols: number, B: Float32Array | null = null): void {
  const cp = paddedCols(cols);
  for (let i = 0; i < n; i++) {
    const { p, t } = quantizeInput14(X.subarray(i * cols, (i + 1) * cols), cols);
    for (let r = 0; r < rows; r++) {
      let acc = 0; // exact: |acc| < 2^53
      for (let c = 0; c < cols; c++) acc += Wq[int8Index(r, c, cp)] * p[c];
      out[i * rows + r] = acc * (ws[r] * t) + (B ? B[i * rows + r] : b ? b[r] : 0);
    }
  }
}

/** out (rows,) = W x + b with W ≈ ws ⊙ Wq (layout int8Index), x quantised to 14 bits. */
export function matvec_i8(out: Float32Array, Wq: Int8Array, ws: Float32Array, x: Float32Array, b: Float32Array | null,
  rows: number, cols: number): void {
  matmul_i8(out, x, Wq, ws, b, 1, rows, cols);
}

/** out (n, rows) = X (n, cols) @ W^T + B (n, rows), W ≈ ws ⊙ Wq. B may be out. */
export function matmul_i8_rowbias(out: Float32Array, X: Float32Array, Wq: Int8Array, ws: Float32Array, B: Float32Array,
  n: number, rows: number, cols: number): void {
  matmul_i8(out, X, Wq, ws, null, n, rows, cols, B.slice());
}

// ---------------------------------------------------------------- assembly/gru.ts
// Gate order r, z, n (PyTorch). n rows of independent states, each H wide.

/**
 * PyTorch / Keras reset_after=True. gi, gh (n, 3H) include biases; h_prev, h_out (n, H).
 *   r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z)
 *   m = tanh(gi_n + r gh_n),  h' = (1 - z) m + z h
 * h_out may alias h_prev.
 */
export function gru_reset_after(h_out: Float32Array, gi: Float32Array, gh: Float32Array, h_prev: Float32Array,
  H: number, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < H; k++) {
      const g = i * 3 * H + k;
      const r = sigmoid(gi[g] + gh[g]);
      const z = sigmoid(gi[g + H] + gh[g + H]);
      const m = Math.tanh(gi[g + 2 * H] + r * gh[g + 2 * H]);
      const h = h_prev[i * H + k];
      h_out[i * H + k] = (1 - z) * m + z * h;
    }
  }
}

/**
 * Cho et al. 2014 / Keras reset_after=False, first half. gi (n, 3H), gh_rz (n, 2H).
 *   r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z); rh_out = r h_prev, z_out = z  (n, H)
 */
export function gru_reset_before_gates(rh_out: Float32Array, z_out: Float32Array, gi: Float32Array,
  gh_rz: Float32Array, h_prev: Float32Array, H: number, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < H; k++) {
      const r = sigmoid(gi[i * 3 * H + k] + gh_rz[i * 2 * H + k]);
      const z = sigmoid(gi[i * 3 * H + H + k] + gh_rz[i * 2 * H + H + k]);
      rh_out[i * H + k] = r * h_prev[i * H + k];
      z_out[i * H + k] = z;
    }
  }
}

/**
 * Second half: m = tanh(gi_n + u), u = W_hn (r h) + b_hn (n, H); h' = (1 - z) m + z h.
 * h_out may alias h_prev.
 */
export function gru_reset_before_update(h_out: Float32Array, gi: Float32Array, u: Float32Array, z: Float32Array,
  h_prev: Float32Array, H: number, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < H; k++) {
      const m = Math.tanh(gi[i * 3 * H + 2 * H + k] + u[i * H + k]);
      const zz = z[i * H + k];
      h_out[i * H + k] = (1 - zz) * m + zz * h_prev[i * H + k];
    }
  }
}

// ---------------------------------------------------------------- assembly/lstm.ts
// Gate order i, f, g, o (PyTorch). n rows of independent states, each H wide.

/**
 * gi, gh (n, 4H) include biases; c_prev, c_out, h_out (n, H).
 *   i = sigmoid(gi_i + gh_i), f = sigmoid(gi_f + gh_f), g = tanh(gi_g + gh_g), o = sigmoid(gi_o + gh_o)
 *   c' = f c + i g,  h' = o tanh(c')
 * c_out may alias c_prev.
 */
export function lstm_cell(h_out: Float32Array, c_out: Float32Array, gi: Float32Array, gh: Float32Array, c_prev: Float32Array,
  H: number, n: number): void {
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < H; k++) {
      const g0 = r * 4 * H + k;
      const i = sigmoid(gi[g0] + gh[g0]);
      const f = sigmoid(gi[g0 + H] + gh[g0 + H]);
      const g = Math.tanh(gi[g0 + 2 * H] + gh[g0 + 2 * H]);
      const o = sigmoid(gi[g0 + 3 * H] + gh[g0 + 3 * H]);
      const c = f * c_prev[r * H + k] + i * g;
      c_out[r * H + k] = c;
      h_out[r * H + k] = o * Math.tanh(c);
    }
  }
}

// ---------------------------------------------------------------- assembly/attention.ts

/** e (Tx,): e_j = sum_k v_k tanh(Wq_k + Uh_jk) + v_bias; Uh (Tx, A). ref: Bahdanau et al. 2015, eq. (6) */
export function additive_energies(e: Float32Array, Uh: Float32Array, Wq: Float32Array, v: Float32Array,
  v_bias: number, Tx: number, A: number): void {
  for (let j = 0; j < Tx; j++) {
    let s = v_bias;
    for (let k = 0; k < A; k++) s += v[k] * Math.tanh(Wq[k] + Uh[j * A + k]);
    e[j] = s;
  }
}

/** e (Tx,): e_j = sum_k v_k relu(Wq_k + Uh_jk) + v_bias; Uh (Tx, A). The sgrvinod captioner's attention. */
export function additive_energies_relu(e: Float32Array, Uh: Float32Array, Wq: Float32Array, v: Float32Array,
  v_bias: number, Tx: number, A: number): void {
  for (let j = 0; j < Tx; j++) {
    let s = v_bias;
    for (let k = 0; k < A; k++) s += v[k] * Math.max(0, Wq[k] + Uh[j * A + k]);
    e[j] = s;
  }
}

/** e (Tx,): e_j = scale * sum_k K_jk q_k; K (Tx, d). ref: Luong et al. 2015, eq. (8), dot / general */
export function dot_energies(e: Float32Array, K: Float32Array, q: Float32Array, scale: number, Tx: number, d: number): void {
  for (let j = 0; j < Tx; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += K[j * d + k] * q[k];
    e[j] = scale * s;
  }
}

/** c (d,) = sum_j a_j Hs_j; a (Tx,), Hs (Tx, d). ref: Bahdanau et al. 2015, eq. (5) */
export function context(c: Float32Array, a: Float32Array, Hs: Float32Array, Tx: number, d: number): void {
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let j = 0; j < Tx; j++) s += a[j] * Hs[j * d + k];
    c[k] = s;
  }
}

// ---------------------------------------------------------------- assembly/softmax.ts

/** max of x[0..n) with NaN propagating; -inf for n = 0. */
function maxOf(x: Float32Array, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, x[j]);
  return m;
}

/** out = softmax(x) = exp(x - max) / sum. Any NaN, +inf, or all -inf gives all NaN (as torch). out may alias x. */
export function softmax(out: Float32Array, x: Float32Array, n: number): void {
  const m = maxOf(x, n);
  const e = new Float64Array(n);
  let s = 0;
  for (let j = 0; j < n; j++) { e[j] = Math.exp(x[j] - m); s += e[j]; }
  for (let j = 0; j < n; j++) out[j] = e[j] / s;
}

/**
 * Softmax over positions with mask[j] != 0; masked positions get exactly 0. No unmasked position,
 * or all unmasked x_j = -inf: all zeros. NaN or +inf unmasked: NaN at unmasked positions. out may alias x.
 */
export function masked_softmax(out: Float32Array, x: Float32Array, mask: Uint8Array, n: number): void {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (mask[j]) m = Math.max(m, x[j]);
  if (m === -Infinity) { out.fill(0, 0, n); return; }
  const e = new Float64Array(n);
  let s = 0;
  for (let j = 0; j < n; j++) { e[j] = mask[j] ? Math.exp(x[j] - m) : 0; s += e[j]; }
  for (let j = 0; j < n; j++) out[j] = mask[j] ? e[j] / s : 0;
}

/** log sum_j exp(x_j). n = 0 or all -inf: -inf; any +inf: +inf; NaN (and no +inf): NaN. */
export function logsumexp(x: Float32Array, n: number): number {
  const m = maxOf(x, n);
  if (m === Infinity || m === -Infinity) return m;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(x[j] - m);
  return m + Math.log(s);
}

/** out = x - logsumexp(x), computed as (x - max) - log sum exp(x - max). Non-finite max: all NaN. out may alias x. */
export function log_softmax(out: Float32Array, x: Float32Array, n: number): void {
  const m = maxOf(x, n);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(x[j] - m);
  const ls = Math.log(s);
  for (let j = 0; j < n; j++) out[j] = (x[j] - m) - ls;
}

/** Index of the largest x_j, first on ties (-0 ties +0); NaNs are skipped; all NaN: 0; n = 0: -1. */
export function argmax(x: Float32Array, n: number): number {
  let best = -1;
  for (let j = 0; j < n; j++) {
    if (Number.isNaN(x[j])) continue;
    if (best < 0 || x[j] > x[best]) best = j;
  }
  return best < 0 ? (n > 0 ? 0 : -1) : best;
}

/** Ranking of topk: higher value first, lower index on equal values, NaN below every number. */
export function topkOrder(x: Float32Array, i: number, j: number): number {
  const a = x[i], b = x[j];
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an !== bn) return an ? 1 : -1;
  if (!an && a !== b) return a > b ? -1 : 1;
  return i - j;
}

/** The k largest of x (n,) in topkOrder: idx_out (k,), val_out (k,). k is clamped to [0, n]. */
export function topk(idx_out: Int32Array, val_out: Float32Array, x: Float32Array, n: number, k: number): void {
  k = Math.max(0, Math.min(k, n));
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => topkOrder(x, i, j));
  for (let t = 0; t < k; t++) { idx_out[t] = order[t]; val_out[t] = x[order[t]]; }
}

// ---------------------------------------------------------------- assembly/activations.ts

/** x = tanh(x), elementwise, in place. */
export function tanh_inplace(x: Float32Array, n: number): void {
  for (let j = 0; j < n; j++) x[j] = Math.tanh(x[j]);
}

/** out (L,): out_k = max(x_2k, x_2k+1); NaN propagates, max(-0, +0) = +0. out may alias x. */
export function maxout(out: Float32Array, x: Float32Array, L: number): void {
  for (let k = 0; k < L; k++) out[k] = Math.max(x[2 * k], x[2 * k + 1]);
}
