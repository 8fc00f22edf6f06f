// Bundles the demo page (main.js) and its Web Worker (worker.js, with seqattn) into demo/dist/,
// minified, with esbuild, and puts the two Wasm builds beside them as files (dist/wasm/): the
// worker fetches only the one its engine runs and passes it to loadModel (`wasmModule`), so the
// worker script carries neither build inlined. `seqattn` is bundled from this package's src/
// (its Wasm from build/: npm run build:wasm).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** build/wasm-bytes.js (both builds as base64) replaced by empty strings: the demo's Wasm comes from dist/wasm/. */
const wasmAsFiles = {
  name: 'wasm-as-files',
  setup(b) {
    b.onResolve({ filter: /[/\\]build[/\\]wasm-bytes\.js$/ }, (args) => ({ path: args.path, namespace: 'wasm-as-files' }));
    b.onLoad({ filter: /.*/, namespace: 'wasm-as-files' }, () => ({
      contents: '// the demo passes a compiled module (LoadOptions.wasmModule) fetched from dist/wasm/\nexport const baseline = "";\nexport const relaxed = "";\n',
      loader: 'js',
    }));
  },
};

export async function buildDemo({ quiet = false } = {}) {
  // what the page fetches at run time, built by npm run build: fail here, saying how, not in the browser
  for (const [file, how] of [['build/seqattn.wasm', 'npm run build:wasm'], ['build/seqattn-relaxed.wasm', 'npm run build:wasm'],
    ['models/g2p-en/lexicon.bin', 'npm run build:lexicon']]) {
    if (!existsSync(`${root}${file}`)) throw new Error(`the demo needs ${file}, which is missing: run \`${how}\` (or npm run build)`);
  }
  // the Wasm builds under names that change with their bytes, so a browser may keep them without asking again (serve.mjs)
  rmSync(`${root}demo/dist`, { recursive: true, force: true });
  mkdirSync(`${root}demo/dist/wasm`, { recursive: true });
  const wasmFiles = {};
  for (const [name, file] of [['simd128', 'seqattn.wasm'], ['relaxed-simd', 'seqattn-relaxed.wasm']]) {
    const bytes = readFileSync(`${root}build/${file}`);
    wasmFiles[name] = `${name}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.wasm`;
    writeFileSync(`${root}demo/dist/wasm/${wasmFiles[name]}`, bytes);
  }
  const result = await build({
    entryPoints: { main: `${root}demo/main.js`, worker: `${root}demo/worker.js` },
    outdir: `${root}demo/dist`,
    bundle: true, format: 'esm', minify: true, target: 'es2022', platform: 'browser',
    // splitting: what the page does not need at once stays in chunks fetched when needed (g2p()'s
    // part-of-speech tagger, imported the first time a text has a heteronym)
    splitting: true, chunkNames: 'chunks/[name]-[hash]',
    alias: { seqattn: `${root}src/index.ts` },
    // as a string: an object here would become a chunk both scripts import, one request more before the worker runs
    define: { WASM_FILES: JSON.stringify(JSON.stringify(wasmFiles)) },
    plugins: [wasmAsFiles],
    metafile: true, logLevel: quiet ? 'warning' : 'info',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildDemo().catch((e) => { console.error(e.message); process.exitCode = 1; });
