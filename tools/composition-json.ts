/**
 * The composition seqattn builds for each model folder given, as JSON on stdout: { folder: composition }.
 * tools/check_compose_presets.py feeds them to tools/compose_torch.py.
 *
 *   npx tsx tools/composition-json.ts test/fixtures/bentrevett-3 test/fixtures/luong-dot ...
 */
import { basename } from 'node:path';
import { resolveConfig, readWeightFiles } from '../src/load.js';
import { modelSourceFromPath } from '../src/node.js';
import { isPreset, type ModelConfig, type Preset } from '../src/config.js';
import { presetComposition } from '../src/compose/presets.js';
import type { Composition } from '../src/compose/description.js';
import { rnnsearch } from '../src/models/bahdanau.js';
import { cho } from '../src/models/cho.js';
import { luong } from '../src/models/luong.js';
import { pytorchTutorial } from '../src/models/pytorch-tutorial.js';
import { sutskever } from '../src/models/sutskever.js';

const PAPERS: Partial<Record<ModelConfig['architecture'], (c: ModelConfig) => Composition>> = {
  cho, sutskever, 'pytorch-tutorial': pytorchTutorial, bahdanau: rnnsearch, luong,
};

const out: Record<string, Composition> = {};
for (const dir of process.argv.slice(2)) {
  const src = modelSourceFromPath(dir);
  const c = resolveConfig(readWeightFiles(src).map((f) => f.file), src.config, src.configName);
  const describe = isPreset(c.architecture) ? (x: ModelConfig) => presetComposition(x as ModelConfig & { architecture: Preset }) : PAPERS[c.architecture];
  if (describe) out[basename(dir)] = describe(c);
}
process.stdout.write(JSON.stringify(out));
