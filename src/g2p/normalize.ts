/**
 * Text normalization for speech: what a reader says for what people write. Tokens (text.ts) in,
 * spoken items out, each saying what it was (`norm`) and the words it became. One pass, left to
 * right, looking at most a few tokens either side, so the work is linear in the text.
 *
 *   numbers by context   "in 1990" -> nineteen ninety (year), "1234 passengers" -> one thousand two hundred thirty four,
 *                        "the 1990s", "'90s", "1990-1995" -> nineteen ninety to nineteen ninety five, "10-20" -> ten to twenty
 *   separators           "1,000,000"; Indian grouping "1,00,000" is read as its value (one hundred thousand; one lakh with locale en-IN)
 *   decimals, signs      "3.14" -> three point one four, "-5" -> minus five
 *   ordinals, fractions  "21st" -> twenty first, "1/2" -> one half, "1 1/2" -> one and a half
 *   percent, currency    "50%", "$2.5 billion" -> two point five billion dollars, "€1.5M", "50¢", "£3", "¥100"
 *   phone, digits        "555-1234" -> five five five one two three four, "dial 911" -> nine one one, "007"
 *   times, dates         "10:00" -> ten o'clock, "3/4/2021" -> march fourth twenty twenty one, "Jan. 5" -> january fifth
 *   roman numerals       "World War II" -> two, "Henry VIII" -> the eighth, "XIX century" -> nineteenth
 *   units                "5 km", "60 mph", "72°F" -> seventy two degrees fahrenheit
 *   symbols              "2 + 2 = 4", "&", "@", "#1", "#tag", URLs and e-mail addresses
 *   abbreviations        "Dr. Smith" -> doctor, "Elm Dr." -> drive, "St. Louis" -> saint, "Mr.", "vs.", "etc.", "e.g."
 *   letters              all-capital words the dictionary lacks are spelled: "GPU" -> G P U
 * A character with no reading here (an emoji, `°` outside a unit, another script) follows the
 * `unknown` policy: skipped with a warning (default), named where a name is known ('spell'), or an
 * E_G2P_UNSPEAKABLE error ('error').
 */
import { SeqattnError } from '../errors.js';
import { cardinalWords, decimalWords, digitWords, fractionWords, isYear, ordinalWords, yearWords } from './numbers.js';
import { describeChar, type TextToken } from './text.js';

/** What a normalized token was. */
export type NormKind = 'number' | 'year' | 'decade' | 'ordinal' | 'decimal' | 'fraction' | 'range' | 'percent' | 'currency'
  | 'phone' | 'digits' | 'time' | 'date' | 'roman' | 'unit' | 'math' | 'symbol' | 'url' | 'email' | 'abbreviation' | 'letters';

/** A word with a fixed pronunciation (a letter's name, a phrase's reading), not looked up. */
export interface FixedWord { word: string; phonemes: string[] }
/** A word to look up (dictionary, heteronyms, model) or one with a fixed pronunciation. */
export type Spoken = string | FixedWord;

/** What to do with a character that has no reading. */
export type UnknownPolicy = 'skip' | 'spell' | 'error';

/** Something the normalizer did not speak: a skipped character, a number grouping it could not read. */
export interface G2PWarning {
  /** W_G2P_SKIPPED (a character skipped), W_G2P_NO_NAME ('spell' knows no name for it: skipped), W_G2P_NUMBER (a number read in pieces). */
  code: 'W_G2P_SKIPPED' | 'W_G2P_NO_NAME' | 'W_G2P_NUMBER';
  /** The input as written: input.slice(start, end). */
  text: string;
  start: number;
  end: number;
  message: string;
}

/** One spoken item: a word or a normalized token (words to say), or punctuation (a boundary). */
export interface Item {
  kind: 'word' | 'punctuation';
  /** Folded text of the token(s). */
  text: string;
  start: number;
  end: number;
  words: Spoken[];
  /** Set for a normalized token. */
  norm?: NormKind;
}

export interface NormalizeOptions {
  unknown?: UnknownPolicy;
  /** How digit groups are named: en-US (default) says 1,00,000 as one hundred thousand, en-IN as one lakh. */
  locale?: 'en-US' | 'en-IN';
  /** Is a lower-case word in the dictionary (all-capital words it lacks are spelled). */
  has?: (word: string) => boolean;
}

// Letter names, as CMUdict spells initialisms (FBI: EH1 F B IY1 AY1).
const LETTER: Record<string, string> = {
  a: 'EY1', b: 'B IY1', c: 'S IY1', d: 'D IY1', e: 'IY1', f: 'EH1 F', g: 'JH IY1', h: 'EY1 CH', i: 'AY1', j: 'JH EY1', k: 'K EY1',
  l: 'EH1 L', m: 'EH1 M', n: 'EH1 N', o: 'OW1', p: 'P IY1', q: 'K Y UW1', r: 'AA1 R', s: 'EH1 S', t: 'T IY1', u: 'Y UW1', v: 'V IY1',
  w: 'D AH1 B AH0 L Y UW0', x: 'EH1 K S', y: 'W AY1', z: 'Z IY1',
};
/** Letters spelled one by one ("gpu" -> G P U), a trailing lower-case plural s said as Z. */
export function letterWords(text: string): FixedWord[] {
  const plural = /[A-Z]s$/.test(text);
  const letters = (plural ? text.slice(0, -1) : text).toLowerCase().replace(/[^a-z]/g, '');
  const out = [...letters].map((c) => ({ word: c, phonemes: LETTER[c].split(' ') }));
  if (plural && out.length) {
    const last = out[out.length - 1];
    last.phonemes = [...last.phonemes, /^(s|x|z)$/.test(last.word) ? 'IH0' : '', 'Z'].filter(Boolean);
    last.word += "'s";
  }
  return out;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBR: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, jun: 5, jul: 6, aug: 7, sep: 8, sept: 8, oct: 9, nov: 10, dec: 11 };
const MONTH_NAME = new Map(MONTHS.map((m, k) => [m, k]));

// Words after which a four-digit number is a year ("in 1990", "since 2010", "the summer of 1969").
const YEAR_BEFORE = new Set(['in', 'since', 'from', 'until', 'till', 'til', 'by', 'during', 'before', 'after', 'around', 'circa', 'ca', 'c', 'year', 'years',
  'spring', 'summer', 'autumn', 'fall', 'winter', 'early', 'late', 'mid', 'through', 'between', 'ad', 'class', 'vintage', 'model', 'born', 'died', 'founded', 'established', 'built', 'published', 'released', 'elected', 'of']);
// After "of", only where what comes before is a time ("the summer of 1969", "the class of 2010").
const OF_TIME = new Set(['spring', 'summer', 'autumn', 'fall', 'winter', 'year', 'class', 'end', 'start', 'beginning', 'middle', 'half', 'part', ...MONTHS]);
const ERA = new Set(['bc', 'ad', 'bce', 'ce']);
// Words after which a number is read digit by digit ("dial 911", "PIN 0420").
const DIGITS_BEFORE = new Set(['dial', 'dialed', 'dialled', 'dialing', 'call', 'called', 'calling', 'phone', 'telephone', 'fax', 'ext', 'extension', 'zip', 'pin', 'code', 'passcode', 'password', 'room']);

/** Currency signs: [one, many, cent, cents]. */
const CURRENCY: Record<string, [string, string, string, string]> = {
  $: ['dollar', 'dollars', 'cent', 'cents'], '£': ['pound', 'pounds', 'penny', 'pence'], '€': ['euro', 'euros', 'cent', 'cents'],
  '¥': ['yen', 'yen', 'sen', 'sen'], '₹': ['rupee', 'rupees', 'paisa', 'paise'],
};
// Scale words after an amount, spelled out or as a suffix ("$2.5 billion", "€1.5M", "$5k").
const SCALE: Record<string, string> = { thousand: 'thousand', million: 'million', billion: 'billion', trillion: 'trillion', k: 'thousand', K: 'thousand', m: 'million', M: 'million', mn: 'million', MM: 'million', b: 'billion', B: 'billion', bn: 'billion', t: 'trillion', T: 'trillion', tn: 'trillion' };
const SCALE_WORD = new Set(['thousand', 'million', 'billion', 'trillion', 'hundred']);

// Units after a number: [one, many]; `adjacentOnly` ones only when glued to the number ("5in", "10s").
const UNITS: Record<string, [string, string]> = {
  km: ['kilometer', 'kilometers'], m: ['meter', 'meters'], cm: ['centimeter', 'centimeters'], mm: ['millimeter', 'millimeters'], nm: ['nanometer', 'nanometers'],
  'μm': ['micrometer', 'micrometers'], um: ['micrometer', 'micrometers'],
  mi: ['mile', 'miles'], ft: ['foot', 'feet'], yd: ['yard', 'yards'], yds: ['yard', 'yards'], in: ['inch', 'inches'],
  kg: ['kilogram', 'kilograms'], g: ['gram', 'grams'], mg: ['milligram', 'milligrams'], lb: ['pound', 'pounds'], lbs: ['pound', 'pounds'], oz: ['ounce', 'ounces'],
  l: ['liter', 'liters'], L: ['liter', 'liters'], ml: ['milliliter', 'milliliters'], mL: ['milliliter', 'milliliters'], gal: ['gallon', 'gallons'],
  mph: ['mile per hour', 'miles per hour'], kph: ['kilometer per hour', 'kilometers per hour'], 'km/h': ['kilometer per hour', 'kilometers per hour'],
  'm/s': ['meter per second', 'meters per second'], hz: ['hertz', 'hertz'], Hz: ['hertz', 'hertz'], kHz: ['kilohertz', 'kilohertz'], MHz: ['megahertz', 'megahertz'], GHz: ['gigahertz', 'gigahertz'],
  W: ['watt', 'watts'], kW: ['kilowatt', 'kilowatts'], kWh: ['kilowatt hour', 'kilowatt hours'], MW: ['megawatt', 'megawatts'], V: ['volt', 'volts'], mAh: ['milliamp hour', 'milliamp hours'],
  KB: ['kilobyte', 'kilobytes'], kB: ['kilobyte', 'kilobytes'], MB: ['megabyte', 'megabytes'], GB: ['gigabyte', 'gigabytes'], TB: ['terabyte', 'terabytes'],
  Mbps: ['megabit per second', 'megabits per second'], Gbps: ['gigabit per second', 'gigabits per second'],
  ms: ['millisecond', 'milliseconds'], s: ['second', 'seconds'], sec: ['second', 'seconds'], secs: ['second', 'seconds'], min: ['minute', 'minutes'], mins: ['minute', 'minutes'],
  h: ['hour', 'hours'], hr: ['hour', 'hours'], hrs: ['hour', 'hours'], px: ['pixel', 'pixels'], x: ['times', 'times'],
};
const ADJACENT_ONLY = new Set(['in', 'm', 's', 'h', 'g', 'l', 'L', 'W', 'V', 'x', 'mi', 'min']);

// Symbols spoken wherever they stand (math and typography a reader says).
const SYMBOL_WORDS: Record<string, string> = {
  '&': 'and', '=': 'equals', '×': 'times', '÷': 'divided by', '±': 'plus or minus', '≠': 'is not equal to', '≤': 'is less than or equal to',
  '≥': 'is greater than or equal to', '≈': 'is approximately', '√': 'square root of', '∞': 'infinity', 'π': 'pi',
};
// Symbols spoken between two numbers ("2 + 2", "3 * 4", "5 - 3", "6 / 2", "x < 5").
const MATH_WORDS: Record<string, string> = { '+': 'plus', '-': 'minus', '*': 'times', x: 'times', '/': 'divided by', '<': 'is less than', '>': 'is greater than', '^': 'to the power of' };
/** Names of characters for the 'spell' policy. */
const CHAR_NAMES: Record<string, string> = {
  '°': 'degrees', '©': 'copyright', '®': 'registered', '™': 'trademark', '§': 'section', '¶': 'paragraph', '†': 'dagger', '‡': 'double dagger', '•': 'bullet',
  '¢': 'cents', '¤': 'currency', '№': 'number', '℃': 'degrees celsius', '℉': 'degrees fahrenheit', 'µ': 'micro', 'μ': 'mu', '♥': 'heart', '❤': 'heart', '★': 'star', '☆': 'star',
  '✓': 'check', '✔': 'check', '✗': 'cross', '✘': 'cross', '→': 'arrow', '←': 'arrow', '♪': 'note', '♫': 'notes', '☺': 'smiley', '☹': 'frowny',
  'α': 'alpha', 'β': 'beta', 'γ': 'gamma', 'δ': 'delta', 'ε': 'epsilon', 'θ': 'theta', 'λ': 'lambda', 'σ': 'sigma', 'τ': 'tau', 'φ': 'phi', 'ω': 'omega', 'Ω': 'omega', 'Δ': 'delta', 'Σ': 'sigma',
  '😀': 'grinning face', '😃': 'smiling face', '😄': 'smiling face', '😊': 'smiling face', '🙂': 'smiling face', '😂': 'face with tears of joy', '😢': 'crying face', '😭': 'crying face',
  '😉': 'winking face', '😍': 'heart eyes', '😎': 'sunglasses', '🤔': 'thinking face', '👍': 'thumbs up', '👎': 'thumbs down', '👋': 'waving hand', '🙏': 'folded hands',
  '🎉': 'party popper', '🔥': 'fire', '💯': 'hundred points', '✨': 'sparkles', '🚀': 'rocket', '⭐': 'star', '💔': 'broken heart', '😡': 'angry face',
};

// Abbreviations: [reading, kind of context] ('title' before a capitalised name; 'after' after a name or number).
const TITLES: Record<string, string> = {
  dr: 'doctor', mr: 'mister', mrs: 'missus', ms: 'miz', prof: 'professor', st: 'saint', mt: 'mount', ft: 'fort', gen: 'general', capt: 'captain',
  sgt: 'sergeant', lt: 'lieutenant', col: 'colonel', gov: 'governor', sen: 'senator', rep: 'representative', rev: 'reverend', fr: 'father', pres: 'president', supt: 'superintendent',
};
const AFTER_NAME: Record<string, string> = {
  dr: 'drive', st: 'street', ave: 'avenue', blvd: 'boulevard', rd: 'road', ln: 'lane', ct: 'court', pl: 'place', sq: 'square', hwy: 'highway', pkwy: 'parkway',
  jr: 'junior', sr: 'senior', inc: 'incorporated', ltd: 'limited', co: 'company', corp: 'corporation', bros: 'brothers', mt: 'mount',
};
const OTHER_ABBR: Record<string, string> = {
  vs: 'versus', etc: 'et cetera', approx: 'approximately', dept: 'department', est: 'established', govt: 'government', misc: 'miscellaneous',
  no: 'number', nos: 'numbers', vol: 'volume', vols: 'volumes', ch: 'chapter', fig: 'figure', figs: 'figures', p: 'page', pp: 'pages', ed: 'edition',
};
const DOTTED: Record<string, string> = { 'e.g.': 'for example', 'i.e.': 'that is', 'a.m.': 'a m', 'p.m.': 'p m', 'etc.': 'et cetera', 'vs.': 'versus', 'cf.': 'compare', 'et al.': 'et al' };

// Roman numerals: after these a numeral is regnal (Henry VIII -> the eighth); after other capitalised
// words (World War II, Rocky III, Super Bowl LV) a cardinal; before "century" an ordinal.
const REGNAL = new Set(['henry', 'louis', 'elizabeth', 'george', 'edward', 'charles', 'james', 'william', 'richard', 'john', 'pius', 'benedict', 'gregory', 'leo',
  'innocent', 'clement', 'boniface', 'urban', 'alexander', 'frederick', 'peter', 'catherine', 'mary', 'victoria', 'philip', 'ferdinand', 'napoleon', 'ramesses', 'ramses',
  'constantine', 'otto', 'gustav', 'gustavus', 'carl', 'nicholas', 'ivan', 'paul', 'david', 'robert', 'anne', 'harold', 'stephen', 'matilda', 'malcolm', 'duncan',
  'alfonso', 'juan', 'felipe', 'carlos', 'isabella', 'sancho', 'pedro', 'manuel', 'francis', 'joseph', 'leopold', 'wilhelm', 'friedrich', 'ludwig', 'rudolf', 'sixtus',
  'julius', 'innocent', 'martin', 'nero', 'antiochus', 'ptolemy', 'cleopatra', 'amenhotep', 'thutmose', 'tutankhamun', 'xerxes', 'darius', 'cyrus', 'king', 'queen', 'pope', 'tsar', 'czar', 'emperor']);
// After "Elizabeth I" a lower-case word still leaves I a numeral when it is one of these ("Elizabeth I ruled", not "Tell George I said").
const REGNAL_I_NEXT = new Set(['ruled', 'reigned', 'was', 'died', 'of', 'and', 'became', 'who', 'had', 'in', 'married', 'succeeded', 'founded', 'built', 'signed', 'issued', 'ordered', 'granted', 'crowned', 'himself', 'herself']);
const ROMAN = /^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;
const ROMAN_VALUE: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
function romanValue(s: string): number {
  let v = 0;
  for (let k = 0; k < s.length; k++) {
    const a = ROMAN_VALUE[s[k]], b = ROMAN_VALUE[s[k + 1]] ?? 0;
    v += a < b ? -a : a;
  }
  return v;
}
// All-capital words said as letters even though the dictionary has them as words.
const LETTERS_ALWAYS = new Set(['US', 'UK', 'EU', 'UN', 'TV', 'PC', 'AI', 'ID', 'IT', 'CEO', 'USA', 'DJ', 'PR', 'UI', 'UX', 'OS', 'AM', 'PM']);

// Lower-case words some rule reads (the rest take the fast path).
const SPECIAL = new Set([...MONTHS, ...Object.keys(MONTH_ABBR), ...Object.keys(TITLES), ...Object.keys(AFTER_NAME), ...Object.keys(OTHER_ABBR), 'x']);
const isWord = (t: TextToken | undefined): t is TextToken & { kind: 'word' } => t !== undefined && t.kind === 'word';
const isNumber = (t: TextToken | undefined): t is TextToken & { kind: 'number' } => t !== undefined && t.kind === 'number';
const isCapital = (s: string) => s.charCodeAt(0) >= 65 && s.charCodeAt(0) <= 90;
/** Token b starts where token a ends (no space between). */
const glued = (a: TextToken | undefined, b: TextToken | undefined) => a !== undefined && b !== undefined && a.end === b.start;
/** A word token in lower case; '' for anything else. */
const lower = (t: TextToken | undefined) => (t?.kind === 'word' ? t.text.toLowerCase() : '');
const plainInt = /^\d+$/;

/**
 * Spoken items for tokens. Linear: each token is looked at with a bounded window around it.
 * @throws SeqattnError E_G2P_UNSPEAKABLE under `unknown: 'error'` for a character with no reading
 */
export function normalize(tokens: readonly TextToken[], input: string, options: NormalizeOptions = {}, warnings: G2PWarning[] = []): Item[] {
  const policy = options.unknown ?? 'skip';
  const has = options.has ?? (() => false);
  const out: Item[] = [];
  const item = (from: TextToken, to: TextToken, words: Spoken[], norm?: NormKind): Item =>
    ({ kind: 'word', text: from === to ? from.text : input.slice(from.start, to.end), start: from.start, end: to.end, words, norm });
  const split = (phrase: string) => phrase.split(' ');
  // The word before token i, skipping one closing quote or bracket.
  const prevWord = (i: number) => (isWord(tokens[i - 1]) ? tokens[i - 1] : undefined);
  const dotAfter = (i: number) => tokens[i + 1]?.kind === 'punctuation' && tokens[i + 1].text === '.' && glued(tokens[i], tokens[i + 1]);
  // A sentence starts at token i when nothing or a sentence end comes before it.
  const sentenceStart = (i: number) => i === 0 || (tokens[i - 1].kind === 'punctuation' && /^[.!?:;"(]$/.test(tokens[i - 1].text));

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.kind === 'url' || t.kind === 'email') { out.push(item(t, t, addressWords(t.text, has), t.kind)); continue; }
    if (t.kind === 'number') {
      const n = readNumberInContext(tokens, i, input, options, warnings);
      if (n.words.length === 0) n.words = digitWords(t.text);
      out.push(item(t, tokens[i + n.used], n.words, n.kind));
      i += n.used;
      continue;
    }
    if (t.kind === 'symbol') {
      const c = t.text;
      if (c === '°' && isNumber(tokens[i - 1]) && glued(tokens[i - 1], t)) continue; // read with its number (a unit)
      if (SYMBOL_WORDS[c]) { out.push(item(t, t, split(SYMBOL_WORDS[c]), 'math')); continue; }
      const original = input.slice(t.start, t.end);
      if (policy === 'error') throw new SeqattnError('E_G2P_UNSPEAKABLE', `character ${describeChar(original)} at position ${t.start} of ${JSON.stringify(input.length > 80 ? `${input.slice(0, 77)}...` : input)} has no English reading (unknown: 'error'; 'skip' skips it with a warning, 'spell' says its name where one is known)`);
      const name = policy === 'spell' ? CHAR_NAMES[c] ?? CHAR_NAMES[original] : undefined;
      if (name) { out.push(item(t, t, split(name), 'symbol')); continue; }
      warnings.push({
        code: policy === 'spell' ? 'W_G2P_NO_NAME' : 'W_G2P_SKIPPED', text: original, start: t.start, end: t.end,
        message: policy === 'spell' ? `character ${describeChar(original)} at position ${t.start}: no name known, skipped` : `character ${describeChar(original)} at position ${t.start} has no English reading: skipped`,
      });
      continue;
    }
    if (t.kind === 'punctuation') {
      const c = t.text;
      const prevNum = isNumber(tokens[i - 1]) || (isWord(tokens[i - 1]) && tokens[i - 1].text.length === 1);
      const nextNum = isNumber(next) || (isWord(next) && next.text.length === 1);
      if (c === '&' && isWord(tokens[i - 1]) && isWord(next) && glued(tokens[i - 1], t) && glued(t, next) && /^[A-Z]+$/.test(tokens[i - 1].text + next.text)) { out.push(item(t, t, ['and'], 'symbol')); continue; }
      if (c === '&' || c === '=') { out.push(item(t, t, split(SYMBOL_WORDS[c]), 'math')); continue; }
      if (MATH_WORDS[c] && prevNum && nextNum && (isNumber(tokens[i - 1]) || isNumber(next)) && (c !== '/' || !glued(tokens[i - 1], t))) { out.push(item(t, t, split(MATH_WORDS[c]), 'math')); continue; }
      if (c === '+' && !glued(tokens[i - 1], t) && !glued(t, next)) { out.push(item(t, t, ['plus'], 'math')); continue; }
      if (c === '@') { out.push(item(t, t, ['at'], 'symbol')); continue; }
      if (c === '#' && glued(t, next) && (isNumber(next) || isWord(next))) { out.push(item(t, t, [isNumber(next) ? 'number' : 'hashtag'], 'symbol')); continue; }
      if (c === '%' && isNumber(tokens[i - 1])) { out.push(item(t, t, ['percent'], 'percent')); continue; }
      if (c === '~' && isNumber(next)) { out.push(item(t, t, ['about'], 'symbol')); continue; }
      out.push({ kind: 'punctuation', text: c, start: t.start, end: t.end, words: [] });
      continue;
    }
    // A word.
    const w = t.text;
    const lw = w.toLowerCase();
    // The fast path: a lower-case word no rule reads (most words of running text).
    // (a capitalised one too, unless it may be a numeral, an abbreviation or all capitals).
    if ((w === lw || !/^[IVXLCDM]/.test(w) && w.charCodeAt(1) > 96) && !SPECIAL.has(lw) && !(w.length <= 2 && dotAfter(i))) { out.push({ kind: 'word', text: w, start: t.start, end: t.end, words: w.includes('-') || w.includes('/') ? lw.split(/[-/]/) : [lw] }); continue; }
    // Dotted abbreviations and initials: e.g. i.e. a.m. U.S.A.
    if (w.length <= 2 && dotAfter(i)) {
      let j = i;
      let s = '';
      while (isWord(tokens[j]) && tokens[j].text.length <= 2 && dotAfter(j) && (j === i || glued(tokens[j - 1], tokens[j]))) { s += `${tokens[j].text}.`; j += 2; }
      if (j - i >= 4) {
        const known = DOTTED[s.toLowerCase()];
        const last = tokens[j - 1];
        // The last dot ends the sentence too when a capitalised word or the end follows ("in the U.S. Then").
        const endsSentence = j >= tokens.length || (isWord(tokens[j]) && isCapital(tokens[j].text) && !known);
        out.push({ kind: 'word', text: input.slice(t.start, endsSentence ? tokens[j - 2].end : last.end), start: t.start, end: endsSentence ? tokens[j - 2].end : last.end,
          words: known ? split(known).flatMap((x): Spoken[] => (x.length === 1 ? letterWords(x) : [x])) : letterWords(s.replace(/\./g, '')), norm: known ? 'abbreviation' : 'letters' });
        if (endsSentence) out.push({ kind: 'punctuation', text: '.', start: last.start, end: last.end, words: [] });
        i = j - 1;
        continue;
      }
    }
    // Months before a day ("Jan. 5", "March 3rd, 2021").
    const month = MONTH_NAME.get(lw) ?? (Object.prototype.hasOwnProperty.call(MONTH_ABBR, lw) ? MONTH_ABBR[lw] : undefined);
    if (month !== undefined) {
      const dot = dotAfter(i) && MONTH_NAME.get(lw) === undefined;
      const day = tokens[i + (dot ? 2 : 1)];
      const dayValue = isNumber(day) ? /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(day.text) : null;
      if (dayValue && +dayValue[1] >= 1 && +dayValue[1] <= 31 && (MONTH_NAME.has(lw) ? lw !== 'may' && lw !== 'march' || isCapital(w) : true)) {
        out.push({ kind: 'word', text: input.slice(t.start, (dot ? tokens[i + 1] : t).end), start: t.start, end: (dot ? tokens[i + 1] : t).end, words: [MONTHS[month]], norm: MONTH_NAME.has(lw) ? undefined : 'abbreviation' });
        out.push(item(day, day, ordinalWords(dayValue[1]), 'date'));
        i += dot ? 2 : 1;
        continue;
      }
      if (dot && MONTH_NAME.get(lw) === undefined && isCapital(w)) { // "in Jan. we" : the abbreviation alone
        out.push({ kind: 'word', text: input.slice(t.start, tokens[i + 1].end), start: t.start, end: tokens[i + 1].end, words: [MONTHS[month]], norm: 'abbreviation' });
        i += 1;
        continue;
      }
    }
    // Abbreviations by context.
    if (Object.prototype.hasOwnProperty.call(TITLES, lw) || Object.prototype.hasOwnProperty.call(AFTER_NAME, lw) || Object.prototype.hasOwnProperty.call(OTHER_ABBR, lw)) {
      const dot = dotAfter(i);
      const after = tokens[i + (dot ? 2 : 1)];
      const before = prevWord(i);
      const nextName = isWord(after) && isCapital(after.text);
      let reading: string | undefined;
      if (isCapital(w) || dot) {
        if (TITLES[lw] && nextName) reading = TITLES[lw];
        else if (AFTER_NAME[lw] && ((before && isCapital(before.text) && !sentenceStart(i - 1)) || isNumber(tokens[i - 1]) || (before && isCapital(before.text)))) reading = AFTER_NAME[lw];
        else if (AFTER_NAME[lw] && dot && lw !== 'co' && lw !== 'no') reading = AFTER_NAME[lw];
      }
      if (!reading && OTHER_ABBR[lw] && (dot || lw === 'vs')) {
        if (lw === 'no' || lw === 'nos' || lw === 'vol' || lw === 'ch' || lw === 'fig' || lw === 'p' || lw === 'pp' || lw === 'ed') {
          if (dot && isNumber(after)) reading = OTHER_ABBR[lw];
        } else reading = OTHER_ABBR[lw];
      }
      if (reading) {
        // The dot is the abbreviation's; it also ends the sentence where nothing or a capitalised non-name follows an "after" reading.
        const endsSentence = dot && (after === undefined || (!TITLES[lw] || reading !== TITLES[lw]) && isWord(after) && isCapital(after.text) && (lw === 'etc' || AFTER_NAME[lw] === reading));
        const end = dot && !endsSentence ? tokens[i + 1].end : t.end;
        out.push({ kind: 'word', text: input.slice(t.start, end), start: t.start, end, words: split(reading), norm: 'abbreviation' });
        if (dot && endsSentence) out.push({ kind: 'punctuation', text: '.', start: tokens[i + 1].start, end: tokens[i + 1].end, words: [] });
        if (dot) i += 1;
        continue;
      }
    }
    // Roman numerals after names and titles, and before "century".
    if (isCapital(w) && ROMAN.test(w)) {
      const before = prevWord(i);
      const lb = lower(before);
      const regnal = before !== undefined && isCapital(before.text) && REGNAL.has(lb);
      const century = lower(next) === 'century' || lower(next) === 'centuries';
      const titled = before !== undefined && isCapital(before.text) && !sentenceStart(i - 1) && /^[IVXL]{2,}$|^[IVX]{2,}$/.test(w) || (lb === 'war' && (w === 'I' || w === 'II'))
        || ((lb === 'chapter' || lb === 'part' || lb === 'act' || lb === 'volume' || lb === 'book' || lb === 'phase' || lb === 'type' || lb === 'class' || lb === 'section' || lb === 'article' || lb === 'title' || lb === 'apollo' || lb === 'bowl') && /^[IVXLC]+$/.test(w));
      if (regnal && (w !== 'I' || !isWord(next) || !/^[a-z]/.test(next.text) || REGNAL_I_NEXT.has(next.text))) {
        out.push(item(t, t, ['the', ...ordinalWords(romanValue(w))], 'roman'));
        continue;
      }
      if (century && w.length >= 2) { out.push(item(t, t, ordinalWords(romanValue(w)), 'roman')); continue; }
      if (titled && !has(lw) || titled && lb === 'war' || titled && w.length >= 2 && !LETTERS_ALWAYS.has(w) && lb !== '' && /^[IVX]+$/.test(w)) {
        out.push(item(t, t, cardinalWords(romanValue(w)), 'roman'));
        continue;
      }
    }
    // "3 x 4": times.
    if (lw === 'x' && isNumber(tokens[i - 1]) && isNumber(next)) { out.push(item(t, t, ['times'], 'math')); continue; }
    // All-capital words the dictionary lacks (and a few it has as words): letters.
    if (w.length >= 2 && /^[A-Z]+s?$/.test(w) && /[A-Z]{2}/.test(w) && !w.includes('-')) {
      const stem = w.endsWith('s') ? w.slice(0, -1) : w;
      const ampersand = (tokens[i + 1]?.text === '&' && glued(t, tokens[i + 1])) || (tokens[i - 1]?.text === '&' && glued(tokens[i - 1], t));
      if (LETTERS_ALWAYS.has(stem) || ampersand || !has(lw) && !has(stem.toLowerCase())) {
        if (!(stem.length > 4 && /[AEIOU]/.test(stem) && /[^AEIOU]{0,2}[AEIOU][^AEIOU]/.test(stem) && !LETTERS_ALWAYS.has(stem))) {
          out.push(item(t, t, letterWords(w), 'letters'));
          continue;
        }
      }
    }
    out.push({ kind: 'word', text: w, start: t.start, end: t.end, words: lw.split(/[-/]/) });
  }
  return out;
}

/** A URL or e-mail address, said the way people read them out. */
function addressWords(text: string, has: (w: string) => boolean): Spoken[] {
  const out: Spoken[] = [];
  const body = text.replace(/^https?:\/\//i, '');
  for (const piece of body.split(/([./@:_?=&#~+-])/)) {
    if (!piece) continue;
    const sym = ({ '.': 'dot', '/': 'slash', '@': 'at', ':': 'colon', _: 'underscore', '-': 'dash', '?': 'question mark', '=': 'equals', '&': 'and', '#': 'hash', '~': 'tilde', '+': 'plus' } as Record<string, string>)[piece];
    if (sym) { out.push(...sym.split(' ')); continue; }
    for (const run of piece.match(/[A-Za-z]+|\d+/g) ?? []) {
      const l = run.toLowerCase();
      if (/^\d+$/.test(run)) out.push(...(run.length <= 3 ? cardinalWords(run) : digitWords(run)));
      else if (l === 'www' || (!has(l) && (run.length <= 3 || !/[aeiouy]/.test(l)))) out.push(...letterWords(l));
      else out.push(l);
    }
  }
  return out;
}

interface Reading { words: Spoken[]; kind: NormKind; /** further tokens this reading took */ used: number }

/** The reading of number token i, looking at its neighbours. */
function readNumberInContext(tokens: readonly TextToken[], i: number, input: string, options: NormalizeOptions, warnings: G2PWarning[]): Reading {
  const t = tokens[i];
  const prev = tokens[i - 1], next = tokens[i + 1];
  const lp = lower(prev);
  let text = t.text;
  let sign: string[] = [];
  if (text[0] === '-' || text[0] === '+') { sign = [text[0] === '-' ? 'minus' : 'plus']; text = text.slice(1); }
  const done = (words: Spoken[], kind: NormKind, used = 0): Reading => ({ words: [...sign, ...words], kind, used });

  // Decades: '90s, 1990s, 1800s.
  if (/^'\d0s$/.test(text)) return done([plural(cardinalWords(text.slice(1, 3)))].flat(), 'decade');
  let m = /^(\d{4})s$/.exec(text);
  if (m) {
    const y = Number(m[1]);
    const w = isYear(y) || y % 100 === 0 ? yearWords(y) : cardinalWords(y);
    return done(plural(w), 'decade');
  }
  if (/^\d0s$/.test(text)) return done(plural(cardinalWords(text.slice(0, 2))), 'decade');
  if (/^\d+s$/.test(text)) return done(plural(cardinalWords(text.slice(0, -1))), 'number'); // "MP3s", "the 49s"

  // Ordinals.
  m = /^([\d,]+)(st|nd|rd|th)$/.exec(text);
  if (m) return done(ordinalWords(m[1].replace(/,/g, '')), 'ordinal');
  // Currency: a sign before, a scale after (glued suffix or word), cents.
  m = /^([$£€¥₹])([\d,]*\.?\d*)$/.exec(text);
  if (m && /\d/.test(m[2])) {
    const cur = CURRENCY[m[1]];
    let used = 0;
    let scale: string | undefined;
    if (next?.kind === 'word' && glued(t, next) && Object.prototype.hasOwnProperty.call(SCALE, next.text)) { scale = SCALE[next.text]; used = 1; }
    else if (next?.kind === 'word' && SCALE_WORD.has(next.text.toLowerCase())) { scale = next.text.toLowerCase(); used = 1; }
    const amount = m[2].replace(/,/g, '');
    if (scale) return done([...decimalWords(amount), scale, cur[1]], 'currency', used);
    const [whole, frac] = amount.split('.');
    const w = whole ? BigInt(whole) : 0n;
    const c = frac ? Number(frac.padEnd(2, '0').slice(0, 2)) : 0;
    if (frac && frac.length > 2) return done([...decimalWords(amount), cur[1]], 'currency');
    const main = w > 0n || c === 0 ? [...cardinalWords(w), w === 1n ? cur[0] : cur[1]] : [];
    const sub = c > 0 ? [...cardinalWords(c), c === 1 ? cur[2] : cur[3]] : [];
    return done([...main, ...(main.length && sub.length ? ['and'] : []), ...sub], 'currency');
  }
  // Cents: 50¢.
  m = /^(\d+)¢$/.exec(text);
  if (m) return done([...cardinalWords(m[1]), m[1] === '1' ? 'cent' : 'cents'], 'currency');
  // Percent.
  m = /^([\d,]*\.?\d+)%$/.exec(text);
  if (m) return done([...decimalWords(m[1]), 'percent'], 'percent');
  // Times: 10:00, 9:05, 14:30:15, with am/pm after.
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m && +m[1] <= 24 && +m[2] < 60 && (m[3] === undefined || +m[3] < 60)) {
    const h = +m[1], min = +m[2];
    const ampm = next?.kind === 'word' && /^(am|pm)$/i.test(next.text) ? next.text.toLowerCase() : undefined;
    const hw = cardinalWords(h);
    const mw = min === 0 ? (ampm || m[3] ? [] : ["o'clock"]) : min < 10 ? ['oh', ...cardinalWords(min)] : cardinalWords(min);
    const sw = m[3] !== undefined ? ['and', ...cardinalWords(+m[3]), +m[3] === 1 ? 'second' : 'seconds'] : [];
    return done([...hw, ...mw, ...sw, ...(ampm ? letterWords(ampm) : [])], 'time', ampm ? 1 : 0);
  }
  // Ratios 3:1.
  m = /^(\d+):(\d+)$/.exec(text);
  if (m) return done([...cardinalWords(m[1]), 'to', ...cardinalWords(m[2])], 'number');
  // Dates: 3/4/2021 (month first unless the first is over 12), 2021-03-04.
  m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$/.exec(text) ?? null;
  if (m) {
    let mo = +m[1], d = +m[2];
    if (mo > 12 && d <= 12) [mo, d] = [d, mo];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
      const y = m[3].length === 2 ? ['oh', ...cardinalWords(+m[3])].slice(+m[3] < 10 ? 0 : 1) : yearWords(+m[3]);
      return done([MONTHS[mo - 1], ...ordinalWords(d), ...y], 'date');
    }
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= 31) return done([MONTHS[+m[2] - 1], ...ordinalWords(+m[3]), ...yearWords(+m[1])], 'date');
  // Phone numbers: 555-1234, 555-123-4567, 1-800-555-1234; "(555)" before one.
  if (/^(?:1-)?(?:\d{3}-)?\d{3}-\d{4}$/.test(text) || /^\d{3}\.\d{3}\.\d{4}$/.test(text)) return done(digitWords(text, 'oh'), 'phone');
  if (/^\d{3}$/.test(text) && prev?.kind === 'punctuation' && prev.text === '(' && tokens[i + 1]?.text === ')' && tokens[i + 2]?.kind === 'number' && /^\d{3}-\d{4}$/.test(tokens[i + 2].text)) return done(digitWords(text, 'oh'), 'phone');
  // Ranges: 1990-1995, 1990-95, 10-20.
  m = /^(\d+)-(\d+)$/.exec(text);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (m[1].length === 4 && isYear(a) && (m[2].length === 4 && isYear(b) || m[2].length === 2)) return done([...yearWords(a), 'to', ...(m[2].length === 4 ? yearWords(b) : cardinalWords(b))], 'range');
    return done([...cardinalWords(m[1]), 'to', ...cardinalWords(m[2])], 'range');
  }
  // Fractions: 1/2, 3/4; after a whole number "1 1/2" -> one and a half.
  m = /^(\d+)\/(\d+)$/.exec(text);
  if (m && BigInt(m[2]) > 0n) {
    const mixed = prev?.kind === 'number' && /^\d+$/.test(prev.text) && !glued(prev, t);
    const f = fractionWords(BigInt(m[1]), BigInt(m[2]));
    return done(mixed ? ['and', ...(m[1] === '1' ? ['a', ...f.slice(1)] : f)] : f, 'fraction');
  }
  // Plain numbers, with separators and decimals.
  m = /^(\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}|\d+)(?:\.(\d+))?$/.exec(text);
  if (m) {
    const intText = m[1];
    const digits = intText.replace(/,/g, '');
    const indian = intText.includes(',') && !/^\d{1,3}(?:,\d{3})+$/.test(intText);
    // What follows: a unit ("5 km", "72°F").
    const unit = readUnit(tokens, i, digits, m[2]);
    const value = m[2] ? decimalWords(`${digits}.${m[2]}`) : digits.length > 36 ? digitWords(digits) : indian && options.locale === 'en-IN' ? lakhWords(digits) : cardinalWords(digits);
    if (unit) return done([...value, ...unit.words], 'unit', unit.used);
    if (m[2]) return done(value, 'decimal');
    if (digits.length > 36) return done(value, 'digits');
    const monthNext = isWord(next) && isCapital(next.text) && (MONTH_NAME.has(next.text.toLowerCase()) || Object.prototype.hasOwnProperty.call(MONTH_ABBR, next.text.toLowerCase()));
    if (!intText.includes(',') && !m[2] && monthNext && Number(digits) >= 1 && Number(digits) <= 31 && digits.length <= 2) return done(['the', ...ordinalWords(digits), 'of'], 'date');
    if (!intText.includes(',') && !m[2] && isWord(tokens[i + 1]) && /^[ap]m$/i.test(tokens[i + 1].text) && Number(digits) >= 1 && Number(digits) <= 12) {
      return done([...value, ...letterWords(tokens[i + 1].text.toLowerCase())], 'time', 1);
    }
    if (!intText.includes(',')) {
      // Digit strings: after dial/call/PIN..., a leading zero.
      const lp2 = /^(is|was|are|were|:)$/.test(lp || prev?.text || '') ? lower(tokens[i - 2]) : '';
      if (DIGITS_BEFORE.has(lp) || DIGITS_BEFORE.has(lp2) || (digits.length > 1 && digits[0] === '0')) return done(digitWords(digits, lp === 'room' ? 'oh' : 'zero'), 'digits');
      // Years where a year is read.
      const n = Number(digits);
      if (digits.length === 4 && isYear(n) || digits.length === 4 && n >= 1000 && n < 2100) {
        const beforePrev = lower(tokens[i - 2]);
        const yearContext = (YEAR_BEFORE.has(lp) && (lp !== 'of' || OF_TIME.has(beforePrev)) && !(isWord(tokens[i + 1]) && /^(people|percent|times|dollars|miles|meters|words|items|units|votes|points|feet|pounds)$/.test(tokens[i + 1].text.toLowerCase())))
          || ERA.has(lower(next)) || ERA.has(lp)
          || (prev?.kind === 'punctuation' && prev.text === ',' && tokens[i - 2]?.kind === 'number' && /^\d{1,2}(st|nd|rd|th)?$/.test(tokens[i - 2].text) && (MONTH_NAME.has(lower(tokens[i - 3])) || tokens[i - 3]?.text === '.'))
          || MONTH_NAME.has(lp) || (tokens[i - 2] !== undefined && MONTH_NAME.has(lower(tokens[i - 2])) && /^\d{1,2}$/.test(prev?.text ?? ''))
          || (prev?.kind === 'punctuation' && (prev.text === '(' || prev.text === '-') && (next?.text === ')' || next?.text === '-'))
          || (prev?.kind === 'punctuation' && prev.text === '-' && /^(mid|early|late|pre|post)$/.test(lower(tokens[i - 2])))
          || (lp === 'to' || lp === 'and' || lp === 'or') && tokens[i - 2]?.kind === 'number' && /^\d{4}$/.test(tokens[i - 2].text) && isYear(Number(tokens[i - 2].text));
        if (yearContext) return done(yearWords(n), 'year');
      }
    }
    if (indian && options.locale !== 'en-IN') warnings.push({ code: 'W_G2P_NUMBER', text: input.slice(t.start, t.end), start: t.start, end: t.end, message: `${t.text}: Indian digit grouping read as its value (one hundred thousand style); locale 'en-IN' reads lakh and crore` });
    return done(value, 'number');
  }
  // Anything else with digits (1.2.3, 10:00-11:00, 12/25/2021/x): its digit groups one by one, separators as words.
  warnings.push({ code: 'W_G2P_NUMBER', text: input.slice(t.start, t.end), start: t.start, end: t.end, message: `${JSON.stringify(t.text.slice(0, 40))}: not a number form G2P reads as a whole; read in pieces` });
  const words: Spoken[] = [];
  for (const piece of text.split(/([,.:/-])/)) {
    if (!piece) continue;
    if (/^\d+$/.test(piece)) words.push(...(piece.length > 4 ? digitWords(piece) : cardinalWords(piece)));
    else if (piece === '.') words.push('point');
    else if (piece === '-' || piece === '/') words.push(piece === '-' ? 'to' : 'slash');
    else if (/^[$£€¥₹]/.test(piece)) words.push(CURRENCY[piece[0]][1]);
  }
  return done(words, 'number');
}

/** A unit after number token i: glued ("5km", "72°F") or after a space ("5 km"); "in" and one-letter units only glued. */
function readUnit(tokens: readonly TextToken[], i: number, digits: string, decimals: string | undefined): { words: string[]; used: number } | undefined {
  const t = tokens[i], next = tokens[i + 1];
  if (!next) return undefined;
  const one = digits === '1' && !decimals;
  const glued = t.end === next.start;
  if (next.kind === 'symbol' && next.text === '°' && glued) {
    const scale = tokens[i + 2];
    const fc = scale?.kind === 'word' && scale.start === next.end && /^[CFK]$/.test(scale.text) ? { C: 'celsius', F: 'fahrenheit', K: 'kelvin' }[scale.text] : undefined;
    return { words: [one ? 'degree' : 'degrees', ...(fc ? [fc] : [])], used: fc ? 2 : 1 };
  }
  if (next.kind !== 'word') return undefined;
  const key = UNITS[next.text] ? next.text : UNITS[next.text.toLowerCase()] && /^[a-z]/.test(next.text) && next.text.length > 1 ? next.text.toLowerCase() : undefined;
  if (!key) return undefined;
  if (ADJACENT_ONLY.has(key) && !glued && !(key === 'in' && /^(ft|feet|foot)$/.test(tokens[i - 1]?.text ?? ''))) return undefined;
  // "5 m" glued or not, but "5 min" only as a unit; a unit word must not run on into a longer word.
  const [s, p] = UNITS[key];
  return { words: (one ? s : p).split(' '), used: 1 };
}

/** Indian digit grouping: lakh (10^5) and crore (10^7). */
function lakhWords(digits: string): string[] {
  let n = BigInt(digits);
  const out: string[] = [];
  const crore = n / 10000000n; n %= 10000000n;
  const lakh = n / 100000n; n %= 100000n;
  if (crore > 0n) out.push(...(crore >= 100n ? lakhWords(String(crore)) : cardinalWords(crore)), 'crore');
  if (lakh > 0n) out.push(...cardinalWords(lakh), 'lakh');
  if (n > 0n || out.length === 0) out.push(...cardinalWords(n));
  return out;
}

/** "nineteen ninety" -> "nineteen nineties": the plural of the last word said for a decade. */
function plural(w: string[]): string[] {
  const last = w[w.length - 1];
  const p = last.endsWith('y') ? `${last.slice(0, -1)}ies` : last.endsWith('x') ? `${last}es` : `${last}s`;
  return [...w.slice(0, -1), p];
}
