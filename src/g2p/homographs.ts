/**
 * Heteronyms: words spelled alike and said differently by part of speech ("I refuse to collect the
 * refuse"). The words are from Wikipedia's "List of English heteronyms" where the senses differ by
 * part of speech, and CMUdict's noun/verb stress pairs (tools/list-variants.ts lists every CMUdict
 * word whose variants differ in more than stress, and where each is decided); words that differ by
 * meaning (bass, bow, sow, Polish, resume, ...) are context.ts's rules. Every pronunciation is one of
 * the word's CMU Pronouncing Dictionary variants (test/g2p/homographs.test.ts checks it), chosen
 * per part of speech here.
 */

/** Part of speech as the heteronym table needs it: VBD/VBN are 'past' (read -> R EH1 D). */
export type CoarsePos = 'noun' | 'verb' | 'past' | 'adj' | 'adv' | 'other';

/** Pronunciation per part of speech; a missing one falls back: past -> verb, adv -> adj -> noun, other -> the dictionary's first. */
export type Heteronym = Partial<Record<Exclude<CoarsePos, 'other'>, string>>;

// Noun / verb stress pairs: noun stressed first, verb second (Wikipedia's "initial-stress-derived nouns").
const pair = (noun: string, verb: string, more: Heteronym = {}): Heteronym => ({ noun, verb, ...more });

/** The table: word (lower case) -> pronunciation per part of speech. */
export const HETERONYMS: Readonly<Record<string, Heteronym>> = {
  read: { verb: 'R IY1 D', past: 'R EH1 D', noun: 'R IY1 D', adj: 'R EH1 D' },
  lead: { verb: 'L IY1 D', past: 'L EH1 D', noun: 'L EH1 D' },
  live: { verb: 'L IH1 V', adj: 'L AY1 V', adv: 'L AY1 V', noun: 'L AY1 V' },
  lives: { verb: 'L IH1 V Z', noun: 'L AY1 V Z' },
  record: pair('R EH1 K ER0 D', 'R IH0 K AO1 R D', { adj: 'R EH1 K ER0 D' }),
  records: pair('R EH1 K ER0 D Z', 'R IH0 K AO1 R D Z'),
  refuse: pair('R EH1 F Y UW2 Z', 'R IH0 F Y UW1 Z'),
  present: pair('P R EH1 Z AH0 N T', 'P R IY0 Z EH1 N T', { adj: 'P R EH1 Z AH0 N T' }),
  presents: pair('P R EH1 Z AH0 N T S', 'P R IY0 Z EH1 N T S'),
  object: pair('AA1 B JH EH0 K T', 'AH0 B JH EH1 K T'),
  objects: pair('AA1 B JH EH0 K T S', 'AH0 B JH EH1 K T S'),
  wind: { noun: 'W IH1 N D', verb: 'W AY1 N D' },
  winds: { noun: 'W IH1 N D Z', verb: 'W AY1 N D Z' },
  tear: { noun: 'T IH1 R', verb: 'T EH1 R' },
  tears: { noun: 'T IH1 R Z', verb: 'T EH1 R Z' },
  close: { verb: 'K L OW1 Z', noun: 'K L OW1 Z', adj: 'K L OW1 S', adv: 'K L OW1 S' },
  use: { noun: 'Y UW1 S', verb: 'Y UW1 Z' },
  uses: { noun: 'Y UW1 S IH0 Z', verb: 'Y UW1 Z IH0 Z' },
  wound: { noun: 'W UW1 N D', verb: 'W UW1 N D', past: 'W AW1 N D' },
  minute: { noun: 'M IH1 N AH0 T', adj: 'M AY0 N UW1 T' },
  content: { noun: 'K AA1 N T EH0 N T', adj: 'K AH0 N T EH1 N T', verb: 'K AH0 N T EH1 N T' },
  desert: pair('D EH1 Z ER0 T', 'D IH0 Z ER1 T', { adj: 'D EH1 Z ER0 T' }),
  conduct: pair('K AA1 N D AH0 K T', 'K AA0 N D AH1 K T'),
  contract: pair('K AA1 N T R AE2 K T', 'K AH0 N T R AE1 K T'),
  produce: pair('P R OW1 D UW0 S', 'P R AH0 D UW1 S'),
  project: pair('P R AA1 JH EH0 K T', 'P R AH0 JH EH1 K T'),
  permit: pair('P ER1 M IH2 T', 'P ER0 M IH1 T'),
  progress: pair('P R AA1 G R EH2 S', 'P R AH0 G R EH1 S'),
  increase: pair('IH1 N K R IY2 S', 'IH2 N K R IY1 S'),
  decrease: pair('D IY1 K R IY2 S', 'D IH0 K R IY1 S'),
  conflict: pair('K AA1 N F L IH0 K T', 'K AH0 N F L IH1 K T'),
  contest: pair('K AA1 N T EH0 S T', 'K AH0 N T EH1 S T'),
  convert: pair('K AA1 N V ER0 T', 'K AH0 N V ER1 T'),
  subject: pair('S AH1 B JH IH0 K T', 'S AH0 B JH EH1 K T', { adj: 'S AH1 B JH IH0 K T' }),
  suspect: pair('S AH1 S P EH2 K T', 'S AH0 S P EH1 K T', { adj: 'S AH1 S P EH2 K T' }),
  rebel: pair('R EH1 B AH0 L', 'R IH0 B EH1 L'),
  excuse: pair('IH0 K S K Y UW1 S', 'IH0 K S K Y UW1 Z'),
  abuse: pair('AH0 B Y UW1 S', 'AH0 B Y UW1 Z'),
  misuse: pair('M IH0 S Y UW1 S', 'M IH0 S Y UW1 Z'),
  estimate: pair('EH1 S T AH0 M AH0 T', 'EH1 S T AH0 M EY2 T'),
  separate: { adj: 'S EH1 P ER0 IH0 T', verb: 'S EH1 P ER0 EY2 T', noun: 'S EH1 P ER0 IH0 T' },
  moderate: { adj: 'M AA1 D ER0 AH0 T', noun: 'M AA1 D ER0 AH0 T', verb: 'M AA1 D ER0 EY2 T' },
  graduate: pair('G R AE1 JH AH0 W AH0 T', 'G R AE1 JH AH0 W EY2 T'),
  alternate: { adj: 'AO1 L T ER0 N AH0 T', noun: 'AO1 L T ER0 N AH0 T', verb: 'AO1 L T ER0 N EY2 T' },
  associate: pair('AH0 S OW1 S IY0 AH0 T', 'AH0 S OW1 S IY0 EY2 T'),
  advocate: pair('AE1 D V AH0 K AH0 T', 'AE1 D V AH0 K EY2 T'),
  duplicate: pair('D UW1 P L AH0 K AH0 T', 'D UW1 P L AH0 K EY2 T'),
  deliberate: { adj: 'D IH0 L IH1 B ER0 AH0 T', verb: 'D IH0 L IH1 B ER0 EY2 T' },
  approximate: { adj: 'AH0 P R AA1 K S AH0 M AH0 T', verb: 'AH0 P R AA1 K S AH0 M EY2 T' },
  elaborate: { adj: 'IH0 L AE1 B R AH0 T', verb: 'IH0 L AE1 B ER0 EY2 T' },
  perfect: { adj: 'P ER1 F IH2 K T', noun: 'P ER1 F IH2 K T', verb: 'P ER0 F EH1 K T' },
  protest: pair('P R OW1 T EH2 S T', 'P R AH0 T EH1 S T'),
  transfer: pair('T R AE1 N S F ER0', 'T R AE0 N S F ER1'),
  transport: pair('T R AE1 N S P AO0 R T', 'T R AE0 N S P AO1 R T'),
  upset: { noun: 'AH1 P S EH2 T', verb: 'AH0 P S EH1 T', adj: 'AH0 P S EH1 T' },
  survey: pair('S ER1 V EY2', 'S ER0 V EY1'),
  recall: pair('R IY1 K AO2 L', 'R IH0 K AO1 L'),
  insult: pair('IH1 N S AH2 L T', 'IH2 N S AH1 L T'),
  defect: pair('D IY1 F EH0 K T', 'D IH0 F EH1 K T'),
  compound: pair('K AA1 M P AW0 N D', 'K AH0 M P AW1 N D', { adj: 'K AA1 M P AW0 N D' }),
  console: pair('K AA1 N S OW0 L', 'K AH0 N S OW1 L'),
  invalid: { noun: 'IH1 N V AH0 L AH0 D', adj: 'IH2 N V AE1 L AH0 D' },
  digest: pair('D AY1 JH EH0 S T', 'D AY0 JH EH1 S T'),
  escort: pair('EH1 S K AO0 R T', 'EH0 S K AO1 R T'),
  attribute: pair('AE1 T R AH0 B Y UW2 T', 'AH0 T R IH1 B Y UW2 T'),
  extract: pair('EH1 K S T R AE2 K T', 'IH0 K S T R AE1 K T'),
  insert: pair('IH1 N S ER2 T', 'IH2 N S ER1 T'),
  combine: pair('K AA1 M B AY0 N', 'K AH0 M B AY1 N'),
  torment: pair('T AO1 R M EH2 N T', 'T AO0 R M EH1 N T'),
  reject: pair('R IY1 JH EH0 K T', 'R IH0 JH EH1 K T'),
  dove: { noun: 'D AH1 V', past: 'D OW1 V', verb: 'D OW1 V' },
  // Added from CMUdict's words whose variants differ in more than stress (tools/list-variants.ts).
  abstract: pair('AE1 B S T R AE2 K T', 'AE0 B S T R AE1 K T', { adj: 'AE1 B S T R AE2 K T' }),
  accent: pair('AE1 K S EH2 N T', 'AH0 K S EH1 N T'),
  addict: pair('AE1 D IH2 K T', 'AH0 D IH1 K T'),
  address: pair('AE1 D R EH2 S', 'AH0 D R EH1 S'),
  animate: { adj: 'AE1 N AH0 M AH0 T', verb: 'AE1 N AH0 M EY2 T' },
  appropriate: { adj: 'AH0 P R OW1 P R IY0 AH0 T', verb: 'AH0 P R OW1 P R IY0 EY2 T' },
  articulate: { adj: 'AA0 R T IH1 K Y AH0 L AH0 T', verb: 'AA0 R T IH1 K Y AH0 L EY2 T' },
  combat: pair('K AA1 M B AE0 T', 'K AH0 M B AE1 T', { adj: 'K AA1 M B AE0 T' }),
  compact: pair('K AA1 M P AE0 K T', 'K AH0 M P AE1 K T', { adj: 'K AA1 M P AE0 K T' }),
  compress: pair('K AA1 M P R EH0 S', 'K AH0 M P R EH1 S'),
  confines: pair('K AA1 N F AY2 N Z', 'K AH0 N F AY1 N Z'),
  conscript: pair('K AA1 N S K R IH2 P T', 'K AH0 N S K R IH1 P T'),
  construct: pair('K AA1 N S T R AH0 K T', 'K AH0 N S T R AH1 K T'),
  contrast: pair('K AA1 N T R AE0 S T', 'K AH0 N T R AE1 S T'),
  converse: pair('K AA1 N V ER0 S', 'K AH0 N V ER1 S', { adj: 'K AA1 N V ER0 S' }),
  convict: pair('K AA1 N V IH0 K T', 'K AH0 N V IH1 K T'),
  coordinate: pair('K OW0 AO1 R D AH0 N AH0 T', 'K OW0 AO1 R D AH0 N EY2 T', { adj: 'K OW0 AO1 R D AH0 N AH0 T' }),
  degenerate: pair('D IH0 JH EH1 N ER0 AH0 T', 'D IH0 JH EH1 N ER0 EY2 T', { adj: 'D IH0 JH EH1 N ER0 AH0 T' }),
  delegate: pair('D EH1 L AH0 G AH0 T', 'D EH1 L AH0 G EY2 T'),
  diffuse: { adj: 'D IH0 F Y UW1 S', verb: 'D IH0 F Y UW1 Z' },
  discharge: pair('D IH1 S CH AA2 R JH', 'D IH0 S CH AA1 R JH'),
  discount: pair('D IH1 S K AW0 N T', 'D IH0 S K AW1 N T'),
  exploit: pair('EH1 K S P L OY2 T', 'EH2 K S P L OY1 T'),
  ferment: pair('F ER1 M EH0 N T', 'F ER0 M EH1 N T'),
  frequent: { adj: 'F R IY1 K W AH0 N T', verb: 'F R IY1 K W EH2 N T' },
  implant: pair('IH1 M P L AE2 N T', 'IH2 M P L AE1 N T'),
  import: pair('IH1 M P AO2 R T', 'IH2 M P AO1 R T'),
  impact: pair('IH1 M P AE0 K T', 'IH2 M P AE1 K T'),
  incense: pair('IH1 N S EH2 N S', 'IH2 N S EH1 N S'),
  incline: pair('IH1 N K L AY0 N', 'IH2 N K L AY1 N'),
  intimate: { adj: 'IH1 N T AH0 M AH0 T', noun: 'IH1 N T AH0 M AH0 T', verb: 'IH1 N T AH0 M EY2 T' },
  pervert: pair('P ER1 V ER0 T', 'P ER0 V ER1 T'),
  refund: pair('R IY1 F AH2 N D', 'R IH0 F AH1 N D'),
  segment: pair('S EH1 G M AH0 N T', 'S EH2 G M EH1 N T'),
  // Inflected forms of table words whose CMUdict variants follow the same split (plural noun vs
  // third-person verb), found by matching each variant to the base word's table entry.
  lived: { past: 'L IH1 V D', adj: 'L AY1 V D' },
  contents: { noun: 'K AA1 N T EH0 N T S', verb: 'K AH0 N T EH1 N T S' },
  deserts: { noun: 'D EH1 Z ER0 T S', verb: 'D IH0 Z ER1 T S' },
  contracts: { noun: 'K AA1 N T R AE2 K T S', verb: 'K AH0 N T R AE1 K T S' },
  projects: { noun: 'P R AA1 JH EH0 K T S', verb: 'P R AH0 JH EH1 K T S' },
  permits: { noun: 'P ER1 M IH2 T S', verb: 'P ER0 M IH1 T S' },
  decreases: { noun: 'D IY1 K R IY2 S IH0 Z', verb: 'D IH0 K R IY1 S AH0 Z' },
  conflicts: { noun: 'K AA1 N F L IH0 K T S', verb: 'K AH0 N F L IH1 K T S' },
  contests: { noun: 'K AA1 N T EH0 S T S', verb: 'K AH0 N T EH1 S T S' },
  converts: { noun: 'K AA1 N V ER0 T S', verb: 'K AH0 N V ER1 T S' },
  subjects: { noun: 'S AH1 B JH IH0 K T S', verb: 'S AH0 B JH EH1 K T S' },
  suspects: { noun: 'S AH1 S P EH2 K T S', verb: 'S AH0 S P EH1 K T S' },
  rebels: { noun: 'R EH1 B AH0 L Z', verb: 'R IH0 B EH1 L Z' },
  excuses: { noun: 'IH0 K S K Y UW1 S IH0 Z', verb: 'IH0 K S K Y UW1 Z IH0 Z' },
  abuses: { noun: 'AH0 B Y UW1 S IH0 Z', verb: 'AH0 B Y UW1 Z IH0 Z' },
  misuses: { noun: 'M IH0 S Y UW1 S IH0 Z', verb: 'M IH0 S Y UW1 Z IH0 Z' },
  estimates: { noun: 'EH1 S T AH0 M AH0 T S', verb: 'EH1 S T AH0 M EY2 T S' },
  separates: { noun: 'S EH1 P ER0 IH0 T S', verb: 'S EH1 P ER0 EY2 T S' },
  moderates: { noun: 'M AA1 D ER0 AH0 T S', verb: 'M AA1 D ER0 EY2 T S' },
  graduates: { noun: 'G R AE1 JH AH0 W AH0 T S', verb: 'G R AE1 JH AH0 W EY2 T S' },
  associates: { noun: 'AH0 S OW1 S IY0 AH0 T S', verb: 'AH0 S OW1 S IY0 EY2 T S' },
  advocates: { noun: 'AE1 D V AH0 K AH0 T S', verb: 'AE1 D V AH0 K EY2 T S' },
  protests: { noun: 'P R OW1 T EH2 S T S', verb: 'P R AH0 T EH1 S T S' },
  transfers: { noun: 'T R AE1 N S F ER0 Z', verb: 'T R AE0 N S F ER1 Z' },
  transports: { noun: 'T R AE1 N S P AO0 R T S', verb: 'T R AE0 N S P AO1 R T S' },
  upsets: { noun: 'AH1 P S EH2 T S', verb: 'AH0 P S EH1 T S' },
  surveys: { noun: 'S ER1 V EY2 Z', verb: 'S ER0 V EY1 Z' },
  recalls: { noun: 'R IY1 K AO2 L Z', verb: 'R IH0 K AO1 L Z' },
  insults: { noun: 'IH1 N S AH2 L T S', verb: 'IH2 N S AH1 L T S' },
  defects: { noun: 'D IY1 F EH0 K T S', verb: 'D IH0 F EH1 K T S' },
  compounds: { noun: 'K AA1 M P AW0 N D Z', verb: 'K AH0 M P AW1 N D Z' },
  attributes: { noun: 'AE1 T R AH0 B Y UW2 T S', verb: 'AH0 T R IH1 B Y UW2 T S' },
  extracts: { noun: 'EH1 K S T R AE2 K T S', verb: 'IH0 K S T R AE1 K T S' },
  inserts: { noun: 'IH1 N S ER2 T S', verb: 'IH2 N S ER1 T S' },
  rejects: { noun: 'R IY1 JH EH0 K T S', verb: 'R IH0 JH EH1 K T S' },
  addicts: { noun: 'AE1 D IH2 K T S', verb: 'AH0 D IH1 K T S' },
  compresses: { noun: 'K AA1 M P R EH0 S AH0 Z', verb: 'K AH0 M P R EH1 S AH0 Z' },
  constructs: { noun: 'K AA1 N S T R AH0 K T S', verb: 'K AH0 N S T R AH1 K T S' },
  contrasts: { noun: 'K AA1 N T R AE0 S T S', verb: 'K AH0 N T R AE1 S T S' },
  convicts: { noun: 'K AA1 N V IH0 K T S', verb: 'K AH0 N V IH1 K T S' },
  coordinates: { noun: 'K OW0 AO1 R D AH0 N AH0 T S', verb: 'K OW0 AO1 R D AH0 N EY2 T S' },
  delegates: { noun: 'D EH1 L AH0 G AH0 T S', verb: 'D EH1 L AH0 G EY2 T S' },
  discharges: { noun: 'D IH1 S CH AA2 R JH AH0 Z', verb: 'D IH0 S CH AA1 R JH AH0 Z' },
  implants: { noun: 'IH1 M P L AE2 N T S', verb: 'IH2 M P L AE1 N T S' },
  imports: { noun: 'IH1 M P AO2 R T S', verb: 'IH2 M P AO1 R T S' },
  impacts: { noun: 'IH1 M P AE0 K T S', verb: 'IH2 M P AE1 K T S' },
  inclines: { noun: 'IH1 N K L AY0 N Z', verb: 'IH2 N K L AY1 N Z' },
  perverts: { noun: 'P ER1 V ER0 T S', verb: 'P ER0 V ER1 T S' },
  refunds: { noun: 'R IY1 F AH2 N D Z', verb: 'R IH0 F AH1 N D Z' },
  segments: { noun: 'S EH1 G M AH0 N T S', verb: 'S EH2 G M EH1 N T S' },
  // From reading tools/list-variants.ts --common --list first.
  subordinate: pair('S AH0 B AO1 R D AH0 N AH0 T', 'S AH0 B AO1 R D AH0 N EY2 T', { adj: 'S AH0 B AO1 R D AH0 N AH0 T' }),
  subordinates: pair('S AH0 B AO1 R D AH0 N AH0 T S', 'S AH0 B AO1 R D AH0 N EY2 T S'),
  supplement: pair('S AH1 P L AH0 M AH0 N T', 'S AH2 P L AH0 M EH1 N T'),
  supplements: pair('S AH1 P L AH0 M AH0 N T S', 'S AH1 P L AH0 M EH1 N T S'),
  underestimate: pair('AH1 N D ER0 EH1 S T AH0 M AH0 T', 'AH1 N D ER0 EH1 S T AH0 M EY2 T'),
  progresses: pair('P R AA1 G R EH2 S AH0 Z', 'P R OW0 G R EH1 S AH0 Z'),
  affiliate: pair('AH0 F IH1 L IY0 AH0 T', 'AH0 F IH1 L IY0 EY2 T'),
  affiliates: pair('AH0 F IH1 L IY0 AH0 T S', 'AH0 F IH1 L IY0 EY2 T S'),
  consummate: { adj: 'K AA1 N S AH0 M AH0 T', verb: 'K AA1 N S AH0 M EY2 T' },
};


/** The pronunciation of heteronym `word` (lower case) as `pos`, or undefined when it is not in the table or the tag says nothing. */
export function heteronymPronunciation(word: string, pos: CoarsePos): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(HETERONYMS, word) || pos === 'other') return undefined;
  const h = HETERONYMS[word];
  if (pos === 'past') return h.past ?? h.verb;
  if (pos === 'adv') return h.adv ?? h.adj ?? h.noun;
  if (pos === 'adj') return h.adj ?? h.noun;
  return h[pos];
}

/** Penn Treebank tag (en-pos, and most taggers) -> CoarsePos. */
export function coarsePenn(tag: string): CoarsePos {
  if (tag.startsWith('NN')) return 'noun';
  if (tag === 'VBD' || tag === 'VBN') return 'past';
  if (tag.startsWith('VB') || tag === 'MD') return 'verb';
  if (tag.startsWith('JJ')) return 'adj';
  if (tag.startsWith('RB')) return 'adv';
  return 'other';
}

/** A part-of-speech tagger for one sentence: words in, one tag per word out. */
export interface Tagger {
  tag(words: readonly string[]): CoarsePos[];
}
