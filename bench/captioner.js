// Cost of one captioner decoder step, the paper's parts (tanh attention through the fused
// additive_energies kernel, scalar gate, tanh h_0) against the sgrvinod-captioning preset's
// (relu attention through additive_energies_relu; per-channel gate), on random
// weights of that project's default sizes (D 2048, A 512, E 512, H 512, V 10000, a 14 x 14 grid).
//   node bench/captioner.js        (needs `npm run build`)
// A step's cost is (T(N steps) - T(1 step)) / (N - 1), minLength = maxLength = N; medians of benchmark.js samples.
import Benchmark from 'benchmark';
import { loadModelFrom, writeSafetensors } from '../dist/index.js';

const D = 2048, A = 512, E = 512, H = 512, V = 10000, L = 196, N = 20;
let seed = 1;
const rand = (n, scale) => Float32Array.from({ length: n }, () => { seed = (seed * 1103515245 + 12345) >>> 0; return ((seed / 2 ** 32) - 0.5) * scale; });
const linear = (name, rows, cols, bias = true) => ({
  [`${name}.weight`]: { shape: [rows, cols], data: rand(rows * cols, 2 / Math.sqrt(cols)) },
  ...(bias ? { [`${name}.bias`]: { shape: [rows], data: rand(rows, 0.1) } } : {}),
});
const vocab = Array.from({ length: V }, (_, i) => `w${i}`);
const common = { feature_size: D, embedding_size: E, hidden_size: H, alignment_size: A, target_vocab: vocab, sos_id: 1, eos_id: 2, max_source_length: L, max_target_length: N };
const lstm = (name) => ({ [`${name}.weight_ih`]: { shape: [4 * H, E + D], data: rand(4 * H * (E + D), 0.05) },
  [`${name}.weight_hh`]: { shape: [4 * H, H], data: rand(4 * H * H, 0.05) }, [`${name}.bias_ih`]: { shape: [4 * H], data: rand(4 * H, 0.1) }, [`${name}.bias_hh`]: { shape: [4 * H], data: rand(4 * H, 0.1) } });
const paper = writeSafetensors({
  ...linear('init_h', H, D), ...linear('init_c', H, D), ...linear('attention.W_a', A, D), ...linear('attention.W_h', A, H, false),
  ...linear('attention.w', 1, A, false), ...linear('f_beta', 1, H), 'embedding.weight': { shape: [V, E], data: rand(V * E, 0.2) },
  ...lstm('lstm'), ...linear('out', V, H),
});
const sgrvinod = writeSafetensors({
  ...linear('init_h', H, D), ...linear('init_c', H, D), ...linear('attention.encoder_att', A, D), ...linear('attention.decoder_att', A, H),
  ...linear('attention.full_att', 1, A), ...linear('f_beta', D, H), 'embedding.weight': { shape: [V, E], data: rand(V * E, 0.2) },
  ...lstm('decode_step'), ...linear('fc', V, H),
});
const models = [
  ['show-attend-tell (tanh, scalar gate)', await loadModelFrom({ weights: paper, config: { architecture: 'show-attend-tell', deep_output: 'none', ...common } })],
  ['sgrvinod-captioning (relu, gate per channel)', await loadModelFrom({ weights: sgrvinod, config: { architecture: 'sgrvinod-captioning', ...common } })],
];
const features = rand(L * D, 2).map(Math.abs);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const suite = new Benchmark.Suite();
for (const [label, model] of models) {
  for (const beam of [1, 5]) {
    for (const steps of [1, N]) {
      suite.add(`${label} beam ${beam} x${steps}`, () => model.translate({ features, length: L }, { beamSize: beam, nBest: 1, minLength: steps, maxLength: steps }), { minSamples: 20 });
    }
  }
}
const t = {};
suite.on('cycle', (e) => { t[e.target.name] = median(e.target.stats.sample) * 1e3; console.error(String(e.target)); });
suite.run();
console.log(`\nD ${D}, A ${A}, E ${E}, H ${H}, V ${V}, L ${L}; ${N} steps\n| captioner | beam | ms per step (median) |\n|---|---|---|`);
for (const [label] of models) {
  for (const beam of [1, 5]) console.log(`| ${label} | ${beam} | ${((t[`${label} beam ${beam} x${N}`] - t[`${label} beam ${beam} x1`]) / (N - 1)).toFixed(3)} |`);
}
