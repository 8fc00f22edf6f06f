/**
 * G2P scoring as in the literature (CMUSphinx g2p-seq2seq; Yao & Zweig 2015), the same as
 * tools/g2p_score.py:
 *  - stress digits are removed for the main numbers (AH0 -> AH);
 *  - a word is correct if the hypothesis equals ANY of its reference pronunciations (WER);
 *  - PER = Σ_words edit distance to the closest reference / Σ_words length of that reference
 *    (on a tie in distance, the first such reference in dictionary order);
 *  - WER and PER with stress are reported too.
 * Pronunciations are strings of space-separated phonemes or arrays of phonemes.
 */

export type Pron = string | readonly string[];

export interface WordScore {
  /** The hypothesis equals one of the references. */
  correct: boolean;
  /** Levenshtein distance to the closest reference. */
  edits: number;
  /** Length of that closest reference. */
  refLength: number;
  /** Index of the closest reference. */
  closest: number;
}

export interface Score {
  words: number;
  /** Rates in %. */
  wer: number;
  per: number;
  errors: number;
  edits: number;
  refPhones: number;
  werStress: number;
  perStress: number;
  errorsStress: number;
  editsStress: number;
  refPhonesStress: number;
}

const phones = (p: Pron): string[] => (typeof p === 'string' ? p.split(/\s+/).filter(Boolean) : [...p]);

/** Phonemes without stress digits: "AH0" -> "AH". */
export function stripStress(p: Pron): string[] {
  return phones(p).map((x) => x.replace(/\d/g, ''));
}

/** Levenshtein distance between two sequences (insertions, deletions, substitutions all cost 1). */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

/** One word: is the hypothesis one of the references, and how far is it from the closest. */
export function scoreWord(hyp: Pron, refs: readonly Pron[], stress = false): WordScore {
  if (refs.length === 0) throw new RangeError('a word needs at least one reference pronunciation');
  const norm = stress ? phones : stripStress;
  const h = norm(hyp);
  const rs = refs.map(norm);
  let best: WordScore = { correct: false, edits: Infinity, refLength: 0, closest: -1 };
  rs.forEach((r, k) => {
    const d = levenshtein(h, r);
    if (d < best.edits) best = { correct: false, edits: d, refLength: r.length, closest: k };
  });
  best.correct = rs.some((r) => r.length === h.length && r.every((x, k) => x === h[k]));
  return best;
}

/**
 * Scores hypotheses against references: `hyps` maps a word to its pronunciation (a missing word
 * counts as an empty pronunciation) or is an array aligned with `refs`.
 */
export function score(hyps: ReadonlyMap<string, Pron> | Readonly<Record<string, Pron>> | readonly Pron[], refs: readonly (readonly [string, readonly Pron[]])[]): Score {
  const get: (w: string, k: number) => Pron = Array.isArray(hyps)
    ? (_w, k) => (hyps as readonly Pron[])[k] ?? ''
    : hyps instanceof Map
      ? (w) => (hyps as ReadonlyMap<string, Pron>).get(w) ?? ''
      : (w) => (Object.prototype.hasOwnProperty.call(hyps, w) ? (hyps as Record<string, Pron>)[w] : '');
  const tally = (stress: boolean) => {
    let errors = 0, edits = 0, total = 0;
    refs.forEach(([w, rs], k) => {
      const s = scoreWord(get(w, k), rs, stress);
      if (!s.correct) errors++;
      edits += s.edits;
      total += s.refLength;
    });
    return { errors, edits, total };
  };
  const n = refs.length;
  const plain = tally(false);
  const withStress = tally(true);
  const rate = (x: number, of: number) => (100 * x) / Math.max(of, 1);
  return {
    words: n,
    wer: rate(plain.errors, n), per: rate(plain.edits, plain.total),
    errors: plain.errors, edits: plain.edits, refPhones: plain.total,
    werStress: rate(withStress.errors, n), perStress: rate(withStress.edits, withStress.total),
    errorsStress: withStress.errors, editsStress: withStress.edits, refPhonesStress: withStress.total,
  };
}

/** "WER 24.10% PER 5.83% (no stress) | WER 29.02% PER 7.21% (with stress) | 12492 words", as g2p_score.py prints. */
export function formatScore(s: Score): string {
  return `WER ${s.wer.toFixed(2)}% PER ${s.per.toFixed(2)}% (no stress) | ` +
    `WER ${s.werStress.toFixed(2)}% PER ${s.perStress.toFixed(2)}% (with stress) | ${s.words} words`;
}

/** Predictions from TSV text: one `word<TAB>phonemes` per line (blank lines skipped). */
export function parsePredictions(tsv: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of tsv.split(/\r?\n/)) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    out.set(tab < 0 ? line : line.slice(0, tab), tab < 0 ? '' : line.slice(tab + 1));
  }
  return out;
}
