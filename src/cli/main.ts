#!/usr/bin/env node
/**
 * The `seqattn` command (package.json "bin", dist/cli.js): the table of subcommands, one file each
 * in src/cli/, and the one exit path.
 *
 * Exit codes: 0 ok; 1 runtime error (model not found or damaged, an input the model rejects, a
 * file that cannot be written); 2 usage error (unknown subcommand or option, bad option value).
 * Every error is one line on stderr, starting `seqattn: `, its control characters escaped.
 */
import { readFileSync } from 'node:fs';
import { CommandError, UsageError, type Command } from './args.js';
import { captionCommand } from './caption.js';
import { g2pCommand } from './g2p.js';
import { inspectCommand } from './inspect.js';
import { quantizeCommand } from './quantize.js';
import { errorLine, printableLines, why } from './terminal.js';
import { MODEL_OPTIONS, translateCommand } from './translate.js';

/** The subcommands, in the order `seqattn --help` lists them. */
const COMMANDS: readonly Command[] = [g2pCommand, translateCommand, inspectCommand, captionCommand, quantizeCommand];
const NAMES = COMMANDS.map((c) => c.name);
const LIST = `${NAMES.slice(0, -1).join(', ')} or ${NAMES[NAMES.length - 1]}`;

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length)) + 2;
  return `Usage:
${COMMANDS.map((c) => `  seqattn ${c.usage.padEnd(width)}${c.summary}`).join('\n')}

seqattn COMMAND --help: a command's own help. The options of g2p and translate:
${MODEL_OPTIONS()}  -V, --version    the version

Exit status: 0 ok, 1 runtime error (model, input, file), 2 usage error.
Examples:
  seqattn g2p "I read 2 books in 1990."
  seqattn g2p --format json < sentences.txt
  seqattn translate --model path/to/model.safetensors "some input" < more-inputs.txt
  seqattn inspect path/to/model.safetensors
`;
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The subcommand named by argv[0] runs on the rest; resolves to the exit status. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError(`no subcommand: expected ${LIST}`);
  if (name === '-h' || name === '--help' || name === 'help') { process.stdout.write(help()); return 0; }
  if (name === '-V' || name === '--version') { process.stdout.write(`seqattn ${version()}\n`); return 0; }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(name.startsWith('-') ? `expected a subcommand (${LIST}) before ${name}` : `unknown subcommand ${JSON.stringify(name.slice(0, 40))}: expected ${LIST}`);
  }
  try {
    const code = await command.run(rest);
    if (code !== 'help') return code;
    process.stdout.write(command.help());
    return 0;
  } catch (e) {
    if (e instanceof UsageError) e.message += ` (seqattn ${command.name} --help for usage)`;
    throw e;
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // the reader went away (| head)
  process.stderr.write(errorLine(`cannot write to standard output: ${why(e)}`)); // e.g. > /dev/full
  process.exit(1);
});

// The one exit path: a usage error exits 2, a command's or the library's error 1, each as one line.
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  const usage = e instanceof UsageError;
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(errorLine(usage && !message.endsWith('for usage)') ? `${message} (seqattn --help for usage)` : message));
  if (process.env.SEQATTN_DEBUG && e instanceof Error && !usage && !(e instanceof CommandError)) process.stderr.write(`${printableLines(e.stack ?? '')}\n`);
  process.exitCode = usage ? 2 : 1;
});
