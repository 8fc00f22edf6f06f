/**
 * What a subcommand of `seqattn` is, and how its argv is read: the one scanner (operands, `--`,
 * `--name value`, `--name=value`, flags, in the order given), the one option parser on top of it,
 * the value parsers the subcommands share (`--beam`, `--weights`, ...) and the two errors every
 * subcommand throws: UsageError (exit status 2) and CommandError (exit status 1). src/cli/main.ts
 * turns them into the one line on stderr and the exit status.
 */
import { availableParallelism } from 'node:os';
import { maxWorkers } from '../pool/pool.js';
import { preview } from '../untrusted.js';

/** A subcommand: its row in the table of src/cli/main.ts. */
export interface Command {
  readonly name: string;
  /** The synopsis after `seqattn `, and the one-line summary, for the command list of `seqattn --help`. */
  readonly usage: string;
  readonly summary: string;
  /** `seqattn NAME --help`. */
  help(): string;
  /**
   * Runs on argv after the name; resolves to the exit status (0 ok, 1 some input failed), or to
   * 'help' for -h / --help (src/cli/main.ts prints help() and exits 0), or throws.
   */
  run(argv: readonly string[]): Promise<number | 'help'>;
}

/** A mistake in the command line: exit status 2, "(seqattn COMMAND --help for usage)". */
export class UsageError extends Error {}
/** Anything else that stops the command (a file that cannot be written, a model without attention): exit status 1. */
export class CommandError extends Error {}

/** An item of argv: an operand, or an option whose value the caller asks for (or forbids). */
export type ArgItem =
  | { readonly operand: string }
  | { readonly operand?: undefined; readonly name: string; value(): string; flag(): void };

/**
 * Walks `argv`: `-` and words not starting with `-` are operands, and so is everything after `--`;
 * an option's `value()` is its `=value` or the next argument, `flag()` refuses a `=value`.
 * Errors are `usage(message)`.
 */
export function* scanArgs(argv: readonly string[], usage: (message: string) => Error = (m) => new UsageError(m)): Generator<ArgItem, void, undefined> {
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--') {
      for (const rest of argv.slice(k + 1)) yield { operand: rest };
      return;
    }
    if (!a.startsWith('-') || a === '-') { yield { operand: a }; continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    const inline = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
    yield {
      name,
      value: () => {
        if (inline !== undefined) return inline;
        const v = argv[k + 1];
        if (v === undefined) throw usage(`${name} needs a value`);
        k++;
        return v;
      },
      flag: () => { if (inline !== undefined) throw usage(`${name} takes no value`); },
    };
  }
}

/** An option: a flag, or a parser of its value (`name` for messages) that throws UsageError. */
export type OptionKind = 'flag' | ((value: string, name: string) => unknown);
export type OptionSpec = Readonly<Record<string, OptionKind>>;
/** The values parsed under a spec: `true` for a flag given, the parser's result for a value; absent if not given. */
export type OptionValues<S extends OptionSpec> = {
  -readonly [K in keyof S]?: S[K] extends 'flag' ? true : S[K] extends (value: string, name: string) => infer T ? T : never;
};

/**
 * The one option parser: `spec` names every option a subcommand takes (`--name` -> kind);
 * `-h`/`--help` anywhere asks for the help. A later option overrides an earlier one.
 * @example
 *   const p = parseOptions(argv, { '--beam': positiveInt(64), '--svg': fileName, '--attention': 'flag' });
 *   if (p.help) ...; p.options.beam; p.operands
 */
export function parseOptions<S extends OptionSpec>(argv: readonly string[], spec: S): { options: OptionValues<S>; operands: string[]; help: boolean } {
  const options: Record<string, unknown> = {};
  const operands: string[] = [];
  let help = false;
  for (const a of scanArgs(argv)) {
    if (a.operand !== undefined) { operands.push(a.operand); continue; }
    if (a.name === '-h' || a.name === '--help') { help = true; continue; }
    const kind = Object.prototype.hasOwnProperty.call(spec, a.name) ? spec[a.name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown option ${a.name.length > 40 ? `${a.name.slice(0, 40)}…` : a.name}`);
    if (kind === 'flag') { a.flag(); options[a.name] = true; } else options[a.name] = kind(a.value(), a.name);
  }
  return { options: options as OptionValues<S>, operands, help };
}

/** `--beam N`, `--threads N`: an integer from 1 to `max`. */
export function positiveInt(max: number): (v: string, name: string) => number {
  return (v, name) => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} must be a positive integer, got ${preview(v, 20)}`);
    if (Number(v) > max) throw new UsageError(`${name} is ${v}, at most ${max}`);
    return Number(v);
  };
}

/** `--format F`, `--weights W`: one of `values`. */
export function oneOf<const T extends string>(values: readonly T[]): (v: string, name: string) => T {
  const list = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return (v, name) => {
    if (!(values as readonly string[]).includes(v)) throw new UsageError(`${name} must be ${list}, got ${preview(v, 40)}`);
    return v as T;
  };
}

/** A value that must not be empty (a file name, a model name): `what` says what it names. */
export function nonEmpty(what: string): (v: string, name: string) => string {
  return (v, name) => {
    if (!v) throw new UsageError(`${name} needs ${what}`);
    return v;
  };
}

/**
 * Widest --beam / --nbest: a beam's cost grows with its width times the vocabulary at every step
 * (--beam 100000 on one word took 3 minutes and 4 GB), and widths past a few dozen stop helping.
 */
export const MAX_BEAM = 64;
/** Most --threads: the pool's bound (src/pool/pool.ts maxWorkers: 2 x cores, at least 4; each worker holds its own copy of the model). */
export const MAX_THREADS = maxWorkers(availableParallelism());
/** `--beam N`, as every subcommand with a beam reads it. */
export const beamWidth = positiveInt(MAX_BEAM);
/** `--weights W`: int8 or float32 weight matrices. */
export const weightsKind = oneOf(['int8', 'float32'] as const);
