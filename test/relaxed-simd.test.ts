// The other of the two Wasm builds (src/wasm.ts) through the kernel and PyTorch parity suites: the
// rest of `npm test` runs the build this engine picks (simd128 on Node 20), so the relaxed-SIMD
// build (fused multiply-add in the dense products) is proven here in a child Node that has it,
// against the same TypeScript references and the same PyTorch fixtures and tolerances.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../src/wasm.js';

const root = join(import.meta.dirname, '..');

test('kernels and PyTorch parity pass under the other Wasm build', async () => {
  const mine = (await runtime()).build;
  const other = mine === 'simd128' ? 'relaxed-simd' : 'simd128';
  // Node 20 needs the flag for relaxed SIMD; an engine that has it by default gets none (a later V8 may drop the flag)
  const flag = '--experimental-wasm-relaxed-simd';
  const byDefault = !process.execArgv.includes(flag) && await runtime('relaxed-simd').then(() => true, () => false);
  const flags = other === 'relaxed-simd' && !byDefault ? [flag] : [];
  const r = spawnSync(process.execPath, [...flags, join(root, 'node_modules', 'uvu', 'bin.js'), '-r', 'tsx', 'test',
    '(kernels/.*|models/parity|decode/beam-parity|classifiers/parity|wasm)\\.test\\.ts$', '-i', 'fixtures'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, SEQATTN_WASM: other, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const out = r.stdout + r.stderr;
  assert.is(r.status, 0, `SEQATTN_WASM=${other}:\n${out}`);
  const total = Number(out.match(/Total:\s+(\d+)/)?.[1]);
  const passed = Number(out.match(/Passed:\s+(\d+)/)?.[1]);
  assert.ok(total >= 40 && passed === total, `SEQATTN_WASM=${other}: ${passed} of ${total} passed`);
  for (const line of out.split('\n').filter((l) => /parity \(|worst|error/.test(l)).slice(0, 8)) console.log(`      [${other}] ${line.trim()}`);
});

test.run();
