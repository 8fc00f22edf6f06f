// Bundles src/ into dist/: ESM + CJS for the portable entry (index) and the Node entry (node),
// and one .d.ts. The Wasm bytes come inlined through build/wasm-bytes.js (tools/inline-wasm.mjs).
import { rmSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { fileURLToPath } from 'node:url';

const ts = () => typescript({
  tsconfig: false,
  compilerOptions: {
    target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: ['node'],
    strict: true, declaration: false, sourceMap: false, isolatedModules: true, esModuleInterop: true, skipLibCheck: true,
  },
  include: ['src/**/*.ts', 'build/wasm-bytes.js'],
});
const external = (id) => id.startsWith('node:');
// The G2P's packages are bundled (dist runs in a browser without a bundler): n2words (numbers) into
// the entries, compromise (the tagger, dynamically imported) into a chunk loaded on first use.
const bundled = () => ({
  name: 'bundle-g2p-packages',
  resolveId(id) {
    if (id === 'n2words/en-US') return fileURLToPath(import.meta.resolve(id));
    // compromise's own minified, self-contained build of its tagger (295 kB, 120 kB gzip).
    if (id === 'compromise/two') return fileURLToPath(new URL('../builds/two/compromise-two.mjs', import.meta.resolve('compromise/two')));
    return null;
  },
});
// chunk names carry hashes: start from an empty dist/ so no stale chunk is packed
rmSync(new URL('./dist/', import.meta.url), { recursive: true, force: true });
// The `seqattn` command (package.json "bin"): rollup keeps its #! line; make it executable too.
const executableCli = () => ({
  name: 'executable-cli',
  async writeBundle(options, bundle) {
    const { chmod } = await import('node:fs/promises');
    for (const name of Object.keys(bundle)) if (/^cli\.c?js$/.test(name)) await chmod(`${options.dir}/${name}`, 0o755);
  },
});

// CommonJS declarations for `require` (exports "require" -> "types"): each .d.ts again as .d.cts,
// its relative imports pointing at the .cjs twins, so TypeScript reads them as CommonJS (no TS1479).
const ctsDeclarations = () => ({
  name: 'cts-declarations',
  async writeBundle(options, bundle) {
    const { writeFile } = await import('node:fs/promises');
    for (const [name, chunk] of Object.entries(bundle)) {
      if (chunk.type !== 'chunk' || !name.endsWith('.d.ts')) continue;
      const code = chunk.code.replace(/(from\s*['"]\.{1,2}\/[^'"]+)\.js(['"])/g, '$1.cjs$2');
      await writeFile(`${options.dir}/${name.slice(0, -'.d.ts'.length)}.d.cts`, code);
    }
  },
});

// dist/index.min.js: the portable entry minified into one file, for a plain <script type="module">
// with no bundler (examples/static); bundlers take dist/index.js and minify it themselves.
const minifiedEntry = () => ({
  name: 'minified-entry',
  async writeBundle(options) {
    if (options.format !== 'es') return;
    const { build } = await import('esbuild');
    await build({ entryPoints: [`${options.dir}/index.js`], outfile: `${options.dir}/index.min.js`, bundle: true, minify: true,
      format: 'esm', platform: 'browser', target: 'es2022', legalComments: 'none', logLevel: 'warning',
      // the G2P tagger stays its own chunk (dist/chunks/), fetched only when a G2P with heteronyms is built
      plugins: [{ name: 'tagger-chunk', setup(b) {
        b.onResolve({ filter: /compromise-two\.js$/ }, (a) => ({ path: `./chunks/${a.path.split('/').pop()}`, external: true }));
      } }] });
  },
});

// The Wasm builds as files too (package entries seqattn/wasm/simd128.wasm and relaxed-simd.wasm): for
// runtimes that compile no Wasm from bytes at run time (Cloudflare workerd), whose bundler imports
// the file as a compiled WebAssembly.Module to pass as the `wasmModule` load option.
const wasmFiles = () => ({
  name: 'wasm-files',
  async writeBundle(options) {
    if (options.format !== 'es') return;
    const { copyFile, mkdir } = await import('node:fs/promises');
    await mkdir(`${options.dir}/wasm`, { recursive: true });
    await copyFile('build/seqattn.wasm', `${options.dir}/wasm/simd128.wasm`);
    await copyFile('build/seqattn-relaxed.wasm', `${options.dir}/wasm/relaxed-simd.wasm`);
  },
});

// The tagger chunk (compromise's own build) has a fixed name and exists once, as ES module: the
// CommonJS entries load it with import(), which CommonJS has too. The rest of the CommonJS build
// repeats the ES one: `require` cannot load an ES module on Node 18 and Node 20 before 20.19.
const TAGGER = fileURLToPath(new URL('./dist/chunks/compromise-two.js', import.meta.url));
const taggerFromEsm = () => ({
  name: 'tagger-from-esm',
  resolveId(id) { return id === 'compromise/two' ? { id: TAGGER, external: true } : null; },
});
const chunkFileNames = (ext) => (chunk) => (chunk.name === 'compromise-two' ? `chunks/compromise-two.${ext}` : `chunks/[name]-[hash].${ext}`);

export default [
  {
    // pool-worker*: the worker scripts of createPool (src/pool/), next to the entries that start them
    input: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli/main.ts', 'pool-worker': 'src/pool/web-worker.ts', 'pool-worker-node': 'src/pool/node-worker.ts' },
    external,
    plugins: [bundled(), ts(), executableCli(), minifiedEntry(), wasmFiles()],
    // dist/index.js holds the code (the pool workers import it: src/pool/serve.ts), even where the
    // node entry needs more of its modules than index exports (the G2P's loaders): no facade
    preserveEntrySignatures: 'allow-extension',
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: chunkFileNames('js') },
  },
  {
    // `require('seqattn')`: the two entries only (the command, the pool workers and the tagger run as ES modules)
    input: { index: 'src/index.ts', node: 'src/node.ts' },
    external,
    plugins: [taggerFromEsm(), bundled(), ts()],
    preserveEntrySignatures: 'allow-extension',
    output: { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: chunkFileNames('cjs'), dynamicImportInCjs: true,
      paths: { [TAGGER]: './chunks/compromise-two.js' } }, // dist/index.cjs holds the code that imports it
  },
  {
    input: { index: 'src/index.ts', node: 'src/node.ts' },
    external,
    plugins: [dts({ compilerOptions: { types: ['node'] } }), ctsDeclarations()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
];
