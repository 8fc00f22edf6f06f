/**
 * A seq2seq model as a composition of parts, each named by the config's preset (src/compose/presets.ts)
 * and computed by one small file of src/compose:
 *
 *   embeddings      E_src x_j, E_tgt y (sizes apart; the target table may fall back to the source's: tying)
 *   encoder.ts      h_j: GRU or LSTM, layers, one or two directions, [→h_j; ←h_j] or →h_j + ←h_j, source reversed
 *   bridge.ts       s_0 (per decoder layer): the encoder's final states, tanh(W · + b) of ←h_1, [→h_T; ←h_1] or c, or c itself
 *   attention.ts    e_ij, a_ij, c_i: additive (W, U apart or one Linear over [q; h_j]), dot, general (h_t^T W h_s or
 *                   (W h_t)^T h_s), location (W [E y; s] over positions); query s_{i-1} before the cell or h_t after it;
 *                   or a fixed summary c of the whole source (no attention)
 *   decoder.ts      the cell's input (E y, [E y; c], [E y; h̃_{t-1}] input feeding, relu(W [E y; c] + b)), the stacked cell
 *   readout.ts      h̃_t = act(W_c [parts] + b) (the attentional layer) and the logits over an ordered concatenation
 *                   of s_t, c_t, E y_{t-1}, h̃_t (linear, maxout or tanh deep output)
 * The tensor names are the preset's: the names of the module attributes of the project it reproduces.
 */
import type { DeepOutput, GruConvention } from '../config.js';

/** A Linear's state_dict name (`<name>.weight`, `<name>.bias`); `alternatives`: other names a project's versions used. */
export interface LinearName { name: string; bias: boolean; alternatives?: string[] }

export type Cell = 'gru' | 'lstm';
/** What each part of the output or of the attentional layer reads: s_t (the top layer's state), c_t, E y_{t-1}, h̃_t. */
export type ReadoutPart = 's' | 'c' | 'e' | 'hTilde';

export interface EncoderPart {
  /** Module name of the RNN: `<rnn>.weight_ih_l<k>[_reverse]` etc. (nn.GRU / nn.LSTM). */
  rnn: string;
  layers: number;
  /** n: the size of each direction's state. */
  hidden: number;
  bidirectional: boolean;
  /** How the top layer's directions make h_j: [→h_j; ←h_j] (2n) or →h_j + ←h_j (n). */
  merge: 'concat' | 'sum';
  /** Read x_Tx..x_1 (Sutskever et al. 2014, sec. 3.3). */
  reverse: boolean;
}

/** An activation of a part: tanh, relu or none (the identity). */
export type Activation = 'tanh' | 'relu' | 'none';
/** What a projected bridge reads: ←h_1, →h_T, [→h_T; ←h_1] (of one encoder layer, default the top), mean_j h_j, or the summary c. */
export type BridgeSource = 'backward-first' | 'forward-last' | 'final-concat' | 'mean' | 'summary';
export type BridgePart =
  /** s_0 = 0 (and c_0 = 0). */
  | { kind: 'zeros' }
  /**
   * Decoder layer l starts from the encoder's final states: order 'layer': encoder layer l's [→h; ←h] (one direction: →h);
   * 'pytorch': row l of PyTorch's (layers * directions, n) h_n (the chatbot's encoder_hidden[:n_layers]).
   * cell 'final': c_0 the same rows of the encoder's c (LSTM), 'zero': c_0 = 0.
   */
  | { kind: 'final'; order: 'layer' | 'pytorch'; cell: 'final' | 'zero' }
  /**
   * s_0 = act(W x + b) (or act(x) without W), x one of BridgeSource, to the first decoder layer
   * (the others 0), to every layer, or per layer (decoder layer l from encoder layer l's states, one W);
   * c_0 = 0, c_0 = s_0 ('same'), or act(W_c x_c + b_c) of the same states of c_n ('project').
   */
  | { kind: 'project'; from: BridgeSource; layer?: number; W: LinearName | null; activation: Activation; layers: 'first' | 'every' | 'per-layer';
      cell: 'zero' | 'same' | 'project'; /** cell 'project': W_c of c_0 = act(W_c x_c + b_c) (null: act(x_c)) */ cellW?: LinearName | null };

/**
 * How a vector v (the additive score's) is stored: 'linear' `<name>.weight` (1, A) of an nn.Linear (bias `<name>.bias`);
 * a bare nn.Parameter `<name>` as 'vector' (A), 'row' (1, A) or 'column' (A, 1). Absent: whichever the file has.
 */
export type VectorLayout = 'linear' | 'vector' | 'row' | 'column';
export interface VectorName { name: string; bias: boolean; layout?: VectorLayout; alternatives?: string[] }

export type Query = 'before' | 'after';
/**
 * Local attention (Luong et al. 2015, sec. 3.2): the scores inside [p_t - D, p_t + D] only, p_t = t
 * (monotonic, 'm') or S sigmoid(v_p^T tanh(W_p h_t)) ('p', then a_t(s) *= exp(-(s - p_t)^2 / (2 (D/2)^2))).
 */
export interface LocalWindow { mode: 'm' | 'p'; D: number; W_p?: LinearName; v_p?: string }
export type AttentionPart =
  | { kind: 'none' }
  /** c = h_T (W null) or tanh(W h_T), fixed for the whole decode (Cho et al. 2014's summary). */
  | { kind: 'summary'; W: LinearName | null }
  /**
   * e_ij = v^T act(W q + b_W + U h_j + b_U) + b_v; `joint`: W and U are the two column blocks of one Linear over
   * [q; h_j] ('query-first') or [h_j; q] ('key-first').
   */
  | { kind: 'additive'; query: Query; W: LinearName; U: LinearName | null; joint: boolean; order?: 'query-first' | 'key-first';
      activation?: Activation; v: VectorName; local?: LocalWindow; /** A, the alignment model's size */ size: number }
  | { kind: 'dot'; query: Query; local?: LocalWindow }
  /** 'keys': h_t^T (W h_s + b), W h_s + b once per source (Luong, the chatbot); 'query': (W h_t + b)^T h_s (OpenNMT-py). */
  | { kind: 'general'; query: Query; W: LinearName; convention: 'keys' | 'query'; local?: LocalWindow }
  /** e_i = W [E y_{i-1}; s_{i-1}] + b over `positions` fixed positions (the encoder outputs zero-padded to them). */
  | { kind: 'location'; W: LinearName; positions: number };

/** What the decoder cell can read at step t: E y_{t-1}, c_t (attention before the cell, or the fixed summary), h̃_{t-1}, s_{t-1}. */
export type InputPart = 'e' | 'c' | 'hTilde' | 's';
/**
 * The cell's input x_t = [parts] (an ordered concatenation), or x_t = act(W [parts] + b) with W
 * (the older PyTorch tutorial's relu(attn_combine([E y; c]))). [E y_{t-1}; h̃_{t-1}] is input feeding
 * (Luong et al. 2015, sec. 3.3), h̃_0 = 0.
 */
export interface DecoderInputPart { parts: InputPart[]; W: LinearName | null; activation: Activation }

/** The decoder input of `parts` read directly by the cell. */
export const cellInput = (...parts: InputPart[]): DecoderInputPart => ({ parts, W: null, activation: 'none' });

export interface DecoderPart {
  /** Module name of the RNN. */
  rnn: string;
  /** 'pytorch': nn.GRU / nn.LSTM names `weight_ih_l<k>`; 'cells': a stack of cells `layers.<k>.weight_ih` (OpenNMT-py). */
  layout: 'pytorch' | 'cells' | 'cell';
  layers: number;
  hidden: number;
  input: DecoderInputPart;
}

export interface CombinePart { W: LinearName; parts: ReadoutPart[]; activation: Activation }

export interface OutputPart {
  parts: ReadoutPart[];
  /** 'linear': logits = W_o r + b_o; 'maxout' / 'tanh': t = maxout / tanh(W_t r + b_t), logits = W_o t + b_o. */
  kind: 'linear' | 'maxout' | 'tanh';
  out: LinearName;
  /** W_t of the deep output; its size l (maxout: 2l rows). */
  deep?: { W: LinearName; size: number };
}

export interface Composition {
  cell: Cell;
  gruConvention: GruConvention;
  embeddings: { source: string; target: string; sourceSize: number; targetSize: number; /** tying: the source table when `target` is absent */ tiedTo?: string };
  encoder: EncoderPart;
  bridge: BridgePart;
  attention: AttentionPart;
  decoder: DecoderPart;
  combine: CombinePart | null;
  output: OutputPart;
}

/**
 * The deep output of Cho et al. 2014 (A.1.2) and RNNsearch (A.2.2) over the readout [s; E y; c]:
 * `<decoder>.deep_output` (W_t, b_t) then `<decoder>.out` (W_o, b_o); 'none': `<decoder>.out` over the readout.
 */
export function deepOutputPart(kind: DeepOutput, size: number): OutputPart {
  const out = { name: 'decoder.out', bias: true };
  return kind === 'none' ? { parts: ['s', 'e', 'c'], kind: 'linear', out }
    : { parts: ['s', 'e', 'c'], kind: kind === 'maxout' ? 'maxout' : 'tanh', out, deep: { W: { name: 'decoder.deep_output', bias: true }, size } };
}
