/**
 * Xu, Ba, Kiros, Cho, Courville, Salakhutdinov, Zemel & Bengio 2015, "Show, Attend and Tell: Neural
 * Image Caption Generation with Visual Attention" (ICML), sections 3.1.2 and 4.
 *
 * No encoder: the caller passes the annotation vectors a_1..a_L (D each), e.g. a CNN's 14x14x512
 * conv grid as L = 196 vectors of D = 512.
 *   h_0 = tanh(f_init,h(mean_i a_i)),  c_0 = tanh(f_init,c(mean_i a_i))                 sec. 3.1.2
 *         (each f_init one Linear layer with bias, then tanh; init_activation "none": no tanh;
 *          the composed models' bridge, compose/bridge.ts, projecting the mean to s_0 and c_0)
 * Decoder, for t = 1, 2, ... from y_0 = <s>:
 *   e_ti = f_att(a_i, h_{t-1}) = w^T tanh(W_a a_i + W_h h_{t-1} + b)                    eq. (4)
 *         (attention_activation "relu": relu instead of tanh; attention_biases: b_a, b_h, b_w;
 *          the composed models' additive attention, compose/attention.ts, with query h_{t-1} and keys a_i)
 *   α_ti = exp(e_ti) / Σ_k exp(e_tk)                                                    eq. (5)
 *   soft ("deterministic", 4.2): ẑ_t = β_t Σ_i α_ti a_i                                 eq. (13), 4.2.1
 *   hard ("stochastic", 4.1):    ẑ_t = β_t a_{s_t}, s_t = argmax_i α_ti or s_t ~ Multinoulli_L({α_i})  eq. (8), (9)
 *   β_t = σ(f_β(h_{t-1})), a scalar (f_β a Linear(H, 1)); β_t = 1 without the gate     sec. 4.2.1
 *         (gate "channel": f_β a Linear(H, D), β_t ⊙ ẑ_t per feature channel)
 *   i, f, o, g, c_t, h_t = LSTM([E y_{t-1}; ẑ_t], (h_{t-1}, c_{t-1}))                   eq. (1)-(3)
 *   p(y_t | a, y_<t) ∝ exp(L_o(E y_{t-1} + L_h h_t + L_z ẑ_t))                          eq. (7)
 *         (deep_output "linear"; "tanh": L_o tanh(...) as the authors' arctic-captions code;
 *          "none": a plain Linear(h_t))
 * The LSTM is PyTorch nn.LSTMCell (gates i, f, g, o), the cell image-captioning code steps by hand
 * because ẑ_t depends on h_{t-1}. The gate applies to hard attention too (as arctic-captions).
 * With hard attention the attention row a step reports is one-hot at s_t: the weights ẑ_t was
 * computed with, so Σ_i a_ti a_i = ẑ_t / β_t holds for both kinds, and a sampled location is
 * visible in the result; α_t = softmax(e_t) stays readable in the step API's energies.
 */
import type { ModelConfig } from '../config.js';
import { mulberry32Next, mulberry32Output } from '../decode/sample.js';
import { ComposedAttention, type AttentionScratch } from '../compose/attention.js';
import { Bridge } from '../compose/bridge.js';
import type { AttentionPart } from '../compose/description.js';
import { EmbeddedInputProjection } from '../layers/input-projection.js';
import { Linear } from '../layers/linear.js';
import { LSTM, lstmScratch, type LstmScratch } from '../layers/lstm.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { CaptionerParts } from '../captioner/parts.js';
import { decodeStateBuffers, gatherRows, reorderSlots, type AttentionNet, type DecodeState, type NetDecodeOptions, type NetOptions, type Source } from './net.js';

interface ShowAttendTellState extends DecodeState {
  // per source slot (one image); `annotations` holds its a_i (maxTx, D)
  keys: number;      // (maxSlots, maxTx, A) W_a a_i + b, once per image
  h0: number;        // (maxSlots, H) tanh(f_init,h(mean_i a_i))
  c0: number;        // (maxSlots, H) tanh(f_init,c(mean_i a_i))
  // per row; `state` is h_t (maxRows, H), `context` ẑ_t (maxRows, D)
  c: number;         // (maxRows, H) the LSTM memory c_t
  att: AttentionScratch; // query (maxRows, A) W_h h_{t-1} + b_h
  steps: Int32Array; // (0,) no local window
  beta: number;      // (maxRows, 1 or D) f_β(h_{t-1})
  input: number;     // (maxRows, inputWidth) [E y_{t-1}; ẑ_t] (ẑ_t only with the table T)
  gi: number;        // (maxRows, 4H) W_ih [E y_{t-1}; ẑ_t] + b_ih
  deep: number;      // (maxRows, E) E y_{t-1} + L_h h_t + L_z ẑ_t
  rng: Int32Array;   // (maxRows,) hard attention, 'sample': each row's Mulberry32 state
  sampleLocations: boolean;
  seed: number;
  tmp: number;       // (maxRows, H) for reorder
  scratch: LstmScratch;
}

/** The paper's parts (a config from before ModelConfig.captioner existed). */
const DEFAULT_PARTS: CaptionerParts = {
  attentionActivation: 'tanh', attentionBiases: { annotation: true, query: false, energy: false }, gate: 'scalar',
  initActivation: 'tanh', preset: null, tensorNames: {},
};

export class ShowAttendTell implements AttentionNet<ShowAttendTellState> {
  readonly input = 'features' as const;
  /** D, the size of an annotation vector a_i. */
  readonly annotationSize: number;
  /** h_0, c_0 = act(f_init,h(mean_i a_i)), act(f_init,c(...)): f_init (H, D) + bias each. */
  private readonly f_init: Bridge;
  /** f_att: additive, W = W_h (A, H) on the query h_{t-1}, U = W_a (A, D) + b on the keys a_i, v = w (A,). */
  private readonly f_att: ComposedAttention;
  /** f_β (1, H) + bias (scalar gate) or (D, H) + bias (per channel), or null without the gate. */
  private readonly f_beta: Linear | null;
  private readonly parts: CaptionerParts;
  /** The LSTM's input projection W_ih [E y_{t-1}; ẑ_t] + b_ih = T[y_{t-1}] + W_iz ẑ_t when the table fits. */
  private readonly lstmInput: EmbeddedInputProjection;
  private readonly lstm: LSTM;
  /** Deep output (eq. (7)): L_h (E, H), L_z (E, D), L_o (V, E) + bias; else out (V, H) + bias. */
  private readonly L_h: Linear | null = null;
  private readonly L_z: Linear | null = null;
  private readonly L_o: Linear;

  constructor(readonly config: ModelConfig, private readonly regions: Regions, w: WeightStore, options: NetOptions = { weights: 'float32' }) {
    const f = options.weights; // w reads through the config's tensor_names (the loader's load.ts namedStore)
    const { embeddingSize: E, hiddenSize: H, alignmentSize: A, featureSize: D } = config;
    const V = config.targetVocab.length;
    const parts = this.parts = config.captioner ?? { ...DEFAULT_PARTS, gate: config.gate ? 'scalar' : 'none' };
    this.annotationSize = D;
    this.f_init = Bridge.load(regions, w, { kind: 'project', from: 'mean', W: { name: 'init_h', bias: true }, activation: parts.initActivation,
      layers: 'first', cell: 'project', cellW: { name: 'init_c', bias: true } }, D, H, f);
    const b = parts.attentionBiases;
    const attention: AttentionPart = { kind: 'additive', query: 'before', joint: false, activation: parts.attentionActivation, size: A,
      W: { name: 'attention.W_h', bias: b.query }, U: { name: 'attention.W_a', bias: b.annotation }, v: { name: 'attention.w', bias: b.energy, layout: 'linear' } };
    this.f_att = ComposedAttention.load(regions, w, attention, H, D, E, f);
    const G = parts.gate === 'channel' ? D : 1;
    this.f_beta = parts.gate === 'none' ? null : Linear.load(regions, w, 'f_beta', G, H, true, `(${G === 1 ? '1' : `feature ${D}`}, hidden ${H})`, f);
    this.lstmInput = EmbeddedInputProjection.load(regions, w, 'lstm', 'embedding', V, E, D, H, f, options.inputTableBudgetBytes, '', 0, 4);
    this.lstm = LSTM.load(regions, w, 'lstm', '', E + D, H, false, f);
    if (config.deepOutput === 'none') {
      this.L_o = Linear.load(regions, w, 'out', V, H, true, `(target vocabulary ${V}, hidden ${H})`, f);
    } else {
      this.L_h = Linear.load(regions, w, 'L_h', E, H, false, `(embedding ${E}, hidden ${H})`, f);
      this.L_z = Linear.load(regions, w, 'L_z', E, D, false, `(embedding ${E}, feature ${D})`, f);
      this.L_o = Linear.load(regions, w, 'L_o', V, E, true, `(target vocabulary ${V}, embedding ${E})`, f);
    }
  }

  createState(r: Regions, maxRows: number, maxSlots: number): ShowAttendTellState {
    const { embeddingSize: E, hiddenSize: H, alignmentSize: A, featureSize: D } = this.config;
    const T = this.config.maxSourceLength;
    return {
      ...decodeStateBuffers(r, maxRows, maxSlots, T, D, this.config.targetVocab.length),
      context: r.floats(maxRows * D),
      contextStride: D,
      state: r.floats(maxRows * H),
      keys: r.floats(maxSlots * T * A),
      h0: r.floats(maxSlots * H),
      c0: r.floats(maxSlots * H),
      c: r.floats(maxRows * H),
      att: this.f_att.scratch(r, maxRows),
      steps: new Int32Array(0),
      beta: r.floats(maxRows * (this.parts.gate === 'channel' ? D : 1)),
      input: r.floats(maxRows * this.lstmInput.inputWidth),
      gi: r.floats(maxRows * 4 * H),
      deep: r.floats(this.L_h ? maxRows * E : 0),
      rng: new Int32Array(maxRows),
      sampleLocations: false,
      seed: 0,
      tmp: r.floats(maxRows * H),
      scratch: lstmScratch(r, H, maxRows),
    };
  }

  /** Copies a_1..a_L into slot `slot`; W_a a_i + b for every i; h_0, c_0 from mean_i a_i. */
  encode(st: ShowAttendTellState, slot: number, source: Source): void {
    const { hiddenSize: H, featureSize: D } = this.config;
    const L = source.length;
    const F = this.regions.rt.F32;
    st.Tx[slot] = L;
    const a = st.annotations + slot * st.maxTx * D * 4;
    F.set(source.features!, a >> 2);
    this.f_att.keys(st.keys + slot * st.maxTx * this.f_att.keySize * 4, a, L);
    this.f_init.apply(st.h0 + slot * H * 4, st.c0 + slot * H * 4, 1, H,
      { annotations: a, d: D, Tx: L, finalH: 0, finalC: 0, finalSize: 0, layers: 1, summary: 0, summarySize: 0 });
  }

  setDecodeOptions(st: ShowAttendTellState, o: NetDecodeOptions): void {
    st.sampleLocations = o.hardAttention === 'sample';
    st.seed = (o.seed ^ 0x9e3779b9) | 0; // not the token sampler's stream (sample.ts), which starts from seed
  }

  startRow(st: ShowAttendTellState, row: number, slot: number): void {
    const H = this.config.hiddenSize;
    const F = this.regions.rt.F32;
    st.slotOf[row] = slot;
    F.copyWithin((st.state >> 2) + row * H, (st.h0 >> 2) + slot * H, (st.h0 >> 2) + (slot + 1) * H);
    F.copyWithin((st.c >> 2) + row * H, (st.c0 >> 2) + slot * H, (st.c0 >> 2) + (slot + 1) * H);
    st.rng[row] = st.seed; // every row starts the same stream: a batch row samples as the same input alone
  }

  step(st: ShowAttendTellState, previous: Int32Array, rows: number): void {
    const D = this.annotationSize;
    const F = this.regions.rt.F32;
    // e_t, α_t on h_{t-1}, ẑ_t = Σ_i α_ti a_i (eq. (4), (5), (13)); hard: a_{s_t}
    this.f_att.attend(st, st.att, st.state, st.keys, rows, st.steps);
    if (this.config.attention === 'hard') this.hardLocations(st, rows);
    if (this.f_beta) this.gate(st, rows);
    // h_t, c_t = LSTM([E y_{t-1}; ẑ_t], (h_{t-1}, c_{t-1}))
    const proj = this.lstmInput;
    for (let r = 0; r < rows; r++) {
      const from = (st.context >> 2) + r * D;
      F.copyWithin((st.input >> 2) + r * proj.inputWidth + proj.contextOffset, from, from + D);
    }
    proj.project(st.gi, previous, st.input, rows);
    this.lstm.step(st.state, st.c, st.gi, st.state, st.c, st.scratch, rows);
    this.output(st, previous, rows);
  }

  /**
   * ẑ_t *= β_t = σ(f_β(h_{t-1})) (sec. 4.2.1): one scalar per row, or per channel (β_t ⊙ ẑ_t);
   * h_{t-1} is still in st.state.
   */
  private gate(st: ShowAttendTellState, rows: number): void {
    const D = this.annotationSize;
    const F = this.regions.rt.F32;
    this.f_beta!.applyMany(st.beta, st.state, rows);
    const perChannel = this.parts.gate === 'channel';
    for (let r = 0; r < rows; r++) {
      const z = (st.context >> 2) + r * D;
      if (perChannel) {
        const b = (st.beta >> 2) + r * D;
        for (let j = 0; j < D; j++) F[z + j] *= Math.fround(1 / (1 + Math.exp(-F[b + j])));
        continue;
      }
      const beta = Math.fround(1 / (1 + Math.exp(-F[(st.beta >> 2) + r])));
      F[(st.beta >> 2) + r] = beta;
      for (let j = 0; j < D; j++) F[z + j] *= beta;
    }
  }

  /** Hard attention (sec. 4.1): s_t = argmax_i α_ti or drawn from Multinoulli(α_t); ẑ_t = a_{s_t}, weights one-hot at s_t. */
  private hardLocations(st: ShowAttendTellState, rows: number): void {
    const D = this.annotationSize;
    const F = this.regions.rt.F32;
    const k = this.regions.rt.k;
    for (let r = 0; r < rows; r++) {
      const slot = st.slotOf[r], L = st.Tx[slot];
      const alpha = st.weights + r * st.maxTx * 4;
      let s = k.argmax(alpha, L);
      if (st.sampleLocations) {
        st.rng[r] = mulberry32Next(st.rng[r]);
        let u = mulberry32Output(st.rng[r]);
        for (let i = 0; i < L; i++) {
          const p = F[(alpha >> 2) + i];
          if (p > 0) s = i; // u past the total mass (rounding): the last location with mass
          if ((u -= p) < 0) break;
        }
      }
      F.fill(0, alpha >> 2, (alpha >> 2) + L);
      F[(alpha >> 2) + s] = 1;
      const a_s = (st.annotations >> 2) + (slot * st.maxTx + s) * D;
      F.copyWithin((st.context >> 2) + r * D, a_s, a_s + D);
    }
  }

  /** logits = L_o(E y_{t-1} + L_h h_t + L_z ẑ_t) + b_o (eq. (7)), or out(h_t). */
  private output(st: ShowAttendTellState, previous: Int32Array, rows: number): void {
    if (!this.L_h) {
      this.L_o.applyMany(st.logits, st.state, rows);
      return;
    }
    const E = this.config.embeddingSize;
    const F = this.regions.rt.F32;
    const emb = this.lstmInput.embeddingTable >> 2;
    for (let r = 0; r < rows; r++) F.copyWithin((st.deep >> 2) + r * E, emb + previous[r] * E, emb + (previous[r] + 1) * E);
    this.L_h.addMany(st.deep, st.state, rows);
    this.L_z!.addMany(st.deep, st.context, rows);
    if (this.config.deepOutput === 'tanh') this.regions.rt.k.tanh_inplace(st.deep, rows * E);
    this.L_o.applyMany(st.logits, st.deep, rows);
  }

  reorder(st: ShowAttendTellState, parents: Int32Array, rows: number): void {
    const H = this.config.hiddenSize;
    const F = this.regions.rt.F32;
    gatherRows(F, st.state, st.tmp, parents, rows, H);
    gatherRows(F, st.c, st.tmp, parents, rows, H);
    reorderSlots(st.rng, parents, rows);
    reorderSlots(st.slotOf, parents, rows);
  }
}
