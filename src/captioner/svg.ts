/**
 * Where a captioner looked for each word: one heatmap of α_t over the feature grid (rows x cols,
 * the grid a_i came from, row-major) per output word, in reading order, `perRow` panels to a line,
 * in the manner of Xu et al. 2015, fig. 3. Colours (viridis, src/render/common.ts) are scaled to
 * each word's largest weight, as a picture of one image's attention usually is; the real α_ti is
 * in each cell's data-a and tooltip, and the largest under each panel.
 */
import { scaleHex, visible } from '../render/common.js';
import { esc } from '../render/svg.js';

/** What the grid picture reads: the caption's tokens and one row α_t (rows * cols weights) per token. */
export interface CaptionAttention { tokens: readonly string[]; attention: readonly ArrayLike<number>[] }

/** Layout of attentionGridToSvg. */
export interface GridSvgOptions {
  /** Side of one grid cell in px. Default: 112 / max(rows, cols), at least 2. */
  cellSize?: number;
  /** Panels per line. Default 6. */
  perRow?: number;
  /** A title line above the panels. */
  title?: string;
}

const PAD = 8, GAP = 12, FONT = 12;

/** The caption's attention over a rows x cols grid, one panel per word, as an SVG document. */
export function attentionGridToSvg(result: CaptionAttention, grid: { rows: number; cols: number }, options: GridSvgOptions = {}): string {
  const { rows, cols } = grid;
  const cell = options.cellSize ?? Math.max(2, Math.floor(112 / Math.max(rows, cols)));
  const perRow = Math.max(1, Math.min(options.perRow ?? 6, result.tokens.length));
  const panelW = cols * cell, panelH = rows * cell;
  const labelH = 2 * FONT + 8;
  const titleH = options.title ? FONT + 12 : 0;
  const lines = Math.ceil(result.tokens.length / perRow);
  const width = 2 * PAD + perRow * panelW + (perRow - 1) * GAP;
  const height = 2 * PAD + titleH + lines * (panelH + labelH) + (lines - 1) * GAP;
  const n = (x: number) => String(Math.round(x * 100) / 100);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" ` +
    `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT}">`);
  out.push(`<title>${esc(options.title ?? `attention over a ${rows} x ${cols} grid for each of ${result.tokens.length} words`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  if (options.title) out.push(`<text x="${PAD}" y="${PAD + FONT}" font-weight="bold">${esc(options.title)}</text>`);
  result.tokens.forEach((token, t) => {
    const a = result.attention[t];
    if (a.length !== rows * cols) throw new RangeError(`attention row ${t} has ${a.length} weights, expected ${rows} x ${cols} = ${rows * cols}`);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, a[i]);
    const x0 = PAD + (t % perRow) * (panelW + GAP);
    const y0 = PAD + titleH + Math.floor(t / perRow) * (panelH + labelH + GAP);
    out.push(`<g class="word" data-t="${t}" data-token="${esc(token)}">`);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const w = a[r * cols + c];
        out.push(`<rect class="cell" x="${n(x0 + c * cell)}" y="${n(y0 + r * cell)}" width="${cell}" height="${cell}" fill="${scaleHex(max > 0 ? w / max : 0)}" ` +
          `data-i="${r * cols + c}" data-a="${Number(w.toPrecision(6))}"><title>${esc(`${visible(token)} (${r}, ${c}): a = ${w.toFixed(4)}`)}</title></rect>`);
      }
    }
    out.push(`<rect x="${n(x0)}" y="${n(y0)}" width="${panelW}" height="${panelH}" fill="none" stroke="#888888" stroke-width="0.5"/>`);
    out.push(`<text x="${n(x0)}" y="${n(y0 + panelH + FONT + 2)}" font-weight="bold">${esc(visible(token))}</text>`);
    out.push(`<text x="${n(x0)}" y="${n(y0 + panelH + 2 * FONT + 4)}" fill="#555555">max a ${max.toFixed(3)}</text>`);
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
