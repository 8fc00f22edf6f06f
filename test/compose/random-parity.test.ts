// Property-based parity: random valid compositions against PyTorch. tools/random_compositions.py draws
// SEQATTN_COMPOSITIONS compositions (default 40) from SEQATTN_COMPOSITION_SEED (default 1), builds each with
// tools/compose_torch.py (one PyTorch module for any composition, named by the description), and writes its
// state_dict, its config and PyTorch's greedy and beam decodes. seqattn loads each file with its config and
// must give the same greedy ids, every attention weight within 1e-5 and every logit within 1e-4 (step by
// step on PyTorch's ids, and in a batch of all the case's sources), and the same beam nBest (ids identical,
// searchScore and log-probs within 1e-4).
// A failure prints the case's parts and the command that redraws it alone.
// It needs PyTorch (/usr/bin/python3 with torch, as .ci/run installs): without it this test fails and says
// so, unless SEQATTN_NO_TORCH=1 says to leave it out on purpose.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadComposition } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const python = process.env.SEQATTN_PYTHON ?? '/usr/bin/python3';
const count = Number(process.env.SEQATTN_COMPOSITIONS ?? 40);
const seed = Number(process.env.SEQATTN_COMPOSITION_SEED ?? 1);
const ATTENTION_TOL = 1e-5;
const LOGIT_TOL = 1e-4;

interface Greedy { name: string; source_ids: number[]; ids: number[]; attention: number[][]; logits: number[][]; log_probs: number[]; score: number }
interface Hypothesis { ids: number[]; log_probs: number[]; score: number; finished: boolean }
interface Beam { name: string; source_ids: number[]; options: Record<string, number>; nBest: Hypothesis[] }
interface Drawn { case: number; key: string; folder: string; parts: any; attends: boolean; peak: number | null; sources: number; beams: number }

const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const noTorch = probe.status !== 0;
let dir = '';
let drawn: Drawn[] = [];
let seconds = 0;

test('PyTorch draws the compositions and decodes them', () => {
  if (noTorch) {
    if (process.env.SEQATTN_NO_TORCH === '1') { console.log('  (left out: SEQATTN_NO_TORCH=1 and no PyTorch)'); return; }
    assert.unreachable(`${python} cannot import torch and numpy (apt-get install python3-torch python3-numpy), so random ` +
      'compositions are not checked against PyTorch; set SEQATTN_NO_TORCH=1 to leave this test out on purpose');
  }
  dir = mkdtempSync(join(tmpdir(), 'seqattn-compositions-'));
  const t0 = Date.now();
  const r = spawnSync(python, [join(root, 'tools', 'random_compositions.py'), '--seed', String(seed), '--count', String(count), '--out', dir],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  seconds = (Date.now() - t0) / 1000;
  assert.is(r.status, 0, `tools/random_compositions.py failed:\n${r.stdout}\n${r.stderr}`);
  drawn = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')).cases;
  assert.is(drawn.length, count);
});

const reached = { attention: 0, logits: 0, score: 0, greedy: 0, beams: 0 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.is(a.length, b.length, `${what}: length`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test(`${count} random compositions (seed ${seed}) match PyTorch: greedy ids, attention, logits, beam nBest`, async () => {
  if (noTorch) return; // reported above
  const failures: string[] = [];
  for (const c of drawn) {
    const folder = join(dir, c.folder);
    try {
      const greedy: Greedy[] = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')).cases;
      const beams: Beam[] = JSON.parse(readFileSync(join(folder, 'beam.json'), 'utf8')).cases;
      assert.ok(greedy.length >= 2, `only ${greedy.length} sources without near ties`);
      const model = await loadComposition(folder);
      try {
        for (const g of greedy) {
          const r = model.translate(g.source_ids);
          assert.equal(r.ids, g.ids, `${g.name}: greedy ids`);
          const walk = model.begin(g.source_ids);
          let y = model.config.sosId;
          g.ids.forEach((next, i) => {
            const out = walk.step(y);
            const da = maxAbsDiff(out.weights, g.attention[i], `${g.name} step ${i + 1} attention`);
            const dl = maxAbsDiff(out.logits, g.logits[i], `${g.name} step ${i + 1} logits`);
            assert.ok(da <= ATTENTION_TOL, `${g.name} step ${i + 1}: attention differs by ${da}`);
            assert.ok(dl <= LOGIT_TOL, `${g.name} step ${i + 1}: logits differ by ${dl}`);
            reached.attention = Math.max(reached.attention, da);
            reached.logits = Math.max(reached.logits, dl);
            y = next;
          });
          reached.greedy++;
        }
        // all sources at once (rows of different lengths in one step): each as PyTorch decoded it alone
        model.translateBatch(greedy.map((g) => g.source_ids)).forEach((r, k) => {
          const g = greedy[k];
          assert.equal(r.ids, g.ids, `${g.name}: ids in a batch of ${greedy.length}`);
          assert.ok(maxAbsDiff(r.logProbs, g.log_probs, `${g.name} batch log-probs`) <= LOGIT_TOL, `${g.name}: log-probs in a batch`);
          r.attention.forEach((row, i) => assert.ok(maxAbsDiff(row, g.attention[i], `${g.name} batch step ${i + 1}`) <= ATTENTION_TOL, `${g.name} step ${i + 1}: attention in a batch`));
        });
        for (const b of beams) {
          const tag = `${b.name} ${JSON.stringify(b.options)}`;
          const got = model.translate(b.source_ids, b.options).nBest!;
          assert.ok(got, `${tag}: no nBest`);
          assert.equal(got.map((h) => h.ids), b.nBest.map((h) => h.ids), `${tag}: nBest ids`);
          b.nBest.forEach((want, k) => {
            const ds = Math.abs(got[k].searchScore - want.score);
            assert.ok(ds <= LOGIT_TOL, `${tag}: hypothesis ${k} searchScore ${got[k].searchScore} vs ${want.score}`);
            assert.is(got[k].finished, want.finished, `${tag}: hypothesis ${k} finished`);
            assert.ok(maxAbsDiff(got[k].logProbs, want.log_probs, `${tag} log-probs`) <= LOGIT_TOL, `${tag}: hypothesis ${k} log-probs`);
            reached.score = Math.max(reached.score, ds);
          });
          reached.beams++;
        }
      } finally {
        model.dispose();
      }
    } catch (e) {
      failures.push(`case ${c.case} (key ${c.key}): ${(e as Error).message}\n  parts: ${JSON.stringify(c.parts)}\n` +
        `  redraw: ${python} tools/random_compositions.py --seed ${seed} --only ${c.case} --out /tmp/case`);
    }
  }
  console.log(`      ${drawn.length - failures.length} of ${drawn.length} compositions match; ${reached.greedy} greedy decodes, ${reached.beams} beam searches;` +
    ` max |attention diff| ${reached.attention.toExponential(2)}, max |logit diff| ${reached.logits.toExponential(2)},` +
    ` max |searchScore diff| ${reached.score.toExponential(2)}; PyTorch side ${seconds.toFixed(1)} s`);
  assert.ok(failures.length === 0, `${failures.length} of ${drawn.length} random compositions differ from PyTorch:\n${failures.join('\n')}`);
});

/** The options a parts block took, as "part option" strings. */
function options(p: any): string[] {
  const a = p.attention, b = p.bridge, o: string[] = [`cell ${p.cell}`, `attention ${a.kind}`, `bridge ${b.kind}`, `output ${p.output.kind}`,
    `layout ${p.decoder.layout}`, `combine ${p.combine ? p.combine.activation : 'none'}`, `encoder ${p.encoder.bidirectional ? `bi ${p.encoder.merge}` : 'one'}`,
    `decoder input ${p.decoder.input.linear ? `linear ${p.decoder.input.activation}` : 'direct'}`];
  if (p.cell === 'gru') o.push(`gru ${p.gru_convention}`);
  if (p.encoder.reverse) o.push('encoder reverse');
  if (p.encoder.layers > 1) o.push('encoder layers 2');
  if (p.decoder.layers > 1) o.push('decoder layers 2');
  if (p.embeddings.target.tied_to) o.push('tied embeddings');
  if (p.decoder.hidden_size > 16 || p.encoder.hidden_size > 16) o.push('sizes over 16');
  if (a.query) o.push(`query ${a.query}`);
  if (a.local) o.push(`local ${a.local.mode}`, `local query ${a.query}`);
  if (a.local && a.kind === 'additive') o.push(`local additive query ${a.query}`);
  if (a.kind === 'additive') o.push(`additive ${a.form}`, `additive ${a.activation}`, `v ${a.v.layout ?? 'from the file'}`);
  if (a.kind === 'general') o.push(`general ${a.convention}`);
  if (a.kind === 'summary') o.push(`summary ${a.linear ? 'linear' : 'h_T'}`);
  if (b.kind === 'final') o.push(`final ${b.order}`);
  if (b.kind === 'project') o.push(`project ${b.from}`, `project ${b.linear ? 'linear' : 'no linear'}`, `project ${b.activation}`, `project ${b.layers}`, `project c_0 ${b.cell}`);
  for (const q of p.decoder.input.parts) o.push(`input ${q}`);
  if (p.decoder.input.parts.includes('c') && a.query === 'after') o.push('input c_{t-1}');
  for (const q of p.output.parts) o.push(`output ${q}`);
  if (JSON.stringify(p).includes('"alternatives"')) o.push('alternatives');
  return o;
}

test('the drawn compositions cover every kind of each part', () => {
  if (noTorch) return;
  const seen = new Map<string, number>();
  for (const { parts } of drawn) for (const o of options(parts)) seen.set(o, (seen.get(o) ?? 0) + 1);
  const want = ['cell gru', 'cell lstm', 'gru reset_after', 'gru reset_before', 'encoder one', 'encoder bi concat', 'encoder bi sum', 'encoder reverse',
    'encoder layers 2', 'decoder layers 2', 'tied embeddings', 'alternatives', 'sizes over 16',
    'attention none', 'attention summary', 'attention additive', 'attention dot', 'attention general', 'attention location', 'query before', 'query after',
    'local m', 'local p', 'local query before', 'local query after', 'local additive query before', 'additive joint', 'additive separate', 'additive tanh', 'additive relu', 'additive none', 'general keys', 'general query',
    'bridge zeros', 'bridge final', 'bridge project', 'final layer', 'final pytorch', 'project mean', 'project forward_last', 'project linear', 'project no linear',
    'project per_layer', 'project every', 'project c_0 same', 'project c_0 project',
    'layout pytorch', 'layout cells', 'layout cell', 'decoder input direct', 'input e', 'input c', 'input c_{t-1}', 'input h_tilde', 'input s',
    'combine none', 'combine tanh', 'combine relu', 'output linear', 'output maxout', 'output tanh', 'output s', 'output c', 'output e', 'output h_tilde'];
  const missing = want.filter((w) => !seen.has(w));
  console.log(`      ${seen.size} options drawn${missing.length ? `; not drawn: ${missing.join(', ')}` : ''}`);
  if (count >= 40) assert.equal(missing, [], `options no composition took among ${count} (seed ${seed})`);
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.run();
