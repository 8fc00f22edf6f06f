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
import { loadModel, SeqattnError, type Seq2SeqModel, type TranslateOptions, type Translation } from './node.js';
import { attentionToSvg, attentionToText } from './render/index.js';
import { quantizeCommand } from './cli-quantize.js';

const HELP = `Usage:
  seqattn g2p [OPTIONS] [WORD...]                      English pronunciations (bundled model g2p-en)
  seqattn translate --model PATH [OPTIONS] [INPUT...]  any seqattn model file or folder
  seqattn quantize IN.safetensors OUT.safetensors      int8 model file (seqattn quantize --help)

With no WORD/INPUT, reads standard input: one input per line (blank lines skipped), results in
the same order; a progress bar goes to stderr when stderr is a terminal or past 200 lines.

Output: one line per input, "INPUT  OUTPUT" (two spaces). With --nbest, the input alone, then one
line per hypothesis, best first: "  RANK  LOG_P  OUTPUT" (LOG_P = log p(output | input)).
An output that hit the model's maximum length before </s> ends with " …".
--attention and --svg picture the best hypothesis.

Options:
  --model PATH     model file (.safetensors) or folder, or a bundled model name (g2p: default g2p-en)
  --beam N         beam search with N hypotheses (default: greedy)
  --nbest K        print the K best hypotheses of the beam (beam defaults to K)
  --attention      draw the alignment a_ij under each result: output tokens down, source across;
                   256-colour cells on a colour terminal, else shades ' ░▒▓█' (NO_COLOR turns
                   colour off, FORCE_COLOR on)
  --svg FILE       write the alignment as an SVG heatmap; with one INPUT argument to FILE,
                   otherwise one file per input numbered in input order: FILE-1.svg, FILE-2.svg...
  -h, --help       this help
  -V, --version    the version

Exit status: 0 ok, 1 runtime error (model, input, file), 2 usage error.
Examples:
  seqattn g2p attention
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
  inputs: string[];
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('no subcommand: expected g2p or translate');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command === '-V' || command === '--version') return 'version';
  if (command !== 'g2p' && command !== 'translate') {
    throw new UsageError(command.startsWith('-') ? `expected a subcommand (g2p or translate) before ${command}` : `unknown subcommand ${JSON.stringify(command)}: expected g2p or translate`);
  }
  const args: Args = { command, model: command === 'g2p' ? 'g2p-en' : '', attention: false, inputs: [] };
  let modelGiven = false;
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    if (a === '--') { args.inputs.push(...rest.slice(k + 1)); break; }
    if (!a.startsWith('-') || a === '-') { args.inputs.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    const inline = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = rest[k + 1];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      k++;
      return v;
    };
    const flag = () => { if (inline !== undefined) throw new UsageError(`${name} takes no value`); };
    switch (name) {
      case '-h': case '--help': return 'help';
      case '-V': case '--version': return 'version';
      case '--model': args.model = value(); modelGiven = true; break;
      case '--beam': args.beam = positiveInt(name, value()); break;
      case '--nbest': args.nbest = positiveInt(name, value()); break;
      case '--attention': flag(); args.attention = true; break;
      case '--svg': args.svg = value(); if (!args.svg) throw new UsageError('--svg needs a file name'); break;
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

function positiveInt(name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
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

/** Progress on stderr: a bar redrawn in place on a terminal, a line every few seconds otherwise. */
class Progress {
  private readonly tty: boolean;
  private readonly start = performance.now();
  private last = 0;
  private shown = false;
  done = 0;
  total = 0;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly allowed: boolean) {
    this.tty = stream.isTTY === true;
  }

  private get on(): boolean { return this.allowed && (this.tty || this.total > 200); }

  private rate(): number { return this.done / Math.max(1e-9, (performance.now() - this.start) / 1000); }

  /** Redraws when due (every 100 ms on a terminal, 2 s otherwise). */
  update(): void {
    if (!this.on) return;
    const now = performance.now();
    if (now - this.last < (this.tty ? 100 : 2000)) return;
    this.last = now;
    const what = `${this.done}/${this.total} words  ${Math.round(this.rate())} words/s`;
    if (this.tty) {
      const width = 24;
      const fill = Math.round((width * this.done) / Math.max(1, this.total));
      this.stream.write(`\r\x1b[K[${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${what}`);
      this.shown = true;
    } else {
      this.stream.write(`seqattn: ${what}\n`);
    }
  }

  /** Erases the bar (before writing to stdout, which shares the terminal). */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
    this.last = 0;
  }

  finish(): void {
    this.clear();
    if (this.on && !this.tty) {
      const secs = (performance.now() - this.start) / 1000;
      this.stream.write(`seqattn: ${this.done} words in ${secs.toFixed(1)} s (${Math.round(this.rate())} words/s)\n`);
    }
  }
}

/** What one input gave: a translation, or the one-line reason the model rejected it. */
type Outcome = { input: string; result: Translation } | { input: string; error: string };

class Runner {
  failures = 0;
  private svgCount = 0;
  private readonly color: boolean;
  private readonly options: TranslateOptions;

  constructor(private readonly model: Seq2SeqModel, private readonly args: Args, private readonly svgNumbered: boolean) {
    this.color = colorFor(process.stdout);
    this.options = args.beam !== undefined || args.nbest !== undefined
      ? { beamSize: args.beam ?? args.nbest, ...(args.nbest !== undefined ? { nBest: args.nbest } : {}) }
      : {};
  }

  /** Translates inputs in order; greedy inputs go through translateBatch together. */
  translate(inputs: string[]): Outcome[] {
    if (inputs.length > 1 && this.options.beamSize === undefined) {
      try {
        return this.model.translateBatch(inputs, this.options).map((result, k) => ({ input: inputs[k], result }));
      } catch (e) {
        if (!(e instanceof SeqattnError)) throw e;
        // One input was rejected: decode one by one to tell which.
      }
    }
    return inputs.map((input) => {
      try {
        return { input, result: this.model.translate(input, this.options) };
      } catch (e) {
        if (e instanceof SeqattnError && e.code === 'E_OPTION') throw new UsageError(e.message);
        if (e instanceof SeqattnError) return { input, error: e.message.includes(JSON.stringify(input)) ? e.message : `${JSON.stringify(input)}: ${e.message}` };
        throw e;
      }
    });
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
      if (this.args.svg !== undefined) this.writeSvg(o.input, t);
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
async function readStdin(runner: Runner): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const progress = new Progress(process.stderr, !interactive);
  const chunkSize = interactive ? 1 : 64;
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
    if (queue.length === 0) {
      if (ended) break;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
      continue;
    }
    const chunk = queue.splice(0, chunkSize);
    if (paused && queue.length < HIGH / 2) { paused = false; lines.resume(); }
    const text = runner.format(runner.translate(chunk));
    progress.done += chunk.length;
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
  if (argv[0] === 'quantize') return quantizeCommand(argv.slice(1));
  const args = parseArgs(argv);
  if (args === 'help') { process.stdout.write(HELP); return 0; }
  if (args === 'version') { process.stdout.write(`seqattn ${version()}\n`); return 0; }
  let model: Seq2SeqModel;
  try {
    model = await loadModel(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0, args.nbest ?? 0) });
  } catch (e) {
    if (e instanceof SeqattnError) throw new RuntimeError(e.code === 'E_MODEL_NOT_FOUND' || e.message.includes(args.model) ? e.message : `cannot load model ${args.model}: ${e.message}`);
    throw e;
  }
  if (!model.attends && (args.attention || args.svg !== undefined)) {
    model.dispose();
    throw new RuntimeError(`${args.attention ? '--attention' : '--svg'}: ${args.model} is a ${model.config.architecture} model, which has no attention to draw`);
  }
  const runner = new Runner(model, args, args.inputs.length !== 1);
  if (args.inputs.length > 0) {
    process.stdout.write(runner.format(runner.translate(args.inputs)));
  } else {
    await readStdin(runner);
  }
  model.dispose();
  return runner.failures > 0 ? 1 : 0;
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // the reader went away (| head)
  throw e;
});

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  const usage = e instanceof UsageError;
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`seqattn: ${oneLine(message)}${usage ? ' (seqattn --help for usage)' : ''}\n`);
  if (process.env.SEQATTN_DEBUG && e instanceof Error && !usage && !(e instanceof RuntimeError)) process.stderr.write(`${e.stack}\n`);
  process.exitCode = usage ? 2 : 1;
});
