// A plain TypeScript reference of any composition (src/compose/description.ts), in doubles, one
// source and one hypothesis at a time, written from docs/parts.md and nothing of src/compose: the
// random-composition test checks seqattn against it on every option.
import type { Activation, Composition, InputPart, LinearName, ReadoutPart } from '../../src/compose/description.js';

export type Tensors = Record<string, { shape: number[]; data: Float32Array }>;
type Vec = number[];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const act = (a: Activation | undefined, x: Vec): Vec => (a === 'tanh' ? x.map(Math.tanh) : a === 'relu' ? x.map((v) => Math.max(0, v)) : x);
const dot = (a: Vec, b: Vec) => a.reduce((s, v, i) => s + v * b[i], 0);
const add = (a: Vec, b: Vec) => a.map((v, i) => v + b[i]);

export class Reference {
  constructor(readonly p: Composition, readonly t: Tensors) {}

  private get(name: string): { shape: number[]; data: Float32Array } {
    const x = this.t[name];
    if (!x) throw new Error(`reference: no tensor ${name}`);
    return x;
  }
  /** W x + b of a Linear (rows from the tensor). */
  linear(n: LinearName, x: Vec): Vec {
    const W = this.get(`${n.name}.weight`), [rows, cols] = W.shape;
    if (cols !== x.length) throw new Error(`reference: ${n.name} has ${cols} columns, x ${x.length}`);
    const b = n.bias ? this.get(`${n.name}.bias`).data : null;
    const out: Vec = [];
    for (let r = 0; r < rows; r++) {
      let s = b ? b[r] : 0;
      for (let c = 0; c < cols; c++) s += W.data[r * cols + c] * x[c];
      out.push(s);
    }
    return out;
  }
  private rowsOf(name: string, x: Vec): Vec {
    const W = this.get(name), [rows, cols] = W.shape;
    const out: Vec = [];
    for (let r = 0; r < rows; r++) { let s = 0; for (let c = 0; c < cols; c++) s += W.data[r * cols + c] * x[c]; out.push(s); }
    return out;
  }
  private vec(name: string): Vec { return Array.from(this.get(name).data); }

  /** One cell step of PyTorch's GRU / LSTM with tensors `<pre>weight_ih<suf>` etc. */
  cell(pre: string, suf: string, x: Vec, h: Vec, c: Vec): { h: Vec; c: Vec } {
    const gi = add(this.rowsOf(`${pre}weight_ih${suf}`, x), this.vec(`${pre}bias_ih${suf}`));
    const bhh = this.vec(`${pre}bias_hh${suf}`);
    const H = h.length;
    if (this.p.cell === 'lstm') {
      const g = add(gi, add(this.rowsOf(`${pre}weight_hh${suf}`, h), bhh));
      const c2: Vec = [], h2: Vec = [];
      for (let k = 0; k < H; k++) {
        const i = sigmoid(g[k]), f = sigmoid(g[H + k]), gg = Math.tanh(g[2 * H + k]), o = sigmoid(g[3 * H + k]);
        c2.push(f * c[k] + i * gg);
        h2.push(o * Math.tanh(c2[k]));
      }
      return { h: h2, c: c2 };
    }
    const Whh = this.get(`${pre}weight_hh${suf}`);
    const row = (r: number, v: Vec) => { let s = 0; for (let k = 0; k < H; k++) s += Whh.data[r * H + k] * v[k]; return s; };
    const r: Vec = [], z: Vec = [];
    for (let k = 0; k < H; k++) {
      r.push(sigmoid(gi[k] + row(k, h) + bhh[k]));
      z.push(sigmoid(gi[H + k] + row(H + k, h) + bhh[H + k]));
    }
    const rh = h.map((v, k) => r[k] * v);
    const h2: Vec = [];
    for (let k = 0; k < H; k++) {
      const n = this.p.gruConvention === 'reset_before'
        ? Math.tanh(gi[2 * H + k] + row(2 * H + k, rh) + bhh[2 * H + k])
        : Math.tanh(gi[2 * H + k] + r[k] * (row(2 * H + k, h) + bhh[2 * H + k]));
      h2.push((1 - z[k]) * n + z[k] * h[k]);
    }
    return { h: h2, c };
  }

  embed(name: string, id: number): Vec {
    const E = this.get(`${name}.weight`), cols = E.shape[1];
    return Array.from(E.data.subarray(id * cols, (id + 1) * cols));
  }

  /** Annotations h_j, final states per layer and direction (h_n row order), and the summary c. */
  encode(ids: number[]) {
    const e = this.p.encoder, D = e.bidirectional ? 2 : 1, n = e.hidden;
    const xs = (e.reverse ? [...ids].reverse() : ids).map((i) => this.embed(this.p.embeddings.source, i));
    let below = xs;
    const hN: Vec[] = [], cN: Vec[] = [];
    let outs: Vec[][] = [];
    for (let l = 0; l < e.layers; l++) {
      outs = [];
      for (let dir = 0; dir < D; dir++) {
        const out: Vec[] = new Array(below.length);
        let h = new Array(n).fill(0), c = new Array(n).fill(0);
        const order = below.map((_, j) => j);
        if (dir) order.reverse();
        for (const j of order) {
          ({ h, c } = this.cell(`${e.rnn}.`, `_l${l}${dir ? '_reverse' : ''}`, below[j], h, c));
          out[j] = h;
        }
        hN.push(h); cN.push(c);
        outs.push(out);
      }
      below = below.map((_, j) => outs.flatMap((o) => o[j]));
    }
    const annotations = D === 2 && e.merge === 'sum' ? below.map((_, j) => add(outs[0][j], outs[1][j])) : below;
    let summary: Vec = [];
    const a = this.p.attention;
    if (a.kind === 'summary') {
      const hT = hN[(e.layers - 1) * D];
      summary = a.W ? act('tanh', this.linear(a.W, hT)) : hT;
    }
    return { annotations, hN, cN, summary };
  }

  /** s_0, c_0 per decoder layer. */
  bridge(enc: ReturnType<Reference['encode']>): { h: Vec[]; c: Vec[] } {
    const b = this.p.bridge, L = this.p.decoder.layers, H = this.p.decoder.hidden, D = this.p.encoder.bidirectional ? 2 : 1;
    const zeros = () => new Array(H).fill(0);
    const h = Array.from({ length: L }, zeros), c = Array.from({ length: L }, zeros);
    if (b.kind === 'zeros') return { h, c };
    if (b.kind === 'final') {
      for (let l = 0; l < L; l++) {
        const rows = b.order === 'layer' ? Array.from({ length: D }, (_, d) => l * D + d) : [l];
        h[l] = rows.flatMap((r) => enc.hN[r]);
        if (b.cell === 'final' && this.p.cell === 'lstm') c[l] = rows.flatMap((r) => enc.cN[r]);
      }
      return { h, c };
    }
    const select = (final: Vec[], layer: number) => (b.from === 'summary' ? enc.summary : b.from === 'mean'
      ? enc.annotations.reduce((s, v) => add(s, v), new Array(enc.annotations[0].length).fill(0)).map((v) => v / enc.annotations.length)
      : b.from === 'forward-last' ? final[layer * D] : b.from === 'backward-first' ? final[layer * D + 1] : [...final[layer * D], ...final[layer * D + 1]]);
    const project = (W: LinearName | null | undefined, x: Vec) => act(b.activation, W ? this.linear(W, x) : x.slice(0, H));
    const per = b.layers === 'per-layer';
    for (let l = 0; l < (per ? L : 1); l++) {
      const layer = per ? l : b.layer ?? this.p.encoder.layers - 1;
      h[l] = project(b.W, select(enc.hN, layer));
      if (b.cell === 'project') c[l] = project(b.cellW, select(enc.cN, layer));
    }
    if (b.layers === 'every') for (let l = 1; l < L; l++) { h[l] = [...h[0]]; if (b.cell === 'project') c[l] = [...c[0]]; }
    if (b.cell === 'same') for (let l = 0; l < (b.layers === 'first' ? 1 : L); l++) c[l] = [...h[l]];
    return { h, c };
  }

  /** e_j, a_j and c over the annotations for query q (location: [E y; s]); t the step (1-based). */
  attend(q: Vec, hs: Vec[], t: number): { e: Vec; a: Vec; c: Vec } {
    const a = this.p.attention, S = hs.length, d = hs[0].length;
    let e: Vec;
    if (a.kind === 'location') {
      const all = this.linear(a.W, q);
      const m = Math.max(...all), ex = all.map((v) => Math.exp(v - m)), z = ex.reduce((s, v) => s + v, 0);
      const w = ex.map((v) => v / z).slice(0, S);
      return { e: all.slice(0, S), a: w, c: hs.reduce((s, h, j) => add(s, h.map((v) => v * w[j])), new Array(d).fill(0)) };
    }
    if (a.kind === 'additive') {
      const H = q.length;
      let Wq: Vec, keys: Vec[];
      if (a.joint) {
        const keyFirst = a.order === 'key-first';
        // W [q; h_j] + b = W [q; 0] + (W [0; h_j] + b)
        keys = hs.map((h) => this.linear(a.W, keyFirst ? [...h, ...new Array(H).fill(0)] : [...new Array(H).fill(0), ...h]));
        Wq = this.linear({ name: a.W.name, bias: false }, keyFirst ? [...new Array(d).fill(0), ...q] : [...q, ...new Array(d).fill(0)]);
      } else {
        Wq = this.linear(a.W, q);
        keys = hs.map((h) => this.linear(a.U!, h));
      }
      const vT = this.t[`${a.v.name}.weight`] ? this.t[`${a.v.name}.weight`] : this.get(a.v.name);
      const v = Array.from(vT.data), bv = a.v.bias ? this.get(`${a.v.name}.bias`).data[0] : 0;
      e = keys.map((k) => dot(v, act(a.activation ?? 'tanh', add(Wq, k))) + bv);
    } else if (a.kind === 'dot') {
      e = hs.map((h) => dot(q, h));
    } else if (a.kind === 'general') {
      e = a.convention === 'keys' ? hs.map((h) => dot(q, this.linear(a.W, h))) : hs.map((h) => dot(this.linear(a.W, q), h));
    } else {
      throw new Error(`reference: attend on ${a.kind}`);
    }
    // the window of local attention (1-based positions lo+1..hi)
    let lo = 0, hi = S, pt = 0;
    const local = 'local' in a ? a.local : undefined;
    if (local) {
      pt = local.mode === 'm' ? Math.min(t, S) : S * sigmoid(dot(this.vec(`${local.v_p}.weight`), act('tanh', this.linear(local.W_p!, q))));
      lo = Math.max(1, Math.ceil(pt - local.D)) - 1;
      hi = Math.min(S, Math.floor(pt + local.D));
    }
    const m = Math.max(...e.slice(lo, hi));
    const w = e.map((v, j) => (j >= lo && j < hi ? Math.exp(v - m) : 0));
    const z = w.reduce((s, v) => s + v, 0);
    for (let j = 0; j < S; j++) w[j] /= z;
    if (local?.mode === 'p') for (let j = lo; j < hi; j++) w[j] *= Math.exp(-((j + 1 - pt) ** 2) / (2 * (local.D / 2) ** 2));
    const energies = e.map((v, j) => (j >= lo && j < hi ? v : -Infinity));
    return { e: energies, a: w, c: hs.reduce((s, h, j) => add(s, h.map((v) => v * w[j])), new Array(d).fill(0)) };
  }

  /**
   * Teacher-forced steps on `ys` (y_1..): per step the attention weights and the logits; with
   * `greedy`, the argmax ids until eos or maxSteps instead.
   */
  run(ids: number[], sos: number, opts: { ys?: number[]; eos?: number; maxSteps?: number }) {
    const p = this.p, enc = this.encode(ids), st = this.bridge(enc);
    const attends = p.attention.kind !== 'none' && p.attention.kind !== 'summary';
    const before = p.attention.kind === 'location' || ('query' in p.attention && p.attention.query === 'before');
    const H = p.decoder.hidden, L = p.decoder.layers;
    let hTilde = new Array(H).fill(0), y = sos;
    // c_{t-1} for a cell read before the attention runs after it (c_0 = 0)
    let cPrev: Vec = new Array(attends ? enc.annotations[0]?.length ?? 0 : 0).fill(0);
    const targetTable = p.embeddings.tiedTo && !this.t[`${p.embeddings.target}.weight`] ? p.embeddings.tiedTo : p.embeddings.target;
    const steps: { a: Vec; logits: Vec }[] = [], out: number[] = [];
    for (let t = 1; ; t++) {
      const Ey = this.embed(targetTable, y);
      let c: Vec = p.attention.kind === 'summary' ? enc.summary : [], a: Vec = [];
      const sPrev = st.h[L - 1];
      if (attends && before) {
        const r = this.attend(p.attention.kind === 'location' ? [...Ey, ...sPrev] : sPrev, enc.annotations, t);
        c = r.c; a = r.a;
      }
      const value = (q: InputPart | ReadoutPart): Vec => (q === 'e' ? Ey : q === 'c' ? c : q === 'hTilde' ? hTilde : st.h[L - 1]);
      let x = p.decoder.input.parts.flatMap((q) => (q === 's' ? sPrev : q === 'c' && attends && !before ? cPrev : value(q)));
      if (p.decoder.input.W) x = act(p.decoder.input.activation, this.linear(p.decoder.input.W, x));
      for (let l = 0; l < L; l++) {
        const [pre, suf] = p.decoder.layout === 'cells' ? [`${p.decoder.rnn}.layers.${l}.`, ''] : p.decoder.layout === 'cell' ? [`${p.decoder.rnn}.`, ''] : [`${p.decoder.rnn}.`, `_l${l}`];
        const r = this.cell(pre, suf, x, st.h[l], st.c[l]);
        st.h[l] = r.h; st.c[l] = r.c;
        x = r.h;
      }
      if (attends && !before) {
        const r = this.attend(st.h[L - 1], enc.annotations, t);
        c = r.c; a = r.a; cPrev = c;
      }
      if (p.combine) hTilde = act(p.combine.activation, this.linear(p.combine.W, p.combine.parts.flatMap(value)));
      const rt = p.output.parts.flatMap(value);
      let logits: Vec;
      if (p.output.kind === 'linear') logits = this.linear(p.output.out, rt);
      else {
        const tt = this.linear(p.output.deep!.W, rt);
        const tv = p.output.kind === 'maxout' ? Array.from({ length: tt.length / 2 }, (_, k) => Math.max(tt[2 * k], tt[2 * k + 1])) : tt.map(Math.tanh);
        logits = this.linear(p.output.out, tv);
      }
      steps.push({ a, logits });
      if (opts.ys) {
        if (t >= opts.ys.length) break;
        y = opts.ys[t - 1];
      } else {
        y = logits.indexOf(Math.max(...logits));
        out.push(y);
        if (y === opts.eos || t >= opts.maxSteps!) break;
      }
    }
    return { steps, ids: out };
  }
}
