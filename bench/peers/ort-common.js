// The decode loop over the ONNX files of tools/export_onnx.py, shared by onnxruntime-node and
// onnxruntime-web: encoder.onnx once, then decoder_step.onnx per step, argmax in JavaScript.
import { argmax } from '../lib/argmax.js';

export async function createOrtPeer(ort, dir, config, sessionOptions) {
  const encoder = await ort.InferenceSession.create(`${dir}/encoder.onnx`, sessionOptions);
  const step = await ort.InferenceSession.create(`${dir}/decoder_step.onnx`, sessionOptions);
  const V = config.target_vocab.length;
  const ids64 = (ids, dims) => new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), dims);

  /** srcs: B sources of one length -> B id lists. */
  async function decode(srcs, steps) {
    const B = srcs.length;
    const T = srcs[0].length;
    const { keys, keys_u, hidden } = await encoder.run({ src: ids64(srcs.flat(), [B, T]) });
    let h = hidden;
    let y = ids64(new Array(B).fill(config.sos_id), [B]);
    const out = srcs.map(() => []);
    for (let i = 0; i < steps; i++) {
      const r = await step.run({ y, hidden: h, keys, keys_u });
      const logits = r.logits.data;
      const next = out.map((ids, b) => { const k = argmax(logits, b * V, V); ids.push(k); return k; });
      h = r.hidden_out;
      y = ids64(next, [B]);
    }
    return out;
  }

  return {
    translate: async (src, steps) => (await decode([src], steps))[0],
    translateBatch: (srcs, steps) => decode(srcs, steps),
    dispose: async () => { await encoder.release?.(); await step.release?.(); },
  };
}
