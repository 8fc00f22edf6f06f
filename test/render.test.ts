// The attention pictures (src/render): SVG well-formed with one cell per (output, source) pair and
// a_ij in it, labels escaped; the terminal grid's shades, colours and label alignment.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attentionToSvg, attentionToText } from '../src/index.js';
import { displayWidth } from '../src/render/common.js';
import { xterm256 } from '../src/render/terminal.js';

type Matrix = { tokens: string[]; sourceTokens: string[]; attention: Float32Array[] };

/** A made-up alignment: row i peaks at column i (mod Tx), the rest spread evenly. */
function matrix(tokens: string[], sourceTokens: string[]): Matrix {
  const Tx = sourceTokens.length;
  const attention = tokens.map((_, i) => {
    const row = new Float32Array(Tx).fill(Tx > 1 ? 0.3 / (Tx - 1) : 0);
    row[i % Tx] = Tx > 1 ? 0.7 : 1;
    return row;
  });
  return { tokens, sourceTokens, attention };
}

const hello = matrix(['HH', 'AH0', 'L', 'OW1', '</s>'], ['h', 'e', 'l', 'l', 'o', '</s>']);

interface Node { [k: string]: unknown }
/** Every element named `name` in a fast-xml-parser tree, with its attributes. */
function all(tree: unknown, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(tree)) tree.forEach((t) => all(t, name, out));
  else if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree as Node)) {
      if (k === name) (Array.isArray(v) ? v : [v]).forEach((x) => out.push(x as Node));
      all(v, name, out);
    }
  }
  return out;
}

function parseSvg(svg: string): unknown {
  const ok = XMLValidator.validate(svg);
  assert.ok(ok === true, `not well-formed XML: ${JSON.stringify(ok)}`);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', processEntities: true, parseTagValue: false, parseAttributeValue: false }).parse(svg);
}

const textsOf = (tree: unknown, group: string): string[] =>
  all(all(tree, 'g').filter((g) => g['@class'] === group), 'text').map((t) => String(t['#text']));

test('SVG: well-formed, one cell per (output token, source token) with a_ij in data-a', () => {
  const svg = attentionToSvg(hello);
  const tree = parseSvg(svg);
  const cells = all(tree, 'rect').filter((r) => r['@class'] === 'cell');
  assert.is(cells.length, 5 * 6);
  const seen = new Set<string>();
  for (const c of cells) {
    const i = Number(c['@data-i']);
    const j = Number(c['@data-j']);
    seen.add(`${i},${j}`);
    assert.ok(Math.abs(Number(c['@data-a']) - hello.attention[i][j]) < 1e-6, `a_${i}${j}`);
    assert.match(String(c['@fill']), /^#[0-9a-f]{6}$/);
    assert.match(String(c.title), new RegExp(`: a = ${hello.attention[i][j].toFixed(3)}$`));
  }
  assert.is(seen.size, 30);
  // Labels: source along x, output along y, in order.
  assert.equal(textsOf(tree, 'source-labels'), hello.sourceTokens);
  assert.equal(textsOf(tree, 'output-labels'), hello.tokens);
  // A legend: the gradient and its ticks.
  assert.is(all(tree, 'linearGradient').length, 1);
  assert.equal(textsOf(tree, 'legend'), ['a_ij', '0', '.25', '.5', '.75', '1']);
  assert.ok(svg.startsWith('<?xml') && svg.includes('xmlns="http://www.w3.org/2000/svg"'));
});

test('SVG: the darkest cell is the lowest weight, the brightest the highest (viridis)', () => {
  const svg = attentionToSvg(matrix(['x', 'y'], ['a', 'b']));
  const fills = new Map(all(parseSvg(svg), 'rect').filter((r) => r['@class'] === 'cell').map((r) => [Number(r['@data-a']), String(r['@fill'])]));
  const lum = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)).reduce((a, b) => a + b, 0);
  const [lo, hi] = [Math.min(...fills.keys()), Math.max(...fills.keys())];
  assert.ok(lum(fills.get(hi)!) > lum(fills.get(lo)!));
  assert.is(attentionToSvg({ tokens: ['t'], sourceTokens: ['s'], attention: [Float32Array.of(0)] }).includes('fill="#440154"'), true);
  assert.is(attentionToSvg({ tokens: ['t'], sourceTokens: ['s'], attention: [Float32Array.of(1)] }).includes('fill="#fde725"'), true);
});

test("SVG: labels with ' \" < > & and control characters stay valid XML and read back as written", () => {
  const m = matrix(["'s", '<unk>', 'a&b', '"q"', 'x\u0001y', ' '], ["o'neill", '<b>&amp;', '</s>']);
  const svg = attentionToSvg(m, { title: "it's <b> & \"more\"", values: true });
  const tree = parseSvg(svg);
  assert.equal(textsOf(tree, 'output-labels'), ["'s", '<unk>', 'a&b', '"q"', 'x\uFFFDy', '␣']);
  assert.equal(textsOf(tree, 'source-labels'), ["o'neill", '<b>&amp;', '</s>']);
  assert.ok(!/<b>|&(?!amp;|lt;|gt;|quot;|apos;)/.test(svg.replace(/<\/?(svg|g|text|rect|title|line|defs|linearGradient|stop)\b[^>]*>/g, '').replace(/<\?xml[^>]*\?>/, '')),
    'no raw markup characters in text');
  assert.is(all(tree, 'rect').filter((r) => r['@class'] === 'cell').length, 18);
});

test('SVG: values option writes a_ij in the cells; long source labels are turned, short ones not', () => {
  const m = matrix(['A', 'B'], ['x', 'a-long-word']);
  const svg = attentionToSvg(m, { values: true, cellSize: 30 });
  const tree = parseSvg(svg);
  const labels = all(all(tree, 'g').filter((g) => g['@class'] === 'source-labels'), 'text');
  assert.not.ok(labels[0]['@transform'], 'x is written across');
  assert.match(String(labels[1]['@transform']), /rotate\(-90\)/);
  const values = all(all(tree, 'g').filter((g) => g['@class'] === 'cells'), 'text').map((t) => String(t['#text']));
  assert.equal(values, ['.70', '.30', '.30', '.70']);
});

test('SVG and text: a matrix of the wrong shape is refused, and so are the empty rows of a model without attention', () => {
  const bad = { tokens: ['a', 'b'], sourceTokens: ['x'], attention: [Float32Array.of(1)] };
  assert.throws(() => attentionToSvg(bad), /2 rows|one per output token/);
  assert.throws(() => attentionToText(bad), /one per output token/);
  const badRow = { tokens: ['a'], sourceTokens: ['x', 'y'], attention: [Float32Array.of(1)] };
  assert.throws(() => attentionToText(badRow), /row 0 has 1 weights/);
  const none = { tokens: ['a', 'b'], sourceTokens: ['x', 'y'], attention: [new Float32Array(0), new Float32Array(0)] }; // cho, sutskever
  assert.throws(() => attentionToText(none), /no attention .*nothing to draw/);
  assert.throws(() => attentionToSvg(none), /no attention/);
  assert.throws(() => attentionToSvg(hello, { cellSize: 0 }), /cellSize/);
});

const ESC = /\x1b\[[0-9;]*m/g;

test('text: shades by a_ij on the absolute scale, 2 columns per character cell, a legend', () => {
  const m: Matrix = { tokens: ['P', 'Q'], sourceTokens: ['a', 'b', 'c', 'd', 'e'], attention: [Float32Array.of(1, 0, 0.5, 0.25, 0.75), Float32Array.of(0.1, 0.13, 0.4, 0.2, 0.17)] };
  const lines = attentionToText(m).split('\n');
  assert.equal(lines, [
    '  a b c d e',
    'P ██  ▒▒░░▓▓',
    'Q   ░░▒▒░░░░',
    '  a_ij: ░ ≥.125  ▒ ≥.375  ▓ ≥.625  █ ≥.875',
  ]);
  assert.equal(attentionToText(m, { legend: false, shades: ' #' }).split('\n'), ['  a b c d e', 'P ##  ##  ##', 'Q           ']);
  assert.throws(() => attentionToText(m, { shades: 'x' }), /at least 2/);
});

test('text: grid lines all as wide, each label above its own column, long labels down the column', () => {
  const text = attentionToText(hello, { legend: false });
  const lines = text.split('\n');
  // </s> is written down its column (4 lines of labels), the letters across on the last of them.
  assert.equal(lines.slice(0, 4).map((l) => l.trimEnd()), ['               <', '               /', '               s', '     h e l l o >']);
  const grid = lines.slice(4);
  assert.is(grid.length, hello.tokens.length);
  grid.forEach((l, i) => {
    assert.is(displayWidth(l), 5 + 6 * 2, `row ${i}`);
    assert.ok(l.startsWith(hello.tokens[i].padEnd(5)));
  });
  // The peak of row i sits under source label i.
  grid.forEach((l, i) => assert.is(l.slice(5 + 2 * i, 7 + 2 * i), '▓▓'));
});

test('text: word labels set the cell width; wide characters keep the columns aligned', () => {
  const words = matrix(['le', 'chat', '</s>'], ['the', 'cat', '</s>']);
  const lines = attentionToText(words, { legend: false }).split('\n');
  assert.equal(lines.slice(0, 4).map((l) => l.trimEnd()), ['             <', '             /', '             s', '     the cat >']);
  const cjk = matrix(['A', 'B'], ['猫', 'a', '猫']);
  const grid = attentionToText(cjk, { legend: false }).split('\n');
  assert.is(grid[0], '  猫 a  猫', 'cells 3 columns wide for labels 2 columns wide');
  assert.ok(grid.slice(1).every((l) => displayWidth(l) === 2 + 3 * 3));
});

test('text: color paints 256-colour backgrounds instead of shades', () => {
  const text = attentionToText(hello, { color: true });
  const lines = text.split('\n');
  const grid = lines.slice(4, 4 + hello.tokens.length);
  for (const l of grid) {
    assert.is((l.match(/\x1b\[48;5;\d+m/g) ?? []).length, hello.sourceTokens.length);
    assert.not.match(l, /[░▒▓█]/);
    assert.is(displayWidth(l.replace(ESC, '')), 5 + 12);
  }
  assert.match(lines[lines.length - 1], /a_ij: 0 .*1$/);
  assert.is(xterm256([0, 0, 0]), 16);
  assert.is(xterm256([255, 255, 255]), 231);
  assert.is(xterm256([128, 128, 128]), 244);
  assert.is(xterm256([255, 0, 0]), 196);
});

test('the renderers use no Node built-ins (they are in the browser entry)', () => {
  const dir = join(import.meta.dirname, '..', 'src', 'render');
  for (const f of readdirSync(dir)) {
    const src = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // code, not comments
    assert.not.match(src, /from\s+['"](node:|fs|path|url|os)['"/]/, f);
    assert.not.match(src, /\bprocess\.|\bBuffer\b/, f);
  }
});

test.run();
