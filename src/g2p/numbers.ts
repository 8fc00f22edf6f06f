/**
 * Numbers as English words, for G2P: cardinals, ordinals and dollar amounts from n2words
 * (maintained, no dependencies, about 4 kB gzip for English, bundled into dist/); years, decades, decimals read digit by
 * digit, pounds and euros, percent and signs here.
 *   "1990" -> nineteen ninety   "1905" -> nineteen oh five   "2000" -> two thousand   "2024" -> twenty twenty-four
 *   "1990s" -> nineteen nineties   "'80s" -> eighties   "21st" -> twenty-first   "3.14" -> three point one four
 *   "$12.50" -> twelve dollars and fifty cents   "£3" -> three pounds   "50%" -> fifty percent   "-5" -> minus five
 * numberWords reads a number token alone: a four-digit whole number from 1010 to 1999 or 2010 to
 * 2099 is read as a year there. G2P reads numbers in their sentence instead (normalize.ts: years only
 * where a year is read), with the readers below.
 */
import { toCardinal, toCurrency, toOrdinal } from 'n2words/en-US';
import { SeqattnError } from '../errors.js';

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "twenty-one" -> ["twenty", "one"]. */
const words = (s: string): string[] => s.toLowerCase().split(/[\s-]+/).filter(Boolean);

/** A whole number in words: 1234 -> one thousand two hundred thirty four. */
export function cardinalWords(n: bigint | number | string): string[] {
  return words(toCardinal(typeof n === 'bigint' ? n : BigInt(n)));
}

/** An ordinal in words: 21 -> twenty first. */
export function ordinalWords(n: bigint | number | string): string[] {
  const v = typeof n === 'bigint' ? n : BigInt(n);
  return v === 0n ? ['zeroth'] : words(toOrdinal(v)); // n2words takes positive ordinals only
}

/** Digits one by one: "911" -> nine one one; `zero` is the word for 0 ("oh" in phone numbers). */
export function digitWords(digits: string, zero = 'zero'): string[] {
  const out: string[] = [];
  for (const d of digits) if (d >= '0' && d <= '9') out.push(d === '0' ? zero : DIGITS[+d]);
  return out;
}

/** A decimal as read: "2.5" -> two point five, "0.75" -> zero point seven five, ".5" -> point five. */
export function decimalWords(text: string): string[] {
  const [whole, frac] = text.replace(/,/g, '').split('.');
  return [...(whole ? cardinalWords(whole) : []), ...(frac !== undefined ? ['point', ...digitWords(frac)] : [])];
}

/** A fraction: 1/2 -> one half, 3/4 -> three quarters, 2/3 -> two thirds, 5/16 -> five sixteenths. */
export function fractionWords(num: bigint, den: bigint): string[] {
  const many = num !== 1n;
  const d = den === 2n ? ['half'] : den === 4n ? ['quarter'] : ordinalWords(den);
  const last = d[d.length - 1];
  if (many) d[d.length - 1] = last === 'half' ? 'halves' : `${last}s`;
  return [...cardinalWords(num), ...d];
}

/** A year as it is said: 1990 -> nineteen ninety, 1905 -> nineteen oh five, 1900 -> nineteen hundred. */
export function yearWords(year: number): string[] {
  if (year < 1000 || (year >= 2000 && year < 2010)) return cardinalWords(year);
  const hi = Math.floor(year / 100);
  const lo = year % 100;
  if (lo === 0) return [...words(toCardinal(hi)), 'hundred'];
  return [...words(toCardinal(hi)), ...(lo < 10 ? ['oh'] : []), ...words(toCardinal(lo))];
}

/** "twenty" -> "twenties", "six" -> "sixes": the plural said for a decade. */
function plural(word: string): string {
  return word.endsWith('y') ? `${word.slice(0, -1)}ies` : word.endsWith('x') ? `${word}es` : `${word}s`;
}

export function isYear(n: number): boolean {
  return (n >= 1010 && n <= 1999) || (n >= 2010 && n <= 2099);
}

const CURRENCY: Record<string, [one: string, many: string, cent: string, cents: string]> = {
  '£': ['pound', 'pounds', 'penny', 'pence'],
  '€': ['euro', 'euros', 'cent', 'cents'],
};

/**
 * The words said for a number token (numbers the tokenizer found: see text.ts).
 * @throws SeqattnError E_UNKNOWN_TOKEN when the number cannot be read (too many digits for n2words)
 */
export function numberWords(token: string): string[] {
  try {
    return read(token);
  } catch (e) {
    if (e instanceof SeqattnError) throw e;
    throw new SeqattnError('E_UNKNOWN_TOKEN', `number ${JSON.stringify(token.slice(0, 40))} cannot be spelled out: ${(e as Error).message}`);
  }
}

function read(token: string): string[] {
  let t = token;
  const sign = t[0] === '-' ? ['minus'] : t[0] === '+' ? ['plus'] : [];
  if (sign.length) t = t.slice(1);
  if (/^'\d0s$/.test(t)) return [...sign, plural(words(toCardinal(Number(t.slice(1, 3))))[0])];
  const m = /^([$£€]?)([\d,]*)(?:\.(\d+))?(st|nd|rd|th|s|%)?$/.exec(t);
  if (!m) throw new SeqattnError('E_UNKNOWN_TOKEN', `number ${JSON.stringify(token.slice(0, 40))} is not a form G2P can read`);
  const [, currency, intText, decimals, suffix] = m;
  const digits = intText.replace(/,/g, '');
  if (digits.length > 36) throw new SeqattnError('E_UNKNOWN_TOKEN', `number ${JSON.stringify(token.slice(0, 40))} has ${digits.length} digits; G2P spells out at most 36`);
  const whole = digits === '' ? 0n : BigInt(digits);
  const cardinal = () => cardinalWords(whole);
  const point = () => (decimals ? ['point', ...digitWords(decimals)] : []);
  if (currency === '$') return [...sign, ...words(toCurrency(`${digits || '0'}.${(decimals ?? '').padEnd(2, '0').slice(0, 2)}`))];
  if (currency) {
    const [one, many, cent, cents] = CURRENCY[currency];
    const c = decimals ? Number(decimals.padEnd(2, '0').slice(0, 2)) : 0;
    const main = whole > 0n || c === 0 ? [...cardinal(), whole === 1n ? one : many] : [];
    const sub = c > 0 ? [...words(toCardinal(c)), c === 1 ? cent : cents] : [];
    return [...sign, ...main, ...(main.length && sub.length ? ['and'] : []), ...sub];
  }
  if (suffix === 'st' || suffix === 'nd' || suffix === 'rd' || suffix === 'th') {
    if (decimals) throw new SeqattnError('E_UNKNOWN_TOKEN', `number ${JSON.stringify(token.slice(0, 40))}: an ordinal with decimals`);
    return [...sign, ...words(toOrdinal(whole))];
  }
  const plain = !decimals && !intText.includes(',') && digits.length === 4 && !sign.length;
  if (suffix === 's') {
    const w = plain && isYear(Number(digits)) || plain && digits.endsWith('00') ? yearWords(Number(digits)) : cardinal();
    return [...w.slice(0, -1), plural(w[w.length - 1])];
  }
  const spoken = plain && isYear(Number(digits)) ? yearWords(Number(digits)) : [...(digits ? cardinal() : []), ...point()];
  return [...sign, ...spoken, ...(suffix === '%' ? ['percent'] : [])];
}
