import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../src/node.js';
import { runtime } from '../src/wasm.js';

const root = join(import.meta.dirname, '..');

/**
 * A module of one function returning f32x4.relaxed_madd of three constants: whether this engine
 * has relaxed SIMD, asked independently of seqattn's own bytes (the tfjs-backend-wasm way).
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type 0: () -> v128
  0x03, 0x02, 0x01, 0x00, // func 0: type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: 1 body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array(16).fill(0)]), // 3 x v128.const 0
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b,
]);
const hasRelaxedSimd = WebAssembly.validate(RELAXED_PROBE);
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd'; // Node 20 (V8 11.3); on by default from V8 11.4
/** Node flags that give a child relaxed SIMD: none where it is on by default (a later V8 may drop the flag). */
const WITH_RELAXED = hasRelaxedSimd && !process.execArgv.includes(RELAXED_FLAG) ? [] : [RELAXED_FLAG];

/** What a fresh Node reports with these flags and SEQATTN_WASM: the build it chose, or its error. */
function child(flags: string[], env: string | undefined): { build?: string; relaxed?: boolean; error?: string } {
  const code = `import('./src/wasm.ts').then(async (w) => {
    const relaxed = WebAssembly.validate(new Uint8Array(${JSON.stringify(Array.from(RELAXED_PROBE))}));
    try { console.log(JSON.stringify({ build: (await w.runtime()).build, relaxed })); }
    catch (e) { console.log(JSON.stringify({ error: e.code + ': ' + e.message, relaxed })); }
  });`;
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '-e', code], {
    cwd: root, encoding: 'utf8', env: { ...process.env, SEQATTN_WASM: env ?? '' },
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('runtime is compiled once and alloc returns 16-byte aligned regions', async () => {
  const a = await runtime();
  const b = await runtime();
  assert.is(a, b);
  const p = a.alloc(100);
  const q = a.alloc(7);
  assert.is(p % 16, 0);
  assert.is(q % 16, 0);
  assert.ok(q >= p + 100 || p >= q + 7, 'regions do not overlap');
  a.free(p); a.free(q);
});

test('the relaxed-SIMD build runs exactly where the engine has relaxed SIMD (unless SEQATTN_WASM says otherwise)', async () => {
  const forced = process.env.SEQATTN_WASM;
  const want = forced === 'simd128' || forced === 'relaxed-simd' ? forced : hasRelaxedSimd ? 'relaxed-simd' : 'simd128';
  assert.is((await runtime()).build, want);
});

test('SEQATTN_WASM chooses the build; an unavailable or unknown one is a clear E_WASM error', () => {
  const withFlag = child(WITH_RELAXED, undefined);
  assert.ok(withFlag.relaxed, `${WITH_RELAXED.join(' ') || 'this Node'} gives relaxed SIMD`);
  assert.is(withFlag.build, 'relaxed-simd');
  assert.is(child(WITH_RELAXED, 'simd128').build, 'simd128');
  const plain = child([], 'relaxed-simd');
  if (plain.relaxed) assert.is(plain.build, 'relaxed-simd'); // an engine with relaxed SIMD on by default
  else assert.match(plain.error ?? '', /^E_WASM: the relaxed-simd build was asked for \(SEQATTN_WASM or LoadOptions.wasmBuild\), but this WebAssembly engine has no relaxed SIMD/);
  assert.match(child([], 'avx512').error ?? '', /^E_WASM: SEQATTN_WASM is "avx512", expected "simd128", "relaxed-simd" or "auto"/);
});

test('LoadOptions.wasmBuild runs a model on the named build, beside models of the other build', async () => {
  const fixture = join(root, 'test', 'fixtures', 'tutorial');
  const simd = await loadModel(fixture, { wasmBuild: 'simd128' });
  assert.is(simd.wasmBuild, 'simd128');
  const auto = await loadModel(fixture);
  assert.is(auto.wasmBuild, (await runtime()).build);
  assert.equal(simd.translate([2, 3, 1]).ids, auto.translate([2, 3, 1]).ids);
  if (hasRelaxedSimd) assert.is((await loadModel(fixture, { wasmBuild: 'relaxed-simd' })).wasmBuild, 'relaxed-simd');
  else {
    try { await loadModel(fixture, { wasmBuild: 'relaxed-simd' }); assert.unreachable('no relaxed SIMD here'); }
    catch (e) { assert.is((e as { code?: string }).code, 'E_WASM', String(e)); }
  }
  try { await loadModel(fixture, { wasmBuild: 'avx2' as never }); assert.unreachable('unknown build'); }
  catch (e) { assert.match(String(e), /wasmBuild is "avx2", expected 'simd128' or 'relaxed-simd'/); }
  simd.dispose(); auto.dispose();
});

test.run();
