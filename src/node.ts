/**
 * The Node.js entry (export condition "node"): everything in the default entry, plus loading
 * from file paths, folders and the bundled models by name.
 *
 *   await loadModel('g2p-en')                   bundled: models/g2p-en/model.safetensors
 *   await loadModel('g2p-en', { weights: 'int8' }) bundled int8 file: models/g2p-en/model.int8.safetensors
 *   await loadModel('path/to/model.safetensors') config in __metadata__, or config.json beside it
 *   await loadModel('path/to/folder')           model.safetensors, or encoder.safetensors + decoder.safetensors, with config.json
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeqattnError } from './errors.js';
import { loadModel as loadModelPortable, loadModelFrom, type ModelSource, type WeightFileInput } from './index.js';
import type { LoadOptions, Seq2SeqModel } from './model.js';

export * from './index.js';
/** loadClassifier of the default entry, plus file paths, folders and file: URLs. */
export { loadClassifier } from './classifier/node.js';

/** Folder of the bundled models (models/ at the package root). */
export const bundledModelsDir: string = fileURLToPath(new URL('../models/', import.meta.url));

/** Names of the models bundled with the package, e.g. ['g2p-en']. */
export function bundledModels(): string[] {
  if (!existsSync(bundledModelsDir)) return [];
  return readdirSync(bundledModelsDir).filter((n) => existsSync(join(bundledModelsDir, n, 'model.safetensors'))).sort();
}

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new SeqattnError('E_MODEL_NOT_FOUND', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Reads a model file or folder into a ModelSource. */
export function modelSourceFromPath(path: string): ModelSource {
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : dirname(path);
  const configPath = join(dir, 'config.json');
  const config = existsSync(configPath) ? new TextDecoder().decode(read(configPath)) : undefined;
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

/**
 * Loads a bundled model by name, a model file or folder by path, a URL, bytes, or a ModelSource.
 * @example
 *   const g2p = await loadModel('g2p-en');
 *   g2p.translate('attention').text   // phonemes
 */
export async function loadModel(source: string | URL | ModelSource | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Seq2SeqModel> {
  if (typeof source === 'string' && !/^https?:\/\//.test(source)) {
    if (/^[a-z0-9][a-z0-9-]*$/.test(source) && bundledModels().includes(source)) {
      // weights 'int8': the int8 file when the model ships one (the same outputs, a quarter of the bytes to read)
      const int8 = join(bundledModelsDir, source, 'model.int8.safetensors');
      const file = options.weights === 'int8' && existsSync(int8) ? int8 : join(bundledModelsDir, source, 'model.safetensors');
      return loadModelFrom(modelSourceFromPath(file), options);
    }
    if (!existsSync(source)) {
      const names = bundledModels();
      throw new SeqattnError('E_MODEL_NOT_FOUND', `${JSON.stringify(source)} is neither a bundled model (${names.length ? names.join(', ') : 'none bundled'}) nor an existing file or folder`);
    }
    return loadModelFrom(modelSourceFromPath(source), options);
  }
  if (source instanceof URL && source.protocol === 'file:') return loadModelFrom(modelSourceFromPath(fileURLToPath(source)), options);
  return loadModelPortable(source, options);
}
