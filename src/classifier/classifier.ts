/**
 * A loaded text classifier with attention pooling (attention-bilstm, han): immutable weights in
 * Wasm memory, the config and vocabulary, and one forward-pass state sized at load for the
 * maximum lengths. `classify` validates its input before touching Wasm memory, so a bad input
 * throws a SeqattnError and leaves the classifier as it was; it allocates nothing in Wasm.
 */
import { eachInput, nonFiniteOutput, SeqattnError } from '../errors.js';
import { preview } from '../untrusted.js';
import type { Regions } from '../memory.js';
import { Vocabulary } from '../vocab.js';
import type { WasmBuild, WasmRuntime } from '../wasm.js';
import type { ClassifierConfig } from './config.js';
import type { ClassifierNet, ClassifierState } from './net.js';
import { splitSentences, tokenizeText, type Tokens } from './tokenize.js';

/**
 * What classify() reads. attention-bilstm: one text (tokenised by the config) or its token ids.
 * han: a document, as an array of sentences (each a string, tokenised but not split further, or
 * ids), or one string split into sentences by SENTENCE_BOUNDARY (src/classifier/tokenize.ts).
 */
export type ClassifierInput = string | ArrayLike<number> | readonly (string | ArrayLike<number>)[];

interface ClassificationBase {
  /** labels[labelId]: the most probable label. */
  label: string;
  labelId: number;
  /** p(y | input) per label; sums to 1. */
  probabilities: Float32Array;
  /** log p(y | input) per label. */
  logProbabilities: Float32Array;
  /** The scores W h + b before the softmax. */
  logits: Float32Array;
}

/** attention-bilstm: α_t over the tokens read. */
export interface SequenceClassification extends ClassificationBase {
  architecture: 'attention-bilstm';
  /** Token ids read and their symbols (the surface form for unknown words). */
  ids: number[];
  tokens: string[];
  /** α (T,), one weight per token, summing to 1. */
  attention: Float32Array;
}

/** han: word weights per sentence and sentence weights. */
export interface DocumentClassification extends ClassificationBase {
  architecture: 'han';
  /** Per sentence, the token ids read and their symbols. */
  ids: number[][];
  tokens: string[][];
  attention: {
    /** α_it: row i has one weight per word of sentence i, summing to 1. */
    words: Float32Array[];
    /** α_i (L,): one weight per sentence, summing to 1. */
    sentences: Float32Array;
  };
}

/** Narrow on `architecture`. */
export type Classification = SequenceClassification | DocumentClassification;

/** A checked document: sentences of ids in range, lengths within the maxima. */
interface Document { ids: number[][]; tokens: string[][] }

export class AttentionClassifier {
  readonly config: ClassifierConfig;
  readonly vocab: Vocabulary;
  private readonly st: ClassifierState;
  private disposed = false;

  /** @internal use loadClassifier() */
  constructor(private readonly rt: WasmRuntime, private readonly regions: Regions, private readonly net: ClassifierNet) {
    this.config = net.config;
    this.vocab = new Vocabulary(net.config.sourceVocab);
    this.st = net.createState(regions);
  }

  /** The label names; label id k is labels[k]. */
  get labels(): readonly string[] { return this.config.labels; }
  /** Bytes of the shared Wasm memory (it grows at load, never in classify). */
  get wasmMemoryBytes(): number { return this.rt.memoryBytes; }
  /** The Wasm build the kernels run in. */
  get wasmBuild(): WasmBuild { return this.rt.build; }
  get isDisposed(): boolean { return this.disposed; }

  /**
   * p(y | input) and where the model looked.
   * @example
   *   const { label, probabilities, attention, tokens } = bilstm.classify('the burst has been caused by pressure');
   *   const doc = han.classify(['The food was great .', 'Service was slow .']);
   *   if (doc.architecture === 'han') doc.attention.sentences   // α_i per sentence
   */
  classify(input: ClassifierInput): Classification {
    this.checkAlive();
    return this.run(this.document(input));
  }

  /** classify() of each input, in order; every input is checked before any runs (errors name `inputs[b]`). */
  classifyBatch(inputs: readonly ClassifierInput[]): Classification[] {
    this.checkAlive();
    const docs = eachInput(inputs, (x) => this.document(x));
    return docs.map((d) => this.run(d));
  }

  /** Returns the classifier's Wasm memory to the runtime. Using it afterwards throws E_DISPOSED. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.regions.release();
  }

  private checkAlive(): void {
    if (this.disposed) throw new SeqattnError('E_DISPOSED', 'this classifier was disposed; load it again to use it');
  }

  private run(doc: Document): Classification {
    const k = this.rt.k, st = this.st;
    const C = this.config.labels.length;
    this.net.forward(st, doc.ids);
    k.softmax(st.probabilities, st.logits, C);
    k.log_softmax(st.logProbabilities, st.logits, C);
    const labelId = k.argmax(st.logits, C);
    const p = this.rt.f32(st.logProbabilities, C);
    for (let c = 0; c < C; c++) if (!Number.isFinite(p[c])) throw nonFiniteOutput(`the log-probability of label ${preview(this.config.labels[c], 40)}`, p[c]);
    const base = {
      label: this.config.labels[labelId],
      labelId,
      probabilities: this.rt.f32(st.probabilities, C).slice(),
      logProbabilities: this.rt.f32(st.logProbabilities, C).slice(),
      logits: this.rt.f32(st.logits, C).slice(),
    };
    const words = doc.ids.map((s, i) => this.rt.f32(st.wordWeights + i * this.config.maxLength * 4, s.length).slice());
    if (this.config.architecture === 'attention-bilstm') {
      return { architecture: 'attention-bilstm', ...base, ids: doc.ids[0], tokens: doc.tokens[0], attention: words[0] };
    }
    return { architecture: 'han', ...base, ids: doc.ids, tokens: doc.tokens,
      attention: { words, sentences: this.rt.f32(st.sentenceWeights, doc.ids.length).slice() } };
  }

  /** The checked document of an input (attention-bilstm: one sentence). */
  private document(input: ClassifierInput): Document {
    const c = this.config;
    const han = c.architecture === 'han';
    if (typeof input === 'string') {
      const sentences = han ? splitSentences(input) : [input];
      if (sentences.length === 0) throw new SeqattnError('E_INPUT_LENGTH', 'input is empty: the document has no sentence');
      return this.sentences(sentences);
    }
    if (input === null || typeof input !== 'object' || typeof (input as ArrayLike<unknown>).length !== 'number') {
      throw new SeqattnError('E_INPUT_KIND', `input must be ${han ? 'a document: a string, or an array of sentences (strings or id arrays)' : 'a string or an array of token ids'}, got ${input === null ? 'null' : typeof input}`);
    }
    const items = Array.from(input as ArrayLike<unknown>);
    const nested = items.length > 0 && items.every((s) => typeof s === 'string' || (s !== null && typeof s === 'object'));
    if (!han) {
      if (nested) throw new SeqattnError('E_INPUT_KIND', 'attention-bilstm reads one sequence (a string or token ids), got an array of sentences: documents are the input of han models');
      return this.sentences([input as ArrayLike<number>]);
    }
    if (!nested && items.length > 0) {
      throw new SeqattnError('E_INPUT_KIND', 'han reads a document: an array of sentences (strings or id arrays) or one string; got a flat array (one sentence of ids is [ids])');
    }
    if (items.length === 0) throw new SeqattnError('E_INPUT_LENGTH', 'input is empty: the document has no sentence');
    return this.sentences(items as (string | ArrayLike<number>)[]);
  }

  private sentences(sentences: readonly (string | ArrayLike<number>)[]): Document {
    const c = this.config;
    const han = c.architecture === 'han';
    if (sentences.length > c.maxSentences) {
      throw new SeqattnError('E_INPUT_LENGTH', `input has ${sentences.length} sentences, more than max_sentences ${c.maxSentences}`);
    }
    const doc: Document = { ids: [], tokens: [] };
    sentences.forEach((s, i) => {
      const where = han ? `sentence ${i}: ` : '';
      let t: Tokens;
      try {
        t = typeof s === 'string' ? tokenizeText(c, this.vocab, s) : this.checkIds(s);
      } catch (e) {
        if (e instanceof SeqattnError && han) throw new SeqattnError(e.code, `${where}${e.message}`);
        throw e;
      }
      if (t.ids.length === 0) throw new SeqattnError('E_INPUT_LENGTH', `${where}input is empty: the encoder needs at least one token`);
      if (t.ids.length > c.maxLength) {
        throw new SeqattnError('E_INPUT_LENGTH', `${where}input has ${t.ids.length} tokens, more than ${han ? 'max_sentence_length' : 'max_length'} ${c.maxLength}`);
      }
      doc.ids.push(t.ids);
      doc.tokens.push(t.tokens);
    });
    if (c.padToMaxLengths) this.pad(doc);
    return doc;
  }

  /** pad_to_max_lengths: every sentence to maxLength with the pad id, the document to maxSentences such sentences. */
  private pad(doc: Document): void {
    const c = this.config, id = c.sourcePadId!, symbol = this.vocab.symbol(id);
    for (let i = 0; i < c.maxSentences; i++) {
      if (i === doc.ids.length) {
        if (c.architecture !== 'han') break;
        doc.ids.push([]);
        doc.tokens.push([]);
      }
      const ids = doc.ids[i], tokens = doc.tokens[i];
      while (ids.length < c.maxLength) { ids.push(id); tokens.push(symbol); }
    }
  }

  private checkIds(input: ArrayLike<number>): Tokens {
    if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
      throw new SeqattnError('E_INPUT_KIND', `a sentence must be a string or an array of token ids, got ${input === null ? 'null' : typeof input}`);
    }
    const ids = Array.from(input);
    const V = this.vocab.size;
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new SeqattnError('E_TOKEN_ID', `token id ${id} at index ${i} is out of range: expected an integer in [0, ${V}) (vocabulary size)`);
      }
    });
    return { ids, tokens: ids.map((id) => this.vocab.symbol(id)) };
  }
}
