/**
 * Beam search with the scoring of Wu et al. 2016 (GNMT), section 7:
 *
 *   s(Y, X) = log P(Y | X) / lp(Y) + cp(X; Y)
 *   lp(Y)   = ((5 + |Y|) / 6)^α                              length penalty
 *   cp(X;Y) = β Σ_j log(min(Σ_i a_ij, 1))                    coverage penalty
 *             (Σ_i a_ij floored at COVERAGE_FLOOR, for local attention's unreached positions)
 *
 * The live hypotheses of a step are decoder rows computed together (one matrix product per weight
 * matrix). Each step ranks the live candidates by log P; candidates ending in </s> within the top
 * `beamSize` ranks leave the beam as finished hypotheses and compete on s(Y, X); the best
 * `beamSize` others stay live. The search stops when `nBest` hypotheses are finished and no live
 * one can still beat them (log P only falls and lp only grows up to maxLength, cp <= 0), or at
 * maxLength, where the live hypotheses finish as they are (as they also do when n-gram blocking
 * leaves no continuation and nothing has finished). Fewer than nBest results are possible.
 */
import { SeqattnError } from '../errors.js';
import type { DecodeContext, DecodedSequence, LengthLimits } from './context.js';

export interface BeamOptions extends LengthLimits {
  beamSize: number;
  nBest: number;
  /** α of the length penalty; 0 ranks by log P alone. */
  lengthPenalty: number;
  /** β of the coverage penalty; 0 turns it off. */
  coveragePenalty: number;
  /** Forbid any n-gram of this size from occurring twice in a hypothesis; 0 turns it off. */
  blockRepeatNgram: number;
}

interface Candidate { row: number; token: number; logp: number; total: number }

interface Finished { step: number; row: number; token: number; logp: number; total: number; score: number; finished: boolean }

/** lp(Y) = ((5 + |Y|) / 6)^α */
export function lengthPenalty(length: number, alpha: number): number {
  return alpha === 0 ? 1 : Math.pow((5 + length) / 6, alpha);
}

/**
 * The least coverage the penalty counts: a position's term is log(min(max(Σ_i a_ij, floor), 1)).
 * Under local attention (Luong et al. 2015, sec. 3.2) a source position that no window reached has
 * Σ_i a_ij = 0 exactly, and log 0 = -inf would tie every such hypothesis at -inf, leaving them in
 * no order; with the floor such a position costs β log(1e-6) ≈ -13.8 β, and hypotheses that
 * cover more of the source still rank above those that cover less.
 */
export const COVERAGE_FLOOR = 1e-6;

/**
 * cp = β Σ_j log(min(max(coverage_j, COVERAGE_FLOOR), 1)) over coverage[at .. at + Tx), plus this
 * step's attention `a` when given (coverage including the step, summed in f64).
 */
export function coveragePenalty(coverage: ArrayLike<number>, Tx: number, beta: number, at = 0, a: ArrayLike<number> | null = null): number {
  if (beta === 0) return 0;
  let s = 0;
  for (let j = 0; j < Tx; j++) s += Math.log(Math.min(Math.max(coverage[at + j] + (a ? a[j] : 0), COVERAGE_FLOOR), 1));
  return beta * s;
}

/** Beam search over the source in slot 0. Returns up to nBest hypotheses, best first. */
export function beamSearch(ctx: DecodeContext, o: BeamOptions): DecodedSequence[] {
  const { net, st, rt, V } = ctx;
  const { sosId, eosId } = net.config;
  const K = o.beamSize;
  if (K > st.maxRows) throw new SeqattnError('E_OPTION', `beamSize ${K} is more than the ${st.maxRows} rows this model was loaded with (loadModel option maxBeamSize)`);
  const Tx = ctx.attentionLength(0); // 0 without attention: no coverage (model.ts rejects the penalty there)
  const L = o.maxLength;
  const kTop = Math.min(V, 2 * K);

  // History, one entry per (step, row): the token a row emitted, its parent row at the previous
  // step, its log-prob, and the attention row it was computed with. Allocated once per search.
  const token = new Int32Array(L * K), parent = new Int32Array(L * K), tokenLogp = new Float32Array(L * K);
  const attention = new Float32Array(L * K * Tx);
  let coverage = new Float32Array(K * Tx), nextCoverage = new Float32Array(K * Tx);
  let total = new Float64Array(K), nextTotal = new Float64Array(K);
  const hyp = new Int32Array(L);
  const finished: Finished[] = [];
  const candidates: Candidate[] = [];

  net.startRow(st, 0, 0);
  ctx.previous[0] = sosId;
  let rows = 1;
  const hypScore = (tot: number, len: number, cov: Float32Array, covAt: number, a: Float32Array | null) =>
    tot / lengthPenalty(len, o.lengthPenalty) + coveragePenalty(cov, Tx, o.coveragePenalty, covAt, a);

  for (let i = 0; i < L && rows > 0; i++) {
    net.step(st, ctx.previous, rows);
    // Candidates: the top 2K continuations of every live row, ranked by log P(y_1..y_i).
    candidates.length = 0;
    for (let r = 0; r < rows; r++) {
      const lp = ctx.logProbsRow(r);
      rt.k.log_softmax(lp, st.logits + r * V * 4, V);
      if (i < o.minLength) rt.F32[(lp >> 2) + eosId] = -Infinity;
      attention.set(ctx.weightsRow(r), (i * K + r) * Tx);
      rt.k.topk(ctx.topIdx, ctx.topVal, lp, V, kTop);
      const idx = rt.i32(ctx.topIdx, kTop), val = rt.f32(ctx.topVal, kTop);
      const len = o.blockRepeatNgram > 0 ? readHypothesis(hyp, token, parent, K, i, r) : 0;
      for (let c = 0; c < kTop; c++) {
        if (val[c] === -Infinity) break;
        if (o.blockRepeatNgram > 0 && repeatsNgram(hyp, len, idx[c], o.blockRepeatNgram)) continue;
        candidates.push({ row: r, token: idx[c], logp: val[c], total: total[r] + val[c] });
      }
    }
    candidates.sort((a, b) => b.total - a.total || a.row - b.row || a.token - b.token);

    let live = 0;
    for (let rank = 0; rank < candidates.length && live < K; rank++) {
      const c = candidates[rank];
      if (c.token === eosId) {
        if (rank < K) {
          finished.push({ step: i, row: c.row, token: c.token, logp: c.logp, total: c.total, finished: true,
            score: hypScore(c.total, i + 1, coverage, c.row * Tx, attention.subarray((i * K + c.row) * Tx, (i * K + c.row + 1) * Tx)) });
        }
        continue;
      }
      token[i * K + live] = c.token;
      parent[i * K + live] = c.row;
      tokenLogp[i * K + live] = c.logp;
      nextTotal[live] = c.total;
      const a = attention.subarray((i * K + c.row) * Tx, (i * K + c.row + 1) * Tx);
      for (let j = 0; j < Tx; j++) nextCoverage[live * Tx + j] = coverage[c.row * Tx + j] + a[j];
      ctx.parents[live] = c.row;
      ctx.previous[live] = c.token;
      live++;
    }
    if (live === 0 && finished.length === 0 && i > 0) {
      // Every continuation was blocked (n-gram blocking) and nothing finished: rather than return
      // nothing, the hypotheses of the previous step finish unfinished, as at maxLength.
      for (let r = 0; r < rows; r++) {
        finished.push({ step: i - 1, row: r, token: -1, logp: 0, total: total[r], finished: false, score: hypScore(total[r], i, coverage, r * Tx, null) });
      }
      break;
    }
    [coverage, nextCoverage] = [nextCoverage, coverage];
    [total, nextTotal] = [nextTotal, total];

    if (i === L - 1) {
      // maxLength reached: the live hypotheses finish as they are.
      for (let r = 0; r < live; r++) {
        finished.push({ step: i, row: r, token: -1, logp: 0, total: total[r], finished: false, score: hypScore(total[r], L, coverage, r * Tx, null) });
      }
      break;
    }
    if (live > 0) net.reorder(st, ctx.parents, live);
    rows = live;

    if (finished.length >= o.nBest && rows > 0) {
      // No live hypothesis can still beat the nBest-th finished one: its log P can only fall,
      // lp grows at most to lp(L), and cp <= 0 (β >= 0).
      const kth = finished.map((f) => f.score).sort((a, b) => b - a)[o.nBest - 1];
      let bound = -Infinity;
      for (let r = 0; r < rows; r++) bound = Math.max(bound, total[r] / lengthPenalty(L, o.lengthPenalty));
      if (kth >= bound) break;
    }
  }

  finished.sort((a, b) => b.score - a.score);
  return finished.slice(0, o.nBest).map((f) => backtrack(f, token, parent, tokenLogp, attention, K, Tx));
}

/** The sequence ending in `f`, read back through the parent pointers. */
function backtrack(f: Finished, token: Int32Array, parent: Int32Array, tokenLogp: Float32Array, attention: Float32Array, K: number, Tx: number): DecodedSequence {
  const ids: number[] = [], logProbs: number[] = [], rowsAttn: Float32Array[] = [];
  // A finished </s> was emitted at step f.step by row f.row; an unfinished hypothesis is live row f.row after f.step.
  let step = f.step, row: number;
  if (f.finished) {
    ids.push(f.token);
    logProbs.push(f.logp);
    rowsAttn.push(attention.slice((step * K + f.row) * Tx, (step * K + f.row + 1) * Tx));
    row = f.row;
    step--;
  } else {
    row = f.row;
  }
  // `row` is now a live row after `step`: it emitted token[step*K+row], computed by row parent[...].
  for (; step >= 0; step--) {
    const at = step * K + row;
    const p = parent[at];
    ids.push(token[at]);
    logProbs.push(tokenLogp[at]);
    rowsAttn.push(attention.slice((step * K + p) * Tx, (step * K + p + 1) * Tx));
    row = p;
  }
  ids.reverse(); logProbs.reverse(); rowsAttn.reverse();
  return { ids, logProbs, attention: rowsAttn, finished: f.finished, score: f.score };
}

/** Writes the tokens of live row `row` after step i-1 (steps 0..i-1) into hyp; returns i. */
function readHypothesis(hyp: Int32Array, token: Int32Array, parent: Int32Array, K: number, i: number, row: number): number {
  let r = row;
  for (let s = i - 1; s >= 0; s--) {
    hyp[s] = token[s * K + r];
    r = parent[s * K + r];
  }
  return i;
}

/** Whether hyp[0..len) followed by `next` repeats its last n-gram earlier in the sequence. */
function repeatsNgram(hyp: Int32Array, len: number, next: number, n: number): boolean {
  const total = len + 1;
  if (total <= n) return false;
  outer: for (let start = 0; start + n < total; start++) {
    for (let t = 0; t < n; t++) {
      const a = hyp[start + t];
      const b = total - n + t === len ? next : hyp[total - n + t];
      if (a !== b) continue outer;
    }
    return true;
  }
  return false;
}
