/**
 * Packs the CMU Pronouncing Dictionary (npm cmu-pronouncing-dictionary) into
 * models/g2p-en/lexicon.bin (format: src/g2p/lexicon.ts). Run by `npm run build` (and so by
 * `prepare`); the output is built, not committed. The words and variants are those of
 * tools/g2p-data.ts readDictionary (a-z and ' only, "word(2)" variants in order, first = default),
 * the same entries the g2p-en model was trained and scored on.
 *
 *   npx tsx tools/pack-lexicon.ts [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { dictionary } from 'cmu-pronouncing-dictionary';
import { packLexicon } from '../src/g2p/lexicon.js';
import { readDictionary } from './g2p-data.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const k = process.argv.indexOf('--out');
const out = k > 0 ? process.argv[k + 1] : join(root, 'models', 'g2p-en', 'lexicon.bin');
const entries = readDictionary(dictionary as Record<string, string>);
const bytes = packLexicon(entries);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.error(`pack-lexicon: ${entries.size} words -> ${out} (${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzip)`);
