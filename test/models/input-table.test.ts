// The decoder input projection W_ih [E y; c] + b_ih runs as T[y] + W_ic c when the table T fits
// (every fixture) and as the plain product otherwise. Both ways on every fixture: the same greedy
// ids and logits within 1e-5 (f32: T[y] is rounded once, so they agree to rounding, not bitwise);
// with int8 weights (W_ic vs W_ih quantised) >= 99% of tokens agree (93% on the luong fixtures, 97% on sutskever, helpers.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ARCHITECTURES, namedStore, resolveConfig } from '../../src/load.js';
import { Regions } from '../../src/memory.js';
import { Seq2SeqModel } from '../../src/model.js';
import type { NetOptions } from '../../src/models/net.js';
import { loadModel, modelSourceFromPath } from '../../src/node.js';
import { readSafetensors } from '../../src/safetensors.js';
import { runtime } from '../../src/wasm.js';
import { WeightStore } from '../../src/weights.js';
import { committedFixtures, int8TokenAgreement, lcg, randomInput } from './helpers.js';

/** loadModel with NetOptions the public LoadOptions do not reach. */
async function loadWith(dir: string, options: NetOptions): Promise<Seq2SeqModel> {
  const src = modelSourceFromPath(dir);
  const inputs = Array.isArray(src.weights) ? src.weights : [src.weights as { bytes: Uint8Array }];
  const files = inputs.map((f: any) => ({ file: readSafetensors(f.bytes, f.name ?? '<weights>'), prefix: f.prefix ?? '' }));
  const config = resolveConfig(files.map((f) => f.file), src.config, src.configName);
  const rt = await runtime();
  const regions = new Regions(rt);
  const Net = ARCHITECTURES[config.architecture];
  return new Seq2SeqModel(rt, regions, new Net(config, regions, namedStore(new WeightStore(files, config.tensorPrefix), config), options));
}

const folders = readdirSync(committedFixtures).filter((d) => statSync(join(committedFixtures, d)).isDirectory()).sort();

for (const name of folders) {
  test(`${name}: with and without the input table T: same greedy ids, logits within 1e-5 (f32); >= ${100 * int8TokenAgreement(name)}% of tokens (int8)`, async () => {
    const dir = join(committedFixtures, name);
    for (const weights of ['float32', 'int8'] as const) {
      const table = await loadModel(dir, { weights });
      const plain = await loadWith(dir, { weights, inputTableBudgetBytes: 0 });
      const rand = lcg(3);
      let tokens = 0, agree = 0, maxDl = 0;
      for (let s = 0; s < 60; s++) {
        const src = randomInput(table, rand, 20);
        const want = table.translate(src).ids;
        if (weights === 'float32') assert.equal(plain.translate(src).ids, want, `${name}: greedy ids of input ${s}`);
        const a = table.begin(src), b = plain.begin(src);
        let y = table.config.sosId;
        for (const next of want) {
          const la = a.step(y).logits, lb = b.step(y).logits;
          let arg = 0;
          for (let j = 0; j < la.length; j++) {
            maxDl = Math.max(maxDl, Math.abs(la[j] - lb[j]));
            if (lb[j] > lb[arg]) arg = j;
          }
          tokens++;
          if (arg === next) agree++;
          y = next;
        }
      }
      if (weights === 'float32') assert.ok(maxDl <= 1e-5, `${name}: logits differ by ${maxDl}`);
      else assert.ok(agree / tokens >= int8TokenAgreement(name), `${name} int8: ${agree}/${tokens} tokens agree`);
      table.dispose();
      plain.dispose();
    }
  });
}

test.run();
