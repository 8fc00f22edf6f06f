#!/usr/bin/env node
/** The `seqattn` command (placeholder entry until the CLI lands). */
import { loadModel } from './node.js';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'translate') {
    const i = rest.indexOf('--model');
    if (i < 0 || !rest[i + 1]) { process.stderr.write('seqattn translate: --model PATH is required\n'); return 2; }
    const model = await loadModel(rest[i + 1]);
    const words = rest.filter((_, j) => j !== i && j !== i + 1);
    for (const w of words) process.stdout.write(model.translate(w).text + '\n');
    return 0;
  }
  process.stderr.write('usage: seqattn translate --model PATH INPUT...\n');
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`seqattn: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
