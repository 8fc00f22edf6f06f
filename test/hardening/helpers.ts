// Shared by the hardening tests: the bundled g2p-en file with its header rewritten, cheaply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '../../src/safetensors.js';

export const root = join(import.meta.dirname, '..', '..');
export const g2pPath = join(root, 'models', 'g2p-en', 'model.safetensors');
export const g2pBytes: Uint8Array = readFileSync(g2pPath);

/**
 * A safetensors file from a header object (or its raw JSON text) and a data section, as the format
 * lays them out; `lengthField` [low, high] u32 halves replace the true header length.
 */
export function withHeader(header: unknown, data: Uint8Array, rawHeader?: string, lengthField?: [number, number]): Uint8Array {
  const json = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, lengthField ? lengthField[0] : json.length, true);
  dv.setUint32(4, lengthField ? lengthField[1] : 0, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The header and data section of a safetensors file. */
export function split(bytes: Uint8Array): { header: Record<string, any>; data: Uint8Array } {
  const f = readSafetensors(bytes);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, f.dataStart)));
  return { header, data: bytes.subarray(f.dataStart) };
}

/** g2p-en with `edit` applied to its config (in __metadata__.seqattn); the tensors as they are. */
export function g2pWithConfig(edit: (config: Record<string, any>) => void): Uint8Array {
  const { header, data } = split(g2pBytes);
  const config = JSON.parse(header.__metadata__.seqattn);
  edit(config);
  header.__metadata__.seqattn = JSON.stringify(config);
  return withHeader(header, data);
}
