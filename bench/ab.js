// Paired A/B of two checkouts of seqattn: greedy batch-1 decoding of bench model S or M (made by
// `npm run bench` in bench/.cache), SIMD128 build, CPU milliseconds per sequence, median of the rounds.
// Run it alternately for the two checkouts (each built, with its own dist/) and compare the pairs:
//   for i in 1 2 3 4 5 6 7 8; do node bench/ab.js . S; node bench/ab.js ../other S; done
//   node bench/ab.js CHECKOUT [S|M] [rounds=9] [models=bench/.cache]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [checkout = '.', which = 'S', rounds = '9', cache = 'bench/.cache'] = process.argv.slice(2);
const { loadModel } = await import(pathToFileURL(resolve(checkout, 'dist', 'node.js')).href);
const dir = resolve(cache, which);
const spec = JSON.parse(readFileSync(`${dir}/inputs.json`, 'utf8'));
const model = await loadModel(dir, { wasmBuild: 'simd128' });
const steps = spec.spec.steps, source = spec.source;
const n = which === 'S' ? 400 : 12; // sequences per round: about 0.4 s each
for (let i = 0; i < n; i++) model.translate(source, { maxLength: steps }); // warm-up
const times = [];
for (let r = 0; r < Number(rounds); r++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) model.translate(source, { maxLength: steps });
  const d = process.cpuUsage(t0);
  times.push((d.user + d.system) / 1000 / n);
}
times.sort((a, b) => a - b);
console.log(`${which} ${resolve(checkout)}: ${times[times.length >> 1].toFixed(4)} ms/sequence (median of ${rounds}, ${process.version})`);
model.dispose();
