// The package in the JavaScript runtimes besides Node: Deno and Bun (their npm packages, dev
// dependencies) run `loadModel('g2p-en')` and `g2p()` from a project whose node_modules/seqattn is
// this package; workerd (Cloudflare's edge runtime, through the dev dependency miniflare) runs a
// worker bundled by esbuild that imports the Wasm build as a module (seqattn/wasm/simd128.wasm:
// workerd compiles no Wasm from bytes at run time) and the model and lexicon as data.
// A runtime that is not installed fails the test with what to install; none is skipped.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPronunciation, g2p, loadModel } from '../src/node.js';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => {
  const path = join(root, 'node_modules', '.bin', name);
  if (!existsSync(path)) throw new Error(`${name} is not installed: npm install (it is a dev dependency of seqattn)`);
  return path;
};
const SENTENCE = 'I refuse to collect the refuse.';
// what every runtime must print: the Node results
let expected = '';
let dir = '';

// The script Deno and Bun run, as a user's project would: `import ... from 'seqattn'`.
const SCRIPT = `import { loadModel, g2p, formatPronunciation } from 'seqattn';
const model = await loadModel('g2p-en', { weights: 'int8' });
const word = model.translate('attention').text;
model.dispose();
const text = formatPronunciation(await g2p(${JSON.stringify(SENTENCE)}), 'arpabet');
console.log(JSON.stringify({ word, text }));
`;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seqattn-runtimes-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'seqattn'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "dependencies": { "seqattn": "*" } }');
  writeFileSync(join(dir, 'main.mjs'), SCRIPT);
  const model = await loadModel('g2p-en', { weights: 'int8' });
  const word = model.translate('attention').text;
  model.dispose();
  expected = JSON.stringify({ word, text: formatPronunciation(await g2p(SENTENCE), 'arpabet') });
});
test.after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const run = async (cmd: string, args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    return stdout.trim().split('\n').pop();
  } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stdout}${stderr}${(e as Error).message}`);
  }
};

test('Deno runs loadModel(g2p-en) and g2p() from the package', async () => {
  // node_modules as npm made it (no deno install); reading models/ and the lexicon needs --allow-read
  assert.is(await run(bin('deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'main.mjs']), expected);
});

test('Bun runs loadModel(g2p-en) and g2p() from the package', async () => {
  assert.is(await run(bin('bun'), ['main.mjs']), expected);
});

test('workerd (miniflare) runs a worker that passes seqattn/wasm/simd128.wasm as wasmModule', async () => {
  const { build } = await import('esbuild');
  const { Miniflare } = createRequire(import.meta.url)(join(root, 'node_modules', 'miniflare')) as typeof import('miniflare');
  const worker = `import { loadModel, g2p, formatPronunciation } from 'seqattn';
import wasmModule from 'seqattn/wasm/simd128.wasm';               // a WebAssembly.Module
import modelBytes from 'seqattn/models/g2p-en/model.int8.safetensors'; // an ArrayBuffer
import lexiconBytes from 'seqattn/models/g2p-en/lexicon.bin';
const wasm = { wasmBuild: 'simd128', wasmModule };
export default {
  async fetch() {
    const model = await loadModel(modelBytes, wasm);
    const word = model.translate('attention').text;
    model.dispose();
    const r = await g2p(${JSON.stringify(SENTENCE)}, { model: modelBytes, lexicon: lexiconBytes, modelOptions: wasm });
    return new Response(JSON.stringify({ word, text: formatPronunciation(r, 'arpabet') }));
  },
};
`;
  writeFileSync(join(dir, 'worker.mjs'), worker);
  // esbuild as wrangler uses it: the package's worker/browser entry bundled, the .wasm and data files kept as modules
  const modules: { type: 'CompiledWasm' | 'Data'; path: string }[] = [];
  mkdirSync(join(dir, 'out'));
  await build({
    entryPoints: [join(dir, 'worker.mjs')], outfile: join(dir, 'out', 'worker.js'), bundle: true, format: 'esm', platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'], logLevel: 'error',
    plugins: [{ name: 'modules', setup(b) {
      b.onResolve({ filter: /\.(wasm|safetensors|bin)$/ }, async (a) => {
        const file = createRequire(join(dir, 'main.mjs')).resolve(a.path);
        const name = file.split('/').pop()!;
        modules.push({ type: name.endsWith('.wasm') ? 'CompiledWasm' : 'Data', path: name });
        writeFileSync(join(dir, 'out', name), readFileSync(file));
        return { path: `./${name}`, external: true };
      });
    } }],
  });
  const out = join(dir, 'out');
  const mf = new Miniflare({
    compatibilityDate: '2025-09-01',
    modulesRoot: out,
    modules: [{ type: 'ESModule', path: join(out, 'worker.js') }, ...modules.map((m) => ({ type: m.type, path: join(out, m.path) }))],
  });
  try {
    const res = await mf.dispatchFetch('http://localhost/');
    const body = await res.text();
    assert.is(res.status, 200, body);
    assert.is(body, expected);
  } finally {
    await mf.dispose();
  }
});

test.run();
