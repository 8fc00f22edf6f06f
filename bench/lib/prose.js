// Running English prose for the g2p benches: the doc comments of @types/node (a devDependency,
// pinned by the lockfile), sentences of letters and punctuation only, 5 to 40 words; inline code becomes "it".
import { readdirSync, readFileSync } from 'node:fs';

/** The prose's sentences, in file order. */
export function proseSentences() {
  const dir = new URL('../../node_modules/@types/node/', import.meta.url);
  const text = readdirSync(dir).filter((f) => f.endsWith('.d.ts')).sort().map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
  const comments = [...text.matchAll(/\/\*\*([\s\S]*?)\*\//g)].map((m) => m[1].replace(/^\s*\* ?/gm, '').replace(/```[\s\S]*?```/g, ' ')
    .replace(/@\w+.*$/gm, ' ').replace(/`[^`]*`/g, 'it').replace(/\{@link ([^}]*)\}/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
  return comments.join(' ').split(/(?<=[.!?])\s+/).map((x) => x.replace(/\s+/g, ' ').trim())
    .filter((x) => /^[A-Z][A-Za-z ,;:'()-]+[.!?]$/.test(x) && x.split(' ').length >= 5 && x.split(' ').length <= 40);
}
