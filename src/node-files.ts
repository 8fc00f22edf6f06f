/**
 * Reading model files from paths (Node): only regular files, at most `maxFileBytes`, and the
 * safetensors header read and validated before the tensor data, so a damaged or hostile file
 * costs its first bytes, not its size (a 1.5 GB file with a bad header: E_HEADER_JSON after reading
 * the header; /dev/zero: refused without reading).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { SeqattnError, type SeqattnErrorCode } from './errors.js';
import { formatBytes } from './limits.js';
import { parseSafetensorsHeader, safetensorsHeaderLength } from './safetensors.js';

function kind(st: Stats): string {
  return st.isDirectory() ? 'a directory' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device'
    : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
}

/** What a path is read as, for the errors: the code of a path that is no regular file, and the option of the size limit. */
export interface FileRole { missing: SeqattnErrorCode; limit: string; limitIs: string }
const MODEL_FILE: FileRole = { missing: 'E_MODEL_NOT_FOUND', limit: 'maxFileBytes', limitIs: 'a load option' };

/** Opens a regular file of at most maxBytes for reading; E_MODEL_NOT_FOUND (role.missing) / E_FILE_SIZE otherwise. */
export function openRegular(path: string, maxBytes: number, role: FileRole = MODEL_FILE): { fd: number; size: number } {
  let st: Stats;
  try {
    st = statSync(path); // before open: opening a FIFO would wait for a writer
  } catch (e) {
    throw new SeqattnError(role.missing, `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st.isFile()) throw new SeqattnError(role.missing, `${path}: is ${kind(st)}, not a regular file`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new SeqattnError(role.missing, `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const now = fstatSync(fd); // the file opened may not be the one stat saw
  if (!now.isFile()) { closeSync(fd); throw new SeqattnError(role.missing, `${path}: is ${kind(now)}, not a regular file`); }
  if (now.size > maxBytes) {
    closeSync(fd);
    throw new SeqattnError('E_FILE_SIZE', `${path}: file has ${now.size} bytes (${formatBytes(now.size)}), more than ${role.limit} ${maxBytes} (${formatBytes(maxBytes)}, ${role.limitIs})`);
  }
  return { fd, size: now.size };
}

/** Fills `buf[from..]` from the file at offset `from`; E_FILE_TRUNCATED if the file ends first. */
export function readFully(fd: number, buf: Uint8Array, from: number, path: string): void {
  let at = from;
  while (at < buf.byteLength) {
    const n = readSync(fd, buf, at, Math.min(buf.byteLength - at, 1 << 26), at);
    if (n === 0) throw new SeqattnError('E_FILE_TRUNCATED', `${path}: file ended at ${at} bytes while reading ${buf.byteLength} (changed while read?)`);
    at += n;
  }
}

/**
 * A safetensors file from a path: checks it is a regular file of at most maxFileBytes, reads the
 * 8-byte length and the header and validates them (readSafetensors' errors), then reads the data.
 */
export function readModelFile(path: string, maxFileBytes: number): Uint8Array {
  const { fd, size } = openRegular(path, maxFileBytes);
  try {
    const first8 = new Uint8Array(Math.min(8, size));
    readFully(fd, first8, 0, path);
    const N = safetensorsHeaderLength(first8, size, path);
    const header = new Uint8Array(N);
    let at = 0;
    while (at < N) {
      const n = readSync(fd, header, at, N - at, 8 + at);
      if (n === 0) throw new SeqattnError('E_FILE_TRUNCATED', `${path}: file ended inside its header`);
      at += n;
    }
    parseSafetensorsHeader(header, size, path); // throws before the data is read
    const bytes = new Uint8Array(size);
    bytes.set(first8, 0);
    bytes.set(header, 8);
    readFully(fd, bytes, 8 + N, path);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** A text file (config.json) from a path: a regular file of at most maxBytes, as UTF-8. */
export function readTextFile(path: string, maxBytes: number): string {
  const { fd, size } = openRegular(path, maxBytes);
  try {
    const bytes = new Uint8Array(size);
    readFully(fd, bytes, 0, path);
    return new TextDecoder().decode(bytes);
  } finally {
    closeSync(fd);
  }
}
