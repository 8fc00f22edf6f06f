/**
 * A config checked against the JSON Schema of config-schema.ts by walking it: the subset that
 * schema uses (type, enum, const, properties, required, additionalProperties, items, minItems,
 * minimum, maximum, oneOf, $ref into $defs). A oneOf whose branches are objects with a `kind` const picks its
 * branch by the value's "kind". The first mismatch is an E_CONFIG naming the path; an unknown field
 * names the nearest valid ones. `partial`: required fields may be absent (a preset's overrides).
 */
import { CONFIG_SCHEMA, type JsonSchema } from './config-schema.js';
import { SeqattnError } from './errors.js';
import { hasOwn, preview } from './untrusted.js';
import { editDistance } from './weights.js';

type S = JsonSchema;
/** The valid names nearest to `name` (edit distance, then a shared word), best first. */
export function nearestNames(name: string, valid: readonly string[]): string[] {
  const scored = valid.map((v) => ({ v, d: editDistance(name.toLowerCase(), v.toLowerCase()) }));
  const close = scored.filter((s) => s.d <= Math.max(2, Math.floor(name.length / 3))).sort((x, y) => x.d - y.d).map((s) => s.v);
  const words = name.toLowerCase().split(/[_.\s-]+/).filter((w) => w.length > 2);
  const sharing = valid.filter((v) => !close.includes(v) && words.some((w) => v.toLowerCase().includes(w)));
  return [...close, ...sharing].slice(0, 3);
}

function resolve(s: S, root: S): S {
  const r = s.$ref as string | undefined;
  if (!r) return s;
  const name = r.replace('#/$defs/', '');
  return resolve((root.$defs as Record<string, S>)[name], root);
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
}
function typeFits(v: unknown, t: string): boolean {
  const k = typeOf(v);
  return k === t || (t === 'number' && k === 'integer');
}

/** Throws E_CONFIG `${where}: ...` at the first place `value` breaks `schema` (default: the whole config's). */
export function checkSchema(value: unknown, where: string, path = '', schema: S = CONFIG_SCHEMA as unknown as S, partial = false, root: S = CONFIG_SCHEMA as unknown as S): void {
  const s = resolve(schema, root);
  const at = path || 'the config';
  const fail = (msg: string): never => { throw new SeqattnError('E_CONFIG', `${where}: ${msg}`); };
  if (s.oneOf) return checkOneOf(value, where, path, s.oneOf as S[], partial, root);
  if ('const' in s && value !== s.const) fail(`"${at}" is ${preview(value)}, expected ${JSON.stringify(s.const)}`);
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type as string[] : [s.type as string];
  if ((types.length && !types.some((t) => typeFits(value, t))) || (s.enum && !(s.enum as unknown[]).includes(value))
    || (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum)
    || (typeof value === 'number' && typeof s.maximum === 'number' && value > s.maximum)) {
    const near = s.enum && typeof value === 'string' ? nearestNames(value, (s.enum as unknown[]).filter((e) => typeof e === 'string') as string[]) : [];
    fail(`"${at}" is ${preview(value)}, expected ${expected(s, types)}${near.length ? ` (nearest: "${near[0]}")` : ''}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`"${at}" has ${value.length} items, expected at least ${s.minItems}`);
    if (s.items) value.forEach((x, i) => checkSchema(x, where, `${path}[${i}]`, s.items as S, partial, root));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const props = (s.properties ?? {}) as Record<string, S>;
  for (const k of Object.keys(value)) {
    const sub = hasOwn(props, k) ? props[k] : s.additionalProperties;
    const p = path ? `${path}.${k}` : k;
    if (sub === false) {
      const valid = Object.keys(props);
      const near = nearestNames(k, valid);
      fail(`unknown field "${p}"${near.length ? `; nearest: ${near.map((n) => `"${n}"`).join(', ')}` : ''} (fields${path ? ` of "${path}"` : ''}: ${valid.join(', ')})`);
    }
    if (sub && typeof sub === 'object') checkSchema((value as Record<string, unknown>)[k], where, p, sub as S, partial, root);
  }
  if (!partial) {
    for (const k of (s.required ?? []) as string[]) if (!hasOwn(value, k)) fail(`"${at}" is missing "${k}"${props[k]?.description ? ` (${props[k].description})` : ''}`);
  }
}

/** What a schema expects, in the words of the config's other messages. */
function expected(s: S, types: string[]): string {
  if (s.enum) {
    const e = s.enum as unknown[], strings = e.filter((x) => typeof x === 'string');
    const bools = e.some((x) => typeof x === 'boolean') ? 'true or false' : '';
    const one = strings.length ? `one of ${strings.map((x) => `"${x}"`).join(', ')}` : '';
    return bools && one ? `${bools}, or ${one}` : bools || one;
  }
  const words: Record<string, string> = {
    integer: `an integer${typeof s.minimum === 'number' ? ` >= ${s.minimum}` : ''}${typeof s.maximum === 'number' ? ` and <= ${s.maximum} (limit of this field)` : ''}`, boolean: 'true or false', string: 'a string', null: 'null',
    array: 'an array', object: 'an object', number: 'a number',
  };
  return types.map((t) => words[t] ?? t).join(' or ');
}

function checkOneOf(value: unknown, where: string, path: string, branches: S[], partial: boolean, root: S): void {
  const at = path || 'the config';
  const resolved = branches.map((b) => resolve(b, root));
  const kinds = resolved.map((b) => ((b.properties as Record<string, S> | undefined)?.kind as S | undefined)?.const);
  if (kinds.every((k) => typeof k === 'string')) {
    // a discriminated union: the branch of value.kind
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SeqattnError('E_CONFIG', `${where}: "${at}" is ${preview(value)}, expected an object with "kind" one of ${kinds.map((k) => `"${k}"`).join(', ')}`);
    }
    const kind = (value as Record<string, unknown>).kind;
    const i = kinds.indexOf(kind as string);
    if (i < 0 && !(partial && kind === undefined)) {
      const near = typeof kind === 'string' ? nearestNames(kind, kinds as string[]) : [];
      throw new SeqattnError('E_CONFIG', `${where}: "${at}.kind" is ${preview(kind)}, expected one of ${kinds.map((k) => `"${k}"`).join(', ')}${near.length ? ` (nearest: "${near[0]}")` : ''}`);
    }
    if (i >= 0) return checkSchema(value, where, path, resolved[i], partial, root);
    // an override without "kind" merges into the preset's: its fields are checked once merged
    return;
  }
  const fits = resolved.filter((b) => b.type === undefined || typeFits(value, b.type as string));
  if (fits.length === 0) {
    throw new SeqattnError('E_CONFIG', `${where}: "${at}" is ${preview(value)}, expected ${resolved.map((b) => b.type ?? 'an object').join(' or ')}`);
  }
  checkSchema(value, where, path, fits[0], partial, root);
}

/** The schema of one $def (e.g. 'parts'). */
export function schemaDef(name: string): S {
  return (CONFIG_SCHEMA.$defs as unknown as Record<string, S>)[name];
}
