// The demo's decoder, off the main thread so typing never waits for it. One model at a time;
// each request carries an id and the page ignores replies it no longer wants.
//   in:  { type: 'load', url } | { type: 'load', files: [{ name, bytes }] }
//        { type: 'translate', id, text, beam } | { type: 'walk', id, text, steps } | { type: 'bench', id, words }
//   out: { type: 'progress', loaded, total } | { type: 'loaded', info } | { type: 'result', id, ... } | { type: 'error', id, code, message }
import { loadModel } from 'seqattn';

let model = null;
// when things happened, in ms since the page's time origin's epoch (for tools/demo-measure.ts)
const now = () => performance.timeOrigin + performance.now();
const timings = { workerStart: now() };

/** A ModelSource from dropped files: one .safetensors (config inside or config.json), or the tutorial's encoder + decoder. */
function sourceFromFiles(files) {
  const byName = new Map(files.map((f) => [f.name.split('/').pop(), f]));
  const config = byName.get('config.json');
  const weights = files.filter((f) => f.name.endsWith('.safetensors'));
  const enc = byName.get('encoder.safetensors');
  const dec = byName.get('decoder.safetensors');
  if (enc && dec) {
    return { weights: [{ bytes: enc.bytes, name: enc.name, prefix: 'encoder.' }, { bytes: dec.bytes, name: dec.name, prefix: 'decoder.' }],
      config: config && new TextDecoder().decode(config.bytes), configName: config?.name };
  }
  const main = byName.get('model.safetensors') ?? weights[0];
  if (!main) throw Object.assign(new Error('no .safetensors file among the dropped files'), { code: 'E_MODEL_NOT_FOUND' });
  return { weights: { bytes: main.bytes, name: main.name }, config: config && new TextDecoder().decode(config.bytes), configName: config?.name };
}

function info(m, name) {
  const c = m.config;
  return { name, architecture: c.architecture, attends: m.attends, hiddenSize: c.hiddenSize, build: m.wasmBuild,
    sourceVocab: c.sourceVocab.length, targetVocab: c.targetVocab.length, charLevel: c.sourceTokenizer === 'char',
    // an input this model can read, for word-level models (the first few ordinary source words)
    sample: c.sourceVocab.filter((s) => !/^<.*>$|^(sos|eos|pad|unk)$/i.test(s)).slice(0, 3).join(' ') };
}

/** The top `k` of p = softmax(logits), for the step view. */
function topK(logits, k) {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]).slice(0, k);
  return order.map((id) => ({ id, symbol: model.targetVocab.symbol(id), p: Math.exp(logits[id] - max) / sum }));
}

/** Steps 1..steps of the greedy decode of `text`, each with e_ij, a_ij, c_i and the choice (the step API). */
function walk(text, steps) {
  const session = model.begin(text);
  const out = [];
  let y = model.config.sosId;
  for (let i = 1; i <= steps; i++) {
    const s = session.step(y);
    const top = topK(s.logits, 5);
    out.push({ energies: Array.from(s.energies), weights: Array.from(s.weights), context: Array.from(s.context), top, previous: model.targetVocab.symbol(y) });
    y = top[0].id;
    if (y === model.config.eosId) break;
  }
  // one more step would be past </s> or the model's maximum: tell the page where the walk ends
  const ended = y === model.config.eosId || out.length >= model.config.maxTargetLength;
  return { sourceTokens: session.sourceTokens, steps: out, ended, annotationSize: session.annotations.length / session.sourceTokens.length };
}

const handlers = {
  async load(msg) {
    const next = msg.url
      ? await loadModel(msg.url, { cache: true, maxBeamSize: 8, wasmBuild: msg.wasmBuild, onProgress: (loaded, total) => {
        timings.downloaded = now();
        postMessage({ type: 'progress', loaded, total });
      } })
      : await loadModel(sourceFromFiles(msg.files), { maxBeamSize: 8, wasmBuild: msg.wasmBuild });
    model?.dispose();
    model = next;
    timings.loaded = now();
    return { type: 'loaded', info: info(model, msg.name), timings };
  },
  translate({ text, beam }) {
    const r = model.translate(text, { beamSize: beam, nBest: beam });
    const pack = (t) => ({ text: t.text, tokens: t.tokens, score: t.score, ids: t.ids });
    return { best: pack(r), nBest: (r.nBest ?? [r]).map(pack), sourceTokens: r.sourceTokens, attention: r.attention.map((row) => Array.from(row)), build: model.wasmBuild };
  },
  walk({ text, steps }) { return walk(text, steps); },
  bench({ words, rounds }) {
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < words.length; i += model.maxBatchSize) model.translateBatch(words.slice(i, i + model.maxBatchSize));
    }
    return { words: words.length * rounds, ms: performance.now() - t0 };
  },
};

onmessage = async ({ data: msg }) => {
  try {
    const reply = await handlers[msg.type](msg);
    postMessage({ type: 'result', ...reply, id: msg.id, request: msg.type });
  } catch (e) {
    postMessage({ type: 'error', id: msg.id, request: msg.type, code: e.code ?? 'E_DEMO', message: e.message });
  }
};
postMessage({ type: 'ready' });
