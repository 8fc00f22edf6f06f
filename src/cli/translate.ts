/**
 * `seqattn translate --model PATH [INPUT...]`: translations from any model file, with n-best lists
 * and pictures of the attention a_ij (terminal grid, SVG heatmap). `seqattn g2p` with --attention,
 * --svg, --nbest or --threads runs here too, on one word per input under the model's input policy
 * (src/cli/g2p.ts modelWord), one output line per input line.
 *
 * Inputs and outputs (the model's vocabulary) reach the terminal through printable()
 * (src/cli/terminal.ts).
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SeqattnError, type TranslateOptions, type Translation } from '../node.js';
import { attentionToSvg, attentionToText } from '../render/index.js';
import { preview } from '../untrusted.js';
import { beamWidth, CommandError, MAX_BEAM, MAX_THREADS, nonEmpty, parseOptions, positiveInt, UsageError, weightsKind, type Command } from './args.js';
import { defaultThreads, openBackend, type Backend } from './pool.js';
import { Progress } from './progress.js';
import { colorFor, errorLine, printable, why } from './terminal.js';

/** The options of the model path (translate, and g2p's word-level view), as `--help` lists them. */
export const MODEL_OPTIONS = () => `Options:
  --model PATH     model file (.safetensors) or folder, or a bundled model name (g2p: default g2p-en)
  --beam N         beam search with N hypotheses, N <= ${MAX_BEAM} (default: greedy)
  --nbest K        print the K best hypotheses of the beam, K <= ${MAX_BEAM} (beam defaults to K)
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
`;

/** How the model path prints its results. */
export const MODEL_OUTPUT = `With no WORD/INPUT, reads standard input: one input per line, results in the same order; a
progress bar goes to stderr when stderr is a terminal or past 200 lines. translate skips blank
lines; g2p answers every line (a blank line with a blank line, a rejected word with "WORD  ").

Output: one line per input, "INPUT  OUTPUT" (two spaces). With --nbest, the input alone, then one
line per hypothesis, best first: "  RANK  LOG_P  OUTPUT" (LOG_P = log p(output | input)).
An output that hit the model's maximum length before </s> ends with " …".
--attention and --svg picture the best hypothesis.
`;

const HELP = () => `Usage: seqattn translate --model PATH [OPTIONS] [INPUT...]

Translates each INPUT (or each line of standard input) with any seqattn model file or folder.
For English text to phonemes, seqattn g2p (seqattn g2p --help).

${MODEL_OUTPUT}
${MODEL_OPTIONS()}
Exit status: 0 ok, 1 runtime error (model, input, file), 2 usage error.
Example:
  seqattn translate --model path/to/model.safetensors "some input" < more-inputs.txt
`;

/** The parsed command line of the model path. */
export interface ModelArgs {
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

const SPEC = {
  '--model': nonEmpty('a file, folder or bundled model name'), '--beam': beamWidth, '--nbest': beamWidth,
  '--attention': 'flag', '--svg': nonEmpty('a file name'), '--threads': positiveInt(MAX_THREADS), '--weights': weightsKind,
} as const;

/** The model path's argv (after the subcommand); 'help' for -h / --help. */
export function parseModelArgs(command: ModelArgs['command'], argv: readonly string[]): ModelArgs | 'help' {
  const { options: o, operands, help } = parseOptions(argv, SPEC);
  if (help) return 'help';
  if (command === 'translate' && o['--model'] === undefined) throw new UsageError('translate needs --model PATH');
  const args: ModelArgs = {
    command, model: o['--model'] ?? 'g2p-en', beam: o['--beam'], nbest: o['--nbest'], attention: o['--attention'] === true,
    svg: o['--svg'], threads: o['--threads'], weights: o['--weights'], inputs: operands,
  };
  if (args.beam !== undefined && args.nbest !== undefined && args.nbest > args.beam) {
    throw new UsageError(`--nbest ${args.nbest} is more than --beam ${args.beam}: the beam keeps at most ${args.beam} hypotheses`);
  }
  return args;
}

/** What one input gave: a translation, the one-line reason the model rejected it, or nothing (a blank g2p line). */
type Outcome = { input: string; result: Translation } | { input: string; error: string } | { input: '' };

class Runner {
  failures = 0;
  private svgCount = 0;
  private readonly color: boolean;
  private readonly options: TranslateOptions;

  /** `source`: what the model reads for an input (g2p: the input policy's one folded word). */
  constructor(private readonly model: Backend, private readonly args: ModelArgs, private readonly svgNumbered: boolean,
    private readonly source: (input: string) => string) {
    this.color = colorFor(process.stdout);
    this.options = args.beam !== undefined || args.nbest !== undefined
      ? { beamSize: args.beam ?? args.nbest, ...(args.nbest !== undefined ? { nBest: args.nbest } : {}) }
      : {};
  }

  /** Translates inputs in order; greedy inputs go through translateBatch together; '' stays a blank line. */
  async translate(inputs: string[]): Promise<Outcome[]> {
    if (inputs.length > 1 && this.options.beamSize === undefined && !inputs.includes('')) {
      try {
        return (await this.model.translateBatch(inputs.map((x) => this.source(x)), this.options)).map((result, k) => ({ input: inputs[k], result }));
      } catch (e) {
        if (!(e instanceof SeqattnError)) throw e;
        // One input was rejected: decode one by one to tell which.
      }
    }
    return Promise.all(inputs.map(async (input): Promise<Outcome> => {
      if (input === '') return { input };
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
      if (!('result' in o)) {
        if ('error' in o) {
          process.stderr.write(errorLine(o.error));
          this.failures++;
        }
        // g2p answers every line: a blank line, or the rejected word with no pronunciation
        if (this.args.command === 'g2p') out += 'error' in o ? `${printable(o.input)}  \n` : '\n';
        continue;
      }
      const t = o.result;
      if (this.args.nbest !== undefined && t.nBest) {
        out += `${printable(o.input)}\n`;
        t.nBest.forEach((h, k) => { out += `  ${k + 1}  ${h.score.toFixed(3)}  ${printable(h.text)}${h.finished ? '' : ' …'}\n`; });
      } else {
        out += `${printable(o.input)}  ${printable(t.text)}${t.finished ? '' : ' …'}\n`;
      }
      // the renderer shows control characters of tokens as U+FFFD (src/render/common.ts visible)
      if (this.args.attention) out += attentionToText(t, { color: this.color }) + '\n\n';
      if (this.args.svg !== undefined) {
        // reported, counted (exit 1), and the pronunciation is printed all the same
        try { this.writeSvg(o.input, t); } catch (e) {
          process.stderr.write(errorLine(e instanceof Error ? e.message : String(e)));
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
      throw new CommandError(`cannot write ${file}: ${why(e)}`);
    }
  }
}

/** 'out/a.svg', 3 -> 'out/a-3.svg'; 'a' -> 'a-3'. */
function numbered(file: string, n: number): string {
  const m = /^(.*?)(\.[^./\\]*)?$/.exec(file)!;
  return `${m[1]}-${n}${m[2] ?? ''}`;
}

/**
 * Reads inputs from stdin while decoding them: lines queue up as they arrive (so the progress
 * total grows ahead of the count done), and each turn decodes up to 64 queued lines (1 when stdin
 * is a terminal, to answer each line at once). Blank lines are skipped, or (g2p) kept as blank lines.
 */
async function readStdin(runner: Runner, backend: Backend, keepBlank: boolean): Promise<void> {
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
    if (line || keepBlank) { queue.push(line); progress.total++; }
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
    const more = process.stdout.write(text);
    progress.update();
    if (!more) await once(process.stdout, 'drain'); // a slow reader: decode no further ahead of it
    await new Promise((resolve) => setImmediate(resolve)); // let stdin deliver more lines
  }
  progress.finish();
}

/**
 * Runs the model path: `args.inputs`, else standard input. `source` maps an input to what the
 * model reads (identity for translate). Resolves to 0, or 1 if any input failed.
 */
export async function runModel(args: ModelArgs, source: (input: string) => string = (x) => x): Promise<number> {
  let model: Backend;
  const bulk = args.inputs.length === 0 && process.stdin.isTTY !== true; // many inputs from a pipe or file: worker threads pay off
  const weights = args.weights ?? (args.command === 'g2p' ? 'int8' : undefined);
  try {
    model = await openBackend(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0, args.nbest ?? 0), weights }, args.threads ?? defaultThreads(), bulk);
  } catch (e) {
    if (e instanceof SeqattnError) throw new CommandError(e.code === 'E_MODEL_NOT_FOUND' || e.message.includes(args.model) ? e.message : `cannot load model ${args.model}: ${e.message}`);
    throw e;
  }
  if (!model.attends && (args.attention || args.svg !== undefined)) {
    model.close();
    throw new CommandError(`${args.attention ? '--attention' : '--svg'}: ${args.model} is a ${model.config.architecture} model, which has no attention to draw`);
  }
  const runner = new Runner(model, args, args.inputs.length !== 1, source);
  try {
    if (args.inputs.length > 0) {
      process.stdout.write(runner.format(await runner.translate(args.inputs)));
    } else {
      await readStdin(runner, model, args.command === 'g2p');
    }
  } finally {
    model.close();
  }
  return runner.failures > 0 ? 1 : 0;
}

export const translateCommand: Command = {
  name: 'translate',
  usage: 'translate --model PATH [OPTIONS] [INPUT...]',
  summary: 'any seqattn model file or folder',
  help: HELP,
  async run(argv) {
    const args = parseModelArgs('translate', argv);
    if (args === 'help') return 'help';
    return runModel(args);
  },
};
