// Greedy and beam decoder step cost of several builds side by side, in one run (issue 5).
//   node bench/kernels-decode.js MODEL_PATH [DIST[:LOAD_OPTIONS_JSON] ...]
// e.g. node bench/kernels-decode.js bench/.cache/M/model.safetensors /tmp/old-dist dist dist:'{"weights":"int8"}'
// Default: ./dist. A step costs (T(N steps) - T(1 step)) / (N - 1) with minLength = maxLength, so the
// encoder cancels out. Variants run interleaved, round after round, and the medians are compared,
// so a busy machine slows all of them alike. Ratios are relative to the first variant.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modelPath, ...specs] = process.argv.slice(2);
if (!modelPath) throw new Error('usage: node bench/kernels-decode.js MODEL_PATH [DIST[:OPTIONS_JSON] ...]');
const variants = [];
for (const spec of specs.length ? specs : ['dist']) {
  const i = spec.indexOf(':');
  const dir = i < 0 ? spec : spec.slice(0, i);
  const options = i < 0 ? {} : JSON.parse(spec.slice(i + 1));
  const { loadModel } = await import(pathToFileURL(resolve(dir, 'node.js')).href);
  variants.push({ label: spec, model: await loadModel(resolve(modelPath), options) });
}
const m0 = variants[0].model;
const V = m0.config.sourceVocab.length;
const input = Array.from({ length: Math.min(25, m0.config.maxSourceLength) }, (_, j) => 4 + ((j * 7919) % (V - 4)));
const N = Math.min(30, m0.config.maxTargetLength);
const rounds = Number(process.env.ROUNDS ?? 15);
const cases = [['greedy', {}], ['beam 5', { beamSize: 5 }]];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const time = (f, reps) => { const t0 = performance.now(); for (let r = 0; r < reps; r++) f(); return (performance.now() - t0) / reps; };

for (const v of variants) v.ids = v.model.translate(input, { minLength: N, maxLength: N }).ids;
// repetitions per sample: ~40 ms of the first variant's N-step decode per sample
const reps = cases.map(([, o]) => Math.max(2, Math.round(40 / time(() => m0.translate(input, { ...o, minLength: N, maxLength: N }), 3))));
const samples = variants.map(() => cases.map(() => []));
for (let round = 0; round < rounds; round++) {
  variants.forEach((v, vi) => cases.forEach(([, o], ci) => {
    const one = time(() => v.model.translate(input, { ...o, minLength: 1, maxLength: 1 }), reps[ci]);
    const many = time(() => v.model.translate(input, { ...o, minLength: N, maxLength: N }), reps[ci]);
    samples[vi][ci].push((many - one) / (N - 1));
  }));
}
console.log(`model ${modelPath} (H ${m0.config.hiddenSize}, V_t ${m0.config.targetVocab.length}), source length ${input.length}, ${N} steps, ${rounds} rounds`);
console.log(`| build | ${cases.map(([c]) => `${c} ms/step | vs first`).join(' | ')} | same greedy ids as first |`);
console.log(`|---|${cases.map(() => '---|---').join('|')}|---|`);
variants.forEach((v, vi) => {
  const cells = cases.map((_, ci) => {
    const ms = median(samples[vi][ci]);
    return `${ms.toFixed(4)} | ${(median(samples[0][ci]) / ms).toFixed(2)}x`;
  });
  const same = v.ids.filter((id, i) => id === variants[0].ids[i]).length;
  console.log(`| ${v.label} | ${cells.join(' | ')} | ${same}/${v.ids.length} |`);
});
