// The README as a user runs it, so it cannot drift: from the clone's root, every `npx seqattn`
// line of its ```sh blocks (the first through npx itself, which must not rebuild; the rest as
// `node dist/cli.js`, the same command) and every ```js block as an ES module of a project with
// the package in node_modules. Blocks whose info string says `your-files` (paths of the reader's
// own files, or set-up steps of other folders) or `browser` (run by test/examples.test.ts and
// test/browser.test.ts) are not run here; every other line of a sh block must be one of the set-up
// lines this test names.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], info: m[2].trim(), code: m[3] }));
// lines of sh blocks that set up or test the clone (run by CI's own steps, or too long for a test)
const SETUP = ['npm install', 'npm test'];
const lines = blocks.filter((b) => b.lang === 'sh' && !/your-files/.test(b.info))
  .flatMap((b) => b.code.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);

test('the README has the set-up lines, the commands and code blocks this test runs', () => {
  assert.ok(SETUP.every((s) => lines.includes(s)), `set-up lines: ${lines.join(' / ')}`);
  assert.ok(lines.filter((l) => l.includes('npx seqattn')).length >= 8);
  assert.ok(blocks.filter((b) => b.lang === 'js' && !b.info).length >= 4);
  for (const l of lines) assert.ok(SETUP.includes(l) || /^((echo|printf) .*\| )?npx seqattn /.test(l), `a README command this test does not run: ${l}`);
});

test('every npx seqattn line of the README runs in the clone; npx itself does not rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqattn-readme-'));
  try {
    const commands = lines.filter((l) => l.includes('npx seqattn'))
      // files a command writes go to a temp folder; paths it reads are the clone's
      .map((l) => l.replace(/(--svg|quantize \S+) (\S+)/, (_, a, f) => `${a} ${join(dir, f)}`));
    let first = true;
    for (const cmd of commands) {
      const t0 = performance.now();
      const run = first ? cmd : cmd.replace('npx seqattn', `${JSON.stringify(process.execPath)} dist/cli.js`);
      const r = spawnSync('bash', ['-c', run], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, `${cmd}: exit ${r.status}\n${r.stderr}`);
      assert.ok(r.stdout.trim().length > 0 || /--svg|quantize/.test(cmd), `${cmd}: printed nothing`);
      if (first) {
        assert.ok(performance.now() - t0 < 20_000, `${cmd} took ${(performance.now() - t0).toFixed(0)} ms: did npx rebuild?`);
        assert.not.match(r.stderr, /seqattn: building/, 'npx ran a build (tools/prepare.mjs)');
      }
      first = false;
    }
    assert.match(readFileSync(join(dir, 'attention.svg'), 'utf8'), /<svg xmlns/);
    // the int8 file the README's quantize writes loads and pronounces as the shipped one
    const out = execFileSync(process.execPath, ['dist/cli.js', 'translate', '--model', join(dir, 'g2p-en.int8.safetensors'), 'attention'], { cwd: root, encoding: 'utf8' });
    assert.is(out.trim(), 'attention  AH0 T EH1 N SH AH0 N');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npx seqattn under npm 10 runs the clone\'s command too, without rebuilding', () => {
  // npm 10 from the registry (npx -y npm@10), as a machine with Node 20's own npm has it
  const cmd = lines.find((l) => l.startsWith('npx seqattn g2p '))!;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', cmd.replace('npx seqattn', 'npx -y npm@10 exec -- seqattn')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `${cmd} under npm 10: exit ${r.status}\n${r.stderr}`);
  assert.match(r.stdout, /AY1 \| R EH1 D/);
  assert.ok(performance.now() - t0 < 30_000, `took ${(performance.now() - t0).toFixed(0)} ms: did npx rebuild?`);
  assert.not.match(r.stderr, /seqattn: building/);
});

test("every js block of the README runs as a user's ES module", () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqattn-readme-js-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'seqattn'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    blocks.filter((b) => b.lang === 'js' && !b.info).forEach((b, i) => {
      writeFileSync(join(dir, `block${i}.mjs`), b.code);
      const r = spawnSync(process.execPath, [`block${i}.mjs`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, `README js block ${i}:\n${b.code}\n${r.stderr}`);
      // what the comments promise, where a block prints it
      if (b.code.includes('ˈaɪ ɹɪˈfjuz')) assert.match(r.stdout, /ˈaɪ ɹɪˈfjuz ˈtu kəˈlɛkt ðə ˈɹɛˌfjuz\./);
      if (b.code.includes("translate('attention')")) assert.match(r.stdout, /^AH0 T EH1 N SH AH0 N\n/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
