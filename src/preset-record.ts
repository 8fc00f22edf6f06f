/**
 * One record per preset, of every model kind (seq2seq, classifier, captioner): the name a config's
 * "architecture" gives, the config fields it sets, seqattn's tensor names -> the project's, the
 * tensors every file of it has and what their shapes fix. The config parsers expand a preset
 * from its record, the loader reads the tensors through its name map, `seqattn inspect` matches
 * files against the same records (`matchPresetRecords`). The registry of all of them is
 * src/presets.ts; the records live beside their model kind (src/classifier/presets.ts,
 * src/captioner/presets.ts; the seq2seq presets' compositions in src/compose/presets.ts).
 */
import type { TensorNameMap } from './tensor-names.js';

export type ModelKind = 'seq2seq' | 'classifier' | 'captioner';

/** One tensor of a file: its full name (with the file's prefix), dtype and shape. */
export interface TensorSummary { name: string; dtype: string; shape: number[] }

/** Shapes by name, under a prefix (a state_dict saved from a wrapper module: `model.encoder...`). */
export class TensorView {
  private readonly byName: Map<string, readonly number[]>;
  constructor(tensors: readonly TensorSummary[], readonly prefix: string) {
    this.byName = new Map(tensors.filter((t) => t.name.startsWith(prefix)).map((t) => [t.name.slice(prefix.length), t.shape]));
  }
  has(name: string): boolean { return this.byName.has(name); }
  shape(name: string): readonly number[] | undefined { return this.byName.get(name); }
  /** Dimension `i` of tensor `name`, or 0 when absent. */
  dim(name: string, i: number): number { return this.byName.get(name)?.[i] ?? 0; }
  /** Layers of an nn.RNN module: how many `<rnn>.weight_hh_l<k>` there are. */
  layers(rnn: string): number { let k = 0; while (this.has(`${rnn}.weight_hh_l${k}`)) k++; return k; }
  bidirectional(rnn: string): boolean { return this.has(`${rnn}.weight_ih_l0_reverse`); }
  /** 'lstm' (4H gate rows) or 'gru' (3H) from weight_hh (G, H). */
  cell(hh: string): 'lstm' | 'gru' { return this.dim(hh, 0) === 4 * this.dim(hh, 1) ? 'lstm' : 'gru'; }
  /** Whether a tensor name starts with `prefix`. */
  any(prefix: string): boolean { for (const n of this.byName.keys()) if (n.startsWith(prefix)) return true; return false; }
  /** A vocabulary or label list as inspect reports it: its size from dimension 0. */
  symbols(name: string): string { return `${this.dim(name, 0)} symbols`; }
  names(name: string): string { return `${this.dim(name, 0)} names`; }
}

/** A preset, or a paper's architecture under seqattn's own tensor names (`paper`: matched, never expanded). */
export interface PresetRecord {
  /** What a config's "architecture" names. */
  readonly name: string;
  readonly kind: ModelKind;
  /** The code whose saved state_dict the preset reads (a paper's architecture: the paper). */
  readonly source: string;
  /** A paper's architecture under seqattn's names: no fields, no name map; inspect names it, configs give it as is. */
  readonly paper?: true;
  /** Config fields the preset sets (JSON names; "architecture": the model it runs as); a config's own fields win. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** seqattn's tensor or module paths -> the project's (seq2seq presets: in their composition, compose/presets.ts). */
  readonly names: TensorNameMap;
  /** Tensor names (the project's) every file of this preset has; the first locates a common prefix. */
  readonly required: readonly string[];
  /** Names (or, ending in '.', module paths) whose presence rules the preset out. */
  readonly without?: readonly string[];
  /** Config fields the tensors' shapes fix (vocabularies as "N symbols"); {} when the names fit and the shapes do not. */
  infer(v: TensorView): Record<string, unknown>;
  /** What the config still needs that the file cannot say. */
  notes(v: TensorView): string[];
}

/** A record the tensors fit, under which prefix, and the fields their shapes fix (tensor_prefix for a wrapped state_dict). */
export interface RecordMatch { record: PresetRecord; view: TensorView; fields: Record<string, unknown>; notes: string[] }

/**
 * The records whose tensors a file has: every required name present under one common prefix (e.g.
 * `decoder.` when the module was saved inside a wrapper), none of `without`, and shapes that fit.
 */
export function matchPresetRecords(records: readonly PresetRecord[], tensors: readonly TensorSummary[]): RecordMatch[] {
  const out: RecordMatch[] = [];
  for (const r of records) {
    const anchor = r.required[0];
    const prefixes = new Set(tensors.filter((t) => t.name === anchor || t.name.endsWith(`.${anchor}`)).map((t) => t.name.slice(0, t.name.length - anchor.length)));
    for (const prefix of prefixes) {
      const v = new TensorView(tensors, prefix);
      if (!r.required.every((n) => v.has(n)) || (r.without ?? []).some((n) => (n.endsWith('.') ? v.any(n) : v.has(n)))) continue;
      const inferred = r.infer(v);
      if (Object.keys(inferred).length === 0) continue; // the names fit, the shapes do not (e.g. a GRU where the preset has an LSTM)
      out.push({ record: r, view: v, fields: { ...(prefix ? { tensor_prefix: prefix } : {}), ...inferred }, notes: r.notes(v) });
    }
  }
  return out;
}
