// Beam search against exhaustive enumeration on a model small enough to enumerate: with a beam as
// wide as the search space it must return exactly the best sequences, with the same scores.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel, type Seq2SeqModel } from '../../src/node.js';
import { committedFixtures, inputOfLength, lcg } from '../models/helpers.js';
import { COVERAGE_FLOOR } from '../../src/decode/beam.js';
import { loadTiny } from './tiny.js';

const SPEC = { E: 3, n: 4, H: 5, A: 3, l: 3, Vs: 7, Vt: 5, maxSource: 8, maxTarget: 4, seed: 11, scale: 1.5 };
const EOS = 2;
/** GNMT's lp(Y) = ((5 + |Y|) / 6)^α, written here independently of src/decode/beam.ts. */
const lengthPenalty = (len: number, alpha: number) => ((5 + len) / 6) ** alpha;

interface Scored { ids: number[]; logProbs: number[]; score: number }

/** Every output of at most maxLength tokens (</s> only last), scored exactly as beam search scores them. */
function enumerate(model: Seq2SeqModel, source: number[], o: { maxLength: number; minLength?: number; alpha?: number; beta?: number; block?: number }): Scored[] {
  const V = model.config.targetVocab.length;
  const all: Scored[] = [];
  const Tx = source.length;
  const walkTo = (prefix: number[]) => {
    // Replays the prefix with the step API; returns log p of every next token and the coverage.
    const walk = model.begin(source);
    let y = model.config.sosId;
    const logps: number[] = [];
    const coverage = new Float64Array(Tx);
    let last: Float64Array = new Float64Array(V);
    for (let i = 0; i <= prefix.length; i++) {
      const out = walk.step(y);
      out.weights.forEach((a, j) => { coverage[j] += a; });
      const m = Math.max(...out.logits);
      const lse = m + Math.log(out.logits.reduce((s, x) => s + Math.exp(x - m), 0));
      last = Float64Array.from(out.logits, (x) => x - lse);
      if (i < prefix.length) { logps.push(last[prefix[i]]); y = prefix[i]; }
    }
    return { logps, next: last, coverage };
  };
  const repeats = (seq: number[], n: number) => {
    const seen = new Set<string>();
    for (let s = 0; s + n <= seq.length; s++) {
      const key = seq.slice(s, s + n).join(',');
      if (seen.has(key)) return true;
      seen.add(key);
    }
    return false;
  };
  const score = (total: number, len: number, coverage: Float64Array) => {
    let cp = 0;
    if (o.beta) for (let j = 0; j < Tx; j++) cp += Math.log(Math.min(Math.max(coverage[j], COVERAGE_FLOOR), 1));
    return total / lengthPenalty(len, o.alpha ?? 0) + (o.beta ?? 0) * cp;
  };
  const visit = (prefix: number[]) => {
    const { logps, next, coverage } = walkTo(prefix);
    const total = logps.reduce((a, b) => a + b, 0);
    for (let y = 0; y < V; y++) {
      const seq = [...prefix, y];
      if (o.block && repeats(seq, o.block)) continue;
      if (y === EOS && prefix.length < (o.minLength ?? 0)) continue;
      const lp = [...logps, next[y]];
      if (y === EOS || seq.length === o.maxLength) {
        all.push({ ids: seq, logProbs: lp, score: score(total + next[y], seq.length, coverage) });
      } else {
        visit(seq);
      }
    }
  };
  visit([]);
  return all.sort((a, b) => b.score - a.score);
}

function sameBest(model: Seq2SeqModel, source: number[], opts: { alpha?: number; beta?: number; block?: number; minLength?: number }, nBest: number) {
  const maxLength = model.config.maxTargetLength;
  const exhaustive = enumerate(model, source, { maxLength, ...opts });
  const r = model.translate(source, { beamSize: 512, nBest, lengthPenalty: opts.alpha, coveragePenalty: opts.beta, blockRepeatNgram: opts.block, minLength: opts.minLength });
  assert.is(r.nBest!.length, Math.min(nBest, exhaustive.length));
  r.nBest!.forEach((h, k) => {
    const want = exhaustive[k];
    assert.equal(h.ids, want.ids, `hypothesis ${k}: ${JSON.stringify(h.ids)} vs brute force ${JSON.stringify(want.ids)} (scores ${h.searchScore} / ${want.score})`);
    assert.ok(Math.abs(h.searchScore - want.score) < 1e-5, `hypothesis ${k}: score ${h.searchScore} vs ${want.score}`);
    h.logProbs.forEach((lp, i) => assert.ok(Math.abs(lp - want.logProbs[i]) < 1e-5, `hypothesis ${k} token ${i} log-prob`));
  });
  return exhaustive.length;
}

test('a beam as wide as the search space finds the brute-force best sequences and scores', async () => {
  const model = await loadTiny(SPEC, { maxBeamSize: 512 });
  for (const source of [[4, 5, 2], [6, 2], [4, 4, 5, 6, 2]]) {
    const count = sameBest(model, source, {}, 25);
    assert.is(count, 1 + 4 + 16 + 64 + 256, 'enumerated every sequence of at most 4 tokens');
  }
  model.dispose();
});

test('... with the length penalty, the coverage penalty, minLength and n-gram blocking', async () => {
  const model = await loadTiny({ ...SPEC, seed: 5 }, { maxBeamSize: 512 });
  sameBest(model, [4, 5, 6, 2], { alpha: 0.6 }, 20);
  sameBest(model, [4, 5, 6, 2], { alpha: 1.0, beta: 0.3 }, 20);
  sameBest(model, [5, 4, 2], { minLength: 2 }, 20);
  sameBest(model, [5, 4, 2], { block: 1 }, 20);
  sameBest(model, [6, 6, 2], { block: 2, alpha: 0.2 }, 20);
  model.dispose();
});

test('beamSize 1 equals greedy decoding on every fixture model and case', async () => {
  for (const name of ['tutorial', 'bahdanau-maxout', 'bahdanau-tanh', 'luong-dot', 'luong-general', 'luong-concat', 'luong-local-m', 'luong-local-p',
    'sat-soft', 'sat-soft-plain', 'sat-hard',
    'cho-maxout', 'cho-tanh', 'sutskever-reversed', 'sutskever-forward']) {
    const model = await loadModel(join(committedFixtures, name));
    const rand = lcg(9);
    for (let len = 1; len <= 40; len += 3) {
      const source = inputOfLength(model, len, rand);
      const greedy = model.translate(source);
      const beam = model.translate(source, { beamSize: 1, nBest: 1 });
      assert.equal(beam.ids, greedy.ids, `${name} length ${len}`);
      assert.ok(Math.abs(beam.score - greedy.score) < 1e-4);
    }
    model.dispose();
  }
});

test('nBest is sorted by search score, and the result is its first entry', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'));
  const r = model.translate('hello', { beamSize: 8, nBest: 8, lengthPenalty: 0.6 });
  assert.is(r.nBest!.length, 8);
  for (let k = 1; k < 8; k++) assert.ok(r.nBest![k - 1].searchScore >= r.nBest![k].searchScore);
  assert.equal(r.ids, r.nBest![0].ids);
  for (const h of r.nBest!) {
    assert.is(h.attention.length, h.ids.length);
    assert.ok(Math.abs(h.score - h.logProbs.reduce((a, b) => a + b, 0)) < 1e-9);
    assert.ok(Math.abs(h.searchScore - h.score / lengthPenalty(h.ids.length, 0.6)) < 1e-4);
  }
  model.dispose();
});

test('when n-gram blocking leaves no continuation, the hypotheses so far finish unfinished', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'));
  // With beam 1 and every unigram blocked after its first use, the beam runs out of symbols.
  const r = model.translate([6], { beamSize: 1, nBest: 1, blockRepeatNgram: 1 });
  assert.ok(r.ids.length >= 1, 'a result, not an empty list');
  assert.is(new Set(r.ids).size, r.ids.length, 'no symbol repeats');
  assert.is(r.attention.length, r.ids.length);
  assert.ok(Math.abs(r.score - r.logProbs.reduce((a, b) => a + b, 0)) < 1e-9);
  model.dispose();
});

test('coverage penalty under local attention: positions no window reached count at COVERAGE_FLOOR, scores stay finite and ordered', async () => {
  assert.is(COVERAGE_FLOOR, 1e-6, 'the floor docs/README state');
  const model = await loadModel(join(committedFixtures, 'luong-local-m'));
  const V = model.config.sourceVocab.length;
  const source = Array.from({ length: 30 }, (_, j) => 3 + ((j * 5) % (V - 3)));
  const beta = 0.4, alpha = 0.6;
  const r = model.translate(source, { beamSize: 6, nBest: 6, coveragePenalty: beta, lengthPenalty: alpha, maxLength: 6 });
  let unreached = 0;
  r.nBest!.forEach((h, k) => {
    assert.ok(Number.isFinite(h.searchScore), `hypothesis ${k}: search score ${h.searchScore}`);
    if (k > 0) assert.ok(r.nBest![k - 1].searchScore >= h.searchScore, 'sorted');
    let cp = 0;
    for (let j = 0; j < source.length; j++) {
      const coverage = h.attention.reduce((s, row) => s + row[j], 0);
      if (coverage === 0) unreached++;
      cp += Math.log(Math.min(Math.max(coverage, COVERAGE_FLOOR), 1));
    }
    const want = h.score / lengthPenalty(h.ids.length, alpha) + beta * cp;
    assert.ok(Math.abs(h.searchScore - want) < 1e-4, `hypothesis ${k}: search score ${h.searchScore} vs ${want}`);
  });
  assert.ok(unreached > 0, 'some source positions were outside every window (the case the floor is for)');
  model.dispose();
});

test('maxLengthRatio bounds the output by the source length', async () => {
  const model = await loadModel(join(committedFixtures, 'bahdanau-maxout'));
  for (const opts of [{}, { beamSize: 4 }, { temperature: 1, seed: 3 }]) {
    const r = model.translate([4, 5, 6, 2], { ...opts, maxLengthRatio: 1.5 });
    assert.ok(r.ids.length <= 6, `${JSON.stringify(opts)}: ${r.ids.length} tokens`);
  }
  model.dispose();
});

test.run();
