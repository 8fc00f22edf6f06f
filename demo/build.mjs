// Bundles the demo page (main.js) and its Web Worker (worker.js, with seqattn and its inlined Wasm)
// into demo/dist/, minified, with esbuild. `seqattn` resolves to this package's dist/ (npm run build).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export async function buildDemo({ quiet = false } = {}) {
  const result = await build({
    entryPoints: { main: `${root}demo/main.js`, worker: `${root}demo/worker.js` },
    outdir: `${root}demo/dist`,
    bundle: true, format: 'esm', minify: true, target: 'es2022', platform: 'browser',
    // splitting: what the page never imports stays in chunks it never fetches (g2p()'s tagger,
    // a dynamic import of the library; without splitting esbuild inlines it into the worker)
    splitting: true, chunkNames: 'chunks/[name]-[hash]',
    alias: { seqattn: root },
    metafile: true, logLevel: quiet ? 'warning' : 'info',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildDemo().catch(() => { process.exitCode = 1; });
