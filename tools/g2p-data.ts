/**
 * The CMU Pronouncing Dictionary and its train/dev/test split for English G2P, the same as
 * tools/g2p_data.py (which the training uses), written again here so seqattn's own runtime can be
 * evaluated without Python.
 *
 * Filtering: words of letters a-z and apostrophes only; `# comments` stripped from
 * pronunciations; "word(N)" alternatives grouped with "word" in the order of N, duplicates dropped.
 * Split (CMUSphinx g2p-seq2seq): sort the unique words (by code point); word index i:
 * i % 20 == 0 -> dev, i % 20 in {1, 2} -> test, else train.
 * Pure functions over the dictionary object; loading it (node_modules/cmu-pronouncing-dictionary)
 * is the caller's business.
 */

/** A word and its reference pronunciations ("HH AH0 L OW1"), in dictionary order. */
export type Entry = [word: string, prons: string[]];
export type SplitName = 'train' | 'dev' | 'test';

const WORD_OK = /^[a-z']+$/;
const ALT = /^(.*)\((\d+)\)$/;

/** { word: [pron, ...] } from the dictionary object `{ "word": "PH ON", "word(2)": "...", ... }`. */
export function readDictionary(dictionary: Readonly<Record<string, string>>): Map<string, string[]> {
  const raw = new Map<string, { order: number; pron: string }[]>();
  for (const [k, value] of Object.entries(dictionary)) {
    const pron = value.split('#', 1)[0].trim().split(/\s+/).filter(Boolean).join(' ');
    if (!pron) continue;
    let key = k;
    let order = 1;
    const a = ALT.exec(k);
    if (a) {
      key = a[1];
      order = Number(a[2]);
    }
    if (!WORD_OK.test(key)) continue;
    let list = raw.get(key);
    if (!list) raw.set(key, (list = []));
    list.push({ order, pron });
  }
  const out = new Map<string, string[]>();
  for (const [word, prons] of raw) {
    const seen: string[] = [];
    // Array.prototype.sort is stable, as Python's sorted is.
    for (const { pron } of [...prons].sort((x, y) => x.order - y.order)) if (!seen.includes(pron)) seen.push(pron);
    out.set(word, seen);
  }
  return out;
}

/** Which split the word at index i of the sorted word list belongs to. */
export function splitOf(index: number): SplitName {
  const r = index % 20;
  return r === 0 ? 'dev' : r === 1 || r === 2 ? 'test' : 'train';
}

/** Code-point order, as Python sorts str (JS's default sort compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k] - y[k];
  return x.length - y.length;
}

/** { train, dev, test }: entries in sorted word order. */
export function splitDictionary(dictionary: Readonly<Record<string, string>>): Record<SplitName, Entry[]> {
  const d = readDictionary(dictionary);
  const splits: Record<SplitName, Entry[]> = { train: [], dev: [], test: [] };
  [...d.keys()].sort(compareCodePoints).forEach((word, i) => splits[splitOf(i)].push([word, d.get(word)!]));
  return splits;
}
