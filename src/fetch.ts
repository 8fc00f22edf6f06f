/**
 * Model files from URLs: download with progress and a size limit, and an optional cache of the
 * bytes (the Cache API, or IndexedDB where there is none) so a second visit does not download.
 *
 * Cache entries are keyed by the URL and carry the SHA-256 of their bytes (Cache API: header
 * x-seqattn-sha256): a hit is checked against that hash (and against `integrity` when given)
 * before it is used; a corrupt or stale entry is dropped and downloaded again. Only bytes the
 * caller could use (a model that loaded, a lexicon that parsed) are stored: an HTML page answered
 * with 200 is never cached, and a cached entry that no longer loads is dropped.
 *
 * A server is not trusted to behave: every wait has a deadline (`timeoutMs` for the whole
 * download, `stallTimeoutMs` for the headers and for each next piece of the body), the memory
 * held grows with the bytes received (never with the Content-Length announced), and a body longer
 * than its Content-Length or than `maxDownloadBytes` is refused as it arrives.
 */
import { SeqattnError } from './errors.js';
import { checkOptionsObject } from './limits.js';
import { readSafetensors } from './safetensors.js';
import { kindOf, preview } from './untrusted.js';

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
   * Longest time for the whole download (request to last byte), in milliseconds; longer is an
   * E_DOWNLOAD_TIMEOUT error. Default 600,000 (10 minutes); `Infinity`: no limit.
   */
  timeoutMs?: number;
  /**
   * Longest wait for the response headers, and for each next piece of the body once it started,
   * in milliseconds: a server that goes quiet for longer is an E_DOWNLOAD_TIMEOUT error.
   * Default 30,000; `Infinity`: no limit.
   */
  stallTimeoutMs?: number;
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
/** Defaults of FetchOptions.timeoutMs and .stallTimeoutMs. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 600_000;
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;
/** Longest timeout setTimeout keeps (2^31 - 1 ms, about 24.8 days); longer ones are no limit. */
const MAX_TIMER_MS = 2 ** 31 - 1;
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

interface Resolved { max: number; timeoutMs: number; stallTimeoutMs: number; options: FetchOptions }

/** A timeout option: a positive number of milliseconds (Infinity: none), else E_OPTION. */
function timeoutOption(name: string, v: unknown, dflt: number): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !(x > 0)) {
    throw new SeqattnError('E_OPTION', `${name} is ${preview(x)}, expected a positive number of milliseconds (Infinity: no limit)`);
  }
  return x;
}

/** The fetch options checked (E_OPTION), own properties only, with their defaults. */
function checkOptions(options: unknown): Resolved {
  const o = checkOptionsObject(options, 'fetch options') as FetchOptions;
  const max = o.maxDownloadBytes ?? DEFAULT_MAX;
  if (!(typeof max === 'number' && Number.isSafeInteger(max) && max > 0)) {
    throw new SeqattnError('E_OPTION', `maxDownloadBytes is ${preview(max)}, expected a positive integer`);
  }
  if (o.integrity !== undefined && !(typeof o.integrity === 'string' && /^sha256-[A-Za-z0-9+/]{43}=$/.test(o.integrity))) {
    throw new SeqattnError('E_OPTION', `integrity is ${typeof o.integrity === 'string' ? preview(o.integrity) : kindOf(o.integrity)}, expected a string 'sha256-' and 44 base64 characters`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new SeqattnError('E_OPTION', `onProgress is ${kindOf(o.onProgress)}, expected a function`);
  }
  if (o.cache !== undefined && typeof o.cache !== 'boolean' && typeof o.cache !== 'string') {
    throw new SeqattnError('E_OPTION', `cache is ${kindOf(o.cache)}, expected true, false or a cache name`);
  }
  if (o.requestInit !== undefined && (o.requestInit === null || typeof o.requestInit !== 'object')) {
    throw new SeqattnError('E_OPTION', `requestInit is ${kindOf(o.requestInit)}, expected an object (fetch's RequestInit)`);
  }
  return {
    max,
    timeoutMs: timeoutOption('timeoutMs', o.timeoutMs, DEFAULT_DOWNLOAD_TIMEOUT_MS),
    stallTimeoutMs: timeoutOption('stallTimeoutMs', o.stallTimeoutMs, DEFAULT_STALL_TIMEOUT_MS),
    options: o,
  };
}

async function sha256(bytes: Uint8Array): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The two deadlines of a download (FetchOptions.timeoutMs, .stallTimeoutMs): `signal` aborts the
 * request when one passes (or when the caller's requestInit.signal aborts), and `race` turns a
 * pending wait into the E_DOWNLOAD_TIMEOUT error at that moment, whether or not fetch() notices the
 * abort. `clear` must run when the download ends (timers would keep Node running).
 */
class Deadlines {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  private readonly t0 = Date.now();
  private total: ReturnType<typeof setTimeout> | undefined;
  private stall: ReturnType<typeof setTimeout> | undefined;
  private fail: (e: SeqattnError) => void = () => {};
  private readonly expired: Promise<never>;
  private readonly onUserAbort = () => this.controller.abort(this.user?.reason);
  /** For the messages: whether the headers came, the Content-Length, the bytes received so far. */
  headers = false;
  length: number | undefined;
  loaded = 0;

  constructor(private readonly where: string, private readonly r: Resolved, private readonly user: AbortSignal | undefined) {
    this.expired = new Promise<never>((_, reject) => { this.fail = reject; });
    this.expired.catch(() => {}); // handled by race(); never an unhandled rejection
    if (user?.aborted) this.controller.abort(user.reason);
    else user?.addEventListener('abort', this.onUserAbort, { once: true });
    if (r.timeoutMs <= MAX_TIMER_MS) {
      this.total = setTimeout(() => this.expire(`the download took longer than timeoutMs (${r.timeoutMs} ms)`), r.timeoutMs);
    }
    this.progress();
  }

  /** Restarts the stall timer: called when the headers arrive and on each piece of the body. */
  progress(): void {
    if (this.stall !== undefined) clearTimeout(this.stall);
    if (this.r.stallTimeoutMs > MAX_TIMER_MS) return;
    this.stall = setTimeout(() => this.expire(!this.headers
      ? `no response headers within stallTimeoutMs (${this.r.stallTimeoutMs} ms)`
      : `the server sent nothing for stallTimeoutMs (${this.r.stallTimeoutMs} ms)`), this.r.stallTimeoutMs);
  }

  private expire(why: string): void {
    const got = !this.headers ? '' : ` after ${this.loaded}${this.length === undefined ? '' : ` of ${this.length}`} bytes`;
    const e = new SeqattnError('E_DOWNLOAD_TIMEOUT', `${this.where}: ${why}${got} (${Date.now() - this.t0} ms since the request; `
      + 'raise the timeoutMs / stallTimeoutMs options for a slow server)');
    this.clear();
    this.fail(e);
    this.controller.abort(e);
  }

  /** `p`, or the timeout error if a deadline passes first. */
  race<T>(p: Promise<T>): Promise<T> {
    p.catch(() => {}); // a rejection after the deadline is no unhandled rejection
    return Promise.race([p, this.expired]);
  }

  clear(): void {
    if (this.total !== undefined) clearTimeout(this.total);
    if (this.stall !== undefined) clearTimeout(this.stall);
    this.total = this.stall = undefined;
    this.user?.removeEventListener('abort', this.onUserAbort);
  }
}

/** A new buffer of `n` bytes holding `old[0..used)`; E_DOWNLOAD_SIZE where this runtime cannot allocate it. */
function grow(old: Uint8Array, used: number, n: number, where: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = new Uint8Array(n);
  } catch (e) {
    throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: cannot hold ${n} bytes in memory here (${(e as Error).message}); lower maxDownloadBytes`);
  }
  out.set(old.subarray(0, used));
  return out;
}

/**
 * Reads a response body with progress, refusing more than `max` bytes and more than its
 * Content-Length. The buffer grows (doubling) as bytes arrive, up to the smaller of `max` and the
 * Content-Length: what a download holds is at most about three times what it received.
 */
async function readBody(res: Response, where: string, max: number, onProgress: FetchOptions['onProgress'], d: Deadlines): Promise<Uint8Array> {
  const header = res.headers.get('content-length');
  const length = header === null ? NaN : Number(header);
  // With Content-Encoding the length is of the compressed body, not of the bytes we read.
  const total = Number.isSafeInteger(length) && length >= 0 && res.headers.get('content-encoding') === null ? length : undefined;
  d.length = total;
  if (total !== undefined && total > max) {
    await res.body?.cancel().catch(() => {});
    throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: Content-Length is ${total} bytes, more than maxDownloadBytes (${max})`);
  }
  if (!res.body) {
    const bytes = new Uint8Array(await d.race(res.arrayBuffer()));
    if (bytes.length > max) throw new SeqattnError('E_DOWNLOAD_SIZE', `${where}: ${bytes.length} bytes, more than maxDownloadBytes (${max})`);
    onProgress?.(bytes.length, total);
    return bytes;
  }
  const cap = Math.min(max, total ?? max);
  const reader = res.body.getReader();
  let out: Uint8Array = new Uint8Array(Math.min(cap, 1 << 16));
  let loaded = 0;
  try {
    onProgress?.(0, total);
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await d.race(reader.read());
      } catch (e) {
        if (e instanceof SeqattnError) throw e;
        throw new SeqattnError('E_FILE_TRUNCATED', `${where}: the download broke off after ${loaded}${total === undefined ? '' : ` of ${total}`} bytes (${(e as Error)?.message})`);
      }
      const { done, value } = chunk;
      if (done) break;
      d.progress();
      if (loaded + value.length > cap) {
        throw new SeqattnError('E_DOWNLOAD_SIZE', loaded + value.length > max
          ? `${where}: more than maxDownloadBytes (${max}) bytes sent${total === undefined ? '' : ` (Content-Length said ${total})`}`
          : `${where}: more bytes sent than its Content-Length (${total})`);
      }
      if (loaded + value.length > out.length) out = grow(out, loaded, Math.min(cap, Math.max(2 * out.length, loaded + value.length)), where);
      out.set(value, loaded);
      loaded += value.length;
      d.loaded = loaded;
      onProgress?.(loaded, total);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
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
 * The bytes of a model file at `url`: from the cache when `cache` is set and it holds them (hash
 * checked), else downloaded (progress, size limit, timeouts, integrity). With `cache`, bytes that
 * read as a safetensors file (header and offsets) are stored; anything else (an HTML error page
 * answered with 200) is E_HEADER_LENGTH / E_HEADER_JSON and not stored.
 */
export async function fetchModelBytes(url: string | URL, options: FetchOptions = {}): Promise<Uint8Array> {
  return fetchAndUse(url, options, (bytes) => { readSafetensors(bytes, String(url)); return bytes; });
}

/** Errors of the caller's own arguments: a cache hit that fails with one of these is kept. */
const CALLER_ERRORS: ReadonlySet<string> = new Set(['E_OPTION', 'E_ARGUMENT']);

/**
 * `use(bytes)` of the bytes at `url` (see fetchModelBytes), and with `cache` the bytes stored only
 * once `use` succeeded: the loaders pass the load itself, so only bytes that loaded are cached. A
 * cache hit that `use` refuses for its content is dropped and downloaded again.
 */
export async function fetchAndUse<T>(url: string | URL, options: FetchOptions, use: (bytes: Uint8Array) => T | Promise<T>): Promise<T> {
  const r = checkOptions(options);
  const o = r.options;
  if (typeof url !== 'string' && !(url instanceof URL)) throw new SeqattnError('E_ARGUMENT', `a URL must be a string or a URL, got ${kindOf(url)}`);
  const where = preview(String(url), 200).replace(/^"|"$/g, '');
  let key: string;
  try {
    key = new URL(String(url), (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    throw new SeqattnError('E_ARGUMENT', `${where} is not a URL`);
  }
  const store = o.cache ? await openStore(typeof o.cache === 'string' ? o.cache : DEFAULT_CACHE) : undefined;
  const want = o.integrity?.slice('sha256-'.length);

  if (store) {
    const hit = await store.get(key).catch(() => undefined);
    if (hit && (want === undefined || want === hit.hash) && hit.bytes.length <= r.max && (await sha256(hit.bytes)) === hit.hash) {
      o.onProgress?.(hit.bytes.length, hit.bytes.length);
      try {
        return await use(hit.bytes);
      } catch (e) {
        if (!(e instanceof SeqattnError) || CALLER_ERRORS.has(e.code)) throw e;
        // bytes that no longer load (stored by an older version, or a changed format): download again
      }
    }
    if (hit) await store.delete(key).catch(() => {}); // corrupt, not the wanted hash, or not loadable
  }

  const bytes = await download(key, where, r, want);
  const out = await use(bytes); // throws: nothing is stored
  // Stored in the background: nothing writes to `bytes`; a failed store (quota, no crypto.subtle)
  // only costs the next visit a download.
  if (store) void storeBytes(store, key, bytes, want).catch(() => {});
  return out;
}

/** The bytes at `key`, downloaded within the options' limits and checked against `want` (a SHA-256 in base64). */
async function download(key: string, where: string, r: Resolved, want: string | undefined): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new SeqattnError('E_MODEL_NOT_FOUND', `cannot fetch ${where}: no fetch() here`);
  const init = r.options.requestInit;
  const d = new Deadlines(where, r, init?.signal ?? undefined);
  let bytes: Uint8Array;
  try {
    let res: Response;
    try {
      res = await d.race(fetch(key, { ...init, signal: d.signal }));
    } catch (e) {
      if (e instanceof SeqattnError) throw e;
      throw new SeqattnError('E_MODEL_NOT_FOUND', `${where}: fetch failed (${(e as Error)?.message})`);
    }
    d.headers = true;
    d.progress();
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new SeqattnError('E_MODEL_NOT_FOUND', `${where}: HTTP ${res.status}${res.status === 404 ? ' (no file at that URL)' : ''}`);
    }
    bytes = await readBody(res, where, r.max, r.options.onProgress, d);
  } finally {
    d.clear();
  }
  if (want !== undefined) {
    const hash = await sha256(bytes);
    if (hash !== want) {
      throw new SeqattnError('E_DOWNLOAD_INTEGRITY', `${where}: SHA-256 is ${hash === undefined ? 'not computable here (no crypto.subtle)' : `sha256-${hash}`}, expected sha256-${want}`);
    }
  }
  return bytes;
}

async function storeBytes(store: ByteStore, key: string, bytes: Uint8Array, hash: string | undefined): Promise<void> {
  hash ??= await sha256(bytes);
  if (hash !== undefined) await store.put(key, bytes, hash);
}
