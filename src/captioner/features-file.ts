/**
 * A features file from a path (Node), with the guards a model file has (src/node-files.ts): only
 * regular files (`/dev/zero`, a FIFO: refused without reading, without waiting for a writer), at
 * most `maxBytes`, and the header read and checked before the data: a .npy file's shape must
 * account for exactly the bytes after its header, a safetensors file's header must be valid,
 * before anything of the data is read. A 400 MB file with a wrong shape costs its first bytes.
 */
import { closeSync, existsSync } from 'node:fs';
import { SeqattnError } from '../errors.js';
import { readFully, openRegular, type FileRole } from '../node-files.js';
import { parseSafetensorsHeader, safetensorsHeaderLength } from '../safetensors.js';
import { isNpy, notFeatures, npyDataStart, npyShape, readFeatures, type FeatureGrid } from './features.js';

/** Default of readFeaturesFile's maxBytes: 256 MiB (a 14 x 14 x 512 grid is 392 KiB; more than the Wasm memory of any captioner could use). */
export const DEFAULT_MAX_FEATURE_BYTES = 2 ** 28;

const FEATURES_FILE: FileRole = { missing: 'E_FEATURES_FILE', limit: 'the features file limit', limitIs: 'readFeaturesFile\'s maxBytes' };

/**
 * Reads a features file (.npy or safetensors, see readFeatures) from a path; E_FEATURES_FILE for
 * what is no regular file, E_FILE_SIZE over `maxBytes`, the readers' errors for a bad header, all
 * before the data is read.
 * @example
 *   const grid = readFeaturesFile('grid.npy');   // { features, length, size, rows, cols }
 */
export function readFeaturesFile(path: string, maxBytes: number = DEFAULT_MAX_FEATURE_BYTES): FeatureGrid {
  if (typeof path !== 'string') throw new SeqattnError('E_ARGUMENT', `readFeaturesFile: path must be a string, got ${path === null ? 'null' : typeof path}`);
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw new SeqattnError('E_OPTION', `readFeaturesFile: maxBytes is ${String(maxBytes)}, expected a positive integer`);
  if (!existsSync(path)) throw new SeqattnError('E_FEATURES_FILE', `${path}: no such file`);
  const { fd, size } = openRegular(path, maxBytes, FEATURES_FILE);
  try {
    const first = new Uint8Array(Math.min(size, 12));
    readFully(fd, first, 0, path);
    let headerEnd: number;
    if (isNpy(first)) {
      headerEnd = npyDataStart(first, size, path);
    } else {
      try {
        headerEnd = 8 + safetensorsHeaderLength(first.subarray(0, 8), size, path);
      } catch (e) {
        notFeatures(path, e as Error);
      }
    }
    const bytes = new Uint8Array(headerEnd);
    bytes.set(first.subarray(0, Math.min(12, headerEnd)));
    readFully(fd, bytes, first.length >= headerEnd ? headerEnd : first.length, path);
    if (isNpy(first)) {
      const { shape, dataBytes } = npyShape(bytes, path);
      if (size - headerEnd !== dataBytes) {
        throw new SeqattnError('E_FEATURES_FILE', `${path}: shape (${shape.slice(0, 8).join(', ')}${shape.length > 8 ? ', …' : ''}) needs ${dataBytes} bytes of data, the file has ${size - headerEnd}`);
      }
    } else {
      try {
        parseSafetensorsHeader(bytes.subarray(8), size, path);
      } catch (e) {
        if (!(e instanceof SeqattnError) || e.code !== 'E_HEADER_JSON') throw e;
        notFeatures(path, e);
      }
    }
    const all = new Uint8Array(size); // the header was good: now the data
    all.set(bytes);
    readFully(fd, all, headerEnd, path);
    return readFeatures(all, path);
  } finally {
    closeSync(fd);
  }
}
