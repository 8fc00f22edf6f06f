#!/usr/bin/env node
/**
 * The `seqattn` command: pronunciations from the bundled G2P model, translations from any model
 * file, and pictures of the attention a_ij (terminal grid, SVG heatmap).
 *
 * Exit codes: 0 ok; 1 runtime error (model not found or damaged, an input the model rejects, a
 * file that cannot be written); 2 usage error (unknown subcommand or option, bad option value).
 * Every error is one line on stderr, starting `seqattn: `.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SeqattnError, type TranslateOptions, type Translation } from './node.js';
import { attentionToSvg, attentionToText } from './render/index.js';
import { G2PUsageError, isModelPictureRequest, modelWord, runG2P } from './cli/g2p.js';
import { inspectCommand } from './cli-inspect.js';
import { preview } from './untrusted.js';
import { Progress } from './cli-progress.js';
import { runCaption } from './captioner/cli.js';
import { quantizeCommand } from './cli-quantize.js';
import { scanArgs } from './cli/args.js';
import { defaultThreads, maxThreads, openBackend, type Backend } from './cli-pool.js';

const HELP = `Usage:
  seqattn g2p [OPTIONS] [TEXT...]                      English text to phonemes (dictionary, numbers,
                                                       heteronyms; the bundled model g2p-en for the rest)
  seqattn translate --model PATH [OPTIONS] [INPUT...]  any seqattn model file or folder
  seqattn inspect FILE_OR_FOLDER [--json]              tensors, config, and the presets that fit
  seqattn caption --model PATH --features FILE         a captioner on image features (caption --help)
  seqattn quantize IN.safetensors OUT.safetensors      int8 model file (seqattn quantize --help)

g2p: one line per input line (stdin too: a blank line gives a blank line, a rejected line an
empty pronunciation and its error on stderr, exit status 1 at the end), "TEXT  PRONUNCIATION",
words separated by " | " in ARPAbet, punctuation kept. With --attention, --svg, --nbest or
--threads, each input is one word for the model alone, as translate prints it.
  --format F       arpabet (default, with stress digits), arpabet-nostress, ipa, or json (one
                   JSON object per line: every word with its phonemes and source lexicon|model|homograph)
  --model-only     the model for every word: no dictionary, no heteronyms
  --no-homographs  heteronyms take the dictionary's first pronunciation

With no WORD/INPUT, reads standard input: one input per line (blank lines skipped), results in
the same order; a progress bar goes to stderr when stderr is a terminal or past 200 lines.

Output: one line per input, "INPUT  OUTPUT" (two spaces). With --nbest, the input alone, then one
line per hypothesis, best first: "  RANK  LOG_P  OUTPUT" (LOG_P = log p(output | input)).
An output that hit the model's maximum length before </s> ends with " …".
--attention and --svg picture the best hypothesis.

Options:
  --model PATH     model file (.safetensors) or folder, or a bundled model name (g2p: default g2p-en)
  --beam N         beam search with N hypotheses, N <= 64 (default: greedy)
  --nbest K        print the K best hypotheses of the beam, K <= 64 (beam defaults to K)
  --attention      draw the alignment a_ij under each result: output tokens down, source across;
                   256-colour cells on a colour terminal, else shades ' ░▒▓█' (NO_COLOR turns
                   colour off, FORCE_COLOR on)
  --svg FILE       write the alignment as an SVG heatmap; with one INPUT argument to FILE,
                   otherwise one file per input numbered in input order: FILE-1.svg, FILE-2.svg...
  --threads N      worker threads for standard input (default: the machine's cores, here ${defaultThreads()};
                   g2p: the word-level model path, each line one word)
  --weights W      int8 or float32 weight matrices (g2p default: int8, the bundled int8 file, WER
                   within 0.02 points of float32; translate default: as the model file is)
  -h, --help       this help
  -V, --version    the version

Exit status: 0 ok, 1 runtime error (model, input, file), 2 usage error.
Examples:
  seqattn g2p "I read 2 books in 1990."
  seqattn g2p --format ipa "I refuse to collect the refuse."
  seqattn g2p --beam 5 --nbest 3 read
  seqattn g2p attention --attention --svg attention.svg
  seqattn translate --model path/to/model.safetensors "some input" < more-inputs.txt
`;

/** A mistake in the command line: exit status 2. */
class UsageError extends Error {}
/** Anything else that stops the command: exit status 1. */
class RuntimeError extends Error {}

interface Args {
  command: 'g2p' | 'translate';
  model: string;
  beam?: number;
  nbest?: number;
  attention: boolean;
  svg?: string;
  threads?: number;
  weights?: 'int8' | 'float32';
  inputs: string[];
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('no subcommand: expected g2p, translate, caption or quantize');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command === '-V' || command === '--version') return 'version';
  if (command !== 'g2p' && command !== 'translate') {
    throw new UsageError(command.startsWith('-') ? `expected a subcommand (g2p, translate, caption, inspect or quantize) before ${command}` : `unknown subcommand ${preview(command, 40)}: expected g2p, translate, caption, inspect or quantize`);
  }
  const args: Args = { command, model: command === 'g2p' ? 'g2p-en' : '', attention: false, inputs: [] };
  let modelGiven = false;
  for (const a of scanArgs(rest, (m) => new UsageError(m))) {
    if (a.operand !== undefined) { args.inputs.push(a.operand); continue; }
    const { name, value, flag } = a;
    switch (name) {
      case '-h': case '--help': return 'help';
      case '-V': case '--version': return 'version';
      case '--model': args.model = value(); modelGiven = true; break;
      case '--beam': args.beam = positiveInt(name, value(), MAX_BEAM); break;
      case '--nbest': args.nbest = positiveInt(name, value(), MAX_BEAM); break;
      case '--attention': flag(); args.attention = true; break;
      case '--svg': args.svg = value(); if (!args.svg) throw new UsageError('--svg needs a file name'); break;
      case '--threads': args.threads = positiveInt(name, value(), maxThreads()); break;
      case '--weights': { const w = value(); if (w !== 'int8' && w !== 'float32') throw new UsageError(`--weights must be int8 or float32, got ${JSON.stringify(w)}`); args.weights = w; break; }
      default: throw new UsageError(`unknown option ${name}`);
    }
  }
  if (command === 'translate' && !modelGiven) throw new UsageError('translate needs --model PATH');
  if (!args.model) throw new UsageError('--model needs a file, folder or bundled model name');
  if (args.beam !== undefined && args.nbest !== undefined && args.nbest > args.beam) {
    throw new UsageError(`--nbest ${args.nbest} is more than --beam ${args.beam}: the beam keeps at most ${args.beam} hypotheses`);
  }
  return args;
}

/**
 * Widest --beam / --nbest: a beam's cost grows with its width times the vocabulary at every step
 * (--beam 100000 on one word took 3 minutes and 4 GB), and widths past a few dozen stop helping.
 */
const MAX_BEAM = 64;

function positiveInt(name: string, v: string, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} must be a positive integer, got ${preview(v, 20)}`);
  if (Number(v) > max) throw new UsageError(`${name} is ${v}, at most ${max}`);
  return Number(v);
}

/** 256 colours for --attention: on a colour terminal unless NO_COLOR; FORCE_COLOR forces it (https://no-color.org). */
function colorFor(stream: NodeJS.WriteStream): boolean {
  const env = process.env;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  if (!stream.isTTY || env.TERM === 'dumb') return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors(256) : false;
}

/** What one input gave: a translation, or the one-line reason the model rejected it. */
type Outcome = { input: string; result: Translation } | { input: string; error: string };

class Runner {
  failures = 0;
  private svgCount = 0;
  private readonly color: boolean;
  private readonly options: TranslateOptions;

  constructor(private readonly model: Backend, private readonly args: Args, private readonly svgNumbered: boolean) {
    this.color = colorFor(process.stdout);
    this.options = args.beam !== undefined || args.nbest !== undefined
      ? { beamSize: args.beam ?? args.nbest, ...(args.nbest !== undefined ? { nBest: args.nbest } : {}) }
      : {};
  }

  /** What the model reads for an input: for g2p, the input policy's one folded word (src/cli/g2p.ts). */
  private source(input: string): string {
    return this.args.command === 'g2p' ? modelWord(input) : input;
  }

  /** Translates inputs in order; greedy inputs go through translateBatch together. */
  async translate(inputs: string[]): Promise<Outcome[]> {
    if (inputs.length > 1 && this.options.beamSize === undefined) {
      try {
        return (await this.model.translateBatch(inputs.map((x) => this.source(x)), this.options)).map((result, k) => ({ input: inputs[k], result }));
      } catch (e) {
        if (!(e instanceof SeqattnError)) throw e;
        // One input was rejected: decode one by one to tell which.
      }
    }
    return Promise.all(inputs.map(async (input): Promise<Outcome> => {
      try {
        return { input, result: await this.model.translate(this.source(input), this.options) };
      } catch (e) {
        if (e instanceof SeqattnError && e.code === 'E_OPTION') throw new UsageError(e.message);
        // name the input once, and by a short prefix: a 100 kB line is not echoed whole
        if (e instanceof SeqattnError) return { input, error: e.message.includes(preview(input, 40)) ? e.message : `${preview(input, 40)}: ${e.message}` };
        throw e;
      }
    }));
  }

  /** stdout text for the outcomes; errors go to stderr, SVG files are written. */
  format(outcomes: Outcome[]): string {
    let out = '';
    for (const o of outcomes) {
      if ('error' in o) {
        process.stderr.write(`seqattn: ${oneLine(o.error)}\n`);
        this.failures++;
        continue;
      }
      const t = o.result;
      if (this.args.nbest !== undefined && t.nBest) {
        out += `${o.input}\n`;
        t.nBest.forEach((h, k) => { out += `  ${k + 1}  ${h.score.toFixed(3)}  ${h.text}${h.finished ? '' : ' …'}\n`; });
      } else {
        out += `${o.input}  ${t.text}${t.finished ? '' : ' …'}\n`;
      }
      if (this.args.attention) out += attentionToText(t, { color: this.color }) + '\n\n';
      if (this.args.svg !== undefined) {
        // reported, counted (exit 1), and the pronunciation is printed all the same
        try { this.writeSvg(o.input, t); } catch (e) {
          process.stderr.write(`seqattn: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
          this.failures++;
        }
      }
    }
    return out;
  }

  private writeSvg(input: string, t: Translation): void {
    const file = this.svgNumbered ? numbered(this.args.svg!, ++this.svgCount) : this.args.svg!;
    try {
      writeFileSync(file, attentionToSvg(t, { title: `${input} → ${t.text}` }));
    } catch (e) {
      throw new RuntimeError(`cannot write ${file}: ${why(e)}`);
    }
  }
}

/** 'out/a.svg', 3 -> 'out/a-3.svg'; 'a' -> 'a-3'. */
function numbered(file: string, n: number): string {
  const m = /^(.*?)(\.[^./\\]*)?$/.exec(file)!;
  return `${m[1]}-${n}${m[2] ?? ''}`;
}

/** 'ENOENT: no such file or directory' for a file system error. */
function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a parent is not a directory', EROFS: 'read-only file system', ENOSPC: 'no space left on device' };
  return err.code ? `${err.code}${words[err.code] ? ` (${words[err.code]})` : ''}` : err.message;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Reads inputs from stdin while decoding them: lines queue up as they arrive (so the progress
 * total grows ahead of the count done), and each turn decodes up to 64 queued lines (1 when stdin
 * is a terminal, to answer each line at once).
 */
async function readStdin(runner: Runner, backend: Backend): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const progress = new Progress(process.stderr, !interactive);
  const chunkSize = interactive ? 1 : backend.chunkSize;
  // Up to `depth` chunks decode at once (workers busy while this thread writes); output stays in order.
  const running: { n: number; outcomes: Promise<Outcome[]> }[] = [];
  const HIGH = 100_000; // queued lines at which reading pauses until decoding catches up
  const queue: string[] = [];
  let ended = false;
  let paused = false;
  let wake: (() => void) | undefined;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line) { queue.push(line); progress.total++; }
    if (queue.length >= HIGH && !paused) { paused = true; lines.pause(); }
    wake?.();
  });
  lines.on('close', () => { ended = true; wake?.(); });
  for (;;) {
    if (queue.length > 0 && running.length < backend.depth) {
      const chunk = queue.splice(0, chunkSize);
      if (paused && queue.length < HIGH / 2) { paused = false; lines.resume(); }
      const outcomes = runner.translate(chunk);
      outcomes.catch(() => {}); // awaited in order below; not an unhandled rejection meanwhile
      running.push({ n: chunk.length, outcomes });
      continue;
    }
    if (running.length === 0) {
      if (ended) break;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
      continue;
    }
    const done = running.shift()!;
    const text = runner.format(await done.outcomes);
    progress.done += done.n;
    progress.clear();
    process.stdout.write(text);
    progress.update();
    await new Promise((resolve) => setImmediate(resolve)); // let stdin deliver more lines
  }
  progress.finish();
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'g2p' && !isModelPictureRequest(argv)) return runG2P(argv.slice(1), HELP);
  if (argv[0] === 'inspect') { process.stdout.write(inspectCommand(argv.slice(1), (m) => new UsageError(m))); return 0; }
  if (argv[0] === 'caption') return runCaption(argv.slice(1));
  if (argv[0] === 'quantize') return quantizeCommand(argv.slice(1));
  const args = parseArgs(argv);
  if (args === 'help') { process.stdout.write(HELP); return 0; }
  if (args === 'version') { process.stdout.write(`seqattn ${version()}\n`); return 0; }
  let model: Backend;
  const bulk = args.inputs.length === 0 && process.stdin.isTTY !== true; // many inputs from a pipe or file: worker threads pay off
  const weights = args.weights ?? (args.command === 'g2p' ? 'int8' : undefined);
  try {
    model = await openBackend(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0, args.nbest ?? 0), weights }, args.threads ?? defaultThreads(), bulk);
  } catch (e) {
    if (e instanceof SeqattnError) throw new RuntimeError(e.code === 'E_MODEL_NOT_FOUND' || e.message.includes(args.model) ? e.message : `cannot load model ${args.model}: ${e.message}`);
    throw e;
  }
  if (!model.attends && (args.attention || args.svg !== undefined)) {
    model.close();
    throw new RuntimeError(`${args.attention ? '--attention' : '--svg'}: ${args.model} is a ${model.config.architecture} model, which has no attention to draw`);
  }
  const runner = new Runner(model, args, args.inputs.length !== 1);
  try {
    if (args.inputs.length > 0) {
      process.stdout.write(runner.format(await runner.translate(args.inputs)));
    } else {
      await readStdin(runner, model);
    }
  } finally {
    model.close();
  }
  return runner.failures > 0 ? 1 : 0;
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // the reader went away (| head)
  process.stderr.write(`seqattn: cannot write to standard output: ${why(e)}\n`); // e.g. > /dev/full
  process.exit(1);
});

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  const usage = e instanceof UsageError || e instanceof G2PUsageError;
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`seqattn: ${oneLine(message)}${usage ? ' (seqattn --help for usage)' : ''}\n`);
  if (process.env.SEQATTN_DEBUG && e instanceof Error && !usage && !(e instanceof RuntimeError)) process.stderr.write(`${e.stack}\n`);
  process.exitCode = usage ? 2 : 1;
});
