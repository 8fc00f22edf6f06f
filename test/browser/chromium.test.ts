// How the browser tests find a Chromium (test/browser/chromium.ts), including on a machine with no
// system browser: CHROMIUM_PATH unset and the system lookup emptied (SEQATTN_SYSTEM_CHROMIUM=''),
// the @sparticuz/chromium dev dependency must give one that runs seqattn.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumCacheDir, findChromium, launchChromium } from './chromium.js';

function withEnv<T>(env: Record<string, string | undefined>, f: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  };
  set(env);
  return f().finally(() => set(saved));
}

test('CHROMIUM_PATH to nothing is an error that says how to get a browser, not a skip', async () => {
  const err = await withEnv({ CHROMIUM_PATH: '/nonexistent/chrome' }, () => findChromium().then(() => undefined, (e: Error) => e));
  assert.ok(err, 'must throw');
  assert.match(err!.message, /CHROMIUM_PATH is \/nonexistent\/chrome, which does not exist/);
  assert.match(err!.message, /apt-get install chromium/);
  assert.match(err!.message, /@sparticuz\/chromium/);
});

test('a Chromium that exists but does not start (CHROMIUM_PATH=/bin/false) is an error naming it, what to do and the cache folder', async () => {
  const err = await withEnv({ CHROMIUM_PATH: '/bin/false' }, () => launchChromium().then((l) => { void l.browser.close(); return undefined; }, (e: Error) => e));
  assert.ok(err, 'must throw');
  assert.match(err!.message, /^the Chromium at \/bin\/false \(CHROMIUM_PATH\) did not start \(/);
  assert.match(err!.message, /apt-get install chromium/);
  assert.ok(err!.message.includes(`unpacked once into ${chromiumCacheDir()}`), err!.message);
});

test('the unpacked @sparticuz/chromium lives in one cache folder per version: SEQATTN_CHROMIUM_CACHE, else $XDG_CACHE_HOME/seqattn, else ~/.cache/seqattn', async () => {
  assert.is(await withEnv({ SEQATTN_CHROMIUM_CACHE: '/some/where' }, async () => chromiumCacheDir()), '/some/where');
  assert.is(await withEnv({ SEQATTN_CHROMIUM_CACHE: undefined, XDG_CACHE_HOME: '/xdg' }, async () => chromiumCacheDir()), join('/xdg', 'seqattn'));
  assert.is(await withEnv({ SEQATTN_CHROMIUM_CACHE: undefined, XDG_CACHE_HOME: undefined }, async () => chromiumCacheDir()), join(homedir(), '.cache', 'seqattn'));
});

test('CHROMIUM_PATH is used as given', async () => {
  const found = await withEnv({ CHROMIUM_PATH: process.execPath }, () => findChromium());
  assert.equal(found, { path: process.execPath, source: 'CHROMIUM_PATH' });
});

test('with no system Chromium, @sparticuz/chromium (for this Node, unpacked per version) runs seqattn', async () => {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    const err = await withEnv({ CHROMIUM_PATH: undefined, SEQATTN_SYSTEM_CHROMIUM: '' }, () => findChromium().then(() => undefined, (e: Error) => e));
    assert.match(String(err?.message), /no Chromium found .*CHROMIUM_PATH/);
    return;
  }
  const { browser, source } = await withEnv({ CHROMIUM_PATH: undefined, SEQATTN_SYSTEM_CHROMIUM: '' }, () => launchChromium());
  try {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const version = major > 22 || (major === 22 && minor >= 17) ? /^@sparticuz\/chromium 153\./ : /^@sparticuz\/chromium 147\./;
    assert.match(source, version);
    assert.ok(source.includes(join(chromiumCacheDir(), 'sparticuz-chromium-')), source); // the cache every run reuses
    const page = await browser.newPage();
    await page.setContent('<title>x</title>');
    // SIMD128 and relaxed SIMD: what seqattn's two builds need
    const simd = await page.evaluate(() => WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11])));
    assert.ok(simd, 'this Chromium validates SIMD128');
  } finally {
    await browser.close();
  }
});

test('the NSS libraries inside @sparticuz/chromium (for machines without them) run its Chromium here too', async () => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return;
  const { browser, source } = await withEnv({ CHROMIUM_PATH: undefined, SEQATTN_SYSTEM_CHROMIUM: '', SEQATTN_CHROMIUM_LIBS: 'bundled' }, () => launchChromium());
  try {
    assert.match(source, /its own NSS libraries$/);
    const page = await browser.newPage();
    assert.is(await page.evaluate(() => 1 + 1), 2);
  } finally {
    await browser.close();
  }
});

test.run();
