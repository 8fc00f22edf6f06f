/**
 * Weights by PyTorch state_dict name, from one or more safetensors files. A file may carry a
 * prefix, so the tutorial's two files (encoder.state_dict(), decoder.state_dict()) load as
 * `encoder.*` and `decoder.*`. Every read checks presence, shape and finiteness, with errors
 * naming the file and the tensor (see SafetensorsFile.float32). An int8 tensor (I8 with its
 * `.scale`, src/quantized.ts) reads as its dequantised values, and int8 Linears take its Q and s.
 */
import { SeqattnError } from './errors.js';
import { readInt8Tensor, recordRead, type TensorRead } from './quantized.js';
import type { SafetensorsFile } from './safetensors.js';

export interface WeightFile { file: SafetensorsFile; prefix: string }

export class WeightStore {
  /** Every float32 read, in order, by file and local name (quantizeModel: which tensors int8 Linears took whole). */
  readonly reads: { file: SafetensorsFile; read: TensorRead }[] = [];

  constructor(private readonly files: WeightFile[], private readonly namePrefix = '') {}

  private locate(name: string): { file: SafetensorsFile; local: string } | null {
    const full = this.namePrefix + name;
    for (const { file, prefix } of this.files) {
      if (full.startsWith(prefix) && file.has(full.slice(prefix.length))) return { file, local: full.slice(prefix.length) };
    }
    return null;
  }

  has(name: string): boolean { return this.locate(name) !== null; }

  /** The tensor `name` as f32, checked against `shape` (`why` explains the expected shape). */
  float32(name: string, shape: number[], why?: string): Float32Array {
    const hit = this.locate(name);
    if (!hit) {
      // Let the file say what it has: SafetensorsFile.float32 lists similar names.
      const first = this.files[0];
      if (!first) throw new SeqattnError('E_TENSOR_MISSING', `no weight files given, needed tensor '${name}'`);
      const full = this.namePrefix + name;
      const local = full.startsWith(first.prefix) ? full.slice(first.prefix.length) : full;
      return first.file.float32(local, shape, why);
    }
    const rows = shape.length ? shape[0] : 1, cols = shape.slice(1).reduce((a, b) => a * b, 1);
    if (hit.file.info(hit.local).dtype === 'I8') {
      const t = readInt8Tensor(hit.file, hit.local, shape, why);
      this.reads.push({ file: hit.file, read: recordRead(hit.local, t.values, rows, cols, t.q) });
      return t.values;
    }
    const values = hit.file.float32(hit.local, shape, why);
    this.reads.push({ file: hit.file, read: recordRead(hit.local, values, rows, cols, null) });
    return values;
  }
}
