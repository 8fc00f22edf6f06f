/**
 * The Node.js entry (export condition "node"): everything in the default entry, plus loading
 * from file paths, folders and the bundled models by name.
 *
 *   await loadModel('g2p-en')                   bundled: models/g2p-en/model.safetensors
 *   await loadModel('g2p-en', { weights: 'int8' }) bundled int8 file: models/g2p-en/model.int8.safetensors
 *   await loadModel('path/to/model.safetensors') config in __metadata__, or config.json beside it
 *   await loadModel('path/to/folder')           model.safetensors, or encoder.safetensors + decoder.safetensors, with config.json
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeqattnError } from './errors.js';
import { loadModel as loadModelPortable, loadModelFrom, type ModelSource, type WeightFileInput } from './index.js';
import type { LoadOptions, Seq2SeqModel } from './model.js';
import type { G2P, G2PResult, PronounceOptions } from './g2p/g2p.js';
import type { G2PLoadOptions } from './g2p/load.js';
import { nodeG2P, nodeG2PDefaults } from './g2p/node.js';
import { fetchModelBytes, type FetchOptions } from './fetch.js';
import { createNodePool } from './pool/node.js';
import type { PoolOptions, TranslationPool } from './pool/pool.js';
import { DEFAULT_MAX_FILE_BYTES, resolveLimits } from './limits.js';
import { readModelFile, readTextFile } from './node-files.js';
import { own, preview } from './untrusted.js';

export * from './index.js';
/** loadClassifier of the default entry, plus file paths, folders and file: URLs. */
export { loadClassifier } from './classifier/node.js';
/** Annotation vectors from a .npy or safetensors file path, with a file's guards (regular files, a size limit, the header first). */
export { readFeaturesFile, DEFAULT_MAX_FEATURE_BYTES } from './captioner/features-file.js';

/** Folder of the bundled models (models/ at the package root). */
export const bundledModelsDir: string = fileURLToPath(new URL('../models/', import.meta.url));

/** Names of the models bundled with the package, e.g. ['g2p-en']. */
export function bundledModels(): string[] {
  if (!existsSync(bundledModelsDir)) return [];
  return readdirSync(bundledModelsDir).filter((n) => existsSync(join(bundledModelsDir, n, 'model.safetensors'))).sort();
}

/**
 * Reads a model file or folder into a ModelSource: regular files of at most `maxFileBytes` each
 * (E_FILE_SIZE), each safetensors header validated before its data is read (src/node-files.ts).
 */
export function modelSourceFromPath(path: string, maxFileBytes: number = DEFAULT_MAX_FILE_BYTES): ModelSource {
  const read = (p: string) => readModelFile(p, maxFileBytes);
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : dirname(path);
  const configPath = join(dir, 'config.json');
  const config = existsSync(configPath) ? readTextFile(configPath, maxFileBytes) : undefined;
  let weights: WeightFileInput[];
  if (!isDir) {
    weights = [{ bytes: read(path), name: path }];
  } else if (existsSync(join(path, 'model.safetensors'))) {
    weights = [{ bytes: read(join(path, 'model.safetensors')), name: join(path, 'model.safetensors') }];
  } else if (existsSync(join(path, 'encoder.safetensors')) && existsSync(join(path, 'decoder.safetensors'))) {
    // The PyTorch tutorial's two modules saved apart: encoder.state_dict(), decoder.state_dict().
    weights = ['encoder', 'decoder'].map((m) => ({ bytes: read(join(path, `${m}.safetensors`)), name: join(path, `${m}.safetensors`), prefix: `${m}.` }));
  } else {
    throw new SeqattnError('E_MODEL_NOT_FOUND', `${path}: folder has neither model.safetensors nor encoder.safetensors + decoder.safetensors`);
  }
  return { weights, config, configName: configPath };
}

const g2pNode = nodeG2P(nodeG2PDefaults((source, options) => loadModel(source, options), bundledModelsDir));
/**
 * A G2P whose model and lexicon default to the bundled g2p-en ones.
 * @example
 *   const g = await loadG2P();
 *   g.pronounce('I refuse to collect the refuse.').tokens
 */
export const loadG2P: (options?: G2PLoadOptions) => Promise<G2P> = g2pNode.loadG2P;
/**
 * Pronounces English text with the bundled model and lexicon (see loadG2P for the options).
 * @example
 *   formatPronunciation(await g2p('I read 2 books in 1990.'), 'ipa')
 */
export const g2p: (text: string, options?: G2PLoadOptions & PronounceOptions) => Promise<G2PResult> = g2pNode.g2p;

/**
 * Loads a bundled model by name, a model file or folder by path, a URL, bytes, or a ModelSource.
 * @example
 *   const g2p = await loadModel('g2p-en');
 *   g2p.translate('attention').text   // phonemes
 */
export async function loadModel(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions & FetchOptions = {}): Promise<Seq2SeqModel> {
  const local = localModelSource(source, options);
  return local ? loadModelFrom(local, options) : loadModelPortable(source as Exclude<typeof source, string>, options);
}

/** The ModelSource of a bundled name, path or file: URL (read now); null for bytes, ModelSources and http(s) URLs. */
function localModelSource(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions): ModelSource | null {
  const { maxFileBytes } = resolveLimits(options);
  if (typeof source === 'string' && !/^https?:\/\//.test(source)) {
    if (/^[a-z0-9][a-z0-9-]*$/.test(source) && bundledModels().includes(source)) {
      // weights 'int8': the int8 file when the model ships one (the same outputs, a quarter of the bytes to read)
      const int8 = join(bundledModelsDir, source, 'model.int8.safetensors');
      const file = own(options, 'weights') === 'int8' && existsSync(int8) ? int8 : join(bundledModelsDir, source, 'model.safetensors');
      return modelSourceFromPath(file, maxFileBytes);
    }
    if (!existsSync(source)) {
      const names = bundledModels();
      throw new SeqattnError('E_MODEL_NOT_FOUND', `${preview(source)} is neither a bundled model (${names.length ? names.join(', ') : 'none bundled'}) nor an existing file or folder`);
    }
    return modelSourceFromPath(source, maxFileBytes);
  }
  if (source instanceof URL && source.protocol === 'file:') return modelSourceFromPath(fileURLToPath(source), maxFileBytes);
  return null;
}

/**
 * A pool of worker threads (default: one per core), each with the model loaded; the model as
 * loadModel takes it. The compiled Wasm module and the file bytes are shared with the workers.
 * @example
 *   const pool = await createPool('g2p-en', { workers: 2, weights: 'int8' });
 *   const results = await pool.translateBatch(words);   // input order
 *   pool.close();
 */
export async function createPool(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: PoolOptions & FetchOptions = {}): Promise<TranslationPool> {
  const local = localModelSource(source, options);
  if (local) return createNodePool(local, options);
  if (typeof source === 'string' || source instanceof URL) {
    return createNodePool({ weights: { bytes: await fetchModelBytes(source, options), name: String(source) } }, options);
  }
  return createNodePool(source, options);
}
