// Finds a Chromium for the browser tests, in this order:
//   1. CHROMIUM_PATH (must exist);
//   2. a system Chromium or Chrome (SEQATTN_SYSTEM_CHROMIUM overrides the list, ':'-separated;
//      empty means none: how the tests check the fallback below on a machine that has one);
//   3. @sparticuz/chromium, a dev dependency that ships Chromium for Linux x64 inside the npm
//      package: 153.x on Node >= 22.17 (alias sparticuz-chromium-153), else 147.0.0 (Node >= 20.11).
// Its executablePath() unpacks Chromium (about 206 MB) into os.tmpdir(); here it unpacks once per
// version into a cache folder that every later run reuses (chromiumCacheDir: SEQATTN_CHROMIUM_CACHE,
// else $XDG_CACHE_HOME/seqattn, else ~/.cache/seqattn), not a new copy in the temp folder per run.
// No browser, or one that does not start, is an error that says what to do (and the suites run
// the start as a test, so it fails `npm test`: uvu 0.5 ignores an error thrown in test.before).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
/** Flags that work headless here (no sandbox in containers, no GPU, no network chatter of its own). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where @sparticuz/chromium is unpacked, one folder per version, reused by every run. */
export function chromiumCacheDir(): string {
  const env = process.env.SEQATTN_CHROMIUM_CACHE;
  if (env) return env;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'seqattn');
}

const HOW = 'run the browser tests with a Chromium: set CHROMIUM_PATH=/path/to/chrome, or install one '
  + '(Debian/Ubuntu: apt-get install chromium), or on Linux x64 `npm install` the dev dependency @sparticuz/chromium '
  + `(147.0.0 for Node >= 20.11, 153.x for Node >= 22.17; unpacked once into ${chromiumCacheDir()}, SEQATTN_CHROMIUM_CACHE to move it; `
  + 'SEQATTN_SYSTEM_CHROMIUM= to skip a broken system one)';

function nodeAtLeast(major: number, minor: number): boolean {
  const [a, b] = process.versions.node.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** The @sparticuz/chromium package for this Node, or undefined where it cannot run. */
function sparticuzPackage(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  if (nodeAtLeast(22, 17)) return 'sparticuz-chromium-153';
  if (nodeAtLeast(20, 11)) return '@sparticuz/chromium';
  return undefined;
}

/**
 * The shared libraries @sparticuz/chromium's binary needs beyond glibc (NSS, NSPR, expat) ship in
 * its al2023.tar.br for Amazon Linux: unpacked beside the binary and put on LD_LIBRARY_PATH when
 * the system lacks any of them (a fresh machine with no browser), or when SEQATTN_CHROMIUM_LIBS=bundled.
 */
function bundledLibraries(binary: string, packageDir: string, folder: string): Record<string, string> | undefined {
  const missing = execFileSync('ldd', [binary], { encoding: 'utf8' }).includes('not found');
  if (!missing && process.env.SEQATTN_CHROMIUM_LIBS !== 'bundled') return undefined;
  const lib = join(folder, 'al2023', 'lib');
  if (!existsSync(join(lib, 'libnss3.so'))) {
    mkdirSync(join(folder, 'al2023'), { recursive: true });
    const tar = brotliDecompressSync(readFileSync(join(packageDir, 'bin', 'al2023.tar.br')));
    execFileSync('tar', ['-x', '-C', join(folder, 'al2023')], { input: tar });
  }
  return { LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}

async function sparticuz(): Promise<Found | undefined> {
  const name = sparticuzPackage();
  if (!name) return undefined;
  const require = createRequire(import.meta.url);
  let version: string;
  let dir: string;
  try {
    // its exports map hides package.json: read the one above the resolved entry
    const read = (dir: string) => existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string } : {};
    dir = dirname(require.resolve(name));
    while (read(dir).name !== '@sparticuz/chromium' && dirname(dir) !== dir) dir = dirname(dir);
    version = String(read(dir).version);
  } catch {
    return undefined; // not installed (npm install --omit=dev)
  }
  const folder = join(chromiumCacheDir(), `sparticuz-chromium-${version}`);
  const done = join(folder, '.unpacked'); // written last: a folder without it is an interrupted unpack
  if (!existsSync(done)) {
    const { default: Chromium } = await import(name) as { default: { executablePath(): Promise<string> } };
    // unpacked beside the cache folder and renamed into place, so two runs at once never see half a binary
    const partial = `${folder}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = partial; // executablePath() unpacks into os.tmpdir()
    try {
      await Chromium.executablePath();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    writeFileSync(join(partial, '.unpacked'), `@sparticuz/chromium ${version}\n`);
    if (!existsSync(done)) {
      rmSync(folder, { recursive: true, force: true });
      try { renameSync(partial, folder); } catch { /* another run renamed its copy first */ }
    }
    rmSync(partial, { recursive: true, force: true });
  }
  const path = join(folder, 'chromium');
  return { path, source: `@sparticuz/chromium ${version} (${folder})`, env: bundledLibraries(path, dir, folder) };
}

/** A Chromium binary, where it came from, and the environment it needs (LD_LIBRARY_PATH, if any). */
export interface Found { path: string; source: string; env?: Record<string, string> }

/** The Chromium to run, and where it came from; throws with how to get one when there is none. */
export async function findChromium(): Promise<Found> {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH is ${given}, which does not exist: ${HOW}`);
    return { path: given, source: 'CHROMIUM_PATH' };
  }
  const override = process.env.SEQATTN_SYSTEM_CHROMIUM;
  const system = override === undefined ? SYSTEM : override.split(':').filter(Boolean);
  const found = system.find((p) => existsSync(p));
  if (found) return { path: found, source: 'system' };
  const bundled = await sparticuz();
  if (bundled) return bundled;
  throw new Error(`no Chromium found (CHROMIUM_PATH unset, none of ${system.join(', ') || '(no system paths)'}, @sparticuz/chromium not installed or not for ${process.platform}-${process.arch} Node ${process.versions.node}): ${HOW}`);
}

/**
 * Launches the Chromium findChromium() gives, headless; playwright gives it a fresh --user-data-dir.
 * A Chromium that exists but does not start is an error naming it and saying what to do.
 */
export async function launchChromium(): Promise<{ browser: Browser; source: string }> {
  const { path, source, env } = await findChromium();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, env: env && { ...process.env, ...env } as Record<string, string>, timeout: 60_000 });
  } catch (e) {
    const why = String((e as Error)?.message ?? e).split('\n').find((l) => l.trim() !== '') ?? 'no message';
    throw new Error(`the Chromium at ${path} (${source}) did not start (${why.slice(0, 300)}): ${HOW}`);
  }
  return { browser, source: env ? `${source}, its own NSS libraries` : source };
}
