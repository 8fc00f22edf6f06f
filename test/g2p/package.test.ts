// g2p from the built package (dist/, npm run build) by name: import and require, the same result.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..', '..');
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
const TEXT = JSON.stringify('I refuse to collect the refuse in 1990.');

test("import and require of 'seqattn' both give g2p, with the tagger chunk and n2words bundled", () => {
  const esm = node(['--input-type=module', '-e', `import { g2p, formatPronunciation } from 'seqattn'; console.log(formatPronunciation(await g2p(${TEXT}), 'ipa'));`]);
  const cjs = node(['-e', `const { g2p, formatPronunciation } = require('seqattn'); g2p(${TEXT}).then((r) => console.log(formatPronunciation(r, 'ipa')));`]);
  assert.is(esm, 'ˈaɪ ɹɪˈfjuz ˈtu kəˈlɛkt ðə ˈɹɛˌfjuz ɪn ˈnaɪnˈtin ˈnaɪnti.\n');
  assert.is(cjs, esm);
});

test.run();
