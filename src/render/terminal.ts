/**
 * The alignment matrix a_ij as text for a terminal: output tokens down, source tokens across,
 * one cell per (output token i, source token j), shaded ' ░▒▓█' by a_ij or, with `color`,
 * coloured with 256-colour backgrounds on the viridis scale.
 *
 *                          <
 *                          /
 *                          s
 *          a t t e n t i o n >
 *      AH0 ██
 *      T     ▓▓░░
 */
import { type AttentionMatrix, clamp01, displayWidth, scaleColor, shapeOf, visible } from './common.js';

export interface TextOptions {
  /** 256-colour backgrounds (ANSI `ESC[48;5;Nm`, viridis) instead of shade characters. Default false. */
  color?: boolean;
  /** Terminal columns per cell, at least 1. Default: wide enough for the source labels (2..6). */
  cellWidth?: number;
  /** Shade characters from a = 0 to a = 1 (at least 2). Default ' ░▒▓█'. */
  shades?: string;
  /** A line under the grid saying what the shades or colours mean. Default true. */
  legend?: boolean;
}

const DEFAULT_SHADES = ' ░▒▓█';
/** Default cells are at most this wide plus one; longer source labels are written vertically. */
const MAX_HORIZONTAL_LABEL = 5;
/** Vertical labels are cut to this many characters. */
const MAX_VERTICAL_LABEL = 12;

/**
 * Draws `result.attention` as a grid of text lines (joined by '\n', no final newline).
 * Weights are shown on the absolute scale 0..1 (each row sums to 1), not normalised per row.
 * @example
 *   console.log(attentionToText(model.translate('attention'), { color: process.stdout.hasColors?.(256) }));
 */
export function attentionToText(result: AttentionMatrix, options: TextOptions = {}): string {
  const { Ty, Tx } = shapeOf(result);
  const shades = Array.from(options.shades ?? DEFAULT_SHADES);
  if (shades.length < 2) throw new RangeError(`shades must have at least 2 characters, got ${JSON.stringify(options.shades)}`);
  if (shades.some((s) => displayWidth(s) !== 1)) throw new RangeError(`shades must be characters one column wide, got ${JSON.stringify(options.shades)}`);

  const rowLabels = result.tokens.map(visible);
  const colLabels = result.sourceTokens.map(visible);
  const rowW = Math.max(0, ...rowLabels.map(displayWidth));
  let cell: number;
  if (options.cellWidth !== undefined) {
    if (!Number.isInteger(options.cellWidth) || options.cellWidth < 1) throw new RangeError(`cellWidth must be an integer >= 1, got ${options.cellWidth}`);
    cell = options.cellWidth;
  } else {
    // Wide enough for the ordinary labels (specials like </s> may go down instead): 2 for characters.
    const ordinary = colLabels.filter((l) => !/^<.+>$/.test(l));
    const w = Math.max(1, ...(ordinary.length ? ordinary : colLabels).map(displayWidth));
    cell = w <= 1 ? 2 : Math.min(MAX_HORIZONTAL_LABEL + 1, w + 1);
  }
  const indent = ' '.repeat(rowW + 1);
  const lines: string[] = [];

  // Column labels: across when a label fits its cell (with a space after it, unless it is one
  // character), else down, one character per line, ending on the line above the grid.
  const across = (l: string) => displayWidth(l) <= (Array.from(l).length === 1 ? cell : cell - 1);
  const down = colLabels.map((l) => {
    if (across(l)) return [l];
    const cs = Array.from(l);
    return cs.length > MAX_VERTICAL_LABEL ? [...cs.slice(0, MAX_VERTICAL_LABEL - 1), '…'] : cs;
  });
  const h = Math.max(1, ...down.map((cs) => cs.length));
  for (let r = 0; r < h; r++) {
    lines.push((indent + down.map((cs) => padEnd(cs[r - (h - cs.length)] ?? '', cell)).join('')).trimEnd());
  }

  const paint = options.color
    ? (a: number) => `\x1b[48;5;${xterm256(scaleColor(a))}m${' '.repeat(cell)}\x1b[0m`
    : (a: number) => shades[Math.round(clamp01(a) * (shades.length - 1))].repeat(cell);
  for (let i = 0; i < Ty; i++) {
    let line = padEnd(rowLabels[i], rowW) + ' ';
    for (let j = 0; j < Tx; j++) line += paint(result.attention[i][j]);
    lines.push(line);
  }

  if (options.legend ?? true) {
    if (options.color) {
      const ramp = Array.from({ length: 12 }, (_, k) => `\x1b[48;5;${xterm256(scaleColor(k / 11))}m \x1b[0m`).join('');
      lines.push(`${indent}a_ij: 0 ${ramp} 1`);
    } else {
      // Shade k stands for weights that round to k / (n - 1).
      const n = shades.length;
      const parts = shades.slice(1).map((s, k) => `${s} ≥${fmt((k + 0.5) / (n - 1))}`);
      lines.push(`${indent}a_ij: ${parts.join('  ')}`);
    }
  }
  return lines.join('\n');
}

function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function fmt(x: number): string {
  return x.toFixed(3).replace(/0+$/, '').replace(/^0\./, '.');
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** The xterm 256-colour index nearest to an RGB colour: the 6x6x6 cube (16..231) or the grey ramp (232..255). */
export function xterm256([r, g, b]: [number, number, number]): number {
  const nearest = (v: number) => CUBE.reduce((best, c, k) => (Math.abs(c - v) < Math.abs(CUBE[best] - v) ? k : best), 0);
  const [cr, cg, cb] = [nearest(r), nearest(g), nearest(b)];
  const d2 = (x: number, y: number, z: number) => (x - r) ** 2 + (y - g) ** 2 + (z - b) ** 2;
  const cube = d2(CUBE[cr], CUBE[cg], CUBE[cb]);
  const k = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const grey = 8 + 10 * k;
  return d2(grey, grey, grey) < cube ? 232 + k : 16 + 36 * cr + 6 * cg + cb;
}
