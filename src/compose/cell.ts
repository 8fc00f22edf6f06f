/**
 * One recurrent layer of either cell, behind one interface, so the encoder and the decoder of a
 * composition are written once for GRU and LSTM:
 *   GRU  (layers/gru.ts):  h' = GRU(x, h)            gates r, z, n (3H rows)
 *   LSTM (layers/lstm.ts): h', c' = LSTM(x, (h, c))  gates i, f, g, o (4H rows)
 * The kernels are the layers' own (fused gate updates over precomputed W_ih x + b_ih).
 */
import type { GruConvention } from '../config.js';
import { GRU, gruScratch, type GruScratch } from '../layers/gru.js';
import type { WeightFormat } from '../layers/linear.js';
import { LSTM, lstmScratch, type LstmScratch } from '../layers/lstm.js';
import type { Regions } from '../memory.js';
import type { WeightStore } from '../weights.js';
import type { Cell } from './description.js';

/** Scratch of `rows` steps of one cell kind. Owned by a decode state. */
export type CellScratch = GruScratch & LstmScratch;

export function cellScratch(regions: Regions, cell: Cell, H: number, rows = 1): CellScratch {
  return cell === 'gru' ? gruScratch(regions, H, rows) as CellScratch : { ...lstmScratch(regions, H, rows), rh: 0, z: 0 };
}

/** Gate rows per unit: 3 (GRU) or 4 (LSTM). */
export function gates(cell: Cell): number {
  return cell === 'gru' ? 3 : 4;
}

export class RecurrentLayer {
  private constructor(private readonly gru: GRU | null, private readonly lstm: LSTM | null, readonly H: number) {}

  /** `<name>.weight_ih<suffix>` etc.; `withInput = false` when an EmbeddedInputProjection computes W_ih x + b_ih. */
  static load(regions: Regions, w: WeightStore, cell: Cell, name: string, suffix: string, inputSize: number, H: number,
    convention: GruConvention, withInput: boolean, f: WeightFormat): RecurrentLayer {
    return cell === 'gru'
      ? new RecurrentLayer(GRU.load(regions, w, name, suffix, inputSize, H, convention, withInput, f), null, H)
      : new RecurrentLayer(null, LSTM.load(regions, w, name, suffix, inputSize, H, withInput, f), H);
  }

  /** gi (T, G) = X (T, in) W_ih^T + b_ih. */
  inputProjections(gi: number, X: number, T: number): void {
    if (this.gru) this.gru.inputProjections(gi, X, T);
    else this.lstm!.inputProjections(gi, X, T);
  }

  /** h (and c for an LSTM) (n, H) from gi (n, G) and the previous state; h may alias hPrev, c cPrev. */
  step(h: number, c: number, gi: number, hPrev: number, cPrev: number, s: CellScratch, n = 1): void {
    if (this.gru) this.gru.step(h, gi, hPrev, s, n);
    else this.lstm!.step(h, c, gi, hPrev, cPrev, s, n);
  }
}
