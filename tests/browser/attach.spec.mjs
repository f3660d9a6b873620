// The browser module and its form binding, in real Chromium, against the
// built package (pkg/, `npm run build`) served with the static page
// tests/browser/fixtures/order.html by fixtures/server.mjs.
//
// Every request the page makes is recorded (URL, headers, body) and checked
// for the values typed into the form: only an envelope may leave the page.
// Envelopes that reach the server are opened with the package's Node build
// and the published test key (tests/vectors/key.json).
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { ROOT, KEY, start } from './fixtures/server.mjs';

const { Opener } = await import(join(ROOT, 'pkg', 'node.js'));

// Distinctive values: none of them may appear in any request.
const ORDER = {
  product: 'Engraved fountain pen Zq81',
  email: 'ada.lovelace@example.org',
  quantity: '12',
  payment: 'RF18539007547034',
  notes: 'Please engrave: Für Ada — with thanks',
};
const PDF = Buffer.from('%PDF-1.7 SECRET-PO-MARKER-7731 purchase order body');
const SECRETS = [
  ORDER.product,
  ORDER.email,
  ORDER.payment,
  'Please engrave',
  'SECRET-PO-MARKER',
  'po-2026-117.pdf',
];

let server;
test.beforeAll(async () => {
  server = await start();
});
test.afterAll(async () => {
  await server?.close();
});
test.beforeEach(() => {
  server.requests.length = 0;
});

// Records every request the page sends, with its headers and body.
function recordRequests(page) {
  const sent = [];
  page.on('request', async (request) => {
    const entry = { url: request.url(), method: request.method(), body: request.postData() ?? '' };
    sent.push(entry);
    entry.headers = JSON.stringify(await request.allHeaders().catch(() => request.headers()));
  });
  return sent;
}

function expectNoPlaintext(sent) {
  for (const r of [...sent, ...server.requests.map((q) => ({ ...q, headers: JSON.stringify(q.headers) }))]) {
    const all = [r.url, r.headers ?? '', r.body ?? ''];
    for (const text of all) {
      for (const variant of [text, safeDecode(text)]) {
        for (const secret of SECRETS) {
          expect(variant, `"${secret}" leaked in a request to ${r.url}`).not.toContain(secret);
        }
      }
    }
  }
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const posts = () => server.requests.filter((r) => r.method === 'POST');

async function open(page, query = '') {
  await page.goto(`${server.url}/order.html${query}`);
}

async function fillOrder(page, { withFile = true } = {}) {
  await page.fill('#product', ORDER.product);
  await page.fill('#email', ORDER.email);
  await page.fill('#quantity', ORDER.quantity);
  await page.fill('#payment', ORDER.payment);
  await page.fill('#notes', ORDER.notes);
  await page.selectOption('#colour', 'red');
  await page.selectOption('#extras', ['gift-wrap', 'ink']);
  await page.check('#delivery-pickup');
  await page.check('#gift');
  await page.check('#svc-insure');
  if (withFile) {
    await page.setInputFiles('#po', { name: 'po-2026-117.pdf', mimeType: 'application/pdf', buffer: PDF });
  }
}

function openEnvelope(json) {
  const opener = new Opener();
  opener.addKey(KEY.private_pkcs8_pem);
  try {
    return opener.open(json);
  } finally {
    opener.free();
  }
}

const EXPECTED_FIELDS = {
  product: ORDER.product,
  email: ORDER.email,
  quantity: ORDER.quantity,
  payment: ORDER.payment,
  notes: ORDER.notes,
  colour: 'red',
  extras: ['gift-wrap', 'ink'],
  delivery: 'pickup',
  gift: 'yes',
  services: ['insurance'],
};

test('a submitted form posts only an envelope, which opens to every field', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page);
  await expect.poll(() => page.evaluate(() => window.ready)).toBe(KEY.kid);
  // Sealed by WebCrypto's ECDH and AES-GCM around the core; opened below by
  // the package's Opener (the hpke crate).
  expect(await page.evaluate(() => window.engine)).toBe('webcrypto');
  await fillOrder(page);
  await page.click('#send');
  await expect(page.locator('#status')).toHaveText(/sent/);
  await expect(page.locator('#status')).toHaveAttribute('role', 'status');

  const [post] = posts();
  expect(posts()).toHaveLength(1);
  expect(post.url).toBe('/submit');
  expect(post.headers['content-type']).toBe('application/json');
  const envelope = JSON.parse(post.body);
  expect(Object.keys(envelope)).toEqual(['v', 'suite', 'kid', 'form', 'sid', 'ts', 'enc', 'ct']);
  expect(envelope.kid).toBe(KEY.kid);
  expect(envelope.form).toBe('order');

  const opened = openEnvelope(post.body);
  const { po, ...fields } = opened.fields;
  expect(fields).toEqual(EXPECTED_FIELDS);
  expect(Object.keys(opened.fields)).toEqual([...Object.keys(EXPECTED_FIELDS), 'po']);
  expect(po.name).toBe('po-2026-117.pdf');
  expect(po.type).toBe('application/pdf');
  expect(Buffer.from(po.data).equals(PDF)).toBe(true);

  // Events: sealed, then sent with the server's JSON answer.
  const events = await page.evaluate(() => window.events);
  expect(events.map((e) => e.type)).toEqual(['sealed', 'sent']);
  expect(events[1].detail).toMatchObject({ submissionId: envelope.sid, status: 200, response: { ok: true, sid: envelope.sid } });

  // Confirmed: the plaintext is gone from the page.
  await expect(page.locator('#product')).toHaveValue('');
  await expect(page.locator('#notes')).toHaveValue('');
  await expect(page.locator('#delivery-pickup')).not.toBeChecked();
  expect(await page.locator('#po').evaluate((el) => el.files.length)).toBe(0);
  expectNoPlaintext(sent);
});

const wasmFetched = (sent) =>
  sent.map((r) => r.url.match(/\/(orderseal\w*_bg\.wasm)$/)?.[1]).filter(Boolean).sort();

// The order of the first test, sealed and sent; returns the opened fields.
async function sendAndOpen(page) {
  await fillOrder(page);
  await page.click('#send');
  await expect(page.locator('#status')).toHaveText(/sent/);
  expect(posts()).toHaveLength(1);
  const { po, ...fields } = openEnvelope(posts()[0].body).fields;
  expect(fields).toEqual(EXPECTED_FIELDS);
  expect(Buffer.from(po.data).equals(PDF)).toBe(true);
}

test('with WebCrypto, the page loads only the seal build, inlined: no .wasm request', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page);
  expect(await page.evaluate(() => window.build)).toBe('seal');
  expect(await page.evaluate(() => window.engine)).toBe('webcrypto');
  await sendAndOpen(page);
  expect(wasmFetched(sent)).toEqual([]);
  expectNoPlaintext(sent);
});

test('without DecompressionStream, the seal build comes from its .wasm file', async ({ page }) => {
  const sent = recordRequests(page);
  await page.addInitScript(() => delete globalThis.DecompressionStream);
  await open(page);
  expect(await page.evaluate(() => typeof DecompressionStream)).toBe('undefined');
  expect(await page.evaluate(() => window.build)).toBe('seal');
  await sendAndOpen(page);
  expect(wasmFetched(sent)).toEqual(['orderseal_seal_bg.wasm']);
  expectNoPlaintext(sent);
});

test('without Uint8Array.fromBase64, the inlined seal build is decoded with atob', async ({ page }) => {
  const sent = recordRequests(page);
  await page.addInitScript(() => delete Uint8Array.fromBase64);
  await open(page);
  expect(await page.evaluate(() => typeof Uint8Array.fromBase64)).toBe('undefined');
  expect(await page.evaluate(() => window.build)).toBe('seal');
  await sendAndOpen(page);
  expect(wasmFetched(sent)).toEqual([]);
  expectNoPlaintext(sent);
});

test('without a native base64url encoder, btoa encodes the ciphertext', async ({ page }) => {
  // Chromium has Uint8Array.prototype.toBase64, which encodes `ct` (the core
  // writes the rest of the envelope); without it, js/api.js encodes it with
  // btoa (the seal build has no base64 encoder for `ct`).
  expect(await page.evaluate(() => typeof Uint8Array.prototype.toBase64)).toBe('function');
  const sent = recordRequests(page);
  await page.addInitScript(() => delete Uint8Array.prototype.toBase64);
  await open(page);
  expect(await page.evaluate(() => typeof Uint8Array.prototype.toBase64)).toBe('undefined');
  expect(await page.evaluate(() => window.engine)).toBe('webcrypto');
  await sendAndOpen(page);
  const envelope = JSON.parse(posts()[0].body);
  expect(Object.keys(envelope)).toEqual(['v', 'suite', 'kid', 'form', 'sid', 'ts', 'enc', 'ct']);
  expect(envelope.v).toBe(2);
  expectNoPlaintext(sent);
});

test('seal() reads an input\'s FileList: none chosen is an empty list, one chosen a list of one', async ({ page }) => {
  await open(page);
  const seal = () =>
    page.evaluate(async (jwk) => {
      const { init, Sealer } = await import('/pkg/index.js');
      await init();
      const sealer = new Sealer(jwk);
      try {
        const fields = { product: 'Pen', po: document.getElementById('po').files };
        return (await sealer.seal(fields, { formId: 'order' })).json;
      } finally {
        sealer.free();
      }
    }, KEY.public_jwk);
  expect(openEnvelope(await seal()).fields).toEqual({ product: 'Pen', po: [] });
  await page.setInputFiles('#po', { name: 'po-2026-117.pdf', mimeType: 'application/pdf', buffer: PDF });
  const { po } = openEnvelope(await seal()).fields;
  expect(po).toHaveLength(1);
  expect(po[0].name).toBe('po-2026-117.pdf');
  expect(po[0].type).toBe('application/pdf');
  expect(Buffer.from(po[0].data).equals(PDF)).toBe(true);
});

test('without WebCrypto (an insecure context), the full build seals in pure Rust', async ({ page }) => {
  const sent = recordRequests(page);
  await page.addInitScript(() =>
    Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined, configurable: true }),
  );
  await open(page);
  expect(await page.evaluate(() => window.build)).toBe('full');
  expect(await page.evaluate(() => window.engine)).toBe('wasm');
  await sendAndOpen(page);
  expect(wasmFetched(sent)).toEqual(['orderseal_bg.wasm']);
  expectNoPlaintext(sent);
});

test('a WebCrypto that fails its known-answer test is not used to seal', async ({ page }) => {
  const sent = recordRequests(page);
  // An ECDH that returns other bytes: caught by the RFC 9180 A.3 check, which
  // runs while the page gets ready; the seal then waits for it, and the full
  // build (the pure-Rust engine) seals instead.
  await page.addInitScript(() => {
    const deriveBits = SubtleCrypto.prototype.deriveBits;
    SubtleCrypto.prototype.deriveBits = async function (...args) {
      const bits = new Uint8Array(await deriveBits.apply(this, args));
      bits[0] ^= 1;
      return bits.buffer;
    };
  });
  await open(page);
  expect(await page.evaluate(() => window.build)).toBe('seal');
  await sendAndOpen(page);
  expect(wasmFetched(sent)).toEqual(['orderseal_bg.wasm']);
  expect(await page.evaluate(() => window.events.map((e) => e.type))).toEqual(['sealed', 'sent']);
  expectNoPlaintext(sent);
});

test('mode native: one hidden input carries the envelope through a native submission', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page, '?mode=native');
  await fillOrder(page, { withFile: false });
  await Promise.all([page.waitForURL('**/submit-native'), page.click('#send')]);
  await expect(page.locator('#received')).toBeVisible();
  const [post] = posts();
  expect(posts()).toHaveLength(1);
  const form = new URLSearchParams(post.body);
  expect([...form.keys()].sort()).toEqual(['orderseal', 'page']);
  expect(form.get('page')).toBe('order-test');
  const { po, ...fields } = openEnvelope(form.get('orderseal')).fields;
  expect(fields).toEqual(EXPECTED_FIELDS);
  expect(po).toEqual([]);
  expectNoPlaintext(sent);
});

test('a network failure is retried with the same envelope', async ({ page }) => {
  const sent = recordRequests(page);
  const bodies = [];
  await page.route('**/submit', async (route) => {
    bodies.push(route.request().postData());
    if (bodies.length === 1) await route.abort('internetdisconnected');
    else await route.continue();
  });
  await open(page);
  await fillOrder(page);
  await page.click('#send');
  await expect(page.locator('#status')).toHaveText(/sent/);
  expect(bodies).toHaveLength(2);
  expect(bodies[1]).toBe(bodies[0]);
  expect(posts()).toHaveLength(1);
  expect(posts()[0].body).toBe(bodies[0]);
  expectNoPlaintext(sent);
});

test('with a seal build that does not load, nothing is posted and the customer is told', async ({ page }) => {
  const sent = recordRequests(page);
  // The inlined seal build is not gzip (a broken upload, say), and no .wasm
  // file can be fetched either.
  await page.route('**/orderseal_seal_inline.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: "export const SEAL_WASM_GZIP_BASE64 = 'AAAA';" }),
  );
  await page.route('**/*.wasm', (route) => route.abort());
  await open(page);
  await expect.poll(() => page.evaluate(() => window.ready)).toBe('error:unavailable');
  await fillOrder(page);
  await page.click('#send');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('role', 'alert');
  await expect(status).toHaveText(/cannot encrypt.*nothing was sent/i);
  await page.waitForTimeout(300);
  expect(posts()).toHaveLength(0);
  expect(page.url()).toBe(`${server.url}/order.html`);
  const events = await page.evaluate(() => window.events);
  expect(events.length).toBeGreaterThan(0);
  expect(events.every((e) => e.type === 'error' && e.detail.code === 'unavailable')).toBe(true);
  // The customer's input stays for a later try.
  await expect(page.locator('#product')).toHaveValue(ORDER.product);
  expectNoPlaintext(sent);
});

// Sends an order on a page where orderseal cannot seal: the customer is
// told, and nothing leaves the page.
async function expectRefused(page, sent) {
  await fillOrder(page, { withFile: false });
  await page.click('#send');
  await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#status')).toHaveText(/cannot encrypt/);
  await page.waitForTimeout(300);
  expect(posts()).toHaveLength(0);
  expectNoPlaintext(sent);
}

for (const [missing, remove] of [
  ['WebAssembly', () => delete globalThis.WebAssembly],
  ['crypto.getRandomValues', () => Object.defineProperty(Crypto.prototype, 'getRandomValues', { value: undefined })],
]) {
  test(`without ${missing}, nothing is posted and the customer is told`, async ({ page }) => {
    const sent = recordRequests(page);
    await page.addInitScript(remove);
    await open(page);
    await expect.poll(() => page.evaluate(() => window.ready)).toBe('error:unavailable');
    await expectRefused(page, sent);
    expect(page.url()).toBe(`${server.url}/order.html`);
  });
}

test('with stuck random numbers, the self-test after init() fails and nothing is posted', async ({ page }) => {
  // The seal build's self-test runs once init() has resolved (a task of its
  // own): a Sealer can be made before it, but no seal. Two submission ids
  // that come out equal fail it.
  const sent = recordRequests(page);
  await page.addInitScript(() => {
    Object.defineProperty(Crypto.prototype, 'getRandomValues', { value: (array) => array.fill(0) });
  });
  await open(page);
  await expectRefused(page, sent);
});

test('with the scripts blocked, a native submission posts no sensitive field', async ({ page }) => {
  const sent = recordRequests(page);
  await page.route('**/pkg/**', (route) => route.abort());
  await open(page);
  await fillOrder(page);
  await Promise.all([page.waitForURL('**/submit'), page.click('#send')]);
  expect(posts()).toHaveLength(1);
  expect(posts()[0].body).toBe('page=order-test');
  expectNoPlaintext(sent);
});

test('a key that does not match the pinned key id is refused', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page, '?expectedKeyId=0000000000000000');
  await expect.poll(() => page.evaluate(() => window.ready)).toBe('error:kid_mismatch');
  await fillOrder(page);
  await page.click('#send');
  await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#status')).toHaveText(/could not be verified/);
  await page.waitForTimeout(300);
  expect(posts()).toHaveLength(0);
  const codes = (await page.evaluate(() => window.events)).map((e) => e.detail.code);
  expect(codes).toContain('kid_mismatch');
  expectNoPlaintext(sent);
});

test('the right pinned key id and an inline key work', async ({ page }) => {
  await open(page, `?key=inline&expectedKeyId=${KEY.kid}`);
  await expect.poll(() => page.evaluate(() => window.ready)).toBe(KEY.kid);
  await fillOrder(page, { withFile: false });
  await page.click('#send');
  await expect(page.locator('#status')).toHaveText(/sent/);
  expect(posts()).toHaveLength(1);
});

test('an invalid field is marked accessibly and nothing is posted', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page);
  await fillOrder(page);
  await page.fill('#email', 'not-an-email');
  await page.fill('#payment', 'XX');
  await page.click('#send');

  for (const id of ['#email', '#payment']) {
    const field = page.locator(id);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const describedBy = await field.getAttribute('aria-describedby');
    const message = page.locator(`#${describedBy}`);
    await expect(message).toBeVisible();
    expect((await message.textContent()).length).toBeGreaterThan(0);
  }
  await expect(page.locator('#product')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#email')).toBeFocused();
  await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#status')).toHaveText(/correct the highlighted fields/);
  await page.waitForTimeout(300);
  expect(posts()).toHaveLength(0);

  // Fixing a field clears its mark; then the order goes through.
  await page.fill('#email', ORDER.email);
  await expect(page.locator('#email')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#email')).not.toHaveAttribute('aria-describedby', /./);
  await page.fill('#payment', ORDER.payment);
  await page.click('#send');
  await expect(page.locator('#status')).toHaveText(/sent/);
  expect(posts()).toHaveLength(1);
  expectNoPlaintext(sent);
});

test('a file over the size limit is refused and nothing is posted', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page);
  await fillOrder(page, { withFile: false });
  await page.setInputFiles('#po', {
    name: 'po-2026-117.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.alloc(9 * 1024 * 1024, 0x41),
  });
  await page.click('#send');
  await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#status')).toHaveText(/too large/);
  const errors = (await page.evaluate(() => window.events)).filter((e) => e.type === 'error');
  expect(errors.at(-1).detail).toMatchObject({ code: 'limit_exceeded', limit: 'plaintext size' });
  await page.waitForTimeout(300);
  expect(posts()).toHaveLength(0);
  expectNoPlaintext(sent);
});

for (const mode of ['fetch', 'native']) {
  test(`a sensitive control with a name is refused in mode ${mode}`, async ({ page }) => {
    const sent = recordRequests(page);
    await open(page, `?named=1&mode=${mode}`);
    await fillOrder(page, { withFile: false });
    await page.click('#send');
    await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
    await expect(page.locator('#status')).toHaveText(/not set up correctly/);
    await page.waitForTimeout(300);
    expect(posts()).toHaveLength(0);
    expect(page.url()).toContain('/order.html');
    const codes = (await page.evaluate(() => window.events)).map((e) => e.detail.code);
    expect(codes).toContain('misconfigured');
    expectNoPlaintext(sent);
  });
}

test('a server that refuses is reported and the fields are kept', async ({ page }) => {
  await open(page, '?action=/submit-reject');
  await fillOrder(page, { withFile: false });
  await page.click('#send');
  await expect(page.locator('#status')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#status')).toHaveText(/did not accept/);
  const errors = (await page.evaluate(() => window.events)).filter((e) => e.type === 'error');
  expect(errors.at(-1).detail).toMatchObject({ code: 'server_rejected', status: 400 });
  await expect(page.locator('#product')).toHaveValue(ORDER.product);
  await expect(page.locator('#send')).toBeEnabled();
});

test('the form works with the keyboard only', async ({ page }) => {
  const sent = recordRequests(page);
  await open(page);
  await expect.poll(() => page.evaluate(() => window.ready)).toBe(KEY.kid);
  const kb = page.keyboard;
  await kb.press('Tab');
  await expect(page.locator('#product')).toBeFocused();
  await kb.type(ORDER.product);
  await kb.press('Tab');
  await kb.type(ORDER.email);
  await kb.press('Tab');
  await kb.type(ORDER.quantity);
  // Enter submits (implicit submission); the delivery choice is missing, so
  // focus goes to it with its message.
  await kb.press('Enter');
  await expect(page.locator('#delivery-courier')).toBeFocused();
  await expect(page.locator('#delivery-courier')).toHaveAttribute('aria-invalid', 'true');
  expect(posts()).toHaveLength(0);
  await kb.press('Space');
  await expect(page.locator('#delivery-courier')).toBeChecked();
  await expect(page.locator('#delivery-courier')).not.toHaveAttribute('aria-invalid', 'true');
  // Tab on to the button and press Space.
  for (let i = 0; i < 20; i++) {
    if (await page.locator('#send').evaluate((el) => el === document.activeElement)) break;
    await kb.press('Tab');
  }
  await expect(page.locator('#send')).toBeFocused();
  await kb.press('Space');
  await expect(page.locator('#status')).toHaveText(/sent/);
  expect(posts()).toHaveLength(1);
  const { fields } = openEnvelope(posts()[0].body);
  expect(fields).toMatchObject({ product: ORDER.product, email: ORDER.email, delivery: 'courier' });
  // Focus is back on the button, not lost.
  await expect(page.locator('#send')).toBeFocused();
  expectNoPlaintext(sent);
});
