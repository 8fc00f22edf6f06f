// npm run fuzz: the properties of test/hardening/properties.ts, the worker pool's (tools/fuzz/pool.ts) and the downloads'
// (tools/fuzz/download.ts) and g2p(text)'s (tools/fuzz/g2p.ts) at scale (195,000 cases in all),
// with a fresh seed each run unless --seed N; prints a Markdown report (--out FILE writes it too);
// --only NAME runs the properties whose name contains NAME, --scale F a fraction F of each.
// A failure prints the property, the seed and the shrunk counterexample (cut), and exits 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import fc from 'fast-check';
import { readSafetensors } from '../src/node.js';
import { poolFuzz, poolWhat } from './fuzz/pool.js';
import { classifierConfigProperty, configProperty, loadProperty, optionsProperty, resident, safetensorsProperty } from '../test/hardening/properties.js';
import { downloadTarget } from './fuzz/download.js';
import { g2pFuzz, g2pWhat } from './fuzz/g2p.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const scale = Number(arg('--scale') ?? 1);
const seed = arg('--seed') !== undefined ? Number(arg('--seed')) : Math.floor(Math.random() * 2 ** 31);
const out = arg('--out');
const only = arg('--only'); // run the properties whose name contains this, e.g. --only pool

const root = join(import.meta.dirname, '..');
const r = await resident();
const runs: { name: string; what: string; cases: number; run: (n: number) => Promise<fc.RunDetails<unknown>> }[] = [
  { name: 'safetensors reader', what: 'random bytes; headers of random entries (hostile dtypes, shapes, offsets, 100,000-deep values, metadata) over random data, length field sometimes corrupted',
    cases: 40_000, run: async (n) => fc.check(safetensorsProperty(), { numRuns: n, seed }) as fc.RunDetails<unknown> },
  { name: 'config parser', what: 'the tiny model\'s config with up to 4 fields hostile (2^31, 2^32+64, 2^53+2, NaN, deep arrays, 10 kB strings...) or removed, architecture sometimes changed',
    cases: 40_000, run: async (n) => fc.check(configProperty(), { numRuns: n, seed }) as fc.RunDetails<unknown> },
  { name: 'classifier config parser', what: 'the han and attention-bilstm fixtures\' configs (half the cases each) with up to 4 fields hostile or removed, the architecture sometimes swapped',
    cases: 10_000, run: async (n) => {
      const [a, b] = ['han', 'attention-bilstm-sum'].map((name) => JSON.parse(readSafetensors(readFileSync(join(root, 'test', 'classifiers', 'fixtures', name, 'model.safetensors'))).metadata.seqattn));
      const one = fc.check(classifierConfigProperty(a), { numRuns: Math.ceil(n / 2), seed }) as fc.RunDetails<unknown>;
      if (one.failed) return one;
      const two = fc.check(classifierConfigProperty(b), { numRuns: Math.floor(n / 2), seed }) as fc.RunDetails<unknown>;
      return { ...two, numRuns: one.numRuns + two.numRuns };
    } },
  { name: 'translate options and inputs', what: 'translate / translateBatch / begin with random inputs (strings, graphemes, ids, 100 kB strings, {length}, anything) and options (known names with hostile values, non-objects); a resident model\'s outputs compared after each case',
    cases: 20_000, run: async (n) => fc.check(optionsProperty(r), { numRuns: n, seed }) as fc.RunDetails<unknown> },
  { name: 'load path', what: 'loadModelFrom with fuzzed configs and load options (maxBeamSize, maxBatchSize, maxMemoryBytes, weights, unknownSource), then translate; the resident model compared after each case',
    cases: 5_000, run: (n) => fc.check(loadProperty(r), { numRuns: n, seed }) as Promise<fc.RunDetails<unknown>> },
  { name: 'worker pool', what: poolWhat, cases: 40_000, run: (n) => poolFuzz(n, seed) },
  { name: 'g2p text', what: g2pWhat, cases: 20_000, run: (n) => g2pFuzz(n, seed) },
];

// URL sources against a misbehaving server (tools/fuzz/download.ts)
const download = downloadTarget(seed);
runs.push(download);

const rows: string[] = [];
let total = 0, failed = 0;
const t0 = performance.now();
for (const p of runs.filter((q) => !only || q.name.includes(only))) {
  const n = Math.max(1, Math.round(p.cases * scale));
  const t = performance.now();
  const details = await p.run(n);
  const secs = (performance.now() - t) / 1000;
  total += details.numRuns;
  const verdict = details.failed ? 'FAILED' : 'ok';
  if (details.failed) {
    failed++;
    const err = details.errorInstance instanceof Error ? `${details.errorInstance.name}${(details.errorInstance as { code?: string }).code ? ` ${(details.errorInstance as { code?: string }).code}` : ''}: ${details.errorInstance.message}` : String(details.errorInstance);
    console.error(`${p.name}: FAILED with ${err.slice(0, 400)}\n${fc.defaultReportMessage(details)?.slice(0, 3000)}`);
  }
  rows.push(`| ${p.name} | ${details.numRuns} | ${secs.toFixed(1)} | ${verdict} | ${p.what} |`);
  console.error(`${p.name}: ${details.numRuns} cases in ${secs.toFixed(1)} s: ${verdict}`);
}
r.model.dispose();
const report = [
  `Command: \`npm run fuzz${process.argv.slice(2).length ? ' -- ' + process.argv.slice(2).join(' ') : ''}\`; fast-check seed ${seed}; ` +
  `Node ${process.version}, ${cpus().length} CPUs; ${total} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${failed ? `${failed} properties FAILED` : 'no failures'}.`,
  '',
  '| property | cases | seconds | result | what is generated |',
  '|---|---:|---:|---|---|',
  ...rows,
  '',
  ...(!only || download.name.includes(only) ? [download.extra(), ''] : []),
].join('\n');
process.stdout.write(report);
if (out) writeFileSync(out, report);
process.exitCode = failed ? 1 : 0;
