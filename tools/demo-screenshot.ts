// Screenshots of the demo page (docs/demo.png): builds it, serves it, drives it in Chromium.
//   npx tsx tools/demo-screenshot.ts [out.png] [word] [steps]
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { launchChromium } from '../test/browser/chromium.js';

const [out = 'docs/demo.png', word = 'attention', steps = '4'] = process.argv.slice(2);
await buildDemo({ quiet: true });
const server = await serveStatic(demoMounts);
const { browser } = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
  await page.waitForSelector('body[data-first-result]');
  await page.fill('#word', word);
  await page.waitForFunction((w) => document.body.dataset.translated === w, word);
  for (let i = 1; i < Number(steps); i++) {
    await page.click('#next');
    await page.waitForFunction((s) => document.body.dataset.walkStep === String(s), i + 1);
  }
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
