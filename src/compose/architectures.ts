/**
 * The composition of every text architecture name a config may give: the papers' (src/models) and
 * the presets of popular implementations (presets.ts). The loader, the config's overrides and
 * `seqattn inspect` read this one table.
 */
import type { Architecture, ModelConfig, Preset } from '../config.js';
import { rnnsearch } from '../models/bahdanau.js';
import { cho } from '../models/cho.js';
import { luong } from '../models/luong.js';
import { pytorchTutorial } from '../models/pytorch-tutorial.js';
import { sutskever } from '../models/sutskever.js';
import type { Composition } from './description.js';
import { presetComposition } from './presets.js';

const preset = (c: ModelConfig) => presetComposition(c as ModelConfig & { architecture: Preset });

/** Architecture name -> its composition from the config's fields ('composed': the config's own "parts"). */
export const COMPOSITIONS: Record<Exclude<Architecture, 'show-attend-tell'>, (c: ModelConfig) => Composition> = {
  cho, sutskever, 'pytorch-tutorial': pytorchTutorial, bahdanau: rnnsearch, luong,
  'bentrevett-1': preset, 'bentrevett-2': preset, 'bentrevett-3': preset, 'pytorch-chatbot': preset, 'opennmt-rnn': preset,
  'pytorch-tutorial-location': preset,
  composed: (c) => c.parts!,
};

/** The composition a parsed config describes: its "parts" (given, or a preset's with overrides), else its architecture's. */
export function compositionOf(c: ModelConfig): Composition {
  if (c.parts) return c.parts;
  if (c.architecture === 'show-attend-tell') throw new Error('show-attend-tell is not a composition');
  return COMPOSITIONS[c.architecture](c);
}
