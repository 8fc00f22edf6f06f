// The published types as the kinds of consumer see them: tsc on tiny projects in a temp folder,
// with node_modules/seqattn linked to this package (its dist/ and package.json exports), every
// declaration file checked (skipLibCheck false):
//   ESM under node16 (.mts: exports "node" -> "import" -> types, Node-only names visible),
//   CommonJS under node16 (.cts: "node" -> "require" -> the .d.cts declarations),
//   both again under a Node project's lib: ES2022 and @types/node, no DOM (no WebAssembly namespace),
//   CommonJS under node10 (no exports map: package.json "types", the Node entry's),
//   a bundler project (moduleResolution bundler, lib DOM: the portable types, Node-only names absent).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const ESM = `import { loadModel, bundledModels, SeqattnError, type Seq2SeqModel, type FetchOptions } from 'seqattn';
const names: string[] = bundledModels();
const progress: FetchOptions['onProgress'] = (loaded: number, total: number | undefined) => {};
const m: Seq2SeqModel = await loadModel('g2p-en', { cache: true, onProgress: progress, maxDownloadBytes: 1 << 21 });
const code: SeqattnError['code'] = 'E_DOWNLOAD_SIZE';
export { names, m, code };
`;
const CJS = `import seqattn = require('seqattn');
const names: string[] = seqattn.bundledModels();
seqattn.loadModel('g2p-en').then((m: seqattn.Seq2SeqModel) => m.translate('a').text);
export = names;
`;
// node10 reads package.json "types": the Node entry's declarations (bundledModels is there)
const NODE10 = `import seqattn = require('seqattn');
const names: string[] = seqattn.bundledModels();
const w: Promise<WebAssembly.Module> = seqattn.compiledModule('simd128');
seqattn.loadModel('g2p-en', { wasmBuild: 'simd128' }).then((m: seqattn.Seq2SeqModel) => m.translate('a').text);
export = { names, w };
`;
const BUNDLER = `import { loadModel, compiledModule, type Seq2SeqModel } from 'seqattn';
// @ts-expect-error bundledModels is Node-only: not in the browser entry's types
import { bundledModels } from 'seqattn';
const m: Promise<Seq2SeqModel> = loadModel(new URL('seqattn/models/g2p-en/model.int8.safetensors', import.meta.url), { cache: true });
const w: Promise<WebAssembly.Module> = compiledModule('simd128');
export { m, w, bundledModels };
`;

function project(dir: string, files: Record<string, string>, options: object): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'seqattn'), 'dir');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(root, 'node_modules', '@types')], types: [], lib: ['ES2022', 'DOM'], ...options },
    files: Object.keys(files).filter((f) => /\.[cm]?ts$/.test(f)),
  }));
}

test('tsc type-checks ESM and CommonJS node16 (with and without DOM), CommonJS node10 and bundler consumers, skipLibCheck false', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqattn-types-'));
  const nodeLib = { lib: ['ES2022'], types: ['node'] };
  try {
    project(join(dir, 'node16'), { 'esm.mts': ESM, 'cjs.cts': CJS, 'package.json': '{"type":"commonjs"}' }, { module: 'node16', moduleResolution: 'node16' });
    project(join(dir, 'node16-nodom'), { 'esm.mts': ESM, 'cjs.cts': CJS, 'package.json': '{"type":"commonjs"}' }, { module: 'node16', moduleResolution: 'node16', ...nodeLib });
    project(join(dir, 'node10'), { 'main.ts': NODE10, 'package.json': '{"type":"commonjs"}' }, { module: 'commonjs', moduleResolution: 'node10', ...nodeLib });
    project(join(dir, 'bundler'), { 'main.ts': BUNDLER, 'package.json': '{"type":"module"}' }, { module: 'ESNext', moduleResolution: 'bundler' });
    const run = (p: string) => promisify(execFile)(process.execPath, [tsc, '-p', join(dir, p, 'tsconfig.json')], { encoding: 'utf8' })
      .then(() => '', (e: { stdout: string; stderr: string }) => `${p}:\n${e.stdout}${e.stderr}`);
    const errors = (await Promise.all(['node16', 'node16-nodom', 'node10', 'bundler'].map(run))).join('');
    assert.is(errors, '', errors);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
