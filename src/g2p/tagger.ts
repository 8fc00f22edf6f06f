/**
 * The part-of-speech tagger for heteronyms: compromise (its "two" build, the tagger without the
 * phrase machinery, ~120 kB gzip), chosen by tools/compare-taggers.ts on test/g2p/heteronyms.tsv
 * over wink-nlp and en-pos (README, "G2P"). Loaded on first use, so g2p() without heteronyms in its
 * text never loads it.
 *
 * One rule on top: a base-form verb right after a form of have/be is a participle (has read,
 * was read -> past), which compromise tags as the infinitive when both are spelled alike.
 */
import type { CoarsePos, Tagger } from './homographs.js';

interface Term { text: string; tags: string[]; offset?: { start: number } }
type Nlp = (text: string) => { json(options: object): { terms: Term[] }[] };

const AUX = new Set(['has', 'have', 'had', 'having', 'was', 'were', 'is', 'are', 'am', 'be', 'been', 'being']);
const BETWEEN = new Set(['not', 'never', 'already', 'just', 'also', 'been', 'often', 'always', 'recently', 'once']);

function coarse(tags: readonly string[]): CoarsePos {
  if (tags.includes('Verb')) return tags.includes('PastTense') || tags.includes('Participle') ? 'past' : 'verb';
  if (tags.includes('Adjective')) return 'adj';
  if (tags.includes('Adverb')) return 'adv';
  if (tags.includes('Noun')) return 'noun';
  return 'other';
}

/** A Tagger over compromise's nlp function. */
export function compromiseTagger(nlp: Nlp): Tagger {
  return {
    tag(words: readonly string[]): CoarsePos[] {
      const starts: number[] = [];
      let text = '';
      for (const w of words) { starts.push(text.length); text += `${w} `; }
      const byStart = new Map<number, CoarsePos>();
      for (const s of nlp(text).json({ offset: true, terms: { offset: true } })) {
        for (const t of s.terms) if (t.offset) byStart.set(t.offset.start, coarse(t.tags));
      }
      const out = starts.map((s) => byStart.get(s) ?? 'other');
      for (let k = 0; k < out.length; k++) {
        if (out[k] !== 'verb') continue;
        let j = k - 1;
        while (j >= 0 && BETWEEN.has(words[j].toLowerCase())) j--;
        if (j >= 0 && AUX.has(words[j].toLowerCase())) out[k] = 'past';
      }
      return out;
    },
  };
}

let loading: Promise<Tagger> | undefined;

/** The default tagger (compromise), imported once. */
export function defaultTagger(): Promise<Tagger> {
  loading ??= import('compromise/two').then((m) => compromiseTagger((m.default ?? m) as unknown as Nlp));
  return loading;
}
