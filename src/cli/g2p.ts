/**
 * `seqattn g2p`: English text to phonemes with g2p() (dictionary, numbers, heteronyms, the model
 * for unknown words; int8 weights unless --weights float32, as the word-level path), one output
 * line per input line, streaming. The word-level model options (--attention, --svg, --nbest,
 * --threads) run the model path of src/cli/translate.ts, on single words and the model alone.
 *
 * Output: "INPUT  PRONUNCIATION" per line; ARPAbet words separated by " | ", punctuation kept;
 * --format json gives the whole result (every token object as pronounce() returns it, its
 * warnings too) as one JSON line, for every line: a blank line is {"text":"","tokens":[]}.
 * A line pronounce() rejects prints "INPUT  " (JSON: {"text", "tokens": [], "error": {code, message}})
 * and its error on stderr, so stdout keeps one line per input line; the exit status is 1 at the end
 * if any line failed. Characters outside what can be spoken follow --unknown (default skip, each
 * skipped one a warning on stderr).
 *
 * Streaming (stdin a pipe, a FIFO, a terminal): each chunk of input is answered as soon as it is
 * read, its lines written before the next chunk is read (no waiting for more input); reading stops
 * while stdout does not drain, and a line longer than MAX_LINE_CHARS is answered with an error and
 * skipped to its end, so memory stays flat whatever the length of the stream.
 */
import { once } from 'node:events';
import { SeqattnError } from '../errors.js';
import { formatPronunciation, type G2P, type G2PFormat, type G2PResult, type PronounceOptions } from '../g2p/g2p.js';
import type { UnknownPolicy } from '../g2p/normalize.js';
import { fold } from '../g2p/text.js';
import { loadG2P, loadModel } from '../node.js';
import { CommandError, nonEmpty, oneOf, parseOptions, beamWidth, UsageError, weightsKind, type Command } from './args.js';
import { MODEL_OPTIONS, MODEL_OUTPUT, parseModelArgs, runModel } from './translate.js';
import { errorLine, printable } from './terminal.js';

/** Longest input line, in UTF-16 code units: longer lines are answered with an E_INPUT_LENGTH error line. */
export const MAX_LINE_CHARS = 1 << 20;
/** Most lines answered between two writes to stdout (each write may wait for stdout to drain), and most milliseconds. */
const BATCH_LINES = 256;
const BATCH_MS = 10;

const FORMATS = ['arpabet', 'arpabet-nostress', 'ipa', 'json'] as const;
type Format = (typeof FORMATS)[number];
const UNKNOWN = ['skip', 'spell', 'error'] as const satisfies readonly UnknownPolicy[];
const LOCALES = ['en-US', 'en-IN'] as const satisfies readonly NonNullable<PronounceOptions['locale']>[];

interface G2PArgs {
  format: Format;
  weights: 'int8' | 'float32';
  modelOnly: boolean;
  homographs: boolean;
  model?: string;
  beam?: number;
  unknown: UnknownPolicy;
  locale?: PronounceOptions['locale'];
  inputs: string[];
}

/** Options only the word-level model path (src/cli/translate.ts) has (pictures, n-best lists, the worker pool). */
export function isModelPictureRequest(argv: readonly string[]): boolean {
  return argv.some((a) => /^--(attention|svg|nbest|threads)(=|$)/.test(a));
}

/**
 * The input policy for the word-level model view (--attention, --svg, --nbest): the input folded
 * (café -> cafe) and lower-cased must be one word of the model's letters a-z and '.
 * @throws SeqattnError E_UNKNOWN_TOKEN naming the first character that is not
 */
export function modelWord(input: string): string {
  const word = fold(input).folded.toLowerCase();
  const bad = [...word].findIndex((c) => !/[a-z']/.test(c));
  if (bad < 0) return word;
  const c = [...word][bad];
  const why = /[\s\-/]/.test(c) ? ' (several words: without --attention, --svg and --nbest, g2p pronounces text)' : '';
  throw new SeqattnError('E_UNKNOWN_TOKEN', `${JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input)}: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not one of the model's letters a-z and '${why}`);
}

const SPEC = {
  '--format': oneOf(FORMATS), '--model-only': 'flag', '--weights': weightsKind, '--no-homographs': 'flag',
  '--model': nonEmpty('a file, folder or bundled model name'), '--beam': beamWidth, '--unknown': oneOf(UNKNOWN), '--locale': oneOf(LOCALES),
} as const;

function parse(argv: readonly string[]): G2PArgs | 'help' {
  const { options: o, operands, help } = parseOptions(argv, SPEC);
  if (help) return 'help';
  return {
    format: o['--format'] ?? 'arpabet', weights: o['--weights'] ?? 'int8', modelOnly: o['--model-only'] === true,
    homographs: o['--no-homographs'] !== true, model: o['--model'], beam: o['--beam'], unknown: o['--unknown'] ?? 'skip', locale: o['--locale'], inputs: operands,
  };
}

/** A result as one JSON line: every field pronounce() gives, `warnings` only when there are some. */
export function jsonLine(r: G2PResult): string {
  return JSON.stringify(r.warnings.length > 0 ? r : { ...r, warnings: undefined });
}

/** The answers of the text path: stdout lines in order, and stderr lines written after the stdout before them. */
class Answers {
  failures = 0;
  private n = 0;
  private out = '';
  private readonly options: PronounceOptions;

  constructor(private readonly g: G2P, private readonly args: G2PArgs) {
    this.options = { unknown: args.unknown, ...(args.locale ? { locale: args.locale } : {}), ...(args.beam ? { beamSize: args.beam } : {}) };
  }

  /** Answers one input line (untrimmed; null: a line longer than MAX_LINE_CHARS, already cut). */
  line(raw: string | null): void {
    this.n++;
    if (raw === null) {
      this.fail('', 'E_INPUT_LENGTH', `line ${this.n} is longer than ${MAX_LINE_CHARS} characters: split the text into sentences or paragraphs`);
      return;
    }
    const input = raw.trim();
    if (!input && this.args.format !== 'json') { this.out += '\n'; return; }
    let r: G2PResult;
    try {
      r = this.g.pronounce(input, this.options);
    } catch (e) {
      if (!(e instanceof SeqattnError)) throw e;
      const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
      this.fail(input, e.code, e.message.includes(JSON.stringify(input).slice(0, 20)) ? e.message : `${JSON.stringify(shown)}: ${e.message}`);
      return;
    }
    this.out += `${printable(this.args.format === 'json' ? jsonLine(r) : `${input}  ${formatPronunciation(r, this.args.format as G2PFormat)}`)}\n`;
    if (r.warnings.length > 0) {
      this.flush(); // stdout first, so a terminal shows the lines in order
      for (const w of r.warnings) process.stderr.write(errorLine(`line ${this.n}: warning: ${w.message}`));
    }
  }

  /** The line's answer is an error: "INPUT  " (JSON: an error object) on stdout, the message on stderr. */
  private fail(input: string, code: string, message: string): void {
    this.out += `${printable(this.args.format === 'json' ? JSON.stringify({ text: input, tokens: [], error: { code, message } }) : `${input}  `)}\n`;
    this.flush();
    process.stderr.write(errorLine(message));
    this.failures++;
  }

  /** Writes what is answered; true if stdout took it without going over its buffer. */
  flush(): boolean {
    if (!this.out) return true;
    const more = process.stdout.write(this.out);
    this.out = '';
    return more;
  }

  /** Writes what is answered, then waits until stdout drains if it is full (backpressure on the reader). */
  async drain(): Promise<void> {
    if (!this.flush() || process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  }
}

/**
 * Feeds `input`'s lines to `answers` as they arrive: each chunk read is answered and written
 * (at most BATCH_LINES lines or BATCH_MS apart) before the next is read, and the next read waits
 * while stdout is full.
 * A line longer than MAX_LINE_CHARS is answered as null and its rest skipped up to its newline.
 */
async function streamLines(input: NodeJS.ReadableStream & AsyncIterable<string>, answers: Answers): Promise<void> {
  input.setEncoding('utf8');
  let partial = '';
  let skipping = false; // inside a line already answered as too long
  const take = (piece: string) => {
    if (skipping) { skipping = false; return; }
    answers.line(partial.length + piece.length > MAX_LINE_CHARS ? null : partial + piece);
    partial = '';
  };
  for await (const chunk of input) {
    let from = 0;
    let lines = 0;
    let since = performance.now();
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      take(chunk.slice(from, nl));
      from = nl + 1;
      if (++lines === BATCH_LINES || performance.now() - since > BATCH_MS) {
        await answers.drain();
        lines = 0;
        since = performance.now();
      }
    }
    if (!skipping && from < chunk.length) {
      partial += chunk.slice(from);
      if (partial.length > MAX_LINE_CHARS) { answers.line(null); partial = ''; skipping = true; }
    }
    await answers.drain();
  }
  if (partial && !skipping) answers.line(partial);
  await answers.drain();
}

/** Runs `seqattn g2p ARGS` on text; returns the exit status (0, or 1 if any input failed), or 'help'. */
async function runG2P(argv: readonly string[]): Promise<number | 'help'> {
  const args = parse(argv);
  if (args === 'help') return 'help';
  let g: G2P;
  const modelOptions = { maxBeamSize: Math.max(16, args.beam ?? 0), weights: args.weights };
  try {
    g = await loadG2P({
      lexicon: args.modelOnly ? false : undefined,
      homographs: args.homographs,
      model: args.model === undefined ? undefined : await loadModel(args.model, modelOptions),
      modelOptions,
    });
  } catch (e) {
    if (e instanceof SeqattnError) throw new CommandError(args.model && !e.message.includes(args.model) ? `cannot load model ${args.model}: ${e.message}` : e.message);
    throw e;
  }
  const answers = new Answers(g, args);
  try {
    if (args.inputs.length > 0) {
      for (const input of args.inputs) for (const l of input.split('\n')) answers.line(l.length > MAX_LINE_CHARS ? null : l);
      await answers.drain();
    } else {
      await streamLines(process.stdin, answers);
    }
  } finally {
    g.dispose();
  }
  return answers.failures > 0 ? 1 : 0;
}

const HELP = () => `Usage: seqattn g2p [OPTIONS] [TEXT...]

English text to phonemes: the dictionary, numbers, heteronyms, and the bundled model g2p-en for
the rest. One output line per input line, in order, "TEXT  PRONUNCIATION", words separated by
" | " in ARPAbet, punctuation kept. A blank line gives a blank line; a line that cannot be
pronounced gives "TEXT  " and its error on stderr (exit status 1 at the end). Standard input
streams: each line is answered as soon as it is read (a pipe or FIFO needs no EOF), and reading
waits while stdout is not read.
  --format F       arpabet (default, with stress digits), arpabet-nostress, ipa, or json (one
                   JSON object per line, blank lines too: every token with its phonemes and
                   source lexicon|model|homograph; a rejected line {"text", "tokens": [], "error"})
  --unknown U      a character outside what can be spoken (emoji, symbols, other scripts):
                   skip (default: left out, a warning on stderr), spell, or error (the line rejected)
  --locale L       digit grouping: en-US (default) or en-IN (1,00,000: one lakh)
  --model-only     the model for every word: no dictionary, no heteronyms
  --no-homographs  heteronyms take the dictionary's first pronunciation
  --beam N         beam search for the model's words
  --model PATH     another g2p model; --weights W its weight matrices (default int8)

With --attention, --svg, --nbest or --threads, each input is one word for the model alone, as
translate prints it (--format and --unknown are for text).

${MODEL_OUTPUT}
${MODEL_OPTIONS()}
Exit status: 0 ok, 1 runtime error (model, input, file), 2 usage error.
Examples:
  seqattn g2p "I read 2 books in 1990."
  seqattn g2p --format ipa "I refuse to collect the refuse."
  seqattn g2p --beam 5 --nbest 3 read
  seqattn g2p attention --attention --svg attention.svg
`;

export const g2pCommand: Command = {
  name: 'g2p',
  usage: 'g2p [OPTIONS] [TEXT...]',
  summary: 'English text to phonemes, streaming (seqattn g2p --help)',
  help: HELP,
  async run(argv) {
    if (!isModelPictureRequest(argv)) return runG2P(argv);
    const text = argv.find((a) => /^--(format|unknown|locale|model-only|no-homographs)(=|$)/.test(a));
    if (text) throw new UsageError(`${text.split('=')[0]} is for text; --attention, --svg, --nbest and --threads pronounce one word per line with the model alone`);
    const args = parseModelArgs('g2p', argv);
    if (args === 'help') return 'help';
    return runModel(args, modelWord);
  },
};
