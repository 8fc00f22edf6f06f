/**
 * The G2P input policy and English tokenisation:
 *  1. fold: Unicode NFKD with combining marks removed, then common letters folded
 *     (café -> cafe, naïve -> naive, straße -> strasse, æ -> ae, œ -> oe, ø -> o, ł -> l, þ -> th),
 *     typographic quotes and dashes to ASCII;
 *  2. tokens: words (letters with inner apostrophes; hyphenated words keep their parts:
 *     well-known = well + known), numbers (spelled out by numbers.ts), punctuation (kept as a
 *     boundary);
 *  3. a character that is none of these (emoji, another script, a symbol) is a `symbol` token:
 *     normalize.ts speaks it where it has a reading (`°` after a number), else the caller's
 *     `unknown` policy skips it with a warning, names it, or throws; never a silent unknown symbol.
 * Positions are UTF-16 offsets into the caller's original text, so results align with the input.
 */
const FOLD: Record<string, string> = {
  'ß': 'ss', 'ẞ': 'SS', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'đ': 'd', 'Đ': 'D',
  'ł': 'l', 'Ł': 'L', 'þ': 'th', 'Þ': 'TH', 'ð': 'd', 'Ð': 'D', 'ı': 'i', 'ŋ': 'ng', 'Ŋ': 'NG', 'ħ': 'h', 'Ħ': 'H',
  '‘': "'", '’': "'", '‚': "'", '‛': "'", 'ʼ': "'", '′': "'", '`': "'", '´': "'",
  '“': '"', '”': '"', '„': '"', '‟': '"', '″': '"', '«': '"', '»': '"',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
  '⁄': '/', '∕': '/', // fraction and division slashes: ½ -> 1⁄2 -> 1/2
};

/** Folds one code point under the input policy (may give '' for a combining mark, or 2 letters). */
function foldChar(c: string): string {
  const direct = FOLD[c];
  if (direct !== undefined) return direct;
  if (c.charCodeAt(0) < 0x80) return c;
  const d = c.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const x of d) out += FOLD[x] ?? x;
  // One character that folds to letters or digits with other marks (ẚ -> aʾ, ŉ -> 'n, ㏂ -> a.m.,
  // ⑴ -> (1)) stays one piece: only its letters, digits and slashes, so no token starts or ends
  // inside a character of the caller's text.
  // A vulgar fraction (½ -> 1/2) is a number of its own: 1½ is "1 1/2", not 11/2.
  if (out.length > 1 && /[A-Za-z0-9]/.test(out)) return (d.includes('⁄') ? ' ' : '') + out.replace(/[^A-Za-z0-9/]/g, '');
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

/**
 * A piece of the input: a word (letters, maybe hyphenated), a number (digits with what says how to
 * read them: signs, currency, separators, a suffix), punctuation, a URL or e-mail address, or a
 * symbol (a character that is no letter, digit, space or punctuation: `°`, `©`, an emoji, another
 * script; normalize.ts speaks it where it has a reading, else the `unknown` policy decides).
 */
export interface TextToken {
  kind: 'word' | 'number' | 'punctuation' | 'symbol' | 'url' | 'email';
  /** The folded text of the token ("cafe" for "café"). */
  text: string;
  /** Offsets in the original text: text.slice(start, end) is what the caller wrote. */
  start: number;
  end: number;
}

// A word: letters with inner apostrophes, parts joined by hyphens or slashes ("well-known").
const WORD = /[A-Za-z]+(?:'[A-Za-z]+)*(?:[-/][A-Za-z]+(?:'[A-Za-z]+)*)*/y;
// A number: a sign, a currency, digits with inner separators (1,000.5 10:30 3/4/2021 555-1234 1990-1995),
// an ordinal or decade suffix, %, cents; letters right after it are a separate word (5km, 2.5M).
const NUMBER = /[-+]?[$£€¥₹]?\d(?:[\d,.:/-]*\d)?(?:(?:st|nd|rd|th|s)(?![A-Za-z])|%|¢)?(?!\d)|'\d0s(?![A-Za-z0-9])|[-+]?[$£€¥₹]?\.\d+(?:%|¢)?(?!\d)/y;
const URL_START = /(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'"]/iy;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;
// A bare domain: a word, then dots and a common top-level domain ("example.com", "docs.python.org/3").
const DOMAIN = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|co|uk|ai|dev|app|info|biz|us|de|fr|jp|ca|au)(?:\/[^\s<>"]*[^\s<>".,;:!?)\]'"])?(?![A-Za-z0-9])/iy;
const SPACE = /\s/u;
const PUNCT = /[\p{P}$+<=>^|~]/u;

/** A character named for messages: "😀" (U+1F600). */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0);
  return cp === undefined ? '""' : `${JSON.stringify(c)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

const sticky = (re: RegExp, s: string, k: number): number => { re.lastIndex = k; return re.test(s) ? re.lastIndex : -1; };

/**
 * Tokenises English text under the input policy. Never throws on a character: one that is no
 * letter, digit, space or punctuation after folding is a `symbol` token (one code point), and the
 * caller decides (G2P.pronounce: normalize.ts, then PronounceOptions.unknown).
 */
export function tokenize(text: string): TextToken[] {
  const { folded, origin } = fold(text);
  const out: TextToken[] = [];
  // A token covers whole characters of the original text: from the one its first folded unit came
  // from to the end of the one its last came from; a piece of a character the previous token already
  // covers is dropped (fold keeps a character's letters and digits together, so this is rare).
  let covered = 0;
  const push = (kind: TextToken['kind'], from: number, to: number) => {
    let j = to;
    while (j < folded.length && origin[j] === origin[to - 1]) j++;
    const start = Math.max(origin[from], covered), end = j < folded.length ? origin[j] : text.length;
    if (end <= start) return;
    out.push({ kind, text: folded.slice(from, to), start, end });
    covered = end;
  };
  let k = 0;
  while (k < folded.length) {
    const c = folded[k];
    if (SPACE.test(c)) { k++; continue; }
    const letter = /[A-Za-z]/.test(c);
    if (letter || /\d/.test(c)) {
      // URLs, e-mail addresses and bare domains are recognised at a word's start (cheap tests first).
      let e = -1;
      if ((c === 'h' || c === 'H' || c === 'w' || c === 'W') && /^(?:https?:\/\/|www\.)/i.test(folded.slice(k, k + 8))) e = sticky(URL_START, folded, k);
      if (e > 0) { push('url', k, e); k = e; continue; }
    }
    if (letter) {
      WORD.lastIndex = k;
      WORD.exec(folded);
      const after = folded[WORD.lastIndex];
      if (after === '@' || after === '.' || after === '_' || (after !== undefined && /\d/.test(after))) {
        let e = after === '.' ? sticky(DOMAIN, folded, k) : -1;
        if (e > 0) { push('url', k, e); k = e; continue; }
        e = sticky(EMAIL, folded, k);
        if (e > 0) { push('email', k, e); k = e; continue; }
      }
      push('word', k, WORD.lastIndex);
      k = WORD.lastIndex;
      continue;
    }
    // A sign or currency starts a number only where a digit follows, and a sign only at a word start.
    const signOk = (c !== '-' && c !== '+') || k === 0 || SPACE.test(folded[k - 1]) || folded[k - 1] === '(';
    if (/[0-9$£€¥₹.'+-]/.test(c) && signOk) {
      NUMBER.lastIndex = k;
      const m = NUMBER.exec(folded);
      if (m && /\d/.test(m[0])) {
        const e = folded[NUMBER.lastIndex] === '@' ? sticky(EMAIL, folded, k) : -1;
        if (e > 0) { push('email', k, e); k = e; continue; }
        push('number', k, NUMBER.lastIndex);
        k = NUMBER.lastIndex;
        continue;
      }
    }
    const cp = folded.codePointAt(k)!;
    const ch = String.fromCodePoint(cp);
    if (cp < 0x80 && PUNCT.test(ch) || cp >= 0x80 && /\p{P}/u.test(ch)) {
      push('punctuation', k, k + ch.length);
      k += ch.length;
      continue;
    }
    push('symbol', k, k + ch.length);
    k += ch.length;
  }
  return out;
}
