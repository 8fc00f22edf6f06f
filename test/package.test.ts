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

test('the Wasm bytes are inlined: dist has no .wasm to locate', () => {
  const files = readdirSync(join(root, 'dist'), { recursive: true }) as string[];
  assert.ok(!files.some((f) => f.endsWith('.wasm')), files.join(', '));
});

test('types: dist/index.d.ts declares loadModel and Seq2SeqModel', () => {
  const dts = readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8') + readFileSync(join(root, 'dist', 'node.d.ts'), 'utf8');
  assert.match(dts, /loadModel/);
  assert.match(dts, /Seq2SeqModel/);
});

test.run();
