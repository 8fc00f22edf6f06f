// The built package (dist/, from `npm install` -> prepare) as a user gets it: `import` and
// `require` by name, and a portable entry with no Node built-ins so it runs in a browser.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..');
const fixture = join(root, 'test', 'fixtures', 'tutorial');
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

test("import { loadModel } from 'seqattn' works and translates", () => {
  const out = node(['--input-type=module', '-e',
    `import { loadModel } from 'seqattn'; const m = await loadModel(${JSON.stringify(fixture)}); console.log(JSON.stringify(m.translate([2, 3, 1]).ids));`]);
  assert.ok(Array.isArray(JSON.parse(out)) && JSON.parse(out).length > 0, out);
});

test("require('seqattn') works and gives the same result", () => {
  const esm = node(['--input-type=module', '-e',
    `import { loadModel } from 'seqattn'; const m = await loadModel(${JSON.stringify(fixture)}); console.log(JSON.stringify(m.translate([4, 5, 1])));`]);
  const cjs = node(['-e',
    `const { loadModel } = require('seqattn'); loadModel(${JSON.stringify(fixture)}).then((m) => console.log(JSON.stringify(m.translate([4, 5, 1]))));`]);
  assert.is(cjs, esm);
});

test('the portable entry (dist/index.*) and its chunks import no Node built-ins', () => {
  const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from\s*|import\s*\(|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(file)) {
      assert.ok(!spec.startsWith('node:') && !['fs', 'path', 'url', 'module'].includes(spec), `${file} imports ${spec}`);
      if (spec.startsWith('.')) visit(join(file, '..', spec));
    }
  };
  visit(join(root, 'dist', 'index.js'));
  visit(join(root, 'dist', 'index.cjs'));
  visit(join(root, 'dist', 'index.min.js')); // the one-file minified entry (examples/static)
  assert.ok(seen.size >= 2);
});

test('the Wasm bytes are inlined: no entry locates a .wasm file (dist/wasm/ is for runtimes that import it)', () => {
  const files = readdirSync(join(root, 'dist'), { recursive: true }) as string[];
  assert.equal(files.filter((f) => f.endsWith('.wasm')).sort(), ['wasm/relaxed-simd.wasm', 'wasm/simd128.wasm']);
  for (const f of files.filter((f) => /\.[cm]?js$/.test(f))) assert.not.match(readFileSync(join(root, 'dist', f), 'utf8'), /\.wasm['"`]/, f);
  // the files are the inlined builds
  const inlined = readFileSync(join(root, 'build', 'wasm-bytes.js'), 'utf8');
  assert.ok(inlined.includes(JSON.stringify(readFileSync(join(root, 'dist', 'wasm', 'simd128.wasm')).toString('base64'))));
  assert.ok(inlined.includes(JSON.stringify(readFileSync(join(root, 'dist', 'wasm', 'relaxed-simd.wasm')).toString('base64'))));
});

// What `npm pack` puts in the tarball, from its JSON (which must be the only thing on stdout).
const packed = (): { size: number; unpackedSize: number; files: { path: string; size: number }[] } =>
  JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))[0];

test('npm pack --json prints JSON only, and the package stays inside its size budget', () => {
  const p = packed();
  const bytes = (re: RegExp) => p.files.filter((f) => re.test(f.path)).reduce((s, f) => s + f.size, 0);
  // budget (bytes): the tarball; the JavaScript of dist/ (one copy of the library for ESM, one for CommonJS, the tagger once: a second tagger would add ~300 kB); the models (the float32 g2p file 7.4 MB, int8 1.9 MB, lexicon 1.4 MB)
  const budget = { packed: 10_700_000, js: 2_500_000, models: 10_900_000 }; // packed: 10.60 MB today, docs 0.53 MB of it
  const got = { packed: p.size, js: bytes(/^dist\/.*\.[cm]?js$/), models: bytes(/^models\//) };
  for (const k of Object.keys(budget) as (keyof typeof budget)[]) assert.ok(got[k] <= budget[k], `${k}: ${got[k]} bytes, budget ${budget[k]}`);
  // what a user reads: the docs the README links to, its pictures, the model's training notes
  for (const f of ['README.md', 'LICENSE', 'docs/benchmarks.md', 'docs/attention.svg', 'docs/demo.png', 'models/g2p-en/TRAINING.md', 'models/g2p-en/lexicon.bin', 'models/g2p-en/model.int8.safetensors']) {
    assert.ok(p.files.some((x) => x.path === f), `${f} is not in the package`);
  }
  // the tagger chunk once (CommonJS imports the ES module), no CommonJS command or worker scripts
  assert.equal(p.files.filter((f) => /compromise-two/.test(f.path)).map((f) => f.path), ['dist/chunks/compromise-two.js']);
  assert.equal(p.files.filter((f) => /\.cjs$/.test(f.path)).map((f) => f.path).sort(), ['dist/index.cjs', 'dist/node.cjs']);
});

test('every relative link of README.md and docs/*.md points at a file in the package', () => {
  const files = new Set(packed().files.map((f) => f.path));
  for (const doc of [...files].filter((f) => /^(README|docs\/.*)\.md$/.test(f))) {
    const text = readFileSync(join(root, doc), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const path = join(doc, '..', target).replace(/\\/g, '/').replace(/\/$/, '');
      assert.ok(files.has(path) || [...files].some((f) => f.startsWith(`${path}/`)), `${doc} links to ${target}, which is not in the package`);
    }
  }
});

test("require('seqattn').g2p tags heteronyms with the ES-module tagger chunk", () => {
  const out = node(['-e', `const { g2p, formatPronunciation } = require('seqattn'); g2p('I refuse to collect the refuse.').then((r) => console.log(formatPronunciation(r, 'arpabet')));`]);
  assert.match(out, /R IH0 F Y UW1 Z .* R EH1 F Y UW2 Z/);
});

test('types: dist/index.d.ts declares loadModel and Seq2SeqModel', () => {
  const dts = readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8') + readFileSync(join(root, 'dist', 'node.d.ts'), 'utf8');
  assert.match(dts, /loadModel/);
  assert.match(dts, /Seq2SeqModel/);
});

test.run();
