import { chromium } from '@playwright/test';
import { startServer } from './server.mjs';
import { readFileSync } from 'node:fs';
const srv = await startServer();
const key = JSON.parse(readFileSync('/work/main/tests/vectors/key.json', 'utf8'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
for (let r = 0; r < 8; r++) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(srv.origin + '/?' + (process.env.MOD || ''));
  const t = await page.evaluate(async (jwk) => {
    const T = {}; let a = performance.now();
    const m = await import(location.search.slice(1) || '/dist/orderseal/index.js');
    T.import = performance.now() - a; a = performance.now();
    const s = m.ready ? await m.ready({ jwk, kid: undefined }) : null;
    T.readyFn = performance.now() - a;
    return T;
  }, key.public_jwk);
  console.log(JSON.stringify(t));
  await ctx.close();
}
await browser.close(); await srv.close();
