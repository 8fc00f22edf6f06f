/**
 * Text -> ids for classifiers, by the config: lowercase if configured; "word" = split on
 * whitespace, "char" = one symbol per code point; a symbol the vocabulary lacks becomes
 * source_unk_id, or E_UNKNOWN_TOKEN when the config has none. (tools/classifiers_torch.py
 * tokenize() is the same rule.)
 */
import { SeqattnError } from '../errors.js';
import type { Vocabulary } from '../vocab.js';
import type { ClassifierConfig } from './config.js';

export interface Tokens { ids: number[]; tokens: string[] }

export function tokenizeText(config: ClassifierConfig, vocab: Vocabulary, text: string): Tokens {
  const s = config.lowercase ? text.toLowerCase() : text;
  const tokens = config.sourceTokenizer === 'char' ? Array.from(s) : s.split(/\s+/).filter((w) => w.length > 0);
  const ids = tokens.map((p, i) => {
    const id = vocab.id(p) ?? config.sourceUnkId;
    if (id === null) {
      throw new SeqattnError('E_UNKNOWN_TOKEN', `${JSON.stringify(text)}: ${config.sourceTokenizer === 'char' ? 'character' : 'word'} ${JSON.stringify(p)} at position ${i} is not in the vocabulary, and the model has no unknown id (source_unk_id)`);
    }
    return id;
  });
  return { ids, tokens };
}

/**
 * Where a document given as one string splits into sentences: after each '.', '!' or '?' that is
 * followed by whitespace, and at every line break. Pieces that are empty or only whitespace are dropped.
 * @example splitSentences('The food was great. Service slow!\nWould go again') // 3 sentences
 */
export const SENTENCE_BOUNDARY = /(?<=[.!?])\s+|\n/;

export function splitSentences(text: string): string[] {
  return text.split(SENTENCE_BOUNDARY).filter((s) => /\S/.test(s));
}
