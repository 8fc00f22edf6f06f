/**
 * What every attention encoder-decoder in src/models provides to the decoders in src/decode.
 *
 * A net is immutable weights plus config; a `DecodeState` holds one decode's buffers (all
 * allocated once, for the model's maximum source length), so one net can serve many decodes.
 */
import type { ModelConfig } from '../config.js';
import type { Regions } from '../memory.js';

/** Offsets of the buffers the step API and the decoders read after each `step`. */
export interface DecodeState {
  /** Source length of the current `encode`. */
  Tx: number;
  /** h_j annotations (Tx, annotationSize). */
  readonly annotations: number;
  /** e_i (Tx,) energies of the last step. */
  readonly energies: number;
  /** a_i (Tx,) attention weights of the last step. */
  readonly weights: number;
  /** c_i (annotationSize,) context of the last step. */
  readonly context: number;
  /** s_i (hiddenSize,) decoder state after the last step (s_0 after encode). */
  readonly state: number;
  /** logits (V_t,) of the last step. */
  readonly logits: number;
}

export interface AttentionNet<S extends DecodeState = DecodeState> {
  readonly config: ModelConfig;
  /** Size of one annotation h_j. */
  readonly annotationSize: number;
  /** Buffers for one decode of sources up to `maxSourceLength` ids. */
  createState(regions: Regions): S;
  /** Reads the source ids (validated by the caller) into annotations h_j, precomputed keys, and s_0. */
  encode(st: S, source: ArrayLike<number>): void;
  /** One decoder step from y_{i-1}: e_i, a_i, c_i, s_i, logits. */
  step(st: S, previous: number): void;
}
