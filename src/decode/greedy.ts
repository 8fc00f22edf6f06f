/**
 * Greedy decoding: y_i = argmax_y p(y | y_<i, x) from y_0 = <s> until </s> or maxLength, for a
 * batch of sources at once. Rows that finish leave the step (the state is compacted), so the
 * matrix products shrink as the batch drains.
 */
import { SeqattnError } from '../errors.js';
import type { DecodeContext, DecodedSequence, LengthLimits } from './context.js';

/** Decodes `count` sources already encoded in slots 0..count-1. */
export function greedyBatch(ctx: DecodeContext, count: number, limits: LengthLimits): DecodedSequence[] {
  const { net, st, rt, V } = ctx;
  const { sosId, eosId } = net.config;
  const k = rt.k;
  if (count > st.maxRows) throw new SeqattnError('E_OPTION', `batch of ${count} is more than the ${st.maxRows} rows this model was loaded with`);
  const out: DecodedSequence[] = [];
  const itemOfRow = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    net.startRow(st, b, b);
    itemOfRow[b] = b;
    ctx.previous[b] = sosId;
    out.push({ ids: [], logProbs: [], attention: [], finished: false, score: 0 });
  }
  let rows = count;
  for (let i = 0; i < limits.maxLength && rows > 0; i++) {
    net.step(st, ctx.previous, rows);
    let alive = 0;
    for (let r = 0; r < rows; r++) {
      // log p(y) = logit_y - logsumexp(logits): one pass over the logits for the normaliser and
      // one for the argmax; the log-probabilities of the other V - 1 symbols are never written
      const logits = st.logits + r * V * 4;
      const logZ = k.logsumexp(logits, V);
      const F = rt.F32;
      if (i < limits.minLength) F[(logits >> 2) + eosId] = -Infinity; // this step's scratch
      const y = k.argmax(logits, V);
      const seq = out[itemOfRow[r]];
      const logp = Math.fround(F[(logits >> 2) + y] - logZ);
      seq.ids.push(y);
      seq.logProbs.push(logp);
      seq.score += logp;
      seq.attention.push(ctx.weightsRow(r).slice());
      if (y === eosId) {
        seq.finished = true;
      } else {
        ctx.parents[alive] = r;
        ctx.previous[alive] = y;
        itemOfRow[alive] = itemOfRow[r];
        alive++;
      }
    }
    if (alive < rows) net.reorder(st, ctx.parents, alive);
    rows = alive;
  }
  return out;
}
