// Cost of one beam-search decoder step relative to one greedy step, on the same model.
//   node bench/beam-step.js [model]        (default: the bundled g2p-en model; needs `npm run build`)
// A step's cost is measured as (T(N steps) - T(1 step)) / (N - 1), with minLength = maxLength = N
// so </s> never ends a decode early: the encoder and setup cancel out. Medians of benchmark.js samples.
import Benchmark from 'benchmark';
import { loadModel } from '../dist/node.js';

const name = process.argv[2] ?? 'g2p-en';
const model = await loadModel(name);
const input = model.config.sourceTokenizer === 'char' ? 'attention' : model.config.sourceVocab.slice(4, 10).join(' ');
const N = Math.min(20, model.config.maxTargetLength);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

const cases = [
  ['greedy', {}],
  ['beam 5', { beamSize: 5 }],
  ['beam 10', { beamSize: 10 }],
];
const suite = new Benchmark.Suite();
for (const [label, opts] of cases) {
  for (const steps of [1, N]) {
    suite.add(`${label} x${steps}`, () => model.translate(input, { ...opts, minLength: steps, maxLength: steps }), { minSamples: 40 });
  }
}
const memoryBefore = model.wasmMemoryBytes;
const t = {};
suite.on('cycle', (e) => { t[e.target.name] = median(e.target.stats.sample) * 1e3; console.error(String(e.target)); });
suite.run();
const rows = cases.map(([label]) => [label, (t[`${label} x${N}`] - t[`${label} x1`]) / (N - 1)]);
const greedyStep = rows[0][1];
console.log(`\nmodel ${name}, input ${JSON.stringify(input)}, ${N} steps; Wasm memory ${memoryBefore} -> ${model.wasmMemoryBytes} bytes`);
console.log('| decoding | ms per step (median) | relative to greedy |\n|---|---|---|');
for (const [label, ms] of rows) console.log(`| ${label} | ${ms.toFixed(4)} | ${(ms / greedyStep).toFixed(2)}x |`);
