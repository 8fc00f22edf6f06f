// The demo page: the UI only. The model runs in worker.js; this file sends it requests and draws
// the replies: the pronunciation, the n-best list, the alignment a_ij as a heatmap, and the worked
// example one decoder step at a time (e_ij, a_ij, c_i from model.begin(...).step(...)).
const $ = (id) => document.getElementById(id);
// ?wasm=simd128 pins the Wasm build (the tests compare it bit for bit with Node's)
const WASM_BUILD = new URLSearchParams(location.search).get('wasm') ?? undefined;
const DEFAULT_MODEL = { url: new URL('../models/g2p-en/model.int8.safetensors', import.meta.url).href, name: 'g2p-en', wasmBuild: WASM_BUILD };

// ---- the worker: requests with ids; for each kind only the latest request matters --------------
// index.html starts the worker early; without it (main.js used elsewhere) start it here
const worker = window.seqattnWorker ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const waiting = new Map();
function ask(type, body = {}) {
  const id = nextId++;
  worker.postMessage({ type, id, ...body });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
worker.onmessage = ({ data }) => {
  if (data.type === 'progress') return showProgress(data.loaded, data.total);
  const w = waiting.get(data.id);
  if (!w) return;
  waiting.delete(data.id);
  if (data.type === 'error') w.reject(Object.assign(new Error(data.message), { code: data.code }));
  else w.resolve(data);
};

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
function ramp(t) {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + f * (RAMP[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
const inkOn = (t) => (t > 0.55 ? '#fff' : '#1d2433');
function diverging(t) { // t in [-1, 1]: red below zero, blue above
  const s = Math.min(1, Math.abs(t));
  const [r, g, b] = t < 0 ? [224, 49, 49] : [59, 91, 219];
  return `rgba(${r},${g},${b},${0.12 + 0.88 * s})`;
}
document.querySelector('.scale-bar').style.background = `linear-gradient(90deg, ${[0, 0.2, 0.4, 0.6, 0.8, 1].map(ramp).join(', ')})`;

/** A label such as e_4j drawn as e<sub>4j</sub>. */
function sym(cls, name, sub) {
  const e = el('div', cls, name);
  e.append(el('sub', '', sub));
  return e;
}
/** Text with subscripts: 'c_{4} = Σ_{j} a_{4j} h_{j}' -> c<sub>4</sub> = ...; the text is never parsed as HTML. */
function subscripted(cls, text) {
  const e = el('div', cls);
  text.split(/(_\{[^}]*\})/).forEach((part) => e.append(part.startsWith('_{') ? el('sub', '', part.slice(2, -1)) : document.createTextNode(part)));
  return e;
}
const shown = (s) => (s === '</s>' ? '</s>' : s);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- model loading --------------------------------------------------------------------------------
let model = null;
let downloaded = 0;
function showProgress(loaded, total) {
  downloaded = loaded;
  $('progress-bar').style.width = total ? `${(100 * loaded) / total}%` : '30%';
  $('model-info').textContent = `downloading ${(loaded / 1e6).toFixed(1)}${total ? ` / ${(total / 1e6).toFixed(1)}` : ''} MB…`;
}
async function load(body) {
  $('model-info').textContent = 'loading…';
  try {
    const { info, timings } = await ask('load', body);
    const since = (t) => Math.round(t - performance.timeOrigin);
    window.seqattnDemo.timings = { workerStart: since(timings.workerStart), downloaded: since(timings.downloaded), loaded: since(timings.loaded) };
    model = info;
    $('model-name').textContent = info.name;
    const file = body.url ? ` · ${body.url.split('/').pop()}${downloaded ? ` ${(downloaded / 1e6).toFixed(2)} MB` : ''}` : '';
    $('model-info').textContent = `${info.architecture}${file} · hidden ${info.hiddenSize} · ${info.sourceVocab} → ${info.targetVocab} symbols · Wasm ${info.build}`;
    $('progress-bar').style.width = '0';
    document.body.dataset.model = info.name;
    $('energy-eq').innerHTML = ENERGY[info.architecture] ?? ENERGY.bahdanau;
    if (!info.charLevel && info.sample) $('word').value = $('walk-word').value = info.sample;
    translate($('word').value);
    walkTo(1);
  } catch (e) {
    showError(e);
    $('model-info').textContent = 'not loaded';
  }
}
function showError(e) {
  $('error').hidden = false;
  $('error').textContent = `${e.code ?? 'Error'}: ${e.message}`;
}

// e_ij of each architecture (trusted markup)
const ENERGY = {
  bahdanau: 'e<sub>ij</sub> = v<sup>⊤</sup> tanh(W s<sub>i−1</sub> + U h<sub>j</sub>)',
  'pytorch-tutorial': 'e<sub>ij</sub> = V<sub>a</sub> tanh(W<sub>a</sub> s<sub>i−1</sub> + U<sub>a</sub> h<sub>j</sub>)',
  luong: 'e<sub>ij</sub> = score(h<sub>i</sub>, h̄<sub>j</sub>): dot, general or concat',
  'show-attend-tell': 'e<sub>ij</sub> = f<sub>att</sub>(a<sub>j</sub>, h<sub>i−1</sub>)',
};

// ---- translation: pronunciation, n-best, heatmap -----------------------------------------------
const translate = latest(async (text) => {
  if (!model) return;
  if (!text.trim()) { $('pronunciation').innerHTML = '&nbsp;'; $('nbest').replaceChildren(); $('heatmap').replaceChildren(); return; }
  let r;
  try {
    r = await ask('translate', { text, beam: Number($('beam').value) });
  } catch (e) { showError(e); return; }
  $('error').hidden = true;
  $('pronunciation').textContent = r.best.text || '∅';
  if (!document.body.dataset.firstResult) {
    performance.mark('first-pronunciation');
    document.body.dataset.firstResult = String(performance.now());
  }
  drawNBest(r.nBest);
  drawHeatmap(r.sourceTokens, r.best.tokens, r.attention);
  document.body.dataset.translated = text;
});

function drawNBest(list) {
  const best = list[0].score;
  $('nbest').replaceChildren(...list.map((t) => {
    const li = el('li');
    li.append(el('span', 'hyp', t.text || '∅'), Object.assign(el('div', 'bar'), { style: `width:${Math.max(4, 60 * Math.exp(t.score - best))}px` }), el('span', 'lp', t.score.toFixed(2)));
    return li;
  }));
}

function drawHeatmap(src, out, attention) {
  const h = $('heatmap');
  if (!attention.length || !attention[0].length) { h.replaceChildren(el('p', 'muted', 'this model has no attention (cho, sutskever): every step reads the same summary c')); return; }
  // long words: narrower cells, so the whole matrix fits the card
  const w = Math.max(12, Math.min(26, Math.floor(560 / src.length)));
  h.style.gridTemplateColumns = `auto repeat(${src.length}, minmax(${w}px, 1fr))`;
  h.style.setProperty('--cell', `${Math.max(18, w)}px`);
  h.classList.toggle('narrow', w < 20);
  const cells = [el('div', 'lab')];
  for (const s of src) cells.push(el('div', 'lab col-lab', s === '</s>' ? '</s>' : s));
  attention.forEach((row, i) => {
    cells.push(el('div', 'lab row-lab', out[i] === '</s>' ? '</s>' : out[i]));
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

$('word').addEventListener('input', () => translate($('word').value));
$('beam').addEventListener('change', () => translate($('word').value));

// ---- the worked example ----------------------------------------------------------------------------
let step = 1;
let walkEnded = false;
const walkTo = latest(async (i) => {
  if (!model) return;
  const text = $('walk-word').value;
  if (!text.trim()) return;
  let w;
  try { w = await ask('walk', { text, steps: i }); } catch (e) { showError(e); return; }
  step = w.steps.length;
  walkEnded = w.ended && step === i;
  drawWalk(w);
});

function drawWalk({ sourceTokens: src, steps, ended }) {
  const i = steps.length;
  const s = steps[i - 1];
  $('step-label').textContent = `step i = ${i}`;
  $('prev').disabled = i <= 1;
  $('next').disabled = ended && walkEnded;
  const body = $('walk');
  if (!s.weights.length) { body.replaceChildren(el('p', 'muted', 'this model has no attention: no e_ij or a_ij to show')); return; }

  // outputs so far: y_1 .. y_i (the current one highlighted)
  const outs = el('div', 'outputs');
  outs.append(el('span', 'muted', 'y:'));
  steps.forEach((t, k) => outs.append(el('span', `tok${k === i - 1 ? ' now' : ''}`, t.top[0].symbol === '</s>' ? '</s>' : t.top[0].symbol)));
  if (!(ended && walkEnded)) outs.append(el('span', 'tok next', '…'));

  // the source letters with e_ij (bars around zero) and a_ij (heat cells)
  const grid = el('div', 'walk-grid');
  grid.style.gridTemplateColumns = `90px repeat(${src.length}, minmax(38px, 1fr))`;
  const emax = Math.max(...s.energies.map(Math.abs), 1e-6);
  grid.append(sym('name', 'x', 'j'));
  for (const t of src) grid.append(el('div', 'src', t === '</s>' ? '</s>' : t));
  grid.append(sym('name', 'e', `${i}j`));
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
  for (const e of s.energies) grid.append(el('div', 'num', e.toFixed(2)));
  grid.append(sym('name', 'a', `${i}j`));
  for (const a of s.weights) {
    const cell = el('div', 'a', a >= 0.005 ? a.toFixed(2) : '');
    Object.assign(cell.style, { background: ramp(a), color: inkOn(a) });
    cell.title = `a = ${a.toFixed(4)}`;
    grid.append(cell);
  }

  // c_i = Σ_j a_ij h_j as a strip, and p(y_i | ...) for the top candidates
  const foot = el('div', 'walk-foot');
  const ctx = el('div');
  const cmax = Math.max(...s.context.map(Math.abs), 1e-6);
  const norm = Math.sqrt(s.context.reduce((acc, v) => acc + v * v, 0));
  ctx.append(subscripted('foot-title', `context c_{${i}} = Σ_{j} a_{${i}j} h_{j}: ${s.context.length} numbers, ‖c_{${i}}‖ = ${norm.toFixed(2)} (blue > 0, red < 0)`));
  const strip = el('div', 'context');
  for (const v of s.context) { const d = el('div'); d.style.background = diverging(v / cmax); d.title = v.toFixed(4); strip.append(d); }
  ctx.append(strip);
  const cands = el('div');
  cands.append(subscripted('foot-title', `p(y_{${i}} | y_{${i - 1}} = ${s.previous}, s_{${i}}, c_{${i}})`));
  const ul = el('ul', 'cands');
  for (const c of s.top) {
    const li = el('li');
    li.append(el('span', '', c.symbol === '</s>' ? '</s>' : c.symbol), Object.assign(el('div', 'pbar'), { style: `width:${Math.max(2, 100 * c.p)}%` }), el('span', 'p', c.p.toFixed(3)));
    ul.append(li);
  }
  cands.append(ul);
  foot.append(ctx, cands);
  body.replaceChildren(outs, grid, foot);
  document.body.dataset.walkStep = String(i);
}

$('next').addEventListener('click', () => walkTo(step + 1));
$('prev').addEventListener('click', () => walkTo(Math.max(1, step - 1)));
$('walk-word').addEventListener('input', () => walkTo(1));
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
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
  await load({ files: parts, name, wasmBuild: WASM_BUILD });
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
$('files').addEventListener('change', (e) => loadFiles([...e.target.files]));
$('folder').addEventListener('change', (e) => loadFiles([...e.target.files]));
$('reset-model').addEventListener('click', () => load(DEFAULT_MODEL));

// for the tests and the speed measurement: G2P throughput inside the worker
window.seqattnDemo = { ask, bench: (words, rounds = 1) => ask('bench', { words, rounds }) };

load(DEFAULT_MODEL);
