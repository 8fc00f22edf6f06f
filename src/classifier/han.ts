/**
 * HAN: Yang et al. 2016, "Hierarchical Attention Networks for Document Classification" (NAACL),
 * sec. 2, with PyTorch's nn.GRU (gates r, z, n; gru_convention "reset_after", which is the
 * paper's GRU, h̃_t = tanh(W_h x_t + r_t ⊙ (U_h h_{t-1}) + b_h); or "reset_before").
 *
 * For each sentence i of the document, words w_i1..w_iT:
 *   x_it = W_e w_it                                        word encoder
 *   h_it = [→GRU(x_it); ←GRU(x_it)]                        (T, 2n_w)
 *   u_it = tanh(W_w h_it + b_w)                            word attention
 *   α_it = exp(u_it^T u_w) / Σ_t exp(u_it^T u_w)
 *   s_i  = Σ_t α_it h_it                                   (2n_w,)
 * Over the sentences s_1..s_L:
 *   h_i  = [→GRU(s_i); ←GRU(s_i)]                          sentence encoder, (L, 2n_s)
 *   u_i  = tanh(W_s h_i + b_s)                             sentence attention
 *   α_i  = exp(u_i^T u_s) / Σ_i exp(u_i^T u_s)
 *   v    = Σ_i α_i h_i                                     (2n_s,)
 *   p    = softmax(W_c v + b_c)                            document classification
 * Variants of public HAN code (config): word_num_layers, sentence_num_layers (stacked GRUs); word_state "carry" (the word GRU of sentence i+1 starts from
 * sentence i's final states). Both encoders are the composed models' (compose/encoder.ts RNNEncoder), word / sentence_score_activation "tanh" (α = softmax(tanh(u^T u_c))).
 * The word GRUs step all sentences together (one product per step for all of them); each
 * sentence's W_w h_it is one matrix product over its words, u_it^T u_w one dot_energies call.
 */
import { Linear } from '../layers/linear.js';
import type { NetOptions } from '../models/net.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import { RNNEncoder, type SequencesScratch } from '../compose/encoder.js';
import type { EncoderPart } from '../compose/description.js';
import type { ClassifierConfig } from './config.js';
import { classifierStateBuffers, type ClassifierNet, type ClassifierState } from './net.js';
import { AttentionPooling, type PoolingPart } from '../compose/pooling.js';
import { at } from '../compose/floats.js';

interface HanState extends ClassifierState {
  words: SequencesScratch;
  hWords: number;    // (maxL * maxT, 2n_w) h_it, the sentences one after another
  uWords: number;    // (maxT, A_w) u_it
  eWords: number;    // (maxT,) u_it^T u_w
  s: number;         // (maxL, 2n_w) s_i
  sentences: SequencesScratch;
  hSentences: number; // (maxL, 2n_s) h_i
  uSentences: number; // (maxL, A_s) u_i
  eSentences: number; // (maxL,) u_i^T u_s
  v: number;          // (2n_s,)
}

export class HierarchicalAttentionNetwork implements ClassifierNet<HanState> {
  private readonly wordEncoder: RNNEncoder;
  /** W_w (A_w, 2n_w), b_w, u_w (A_w,). */
  private readonly wordAttention: AttentionPooling;
  private readonly sentenceEncoder: RNNEncoder;
  /** W_s (A_s, 2n_s), b_s, u_s (A_s,). */
  private readonly sentenceAttention: AttentionPooling;
  /** W_c (C, 2n_s), b_c (C,). */
  private readonly classifier: Linear;

  constructor(readonly config: ClassifierConfig, regions: Regions, w: WeightStore, options: NetOptions) {
    const { embeddingSize: E, hiddenSize: nw, sentenceHiddenSize: ns, wordAttentionSize: Aw, sentenceAttentionSize: As } = config;
    const f = options.weights;
    const gru = config.gruConvention;
    // nn.GRU(E, n_w, num_layers, bidirectional=True) over x_it = W_e w_it; nn.GRU(2 n_w, n_s, ...) over s_i
    const biGRU = (rnn: string, layers: number, hidden: number): EncoderPart => ({ rnn, layers, hidden, bidirectional: true, merge: 'concat', reverse: false });
    this.wordEncoder = RNNEncoder.load(regions, w, biGRU('word_rnn', config.wordNumLayers, nw), 'gru', gru, 'embedding', config.sourceVocab.length, E, f,
      options.inputTableBudgetBytes);
    // u_it = tanh(W h_it + b) against u (an nn.Linear(A, 1, bias=False): its weight (1, A))
    const pooling = (module: string, size: number, score: 'none' | 'tanh'): PoolingPart =>
      ({ W: { name: `${module}.W`, bias: true }, u: { name: `${module}.u`, bias: false, layout: 'linear' }, size, score });
    this.wordAttention = AttentionPooling.load(regions, w, pooling('word_attention', Aw, config.wordScoreActivation), 2 * nw, f);
    this.sentenceEncoder = RNNEncoder.load(regions, w, biGRU('sentence_rnn', config.sentenceNumLayers, ns), 'gru', gru, null, 0, 2 * nw, f);
    this.sentenceAttention = AttentionPooling.load(regions, w, pooling('sentence_attention', As, config.sentenceScoreActivation), 2 * ns, f);
    const C = config.labels.length;
    this.classifier = Linear.load(regions, w, 'classifier', C, 2 * ns, true, `(labels ${C}, 2*sentence hidden ${2 * ns})`, f);
  }

  createState(r: Regions): HanState {
    const { maxLength: T, maxSentences: L, hiddenSize: nw, sentenceHiddenSize: ns, wordAttentionSize: Aw, sentenceAttentionSize: As } = this.config;
    return {
      ...classifierStateBuffers(r, this.config),
      words: this.wordEncoder.sequencesScratch(r, T, L),
      hWords: r.floats(L * T * 2 * nw),
      uWords: r.floats(T * Aw),
      eWords: r.floats(T),
      s: r.floats(L * 2 * nw),
      sentences: this.sentenceEncoder.sequencesScratch(r, L),
      hSentences: r.floats(L * 2 * ns),
      uSentences: r.floats(L * As),
      eSentences: r.floats(L),
      v: r.floats(2 * ns),
    };
  }

  forward(st: HanState, document: readonly (readonly number[])[]): void {
    const { maxLength, hiddenSize: nw } = this.config;
    const L = document.length;
    // h_it of every sentence, all stepped together; then s_i = Σ_t α_it h_it with α_i· into row i of wordWeights
    this.wordEncoder.encodeIds(st.hWords, st.words, document, this.config.wordState === 'carry');
    document.forEach((words, i) => {
      const h = at(st.hWords, st.words.offset[i] * 2 * nw);
      this.wordAttention.pool(at(st.s, i * 2 * nw), at(st.wordWeights, i * maxLength), st.uWords, st.eWords, h, words.length);
    });
    this.sentenceEncoder.encodeVectors(st.hSentences, st.sentences, st.s, L);                                        // h_i
    this.sentenceAttention.pool(st.v, st.sentenceWeights, st.uSentences, st.eSentences, st.hSentences, L); // α_i, v
    this.classifier.apply(st.logits, st.v);                                                                // W_c v + b_c
  }
}
