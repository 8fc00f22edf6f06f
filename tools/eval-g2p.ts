/**
 * Evaluates the English G2P model in seqattn's own runtime (WebAssembly), on the CMUdict split of
 * tools/g2p_data.py, scored as tools/g2p_score.py scores (tools/g2p-score.ts).
 *
 *   npm run eval:g2p -- [--model g2p-en] [--split test] [--beam 5] [--limit N]
 *                       [--torch FILE] [--out FILE] [--show 10] [--no-python-check] [--int8]
 *
 * Prints WER / PER without stress (the literature's numbers), WER / PER with stress, and words/s,
 * for greedy decoding (batched, translateBatch) and, with --beam N, beam search.
 * --torch FILE: PyTorch predictions (word TAB phonemes, from tools/g2p_torch_predict.py): scores
 * them too and counts and shows the words where seqattn's greedy output differs.
 * --out FILE: writes seqattn's greedy predictions in the same TSV form.
 * --int8: also loads the model with int8 weights (loadModel option weights: 'int8') and scores its
 * greedy outputs, counting the words where they differ from float32's.
 * Unless --no-python-check, checks that tools/g2p_data.py gives the same word list for the split
 * (when python3 is there).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitDictionary, type Entry, type SplitName } from './g2p-data.js';
import { formatScore, parsePredictions, score, type Score } from './g2p-score.js';
import { loadG2P, loadModel, type G2P, type Seq2SeqModel, type TranslateOptions } from '../src/node.js';
import { heteronymAccuracy, readHeteronymCases, HETERONYM_FILE, type HeteronymCase } from './g2p-heteronyms.js';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));

interface Options {
  model: string;
  split: SplitName;
  beam?: number;
  limit?: number;
  torch?: string;
  out?: string;
  show: number;
  pythonCheck: boolean;
  int8: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { model: 'g2p-en', split: 'test', show: 10, pythonCheck: true, int8: false };
  const int = (name: string, v: string | undefined) => {
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${name} needs a non-negative integer, got ${v}`);
    return Number(v);
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = () => { const v = argv[++k]; if (v === undefined) throw new Error(`${a} needs a value`); return v; };
    switch (a) {
      case '--model': o.model = next(); break;
      case '--split': {
        const s = next();
        if (s !== 'train' && s !== 'dev' && s !== 'test') throw new Error(`--split must be train, dev or test, got ${s}`);
        o.split = s;
        break;
      }
      case '--beam': o.beam = int(a, argv[++k]); if (o.beam < 1) throw new Error('--beam must be >= 1'); break;
      case '--limit': o.limit = int(a, argv[++k]); break;
      case '--torch': o.torch = next(); break;
      case '--out': o.out = next(); break;
      case '--show': o.show = int(a, argv[++k]); break;
      case '--no-python-check': o.pythonCheck = false; break;
      case '--int8': o.int8 = true; break;
      case '-h': case '--help':
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^\/\*\*?\n?/, '').replace(/^ \* ?/gm, ''));
        process.exit(0);
      default: throw new Error(`unknown argument ${a} (--help for usage)`);
    }
  }
  return o;
}

/** The split's words and their pronunciations as tools/g2p_data.py prints them, or null without python3. */
function pythonSplit(split: SplitName): string[] | null {
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(join(REPO, 'tools'))})
from g2p_data import load_splits
for w, ps in load_splits()[${JSON.stringify(split)}]: print(w + "\\t" + "|".join(ps))`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n').filter(Boolean);
}

interface Run { name: string; hyps: string[]; seconds: number; score: Score }

function decode(model: Seq2SeqModel, words: string[], name: string, options: TranslateOptions, refs: Entry[]): Run {
  const t0 = performance.now();
  const hyps = options.beamSize && options.beamSize > 1
    ? words.map((w) => model.translate(w, options).text)
    : model.translateBatch(words, options).map((t) => t.text);
  const seconds = (performance.now() - t0) / 1000;
  return { name, hyps, seconds, score: score(hyps, refs) };
}

function report(r: Run): void {
  const s = r.score;
  console.log(`${r.name.padEnd(16)} WER ${s.wer.toFixed(2)}%  PER ${s.per.toFixed(2)}%  |  with stress: WER ${s.werStress.toFixed(2)}%  PER ${s.perStress.toFixed(2)}%  |  ` +
    `${s.words} words in ${r.seconds.toFixed(1)} s, ${Math.round(s.words / r.seconds)} words/s`);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const { dictionary } = await import('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> };
  const splits = splitDictionary(dictionary);
  let refs = splits[o.split];
  const nProns = refs.reduce((n, [, p]) => n + p.length, 0);
  let check = 'not checked against tools/g2p_data.py';
  if (o.pythonCheck) {
    const py = pythonSplit(o.split);
    if (py === null) check = 'not checked: python3 failed or is missing';
    else {
      const ours = refs.map(([w, ps]) => `${w}\t${ps.join('|')}`);
      const firstDiff = ours.findIndex((l, k) => l !== py[k]);
      if (py.length !== ours.length || firstDiff >= 0) {
        throw new Error(`split ${o.split} differs from tools/g2p_data.py: ${ours.length} vs ${py.length} words` +
          (firstDiff >= 0 ? `, first difference at ${firstDiff}: ${JSON.stringify(ours[firstDiff])} vs ${JSON.stringify(py[firstDiff])}` : ''));
      }
      check = 'same words and pronunciations as tools/g2p_data.py';
    }
  }
  if (o.limit) refs = refs.slice(0, o.limit);
  const words = refs.map(([w]) => w);
  console.log(`split ${o.split}: ${splits[o.split].length} words, ${nProns} pronunciations (${check})` +
    (o.limit ? `; first ${refs.length} words only` : ''));

  const model = await loadModel(o.model, { maxBeamSize: Math.max(16, o.beam ?? 1) });
  console.log(`model ${o.model}: ${model.config.architecture}, hidden ${model.config.hiddenSize}, ` +
    `${model.config.sourceVocab.length} source / ${model.config.targetVocab.length} target symbols`);

  const greedy = decode(model, words, 'greedy', {}, refs);
  report(greedy);
  if (o.out) {
    writeFileSync(o.out, words.map((w, k) => `${w}\t${greedy.hyps[k]}\n`).join(''));
    console.log(`wrote ${o.out}`);
  }
  // Unbatched greedy too, on a sample: the speed one translate() call at a time gives.
  const sample = words.slice(0, Math.min(words.length, 1000));
  const t0 = performance.now();
  const single = sample.map((w) => model.translate(w).text);
  const dt = (performance.now() - t0) / 1000;
  const same = single.every((h, k) => h === greedy.hyps[k]);
  console.log(`${''.padEnd(16)} one word at a time: ${Math.round(sample.length / dt)} words/s on ${sample.length} words` +
    `${same ? ' (same outputs as batched)' : ' (OUTPUTS DIFFER from batched)'}`);
  if (o.beam && o.beam > 1) report(decode(model, words, `beam ${o.beam}`, { beamSize: o.beam }, refs));
  if (o.int8) {
    const q8 = await loadModel(o.model, { weights: 'int8' });
    const run = decode(q8, words, 'greedy int8', {}, refs);
    report(run);
    const differ = run.hyps.filter((h, k) => h !== greedy.hyps[k]).length;
    console.log(`${''.padEnd(16)} int8 vs float32 greedy: ${differ} of ${words.length} words differ; WER ${(run.score.wer - greedy.score.wer).toFixed(2)} points`);
    q8.dispose();
  }

  if (o.torch) {
    const torch = parsePredictions(readFileSync(o.torch, 'utf8'));
    const missing = words.filter((w) => !torch.has(w));
    const torchRun: Run = { name: 'pytorch greedy', hyps: words.map((w) => torch.get(w) ?? ''), seconds: NaN, score: score(torch, refs) };
    console.log(`${torchRun.name.padEnd(16)} ${formatScore(torchRun.score)}` + (missing.length ? ` (${missing.length} words missing from ${o.torch})` : ''));
    const diffs = words.map((w, k) => [w, greedy.hyps[k], torch.get(w)] as const).filter(([, a, b]) => b !== undefined && a !== b);
    console.log(`seqattn greedy vs pytorch greedy: ${diffs.length} of ${words.length - missing.length} words differ`);
    for (const [w, a, b] of diffs.slice(0, o.show)) console.log(`  ${w}\n    seqattn ${a}\n    pytorch ${b}`);
  }
  model.dispose();
  await pipeline(o.model);
}

/** The full g2p() pipeline on the heteronym test sentences: every word, and the heteronyms against the first-variant baseline. */
async function pipeline(modelName: string): Promise<void> {
  const cases = readHeteronymCases();
  const model = await loadModel(modelName);
  const full = await loadG2P({ model });
  const first = await loadG2P({ model, homographs: false });
  const at = (g: G2P, c: HeteronymCase) => {
    const r = g.pronounce(c.sentence);
    return c.targets.map((t) => { const w = r.tokens.find((x) => x.start === t.start); return w?.kind === 'word' ? w.phonemes.join(' ') : ''; });
  };
  const t0 = performance.now();
  const a = heteronymAccuracy(cases, (c) => at(full, c));
  const dt = (performance.now() - t0) / 1000;
  const b = heteronymAccuracy(cases, (c) => at(first, c));
  const sources = { lexicon: 0, homograph: 0, model: 0 };
  let words = 0;
  for (const c of cases) for (const t of full.pronounce(c.sentence).tokens) if (t.kind === 'word') { sources[t.source]++; words++; }
  const pct = (x: number, n: number) => `${(100 * x / n).toFixed(1)}%`;
  console.log(`\ng2p() pipeline on ${HETERONYM_FILE.replace(/.*\/test\//, 'test/')}: ${cases.length} sentences, ${words} words ` +
    `(${sources.lexicon} lexicon, ${sources.homograph} homograph, ${sources.model} model), ${Math.round(words / dt)} words/s`);
  console.log(`heteronyms: ${a.correct}/${a.total} = ${pct(a.correct, a.total)} with the tagger; dictionary first variant ${b.correct}/${b.total} = ${pct(b.correct, b.total)}`);
  full.dispose();
}

main().catch((e) => {
  console.error(`eval-g2p: ${(e as Error).message}`);
  process.exitCode = 1;
});
