// Beam search against an independent PyTorch beam search (tools/beam_reference.py, written from the
// semantics of src/decode/beam.ts) on every fixture model: beam.json, made by
// tools/make_beam_fixtures.py, holds for several sources x settings (beam width, nBest, length and
// coverage penalties, n-gram blocking, minLength) PyTorch's nBest list. seqattn must return the same
// hypotheses in the same order (identical ids), searchScore and every log-prob within 1e-4.
// SEQATTN_FIXTURES=DIR runs the same checks on fixtures regenerated elsewhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, type TranslateOptions } from '../../src/node.js';
import { caseInput, caseLength, type CaseSource } from '../models/helpers.js';

const SCORE_TOL = 1e-4;
const LOGP_TOL = 1e-4;

interface Hypothesis { ids: number[]; log_probs: number[]; score: number; finished: boolean }
interface Case extends CaseSource {
  name: string; input: string | null; options: TranslateOptions; nBest: Hypothesis[];
  /** Smallest gap of any decision of PyTorch's search; near_ties: those below the file's eps. */
  min_margin: number | null; near_ties: string[];
}
/** features: show-attend-tell's annotation vectors of each case, by case name. */
interface BeamReference { architecture: string; torch_version: string; eps: number; cases: Case[]; features?: Record<string, number[]> }

const fixturesDir = process.env.SEQATTN_FIXTURES ?? join(import.meta.dirname ?? 'test/decode', '..', 'fixtures');
const folders = readdirSync(fixturesDir).filter((d) => existsSync(join(fixturesDir, d, 'beam.json'))).sort();
const reached = { score: 0, logp: 0, cases: 0 };

test('beam fixtures are present', () => {
  assert.ok(folders.length >= 3, `expected beam.json in at least 3 fixture models in ${fixturesDir}, found ${folders.join(', ') || 'none'}`);
});

for (const folder of folders) {
  const dir = join(fixturesDir, folder);
  const ref: BeamReference = JSON.parse(readFileSync(join(dir, 'beam.json'), 'utf8'));

  test(`${folder}: beam search matches PyTorch ${ref.torch_version} (${ref.cases.length} cases)`, async () => {
    const model = await loadModel(dir);
    assert.is(model.config.captioner?.preset ?? model.config.architecture, ref.architecture); // a captioner preset is a show-attend-tell model
    assert.ok(ref.cases.some((c) => caseLength(c) >= 60), 'a case with a source of length 60');
    for (const c of ref.cases) {
      const tag = `${folder} ${c.name} ${JSON.stringify(c.options)}`;
      const ties = c.near_ties.length ? ` (PyTorch near ties: ${c.near_ties.join('; ')})` : '';
      const r = model.translate(caseInput({ ...c, features: ref.features?.[c.name] }), c.options);
      const got = r.nBest;
      assert.ok(got, `${tag}: no nBest list`);
      assert.is(got.length, c.nBest.length, `${tag}: nBest length${ties}`);
      c.nBest.forEach((want, k) => {
        const h = got[k];
        assert.equal(h.ids, want.ids, `${tag}: hypothesis ${k} ids ${JSON.stringify(h.ids)} vs PyTorch ${JSON.stringify(want.ids)}` +
          ` (scores ${h.searchScore} / ${want.score})${ties}`);
        assert.is(h.finished, want.finished, `${tag}: hypothesis ${k} finished`);
        const ds = Math.abs(h.searchScore - want.score);
        assert.ok(ds <= SCORE_TOL, `${tag}: hypothesis ${k} searchScore ${h.searchScore} vs ${want.score}`);
        reached.score = Math.max(reached.score, ds);
        h.logProbs.forEach((lp, i) => {
          const d = Math.abs(lp - want.log_probs[i]);
          assert.ok(d <= LOGP_TOL, `${tag}: hypothesis ${k} token ${i} log-prob ${lp} vs ${want.log_probs[i]}`);
          reached.logp = Math.max(reached.logp, d);
        });
      });
      assert.equal(r.ids, c.nBest[0].ids, `${tag}: the result is the best hypothesis`);
      reached.cases++;
    }
    model.dispose();
  });
}

test('tolerances reached', () => {
  console.log(`      beam parity (${fixturesDir}): ${reached.cases} cases, max |searchScore diff| ${reached.score.toExponential(2)}, max |log-prob diff| ${reached.logp.toExponential(2)}`);
});

test.run();
