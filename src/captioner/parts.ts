/**
 * The parts of a show-attend-tell captioner that differ between implementations, read from its
 * config (docs/classifiers.md, "The captioner's parts"):
 *
 *   e_ti = w^T act(W_a a_i + b_a + W_h h_{t-1} + b_h) + b_w      act: tanh (Xu et al. eq. (4)) or relu
 *   ẑ_t  = β_t ⊙ Σ_i α_ti a_i,  β_t = σ(f_β(h_{t-1}))            gate: none, scalar (f_β: H -> 1, the
 *                                                                 paper) or per channel (f_β: H -> D)
 *   h_0, c_0 = act(f_init,h(mean_i a_i)), act(f_init,c(...))     act: tanh (sec. 3.1.2) or none
 *
 * A captioner preset (src/captioner/presets.ts), named as the config's "architecture", sets these
 * and the tensor names of one project.
 */
import { SeqattnError } from '../errors.js';
import type { PresetRecord } from '../preset-record.js';
import { expandPreset, presetNames } from '../presets.js';
import { checkTensorNameMap, type TensorNameMap } from '../tensor-names.js';

/** Which additive-attention layers have a bias: W_a (annotation, b in eq. (4)), W_h (query), w (energy). */
export interface AttentionBiases { annotation: boolean; query: boolean; energy: boolean }

/** The captioner's parts (ModelConfig.captioner). */
export interface CaptionerParts {
  attentionActivation: 'tanh' | 'relu';
  attentionBiases: AttentionBiases;
  /** none: β_t = 1; scalar: β_t = σ(f_β(h_{t-1})) one number (Xu et al. sec. 4.2.1); channel: one per feature channel. */
  gate: 'none' | 'scalar' | 'channel';
  /** h_0, c_0 = tanh(f_init(mean a)) (the paper) or f_init(mean a). */
  initActivation: 'tanh' | 'none';
  /** The preset the config's "architecture" named (src/captioner/presets.ts), or null. */
  preset: string | null;
  /** seqattn's tensor names -> the file's: the preset's map, then the config's "tensor_names". */
  tensorNames: TensorNameMap;
}

/** Config fields only a captioner reads (the others reject them). */
export const CAPTIONER_FIELDS = ['feature_size', 'gate', 'attention_activation', 'attention_biases', 'init_activation'] as const;

const BIASES = ['annotation', 'query', 'energy'] as const;

/** A config naming a captioner preset, expanded (src/presets.ts expandPreset). */
export const expandCaptionerPreset = (raw: Record<string, unknown>, where: string) => expandPreset(raw, 'captioner', where);

/** The captioner's parts from a config (preset already expanded); `fail` throws E_CONFIG naming the field. */
export function parseCaptionerParts(c: Record<string, unknown>, where: string, preset: PresetRecord | null): CaptionerParts {
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], dflt: T): T => {
    const v = c[key] ?? dflt;
    if (!allowed.includes(v as T)) fail(`"${key}" is ${JSON.stringify(v)}, expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return v as T;
  };
  const g = c.gate ?? true; // true / false: the paper's scalar gate or none (the older boolean form)
  if (typeof g !== 'boolean' && !['none', 'scalar', 'channel'].includes(g as string)) {
    fail(`"gate" is ${JSON.stringify(g)}, expected true or false, or one of "none", "scalar", "channel"`);
  }
  const gate = g === true ? 'scalar' : g === false ? 'none' : g as CaptionerParts['gate'];
  const b = c.attention_biases ?? ['annotation'];
  if (!Array.isArray(b) || b.some((x) => !BIASES.includes(x))) {
    fail(`"attention_biases" is ${JSON.stringify(b)}, expected a list of ${BIASES.map((x) => `"${x}"`).join(', ')}`);
  }
  const list = b as string[];
  return {
    attentionActivation: oneOf('attention_activation', ['tanh', 'relu'] as const, 'tanh'),
    attentionBiases: { annotation: list.includes('annotation'), query: list.includes('query'), energy: list.includes('energy') },
    gate,
    initActivation: oneOf('init_activation', ['tanh', 'none'] as const, 'tanh'),
    preset: preset ? preset.name : null,
    tensorNames: { ...preset?.names, ...(c.tensor_names === undefined ? {} : checkTensorNameMap(c.tensor_names, where)) },
  };
}

/** The captioner presets' names, for messages. */
export const CAPTIONER_PRESET_NAMES = presetNames('captioner');
