// English front-ends side by side, in one run, on the same sentences: seqattn g2p() (this
// checkout's dist/, and optionally another checkout's for a before/after), phonemize (npm,
// devDependency; lexicon + rules), and espeak-ng in WebAssembly through the npm packages
// `phonemizer` and `kokoro-js` (kokoro-js's own text normalization before espeak-ng; its
// generate() is stopped right after phonemization, no model is loaded). Optional anchors are
// found with --anchors DIR (a folder whose node_modules has them: `npm install --prefix DIR
// phonemizer kokoro-js --ignore-scripts`); the bench says which ones it ran.
//
// Accuracy per category:
//  - normalization (test/g2p/normalization.tsv): the input's phonemes against each reading a
//    reader gives (its words through CMUdict's first variants); correct when the phoneme error
//    rate to the nearest reading is <= 15% (coarse phonemes: no stress, AO=AA, IH=AH, so that
//    dictionary and espeak dialects of the same words agree; a wrong or missing word does not fit);
//  - heteronyms (test/g2p/heteronyms-context.tsv, heteronyms-fresh.tsv): among the output words
//    around the target, the one nearest to any of the target's CMUdict variants; correct when the
//    nearest variant is the expected one (stress kept: primary vs not).
// IPA outputs (espeak-ng, phonemize's toIPA) are read into ARPAbet by a table below.
// Speed: words per CPU second (process.cpuUsage, user + system: on a shared, loaded machine the
// wall clock mostly measures the other processes) of a first pass over the prose of bench/g2p.js
// (a fresh G2P: every unknown word decoded by the model once) and of a second pass (cached),
// medians of --rounds rounds, interleaved; espeak-ng front-ends on the first --slow sentences only
// (they are 10-50x slower).
//
//   node bench/g2p-anchors.js [--anchors DIR] [--before DIST_NODE_JS] [--rounds 5] [--slow 300] [--show]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { G2P, loadG2P } from '../dist/node.js';
import { proseSentences } from './lib/prose.js';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, d) => { const k = argv.indexOf(name); return k >= 0 ? argv[k + 1] : d; };
const ROUNDS = Number(opt('--rounds', 5));
const SLOW = Number(opt('--slow', 300));
const SHOW = argv.includes('--show');
const log = (...a) => console.error(...a);

// ---- front-ends: each { name, words(text) -> Promise<string[][]> (per output word, ARPAbet phonemes with stress digits) }
const g = await loadG2P();
const arpaOf = (r) => r.tokens.filter((t) => t.kind === 'word').flatMap((t) => t.parts.map((p) => p.phonemes));
const fronts = [{ name: 'seqattn', words: async (s) => arpaOf(g.pronounce(s)), speed: (x) => x.pronounce.bind(x), make: () => new G2P(g.parts) }];
let before;
if (opt('--before')) {
  const m = await import(pathToFileURL(opt('--before')).href);
  before = await m.loadG2P();
  fronts.push({ name: 'seqattn (before)', words: async (s) => arpaOf(before.pronounce(s)), make: () => new m.G2P(before.parts) });
}
const { toIPA } = require('phonemize');
fronts.push({ name: 'phonemize 2.0.1', words: async (s) => ipaWords(toIPA(s)), sync: (s) => toIPA(s) });
const anchors = opt('--anchors');
if (anchors) {
  const areq = createRequire(join(anchors, 'node_modules', 'x.js'));
  const load = async (pkg) => { try { return await import(pathToFileURL(areq.resolve(pkg)).href); } catch (e) { log(`${pkg}: not found under ${anchors} (${e.message.split('\n')[0]})`); return undefined; } };
  const version = (pkg) => JSON.parse(readFileSync(join(anchors, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  const ph = await load('phonemizer');
  if (ph) fronts.push({ name: `espeak-ng (phonemizer ${version('phonemizer')})`, words: async (s) => ipaWords((await ph.phonemize(s, 'en-us')).join(' ')), async: (s) => ph.phonemize(s, 'en-us') });
  const kk = await load('kokoro-js');
  if (kk) {
    const STOP = Symbol('stop');
    let got = '';
    const tts = new kk.KokoroTTS(null, (p) => { got = p; throw STOP; });
    const kphon = async (s) => { try { await tts.generate(s, { voice: 'af_heart' }); } catch (e) { if (e !== STOP) throw e; } return got; };
    fronts.push({ name: `kokoro-js ${version('kokoro-js')} (espeak-ng)`, words: async (s) => ipaWords(await kphon(s)), async: kphon });
  }
}
log(`front-ends: ${fronts.map((f) => f.name).join(', ')}`);

// ---- IPA -> ARPAbet (espeak-ng's and phonemize's symbols); a stress mark applies to the next vowel.
const IPA = [['aɪ', 'AY'], ['aʊ', 'AW'], ['ɔɪ', 'OY'], ['eɪ', 'EY'], ['oʊ', 'OW'], ['əʊ', 'OW'], ['tʃ', 'CH'], ['dʒ', 'JH'], ['ɑː', 'AA'], ['ɔː', 'AO'], ['iː', 'IY'], ['uː', 'UW'], ['ɜː', 'ER'],
  ['i', 'IY'], ['ɪ', 'IH'], ['ᵻ', 'IH'], ['ɨ', 'IH'], ['e', 'EH'], ['ɛ', 'EH'], ['æ', 'AE'], ['a', 'AE'], ['ɑ', 'AA'], ['ɒ', 'AA'], ['ɔ', 'AO'], ['o', 'OW'], ['ʊ', 'UH'], ['u', 'UW'], ['ʌ', 'AH'],
  ['ə', 'AH'], ['ɐ', 'AH'], ['ɚ', 'ER'], ['ɝ', 'ER'], ['ɜ', 'ER'], ['ɾ', 'T'], ['ʔ', 'T'], ['p', 'P'], ['b', 'B'], ['t', 'T'], ['d', 'D'], ['k', 'K'], ['ɡ', 'G'], ['g', 'G'], ['f', 'F'], ['v', 'V'],
  ['θ', 'TH'], ['ð', 'DH'], ['s', 'S'], ['z', 'Z'], ['ʃ', 'SH'], ['ʒ', 'ZH'], ['h', 'HH'], ['m', 'M'], ['n', 'N'], ['ŋ', 'NG'], ['l', 'L'], ['ɫ', 'L'], ['ɹ', 'R'], ['r', 'R'], ['w', 'W'], ['j', 'Y'], ['x', 'K'], ['ç', 'HH']];
const VOWELS = new Set(['AY', 'AW', 'OY', 'EY', 'OW', 'AA', 'AO', 'IY', 'UW', 'ER', 'IH', 'EH', 'AE', 'UH', 'AH']);
function ipaWords(text) {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[\s.,!?;:"()«»—–-]+/).filter(Boolean).map((w) => {
    const out = [];
    let stress = '0';
    for (let k = 0; k < w.length;) {
      if (w[k] === 'ˈ') { stress = '1'; k++; continue; }
      if (w[k] === 'ˌ') { stress = '2'; k++; continue; }
      const m = IPA.find(([sym]) => w.startsWith(sym, k));
      if (!m) { k++; continue; }
      if (VOWELS.has(m[1])) { out.push(m[1] + stress); stress = '0'; } else out.push(m[1]);
      k += m[0].length;
    }
    return out;
  }).filter((x) => x.length);
}

// ---- scoring
const coarse = (p) => p.replace(/\d/g, '').replace(/^AO$/, 'AA').replace(/^IH$/, 'AH');
function distance(a, b) {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) { const t = d[j]; d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1)); prev = t; }
  }
  return d[b.length];
}
const lexicon = g.parts.lexicon;
const cmuAll = (w) => lexicon.lookup(w);
const wordsToArpa = (s) => s.split(' ').flatMap((w) => {
  const p = lexicon.first(w);
  if (!p) throw new Error(`normalization.tsv: "${w}" is not in CMUdict (write a reading with dictionary words)`);
  return p;
});
const rows = (file) => readFileSync(new URL(`../test/g2p/${file}`, import.meta.url), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));
const norm = rows('normalization.tsv').map(([input, readings, category]) => ({ input, readings: readings.split(' | ').map((r) => wordsToArpa(r.trim()).map(coarse)), category }));
const heteronymCases = ['heteronyms-context.tsv', 'heteronyms-fresh.tsv'].flatMap((file) => rows(file).map(([marked, expected, category]) => {
  const k = marked.indexOf('*');
  const e = marked.indexOf('*', k + 1);
  const word = marked.slice(k + 1, e);
  const sentence = marked.replace(/\*/g, '');
  // Position of the target among the sentence's words (hyphenated parts count as words).
  const index = sentence.slice(0, k).split(/[\s-]+/).filter((x) => /[A-Za-z0-9]/.test(x)).length;
  return { set: file.includes('fresh') ? 'fresh' : 'context', sentence, word: word.toLowerCase(), expected, index, category };
}));
const stressKey = (p) => p.map((x) => x.replace(/2/, '0')).join(' ');

const acc = {}; // front -> group -> [correct, total]
const add = (f, group, ok) => { const r = ((acc[f] ??= {})[group] ??= [0, 0]); r[1]++; if (ok) r[0]++; };
// A front-end that throws on an input scores it wrong (and the error is counted).
const errors = {};
const safeWords = async (f, s) => { try { return await f.words(s); } catch (e) { errors[f.name] = (errors[f.name] ?? 0) + 1; if (SHOW) log(`  ${f.name} threw on ${s}: ${e.message.split('\n')[0]}`); return []; } };
for (const f of fronts) {
  for (const c of norm) {
    const got = (await safeWords(f, c.input)).flat().map(coarse);
    const per = Math.min(...c.readings.map((r) => distance(got, r) / r.length));
    add(f.name, `norm: ${c.category}`, per <= 0.15);
    add(f.name, 'normalization (all)', per <= 0.15);
    if (SHOW && per > 0.15) log(`  ${f.name} norm ${c.input}: ${got.join(' ')} (PER ${per.toFixed(2)})`);
  }
  for (const c of heteronymCases) {
    const out = await safeWords(f, c.sentence);
    const variants = cmuAll(c.word);
    let best = { d: Infinity, v: '' };
    for (let j = Math.max(0, c.index - 3); j <= Math.min(out.length - 1, c.index + 3); j++) {
      for (const v of [...variants.map((x) => x.join(' ')), ...(c.expected.split(' ').length && !variants.some((x) => x.join(' ') === c.expected) ? [c.expected] : [])]) {
        const d = distance(out[j].map((x) => x.replace(/2/, '0')), v.split(' ').map((x) => x.replace(/2/, '0'))) + Math.abs(j - c.index) * 0.01;
        if (d < best.d) best = { d, v };
      }
    }
    const ok = best.v && stressKey(best.v.split(' ')) === stressKey(c.expected.split(' '));
    add(f.name, `het ${c.set}: ${c.category}`, ok);
    add(f.name, `heteronyms ${c.set} (all)`, ok);
    if (SHOW && !ok) log(`  ${f.name} het ${c.sentence} [${c.word}]: nearest ${best.v}, expected ${c.expected}`);
  }
}

// ---- speed on prose (bench/g2p.js's text)
const prose = proseSentences().filter((x) => { try { toIPA(x); return true; } catch { return false; } });
const wordsIn = (ss) => ss.reduce((n, s) => n + s.split(/\s+/).length, 0);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const speed = {}; // name -> { first: [], warm: [] }
const slowSet = prose.slice(0, SLOW);
for (let r = 0; r < ROUNDS; r++) {
  for (const f of fronts) {
    const s = (speed[f.name] ??= { first: [], warm: [] });
    if (f.make) {
      const x = f.make();
      let t0 = cpu();
      for (const p of prose) x.pronounce(p);
      s.first.push(wordsIn(prose) / (cpu() - t0));
      t0 = cpu();
      for (const p of prose) x.pronounce(p);
      s.warm.push(wordsIn(prose) / (cpu() - t0));
    } else if (f.sync) {
      const t0 = cpu();
      for (const p of prose) f.sync(p);
      s.first.push(wordsIn(prose) / (cpu() - t0));
    } else if (r < 2) { // espeak-ng: two rounds on the first SLOW sentences
      const t0 = cpu();
      for (const p of slowSet) await f.async(p);
      s.first.push(wordsIn(slowSet) / (cpu() - t0));
    }
  }
  log(`round ${r + 1}/${ROUNDS}`);
}

// ---- report
const groups = [...new Set(Object.values(acc).flatMap((x) => Object.keys(x)))].sort((a, b) => (a.includes('(all)') === b.includes('(all)') ? a.localeCompare(b) : a.includes('(all)') ? 1 : -1));
const cell = (r) => (r ? `${r[0]}/${r[1]}` : '');
console.log(`node ${process.version}; ${norm.length} normalization cases, ${heteronymCases.length} heteronym sentences; prose ${prose.length} sentences, ${wordsIn(prose)} words (espeak-ng front-ends: first ${slowSet.length}, ${wordsIn(slowSet)} words); ${ROUNDS} rounds\n`);
console.log(`| category | ${fronts.map((f) => f.name).join(' | ')} |\n|---|${fronts.map(() => '---|').join('')}`);
for (const gname of groups) console.log(`| ${gname} | ${fronts.map((f) => cell(acc[f.name][gname])).join(' | ')} |`);
console.log(`| inputs that threw | ${fronts.map((f) => errors[f.name] ?? 0).join(' | ')} |`);
console.log(`\n| prose words per CPU second (median) | ${fronts.map((f) => f.name).join(' | ')} |\n|---|${fronts.map(() => '---|').join('')}`);
const fmt = (x) => (x.length ? Math.round(median(x)).toLocaleString('en-US') : '');
console.log(`| first pass | ${fronts.map((f) => fmt(speed[f.name].first)).join(' | ')} |`);
console.log(`| second pass (cached) | ${fronts.map((f) => fmt(speed[f.name].warm)).join(' | ')} |`);
const ph = fronts.find((f) => f.name.startsWith('phonemize'));
for (const f of fronts.filter((x) => x.make)) {
  console.log(`\n${f.name} / phonemize: first pass ${(median(speed[f.name].first) / median(speed[ph.name].first)).toFixed(2)}, cached ${(median(speed[f.name].warm) / median(speed[ph.name].first)).toFixed(2)}`);
}
g.dispose();
before?.dispose();
