/**
 * The part-of-speech tagger for heteronyms: compromise (its "two" build, the tagger without the
 * phrase machinery, 295 kB, 120 kB gzip; rollup bundles it into a chunk of dist/ loaded by this import), chosen by tools/compare-taggers.ts on test/g2p/heteronyms.tsv
 * over wink-nlp and en-pos (docs/g2p.md). Imported once, when the first G2P with heteronyms is
 * built (about 0.5 s); `homographs: false` never imports it.
 *
 * One rule on top: a base-form verb right after a form of have/be is a participle (has read,
 * was read -> past), which compromise tags as the infinitive when both are spelled alike.
 */
import type { CoarsePos, Tagger } from './homographs.js';

// compromise's parsed document (`doc.docs`, what its plugins read): sentences of terms, each with its
// text (no surrounding punctuation) and tags. Half the cost of `.json()`, which copies it all.
interface Term { text: string; tags: Set<string> | string[] }
type Nlp = (text: string) => { docs: Term[][] };

const AUX = new Set(['has', 'have', 'had', 'having', 'was', 'were', 'is', 'are', 'am', 'be', 'been', 'being']);
const BETWEEN = new Set(['not', 'never', 'already', 'just', 'also', 'been', 'often', 'always', 'recently', 'once']);

function coarse(tags: Set<string> | string[]): CoarsePos {
  const has = (t: string) => (Array.isArray(tags) ? tags.includes(t) : tags.has(t));
  if (has('Verb')) return has('PastTense') || has('Participle') ? 'past' : 'verb';
  if (has('Adjective')) return 'adj';
  if (has('Adverb')) return 'adv';
  if (has('Noun')) return 'noun';
  return 'other';
}

/** A Tagger over compromise's nlp function. */
export function compromiseTagger(nlp: Nlp): Tagger {
  return {
    tag(words: readonly string[]): CoarsePos[] {
      const starts: number[] = [];
      let text = '';
      for (const w of words) { starts.push(text.length); text += `${w} `; }
      // Each term back to its offset in `text` (terms come in order; a contraction's added term has no text).
      const byStart = new Map<number, CoarsePos>();
      let cursor = 0;
      for (const sentence of nlp(text).docs) {
        for (const t of sentence) {
          if (!t.text) continue;
          const at = text.indexOf(t.text, cursor);
          if (at < 0) continue;
          cursor = at + t.text.length;
          byStart.set(at, coarse(t.tags));
        }
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
