// Every option of the parts (docs/parts.md) on small random weights: random valid compositions are
// drawn (every option of every part, combined), written as a safetensors file with a parts config,
// loaded by seqattn, and checked against the plain TypeScript reference (reference.ts): the same
// greedy ids, attention within 1e-5 and logits within 1e-4 at every teacher-forced step. Parity
// with PyTorch of the same compositions: tools/compose_torch.py.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Activation, Composition, InputPart, LinearName, ReadoutPart, VectorLayout } from '../../src/compose/description.js';
import { checkComposition, compositionToParts } from '../../src/compose/parts.js';
import { estimateModelBytes } from '../../src/limits.js';
import type { Regions } from '../../src/memory.js';
import { loadModelFrom, writeSafetensors } from '../../src/node.js';
import { lcg, throwsCode } from '../models/helpers.js';
import { Reference, type Tensors } from './reference.js';

const Vt = 9, SOS = 1, EOS = 2;
/** The source vocabulary's size: the target's when one table serves both (tied embeddings). */
const sourceVocab = (p: Composition) => (p.embeddings.tiedTo ? Vt : 7);

/** A random valid composition; `seen` collects the options it took. */
function drawComposition(rand: () => number, seen: Set<string>): Composition {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const coin = () => rand() < 0.5;
  const lin = (name: string): LinearName => ({ name, bias: coin() });
  const shuffle = <T>(xs: T[]): T[] => { for (let i = xs.length - 1; i > 0; i--) { const j = int(0, i); [xs[i], xs[j]] = [xs[j], xs[i]]; } return xs; };
  const subset = <T>(xs: T[], must: T[] = []): T[] => shuffle([...must, ...xs.filter((x) => !must.includes(x) && coin())]);
  const acts: Activation[] = ['tanh', 'relu', 'none'];
  for (;;) {
    const cell = pick(['gru', 'lstm'] as const), gruConvention = pick(['reset_after', 'reset_before'] as const);
    const bidirectional = coin(), n = int(2, 5), encLayers = int(1, 2);
    const merge = bidirectional ? pick(['concat', 'sum'] as const) : 'concat';
    const d = bidirectional && merge === 'concat' ? 2 * n : n;
    const kind = pick(['none', 'summary', 'additive', 'dot', 'general', 'location'] as const);
    let H = kind === 'dot' ? d : int(2, 6);
    const bridgeKind = pick(['zeros', 'final', 'project'] as const);
    const order = pick(['layer', 'pytorch'] as const);
    if (bridgeKind === 'final') H = order === 'layer' ? (bidirectional ? 2 : 1) * n : n;
    if (kind === 'dot' && H !== d) continue;
    const decLayers = kind === 'location' ? 1 : int(1, 2);
    const query = kind === 'location' ? 'before' : pick(['before', 'after'] as const);
    const Es = int(2, 4), tied = rand() < 0.2, Et = int(2, 4);
    const local = (kind === 'dot' || kind === 'general' || kind === 'additive') && rand() < 0.4
      ? (coin() ? { mode: 'm' as const, D: int(1, 2) } : { mode: 'p' as const, D: int(1, 3), W_p: lin('att.W_p'), v_p: 'att.v_p' }) : undefined;
    const vLayout = pick(['linear', 'vector', 'row', 'column', undefined] as const) as VectorLayout | undefined;
    const attention: Composition['attention'] = kind === 'none' ? { kind }
      : kind === 'summary' ? { kind, W: coin() ? lin('enc.summary') : null }
        : kind === 'dot' ? { kind, query, ...(local ? { local } : {}) }
          : kind === 'general' ? { kind, query, W: lin('att.W'), convention: pick(['keys', 'query'] as const), ...(local ? { local } : {}) }
            : kind === 'location' ? { kind, W: lin('att.loc'), positions: 8 }
              : (() => {
                const joint = coin();
                return { kind, query, joint, W: lin(joint ? 'att.attn' : 'att.W'), U: joint ? null : lin('att.U'), ...(joint ? { order: pick(['query-first', 'key-first'] as const) } : {}),
                  activation: pick(acts), v: { name: 'att.v', bias: vLayout === 'linear' || vLayout === undefined ? coin() && vLayout === 'linear' : false, ...(vLayout ? { layout: vLayout } : {}) },
                  size: int(2, 5), ...(local ? { local } : {}) };
              })();
    const hasC = kind !== 'none';
    const combine = coin() ? { W: lin('dec.combine'), parts: subset<ReadoutPart>([...(hasC ? ['c' as const] : []), 'e'], ['s']), activation: pick(acts) } : null;
    const cBefore = kind === 'summary' || kind !== 'none'; // c_t before the cell, c_{t-1} after it
    const withLinear = rand() < 0.3;
    const inputParts = subset<InputPart>([...(cBefore ? ['c' as const] : []), ...(combine ? ['hTilde' as const] : []), 's', ...(withLinear ? ['e' as const] : [])], withLinear ? [] : ['e']);
    if (inputParts.length === 0) continue;
    const bridge: Composition['bridge'] = bridgeKind === 'zeros' ? { kind: 'zeros' }
      : bridgeKind === 'final' ? { kind: 'final', order, cell: pick(['final', 'zero'] as const) }
        : (() => {
          const from = pick(['backward-first', 'forward-last', 'final-concat', 'mean', 'summary'] as const);
          const single = from === 'mean' || from === 'summary';
          const layers = single ? pick(['first', 'every'] as const) : pick(['first', 'every', 'per-layer'] as const);
          const cellPart = cell === 'lstm' ? pick(single ? ['zero', 'same'] as const : ['zero', 'same', 'project'] as const) : 'zero';
          return { kind: 'project', from, ...(!single && layers !== 'per-layer' && coin() ? { layer: int(0, encLayers - 1) } : {}), W: coin() || from === 'final-concat' ? lin('bridge.fc') : null,
            activation: pick(acts), layers, cell: cellPart, ...(cellPart === 'project' ? { cellW: coin() || from === 'final-concat' ? lin('bridge.fc_cell') : null } : {}) };
        })();
    if (bridge.kind === 'project' && !bridge.W) {
      const size = bridge.from === 'mean' ? d : bridge.from === 'summary' ? (attention.kind === 'summary' && attention.W ? H : n) : n;
      if (size !== H) continue;
    }
    if (bridge.kind === 'project' && bridge.cell === 'project' && !bridge.cellW && n !== H) continue;
    const outKind = pick(['linear', 'maxout', 'tanh'] as const);
    const comp: Composition = {
      cell, gruConvention,
      embeddings: { source: 'emb.src', target: 'emb.tgt', sourceSize: Es, targetSize: tied ? Es : Et, ...(tied ? { tiedTo: 'emb.src' } : {}) },
      encoder: { rnn: 'enc.rnn', layers: encLayers, hidden: n, bidirectional, merge, reverse: !bidirectional && coin() },
      bridge, attention,
      decoder: { rnn: 'dec.rnn', layout: decLayers === 1 ? pick(['pytorch', 'cells', 'cell'] as const) : pick(['pytorch', 'cells'] as const), layers: decLayers, hidden: H,
        input: { parts: inputParts, W: withLinear ? lin('dec.input') : null, activation: withLinear ? pick(acts) : 'none' } },
      combine,
      output: { parts: subset<ReadoutPart>([...(hasC ? ['c' as const] : []), 'e', ...(combine ? ['hTilde' as const] : [])], ['s']), kind: outKind, out: lin('out'),
        ...(outKind !== 'linear' ? { deep: { W: lin('out.deep'), size: int(2, 4) } } : {}) },
    };
    try { checkComposition(comp, 'drawn'); } catch { continue; }
    const a = comp.attention;
    seen.add(tied ? 'embeddings tied' : 'embeddings apart');
    seen.add(`cell ${cell}`).add(`gru ${gruConvention}`).add(`encoder ${bidirectional ? `bi ${merge}` : 'uni'}${comp.encoder.reverse ? ' reversed' : ''}`).add(`encoder layers ${encLayers}`)
      .add(`attention ${a.kind}`).add(`decoder ${comp.decoder.layout}`).add(`decoder layers ${decLayers}`).add(`output ${outKind}`)
      .add(`bridge ${bridge.kind}${bridge.kind === 'final' ? ` ${bridge.order} c_0 ${bridge.cell}` : bridge.kind === 'project' ? ` ${bridge.from} ${bridge.W ? 'linear' : 'no linear'} ${bridge.activation} ${bridge.layers} c_0 ${bridge.cell}` : ''}`);
    if (bridge.kind === 'project') seen.add(`bridge from ${bridge.from}`).add(`bridge act ${bridge.activation}`).add(`bridge to ${bridge.layers}`).add(`bridge c_0 ${bridge.cell}`).add(`bridge ${bridge.W ? 'linear' : 'no linear'}`);
    if ('query' in a) seen.add(`query ${a.query}`);
    if (a.kind === 'additive') seen.add(`additive ${a.joint ? `joint ${a.order}` : 'separate'}`).add(`additive ${a.activation}`).add(`v ${a.v.layout ?? 'detected'}${a.v.bias ? ' bias' : ''}`);
    if (a.kind === 'general') seen.add(`general ${a.convention}`);
    if (a.kind === 'summary') seen.add(`summary ${a.W ? 'tanh(W h_T)' : 'h_T'}`);
    if ('local' in a && a.local) seen.add(`local ${a.local.mode}`);
    seen.add(`input ${inputParts.join('+')}${withLinear ? ` linear ${comp.decoder.input.activation}` : ''}`);
    for (const q of inputParts) seen.add(`input has ${q}`);
    if (inputParts.includes('c') && 'query' in a && a.query === 'after') seen.add('input has c_{t-1}');
    if (inputParts[0] !== 'e' && !withLinear) seen.add('input e not first');
    if (withLinear) seen.add(`input linear ${comp.decoder.input.activation}`);
    if (combine) seen.add(`combine ${combine.activation}`).add(`combine ${combine.parts.join('+')}`);
    else seen.add('combine none');
    for (const q of comp.output.parts) seen.add(`output has ${q}`);
    const linears = [bridge.kind === 'project' ? bridge.W : null, 'W' in a ? a.W : null, combine?.W, comp.output.out, comp.decoder.input.W].filter(Boolean) as LinearName[];
    for (const l of linears) seen.add(`linear bias ${l.bias}`);
    return comp;
  }
}

/** Random weights for every tensor the composition reads, with the shapes of docs/parts.md. */
function weightsFor(p: Composition, rand: () => number): Tensors {
  const t: Tensors = {};
  const put = (name: string, shape: number[], scale = 0.6) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * scale;
    t[name] = { shape, data };
  };
  const linear = (l: LinearName, rows: number, cols: number) => { put(`${l.name}.weight`, [rows, cols]); if (l.bias) put(`${l.name}.bias`, [rows]); };
  const G = (p.cell === 'gru' ? 3 : 4);
  const rnn = (pre: string, suf: string, input: number, H: number) => {
    put(`${pre}weight_ih${suf}`, [G * H, input]); put(`${pre}weight_hh${suf}`, [G * H, H]); put(`${pre}bias_ih${suf}`, [G * H]); put(`${pre}bias_hh${suf}`, [G * H]);
  };
  const e = p.encoder, D = e.bidirectional ? 2 : 1, n = e.hidden, d = e.bidirectional && e.merge === 'concat' ? 2 * n : n, H = p.decoder.hidden;
  put(`${p.embeddings.source}.weight`, [sourceVocab(p), p.embeddings.sourceSize], 1);
  if (!p.embeddings.tiedTo) put(`${p.embeddings.target}.weight`, [Vt, p.embeddings.targetSize], 1); // tied: the source table
  for (let l = 0; l < e.layers; l++) for (let dir = 0; dir < D; dir++) rnn(`${e.rnn}.`, `_l${l}${dir ? '_reverse' : ''}`, l ? D * n : p.embeddings.sourceSize, n);
  const a = p.attention;
  const c = a.kind === 'summary' ? (a.W ? H : n) : a.kind === 'none' ? 0 : d;
  if (a.kind === 'summary' && a.W) linear(a.W, H, n);
  if (a.kind === 'additive') {
    if (a.joint) linear(a.W, a.size, H + d);
    else { linear(a.W, a.size, H); linear(a.U!, a.size, d); }
    const layout = a.v.layout ?? 'linear';
    if (layout === 'linear') { put(`${a.v.name}.weight`, [1, a.size]); if (a.v.bias) put(`${a.v.name}.bias`, [1]); }
    else put(a.v.name, layout === 'vector' ? [a.size] : layout === 'row' ? [1, a.size] : [a.size, 1]);
  }
  if (a.kind === 'general') linear(a.W, a.convention === 'keys' ? H : d, a.convention === 'keys' ? d : H);
  if (a.kind === 'location') linear(a.W, a.positions, p.embeddings.targetSize + H);
  if ('local' in a && a.local?.mode === 'p') { linear(a.local.W_p!, 3, H); put(`${a.local.v_p}.weight`, [1, 3]); }
  const b = p.bridge;
  if (b.kind === 'project') {
    const x = b.from === 'summary' ? c : b.from === 'final-concat' ? 2 * n : b.from === 'mean' ? d : n;
    if (b.W) linear(b.W, H, x);
    if (b.cellW) linear(b.cellW, H, x);
  }
  const size: Record<InputPart | ReadoutPart, number> = { e: p.embeddings.targetSize, c, s: H, hTilde: H };
  const width = (ps: (InputPart | ReadoutPart)[]) => ps.reduce((s, q) => s + size[q], 0);
  const inW = width(p.decoder.input.parts);
  if (p.decoder.input.W) linear(p.decoder.input.W, H, inW);
  for (let l = 0; l < p.decoder.layers; l++) {
    const [pre, suf] = p.decoder.layout === 'cells' ? [`${p.decoder.rnn}.layers.${l}.`, ''] : p.decoder.layout === 'cell' ? [`${p.decoder.rnn}.`, ''] : [`${p.decoder.rnn}.`, `_l${l}`];
    rnn(pre, suf, l ? H : p.decoder.input.W ? H : inW, H);
  }
  if (p.combine) linear(p.combine.W, H, width(p.combine.parts));
  const R = width(p.output.parts);
  if (p.output.deep) {
    linear(p.output.deep.W, p.output.kind === 'maxout' ? 2 * p.output.deep.size : p.output.deep.size, R);
    linear(p.output.out, Vt, p.output.deep.size);
  } else linear(p.output.out, Vt, R);
  return t;
}

function configFor(p: Composition): object {
  return {
    parts: compositionToParts(p),
    source_vocab: Array.from({ length: sourceVocab(p) }, (_, i) => `s${i}`), target_vocab: Array.from({ length: Vt }, (_, i) => `t${i}`),
    sos_id: SOS, eos_id: EOS, max_source_length: 8, max_target_length: 12,
  };
}

const seen = new Set<string>();
const rand = lcg(20261207);
const COMPOSITIONS = 240;

test(`${COMPOSITIONS} random compositions: seqattn = the reference (greedy ids, attention 1e-5, logits 1e-4 per step); the memory estimate bounds the load`, async () => {
  let worstA = 0, worstL = 0;
  for (let k = 0; k < COMPOSITIONS; k++) {
    const p = drawComposition(rand, seen);
    const tensors = weightsFor(p, rand);
    const where = `composition ${k}: ${JSON.stringify(compositionToParts(p))}`;
    try { new Reference(p, tensors).run([3], SOS, { eos: EOS, maxSteps: 1 }); } catch (e) { throw new Error(`${where}: ${(e as Error).message}`); }
    const model = await loadModelFrom({ weights: writeSafetensors(tensors), config: configFor(p) }).catch((e) => { throw new Error(`${where}: ${e.message}`); });
    // the memory estimate (src/limits.ts, from the same composition) bounds what the load took
    const est = estimateModelBytes(model.config, Object.values(tensors).reduce((s, t) => s + t.data.length, 0), Math.max(model.maxBeamSize, model.maxBatchSize), model.maxBatchSize).total;
    const used = (model as unknown as { regions: Regions }).regions.bytesOwned;
    assert.ok(used <= est, `${where}: took ${used} bytes, estimated ${est}`);
    const ref = new Reference(p, tensors);
    for (let s = 0; s < 2; s++) {
      const ids = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => 3 + Math.floor(rand() * (sourceVocab(p) - 3)));
      const greedy = ref.run(ids, SOS, { eos: EOS, maxSteps: 12 });
      const got = model.translate(ids);
      // a near-tie of two logits may round either way in f32: then the logits below say it
      const walk = model.begin(ids);
      const steps = ref.run(ids, SOS, { ys: got.ids }).steps;
      let y = SOS;
      got.ids.forEach((next, i) => {
        const out = walk.step(y);
        const r = steps[i];
        assert.is(out.weights.length, r.a.length, `${where} step ${i + 1}: attention length`);
        for (let j = 0; j < r.a.length; j++) worstA = Math.max(worstA, Math.abs(out.weights[j] - r.a[j]));
        for (let j = 0; j < Vt; j++) worstL = Math.max(worstL, Math.abs(out.logits[j] - r.logits[j]));
        assert.ok(worstA <= 1e-5, `${where} step ${i + 1}: attention ${Array.from(out.weights)} vs ${r.a}`);
        assert.ok(worstL <= 1e-4, `${where} step ${i + 1}: logits ${Array.from(out.logits)} vs ${r.logits}`);
        y = next;
      });
      const margin = (l: number[]) => { const s = [...l].sort((a, b) => b - a); return s[0] - s[1]; };
      if (greedy.ids.join() !== got.ids.join()) {
        const i = greedy.ids.findIndex((v, j) => v !== got.ids[j]);
        assert.ok(margin(greedy.steps[i].logits) < 1e-5, `${where}: greedy ids ${got.ids} vs the reference's ${greedy.ids}`);
      }
    }
    model.dispose();
  }
  console.log(`      worst attention ${worstA.toExponential(2)}, logits ${worstL.toExponential(2)} over ${COMPOSITIONS} compositions`);
});

test('the draws took every option of every part', () => {
  const expected = [
    'embeddings tied', 'embeddings apart', 'cell gru', 'cell lstm', 'gru reset_after', 'gru reset_before', 'encoder uni', 'encoder uni reversed', 'encoder bi concat', 'encoder bi sum', 'encoder layers 2',
    'attention none', 'attention summary', 'attention additive', 'attention dot', 'attention general', 'attention location', 'query before', 'query after',
    'additive separate', 'additive joint query-first', 'additive joint key-first', 'additive tanh', 'additive relu', 'additive none',
    'v linear', 'v linear bias', 'v vector', 'v row', 'v column', 'v detected', 'general keys', 'general query', 'summary h_T', 'summary tanh(W h_T)', 'local m', 'local p',
    'bridge zeros', 'bridge final layer c_0 final', 'bridge final pytorch c_0 final', 'bridge final layer c_0 zero',
    'bridge from backward-first', 'bridge from forward-last', 'bridge from final-concat', 'bridge from mean', 'bridge from summary',
    'bridge act tanh', 'bridge act relu', 'bridge act none', 'bridge to first', 'bridge to every', 'bridge to per-layer', 'bridge c_0 zero', 'bridge c_0 same', 'bridge c_0 project',
    'bridge linear', 'bridge no linear',
    'decoder pytorch', 'decoder cells', 'decoder cell', 'decoder layers 2', 'input has e', 'input has c', 'input has c_{t-1}', 'input has hTilde', 'input has s', 'input e not first',
    'input linear tanh', 'input linear relu', 'input linear none', 'combine none', 'combine tanh', 'combine relu', 'combine none',
    'output linear', 'output maxout', 'output tanh', 'output has s', 'output has c', 'output has e', 'output has hTilde', 'linear bias true', 'linear bias false',
  ];
  const missing = expected.filter((e) => !seen.has(e));
  assert.equal(missing, [], `options not drawn: ${missing.join(', ')}`);
});

test('options that cannot combine: E_CONFIG saying why', async () => {
  const base = drawComposition(lcg(5), new Set());
  const config = (edit: (p: any) => void) => { const c = configFor(base) as any; edit(c.parts); return c; };
  const w = writeSafetensors(weightsFor(base, lcg(6)));
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.attention = { kind: 'dot', query: 'after' }; p.encoder.hidden_size = 3; p.encoder.bidirectional = false; p.decoder.hidden_size = 4; }) }), 'E_CONFIG', 'dot attention', 'use "general"');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.attention = { kind: 'none' }; p.decoder.input = { parts: ['e', 'c'] }; p.combine = null; p.output.parts = ['s']; }) }), 'E_CONFIG', 'there is no context');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.combine = null; p.decoder.input = { parts: ['e', 'h_tilde'] }; p.output.parts = ['s']; }) }), 'E_CONFIG', 'no attentional layer');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.bridge = { kind: 'final', order: 'pytorch' }; p.encoder.hidden_size = 3; p.decoder.hidden_size = 5; }) }), 'E_CONFIG', 'bridge "final"', 'a "linear" where they differ');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.encoder.bidirectional = false; p.encoder.merge = 'concat'; p.bridge = { kind: 'project', from: 'backward_first', linear: null, activation: 'tanh' }; }) }), 'E_CONFIG', 'not bidirectional');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.decoder.input = { parts: ['c', 's'] }; }) }), 'E_CONFIG', 'reads E y_{t-1}');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.output = { parts: ['s', 's'], kind: 'linear', linear: { name: 'out', bias: true } }; }) }), 'E_CONFIG', 'a part twice');
  await throwsCode(() => loadModelFrom({ weights: w, config: config((p) => { p.output.kind = 'maxout'; delete p.output.deep; }) }), 'E_CONFIG', 'it needs "deep"');
});

test.run();
