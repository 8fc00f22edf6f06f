// The demo's decoder, off the main thread so typing never waits for it. One model at a time;
// each request carries an id and the page ignores replies it no longer wants.
//   in:  { type: 'load', name: 'g2p-en', word, beam } | { type: 'load', files: [{ name, bytes }], name, beam } (the reply has the first word's translation)
//        { type: 'g2p', id, text } | { type: 'translate', id, text, beam } | { type: 'walk', id, text, steps } | { type: 'bench', id, words }
//   out: { type: 'progress', part: 'model' | 'lexicon' | 'tagger', loaded, total } | { type: 'result', id, ... } | { type: 'error', id, code, message }
//
// Start-up does not wait for the page: index.html starts this worker before main.js arrives, and
// it begins at once to fetch and compile the one Wasm build this engine runs (demo/dist/wasm/,
// not both builds inlined) and to read g2p-en's model (from the page's Cache API after the first
// visit); the dictionary follows at the first g2p request.
import { ARPABET_TO_IPA, fetchAndUse, G2P, HETERONYMS, Lexicon, loadG2P, loadModel, toIpa } from 'seqattn';

// when things happened, in ms since the epoch of the page's time origin (for tools/demo-measure.ts)
const now = () => performance.timeOrigin + performance.now();
const timings = { workerStart: now() };

// ---- the Wasm build: relaxed SIMD where the engine validates it, else SIMD128 --------------------
// (func (result v128) (i8x16.relaxed_swizzle (i8x16.splat (i32.const 0)) (i8x16.splat (i32.const 0))))
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 15, 1, 13, 0, 65, 0, 253, 15, 65, 0, 253, 15, 253, 128, 2, 11]);
// ?wasm=simd128 on the page (passed on to this worker's URL) pins a build: the tests compare it bit for bit with Node's
const pinned = new URL(self.location.href).searchParams.get('wasm');
const build = pinned === 'simd128' || pinned === 'relaxed-simd' ? pinned : WebAssembly.validate(RELAXED_PROBE) ? 'relaxed-simd' : 'simd128';
// WASM_FILES: '{ build: file name with a hash of its bytes }', set by demo/build.mjs
const wasmModule = WebAssembly.compileStreaming(fetch(new URL(`./wasm/${JSON.parse(WASM_FILES)[build]}`, import.meta.url)));
wasmModule.then(() => { timings.compiled = now(); }, () => {}); // an error is reported by the load that awaits it

// ---- g2p-en: the model and its pronouncing dictionary ---------------------------------------------
const G2P_EN = {
  model: new URL('../../models/g2p-en/model.int8.safetensors', import.meta.url).href,
  lexicon: new URL('../../models/g2p-en/lexicon.bin', import.meta.url).href,
};
function reportProgress(part, loaded, total) {
  if (part === 'model') timings.downloaded = now();
  postMessage({ type: 'progress', part, loaded, total });
}

/**
 * g2p-en as the page uses it: the model, then the dictionary. Reading and indexing the dictionary's
 * 125k words takes longer than loading the model, so it waits for the first g2p request (which the
 * page sends after the model's first word): the model's pronunciation does not wait for it.
 */
async function loadG2PEn() {
  // the module is instantiated while the model's bytes arrive (from the page's Cache API after the first visit: `cache: true`)
  const model = await loadModel(G2P_EN.model, { cache: true, maxBeamSize: 8, wasmBuild: build, wasmModule: await wasmModule,
    onProgress: (l, t) => reportProgress('model', l, t) });
  timings.modelLoaded = now();
  // the dictionary, cached the same way, fetched and indexed at the first g2p request
  let lexicon;
  // fetchAndUse: the bytes are cached only once they read as a dictionary
  const g2p = () => (lexicon ??= fetchAndUse(G2P_EN.lexicon, { cache: true, onProgress: (l, t) => reportProgress('lexicon', l, t) },
    (bytes) => new G2P({ model, lexicon: Lexicon.fromBytes(bytes, G2P_EN.lexicon), tagger: null })));
  return { model, g2p };
}
const g2pEn = loadG2PEn();
g2pEn.catch(() => {});

// ---- the loaded model ------------------------------------------------------------------------------
// current: { name, model, g2p (() => the sentence pipeline, g2p-en only), tagged (the same with heteronyms, once the tagger is in) }
let current = null;

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

const isSpecial = (s) => /^<.*>$|^(sos|eos|pad|unk)$/i.test(s);
function info(m, name, g2p) {
  const c = m.config;
  return { name, architecture: c.architecture, attends: m.attends, hiddenSize: c.hiddenSize, build: m.wasmBuild, g2p, arpabet: g2p ? ARPABET_TO_IPA : undefined,
    sourceVocab: c.sourceVocab.length, targetVocab: c.targetVocab.length, charLevel: c.sourceTokenizer === 'char',
    // an input this model reads: a short word for a character-level model, else its first few ordinary source words
    sample: c.sourceTokenizer === 'char'
      ? c.sourceVocab.filter((s) => !isSpecial(s) && s.trim()).slice(0, 4).join('')
      : c.sourceVocab.filter((s) => !isSpecial(s)).slice(0, 3).join(' ') };
}

/** The top `k` of p = softmax(logits), for the step view. */
function topK(logits, k) {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]).slice(0, k);
  return order.map((id) => ({ id, symbol: current.model.targetVocab.symbol(id), p: Math.exp(logits[id] - max) / sum, logp: logits[id] - max - Math.log(sum) }));
}

/** Which source symbols the model reads as <unk> (outside its vocabulary). */
function unknownSymbols(model, ids, tokens) {
  const unk = model.config.sourceUnkId;
  return unk === null || unk === undefined ? [] : tokens.filter((_, j) => ids[j] === unk);
}

/**
 * Steps 1..steps of the greedy decode of `text` (the step API), each with e_ij, a_ij, c_i, s_i and
 * the choice; with h_j (the annotations, one row per source symbol) and s_0.
 */
function walk(text, steps) {
  const { model } = current;
  const session = model.begin(text);
  const Tx = session.sourceTokens.length;
  const h = session.annotations;
  const d = Tx ? h.length / Tx : 0;
  const annotations = Array.from({ length: d ? Tx : 0 }, (_, j) => Array.from(h.subarray(j * d, (j + 1) * d)));
  const s0 = Array.from(session.state);
  const out = [];
  let y = model.config.sosId;
  for (let i = 1; i <= steps; i++) {
    const s = session.step(y);
    const top = topK(s.logits, 5);
    out.push({ energies: Array.from(s.energies), weights: Array.from(s.weights), context: Array.from(s.context), state: Array.from(s.state),
      top, previous: model.targetVocab.symbol(y) });
    y = top[0].id;
    if (y === model.config.eosId) break;
  }
  // one more step would be past </s> or the model's maximum: tell the page where the walk ends
  const ended = y === model.config.eosId || out.length >= model.config.maxTargetLength;
  return { sourceTokens: session.sourceTokens, unknown: unknownSymbols(model, session.sourceIds, session.sourceTokens),
    annotations, s0, steps: out, ended };
}

/**
 * The tagger (a chunk of its own, ~0.5 s to import) is needed only when the text has a heteronym:
 * imported then, not before (in the background it would compete with the page for the CPU).
 */
function needsTagger(text) {
  return text.toLowerCase().split(/[^a-z']+/).some((w) => Object.prototype.hasOwnProperty.call(HETERONYMS, w));
}
function tagged(entry) {
  entry.tagged ??= entry.g2p().then((g) => loadG2P({ model: entry.model, lexicon: g.parts.lexicon, homographs: true }));
  return entry.tagged;
}

const handlers = {
  async load(msg) {
    let next;
    if (msg.files) {
      const model = await loadModel(sourceFromFiles(msg.files), { maxBeamSize: 8, wasmBuild: build, wasmModule: await wasmModule });
      next = { name: msg.name, model, g2p: null };
    } else {
      const { model, g2p } = await g2pEn;
      next = { name: 'g2p-en', model, g2p };
    }
    if (current && current.model !== next.model && !(await isDefault(current.model))) current.model.dispose();
    current = next;
    timings.loaded = now();
    const about = info(current.model, current.name, current.g2p !== null);
    // the page's first word in the same reply: one round trip less before the first pronunciation
    const word = about.g2p ? msg.word : about.sample;
    let first;
    try { first = word ? { text: word, result: handlers.translate({ text: word, beam: msg.beam ?? 1 }) } : undefined; } catch { first = undefined; }
    return { info: about, timings, first };
  },
  /** The sentence pipeline (g2p-en only): numbers, the dictionary, heteronyms, the model for the rest. */
  async g2p({ text }) {
    if (!current.g2p) throw Object.assign(new Error(`${current.name} is not a g2p model: only the model alone runs`), { code: 'E_DEMO' });
    const entry = current;
    if (needsTagger(text) && !entry.tagged) postMessage({ type: 'progress', part: 'tagger' });
    const g = needsTagger(text) ? await tagged(entry) : await entry.g2p();
    const r = g.pronounce(text);
    const tokens = r.tokens.map((t) => (t.kind === 'punctuation' ? { ...t }
      : { ...t, ipa: t.parts ? t.parts.map((p) => toIpa(p.phonemes)).join(' ') : t.phonemes ? toIpa(t.phonemes) : '' }));
    return { text, tokens };
  },
  /** The model alone on one input: n-best with log p(y | x), and the alignment of the best. */
  translate({ text, beam }) {
    const { model } = current;
    const r = model.translate(text, { beamSize: beam, nBest: beam });
    const pack = (t) => ({ text: t.text, tokens: t.tokens, score: t.score, ids: t.ids, ipa: current.g2p && t.text ? toIpa(t.text.split(' ')) : undefined });
    return { best: pack(r), nBest: (r.nBest ?? [r]).map(pack), sourceTokens: r.sourceTokens, unknown: r.unknownSource.map((j) => r.sourceTokens[j]),
      attention: r.attention.map((row) => Array.from(row)), build: model.wasmBuild };
  },
  walk({ text, steps }) { return walk(text, steps); },
  bench({ words, rounds = 1 }) {
    const { model } = current;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < words.length; i += model.maxBatchSize) model.translateBatch(words.slice(i, i + model.maxBatchSize));
    }
    return { words: words.length * rounds, ms: performance.now() - t0 };
  },
};
/** g2p-en stays loaded for "Back to g2p-en"; only users' models are disposed. */
async function isDefault(model) {
  try { return (await g2pEn).model === model; } catch { return false; }
}

onmessage = async ({ data: msg }) => {
  try {
    const reply = await handlers[msg.type](msg);
    postMessage({ type: 'result', ...reply, id: msg.id, request: msg.type });
  } catch (e) {
    postMessage({ type: 'error', id: msg.id, request: msg.type, code: e.code ?? 'E_DEMO', message: e.message });
  }
};
