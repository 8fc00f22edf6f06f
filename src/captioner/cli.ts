/**
 * `seqattn caption --model M --features grid.npy [--beam N] [--svg out.svg]`: the caption of one
 * image's annotation vectors (a CNN's feature grid, saved from PyTorch or NumPy: see features.ts),
 * and with --svg where the captioner looked for each word (svg.ts). src/cli.ts hands it the
 * arguments after `caption`; it prints its own one-line errors and returns the exit status
 * (0 ok, 1 runtime error, 2 usage error), as the other subcommands do.
 */
import { writeFileSync } from 'node:fs';
import { SeqattnError } from '../errors.js';
import { loadModel } from '../node.js';
import { readFeaturesFile } from './features-file.js';
import { attentionGridToSvg } from './svg.js';
import { scanArgs } from '../cli/args.js';

/** `seqattn caption --help`. */
export const CAPTION_HELP = `Usage:
  seqattn caption --model PATH --features FILE [--beam N] [--svg FILE]

Prints the caption a show-attend-tell model (architecture show-attend-tell, or a captioner preset
such as sgrvinod-captioning) gives one image's annotation vectors.

Options:
  --model PATH     the captioner: model file (.safetensors, config in it or config.json beside it) or folder
  --features FILE  the annotation vectors: NumPy .npy (float32 '<f4', C order) or a safetensors file of one
                   tensor, shape (L, D), (H, W, D) or (1, H, W, D); D = the model's feature_size
                   (e.g. np.save('grid.npy', encoder(image)[0].numpy().astype('<f4')))
  --beam N         beam search with N hypotheses (default: greedy)
  --svg FILE       write the attention over the H x W grid for each word (one heatmap per word)
  -h, --help       this help
`;

class UsageError extends Error {}

interface CaptionArgs { model: string; features: string; beam?: number; svg?: string }

function parse(argv: string[]): CaptionArgs | 'help' {
  const a: Partial<CaptionArgs> = {};
  for (const arg of scanArgs(argv, (m) => new UsageError(m))) {
    if (arg.operand !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg.operand)}: the features come from --features FILE`);
    const { name, value } = arg;
    switch (name) {
      case '-h': case '--help': return 'help';
      case '--model': a.model = value(); break;
      case '--features': a.features = value(); break;
      case '--svg': a.svg = value(); if (!a.svg) throw new UsageError('--svg needs a file name'); break;
      case '--beam': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new UsageError(`--beam must be an integer from 1 to 64, got ${JSON.stringify(v)}`);
        a.beam = Number(v);
        break;
      }
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  if (!a.model) throw new UsageError('caption needs --model PATH');
  if (!a.features) throw new UsageError('caption needs --features FILE (.npy or .safetensors)');
  return a as CaptionArgs;
}

async function caption(args: CaptionArgs): Promise<void> {
  const grid = readFeaturesFile(args.features); // regular files, a size limit, the header before the data
  const model = await loadModel(args.model, { maxBeamSize: Math.max(16, args.beam ?? 0) });
  try {
    const c = model.config;
    if (c.architecture !== 'show-attend-tell') throw new SeqattnError('E_INPUT_KIND', `${args.model} is a ${c.architecture} model, not a captioner (show-attend-tell)`);
    if (grid.size !== c.featureSize) {
      throw new SeqattnError('E_FEATURE_SHAPE', `${args.features}: annotation vectors of size ${grid.size}, the model's feature_size is ${c.featureSize}`);
    }
    const result = model.translate({ features: grid.features, length: grid.length }, args.beam ? { beamSize: args.beam } : {});
    process.stdout.write(`${result.text}${result.finished ? '' : ' …'}\n`);
    if (args.svg) {
      const svg = attentionGridToSvg(result, grid, { title: result.text });
      try {
        writeFileSync(args.svg, svg);
      } catch (e) {
        throw new SeqattnError('E_OPTION', `--svg ${args.svg}: cannot write: ${(e as Error).message}`);
      }
    }
  } finally {
    model.dispose();
  }
}

/** Runs `seqattn caption ARGS`; returns the exit status. */
export async function runCaption(argv: string[]): Promise<number> {
  try {
    const args = parse(argv);
    if (args === 'help') {
      process.stdout.write(CAPTION_HELP);
      return 0;
    }
    await caption(args);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError;
    if (!usage && !(e instanceof SeqattnError)) throw e;
    process.stderr.write(`seqattn: ${e.message.replace(/\s*\n\s*/g, ' ')}${usage ? ' (seqattn caption --help for usage)' : ''}\n`);
    return usage ? 2 : 1;
  }
}
