// npm's `prepare` (package.json): runs `npm run build` unless every build output is newer than every
// input. npm runs `prepare` on `npm install` in the clone, and again whenever npm installs the
// clone as a folder (`npx seqattn ...` inside it, `npm install ../seqattn`) or packs it (`npm pack`):
// a full build takes about a minute, so those skip it when dist/, build/ and the lexicon are fresh.
// `npm run build` always builds; SEQATTN_BUILD=always makes prepare build too.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// What the build reads: the kernels, the library, the build scripts and configs, and the installed
// tool versions (package-lock.json changes when assemblyscript, rollup or cmudict do).
const INPUTS = ['assembly', 'src', 'tools/inline-wasm.mjs', 'tools/pack-lexicon.ts', 'rollup.config.js', 'asconfig.json', 'package.json', 'package-lock.json'];
// What it writes (each of build:wasm, build:lexicon, build:lib leaves one of these last).
const OUTPUTS = ['build/seqattn.wasm', 'build/seqattn-relaxed.wasm', 'build/wasm-bytes.js', 'models/g2p-en/lexicon.bin',
  'dist/index.js', 'dist/index.cjs', 'dist/node.js', 'dist/node.cjs', 'dist/cli.js', 'dist/index.d.ts', 'dist/node.d.cts', 'dist/index.min.js',
  'dist/pool-worker.js', 'dist/wasm/simd128.wasm', 'dist/wasm/relaxed-simd.wasm'];

/** Latest modification time under `path` (a file or a folder, recursively); 0 if absent. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const inputs = Math.max(...INPUTS.map((p) => newest(join(root, p))));
const missing = OUTPUTS.filter((p) => !existsSync(join(root, p)));
const oldest = missing.length ? 0 : Math.min(...OUTPUTS.map((p) => statSync(join(root, p)).mtimeMs));

// stderr only: `npm pack --json` prints its JSON on stdout
if (process.env.SEQATTN_BUILD !== 'always' && !missing.length && oldest >= inputs) {
  console.error('seqattn: build/ and dist/ are newer than their sources: not rebuilding (npm run build does)');
} else {
  console.error(missing.length ? `seqattn: building (${missing.length} outputs missing, e.g. ${missing[0]})` : 'seqattn: building (sources changed since the last build)');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] });
}
