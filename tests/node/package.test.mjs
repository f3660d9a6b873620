// The npm package as Node users get it (pkg/, from `npm run build`):
// seal with the package, open natively with the Rust core, and the reverse
// with the committed vectors; errors, pinning, limits, fail-closed loading.
//
//   npm run build && node --test tests/node/
//
// The native half runs `cargo test --test wasm -- --ignored` on the
// envelopes this test wrote (tests/wasm.rs, module `native`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));

// The package's own entry for Node, as its exports map says.
const nodeEntry = manifest.exports['.'].node;
const orderseal = await import(join(pkg, typeof nodeEntry === 'string' ? nodeEntry : nodeEntry.default));
const { Sealer, Opener, CODES, ATTACH_CODES, isOrderSealError, init, version } = orderseal;
const { createApi } = await import('./support.mjs');
const glue = createRequire(import.meta.url)(join(pkg, 'node', 'orderseal.js'));

const vectors = join(root, 'tests', 'vectors');
const key = JSON.parse(readFileSync(join(vectors, 'key.json'), 'utf8'));
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

test('the package entry for Node is node.js and is typed', () => {
  assert.equal(typeof nodeEntry === 'string' ? nodeEntry : nodeEntry.default, './node.js');
  assert.equal(nodeEntry.types, './node.d.ts');
  assert.equal(manifest.exports['.'].default.default, './index.js');
});

test('init() resolves and the module is the crate version', async () => {
  await init();
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  assert.equal(version(), /^version = "([^"]+)"/m.exec(cargo)[1]);
});

test('CODES, errorCodes() and the TypeScript unions are the same lists', () => {
  assert.deepEqual([...CODES], glue.errorCodes());
  const types = readFileSync(join(pkg, 'types.d.ts'), 'utf8').replace(/\/\*[^]*?\*\//g, '');
  const union = (name) =>
    [...new RegExp(`export type ${name} =([^;]+);`).exec(types)[1].matchAll(/'([a-z_]+)'/g)].map(
      (m) => m[1],
    );
  assert.deepEqual(union('CoreErrorCode'), [...CODES]);
  assert.deepEqual(union('AttachErrorCode'), [...ATTACH_CODES]);
});

test('sealed in Node with each engine, opened natively by the Rust core', async () => {
  const sealers = ['webcrypto', 'wasm'].map(
    (engine) => new Sealer(key.public_jwk, { expectedKeyId: key.kid, engine }),
  );
  assert.deepEqual(sealers.map((s) => s.engine), ['webcrypto', 'wasm']);
  for (const sealer of sealers) {
    assert.equal(sealer.keyId, key.kid);
    assert.equal(sealer.fingerprint, key.fingerprint);
  }
  const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 255]);
  const cases = [
    {
      fields: { product: 'Engraved pen', quantity: '12', note: 'Zoë 王 🖋\n"quoted"' },
      plaintext: { product: 'Engraved pen', quantity: '12', note: 'Zoë 王 🖋\n"quoted"' },
    },
    {
      fields: new Map([
        ['colors', ['red', 'blue']],
        ['none', []],
        ['po', new File([pdf], 'po.pdf', { type: 'application/pdf' })],
        ['photos', [new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' })]],
        ['raw', { name: 'r.bin', type: '', data: pdf }],
      ]),
      plaintext: {
        colors: ['red', 'blue'],
        none: [],
        po: { name: 'po.pdf', type: 'application/pdf', data: b64url(pdf) },
        photos: [{ name: '', type: 'image/png', data: b64url([1, 2, 3]) }],
        raw: { name: 'r.bin', type: '', data: b64url(pdf) },
      },
    },
    { fields: {}, plaintext: {} },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'orderseal-node-sealed-'));
  try {
    for (const sealer of sealers) {
      for (const [i, c] of cases.entries()) {
        const sealed = await sealer.seal(c.fields, { formId: 'order' });
        assert.equal(sealed.envelope.kid, key.kid);
        assert.equal(sealed.submissionId, sealed.envelope.sid);
        assert.deepEqual(JSON.parse(sealed.json), sealed.envelope);
        writeFileSync(
          join(dir, `case-${sealer.engine}-${i}.json`),
          JSON.stringify({ envelope: sealed.json, plaintext: { fields: c.plaintext } }),
        );
      }
    }
    const run = spawnSync(
      'cargo',
      [
        'test', '--quiet', '--test', 'wasm', '--',
        '--ignored', '--exact', '--nocapture',
        'native::envelopes_sealed_by_the_npm_package_open_natively',
      ],
      { cwd: root, env: { ...process.env, ORDERSEAL_NODE_SEALED: dir }, encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(run.status, 0, `cargo test failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /1 passed/);
    assert.match(run.stdout, new RegExp(`opened ${2 * cases.length} envelopes`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every committed vector (sealed natively) opens or fails as expected in Node', () => {
  const opener = new Opener();
  assert.equal(opener.addKey(key.private_pkcs8_pem), key.kid);
  const files = readdirSync(vectors).filter((f) => /^envelope-.*\.json$/.test(f));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const c = JSON.parse(readFileSync(join(vectors, file), 'utf8'));
    if (c.expect === 'ok') {
      const opened = opener.open(c.envelope);
      const fields = Object.fromEntries(
        Object.entries(opened.fields).map(([k, v]) => [k, toPlain(v)]),
      );
      assert.deepEqual({ fields }, c.plaintext, file);
    } else {
      assert.throws(() => opener.open(c.envelope), { name: 'OrderSealError', code: c.expect }, file);
    }
  }
  opener.clear();
  assert.deepEqual(opener.keyIds, []);
});

// Opened values back to the plaintext document's JSON (file data as base64url).
function toPlain(v) {
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') {
    assert.ok(v.data instanceof Uint8Array, 'file data is a Uint8Array');
    return { name: v.name, type: v.type, data: b64url(v.data) };
  }
  return v;
}

test('errors are OrderSealErrors with codes, and seal() rejects rather than throws', async () => {
  const sealer = new Sealer(key.public_spki_pem);
  const p = sealer.seal({ qty: 12 }, { formId: 'order' });
  assert.ok(p instanceof Promise);
  await assert.rejects(p, (e) => isOrderSealError(e, 'plaintext_invalid') && e instanceof Error);
  await assert.rejects(sealer.seal({ a: 'x' }, { formId: 'bad id' }), { code: 'plaintext_invalid' });
  await assert.rejects(sealer.seal({ a: 'x'.repeat(65537) }, { formId: 'order' }), {
    code: 'limit_exceeded',
    limit: 'field value length',
    max: 65536,
  });
  assert.throws(() => new Sealer(key.public_jwk, { expectedKeyId: '0000000000000000' }), {
    code: 'kid_mismatch',
  });
  assert.throws(() => new Sealer('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), {
    code: 'key_malformed',
  });
  assert.throws(() => new Sealer(readFileSync(join(root, 'tests/keys/p384.pub.pem'), 'utf8')), {
    code: 'key_wrong_curve',
  });
});

test('files over the plaintext limit are refused before they are read', async () => {
  const sealer = new Sealer(key.public_sec1_hex);
  let read = false;
  const big = new Blob([new Uint8Array(9 * 1024 * 1024)]);
  big.arrayBuffer = async () => {
    read = true;
    return new ArrayBuffer(0);
  };
  await assert.rejects(sealer.seal({ po: big }, { formId: 'order' }), {
    code: 'limit_exceeded',
    limit: 'plaintext size',
  });
  assert.equal(read, false);
});

test('each field is read once: a getter that changes its answer is sealed as it first answered', async () => {
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  for (const engine of ['webcrypto', 'wasm']) {
    let reads = 0;
    // Text on the first read, a file after: the size check and the
    // encoding must both see the text.
    const fields = Object.defineProperty({ product: 'Engraved pen' }, 'note', {
      enumerable: true,
      get: () => (reads++ === 0 ? 'first answer' : new Blob(['a later answer'])),
    });
    const sealer = new Sealer(key.public_jwk, { engine });
    const sealed = await sealer.seal(fields, { formId: 'order' });
    assert.equal(reads, 1, `engine ${engine}`);
    assert.deepEqual(opener.open(sealed.json).fields, { product: 'Engraved pen', note: 'first answer' });
    sealer.free();
  }
});

test('a module that does not load makes every call refuse with unavailable', async () => {
  const api = createApi({
    full: () => {
      throw new Error('orderseal_bg.wasm: 404');
    },
  });
  assert.throws(() => new api.Sealer(key.public_jwk), { code: 'unavailable' }, 'before init');
  await assert.rejects(api.init(), { code: 'unavailable', message: /404/ });
  assert.throws(() => new api.Sealer(key.public_jwk), { code: 'unavailable', message: /404/ });
  assert.throws(() => new api.Opener(), { code: 'unavailable' });
  await assert.rejects(api.init(), { code: 'unavailable' }, 'and init() keeps refusing');
});

test('without crypto.getRandomValues, init() refuses', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  try {
    const api = createApi({ full: () => glue });
    await assert.rejects(api.init(), { code: 'unavailable', message: /getRandomValues/ });
    assert.throws(() => new api.Sealer(key.public_jwk), { code: 'unavailable' });
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved);
  }
});

test('each engine seals what the package Opener (the hpke crate) opens, in the same shape', async () => {
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  const fields = { product: 'Engraved pen', colors: ['red', 'blue'], note: 'x'.repeat(3000) };
  const lengths = [];
  for (const [engine, used] of [['webcrypto', 'webcrypto'], ['wasm', 'wasm'], ['auto', 'webcrypto'], [undefined, 'webcrypto']]) {
    const sealer = new Sealer(key.public_jwk, { engine });
    assert.equal(sealer.engine, used, `engine ${engine}`);
    const sealed = await sealer.seal(fields, { formId: 'order' });
    assert.equal(sealer.engine, used, 'and stays');
    const opened = opener.open(sealed.json);
    assert.deepEqual(opened.fields, fields, `engine ${engine}`);
    assert.equal(opened.sid, sealed.submissionId);
    lengths.push([sealed.envelope.enc.length, sealed.envelope.ct.length]);
    sealer.free();
  }
  assert.deepEqual(new Set(lengths.map(String)).size, 1, 'same enc and ct lengths');
  await assert.rejects(
    new Sealer(key.public_jwk, { engine: 'webcrypto' }).seal({ qty: 12 }, { formId: 'order' }),
    { code: 'plaintext_invalid' },
    'the core checks the fields first, whatever the engine',
  );
  assert.throws(() => new Sealer(key.public_jwk, { engine: 'openssl' }), TypeError);
});

test('a company may seal with AES-256-GCM: each engine writes that suite and it opens', async () => {
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  const fields = { product: 'Signet ring', engraving: 'A. L.' };
  for (const engine of ['webcrypto', 'wasm']) {
    const sealer = new Sealer(key.public_jwk, { engine, suite: 'P256-SHA256-A256GCM' });
    const sealed = await sealer.seal(fields, { formId: 'order' });
    assert.equal(sealed.envelope.suite, 'P256-SHA256-A256GCM', engine);
    assert.deepEqual(opener.open(sealed.json).fields, fields, engine);
    sealer.free();
  }
  const plain = new Sealer(key.public_jwk);
  assert.equal((await plain.seal(fields, { formId: 'order' })).envelope.suite, 'P256-SHA256-A128GCM');
  plain.free();
  assert.throws(() => new Sealer(key.public_jwk, { suite: 'p256-sha256-a256gcm' }), {
    code: 'unsupported_suite',
  });
});

test('without crypto.subtle: engine webcrypto throws unavailable, auto seals with wasm', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  const real = globalThis.crypto;
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: (a) => real.getRandomValues(a) },
    configurable: true,
  });
  try {
    assert.throws(() => new Sealer(key.public_jwk, { engine: 'webcrypto' }), {
      code: 'unavailable',
      message: /WebCrypto/,
    });
    const sealer = new Sealer(key.public_jwk);
    assert.equal(sealer.engine, 'wasm');
    const opener = new Opener();
    opener.addKey(key.private_pkcs8_pem);
    const sealed = await sealer.seal({ a: 'b' }, { formId: 'order' });
    assert.deepEqual(opener.open(sealed.json).fields, { a: 'b' });
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved);
  }
});

test('a WebCrypto failure mid-seal: webcrypto rejects with unavailable, auto seals again with wasm', async () => {
  const subtle = globalThis.crypto.subtle;
  const opener = new Opener();
  opener.addKey(key.private_pkcs8_pem);
  // A step that rejects, and one that throws at once (Chromium's
  // generateKey and deriveBits do their work inside the call).
  const steps = [...['generateKey', 'deriveBits', 'encrypt'].map((s) => [s, true]), ['generateKey', false]];
  for (const [step, rejects] of steps) {
    const forced = new Sealer(key.public_jwk, { engine: 'webcrypto' });
    const auto = new Sealer(key.public_jwk);
    const broken = () => {
      throw new DOMException(`${step} is broken`, 'OperationError');
    };
    subtle[step] = rejects ? async () => broken() : broken;
    try {
      await assert.rejects(forced.seal({ a: 'b' }, { formId: 'order' }), {
        name: 'OrderSealError',
        code: 'unavailable',
        message: new RegExp(`${step} is broken`),
      });
      assert.equal(forced.engine, 'webcrypto');
      const sealed = await auto.seal({ a: 'b' }, { formId: 'order' });
      assert.equal(auto.engine, 'wasm', `after ${step} failed`);
      assert.deepEqual(opener.open(sealed.json).fields, { a: 'b' });
    } finally {
      delete subtle[step];
    }
    // WebCrypto works again: the forced sealer recovers.
    const sealed = await forced.seal({ a: 'c' }, { formId: 'order' });
    assert.deepEqual(opener.open(sealed.json).fields, { a: 'c' });
  }
});

test('the split seal refuses an ECDH result that is not P-256 (unavailable)', () => {
  const sealer = new glue.Sealer(key.public_jwk, {});
  assert.equal(sealer.recipient.length, 65);
  const bad = [
    [new Uint8Array(64), new Uint8Array(32)],
    [new Uint8Array(65), new Uint8Array(32)],
    [sealer.recipient, new Uint8Array(31)],
  ];
  for (const [enc, dh] of bad) {
    const prepared = sealer.prepare({ a: 'b' }, { formId: 'order' });
    assert.throws(() => prepared.finish(enc, dh), { code: 'unavailable' });
    assert.throws(() => prepared.finish(sealer.recipient, new Uint8Array(32)), 'used once');
  }
});
