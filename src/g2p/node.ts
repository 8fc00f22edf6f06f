/**
 * G2P in Node: the bundled g2p-en model and lexicon (models/g2p-en/) are the defaults.
 *   await g2p('I read 2 books in 1990.')                   dictionary + heteronyms + numbers + model
 *   await g2p('attention', { lexicon: false })             the model alone
 *   const g = await loadG2P(); g.pronounce(text)           one G2P, synchronous calls
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqattnError } from '../errors.js';
import type { LoadOptions, Seq2SeqModel } from '../model.js';
import type { G2P, G2PResult, PronounceOptions } from './g2p.js';
import { buildG2P, makeG2PFunction, type G2PDefaults, type G2PLoadOptions } from './load.js';

/** The Node defaults, given the Node loadModel and the bundled models folder (passed in to avoid an import cycle with src/node.ts). */
export function nodeG2PDefaults(loadModel: (source: string | Uint8Array | ArrayBuffer | URL, options: LoadOptions) => Promise<Seq2SeqModel>, modelsDir: string): G2PDefaults {
  return {
    loadModel,
    model: (options) => loadModel('g2p-en', options),
    lexicon: async () => {
      const file = join(modelsDir, 'g2p-en', 'lexicon.bin');
      try {
        return await readFile(file);
      } catch (e) {
        throw new SeqattnError('E_MODEL_NOT_FOUND', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it is built by \`npm run build\` (tools/pack-lexicon.ts)`);
      }
    },
  };
}

/** loadG2P and g2p over the given defaults. */
export function nodeG2P(defaults: G2PDefaults): { loadG2P: (options?: G2PLoadOptions) => Promise<G2P>; g2p: (text: string, options?: G2PLoadOptions & PronounceOptions) => Promise<G2PResult> } {
  return { loadG2P: (options = {}) => buildG2P(options, defaults), g2p: makeG2PFunction(defaults) };
}
