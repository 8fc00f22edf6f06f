/**
 * English text to phonemes, as a speech front-end needs it:
 *   text -> input policy and tokens (text.ts) -> normalization (normalize.ts: numbers, dates, units,
 *           symbols, abbreviations, letters; characters with no reading by the `unknown` policy)
 *        -> each word: heteronym table by part of speech (homographs.ts, tagger.ts)
 *                      else the pronouncing dictionary (lexicon.ts, CMUdict, first variant)
 *                      else the g2p model (one translateBatch for all the text's unknown words)
 * Every word says where its pronunciation came from (`source`), punctuation stays as a boundary,
 * and each token keeps its offsets in the input. `{ lexicon: false }` is the model alone.
 */
import { SeqattnError } from '../errors.js';
import type { Seq2SeqModel } from '../model.js';
import { contextPronunciation, CONTEXT_WORDS, type ContextWord } from './context.js';
import { HETERONYMS, heteronymPronunciation, type CoarsePos, type Tagger } from './homographs.js';
import { toIpa } from './ipa.js';
import type { Lexicon } from './lexicon.js';
import { normalize, type G2PWarning, type Item, type NormKind, type Spoken, type UnknownPolicy } from './normalize.js';
import { tokenize } from './text.js';

export type { G2PWarning, NormKind, UnknownPolicy } from './normalize.js';

/** Where a pronunciation came from: the dictionary, the heteronym table (by part of speech), the model, or a rule (a letter's name, a fixed phrase). */
export type G2PSource = 'lexicon' | 'model' | 'homograph' | 'rule';

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
  /** 'model' if any part came from the model, else 'homograph' if any part did, else 'rule' if any did, else 'lexicon'. */
  source: G2PSource;
  /** For a token normalization read (a number, date, unit, symbol, abbreviation, letters): what it was and the words it became. */
  normalized?: { kind: NormKind; spoken: string };
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
  /** What was not spoken as written: characters skipped (W_G2P_SKIPPED, W_G2P_NO_NAME), numbers read in pieces (W_G2P_NUMBER). */
  warnings: G2PWarning[];
}

/** Output forms of formatPronunciation. */
export type G2PFormat = 'arpabet' | 'arpabet-nostress' | 'ipa';

/** Options of G2P.pronounce. */
export interface PronounceOptions {
  /** Beam search for the model's words (default greedy): an integer from 1 to 64. */
  beamSize?: number;
  /**
   * A character with no English reading (an emoji, another script, `°` outside a unit): 'skip' it
   * with a warning in G2PResult.warnings (default), 'spell' its name where one is known (else skip
   * with a warning), or 'error': a SeqattnError E_G2P_UNSPEAKABLE naming it and its position.
   */
  unknown?: UnknownPolicy;
  /** Digit grouping: 'en-US' (default) or 'en-IN' (1,00,000 -> one lakh). */
  locale?: 'en-US' | 'en-IN';
}


/** Checks PronounceOptions (the keys it knows; load options pass through g2p()). E_OPTION naming the option, expected and got. */
export function checkPronounceOptions(options: PronounceOptions): void {
  if (options === null || typeof options !== 'object') throw new SeqattnError('E_OPTION', `g2p: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const { beamSize, unknown, locale } = options;
  if (beamSize !== undefined && !(typeof beamSize === 'number' && Number.isInteger(beamSize) && beamSize >= 1 && beamSize <= 64)) {
    throw new SeqattnError('E_OPTION', `g2p: beamSize must be an integer from 1 to 64, got ${typeof beamSize === 'number' ? beamSize : `${typeof beamSize} ${JSON.stringify(beamSize)}`}`);
  }
  if (unknown !== undefined && unknown !== 'skip' && unknown !== 'spell' && unknown !== 'error') throw new SeqattnError('E_OPTION', `g2p: unknown must be 'skip', 'spell' or 'error', got ${JSON.stringify(unknown)}`);
  if (locale !== undefined && locale !== 'en-US' && locale !== 'en-IN') throw new SeqattnError('E_OPTION', `g2p: locale must be 'en-US' or 'en-IN', got ${JSON.stringify(locale)}`);
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
// The most words one tagger call sees: compromise's time grows faster than linearly with a sentence's length.
const TAG_SPAN = 48;

/** A word for the context rules; reading its tag is counted, so G2P knows which rules needed the tagger. */
class Word implements ContextWord {
  static reads = 0;
  year?: number;
  private t: CoarsePos | undefined;
  constructor(readonly w: string, readonly o: string, readonly punct: boolean, readonly k: number, readonly p: number, readonly left?: string, readonly right?: string) {}
  get tag(): CoarsePos | undefined { Word.reads++; return this.t; }
  set tag(t: CoarsePos | undefined) { this.t = t; }
}

/** Text -> phonemes: dictionary, heteronyms and model together. Holds no state between calls except a small cache of model outputs. */
export class G2P {
  private readonly cache = new Map<string, string[]>();
  /** Words given to the tagger since this G2P was made: the tagger's work, which stays linear in the text. */
  taggedWords = 0;

  constructor(readonly parts: G2PParts) {}

  /** The model alone: no dictionary, no heteronyms. */
  get modelOnly(): boolean { return this.parts.lexicon === null; }

  /**
   * Pronounces English text.
   * @example
   *   g.pronounce('I read 2 books in 1990.').tokens.map((t) => t.kind === 'word' ? t.phonemes.join(' ') : t.text)
   * @throws SeqattnError E_G2P_UNSPEAKABLE for a character with no reading under `unknown: 'error'`, E_INPUT_LENGTH for a word longer than the model takes, E_OPTION for bad options
   */
  pronounce(text: string, options: PronounceOptions = {}): G2PResult {
    if (typeof text !== 'string') throw new SeqattnError('E_ARGUMENT', `g2p: text must be a string, got ${text === null ? 'null' : typeof text}`);
    checkPronounceOptions(options);
    const { lexicon, tagger } = this.parts;
    const warnings: G2PWarning[] = [];
    const items = normalize(tokenize(text), text, { unknown: options.unknown, locale: options.locale, has: lexicon ? (w) => lexicon.has(w) : undefined }, warnings);
    const pick = lexicon && tagger ? this.heteronyms(items, tagger) : undefined;
    const unknown = new Set<string>();
    const resolved: (G2PPart | string)[][] = items.map((it, k) => it.words.map((w: Spoken, p) => {
      if (typeof w !== 'string') return { word: w.word, phonemes: w.phonemes, source: 'rule' };
      if (lexicon) {
        const h = pick?.[k]?.[p];
        if (h !== undefined) return { word: w, phonemes: h.pron.split(' '), source: 'homograph', ...(h.pos && h.pos !== 'other' ? { pos: h.pos } : {}) };
        const first = lexicon.first(w);
        if (first) return { word: w, phonemes: first, source: 'lexicon' };
      }
      if (!this.cache.has(w)) unknown.add(w);
      return w;
    }));
    const predicted = this.predict([...unknown], options);
    const out: G2PToken[] = items.map((it, k) => {
      const original = text.slice(it.start, it.end);
      if (it.kind === 'punctuation') return { kind: 'punctuation', text: original, start: it.start, end: it.end };
      const parts = resolved[k].map((p): G2PPart => (typeof p === 'string' ? { word: p, phonemes: predicted.get(p) ?? this.cache.get(p)!, source: 'model' } : p));
      const source: G2PSource = parts.some((p) => p.source === 'model') ? 'model' : parts.some((p) => p.source === 'homograph') ? 'homograph' : parts.some((p) => p.source === 'rule') ? 'rule' : 'lexicon';
      const word: G2PWord = { kind: 'word', text: original, start: it.start, end: it.end, parts, phonemes: parts.flatMap((p) => p.phonemes), source };
      if (it.norm) word.normalized = { kind: it.norm, spoken: parts.map((p) => p.word).join(' ') };
      return word;
    });
    return { text, tokens: out, warnings };
  }

  /**
   * Heteronyms' pronunciations (by item and part): the sentence's words with punctuation
   * (hyphenated words' parts each a word) are tagged in windows of TAG_WINDOW words either side of
   * each heteronym, windows that overlap tagged together up to TAG_SPAN words, so the tagger's
   * work is at most (2 TAG_WINDOW + 1) words per heteronym and never a whole long sentence (linear
   * in the text); then the context rules (context.ts), then the table by the tag.
   */
  private heteronyms(items: Item[], tagger: Tagger): ({ pron: string; pos?: CoarsePos }[] | undefined)[] | undefined {
    const wanted = (w: string) => Object.prototype.hasOwnProperty.call(HETERONYMS, w) || CONTEXT_WORDS.has(w);
    if (!items.some((it) => !it.norm && it.words.some((w) => typeof w === 'string' && wanted(w)))) return undefined; // most sentences: none
    const words: Word[] = [];
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (it.kind === 'punctuation') { words.push(new Word(it.text, it.text, true, -1, 0)); continue; }
      if (it.norm) {
        const w = new Word('#', it.words.map((x) => (typeof x === 'string' ? x : x.word)).join(' '), false, -1, 0);
        if (it.norm === 'year' && /^\d{4}$/.test(it.text)) w.year = Number(it.text);
        words.push(w);
        continue;
      }
      const parts = it.words as string[];
      if (parts.length === 1) { words.push(new Word(parts[0], it.text, false, k, 0)); continue; }
      const originals = it.text.split(/[-/]/);
      parts.forEach((w, p) => words.push(new Word(w, originals[p] ?? w, false, k, p, parts[p - 1] ?? '', parts[p + 1] ?? '')));
    }
    const pick: ({ pron: string; pos?: CoarsePos }[] | undefined)[] = new Array(items.length);
    const set = (x: Word, pron: string, pos: CoarsePos | undefined) => { (pick[x.k] ??= [])[x.p] = { pron, pos }; };
    // Rules first, without tags: a rule that decides without reading a tag needs no tagger call.
    const needs = new Array<boolean>(words.length).fill(false);
    let any = false;
    for (let j = 0; j < words.length; j++) {
      const x = words[j];
      if (x.k < 0 || !wanted(x.w)) continue;
      const reads = Word.reads;
      const c = contextPronunciation(words, j, heteronymPronunciation);
      if (c && Word.reads === reads) set(x, c.pron, c.pos);
      else if (Word.reads !== reads || Object.prototype.hasOwnProperty.call(HETERONYMS, x.w)) { needs[j] = true; any = true; } // a rule or the table needs the tag
    }
    if (!any) return pick;
    // Tagging: per sentence, windows of TAG_WINDOW words around the words that need a tag.
    let from = 0;
    for (let j = 0; j <= words.length; j++) {
      if (j < words.length && !(words[j].punct && SENTENCE_END.has(words[j].w))) continue;
      const idx: number[] = [];
      for (let n = from; n < j; n++) if (!words[n].punct) idx.push(n);
      let lo = -1, hi = -1;
      const tag = () => {
        const span = idx.slice(lo, hi + 1);
        const tags = tagger.tag(span.map((n) => words[n].o));
        this.taggedWords += span.length;
        span.forEach((n, m) => { words[n].tag = tags[m]; });
      };
      for (let n = 0; n < idx.length; n++) {
        if (!needs[idx[n]]) continue;
        const a = Math.max(0, n - TAG_WINDOW), b = Math.min(idx.length - 1, n + TAG_WINDOW);
        if (lo >= 0 && b - lo < TAG_SPAN) { hi = b; continue; } // one call while the span stays short: each call has a fixed cost
        if (lo >= 0) tag();
        lo = a; hi = b;
      }
      if (lo >= 0) tag();
      from = j + 1;
    }
    for (let j = 0; j < words.length; j++) {
      if (!needs[j]) continue;
      const x = words[j];
      const c = contextPronunciation(words, j, heteronymPronunciation);
      const pron = c?.pron ?? (x.tag !== undefined ? heteronymPronunciation(x.w, x.tag) : undefined);
      if (pron !== undefined) set(x, pron, c?.pos ?? x.tag);
    }
    return pick;
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
  if (result === null || typeof result !== 'object' || !Array.isArray(result.tokens)) {
    throw new SeqattnError('E_ARGUMENT', `formatPronunciation: result must be a G2PResult (an object with tokens), got ${result === null ? 'null' : typeof result === 'object' ? 'an object without a tokens array' : typeof result}`);
  }
  if (format !== 'arpabet' && format !== 'arpabet-nostress' && format !== 'ipa') throw new SeqattnError('E_OPTION', `formatPronunciation: format must be 'arpabet', 'arpabet-nostress' or 'ipa', got ${JSON.stringify(format)}`);
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
