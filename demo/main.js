// The demo page: the UI only. The model runs in worker.js; this file sends it requests and draws
// the replies: g2p(text) word by word with each word's source, the model alone on one word (n-best,
// the alignment a_ij), and the worked example one decoder step at a time: h_j, e_ij, a_ij, c_i built
// as the weighted sum of the h_j, and s_i, the state the next step starts from.
const $ = (id) => document.getElementById(id);

// ---- the worker: requests with ids; for each kind only the latest request matters --------------
// index.html starts the worker early; without it (main.js used elsewhere) start it here
const worker = window.seqattnWorker ?? new Worker(new URL(`./worker.js${location.search}`, import.meta.url), { type: 'module' });
let nextId = 1;
const waiting = new Map();
function ask(type, body = {}) {
  const id = nextId++;
  worker.postMessage({ type, id, ...body });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
worker.onmessage = ({ data }) => {
  if (data.type === 'progress') return showProgress(data.part, data.loaded, data.total);
  const w = waiting.get(data.id);
  if (!w) return;
  waiting.delete(data.id);
  if (data.type === 'error') w.reject(Object.assign(new Error(data.message), { code: data.code }));
  else w.resolve(data);
};
worker.onerror = (e) => showError({ code: 'E_DEMO', message: `the worker failed to start: ${e.message ?? 'no message'}` });

/** Runs `run` for the newest argument only: while one is in flight, later calls replace the queued one. */
function latest(run) {
  let busy = false;
  let queued;
  const pump = async (arg) => {
    busy = true;
    try { await run(arg); } finally { busy = false; }
    if (queued !== undefined) { const next = queued; queued = undefined; pump(next); }
  };
  return (arg) => { if (busy) queued = arg; else pump(arg); };
}

// ---- colours ------------------------------------------------------------------------------------
// a sequential ramp for weights in [0, 1] (white -> indigo), and a diverging one for signed values
const RAMP = [[255, 255, 255], [219, 228, 255], [145, 167, 255], [76, 110, 245], [54, 79, 199], [33, 45, 120]];
function rampRgb(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  return RAMP[i].map((v, k) => Math.round(v + f * (RAMP[i + 1][k] - v)));
}
const ramp = (t) => `rgb(${rampRgb(t).join(',')})`;
const inkOn = (t) => (t > 0.55 ? '#fff' : '#1d2433');
/** t in [-1, 1] -> red below zero, white at zero, blue above (as [r, g, b]). */
function divergingRgb(t) {
  const s = Math.min(1, Math.abs(t));
  const [r, g, b] = t < 0 ? [224, 49, 49] : [59, 91, 219];
  return [255 + s * (r - 255), 255 + s * (g - 255), 255 + s * (b - 255)].map(Math.round);
}
const diverging = (t) => `rgb(${divergingRgb(t).join(',')})`;
document.querySelector('.scale-bar').style.background = `linear-gradient(90deg, ${[0, 0.2, 0.4, 0.6, 0.8, 1].map(ramp).join(', ')})`;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
/** Text with subscripts: 'c_{4} = Σ_{j} a_{4j} h_{j}' -> c<sub>4</sub> = ...; the text is never parsed as HTML. */
function subscripted(tag, cls, text) {
  const e = el(tag, cls);
  text.split(/(_\{[^}]*\})/).forEach((part) => e.append(part.startsWith('_{') ? el('sub', '', part.slice(2, -1)) : document.createTextNode(part)));
  return e;
}
/** A vector as one strip of colour: one pixel column per number, red < 0 < blue, |v| = `scale` saturated. */
function strip(values, scale, cls = 'vec') {
  const c = el('canvas', cls);
  c.width = Math.max(1, values.length);
  c.height = 1;
  const g = c.getContext('2d');
  const img = g.createImageData(c.width, 1);
  values.forEach((v, k) => { const [r, gr, b] = divergingRgb(v / scale); img.data.set([r, gr, b, 255], 4 * k); });
  g.putImageData(img, 0, 0);
  return c;
}

// ---- model loading --------------------------------------------------------------------------------
const G2P_EN = { text: $('text').value, word: $('word').value };
const TAGLINE_G2P = 'Attention encoder-decoders running in your browser, in WebAssembly, in a Web Worker. g2p-en is an RNNsearch (Bahdanau et al. 2015): a bidirectional GRU reads a word letter by letter into annotations h_{j}, and a decoder writes its phonemes one at a time, each time attending to the letters that matter.';
const PAPERS = { bahdanau: 'RNNsearch, Bahdanau et al. 2015', 'pytorch-tutorial': 'the PyTorch seq2seq tutorial', luong: 'Luong et al. 2015',
  cho: 'Cho et al. 2014: no attention', sutskever: 'Sutskever et al. 2014: no attention', 'show-attend-tell': 'Xu et al. 2015' };
let model = null;
let downloaded = 0;
function showProgress(part, loaded, total) {
  const mb = loaded === undefined ? '' : `${(loaded / 1e6).toFixed(1)}${total ? ` / ${(total / 1e6).toFixed(1)}` : ''} MB`;
  if (part === 'tagger') { $('pipeline-status').textContent = 'a heteronym: loading the part-of-speech tagger (once)…'; return; }
  if (part === 'lexicon') { $('pipeline-status').textContent = `reading the pronouncing dictionary: ${mb}…`; return; }
  downloaded = loaded;
  $('progress-bar').style.width = total ? `${(100 * loaded) / total}%` : '30%';
  $('model-info').textContent = `downloading ${mb}…`;
}
async function load(body) {
  $('model-info').textContent = 'loading…';
  let reply;
  try {
    // the reply brings the model's first word with it (g2p-en's word box, or a sample of the model's vocabulary)
    reply = await ask('load', { ...body, word: G2P_EN.word, beam: Number($('beam').value) });
  } catch (e) {
    showError(e);
    $('model-info').textContent = model ? `${model.name}: still loaded` : 'not loaded';
    return;
  }
  const { info, timings } = reply;
  const since = (t) => Math.round(t - performance.timeOrigin);
  window.seqattnDemo.timings = Object.fromEntries(Object.entries(timings).map(([k, t]) => [k, since(t)]));
  model = info;
  $('error').hidden = true;
  $('model-name').textContent = info.name;
  $('model-info').textContent = `${info.architecture} · hidden ${info.hiddenSize} · ${info.sourceVocab} → ${info.targetVocab} symbols · Wasm ${info.build}${info.g2p && downloaded ? ` · model.int8.safetensors ${(downloaded / 1e6).toFixed(2)} MB` : ''}`;
  $('progress-bar').style.width = '0';
  document.body.dataset.model = info.name;
  document.body.classList.toggle('no-attention', !info.attends);
  document.body.classList.toggle('user-model', !info.g2p);
  // every state follows the model: tagline, inputs, equations, the step
  $('tagline').replaceChildren(...subscripted('span', '', info.g2p ? TAGLINE_G2P
    : `${info.name}: your ${info.architecture} model (${PAPERS[info.architecture] ?? 'a composed architecture'}), loaded from your files. It reads ${info.charLevel ? 'characters' : 'words'} (${info.sourceVocab} source symbols) and writes ${info.targetVocab} target symbols.`).childNodes);
  $('pipeline').hidden = !info.g2p;
  $('arpabet-legend').hidden = !info.g2p;
  $('try-title').textContent = info.g2p ? 'The model alone on one word' : `${info.name} on one input`;
  $('try-note').hidden = !info.g2p;
  $('word').value = info.g2p ? G2P_EN.word : info.sample;
  if (info.g2p) { $('text').value = G2P_EN.text; drawArpabet(info.arpabet); }
  $('energy-eq').innerHTML = ENERGY[info.architecture] ?? 'e<sub>ij</sub> = score(query, h<sub>j</sub>): this architecture\'s own';
  $('context-eq').innerHTML = info.attends ? 'c<sub>i</sub> = Σ<sub>j</sub> a<sub>ij</sub> h<sub>j</sub>'
    : info.architecture === 'cho' ? 'c = tanh(V h<sub>N</sub>): one summary of the whole input, the same at every step' : 'none: the encoder\'s last state starts the decoder';
  const c = info.attends ? ', c<sub>i</sub>' : info.architecture === 'cho' ? ', c' : '';
  const luong = QUERY[info.architecture] === 'after';
  $('state-eq').innerHTML = luong ? 's<sub>i</sub> = f(s<sub>i−1</sub>, y<sub>i−1</sub>), before the attention' : `s<sub>i</sub> = f(s<sub>i−1</sub>, y<sub>i−1</sub>${c})`;
  $('output-eq').innerHTML = luong ? 'y<sub>i</sub> = argmax softmax(W<sub>s</sub> tanh(W<sub>c</sub> [c<sub>i</sub>; s<sub>i</sub>]))' : `y<sub>i</sub> = argmax p(y | y<sub>i−1</sub>, s<sub>i</sub>${c})`;
  $('align-sub').innerHTML = info.attends ? 'a<sub>ij</sub>: how much output i (row) attended to source symbol j (column)' : 'none: this model has no attention';
  $('scale').hidden = !info.attends;
  // the model's word first (in the reply): the text's pronunciation needs the dictionary, which the worker indexes after it
  if (reply.first && $('word').value === reply.first.text) drawTranslation(reply.first.text, reply.first.result);
  else translate($('word').value);
  walkTo(1);
  if (info.g2p) pronounce($('text').value);
}
function showError(e) {
  $('error').hidden = false;
  $('error').textContent = `${e.code ?? 'Error'}: ${e.message}`;
}

// e_ij of each architecture (trusted markup)
const ENERGY = {
  bahdanau: 'e<sub>ij</sub> = v<sup>⊤</sup> tanh(W s<sub>i−1</sub> + U h<sub>j</sub>)',
  'pytorch-tutorial': 'e<sub>ij</sub> = V<sub>a</sub> tanh(W<sub>a</sub> s<sub>i−1</sub> + U<sub>a</sub> h<sub>j</sub>)',
  luong: 'e<sub>ij</sub> = score(s<sub>i</sub>, h<sub>j</sub>): dot, general or concat',
  'show-attend-tell': 'e<sub>ij</sub> = f<sub>att</sub>(a<sub>j</sub>, h<sub>i−1</sub>)',
};

// which state queries the attention: s_{i-1}, before this step's cell (Bahdanau), or s_i, after it (Luong's h_t)
const QUERY = { bahdanau: 'before', 'pytorch-tutorial': 'before', 'show-attend-tell': 'before', luong: 'after' };

// ---- g2p(text): the sentence pipeline ------------------------------------------------------------
const pronounce = latest(async (text) => {
  if (!model?.g2p) return;
  let r;
  try { r = await ask('g2p', { text }); } catch (e) {
    $('pipeline-error').hidden = false;
    $('pipeline-error').textContent = `${e.code ?? 'Error'}: ${e.message}`;
    return;
  }
  $('pipeline-error').hidden = true;
  $('pipeline-status').textContent = '';
  // each word's chip, with the punctuation after it kept on its line
  const groups = [];
  for (const t of r.tokens) {
    if (t.kind === 'punctuation' && groups.length) { groups.at(-1).append(el('span', 'punct', t.text)); continue; }
    const group = el('span', 'group');
    group.append(t.kind === 'punctuation' ? el('span', 'punct', t.text) : chipOf(t));
    groups.push(group);
  }
  $('words').replaceChildren(...groups);
  $('ipa-line').textContent = r.tokens.map((t) => (t.kind === 'punctuation' ? t.text : ` ${t.ipa}`)).join('').trim();
  if (!document.body.dataset.firstText) document.body.dataset.firstText = String(performance.now());
  document.body.dataset.pronounced = text;
});
/** A word of g2p(text): its text, phonemes, IPA and where they came from; a tap sends its first part to the model. */
function chipOf(t) {
  const source = t.source ?? t.kind; // read generically: the pipeline may name more sources and kinds
  const chip = el('button', `word src-${source}`);
  chip.type = 'button';
  chip.dataset.source = source;
  chip.append(el('span', 'w', t.text), el('span', 'ph', (t.phonemes ?? []).join(' ')), el('span', 'ipa', t.ipa));
  // what the pipeline did to it: a number's words, a folded accent, a heteronym's part of speech
  const said = (t.parts ?? []).map((p) => p.word).join(' ');
  const notes = [source];
  if (said && said !== t.text.toLowerCase()) notes.push(`as “${said}”`);
  const pos = (t.parts ?? []).find((p) => p.pos)?.pos;
  if (pos) notes.push(pos);
  chip.append(el('span', 'how', notes.join(' · ')));
  chip.title = `${t.text}: ${source}${said ? ` (${said})` : ''}; tap to see the model alone on “${(t.parts ?? [])[0]?.word ?? t.text}”`;
  chip.addEventListener('click', () => pick((t.parts ?? [])[0]?.word ?? t.text));
  return chip;
}
/** A word of the text to the model's box: the model alone and the worked example follow it. */
function pick(word) {
  $('word').value = word;
  translate(word);
  walkTo(1);
  $('word').scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
}
function firstResult() {
  if (document.body.dataset.firstResult) return;
  performance.mark('first-pronunciation');
  document.body.dataset.firstResult = String(performance.now());
}

function drawArpabet(table) {
  if (!table || $('arpabet').childElementCount) return;
  $('arpabet').replaceChildren(...Object.entries(table).map(([a, ipa]) => {
    const d = el('div', 'sym');
    d.append(el('b', '', a), el('span', 'ipa', ipa), el('span', 'muted', EXAMPLES[a] ?? ''));
    return d;
  }));
}
// one word per ARPAbet symbol, as the CMU dictionary's documentation lists them
const EXAMPLES = { AA: 'odd', AE: 'at', AH: 'hut', AO: 'ought', AW: 'cow', AY: 'hide', B: 'be', CH: 'cheese', D: 'dee', DH: 'thee',
  EH: 'Ed', ER: 'hurt', EY: 'ate', F: 'fee', G: 'green', HH: 'he', IH: 'it', IY: 'eat', JH: 'gee', K: 'key', L: 'lee', M: 'me',
  N: 'knee', NG: 'ping', OW: 'oat', OY: 'toy', P: 'pee', R: 'read', S: 'sea', SH: 'she', T: 'tea', TH: 'theta', UH: 'hood',
  UW: 'two', V: 'vee', W: 'we', Y: 'yield', Z: 'zee', ZH: 'seizure' };

// ---- the model alone: pronunciation, n-best, heatmap -----------------------------------------------
const translate = latest(async (text) => {
  if (!model) return;
  $('walk-word').textContent = text;
  if (!text.trim()) { $('pronunciation').innerHTML = '&nbsp;'; $('pronunciation-ipa').textContent = ''; $('nbest').replaceChildren(); $('heatmap').replaceChildren(); $('unknown').hidden = true; return; }
  let r;
  try {
    r = await ask('translate', { text, beam: Number($('beam').value) });
  } catch (e) { showError(e); return; }
  drawTranslation(text, r);
});
/** The model alone on `text`: pronunciation, <unk> warning, n-best, heatmap. */
function drawTranslation(text, r) {
  $('walk-word').textContent = text;
  $('error').hidden = true;
  $('pronunciation').textContent = r.best.text || '∅';
  $('pronunciation-ipa').textContent = model.g2p && r.best.ipa ? r.best.ipa : '';
  const unk = [...new Set(r.unknown)];
  $('unknown').hidden = unk.length === 0;
  $('unknown').textContent = unk.length === 0 ? '' : `${unk.map((s) => `“${s}”`).join(', ')} ${unk.length === 1 ? 'is' : 'are'} not in the model's ${model.sourceVocab} source symbols: it reads ${unk.length === 1 ? 'it' : 'them'} as <unk>, and its output is a guess.${model.g2p ? ' g2p() above spells numbers out and folds accents before the model sees a word.' : ''}`;
  firstResult();
  drawNBest(r.nBest);
  drawHeatmap(r.sourceTokens, r.best.tokens, r.attention);
  document.body.dataset.translated = text;
}

function drawNBest(list) {
  const best = list[0].score;
  $('nbest').replaceChildren(...list.map((t) => {
    const li = el('li');
    li.append(el('span', 'hyp', t.text || '∅'), Object.assign(el('div', 'bar'), { style: `width:${Math.max(4, 60 * Math.exp(t.score - best))}px` }), el('span', 'lp', t.score.toFixed(2)));
    li.title = `log p = ${t.score.toFixed(3)}: p = ${Math.exp(t.score).toPrecision(2)}`;
    return li;
  }));
}

function drawHeatmap(src, out, attention) {
  const h = $('heatmap');
  h.classList.remove('narrow');
  if (!attention.length || !attention[0].length) {
    h.style.gridTemplateColumns = '';
    h.replaceChildren(el('p', 'muted', model.architecture === 'cho'
      ? 'No alignment to draw: cho reads one fixed summary c of the whole input at every step (see the worked example).'
      : 'No alignment to draw: this model has no attention.'));
    document.body.dataset.heatmapCells = '0';
    return;
  }
  // every column fits the card, however long the word: cells share the width (at most 26 px each)
  h.style.gridTemplateColumns = `auto repeat(${src.length}, minmax(0, 34px))`;
  h.classList.toggle('narrow', src.length > 14);
  const cells = [el('div', 'lab')];
  for (const s of src) cells.push(el('div', `lab col-lab${s.length > 2 ? ' eos' : ''}`, s));
  attention.forEach((row, i) => {
    cells.push(el('div', 'lab row-lab', out[i]));
    row.forEach((a, j) => {
      const c = el('div', 'cell');
      c.style.background = ramp(a);
      c.title = `a(${out[i]}, ${src[j]}) = ${a.toFixed(3)}`;
      cells.push(c);
    });
  });
  h.replaceChildren(...cells);
  document.body.dataset.heatmapCells = String(attention.length * src.length);
}

$('word').addEventListener('input', () => { translate($('word').value); walkTo(1); });
$('beam').addEventListener('change', () => translate($('word').value));
$('text').addEventListener('input', () => pronounce($('text').value));

// ---- the worked example ----------------------------------------------------------------------------
let step = 1;
let walkEnded = false;
const walkTo = latest(async (i) => {
  if (!model) return;
  const text = $('word').value;
  if (!text.trim()) { $('walk').replaceChildren(); return; }
  let w;
  try { w = await ask('walk', { text, steps: i }); } catch (e) { showError(e); return; }
  step = w.steps.length;
  walkEnded = w.ended && step === i;
  drawWalk(w);
});

function drawWalk({ sourceTokens: src, annotations, s0, steps, ended }) {
  const i = steps.length;
  const s = steps[i - 1];
  $('step-label').textContent = `step i = ${i}`;
  $('prev').disabled = i <= 1;
  $('next').disabled = ended && walkEnded;
  const parts = [];

  // outputs so far: y_1 .. y_i (the current one highlighted)
  const outs = el('div', 'outputs');
  outs.append(el('span', 'muted', 'y:'));
  steps.forEach((t, k) => outs.append(el('span', `tok${k === i - 1 ? ' now' : ''}`, t.top[0].symbol)));
  if (!(ended && walkEnded)) outs.append(el('span', 'tok next', '…'));
  parts.push(outs);

  const prev = i > 1 ? steps[i - 2].state : s0;
  const stateScale = Math.max(1e-6, ...prev.map(Math.abs), ...s.state.map(Math.abs));
  if (s.weights.length) {
    const query = QUERY[model.architecture];
    if (query === 'after') {
      parts.push(subscripted('div', 'walk-title', `1. The decoder cell runs first; its new state s_{${i}} (Luong's h_{t}) is the query that scores every letter: e_{${i}j}, then a_{${i}j} = softmax`));
      parts.push(vectorRow(`s_{${i}}`, s.state, stateScale, `${s.state.length} numbers`));
    } else {
      parts.push(subscripted('div', 'walk-title', query === 'before'
        ? `1. The query s_{${i - 1}} (the decoder's state after step ${i - 1}${i === 1 ? ': s_{0}, made from the encoder' : ''}) scores every letter: e_{${i}j}, then a_{${i}j} = softmax`
        : `1. The decoder's state scores every letter: e_{${i}j}, then a_{${i}j} = softmax (s_{${i - 1}} shown; this architecture may query with the state after this step's cell)`));
      parts.push(vectorRow(`s_{${i - 1}}`, prev, stateScale, `${prev.length} numbers`));
    }
    parts.push(energyGrid(src, s, i));
    parts.push(contextBuild(src, annotations, s, i));
  } else {
    parts.push(subscripted('div', 'walk-title', model.architecture === 'cho'
      ? `1. No attention here: every step reads the same summary c = tanh(V h_{N}) of the whole input, computed once by the encoder (${s.context.length} numbers)`
      : '1. No attention and no context: the encoder\'s last state is the decoder\'s first, s_{0}'));
    if (s.context.length) parts.push(vectorRow('c', s.context, Math.max(1e-6, ...s.context.map(Math.abs)), 'the same at every step'));
    parts.push(vectorRow(`s_{${i - 1}}`, prev, stateScale, `${prev.length} numbers`));
  }

  // s_i and p(y_i | ...): the new state feeds the output now and the query of the next step
  parts.push(subscripted('div', 'walk-title', QUERY[model.architecture] === 'after' && s.weights.length
    ? `3. The output combines s_{${i}} and c_{${i}} and picks y_{${i}}; s_{${i}} is the state step ${i + 1} starts from`
    : `${s.weights.length ? '3' : '2'}. The decoder updates its state and picks y_{${i}}; s_{${i}} ${s.weights.length && QUERY[model.architecture] === 'before' ? 'is the query of' : 'starts'} step ${i + 1}`));
  parts.push(vectorRow(`s_{${i}}`, s.state, stateScale, `= f(s_{${i - 1}}, y_{${i - 1}} = ${s.previous}${s.context.length ? `, c${s.weights.length ? `_{${i}}` : ''}` : ''})`));
  const cands = el('div', 'cands-box');
  cands.append(subscripted('div', 'foot-title', `p(y_{${i}} | y_{${i - 1}} = ${s.previous}, s_{${i}}${s.context.length ? `, c${s.weights.length ? `_{${i}}` : ''}` : ''}): the top 5`));
  const ul = el('ul', 'cands');
  for (const c of s.top) {
    const li = el('li');
    li.append(el('span', '', c.symbol), Object.assign(el('div', 'pbar'), { style: `width:${Math.max(2, 100 * c.p)}%` }), el('span', 'p', c.p.toFixed(3)));
    ul.append(li);
  }
  cands.append(ul);
  parts.push(cands);
  $('walk').replaceChildren(...parts);
  document.body.dataset.walkStep = String(i);
}

/** One labelled vector strip: name, colours, a note. */
function vectorRow(name, values, scale, note) {
  const row = el('div', 'vec-row');
  row.append(subscripted('span', 'name', name), strip(values, scale), subscripted('span', 'muted vec-note', note));
  return row;
}

/** The source letters with e_ij (bars around zero) and a_ij (heat cells). */
function energyGrid(src, s, i) {
  const wrap = el('div', 'walk-scroll');
  const grid = el('div', 'walk-grid');
  grid.style.gridTemplateColumns = `52px repeat(${src.length}, minmax(22px, 1fr))`;
  const emax = Math.max(...s.energies.map(Math.abs), 1e-6);
  grid.append(subscripted('div', 'name', 'x_{j}'));
  for (const t of src) grid.append(el('div', `src${t.length > 2 ? ' eos' : ''}`, t));
  grid.append(subscripted('div', 'name', `e_{${i}j}`));
  for (const e of s.energies) {
    const cell = el('div', 'e');
    const b = el('div', 'b');
    const hgt = (16 * Math.abs(e)) / emax;
    Object.assign(b.style, { background: diverging(e / emax), height: `${hgt}px`, top: e >= 0 ? `${17 - hgt}px` : '17px' });
    cell.append(b);
    cell.title = `e = ${e.toFixed(4)}`;
    grid.append(cell);
  }
  grid.append(el('div', 'name', ''));
  for (const e of s.energies) grid.append(el('div', 'num', e.toFixed(1)));
  grid.append(subscripted('div', 'name', `a_{${i}j}`));
  for (const a of s.weights) {
    const cell = el('div', 'a', a >= 0.005 ? a.toFixed(2).replace(/^0/, '') : '');
    Object.assign(cell.style, { background: ramp(a), color: inkOn(a) });
    cell.title = `a = ${a.toFixed(4)}`;
    grid.append(cell);
  }
  wrap.append(grid);
  return wrap;
}

/**
 * c_i = Σ_j a_ij h_j, built row by row: each annotation h_j (one row per source letter, its numbers
 * as one strip of colour), its weight a_ij, the weighted row a_ij h_j, and their sum c_i.
 */
function contextBuild(src, annotations, s, i) {
  const box = el('div', 'build');
  const d = s.context.length;
  box.append(subscripted('div', 'walk-title', `2. The context c_{${i}} = Σ_{j} a_{${i}j} h_{j}: each letter's annotation h_{j} (${d} numbers: the encoder reading forwards and backwards), weighted and summed`));
  if (annotations.length !== src.length || annotations[0]?.length !== d) {
    box.append(el('p', 'muted', 'this model\'s context is not a weighted sum of annotations the page can show'));
    return box;
  }
  const scale = Math.max(1e-6, ...annotations.flat().map(Math.abs));
  const grid = el('div', 'build-grid');
  grid.append(el('span', 'head', ''), subscripted('span', 'head', 'h_{j}'), subscripted('span', 'head', `a_{${i}j}`), subscripted('span', 'head', `a_{${i}j} h_{j}`));
  const best = s.weights.indexOf(Math.max(...s.weights));
  src.forEach((t, j) => {
    const a = s.weights[j];
    const weight = el('span', 'w', a.toFixed(2));
    Object.assign(weight.style, { background: ramp(a), color: inkOn(a) });
    grid.append(subscripted('span', `x${j === best ? ' top' : ''}`, `${t} h_{${j + 1}}`), strip(annotations[j], scale), weight,
      strip(annotations[j].map((v) => a * v), scale));
  });
  grid.append(subscripted('span', 'x sum', `c_{${i}} = Σ`), el('span', ''), el('span', ''), strip(s.context, scale, 'vec context'));
  box.append(grid);
  box.append(subscripted('div', 'muted vec-note', `colour: red < 0 < blue, white = 0. “${src[best]}” weighs most (${s.weights[best].toFixed(2)}), so c_{${i}} looks most like h_{${best + 1}}.`));
  return box;
}

$('next').addEventListener('click', () => walkTo(step + 1));
$('prev').addEventListener('click', () => walkTo(Math.max(1, step - 1)));
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement) return;
  if (e.key === 'ArrowRight' && !$('next').disabled) walkTo(step + 1);
  if (e.key === 'ArrowLeft' && step > 1) walkTo(step - 1);
});

// ---- bring your own model ----------------------------------------------------------------------------
async function readEntries(entry, path = '') {
  if (entry.isFile) return [await new Promise((resolve, reject) => entry.file((f) => resolve(Object.assign(f, { relative: path + f.name })), reject))];
  const reader = entry.createReader();
  const all = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const e of batch) all.push(...(await readEntries(e, `${path}${entry.name}/`)));
  }
  return all;
}
async function loadFiles(files) {
  const wanted = files.filter((f) => /\.(safetensors|json)$/.test(f.name));
  if (!wanted.length) { showError({ code: 'E_MODEL_NOT_FOUND', message: 'no .safetensors among the dropped files' }); return; }
  const main = wanted.find((f) => f.name.endsWith('.safetensors'));
  const parts = await Promise.all(wanted.map(async (f) => ({ name: f.relative || f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const path = main?.webkitRelativePath || main?.relative || '';
  const pair = wanted.some((f) => f.name === 'encoder.safetensors') && wanted.some((f) => f.name === 'decoder.safetensors');
  const name = path.includes('/') ? path.split('/').slice(-2, -1)[0] : pair ? 'encoder + decoder' : main?.name ?? 'model';
  $('error').hidden = true;
  await load({ files: parts, name });
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const entries = [...e.dataTransfer.items].map((it) => it.webkitGetAsEntry?.()).filter(Boolean);
  const files = entries.length ? (await Promise.all(entries.map((en) => readEntries(en)))).flat() : [...e.dataTransfer.files];
  loadFiles(files);
});
$('files').addEventListener('change', (e) => { loadFiles([...e.target.files]); e.target.value = ''; });
$('folder').addEventListener('change', (e) => { loadFiles([...e.target.files]); e.target.value = ''; });
$('reset-model').addEventListener('click', () => load({ name: 'g2p-en' }));

// for the tests and the speed measurement: requests to the worker, G2P throughput inside it
window.seqattnDemo = { ask, bench: (words, rounds = 1) => ask('bench', { words, rounds }) };

$('tagline').replaceChildren(...subscripted('span', '', TAGLINE_G2P).childNodes);
load({ name: 'g2p-en' });
