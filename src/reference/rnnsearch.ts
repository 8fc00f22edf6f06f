/**
 * RNNsearch (Bahdanau et al. 2015) in plain TypeScript, straight from the equations, for tests
 * and reading: no Wasm, no buffers, one array per quantity. The fast model is src/models/bahdanau.ts.
 *
 *   h_j  = [→h_j; ←h_j]                         bidirectional GRU annotations
 *   s_0  = tanh(W_s ←h_1 + b_s)
 *   e_ij = a(s_{i-1}, h_j) = v^T tanh(W s_{i-1} + U h_j + b_U)
 *   a_ij = exp(e_ij) / Σ_k exp(e_ik)
 *   c_i  = Σ_j a_ij h_j
 *   s_i  = GRU([E y_{i-1}; c_i], s_{i-1})
 *   logits_i = W_o t_i + b_o,  t_i = maxout / tanh (W_t [s_i; E y_{i-1}; c_i] + b_t)
 */
import type { ModelConfig } from '../config.js';
import type { SafetensorsFile } from '../safetensors.js';
import * as K from './kernels.js';

type Vec = Float32Array;

function linear(W: Vec, b: Vec | null, x: Vec, rows: number, cols: number): Vec {
  const out = new Float32Array(rows);
  K.matvec(out, W, x, b, rows, cols);
  return out;
}

function cat(...parts: Vec[]): Vec {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

interface GruWeights { W_ih: Vec; W_hh: Vec; b_ih: Vec; b_hh: Vec; H: number; inSize: number }

/** One GRU step in either convention, from the equations (gate rows r, z, n). */
export function gruStep(g: GruWeights, x: Vec, h: Vec, convention: 'reset_after' | 'reset_before'): Vec {
  const H = g.H;
  const gi = linear(g.W_ih, g.b_ih, x, 3 * H, g.inSize);
  const out = new Float32Array(H);
  if (convention === 'reset_after') {
    const gh = linear(g.W_hh, g.b_hh, h, 3 * H, H);
    K.gru_reset_after(out, gi, gh, h, H, 1);
  } else {
    const gh = linear(g.W_hh, g.b_hh, h, 3 * H, H);
    const rh = new Float32Array(H), z = new Float32Array(H);
    K.gru_reset_before_gates(rh, z, gi, gh.subarray(0, 2 * H), h, H, 1);
    const u = linear(g.W_hh.subarray(2 * H * H), g.b_hh.subarray(2 * H), rh, H, H);
    K.gru_reset_before_update(out, gi, u, z, h, H, 1);
  }
  return out;
}

export interface ReferenceStep { e: Vec; a: Vec; c: Vec; s: Vec; logits: Vec }

export class ReferenceRNNsearch {
  private readonly t: (name: string) => Vec;

  constructor(readonly config: ModelConfig, file: SafetensorsFile) {
    this.t = (name) => file.float32(name);
  }

  private gru(prefix: string, suffix: string, inSize: number, H: number): GruWeights {
    const t = this.t;
    return { W_ih: t(`${prefix}.weight_ih${suffix}`), W_hh: t(`${prefix}.weight_hh${suffix}`), b_ih: t(`${prefix}.bias_ih${suffix}`), b_hh: t(`${prefix}.bias_hh${suffix}`), H, inSize };
  }

  private embed(table: string, id: number, E: number): Vec {
    return this.t(table).slice(id * E, (id + 1) * E);
  }

  /** The annotations h_1..h_Tx and s_0. */
  encode(x: number[]): { h: Vec[]; s0: Vec } {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, gruConvention } = this.config;
    const fwd = this.gru('encoder.rnn', '_l0', E, n), bwd = this.gru('encoder.rnn', '_l0_reverse', E, n);
    const Tx = x.length;
    const f: Vec[] = [], b: Vec[] = new Array(Tx);
    let state: Vec = new Float32Array(n);
    for (let j = 0; j < Tx; j++) f.push(state = gruStep(fwd, this.embed('encoder.embedding.weight', x[j], E), state, gruConvention));
    state = new Float32Array(n);
    for (let j = Tx - 1; j >= 0; j--) b[j] = state = gruStep(bwd, this.embed('encoder.embedding.weight', x[j], E), state, gruConvention);
    const h = f.map((fj, j) => cat(fj, b[j]));
    const s0 = linear(this.t('decoder.init.weight'), this.t('decoder.init.bias'), b[0], H, n).map(Math.tanh);
    return { h, s0 };
  }

  /** e_ij = v^T tanh(W s_{i-1} + U h_j + b_U) */
  energy(sPrev: Vec, hj: Vec): number {
    const { hiddenSize: H, alignmentSize: A, encoderHiddenSize: n } = this.config;
    const Ws = linear(this.t('decoder.attention.W.weight'), null, sPrev, A, H);
    const Uh = linear(this.t('decoder.attention.U.weight'), this.t('decoder.attention.U.bias'), hj, A, 2 * n);
    const v = this.t('decoder.attention.v.weight');
    let e = 0;
    for (let k = 0; k < A; k++) e += v[k] * Math.tanh(Ws[k] + Uh[k]);
    return e;
  }

  /** One decoder step from s_{i-1} and y_{i-1}. */
  step(h: Vec[], sPrev: Vec, yPrev: number): ReferenceStep {
    const { embeddingSize: E, encoderHiddenSize: n, hiddenSize: H, deepOutput, deepOutputSize: l, gruConvention } = this.config;
    const V = this.config.targetVocab.length;
    const e = Float32Array.from(h, (hj) => this.energy(sPrev, hj));
    const m = Math.max(...e);
    const z = e.reduce((acc, ej) => acc + Math.exp(ej - m), 0);
    const a = e.map((ej) => Math.exp(ej - m) / z);
    const c = new Float32Array(2 * n);
    h.forEach((hj, j) => hj.forEach((v, k) => { c[k] += a[j] * v; }));
    const Ey = this.embed('decoder.embedding.weight', yPrev, E);
    const s = gruStep(this.gru('decoder.rnn', '_l0', E + 2 * n, H), cat(Ey, c), sPrev, gruConvention);
    const input = cat(s, Ey, c);
    let t: Vec;
    if (deepOutput === 'none') t = input;
    else {
      const P = deepOutput === 'maxout' ? 2 * l : l;
      const tt = linear(this.t('decoder.deep_output.weight'), this.t('decoder.deep_output.bias'), input, P, input.length);
      t = deepOutput === 'maxout' ? Float32Array.from({ length: l }, (_, k) => Math.max(tt[2 * k], tt[2 * k + 1])) : tt.map(Math.tanh);
    }
    const logits = linear(this.t('decoder.out.weight'), this.t('decoder.out.bias'), t, V, t.length);
    return { e, a, c, s, logits };
  }
}
