/**
 * English G2P for the portable entry: give the model and the lexicon (bytes or URLs, e.g. of
 * seqattn/models/g2p-en/model.safetensors and lexicon.bin served with your page). The Node entry
 * replaces loadG2P and g2p with versions that default to the bundled files.
 */
import { loadModelFrom } from '../load.js';
import type { G2P, G2PResult, PronounceOptions } from './g2p.js';
import { fetchAndUse } from '../fetch.js';
import { buildG2P, makeG2PFunction, type G2PDefaults, type G2PLoadOptions } from './load.js';

export { G2P, formatPronunciation, checkPronounceOptions, type G2PWarning, type NormKind, type UnknownPolicy, type G2PResult, type G2PToken, type G2PWord, type G2PPunctuation, type G2PPart, type G2PSource, type G2PFormat, type PronounceOptions, type G2PParts } from './g2p.js';
export { Lexicon, packLexicon } from './lexicon.js';
export { toIpa, syllabify, ARPABET_TO_IPA, ONSETS } from './ipa.js';
export { HETERONYMS, heteronymPronunciation, type CoarsePos, type Heteronym, type Tagger } from './homographs.js';
export { tokenize, fold, type TextToken } from './text.js';
export { numberWords, yearWords, cardinalWords, ordinalWords, digitWords, fractionWords } from './numbers.js';
export { normalize, letterWords, type Item as NormalizedItem, type Spoken, type FixedWord, type NormalizeOptions } from './normalize.js';
export type { G2PLoadOptions } from './load.js';

const defaults: G2PDefaults = {
  loadModel: async (source, options) => typeof source === 'string' || source instanceof URL
    ? fetchAndUse(source, options, (bytes) => loadModelFrom({ weights: { bytes, name: String(source) } }, options)) // cached once it loaded
    : loadModelFrom(source, options),
};

/**
 * A G2P from its parts (model and lexicon as loaded objects, bytes or URLs).
 * @example
 *   const g = await loadG2P({ model: modelUrl, lexicon: lexiconUrl });
 *   g.pronounce('I read 2 books in 1990.')
 */
export function loadG2P(options: G2PLoadOptions = {}): Promise<G2P> {
  return buildG2P(options, defaults);
}

/**
 * Pronounces English text: numbers spelled out, heteronyms by part of speech, the dictionary, the
 * model for the rest. Keeps one G2P per configuration for later calls.
 * @example
 *   const { tokens } = await g2p('I read 2 books in 1990.', { model: modelUrl, lexicon: lexiconUrl });
 */
export const g2p: (text: string, options?: G2PLoadOptions & PronounceOptions) => Promise<G2PResult> = makeG2PFunction(defaults);
