/**
 * `seqattn quantize IN.safetensors OUT.safetensors`: writes the int8 file of a model (quantizeModel,
 * docs/model-format.md "int8 files"). Its own module so src/cli.ts only dispatches to it.
 */
import { writeFileSync } from 'node:fs';
import { modelSourceFromPath, quantizeModel, SeqattnError } from './node.js';

export const QUANTIZE_HELP = `Usage: seqattn quantize IN.safetensors OUT.safetensors

Writes OUT: the weight matrices of IN as int8 (per-row symmetric, F32 row scales "<name>.scale"),
everything else as it was, the config in __metadata__. Loading OUT gives the same outputs as
loading IN with weights 'int8', from about a quarter of the bytes. IN may be a model folder
(model.safetensors with config.json).
`;

/** Runs the subcommand (argv after 'quantize'); the exit status: 0 ok, 1 runtime error, 2 usage error. */
export async function quantizeCommand(argv: string[]): Promise<number> {
  const fail = (code: number, message: string): number => {
    process.stderr.write(`seqattn: ${message}${code === 2 ? ' (seqattn quantize --help for usage)' : ''}\n`);
    return code;
  };
  if (argv.includes('-h') || argv.includes('--help')) { process.stdout.write(QUANTIZE_HELP); return 0; }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) return fail(2, `quantize: unknown option ${unknown}`);
  if (argv.length !== 2) return fail(2, `quantize needs IN and OUT files, got ${argv.length} argument${argv.length === 1 ? '' : 's'}`);
  const [input, output] = argv;
  let result;
  try {
    result = await quantizeModel(modelSourceFromPath(input));
  } catch (e) {
    if (e instanceof SeqattnError || (e as NodeJS.ErrnoException).code === 'ENOENT') return fail(1, `quantize ${input}: ${(e as Error).message.split('\n')[0]}`);
    throw e;
  }
  try {
    writeFileSync(output, result.bytes);
  } catch (e) {
    return fail(1, `quantize: cannot write ${output} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  process.stderr.write(`seqattn: wrote ${output}: ${result.int8.length} int8 tensors, ${result.kept.length} kept, ${result.bytes.byteLength} bytes\n`);
  return 0;
}
