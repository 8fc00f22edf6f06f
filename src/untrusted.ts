/**
 * Reading values that come from outside (a file's header, a config, an option object): own
 * properties only, and bounded quotes of them in error messages. Nothing here recurses, so a
 * value nested 100,000 deep costs no more than a flat one.
 */

/** Longest quote of a value in an error message, in characters (an ellipsis marks the cut). */
export const QUOTE_CHARS = 80;

/** Whether `o` has `k` as its own property (not from its prototype). */
export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `o[key]` when `o` has it as its own property, else undefined: Object.prototype never configures anything. */
export function own(o: object, key: string): unknown {
  return hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * The own enumerable properties of `o` in a null-prototype object, so that reading a key it lacks
 * gives undefined even when Object.prototype has that key.
 */
export function ownRecord(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(o)) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/**
 * A JSON.stringify-like quote of `v` (compact) cut to `max` characters (then `…`): strings quoted, arrays and objects
 * written out until the budget runs out. Iterative, and it reads at most about `max` elements of any
 * array or object, so any depth and any size cost O(max). Own enumerable properties only.
 */
export function preview(v: unknown, max: number = QUOTE_CHARS): string {
  let out = '';
  // work items: a value to write, or a literal piece of text ({ text })
  const stack: ({ text: string } | { value: unknown })[] = [{ value: v }];
  while (stack.length > 0 && out.length <= max) {
    const item = stack.pop()!;
    if ('text' in item) { out += item.text; continue; }
    const x = item.value;
    if (typeof x === 'string') out += JSON.stringify(x.length > max ? x.slice(0, max + 1) : x);
    else if (typeof x === 'bigint') out += `${x}n`;
    else if (typeof x === 'function') out += 'a function';
    else if (typeof x === 'symbol') out += 'a symbol';
    else if (x === null || typeof x !== 'object') out += String(x);
    else if (Array.isArray(x) || ArrayBuffer.isView(x)) {
      const a = x as ArrayLike<unknown>;
      const n = Math.min(a.length, max + 1); // max + 1 elements already overrun the budget
      stack.push({ text: ']' });
      for (let i = n - 1; i >= 0; i--) {
        stack.push({ value: a[i] });
        if (i > 0) stack.push({ text: ',' });
      }
      stack.push({ text: '[' });
    } else {
      const keys: string[] = [];
      for (const k in x) { if (hasOwn(x, k)) keys.push(k); if (keys.length > max) break; }
      stack.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (x as Record<string, unknown>)[keys[i]] });
        stack.push({ text: `${JSON.stringify(keys[i].length > max ? keys[i].slice(0, max + 1) : keys[i])}:` });
        if (i > 0) stack.push({ text: ',' });
      }
      stack.push({ text: '{' });
    }
  }
  return out.length > max || stack.length > 0 ? `${out.slice(0, max)}…` : out;
}

/** Deepest nesting of a config a reader accepts (a config's values are at most a few levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests arrays / objects deeper than `max` levels; iterative, and it stops
 * at the first path that is too deep, so a value 100,000 deep costs about `max` steps down it.
 */
export function deeperThan(v: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d >= max) return true;
    for (const k of Object.keys(x)) stack.push([(x as Record<string, unknown>)[k], d + 1]);
  }
  return false;
}

/** `s` cut to `max` characters, with `…` when cut (names from a file quoted in messages). */
export function cut(s: string, max: number = QUOTE_CHARS): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** What kind of value `v` is, for "expected X, got Y" messages: 'null', 'an array', 'a string', 'the number 5'... */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${preview(v, 40)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${preview(v)}`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
