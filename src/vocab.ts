/** Symbols <-> ids for the source and target sides, char- or word-level. */
import type { ModelConfig } from './config.js';
import { SeqattnError } from './errors.js';
import { preview } from './untrusted.js';

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
 * a symbol outside the vocabulary -> source_unk_id (its position listed in `unknown`), or
 * E_UNKNOWN_TOKEN when `unknownSource` is 'error' or the vocabulary has no unknown id;
 * source_eos_id appended when append_source_eos.
 * More than `maxLength` ids (with </s>) is E_INPUT_LENGTH, found while splitting: a 10 MB string
 * costs a scan, never 10 million tokens.
 */
export function tokenizeSource(config: ModelConfig, vocab: Vocabulary, text: string,
  maxLength = Infinity, unknownSource: 'error' | 'unk' = 'unk'): { ids: number[]; tokens: string[]; unknown: number[] } {
  const sos = config.prependSourceSos && config.sourceSosId !== null ? 1 : 0;
  const eos = config.appendSourceEos && config.sourceEosId !== null ? 1 : 0;
  const most = maxLength - sos - eos; // symbols allowed between <s> and </s>
  const plus = sos && eos ? ' (plus <s> and </s>)' : sos ? ' (plus <s>)' : eos ? ' (plus </s>)' : '';
  const tooLong = (what: string) => new SeqattnError('E_INPUT_LENGTH',
    `input ${preview(text, 40)} has more than ${most} ${what}${plus}: more than max_source_length ${maxLength}`);
  // A string has at least length / 2 code points, and lowercasing never shortens it.
  if (config.sourceTokenizer === 'char' && text.length / 2 > most) throw tooLong('characters');
  const s = config.lowercase ? text.toLowerCase() : text;
  const pieces: string[] = [];
  if (config.sourceTokenizer === 'char') {
    for (const ch of s) { if (pieces.length === most) throw tooLong('characters'); pieces.push(ch); }
  } else {
    for (const m of s.matchAll(/\S+/g)) { if (pieces.length === most) throw tooLong('words'); pieces.push(m[0]); }
  }
  const ids: number[] = [];
  const tokens: string[] = [];
  const unknown: number[] = [];
  pieces.forEach((p, i) => {
    const id = vocab.id(p);
    if (id !== undefined) {
      ids.push(id);
      tokens.push(p);
    } else if (config.sourceUnkId !== null && unknownSource === 'unk') {
      unknown.push(i + sos); // a source position, as the attention columns count them
      ids.push(config.sourceUnkId);
      tokens.push(p); // keep the surface form: unknown-word replacement copies it
    } else {
      const what = config.sourceTokenizer === 'char' ? 'character' : 'word';
      throw new SeqattnError('E_UNKNOWN_TOKEN',
        `input ${preview(text, 40)}: ${what} ${preview(p, 20)}${what === 'character' ? ` (U+${p.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})` : ''} at position ${i} is not in the source vocabulary` +
        (config.sourceUnkId === null ? ', and the model has no unknown id (source_unk_id)' : ' (unknownSource is \'error\')'));
    }
  });
  if (sos) {
    ids.unshift(config.sourceSosId!);
    tokens.unshift(vocab.symbol(config.sourceSosId!));
  }
  if (eos) {
    ids.push(config.sourceEosId!);
    tokens.push(vocab.symbol(config.sourceEosId!));
  }
  return { ids, tokens, unknown };
}
