// Loading a model folder as tools/random_compositions.py writes it: model.safetensors (a PyTorch
// state_dict, no seqattn metadata) and config.json (vocabularies, special ids, lengths, "parts").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFrom, type Seq2SeqModel } from '../../src/node.js';

export async function loadComposition(dir: string): Promise<Seq2SeqModel> {
  return loadModelFrom({
    weights: { bytes: readFileSync(join(dir, 'model.safetensors')), name: join(dir, 'model.safetensors') },
    config: readFileSync(join(dir, 'config.json'), 'utf8'), configName: join(dir, 'config.json'),
  }, { maxBatchSize: 4 });
}
