/**
 * Greedy decoding: y_i = argmax_y p(y | y_<i, x), from y_0 = <s> until </s> or `maxSteps`.
 * Touches no allocator in Wasm; per step it copies the attention row a_i out for the result.
 */
import type { AttentionNet, DecodeState } from '../models/net.js';
import type { WasmRuntime } from '../wasm.js';

export interface DecodedSequence {
  /** y_1..y_Ty, including the final </s> when one was produced. */
  ids: number[];
  /** log p(y_i | y_<i, x) for each y_i. */
  logProbs: number[];
  /** a_i (Tx,) per output step. */
  attention: Float32Array[];
  /** Whether </s> ended the sequence (false: maxSteps ran out). */
  finished: boolean;
}

/** Runs the decoder from an encoded state; `logProbs` is (V_t,) scratch. */
export function greedyDecode<S extends DecodeState>(rt: WasmRuntime, net: AttentionNet<S>, st: S, logProbs: number, maxSteps: number): DecodedSequence {
  const { sosId, eosId } = net.config;
  const V = net.config.targetVocab.length;
  const k = rt.k;
  const out: DecodedSequence = { ids: [], logProbs: [], attention: [], finished: false };
  let y = sosId;
  for (let i = 0; i < maxSteps; i++) {
    net.step(st, y);
    k.log_softmax(logProbs, st.logits, V);
    y = k.argmax(logProbs, V);
    out.ids.push(y);
    out.logProbs.push(rt.F32[(logProbs >> 2) + y]);
    out.attention.push(rt.f32(st.weights, st.Tx).slice());
    if (y === eosId) { out.finished = true; break; }
  }
  return out;
}
