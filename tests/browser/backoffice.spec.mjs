// The back-office page (www/backoffice.html) end to end, in Debian's
// Chromium, against the real inbox server (target/release/orderseal serve)
// on a free port, with keys and envelopes made by the real CLI:
//
//   key files (passphrase-protected, two of them: rotation) unlocked in the
//   page's worker -> a batch from a file or from the inbox (token) -> the
//   table, the detail view and the exports match `orderseal decrypt`
//
// and no request carries a key, a passphrase or a decrypted value, storage
// stays empty, and Lock (or leaving the page) forgets everything.

import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  EMPTY_STORAGE,
  HERE,
  buildSite,
  cellOf,
  cliCsv,
  cliDecryptAll,
  downloadOf,
  encrypt,
  expectRequestsClean,
  exportInbox,
  makeKey,
  parseCsv,
  recordRequests,
  requireBuild,
  secretsOfKey,
  secretsOfOrders,
  startServer,
  stopServer,
  storageOf,
  submit,
  tableRows,
  tamper,
  unlock,
  waitIdle,
} from './fixtures/backoffice/support.mjs';

const ORDERS = JSON.parse(fs.readFileSync(path.join(HERE, 'orders.json'), 'utf8')).orders;
const FIXED = ['#', 'Status', 'Received', 'Sealed (customer clock)', 'Form', 'Submission id', 'Key id'];
// `2026-11-25T08:07:56.766Z` -> `2026-11-25 08:07:56 UTC`, as the table shows times.
const readable = (iso) => iso.replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, ' UTC');

test.describe('back-office page', () => {
  let dir;
  let keys; // { old, new, stranger }
  let site;
  let server;
  let envelopes; // the sealed ORDERS, in order
  let secrets;
  let problems;

  test.beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderseal-backoffice-'));
    keys = {
      old: makeKey(dir, 'old', `old-${randomBytes(12).toString('hex')}`),
      new: makeKey(dir, 'new', `new-${randomBytes(12).toString('hex')}`),
      stranger: makeKey(dir, 'stranger', null),
    };
    site = buildSite(path.join(dir, 'site'));
    // Rotation: the page seals to the new key, the old one is still accepted.
    server = await startServer({ data: path.join(dir, 'data'), keys: [keys.new, keys.old], www: site });
    envelopes = ORDERS.map((o) => encrypt(keys[o.key], o.form, o.fields, dir));
    secrets = [...secretsOfOrders(ORDERS), ...secretsOfKey(keys.old), ...secretsOfKey(keys.new)];
  });

  test.afterAll(async () => {
    await stopServer(server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.beforeEach(async ({ page }) => {
    problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
  });

  // Compares the table, every order's detail view, and both exports with
  // `orderseal decrypt --format json` (and its CSV) of the same input.
  async function expectMatchesCli(page, cli, { rowOf, fieldColumns }) {
    const rows = await tableRows(page);
    const heads = await page.locator('#orders-table thead th').allTextContents();
    expect(heads.slice(0, FIXED.length)).toEqual(FIXED);
    if (fieldColumns) expect(heads.slice(FIXED.length)).toEqual(fieldColumns);

    for (const rec of cli.records) {
      const row = rows[rowOf(rec) - 1];
      expect(row['Submission id'], `line ${rec.line}`).toBe(rec.sid);
      expect(row.Form).toBe(rec.form);
      expect(row['Key id']).toBe(rec.kid);
      expect(row['Sealed (customer clock)']).toBe(readable(rec.time));
      for (const head of heads.slice(FIXED.length)) {
        expect(row[head], `line ${rec.line}, ${head}`).toBe(head in rec.fields ? cellOf(rec.fields[head]) : '');
      }
    }
    for (const [line, code] of cli.errors) {
      const row = rows[rowOf({ line }) - 1];
      expect(row.Status, `line ${line}`).toContain(`Failed: ${code}`);
      expect(row.className).toBe('failed');
    }

    // The detail view: every field, in form order, files as download links.
    for (const rec of cli.records) {
      const n = rowOf(rec);
      const button = page.locator(`#orders-table tbody tr:nth-child(${n}) th button`);
      await button.click();
      const dialog = page.locator('#detail');
      await expect(dialog).toBeVisible();
      await expect(page.locator('#detail-title')).toHaveText(`Order ${rec.sid}`);
      const fields = await dialog.evaluate((d) => {
        const dl = d.querySelectorAll('dl')[1];
        return [...dl.querySelectorAll(':scope > dt')].map((dt) => {
          const dd = dt.nextElementSibling;
          const ul = dd.querySelector(':scope > ul');
          return [dt.textContent, ul ? [...ul.children].map((li) => li.textContent) : dd.textContent];
        });
      });
      const expected = Object.entries(rec.fields).map(([name, value]) => {
        const file = (f) => `Download ${f.name} (${f.type || 'no type'}, ${f.size.toLocaleString('en')} bytes)`;
        if (typeof value === 'string') return [name, value === '' ? '(empty)' : value];
        if (Array.isArray(value)) {
          if (value.length === 0) return [name, '(none)'];
          return [name, value.map((v) => (typeof v === 'string' ? v : file(v)))];
        }
        return [name, file(value)];
      });
      expect(fields, `detail of line ${rec.line}`).toEqual(expected);
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(button).toBeFocused();
    }

    // JSON export: the CLI's records, plus where each came from.
    const json = JSON.parse((await downloadOf(page, '#export-json')).bytes.toString('utf8'));
    expect(json).toHaveLength(cli.records.length);
    for (const rec of cli.records) {
      const mine = json.find((r) => r.line === rec.line && r.sid === rec.sid);
      expect(mine, `line ${rec.line}`).toBeTruthy();
      const { received, inbox_id, source, possible_replay, ...comparable } = mine;
      expect(comparable).toEqual(rec);
      expect(Object.keys(mine.fields)).toEqual(Object.keys(rec.fields));
      expect(possible_replay === true).toBe(json.filter((r) => r.sid === rec.sid).length > 1);
    }
    return json;
  }

  // The page's CSV against the CLI's CSV of the same input: the same cells
  // (RFC 4180 quoting, formulas defused) for every column both have.
  async function expectCsvMatchesCli(page, input, keyList) {
    const mine = parseCsv((await downloadOf(page, '#export-csv')).bytes.toString('utf8'));
    const [head, ...rows] = mine;
    expect(head.slice(0, 5)).toEqual(['sid', 'form', 'kid', 'ts', 'received']);
    expect(head.at(-1)).toBe('possible_replay');
    for (const key of keyList) {
      const [cliHead, ...cliRows] = cliCsv(key, input);
      for (const cliRow of cliRows) {
        const sid = cliRow[0];
        const row = rows.find((x) => x[0] === sid);
        expect(row, `sid ${sid} in the page's CSV`).toBeTruthy();
        cliHead.forEach((name, i) => {
          if (name === 'other_fields') return;
          const j = head.indexOf(name);
          expect(j, `column ${name}`).toBeGreaterThanOrEqual(0);
          expect(row[j], `${sid}: ${name}`).toBe(cliRow[i]);
        });
      }
    }
    return mine;
  }

  test('a file made by the CLI opens as `orderseal decrypt` opens it, with rotated keys, errors per row and replays flagged', async ({
    page,
  }) => {
    const requests = recordRequests(page);
    // One of each kind of line the inbox export or a hand-made file can hold.
    const lines = [
      envelopes[0], // 1: old key
      // 2: an inbox export line
      JSON.stringify({ id: 7, received: '2026-11-25T08:07:56.766Z', sha256: '00', envelope: JSON.parse(envelopes[1]) }),
      envelopes[2], // 3: new key, two files
      tamper(envelopes[3]), // 4: open_failed
      encrypt(keys.stranger, 'order', { product: 'Sealed to a key nobody unlocked' }, dir), // 5: unknown_kid
      '{"v":1,"suite":"P256-SHA256-A128GCM","kid":"0011223344556677"}', // 6: envelope_malformed
      envelopes[3], // 7: new key
      envelopes[0], // 8: line 1 again: a possible replay
    ];
    const batch = path.join(dir, 'batch.jsonl');
    fs.writeFileSync(batch, `${lines.join('\n')}\n`);
    const cli = cliDecryptAll([keys.old, keys.new], batch);
    expect(cli.records.map((r) => r.line)).toEqual([1, 2, 3, 7, 8]);
    expect(Object.fromEntries(cli.errors)).toEqual({ 4: 'open_failed', 5: 'unknown_kid', 6: 'envelope_malformed' });
    expect(cli.records.find((r) => r.line === 8).replay_of_line).toBe(1);

    await page.goto(`${server.base}/backoffice.html`);
    await expect(page.locator('#keys-none')).toBeVisible();
    await expect(page.locator('#orders-file')).toBeDisabled();
    await expect(page.locator('#token')).toBeDisabled();

    // Both keys of the rotation, each with its own passphrase.
    await unlock(page, keys.old);
    await unlock(page, keys.new);
    await expect(page.locator('#orders-file')).toBeEnabled();

    await page.setInputFiles('#orders-file', batch);
    await waitIdle(page);
    await expect(page.locator('#status')).toContainText('batch.jsonl: 8 records');
    await expect(page.locator('#status')).toContainText('5 opened, 3 failed, 2 flagged as possible replays');
    await expect(page.locator('#summary')).toHaveText(
      '8 records: 5 opened, 3 failed, 2 flagged as possible replays.',
    );

    const json = await expectMatchesCli(page, cli, {
      rowOf: (rec) => rec.line,
      fieldColumns: ['product', 'variant', 'quantity', 'engraving_text', 'name', 'email'],
    });

    const rows = await tableRows(page);
    expect(rows).toHaveLength(8);
    // The replay, flagged on both rows; the others plain.
    for (const n of [1, 8]) {
      expect(rows[n - 1].Status).toContain('Possible replay');
      expect(rows[n - 1].className).toBe('replay');
    }
    expect(rows[0].Status).toContain('Same submission id as #8');
    expect(rows[7].Status).toContain('Same submission id as #1');
    for (const n of [2, 3, 7]) expect(rows[n - 1].Status).toBe('Opened');
    // Clear reasons, and what the bad rows claim (unverified).
    expect(rows[3].Status).toContain('tampered with');
    expect(rows[4].Status).toContain(`key id ${keys.stranger.kid}`);
    expect(rows[4]['Key id']).toBe(keys.stranger.kid);
    expect(rows[5].Status).toContain('Not a well-formed orderseal envelope');
    // An inbox line keeps its received time.
    expect(rows[1].Received).toBe('2026-11-25 08:07:56 UTC');
    expect(json.find((r) => r.line === 2)).toMatchObject({ received: '2026-11-25T08:07:56.766Z', inbox_id: 7 });
    expect(json.find((r) => r.line === 8)).toMatchObject({ possible_replay: true, replay_of_line: 1 });

    // The CSV has the CLI's cells, formulas defused the same way.
    const csv = await expectCsvMatchesCli(page, batch, [keys.old, keys.new]);
    const notes = csv[0].indexOf('notes');
    expect(csv[1][notes]).toBe(`'${ORDERS[0].fields.notes}`);
    expect(csv[2][csv[0].indexOf('amount')]).toBe('-5');
    expect(csv[2][csv[0].indexOf('phone')]).toBe(`'${ORDERS[1].fields.phone}`);

    // Attachments download as the bytes the customer attached.
    await page.evaluate(() => {
      const revoke = URL.revokeObjectURL.bind(URL);
      window.revokedForTest = [];
      URL.revokeObjectURL = (url) => {
        window.revokedForTest.push(url);
        revoke(url);
      };
    });
    await page.click('#orders-table tbody tr:nth-child(1) th button');
    const po = await downloadOf(page, '#detail a[download="PO-2026-4471.pdf"]');
    expect(po.name).toBe('PO-2026-4471.pdf');
    expect(po.bytes.equals(Buffer.from(ORDERS[0].fields.purchase_order.data, 'base64url'))).toBe(true);
    const href = await page.locator('#detail a[download]').getAttribute('href');
    expect(href).toMatch(new RegExp(`^blob:${server.base}/`));
    await page.click('#detail-close');
    await page.click('#orders-table tbody tr:nth-child(3) th button');
    const hrefs = [href, ...(await page.locator('#detail a[download]').evaluateAll((as) => as.map((a) => a.href)))];
    expect(hrefs).toHaveLength(3);
    const scan = await downloadOf(page, '#detail a[download="signature-scan.png"]');
    expect(scan.bytes.equals(Buffer.from(ORDERS[2].fields.attachments[0].data, 'base64url'))).toBe(true);
    await page.keyboard.press('Escape');
    // The Blob URLs die with the detail view (the dialog's close event fires
    // a task after Escape: poll for it rather than race it).
    await expect
      .poll(() => page.evaluate(() => window.revokedForTest))
      .toEqual(expect.arrayContaining(hrefs));
    await expect(page.locator('#detail-body')).toBeEmpty();

    // Search across every field (a value shown in no column too), then sort.
    await page.fill('#search', 'Lausanne');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(1);
    await expect(page.locator('#summary')).toContainText('1 record match “Lausanne”');
    await page.fill('#search', 'zoë');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(2);
    await page.fill('#search', 'open_failed');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(1);
    await page.fill('#search', '');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(8);
    const quantity = page.locator('#orders-table thead th', { hasText: 'quantity' });
    await quantity.locator('button').click();
    await expect(quantity).toHaveAttribute('aria-sort', 'ascending');
    await expect(page.locator('#orders-table thead th[aria-sort]')).toHaveCount(1);
    const ascending = (await tableRows(page)).map((r) => r.quantity).filter(Boolean);
    expect(ascending).toEqual(['1', '2', '3', '3', '12']); // numeric, not text order
    await quantity.locator('button').click();
    await expect(quantity).toHaveAttribute('aria-sort', 'descending');
    expect((await tableRows(page)).map((r) => r.quantity).filter(Boolean)).toEqual(['12', '3', '3', '2', '1']);

    // Nothing that left the page carries a key, a passphrase or an order.
    await expectRequestsClean(requests, secrets, server.base);
    expect([...requests].some((r) => r.url().endsWith('/pkg/web/orderseal.js')), 'worker requests are seen').toBe(
      true,
    );
    expect(await storageOf(page)).toEqual(EMPTY_STORAGE);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('the inbox path: envelopes POSTed to the server load with the token, then only new ones', async ({ page }) => {
    const requests = recordRequests(page);
    // As browsers submit them: two to the old key, one to the new one, and
    // one whose ciphertext was changed on the way (the server cannot tell).
    const posted = [envelopes[0], envelopes[1], envelopes[2], tamper(envelopes[3])];
    for (const line of posted) expect((await submit(server, line)).status).toBe(201);
    // A retry of the same bytes is the same order; the genuine envelope
    // behind the tampered one now clashes with its submission id.
    const retry = await submit(server, envelopes[0]);
    expect(retry.status).toBe(200);
    expect((await submit(server, envelopes[3])).status).toBe(409);

    const exportFile = path.join(dir, 'inbox.jsonl');
    const exported = await exportInbox(server);
    fs.writeFileSync(exportFile, exported);
    const inbox = exported.trim().split('\n').map((l) => JSON.parse(l));
    expect(inbox).toHaveLength(4);
    const cli = cliDecryptAll([keys.old, keys.new], exportFile);
    expect(cli.records).toHaveLength(3);
    expect(Object.fromEntries(cli.errors)).toEqual({ 4: 'open_failed' });

    await page.goto(`${server.base}/backoffice.html`);
    await unlock(page, keys.old);
    await unlock(page, keys.new);

    // A wrong token is refused, and nothing is shown.
    await page.fill('#token', 'not-the-token');
    await page.click('#load-inbox');
    await expect(page.locator('#alert')).toContainText('refused the token (401)');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(0);

    await page.fill('#token', server.token);
    await page.click('#load-inbox');
    await waitIdle(page);
    await expect(page.locator('#status')).toContainText('the inbox: 4 records');
    await expect(page.locator('#summary')).toHaveText('4 records: 3 opened, 1 failed, 0 flagged as possible replays.');
    const json = await expectMatchesCli(page, cli, {
      rowOf: (rec) => rec.line,
      fieldColumns: ['product', 'variant', 'quantity', 'engraving_text', 'name', 'email'],
    });
    // The inbox's receive times and ids are kept.
    const rows = await tableRows(page);
    inbox.forEach((rec, i) => expect(rows[i].Received).toBe(readable(rec.received)));
    for (const r of json) expect(r.received).toBe(inbox.find((x) => x.id === r.inbox_id).received);
    expect(rows[3].Status).toContain('Failed: open_failed');
    await expectCsvMatchesCli(page, exportFile, [keys.old, keys.new]);

    // A new order arrives: the next load fetches only it.
    const late = encrypt(keys.new, 'order', { product: 'Late order', name: 'Ottilie Brandenburger' }, dir);
    expect((await submit(server, late)).status).toBe(201);
    await page.click('#load-inbox');
    await waitIdle(page);
    await expect(page.locator('#status')).toContainText('the inbox: 1 record in');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(5);
    await expect(page.locator('#orders-table tbody tr:nth-child(5)')).toContainText('Ottilie Brandenburger');
    await page.click('#load-inbox');
    await expect(page.locator('#status')).toHaveText('No new orders in the inbox.');
    const since = [...requests]
      .filter((r) => new URL(r.url()).pathname === '/api/orders')
      .map((r) => Number(new URL(r.url()).searchParams.get('since')));
    // The wrong token, the first load, the late order, nothing new.
    expect(since.slice(0, 3)).toEqual([0, 0, inbox[3].id]);
    expect(since).toHaveLength(4);
    expect(since[3]).toBeGreaterThan(since[2]);

    // The same order again from another source (an old export): a possible
    // replay, flagged on both rows.
    const copy = path.join(dir, 'replayed.jsonl');
    fs.writeFileSync(copy, `${envelopes[0]}\n`);
    await page.setInputFiles('#orders-file', copy);
    await waitIdle(page);
    const after = await tableRows(page);
    expect(after).toHaveLength(6);
    expect(after[0].Status).toContain('Possible replay');
    expect(after[0].Status).toContain('#6');
    expect(after[5].Status).toContain('Possible replay');
    // The same file twice is refused rather than flagged.
    await page.setInputFiles('#orders-file', copy);
    await expect(page.locator('#alert')).toContainText('replayed.jsonl is already loaded');

    // The token went only where it belongs, as a header.
    for (const r of requests) {
      const { pathname } = new URL(r.url());
      const auth = (await r.allHeaders()).authorization;
      if (pathname === '/api/orders') expect(auth).toMatch(/^Bearer /);
      else expect(auth, pathname).toBeUndefined();
      expect(r.url()).not.toContain(server.token);
    }
    await expectRequestsClean(requests, [...secrets, 'Late order', 'Ottilie Brandenburger'], server.base);
    expect(await storageOf(page)).toEqual(EMPTY_STORAGE);
    // 401 for the wrong token is logged by Chromium as a failed resource.
    expect(problems.filter((p) => !/401/.test(p)), problems.join('\n')).toEqual([]);
  });

  test('Lock forgets the keys, the token and the orders; opening again asks for the key; leaving the page locks it', async ({
    page,
  }) => {
    const batch = path.join(dir, 'two.jsonl');
    fs.writeFileSync(batch, `${envelopes[0]}\n${envelopes[1]}\n`);
    await page.goto(`${server.base}/backoffice.html`);
    await unlock(page, keys.old);
    await expect.poll(() => page.workers().length).toBe(1);
    await page.fill('#token', server.token);
    await page.setInputFiles('#orders-file', batch);
    await waitIdle(page);
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(2);
    await page.fill('#search', 'Zoë');

    await page.click('#lock');
    await expect(page.locator('#status')).toContainText('Locked');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(0);
    await expect(page.locator('.table-wrap')).toBeHidden();
    await expect(page.locator('#summary')).toHaveText('No orders loaded.');
    await expect(page.locator('#keys-none')).toBeVisible();
    await expect(page.locator('#keys li')).toHaveCount(0);
    for (const id of ['#token', '#passphrase', '#search']) await expect(page.locator(id)).toHaveValue('');
    await expect(page.locator('#orders-file')).toBeDisabled();
    await expect(page.locator('#load-inbox')).toBeDisabled();
    await expect(page.locator('#export-csv')).toBeDisabled();
    await expect(page.locator('#key-file')).toBeFocused();
    // The worker that held the key is gone.
    await expect.poll(() => page.workers().length).toBe(0);

    // A new open needs the key file and its passphrase again.
    await page.setInputFiles('#key-file', keys.old.privatePem);
    await expect(page.locator('#alert')).toContainText('protected by a passphrase');
    await expect(page.locator('#keys li')).toHaveCount(0);
    await expect(page.locator('#orders-file')).toBeDisabled();
    await page.fill('#passphrase', 'not the passphrase');
    await page.click('#unlock');
    await expect(page.locator('#alert')).toContainText('Wrong passphrase for private.pem');
    await expect(page.locator('#passphrase')).toHaveValue('');
    await expect(page.locator('#keys li')).toHaveCount(0);
    await page.fill('#passphrase', keys.old.passphrase);
    await page.click('#unlock');
    await expect(page.locator('#keys li')).toHaveCount(1);
    await page.setInputFiles('#orders-file', batch);
    await waitIdle(page);
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(2);

    // Leaving the page locks it: its pagehide handler (fired here by hand,
    // as the browser fires it on close, navigation or reload)…
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(0);
    await expect(page.locator('#keys li')).toHaveCount(0);
    await expect.poll(() => page.workers().length).toBe(0);
    await unlock(page, keys.old);
    await page.setInputFiles('#orders-file', batch);
    await waitIdle(page);
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(2);
    // …and for real, whether or not the page is kept in the back/forward cache.
    await page.evaluate(() => {
      window.addEventListener('pageshow', (e) => {
        document.documentElement.dataset.restored = String(e.persisted);
      });
    });
    await page.goto(`${server.base}/`);
    await page.goBack();
    await expect(page.locator('#keys-none')).toBeVisible();
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(0);
    await expect(page.locator('#orders-file')).toBeDisabled();
    await expect.poll(() => page.workers().length).toBe(0);
    const restored = await page.evaluate(() => document.documentElement.dataset.restored ?? 'reloaded');
    const how = restored === 'true' ? 'restored from the back/forward cache' : 'loaded afresh';
    console.log(`back office: after leaving and coming back the page was ${how}: locked either way`);

    expect(await storageOf(page)).toEqual(EMPTY_STORAGE);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('drag and drop: a key file without a passphrase, then an export file', async ({ page }) => {
    await page.goto(`${server.base}/backoffice.html`);
    // What a drop from the file manager delivers: File objects.
    const drop = async (target, name, text) => {
      const dataTransfer = await page.evaluateHandle(
        ([n, t]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([t], n));
          return dt;
        },
        [name, text],
      );
      await page.dispatchEvent(target, 'dragenter', { dataTransfer });
      await page.dispatchEvent(target, 'dragover', { dataTransfer });
      await page.dispatchEvent(target, 'drop', { dataTransfer });
    };
    // Dropped before any key: refused, nothing opened.
    const line = encrypt(keys.stranger, 'order', { product: 'Dropped order', name: 'Wilhelmina Dropstone' }, dir);
    await drop('#load-panel', 'dropped.jsonl', `${line}\n`);
    await expect(page.locator('#alert')).toHaveText('Unlock a private key first.');

    await drop('#key-panel', 'stranger.pem', keys.stranger.pem);
    await expect(page.locator('#keys li')).toHaveCount(1);
    await expect(page.locator('#keys')).toContainText(keys.stranger.kid.replace(/(.{4})(?=.)/g, '$1 '));
    await expect(page.locator('#status')).toContainText('Unlocked key');

    await drop('#load-panel', 'dropped.jsonl', `${line}\n`);
    await waitIdle(page);
    await expect(page.locator('#status')).toContainText('dropped.jsonl: 1 record in');
    await expect(page.locator('#orders-table tbody tr')).toHaveCount(1);
    await expect(page.locator('#orders-table tbody tr')).toContainText('Dropped order');
    // A public key dropped by mistake is refused with a reason.
    await drop('#key-panel', 'public.pem', fs.readFileSync(keys.new.publicPem, 'utf8'));
    await expect(page.locator('#alert')).toContainText('public.pem is not a private key file');
    await expect(page.locator('#keys li')).toHaveCount(1);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('the page is served under the strict CSP with SRI, and is labelled and keyboard operable', async ({ page }) => {
    const response = await page.goto(`${server.base}/backoffice.html`);
    const csp = response.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // SRI on the page's module, its import and its stylesheet (scripts/sri.mjs).
    const html = fs.readFileSync(path.join(site, 'backoffice.html'), 'utf8');
    expect(html).toMatch(/<script type="module" src="\/backoffice\.js" integrity="sha384-/);
    expect(html).toMatch(/<link rel="modulepreload" href="\/assets\/integrity\.js" integrity="sha384-/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/backoffice\.css" integrity="sha384-/);
    expect(fs.readFileSync(path.join(site, 'assets/integrity.js'), 'utf8')).toMatch(/WASM_INTEGRITY = "sha384-/);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.locator('[style]').count()).toBe(0);

    // Every control has a label; the live regions are there.
    const unlabelled = await page.$$eval('input', (els) => els.filter((e) => !e.labels?.length).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    await expect(page.locator('#status')).toHaveAttribute('role', 'status');
    await expect(page.locator('#status')).toHaveAttribute('aria-live', 'polite');
    await expect(page.locator('#alert')).toHaveAttribute('role', 'alert');
    expect(await page.$eval('#progress', (p) => p.labels.length)).toBe(1);

    // The keyboard alone: unlock, sort, open and close an order.
    await unlock(page, keys.new);
    const batch = path.join(dir, 'keyboard.jsonl');
    fs.writeFileSync(batch, `${envelopes[2]}\n${envelopes[3]}\n`);
    await page.setInputFiles('#orders-file', batch);
    await waitIdle(page);
    await page.locator('#search').focus();
    const sortButton = page.locator('#orders-table thead th button', { hasText: 'Submission id' });
    for (let i = 0; i < 30 && !(await sortButton.evaluate((b) => b === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(sortButton).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#orders-table thead th', { hasText: 'Submission id' })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await expect(sortButton).toBeFocused();
    await page.keyboard.press('Space');
    await expect(page.locator('#orders-table thead th', { hasText: 'Submission id' })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await expect(page.locator('#status')).toHaveText('Sorted by Submission id, descending.');
    const first = page.locator('#orders-table tbody tr:first-child th button');
    for (let i = 0; i < 30 && !(await first.evaluate((b) => b === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(first).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#detail')).toBeVisible();
    expect(await page.evaluate(() => document.getElementById('detail').contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await expect(page.locator('#detail')).toBeHidden();
    await expect(first).toBeFocused();
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('a changed page module or wasm file is refused (Subresource Integrity)', async ({ page, browser }) => {
    const tampered = buildSite(path.join(dir, 'site-tampered'));
    const wasm = path.join(tampered, 'pkg/web/orderseal_bg.wasm');
    const bytes = fs.readFileSync(wasm);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(wasm, bytes);
    const other = await startServer({ data: path.join(dir, 'data-tampered'), keys: [keys.new], www: tampered });
    try {
      await page.goto(`${other.base}/backoffice.html`);
      await expect(page.locator('#alert')).toContainText('Decryption is unavailable');
      await page.setInputFiles('#key-file', keys.new.privatePem);
      await expect(page.locator('#alert')).toContainText('could not be unlocked');
      await expect(page.locator('#keys li')).toHaveCount(0);
      expect(problems.join('\n')).toMatch(/integrity/i);

      // The page's own module changed: it does not run at all. (A fresh
      // context: the server revalidates by Last-Modified, to the second, so
      // a file changed within the second of a fetch could come from cache.)
      const js = path.join(tampered, 'backoffice.js');
      fs.writeFileSync(js, fs.readFileSync(js, 'utf8').replace('Unlocked key', 'Unlocked kez'));
      const context = await browser.newContext();
      try {
        const fresh = await context.newPage();
        const errors = [];
        fresh.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await fresh.goto(`${other.base}/backoffice.html`);
        await fresh.waitForTimeout(500);
        expect(errors.join('\n')).toMatch(/integrity/i);
        await expect(fresh.locator('#summary')).toHaveText('No orders loaded.');
        await fresh.setInputFiles('#key-file', keys.new.privatePem);
        await fresh.waitForTimeout(500);
        await expect(fresh.locator('#alert')).toHaveText('');
        await expect(fresh.locator('#keys li')).toHaveCount(0);
        expect(fresh.workers()).toHaveLength(0);
      } finally {
        await context.close();
      }
    } finally {
      await stopServer(other);
    }
  });
});
