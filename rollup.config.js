// Bundles src/ into dist/: ESM + CJS for the portable entry (index) and the Node entry (node),
// and one .d.ts. The Wasm bytes come inlined through build/wasm-bytes.js (tools/inline-wasm.mjs).
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const ts = () => typescript({
  tsconfig: false,
  compilerOptions: {
    target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: ['node'],
    strict: true, declaration: false, sourceMap: false, isolatedModules: true, esModuleInterop: true, skipLibCheck: true,
  },
  include: ['src/**/*.ts', 'build/wasm-bytes.js'],
});
// Runtime dependencies stay imports (package.json "dependencies"): n2words (numbers), compromise (the G2P tagger).
const external = (id) => id.startsWith('node:') || /^(n2words|compromise)(\/|$)/.test(id);
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
    plugins: [ts(), executableCli()],
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
