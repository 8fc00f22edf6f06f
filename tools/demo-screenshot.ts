// Screenshots of the demo page at three widths (demo/screenshots/demo-1280.png, -390.png, -360.png; docs/demo.png
// is the 1280 one cropped to the README's height): builds it, serves it, drives it in Chromium to
// step `steps` of the worked example on `word`. Prints console errors and the page's width.
//   npx tsx tools/demo-screenshot.ts [word=attention] [steps=4] [outdir=demo/screenshots]
import { buildDemo } from '../demo/build.mjs';
import { demoMounts, serveStatic } from '../demo/serve.mjs';
import { launchChromium } from '../test/browser/chromium.js';

const [word = 'attention', steps = '4', outdir = 'demo/screenshots'] = process.argv.slice(2);
await buildDemo({ quiet: true });
const server = await serveStatic(demoMounts);
const { browser } = await launchChromium();
try {
  for (const width of [1280, 390, 360]) {
    const page = await browser.newPage({ viewport: { width, height: width > 800 ? 1000 : 800 }, deviceScaleFactor: 1, isMobile: width < 800, hasTouch: width < 800 });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${width} page ${m.type()}] ${m.text()}`); });
    page.on('pageerror', (e) => console.log(`[${width} page error] ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForSelector('body[data-first-result]');
    await page.fill('#word', word);
    await page.waitForFunction((w) => document.body.dataset.translated === w, word);
    await page.waitForFunction(() => document.body.dataset.walkStep === '1');
    for (let i = 1; i < Number(steps); i++) {
      await page.click('#next');
      await page.waitForFunction((s) => document.body.dataset.walkStep === String(s), i + 1);
    }
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const out = `${outdir}/demo-${width}.png`;
    await page.screenshot({ path: out, fullPage: true });
    if (width === 1280) await page.screenshot({ path: 'docs/demo.png', fullPage: true });
    console.log(`wrote ${out} (page ${scrollWidth} px wide in a ${width} px viewport)`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
