/**
 * The `parts` block (docs/parts.md) of the composition seqattn builds for each model folder given, as
 * JSON on stdout: { folder: parts }. tools/check_compose_presets.py builds tools/compose_torch.py's
 * module from each.
 *
 *   npx tsx tools/composition-json.ts test/fixtures/bentrevett-3 test/fixtures/luong-dot ...
 */
import { basename } from 'node:path';
import { compositionOf } from '../src/compose/architectures.js';
import { compositionToParts } from '../src/compose/parts.js';
import { readWeightFiles, resolveConfig } from '../src/load.js';
import { modelSourceFromPath } from '../src/node.js';

const out: Record<string, unknown> = {};
for (const dir of process.argv.slice(2)) {
  const src = modelSourceFromPath(dir);
  const c = resolveConfig(readWeightFiles(src).map((f) => f.file), src.config, src.configName);
  if (c.architecture !== 'show-attend-tell') out[basename(dir)] = compositionToParts(compositionOf(c));
}
process.stdout.write(JSON.stringify(out));
