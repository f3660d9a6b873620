import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
const r = await page.evaluate(() => {
  const out = { has: typeof Uint8Array.prototype.toBase64 };
  if (out.has === 'function') {
    const a = new Uint8Array(1 << 20); for (let i = 0; i < a.length; i++) a[i] = (i * 2654435761) >>> 24;
    let t = performance.now(); let s;
    for (let k = 0; k < 20; k++) s = a.toBase64({ alphabet: 'base64url', omitPadding: true });
    out.ms = (performance.now() - t) / 20; out.len = s.length;
    t = performance.now(); let b;
    for (let k = 0; k < 20; k++) b = Uint8Array.fromBase64(s, { alphabet: 'base64url', lastChunkHandling: 'loose' });
    out.decms = (performance.now() - t) / 20;
  }
  return out;
});
console.log(r, await browser.version());
await browser.close();
