/**
 * A pronouncing dictionary packed into one small binary file (models/g2p-en/lexicon.bin, built
 * from the CMU Pronouncing Dictionary by tools/pack-lexicon.ts), read the same way in Node and in
 * browsers: the caller brings the bytes (a file, a fetch), `Lexicon.fromBytes` indexes them.
 *
 * Format (all ASCII except phoneme bytes):
 *   "seqattn-lexicon 1\n"
 *   the phoneme table, space-separated ("AA0 AA1 ... ZH\n"): phoneme k is written as byte 0x80 + k
 *   the number of words ("125070\n")
 *   one entry per word, words sorted by code point, front-coded against the previous word:
 *     [p: one byte, length of the prefix shared with the previous word]
 *     [the rest of the word: bytes a-z and ']
 *     [pronunciation: phoneme bytes >= 0x80] ( ['|'] [another pronunciation] )*  ['\n']
 * Variants keep the dictionary's order; the first is the default.
 */
import { SeqattnError } from '../errors.js';

const MAGIC = 'seqattn-lexicon 1\n';
const NEWLINE = 0x0a;
const BAR = 0x7c;
const PHONE = 0x80;

/** Packs { word: [pronunciation, ...] } (pronunciations as space-separated phonemes) into the lexicon format. */
export function packLexicon(entries: ReadonlyMap<string, readonly string[]>): Uint8Array {
  const phones = new Map<string, number>();
  const words = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const w of words) for (const p of entries.get(w)!) for (const x of p.split(' ')) if (!phones.has(x)) phones.set(x, phones.size);
  if (phones.size > 0x7f) throw new RangeError(`${phones.size} phonemes: the format holds at most 127`);
  const table = [...phones.keys()].sort();
  table.forEach((x, k) => phones.set(x, k));
  const out: number[] = [];
  const ascii = (s: string) => { for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k)); };
  ascii(`${MAGIC}${table.join(' ')}\n${words.length}\n`);
  let prev = '';
  for (const w of words) {
    if (!/^[a-z']+$/.test(w)) throw new RangeError(`word ${JSON.stringify(w)}: the format holds a-z and ' only`);
    let p = 0;
    while (p < prev.length && p < w.length && p < 0xff && prev[p] === w[p]) p++;
    out.push(p);
    ascii(w.slice(p));
    entries.get(w)!.forEach((pron, k) => {
      if (k > 0) out.push(BAR);
      for (const x of pron.split(' ')) out.push(PHONE + phones.get(x)!);
    });
    out.push(NEWLINE);
    prev = w;
  }
  return Uint8Array.from(out);
}

/** A packed pronouncing dictionary: word -> pronunciations (arrays of ARPAbet phonemes), first = default. */
export class Lexicon {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly phones: readonly string[],
    private readonly index: Map<string, number>,
  ) {}

  /** Indexes packed bytes (see the format above); E_LEXICON when they are not a packed lexicon. */
  static fromBytes(data: Uint8Array | ArrayBuffer, name = 'lexicon'): Lexicon {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    const bad = (what: string) => new SeqattnError('E_LEXICON', `${name}: not a seqattn lexicon (${what})`);
    const line = (from: number): [string, number] => {
      const end = bytes.indexOf(NEWLINE, from);
      if (end < 0 || end - from > 4096) throw bad(`no line end after byte ${from}`);
      let s = '';
      for (let k = from; k < end; k++) s += String.fromCharCode(bytes[k]);
      return [s, end + 1];
    };
    const [magic, a] = line(0);
    if (`${magic}\n` !== MAGIC) throw bad(`starts ${JSON.stringify(magic.slice(0, 40))}, expected ${JSON.stringify(MAGIC.trim())}`);
    const [table, b] = line(a);
    const phones = table.split(' ');
    const [countText, c] = line(b);
    const count = Number(countText);
    if (!/^\d+$/.test(countText)) throw bad(`word count ${JSON.stringify(countText.slice(0, 20))}`);
    const index = new Map<string, number>();
    let prev = '';
    let k = c;
    for (let n = 0; n < count; n++) {
      if (k >= bytes.length) throw bad(`${n} of ${count} words before the end`);
      const p = bytes[k++];
      if (p > prev.length) throw bad(`word ${n} shares ${p} letters with a ${prev.length}-letter word`);
      let rest = '';
      while (k < bytes.length && bytes[k] < PHONE && bytes[k] !== NEWLINE) rest += String.fromCharCode(bytes[k++]);
      const word = prev.slice(0, p) + rest;
      index.set(word, k);
      const end = bytes.indexOf(NEWLINE, k);
      if (end < 0 || end === k) throw bad(`word ${JSON.stringify(word)} has no pronunciation`);
      for (let j = k; j < end; j++) if (bytes[j] !== BAR && bytes[j] - PHONE >= phones.length) throw bad(`word ${JSON.stringify(word)}: phoneme byte ${bytes[j]}`);
      k = end + 1;
      prev = word;
    }
    return new Lexicon(bytes, phones, index);
  }

  /** Number of words. */
  get size(): number { return this.index.size; }

  /** Is the word (lower case, a-z and ') in the dictionary. */
  has(word: string): boolean { return this.index.has(word); }

  /** The word's pronunciations, first = the dictionary's default; undefined when it is not there. */
  lookup(word: string): string[][] | undefined {
    let k = this.index.get(word);
    if (k === undefined) return undefined;
    const out: string[][] = [[]];
    for (let b = this.bytes[k]; b !== NEWLINE; b = this.bytes[++k]) {
      if (b === BAR) out.push([]);
      else out[out.length - 1].push(this.phones[b - PHONE]);
    }
    return out;
  }

  /** The first (default) pronunciation only: the fast path. */
  first(word: string): string[] | undefined {
    let k = this.index.get(word);
    if (k === undefined) return undefined;
    const out: string[] = [];
    for (let b = this.bytes[k]; b !== NEWLINE && b !== BAR; b = this.bytes[++k]) out.push(this.phones[b - PHONE]);
    return out;
  }

  /** Every word, in sorted order. */
  words(): IterableIterator<string> { return this.index.keys(); }
}
