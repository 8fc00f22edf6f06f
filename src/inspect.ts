/**
 * `seqattn inspect`: what a weights file holds and which presets could read it. From the tensor
 * names and shapes alone it lists the architectures / presets whose names the file has, with the
 * config fields their shapes fix (sizes, layers, directions, attention kind), so that a user
 * writes a config in a minute. Platform-free; the CLI (src/cli-inspect.ts) adds paths.
 *
 * Every kind's presets are preset records (src/preset-record.ts, the registry src/presets.ts); other
 * matchers plug in with a PresetMatcher.
 */
import { compositionOf } from './compose/architectures.js';
import { proposeParts, type PartsProposal } from './compose/infer.js';
import { compositionToParts, tensorsRead } from './compose/parts.js';
import { parseConfig } from './config.js';
import { matchPresetRecords, TensorView, type ModelKind, type TensorSummary } from './preset-record.js';
import { matchClassifierPresets } from './presets.js';
import { SEQ2SEQ_RECORDS } from './seq2seq-presets.js';
import { SeqattnError } from './errors.js';
import type { SafetensorsFile } from './safetensors.js';
import { cut, deeperThan, MAX_JSON_DEPTH } from './untrusted.js';

export type { TensorSummary };

/** A preset or architecture the tensors fit, and the config fields they fix. */
export interface PresetMatch {
  /** The config's "architecture". */
  architecture: string;
  kind: ModelKind;
  /** Config fields inferred from names and shapes (snake_case, as in the config JSON). */
  fields: Record<string, unknown>;
  /** What the config still needs, or what the file cannot say (e.g. the GRU convention). */
  notes: string[];
  /** seq2seq: the preset's parts with these fields (docs/parts.md), to start overrides from. */
  parts?: unknown;
}

/** Finds the presets a tensor list fits (matchSeq2SeqPresets; src/presets.ts matchClassifierPresets, the classifiers' and captioners'). */
export type PresetMatcher = (tensors: readonly TensorSummary[]) => PresetMatch[];

/**
 * A preset's composition for the fields inspect found (vocabularies stand-ins of their sizes), as
 * parts, and the tensors it reads that the file lacks (the same record the loader reads); undefined
 * if the fields do not make a config.
 */
function presetParts(architecture: string, fields: Record<string, unknown>, v: TensorView): { parts: unknown; lacking: string[] } | undefined {
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
  return matchPresetRecords(SEQ2SEQ_RECORDS, tensors).map(({ record, view, fields, notes }) => {
    const composed = presetParts(record.name, fields, view);
    const lacking = composed?.lacking.length ? [`the preset also reads ${composed.lacking.slice(0, 6).map((n) => `'${n}'`).join(', ')}${composed.lacking.length > 6 ? ` and ${composed.lacking.length - 6} more` : ''}, which the file lacks`] : [];
    return { architecture: record.name, kind: record.kind, fields, notes: [...notes, ...lacking], ...(composed ? { parts: composed.parts } : {}) };
  });
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
    const kinds = [...new Set(r.matches.map((m) => m.kind))];
    for (const kind of kinds) lines.push(`  ${closingHint(kind, kinds.length > 1)}`);
  }
  return `${lines.join('\n')}\n`;
}
