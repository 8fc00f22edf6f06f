/**
 * The `parts` block of a config (docs/parts.md, schema/config.schema.json) and the Composition it
 * describes (description.ts), both ways: JSON is snake_case as Python writes it ("h_tilde",
 * "backward_first"), the Composition camel / kebab case as the rest of src/. A preset is a named
 * Composition; its overrides are merged into its JSON (objects field by field, a changed "kind"
 * replaces the whole part). Where the math cannot combine two options, checkComposition says why.
 */
import { SeqattnError } from '../errors.js';
import { checkSchema, schemaDef } from '../schema-check.js';
import type {
  Activation, AttentionPart, BridgePart, Composition, InputPart, LinearName, LocalWindow, ReadoutPart, VectorName,
} from './description.js';

type Json = Record<string, unknown>;
const snake = (s: string) => s.replace(/-/g, '_');
const kebab = (s: string) => s.replace(/_/g, '-');
const partToJson = (p: ReadoutPart | InputPart) => (p === 'hTilde' ? 'h_tilde' : p);
const partFromJson = (p: string) => (p === 'h_tilde' ? 'hTilde' : p) as ReadoutPart & InputPart;

function linearToJson(l: LinearName): Json {
  return { name: l.name, bias: l.bias, ...(l.alternatives?.length ? { alternatives: [...l.alternatives] } : {}) };
}
function linearFromJson(j: Json): LinearName {
  return { name: j.name as string, bias: j.bias as boolean, ...(j.alternatives ? { alternatives: [...j.alternatives as string[]] } : {}) };
}
function vectorToJson(v: VectorName): Json {
  return { name: v.name, bias: v.bias, ...(v.layout ? { layout: v.layout } : {}), ...(v.alternatives?.length ? { alternatives: [...v.alternatives] } : {}) };
}
function localToJson(l: LocalWindow | undefined): Json {
  if (!l) return {};
  return { local: { mode: l.mode, window: l.D, ...(l.W_p ? { p_linear: linearToJson(l.W_p) } : {}), ...(l.v_p ? { p_v: l.v_p } : {}) } };
}
function localFromJson(j: Json | undefined): LocalWindow | undefined {
  if (!j) return undefined;
  return { mode: j.mode as 'm' | 'p', D: j.window as number, ...(j.p_linear ? { W_p: linearFromJson(j.p_linear as Json) } : {}), ...(j.p_v ? { v_p: j.p_v as string } : {}) };
}

function bridgeToJson(b: BridgePart): Json {
  if (b.kind === 'zeros') return { kind: 'zeros' };
  if (b.kind === 'final') return { kind: 'final', order: b.order, cell: b.cell };
  return { kind: 'project', from: snake(b.from), ...(b.layer !== undefined ? { layer: b.layer } : {}), linear: b.W ? linearToJson(b.W) : null,
    activation: b.activation, layers: snake(b.layers), cell: b.cell, ...(b.cell === 'project' ? { cell_linear: b.cellW ? linearToJson(b.cellW) : null } : {}) };
}
function bridgeFromJson(j: Json): BridgePart {
  if (j.kind === 'zeros') return { kind: 'zeros' };
  if (j.kind === 'final') return { kind: 'final', order: (j.order ?? 'layer') as 'layer' | 'pytorch', cell: (j.cell ?? 'final') as 'final' | 'zero' };
  return { kind: 'project', from: kebab(j.from as string) as never, ...(j.layer !== undefined ? { layer: j.layer as number } : {}),
    W: j.linear ? linearFromJson(j.linear as Json) : null, activation: j.activation as Activation,
    layers: kebab((j.layers ?? 'first') as string) as 'first', cell: (j.cell ?? 'zero') as 'zero',
    // a cell_linear given with another cell is kept, so checkComposition says it does not apply
    ...(j.cell === 'project' || j.cell_linear ? { cellW: j.cell_linear ? linearFromJson(j.cell_linear as Json) : null } : {}) };
}

function attentionToJson(a: AttentionPart): Json {
  switch (a.kind) {
    case 'none': return { kind: 'none' };
    case 'summary': return { kind: 'summary', linear: a.W ? linearToJson(a.W) : null };
    case 'dot': return { kind: 'dot', query: a.query, ...localToJson(a.local) };
    case 'general': return { kind: 'general', query: a.query, linear: linearToJson(a.W), convention: a.convention, ...localToJson(a.local) };
    case 'location': return { kind: 'location', linear: linearToJson(a.W), positions: a.positions };
    case 'additive': return {
      kind: 'additive', query: a.query, size: a.size,
      ...(a.joint ? { form: 'joint', linear: linearToJson(a.W), order: snake(a.order ?? 'query-first') }
        : { form: 'separate', query_linear: linearToJson(a.W), key_linear: linearToJson(a.U!) }),
      activation: a.activation ?? 'tanh', v: vectorToJson(a.v), ...localToJson(a.local),
    };
  }
}
function attentionFromJson(j: Json, fail: (m: string) => never): AttentionPart {
  const local = localFromJson(j.local as Json | undefined);
  switch (j.kind) {
    case 'none': return { kind: 'none' };
    case 'summary': return { kind: 'summary', W: j.linear ? linearFromJson(j.linear as Json) : null };
    case 'dot': return { kind: 'dot', query: j.query as 'before', ...(local ? { local } : {}) };
    case 'general': return { kind: 'general', query: j.query as 'before', W: linearFromJson(j.linear as Json), convention: j.convention as 'keys', ...(local ? { local } : {}) };
    case 'location': return { kind: 'location', W: linearFromJson(j.linear as Json), positions: j.positions as number };
    default: {
      const joint = j.form === 'joint';
      const need = joint ? ['linear'] : ['query_linear', 'key_linear'];
      for (const k of need) if (!j[k]) fail(`"parts.attention" (additive, form "${j.form}") is missing "${k}"`);
      const unused = (joint ? ['query_linear', 'key_linear'] : ['linear', 'order']).filter((k) => j[k] !== undefined);
      if (unused.length) fail(`"parts.attention.${unused[0]}" does not apply to form "${j.form}" (${joint ? 'one Linear "linear" over [q; h_j]' : '"query_linear" W and "key_linear" U'})`);
      const v = j.v as Json;
      return {
        kind: 'additive', query: j.query as 'before', size: j.size as number, joint,
        W: linearFromJson((joint ? j.linear : j.query_linear) as Json), U: joint ? null : linearFromJson(j.key_linear as Json),
        ...(joint ? { order: kebab((j.order ?? 'query_first') as string) as 'query-first' | 'key-first' } : {}),
        activation: (j.activation ?? 'tanh') as Activation,
        v: { name: v.name as string, bias: (v.bias ?? false) as boolean, ...(v.layout ? { layout: v.layout as never } : {}), ...(v.alternatives ? { alternatives: [...v.alternatives as string[]] } : {}) },
        ...(local ? { local } : {}),
      };
    }
  }
}

/** A Composition as the `parts` JSON (every field written, so a generator reads it without defaults). */
export function compositionToParts(c: Composition): Json {
  return {
    cell: c.cell,
    gru_convention: c.gruConvention,
    embeddings: {
      source: { name: c.embeddings.source, size: c.embeddings.sourceSize },
      target: { name: c.embeddings.target, size: c.embeddings.targetSize, ...(c.embeddings.tiedTo ? { tied_to: c.embeddings.tiedTo } : {}) },
    },
    encoder: { rnn: c.encoder.rnn, layers: c.encoder.layers, hidden_size: c.encoder.hidden, bidirectional: c.encoder.bidirectional, merge: c.encoder.merge, reverse: c.encoder.reverse },
    bridge: bridgeToJson(c.bridge),
    attention: attentionToJson(c.attention),
    decoder: {
      rnn: c.decoder.rnn, layout: c.decoder.layout, layers: c.decoder.layers, hidden_size: c.decoder.hidden,
      input: { parts: c.decoder.input.parts.map(partToJson), linear: c.decoder.input.W ? linearToJson(c.decoder.input.W) : null, activation: c.decoder.input.activation },
    },
    combine: c.combine ? { linear: linearToJson(c.combine.W), parts: c.combine.parts.map(partToJson), activation: c.combine.activation } : null,
    output: {
      parts: c.output.parts.map(partToJson), kind: c.output.kind, linear: linearToJson(c.output.out),
      ...(c.output.deep ? { deep: { linear: linearToJson(c.output.deep.W), size: c.output.deep.size } } : {}),
    },
  };
}

/** The Composition of a `parts` JSON, checked against the schema and checkComposition; `where` names its origin. */
export function partsToComposition(raw: unknown, where: string): Composition {
  checkSchema(raw, where, 'parts', schemaDef('parts'));
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  const j = raw as Json;
  const emb = j.embeddings as { source: Json; target: Json };
  const enc = j.encoder as Json, dec = j.decoder as Json, input = dec.input as Json, out = j.output as Json;
  const combine = j.combine as Json | null | undefined;
  const c: Composition = {
    cell: j.cell as 'gru' | 'lstm',
    gruConvention: (j.gru_convention ?? 'reset_after') as 'reset_after',
    embeddings: { source: emb.source.name as string, sourceSize: emb.source.size as number, target: emb.target.name as string, targetSize: emb.target.size as number,
      ...(emb.target.tied_to ? { tiedTo: emb.target.tied_to as string } : {}) },
    encoder: { rnn: enc.rnn as string, layers: enc.layers as number, hidden: enc.hidden_size as number, bidirectional: enc.bidirectional as boolean,
      merge: (enc.merge ?? 'concat') as 'concat', reverse: (enc.reverse ?? false) as boolean },
    bridge: bridgeFromJson(j.bridge as Json),
    attention: attentionFromJson(j.attention as Json, fail),
    decoder: {
      rnn: dec.rnn as string, layout: (dec.layout ?? 'pytorch') as 'pytorch', layers: dec.layers as number, hidden: dec.hidden_size as number,
      input: { parts: (input.parts as string[]).map(partFromJson), W: input.linear ? linearFromJson(input.linear as Json) : null, activation: (input.activation ?? 'none') as Activation },
    },
    combine: combine ? { W: linearFromJson(combine.linear as Json), parts: (combine.parts as string[]).map(partFromJson), activation: combine.activation as Activation } : null,
    output: {
      parts: (out.parts as string[]).map(partFromJson), kind: (out.kind ?? 'linear') as 'linear', out: linearFromJson(out.linear as Json),
      ...(out.deep ? { deep: { W: linearFromJson((out.deep as Json).linear as Json), size: (out.deep as Json).size as number } } : {}),
    },
  };
  checkComposition(c, where);
  return c;
}

/** JSON overrides merged into a base: objects field by field, anything else (arrays, null) replaces; a new "kind" replaces the part. */
export function mergeParts(base: unknown, over: unknown): unknown {
  if (over === null || typeof over !== 'object' || Array.isArray(over) || base === null || typeof base !== 'object' || Array.isArray(base)) return over;
  const b = base as Json, o = over as Json;
  if (o.kind !== undefined && o.kind !== b.kind) return over;
  const out: Json = { ...b };
  for (const [k, v] of Object.entries(o)) out[k] = k in b ? mergeParts(b[k], v) : v;
  return out;
}

/**
 * Where the parts cannot combine, E_CONFIG saying why (sizes of the files are checked at load,
 * each naming the tensor; these are the ones a config alone decides).
 */
export function checkComposition(c: Composition, where: string): void {
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  const e = c.encoder, d = c.decoder, a = c.attention, b = c.bridge;
  const D = e.bidirectional ? 2 : 1, annotation = e.bidirectional && e.merge === 'concat' ? 2 * e.hidden : e.hidden, H = d.hidden;
  const attends = a.kind !== 'none' && a.kind !== 'summary';
  const dups = (ps: string[], what: string) => { if (new Set(ps).size !== ps.length) fail(`"${what}" has a part twice: [${ps.join(', ')}]`); };
  dups(d.input.parts, 'parts.decoder.input.parts');
  if (c.combine) dups(c.combine.parts, 'parts.combine.parts');
  dups(c.output.parts, 'parts.output.parts');
  // what exists where
  const hasC = attends || a.kind === 'summary';
  // c in the cell's input: c_t with the attention before the cell (or the summary), c_{t-1} (c_0 = 0) after it
  if (d.input.parts.includes('c') && !hasC) fail('"parts.decoder.input.parts" reads c, but the attention is "none": there is no context');
  if (d.input.parts.includes('hTilde') && !c.combine) fail('"parts.decoder.input.parts" reads h̃_{t-1} (input feeding), but there is no attentional layer ("combine" is null)');
  if (!d.input.W && !d.input.parts.includes('e')) fail('"parts.decoder.input.parts" has no "e": a cell read without an input "linear" reads E y_{t-1} (give "linear" to read other parts only)');
  if (d.input.W && d.input.activation === undefined) fail('"parts.decoder.input.activation" is missing');
  for (const [what, ps] of [['combine', c.combine?.parts ?? []], ['output', c.output.parts]] as const) {
    if (ps.includes('c') && !hasC) fail(`"parts.${what}.parts" reads c, but the attention is "none": there is no context`);
    if (ps.includes('hTilde') && (what === 'combine' || !c.combine)) fail(`"parts.${what}.parts" reads h̃_t, ${what === 'combine' ? 'which the attentional layer computes' : 'but there is no attentional layer ("combine" is null)'}`);
  }
  if (c.output.kind !== 'linear' && !c.output.deep) fail(`"parts.output.kind" is "${c.output.kind}": it needs "deep" (W_t and its size l)`);
  if (c.output.kind === 'linear' && c.output.deep) fail('"parts.output.deep" applies to kind "maxout" or "tanh", "kind" is "linear"');
  // attention sizes
  if (a.kind === 'dot' && annotation !== H) {
    fail(`dot attention q^T h_j needs the annotation size (${annotation}: ${e.bidirectional && e.merge === 'concat' ? '2 x' : ''} encoder hidden_size ${e.hidden}) = the decoder's hidden_size ${H}; use "general" (q^T W h_j) or "additive" where they differ`);
  }
  if ('local' in a && a.local) {
    if (a.local.mode === 'p' && (!a.local.W_p || !a.local.v_p)) fail('"parts.attention.local" with mode "p" needs "p_linear" (W_p) and "p_v" (v_p)');
    if (a.local.mode === 'm' && (a.local.W_p || a.local.v_p)) fail('"parts.attention.local" mode "m" has no W_p, v_p (p_t = t)');
  }
  if (a.kind === 'location' && d.layers !== 1) fail('location attention reads s_{i-1} of a single-layer decoder ("parts.decoder.layers" 1)');
  // the bridge
  if (b.kind === 'final') {
    if (b.order === 'layer') {
      if (D * e.hidden !== H) fail(`bridge "final" (order "layer") starts decoder layer l from encoder layer l's ${D === 2 ? '[→h; ←h]' : 'h'} (${D * e.hidden}), the decoder's hidden_size is ${H}: use a bridge "project" with a "linear" where they differ`);
      if (d.layers > e.layers) fail(`bridge "final" (order "layer"): the decoder has ${d.layers} layers, the encoder ${e.layers}`);
    } else {
      if (e.hidden !== H) fail(`bridge "final" (order "pytorch") starts decoder layer l from row l of h_n (encoder hidden_size ${e.hidden}), the decoder's hidden_size is ${H}: use a bridge "project" with a "linear" where they differ`);
      if (d.layers > e.layers * D) fail(`bridge "final" (order "pytorch"): the decoder has ${d.layers} layers, h_n ${e.layers * D} rows`);
    }
  }
  if (b.kind === 'project') {
    if ((b.from === 'backward-first' || b.from === 'final-concat') && !e.bidirectional) fail(`bridge "project" from "${snake(b.from)}" reads the backward direction: the encoder is not bidirectional`);
    if (b.from === 'summary' && a.kind !== 'summary') fail('bridge "project" from "summary" reads the fixed context c: the attention is not "summary"');
    if (b.layer !== undefined && b.layer >= e.layers) fail(`bridge "project": "layer" ${b.layer}, the encoder has ${e.layers} layers`);
    if (b.from === 'mean' && b.layer !== undefined) fail('bridge "project" from "mean" averages the annotations h_j (the top layer): "layer" does not apply');
    if (!b.W) {
      // the summary c is tanh(W h_T) (H) with the attention's linear, h_T (n) without
      const size = b.from === 'final-concat' ? 2 * e.hidden : b.from === 'mean' ? annotation : b.from === 'summary' && a.kind === 'summary' && a.W ? H : e.hidden;
      if (size !== H) fail(`bridge "project" without a "linear" copies ${snake(b.from)} (${size}) into s_0 (${H}): give a "linear" where they differ`);
    }
    if (b.cell === 'project' && !b.cellW) {
      const size = b.from === 'final-concat' ? 2 * e.hidden : e.hidden;
      if (size !== H) fail(`bridge "cell": "project" without a "cell_linear" copies ${snake(b.from)} of c_n (${size}) into c_0 (${H}): give a "cell_linear" where they differ`);
    }
    if (b.cell !== 'zero' && c.cell !== 'lstm') fail(`bridge "cell": "${b.cell}" sets c_0 of an LSTM; the cell is a GRU`);
    if (b.cell === 'project' && (b.from === 'mean' || b.from === 'summary')) fail(`bridge "cell": "project" reads the encoder's c_n; "${b.from}" has no c`);
    if (b.cell !== 'project' && b.cellW) fail('bridge "cell_linear" applies to "cell": "project"');
    if (b.layers === 'per-layer') {
      if (b.from === 'mean' || b.from === 'summary') fail(`bridge "layers": "per_layer" reads each encoder layer's final states; "${b.from}" is one vector`);
      if (b.layer !== undefined) fail('bridge "layers": "per_layer" reads encoder layer l for decoder layer l: "layer" does not apply');
      if (d.layers > e.layers) fail(`bridge "layers": "per_layer": the decoder has ${d.layers} layers, the encoder ${e.layers}`);
    }
  }
  if (d.layout === 'cell' && d.layers !== 1) fail(`"parts.decoder.layout" "cell" is one nn.GRUCell / nn.LSTMCell: "layers" is ${d.layers}, expected 1 (a stack is "cells")`);
  if (e.merge === 'sum' && !e.bidirectional) fail('"parts.encoder.merge" "sum" adds two directions: the encoder is not bidirectional');
  if (e.reverse && e.bidirectional) fail('"parts.encoder.reverse" reverses a one-direction encoder\'s input; a bidirectional encoder reads both ways');
}

/**
 * The tensors a composition reads, each as its alternatives (any one of them will do: a Linear's
 * other names, v as an nn.Linear or a bare parameter, a tied target table). What `seqattn inspect`
 * checks a matched preset against, from the record the loader reads.
 */
export function tensorsRead(c: Composition): string[][] {
  const out: string[][] = [];
  const linear = (l: LinearName | null | undefined) => {
    if (!l) return;
    const names = [l.name, ...(l.alternatives ?? [])];
    out.push(names.map((n) => `${n}.weight`));
    if (l.bias) out.push(names.map((n) => `${n}.bias`));
  };
  const rnn = (pre: string, suf: string) => { for (const t of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) out.push([`${pre}${t}${suf}`]); };
  out.push([`${c.embeddings.source}.weight`]);
  out.push([`${c.embeddings.target}.weight`, ...(c.embeddings.tiedTo ? [`${c.embeddings.tiedTo}.weight`] : [])]);
  for (let l = 0; l < c.encoder.layers; l++) for (const dir of c.encoder.bidirectional ? ['', '_reverse'] : ['']) rnn(`${c.encoder.rnn}.`, `_l${l}${dir}`);
  if (c.bridge.kind === 'project') { linear(c.bridge.W); linear(c.bridge.cellW); }
  const a = c.attention;
  if (a.kind === 'summary') linear(a.W);
  if (a.kind === 'general' || a.kind === 'location') linear(a.W);
  if (a.kind === 'additive') {
    linear(a.W); linear(a.U);
    const vs = [a.v.name, ...(a.v.alternatives ?? [])];
    out.push(vs.flatMap((n) => (a.v.layout === 'linear' ? [`${n}.weight`] : a.v.layout ? [n] : [`${n}.weight`, n])));
  }
  if ('local' in a && a.local?.mode === 'p') { linear(a.local.W_p); out.push([`${a.local.v_p}.weight`]); }
  for (let l = 0; l < c.decoder.layers; l++) {
    if (c.decoder.layout === 'cells') rnn(`${c.decoder.rnn}.layers.${l}.`, '');
    else if (c.decoder.layout === 'cell') rnn(`${c.decoder.rnn}.`, '');
    else rnn(`${c.decoder.rnn}.`, `_l${l}`);
  }
  linear(c.decoder.input.W);
  linear(c.combine?.W);
  linear(c.output.deep?.W);
  linear(c.output.out);
  return out;
}
