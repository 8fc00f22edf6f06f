// Loading a composition: model.safetensors and a config.json holding the vocabularies, special ids,
// lengths and the composition ("parts"), as tools/random_compositions.py writes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import type { Composition } from '../../src/compose/description.js';
import { ComposedNet } from '../../src/compose/net.js';
import { loadRegions } from '../../src/load.js';
import { Seq2SeqModel } from '../../src/model.js';
import { readSafetensors } from '../../src/safetensors.js';
import { WeightStore } from '../../src/weights.js';

/** A model from safetensors bytes, the config's other fields (snake_case) and a composition. */
export async function composedModel(bytes: Uint8Array, fields: Record<string, unknown>, parts: Composition, name = 'model.safetensors'): Promise<Seq2SeqModel> {
  const config = parseConfig({ architecture: 'bentrevett-1', hidden_size: parts.decoder.hidden, ...fields }, name);
  const file = readSafetensors(bytes, name);
  const { regions, weights } = await loadRegions({}, [file]);
  try {
    const store = new WeightStore([{ file, prefix: '' }], config.tensorPrefix);
    const net = new ComposedNet(config, parts, regions, store, { weights });
    store.checkAllRead('a composition');
    return new Seq2SeqModel(regions.rt, regions, net, {});
  } catch (e) {
    regions.release();
    throw e;
  }
}

export async function loadComposition(dir: string): Promise<Seq2SeqModel> {
  const { parts: _, ...fields } = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const composition = JSON.parse(readFileSync(join(dir, 'composition.json'), 'utf8'));
  return composedModel(readFileSync(join(dir, 'model.safetensors')), fields, composition, join(dir, 'model.safetensors'));
}
