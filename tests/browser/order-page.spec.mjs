// The order page end to end, in Debian's Chromium, against the real inbox
// server (target/release/orderseal, built by `npm run build`) on a free
// port with its own data directory and a key pair made by the CLI:
//
//   type an order (attachment included) -> sealed in the page -> POST
//   -> stored -> exported with the back-office token -> `orderseal decrypt`
//
// and nothing typed ever appears in the request body or the database.

import { test, expect } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'target/release/orderseal');
const PASSPHRASE = `pw-${randomBytes(12).toString('hex')}`;

// --- fixture: keys, built site, server ----------------------------------------

function makeKeys(dir) {
  execFileSync(BIN, ['keygen', '--out', path.join(dir, 'keys')], {
    env: { ...process.env, ORDERSEAL_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const priv = fs.readFileSync(path.join(dir, 'keys/private.pem'), 'utf8');
  expect(priv).toContain('ENCRYPTED PRIVATE KEY');
  return {
    publicPem: path.join(dir, 'keys/public.pem'),
    privatePem: path.join(dir, 'keys/private.pem'),
  };
}

// The SRI-stamped site, built fresh from www/ and pkg/ as `npm run build` does.
function buildSite(out) {
  execFileSync('node', [path.join(ROOT, 'scripts/sri.mjs'), '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

function startServer({ data, publicPem, www }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      ['serve', '--addr', '127.0.0.1:0', '--data', data, '--public-key', publicPem, '--www', www],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/listening on (http:\/\/[^\s/]+)\//);
      if (m) resolve({ child, base: m[1], log: () => log });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`orderseal serve exited (${code}):\n${log}`)));
    setTimeout(() => reject(new Error(`orderseal serve did not start:\n${log}`)), 20_000);
  });
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (!server || server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

// --- what the customer types ---------------------------------------------------

const ORDER = {
  product: 'Signet ring',
  variant: 'Rose gold 18 ct',
  quantity: '3',
  engraving: 'Für Zoë — 12.IX.2026',
  style: 'Monogram',
  paymentRef: 'RF18 5390 0754 7034',
  amount: '1284.50',
  transport: 'Pick-up at a service station',
  station: 'Genève, Rue du Rhône 48',
  name: 'Zoë Øster-Ångström',
  phone: '+41 79 555 01 23',
  email: 'zoe.oster@example.org',
  address: 'Chemin des Crêts-de-Champel 9\n1206 Genève\nSwitzerland',
  notes: 'Ring size 54. Please wrap it: birthday present for Malvina.',
};

// A small "PDF" with a recognisable order number and random bytes.
function makeAttachment(dir) {
  const bytes = Buffer.concat([
    Buffer.from('%PDF-1.7\n% purchase order PO-2026-4471-CONFIDENTIAL\n'),
    randomBytes(3000),
    Buffer.from('\n%%EOF\n'),
  ]);
  const file = path.join(dir, 'purchase-order-PO-2026-4471.pdf');
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

// Every value typed, and every word of 5+ characters in them.
function secretsOf(order, attachment) {
  const values = Object.values(order).filter((v) => v.length >= 5);
  const words = values.flatMap((v) => v.split(/[\s,.:—]+/)).filter((w) => w.length >= 5);
  return [
    ...new Set([
      ...values,
      ...words,
      'PO-2026-4471',
      'purchase-order',
      attachment.bytes.subarray(60, 90).toString('base64url'),
      attachment.bytes.subarray(60, 90).toString('base64'),
    ]),
  ];
}

function expectNoSecrets(haystack, secrets, where) {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  const utf8 = Buffer.isBuffer(haystack) ? haystack.toString('utf8') : haystack;
  for (const s of secrets) {
    const latin1 = Buffer.from(s, 'utf8').toString('latin1');
    expect(text.includes(latin1) || utf8.includes(s), `${where} contains ${JSON.stringify(s)}`).toBe(
      false,
    );
  }
}

async function fillOrder(page, order, attachmentFile) {
  await page.selectOption('#product', order.product);
  await page.selectOption('#variant', order.variant);
  await page.fill('#quantity', order.quantity);
  await page.fill('#engraving', order.engraving);
  await page.selectOption('#style', order.style);
  await page.check('#gift');
  await page.fill('#payment-ref', order.paymentRef);
  await page.fill('#amount', order.amount);
  await page.selectOption('#transport', order.transport);
  await page.selectOption('#station', order.station);
  await page.fill('#name', order.name);
  await page.fill('#phone', order.phone);
  await page.fill('#email', order.email);
  await page.fill('#address', order.address);
  await page.fill('#notes', order.notes);
  if (attachmentFile) await page.setInputFiles('#po', attachmentFile);
}

// --- the tests ---------------------------------------------------------------------

test.describe('order page', () => {
  let dir;
  let keys;
  let site;
  let server;
  let manifest;

  test.beforeAll(async () => {
    expect(fs.existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderseal-order-page-'));
    keys = makeKeys(dir);
    site = buildSite(path.join(dir, 'site'));
    server = await startServer({ data: path.join(dir, 'data'), publicPem: keys.publicPem, www: site });
    manifest = await (await fetch(`${server.base}/.well-known/orderseal/keys.json`)).json();
  });

  test.afterAll(async () => {
    await stopServer(server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('shows the key the form encrypts to', async ({ page }) => {
    const wasm = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.wasm')) wasm.push(new URL(request.url()).pathname);
    });
    const warnings = [];
    page.on('console', (msg) => warnings.push(msg.text()));
    await page.goto(`${server.base}/`);
    const kid = manifest.keys[0].kid;
    const grouped = kid.replace(/(.{4})(?=.)/g, '$1 ');
    await expect(page.locator('#key-status')).toHaveText(`Encrypted in your browser to key ${grouped}`);
    await page.locator('#key-details summary').click();
    const fingerprint = (await page.locator('#key-fingerprint').textContent()).replace(/\s/g, '');
    expect(fingerprint).toBe(manifest.keys[0].fingerprint);
    // No request for a .wasm: the seal build comes inlined in a module of
    // the page's module graph; the full build is not needed.
    expect(wasm).toEqual([]);
    expect(warnings.filter((w) => /preload/i.test(w))).toEqual([]);
  });

  test('an order with an attachment is sealed, stored as ciphertext, and opened by the back office', async ({
    page,
  }) => {
    const attachment = makeAttachment(dir);
    const secrets = secretsOf(ORDER, attachment);
    const bodies = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') bodies.push(request.postDataBuffer() ?? Buffer.alloc(0));
    });
    const problems = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('pageerror', (error) => problems.push(String(error)));

    await page.goto(`${server.base}/`);
    await expect(page.locator('#keyline')).toHaveClass(/ready/);
    await fillOrder(page, ORDER, attachment.file);
    const posted = page.waitForResponse(
      (r) => r.url() === `${server.base}/api/orders` && r.request().method() === 'POST',
    );
    await page.click('#send');
    const response = await posted;
    expect(response.status()).toBe(201);

    // The receipt is shown, and is the server's.
    await expect(page.locator('#receipt')).toBeVisible();
    await expect(page.locator('#receipt-title')).toBeFocused();
    const receipt = await response.json();
    await expect(page.locator('#receipt-sid')).toHaveText(receipt.sid);
    await expect(page.locator('#receipt-sha256')).toHaveText(receipt.sha256);

    // Exactly one request body left the page: an envelope, nothing typed in it.
    expect(bodies).toHaveLength(1);
    const body = bodies[0];
    expectNoSecrets(body, secrets, 'the request body');
    const envelope = JSON.parse(body.toString('utf8'));
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'enc', 'form', 'kid', 'sid', 'suite', 'ts', 'v']);
    expect(envelope.kid).toBe(manifest.keys[0].kid);
    expect(envelope.sid).toBe(receipt.sid);
    expect(createHash('sha256').update(body).digest('hex')).toBe(receipt.sha256);

    // The database (and its WAL) hold none of it either.
    for (const f of ['orders.db', 'orders.db-wal']) {
      const file = path.join(dir, 'data', f);
      if (fs.existsSync(file)) expectNoSecrets(fs.readFileSync(file), secrets, f);
    }

    // The back office: export with the token, open with the private key.
    const token = fs.readFileSync(path.join(dir, 'data/token'), 'utf8').trim();
    const denied = await fetch(`${server.base}/api/orders`);
    expect(denied.status).toBe(401);
    const exported = await fetch(`${server.base}/api/orders`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(exported.status).toBe(200);
    const exportFile = path.join(dir, 'export.jsonl');
    fs.writeFileSync(exportFile, await exported.text());
    const filesDir = path.join(dir, 'files');
    const out = execFileSync(
      BIN,
      ['decrypt', '--key', keys.privatePem, '--format', 'jsonl', '--files-dir', filesDir, exportFile],
      { env: { ...process.env, ORDERSEAL_PASSPHRASE: PASSPHRASE }, encoding: 'utf8' },
    );
    const records = out.trim().split('\n').map((l) => JSON.parse(l));
    const record = records.find((r) => r.sid === receipt.sid);
    expect(record, out).toBeTruthy();
    const { purchase_order: po, ...fields } = record.fields;
    expect(fields).toEqual({
      product: ORDER.product,
      variant: ORDER.variant,
      quantity: ORDER.quantity,
      engraving_text: ORDER.engraving,
      engraving_style: ORDER.style,
      gift_wrap: 'yes',
      payment_reference: ORDER.paymentRef,
      amount: ORDER.amount,
      transport: ORDER.transport,
      station: ORDER.station,
      name: ORDER.name,
      phone: ORDER.phone,
      email: ORDER.email,
      address: ORDER.address,
      notes: ORDER.notes,
    });
    expect(po.name).toBe(path.basename(attachment.file));
    expect(po.type).toBe('application/pdf');
    expect(Buffer.compare(fs.readFileSync(po.path), attachment.bytes)).toBe(0);

    // After a confirmed send the form no longer holds the order.
    await page.click('#another');
    await expect(page.locator('#name')).toHaveValue('');
    await expect(page.locator('#product')).toBeFocused();
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('invalid input is explained next to each field and nothing is sent', async ({ page }) => {
    let posts = 0;
    page.on('request', (r) => r.method() === 'POST' && posts++);
    await page.goto(`${server.base}/`);
    await expect(page.locator('#keyline')).toHaveClass(/ready/);
    await page.fill('#email', 'not an e-mail');
    await page.click('#send');
    await expect(page.locator('[data-orderseal-status]')).toHaveAttribute('role', 'alert');
    // The first invalid field has focus and its message is linked.
    await expect(page.locator('#product')).toBeFocused();
    for (const id of ['product', 'variant', 'payment-ref', 'name', 'email']) {
      const field = page.locator(`#${id}`);
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      const described = (await field.getAttribute('aria-describedby')).split(/\s+/);
      const messages = await Promise.all(
        described.map((d) => page.locator(`[id="${d}"]`).textContent()),
      );
      expect(messages.join(' ').trim().length, id).toBeGreaterThan(0);
      expect(described.some((d) => d.startsWith('orderseal-message')), id).toBe(true);
    }
    expect(posts).toBe(0);
  });

  test('the markup is accessible and fails closed', async ({ page }) => {
    await page.goto(`${server.base}/`);
    // Every control has a label; sensitive ones have no name (so a page
    // whose scripts failed could never post them in plaintext).
    const controls = await page.$$eval('form#order input, form#order select, form#order textarea', (els) =>
      els.map((el) => ({
        id: el.id,
        name: el.getAttribute('name'),
        sealed: el.hasAttribute('data-orderseal'),
        label: el.labels?.[0]?.textContent.trim() ?? '',
        inFieldset: !!el.closest('fieldset')?.querySelector(':scope > legend'),
      })),
    );
    expect(controls.length).toBeGreaterThan(14);
    for (const c of controls) {
      expect(c.sealed, c.id).toBe(true);
      expect(c.name, c.id).toBeNull();
      expect(c.label.length, c.id).toBeGreaterThan(0);
      expect(c.inFieldset, c.id).toBe(true);
    }
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.locator('[style]').count()).toBe(0);
    // Keyboard: the skip link first; it leads to the form, whose controls
    // follow in reading order.
    await page.keyboard.press('Tab');
    await expect(page.locator('a.skip')).toBeFocused();
    await page.keyboard.press('Enter');
    const expected = [
      'product', 'variant', 'quantity', 'engraving', 'style', 'gift', 'payment-ref', 'amount',
      'transport', 'station', 'name', 'phone', 'email', 'address', 'notes', 'po', 'send',
    ];
    const order = [];
    for (let i = 0; i < expected.length; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(order).toEqual(expected);
  });

  // Another copy of the site, served on its own, with `change(siteDir)`
  // applied after the hashes were computed.
  async function tamperedSite(name, change) {
    const tampered = buildSite(path.join(dir, `site-${name}`));
    change(tampered);
    return startServer({ data: path.join(dir, `data-${name}`), publicPem: keys.publicPem, www: tampered });
  }

  test('a module whose bytes changed is refused (Subresource Integrity)', async ({ page }) => {
    // One byte of the JS layer changed.
    const other = await tamperedSite('tampered', (site) => {
      const attachJs = path.join(site, 'pkg/attach.js');
      fs.writeFileSync(attachJs, fs.readFileSync(attachJs, 'utf8').replace('Encrypting', 'Encryptinq'));
    });
    try {
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${other.base}/`);
      await page.waitForTimeout(1000);
      await expect(page.locator('#key-status')).toHaveText('Loading the encryption key…');
      expect(errors.join('\n')).toMatch(/integrity/i);
    } finally {
      await stopServer(other);
    }
  });

  test('a seal build whose bytes changed is refused (Subresource Integrity)', async ({ page }) => {
    // One base64 character of the inlined seal build changed: its module's
    // modulepreload integrity refuses it, and nothing of orderseal runs.
    const other = await tamperedSite('tampered-wasm', (site) => {
      const inline = path.join(site, 'pkg/web/orderseal_seal_inline.js');
      const text = fs.readFileSync(inline, 'utf8');
      const at = text.lastIndexOf("'") - 10;
      fs.writeFileSync(inline, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    });
    try {
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(`${other.base}/`);
      await page.waitForTimeout(1000);
      await expect(page.locator('#key-status')).toHaveText('Loading the encryption key…');
      expect(errors.join('\n')).toMatch(/integrity/i);
    } finally {
      await stopServer(other);
    }
  });
});
