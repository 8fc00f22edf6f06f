/**
 * `seqattn g2p`: English text to phonemes with g2p() (dictionary, numbers, heteronyms, the model
 * for unknown words; int8 weights unless --weights float32, as the word-level path), one output
 * line per input line. The word-level model options (--attention, --svg, --nbest, --threads) run
 * the model path of src/cli/translate.ts, on single words and the model alone.
 *
 * Output: "INPUT  PRONUNCIATION" per line; ARPAbet words separated by " | ", punctuation kept;
 * --format json gives the whole result (every word with its parts and source) as one JSON line.
 * A line the input policy rejects (an emoji, another script) prints "INPUT  " (empty pronunciation)
 * on stdout and its error on stderr, so stdout keeps one line per input line; a blank line gives a
 * blank line; the exit status is 1 at the end if any line failed.
 */
import { createInterface } from 'node:readline';
import { SeqattnError } from '../errors.js';
import { formatPronunciation, type G2P, type G2PFormat } from '../g2p/g2p.js';
import { fold } from '../g2p/text.js';
import { loadG2P, loadModel } from '../node.js';
import { CommandError, nonEmpty, oneOf, parseOptions, beamWidth, weightsKind, type Command } from './args.js';
import { MODEL_OPTIONS, MODEL_OUTPUT, parseModelArgs, runModel } from './translate.js';
import { errorLine, printable } from './terminal.js';

const FORMATS = ['arpabet', 'arpabet-nostress', 'ipa', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface G2PArgs {
  format: Format;
  weights: 'int8' | 'float32';
  modelOnly: boolean;
  homographs: boolean;
  model?: string;
  beam?: number;
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
  '--model': nonEmpty('a file, folder or bundled model name'), '--beam': beamWidth,
} as const;

function parse(argv: readonly string[]): G2PArgs | 'help' {
  const { options: o, operands, help } = parseOptions(argv, SPEC);
  if (help) return 'help';
  return {
    format: o['--format'] ?? 'arpabet', weights: o['--weights'] ?? 'int8', modelOnly: o['--model-only'] === true,
    homographs: o['--no-homographs'] !== true, model: o['--model'], beam: o['--beam'], inputs: operands,
  };
}

/** The output line for one input line, and its error (for stderr) if the input was rejected. */
function line(g: G2P, input: string, args: G2PArgs): { out: string; error?: string } {
  if (!input) return { out: '' };
  try {
    const r = g.pronounce(input, args.beam ? { beamSize: args.beam } : {});
    return { out: printable(args.format === 'json' ? JSON.stringify(r) : `${input}  ${formatPronunciation(r, args.format as G2PFormat)}`) };
  } catch (e) {
    if (!(e instanceof SeqattnError)) throw e;
    const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
    const message = e.message.startsWith(JSON.stringify(input).slice(0, 20)) ? e.message : `${JSON.stringify(shown)}: ${e.message}`;
    return {
      out: printable(args.format === 'json' ? JSON.stringify({ text: input, tokens: [], error: { code: e.code, message } }) : `${input}  `),
      error: message,
    };
  }
}

/** Runs `seqattn g2p ARGS` on text; returns the exit status (0, or 1 if any input failed). */
async function runG2P(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') { process.stdout.write(HELP()); return 0; }
  let g: G2P;
  try {
    g = await loadG2P({
      lexicon: args.modelOnly ? false : undefined,
      homographs: args.homographs,
      model: args.model === undefined ? undefined : await loadModel(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0), weights: args.weights }),
      modelOptions: { maxBeamSize: Math.max(16, args.beam ?? 0), weights: args.weights },
    });
  } catch (e) {
    if (e instanceof SeqattnError) throw new CommandError(args.model && !e.message.includes(args.model) ? `cannot load model ${args.model}: ${e.message}` : e.message);
    throw e;
  }
  let failures = 0;
  let buffer = '';
  const emit = (input: string, interactive: boolean) => {
    const r = line(g, input, args);
    buffer += `${r.out}\n`;
    if (r.error !== undefined) {
      process.stdout.write(buffer); // stdout first, so a terminal shows the lines in order
      buffer = '';
      process.stderr.write(errorLine(r.error));
      failures++;
    }
    if (interactive || buffer.length > 1 << 16) { process.stdout.write(buffer); buffer = ''; }
  };
  try {
    if (args.inputs.length > 0) {
      for (const input of args.inputs) for (const l of input.split(/\r?\n/)) emit(l.trim(), false);
    } else {
      const interactive = process.stdin.isTTY === true;
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
      for await (const raw of lines) emit(raw.trim(), interactive);
    }
    process.stdout.write(buffer);
  } finally {
    g.dispose();
  }
  return failures > 0 ? 1 : 0;
}

const HELP = () => `Usage: seqattn g2p [OPTIONS] [TEXT...]

English text to phonemes: the dictionary, numbers, heteronyms, and the bundled model g2p-en for
the rest. One line per input line (stdin too: a blank line gives a blank line, a rejected line an
empty pronunciation and its error on stderr, exit status 1 at the end), "TEXT  PRONUNCIATION",
words separated by " | " in ARPAbet, punctuation kept.
  --format F       arpabet (default, with stress digits), arpabet-nostress, ipa, or json (one
                   JSON object per line: every word with its phonemes and source lexicon|model|homograph)
  --model-only     the model for every word: no dictionary, no heteronyms
  --no-homographs  heteronyms take the dictionary's first pronunciation
  --beam N         beam search for the model's words
  --model PATH     another g2p model; --weights W its weight matrices (default int8)

With --attention, --svg, --nbest or --threads, each input is one word for the model alone, as
translate prints it:
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
    const args = parseModelArgs('g2p', argv);
    if (args === 'help') { process.stdout.write(HELP()); return 0; }
    return runModel(args, modelWord);
  },
};
