/**
 * ARPAbet (CMUdict's phoneme set) to IPA, General American, with stress marks where IPA writes
 * them: before the stressed syllable (ˈ primary, ˌ secondary). Syllables by the maximal onset
 * principle: the consonants between two vowels go to the later syllable as far as they form an
 * onset English allows (ONSETS below), the rest close the earlier one. The table is in docs/g2p.md.
 */

/** ARPAbet phoneme (no stress digit) -> IPA. AH and ER depend on stress: see toIpa. */
export const ARPABET_TO_IPA: Readonly<Record<string, string>> = {
  AA: 'ɑ', AE: 'æ', AH: 'ʌ', AO: 'ɔ', AW: 'aʊ', AY: 'aɪ', EH: 'ɛ', ER: 'ɝ', EY: 'eɪ', IH: 'ɪ', IY: 'i',
  OW: 'oʊ', OY: 'ɔɪ', UH: 'ʊ', UW: 'u',
  B: 'b', CH: 'tʃ', D: 'd', DH: 'ð', F: 'f', G: 'ɡ', HH: 'h', JH: 'dʒ', K: 'k', L: 'l', M: 'm', N: 'n',
  NG: 'ŋ', P: 'p', R: 'ɹ', S: 's', SH: 'ʃ', T: 't', TH: 'θ', V: 'v', W: 'w', Y: 'j', Z: 'z', ZH: 'ʒ',
};

/** Unstressed AH and ER are the reduced vowels schwa and r-coloured schwa. */
const UNSTRESSED: Readonly<Record<string, string>> = { AH: 'ə', ER: 'ɚ' };

/** Consonant clusters that may begin an English syllable (besides any single consonant but NG). */
export const ONSETS: ReadonlySet<string> = new Set([
  'P R', 'P L', 'B R', 'B L', 'T R', 'D R', 'K R', 'K L', 'G R', 'G L', 'F R', 'F L', 'TH R', 'SH R',
  'T W', 'D W', 'K W', 'G W', 'TH W', 'S W', 'P Y', 'B Y', 'F Y', 'V Y', 'M Y', 'K Y', 'HH Y',
  'S P', 'S T', 'S K', 'S M', 'S N', 'S L', 'S F', 'S P R', 'S P L', 'S T R', 'S K R', 'S K W', 'S K Y',
]);

const isVowel = (p: string) => /\d$/.test(p) || (p.length === 2 && 'AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW'.includes(p));
const base = (p: string) => p.replace(/\d$/, '');

/** Syllables of an ARPAbet pronunciation by maximal onset: [["AH0"], ["T", "EH1", "N"], ["SH", "AH0", "N"]] for attention. */
export function syllabify(phonemes: readonly string[]): string[][] {
  const vowels = phonemes.flatMap((p, k) => (isVowel(p) ? [k] : []));
  if (vowels.length === 0) return phonemes.length ? [[...phonemes]] : [];
  const starts = [0];
  for (let v = 1; v < vowels.length; v++) {
    const cluster = phonemes.slice(vowels[v - 1] + 1, vowels[v]).map(base);
    let onset = 0; // the longest legal onset at the end of the cluster
    for (let n = 1; n <= cluster.length; n++) {
      const c = cluster.slice(cluster.length - n);
      if (n === 1 ? c[0] !== 'NG' : ONSETS.has(c.join(' '))) onset = n;
      else break;
    }
    starts.push(vowels[v] - onset);
  }
  return starts.map((s, k) => phonemes.slice(s, starts[k + 1] ?? phonemes.length));
}

/** IPA for one word's ARPAbet phonemes: "AH0 T EH1 N SH AH0 N" -> "əˈtɛnʃən". */
export function toIpa(phonemes: readonly string[]): string {
  return syllabify(phonemes).map((syllable) => {
    let mark = '';
    const sounds = syllable.map((p) => {
      const b = base(p);
      const stress = p.slice(b.length);
      if (stress === '1') mark = 'ˈ';
      else if (stress === '2') mark = 'ˌ';
      return (stress === '0' ? UNSTRESSED[b] : undefined) ?? ARPABET_TO_IPA[b] ?? p;
    });
    return mark + sounds.join('');
  }).join('');
}
