/**
 * `seqattn inspect FILE_OR_FOLDER [--json]`: the tensors of a model file or folder (name, dtype,
 * shape), the config found, and the presets that fit (src/inspect.ts). Tensor names and metadata
 * come from the file: they are printed through printable() (src/cli/terminal.ts).
 */
import { existsSync } from 'node:fs';
import { readWeightFiles } from '../load.js';
import { modelSourceFromPath } from '../node.js';
import { formatInspect, inspect, matchSeq2SeqPresets, type PresetMatcher } from '../inspect.js';
import { matchClassifierPresets } from '../presets.js';
import { SeqattnError } from '../errors.js';
import { parseOptions, UsageError, type Command } from './args.js';
import { printableLines } from './terminal.js';

/** The matchers inspect runs: the seq2seq presets, then the classifier and captioner presets. */
export const MATCHERS: PresetMatcher[] = [matchSeq2SeqPresets, matchClassifierPresets];

const HELP = `Usage: seqattn inspect FILE_OR_FOLDER [--json]

Lists the tensors of a model file (.safetensors) or folder (name, dtype, shape), the config found
(in the file's metadata or a config.json beside it), and the presets whose tensors and config fit.

Options:
  --json      the same report as one JSON document
  -h, --help  this help
`;

/**
 * The text `seqattn inspect ARGV` prints, control characters of the file escaped.
 * @throws UsageError for a bad command line, SeqattnError for a file that cannot be read
 */
export function inspectText(argv: readonly string[]): string {
  const { options, operands, help } = parseOptions(argv, { '--json': 'flag' });
  if (help) return HELP;
  if (operands.length !== 1) throw new UsageError(`inspect takes one FILE_OR_FOLDER, got ${operands.length}`);
  const path = operands[0];
  if (!existsSync(path)) throw new SeqattnError('E_MODEL_NOT_FOUND', `${path}: no such file or folder`);
  const src = modelSourceFromPath(path);
  const files = readWeightFiles(src);
  // configName: the config.json beside the file or in the folder, as modelSourceFromPath looked for it
  const config = typeof src.config === 'string' ? { where: src.configName ?? 'config.json', text: src.config } : undefined;
  const report = inspect(files, config, MATCHERS);
  // JSON.stringify escapes C0 controls in strings; printableLines the rest (C1, U+2028...): still valid JSON
  return options['--json'] ? `${printableLines(JSON.stringify(report, null, 2))}\n` : printableLines(formatInspect(report));
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'inspect FILE_OR_FOLDER [--json]',
  summary: 'tensors, config, and the presets that fit',
  help: () => HELP,
  async run(argv) {
    process.stdout.write(inspectText(argv));
    return 0;
  },
};
