/** Writes schema/config.schema.json from src/config-schema.ts (test/format/schema.test.ts checks they agree): npx tsx tools/write-schema.ts */
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA } from '../src/config-schema.js';

writeFileSync(new URL('../schema/config.schema.json', import.meta.url), `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
