// Opener.openAll, the back office's batch open, on both engines, with the
// real full build of pkg/web in Node (which has WebCrypto): WebCrypto doing
// the ECDH and AES-GCM around the core gives exactly what the wasm engine
// (the `hpke` crate) gives, for every test vector and for fresh seals; a
// WebCrypto that fails its known-answer test, or refuses envelopes, is
// not trusted with the answer.
//
//   npm run build && node --test tests/node/open-engines.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const vectors = join(root, 'tests', 'vectors');
const { createApi } = await import('./support.mjs');
const fullGlue = await import(join(pkg, 'web', 'orderseal.js'));
const fullBytes = readFileSync(join(pkg, 'web', 'orderseal_bg.wasm'));
const key = JSON.parse(readFileSync(join(vectors, 'key.json'), 'utf8'));
const cases = readdirSync(vectors)
  .filter((f) => f.startsWith('envelope-') && f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, ...JSON.parse(readFileSync(join(vectors, f), 'utf8')) }));

/** A fresh API on the full build (its own WebCrypto known-answer test). */
async function api() {
  const a = createApi({
    full: async (source) => {
      await fullGlue.default({ module_or_path: source ?? fullBytes });
      return fullGlue;
    },
  });
  await a.init();
  return a;
}

async function opener(engine) {
  const o = new (await api()).Opener({ engine });
  o.addKey(key.private_pkcs8_pem);
  return o;
}

/** An opened envelope or an error, as plain data to compare. */
const outcome = (r) => (r.opened ? { ok: r.opened } : { code: r.error.code, message: r.error.message });

/** Runs `body` with SubtleCrypto.prototype[name] replaced by `fake(original)`. */
async function withSubtle(name, fake, body) {
  const proto = Object.getPrototypeOf(globalThis.crypto.subtle);
  const original = proto[name];
  proto[name] = fake(original);
  try {
    return await body();
  } finally {
    proto[name] = original;
  }
}

test('both engines give every vector its expected result, and the same one', async () => {
  const envelopes = cases.map((c) => c.envelope);
  const web = await opener('webcrypto');
  const wasm = await opener('wasm');
  assert.equal(web.engine, 'webcrypto');
  assert.equal(wasm.engine, 'wasm');
  const [a, b] = [await web.openAll(envelopes), await wasm.openAll(envelopes)];
  assert.equal(a.length, cases.length);
  cases.forEach((c, i) => {
    assert.deepEqual(outcome(a[i]), outcome(b[i]), c.name);
    if (c.expect === 'ok') {
      assert.ok(a[i].opened, `${c.name}: opens`);
      const files = (v) => (v && typeof v === 'object' && v.data instanceof Uint8Array ? { ...v, data: Buffer.from(v.data).toString('base64url') } : v);
      const fields = Object.fromEntries(
        Object.entries(a[i].opened.fields).map(([k, v]) => [k, Array.isArray(v) ? v.map(files) : files(v)]),
      );
      assert.deepEqual({ fields }, c.plaintext, c.name);
    } else {
      assert.equal(a[i].error?.code, c.expect, c.name);
      assert.equal(a[i].error?.name, 'OrderSealError', c.name);
    }
  });
});

test('openAll opens fresh seals of both suites, in input order, and open() agrees', async () => {
  const a = await api();
  const suites = ['P256-SHA256-A128GCM', 'P256-SHA256-A256GCM'];
  const sealed = [];
  for (let i = 0; i < 40; i++) {
    const sealer = new a.Sealer(key.public_jwk, { suite: suites[i % 2] });
    const file = { name: `po-${i}.pdf`, type: 'application/pdf', data: new Uint8Array([i, 0x80, 0]) };
    sealed.push((await sealer.seal({ n: String(i), po: file }, { formId: 'order' })).json);
  }
  const web = await opener('webcrypto');
  const results = await web.openAll(sealed);
  results.forEach((r, i) => {
    assert.equal(r.opened.fields.n, String(i));
    assert.deepEqual([...r.opened.fields.po.data], [i, 0x80, 0]);
    assert.equal(r.opened.suite, suites[i % 2]);
    assert.deepEqual(r.opened, web.open(sealed[i]));
  });
});

test('a WebCrypto that fails its known-answer test is not used: auto falls back, webcrypto refuses', async () => {
  const envelopes = cases.map((c) => c.envelope);
  const expected = (await (await opener('wasm')).openAll(envelopes)).map(outcome);
  const lying = (original) =>
    async function (...args) {
      const bits = new Uint8Array(await original.apply(this, args));
      bits[0] ^= 1;
      return bits.buffer;
    };
  await withSubtle('deriveBits', lying, async () => {
    const auto = await opener('auto');
    assert.equal(auto.engine, 'webcrypto');
    assert.deepEqual((await auto.openAll(envelopes)).map(outcome), expected);
    assert.equal(auto.engine, 'wasm');
    const strict = await opener('webcrypto');
    await assert.rejects(strict.openAll(envelopes), (e) => e.code === 'unavailable' && /known-answer/.test(e.message));
  });
});

test('envelopes WebCrypto refuses are opened again by the wasm engine, which gives the answer', async () => {
  const envelopes = cases.map((c) => c.envelope);
  const web = await opener('webcrypto');
  await web.openAll(envelopes.slice(0, 1)); // the known-answer test passes first
  const expected = (await (await opener('wasm')).openAll(envelopes)).map(outcome);
  const refusing = () => async () => {
    throw new DOMException('refused', 'OperationError');
  };
  await withSubtle('decrypt', refusing, async () => {
    assert.deepEqual((await web.openAll(envelopes)).map(outcome), expected);
  });
});

test('after clear(), nothing opens; the private key is not part of the API', async () => {
  const web = await opener('webcrypto');
  const envelope = cases.find((c) => c.expect === 'ok').envelope;
  assert.ok((await web.openAll([envelope]))[0].opened);
  web.clear();
  const [r] = await web.openAll([envelope]);
  assert.equal(r.error.code, 'unknown_kid');
  for (const name of ['exportKeyForWebCrypto', 'prepareOpen']) {
    assert.equal(name in web, false, name);
  }
});

// An object's keys put names that look like array indices first ("2"
// before "a"): `entries` keeps the form's order, on both engines and in
// Opener.open, with the same values as `fields`.
test('entries keep the form order of names like "2" and "10", which fields keys lose', async () => {
  const a = await api();
  const form = new Map([
    ['b', 'first'],
    ['10', 'second'],
    ['2', ['third', 'list']],
    ['a', 'fourth'],
  ]);
  const { json } = await new a.Sealer(key.public_jwk).seal(form, { formId: 'order' });
  const expected = [...form.entries()];
  const o = new a.Opener();
  o.addKey(key.private_pkcs8_pem);
  const opened = [o.open(json)];
  for (const engine of ['wasm', 'webcrypto']) {
    const [r] = await (await opener(engine)).openAll([json]);
    opened.push(r.opened);
  }
  for (const r of opened) {
    assert.deepEqual(r.entries, expected);
    assert.deepEqual(Object.keys(r.fields), ['2', '10', 'b', 'a']);
    assert.deepEqual(Object.fromEntries(r.entries), r.fields);
  }
});
