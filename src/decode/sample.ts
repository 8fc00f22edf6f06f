/**
 * Ancestral sampling: y_i ~ p(y | y_<i, x)^(1/T), optionally restricted to the k most likely
 * symbols (top-k, Fan et al. 2018) or to the smallest set holding probability mass p (nucleus,
 * Holtzman et al. 2020). A seeded generator makes results the same run to run and machine to
 * machine (integer arithmetic only).
 */
import type { DecodeContext, DecodedSequence, LengthLimits } from './context.js';

export interface SampleOptions extends LengthLimits {
  temperature: number;
  /** 0: no top-k restriction. */
  topK: number;
  /** 1: no nucleus restriction. */
  topP: number;
  seed: number;
}

/** Mulberry32: a small 32-bit generator, identical on every platform. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => mulberry32Output(a = mulberry32Next(a));
}

/** Mulberry32's state after a (uint32), for generators whose state lives in a buffer (one per decode row). */
export function mulberry32Next(a: number): number {
  return (a + 0x6d2b79f5) >>> 0;
}

/** Mulberry32's output in [0, 1) for the state a (already advanced by mulberry32Next). */
export function mulberry32Output(a: number): number {
  let t = a >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Samples one output for the source in slot 0. */
export function sample(ctx: DecodeContext, o: SampleOptions): DecodedSequence {
  const { net, st, rt, V } = ctx;
  const { sosId, eosId } = net.config;
  const k = rt.k;
  const random = mulberry32(o.seed);
  const out: DecodedSequence = { ids: [], logProbs: [], attention: [], finished: false, score: 0 };
  const K = o.topK > 0 ? Math.min(o.topK, V) : V;
  net.startRow(st, 0, 0);
  ctx.previous[0] = sosId;
  for (let i = 0; i < o.maxLength; i++) {
    net.step(st, ctx.previous, 1);
    const lp = ctx.logProbsRow(0);
    k.log_softmax(lp, st.logits, V);
    const F = rt.F32;
    if (i < o.minLength) F[(lp >> 2) + eosId] = -Infinity;
    // Candidates by log-probability, best first; weights p^(1/T) relative to the best.
    k.topk(ctx.topIdx, ctx.topVal, lp, V, K);
    const idx = rt.i32(ctx.topIdx, K), val = rt.f32(ctx.topVal, K);
    let n = 0, mass = 0, kept = 0;
    // Nucleus on the model's (temperature-1) probabilities: the smallest prefix with mass >= topP.
    for (; n < K && val[n] > -Infinity; n++) {
      mass += Math.exp(val[n]);
      if (mass >= o.topP) { n++; break; }
    }
    for (let c = 0; c < n; c++) kept += Math.exp((val[c] - val[0]) / o.temperature);
    let u = random() * kept, y = idx[n - 1];
    for (let c = 0; c < n; c++) {
      u -= Math.exp((val[c] - val[0]) / o.temperature);
      if (u < 0) { y = idx[c]; break; }
    }
    const logp = F[(lp >> 2) + y];
    out.ids.push(y);
    out.logProbs.push(logp);
    out.score += logp;
    out.attention.push(ctx.weightsRow(0).slice());
    if (y === eosId) { out.finished = true; break; }
    ctx.previous[0] = y;
  }
  return out;
}
