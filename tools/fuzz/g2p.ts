// The g2p(text) fuzz target of `npm run fuzz` (tools/fuzz.ts) and of test/hardening/g2p-fuzz.test.ts:
// the sentence pipeline (normalization, dictionary, heteronym rules and tagger, the model) on random
// text with random options.
//
// A case is G2P.pronounce(text, options) on one resident G2P (g2p-en int8 with the tagger), where text
// is any of: random Unicode (every plane, lone surrogates, controls), number-like strings (digits with
// separators, decimals, signs, currency, percent, units, times, dates, ranges, phone numbers, ordinals),
// a mix of tricky words and symbols, and 1 case in 50 a long text (up to ~40k characters, no sentence
// end); options: `unknown` skip / spell / error, `locale`, `beamSize`, and hostile values. It holds when:
//   - a result: tokens in order, each `text.slice(start, end) === token.text`, words with at least one
//     ARPAbet phoneme (a stress digit only on vowels' form `[A-Z]+[0-2]?`), warnings sliced the same way;
//   - an error: a SeqattnError with an E_ code and a message under 1,000 characters; E_G2P_UNSPEAKABLE
//     only with unknown 'error', E_OPTION only where an option was hostile;
//   - the case ends within 2 s + 1 ms per 20 characters (g2p is linear in its input: a long text is
//     no hang).
import fc from 'fast-check';
import { loadG2P, SeqattnError } from '../../src/node.js';
import type { G2P } from '../../src/g2p/g2p.js';

export const g2pWhat = 'G2P.pronounce (g2p-en int8, tagger) of random text: any Unicode (surrogates, controls), number-like strings (separators, decimals, signs, currency, percent, units, times, dates, ranges, phones, ordinals), tricky words and symbols mixed, 1 case in 50 up to ~40k characters with no sentence end; unknown skip / spell / error, locale, beamSize, hostile option values';

const WORDS = ['the', 'Dr.', 'St.', 'Mr.', 'vs.', 'etc.', 'e.g.', 'read', 'lead', 'live', 'close', 'present', 'bass', 'bow', 'I', 'II', 'IV',
  'VIII', 'XIV', 'GPU', 'WTO', 'NASA', 'U.S.', 'Jan.', 'May', 'Henry', 'World', 'War', 'in', 'the', 'last', 'night', 'will', 'used', 'to',
  'excuse', 'me', 'read-only', 'well-read', 'café', "don't", "'90s", 'a@b.co', 'http://x.io/a?b=1', 'www.example.com', '#tag', '@user',
  '&', '+', '-', '=', '/', '%', '°', '°C', '°F', 'km', 'mph', 'kg', '😀', '👩‍👩‍👧', '©', '™', 'мир', '中文', 'αβγ', '…', '—', '–', '"', '(', ')', ',', '.', '!', '?', ';', ':'];

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const numberLike: fc.Arbitrary<string> = fc.oneof(
  digits(1, 25),
  fc.tuple(digits(1, 3), fc.array(digits(3, 3), { maxLength: 5 })).map(([a, b]) => [a, ...b].join(',')),
  fc.tuple(digits(1, 2), fc.array(digits(2, 2), { maxLength: 4 }), digits(3, 3)).map(([a, b, c]) => [a, ...b, c].join(',')),
  fc.tuple(fc.constantFrom('', '-', '+', '−'), digits(0, 6), fc.constantFrom('.', ','), digits(0, 6)).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('$', '€', '£', '¥', '₹', ''), fc.double({ min: -1e15, max: 1e15, noNaN: true }).map((x) => String(Math.round(x * 100) / 100)),
    fc.constantFrom('', 'M', 'B', 'K', 'k', ' million', ' billion', '¢', '%', ' km', 'mph', '°F', '°', 'st', 'nd', 'rd', 'th', 's')).map((p) => p.join('')),
  fc.tuple(digits(1, 2), digits(1, 2), fc.constantFrom('', ' am', ' PM', 'h')).map(([h, m, s]) => `${h}:${m}${s}`),
  fc.tuple(digits(1, 4), digits(1, 4), digits(1, 4), fc.constantFrom('/', '-', '.')).map(([a, b, c, s]) => `${a}${s}${b}${s}${c}`),
  fc.tuple(digits(1, 4), fc.constantFrom('-', '–', ' to '), digits(1, 4)).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('', '(', '+1 '), digits(3, 3), fc.constantFrom('-', ' ', ') '), digits(3, 4), fc.constantFrom('', '-'), digits(0, 4)).map((p) => p.join('')),
  fc.tuple(digits(1, 3), fc.constantFrom('/'), digits(1, 3)).map((p) => p.join('')),
);
const mixed: fc.Arbitrary<string> = fc.array(fc.oneof(
  { arbitrary: fc.constantFrom(...WORDS), weight: 6 },
  { arbitrary: numberLike, weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 4 }), weight: 1 },
), { minLength: 1, maxLength: 30 }).chain((parts) => fc.constantFrom(' ', '', '  ', '\n', '\t').map((sep) => parts.join(sep)));
const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 80 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }), weight: 3 },
  { arbitrary: numberLike, weight: 4 },
  { arbitrary: mixed, weight: 10 },
  { arbitrary: fc.tuple(mixed, fc.integer({ min: 100, max: 1500 })).map(([t, n]) => Array.from({ length: n }, () => t).join(' ').slice(0, 40_000)), weight: 1 },
);
type Options = Record<string, unknown>;
const options: fc.Arbitrary<{ options: Options; hostile: boolean }> = fc.record({
  unknown: fc.constantFrom('skip', 'spell', 'error', undefined),
  locale: fc.constantFrom('en-US', 'en-IN', undefined),
  beamSize: fc.constantFrom(undefined, undefined, undefined, 1, 3),
  bad: fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, {
    arbitrary: fc.record({ key: fc.constantFrom('unknown', 'locale', 'beamSize'), value: fc.constantFrom(-1, 0, 65, 1.5, NaN, '5', 'loud', 'fr-FR', null, {}, [], true) }),
    weight: 1,
  }),
}, { requiredKeys: [] }).map(({ bad, ...o }) => {
  const out: Options = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  if (bad) out[bad.key] = bad.value;
  return { options: out, hostile: bad !== undefined };
});

const PHONEME = /^[A-Z]+[0-2]?$/;
const MAX_MESSAGE = 1000;

/** The property over a resident G2P. */
export function g2pProperty(g: G2P): fc.IProperty<[string, { options: Options; hostile: boolean }]> {
  return fc.property(text, options, (t, { options: o, hostile }) => {
    const t0 = performance.now();
    let r;
    try {
      r = g.pronounce(t, o as never);
    } catch (e) {
      if (!(e instanceof SeqattnError) || !/^E_[A-Z0-9_]+$/.test(e.code)) throw e;
      if (e.message.length > MAX_MESSAGE) throw new Error(`${e.code} message of ${e.message.length} characters: ${e.message.slice(0, 200)}`);
      if (e.code === 'E_G2P_UNSPEAKABLE' && o.unknown !== 'error') throw new Error(`E_G2P_UNSPEAKABLE with unknown ${String(o.unknown)}: ${e.message}`);
      if (e.code === 'E_OPTION' && !hostile) throw new Error(`E_OPTION with good options ${JSON.stringify(o)}: ${e.message}`);
      if (e.code !== 'E_G2P_UNSPEAKABLE' && e.code !== 'E_OPTION') throw new Error(`unexpected ${e.code}: ${e.message}`);
      return;
    }
    if (hostile) throw new Error(`a result with a hostile option ${JSON.stringify(o)}`);
    let at = 0;
    for (const k of r.tokens) {
      if (!(k.start >= at && k.end > k.start && k.end <= t.length) || t.slice(k.start, k.end) !== k.text) {
        throw new Error(`token ${JSON.stringify(k.text)} at ${k.start}-${k.end} (after ${at}) of a text of ${t.length}`);
      }
      if (k.kind === 'word' && !(k.phonemes.length > 0 && k.phonemes.every((p) => PHONEME.test(p)))) {
        throw new Error(`word ${JSON.stringify(k.text)} -> ${JSON.stringify(k.phonemes)}`);
      }
      at = k.end;
    }
    for (const w of r.warnings) if (t.slice(w.start, w.end) !== w.text) throw new Error(`warning ${JSON.stringify(w.text)} at ${w.start}-${w.end}`);
    const ms = performance.now() - t0, limit = 2000 + t.length / 20;
    if (ms > limit) throw new Error(`${ms.toFixed(0)} ms for ${t.length} characters (limit ${limit.toFixed(0)} ms)`);
  });
}

/** The resident G2P: the bundled g2p-en (int8) with its dictionary and the tagger. */
export function residentG2P(): Promise<G2P> {
  return loadG2P({ homographs: true });
}

/** `npm run fuzz`'s entry: n cases with the seed. */
export async function g2pFuzz(n: number, seed: number): Promise<fc.RunDetails<unknown>> {
  const g = await residentG2P();
  try {
    return fc.check(g2pProperty(g), { numRuns: n, seed }) as fc.RunDetails<unknown>;
  } finally {
    g.dispose();
  }
}
