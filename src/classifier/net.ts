/**
 * What the classifier nets (attention-bilstm.ts, han.ts) provide to AttentionClassifier.
 *
 * A net is immutable weights plus config. Its state holds every buffer of one forward pass,
 * allocated at load for the config's maximum lengths, so `forward` allocates nothing. Both nets
 * read a document: sentences of token ids (attention-bilstm: exactly one "sentence", its input).
 */
import type { Regions } from '../memory.js';
import type { ClassifierConfig } from './config.js';

export interface ClassifierState {
  /** (C,) W h + b: the scores of the labels. */
  readonly logits: number;
  /** (C,) softmax(logits), log_softmax(logits). */
  readonly probabilities: number;
  readonly logProbabilities: number;
  /** (maxSentences, maxLength) word weights: sentence i's a_it at row i. */
  readonly wordWeights: number;
  /** (maxSentences,) han: sentence weights a_i. */
  readonly sentenceWeights: number;
}

export interface ClassifierNet<S extends ClassifierState = ClassifierState> {
  readonly config: ClassifierConfig;
  /** The buffers of one forward pass, sized for config.maxSentences x config.maxLength. */
  createState(regions: Regions): S;
  /** logits and attention weights of a document (ids checked by the caller: in range, lengths within the maxima). */
  forward(st: S, document: readonly (readonly number[])[]): void;
}

/** The ClassifierState buffers both nets have the same way. */
export function classifierStateBuffers(r: Regions, config: ClassifierConfig): ClassifierState {
  const C = config.labels.length;
  return {
    logits: r.floats(C),
    probabilities: r.floats(C),
    logProbabilities: r.floats(C),
    wordWeights: r.floats(config.maxSentences * config.maxLength),
    sentenceWeights: r.floats(config.maxSentences),
  };
}
