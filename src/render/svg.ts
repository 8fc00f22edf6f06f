/**
 * The alignment matrix a_ij as an SVG heatmap, in the manner of Bahdanau et al. 2015, fig. 3:
 * source tokens along x (top), output tokens along y (left), one <rect class="cell"> per
 * (output token i, source token j) with data-i, data-j, data-a = a_ij and a <title> tooltip,
 * and a colour-scale legend (viridis, 0..1) on the right. Plain XML: no scripts, no external refs.
 */
import { type AttentionMatrix, clamp01, luma, scaleColor, scaleHex, shapeOf, visible } from './common.js';

export interface SvgOptions {
  /** Side of one cell in px. Default 28. */
  cellSize?: number;
  /** Font size of the labels in px. Default 12. */
  fontSize?: number;
  /** A title line above the picture (also the SVG's accessible <title>). */
  title?: string;
  /** Write a_ij (2 decimals) inside each cell with a_ij >= 0.005. Default false. */
  values?: boolean;
  /** Prefix of the ids inside the SVG (the legend gradient), to keep several inline SVGs apart. Default 'seqattn'. */
  idPrefix?: string;
}

const AXIS = 16; // room for an axis title
const PAD = 8;

/**
 * Draws `result.attention` as a standalone SVG document (a string).
 * @example
 *   writeFileSync('attention.svg', attentionToSvg(model.translate('attention'), { title: 'attention' }));
 */
export function attentionToSvg(result: AttentionMatrix, options: SvgOptions = {}): string {
  const { Ty, Tx } = shapeOf(result);
  const cell = positive(options.cellSize ?? 28, 'cellSize');
  const font = positive(options.fontSize ?? 12, 'fontSize');
  const id = `${(options.idPrefix ?? 'seqattn').replace(/[^A-Za-z0-9_.-]/g, '_')}-scale`;
  const charW = 0.62 * font; // monospace advance, a little generous
  const rowLabels = result.tokens.map(visible);
  const colLabels = result.sourceTokens.map(visible);
  const rowChars = Math.max(1, ...rowLabels.map((l) => Array.from(l).length));
  // A column label that fits across its cell is written across, a longer one turned 90°.
  const fits = (l: string) => Array.from(l).length * charW <= cell - 2;
  const turnedChars = Math.max(0, ...colLabels.filter((l) => !fits(l)).map((l) => Array.from(l).length));

  const titleH = options.title ? font + 12 : 0;
  const colLabelH = Math.max(font, turnedChars * charW) + 6;
  const rowLabelW = rowChars * charW + 8;
  const gx = PAD + AXIS + rowLabelW;
  const gy = PAD + titleH + AXIS + colLabelH;
  const gridW = Tx * cell;
  const gridH = Ty * cell;
  const barH = Math.max(gridH, 5 * font);
  const lx = gx + gridW + 16;
  const titleW = options.title ? 2 * PAD + Array.from(options.title).length * charW * 1.1 : 0; // bold is wider
  const width = Math.max(lx + 12 + 6 + 4 * charW + PAD, titleW);
  const height = gy + barH + PAD;
  const n = (x: number) => String(Math.round(x * 100) / 100);

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" ` +
    `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${n(font)}">`);
  out.push(`<title>${esc(options.title ?? `attention: ${Ty} output tokens x ${Tx} source tokens`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  if (options.title) out.push(`<text x="${n(PAD)}" y="${n(PAD + font)}" font-weight="bold">${esc(options.title)}</text>`);

  // Axis titles.
  out.push(`<text class="axis" x="${n(gx + gridW / 2)}" y="${n(PAD + titleH + font)}" text-anchor="middle" fill="#555555">source</text>`);
  out.push(`<text class="axis" transform="translate(${n(PAD + font)} ${n(gy + gridH / 2)}) rotate(-90)" text-anchor="middle" fill="#555555">output</text>`);

  // Source labels along x, output labels along y.
  out.push(`<g class="source-labels">`);
  colLabels.forEach((l, j) => {
    const cx = gx + (j + 0.5) * cell;
    out.push(fits(l)
      ? `<text x="${n(cx)}" y="${n(gy - 6)}" text-anchor="middle">${esc(l)}</text>`
      : `<text transform="translate(${n(cx + font / 3)} ${n(gy - 4)}) rotate(-90)" text-anchor="start">${esc(l)}</text>`);
  });
  out.push(`</g>`);
  out.push(`<g class="output-labels">`);
  rowLabels.forEach((l, i) => {
    out.push(`<text x="${n(gx - 6)}" y="${n(gy + (i + 0.5) * cell + font / 3)}" text-anchor="end">${esc(l)}</text>`);
  });
  out.push(`</g>`);

  // One rect per (i, j).
  out.push(`<g class="cells">`);
  for (let i = 0; i < Ty; i++) {
    for (let j = 0; j < Tx; j++) {
      const a = result.attention[i][j];
      const x = gx + j * cell;
      const y = gy + i * cell;
      out.push(`<rect class="cell" x="${n(x)}" y="${n(y)}" width="${n(cell)}" height="${n(cell)}" fill="${scaleHex(a)}" ` +
        `data-i="${i}" data-j="${j}" data-a="${num(a)}"><title>${esc(`${rowLabels[i]} ← ${colLabels[j]}: a = ${a.toFixed(3)}`)}</title></rect>`);
      if (options.values && a >= 0.005) {
        const ink = luma(scaleColor(a)) > 0.5 ? '#000000' : '#ffffff';
        out.push(`<text x="${n(x + cell / 2)}" y="${n(y + cell / 2 + font * 0.3)}" text-anchor="middle" font-size="${n(Math.min(font, cell * 0.36))}" fill="${ink}">${clamp01(a).toFixed(2).replace(/^0\./, '.')}</text>`);
      }
    }
  }
  out.push(`</g>`);
  out.push(`<rect x="${n(gx)}" y="${n(gy)}" width="${n(gridW)}" height="${n(gridH)}" fill="none" stroke="#888888" stroke-width="0.5"/>`);

  // Legend: the colour scale from 0 (bottom) to 1 (top).
  out.push(`<g class="legend">`);
  out.push(`<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">` +
    Array.from({ length: 9 }, (_, k) => `<stop offset="${n(k / 8)}" stop-color="${scaleHex(k / 8)}"/>`).join('') + `</linearGradient></defs>`);
  out.push(`<text x="${n(lx)}" y="${n(gy - font)}">a_ij</text>`);
  out.push(`<rect x="${n(lx)}" y="${n(gy)}" width="12" height="${n(barH)}" fill="url(#${id})" stroke="#888888" stroke-width="0.5"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = gy + (1 - t) * barH;
    out.push(`<line x1="${n(lx + 12)}" y1="${n(y)}" x2="${n(lx + 15)}" y2="${n(y)}" stroke="#555555" stroke-width="0.5"/>` +
      `<text x="${n(lx + 18)}" y="${n(y + font / 3)}">${t === 0 || t === 1 ? String(t) : String(t).replace(/^0/, '')}</text>`);
  }
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}

function positive(x: number, name: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new RangeError(`${name} must be a number > 0, got ${x}`);
  return x;
}

/** a_ij for data-a: 6 significant digits, plain decimal or exponent form. */
function num(a: number): string {
  return Number.isFinite(a) ? String(Number(a.toPrecision(6))) : String(a);
}

/** Text or attribute value for XML 1.0: markup characters as entities, characters XML forbids as U+FFFD. */
export function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
