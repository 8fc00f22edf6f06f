// Model loading from bytes in hand (the browser demo's second visit, after the fetch): loadModel of
// the bundled g2p-en model, int8 file (model.int8.safetensors) and f32 file (model.safetensors),
// each model disposed after its load. benchmark.js; medians of the per-call samples. Uses dist/.
//
//   node bench/load.js [--max-time SECONDS]     (default 3 s per case)
import Benchmark from 'benchmark';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledModelsDir, loadModel } from '../dist/node.js';
import { median } from './lib/timing.js';

const argv = process.argv.slice(2);
const k = argv.indexOf('--max-time');
const maxTime = k >= 0 ? Number(argv[k + 1]) : 3;

const cases = [
  ['g2p-en int8 file', 'model.int8.safetensors'],
  ['g2p-en f32 file', 'model.safetensors'],
];
const suite = new Benchmark.Suite('load');
for (const [name, file] of cases) {
  const bytes = new Uint8Array(readFileSync(join(bundledModelsDir, 'g2p-en', file)));
  (await loadModel(bytes)).dispose(); // Wasm compiled and instantiated once, outside the timing
  suite.add(name, {
    defer: true,
    maxTime,
    fn: (d) => loadModel(bytes).then((m) => { m.dispose(); d.resolve(); }),
  });
}
suite.on('cycle', (e) => {
  const t = e.target;
  console.log(`${t.name}: median ${(median(t.stats.sample) * 1e3).toFixed(2)} ms (${t.stats.sample.length} samples, ±${t.stats.rme.toFixed(1)}%)`);
});
suite.run({ async: true });
