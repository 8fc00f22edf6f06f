/**
 * Model files from URLs: download with progress and a size limit, and an optional cache of the
 * bytes (the Cache API, or IndexedDB where there is none) so a second visit does not download.
 *
 * Cache entries are keyed by the URL and carry the SHA-256 of their bytes (Cache API: header
 * x-seqattn-sha256): a hit is checked against that hash (and against `integrity` when given)
 * before it is used; a corrupt or stale entry is dropped and downloaded again.
 */
import { SeqattnError } from './errors.js';

/** Options of loadModel / loadClassifier for URL sources. */
export interface FetchOptions {
  /**
   * Keep the downloaded bytes in the Cache API (cache name 'seqattn-models', or the string given)
   * and read them from there next time, without a request. Default false. Where there is no Cache
   * API (an insecure http: origin other than localhost) an IndexedDB database of that name holds
   * them; where there is neither (Node) the file is downloaded.
   */
  cache?: boolean | string;
  /**
   * Called as bytes arrive: `loaded` so far, `total` from Content-Length (undefined when the server
   * does not say, or compresses the response). A cache hit reports (size, size) once.
   */
  onProgress?: (loaded: number, total: number | undefined) => void;
  /** Largest download accepted, in bytes; more is an E_DOWNLOAD_SIZE error. Default 1 GiB. */
  maxDownloadBytes?: number;
  /**
   * Subresource-integrity style hash of the file, 'sha256-<base64>': downloads and cache hits
   * that differ are refused (E_DOWNLOAD_INTEGRITY); a cache entry of another hash is replaced.
   */
  integrity?: string;
  /** Passed to fetch() (headers, credentials, signal, ...). */
  requestInit?: RequestInit;
}

/** The models the Node entry bundles, and the file a browser should load of each (int8: 1.9 MB, not 7.4). */
const BUNDLED: Record<string, string> = { 'g2p-en': 'model.int8.safetensors' };
const DEFAULT_CACHE = 'seqattn-models';
const DEFAULT_MAX = 1 << 30;
const HASH_HEADER = 'x-seqattn-sha256';

/** The typed error for a bundled model name given to the portable (browser) entry. */
export function bundledNameError(name: string): SeqattnError {
  const file = `seqattn/models/${name}/${BUNDLED[name]}`;
  return new SeqattnError('E_MODEL_NOT_FOUND',
    `"${name}" is a model bundled with the package, and only the Node entry finds bundled models by name. `
    + `In a browser or bundler load its file by URL: loadModel(new URL('${file}', import.meta.url)) `
    + `(Vite, webpack 5; esbuild: import url from '${file}' with --loader:.safetensors=file), `
    + `or serve node_modules/${file} and pass its URL`);
}

/** Whether a string source is a bundled model name (not a URL or a path). */
export function isBundledName(s: string): boolean {
  return Object.hasOwn(BUNDLED, s);
}

function checkOptions(o: FetchOptions): number {
  const max = o.maxDownloadBytes ?? DEFAULT_MAX;
  if (!(Number.isSafeInteger(max) && max > 0)) {
    throw new SeqattnError('E_OPTION', `maxDownloadBytes is ${String(max)}, expected a positive integer`);
  }
  if (o.integrity !== undefined && !/^sha256-[A-Za-z0-9+/]{43}=$/.test(o.integrity)) {
    throw new SeqattnError('E_OPTION', `integrity is ${JSON.stringify(o.integrity)}, expected 'sha256-' and 44 base64 characters`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new SeqattnError('E_OPTION', `onProgress is ${typeof o.onProgress}, expected a function`);
  }
  return max;
}

async function sha256(bytes: Uint8Array): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Reads a response body with progress, refusing more than `max` bytes. */
async function readBody(res: Response, where: string, max: number, onProgress: FetchOptions['onProgress']): Promise<Uint8Array> {
  const header = res.headers.get('content-length');
  const length = header === null ? NaN : Number(header);
  // With Content-Encoding the length is of the compressed body, not of the bytes we read.
  const total = Number.isSafeInteger(length) && length >= 0 && res.headers.get('content-encoding') === null ? length : undefined;
  if (total !== undefined && total > max) {
    await res.body?.cancel().catch(() => {});
    throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: Content-Length is ${total} bytes, more than maxDownloadBytes (${max})`);
  }
  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > max) throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: ${bytes.length} bytes, more than maxDownloadBytes (${max})`);
    onProgress?.(bytes.length, total);
    return bytes;
  }
  const reader = res.body.getReader();
  let out = new Uint8Array(total ?? 1 << 16);
  let loaded = 0;
  onProgress?.(0, total);
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new SeqattnError('E_FILE_TRUNCATED', `${where}: the download broke off after ${loaded}${total === undefined ? '' : ` of ${total}`} bytes (${(e as Error).message})`);
    }
    const { done, value } = chunk;
    if (done) break;
    if (loaded + value.length > max) {
      await reader.cancel().catch(() => {});
      throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: more than maxDownloadBytes (${max}) bytes sent${total === undefined ? '' : ` (Content-Length said ${total})`}`);
    }
    if (loaded + value.length > out.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(out.length * 2, loaded + value.length)));
      grown.set(out.subarray(0, loaded));
      out = grown;
    }
    out.set(value, loaded);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  if (total !== undefined && loaded !== total) {
    throw new SeqattnError('E_FILE_TRUNCATED', `${where}: received ${loaded} bytes, but Content-Length said ${total}`);
  }
  return loaded === out.length ? out : out.slice(0, loaded);
}

/** Where cached model bytes live: the Cache API, or IndexedDB where there is none (insecure http: origins). */
interface ByteStore {
  get(key: string): Promise<{ bytes: Uint8Array; hash: string } | undefined>;
  put(key: string, bytes: Uint8Array, hash: string): Promise<void>;
  delete(key: string): Promise<void>;
}

function cacheApiStore(cache: Cache): ByteStore {
  return {
    async get(key) {
      const hit = await cache.match(key);
      const hash = hit?.headers.get(HASH_HEADER);
      return hit && hash ? { bytes: new Uint8Array(await hit.arrayBuffer()), hash } : undefined;
    },
    async put(key, bytes, hash) {
      const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), [HASH_HEADER]: hash };
      await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
    },
    async delete(key) { await cache.delete(key); },
  };
}

/** A request as a promise. */
function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });
}

function indexedDbStore(db: IDBDatabase): ByteStore {
  const files = (mode: IDBTransactionMode) => db.transaction('files', mode).objectStore('files');
  return {
    async get(key) {
      const v = await done(files('readonly').get(key)) as { bytes?: unknown; hash?: unknown } | undefined;
      return v && v.bytes instanceof Uint8Array && typeof v.hash === 'string' ? { bytes: v.bytes, hash: v.hash } : undefined;
    },
    async put(key, bytes, hash) { await done(files('readwrite').put({ bytes, hash }, key)); },
    async delete(key) { await done(files('readwrite').delete(key)); },
  };
}

async function openStore(name: string): Promise<ByteStore | undefined> {
  const g = globalThis as { caches?: CacheStorage; indexedDB?: IDBFactory };
  try {
    if (g.caches) return cacheApiStore(await g.caches.open(name));
    if (g.indexedDB) {
      const req = g.indexedDB.open(name, 1);
      req.onupgradeneeded = () => { req.result.createObjectStore('files'); };
      return indexedDbStore(await done(req));
    }
  } catch {
    // e.g. an opaque origin or private mode: behave as if there were no cache
  }
  return undefined;
}

/**
 * The bytes at `url`: from the cache when `cache` is set and it holds them (hash checked), else
 * downloaded (progress, size limit, integrity) and, with `cache`, stored.
 */
export async function fetchModelBytes(url: string | URL, options: FetchOptions = {}): Promise<Uint8Array> {
  const max = checkOptions(options);
  const where = String(url);
  const key = new URL(where, (globalThis as { location?: { href: string } }).location?.href).href;
  const store = options.cache ? await openStore(typeof options.cache === 'string' ? options.cache : DEFAULT_CACHE) : undefined;
  const want = options.integrity?.slice('sha256-'.length);

  if (store) {
    const hit = await store.get(key).catch(() => undefined);
    if (hit && (want === undefined || want === hit.hash) && hit.bytes.length <= max && (await sha256(hit.bytes)) === hit.hash) {
      options.onProgress?.(hit.bytes.length, hit.bytes.length);
      return hit.bytes;
    }
    if (hit) await store.delete(key).catch(() => {}); // corrupt, or not the wanted hash
  }

  if (typeof fetch !== 'function') throw new SeqattnError('E_MODEL_NOT_FOUND', `cannot fetch ${where}: no fetch() here`);
  let res: Response;
  try {
    res = await fetch(key, options.requestInit);
  } catch (e) {
    throw new SeqattnError('E_MODEL_NOT_FOUND', `${where}: fetch failed (${(e as Error).message})`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new SeqattnError('E_MODEL_NOT_FOUND', `${where}: HTTP ${res.status}${res.status === 404 ? ' (no file at that URL)' : ''}`);
  }
  const bytes = await readBody(res, where, max, options.onProgress);
  if (want !== undefined) {
    const hash = await sha256(bytes);
    if (hash !== want) {
      throw new SeqattnError('E_DOWNLOAD_INTEGRITY', `${where}: SHA-256 is ${hash === undefined ? 'not computable here (no crypto.subtle)' : `sha256-${hash}`}, expected ${options.integrity}`);
    }
  }
  // Stored in the background: the model loads meanwhile (nothing writes to `bytes`); a failed
  // store (quota, no crypto.subtle) only costs the next visit a download.
  if (store) void storeBytes(store, key, bytes, want).catch(() => {});
  return bytes;
}

async function storeBytes(store: ByteStore, key: string, bytes: Uint8Array, hash: string | undefined): Promise<void> {
  hash ??= await sha256(bytes);
  if (hash !== undefined) await store.put(key, bytes, hash);
}
