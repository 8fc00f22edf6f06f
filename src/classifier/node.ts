/**
 * loadClassifier for Node.js (the "node" entry): also file paths, folders and file: URLs.
 *
 *   await loadClassifier('path/to/model.safetensors')  config in __metadata__, or config.json beside it
 *   await loadClassifier('path/to/folder')             model.safetensors, with config.json or the config in it
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeqattnError } from '../errors.js';
import { preview } from '../untrusted.js';
import type { ModelSource } from '../load.js';
import { DEFAULT_MAX_FILE_BYTES } from '../limits.js';
import { readModelFile, readTextFile } from '../node-files.js';
import type { FetchOptions } from '../fetch.js';
import type { AttentionClassifier } from './classifier.js';
import { loadClassifier as loadPortable, loadClassifierFrom, type ClassifierLoadOptions } from './load.js';

/** A classifier file, or a folder holding model.safetensors, with the config.json beside it if there is one. */
function sourceFromPath(path: string): ModelSource {
  if (!existsSync(path)) throw new SeqattnError('E_MODEL_NOT_FOUND', `${preview(path)}: no such file or folder`);
  const file = statSync(path).isDirectory() ? join(path, 'model.safetensors') : path;
  if (!existsSync(file)) throw new SeqattnError('E_MODEL_NOT_FOUND', `${path}: folder has no model.safetensors`);
  const configName = join(dirname(file), 'config.json');
  // regular files of at most DEFAULT_MAX_FILE_BYTES, the header validated before the data (src/node-files.ts)
  return { weights: { bytes: readModelFile(file, DEFAULT_MAX_FILE_BYTES), name: file },
    config: existsSync(configName) ? readTextFile(configName, DEFAULT_MAX_FILE_BYTES) : undefined, configName };
}

/**
 * Loads a classifier from a file or folder path, a URL, bytes, or a ModelSource.
 * @example
 *   const clf = await loadClassifier('models/relations');
 *   const { label, attention, tokens } = clf.classify('the burst has been caused by water hammer pressure');
 */
export async function loadClassifier(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: ClassifierLoadOptions & FetchOptions = {}): Promise<AttentionClassifier> {
  if (typeof source === 'string' && !/^https?:\/\//.test(source)) return loadClassifierFrom(sourceFromPath(source), options);
  if (source instanceof URL && source.protocol === 'file:') return loadClassifierFrom(sourceFromPath(fileURLToPath(source)), options);
  return loadPortable(source, options);
}
