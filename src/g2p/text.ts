/**
 * The G2P input policy and English tokenisation:
 *  1. fold: Unicode NFKD with combining marks removed, then common letters folded
 *     (café -> cafe, naïve -> naive, straße -> strasse, æ -> ae, œ -> oe, ø -> o, ł -> l, þ -> th),
 *     typographic quotes and dashes to ASCII;
 *  2. tokens: words (letters with inner apostrophes; hyphenated words keep their parts:
 *     well-known = well + known), numbers (spelled out by numbers.ts), punctuation (kept as a
 *     boundary);
 *  3. a character that is none of these (emoji, another script, a symbol) is an E_UNKNOWN_TOKEN
 *     error naming it and its position, never a silent unknown symbol.
 * Positions are UTF-16 offsets into the caller's original text, so results align with the input.
 */
import { SeqattnError } from '../errors.js';

const FOLD: Record<string, string> = {
  'ß': 'ss', 'ẞ': 'SS', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'đ': 'd', 'Đ': 'D',
  'ł': 'l', 'Ł': 'L', 'þ': 'th', 'Þ': 'TH', 'ð': 'd', 'Ð': 'D', 'ı': 'i', 'ŋ': 'ng', 'Ŋ': 'NG', 'ħ': 'h', 'Ħ': 'H',
  '‘': "'", '’': "'", '‚': "'", '‛': "'", 'ʼ': "'", '′': "'", '`': "'", '´': "'",
  '“': '"', '”': '"', '„': '"', '‟': '"', '″': '"', '«': '"', '»': '"',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
};

/** Folds one code point under the input policy (may give '' for a combining mark, or 2 letters). */
function foldChar(c: string): string {
  const direct = FOLD[c];
  if (direct !== undefined) return direct;
  if (c.charCodeAt(0) < 0x80) return c;
  const d = c.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const x of d) out += FOLD[x] ?? x;
  return out;
}

/** The text folded under the input policy, and for each folded UTF-16 unit the offset of the original code point it came from. */
export function fold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let k = 0;
  for (const c of text) {
    const f = foldChar(c);
    for (let j = 0; j < f.length; j++) origin.push(k);
    folded += f;
    k += c.length;
  }
  origin.push(text.length);
  return { folded, origin };
}

/** A piece of the input: a word (letters, maybe hyphenated), a number, or punctuation. */
export interface TextToken {
  kind: 'word' | 'number' | 'punctuation';
  /** The folded text of the token ("cafe" for "café"). */
  text: string;
  /** Offsets in the original text: text.slice(start, end) is what the caller wrote. */
  start: number;
  end: number;
}

// A word: letters with inner apostrophes, parts joined by hyphens or slashes ("well-known").
const WORD = /[A-Za-z]+(?:'[A-Za-z]+)*(?:[-/][A-Za-z]+(?:'[A-Za-z]+)*)*/y;
// A number, with what says how to read it: currency before, digit groups, decimals, an ordinal or decade suffix, %.
const NUMBER = /[-+]?[$£€]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th|s|%)?(?![A-Za-z0-9])|'\d0s(?![A-Za-z0-9])|[$£€]?\.\d+%?(?![A-Za-z0-9])|\d+/y;
const SPACE = /\s/u;
const PUNCT = /[\p{P}$+<=>^|~]/u;

function describe(c: string): string {
  const cp = c.codePointAt(0)!;
  return `${JSON.stringify(c)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Tokenises English text under the input policy.
 * @throws SeqattnError E_UNKNOWN_TOKEN for a character that is no letter, digit, space or punctuation after folding
 */
export function tokenize(text: string): TextToken[] {
  const { folded, origin } = fold(text);
  const out: TextToken[] = [];
  const push = (kind: TextToken['kind'], from: number, to: number) =>
    out.push({ kind, text: folded.slice(from, to), start: origin[from], end: to < folded.length ? origin[to] : text.length });
  let k = 0;
  while (k < folded.length) {
    const c = folded[k];
    if (SPACE.test(c)) { k++; continue; }
    if (/[A-Za-z]/.test(c)) {
      WORD.lastIndex = k;
      WORD.exec(folded);
      push('word', k, WORD.lastIndex);
      k = WORD.lastIndex;
      continue;
    }
    // A sign or currency starts a number only where a digit follows, and a sign only at a word start.
    const signOk = (c !== '-' && c !== '+') || k === 0 || SPACE.test(folded[k - 1]) || folded[k - 1] === '(';
    if (/[0-9$£€.'+-]/.test(c) && signOk) {
      NUMBER.lastIndex = k;
      const m = NUMBER.exec(folded);
      if (m && /\d/.test(m[0])) {
        push('number', k, NUMBER.lastIndex);
        k = NUMBER.lastIndex;
        continue;
      }
    }
    if (/\d/.test(c)) { // digits glued to letters ("mp3", "4x4"): the digit run alone
      let e = k;
      while (e < folded.length && /\d/.test(folded[e])) e++;
      push('number', k, e);
      k = e;
      continue;
    }
    const cp = folded.codePointAt(k)!;
    const ch = String.fromCodePoint(cp);
    if (cp < 0x80 && PUNCT.test(ch) || cp >= 0x80 && /\p{P}/u.test(ch)) {
      push('punctuation', k, k + ch.length);
      k += ch.length;
      continue;
    }
    const at = origin[k];
    const original = String.fromCodePoint(text.codePointAt(at)!);
    throw new SeqattnError('E_UNKNOWN_TOKEN', `${JSON.stringify(text.length > 80 ? text.slice(0, 77) + '...' : text)}: character ${describe(original)} at position ${at} is not something English G2P can pronounce (expected letters, digits, spaces or punctuation)`);
  }
  return out;
}
