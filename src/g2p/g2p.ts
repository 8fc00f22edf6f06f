/**
 * English text to phonemes, as a speech front-end needs it:
 *   text -> input policy and tokens (text.ts) -> numbers spelled out (numbers.ts)
 *        -> each word: heteronym table by part of speech (homographs.ts, tagger.ts)
 *                      else the pronouncing dictionary (lexicon.ts, CMUdict, first variant)
 *                      else the g2p model (one translateBatch for all the text's unknown words)
 * Every word says where its pronunciation came from (`source`), punctuation stays as a boundary,
 * and each token keeps its offsets in the input. `{ lexicon: false }` is the model alone.
 */
import { SeqattnError } from '../errors.js';
import type { Seq2SeqModel } from '../model.js';
import { HETERONYMS, heteronymPronunciation, type CoarsePos, type Tagger } from './homographs.js';
import { toIpa } from './ipa.js';
import type { Lexicon } from './lexicon.js';
import { numberWords } from './numbers.js';
import { tokenize, type TextToken } from './text.js';

/** Where a pronunciation came from: the dictionary, the heteronym table (by part of speech), or the model. */
export type G2PSource = 'lexicon' | 'model' | 'homograph';

/** One spoken word of a token (a hyphenated word and a number have several). */
export interface G2PPart {
  /** The word as looked up or predicted (lower case, folded): "nineteen", "cafe". */
  word: string;
  /** ARPAbet phonemes with stress digits. */
  phonemes: string[];
  source: G2PSource;
  /** The part of speech that chose a heteronym's pronunciation. */
  pos?: CoarsePos;
}

/** A word of the input (or a number, spelled out) and its pronunciation. */
export interface G2PWord {
  kind: 'word';
  /** The input as written: input.slice(start, end). */
  text: string;
  start: number;
  end: number;
  parts: G2PPart[];
  /** All parts' phonemes in order. */
  phonemes: string[];
  /** 'model' if any part came from the model, else 'homograph' if any part did, else 'lexicon'. */
  source: G2PSource;
}

/** Punctuation, kept as a boundary. */
export interface G2PPunctuation {
  kind: 'punctuation';
  text: string;
  start: number;
  end: number;
}

export type G2PToken = G2PWord | G2PPunctuation;

/** The pronunciation of a text. */
export interface G2PResult {
  text: string;
  tokens: G2PToken[];
}

/** Output forms of formatPronunciation. */
export type G2PFormat = 'arpabet' | 'arpabet-nostress' | 'ipa';

/** Options of G2P.pronounce. */
export interface PronounceOptions {
  /** Beam search for the model's words (default greedy). */
  beamSize?: number;
}

/** The parts of a G2P. */
export interface G2PParts {
  /** The g2p model for words the dictionary lacks; null: such a word is an E_UNKNOWN_TOKEN error. */
  model: Seq2SeqModel | null;
  /** The pronouncing dictionary; null: the model pronounces every word. */
  lexicon: Lexicon | null;
  /** Tags sentences with heteronyms; null: heteronyms take the dictionary's first variant. */
  tagger: Tagger | null;
}

const OOV_CACHE = 4096;
const SENTENCE_END = new Set(['.', '!', '?', ';', ':']);
// The tagger sees the words from TAG_WINDOW before a sentence's first heteronym to TAG_WINDOW after
// its last: on the prose of bench/g2p.js (973 heteronyms) windows of 3, 4 and 5 made the same
// choices as whole sentences, and tagging costs grow with the words tagged.
const TAG_WINDOW = 4;

/** Text -> phonemes: dictionary, heteronyms and model together. Holds no state between calls except a small cache of model outputs. */
export class G2P {
  private readonly cache = new Map<string, string[]>();

  constructor(readonly parts: G2PParts) {}

  /** The model alone: no dictionary, no heteronyms. */
  get modelOnly(): boolean { return this.parts.lexicon === null; }

  /**
   * Pronounces English text.
   * @example
   *   g.pronounce('I read 2 books in 1990.').tokens.map((t) => t.kind === 'word' ? t.phonemes.join(' ') : t.text)
   * @throws SeqattnError E_UNKNOWN_TOKEN for a character outside the policy (emoji, other scripts), E_INPUT_LENGTH for a word longer than the model takes
   */
  pronounce(text: string, options: PronounceOptions = {}): G2PResult {
    if (typeof text !== 'string') throw new SeqattnError('E_OPTION', `g2p: text must be a string, got ${text === null ? 'null' : typeof text}`);
    const { lexicon, tagger } = this.parts;
    const tokens = tokenize(text);
    // Words of each token (parts of hyphenated words, a number's words) and their sentence's tags.
    const partsOf: string[][] = tokens.map((t) => (t.kind === 'word' ? t.text.toLowerCase().split(/[-/]/)
      : t.kind === 'number' ? numberWords(t.text) : t.text === '&' ? ['and'] : []));
    const pos = lexicon && tagger ? this.tagHeteronyms(tokens, partsOf, tagger) : undefined;
    const unknown = new Set<string>();
    const resolved: (G2PPart | string)[][] = partsOf.map((words, k) => words.map((w) => {
      if (lexicon) {
        const p = pos?.[k];
        if (p !== undefined && words.length === 1) {
          const h = heteronymPronunciation(w, p);
          if (h !== undefined) return { word: w, phonemes: h.split(' '), source: 'homograph', pos: p };
        }
        const first = lexicon.first(w);
        if (first) return { word: w, phonemes: first, source: 'lexicon' };
      }
      if (!this.cache.has(w)) unknown.add(w);
      return w;
    }));
    const predicted = this.predict([...unknown], options);
    const out: G2PToken[] = tokens.map((t, k) => {
      const original = text.slice(t.start, t.end);
      if (t.kind === 'punctuation' && partsOf[k].length === 0) return { kind: 'punctuation', text: original, start: t.start, end: t.end };
      const parts = resolved[k].map((p): G2PPart => (typeof p === 'string' ? { word: p, phonemes: predicted.get(p) ?? this.cache.get(p)!, source: 'model' } : p));
      const source: G2PSource = parts.some((p) => p.source === 'model') ? 'model' : parts.some((p) => p.source === 'homograph') ? 'homograph' : 'lexicon';
      return { kind: 'word', text: original, start: t.start, end: t.end, parts, phonemes: parts.flatMap((p) => p.phonemes), source };
    });
    return { text, tokens: out };
  }

  /** Part of speech of the words around each heteronym, tagging only the sentences that have one (a window of them). */
  private tagHeteronyms(tokens: TextToken[], partsOf: string[][], tagger: Tagger): (CoarsePos | undefined)[] {
    const pos: (CoarsePos | undefined)[] = new Array(tokens.length);
    let from = 0;
    for (let k = 0; k <= tokens.length; k++) {
      if (k < tokens.length && !(tokens[k].kind === 'punctuation' && SENTENCE_END.has(tokens[k].text))) continue;
      let idx: number[] = [];
      let first = -1, last = -1;
      for (let j = from; j < k; j++) {
        if (tokens[j].kind === 'punctuation') continue;
        idx.push(j);
        if (tokens[j].kind === 'word' && partsOf[j].length === 1 && Object.prototype.hasOwnProperty.call(HETERONYMS, partsOf[j][0])) {
          if (first < 0) first = idx.length - 1;
          last = idx.length - 1;
        }
      }
      idx = idx.slice(Math.max(0, first - TAG_WINDOW), last + TAG_WINDOW + 1);
      if (first >= 0) {
        const words = idx.map((j) => (tokens[j].kind === 'word' ? tokens[j].text : partsOf[j].join(' ')));
        const tags = tagger.tag(words);
        idx.forEach((j, n) => { pos[j] = tags[n]; });
      }
      from = k + 1;
    }
    return pos;
  }

  /** The model's pronunciations of words, in one batch; a bounded cache keeps recent ones. */
  private predict(words: string[], options: PronounceOptions): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (words.length === 0) return out;
    const { model } = this.parts;
    if (!model) throw new SeqattnError('E_UNKNOWN_TOKEN', `${JSON.stringify(words[0].slice(0, 80))} is not in the dictionary, and this G2P has no model`);
    const beam = options.beamSize !== undefined && options.beamSize > 1;
    const results = beam ? words.map((w) => model.translate(w, { beamSize: options.beamSize })) : model.translateBatch(words);
    results.forEach((r, k) => {
      const phonemes = r.text ? r.text.split(' ') : [];
      out.set(words[k], phonemes);
      if (!beam) {
        if (this.cache.size >= OOV_CACHE) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(words[k], phonemes);
      }
    });
    return out;
  }

  /** Releases the model. */
  dispose(): void {
    this.parts.model?.dispose();
  }
}

/**
 * One line of text for a result: words' phonemes joined by spaces, words separated by " | " for
 * ARPAbet; IPA words separated by spaces with punctuation attached, as IPA is written.
 */
export function formatPronunciation(result: G2PResult, format: G2PFormat = 'arpabet'): string {
  if (format === 'ipa') {
    let s = '';
    let open = true; // after an opening bracket or quote: no space before the next word
    let quotes = 0;
    for (const t of result.tokens) {
      const opening = t.kind === 'punctuation' && (/^[([{¿¡]$/.test(t.text) || (t.text === '"' && quotes % 2 === 0));
      if (t.text === '"') quotes++;
      if (t.kind === 'word' || opening) s += s && !open ? ' ' : '';
      s += t.kind === 'word' ? t.parts.map((p) => toIpa(p.phonemes)).join(' ') : t.text;
      open = opening;
    }
    return s;
  }
  const strip = format === 'arpabet-nostress';
  return result.tokens.map((t) => (t.kind === 'punctuation' ? t.text : (strip ? t.phonemes.map((p) => p.replace(/\d/g, '')) : t.phonemes).join(' '))).join(' | ');
}
