/**
 * A loaded model: immutable weights in Wasm memory, the config and vocabularies, and one decode
 * state sized at load for the maximum lengths. `translate` validates its input before touching
 * Wasm memory, so a bad input throws a SeqattnError and leaves the model as it was.
 */
import type { ModelConfig } from './config.js';
import { greedyDecode } from './decode/greedy.js';
import { SeqattnError } from './errors.js';
import type { Regions } from './memory.js';
import type { AttentionNet, DecodeState } from './models/net.js';
import { tokenizeSource, Vocabulary } from './vocab.js';
import type { WasmRuntime } from './wasm.js';

/** An input: a string (tokenised with the source vocabulary) or source ids as they are. */
export type SourceInput = string | ArrayLike<number>;

export interface TranslateOptions {
  /** Most output tokens (decoder steps); default and upper bound: the config's max_target_length. */
  maxLength?: number;
}

export interface Translation {
  /** Output ids y_1..y_Ty, with the final </s> when one was produced (one per attention row). */
  ids: number[];
  /** Target symbols of `ids`. */
  tokens: string[];
  /** `tokens` without </s>, joined by the config's target_separator. */
  text: string;
  /** log p(y | x) = Σ_i log p(y_i | y_<i, x). */
  score: number;
  /** log p(y_i | y_<i, x) for each output id. */
  logProbs: number[];
  /** Alignment a_ij: one row (Tx,) per output id, each summing to 1 over the source. */
  attention: Float32Array[];
  /** What the encoder read: source ids (with the appended </s> for string inputs) and their symbols. */
  sourceIds: number[];
  sourceTokens: string[];
  /** Whether </s> ended the output (false: maxLength ran out). */
  finished: boolean;
}

/** What one decoder step computed; views into Wasm memory, valid until the model's next step or decode. */
export interface StepOutput {
  /** e_ij, j = 1..Tx: alignment energies a(s_{i-1}, h_j). */
  energies: Float32Array;
  /** a_ij = softmax_j(e_ij). */
  weights: Float32Array;
  /** c_i = Σ_j a_ij h_j. */
  context: Float32Array;
  /** s_i, the new decoder state. */
  state: Float32Array;
  /** Unnormalised scores of y_i over the target vocabulary. */
  logits: Float32Array;
}

/**
 * One decode walked step by step (the worked example of attention): `model.begin(input)` encodes
 * the source; each `step(y_{i-1})` runs one decoder step. Views are valid until the next step.
 * The model has one decode state: starting another decode (translate, begin) ends this session.
 */
export class DecoderSession {
  /** Source ids and symbols the encoder read. */
  readonly sourceIds: number[];
  readonly sourceTokens: string[];
  private i = 0;

  /** @internal use model.begin() */
  constructor(private readonly model: Seq2SeqModel, private readonly generation: number, source: { ids: number[]; tokens: string[] },
    private readonly rt: WasmRuntime, private readonly net: AttentionNet, private readonly st: DecodeState) {
    this.sourceIds = source.ids;
    this.sourceTokens = source.tokens;
  }

  /** Number of steps taken so far (i of the last s_i). */
  get steps(): number { return this.i; }

  /** h_1..h_Tx as rows of a (Tx, annotationSize) view. */
  get annotations(): Float32Array {
    this.check();
    return this.rt.f32(this.st.annotations, this.st.Tx * this.net.annotationSize);
  }

  /** The current decoder state: s_0 before the first step, then s_i. */
  get state(): Float32Array {
    this.check();
    return this.rt.f32(this.st.state, this.net.config.hiddenSize);
  }

  /** Runs decoder step i+1 from the previous output y_i (the start symbol <s> before the first step). */
  step(previous: number = this.i === 0 ? this.net.config.sosId : NaN): StepOutput {
    this.check();
    const V = this.net.config.targetVocab.length;
    if (!Number.isInteger(previous) || previous < 0 || previous >= V) {
      throw new SeqattnError('E_TOKEN_ID', `step ${this.i + 1}: previous target id ${previous} is out of range: expected an integer in [0, ${V}) (target vocabulary size)`);
    }
    this.net.step(this.st, previous);
    this.i++;
    const Tx = this.st.Tx;
    return {
      energies: this.rt.f32(this.st.energies, Tx),
      weights: this.rt.f32(this.st.weights, Tx),
      context: this.rt.f32(this.st.context, this.net.annotationSize),
      state: this.rt.f32(this.st.state, this.net.config.hiddenSize),
      logits: this.rt.f32(this.st.logits, V),
    };
  }

  private check(): void {
    this.model.checkSession(this.generation);
  }
}

export class Seq2SeqModel {
  readonly config: ModelConfig;
  readonly sourceVocab: Vocabulary;
  readonly targetVocab: Vocabulary;
  private readonly rt: WasmRuntime;
  private readonly regions: Regions;
  private readonly net: AttentionNet;
  private readonly st: DecodeState;
  private readonly logProbs: number;
  private disposed = false;
  /** Counts decodes, so a DecoderSession knows when another decode took the state. */
  private generation = 0;

  /** @internal use loadModel() */
  constructor(rt: WasmRuntime, regions: Regions, net: AttentionNet) {
    this.rt = rt;
    this.regions = regions;
    this.net = net;
    this.config = net.config;
    this.sourceVocab = new Vocabulary(net.config.sourceVocab);
    this.targetVocab = new Vocabulary(net.config.targetVocab);
    this.st = net.createState(regions);
    this.logProbs = regions.floats(net.config.targetVocab.length);
  }

  /** Bytes of the shared Wasm memory (it grows at load, never during decoding). */
  get wasmMemoryBytes(): number { return this.rt.memoryBytes; }

  /**
   * Translates one input greedily.
   * @example
   *   const r = model.translate('hello');
   *   r.text        // 'HH AH0 L OW1'
   *   r.attention   // rows a_i over the letters h, e, l, l, o, </s>
   */
  translate(input: SourceInput, options: TranslateOptions = {}): Translation {
    this.checkAlive();
    const maxLength = this.maxLength(options);
    const source = this.source(input);
    this.generation++;
    this.net.encode(this.st, source.ids);
    const d = greedyDecode(this.rt, this.net, this.st, this.logProbs, maxLength);
    return this.result(source, d.ids, d.logProbs, d.attention, d.finished);
  }

  /**
   * Encodes `input` and returns a session to run the decoder one step at a time.
   * @example
   *   const walk = model.begin('hello');
   *   let y = model.config.sosId;
   *   const { energies, weights, context, logits } = walk.step(y);   // e_1j, a_1j, c_1, scores of y_1
   */
  begin(input: SourceInput): DecoderSession {
    this.checkAlive();
    const source = this.source(input);
    const generation = ++this.generation;
    this.net.encode(this.st, source.ids);
    return new DecoderSession(this, generation, source, this.rt, this.net, this.st);
  }

  /** @internal */
  checkSession(generation: number): void {
    this.checkAlive();
    if (generation !== this.generation) {
      throw new SeqattnError('E_STALE_SESSION', 'this step session ended: the model started another decode (translate or begin) since');
    }
  }

  /** Source ids and symbols for an input, validated (ids in range, length within bounds). */
  source(input: SourceInput): { ids: number[]; tokens: string[] } {
    const c = this.config;
    let ids: number[];
    let tokens: string[];
    if (typeof input === 'string') {
      ({ ids, tokens } = tokenizeSource(c, this.sourceVocab, input));
    } else {
      if (input === null || typeof input !== 'object' || typeof (input as ArrayLike<number>).length !== 'number') {
        throw new SeqattnError('E_TOKEN_ID', `input must be a string or an array of source ids, got ${input === null ? 'null' : typeof input}`);
      }
      ids = Array.from(input);
      ids.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= c.sourceVocab.length) {
          throw new SeqattnError('E_TOKEN_ID', `source id ${id} at index ${i} is out of range: expected an integer in [0, ${c.sourceVocab.length}) (source vocabulary size)`);
        }
      });
      tokens = ids.map((id) => this.sourceVocab.symbol(id));
    }
    if (ids.length === 0) {
      throw new SeqattnError('E_INPUT_LENGTH', `input is empty: the encoder needs at least one source id`);
    }
    if (ids.length > c.maxSourceLength) {
      throw new SeqattnError('E_INPUT_LENGTH', `input has ${ids.length} source ids${typeof input === 'string' && c.appendSourceEos ? ' (with </s>)' : ''}, more than max_source_length ${c.maxSourceLength}`);
    }
    return { ids, tokens };
  }

  /** Returns the model's Wasm memory to the runtime. Using the model afterwards throws E_DISPOSED. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.regions.release();
  }

  get isDisposed(): boolean { return this.disposed; }

  private checkAlive(): void {
    if (this.disposed) throw new SeqattnError('E_DISPOSED', 'this model was disposed; load it again to use it');
  }

  private maxLength(options: TranslateOptions): number {
    const m = options.maxLength ?? this.config.maxTargetLength;
    if (!Number.isInteger(m) || m < 1 || m > this.config.maxTargetLength) {
      throw new SeqattnError('E_OPTION', `maxLength is ${m}, expected an integer in [1, ${this.config.maxTargetLength}] (max_target_length)`);
    }
    return m;
  }

  private result(source: { ids: number[]; tokens: string[] }, ids: number[], logProbs: number[], attention: Float32Array[], finished: boolean): Translation {
    const tokens = ids.map((id) => this.targetVocab.symbol(id));
    const shown = finished ? tokens.slice(0, -1) : tokens;
    return {
      ids,
      tokens,
      text: shown.join(this.config.targetSeparator),
      score: logProbs.reduce((a, b) => a + b, 0),
      logProbs,
      attention,
      sourceIds: source.ids,
      sourceTokens: source.tokens,
      finished,
    };
  }
}
