/**
 * loadClassifier for Node.js (the "node" entry): also file paths, folders and file: URLs.
 *
 *   await loadClassifier('path/to/model.safetensors')  config in __metadata__, or config.json beside it
 *   await loadClassifier('path/to/folder')             model.safetensors with config.json
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SeqattnError } from '../errors.js';
import type { ModelSource } from '../load.js';
import { modelSourceFromPath } from '../node.js';
import type { AttentionClassifier } from './classifier.js';
import { loadClassifier as loadPortable, loadClassifierFrom, type ClassifierLoadOptions } from './load.js';

/**
 * Loads a classifier from a file or folder path, a URL, bytes, or a ModelSource.
 * @example
 *   const clf = await loadClassifier('models/relations');
 *   const { label, attention, tokens } = clf.classify('the burst has been caused by water hammer pressure');
 */
export async function loadClassifier(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions = {}): Promise<AttentionClassifier> {
  if (typeof source === 'string' && !/^https?:\/\//.test(source)) {
    if (!existsSync(source)) throw new SeqattnError('E_MODEL_NOT_FOUND', `${JSON.stringify(source)}: no such file or folder`);
    return loadClassifierFrom(modelSourceFromPath(source), options);
  }
  if (source instanceof URL && source.protocol === 'file:') return loadClassifierFrom(modelSourceFromPath(fileURLToPath(source)), options);
  return loadPortable(source, options);
}
