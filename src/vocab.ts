/** Symbols <-> ids for the source and target sides, char- or word-level. */
import type { ModelConfig } from './config.js';
import { SeqattnError } from './errors.js';

export class Vocabulary {
  readonly symbols: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(symbols: readonly string[]) {
    this.symbols = symbols;
    this.ids = new Map(symbols.map((s, i) => [s, i]));
  }

  get size(): number { return this.symbols.length; }
  id(symbol: string): number | undefined { return this.ids.get(symbol); }
  symbol(id: number): string { return this.symbols[id] ?? `<${id}?>`; }
}

/**
 * Splits a string input the way the model's config says and maps it to source ids:
 * lowercase if configured; "char" = one symbol per code point, "word" = split on whitespace;
 * unknown symbols -> source_unk_id, or E_UNKNOWN_TOKEN when the vocabulary has none;
 * source_eos_id appended when append_source_eos.
 */
export function tokenizeSource(config: ModelConfig, vocab: Vocabulary, text: string): { ids: number[]; tokens: string[] } {
  const s = config.lowercase ? text.toLowerCase() : text;
  const pieces = config.sourceTokenizer === 'char' ? Array.from(s) : s.split(/\s+/).filter((w) => w.length > 0);
  const ids: number[] = [];
  const tokens: string[] = [];
  pieces.forEach((p, i) => {
    const id = vocab.id(p);
    if (id !== undefined) {
      ids.push(id);
      tokens.push(p);
    } else if (config.sourceUnkId !== null) {
      ids.push(config.sourceUnkId);
      tokens.push(p); // keep the surface form: unknown-word replacement copies it
    } else {
      throw new SeqattnError('E_UNKNOWN_TOKEN',
        `input ${JSON.stringify(text)}: ${config.sourceTokenizer === 'char' ? 'character' : 'word'} ${JSON.stringify(p)} at position ${i} is not in the source vocabulary, and the model has no unknown id (source_unk_id)`);
    }
  });
  if (config.prependSourceSos && config.sourceSosId !== null) {
    ids.unshift(config.sourceSosId);
    tokens.unshift(vocab.symbol(config.sourceSosId));
  }
  if (config.appendSourceEos && config.sourceEosId !== null) {
    ids.push(config.sourceEosId);
    tokens.push(vocab.symbol(config.sourceEosId));
  }
  return { ids, tokens };
}
