/**
 * `seqattn inspect`: what a weights file holds and which presets could read it. From the tensor
 * names and shapes alone it lists the architectures / presets whose names the file has, with the
 * config fields their shapes fix (sizes, layers, directions, attention kind), so that a user
 * writes a config in a minute. Platform-free; the CLI (src/cli-inspect.ts) adds paths.
 *
 * Other model kinds plug in with a PresetMatcher (the classifiers' matchClassifierPresets).
 */
import { matchClassifierPresets } from './classifier/presets.js';
import { compositionOf } from './compose/architectures.js';
import { proposeParts, type PartsProposal } from './compose/infer.js';
import { compositionToParts, tensorsRead } from './compose/parts.js';
import { parseConfig } from './config.js';
import { SeqattnError } from './errors.js';
import type { SafetensorsFile } from './safetensors.js';
import { cut, deeperThan, MAX_JSON_DEPTH } from './untrusted.js';

/** One tensor of a file: its full name (with the file's prefix), dtype and shape. */
export interface TensorSummary { name: string; dtype: string; shape: number[] }

/** A preset or architecture the tensors fit, and the config fields they fix. */
export interface PresetMatch {
  /** The config's "architecture". */
  architecture: string;
  kind: 'seq2seq' | 'classifier' | 'captioner';
  /** Config fields inferred from names and shapes (snake_case, as in the config JSON). */
  fields: Record<string, unknown>;
  /** What the config still needs, or what the file cannot say (e.g. the GRU convention). */
  notes: string[];
  /** seq2seq: the preset's parts with these fields (docs/parts.md), to start overrides from. */
  parts?: unknown;
}

/** Finds the presets a tensor list fits (the seq2seq presets here; src/classifier/presets.ts has the classifiers'). */
export type PresetMatcher = (tensors: readonly TensorSummary[]) => PresetMatch[];

/** Shapes by name, under a prefix (a state_dict saved from a wrapper module: `model.encoder...`). */
class View {
  private readonly byName: Map<string, number[]>;
  constructor(tensors: readonly TensorSummary[], readonly prefix: string) {
    this.byName = new Map(tensors.filter((t) => t.name.startsWith(prefix)).map((t) => [t.name.slice(prefix.length), t.shape]));
  }
  has(name: string): boolean { return this.byName.has(name); }
  /** Dimension `i` of tensor `name`, or 0 when absent. */
  dim(name: string, i: number): number { return this.byName.get(name)?.[i] ?? 0; }
  /** Layers of an nn.RNN module: how many `<rnn>.weight_ih_l<k>` there are. */
  layers(rnn: string): number { let k = 0; while (this.has(`${rnn}.weight_ih_l${k}`)) k++; return k; }
  bidirectional(rnn: string): boolean { return this.has(`${rnn}.weight_ih_l0_reverse`); }
  /** 'lstm' (4H gate rows) or 'gru' (3H) from weight_hh (G, H). */
  cell(hh: string): 'lstm' | 'gru' { return this.dim(hh, 0) === 4 * this.dim(hh, 1) ? 'lstm' : 'gru'; }
  any(prefix: string): boolean { for (const n of this.byName.keys()) if (n.startsWith(prefix)) return true; return false; }
}

interface Signature {
  architecture: string;
  kind: PresetMatch['kind'];
  /** Names all present for the signature to fit (the first one locates a prefix). */
  needs: string[];
  /** Names whose presence rules it out. */
  without?: string[];
  fields(v: View): Record<string, unknown>;
  notes?(v: View): string[];
}

const GRU_NOTE = 'gru_convention: the file cannot tell; "reset_after" (nn.GRU, default) or "reset_before" (Cho et al.)';
const vocabs = (src: string, tgt: string) => (v: View) => ({ source_vocab: `${v.dim(src, 0)} symbols`, target_vocab: `${v.dim(tgt, 0)} symbols` });

const SIGNATURES: Signature[] = [
  { architecture: 'pytorch-tutorial', kind: 'seq2seq', needs: ['decoder.attention.Wa.weight', 'decoder.attention.Ua.weight', 'encoder.gru.weight_hh_l0'],
    fields: (v) => ({ hidden_size: v.dim('encoder.gru.weight_hh_l0', 1), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }) },
  { architecture: 'pytorch-tutorial-location', kind: 'seq2seq', needs: ['decoder.attn.weight', 'decoder.attn_combine.weight'],
    fields: (v) => ({ hidden_size: v.dim('decoder.attn_combine.weight', 0), max_length: v.dim('decoder.attn.weight', 0),
      ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }) },
  { architecture: 'bahdanau', kind: 'seq2seq', needs: ['decoder.init.weight', 'decoder.attention.W.weight', 'encoder.rnn.weight_ih_l0_reverse'],
    fields: (v) => ({
      embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.init.weight', 0),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), alignment_size: v.dim('decoder.attention.W.weight', 0),
      ...deepOutput(v), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v),
    }), notes: () => [GRU_NOTE] },
  { architecture: 'cho', kind: 'seq2seq', needs: ['encoder.V.weight', 'decoder.V.weight'],
    fields: (v) => ({
      embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.V.weight', 0),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), ...deepOutput(v), ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v),
    }), notes: () => [GRU_NOTE] },
  { architecture: 'luong', kind: 'seq2seq', needs: ['decoder.W_c.weight', 'decoder.W_s.weight'],
    fields: (v) => {
      const H = v.dim('decoder.W_s.weight', 1), E = v.dim('decoder.embedding.weight', 1);
      const score = v.has('decoder.attention.v_a.weight') ? 'concat' : v.has('decoder.attention.W_a.weight') ? 'general' : 'dot';
      return {
        embedding_size: E, hidden_size: H, num_layers: v.layers('encoder.rnn'), bidirectional_encoder: v.bidirectional('encoder.rnn'),
        ...(v.has('decoder.attention.W_p.weight') ? { attention: 'local-p', local_score: score, alignment_size: v.dim('decoder.attention.W_p.weight', 0) }
          : { attention: score, ...(score === 'concat' ? { alignment_size: v.dim('decoder.attention.W_a.weight', 0) } : {}) }),
        input_feeding: v.dim('decoder.rnn.weight_ih_l0', 1) === E + H,
        ...vocabs('encoder.embedding.weight', 'decoder.W_s.weight')(v),
      };
    },
    notes: (v) => v.has('decoder.attention.W_p.weight') ? ['window: D, not in the file (default 10)'] : ['local-m attention has no tensors of its own: "attention": "local-m" with this score as "local_score" fits too'] },
  { architecture: 'sutskever', kind: 'seq2seq', needs: ['decoder.out.weight', 'encoder.rnn.weight_hh_l0', 'decoder.rnn.weight_hh_l0'],
    without: ['decoder.attention.', 'decoder.V.weight', 'decoder.deep_output.weight', 'decoder.init.weight'],
    fields: (v) => ({ embedding_size: v.dim('encoder.embedding.weight', 1), hidden_size: v.dim('decoder.rnn.weight_hh_l0', 1), num_layers: v.layers('encoder.rnn'),
      ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) }),
    notes: () => ['reverse_source: true (the paper, default) or false, not in the file'] },
  { architecture: 'bentrevett-1', kind: 'seq2seq', needs: ['decoder.fc_out.weight', 'encoder.rnn.weight_hh_l0'], without: ['encoder.fc.weight'],
    fields: (v) => v.cell('encoder.rnn.weight_hh_l0') !== 'lstm' ? {} : ({ embedding_size: v.dim('encoder.embedding.weight', 1),
      target_embedding_size: v.dim('decoder.embedding.weight', 1), hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), num_layers: v.layers('encoder.rnn'),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'bentrevett-2', kind: 'seq2seq', needs: ['decoder.fc_out.weight', 'encoder.rnn.weight_hh_l0'], without: ['encoder.fc.weight'],
    fields: (v) => v.cell('encoder.rnn.weight_hh_l0') !== 'gru' ? {} : ({ embedding_size: v.dim('encoder.embedding.weight', 1),
      target_embedding_size: v.dim('decoder.embedding.weight', 1), hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'bentrevett-3', kind: 'seq2seq', needs: ['encoder.fc.weight', 'decoder.fc_out.weight', 'encoder.rnn.weight_ih_l0_reverse'],
    fields: (v) => ({ embedding_size: v.dim('encoder.embedding.weight', 1), target_embedding_size: v.dim('decoder.embedding.weight', 1),
      encoder_hidden_size: v.dim('encoder.rnn.weight_hh_l0', 1), hidden_size: v.dim('encoder.fc.weight', 0),
      ...vocabs('encoder.embedding.weight', 'decoder.fc_out.weight')(v) }),
    notes: () => ['prepend_source_sos / source_sos_id and append_source_eos / source_eos_id: the notebooks wrap the source in <sos> ... <eos>'] },
  { architecture: 'pytorch-chatbot', kind: 'seq2seq', needs: ['decoder.concat.weight', 'encoder.gru.weight_ih_l0_reverse'],
    fields: (v) => {
      const H = v.dim('decoder.concat.weight', 0);
      const attention = !v.has('decoder.attn.attn.weight') ? 'dot' : v.dim('decoder.attn.attn.weight', 1) === 2 * H ? 'concat' : 'general';
      return { hidden_size: H, num_layers: v.layers('encoder.gru'), attention, ...vocabs('encoder.embedding.weight', 'decoder.out.weight')(v) };
    } },
  { architecture: 'opennmt-rnn', kind: 'seq2seq', needs: ['encoder.embeddings.make_embedding.emb_luts.0.weight', 'encoder.rnn.weight_hh_l0'],
    fields: (v) => {
      const feed = v.has('decoder.rnn.layers.0.weight_hh');
      const hh = feed ? 'decoder.rnn.layers.0.weight_hh' : 'decoder.rnn.weight_hh_l0';
      const out = v.has('generator.0.weight') ? 'generator.0.weight' : 'generator.weight';
      return {
        cell: v.cell('encoder.rnn.weight_hh_l0'), bidirectional_encoder: v.bidirectional('encoder.rnn'), num_layers: v.layers('encoder.rnn'),
        attention: v.has('decoder.attn.linear_in.weight') ? 'general' : v.has('decoder.attn.linear_query.weight') ? 'mlp' : 'dot', input_feeding: feed,
        embedding_size: v.dim('encoder.embeddings.make_embedding.emb_luts.0.weight', 1),
        target_embedding_size: v.dim('decoder.embeddings.make_embedding.emb_luts.0.weight', 1), hidden_size: v.dim(hh, 1),
        ...vocabs('encoder.embeddings.make_embedding.emb_luts.0.weight', out)(v),
      };
    },
    notes: (v) => v.has('generator.0.weight') || v.has('generator.weight') ? [] : ['no generator.* tensors: add the checkpoint\'s "generator" state dict (docs/your-model.md)'] },
  { architecture: 'show-attend-tell', kind: 'captioner', needs: ['init_h.weight', 'attention.W_a.weight', 'lstm.weight_ih'],
    fields: (v) => ({ feature_size: v.dim('init_h.weight', 1), hidden_size: v.dim('init_h.weight', 0), embedding_size: v.dim('embedding.weight', 1),
      alignment_size: v.dim('attention.W_a.weight', 0), gate: v.has('f_beta.weight'), deep_output: v.has('L_o.weight') ? 'linear' : 'none',
      target_vocab: `${v.dim('embedding.weight', 0)} symbols` }),
    notes: (v) => v.has('L_o.weight') ? ['deep_output: "linear" (eq. (7) as printed) or "tanh" (the authors\' code): the file cannot tell', 'attention: "soft" or "hard"'] : ['attention: "soft" or "hard"'] },
];

function deepOutput(v: View): Record<string, unknown> {
  if (!v.has('decoder.deep_output.weight')) return { deep_output: 'none' };
  const l = v.dim('decoder.out.weight', 1);
  return { deep_output: v.dim('decoder.deep_output.weight', 0) === 2 * l ? 'maxout' : 'tanh', deep_output_size: l };
}

/**
 * A preset's composition for the fields inspect found (vocabularies stand-ins of their sizes), as
 * parts, and the tensors it reads that the file lacks (the same record the loader reads); undefined
 * if the fields do not make a config.
 */
function presetParts(architecture: string, fields: Record<string, unknown>, v: View): { parts: unknown; lacking: string[] } | undefined {
  const symbols = (x: unknown) => Array.from({ length: Math.max(2, Number.parseInt(String(x), 10) || 2) }, (_, i) => `${i}`);
  try {
    const c = parseConfig({ architecture, ...fields, source_vocab: symbols(fields.source_vocab), target_vocab: symbols(fields.target_vocab), sos_id: 0, eos_id: 1 }, 'inspect');
    const composition = compositionOf(c);
    return { parts: compositionToParts(composition), lacking: tensorsRead(composition).filter((alts) => !alts.some((n) => v.has(n))).map((alts) => alts[0]) };
  } catch {
    return undefined;
  }
}

/** The seq2seq architectures and presets whose tensor names a file has, with the fields its shapes fix. */
export const matchSeq2SeqPresets: PresetMatcher = (tensors) => {
  const out: PresetMatch[] = [];
  for (const s of SIGNATURES) {
    // the prefix under which the first needed name sits (a wrapper module's attribute, e.g. 'model.')
    const hit = tensors.find((t) => t.name === s.needs[0] || t.name.endsWith(`.${s.needs[0]}`));
    if (!hit) continue;
    const v = new View(tensors, hit.name.slice(0, hit.name.length - s.needs[0].length));
    if (!s.needs.every((n) => v.has(n)) || (s.without ?? []).some((n) => (n.endsWith('.') ? v.any(n) : v.has(n)))) continue;
    const fields = s.fields(v);
    if (Object.keys(fields).length === 0) continue; // the names fit, the shapes do not (e.g. a GRU where the preset has an LSTM)
    const composed = s.kind === 'seq2seq' ? presetParts(s.architecture, fields, v) : undefined;
    const lacking = composed?.lacking.length ? [`the preset also reads ${composed.lacking.slice(0, 6).map((n) => `'${n}'`).join(', ')}${composed.lacking.length > 6 ? ` and ${composed.lacking.length - 6} more` : ''}, which the file lacks`] : [];
    out.push({ architecture: s.architecture, kind: s.kind, fields: { ...(v.prefix ? { tensor_prefix: v.prefix } : {}), ...fields }, notes: [...(s.notes?.(v) ?? []), ...lacking],
      ...(composed ? { parts: composed.parts } : {}) });
  }
  return out;
};

/** What `seqattn inspect` reports. */
export interface InspectReport {
  files: { name: string; prefix: string; tensors: number }[];
  tensors: TensorSummary[];
  /** The config found (config.json or __metadata__.seqattn), parsed JSON, and where; null for none. */
  config: { where: string; value: unknown } | null;
  matches: PresetMatch[];
  /** When no seq2seq preset fits a file with an encoder and a decoder RNN: a proposed parts config (docs/parts.md). */
  proposal: PartsProposal | null;
}

/** The report of weight files (each with its name prefix) and an optional config text. */
export function inspect(files: { file: SafetensorsFile; prefix: string }[], config?: { where: string; text: string },
  matchers: PresetMatcher[] = [matchSeq2SeqPresets, matchClassifierPresets]): InspectReport {
  const tensors = files.flatMap(({ file, prefix }) => [...file.tensors.values()].map((t) => ({ name: prefix + t.name, dtype: t.dtype, shape: t.shape })));
  let found: InspectReport['config'] = null;
  const parse = (where: string, text: string) => {
    let value: unknown;
    try { value = JSON.parse(text); } catch (e) { return { where, value: `not valid JSON (${cut((e as Error).message)})` }; }
    // printed and written as JSON later, both recursive: a config deeper than any real one is refused here
    if (deeperThan(value)) throw new SeqattnError('E_CONFIG', `${where}: nested more than ${MAX_JSON_DEPTH} levels deep (a config is a few levels deep)`);
    return { where, value };
  };
  if (config) found = parse(config.where, config.text);
  else {
    const withMeta = files.find((f) => f.file.metadata.seqattn !== undefined);
    if (withMeta) found = parse(`${withMeta.file.fileName}: __metadata__.seqattn`, withMeta.file.metadata.seqattn);
  }
  const matches = matchers.flatMap((m) => m(tensors));
  return {
    files: files.map(({ file, prefix }) => ({ name: file.fileName, prefix, tensors: file.tensors.size })),
    tensors,
    config: found,
    matches,
    proposal: matches.length ? null : proposeParts(tensors),
  };
}

/** What a config of each model kind still needs after the fields inspect fills in. */
function closingHint(kind: PresetMatch['kind'], named: boolean): string {
  const then = named ? `then, for a ${kind}, add` : 'then add';
  return kind === 'seq2seq' ? `${then} the vocabularies (source_vocab, target_vocab as symbol lists) and sos_id, eos_id`
    : kind === 'classifier' ? `${then} source_vocab (the word list, id i at index i) and labels (the class names, in the order of the output layer's rows)`
      : `${then} target_vocab (the word list), sos_id, eos_id; feature_size is the D of the annotation vectors a_i (the CNN's channels) you will pass`;
}

/** The report as text for a terminal. */
export function formatInspect(r: InspectReport): string {
  const lines: string[] = [];
  for (const f of r.files) lines.push(`${f.name}: ${f.tensors} tensor${f.tensors === 1 ? '' : 's'}${f.prefix ? ` (read as ${f.prefix}*)` : ''}`);
  const width = Math.min(60, r.tensors.reduce((w, t) => Math.max(w, t.name.length), 4)); // no spread: a file may have 65,536 tensors
  for (const t of [...r.tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    lines.push(`  ${t.name.padEnd(width)}  ${t.dtype.padEnd(4)}  [${t.shape.join(', ')}]`);
  }
  lines.push('');
  lines.push(r.config ? `config (${r.config.where}): ${JSON.stringify(r.config.value)}` : 'config: none found (write a config.json beside the file, see docs/your-model.md)');
  lines.push('');
  if (r.matches.length === 0 && r.proposal) {
    lines.push('presets: none fits these tensor names; the parts the names and shapes suggest (docs/parts.md):');
    lines.push(JSON.stringify(r.proposal.config, null, 2).split('\n').map((l) => `  ${l}`).join('\n'));
    if (r.proposal.undecided.length) {
      lines.push('  undecided (the commonest choice is filled in; the project\'s forward() decides):');
      for (const u of r.proposal.undecided) lines.push(`    - ${u}`);
    }
    if (r.proposal.unplaced.length) lines.push(`  not placed in any part: ${r.proposal.unplaced.join(', ')} (not expressible, or a part the shapes did not reveal)`);
    lines.push('  then write it to config.json beside the file, with source_vocab, target_vocab as symbol lists and sos_id, eos_id (docs/your-model.md, "Your model is not a preset")');
  } else if (r.matches.length === 0) {
    lines.push('presets: none fits these tensor names (see docs/your-model.md and docs/model-format.md for the names each expects)');
  } else {
    lines.push(`preset${r.matches.length === 1 ? '' : 's'} that fit the tensor names and shapes:`);
    for (const m of r.matches) {
      lines.push(`  ${m.architecture} (${m.kind}): ${JSON.stringify({ architecture: m.architecture, ...m.fields })}`);
      for (const n of m.notes) lines.push(`    note: ${n}`);
    }
    for (const kind of [...new Set(r.matches.map((m) => m.kind))]) lines.push(`  ${closingHint(kind, r.matches.length > 1 && new Set(r.matches.map((m) => m.kind)).size > 1)}`);
  }
  return `${lines.join('\n')}\n`;
}
