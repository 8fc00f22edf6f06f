// examples/{vite,webpack,esbuild,static} as a user runs them: each copied to a temp folder with
// the packed package (npm pack: only the files a user gets) in its node_modules/seqattn, built by
// its own `npm run build` (the bundlers are this repo's dev dependencies), served, and driven in
// Chromium: the page loads g2p-en from the package's models/ and shows the pronunciation, and a
// pool of 2 Web Workers (the package entry seqattn/pool-worker as each bundler emits it) gives the
// same model's results, served cross-origin isolated (COOP + COEP: the model bytes in a
// SharedArrayBuffer) and not.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';
import { launchChromium } from './browser/chromium.js';

const root = join(import.meta.dirname, '..');
const EXAMPLES = { vite: 'dist', webpack: '.', esbuild: '.', static: '.' } as const; // example -> folder to serve
let dir = '';
let browser: Browser;
let expected = '';
let expectedPool = '';

// a test, not test.before: uvu 0.5 ignores an error thrown there, so a browser that does not start would skip the suite
test('setup: the examples are copied with the packed package, Chromium starts (test/browser/chromium.ts)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'seqattn-examples-'));
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  for (const name of Object.keys(EXAMPLES)) {
    const to = join(dir, name);
    cpSync(join(root, 'examples', name), to, { recursive: true, filter: (src) => !/node_modules|[/\\]dist$/.test(src) });
    mkdirSync(join(to, 'node_modules', 'seqattn'), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', join(to, 'node_modules', 'seqattn'), '--strip-components=1']);
  }
  browser = (await launchChromium()).browser;
  const model = await loadModel('g2p-en', { weights: 'int8' }); // the examples load the int8 file
  expected = model.translate('attention').text;
  expectedPool = model.translateBatch(['pool', 'of', 'workers']).map((t) => t.text).join(' | ');
  model.dispose();
});
test.after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm run build` in an example, with this repo's bundlers on the PATH. */
function build(name: string): Promise<unknown> {
  const scripts = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts.build) return Promise.resolve();
  const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`, NODE_PATH: join(root, 'node_modules') };
  return promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: join(dir, name), env, encoding: 'utf8' })
    .catch((e: { stdout: string; stderr: string }) => { throw new Error(`${name}: npm run build failed:\n${e.stdout}${e.stderr}`); });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
/** A static server of `folder`; `isolated`: every response with COOP + COEP (the page is crossOriginIsolated). */
function serve(folder: string, isolated: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    let file = normalize(join(folder, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(folder) || !existsSync(file)) { res.writeHead(404, headers); res.end(); return; }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the Vite, webpack, esbuild and static examples build with no config and show the pronunciation and a pool\'s results in Chromium, isolated and not', async () => {
  if (!browser) throw new Error('no browser: the setup test failed (see its message)'); // before the builds, and before a server is left open
  await Promise.all(Object.keys(EXAMPLES).map(build));
  for (const [name, served] of Object.entries(EXAMPLES)) {
    for (const isolated of [false, true]) {
      const server = await serve(join(dir, name, served), isolated);
      const page = await (await browser.newContext()).newPage();
      const errors: string[] = [];
      const what = `${name}${isolated ? ', cross-origin isolated' : ''}`;
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await page.waitForSelector('#out[data-ready]', { timeout: 20000 }).catch(() => { throw new Error(`${what}: no result; console: ${errors.join(' | ')}`); });
        assert.is(await page.$eval('#out', (e) => (e as HTMLOutputElement).value), expected, what);
        await page.waitForSelector('#pool[data-ready]', { timeout: 20000 }).catch(() => { throw new Error(`${what}: no pool result; console: ${errors.join(' | ')}`); });
        assert.is(await page.$eval('#pool', (e) => (e as HTMLOutputElement).value), expectedPool, what);
        assert.is(await page.$eval('#pool', (e) => (e as HTMLOutputElement).dataset.isolated), String(isolated), what);
        assert.equal(errors, [], what);
      } finally {
        await page.context().close();
        server.close();
      }
    }
  }
});

test('createPool with a worker script that is not there names its URL and the workerUrl option', async () => {
  const server = await serve(join(dir, 'static'), false);
  const page = await (await browser.newContext()).newPage();
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await page.goto(`${base}/`);
    const message = await page.evaluate(async (b) => {
      const { createPool } = await import(`${b}/node_modules/seqattn/dist/index.js`);
      try {
        (await createPool(`${b}/node_modules/seqattn/models/g2p-en/model.int8.safetensors`, { workers: 1, workerUrl: new URL(`${b}/nowhere/pool-worker.js`) })).close();
        return 'no error';
      } catch (e) { return (e as Error).message; }
    }, base);
    assert.match(message, /nowhere\/pool-worker\.js.*workerUrl/);
  } finally {
    await page.context().close();
    server.close();
  }
});

test.run();
