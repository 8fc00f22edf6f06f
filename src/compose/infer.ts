/**
 * The parts a file's tensor names and shapes suggest, for `seqattn inspect` when no preset fits
 * (docs/your-model.md, "Your model is not a preset"): the two RNNs (the bidirectional or `enc*` one
 * is the encoder), the embeddings (the tables whose columns are each RNN's input), the output layer
 * (the Linear with the target vocabulary's rows), then the Linears left by their shapes:
 *   (A, H + d) with a v (A)        additive over [q; h_j];  (A, H), (A, d) with a v: W and U
 *   (P, E + H)                     location;  (H, d) left: general;  nothing: dot (d = H)
 *   (H, H + d)                     the attentional layer h̃ = tanh(W [.; .] + b)
 *   (H, 2n), (H, n)                a tanh(Linear) bridge from [→h_T; ←h_1] or one direction
 * and the decoder input from the cell's input width (E, E + d, E + H, ...). What the shapes cannot
 * tell (orders of concatenations, activations, the query's side) is filled with the commonest
 * choice and listed in `undecided`, each with the line of the project's forward() that decides it.
 */
import type { TensorSummary } from '../inspect.js';

export interface PartsProposal {
  /** A config: "parts" (with the file's own tensor names) and placeholders for the vocabularies. */
  config: Record<string, unknown>;
  /** What the names and shapes could not decide, and how to decide it. */
  undecided: string[];
  /** Tensors no part reads. */
  unplaced: string[];
}

interface Rnn { name: string; layout: 'pytorch' | 'cells' | 'cell'; layers: number; bidirectional: boolean; cell: 'gru' | 'lstm'; hidden: number; input: number }
interface Lin { name: string; rows: number; cols: number; bias: boolean; raw?: boolean }

/** Ordered choices of `sizes` (by name) whose widths sum to `width`, shortest first, in the preference order given. */
function splits(width: number, sizes: [string, number][], must: string[] = []): string[][] {
  const out: string[][] = [];
  const walk = (used: string[], left: number) => {
    if (left === 0 && must.every((m) => used.includes(m))) out.push(used);
    for (const [name, n] of sizes) if (n > 0 && !used.includes(name) && n <= left) walk([...used, name], left - n);
  };
  walk([], width);
  return out.sort((a, b) => a.length - b.length);
}

/** The proposal for a file's tensors; null when it does not hold two RNNs (an encoder and a decoder). */
export function proposeParts(tensors: readonly TensorSummary[]): PartsProposal | null {
  const shape = new Map(tensors.map((t) => [t.name, t.shape]));
  const used = new Set<string>();
  const undecided: string[] = [];
  // the RNNs
  const rnns: Rnn[] = [];
  for (const t of tensors) {
    let m = /^(.*)\.weight_ih_l0$/.exec(t.name);
    let layout: Rnn['layout'] | null = m ? 'pytorch' : null;
    if (!m) { m = /^(.*)\.layers\.0\.weight_ih$/.exec(t.name); if (m) layout = 'cells'; }
    if (!m) { m = /^(.*)\.weight_ih$/.exec(t.name); if (m && !/\.layers\.\d+$/.test(m[1])) layout = 'cell'; else m = null; }
    if (!m || !layout) continue;
    const name = m[1];
    const hh = shape.get(layout === 'pytorch' ? `${name}.weight_hh_l0` : layout === 'cells' ? `${name}.layers.0.weight_hh` : `${name}.weight_hh`);
    if (!hh) continue;
    let layers = 1;
    if (layout === 'pytorch') while (shape.has(`${name}.weight_ih_l${layers}`)) layers++;
    if (layout === 'cells') while (shape.has(`${name}.layers.${layers}.weight_ih`)) layers++;
    rnns.push({ name, layout, layers, bidirectional: shape.has(`${name}.weight_ih_l0_reverse`), cell: hh[0] === 4 * hh[1] ? 'lstm' : 'gru', hidden: hh[1], input: t.shape[1] });
  }
  if (rnns.length !== 2) return null;
  const encIndex = rnns[0].bidirectional !== rnns[1].bidirectional ? (rnns[0].bidirectional ? 0 : 1)
    : /enc/i.test(rnns[0].name) && !/enc/i.test(rnns[1].name) ? 0 : /enc/i.test(rnns[1].name) && !/enc/i.test(rnns[0].name) ? 1 : -1;
  if (encIndex < 0) undecided.push(`encoder: "${rnns[0].name}" or "${rnns[1].name}"? the names do not tell; swap "parts.encoder.rnn" and "parts.decoder.rnn" if the first is the decoder`);
  const enc = rnns[Math.max(encIndex, 0)], dec = rnns[1 - Math.max(encIndex, 0)];
  if (enc.layout !== 'pytorch') return null; // an encoder is an nn.GRU / nn.LSTM
  const rnnTensor = (r: Rnn, name: string) => name.startsWith(`${r.name}.`) && (r.layout === 'pytorch'
    ? /^(weight|bias)_(ih|hh)_l\d+(_reverse)?$/.test(name.slice(r.name.length + 1))
    : r.layout === 'cells' ? /^layers\.\d+\.(weight|bias)_(ih|hh)$/.test(name.slice(r.name.length + 1))
      : /^(weight|bias)_(ih|hh)$/.test(name.slice(r.name.length + 1)));
  for (const t of tensors) if (rnnTensor(enc, t.name) || rnnTensor(dec, t.name)) used.add(t.name);
  if (enc.cell !== dec.cell) undecided.push(`the encoder is ${enc.cell.toUpperCase()}, the decoder ${dec.cell.toUpperCase()}: seqattn runs one cell kind for both (not expressible)`);
  const n = enc.hidden, D = enc.bidirectional ? 2 : 1, H = dec.hidden, cell = dec.cell;
  const decRnn = dec.name, layout = dec.layout;

  // linears and vectors
  const linears: Lin[] = [];
  const tensorNames: Record<string, string | { name: string; transpose: true }> = {};
  const vectors: { name: string; size: number; layout: string; bias: boolean }[] = [];
  for (const t of tensors) {
    if (used.has(t.name)) continue;
    const m = /^(.*)\.weight$/.exec(t.name);
    if (m && t.shape.length === 2 && t.shape[0] === 1) vectors.push({ name: m[1], size: t.shape[1], layout: 'linear', bias: shape.has(`${m[1]}.bias`) });
    else if (m && t.shape.length === 2) linears.push({ name: m[1], rows: t.shape[0], cols: t.shape[1], bias: shape.has(`${m[1]}.bias`) });
    else if (!m && !t.name.endsWith('.bias') && (t.shape.length === 1 || (t.shape.length === 2 && (t.shape[0] === 1 || t.shape[1] === 1)))) {
      vectors.push({ name: t.name, size: t.shape.reduce((a, b) => a * b, 1), layout: t.shape.length === 1 ? 'vector' : t.shape[0] === 1 ? 'row' : 'column', bias: false });
    } else if (!m && !t.name.endsWith('.bias') && t.shape.length === 2 && !/emb|lookup/i.test(t.name)) {
      // a bare nn.Parameter matrix: used as x @ W (in, out), read as a Linear through tensor_names with a transpose
      linears.push({ name: t.name, rows: t.shape[1], cols: t.shape[0], bias: false, raw: true });
    }
  }
  const take = (l: Lin | undefined) => {
    if (!l) return undefined;
    linears.splice(linears.indexOf(l), 1);
    if (l.raw) { used.add(l.name); tensorNames[`${l.name}.weight`] = { name: l.name, transpose: true }; }
    else used.add(`${l.name}.weight`);
    if (l.bias) used.add(`${l.name}.bias`);
    return l;
  };
  const takeV = (v: typeof vectors[number] | undefined) => {
    if (!v) return undefined;
    vectors.splice(vectors.indexOf(v), 1);
    used.add(v.layout === 'linear' ? `${v.name}.weight` : v.name); if (v.bias) used.add(`${v.name}.bias`);
    return v;
  };
  const lin = (l: Lin) => ({ name: l.name, bias: l.bias });
  const near = (l: Lin, to: string) => { const a = l.name.split('.')[0], b = to.split('.')[0]; return a === b ? 0 : 1; };

  // embeddings: the tables whose columns are each RNN's input
  const tables = linears.filter((l) => /emb|lookup|embed/i.test(l.name));
  const src = take(tables.filter((l) => l.cols === enc.input).sort((a, b) => near(a, enc.name) - near(b, enc.name))[0]);
  if (!src) return null;
  const tgtCandidates = tables.filter((l) => l !== src && linears.includes(l)).sort((a, b) => near(a, dec.name) - near(b, dec.name));
  const tgt = take(tgtCandidates[0]);
  const Et = tgt ? tgt.cols : src.cols;
  // output: the Linear with the target vocabulary's rows
  const Vt = tgt ? tgt.rows : undefined;
  const outs = linears.filter((l) => Vt === undefined || l.rows === Vt).sort((a, b) => Number(/out|generator|fc|proj|classifier/i.test(b.name)) - Number(/out|generator|fc|proj|classifier/i.test(a.name)) || near(a, dec.name) - near(b, dec.name));
  let out = take(outs[0]);
  if (!out && tgt) {
    // no Linear with the vocabulary's rows: logits = E_tgt r_t, the target table read twice (fairseq's
    // share_decoder_input_output_embed), as an output Linear without bias renamed to the table
    out = { name: 'output', rows: tgt.rows, cols: tgt.cols, bias: false };
    tensorNames['output.weight'] = `${tgt.name}.weight`;
    undecided.push(`output: no Linear with the ${tgt.rows} target symbols' rows, so logits = ${tgt.name} r_t (the embedding table as the output layer, through "tensor_names")`);
  }
  if (!out) return null;
  const V = Vt ?? out.rows;

  // the attention
  const dOptions = D === 2 ? [2 * n, n] : [n];
  let d = dOptions[0];
  let attention: Record<string, unknown> = { kind: 'none' };
  const pickV = (A: number) => vectors.find((v) => v.size === A && !/_p\b|v_p/.test(v.name));
  const location = linears.find((l) => l.cols === Et + H && /att/i.test(l.name) && !pickV(l.rows) && !/out|concat|combine/i.test(l.name.split('.').pop()!));
  // W (A, H) and U (A, d) with a v (A): before a joint (A, H + d), which an attentional layer (H, H + d) may look like
  let sep: [Lin, Lin, typeof vectors[number]] | null = null;
  for (const v of vectors) {
    const qs = linears.filter((l) => l.rows === v.size && l.cols === H), ks = linears.filter((l) => l.rows === v.size && dOptions.includes(l.cols));
    if (!qs.length || !ks.length) continue;
    // the last name segment: query / key words first (W_q, query_layer), then Bahdanau's W / U
    const byName = (strong: RegExp, weak: RegExp) => (l: Lin) => { const last = l.name.split('.').pop()!; return strong.test(last) ? 0 : weak.test(last) ? 1 : 2; };
    const qRank = byName(/query|(^|_)q$|^q_|hidden|dec/i, /^_?w/i), kRank = byName(/key|(^|_)k$|^k_|context|enc|memory/i, /^_?u/i);
    const q = qs.sort((a, b) => qRank(a) - qRank(b) || kRank(b) - kRank(a))[0];
    const k = ks.filter((l) => l !== q).sort((a, b) => kRank(a) - kRank(b))[0];
    if (k) { sep = [q, k, v]; break; }
  }
  const joint = sep ? undefined : linears.find((l) => dOptions.some((dd) => l.cols === H + dd) && pickV(l.rows) && /att|align|score|energy/i.test(l.name))
    ?? linears.find((l) => dOptions.some((dd) => l.cols === H + dd) && pickV(l.rows) && !/out|concat|combine/i.test(l.name));
  if (sep) {
    const [q, k, v] = sep;
    take(q); take(k); takeV(v);
    d = k.cols;
    attention = { kind: 'additive', query: 'before', size: v.size, form: 'separate', query_linear: lin(q), key_linear: lin(k), activation: 'tanh',
      v: { name: v.name, bias: v.bias, layout: v.layout } };
    if (H === d) undecided.push(`attention: which of ${q.name}, ${k.name} takes the query (W) and which the annotations (U): both are (${v.size}, ${H}); swap "query_linear" and "key_linear" if the forward() applies ${q.name} to the encoder outputs`);
    undecided.push('attention "activation": tanh (the paper), relu or none: the function around W q + U h_j');
  } else if (joint) {
    d = joint.cols - H;
    const v = takeV(pickV(joint.rows))!;
    take(joint);
    attention = { kind: 'additive', query: 'before', size: joint.rows, form: 'joint', linear: lin(joint), order: 'query_first', activation: 'tanh',
      v: { name: v.name, bias: v.bias, layout: v.layout } };
    undecided.push(`attention "order": [q; h_j] ("query_first") or [h_j; q] ("key_first"): the order of torch.cat in the score of ${joint.name}`);
    undecided.push('attention "activation": tanh (the paper), relu or none: the function around the sum in the score');
  } else if (location) {
    take(location);
    attention = { kind: 'location', linear: lin(location), positions: location.rows };
  }
  // local-p: W_p (A_p, H) and v_p (1, A_p)
  const vp = vectors.find((v) => /_p\b|v_p/i.test(v.name));
  const Wp = vp && linears.find((l) => l.rows === vp.size && l.cols === H);
  // the attentional layer (H, H + d) and a general W (H, d) / (d, H)
  const combine = take(linears.find((l) => l.rows === H && dOptions.some((dd) => l.cols === H + dd) && l !== out));
  if (combine) d = combine.cols - H;
  if (attention.kind === 'none' && combine) {
    // an attention's name first (OpenNMT-py's linear_in, fairseq's attention.input_proj), a bridge's last
    const rank = (l: Lin) => (/att|linear_in|input_proj/i.test(l.name) ? 0 : /bridge|init|hidden_proj|cell_proj|enc/i.test(l.name) ? 2 : 1);
    const general = take(linears.filter((l) => (l.rows === H && l.cols === d) || (l.rows === d && l.cols === H)).sort((a, b) => rank(a) - rank(b))[0]);
    // (W q)^T h_j under OpenNMT-py's name linear_in, else q^T (W h_j) (Luong, the chatbot); (d, H) only fits "query"
    const convention = (general && general.rows === d && general.cols === H && H !== d) || /linear_in$|input_proj$/i.test(general?.name ?? '') ? 'query' : 'keys';
    attention = general ? { kind: 'general', query: 'after', linear: lin(general), convention }
      : { kind: 'dot', query: 'after' };
    if (general) undecided.push(`general attention "convention": q^T (W h_j) ("keys", the chatbot, Luong) or (W q)^T h_j ("query", OpenNMT-py): which of the two ${general.name} is applied to`);
    else undecided.push('attention: no score weights, so "dot" (q^T h_j); a model without attention has no attentional layer either');
  }
  if (attention.kind === 'none' && !combine) {
    // general scores without an attentional layer (spro's Attn('general'): h_t . (W h_j + b)): a square-ish W under an attention's name
    const general = take(linears.find((l) => /att/i.test(l.name) && ((l.rows === H && dOptions.includes(l.cols)) || (dOptions.includes(l.rows) && l.cols === H))));
    if (general) {
      d = general.rows === H ? general.cols : general.rows;
      const convention = general.rows === d && general.cols === H && H !== d ? 'query' : 'keys';
      attention = { kind: 'general', query: 'after', linear: lin(general), convention };
      undecided.push(`general attention "convention": q^T (W h_j) ("keys") or (W q)^T h_j ("query"): which of the two ${general.name} is applied to`);
    }
  }
  if (attention.kind === 'none' && !combine) {
    // a fixed context c = h_T or tanh(W h_T) (Cho et al. 2014), when the cell or the output reads something of its size
    const W = linears.find((l) => l.cols === n && l.rows !== V && near(l, enc.name) === 0 && l.rows === H)
      ?? linears.find((l) => l.cols === n && l.rows !== V && /enc/i.test(l.name));
    const cSize = W ? W.rows : n;
    const readsC = (width: number) => splits(width, [['s', H], ['c', cSize], ['e', Et]], ['s', 'c']).length > 0;
    if (dec.input === Et + cSize || readsC(out.cols) || linears.some((l) => l !== out && l !== W && (l.rows === out.cols || l.rows === 2 * out.cols) && readsC(l.cols))) {
      take(W);
      attention = { kind: 'summary', linear: W ? lin(W) : null };
      d = n;
      undecided.push(`attention: no score weights and the decoder reads a vector of ${cSize}: a fixed context c = ${W ? `tanh(${W.name} h_T)` : 'h_T'} of the whole source (Cho et al. 2014)`);
    }
  }
  if (vp && Wp && (attention.kind === 'dot' || attention.kind === 'general' || attention.kind === 'additive')) {
    takeV(vp); take(Wp);
    attention.local = { mode: 'p', window: 10, p_linear: lin(Wp), p_v: vp.name };
    attention.query = 'after';
    undecided.push('local attention "window": D, not in the file (10 here)');
  }
  if (D === 2 && d === n) undecided.push('encoder "merge": the attention reads n numbers per position, so the directions are summed (→h_j + ←h_j)');
  const merge = D === 2 && d === n ? 'sum' : 'concat';
  const c = attention.kind === 'none' ? 0 : attention.kind === 'summary' ? (attention.linear ? H : n) : d;

  // the decoder's input: an input layer (H', E + c) feeding the cell, or the cell's own width
  const inputLayer = take(linears.find((l) => l.rows === dec.input && l.cols !== dec.input && splits(l.cols, [['e', Et], ['c', c]], ['e']).length > 0 && l !== out));
  const width = inputLayer ? inputLayer.cols : dec.input;
  // with an attentional layer the attention usually runs after the cell and h̃_{t-1} is fed (Luong): tried before c
  const options: [string, number][] = combine ? [['e', Et], ['h_tilde', H], ['c', attention.kind === 'none' ? 0 : c], ['s', H]]
    : [['e', Et], ['c', attention.kind === 'none' ? 0 : c], ['s', H]];
  const inputs = splits(width, options, inputLayer ? [] : ['e']);
  let inputParts = inputs[0] ?? ['e'];
  if (!inputs.length) undecided.push(`decoder input: the cell reads ${width} numbers, no concatenation of E y (${Et}), c (${c}), h̃ (${combine ? H : '-'}), s (${H}) makes it`);
  else if (inputs.length > 1) undecided.push(`decoder "input.parts": ${inputs.map((p) => `[${p.join(', ')}]`).join(' or ')} (each ${width} wide): the torch.cat before the decoder's RNN`);
  if (inputParts.length > 1) undecided.push(`decoder "input.parts" order: [${inputParts.join(', ')}] is the commonest; the torch.cat before the RNN decides`);
  if (inputParts.includes('c') && attention.query !== undefined) {
    attention.query = 'before';
    undecided.push('attention "query": "before" (s_{i-1}; the cell reads this step\'s c_t) or "after" (h_t; the cell reads the previous step\'s c_{t-1}, c_0 = 0, e.g. a last_context fed back): where the score runs relative to the decoder\'s RNN');
  }
  else if (combine && attention.query !== undefined) attention.query = 'after';
  if (attention.kind === 'additive' && !inputParts.includes('c') && !combine) undecided.push('attention "query": "before" (s_{i-1}) or "after" (h_t): whether the score runs before or after the decoder\'s RNN');

  // the bridge
  let bridge: Record<string, unknown>;
  const bridgeFits = (l: Lin) => l.rows === H && (l.cols === D * n || l.cols === n || (attention.kind === 'summary' && l.cols === c)) && l !== out;
  // s_0's Linear before c_0's (fairseq's encoder_hidden_proj and encoder_cell_proj)
  const bridgeLin = take(linears.filter(bridgeFits).sort((a, b) => Number(/cell/i.test(a.name.split('.').pop()!)) - Number(/cell/i.test(b.name.split('.').pop()!)))[0]);
  const cellLin = cell === 'lstm' && bridgeLin && attention.kind !== 'summary'
    ? take(linears.find((l) => bridgeFits(l) && l.cols === bridgeLin.cols && /cell/i.test(l.name.split('.').pop()!))) : undefined;
  if (bridgeLin && attention.kind === 'summary') {
    bridge = { kind: 'project', from: 'summary', linear: lin(bridgeLin), activation: 'tanh', layers: 'first', cell: 'zero' };
    undecided.push(`bridge: s_0 = tanh(${bridgeLin.name} c) from the fixed context (or of →h_T: "forward_last")`);
  } else if (attention.kind === 'summary' && c === H && !bridgeLin) {
    bridge = { kind: 'project', from: 'summary', linear: null, activation: 'none', layers: 'first', cell: 'zero' };
    undecided.push('bridge: s_0 = c, the fixed context (or the encoder\'s final state: {"kind": "final"}, the same h_T when it is not transformed)');
  } else if (bridgeLin) {
    const from = bridgeLin.cols === 2 * n && D === 2 ? 'final_concat' : D === 2 ? 'backward_first' : 'forward_last';
    const perLayer = enc.layers === dec.layers && dec.layers > 1;
    bridge = { kind: 'project', from, linear: lin(bridgeLin), activation: 'tanh', layers: 'first', cell: cellLin ? 'project' : 'zero', ...(cellLin ? { cell_linear: lin(cellLin) } : {}) };
    undecided.push(`bridge: s_0 = tanh(${bridgeLin.name}(${from === 'final_concat' ? '[→h_T; ←h_1]' : from === 'backward_first' ? '←h_1 (or →h_T: "forward_last", or mean_j h_j: "mean")' : '→h_T (or mean_j h_j: "mean")'}))${cellLin ? `, c_0 = tanh(${cellLin.name}(the same of c_n))` : ''} to the first decoder layer; "activation" (tanh, or "none" without one), "layers" ("every"${perLayer ? ', or "per_layer": each decoder layer from its encoder layer' : ''}) and "cell" ("same": c_0 = s_0) per the forward()`);
  } else if (H === D * n) {
    bridge = { kind: 'final', order: 'layer', cell: 'final' };
    undecided.push(`bridge: the decoder starts from the encoder's final states (or from zeros: {"kind": "zeros"}); with two directions, "order": "layer" ([→h; ←h] of a layer) or "pytorch" (rows of h_n)${cell === 'lstm' ? '; "cell": "final" (c_0 = c_n) or "zero" (c_0 = 0)' : ''}`);
  } else if (H === n) {
    bridge = { kind: 'final', order: D === 2 ? 'pytorch' : 'layer', cell: 'final' };
    undecided.push(`bridge: the decoder starts from ${D === 2 ? 'rows of h_n (encoder_hidden[:n_layers])' : 'the encoder\'s final states'} (or from zeros: {"kind": "zeros"})${cell === 'lstm' ? '; "cell": "final" (c_0 = c_n) or "zero" (c_0 = 0)' : ''}`);
  } else {
    bridge = { kind: 'zeros' };
    undecided.push(`bridge: no Linear (${H}, ${D * n}) and the sizes differ (encoder ${D} x ${n}, decoder ${H}): s_0 = 0`);
  }

  // the output layer, maybe a deep output before it
  let output: Record<string, unknown>;
  const deep = take(linears.filter((l) => (l.rows === out.cols || l.rows === 2 * out.cols) && l !== out && l.cols > out.cols)
    .sort((a, b) => Number(/deep|readout|pre/i.test(b.name)) - Number(/deep|readout|pre/i.test(a.name)))[0]);
  const R = deep ? deep.cols : out.cols;
  const outOptions: [string, number][] = [['s', H], ['c', c], ['e', Et], ...(combine ? [['h_tilde', H] as [string, number]] : [])];
  const readouts = splits(R, combine ? [['h_tilde', H], ...outOptions.filter(([p]) => p !== 'h_tilde')] : outOptions);
  const outParts = readouts[0] ?? ['s'];
  if (!readouts.length) undecided.push(`output: ${R} columns, no concatenation of s (${H}), c (${c}), E y (${Et}) makes it`);
  else if (readouts.length > 1 || outParts.length > 1) undecided.push(`output "parts": [${outParts.join(', ')}]${readouts.length > 1 ? ` (also ${readouts.slice(1, 4).map((p) => `[${p.join(', ')}]`).join(', ')})` : ''}: the torch.cat before ${out.name}`);
  if (deep) {
    output = { parts: outParts, kind: deep.rows === 2 * out.cols ? 'maxout' : 'tanh', linear: lin(out), deep: { linear: lin(deep), size: out.cols } };
    if (deep.rows === out.cols) undecided.push(`output: ${deep.name} then ${out.name}: "tanh" between them here; "maxout" needs twice the rows`);
  } else output = { parts: outParts, kind: 'linear', linear: lin(out) };
  if (combine) undecided.push(`attentional layer ${combine.name}: "parts" [s, c] (the PyTorch chatbot's torch.cat((rnn_output, context))) or [c, s] (Luong's [c_t; h_t], OpenNMT-py) and "activation" tanh or none: the torch.cat and the function around ${combine.name}`);

  const config = {
    parts: {
      cell, gru_convention: 'reset_after',
      embeddings: { source: { name: src.name, size: src.cols }, target: tgt ? { name: tgt.name, size: tgt.cols } : { name: src.name, size: src.cols, tied_to: src.name } },
      encoder: { rnn: enc.name, layers: enc.layers, hidden_size: n, bidirectional: enc.bidirectional, merge, reverse: false },
      bridge,
      attention,
      decoder: { rnn: decRnn, layout, layers: dec.layers, hidden_size: H,
        input: { parts: inputParts, linear: inputLayer ? lin(inputLayer) : null, activation: inputLayer ? 'relu' : 'none' } },
      // [c; h] under Luong's and OpenNMT-py's names for the layer, else the chatbot's [s; c]
      combine: combine ? { linear: lin(combine), parts: /linear_out$|w_c$|output_proj$/i.test(combine.name) ? ['c', 's'] : ['s', 'c'], activation: 'tanh' } : null,
      output,
    },
    ...(Object.keys(tensorNames).length ? { tensor_names: tensorNames } : {}),
    source_vocab: `${src.rows} symbols`, target_vocab: `${V} symbols`,
  };
  for (const [, to] of Object.entries(tensorNames)) if (typeof to !== 'string') undecided.push(`${to.name}: a bare matrix, read as x @ W (in, out) through "tensor_names" with "transpose": true; drop the transpose if the forward() computes W x`);
  if (inputLayer) undecided.push(`decoder input layer ${inputLayer.name}: "activation" relu (the older PyTorch tutorial), tanh or none`);
  undecided.push('gru_convention / reverse: the file cannot tell ("reset_after" is nn.GRU; "reverse": true if the source is fed reversed)');
  const unplaced = tensors.filter((t) => !used.has(t.name)).map((t) => `${t.name} [${t.shape.join(', ')}]`);
  return { config, undecided, unplaced };
}
