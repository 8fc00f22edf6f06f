/**
 * A loaded model: immutable weights in Wasm memory, the config and vocabularies, and one decode
 * state sized at load for the maximum lengths. `translate` validates its input before touching
 * Wasm memory, so a bad input throws a SeqattnError and leaves the model as it was.
 */
import type { ModelConfig } from './config.js';
import { beamSearch } from './decode/beam.js';
import { DecodeContext, type DecodedSequence } from './decode/context.js';
import { greedyBatch } from './decode/greedy.js';
import { sample } from './decode/sample.js';
import { eachInput, nonFiniteOutput, SeqattnError } from './errors.js';
import type { Regions } from './memory.js';
import { attends, attentionLength, contextSize, type AttentionNet, type DecodeState, type Source } from './models/net.js';
import { tokenizeSource, Vocabulary } from './vocab.js';
import { checkOptionsObject, intOption, resolveLimits } from './limits.js';
import { kindOf, preview } from './untrusted.js';
import type { WasmBuild, WasmRuntime } from './wasm.js';

/**
 * Annotation vectors a_1..a_L of one image (show-attend-tell), e.g. a CNN's 14x14x512 conv grid as
 * L = 196 vectors of D = 512: row-major (L, D), a_i at features[i * D .. (i + 1) * D).
 * @example
 *   model.translate({ features: grid, length: 196 }).text   // grid: Float32Array(196 * 512)
 */
export interface FeatureInput {
  /** L x D values (D = the config's feature_size), finite. */
  features: Float32Array | ArrayLike<number>;
  /** L, the number of annotation vectors; default features.length / D. */
  length?: number;
}

/**
 * An input: a string (tokenised with the source vocabulary) or source ids as they are, for text
 * models; annotation vectors for a model that reads them (show-attend-tell).
 */
export type SourceInput = string | ArrayLike<number> | FeatureInput;

export interface TranslateOptions {
  /** Most output tokens (decoder steps), including </s>; default and upper bound: max_target_length. */
  maxLength?: number;
  /** Most output tokens as a multiple of the source length (e.g. 1.5); the smaller bound wins. */
  maxLengthRatio?: number;
  /** </s> is not allowed before this many output tokens. Default 0. */
  minLength?: number;

  /** Beam search with this many live hypotheses (1 = greedy). ref: Wu et al. 2016, sec. 7 */
  beamSize?: number;
  /** Return this many best hypotheses in `nBest` (beam search; at most beamSize). */
  nBest?: number;
  /** α of the GNMT length penalty lp(Y) = ((5+|Y|)/6)^α. Default 0 (rank by log P). */
  lengthPenalty?: number;
  /** β of the GNMT coverage penalty β Σ_j log(min(Σ_i a_ij, 1)). Default 0; E_OPTION above 0 for models without attention (cho, sutskever). */
  coveragePenalty?: number;
  /** No n-gram of this size may occur twice in a beam hypothesis. Default 0 (off). */
  blockRepeatNgram?: number;

  /** Sample instead of searching: y_i ~ p^(1/T). Sampling is on when any of these four is given. */
  temperature?: number;
  /** Sample among the k most likely symbols only. */
  topK?: number;
  /** Sample from the smallest set of symbols with probability mass >= topP (nucleus). */
  topP?: number;
  /** Seed of the sampler (default 0): the same seed gives the same sample everywhere. */
  seed?: number;

  /**
   * Replace each output unknown symbol (target_unk_id) by the source token with the highest
   * attention weight at that step, looked up in `phraseTable` when given (Luong et al. 2015,
   * "Addressing the Rare Word Problem"; OpenNMT replace_unk).
   */
  replaceUnknown?: boolean | { phraseTable?: Record<string, string> | Map<string, string> };

  /**
   * show-attend-tell with "attention": "hard" (Xu et al. 2015, sec. 4.1): the location s_t is
   * argmax_i α_ti ('argmax', default) or drawn from Multinoulli(α_t) ('sample', seeded by `seed`;
   * each decode row has its own stream, so batch results still equal single ones).
   */
  hardAttention?: 'argmax' | 'sample';

  /** Overrides LoadOptions.unknownSource for this call: 'error' rejects a symbol outside the source vocabulary, 'unk' maps it to source_unk_id. */
  unknownSource?: 'error' | 'unk';
}

/** Options of a step session (model.begin). */
export type BeginOptions = Pick<TranslateOptions, 'hardAttention' | 'seed' | 'unknownSource'>;

/** Options of loadModel that size what a model allocates once, at load. */
export interface LoadOptions {
  /** Widest beam translate() will accept. Default 16. */
  maxBeamSize?: number;
  /** Most inputs translateBatch() decodes together (larger batches run in chunks). Default 16. */
  maxBatchSize?: number;
  /**
   * How weight matrices are kept in memory. 'float32' (default): as read. 'int8': quantised once
   * at load, per row and symmetric (s_r = max |W_r| / 127), with each input vector quantised to
   * 14 bits on the fly and exact integer SIMD dot products: a quarter of the weight memory and traffic,
   * faster where the weights' bytes dominate, at a small cost in accuracy (test/models/int8.test.ts
   * bounds the token agreement with float32; docs/benchmarks.md has the measurements). Biases,
   * embeddings and precomputed tables stay float32. An int8 file (`seqattn quantize`,
   * docs/model-format.md) loads as 'int8' by default, with the same outputs as 'int8' on its f32
   * original; 'float32' then runs its dequantised weights. In Node, a bundled model with an int8
   * file (models/NAME/model.int8.safetensors) loads that file for 'int8'.
   */
  weights?: 'float32' | 'int8';
  /**
   * Which Wasm build runs the model (src/wasm.ts). Default: 'relaxed-simd' where the engine has
   * relaxed SIMD (fused multiply-add in the dense products: Chrome >= 114, Node >= 22), else
   * 'simd128'; SEQATTN_WASM changes the default in Node. 'simd128' gives bit-identical results on
   * every engine; naming a build the engine lacks is an E_WASM error.
   */
  wasmBuild?: WasmBuild;
  /**
   * The Wasm module of `wasmBuild` (required with it), already compiled from seqattn's own bytes:
   * a worker pool posts its module to its workers so they do not compile it again. Default:
   * compiled from the inlined bytes, once per process.
   */
  wasmModule?: WebAssembly.Module;
  /**
   * Strict loading: a tensor of the file that no part of the model reads is an E_TENSOR_UNUSED
   * error (a wrong architecture, preset or size shows that way). true: a warning (console.warn) instead.
   */
  allowUnusedTensors?: boolean;
  /**
   * Most bytes of Wasm memory this model may take (weights, input tables, decode buffers for
   * max_source_length x maxBatchSize / maxBeamSize). Default 1 GiB (DEFAULT_MAX_MEMORY_BYTES), at most
   * 4 GiB. The need is estimated from the config and the file before anything is allocated; over the
   * limit, loading fails with E_CONFIG (E_OPTION when maxBeamSize / maxBatchSize make the difference)
   * giving the estimate and its parts.
   */
  maxMemoryBytes?: number;
  /** Node, paths: most bytes a model file (or its config.json) may have; larger is E_FILE_SIZE before it is read. Default 2 GiB. */
  maxFileBytes?: number;
  /**
   * What a string input's symbol outside the source vocabulary becomes: 'unk' (default when the config
   * has source_unk_id) the unknown id, with its position in Translation.unknownSource; 'error' an
   * E_UNKNOWN_TOKEN naming the symbol (the default without source_unk_id). translate() may override it.
   */
  unknownSource?: 'error' | 'unk';
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
  /**
   * Alignment a_ij: one row (Tx,) per output id, each summing to 1 over the source (show-attend-tell:
   * α_ti over the L locations; with hard attention one-hot at the location s_t the step used).
   * Models without attention (cho, sutskever; `model.attends` false): one row of length 0 per output id.
   */
  attention: Float32Array[];
  /**
   * What the encoder read: source ids (with the appended </s> for string inputs) and their symbols;
   * for annotation vectors no ids, and the location names a_1..a_L as tokens.
   */
  sourceIds: number[];
  sourceTokens: string[];
  /** Whether </s> ended the output (false: maxLength ran out). */
  finished: boolean;
  /**
   * Positions in `sourceIds` of the symbols outside the source vocabulary that were read as
   * source_unk_id (LoadOptions.unknownSource 'unk'); [] when every symbol was known, and for id inputs.
   */
  unknownSource: number[];
  /** Beam search: the score it ranked by (log P / lp + cp). Otherwise equal to `score`. */
  searchScore: number;
  /** Beam search: the nBest hypotheses, best first (the first is this result). */
  nBest?: Translation[];
}

/** What one decoder step computed; views into Wasm memory, valid until the model's next step or decode. */
export interface StepOutput {
  /** e_ij, j = 1..Tx: alignment energies a(s_{i-1}, h_j). Length 0 for models without attention (cho, sutskever). */
  energies: Float32Array;
  /** a_ij = softmax_j(e_ij) (show-attend-tell with hard attention: one-hot at s_t; α_t = softmax(energies)). Length 0 without attention. */
  weights: Float32Array;
  /**
   * c_i = Σ_j a_ij h_j (show-attend-tell: ẑ_t = β_t Σ_i α_ti a_i, or β_t a_{s_t} with hard attention).
   * cho: the fixed summary c = tanh(V h_N) every step conditions on; sutskever: length 0 (no context).
   */
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
  constructor(private readonly model: Seq2SeqModel, private readonly generation: number, source: Source,
    private readonly rt: WasmRuntime, private readonly net: AttentionNet, private readonly st: DecodeState, private readonly previous: Int32Array) {
    this.sourceIds = source.ids;
    this.sourceTokens = source.tokens;
  }

  /** Number of steps taken so far (i of the last s_i). */
  get steps(): number { return this.i; }

  /** h_1..h_Tx as rows of a (Tx, annotationSize) view. */
  get annotations(): Float32Array {
    this.check();
    return this.rt.f32(this.st.annotations, this.st.Tx[0] * this.net.annotationSize);
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
    this.previous[0] = previous;
    this.net.step(this.st, this.previous, 1);
    this.i++;
    const Tx = attentionLength(this.net, this.st, 0);
    const logits = this.rt.f32(this.st.logits, V);
    for (let y = 0; y < V; y++) if (Number.isNaN(logits[y])) throw nonFiniteOutput(`step ${this.i}: logit ${y}`, logits[y]); // O(V), against the step's O(V H)
    return {
      energies: this.rt.f32(this.st.energies, Tx),
      weights: this.rt.f32(this.st.weights, Tx),
      context: this.rt.f32(this.st.context, contextSize(this.net)),
      state: this.rt.f32(this.st.state, this.net.config.hiddenSize),
      logits,
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
  /** Widest beam and largest batch this model was loaded for. */
  readonly maxBeamSize: number;
  readonly maxBatchSize: number;
  private readonly rt: WasmRuntime;
  private readonly regions: Regions;
  private readonly net: AttentionNet;
  private readonly st: DecodeState;
  private readonly ctx: DecodeContext;
  /** LoadOptions.unknownSource, resolved: 'unk' only with a source_unk_id. */
  private readonly unknownSource: 'error' | 'unk';
  private disposed = false;
  /** Counts decodes, so a DecoderSession knows when another decode took the state. */
  private generation = 0;

  /** @internal use loadModel() */
  constructor(rt: WasmRuntime, regions: Regions, net: AttentionNet, options: LoadOptions = {}) {
    this.rt = rt;
    this.regions = regions;
    this.net = net;
    this.config = net.config;
    this.sourceVocab = new Vocabulary(net.config.sourceVocab);
    this.targetVocab = new Vocabulary(net.config.targetVocab);
    const limits = resolveLimits(options);
    this.maxBeamSize = limits.maxBeamSize;
    this.maxBatchSize = limits.maxBatchSize;
    this.unknownSource = this.resolveUnknownSource(limits.unknownSource, 'LoadOptions.unknownSource');
    this.st = net.createState(regions, Math.max(this.maxBeamSize, this.maxBatchSize), this.maxBatchSize);
    this.ctx = new DecodeContext(rt, net, this.st, regions);
  }

  /**
   * Whether decoder steps attend over the source (false for cho and sutskever, the encoder-decoders
   * without attention: their results' attention rows have length 0).
   */
  get attends(): boolean { return attends(this.net); }

  /** Bytes of the shared Wasm memory (it grows at load, never during decoding). */
  get wasmMemoryBytes(): number { return this.rt.memoryBytes; }
  /** The Wasm build the kernels run in: 'relaxed-simd' (fused multiply-add) where the engine has it, else 'simd128'. */
  get wasmBuild(): WasmBuild { return this.rt.build; }
  /** The form of the int8 dot products in this build: 'int16' (dot_i16x8_s) or, relaxed-simd where faster, 'dot-add' (relaxed dot, vpdpbusd on AVX-VNNI); results are the same. */
  get int8DotForm(): 'int16' | 'dot-add' { return this.rt.int8DotForm; }

  /**
   * Translates one input: greedy by default, beam search with `beamSize`, sampling with
   * `temperature` / `topK` / `topP`.
   * @example
   *   model.translate('hello').text                       // greedy
   *   model.translate('hello', { beamSize: 5, nBest: 3 }).nBest.map((t) => [t.text, t.score])
   *   model.translate('hello', { temperature: 0.8, seed: 1 })
   */
  translate(input: SourceInput, options: TranslateOptions = {}): Translation {
    this.checkAlive();
    const o = this.options(options);
    return this.decodeOne(this.source(input, o.unknownSource), o);
  }

  /** translate() of a validated source with resolved options. */
  private decodeOne(source: TextSource, o: ReturnType<Seq2SeqModel['options']>): Translation {
    this.generation++;
    this.net.encode(this.st, 0, source);
    this.net.setDecodeOptions?.(this.st, o);
    const limits = { maxLength: this.maxLengthFor(o, source.length), minLength: o.minLength };
    if (o.strategy === 'beam') {
      const hyps = beamSearch(this.ctx, { ...limits, beamSize: o.beamSize, nBest: o.nBest, lengthPenalty: o.lengthPenalty,
        coveragePenalty: o.coveragePenalty, blockRepeatNgram: o.blockRepeatNgram });
      const results = hyps.map((h) => this.result(source, h, o.replaceUnknown));
      return { ...results[0], nBest: results };
    }
    if (o.strategy === 'sample') {
      return this.result(source, sample(this.ctx, { ...limits, temperature: o.temperature, topK: o.topK, topP: o.topP, seed: o.seed }), o.replaceUnknown);
    }
    return this.result(source, greedyBatch(this.ctx, 1, limits)[0], o.replaceUnknown);
  }

  /**
   * Translates many inputs of different lengths. Greedy decoding runs them together, up to
   * maxBatchSize at a time (one matrix product per weight per step for the whole batch); beam
   * search and sampling run them one after another. Every result equals translate() of that input.
   */
  translateBatch(inputs: readonly SourceInput[], options: TranslateOptions = {}): Translation[] {
    this.checkAlive();
    const o = this.options(options);
    const sources = eachInput(inputs, (x) => this.source(x, o.unknownSource));
    if (o.strategy !== 'greedy') return sources.map((src) => this.decodeOne(src, o));
    const out: Translation[] = [];
    for (let first = 0; first < sources.length; first += this.maxBatchSize) {
      const chunk = sources.slice(first, first + this.maxBatchSize);
      this.generation++;
      chunk.forEach((src, b) => this.net.encode(this.st, b, src));
      this.net.setDecodeOptions?.(this.st, o);
      // Rows share one step, so they share one length limit: the largest; each row is cut to its own.
      const limit = (src: Source) => this.maxLengthFor(o, src.length);
      const decoded = greedyBatch(this.ctx, chunk.length, { maxLength: Math.max(...chunk.map(limit)), minLength: o.minLength });
      decoded.forEach((d, b) => out.push(this.result(chunk[b], truncate(d, limit(chunk[b])), o.replaceUnknown)));
    }
    return out;
  }

  /**
   * Encodes `input` and returns a session to run the decoder one step at a time.
   * @example
   *   const walk = model.begin('hello');
   *   const { energies, weights, context, logits } = walk.step();   // e_1j, a_1j, c_1, scores of y_1
   */
  begin(input: SourceInput, options: BeginOptions = {}): DecoderSession {
    this.checkAlive();
    const o = this.options(options);
    const source = this.source(input, o.unknownSource);
    const generation = ++this.generation;
    this.net.encode(this.st, 0, source);
    this.net.setDecodeOptions?.(this.st, o);
    this.net.startRow(this.st, 0, 0);
    return new DecoderSession(this, generation, source, this.rt, this.net, this.st, this.ctx.previous);
  }

  /** @internal */
  checkSession(generation: number): void {
    this.checkAlive();
    if (generation !== this.generation) {
      throw new SeqattnError('E_STALE_SESSION', 'this step session ended: the model started another decode (translate or begin) since');
    }
  }

  /**
   * The validated source of an input: ids in range and symbols (text models), or annotation
   * vectors of the right shape, finite (show-attend-tell); length within max_source_length.
   */
  source(input: SourceInput, unknownSource: 'error' | 'unk' = this.unknownSource): TextSource {
    const c = this.config;
    const features = input !== null && typeof input === 'object' && 'features' in input;
    if (this.net.input === 'features') {
      if (!features) {
        const got = typeof input === 'string' ? 'a string' : input !== null && typeof input === 'object' && 'length' in input ? 'an array of source ids' : input === null ? 'null' : typeof input;
        throw new SeqattnError('E_INPUT_KIND', `${c.architecture} reads annotation vectors, not text or ids: pass { features: Float32Array of L x ${c.featureSize} values, length: L }, got ${got}`);
      }
      return this.featureSource(input as FeatureInput);
    }
    if (features) {
      throw new SeqattnError('E_INPUT_KIND', `${c.architecture} reads text or source ids, got { features }: annotation vectors are the input of show-attend-tell models`);
    }
    let ids: number[];
    let tokens: string[];
    let unknown: number[] = [];
    if (typeof input === 'string') {
      ({ ids, tokens, unknown } = tokenizeSource(c, this.sourceVocab, input, c.maxSourceLength, unknownSource));
    } else {
      if (input === null || typeof input !== 'object' || typeof (input as ArrayLike<number>).length !== 'number') {
        throw new SeqattnError('E_INPUT_KIND', `input must be a string or an array of source ids, got ${kindOf(input)}`);
      }
      const n = (input as ArrayLike<number>).length;
      if (!Number.isSafeInteger(n) || n < 0) throw new SeqattnError('E_INPUT_KIND', `input has length ${preview(n)}: an array of source ids has an integer length >= 0`);
      if (n > c.maxSourceLength) throw new SeqattnError('E_INPUT_LENGTH', `input has ${n} source ids, more than max_source_length ${c.maxSourceLength}`);
      ids = Array.from(input as ArrayLike<number>);
      ids.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= c.sourceVocab.length) {
          throw new SeqattnError('E_TOKEN_ID', `source id ${preview(id)} at index ${i} is out of range: expected an integer in [0, ${c.sourceVocab.length}) (source vocabulary size)`);
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
    return { ids, tokens, length: ids.length, features: null, unknown };
  }

  /** Annotation vectors (L, D): shape, length bounds, finite values. */
  private featureSource(input: FeatureInput): Source {
    const c = this.config, D = c.featureSize;
    const f = input.features;
    if (f === null || typeof f !== 'object' || typeof f.length !== 'number') {
      throw new SeqattnError('E_FEATURE_SHAPE', `features must be a Float32Array (or array of numbers) of L x ${D} values (feature_size ${D}), got ${f === null ? 'null' : typeof f}`);
    }
    if (input.length !== undefined && (!Number.isInteger(input.length) || input.length * D !== f.length)) {
      throw new SeqattnError('E_FEATURE_SHAPE', `length is ${input.length}: expected features of ${input.length} x ${D} = ${input.length * D} values (feature_size ${D}), got ${f.length}`);
    }
    if (f.length % D !== 0) {
      throw new SeqattnError('E_FEATURE_SHAPE', `features has ${f.length} values, not a multiple of feature_size ${D}: expected L x ${D} (L annotation vectors a_i of size D)`);
    }
    const L = f.length / D;
    if (L === 0) throw new SeqattnError('E_INPUT_LENGTH', 'features is empty: the decoder needs at least one annotation vector');
    if (L > c.maxSourceLength) {
      throw new SeqattnError('E_INPUT_LENGTH', `input has ${L} annotation vectors, more than max_source_length ${c.maxSourceLength}`);
    }
    for (let k = 0; k < f.length; k++) {
      const x = f[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new SeqattnError('E_FEATURE_NONFINITE', `features[${k}] (annotation vector a_${Math.floor(k / D) + 1}, component ${k % D}) is ${x}: annotation vectors must be finite numbers`);
      }
    }
    return { ids: [], tokens: Array.from({ length: L }, (_, i) => `a_${i + 1}`), length: L, features: f };
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

  /** Validates options (E_OPTION naming the option, the value and what is allowed) and fills defaults. */
  private options(options: TranslateOptions) {
    const c = this.config;
    // own properties of an object only: null, 5, "beam" are E_OPTION, and Object.prototype sets nothing
    const o = checkOptionsObject(options, 'options') as TranslateOptions;
    const int = intOption;
    const num = (name: string, v: number | undefined, dflt: number, ok: (x: number) => boolean, what: string) => {
      const x = v ?? dflt;
      if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) throw new SeqattnError('E_OPTION', `${name} is ${preview(x)}, expected ${what}`);
      return x;
    };
    const maxLength = int('maxLength', o.maxLength, c.maxTargetLength, 1, c.maxTargetLength, ' (max_target_length)');
    const beamSize = int('beamSize', o.beamSize, 1, 1, this.maxBeamSize, ' (loadModel option maxBeamSize)');
    const sampling = o.temperature !== undefined || o.topK !== undefined || o.topP !== undefined;
    if (sampling && beamSize > 1) throw new SeqattnError('E_OPTION', 'beamSize > 1 and sampling options (temperature, topK, topP) exclude each other');
    if (!attends(this.net)) {
      // both read a_ij, which a model without attention does not compute
      if (o.replaceUnknown) throw new SeqattnError('E_OPTION', `replaceUnknown picks the source token with the highest attention weight: ${c.architecture} has no attention`);
      if (o.coveragePenalty !== undefined && o.coveragePenalty !== 0) {
        throw new SeqattnError('E_OPTION', `coveragePenalty is ${preview(o.coveragePenalty)}: the coverage penalty sums attention weights a_ij, and ${c.architecture} has no attention`);
      }
    }
    const ru = o.replaceUnknown;
    if (ru !== undefined && typeof ru !== 'boolean' && (ru === null || typeof ru !== 'object' || Array.isArray(ru))) {
      throw new SeqattnError('E_OPTION', `replaceUnknown is ${preview(ru)}, expected true, false or { phraseTable }`);
    }
    if (o.replaceUnknown && c.targetUnkId === null) throw new SeqattnError('E_OPTION', 'replaceUnknown needs a target unknown symbol: the config has no target_unk_id');
    if (o.replaceUnknown && this.net.input === 'features') throw new SeqattnError('E_OPTION', `replaceUnknown copies source tokens: ${c.architecture} reads annotation vectors, which have none`);
    const hard = c.architecture === 'show-attend-tell' && c.attention === 'hard';
    if (o.hardAttention !== undefined && !hard) {
      throw new SeqattnError('E_OPTION', `hardAttention applies to show-attend-tell models with "attention": "hard"; this model is ${c.architecture} with "attention": "${c.attention}"`);
    }
    if (o.hardAttention !== undefined && o.hardAttention !== 'argmax' && o.hardAttention !== 'sample') {
      throw new SeqattnError('E_OPTION', `hardAttention is ${preview(o.hardAttention)}, expected 'argmax' or 'sample'`);
    }
    return {
      strategy: beamSize > 1 || o.nBest !== undefined ? 'beam' as const : sampling ? 'sample' as const : 'greedy' as const,
      maxLength,
      maxLengthRatio: o.maxLengthRatio === undefined ? Infinity : num('maxLengthRatio', o.maxLengthRatio, 0, (x) => x > 0, 'a number > 0'),
      minLength: int('minLength', o.minLength, 0, 0, maxLength, ' (at most maxLength)'),
      beamSize,
      nBest: int('nBest', o.nBest, 1, 1, beamSize, ' (at most beamSize)'),
      lengthPenalty: num('lengthPenalty', o.lengthPenalty, 0, (x) => x >= 0, 'a number >= 0'),
      coveragePenalty: num('coveragePenalty', o.coveragePenalty, 0, (x) => x >= 0, 'a number >= 0'),
      blockRepeatNgram: int('blockRepeatNgram', o.blockRepeatNgram, 0, 0, maxLength),
      temperature: num('temperature', o.temperature, 1, (x) => x > 0, 'a number > 0'),
      topK: int('topK', o.topK, 0, 0, c.targetVocab.length, ' (target vocabulary size)'),
      topP: num('topP', o.topP, 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]'),
      seed: int('seed', o.seed, 0, 0, 2 ** 32 - 1),
      replaceUnknown: o.replaceUnknown ?? false,
      hardAttention: o.hardAttention ?? 'argmax',
      unknownSource: o.unknownSource === undefined ? this.unknownSource : this.resolveUnknownSource(o.unknownSource, 'unknownSource'),
    };
  }

  /** unknownSource checked: 'unk' needs a source_unk_id; undefined is 'unk' with one, else 'error'. */
  private resolveUnknownSource(v: unknown, name: string): 'error' | 'unk' {
    if (v !== undefined && v !== 'error' && v !== 'unk') throw new SeqattnError('E_OPTION', `${name} is ${preview(v)}, expected 'error' or 'unk'`);
    if (v === 'unk' && this.config.sourceUnkId === null) {
      throw new SeqattnError('E_OPTION', `${name} is 'unk', but the config has no source_unk_id to read unknown symbols as`);
    }
    return (v as 'error' | 'unk' | undefined) ?? (this.config.sourceUnkId === null ? 'error' : 'unk');
  }

  private maxLengthFor(o: { maxLength: number; maxLengthRatio: number }, sourceLength: number): number {
    return Math.max(1, Math.min(o.maxLength, Math.floor(o.maxLengthRatio * sourceLength)));
  }

  private result(source: TextSource, d: DecodedSequence, replaceUnknown: TranslateOptions['replaceUnknown']): Translation {
    let tokens = d.ids.map((id) => this.targetVocab.symbol(id));
    if (replaceUnknown) tokens = replaceUnknownTokens(tokens, d, source.tokens, this.config.targetUnkId!, replaceUnknown);
    const shown = d.finished ? tokens.slice(0, -1) : tokens;
    const score = d.logProbs.reduce((a, b) => a + b, 0);
    // NaN anywhere in a decode (weights near the float32 limit overflow to Inf, Inf - Inf = NaN)
    // reaches the log-probabilities of the tokens chosen: one check per result, none per step
    if (!Number.isFinite(score) || Number.isNaN(d.score)) throw nonFiniteOutput('the score of a decoded sequence', Number.isNaN(d.score) ? d.score : score);
    return {
      ids: d.ids,
      tokens,
      text: shown.join(this.config.targetSeparator),
      score,
      searchScore: d.score,
      logProbs: d.logProbs,
      attention: d.attention,
      sourceIds: source.ids,
      sourceTokens: source.tokens,
      finished: d.finished,
      unknownSource: source.unknown ? [...source.unknown] : [],
    };
  }
}

/** A validated source with the positions of its unknown symbols (string inputs). */
type TextSource = Source & { readonly unknown?: readonly number[] };

/** A decoded sequence cut to `maxLength` tokens (a batch row may run longer than its own limit). */
function truncate(d: DecodedSequence, maxLength: number): DecodedSequence {
  if (d.ids.length <= maxLength) return d;
  const logProbs = d.logProbs.slice(0, maxLength);
  return { ids: d.ids.slice(0, maxLength), logProbs, attention: d.attention.slice(0, maxLength), finished: false, score: logProbs.reduce((a, b) => a + b, 0) };
}

/**
 * Unknown-word replacement: each target unknown symbol becomes the source token it attends to
 * most, through the phrase table when the table has it. ref: Luong et al. 2015 (ACL), OpenNMT replace_unk
 */
function replaceUnknownTokens(tokens: string[], d: DecodedSequence, sourceTokens: string[], unkId: number,
  how: true | { phraseTable?: Record<string, string> | Map<string, string> }): string[] {
  const table = how === true ? undefined : how.phraseTable;
  const lookup = (w: string) => table instanceof Map ? table.get(w) : table && Object.prototype.hasOwnProperty.call(table, w) ? table[w] : undefined;
  return tokens.map((t, i) => {
    if (d.ids[i] !== unkId) return t;
    const a = d.attention[i];
    let best = 0;
    for (let j = 1; j < a.length; j++) if (a[j] > a[best]) best = j;
    const w = sourceTokens[best];
    return lookup(w) ?? w;
  });
}
