/** Pictures of the alignment a_ij: an SVG heatmap and a terminal grid. No Node built-ins. */
export { attentionToSvg, type SvgOptions } from './svg.js';
export { attentionToText, type TextOptions } from './terminal.js';
export type { AttentionMatrix } from './common.js';
