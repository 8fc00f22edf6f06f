/**
 * What the attention renderers share: the input they read, label clean-up, and the colour scale.
 * No Node built-ins here: the renderers run in a browser too.
 */
import type { Translation } from '../model.js';

/** The part of a Translation a picture needs: a_ij rows (one per output token) over the source tokens. */
export type AttentionMatrix = Pick<Translation, 'attention' | 'tokens' | 'sourceTokens'>;

/** Checks the matrix is (tokens.length, sourceTokens.length) and returns its size. */
export function shapeOf(m: AttentionMatrix): { Ty: number; Tx: number } {
  const Ty = m.tokens.length;
  const Tx = m.sourceTokens.length;
  if (m.attention.length !== Ty) throw new RangeError(`attention has ${m.attention.length} rows, expected one per output token (${Ty})`);
  if (Ty > 0 && Tx > 0 && m.attention.every((row) => row.length === 0)) {
    throw new RangeError('the attention rows are empty: the model has no attention (cho, sutskever; model.attends is false), there is nothing to draw');
  }
  m.attention.forEach((row, i) => {
    if (row.length !== Tx) throw new RangeError(`attention row ${i} has ${row.length} weights, expected one per source token (${Tx})`);
  });
  return { Ty, Tx };
}

/** A symbol as it can be shown: whitespace as ␣ / ⇥ / ↵, other control characters as U+FFFD, empty as ∅. */
export function visible(symbol: string): string {
  if (symbol === '') return '∅';
  return symbol.replace(/[\s\p{Cc}\p{Cs}]/gu, (c) => c === ' ' ? '␣' : c === '\t' ? '⇥' : c === '\n' || c === '\r' ? '↵' : /\s/.test(c) ? '␣' : '\uFFFD');
}

/** Terminal columns of a string: 2 for East Asian wide and most emoji, 0 for combining marks, else 1. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (/\p{Mn}|\p{Me}|\u200B|\u200D/u.test(ch)) continue;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

/** Clamps a weight to [0, 1] (NaN -> 0). */
export const clamp01 = (a: number): number => (a > 0 ? (a < 1 ? a : 1) : 0);

// Viridis (matplotlib), 9 stops from a = 0 to 1: perceptually uniform, readable in grey and by most colour-blind readers.
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** The colour of weight a in [0, 1] on the viridis scale, as [r, g, b] in 0..255. */
export function scaleColor(a: number): [number, number, number] {
  const x = clamp01(a) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const t = x - k;
  const [p, q] = [VIRIDIS[k], VIRIDIS[k + 1]];
  return [0, 1, 2].map((c) => Math.round(p[c] + (q[c] - p[c]) * t)) as [number, number, number];
}

/** '#rrggbb' of scaleColor(a). */
export function scaleHex(a: number): string {
  return '#' + scaleColor(a).map((c) => c.toString(16).padStart(2, '0')).join('');
}

/** Perceived lightness of a colour in [0, 1] (Rec. 709 luma), to choose black or white text on it. */
export function luma([r, g, b]: [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
