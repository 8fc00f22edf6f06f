/**
 * `seqattn g2p`: English text to phonemes with g2p() (dictionary, numbers, heteronyms, the model
 * for unknown words; int8 weights unless --weights float32, as the word-level path), one output
 * line per input line. The word-level model options (--attention, --svg, --nbest, --threads) stay
 * in src/cli.ts, on single words and the model alone.
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
import { scanArgs } from './args.js';

/** A mistake in the g2p command line: exit status 2 (src/cli.ts prints it as a usage error). */
export class G2PUsageError extends Error {}

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

/** Options only the word-level model path of src/cli.ts has (pictures, n-best lists, the worker pool). */
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

function parse(argv: readonly string[]): G2PArgs | 'help' {
  const args: G2PArgs = { format: 'arpabet', weights: 'int8', modelOnly: false, homographs: true, inputs: [] };
  for (const a of scanArgs(argv, (m) => new G2PUsageError(m))) {
    if (a.operand !== undefined) { args.inputs.push(a.operand); continue; }
    const { name, value, flag } = a;
    switch (name) {
      case '-h': case '--help': return 'help';
      case '--format': {
        const f = value();
        if (!(FORMATS as readonly string[]).includes(f)) throw new G2PUsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(f.slice(0, 40))}`);
        args.format = f as Format;
        break;
      }
      case '--model-only': flag(); args.modelOnly = true; break;
      case '--weights': {
        const w = value();
        if (w !== 'int8' && w !== 'float32') throw new G2PUsageError(`--weights must be int8 or float32, got ${JSON.stringify(w.slice(0, 40))}`);
        args.weights = w;
        break;
      }
      case '--no-homographs': flag(); args.homographs = false; break;
      case '--model': args.model = value(); if (!args.model) throw new G2PUsageError('--model needs a file, folder or bundled model name'); break;
      case '--beam': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new G2PUsageError(`--beam must be an integer from 1 to 64, got ${JSON.stringify(v.slice(0, 40))}`);
        args.beam = Number(v);
        break;
      }
      default: throw new G2PUsageError(`unknown option ${name}`);
    }
  }
  return args;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The output line for one input line, and its error (for stderr) if the input was rejected. */
function line(g: G2P, input: string, args: G2PArgs): { out: string; error?: string } {
  if (!input) return { out: '' };
  try {
    const r = g.pronounce(input, args.beam ? { beamSize: args.beam } : {});
    return { out: args.format === 'json' ? JSON.stringify(r) : `${input}  ${formatPronunciation(r, args.format as G2PFormat)}` };
  } catch (e) {
    if (!(e instanceof SeqattnError)) throw e;
    const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
    const message = e.message.startsWith(JSON.stringify(input).slice(0, 20)) ? e.message : `${JSON.stringify(shown)}: ${e.message}`;
    return {
      out: args.format === 'json' ? JSON.stringify({ text: input, tokens: [], error: { code: e.code, message } }) : `${input}  `,
      error: message,
    };
  }
}

/** Runs `seqattn g2p ARGS`; returns the exit status (0, or 1 if any input failed). */
export async function runG2P(argv: readonly string[], help: string): Promise<number> {
  const args = parse(argv);
  if (args === 'help') { process.stdout.write(help); return 0; }
  let g: G2P;
  try {
    g = await loadG2P({
      lexicon: args.modelOnly ? false : undefined,
      homographs: args.homographs,
      model: args.model === undefined ? undefined : await loadModel(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0), weights: args.weights }),
      modelOptions: { maxBeamSize: Math.max(16, args.beam ?? 0), weights: args.weights },
    });
  } catch (e) {
    if (e instanceof SeqattnError) throw new Error(args.model && !e.message.includes(args.model) ? `cannot load model ${args.model}: ${e.message}` : e.message);
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
      process.stderr.write(`seqattn: ${oneLine(r.error)}\n`);
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
