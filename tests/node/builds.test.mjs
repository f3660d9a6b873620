// The two wasm builds behind the browser entry (js/api.js), with the real
// .wasm files of pkg/web, loaded in Node (which has WebCrypto, like a
// secure page): which build init() picks, when the full build is fetched,
// and that what each seals opens with the Opener.
//
//   npm run build && node --test tests/node/builds.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const { createApi } = await import('./support.mjs');
const { Opener } = await import(join(pkg, 'node.js'));
const sealGlue = await import(join(pkg, 'seal.js'));
const fullGlue = await import(join(pkg, 'web', 'orderseal.js'));
const sealBytes = readFileSync(join(pkg, 'web', 'orderseal_seal_bg.wasm'));
const fullBytes = readFileSync(join(pkg, 'web', 'orderseal_bg.wasm'));
const key = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'key.json'), 'utf8'));

// The loaders of js/index.js, with the .wasm bytes as the default source
// (Node cannot fetch the file: URLs the web glue defaults to), counting
// the loads of each build.
function builds({ fullFails = 0 } = {}) {
  const loads = { seal: 0, full: 0 };
  const api = createApi({
    seal: async (source) => {
      loads.seal++;
      await sealGlue.default({ module_or_path: source ?? sealBytes });
      return sealGlue;
    },
    full: async (source) => {
      loads.full++;
      if (loads.full <= fullFails) throw new Error('orderseal_bg.wasm: 503');
      await fullGlue.default({ module_or_path: source ?? fullBytes });
      return fullGlue;
    },
  });
  return { api, loads };
}

const ORDER = { product: 'Engraved pen', quantity: '2', colours: ['red', 'blue'] };

function opens(json) {
  const opener = new Opener();
  try {
    opener.addKey(key.private_pkcs8_pem);
    return opener.open(json).fields;
  } finally {
    opener.free();
  }
}

test('with WebCrypto, init() loads the seal build only, and its seals open', async () => {
  const { api, loads } = builds();
  await api.init();
  assert.equal(api.build(), 'seal');
  const sealer = new api.Sealer(key.public_jwk, { expectedKeyId: key.kid });
  assert.equal(sealer.engine, 'webcrypto');
  const { json, envelope } = await sealer.seal(ORDER, { formId: 'order' });
  assert.deepEqual(opens(json), ORDER);
  assert.deepEqual(JSON.parse(json), envelope, 'the envelope object is the JSON text');
  assert.deepEqual(loads, { seal: 1, full: 0 });
});

test('the seal build has no Opener: it says to load the full build', async () => {
  const { api } = builds();
  await api.init();
  assert.throws(() => new api.Opener(), { code: 'unavailable', message: /full build/ });
});

test('the wasm engine fetches the full build on its first seal, once', async () => {
  const { api, loads } = builds();
  await api.init();
  const sealer = new api.Sealer(key.public_jwk, { engine: 'wasm' });
  assert.equal(loads.full, 0, 'not before it is needed');
  for (let i = 0; i < 2; i++) {
    const { json } = await sealer.seal(ORDER, { formId: 'order' });
    assert.deepEqual(opens(json), ORDER);
  }
  assert.deepEqual(loads, { seal: 1, full: 1 });
  assert.equal(api.build(), 'seal', 'the Sealers still come from the seal build');
});

test('a full build that does not load fails that seal only; the next one loads it', async () => {
  const { api, loads } = builds({ fullFails: 1 });
  await api.init();
  const sealer = new api.Sealer(key.public_jwk, { engine: 'wasm' });
  await assert.rejects(sealer.seal(ORDER, { formId: 'order' }), {
    code: 'unavailable',
    message: /full build did not load.*503/,
  });
  const { json } = await sealer.seal(ORDER, { formId: 'order' });
  assert.deepEqual(opens(json), ORDER);
  assert.equal(loads.full, 2);
  // The webcrypto engine never needed it.
  const other = new api.Sealer(key.public_jwk);
  assert.deepEqual(opens((await other.seal(ORDER, { formId: 'order' })).json), ORDER);
});

test('init({ full }) loads the full build alone (the back office)', async () => {
  const { api, loads } = builds();
  await api.init({ full: fullBytes });
  assert.equal(api.build(), 'full');
  assert.deepEqual(loads, { seal: 0, full: 1 });
  const opener = new api.Opener();
  opener.addKey(key.private_pkcs8_pem);
  const sealed = await new api.Sealer(key.public_jwk).seal(ORDER, { formId: 'order' });
  assert.deepEqual(opener.open(sealed.json).fields, ORDER);
  opener.free();
});

test('one compiled module is told apart by its exports', async () => {
  for (const [bytes, want] of [
    [fullBytes, 'full'],
    [sealBytes, 'seal'],
  ]) {
    const { api, loads } = builds();
    await api.init(new WebAssembly.Module(bytes));
    assert.equal(api.build(), want);
    assert.equal(loads[want], 1);
  }
});

test('{ seal, full } with lazy sources: the full one is never called with WebCrypto', async () => {
  const { api } = builds();
  let asked = 0;
  await api.init({
    seal: () => sealBytes,
    full: () => {
      asked++;
      return fullBytes;
    },
  });
  assert.equal(api.build(), 'seal');
  await new api.Sealer(key.public_jwk).seal(ORDER, { formId: 'order' });
  assert.equal(asked, 0);
});

// The seal build reads keys with `PublicKey::parse_published` (no DER
// decoder, no point decompression): every encoding a key is published in
// gives the full build's key, a compressed point is refused with a hint.
test('the seal build reads every published key encoding; compressed points it leaves to the full build', async () => {
  const { api } = builds();
  await api.init();
  assert.equal(api.build(), 'seal');
  const pemBody = key.public_spki_pem.replace(/-----[^-]+-----|\s/g, '');
  const der = Uint8Array.from(Buffer.from(pemBody, 'base64'));
  const sec1 = Buffer.from(key.public_sec1_hex, 'hex');
  const forms = {
    'JWK object': key.public_jwk,
    'JWK text': JSON.stringify(key.public_jwk),
    'SPKI PEM': key.public_spki_pem,
    'SPKI DER bytes': der,
    'SPKI DER ArrayBuffer': der.slice().buffer,
    'SEC1 bytes': Uint8Array.from(sec1),
    'SEC1 hex': key.public_sec1_hex,
    'SEC1 base64url': sec1.toString('base64url'),
  };
  for (const [what, input] of Object.entries(forms)) {
    const sealer = new api.Sealer(input, { expectedKeyId: key.kid });
    assert.equal(sealer.keyId, key.kid, what);
    sealer.free();
  }
  const compressed = Buffer.concat([Buffer.from([2 | (sec1[64] & 1)]), sec1.subarray(1, 33)]).toString('hex');
  assert.throws(() => new api.Sealer(compressed), {
    code: 'key_malformed',
    message: /seal build.*orderseal key public/s,
  });
  // The full build reads it: the same key.
  const full = new fullGlue.Sealer(compressed, {});
  assert.equal(full.keyId, key.kid);
  full.free();
  // Other algorithms and curves are named as the full build names them.
  const rsa = readFileSync(join(root, 'tests', 'keys', 'rsa.pub.pem'), 'utf8');
  const p384 = readFileSync(join(root, 'tests', 'keys', 'p384.pub.pem'), 'utf8');
  assert.throws(() => new api.Sealer(rsa), { code: 'key_unsupported', message: /RSA/ });
  assert.throws(() => new api.Sealer(p384), { code: 'key_wrong_curve', message: /secp384r1/ });
  const offCurve = `04${key.public_sec1_hex.slice(2, -2)}${key.public_sec1_hex.endsWith('00') ? '01' : '00'}`;
  assert.throws(() => new api.Sealer(offCurve), { code: 'key_not_on_curve' });
});

// The two builds read JavaScript values through different bindings: the
// full build's wasm-bindgen (src/wasm/convert.rs), the seal build's own glue
// (js/seal.js, src/wasm/values.rs). Every value a caller may get wrong
// must give the same error, code and message, from both.
test('the seal build\'s glue refuses what the full build\'s refuses, with the same error', async () => {
  await sealGlue.default({ module_or_path: sealBytes });
  await fullGlue.default({ module_or_path: fullBytes });
  const outcome = (f) => {
    try {
      const made = f();
      made?.free?.();
      return 'ok';
    } catch (error) {
      const { name, code, message, limit, actual, max } = error;
      return { name, code, message, limit, actual, max };
    }
  };
  const same = (what, f) => assert.deepEqual(outcome(() => f(sealGlue)), outcome(() => f(fullGlue)), what);
  const throwing = (value, member) =>
    Object.defineProperty({ ...value }, member, {
      enumerable: true,
      get() {
        throw new Error('a getter that throws');
      },
    });

  const jwk = key.public_jwk;
  const keys = {
    number: 42,
    null: null,
    undefined: undefined,
    array: [1, 2],
    function: () => 1,
    'empty text': '',
    'text that is no key': 'not a key',
    'broken JSON': '{"kty":"EC"',
    'JSON array': '[]',
    'JSON number': '7',
    'a JWK Set': JSON.stringify({ keys: [jwk] }),
    'RSA JWK text': '{"kty":"RSA","n":"AQAB","e":"AQAB"}',
    'JSON bytes': new TextEncoder().encode(JSON.stringify({ ...jwk, crv: 'P-384' })),
    'JWK without x': { kty: 'EC', crv: 'P-256', y: jwk.y },
    'JWK with a number x': { ...jwk, x: 5 },
    'JWK with null crv': { ...jwk, crv: null },
    'JWK of another curve': { ...jwk, crv: 'P-384' },
    'JWK with a private part': { ...jwk, d: jwk.x },
    'JWK whose x throws': throwing(jwk, 'x'),
    'JWK with keys': { ...jwk, keys: [] },
    'bytes that are no key': new Uint8Array([1, 2, 3]),
  };
  for (const [what, input] of Object.entries(keys)) {
    same(`key: ${what}`, (g) => new g.Sealer(input, {}));
  }
  const options = {
    number: 5,
    text: 'x',
    array: [],
    'expectedKeyId a number': { expectedKeyId: 5 },
    'expectedKeyId malformed': { expectedKeyId: 'bad' },
    'expectedKeyId of another key': { expectedKeyId: '0000000000000000' },
    'expectedKeyId that throws': throwing({}, 'expectedKeyId'),
    'suite unknown': { suite: 'nope' },
    'suite a number': { suite: 7 },
    'suite null': { suite: null },
    'suite AES-256': { suite: 'P256-SHA256-A256GCM' },
    'suite from a prototype': Object.create({ suite: 'nope' }),
  };
  for (const [what, input] of Object.entries(options)) {
    same(`options: ${what}`, (g) => new g.Sealer(jwk, input));
  }

  const file = { name: 'po.pdf', type: 'application/pdf', data: new Uint8Array([1, 2, 3]) };
  const fields = {
    null: null,
    number: 5,
    text: 'text',
    array: ['a'],
    'a Map with a number name': new Map([[1, 'x']]),
    'a Map': new Map([['a', 'x'], ['b', ['y', 'z']]]),
    'a number value': { a: 5 },
    'a null value': { a: null },
    'an empty name': { '': 'x' },
    'a control character in a name': { 'a\u0001': 'x' },
    'text and a file': { a: ['x', file] },
    'an array in an array': { a: [['x']] },
    'a number in an array': { a: [5] },
    'files': { a: [file, { ...file, data: new ArrayBuffer(4) }] },
    'a file without type': { a: { name: 'f', data: file.data } },
    'a file without data': { a: { name: 'f', type: 't' } },
    'file data that is not base64url': { a: { ...file, data: 'not base64url!' } },
    'file data as base64url': { a: { ...file, data: 'AQID' } },
    'file data as another typed array': { a: { ...file, data: new Int8Array(2) } },
    'a file with more members': { a: { ...file, size: 3 } },
    'a file whose name is a number': { a: { ...file, name: 5 } },
    'a file whose name throws': { a: throwing(file, 'name') },
    'a field over its limit': { a: 'x'.repeat(70_000) },
    'too many values': { a: Array(300).fill('x') },
  };
  const withSealer = (g, f) => {
    const sealer = new g.Sealer(jwk, {});
    try {
      return f(sealer);
    } finally {
      sealer.free();
    }
  };
  for (const [what, input] of Object.entries(fields)) {
    same(`fields: ${what}`, (g) => withSealer(g, (s) => s.prepare(input, { formId: 'order' })));
  }
  const prepareOptions = {
    number: 5,
    'formId a number': { formId: 5 },
    'formId malformed': { formId: 'not an id!' },
    'formId that throws': throwing({}, 'formId'),
    'no formId': {},
  };
  for (const [what, input] of Object.entries(prepareOptions)) {
    same(`prepare options: ${what}`, (g) => withSealer(g, (s) => s.prepare({ a: 'x' }, input)));
  }
  same('files over the size limit', (g) => g.checkFilesSize(2 ** 40));
});

// The seal build is `no_std`: its allocator is talc (src/wasm.rs), not the
// dlmalloc that `std` brings. Many seals of mixed sizes, with refusals in
// between (their allocations freed on the error paths), must each open as
// they were sealed, and the module's memory must not keep growing.
test('the seal build\'s allocator: 300 seals of mixed sizes, refusals in between; each opens as sealed, memory stays bounded', async () => {
  const { api } = builds();
  await api.init();
  assert.equal(api.build(), 'seal');
  const { memory } = await sealGlue.default({ module_or_path: sealBytes });
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  let afterFirst = 0;
  try {
    for (let i = 0; i < 300; i++) {
      const sealer = new api.Sealer(key.public_jwk, { expectedKeyId: key.kid });
      const fields = {
        n: String(i),
        note: 'x'.repeat(rand(20_000)),
        tags: Array.from({ length: rand(20) }, (_, j) => `${'é'.repeat(rand(300))}${j}`),
      };
      if (i % 7 === 0) {
        const data = new Uint8Array(rand(200_000));
        for (let j = 0; j < data.length; j += 997) data[j] = rand(256);
        fields.po = { name: `po-${i}.bin`, type: 'application/octet-stream', data };
      }
      if (i % 5 === 0) assert.throws(() => new api.Sealer(`not a key ${i}`), { code: 'key_malformed' });
      if (i % 11 === 0) {
        await assert.rejects(sealer.seal({ ...fields, '': 'x' }, { formId: 'order' }), { code: 'plaintext_invalid' });
      }
      const { json } = await sealer.seal(fields, { formId: 'order' });
      sealer.free();
      assert.deepEqual(opener.open(json).fields, fields, `seal ${i}`);
      if (i === 0) afterFirst = memory.buffer.byteLength;
    }
  } finally {
    opener.free();
  }
  // One seal holds a few copies of at most ~220 KB of plaintext; leaking
  // them would take 300 times that.
  const grown = memory.buffer.byteLength - afterFirst;
  assert.ok(grown <= 8 * 1024 * 1024, `the seal build's memory grew by ${grown} bytes over 300 seals`);
});

// The seal build's glue encodes values into one buffer that it keeps between
// calls (js/seal.js `spare`). Code that runs while a value is being encoded
// (a getter) and uses the glue itself must get a buffer of its own; an
// encoding that fails must not leave anything behind for the next.
test('the seal build\'s encoding buffer: a getter that uses the glue mid-encoding, a failed encoding; each seal opens as sealed', async () => {
  const { api } = builds();
  await api.init();
  assert.equal(api.build(), 'seal');
  const inner = [];
  const file = { type: 'text/plain', data: new TextEncoder().encode('file bytes') };
  Object.defineProperty(file, 'name', {
    enumerable: true,
    get() {
      // A Sealer encodes its key: a second encoding inside the first.
      inner.push(new api.Sealer(key.public_jwk, { expectedKeyId: key.kid }));
      return 'nested.txt';
    },
  });
  const fields = { before: 'x'.repeat(3000), attachment: file, after: 'ü'.repeat(100) };
  const sealer = new api.Sealer(key.public_jwk);
  // A file object whose members cannot be listed: the glue's encoding
  // throws after writing `note`.
  const unlistable = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('ownKeys trap');
      },
    },
  );
  try {
    const { json } = await sealer.seal(fields, { formId: 'order' });
    assert.equal(inner.length, 1);
    assert.equal(inner[0].keyId, key.kid);
    assert.deepEqual(opens(json), {
      before: fields.before,
      attachment: { name: 'nested.txt', type: 'text/plain', data: file.data },
      after: fields.after,
    });
    const { json: second } = await inner[0].seal({ short: 'order' }, { formId: 'order' });
    assert.deepEqual(opens(second), { short: 'order' });
    await assert.rejects(sealer.seal({ note: 'y'.repeat(5000), po: unlistable }, { formId: 'order' }), /ownKeys trap/);
    const { json: third } = await sealer.seal({ a: 'after a failed encoding' }, { formId: 'order' });
    assert.deepEqual(opens(third), { a: 'after a failed encoding' });
  } finally {
    sealer.free();
    for (const s of inner) s.free();
  }
});

// The seal build's glue writes text as UTF-8 itself (ASCII by hand, the
// rest by TextEncoder.encodeInto; strings of 256 UTF-16 units or more all
// by encodeInto): every kind of string must arrive as TextEncoder would
// write it, a lone surrogate as U+FFFD.
test('the seal build carries text as TextEncoder writes it: ASCII, then any other character, astral ones, lone surrogates', async () => {
  const { api } = builds();
  await api.init();
  assert.equal(api.build(), 'seal');
  const fields = {
    ascii: 'Engraved fountain pen',
    'straße': 'Müller-Lüdenscheidt',
    leading: 'éclair, then ASCII',
    astral: 'pen 🖋️ and 𝄞 at the end 😀',
    lone: 'a\uD800b\uDC00',
    empty: '',
    long: `${'x'.repeat(5000)}ü${'y'.repeat(5000)}`,
    below: 'a'.repeat(255),
    at: 'b'.repeat(256),
    longStartingOther: `ß${'c'.repeat(300)}`,
    longLone: `\uDC00${'d'.repeat(300)}\uD800`,
    list: ['', 'ü', 'x😀', 'plain'],
  };
  const sealer = new api.Sealer(key.public_jwk, { expectedKeyId: key.kid });
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  try {
    const { json } = await sealer.seal(fields, { formId: 'order' });
    const opened = opener.open(json);
    assert.deepEqual(opened.fields, {
      ...fields,
      lone: 'a\uFFFDb\uFFFD',
      longLone: `\uFFFD${'d'.repeat(300)}\uFFFD`,
    });
    assert.equal(opened.form, 'order');
    // The options' text goes the same way: the core sees the ü and refuses it.
    await assert.rejects(sealer.seal(fields, { formId: 'bestellung-ü' }), {
      code: 'plaintext_invalid',
      message: /form id/,
    });
  } finally {
    sealer.free();
    opener.free();
  }
});

// js/index.js loads the seal build from web/orderseal_seal_inline.js
// (scripts/inline-wasm.mjs) where the browser can gunzip: it must be the
// .wasm file itself, which browsers that cannot gunzip fetch instead.
test('the inlined seal build is the .wasm file, byte for byte', async () => {
  const { gunzipSync } = await import('node:zlib');
  const { SEAL_WASM_GZIP_BASE64 } = await import(join(pkg, 'web', 'orderseal_seal_inline.js'));
  const inlined = gunzipSync(Buffer.from(SEAL_WASM_GZIP_BASE64, 'base64'));
  assert.ok(inlined.equals(sealBytes), 'the same bytes as web/orderseal_seal_bg.wasm');
  // And it is the seal build: it loads and says so.
  const { api } = builds();
  await api.init({ seal: new Uint8Array(inlined) });
  assert.equal(api.build(), 'seal');
});

test('{ seal: undefined, full } keeps the seal build from its default source', async () => {
  const { api, loads } = builds();
  await api.init({ seal: undefined, full: () => fullBytes });
  assert.equal(api.build(), 'seal');
  assert.deepEqual(loads, { seal: 1, full: 0 });
});
