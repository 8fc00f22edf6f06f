// Property-based tests of everything that reads untrusted input (test/hardening/properties.ts),
// a few thousand cases per run with a fixed seed (npm run fuzz runs 100,000+ with fresh seeds).
import fc from 'fast-check';
import { test } from 'uvu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '../../src/node.js';
import { classifierConfigProperty, configProperty, loadProperty, optionsProperty, resident, runParameters, safetensorsProperty, type Resident } from './properties.js';

const SEED = 12;
let r: Resident;
test.before(async () => { r = await resident(); });
test.after(() => r.model.dispose());

test('safetensors reader: 2,000 random files: a valid file or a typed, bounded error', () => {
  fc.assert(safetensorsProperty(), runParameters(2000, SEED));
});

test('config parser: 2,000 configs with hostile fields: a config within every limit, or E_CONFIG', () => {
  fc.assert(configProperty(), runParameters(2000, SEED));
});

test('classifier config parser: 1,000 configs (han and attention-bilstm fixtures) with hostile fields: within every limit, or E_CONFIG', () => {
  for (const name of ['han', 'attention-bilstm-sum']) {
    const f = readSafetensors(readFileSync(join(import.meta.dirname, '..', 'classifiers', 'fixtures', name, 'model.safetensors')));
    fc.assert(classifierConfigProperty(JSON.parse(f.metadata.seqattn)), runParameters(500, SEED));
  }
});

test('load path: 300 hostile configs and load options: a working model or a typed error; a resident model unchanged', async () => {
  await fc.assert(loadProperty(r), runParameters(300, SEED));
});

test('translate options and inputs: 1,500 cases: a result or a typed error; the model\'s outputs unchanged', () => {
  fc.assert(optionsProperty(r), runParameters(1500, SEED));
});

test.run();
