/**
 * What the decoding strategies share: the net, its decode state, and scratch sized at load
 * (log-probabilities and top-k buffers for every row). Nothing here is allocated per step.
 */
import type { Regions } from '../memory.js';
import { attentionLength, type AttentionNet, type DecodeState } from '../models/net.js';
import type { WasmRuntime } from '../wasm.js';

export class DecodeContext {
  readonly V: number;
  /** log p(· | y_<i, x) of row r at logProbs + r * V floats. */
  readonly logProbs: number;
  /** top-k indices / values of row r at topIdx / topVal + r * topK entries. */
  readonly topIdx: number;
  readonly topVal: number;
  readonly topK: number;
  /** y_{i-1} per row, fed to the next step. */
  readonly previous: Int32Array;
  /** Row r's parent row, for reorder. */
  readonly parents: Int32Array;

  constructor(readonly rt: WasmRuntime, readonly net: AttentionNet, readonly st: DecodeState, regions: Regions) {
    this.V = net.config.targetVocab.length;
    const rows = st.maxRows;
    this.topK = Math.min(this.V, Math.max(2 * rows, 1));
    this.logProbs = regions.floats(rows * this.V);
    this.topIdx = regions.ints(Math.max(rows * this.topK, this.V));
    this.topVal = regions.floats(Math.max(rows * this.topK, this.V));
    this.previous = new Int32Array(rows);
    this.parents = new Int32Array(rows);
  }

  /** Length of an attention row over slot `slot`'s source: its Tx, or 0 for a net without attention. */
  attentionLength(slot: number): number {
    return attentionLength(this.net, this.st, slot);
  }

  /** Pointer to row r's log-probabilities. */
  logProbsRow(r: number): number { return this.logProbs + r * this.V * 4; }

  /** log_softmax of every row's logits into logProbs. */
  logSoftmaxRows(rows: number): void {
    const k = this.rt.k;
    for (let r = 0; r < rows; r++) k.log_softmax(this.logProbsRow(r), this.st.logits + r * this.V * 4, this.V);
  }

  /** Attention row a_i of decode row r (valid until the next step); length 0 without attention. */
  weightsRow(r: number): Float32Array {
    return this.rt.f32(this.st.weights + r * this.st.maxTx * 4, this.attentionLength(this.st.slotOf[r]));
  }
}

/** Options every strategy understands. */
export interface LengthLimits {
  /** Most output tokens, including </s>. */
  maxLength: number;
  /** </s> is not allowed before this many tokens. */
  minLength: number;
}

/** One decoded output sequence. */
export interface DecodedSequence {
  /** y_1..y_Ty, including the final </s> when one was produced. */
  ids: number[];
  /** log p(y_i | y_<i, x) for each y_i, under the model (before any penalty or temperature). */
  logProbs: number[];
  /** a_i over the source, per output step (length 0 for a net without attention). */
  attention: Float32Array[];
  /** Whether </s> ended the sequence (false: maxLength ran out). */
  finished: boolean;
  /** The score the search ranked it by (beam: normalised with penalties; else the log-probability). */
  score: number;
}
