/**
 * `seqattn caption --model M --features grid.npy [--beam N] [--svg out.svg]`: the caption of one
 * image's annotation vectors (a CNN's feature grid, saved from PyTorch or NumPy: see
 * src/captioner/features.ts), and with --svg where the captioner looked for each word
 * (src/captioner/svg.ts).
 */
import { writeFileSync } from 'node:fs';
import { SeqattnError } from '../errors.js';
import { loadModel } from '../node.js';
import { readFeaturesFile } from '../captioner/features-file.js';
import { attentionGridToSvg } from '../captioner/svg.js';
import { beamWidth, nonEmpty, parseOptions, UsageError, type Command } from './args.js';
import { printable } from './terminal.js';

/** `seqattn caption --help`. */
const HELP = `Usage:
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

interface CaptionArgs { model: string; features: string; beam?: number; svg?: string }

function parse(argv: readonly string[]): CaptionArgs | 'help' {
  const { options: o, operands, help } = parseOptions(argv, {
    '--model': nonEmpty('a file or folder'), '--features': nonEmpty('a file'), '--svg': nonEmpty('a file name'), '--beam': beamWidth,
  });
  if (help) return 'help';
  if (operands.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(operands[0])}: the features come from --features FILE`);
  if (!o['--model']) throw new UsageError('caption needs --model PATH');
  if (!o['--features']) throw new UsageError('caption needs --features FILE (.npy or .safetensors)');
  return { model: o['--model'], features: o['--features'], beam: o['--beam'], svg: o['--svg'] };
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
    process.stdout.write(`${printable(result.text)}${result.finished ? '' : ' …'}\n`);
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

export const captionCommand: Command = {
  name: 'caption',
  usage: 'caption --model PATH --features FILE',
  summary: 'a captioner on image features (seqattn caption --help)',
  help: () => HELP,
  async run(argv) {
    const args = parse(argv);
    if (args === 'help') return 'help';
    await caption(args);
    return 0;
  },
};
