// TensorFlow.js, wasm backend (XNNPACK, SIMD), one thread: the tutorial model's math in tf ops,
// weights from the safetensors file (matrices transposed once to (in, out)). Ua h_j + b once per source.
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { readTutorialModel } from '../lib/safetensors.js';

export const label = 'TensorFlow.js (wasm)';
export const version = () => tf.version_core;

let ready = null;
async function backend() {
  if (!ready) {
    setThreadsCount(1);
    ready = tf.setBackend('wasm').then((ok) => { if (!ok) throw new Error('tfjs: the wasm backend did not initialise'); });
  }
  return ready;
}

export async function create(dir) {
  await backend();
  const { config, tensors } = readTutorialModel(dir);
  const H = config.hidden_size;
  const t = (name) => tf.tensor(tensors[name].data, tensors[name].shape);
  const tT = (name) => tf.tidy(() => tf.transpose(t(name))); // (out, in) -> (in, out)
  const P = {
    encE: t('encoder.embedding.weight'), encWih: tT('encoder.gru.weight_ih_l0'), encWhh: tT('encoder.gru.weight_hh_l0'),
    encBih: t('encoder.gru.bias_ih_l0'), encBhh: t('encoder.gru.bias_hh_l0'),
    decE: t('decoder.embedding.weight'), Wa: tT('decoder.attention.Wa.weight'), ba: t('decoder.attention.Wa.bias'),
    Ua: tT('decoder.attention.Ua.weight'), bu: t('decoder.attention.Ua.bias'), Va: tT('decoder.attention.Va.weight'),
    bv: t('decoder.attention.Va.bias'), decWih: tT('decoder.gru.weight_ih_l0'), decWhh: tT('decoder.gru.weight_hh_l0'),
    decBih: t('decoder.gru.bias_ih_l0'), decBhh: t('decoder.gru.bias_hh_l0'), Wo: tT('decoder.out.weight'), bo: t('decoder.out.bias'),
  };

  /** PyTorch GRU cell: x (1, in), h (1, H). */
  function gru(x, h, Wih, Whh, bih, bhh) {
    const [ir, iz, inn] = tf.split(tf.add(tf.matMul(x, Wih), bih), 3, 1);
    const [hr, hz, hn] = tf.split(tf.add(tf.matMul(h, Whh), bhh), 3, 1);
    const r = tf.sigmoid(tf.add(ir, hr));
    const z = tf.sigmoid(tf.add(iz, hz));
    const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)); // (1 - z) n + z h
  }

  function encode(src) {
    return tf.tidy(() => {
      const xs = tf.gather(P.encE, tf.tensor1d(src, 'int32'));  // (Tx, H)
      let h = tf.zeros([1, H]);
      const hs = [];
      for (let j = 0; j < src.length; j++) {
        h = gru(tf.slice(xs, [j, 0], [1, H]), h, P.encWih, P.encWhh, P.encBih, P.encBhh);
        hs.push(h);
      }
      const keys = tf.concat(hs, 0);                            // (Tx, H)
      return { keys, keysU: tf.add(tf.matMul(keys, P.Ua), P.bu), s: h };
    });
  }

  function step(y, s, keys, keysU) {
    return tf.tidy(() => {
      const e = tf.add(tf.matMul(tf.tanh(tf.add(keysU, tf.add(tf.matMul(s, P.Wa), P.ba))), P.Va), P.bv); // (Tx, 1)
      const a = tf.softmax(tf.reshape(e, [1, -1]));            // (1, Tx)
      const c = tf.matMul(a, keys);                             // (1, H)
      const emb = tf.gather(P.decE, tf.tensor1d([y], 'int32')); // (1, H)
      const s2 = gru(tf.concat([emb, c], 1), s, P.decWih, P.decWhh, P.decBih, P.decBhh);
      const logits = tf.add(tf.matMul(s2, P.Wo), P.bo);         // (1, V)
      return { s: s2, k: tf.argMax(logits, 1) };
    });
  }

  return {
    translate(src, steps) {
      const { keys, keysU, s: s0 } = encode(src);
      let s = s0;
      let y = config.sos_id;
      const ids = [];
      for (let i = 0; i < steps; i++) {
        const r = step(y, s, keys, keysU);
        s.dispose();
        s = r.s;
        ids.push(y = r.k.dataSync()[0]);
        r.k.dispose();
      }
      s.dispose(); keys.dispose(); keysU.dispose();
      return ids;
    },
    dispose: () => { for (const x of Object.values(P)) x.dispose(); },
    numTensors: () => tf.memory().numTensors,
  };
}
