/**
 * `seqattn inspect FILE_OR_FOLDER [--json]`: the tensors of a model file or folder (name, dtype,
 * shape), the config found, and the presets that fit (src/inspect.ts). Exit 0 when something
 * was read; errors go through the CLI's error handling.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readWeightFiles } from './load.js';
import { modelSourceFromPath } from './node.js';
import { formatInspect, inspect, matchSeq2SeqPresets, type PresetMatcher } from './inspect.js';
import { SeqattnError } from './errors.js';

/** The matchers inspect runs: the seq2seq presets (the classifiers' join here when src/classifier/presets.ts provides them). */
export const MATCHERS: PresetMatcher[] = [matchSeq2SeqPresets];

/** Runs `inspect` on argv (after the subcommand); returns the text to print. */
export function inspectCommand(argv: string[], usage: (msg: string) => Error): string {
  const json = argv.includes('--json');
  const paths = argv.filter((a) => a !== '--json');
  const unknown = paths.find((a) => a.startsWith('-'));
  if (unknown) throw usage(`unknown option ${unknown} for inspect (expected --json)`);
  if (paths.length !== 1) throw usage(`inspect takes one FILE_OR_FOLDER, got ${paths.length}`);
  const path = paths[0];
  if (!existsSync(path)) throw new SeqattnError('E_MODEL_NOT_FOUND', `${path}: no such file or folder`);
  const src = modelSourceFromPath(path);
  const files = readWeightFiles(src);
  const configPath = join(statSync(path).isDirectory() ? path : dirname(path), 'config.json');
  const config = typeof src.config === 'string' ? { where: configPath, text: src.config } : undefined;
  const report = inspect(files, config, MATCHERS);
  return json ? `${JSON.stringify(report, null, 2)}\n` : formatInspect(report);
}

