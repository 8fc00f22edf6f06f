// The command's output boundary (src/cli/terminal.ts): control characters from a model file (tensor
// names, metadata, vocabulary), an input or an error message are shown escaped, never obeyed: no
// retitled terminal (OSC 0), no cleared screen (CSI 2J), no clipboard write (OSC 52).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { printable, printableLines } from '../src/cli/terminal.js';
import { loadModel } from '../src/node.js';
import { readSafetensors, writeSafetensors } from '../src/safetensors.js';
import { rewriteModel } from './models/helpers.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-terminal-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const TITLE = '\u001b]0;owned\u0007';
const CLEAR = '\u001b[2J';
const CLIPBOARD = '\u001b]52;c;ZWNobyBvd25lZA==\u0007';
const C1 = '\u009b2J\u009d0;x\u009c';
const BIDI = 'a\u202eb';
const HOSTILE = [TITLE, CLEAR, CLIPBOARD, C1, BIDI, 'x\ry', 'x\u007fy'];
/** A raw control character a terminal would obey (newline aside: it ends the command's own lines). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function run(args: string[], input = '') {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function clean(r: { out: string; err: string }, what: string): void {
  assert.not.match(r.out.replace(/\t/g, ''), RAW, `${what}: stdout ${JSON.stringify(r.out.slice(0, 400))}`);
  assert.not.match(r.err, RAW, `${what}: stderr ${JSON.stringify(r.err.slice(0, 400))}`);
}

test('printable: controls as JSON escapes, text and tabs unchanged, JSON stays JSON of the same value', () => {
  assert.is(printable(TITLE), '\\u001b]0;owned\\u0007');
  assert.is(printable(CLEAR), '\\u001b[2J');
  assert.is(printable(C1), '\\u009b2J\\u009d0;x\\u009c');
  assert.is(printable(BIDI), 'a\\u202eb');
  assert.is(printable('a\nb\rc'), 'a\\u000ab\\u000dc');
  const plain = 'café  K AH0 F EY1 | ˈjuz\t😀 ½ “quoted”';
  assert.is(printable(plain), plain);
  for (const s of HOSTILE) {
    assert.not.match(printable(s), RAW);
    const json = { text: s, tokens: [{ text: s }] };
    assert.equal(JSON.parse(printable(JSON.stringify(json))), json);
    assert.equal(JSON.parse(printableLines(JSON.stringify(json, null, 2))), json);
  }
});

test('translate: a target vocabulary of escape sequences is printed escaped (outputs, n-best, attention grid), and error messages too', async () => {
  const file = join(tmp, 'hostile-vocab.safetensors');
  const src = readFileSync(join(root, 'test', 'fixtures', 'bahdanau-maxout', 'model.safetensors'));
  writeFileSync(file, rewriteModel(src, (_t, config) => {
    config.target_vocab = config.target_vocab.map((v: string, k: number) => (k < 3 ? v : `${HOSTILE[k % HOSTILE.length]}${k}`));
  }));
  const model = await loadModel(file);
  const raw = model.translate('abc').text;
  model.dispose();
  assert.match(raw, RAW, 'the fixture does output control characters');
  for (const args of [['abc', 'hello'], ['--beam', '3', '--nbest', '2', 'abc'], ['--attention', 'abc']]) {
    const r = run(['translate', '--model', file, ...args]);
    assert.is(r.code, 0, r.err);
    clean(r, args.join(' '));
  }
  const plain = run(['translate', '--model', file, 'abc']);
  assert.is(plain.out, `abc  ${printable(raw)}${plain.out.endsWith(' …\n') ? ' …' : ''}\n`);
  // stdin lines and over-long inputs quoted in errors
  const errs = run(['translate', '--model', file], `${TITLE}\n${'a'.repeat(200)}${CLEAR}\n`);
  clean(errs, 'stdin');
  assert.is(errs.code, 1);
  clean(run(['translate', '--model', `${CLIPBOARD}.safetensors`, 'ab']), 'a model name in an error');
  clean(run([`${TITLE}`]), 'an unknown subcommand');
  clean(run(['translate', '--model', file, `--${C1}`]), 'an unknown option');
});

test('inspect: tensor names and metadata with escape sequences, as text and as JSON (which parses to the same names)', () => {
  const file = join(tmp, 'hostile-names.safetensors');
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  HOSTILE.forEach((h, k) => { tensors[`encoder.${h}.weight${k}`] = { shape: [2, 2], data: new Float32Array(4) }; });
  writeFileSync(file, writeSafetensors(tensors, { note: CLIPBOARD, [TITLE]: CLEAR, seqattn: JSON.stringify({ architecture: TITLE, hidden_size: 2 }) }));
  const text = run(['inspect', file]);
  clean(text, 'inspect');
  assert.ok(text.out.includes(printable(`encoder.${TITLE}.weight0`)), text.out);
  const json = run(['inspect', '--json', file]);
  clean(json, 'inspect --json');
  const names = JSON.stringify(JSON.parse(json.out));
  for (const name of readSafetensors(readFileSync(file), 'x').tensors.keys()) assert.ok(names.includes(JSON.stringify(name).slice(1, -1)), name);
});

test('g2p: input lines with escape sequences: text, JSON and error lines escaped', () => {
  const input = `hello ${TITLE} world\n${CLEAR}\nsay ${CLIPBOARD}\n${C1}\n`;
  for (const args of [[], ['--format', 'json'], ['--unknown', 'error'], ['--format', 'json', '--unknown', 'error'], ['--threads', '2']]) {
    const r = run(['g2p', ...args], input);
    clean(r, `g2p ${args.join(' ')}`);
    assert.is(r.out.split('\n').length, 5, `one line per input line: ${JSON.stringify(r.out)}`);
    if (args.includes('json')) for (const l of r.out.split('\n').filter(Boolean)) assert.ok(JSON.parse(l).text !== undefined);
  }
  clean(run(['g2p', `${TITLE}hello`]), 'g2p argument');
});

test.run();
