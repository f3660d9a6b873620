// The back-office page with a large batch: 6,000 envelopes (sealed in Node
// with the npm package, pkg/node.js, to a key made by the CLI) open in the
// worker while the progress bar moves and the page keeps answering input.
// Prints the time the page took, for the README.
//
//   npx playwright test tests/browser/backoffice-load

import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ROOT,
  buildSite,
  cliDecrypt,
  downloadOf,
  makeKey,
  requireBuild,
  startServer,
  stopServer,
  unlock,
  waitIdle,
} from './fixtures/backoffice/support.mjs';

const COUNT = 6000;
const PRODUCTS = ['Fountain pen', 'Ballpoint pen', 'Rollerball pen', 'Signet ring', 'Cufflinks (pair)'];
const STATIONS = [
  'Basel, Steinentorstrasse 12',
  'Bern, Marktgasse 3',
  'Genève, Rue du Rhône 48',
  'Zürich, Bahnhofstrasse 21',
];

// An order as the order page sends it (www/index.html's fields).
function order(i) {
  return {
    product: PRODUCTS[i % PRODUCTS.length],
    variant: i % 2 ? 'Matte black' : 'Sterling silver 925',
    quantity: String(1 + (i % 7)),
    engraving_text: `Nº ${i} — für Anna`,
    engraving_style: 'Script',
    gift_wrap: i % 3 ? '' : 'yes',
    payment_reference: `RF18 5390 ${String(i).padStart(4, '0')}`,
    amount: (19.5 * (1 + (i % 7))).toFixed(2),
    transport: 'Pick-up at a service station',
    station: STATIONS[i % STATIONS.length],
    name: `Customer ${i} Brandenburger-Øst`,
    phone: `+41 79 555 ${String(i).padStart(4, '0')}`,
    email: `customer${i}@example.org`,
    address: `Bahnhofstrasse ${1 + (i % 90)}\n8001 Zürich`,
    notes: i % 10 ? '' : `Please call before delivery (order ${i}).`,
  };
}

test.describe('back-office page, 6,000 envelopes', () => {
  test.setTimeout(180_000);
  let dir;
  let key;
  let server;
  let batch;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderseal-backoffice-load-'));
    key = makeKey(dir, 'key', `pw-${randomBytes(12).toString('hex')}`);
    const site = buildSite(path.join(dir, 'site'));
    server = await startServer({ data: path.join(dir, 'data'), keys: [key], www: site });
    // The CLI seals one envelope per run: seal here, in one process, with
    // the npm package.
    const { Sealer } = await import(path.join(ROOT, 'pkg/node.js'));
    const sealer = new Sealer(fs.readFileSync(key.publicPem, 'utf8'), { expectedKeyId: key.kid });
    const lines = [];
    const started = performance.now();
    for (let i = 0; i < COUNT; i++) {
      lines.push((await sealer.seal(order(i), { formId: 'order' })).json);
    }
    sealer.free();
    batch = path.join(dir, 'batch-6000.jsonl');
    fs.writeFileSync(batch, `${lines.join('\n')}\n`);
    const took = (performance.now() - started) / 1000;
    console.log(`back office: sealed ${COUNT} envelopes in Node in ${took.toFixed(1)} s`);
  });

  test.afterAll(async () => {
    await stopServer(server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('6,000 envelopes decrypt in the worker with the progress bar moving and the page answering input', async ({
    page,
  }) => {
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${server.base}/backoffice.html`);
    await unlock(page, key);

    // Watch the page from inside: every value the progress bar takes, and
    // the gaps between animation frames (a busy main thread shows as a gap).
    await page.evaluate(() => {
      const progress = document.getElementById('progress');
      const orders = document.getElementById('orders');
      const watch = { values: [], frames: [], running: true };
      window.loadWatch = watch;
      new MutationObserver(() => {
        if (progress.hasAttribute('value')) watch.values.push([progress.value, progress.max]);
      }).observe(progress, { attributes: true, attributeFilter: ['value', 'max'] });
      let last = performance.now();
      const frame = (now) => {
        if (orders.getAttribute('aria-busy') === 'true') watch.frames.push(now - last);
        last = now;
        if (watch.running) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });

    await page.locator('#search').focus();
    const started = Date.now();
    await page.setInputFiles('#orders-file', batch);
    await expect(page.locator('#orders')).toHaveAttribute('aria-busy', 'true');

    // While it decrypts: round trips through the page's main thread (a
    // task run, then a frame painted), and keys typed into the search box.
    const roundTrips = [];
    const keystrokes = [];
    let typed = '';
    while ((await page.locator('#orders').getAttribute('aria-busy')) === 'true') {
      const t = Date.now();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
      roundTrips.push(Date.now() - t);
      if (typed.length < 3) {
        const t2 = Date.now();
        await page.keyboard.press('x');
        typed += 'x';
        expect(await page.locator('#search').inputValue()).toBe(typed);
        keystrokes.push(Date.now() - t2);
      }
    }
    await waitIdle(page);
    const wall = (Date.now() - started) / 1000;
    const watch = await page.evaluate(() => {
      window.loadWatch.running = false;
      return window.loadWatch;
    });

    const status = await page.locator('#status').textContent();
    expect(status).toContain(`${COUNT.toLocaleString('en')} records in`);
    expect(status).toContain(`${COUNT.toLocaleString('en')} opened, 0 failed`);
    const seconds = Number(/ in ([\d.]+) s\./.exec(status)[1]);
    const intermediate = [
      ...new Set(watch.values.filter(([v, max]) => max === COUNT && v > 0 && v < COUNT).map(([v]) => v)),
    ];
    const worstFrame = Math.max(...watch.frames);
    const worstTrip = Math.max(...roundTrips);
    const worstKey = Math.max(...keystrokes);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `back office: ${COUNT.toLocaleString('en')} envelopes decrypted in ${seconds.toFixed(2)} s ` +
        `(page's own timing, file read to last row; ${wall.toFixed(2)} s from choosing the file to an idle table; ` +
        `${(seconds * 1000 / COUNT).toFixed(2)} ms per envelope)`,
    );
    console.log(
      `back office: progress took ${intermediate.length} intermediate values; ` +
        `during decryption: ${roundTrips.length} task+frame round trips ` +
        `(median ${median(roundTrips)} ms, worst ${worstTrip} ms), ` +
        `${keystrokes.length} keys typed into the search box (worst ${worstKey} ms to show); ` +
        `${watch.frames.length} frames, worst gap ${worstFrame.toFixed(0)} ms`,
    );

    // The bar moved, visibly, and the page answered while it did.
    expect(intermediate.length).toBeGreaterThanOrEqual(2);
    expect(roundTrips.length).toBeGreaterThanOrEqual(2);
    expect(keystrokes).toHaveLength(3);
    // Decrypting on the main thread would stall it for the whole batch
    // (5 to 7 s here); these bounds leave room for two shared, busy cores
    // (a median round trip of 30 ms alone, 269 ms in a CI run beside the
    // other browser tests).
    expect(median(roundTrips)).toBeLessThan(1000);
    expect(worstTrip).toBeLessThan(2500);
    expect(worstKey).toBeLessThan(2500);
    expect(worstFrame).toBeLessThan(2500);
    await expect(page.locator('#progress-box')).toBeHidden();

    // The search typed meanwhile applies; clearing it shows the first page.
    await page.fill('#search', '');
    await expect(page.locator('#summary')).toHaveText(
      `${COUNT.toLocaleString('en')} records: ${COUNT.toLocaleString('en')} opened, 0 failed, ` +
        '0 flagged as possible replays. Showing the first 200.',
    );
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(200);
    await page.click('#more');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(400);
    await page.fill('#search', 'customer1234@example.org');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(1);
    await expect(page.locator('#orders-table tbody tr')).toContainText('Nº 1234 — für Anna');
    await page.fill('#search', '');

    // Every one of them as the CLI opens it.
    const cli = cliDecrypt(key, batch);
    expect(cli.records).toHaveLength(COUNT);
    const json = JSON.parse((await downloadOf(page, '#export-json')).bytes.toString('utf8'));
    expect(json).toHaveLength(COUNT);
    json.forEach((rec, i) => {
      const { source, ...comparable } = rec;
      expect(source).toBe('batch-6000.jsonl');
      expect(comparable).toEqual(cli.records[i]);
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
