/**
 * Every preset and paper architecture of every model kind, as one list of preset records
 * (src/preset-record.ts): the seq2seq ones (src/seq2seq-presets.ts), the classifiers'
 * (src/classifier/presets.ts) and the captioner's (src/captioner/presets.ts). The classifier and
 * captioner config parsers expand a preset from `presetRecord`; `seqattn inspect` matches files
 * against `PRESET_RECORDS` (matchSeq2SeqPresets in src/inspect.ts, matchClassifierPresets here).
 */
import { CAPTIONER_PRESETS, SHOW_ATTEND_TELL } from './captioner/presets.js';
import { CLASSIFIER_PRESETS as CLASSIFIERS, PAPER_CLASSIFIERS } from './classifier/presets.js';
import { SeqattnError } from './errors.js';
import { matchPresetRecords, type ModelKind, type PresetRecord, type TensorSummary } from './preset-record.js';
import { SEQ2SEQ_RECORDS } from './seq2seq-presets.js';

/** The classifier and captioner records, in the order inspect lists them: the papers' first. */
const IMAGE_AND_CLASSIFIER_RECORDS: readonly PresetRecord[] = [...PAPER_CLASSIFIERS, SHOW_ATTEND_TELL, ...Object.values(CAPTIONER_PRESETS), ...Object.values(CLASSIFIERS)];

/** Every record: seq2seq, classifier, captioner. */
export const PRESET_RECORDS: readonly PresetRecord[] = [...SEQ2SEQ_RECORDS, ...IMAGE_AND_CLASSIFIER_RECORDS];

/** Every classifier and captioner preset (not the papers'), by name. */
export const CLASSIFIER_PRESETS: Readonly<Record<string, PresetRecord>> = { ...CAPTIONER_PRESETS, ...CLASSIFIERS };

/** A classifier or captioner preset. */
export type ClassifierPreset = PresetRecord;

/** The preset (not a paper's architecture) of that name among `kinds`, or undefined. */
export function presetRecord(name: unknown, kinds: readonly ModelKind[] = ['classifier', 'captioner']): PresetRecord | undefined {
  if (typeof name !== 'string') return undefined;
  return PRESET_RECORDS.find((r) => r.name === name && !r.paper && kinds.includes(r.kind));
}

/**
 * A config whose "architecture" names a preset of `kind` (classifier or captioner), as the model it
 * runs as with the preset's fields filled in (the config's own win), and the preset; a config naming
 * no such preset as it is. A preset of the other kind is an E_CONFIG naming the loader that reads it.
 */
export function expandPreset(raw: Record<string, unknown>, kind: 'classifier' | 'captioner', where: string): { config: Record<string, unknown>; preset: PresetRecord | null } {
  const preset = presetRecord(raw.architecture);
  if (!preset) return { config: raw, preset: null };
  if (preset.kind !== kind) {
    throw new SeqattnError('E_CONFIG', `${where}: "architecture" ${JSON.stringify(preset.name)} is a ${preset.kind} preset: load it with ${preset.kind === 'classifier' ? 'loadClassifier' : 'loadModel'}`);
  }
  return { config: { ...preset.fields, ...raw, architecture: preset.fields.architecture }, preset };
}

/** The names of the presets of one kind, for messages. */
export function presetNames(kind: ModelKind): string[] {
  return PRESET_RECORDS.filter((r) => r.kind === kind && !r.paper).map((r) => r.name);
}

/** A tensor as `seqattn inspect` lists it. */
export type TensorDescription = TensorSummary;

/** A preset a file could be, with the config fields its tensors fix (the shape of `seqattn inspect`'s matches). */
export interface PresetCandidate {
  /** The preset's name, which is the config's "architecture". */
  name: string;
  architecture: string;
  kind: 'classifier' | 'captioner';
  /** Config fields inferred from names and shapes (sizes, layers; vocabularies as "N symbols"); tensor_prefix for a wrapped state_dict. */
  fields: Record<string, unknown>;
  /** What the config still needs that the file cannot say. */
  notes: string[];
}

/**
 * The classifier and captioner presets and papers' architectures whose tensors a file has: every
 * required name present, under one common prefix (e.g. `decoder.` when the module was saved inside
 * a wrapper; set as `tensor_prefix`), with the config fields the shapes fix.
 * @example matchClassifierPresets(tensors) // [{ name: 'sgrvinod-han', architecture: 'sgrvinod-han', kind: 'classifier', fields: {...}, notes: [...] }]
 */
export function matchClassifierPresets(tensors: readonly TensorDescription[]): PresetCandidate[] {
  return matchPresetRecords(IMAGE_AND_CLASSIFIER_RECORDS, tensors).map(({ record, fields, notes }) =>
    ({ name: record.name, architecture: record.name, kind: record.kind as PresetCandidate['kind'], fields, notes }));
}
