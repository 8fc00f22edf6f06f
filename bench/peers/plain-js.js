// Plain JavaScript: the tutorial model's math over Float32Arrays in straightforward loops (no
// SIMD, no Wasm), as a JavaScript developer would port it. Ua h_j + b is computed once per source.
import { argmax } from '../lib/argmax.js';
import { readTutorialModel } from '../lib/safetensors.js';

export const label = 'plain JavaScript';

/** out (rows) = W (rows, cols) x + b */
function linear(out, W, b, x, rows, cols, xOffset = 0, outOffset = 0) {
  for (let i = 0; i < rows; i++) {
    let s = b[i];
    const row = i * cols;
    for (let j = 0; j < cols; j++) s += W[row + j] * x[xOffset + j];
    out[outOffset + i] = s;
  }
}

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** PyTorch GRU cell from gi = W_ih x + b_ih, gh = W_hh h + b_hh (gates r, z, n). */
function gruCell(hOut, gi, gh, h, H, hOffset = 0, outOffset = 0) {
  for (let k = 0; k < H; k++) {
    const r = sigmoid(gi[k] + gh[k]);
    const z = sigmoid(gi[H + k] + gh[H + k]);
    const n = Math.tanh(gi[2 * H + k] + r * gh[2 * H + k]);
    hOut[outOffset + k] = (1 - z) * n + z * h[hOffset + k];
  }
}

export async function create(dir) {
  const { config, w } = readTutorialModel(dir);
  const H = config.hidden_size;
  const V = config.target_vocab.length;
  const T = config.max_source_length;
  const enc = { E: w('encoder.embedding.weight'), Wih: w('encoder.gru.weight_ih_l0'), Whh: w('encoder.gru.weight_hh_l0'),
    bih: w('encoder.gru.bias_ih_l0'), bhh: w('encoder.gru.bias_hh_l0') };
  const dec = { E: w('decoder.embedding.weight'), Wa: w('decoder.attention.Wa.weight'), ba: w('decoder.attention.Wa.bias'),
    Ua: w('decoder.attention.Ua.weight'), bu: w('decoder.attention.Ua.bias'), Va: w('decoder.attention.Va.weight'),
    bv: w('decoder.attention.Va.bias')[0], Wih: w('decoder.gru.weight_ih_l0'), Whh: w('decoder.gru.weight_hh_l0'),
    bih: w('decoder.gru.bias_ih_l0'), bhh: w('decoder.gru.bias_hh_l0'), Wo: w('decoder.out.weight'), bo: w('decoder.out.bias') };
  const keys = new Float32Array(T * H);    // h_1..h_Tx
  const keysU = new Float32Array(T * H);   // Ua h_j + b
  const gi = new Float32Array(3 * H);
  const gh = new Float32Array(3 * H);
  const s = new Float32Array(H);
  const q = new Float32Array(H);
  const e = new Float32Array(T);
  const x = new Float32Array(2 * H);       // [E y; c]
  const logits = new Float32Array(V);
  const zeros = new Float32Array(H);

  function encode(src) {
    for (let j = 0; j < src.length; j++) {
      // h_j = GRU(E x_j, h_{j-1})
      linear(gi, enc.Wih, enc.bih, enc.E, 3 * H, H, src[j] * H);
      const hPrev = j === 0 ? zeros : keys;
      const hOff = j === 0 ? 0 : (j - 1) * H;
      linear(gh, enc.Whh, enc.bhh, hPrev, 3 * H, H, hOff);
      gruCell(keys, gi, gh, hPrev, H, hOff, j * H);
      linear(keysU, dec.Ua, dec.bu, keys, H, H, j * H, j * H);
    }
    s.set(keys.subarray((src.length - 1) * H, src.length * H)); // s_0 = h_Tx
  }

  function step(y, Tx) {
    // e_j = Va . tanh(Wa s + ba + Ua h_j + bu) + bv; a = softmax(e); c = sum_j a_j h_j
    linear(q, dec.Wa, dec.ba, s, H, H);
    let max = -Infinity;
    for (let j = 0; j < Tx; j++) {
      let sum = dec.bv;
      for (let k = 0; k < H; k++) sum += dec.Va[k] * Math.tanh(q[k] + keysU[j * H + k]);
      e[j] = sum;
      if (sum > max) max = sum;
    }
    let total = 0;
    for (let j = 0; j < Tx; j++) { e[j] = Math.exp(e[j] - max); total += e[j]; }
    x.set(dec.E.subarray(y * H, (y + 1) * H), 0);
    x.fill(0, H);
    for (let j = 0; j < Tx; j++) {
      const a = e[j] / total;
      for (let k = 0; k < H; k++) x[H + k] += a * keys[j * H + k];
    }
    // s = GRU([E y; c], s); logits = out(s)
    linear(gi, dec.Wih, dec.bih, x, 3 * H, 2 * H);
    linear(gh, dec.Whh, dec.bhh, s, 3 * H, H);
    gruCell(s, gi, gh, s, H);
    linear(logits, dec.Wo, dec.bo, s, V, H);
    return argmax(logits);
  }

  return {
    translate(src, steps) {
      encode(src);
      const ids = [];
      let y = config.sos_id;
      for (let i = 0; i < steps; i++) ids.push(y = step(y, src.length));
      return ids;
    },
  };
}
