// The worked example of attention on a real model, one decoder step at a time:
//   node examples/walkthrough.mjs [word] [model]      (after `npm install`; default: 'attention', g2p-en)
// For each output step i it prints the energies e_ij = a(s_{i-1}, h_j), the weights
// a_ij = exp(e_ij) / Σ_k exp(e_ik), the first numbers of the context c_i = Σ_j a_ij h_j, and the
// symbol chosen from the logits.
import { loadModel } from 'seqattn';

const [word = 'attention', modelName = 'g2p-en'] = process.argv.slice(2);
const model = await loadModel(modelName);
const walk = model.begin(word);
const src = walk.sourceTokens;
const f = (x) => x.toFixed(3).padStart(7);
console.log(`source x_1..x_${src.length}: ${src.join(' ')}`);
console.log(`annotations h_j: ${src.length} x ${walk.annotations.length / src.length}; s_0: ${walk.state.length} numbers\n`);

let y = model.config.sosId;
for (let i = 1; i <= model.config.maxTargetLength; i++) {
  const { energies, weights, context, logits } = walk.step(y);
  console.log(`step ${i}: previous y_${i - 1} = ${model.targetVocab.symbol(y)}`);
  console.log(`  x_j      ${src.map((s) => s.padStart(7)).join('')}`);
  console.log(`  e_${i}j     ${Array.from(energies, f).join('')}`);
  console.log(`  a_${i}j     ${Array.from(weights, f).join('')}   (sum ${weights.reduce((a, b) => a + b, 0).toFixed(6)})`);
  console.log(`  c_${i}[0:4] ${Array.from(context.subarray(0, 4), f).join('')} ...`);
  y = logits.indexOf(Math.max(...logits));
  console.log(`  y_${i} = argmax logits = ${model.targetVocab.symbol(y)}\n`);
  if (y === model.config.eosId) break;
}
model.dispose();
