/**
 * What every attention encoder-decoder in src/models provides to the decoders in src/decode.
 *
 * A net is immutable weights plus config. A `DecodeState` holds the buffers of one decode, all
 * allocated at load for the worst case:
 *   - source slots (up to maxSlots): one encoded source each, its annotations h_j, the
 *     precomputed keys U h_j and s_0;
 *   - rows (up to maxRows): one decoder hypothesis each (a beam entry or a batch item), its state
 *     s_i, and per step e_i, a_i, c_i and the logits. Row r attends to source slot slotOf[r].
 * A step runs all live rows together, so each weight matrix is read once per step (one
 * matrix-matrix product), not once per hypothesis.
 */
import type { ModelConfig } from '../config.js';
import type { WeightFormat } from '../layers/linear.js';
import type { Regions } from '../memory.js';

/** Load-time choices of a net (from LoadOptions). */
export interface NetOptions {
  /** Format of the weight matrices: 'float32' as read, or 'int8' quantised per row at load. */
  weights: WeightFormat;
  /** Largest decoder input table T (V_t, 3H) in bytes (default INPUT_TABLE_BUDGET_BYTES); tests set 0 to run without it. */
  inputTableBudgetBytes?: number;
}

export interface DecodeState {
  readonly maxRows: number;
  readonly maxSlots: number;
  readonly maxTx: number;
  /** Tx of the source in each slot. */
  readonly Tx: Int32Array;
  /** Source slot of each row. */
  readonly slotOf: Int32Array;
  /** h_j of slot k at annotations + (k * maxTx + j) * annotationSize floats. */
  readonly annotations: number;
  /** e_ij of row r at energies + (r * maxTx + j) floats. */
  readonly energies: number;
  /** a_ij of row r at weights + (r * maxTx + j) floats. */
  readonly weights: number;
  /** c_i of row r at context + r * contextStride floats (annotationSize of them). */
  readonly context: number;
  readonly contextStride: number;
  /** s_i of row r at state + r * hiddenSize floats. */
  readonly state: number;
  /** logits of row r at logits + r * V_t floats. */
  readonly logits: number;
}

/**
 * A validated source (Seq2SeqModel.source): what `encode` reads. Text models read `ids`; models
 * whose `input` is 'features' (show-attend-tell) read `features`, the annotation vectors as given.
 */
export interface Source {
  /** Source ids ([] for annotation vectors). */
  readonly ids: number[];
  /** Their symbols; for annotation vectors the location names a_1..a_L. */
  readonly tokens: string[];
  /** Tx: the number of annotations the decoder attends over (ids.length, or L). */
  readonly length: number;
  /** (L, D) annotation vectors a_i, row-major, finite; null for id inputs. */
  readonly features: ArrayLike<number> | null;
}

export interface AttentionNet<S extends DecodeState = DecodeState> {
  readonly config: ModelConfig;
  /** What encode reads: source ids (every text model) or annotation vectors (L, annotationSize). */
  readonly input: 'ids' | 'features';
  /** Size of one annotation h_j (D of the annotation vectors a_i). */
  readonly annotationSize: number;
  /** Buffers for up to `maxRows` hypotheses over up to `maxSlots` sources of maxSourceLength ids (or annotation vectors). */
  createState(regions: Regions, maxRows: number, maxSlots: number): S;
  /** Reads a source (validated by the caller) into slot `slot`: annotations h_j, keys U h_j, s_0. */
  encode(st: S, slot: number, source: Source): void;
  /** Row `row` starts a hypothesis on slot `slot`: s = s_0 of that source. */
  startRow(st: S, row: number, slot: number): void;
  /** One decoder step for rows 0..rows-1 from their previous outputs y_{i-1}: e_i, a_i, c_i, s_i, logits. */
  step(st: S, previous: Int32Array, rows: number): void;
  /** Row r takes the recurrent state of row parents[r] (beam reordering, batch compaction). */
  reorder(st: S, parents: Int32Array, rows: number): void;
  /** Called before each decode with its options, for nets whose step depends on them (hard attention). */
  setDecodeOptions?(st: S, options: NetDecodeOptions): void;
  /**
   * false for the encoder-decoders without attention (cho, sutskever): a step computes no e_ij,
   * a_ij, so attention rows (results, step API energies and weights) have length 0. Default true.
   */
  readonly attends?: boolean;
  /** Size of the step API's context c_i; default annotationSize (cho: its fixed summary c; sutskever: 0). */
  readonly contextSize?: number;
}

/** Whether a net's steps compute attention weights a_ij (AttentionNet.attends, default true). */
export function attends(net: AttentionNet): boolean {
  return net.attends !== false;
}

/** Length of an attention row over slot `slot`'s source: its Tx, or 0 for a net without attention. */
export function attentionLength(net: AttentionNet, st: DecodeState, slot: number): number {
  return attends(net) ? st.Tx[slot] : 0;
}

/** Size of the context c_i a net's step leaves at DecodeState.context (AttentionNet.contextSize). */
export function contextSize(net: AttentionNet): number {
  return net.contextSize ?? net.annotationSize;
}

/** The decode options a net's step may read (TranslateOptions, validated). */
export interface NetDecodeOptions {
  /** show-attend-tell with hard attention: the location s_t is argmax_i α_ti, or drawn from Multinoulli(α_t). */
  hardAttention: 'argmax' | 'sample';
  /** Seed of the location sampler. */
  seed: number;
}

/** The DecodeState buffers every net has the same way (all but context and state, which each net places); `attends` false: no e_ij, a_ij. */
export function decodeStateBuffers(r: Regions, maxRows: number, maxSlots: number, maxTx: number, annotationSize: number,
  targetVocabSize: number, attends = true): Omit<DecodeState, 'context' | 'contextStride' | 'state'> {
  const a = attends ? maxRows * maxTx : 0; // e_ij, a_ij: none without attention
  return {
    maxRows, maxSlots, maxTx,
    Tx: new Int32Array(maxSlots),
    slotOf: new Int32Array(maxRows),
    annotations: r.floats(maxSlots * maxTx * annotationSize),
    energies: r.floats(a),
    weights: r.floats(a),
    logits: r.floats(maxRows * targetVocabSize),
  };
}

/** dst rows r = src rows parents[r], width floats each, through tmp (rows, width). */
export function gatherRows(F32: Float32Array, base: number, tmp: number, parents: Int32Array, rows: number, width: number): void {
  const b = base >> 2, t = tmp >> 2;
  let used = 0; // parents may point past `rows` (rows that finished before them): copy all that are read
  for (let r = 0; r < rows; r++) used = Math.max(used, parents[r] + 1);
  F32.copyWithin(t, b, b + used * width);
  for (let r = 0; r < rows; r++) {
    const from = t + parents[r] * width;
    F32.copyWithin(b + r * width, from, from + width);
  }
}

let slotScratch = new Int32Array(16);

/** slotOf[r] = slotOf[parents[r]] for rows 0..rows-1 (no allocation once warm). */
export function reorderSlots(slotOf: Int32Array, parents: Int32Array, rows: number): void {
  if (slotScratch.length < rows) slotScratch = new Int32Array(rows);
  for (let r = 0; r < rows; r++) slotScratch[r] = slotOf[parents[r]];
  slotOf.set(slotScratch.subarray(0, rows));
}
