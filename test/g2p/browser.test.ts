// g2p() in a real browser: headless Chromium imports dist/index.js and dist/index.min.js (n2words
// bundled, compromise a chunk loaded on first use), fetches the bundled model and models/g2p-en/lexicon.bin by URL, and
// pronounces as Node does. Chromium from test/browser/chromium.ts (CHROMIUM_PATH, a system one, or @sparticuz/chromium), dist/.
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launchChromium } from '../browser/chromium.js';
import { formatPronunciation, g2p } from '../../src/node.js';

const root = join(import.meta.dirname, '..', '..');
const TEXT = 'I refuse to collect the refuse in 1990, said the blorfity café.';

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, new URL(req.url ?? '/', 'http://x').pathname));
    if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>g2p</title>'); return; }
    if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('Chromium: loadG2P with the model and lexicon by URL gives the same pronunciations as Node', async () => {
  const server = await serve();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { browser } = await launchChromium().catch((e) => { server.close(); throw e; }); // CHROMIUM_PATH, a system Chromium, or @sparticuz/chromium
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    for (const entry of ['index.js', 'index.min.js']) {
      const got = await page.evaluate(async ([b, text, file]) => {
        const { loadG2P, formatPronunciation: f } = await import(`${b}/dist/${file}`);
        const g = await loadG2P({ model: `${b}/models/g2p-en/model.safetensors`, lexicon: `${b}/models/g2p-en/lexicon.bin` });
        const r = g.pronounce(text);
        return { arpabet: f(r), ipa: f(r, 'ipa'), sources: r.tokens.map((t: { source?: string }) => t.source ?? '-'), node: typeof (globalThis as any).process !== 'undefined' };
      }, [base, TEXT, entry]);
      assert.is(got.node, false, 'ran in a browser');
      const r = await g2p(TEXT);
      assert.is(got.arpabet, formatPronunciation(r));
      assert.is(got.ipa, formatPronunciation(r, 'ipa'));
      assert.equal(got.sources, r.tokens.map((t) => (t.kind === 'word' ? t.source : '-')));
      assert.ok(got.sources.includes('homograph') && got.sources.includes('model'), entry);
    }
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
