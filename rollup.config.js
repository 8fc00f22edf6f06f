// Bundles src/ into dist/: ESM + CJS for the portable entry (index) and the Node entry (node),
// and one .d.ts. The Wasm bytes come inlined through build/wasm-bytes.js (tools/inline-wasm.mjs).
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
// The `seqattn` command (package.json "bin"): rollup keeps its #! line; make it executable too.
const executableCli = () => ({
  name: 'executable-cli',
  async writeBundle(options, bundle) {
    const { chmod } = await import('node:fs/promises');
    for (const name of Object.keys(bundle)) if (/^cli\.c?js$/.test(name)) await chmod(`${options.dir}/${name}`, 0o755);
  },
});

export default [
  {
    input: { index: 'src/index.ts', node: 'src/node.ts', cli: 'src/cli.ts' },
    external,
    plugins: [bundled(), ts(), executableCli()],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
    ],
  },
  {
    input: { index: 'src/index.ts', node: 'src/node.ts' },
    external,
    plugins: [dts({ compilerOptions: { types: ['node'] } })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
  },
];
