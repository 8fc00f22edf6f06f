// `seqattn inspect` on hostile files: a config 5,000 and 100,000 levels deep (in __metadata__ or a
// config.json beside the file), 200,000 and 1,000,000 zero-size tensors. Before: "Maximum call stack
// size exceeded" (the 1M file after 19 s and 1.35 GB). Now typed errors, fast: the header's
// entries are counted in its bytes before it is parsed (MAX_TENSORS), a config deeper than
// MAX_JSON_DEPTH is refused before it is printed; 65,536 tensors still read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from '../../src/inspect.js';
import { loadModelFrom, readSafetensors, SeqattnError } from '../../src/node.js';
import { MAX_TENSORS } from '../../src/safetensors.js';
import { fails } from '../cli-helpers.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'seqattn-inspect-'));

function file(header: object, data = 0): Uint8Array {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeUInt32LE(h.length, 0);
  return Buffer.concat([len, h, Buffer.alloc(data)]);
}
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const one = { x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
function zeros(n: number): Uint8Array {
  const h: Record<string, object> = {};
  for (let i = 0; i < n; i++) h[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
  return file(h);
}

function throwsFast(f: () => unknown, code: string, re: RegExp, ms: number): void {
  const t = performance.now();
  try { f(); } catch (e) {
    const took = performance.now() - t;
    assert.instance(e, SeqattnError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.is((e as SeqattnError).code, code, (e as Error).message);
    assert.match((e as Error).message, re);
    assert.ok(took < ms, `${took.toFixed(0)} ms`);
    return;
  }
  assert.unreachable('no error');
}

test('a config nested 5,000 and 100,000 deep: E_CONFIG from inspect, never a stack overflow', () => {
  for (const n of [5000, 100_000]) {
    for (const text of [deep(n), `{"architecture": ${deep(n)}}`]) {
      const f = readSafetensors(file({ __metadata__: { seqattn: text }, ...one }, 4), 'deep.safetensors');
      throwsFast(() => inspect([{ file: f, prefix: '' }]), 'E_CONFIG', /deep\.safetensors: __metadata__\.seqattn: nested more than 64 levels deep/, 2000);
      throwsFast(() => inspect([{ file: f, prefix: '' }], { where: 'config.json', text }), 'E_CONFIG', /config\.json: nested more than 64 levels deep/, 2000);
    }
  }
  // 64 levels are printed
  const ok = readSafetensors(file({ __metadata__: { seqattn: JSON.stringify({ a: JSON.parse(deep(63)) }) }, ...one }, 4));
  assert.ok(JSON.stringify(inspect([{ file: ok, prefix: '' }]).config).length > 100);
});

test('200,000 and 1,000,000 zero-size tensors: E_HEADER_JSON from the reader (and so the loader), before the header is parsed', async () => {
  for (const n of [200_000, 1_000_000]) {
    const bytes = zeros(n);
    throwsFast(() => readSafetensors(bytes, 'zeros.safetensors'), 'E_HEADER_JSON', /zeros\.safetensors: header has more than 65536 tensors \(the limit of this reader\)/, 1500);
    const t = performance.now();
    const e = await loadModelFrom(bytes).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof SeqattnError && e.code === 'E_HEADER_JSON' && /more than 65536 tensors/.test(e.message), String(e));
    assert.ok(performance.now() - t < 1500);
  }
  // the limit itself is accepted; a string full of colons and braces does not count
  assert.is(readSafetensors(zeros(MAX_TENSORS)).tensors.size, MAX_TENSORS);
  const noisy = readSafetensors(file({ __metadata__: { note: '{"a": 1, "b": [2, {"c": 3}]} \\" : : :'.repeat(20_000) }, ...one }, 4));
  assert.is(noisy.tensors.size, 1);
});

test('seqattn inspect on them: one typed line, exit 1, quickly', () => {
  const cli = join(root, 'dist', 'cli.js');
  const cases: [string, Uint8Array, RegExp][] = [
    ['deep.safetensors', file({ __metadata__: { seqattn: deep(5000) }, ...one }, 4), /nested more than 64 levels deep/],
    ['zeros.safetensors', zeros(1_000_000), /header has more than 65536 tensors/],
  ];
  for (const [name, bytes, re] of cases) {
    const p = join(tmp, name);
    writeFileSync(p, bytes);
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'inspect', p], { encoding: 'utf8', timeout: 30_000 });
    fails({ code: r.status, out: r.stdout, err: r.stderr }, 1, re);
    assert.ok(performance.now() - t < 10_000);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
