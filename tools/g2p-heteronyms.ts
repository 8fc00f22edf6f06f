/**
 * The heteronym test set (test/g2p/heteronyms.tsv): sentences with each heteronym marked *like
 * this*, and its expected pronunciation. Shared by test/g2p/homographs.test.ts,
 * tools/eval-g2p.ts and tools/compare-taggers.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HeteronymCase {
  /** The sentence without marks. */
  sentence: string;
  /** Each marked word: its text, its character offset in `sentence`, the expected pronunciation. */
  targets: { word: string; start: number; expected: string }[];
  /** The third column where there is one (heteronyms-context.tsv: tense, sense, phrase, ...). */
  category?: string;
}

export const HETERONYM_FILE = join(dirname(dirname(fileURLToPath(import.meta.url))), 'test', 'g2p', 'heteronyms.tsv');

export function readHeteronymCases(file = HETERONYM_FILE): HeteronymCase[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((line, n) => {
    const [marked, prons, category] = line.split('\t');
    const expected = (prons ?? '').split(' | ').map((p) => p.trim());
    const targets: HeteronymCase['targets'] = [];
    let sentence = '';
    let k = 0;
    for (const m of marked.matchAll(/\*([^*]+)\*/g)) {
      sentence += marked.slice(k, m.index);
      targets.push({ word: m[1], start: sentence.length, expected: expected[targets.length] });
      sentence += m[1];
      k = m.index! + m[0].length;
    }
    sentence += marked.slice(k);
    if (targets.length === 0 || targets.length !== expected.length || expected.some((p) => !p)) {
      throw new Error(`${file} case ${n + 1}: ${targets.length} marked words, ${expected.length} pronunciations: ${line}`);
    }
    return { sentence, targets, ...(category ? { category: category.trim() } : {}) };
  });
}

/**
 * The pronunciation of each target of a case in a G2P result: the token that starts at the target,
 * or, inside a hyphenated word, the part spelled like the target.
 */
export function targetPronunciations(c: HeteronymCase, tokens: readonly { kind: string; start: number; end: number; phonemes?: string[]; parts?: { word: string; phonemes: string[] }[] }[]): string[] {
  return c.targets.map((t) => {
    const w = tokens.find((x) => x.kind === 'word' && x.start <= t.start && x.end > t.start);
    if (!w || !w.parts || !w.phonemes) return '';
    if (w.start === t.start && w.parts.length === 1) return w.phonemes.join(' ');
    const p = w.parts.find((x) => x.word === t.word.toLowerCase());
    return p ? p.phonemes.join(' ') : '';
  });
}

/** Correct / total of `pronounce` (sentence -> pronunciation of the word at each target offset) on the cases. */
export function heteronymAccuracy(cases: readonly HeteronymCase[], pronounce: (c: HeteronymCase) => string[]): { correct: number; total: number; wrong: string[] } {
  let correct = 0, total = 0;
  const wrong: string[] = [];
  for (const c of cases) {
    const got = pronounce(c);
    c.targets.forEach((t, k) => {
      total++;
      if (got[k] === t.expected) correct++;
      else wrong.push(`${c.sentence} [${t.word}] expected ${t.expected}, got ${got[k]}`);
    });
  }
  return { correct, total, wrong };
}
