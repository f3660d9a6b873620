// Interop with an independent HPKE implementation: @hpke/core (WebCrypto).
//
// Everything orderseal adds to RFC 9180 (info, aad, Padmé padding,
// base64url, the envelope and the plaintext document, key ids) is written
// again below, in plain JavaScript, from docs/FORMAT.md alone; no orderseal
// code is imported for it. orderseal (the npm package's Node entry,
// pkg/node.js, and the native CLI, target/release/orderseal) is only ever
// the thing under test:
//
//   - @hpke/core opens every `ok` vector to its exact plaintext document and
//     fails on the `bad-*` ones with the vector's code (§7);
//   - @hpke/core opens what orderseal seals (wasm in Node; the CLI for
//     AES-256-GCM, which the JS API cannot choose);
//   - orderseal (wasm Opener and CLI) opens what @hpke/core seals, and
//     refuses non-canonical padding, duplicate envelope members and
//     documents that break §4.1, with the codes of §8.
//
//   npm run build && node --test tests/node/
//
// Tests that need pkg/ or the CLI skip, saying so, when `npm run build` has
// not been run (scripts/test.sh always runs it first); anything else fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Aes128Gcm,
  Aes256Gcm,
  CipherSuite,
  DhkemP256HkdfSha256,
  HkdfSha256,
  HpkeError,
} from '@hpke/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vectors = join(root, 'tests', 'vectors');
const key = JSON.parse(readFileSync(join(vectors, 'key.json'), 'utf8'));

// ---------------------------------------------------------------------------
// What is under test, if built.

const BUILD_HINT = 'run `npm run build` first (scripts/test.sh does)';
const pkgDir = join(root, 'pkg');
const noPkg = existsSync(join(pkgDir, 'package.json')) ? false : `pkg/ is missing: ${BUILD_HINT}`;
const cli = join(root, 'target', 'release', 'orderseal');
const noCli = existsSync(cli) ? false : `target/release/orderseal is missing: ${BUILD_HINT}`;

// The package's Node entry, as its exports map names it. If pkg/ exists, it
// must load: a broken build fails here rather than skipping.
let orderseal = null;
if (!noPkg) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const node = manifest.exports?.['.']?.node;
  const entry = typeof node === 'string' ? node : node?.default;
  assert.ok(entry, 'pkg/package.json: exports["."].node names no entry');
  orderseal = await import(pathToFileURL(join(pkgDir, entry)).href);
}

// ---------------------------------------------------------------------------
// docs/FORMAT.md, in plain JavaScript. Section numbers are the spec's.

const MiB = 1024 * 1024;
const te = new TextEncoder();
const utf8 = (s) => te.encode(s);
const byteLength = (s) => utf8(s).length;
// Invalid UTF-8 is an error; a BOM is kept (and then is not JSON).
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
// An ArrayBuffer of exactly these bytes (WebCrypto wants one).
const buffer = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/** An error of §8: `code` is what orderseal must report too. */
class SpecError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

// §2: "info = "orderseal/v1" (12 ASCII bytes)".
const INFO = utf8('orderseal/v1');
assert.equal(INFO.length, 12);

// §2: the suites, and @hpke/core's equivalent of each.
const kem = () => new DhkemP256HkdfSha256();
const SUITES = {
  'P256-SHA256-A128GCM': new CipherSuite({
    kem: kem(),
    kdf: new HkdfSha256(),
    aead: new Aes128Gcm(),
  }),
  'P256-SHA256-A256GCM': new CipherSuite({
    kem: kem(),
    kdf: new HkdfSha256(),
    aead: new Aes256Gcm(),
  }),
};
const A128 = 'P256-SHA256-A128GCM';
const A256 = 'P256-SHA256-A256GCM';

// §2: aad = "orderseal/v1" LF suite LF kid LF form LF sid LF ts, each as
// it appears in the envelope, no trailing LF.
const aadText = (h) => ['orderseal/v1', h.suite, h.kid, h.form, h.sidText, h.tsText].join('\n');

// §3: base64url is RFC 4648 §5 without padding; decoders reject padding,
// characters outside the alphabet, and non-zero trailing bits.
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function b64urlEncode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(bytes.length - i, 3) + 1;
    for (let j = 0; j < chars; j++) out += B64URL[(n >> (18 - 6 * j)) & 63];
  }
  return out;
}

function b64urlDecode(text) {
  if (typeof text !== 'string') throw new TypeError('base64url: not a string');
  if (text.length % 4 === 1) throw new TypeError('base64url: impossible length');
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const v = B64URL.indexOf(text[i]);
    if (v < 0) throw new TypeError(`base64url: ${JSON.stringify(text[i])} is not in the alphabet`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0) throw new TypeError('base64url: non-zero trailing bits');
  return out;
}

// §4.2 Padmé.
const log2floor = (n) => n.toString(2).length - 1; // exact, unlike Math.log2
function padme(n) {
  assert.ok(Number.isSafeInteger(n) && n >= 2);
  const E = log2floor(n);
  const S = log2floor(E) + 1;
  const z = E - S;
  const unit = 2 ** z; // mask + 1; (n + mask) & ~mask, without 32-bit wrap
  return Math.ceil(n / unit) * unit;
}
const paddedLen = (L) => padme(Math.max(L + 1, 1024));
function pad(doc) {
  const out = new Uint8Array(paddedLen(doc.length));
  out.set(doc);
  out[doc.length] = 0x80;
  return out;
}
// "strip trailing zero bytes, then require and strip one 0x80; openers MUST
// reject a padded length other than padded_len of the result".
function unpad(padded) {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  if (end === 0 || padded[end - 1] !== 0x80) {
    throw new SpecError('plaintext_invalid', 'padding: no 0x80 marker');
  }
  const doc = padded.subarray(0, end - 1);
  if (paddedLen(doc.length) !== padded.length) {
    throw new SpecError(
      'plaintext_invalid',
      `padding: ${padded.length} is not padded_len(${doc.length})`,
    );
  }
  return doc;
}

// §5: fingerprint = SHA-256 of the 65-byte SEC1 point; kid = its first 8
// bytes in lowercase hex; people read it in groups of four.
const fingerprintOf = (sec1) => createHash('sha256').update(sec1).digest();
const kidOf = (sec1) => hex(fingerprintOf(sec1).subarray(0, 8));
const groupsOf = (sec1) => hex(fingerprintOf(sec1)).match(/.{4}/g).join(' ');

// RFC 8259, strictly: no duplicate members (the spec requires rejecting
// them, which JSON.parse cannot), numbers kept as their text (the aad uses
// `ts` as it appears), strings well-formed. Objects remember their members'
// order (KEY_ORDER), since JavaScript objects put integer-like keys first.
class Num {
  constructor(raw) {
    this.raw = raw;
    this.value = Number(raw);
  }
}
const KEY_ORDER = new WeakMap();
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function parseJson(text) {
  let i = 0;
  const fail = (why) => {
    throw new SyntaxError(`JSON: ${why} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  function string() {
    i++; // "
    let out = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined) fail('unterminated string');
      if (c === '"') break;
      if (c < ' ') fail('control character in a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      if (Object.hasOwn(ESCAPES, e)) out += ESCAPES[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else fail('bad escape');
    }
    if (!out.isWellFormed()) fail('lone surrogate in a string');
    return out;
  }
  function value(depth) {
    if (depth > 64) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{') {
      i++;
      const out = {};
      const order = [];
      KEY_ORDER.set(out, order);
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a member name');
        const name = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        if (Object.hasOwn(out, name)) fail(`duplicate member ${JSON.stringify(name)}`);
        // defineProperty: "__proto__" is a member like any other.
        Object.defineProperty(out, name, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        order.push(name);
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === '}') return out;
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const out = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === ']') return out;
        else fail('expected "," or "]"');
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      return new Num(m[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail('not a JSON value');
  }
  const v = value(0);
  ws();
  if (i !== text.length) fail('text after the value');
  return v;
}

const isObject = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Num);

// §3 and §7 steps 1–2: the envelope's text to its header, enc and ct.
const MEMBERS = ['v', 'suite', 'kid', 'form', 'sid', 'ts', 'enc', 'ct'];
const KID = /^[0-9a-f]{16}$/;
const FORM = /^[A-Za-z0-9._\-:/]{1,64}$/;
const TS = /^(?:0|[1-9][0-9]*)$/;

function parseEnvelope(text) {
  if (byteLength(text) > 12 * MiB) throw new SpecError('limit_exceeded', 'envelope over 12 MiB');
  const malformed = (why) => new SpecError('envelope_malformed', why);
  let e;
  try {
    e = parseJson(text);
  } catch (error) {
    throw malformed(error.message);
  }
  if (!isObject(e)) throw malformed('not a JSON object');
  // `v` first, then `suite`: an envelope of another version may well have
  // other members (the spec does not say which check comes first; this is
  // what orderseal does).
  if (!(e.v instanceof Num) || !TS.test(e.v.raw)) throw malformed('v is not a version number');
  if (e.v.raw !== '1') throw new SpecError('unsupported_version', `v ${e.v.raw}`);
  if (typeof e.suite !== 'string') throw malformed('suite is not a string');
  if (!Object.hasOwn(SUITES, e.suite)) throw new SpecError('unsupported_suite', e.suite);
  for (const name of Object.keys(e)) {
    if (!MEMBERS.includes(name)) throw malformed(`unknown member ${JSON.stringify(name)}`);
  }
  for (const name of MEMBERS) if (!Object.hasOwn(e, name)) throw malformed(`no member ${name}`);
  if (typeof e.kid !== 'string' || !KID.test(e.kid)) throw malformed('kid');
  if (typeof e.form !== 'string' || !FORM.test(e.form)) throw malformed('form');
  if (!(e.ts instanceof Num) || !TS.test(e.ts.raw) || e.ts.value > Number.MAX_SAFE_INTEGER) {
    throw malformed('ts');
  }
  const bytes = (name, length) => {
    let b;
    try {
      b = b64urlDecode(e[name]);
    } catch (error) {
      throw malformed(`${name}: ${error.message}`);
    }
    if (length !== undefined && b.length !== length) throw malformed(`${name}: ${b.length} bytes`);
    return b;
  };
  const sid = bytes('sid', 16);
  const enc = bytes('enc', 65);
  if (enc[0] !== 0x04) throw malformed('enc is not an uncompressed SEC1 point');
  const ct = bytes('ct');
  // "HPKE ciphertext including the 16-byte tag": at least the tag.
  if (ct.length < 16) throw malformed(`ct: ${ct.length} bytes, shorter than the tag`);
  return {
    v: 1,
    suite: e.suite,
    kid: e.kid,
    form: e.form,
    sid,
    sidText: e.sid,
    ts: e.ts.value,
    tsText: e.ts.raw,
    enc,
    ct,
  };
}

// §4.1 and §6: the plaintext document. Returns its fields (file data as the
// base64url text, as in the vectors' `plaintext`) and their order.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
function parseDocument(doc) {
  const invalid = (why) => new SpecError('plaintext_invalid', why);
  if (doc.length > 8 * MiB) throw new SpecError('limit_exceeded', 'document over 8 MiB');
  let text;
  let d;
  try {
    text = utf8Strict.decode(doc);
    d = parseJson(text);
  } catch (error) {
    throw invalid(error.message);
  }
  if (!isObject(d) || Object.keys(d).join() !== 'fields' || !isObject(d.fields)) {
    throw invalid('not {"fields":{...}}');
  }
  const names = KEY_ORDER.get(d.fields);
  if (names.length > 256) throw new SpecError('limit_exceeded', 'over 256 fields');
  const text64k = (s) => {
    if (typeof s !== 'string') throw invalid('a value that is not a string');
    if (byteLength(s) > 64 * 1024) throw new SpecError('limit_exceeded', 'text value over 64 KiB');
  };
  const isFile = (v) => isObject(v);
  const file = (f) => {
    if (Object.keys(f).sort().join() !== 'data,name,type') throw invalid('file members');
    for (const m of ['name', 'type', 'data'])
      if (typeof f[m] !== 'string') throw invalid(`file ${m}`);
    if (byteLength(f.name) > 255 || byteLength(f.type) > 255) {
      throw new SpecError('limit_exceeded', 'file name or type over 255 bytes');
    }
    try {
      b64urlDecode(f.data);
    } catch (error) {
      throw invalid(`file data: ${error.message}`);
    }
  };
  for (const name of names) {
    if (name.length === 0 || CONTROL.test(name)) throw invalid('field name');
    if (byteLength(name) > 128) throw new SpecError('limit_exceeded', 'field name over 128 bytes');
    const v = d.fields[name];
    if (typeof v === 'string') text64k(v);
    else if (Array.isArray(v)) {
      if (v.length > 256) throw new SpecError('limit_exceeded', 'over 256 values');
      if (v.every(isFile) && v.length > 0) v.forEach(file);
      else v.forEach(text64k); // strings, or a mix: refused
    } else if (isFile(v)) file(v);
    else throw invalid(`field ${JSON.stringify(name)}: a number, boolean or null`);
  }
  return { text, fields: d.fields, names };
}

/** §7: opens an envelope with @hpke/core; keyring maps kid → CryptoKey. */
async function specOpen(text, keyring) {
  const h = parseEnvelope(text);
  const recipientKey = keyring.get(h.kid);
  if (!recipientKey) throw new SpecError('unknown_kid', h.kid);
  let padded;
  try {
    padded = new Uint8Array(
      await SUITES[h.suite].open(
        { recipientKey, enc: buffer(h.enc), info: buffer(INFO) },
        buffer(h.ct),
        buffer(utf8(aadText(h))),
      ),
    );
  } catch (error) {
    // Only an HPKE failure is open_failed; a bug in this file is not.
    if (!(error instanceof HpkeError)) throw error;
    throw new SpecError('open_failed', error.message);
  }
  const doc = unpad(padded);
  return { header: h, padded, ...parseDocument(doc) };
}

/** @hpke/core SealBase with this info and aad. */
async function hpkeSeal(recipientPublicKey, suite, aad, pt) {
  const { enc, ct } = await SUITES[suite].seal(
    { recipientPublicKey, info: buffer(INFO) },
    buffer(pt),
    buffer(utf8(aad)),
  );
  return { enc: new Uint8Array(enc), ct: new Uint8Array(ct) };
}

/**
 * §2–§4: an envelope sealed by @hpke/core. `pt` overrides the padded
 * document (for wrong padding); `members` rewrites the member list (for
 * duplicates); `tsText` writes ts otherwise than as decimal digits.
 */
async function specSeal(recipient, document, options = {}) {
  const suite = options.suite ?? A128;
  const h = {
    suite,
    kid: recipient.kid,
    form: options.form ?? 'order',
    sidText: b64urlEncode(crypto.getRandomValues(new Uint8Array(16))),
    tsText: options.tsText ?? String(options.ts ?? Math.floor(Date.now() / 1000)),
  };
  const doc = typeof document === 'string' ? utf8(document) : document;
  const pt = options.pt ?? pad(doc);
  const { enc, ct } = await hpkeSeal(recipient.publicKey, suite, options.aad ?? aadText(h), pt);
  let members = [
    ['v', '1'],
    ['suite', JSON.stringify(h.suite)],
    ['kid', JSON.stringify(h.kid)],
    ['form', JSON.stringify(h.form)],
    ['sid', JSON.stringify(h.sidText)],
    ['ts', h.tsText],
    ['enc', JSON.stringify(b64urlEncode(enc))],
    ['ct', JSON.stringify(b64urlEncode(ct))],
  ];
  if (options.members) members = options.members(members);
  // §3: "Writers emit them compactly in this order".
  const json = `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  return { json, sid: h.sidText, ts: Number(h.tsText), form: h.form, suite };
}

/** §4.1: the document of some fields (file data as bytes → base64url). */
function documentOf(fields) {
  const plain = (v) =>
    Array.isArray(v)
      ? v.map(plain)
      : typeof v === 'object'
        ? {
            name: v.name,
            type: v.type,
            data: typeof v.data === 'string' ? v.data : b64urlEncode(v.data),
          }
        : v;
  return JSON.stringify({
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, plain(v)])),
  });
}

// ---------------------------------------------------------------------------
// Keys: the published test key, and a fresh one made by node:crypto.

const testSec1 = fromHex(key.public_sec1_hex);
const importPublic = (sec1) => SUITES[A128].kem.importKey('raw', buffer(sec1), true);
const testRecipient = {
  kid: key.kid,
  sec1: testSec1,
  pem: key.private_pkcs8_pem,
  publicKey: await importPublic(testSec1),
  privateKey: await SUITES[A128].kem.importKey(
    'raw',
    buffer(fromHex(key.private_scalar_hex)),
    false,
  ),
};

const fresh = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const freshJwk = fresh.privateKey.export({ format: 'jwk' });
const freshSec1 = concat([4], b64urlDecode(freshJwk.x), b64urlDecode(freshJwk.y));
const freshRecipient = {
  kid: kidOf(freshSec1),
  sec1: freshSec1,
  pem: fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  publicKey: await importPublic(freshSec1),
  privateKey: await SUITES[A128].kem.importKey('jwk', freshJwk, false),
};

const keyring = new Map([
  [testRecipient.kid, testRecipient.privateKey],
  [freshRecipient.kid, freshRecipient.privateKey],
]);

// ---------------------------------------------------------------------------
// orderseal, as a back office uses it.

/** The wasm Opener's result, with file data as base64url (as in documents). */
function openWithWasm(json, recipient = testRecipient) {
  const opener = new orderseal.Opener();
  try {
    assert.equal(opener.addKey(recipient.pem), recipient.kid, 'Opener.addKey: the key id of §5');
    const opened = opener.open(json);
    const plain = (v) =>
      Array.isArray(v)
        ? v.map(plain)
        : typeof v === 'object'
          ? (assert.ok(v.data instanceof Uint8Array),
            { name: v.name, type: v.type, data: b64urlEncode(v.data) })
          : v;
    return {
      ...opened,
      fields: Object.fromEntries(Object.entries(opened.fields).map(([k, v]) => [k, plain(v)])),
    };
  } finally {
    opener.clear();
    opener.free();
  }
}

/** The code the wasm Opener refuses with. */
function wasmRefusal(json, recipient = testRecipient) {
  try {
    openWithWasm(json, recipient);
  } catch (error) {
    assert.equal(error.name, 'OrderSealError', String(error));
    return error.code;
  }
  return 'opened';
}

function runCli(args, options = {}) {
  const run = spawnSync(cli, args, { encoding: 'utf8', timeout: 120_000, ...options });
  assert.equal(run.error, undefined, `${cli} ${args.join(' ')}: ${run.error}`);
  return run;
}

/**
 * `orderseal decrypt --format json` on envelopes, one per line (JSON
 * Lines), with the recipient's private key in a PKCS#8 PEM file. Returns
 * per line: { record } or { code }, and the files written by --files-dir.
 */
function decryptWithCli(jsons, recipient = testRecipient) {
  const dir = mkdtempSync(join(tmpdir(), 'orderseal-interop-'));
  try {
    writeFileSync(join(dir, 'key.pem'), recipient.pem, { mode: 0o600 });
    writeFileSync(join(dir, 'in.jsonl'), jsons.map((j) => `${j}\n`).join(''));
    const run = runCli(
      [
        'decrypt',
        '--key',
        join(dir, 'key.pem'),
        '--format',
        'json',
        '--files-dir',
        join(dir, 'files'),
        join(dir, 'in.jsonl'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ORDERSEAL_PASSPHRASE: '' } },
    );
    const records = JSON.parse(run.stdout);
    const out = jsons.map(() => ({}));
    for (const r of records) out[r.line - 1].record = r;
    for (const m of run.stderr.matchAll(/^error: line (\d+)\b.*\[([a-z_]+)\]$/gm)) {
      out[Number(m[1]) - 1].code = m[2];
    }
    for (const [i, o] of out.entries()) {
      assert.ok(o.record || o.code, `CLI said nothing about line ${i + 1}:\n${run.stderr}`);
    }
    assert.equal(run.status, out.some((o) => o.code) ? 1 : 0, run.stderr);
    // Files as bytes, by their path relative to --files-dir.
    const read = (v) => {
      if (Array.isArray(v)) return v.map(read);
      if (typeof v !== 'object') return v;
      assert.ok(v.path.startsWith(join(dir, 'files')), v.path);
      const data = readFileSync(v.path);
      assert.equal(data.length, v.size);
      return { name: v.name, type: v.type, data: b64urlEncode(data) };
    };
    for (const o of out) {
      if (o.record)
        o.record.fields = Object.fromEntries(
          Object.entries(o.record.fields).map(([k, v]) => [k, read(v)]),
        );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// The spec's own examples, checked against this file's reading of it.

test('key.json: the key id and fingerprint follow from the SEC1 point (§5)', () => {
  assert.equal(kidOf(testSec1), key.kid);
  assert.equal(groupsOf(testSec1), key.fingerprint);
  assert.equal(key.fingerprint.replaceAll(' ', '').slice(0, 16), key.kid, 'the first four groups');
  assert.deepEqual(
    testSec1,
    concat([4], b64urlDecode(key.public_jwk.x), b64urlDecode(key.public_jwk.y)),
  );
  // The PEM, the scalar and the public key are one key pair (node:crypto).
  const jwk = createPrivateKey(key.private_pkcs8_pem).export({ format: 'jwk' });
  assert.equal(hex(b64urlDecode(jwk.d)), key.private_scalar_hex);
  assert.deepEqual([jwk.x, jwk.y], [key.public_jwk.x, key.public_jwk.y]);
});

test('Padmé gives the sizes of the table in §4.2, and its stated overhead', () => {
  const table = [
    [300, 1024],
    [1500, 1536],
    [2100, 2176],
    [10000, 10240],
    [100000, 100352],
    [1000000, 1015808],
    [6000000, 6029312],
  ];
  for (const [L, padded] of table) assert.equal(paddedLen(L), padded, `padded_len(${L})`);
  assert.equal(paddedLen(0), 1024);
  assert.equal(paddedLen(1023), 1024);
  assert.equal(paddedLen(1024), 1088, 'the 0x80 marker needs a byte: 1025 rounds up');
  // "From 1 KiB to 8 MiB: worst 6.25 %, mean 1.10 % (every 97th length)".
  let worst = 0;
  let sum = 0;
  let count = 0;
  for (let L = 1024; L <= 8 * MiB; L += 97) {
    const overhead = (paddedLen(L) - L) / L;
    worst = Math.max(worst, overhead);
    sum += overhead;
    count++;
  }
  assert.ok(Math.abs(worst * 100 - 6.25) < 0.005, `worst ${worst * 100} %`);
  assert.ok(Math.abs((sum / count) * 100 - 1.1) < 0.005, `mean ${(sum / count) * 100} %`);
});

test('pad and unpad: a round trip, and every other length refused', () => {
  for (const L of [0, 1, 1022, 1023, 1024, 1500, 5000, 70000]) {
    const doc = new Uint8Array(L).fill(0x7d);
    const padded = pad(doc);
    assert.equal(padded.length, paddedLen(L));
    assert.deepEqual(unpad(padded), doc);
    assert.throws(() => unpad(concat(padded, [0])), { code: 'plaintext_invalid' });
    assert.throws(() => unpad(padded.subarray(0, padded.length - 1)), {
      code: 'plaintext_invalid',
    });
  }
  assert.throws(() => unpad(new Uint8Array(1024)), { code: 'plaintext_invalid' });
});

test('base64url: unpadded, URL-safe, one encoding per byte string (§3)', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    const text = b64urlEncode(bytes);
    assert.equal(text, Buffer.from(bytes).toString('base64url'));
    assert.deepEqual(b64urlDecode(text), bytes);
  }
  for (const bad of ['MnbFFOZRfwM6v8UCnInfgQ==', 'MnbFFOZRfwM6v8UCnInfgR', 'ab+/', 'ab c', 'A']) {
    assert.throws(() => b64urlDecode(bad), TypeError, bad);
  }
});

test('the aad of the example in §2 is the header of envelope-ok-basic', () => {
  const format = readFileSync(join(root, 'docs', 'FORMAT.md'), 'utf8');
  const example =
    /Example \(the header of `tests\/vectors\/envelope-ok-basic\.json`\):\s*```\n([^`]*)\n```/.exec(
      format,
    );
  assert.ok(example, 'docs/FORMAT.md §2 has the aad example');
  const c = JSON.parse(readFileSync(join(vectors, 'envelope-ok-basic.json'), 'utf8'));
  assert.equal(aadText(parseEnvelope(c.envelope)), example[1]);
});

// ---------------------------------------------------------------------------
// 1. @hpke/core opens the committed vectors.

const vectorFiles = readdirSync(vectors)
  .filter((f) => /^envelope-.*\.json$/.test(f))
  .sort();

test('@hpke/core opens every ok vector to its exact plaintext document, and refuses every bad one', async (t) => {
  assert.ok(vectorFiles.filter((f) => f.startsWith('envelope-ok-')).length >= 4);
  assert.ok(vectorFiles.filter((f) => f.startsWith('envelope-bad-')).length >= 10);
  for (const file of vectorFiles) {
    const c = JSON.parse(readFileSync(join(vectors, file), 'utf8'));
    await t.test(`${file} (${c.expect}): ${c.description}`, async () => {
      if (c.expect === 'ok') {
        const opened = await specOpen(c.envelope, keyring);
        assert.deepEqual({ fields: opened.fields }, c.plaintext);
        // Written by orderseal: compact JSON (§4.1), canonically padded.
        assert.equal(JSON.stringify(JSON.parse(opened.text)), opened.text, 'a compact document');
        assert.equal(opened.padded.length, paddedLen(utf8(opened.text).length));
      } else {
        await assert.rejects(
          specOpen(c.envelope, keyring),
          (e) => e instanceof SpecError && e.code === c.expect,
        );
      }
    });
  }
});

test('every open_failed vector fails in HPKE itself, not before', async (t) => {
  const failed = vectorFiles
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(vectors, file), 'utf8')) }))
    .filter((c) => c.expect === 'open_failed');
  assert.ok(failed.length >= 6);
  for (const c of failed) {
    await t.test(c.file, async () => {
      const h = parseEnvelope(c.envelope); // a well-formed envelope
      const suite = SUITES[h.suite];
      await assert.rejects(
        suite.open(
          { recipientKey: testRecipient.privateKey, enc: buffer(h.enc), info: buffer(INFO) },
          buffer(h.ct),
          buffer(utf8(aadText(h))),
        ),
        HpkeError,
      );
    });
  }
});

// ---------------------------------------------------------------------------
// 2. @hpke/core opens what orderseal seals.

const pdf = utf8('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const big = crypto.getRandomValues(new Uint8Array(5000)); // a document over 1 KiB

test('@hpke/core opens envelopes sealed by the wasm build in Node', { skip: noPkg }, async () => {
  const sealer = new orderseal.Sealer(key.public_jwk, { expectedKeyId: key.kid });
  const cases = [
    {
      input: { product: 'Engraved fountain pen', quantity: '12', note: 'Zoë 王 🖋\n"quoted"\t\\' },
      expected: {
        product: 'Engraved fountain pen',
        quantity: '12',
        note: 'Zoë 王 🖋\n"quoted"\t\\',
      },
    },
    {
      // Every kind of value, a File read by the package, and form order
      // (not alphabetical) kept.
      input: new Map([
        ['zeta', 'last name first'],
        ['colors', ['red', 'blue']],
        ['none', []],
        ['po', new File([pdf], 'po.pdf', { type: 'application/pdf' })],
        [
          'photos',
          [
            { name: 'a.png', type: 'image/png', data: png },
            { name: 'empty.txt', type: '', data: new Uint8Array(0) },
          ],
        ],
        ['alpha', 'x'],
      ]),
      expected: {
        zeta: 'last name first',
        colors: ['red', 'blue'],
        none: [],
        po: { name: 'po.pdf', type: 'application/pdf', data: b64urlEncode(pdf) },
        photos: [
          { name: 'a.png', type: 'image/png', data: b64urlEncode(png) },
          { name: 'empty.txt', type: '', data: '' },
        ],
        alpha: 'x',
      },
    },
    {
      input: { attachment: { name: 'big.bin', type: 'application/octet-stream', data: big } },
      expected: {
        attachment: { name: 'big.bin', type: 'application/octet-stream', data: b64urlEncode(big) },
      },
    },
    { input: {}, expected: {}, form: 'contact/v2:x.y_z-1' },
  ];
  const sids = new Set();
  for (const c of cases) {
    const form = c.form ?? 'order';
    const before = Math.floor(Date.now() / 1000);
    const sealed = await sealer.seal(c.input, { formId: form });
    const after = Math.ceil(Date.now() / 1000);
    const opened = await specOpen(sealed.json, keyring);
    assert.deepEqual(opened.fields, c.expected);
    assert.deepEqual(opened.names, Object.keys(c.expected), 'fields in form order');
    assert.equal(opened.text, documentOf(c.expected), 'the compact document of §4.1');
    const h = opened.header;
    assert.deepEqual([h.suite, h.kid, h.form], [A128, key.kid, form]);
    assert.equal(h.sidText, sealed.submissionId);
    assert.ok(h.ts >= before && h.ts <= after, `ts ${h.ts} is now`);
    // §3: written compactly, members in order.
    assert.deepEqual(KEY_ORDER.get(parseJson(sealed.json)), MEMBERS);
    assert.equal(sealed.json, JSON.stringify(JSON.parse(sealed.json)));
    sids.add(h.sidText);
  }
  assert.equal(sids.size, cases.length, 'a fresh sid per envelope');
});

test(
  '@hpke/core opens AES-256-GCM and AES-128-GCM envelopes sealed by the CLI',
  { skip: noCli },
  async () => {
    // The JS Sealer has no suite option (only `formId`): the CLI is the
    // orderseal sealer that can choose AES-256-GCM.
    const dir = mkdtempSync(join(tmpdir(), 'orderseal-interop-'));
    try {
      writeFileSync(join(dir, 'public.pem'), key.public_spki_pem);
      const expected = {
        product: 'Engraved fountain pen',
        colours: ['black', 'red'],
        po: { name: 'PO-17.pdf', type: 'application/pdf', data: b64urlEncode(pdf) },
        photos: [{ name: 'a.png', type: 'image/png', data: b64urlEncode(png) }],
      };
      for (const [flag, suite] of [
        ['aes256', A256],
        ['aes128', A128],
      ]) {
        const run = runCli(
          ['encrypt', '--key', join(dir, 'public.pem'), '--form', 'quote', '--suite', flag, '-'],
          { input: JSON.stringify({ fields: expected }) },
        );
        assert.equal(run.status, 0, run.stderr);
        const opened = await specOpen(run.stdout.trim(), keyring);
        assert.equal(opened.header.suite, suite);
        assert.equal(opened.header.form, 'quote');
        assert.deepEqual(opened.fields, expected);
        assert.deepEqual(opened.names, Object.keys(expected));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// ---------------------------------------------------------------------------
// 3. orderseal opens what @hpke/core seals.

const everyKind = {
  product: 'Engraved fountain pen',
  name: 'Zoë Åkesson-Ng 王小明 🖋',
  note: 'line one\nline "two"\ttabbed \\ /',
  extras: ['gift wrap', 'card'],
  none_selected: [],
  po: { name: 'PO-2026-117.pdf', type: 'application/pdf', data: pdf },
  photos: [
    { name: 'a.png', type: 'image/png', data: png },
    { name: 'b.txt', type: '', data: new Uint8Array(0) },
  ],
};
const everyKindPlain = JSON.parse(documentOf(everyKind)).fields;

test(
  'the wasm Opener opens envelopes sealed by @hpke/core, both suites, both keys',
  { skip: noPkg },
  async () => {
    for (const recipient of [testRecipient, freshRecipient]) {
      for (const suite of [A128, A256]) {
        for (const [fields, form] of [
          [everyKind, 'order'],
          [{ attachment: { name: 'big.bin', type: '', data: big } }, 'a/b'],
          [{}, 'x'],
        ]) {
          const doc = documentOf(fields);
          const sealed = await specSeal(recipient, doc, { suite, form });
          const opened = openWithWasm(sealed.json, recipient);
          assert.deepEqual(opened, {
            v: 1,
            suite,
            kid: recipient.kid,
            form,
            sid: sealed.sid,
            ts: sealed.ts,
            fields: JSON.parse(doc).fields,
          });
          // And this file's opener agrees (a check of specSeal itself).
          assert.equal((await specOpen(sealed.json, keyring)).text, doc);
        }
      }
    }
  },
);

test(
  'orderseal decrypt (CLI) opens envelopes sealed by @hpke/core, both suites, both keys',
  { skip: noCli },
  async () => {
    for (const recipient of [testRecipient, freshRecipient]) {
      const sealed = [];
      for (const suite of [A128, A256]) {
        for (const [fields, options] of [
          [everyKind, { ts: 1764057600 }],
          [{ attachment: { name: 'big.bin', type: '', data: big } }, { form: 'a/b' }],
          [{}, { ts: 0, form: 'contact/v2' }],
        ]) {
          const doc = documentOf(fields);
          sealed.push({ doc, ...(await specSeal(recipient, doc, { suite, ...options })) });
        }
      }
      const out = decryptWithCli(
        sealed.map((s) => s.json),
        recipient,
      );
      for (const [i, s] of sealed.entries()) {
        const r = out[i].record;
        assert.ok(r, `line ${i + 1}: ${out[i].code}`);
        assert.deepEqual([r.sid, r.form, r.kid, r.ts], [s.sid, s.form, recipient.kid, s.ts]);
        assert.deepEqual(r.fields, JSON.parse(s.doc).fields);
      }
    }
  },
);

// ---------------------------------------------------------------------------
// 4. What orderseal must refuse, though the HPKE is valid.

// Each: the padded plaintext, as @hpke/core seals it, for one document.
const smallDoc = utf8(JSON.stringify({ fields: { product: 'Pen' } }));
const largeDoc = utf8(documentOf({ attachment: { name: 'big.bin', type: '', data: big } }));
const wrongPaddings = [
  ['no padding at all', smallDoc],
  [
    'zeros but no 0x80 marker',
    concat(smallDoc, new Uint8Array(pad(smallDoc).length - smallDoc.length)),
  ],
  ['one byte short of the 1 KiB bucket', pad(smallDoc).subarray(0, 1023)],
  ['one zero byte too many', concat(pad(smallDoc), [0])],
  ['the next Padmé bucket (1088)', concat(pad(smallDoc), new Uint8Array(64))],
  ['padded to 2048', concat(pad(smallDoc), new Uint8Array(1024))],
  [
    '0x80 then a non-zero byte',
    (() => {
      const p = pad(smallDoc);
      p[smallDoc.length + 1] = 0x01;
      return p;
    })(),
  ],
  // Unpads by the rule of §4.2 (1023 is a length whose padded_len is
  // 1024), to a document that ends in NUL bytes: not JSON.
  [
    '0x00 instead of 0x80, then 0x80 at the end',
    (() => {
      const p = new Uint8Array(1024);
      p.set(smallDoc);
      p[1023] = 0x80;
      return p;
    })(),
  ],
  [
    'a large document with one 16-byte step too few',
    pad(largeDoc).subarray(0, paddedLen(largeDoc.length) - 16),
  ],
  [
    'a large document padded to the next power of two',
    concat(pad(largeDoc), new Uint8Array(8192 - pad(largeDoc).length)),
  ],
];

test('padding: the canonical lengths are used by this test', () => {
  assert.equal(pad(smallDoc).length, 1024);
  assert.equal(paddedLen(largeDoc.length), padme(largeDoc.length + 1));
  assert.ok(pad(largeDoc).length > 6000 && pad(largeDoc).length < 8192);
  for (const [name, pt] of wrongPaddings) {
    assert.throws(() => parseDocument(unpad(pt)), { code: 'plaintext_invalid' }, name);
  }
});

// Documents that break a MUST of §4.1 (plaintext_invalid) or a limit of §6.
const badDocuments = [
  ['an unknown member beside fields', '{"fields":{},"x":1}', 'plaintext_invalid'],
  ['no fields member', '{}', 'plaintext_invalid'],
  ['fields is an array', '{"fields":[]}', 'plaintext_invalid'],
  ['a duplicate field name', '{"fields":{"a":"1","a":"2"}}', 'plaintext_invalid'],
  ['a duplicate fields member', '{"fields":{"a":"1"},"fields":{"a":"2"}}', 'plaintext_invalid'],
  ['a number value', '{"fields":{"qty":12}}', 'plaintext_invalid'],
  ['a boolean value', '{"fields":{"ok":true}}', 'plaintext_invalid'],
  ['a null value', '{"fields":{"x":null}}', 'plaintext_invalid'],
  ['a number in a list', '{"fields":{"x":["a",1]}}', 'plaintext_invalid'],
  [
    'strings and files mixed',
    '{"fields":{"x":["a",{"name":"n","type":"","data":""}]}}',
    'plaintext_invalid',
  ],
  ['a nested list', '{"fields":{"x":[["a"]]}}', 'plaintext_invalid'],
  [
    'an unknown member in a file',
    '{"fields":{"f":{"name":"n","type":"","data":"","size":0}}}',
    'plaintext_invalid',
  ],
  ['a file without data', '{"fields":{"f":{"name":"n","type":""}}}', 'plaintext_invalid'],
  [
    'a file whose data is not base64url',
    '{"fields":{"f":{"name":"n","type":"","data":"AA=="}}}',
    'plaintext_invalid',
  ],
  ['an empty field name', '{"fields":{"":"x"}}', 'plaintext_invalid'],
  ['a control character in a field name', '{"fields":{"a\\u0001b":"x"}}', 'plaintext_invalid'],
  ['a field name of 129 bytes', `{"fields":{"${'n'.repeat(129)}":"x"}}`, 'limit_exceeded'],
  [
    '257 fields',
    JSON.stringify({
      fields: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, ''])),
    }),
    'limit_exceeded',
  ],
  [
    '257 values in one field',
    JSON.stringify({ fields: { x: Array(257).fill('v') } }),
    'limit_exceeded',
  ],
  [
    'a text value over 64 KiB',
    JSON.stringify({ fields: { x: 'v'.repeat(65537) } }),
    'limit_exceeded',
  ],
  [
    'a file name over 255 bytes',
    JSON.stringify({ fields: { f: { name: 'n'.repeat(256), type: '', data: '' } } }),
    'limit_exceeded',
  ],
  ['not JSON', '{"fields":{}', 'plaintext_invalid'],
  [
    'invalid UTF-8',
    concat(utf8('{"fields":{"a":"'), [0xc3, 0x28], utf8('"}}')),
    'plaintext_invalid',
  ],
];

test('this file refuses the bad documents with the same codes', () => {
  for (const [name, doc, code] of badDocuments) {
    assert.throws(() => parseDocument(typeof doc === 'string' ? utf8(doc) : doc), { code }, name);
  }
  assert.deepEqual(
    parseDocument(utf8('{"fields":{"a":[]}}')).fields,
    { a: [] },
    'an empty list is a valid value',
  );
});

const withDuplicateTs = (members) => {
  const at = members.findIndex(([k]) => k === 'ts');
  return [...members.slice(0, at + 1), ['ts', '1764057601'], ...members.slice(at + 1)];
};
const withDuplicateFormFirst = (members) => [['form', '"invoice"'], ...members];
const withUnknown = (members) => [...members, ['x', '0']];

/** Envelopes with valid HPKE that orderseal must refuse, and the code. */
async function refusals(recipient) {
  const out = [];
  for (const [name, pt] of wrongPaddings) {
    out.push([
      `padding: ${name}`,
      (await specSeal(recipient, '', { pt })).json,
      'plaintext_invalid',
    ]);
  }
  for (const [name, doc, code] of badDocuments) {
    out.push([`document: ${name}`, (await specSeal(recipient, doc)).json, code]);
  }
  // §3: duplicate members MUST be rejected, whichever copy the aad used.
  out.push([
    'a second ts (aad of the first)',
    (await specSeal(recipient, smallDoc, { ts: 1764057600, members: withDuplicateTs })).json,
    'envelope_malformed',
  ]);
  out.push([
    'a second ts (aad of the second)',
    (await specSeal(recipient, smallDoc, { ts: 1764057601, members: withDuplicateTs })).json,
    'envelope_malformed',
  ]);
  out.push([
    'a second form, first',
    (await specSeal(recipient, smallDoc, { members: withDuplicateFormFirst })).json,
    'envelope_malformed',
  ]);
  out.push([
    'an unknown member',
    (await specSeal(recipient, smallDoc, { members: withUnknown })).json,
    'envelope_malformed',
  ]);
  // §3: members outside their alphabet or length, though the aad covers
  // them as written.
  const set = (name, value) => (members) => members.map(([k, v]) => [k, k === name ? value : v]);
  const header = {
    suite: A128,
    kid: recipient.kid,
    form: 'order',
    sidText: 'AAAAAAAAAAAAAAAAAAAAAA',
    tsText: '0',
  };
  for (const [name, change, members] of [
    [
      'kid in uppercase hex',
      { kid: recipient.kid.toUpperCase() },
      set('kid', JSON.stringify(recipient.kid.toUpperCase())),
    ],
    ['a form id with a space', { form: 'order form' }, set('form', '"order form"')],
    ['a form id with a non-ASCII letter', { form: 'commandé' }, set('form', '"commandé"')],
    ['an empty form id', { form: '' }, set('form', '""')],
    [
      'a sid of 15 bytes',
      { sidText: 'AAAAAAAAAAAAAAAAAAAA' },
      set('sid', '"AAAAAAAAAAAAAAAAAAAA"'),
    ],
    ['ts of 2^53', { tsText: '9007199254740992' }, set('ts', '9007199254740992')],
    ['ts negative', { tsText: '-1' }, set('ts', '-1')],
    ['ts as a string', { tsText: '0' }, set('ts', '"0"')],
    ['v as a string', {}, set('v', '"1"')],
  ]) {
    const h = { ...header, ...change };
    const sealed = await specSeal(recipient, smallDoc, {
      aad: aadText(h),
      members: (m) => members(set('sid', JSON.stringify(h.sidText))(set('ts', h.tsText)(m))),
    });
    out.push([name, sealed.json, 'envelope_malformed']);
  }
  // §3: "decoders MUST reject [...] non-zero trailing bits": sid (16 bytes),
  // enc (65) and ct (1040 here) each end in a partial group.
  const base = await specSeal(recipient, smallDoc);
  for (const name of ['sid', 'enc', 'ct']) {
    const e = JSON.parse(base.json);
    const last = B64URL.indexOf(e[name].at(-1));
    e[name] = e[name].slice(0, -1) + B64URL[last ^ 1]; // the lowest bit: a trailing one
    assert.throws(() => b64urlDecode(e[name]), TypeError);
    out.push([`${name} with a non-zero trailing bit`, JSON.stringify(e), 'envelope_malformed']);
  }
  const e = JSON.parse(base.json);
  out.push([
    'enc with the compressed-point prefix 0x02',
    JSON.stringify({ ...e, enc: b64urlEncode(concat([2], b64urlDecode(e.enc).subarray(1))) }),
    'envelope_malformed',
  ]);
  out.push([
    'enc not on the curve',
    JSON.stringify({ ...e, enc: b64urlEncode(concat([4], new Uint8Array(64).fill(1))) }),
    'open_failed',
  ]);
  // The aad of §2, and no other, authenticates the header.
  const h = (o) => ({
    suite: A128,
    kid: recipient.kid,
    form: 'order',
    sidText: 'AAAAAAAAAAAAAAAAAAAAAA',
    tsText: '0',
    ...o,
  });
  for (const [name, aad] of [
    ['aad with a trailing LF', `${aadText(h())}\n`],
    ['aad without the version line', aadText(h()).split('\n').slice(1).join('\n')],
    ['empty aad', ''],
  ]) {
    const sealed = await specSeal(recipient, smallDoc, { ts: 0, aad });
    out.push([
      name,
      sealed.json.replace(/"sid":"[^"]*"/, '"sid":"AAAAAAAAAAAAAAAAAAAAAA"'),
      'open_failed',
    ]);
  }
  return out;
}

test(
  "the wasm Opener refuses wrong padding, bad documents and duplicate members, with the spec's codes",
  { skip: noPkg },
  async () => {
    const cases = await refusals(testRecipient);
    const got = cases.map(([name, json]) => [name, wasmRefusal(json)]);
    assert.deepEqual(
      got,
      cases.map(([name, , code]) => [name, code]),
    );
    // This file's opener says the same.
    for (const [name, json, code] of cases) {
      await assert.rejects(
        specOpen(json, keyring),
        (e) => e instanceof SpecError && e.code === code,
        name,
      );
    }
    // Positive control: the same sealing with canonical padding opens.
    assert.deepEqual(openWithWasm((await specSeal(testRecipient, smallDoc)).json).fields, {
      product: 'Pen',
    });
  },
);

test(
  "orderseal decrypt (CLI) refuses wrong padding, bad documents and duplicate members, with the spec's codes",
  { skip: noCli },
  async () => {
    const cases = await refusals(freshRecipient);
    const control = await specSeal(freshRecipient, smallDoc);
    const out = decryptWithCli([...cases.map(([, json]) => json), control.json], freshRecipient);
    assert.deepEqual(
      cases.map(([name], i) => [name, out[i].code ?? 'opened']),
      cases.map(([name, , code]) => [name, code]),
    );
    assert.deepEqual(out.at(-1).record?.fields, { product: 'Pen' }, 'the canonical padding opens');
  },
);
