// The `seqattn` command as a user runs it: node dist/cli.js (built by `npm run build`), on the
// committed fixture model and, when it is there, the bundled G2P model.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';
import { fails } from './cli-helpers.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = join(root, 'test', 'fixtures', 'bahdanau-maxout');
const g2p = existsSync(join(root, 'models', 'g2p-en', 'model.safetensors'));
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-cli-'));

function run(args: string[], o: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...o.env };
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input: o.input ?? '', encoding: 'utf8', env: env as NodeJS.ProcessEnv });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const translate = (args: string[], o?: Parameters<typeof run>[1]) => run(['translate', '--model', fixture, ...args], o);


const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false });
function cellsOf(svg: string): { i: number; j: number; a: number }[] {
  assert.ok(XMLValidator.validate(svg) === true, 'well-formed XML');
  const out: { i: number; j: number; a: number }[] = [];
  const walk = (t: unknown): void => {
    if (Array.isArray(t)) t.forEach(walk);
    else if (t && typeof t === 'object') {
      for (const [k, v] of Object.entries(t)) {
        if (k === 'rect') for (const r of Array.isArray(v) ? v : [v]) if (r['@class'] === 'cell') out.push({ i: +r['@data-i'], j: +r['@data-j'], a: +r['@data-a'] });
        walk(v);
      }
    }
  };
  walk(parser.parse(svg));
  return out;
}

test('package.json bin points at dist/cli.js, which starts with #! and is executable', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.bin.seqattn, 'dist/cli.js');
  assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
  accessSync(cli, constants.X_OK);
});

test('--help prints usage and exits 0', () => {
  for (const args of [['--help'], ['-h'], ['g2p', '--help'], ['translate', '--model', 'x', '--help']]) {
    const r = run(args);
    assert.is(r.code, 0, args.join(' '));
    assert.match(r.out, /seqattn g2p/);
    assert.match(r.out, /--svg FILE/);
    assert.is(r.err, '');
  }
});

test('translate --model: one "INPUT  OUTPUT" line per input, as the library translates it', async () => {
  const r = translate(['hello', "it's", 'a']);
  assert.is(r.code, 0, r.err);
  const model = await loadModel(fixture);
  const expected = ['hello', "it's", 'a'].map((w) => {
    const t = model.translate(w);
    return `${w}  ${t.text}${t.finished ? '' : ' …'}`;
  });
  model.dispose();
  assert.equal(r.out.split('\n').filter(Boolean), expected);
});

test('stdin: one input per line, in order, blank lines skipped, same as arguments', () => {
  const args = translate(['hello', 'world', 'xyz']);
  const stdin = translate([], { input: 'hello\n\nworld\r\n  xyz  \n' });
  assert.is(stdin.code, 0, stdin.err);
  assert.is(stdin.out, args.out);
  assert.is(stdin.err, '', 'no progress for a few lines when stderr is not a terminal');
});

test('stdin: past 200 lines, progress with counts and words/s on stderr, every result on stdout in order', () => {
  const words = Array.from({ length: 260 }, (_, k) => 'abcdefghij'.slice(0, 1 + (k % 10)) + String.fromCharCode(97 + (k % 26)));
  const r = translate([], { input: words.join('\n') + '\n' });
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n').filter(Boolean);
  assert.is(lines.length, 260);
  lines.forEach((l, k) => assert.ok(l.startsWith(`${words[k]}  `), `line ${k}: ${l}`));
  assert.match(r.err, /seqattn: 260 words in [\d.]+ s \(\d+ words\/s\)\n$/);
});

test('stdin with stderr on a terminal: a bar redrawn in place, with count/total and words/s, erased at the end', () => {
  if (!existsSync('/usr/bin/script')) { console.log('  (skipped: no script(1) to make a terminal)'); return; }
  const words = join(tmp, 'words.txt');
  const out = join(tmp, 'words.out');
  writeFileSync(words, Array.from({ length: 150 }, (_, k) => `w${String.fromCharCode(97 + (k % 26))}`).join('\n'));
  const cmd = [process.execPath, cli, 'translate', '--model', fixture].map((a) => `'${a}'`).join(' ') + ` < '${words}' > '${out}'`;
  const r = spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\r\x1b\[K\[[█░]{24}\] \d+\/\d+ words {2}\d+ words\/s/);
  assert.match(r.stdout, /\r\x1b\[K$/, 'the bar is erased at the end');
  assert.is(readFileSync(out, 'utf8').split('\n').filter(Boolean).length, 150);
});

test('usage errors exit 2 with one line', () => {
  fails(run([]), 2, /no subcommand/);
  fails(run(['frobnicate']), 2, /unknown subcommand "frobnicate"/);
  fails(translate(['--bogus', 'a']), 2, /unknown option --bogus/);
  fails(run(['translate', 'a']), 2, /--model/);
  fails(translate(['--beam', 'x', 'a']), 2, /--beam must be a positive integer/);
  fails(translate(['--beam', '0', 'a']), 2, /--beam/);
  fails(translate(['--beam', '2', '--nbest', '3', 'a']), 2, /--nbest 3 is more than --beam 2/);
  fails(translate(['--svg']), 2, /--svg needs a value/);
  fails(translate(['--attention=yes', 'a']), 2, /takes no value/);
});

test('runtime errors exit 1 with one line: unknown model, unreadable or damaged file, rejected input, unwritable SVG, a picture of a model without attention', () => {
  fails(run(['translate', '--model', 'no-such-model', 'a']), 1, /no-such-model.*neither a bundled model/);
  fails(run(['translate', '--model', join(tmp, 'missing.safetensors'), 'a']), 1, /missing\.safetensors/);
  fails(run(['translate', '--model', join(root, 'README.md'), 'a']), 1, /README\.md/);
  fails(run(['translate', '--model', join(root, 'test'), 'a']), 1, /neither model\.safetensors nor encoder/);
  const long = 'a'.repeat(100);
  const r = translate(['ab', long, 'cd']);
  fails(r, 1, /more than max_source_length/);
  assert.equal(r.out.split('\n').filter(Boolean).map((l) => l.split('  ')[0]), ['ab', 'cd'], 'the other inputs still translated');
  fails(translate(['--svg', join(tmp, 'no', 'such', 'dir.svg'), 'ab']), 1, /cannot write .*dir\.svg: ENOENT/);
  const cho = join(root, 'test', 'fixtures', 'cho-maxout');
  fails(run(['translate', '--model', cho, '--attention', 'ab']), 1, /--attention: .*cho-maxout is a cho model, which has no attention to draw/);
  fails(run(['translate', '--model', cho, '--svg', join(tmp, 'cho.svg'), 'ab']), 1, /--svg: .*a cho model, which has no attention/);
  assert.is(run(['translate', '--model', cho, 'ab']).code, 0, 'without a picture it translates');
});

test('--beam / --nbest: K hypotheses, best first, with log p as the library scores them', async () => {
  const r = translate(['--beam', '4', '--nbest', '3', 'hello', 'abc']);
  assert.is(r.code, 0, r.err);
  const model = await loadModel(fixture);
  const expected: string[] = [];
  for (const w of ['hello', 'abc']) {
    expected.push(w);
    model.translate(w, { beamSize: 4, nBest: 3 }).nBest!.forEach((h, k) => expected.push(`  ${k + 1}  ${h.score.toFixed(3)}  ${h.text}${h.finished ? '' : ' …'}`));
  }
  const best = model.translate('hello', { beamSize: 4 });
  model.dispose();
  assert.equal(r.out.split('\n').filter(Boolean), expected);
  // --beam alone: the best hypothesis in the one-line form
  assert.is(translate(['--beam', '4', 'hello']).out, `hello  ${best.text}${best.finished ? '' : ' …'}\n`);
});

test('--attention: a shaded grid without colour when NO_COLOR (or not a terminal), 256 colours with FORCE_COLOR', () => {
  const plain = translate(['--attention', 'ab'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.is(plain.code, 0, plain.err);
  assert.not.match(plain.out, /\x1b\[/);
  const lines = plain.out.split('\n');
  assert.match(lines[0], /^ab {2}/);
  assert.ok(lines.some((l) => /^ +a b >$/.test(l)), 'source labels across, </s> down its column');
  assert.match(plain.out, /[ ░▒▓█]{6}\n/);
  assert.match(plain.out, /a_ij: ░ ≥\.125/);
  const notty = translate(['--attention', 'ab']);
  assert.not.match(notty.out, /\x1b\[/, 'stdout is a pipe: no colour');
  const color = translate(['--attention', 'ab'], { env: { FORCE_COLOR: '1' } });
  assert.match(color.out, /\x1b\[48;5;\d+m/);
});

test('--svg FILE: one well-formed SVG with one cell per (output token, source token) and a_ij', async () => {
  const file = join(tmp, 'one.svg');
  const r = translate(['--svg', file, "o'k"]);
  assert.is(r.code, 0, r.err);
  const model = await loadModel(fixture);
  const t = model.translate("o'k");
  model.dispose();
  const svg = readFileSync(file, 'utf8');
  const cells = cellsOf(svg);
  assert.is(cells.length, t.tokens.length * t.sourceTokens.length);
  assert.is(new Set(cells.map((c) => `${c.i},${c.j}`)).size, cells.length);
  for (const c of cells) assert.ok(Math.abs(c.a - t.attention[c.i][c.j]) < 1e-5);
  assert.match(svg, /o&apos;k/);
});

test('--svg FILE with several inputs: FILE-1.svg, FILE-2.svg... in input order (stdin too)', () => {
  const base = join(tmp, 'many.svg');
  const r = translate(['--svg', base, 'ab', 'abcd']);
  assert.is(r.code, 0, r.err);
  assert.not.ok(existsSync(base));
  const [one, two] = [1, 2].map((k) => cellsOf(readFileSync(join(tmp, `many-${k}.svg`), 'utf8')));
  assert.is(new Set(one.map((c) => c.j)).size, 3); // a b </s>
  assert.is(new Set(two.map((c) => c.j)).size, 5); // a b c d </s>
  const s = translate(['--svg', join(tmp, 'in')], { input: 'xy\n' });
  assert.is(s.code, 0, s.err);
  assert.ok(existsSync(join(tmp, 'in-1')));
});

if (g2p) {
  test('g2p WORD...: ARPAbet pronunciations from the bundled model', () => {
    const r = run(['g2p', 'attention', 'Hello', "o'neill"]);
    assert.is(r.code, 0, r.err);
    const lines = r.out.split('\n').filter(Boolean);
    assert.is(lines.length, 3);
    lines.forEach((l, k) => assert.match(l, new RegExp(`^${['attention', 'Hello', "o'neill"][k]}  [A-Z]{1,2}[012]?( [A-Z]{1,2}[012]?)*$`)));
    const svg = join(tmp, 'g2p.svg');
    assert.is(run(['g2p', '--svg', svg, 'cat']).code, 0);
    assert.ok(cellsOf(readFileSync(svg, 'utf8')).length >= 4 * 2);
  });
}

if (g2p) {
  test('g2p TEXT: one line per input, the pronunciation per word as g2p() gives it, in every --format', async () => {
    const { g2p: pronounce, formatPronunciation } = await import('../src/node.js');
    const text = 'I read 2 books in 1990.';
    const r = run(['g2p', text, 'attention']);
    assert.is(r.code, 0, r.err);
    assert.is(r.out, `${text}  ${formatPronunciation(await pronounce(text))}\nattention  AH0 T EH1 N SH AH0 N\n`);
    assert.is(run(['g2p', '--format', 'ipa', 'use it.']).out, 'use it.  ˈjuz ˈɪt.\n', 'use as a verb');
    assert.is(run(['g2p', '--format', 'arpabet-nostress', 'cat']).out, 'cat  K AE T\n');
    const json = JSON.parse(run(['g2p', '--format=json', 'the 1990s']).out);
    assert.equal(json.tokens.map((t: { parts: { word: string }[] }) => t.parts.map((p) => p.word)), [['the'], ['nineteen', 'nineties']]);
    const only = run(['g2p', '--model-only', '--format', 'json', 'read']);
    assert.is(JSON.parse(only.out).tokens[0].source, 'model');
    fails(run(['g2p', '--format', 'xml', 'a']), 2, /--format must be one of arpabet, arpabet-nostress, ipa, json, got "xml"/);
    fails(run(['g2p', '--bogus', 'a']), 2, /unknown option --bogus/);
  });

  test('g2p --attention / --svg / --nbest: the model on one word under the input policy (folded; separators and other characters rejected)', () => {
    const r = run(['g2p', '--nbest', '2', 'café', 'well-known', 'x😀']);
    assert.is(r.code, 1);
    assert.match(r.out, /^café\n {2}1 {2}-?[\d.]+ {2}K /);
    const errs = r.err.split('\n').filter(Boolean);
    assert.is(errs.length, 2);
    assert.match(errs[0], /"well-known": character "-" .*several words/);
    assert.match(errs[1], /"x😀": character "😀" \(U\+1F600\)/);
  });

  test('g2p stdin: one output line per input line; blank -> blank, an emoji skipped with a warning; --unknown error: rejected -> empty pronunciation + one stderr line, exit 1', () => {
    const input = 'hello world\n\nwell-known 😀\n   \ncafé\n';
    const skip = run(['g2p'], { input });
    assert.is(skip.code, 0, skip.err);
    assert.equal(skip.out.split('\n'), ['hello world  HH AH0 L OW1 | W ER1 L D', '', 'well-known 😀  W EH1 L N OW1 N', '', 'café  K AH0 F EY1', '']);
    assert.match(skip.err, /^seqattn: line 3: warning: .*"😀" \(U\+1F600\) at position 11.*\n$/);
    const r = run(['g2p', '--unknown', 'error'], { input });
    assert.is(r.code, 1);
    assert.equal(r.out.split('\n'), ['hello world  HH AH0 L OW1 | W ER1 L D', '', 'well-known 😀  ', '', 'café  K AH0 F EY1', '']);
    const errs = r.err.split('\n').filter(Boolean);
    assert.is(errs.length, 1);
    assert.match(errs[0], /^seqattn: .*"😀" \(U\+1F600\) at position 11/);
    const ok = run(['g2p'], { input: 'a\nb\n' });
    assert.is(ok.code, 0);
    assert.is(ok.out.split('\n').length, 3);
  });
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
