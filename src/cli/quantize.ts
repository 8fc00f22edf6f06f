/**
 * `seqattn quantize IN.safetensors OUT.safetensors`: writes the int8 file of a model (quantizeModel,
 * docs/model-format.md "int8 files").
 */
import { writeFileSync } from 'node:fs';
import { modelSourceFromPath, quantizeModel, SeqattnError } from '../node.js';
import { CommandError, parseOptions, UsageError, type Command } from './args.js';
import { errorLine } from './terminal.js';

const HELP = `Usage: seqattn quantize IN.safetensors OUT.safetensors

Writes OUT: the weight matrices of IN as int8 (per-row symmetric, F32 row scales "<name>.scale"),
everything else as it was, the config in __metadata__. Loading OUT gives the same outputs as
loading IN with weights 'int8', from about a quarter of the bytes. IN may be a model folder
(model.safetensors with config.json).
`;

export const quantizeCommand: Command = {
  name: 'quantize',
  usage: 'quantize IN.safetensors OUT.safetensors',
  summary: 'int8 model file (seqattn quantize --help)',
  help: () => HELP,
  async run(argv) {
    const { operands, help } = parseOptions(argv, {});
    if (help) return 'help';
    if (operands.length !== 2) throw new UsageError(`quantize needs IN and OUT files, got ${operands.length} argument${operands.length === 1 ? '' : 's'}`);
    const [input, output] = operands;
    let result;
    try {
      result = await quantizeModel(modelSourceFromPath(input));
    } catch (e) {
      if (e instanceof SeqattnError || (e as NodeJS.ErrnoException).code === 'ENOENT') throw new CommandError(`quantize ${input}: ${(e as Error).message.split('\n')[0]}`);
      throw e;
    }
    try {
      writeFileSync(output, result.bytes);
    } catch (e) {
      throw new CommandError(`quantize: cannot write ${output} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    process.stderr.write(errorLine(`wrote ${output}: ${result.int8.length} int8 tensors, ${result.kept.length} kept, ${result.bytes.byteLength} bytes`));
    return 0;
  },
};
