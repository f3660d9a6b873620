// Interop with an independent HPKE implementation: @hpke/core (WebCrypto).
//
// Everything orderseal adds to RFC 9180 (info, aad, Padmé padding,
// base64url, the envelope, the plaintext's framing and document, key ids)
// is written again below, in plain JavaScript, from docs/FORMAT.md alone; no
// orderseal code is imported for it. orderseal (the npm package's Node
// entry, pkg/node.js, and the native CLI, target/release/orderseal) is only
// ever the thing under test:
//
//   - @hpke/core opens every `ok` vector, of both versions, to its exact
//     plaintext (bytes, document and fields) and fails on the `bad-*` ones
//     with the vector's code (§7);
//   - @hpke/core opens what orderseal seals, which is version 2 (wasm in
//     Node, both engines and both suites; the CLI);
//   - orderseal (wasm Opener and CLI) opens what @hpke/core seals, in
//     version 2 and in version 1, and refuses non-canonical padding,
//     duplicate envelope members, documents that break §4.1 and version-2
//     plaintexts whose framing is wrong, with the codes of §8.
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

// §1, §3: the versions. Sealers write 2; openers read 2 and 1.
const CURRENT = 2;
const VERSIONS = [2, 1];

// §2: "info = "orderseal/v" v (12 ASCII bytes)".
const infoOf = (v) => utf8(`orderseal/v${v}`);
for (const v of VERSIONS) assert.equal(infoOf(v).length, 12);

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

// §2: aad = "orderseal/v" v LF suite LF kid LF form LF sid LF ts, each as
// it appears in the envelope, no trailing LF.
const aadText = (h) =>
  [`orderseal/v${h.v}`, h.suite, h.kid, h.form, h.sidText, h.tsText].join('\n');

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
// pad(pt) = pt ‖ 0x80 ‖ 0x00…, pt the whole plaintext of §4.1.
function pad(pt) {
  const out = new Uint8Array(paddedLen(pt.length));
  out.set(pt);
  out[pt.length] = 0x80;
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
  const pt = padded.subarray(0, end - 1);
  if (paddedLen(pt.length) !== padded.length) {
    throw new SpecError(
      'plaintext_invalid',
      `padding: ${padded.length} is not padded_len(${pt.length})`,
    );
  }
  return pt;
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
  const v = VERSIONS.find((n) => String(n) === e.v.raw);
  if (v === undefined) throw new SpecError('unsupported_version', `v ${e.v.raw}`);
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
    v,
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

// §4.1: the member of a file object that gives its bytes, per version.
const FILE_BYTES = { 1: 'data', 2: 'size' };

// §4.1 and §6: the document of version `v`. `take(n)` gives a version-2
// file's bytes (the next n after the document and the files before it).
// Returns its text, its fields (file bytes as base64url `data` in both
// versions, as in the vectors' `plaintext`) and their order.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
function parseDocument(doc, v, take) {
  const invalid = (why) => new SpecError('plaintext_invalid', why);
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
    return s;
  };
  const isFile = (x) => isObject(x);
  const bytesMember = FILE_BYTES[v];
  // "exactly three members": `data` in version 2 and `size` in version 1
  // are unknown members.
  const file = (f) => {
    if (Object.keys(f).sort().join() !== ['name', 'type', bytesMember].sort().join()) {
      throw invalid(`file members ${Object.keys(f).join()} (version ${v})`);
    }
    for (const m of ['name', 'type']) if (typeof f[m] !== 'string') throw invalid(`file ${m}`);
    let data;
    if (v === 1) {
      try {
        data = b64urlDecode(f.data);
      } catch (error) {
        throw invalid(`file data: ${error.message}`);
      }
    } else {
      // An *integer* of §3: plain decimal digits.
      if (!(f.size instanceof Num) || !TS.test(f.size.raw)) {
        throw invalid('file size is not an integer');
      }
      data = take(f.size.value);
    }
    if (byteLength(f.name) > 255 || byteLength(f.type) > 255) {
      throw new SpecError('limit_exceeded', 'file name or type over 255 bytes');
    }
    return { name: f.name, type: f.type, data: b64urlEncode(data) };
  };
  const fields = {};
  for (const name of names) {
    if (name.length === 0 || CONTROL.test(name)) throw invalid('field name');
    if (byteLength(name) > 128) throw new SpecError('limit_exceeded', 'field name over 128 bytes');
    const x = d.fields[name];
    let value;
    if (typeof x === 'string') value = text64k(x);
    else if (Array.isArray(x)) {
      if (x.length > 256) throw new SpecError('limit_exceeded', 'over 256 values');
      if (x.every(isFile) && x.length > 0) value = x.map(file);
      else value = x.map(text64k); // strings, or a mix: refused
    } else if (isFile(x)) value = file(x);
    else throw invalid(`field ${JSON.stringify(name)}: a number, boolean or null`);
    // defineProperty: "__proto__" is a field name like any other.
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true });
  }
  return { text, fields, names };
}

// §4.1 and §6: an unpadded plaintext of version `v`. Version 2:
// u32be(len(doc)) ‖ doc ‖ data_1 ‖ … ‖ data_n, every byte accounted for;
// version 1: the document alone.
function parsePlaintext(v, pt) {
  const invalid = (why) => new SpecError('plaintext_invalid', why);
  if (pt.length > 8 * MiB) throw new SpecError('limit_exceeded', 'plaintext over 8 MiB');
  if (v === 1) return parseDocument(pt, 1);
  if (pt.length < 4) throw invalid(`${pt.length} bytes: no document length`);
  const docLen = new DataView(pt.buffer, pt.byteOffset, 4).getUint32(0); // big-endian
  if (docLen > pt.length - 4) {
    throw invalid(`a document of ${docLen} bytes in ${pt.length - 4} after the length`);
  }
  let at = 4 + docLen;
  const take = (size) => {
    if (size > pt.length - at) throw invalid(`a file of ${size} bytes, ${pt.length - at} left`);
    at += size;
    return pt.subarray(at - size, at);
  };
  const parsed = parseDocument(pt.subarray(4, 4 + docLen), 2, take);
  if (at !== pt.length) throw invalid(`${pt.length - at} bytes after the last file`);
  return parsed;
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
        { recipientKey, enc: buffer(h.enc), info: buffer(infoOf(h.v)) },
        buffer(h.ct),
        buffer(utf8(aadText(h))),
      ),
    );
  } catch (error) {
    // Only an HPKE failure is open_failed; a bug in this file is not.
    if (!(error instanceof HpkeError)) throw error;
    throw new SpecError('open_failed', error.message);
  }
  const unpadded = unpad(padded);
  return { header: h, padded, unpadded, ...parsePlaintext(h.v, unpadded) };
}

/** @hpke/core SealBase with this info and aad. */
async function hpkeSeal(recipientPublicKey, suite, info, aad, pt) {
  const { enc, ct } = await SUITES[suite].seal(
    { recipientPublicKey, info: buffer(info) },
    buffer(pt),
    buffer(utf8(aad)),
  );
  return { enc: new Uint8Array(enc), ct: new Uint8Array(ct) };
}

/**
 * §2–§4: an envelope of version `v` (default 2) sealed by @hpke/core around
 * an unpadded plaintext (text or bytes). `pt` overrides the padded
 * plaintext (for wrong padding); `info` and `aad` override theirs;
 * `members` rewrites the member list (for duplicates); `tsText` writes ts
 * otherwise than as decimal digits, `vText` v.
 */
async function specSeal(recipient, plaintext, options = {}) {
  const suite = options.suite ?? A128;
  const h = {
    v: options.v ?? CURRENT,
    suite,
    kid: recipient.kid,
    form: options.form ?? 'order',
    sidText: b64urlEncode(crypto.getRandomValues(new Uint8Array(16))),
    tsText: options.tsText ?? String(options.ts ?? Math.floor(Date.now() / 1000)),
  };
  const unpadded = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
  const pt = options.pt ?? pad(unpadded);
  const { enc, ct } = await hpkeSeal(
    recipient.publicKey,
    suite,
    options.info ?? infoOf(h.v),
    options.aad ?? aadText(h),
    pt,
  );
  let members = [
    ['v', options.vText ?? String(h.v)],
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
  return { json, v: h.v, sid: h.sidText, ts: Number(h.tsText), form: h.form, suite };
}

/** §4.1: n as 4 bytes, big-endian. */
function u32be(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** §4.1: u32be(len(doc)) ‖ doc ‖ data_1 ‖ … ‖ data_n (doc: text or bytes). */
function frame(doc, ...files) {
  const d = typeof doc === 'string' ? utf8(doc) : doc;
  return concat(u32be(d.length), d, ...files);
}

/**
 * §4.1: some fields (an object or a Map; file data as bytes or base64url
 * text) as version `v` writes them: the compact document's text, and the
 * unpadded plaintext.
 */
function encode(fields, v = CURRENT) {
  const files = [];
  const file = (f) => {
    const data = typeof f.data === 'string' ? b64urlDecode(f.data) : f.data;
    if (v === 1) return { name: f.name, type: f.type, data: b64urlEncode(data) };
    files.push(data); // in document order
    return { name: f.name, type: f.type, size: data.length };
  };
  const value = (x) => (Array.isArray(x) ? x.map(value) : typeof x === 'object' ? file(x) : x);
  const entries = fields instanceof Map ? [...fields] : Object.entries(fields);
  const doc = JSON.stringify({
    fields: Object.fromEntries(entries.map(([k, x]) => [k, value(x)])),
  });
  return { doc, plaintext: v === 1 ? utf8(doc) : frame(doc, ...files) };
}
/** §4.1: the document of some fields, as version `v` writes it. */
const documentOf = (fields, v = CURRENT) => encode(fields, v).doc;
/** §4.1: the unpadded plaintext of some fields, as version `v` writes it. */
const plaintextOf = (fields, v = CURRENT) => encode(fields, v).plaintext;

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
      entries: opened.entries.map(([k, v]) => [k, plain(v)]),
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

test('the version-2 plaintext of the example in §4.1 is the framing of its document', () => {
  const format = readFileSync(join(root, 'docs', 'FORMAT.md'), 'utf8');
  const section = format.slice(format.indexOf('### 4.1'), format.indexOf('### 4.2'));
  const wrapped = /```json\n([^`]*)\n```/.exec(section);
  assert.ok(wrapped, 'docs/FORMAT.md §4.1 has the document example');
  const doc = wrapped[1].replace(/\n +/g, ''); // "Shown here wrapped"
  const rows = /```\n(00 00 00 [^`]*)\n```/.exec(section);
  assert.ok(rows, 'docs/FORMAT.md §4.1 has the plaintext example');
  // Each row: hex bytes ("…" for those left out), then a comment.
  const [length, docRow, data] = rows[1]
    .split('\n')
    .map((row) => row.split(/ {2,}/)[0].split(' '));
  const docBytes = utf8(doc);
  assert.deepEqual(fromHex(length.join('')), u32be(docBytes.length), 'u32be(len(doc))');
  assert.deepEqual(docRow.slice(0, 3), hex(docBytes.subarray(0, 3)).match(/../g));
  assert.deepEqual(docRow.slice(-3), hex(docBytes.subarray(-3)).match(/../g));
  const file = fromHex(data.join(''));
  assert.ok(section.includes(`This document is ${docBytes.length} bytes long`));
  const total = 4 + docBytes.length + file.length;
  assert.ok(section.includes(`4 + ${docBytes.length} + ${file.length} = ${total} bytes`));
  // It opens to the fields of the example; version 1 writes the same field
  // as the text the section gives.
  const { fields, text } = parsePlaintext(2, frame(doc, file));
  assert.equal(text, doc);
  const po = { name: 'po.pdf', type: 'application/pdf', data: b64urlEncode(file) };
  assert.deepEqual(fields, { product: 'Fountain pen', colors: ['red', 'blue'], po });
  assert.equal(documentOf(fields, 2), doc, 'as this file writes it');
  assert.ok(section.includes(`\`"po":${JSON.stringify(po)}\``), 'the version-1 field');
});

// ---------------------------------------------------------------------------
// 1. @hpke/core opens the committed vectors.

const vectorFiles = readdirSync(vectors)
  .filter((f) => /^envelope-.*\.json$/.test(f))
  .sort();
const readVector = (file) => JSON.parse(readFileSync(join(vectors, file), 'utf8'));

test('@hpke/core opens every ok vector, of both versions, to its exact plaintext, and refuses every bad one', async (t) => {
  assert.ok(vectorFiles.filter((f) => f.startsWith('envelope-ok-')).length >= 4);
  assert.ok(vectorFiles.filter((f) => f.startsWith('envelope-v1-ok-')).length >= 4);
  assert.ok(vectorFiles.filter((f) => f.startsWith('envelope-bad-')).length >= 10);
  for (const file of vectorFiles) {
    const c = readVector(file);
    await t.test(`${file} (${c.expect}): ${c.description}`, async () => {
      if (c.expect === 'ok') {
        const opened = await specOpen(c.envelope, keyring);
        // §9: envelope-v1-ok-* are version 1, the others version 2.
        const v = file.startsWith('envelope-v1-') ? 1 : 2;
        assert.equal(opened.header.v, v);
        assert.deepEqual({ fields: opened.fields }, c.plaintext);
        assert.equal(opened.text, c.document, 'the document');
        assert.equal(b64urlEncode(opened.unpadded), c.unpadded, 'the unpadded plaintext');
        // Written by orderseal: compact JSON (§4.1), canonically padded,
        // and the bytes this file writes for the same fields.
        assert.equal(JSON.stringify(JSON.parse(opened.text)), opened.text, 'a compact document');
        assert.equal(opened.padded.length, paddedLen(opened.unpadded.length));
        const inOrder = new Map(opened.names.map((name) => [name, opened.fields[name]]));
        assert.deepEqual(plaintextOf(inOrder, v), opened.unpadded, 'as this file writes it');
      } else {
        assert.deepEqual([c.plaintext, c.unpadded, c.document], [null, null, null]);
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
    .map((file) => ({ file, ...readVector(file) }))
    .filter((c) => c.expect === 'open_failed');
  assert.ok(failed.length >= 7);
  for (const c of failed) {
    await t.test(c.file, async () => {
      const h = parseEnvelope(c.envelope); // a well-formed envelope
      const suite = SUITES[h.suite];
      await assert.rejects(
        suite.open(
          { recipientKey: testRecipient.privateKey, enc: buffer(h.enc), info: buffer(infoOf(h.v)) },
          buffer(h.ct),
          buffer(utf8(aadText(h))),
        ),
        HpkeError,
      );
    });
  }
});

test('bad-version-relabel is ok-basic with v 1: read as version 2, it opens', async () => {
  const c = readVector('envelope-bad-version-relabel.json');
  const h = parseEnvelope(c.envelope);
  assert.equal(h.v, 1);
  const v2 = { ...h, v: 2 };
  const padded = new Uint8Array(
    await SUITES[h.suite].open(
      { recipientKey: testRecipient.privateKey, enc: buffer(h.enc), info: buffer(infoOf(2)) },
      buffer(h.ct),
      buffer(utf8(aadText(v2))),
    ),
  );
  const basic = readVector('envelope-ok-basic.json');
  assert.equal(b64urlEncode(unpad(padded)), basic.unpadded);
  assert.equal(c.envelope, basic.envelope.replace('{"v":2,', '{"v":1,'), 'only v differs');
});

// ---------------------------------------------------------------------------
// 2. @hpke/core opens what orderseal seals.

const pdf = utf8('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const big = crypto.getRandomValues(new Uint8Array(5000)); // a document over 1 KiB
// File bytes that end as padding does (§4.2): a version-2 plaintext that
// ends in them must still unpad to exactly itself.
const paddingLike = [
  new Uint8Array([0x25, 0x80, 0x00]),
  new Uint8Array([0x80]),
  new Uint8Array([0x80, 0x00, 0x00, 0x00]),
  new Uint8Array([0x00]),
];

test('@hpke/core opens envelopes sealed by the wasm build in Node', { skip: noPkg }, async () => {
  // Version 2, with both engines and both suites.
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
    // The plaintext ends in the bytes of the last file.
    ...paddingLike.map((tail) => ({
      input: {
        note: 'binary',
        tail: [
          { name: 'a', type: '', data: png },
          { name: 't', type: '', data: tail },
        ],
      },
      expected: {
        note: 'binary',
        tail: [
          { name: 'a', type: '', data: b64urlEncode(png) },
          { name: 't', type: '', data: b64urlEncode(tail) },
        ],
      },
    })),
  ];
  const sids = new Set();
  for (const engine of ['webcrypto', 'wasm']) {
    for (const suite of [A128, A256]) {
      const sealer = new orderseal.Sealer(key.public_jwk, {
        expectedKeyId: key.kid,
        engine,
        suite,
      });
      try {
        assert.equal(sealer.engine, engine);
        for (const c of cases) {
          const form = c.form ?? 'order';
          const before = Math.floor(Date.now() / 1000);
          const sealed = await sealer.seal(c.input, { formId: form });
          const after = Math.ceil(Date.now() / 1000);
          const opened = await specOpen(sealed.json, keyring);
          const what = `${engine}, ${suite}, ${Object.keys(c.expected).join()}`;
          assert.deepEqual(opened.fields, c.expected, what);
          assert.deepEqual(opened.names, Object.keys(c.expected), 'fields in form order');
          // §4.1: version 2, the compact document, files after it in order.
          const h = opened.header;
          assert.equal(h.v, 2, 'sealers write version 2');
          assert.equal(opened.text, documentOf(c.expected, 2), 'the compact document of §4.1');
          assert.deepEqual(opened.unpadded, plaintextOf(c.expected, 2), `the plaintext: ${what}`);
          assert.deepEqual([h.suite, h.kid, h.form], [suite, key.kid, form]);
          assert.equal(h.sidText, sealed.submissionId);
          assert.ok(h.ts >= before && h.ts <= after, `ts ${h.ts} is now`);
          // §3: written compactly, members in order; the object the same.
          assert.deepEqual(KEY_ORDER.get(parseJson(sealed.json)), MEMBERS);
          assert.equal(sealed.json, JSON.stringify(JSON.parse(sealed.json)));
          assert.deepEqual(sealed.envelope, JSON.parse(sealed.json));
          sids.add(h.sidText);
        }
      } finally {
        sealer.free();
      }
    }
  }
  assert.equal(sids.size, cases.length * 4, 'a fresh sid per envelope');
});

// A version-2 plaintext of exactly 8 MiB: one file of `size` bytes, and
// the 4-byte length and the document.
const MAX_PT = 8 * MiB;
const maxFile = (() => {
  const doc = (n) => documentOf({ f: { name: 'f.bin', type: '', data: new Uint8Array(n) } }, 2);
  const size = MAX_PT - 4 - byteLength(doc(1_000_000)); // as many digits
  assert.equal(4 + byteLength(doc(size)) + size, MAX_PT);
  return size;
})();
const fileOf = (size) => ({
  f: { name: 'f.bin', type: '', data: new Uint8Array(size).fill(0x61) },
});

test(
  'the Sealer counts a version-2 file as its bytes against the 8 MiB limit (§6)',
  { skip: noPkg },
  async () => {
    // In version 1 this file alone would be 10.7 MiB of base64url.
    const sealer = new orderseal.Sealer(key.public_jwk);
    try {
      const sealed = await sealer.seal(fileOf(maxFile), { formId: 'order' });
      const opened = await specOpen(sealed.json, keyring);
      assert.equal(opened.unpadded.length, MAX_PT);
      assert.deepEqual(opened.unpadded, plaintextOf(fileOf(maxFile), 2));
      await assert.rejects(sealer.seal(fileOf(maxFile + 1), { formId: 'order' }), {
        code: 'limit_exceeded',
      });
    } finally {
      sealer.free();
    }
  },
);

test(
  '@hpke/core opens version-2 envelopes sealed by the CLI, AES-256-GCM and AES-128-GCM',
  { skip: noCli },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderseal-interop-'));
    try {
      writeFileSync(join(dir, 'public.pem'), key.public_spki_pem);
      const expected = {
        product: 'Engraved fountain pen',
        colours: ['black', 'red'],
        po: { name: 'PO-17.pdf', type: 'application/pdf', data: b64urlEncode(pdf) },
        photos: [{ name: 'a.png', type: 'image/png', data: b64urlEncode(png) }],
        // Last: the plaintext ends in 0x80 0x00 (§4.2).
        tail: { name: 'tail.bin', type: '', data: b64urlEncode(paddingLike[0]) },
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
        assert.equal(opened.header.v, 2, 'sealers write version 2');
        assert.equal(opened.header.suite, suite);
        assert.equal(opened.header.form, 'quote');
        assert.deepEqual(opened.fields, expected);
        assert.deepEqual(opened.names, Object.keys(expected));
        assert.deepEqual(opened.unpadded, plaintextOf(expected, 2));
        assert.deepEqual([...opened.unpadded.subarray(-2)], [0x80, 0x00]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// ---------------------------------------------------------------------------
// 3. orderseal opens what @hpke/core seals, in version 2 and in version 1.

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
  // Last: the version-2 plaintext ends in 0x80 0x00 (§4.2).
  tail: { name: 'tail.bin', type: 'application/octet-stream', data: paddingLike[0] },
};
/** The fields as an opener shows them: files as { name, type, data: base64url }. */
const shown = (fields) => JSON.parse(documentOf(fields, 1)).fields;

test(
  'the wasm Opener opens envelopes sealed by @hpke/core, both versions, both suites, both keys',
  { skip: noPkg },
  async () => {
    for (const v of VERSIONS) {
      for (const recipient of [testRecipient, freshRecipient]) {
        for (const suite of [A128, A256]) {
          for (const [fields, form] of [
            [everyKind, 'order'],
            [{ attachment: { name: 'big.bin', type: '', data: big } }, 'a/b'],
            [{}, 'x'],
          ]) {
            const sealed = await specSeal(recipient, plaintextOf(fields, v), { v, suite, form });
            const opened = openWithWasm(sealed.json, recipient);
            assert.deepEqual(opened, {
              v,
              suite,
              kid: recipient.kid,
              form,
              sid: sealed.sid,
              ts: sealed.ts,
              fields: shown(fields),
              entries: Object.entries(shown(fields)),
            });
            // And this file's opener agrees (a check of specSeal itself).
            assert.equal((await specOpen(sealed.json, keyring)).text, documentOf(fields, v));
          }
        }
      }
    }
  },
);

test(
  'orderseal decrypt (CLI) opens envelopes sealed by @hpke/core, both versions, both suites, both keys',
  { skip: noCli },
  async () => {
    for (const recipient of [testRecipient, freshRecipient]) {
      const sealed = [];
      for (const v of VERSIONS) {
        for (const suite of [A128, A256]) {
          for (const [fields, options] of [
            [everyKind, { ts: 1764057600 }],
            [{ attachment: { name: 'big.bin', type: '', data: big } }, { form: 'a/b' }],
            [{}, { ts: 0, form: 'contact/v2' }],
          ]) {
            const pt = plaintextOf(fields, v);
            sealed.push({ fields, ...(await specSeal(recipient, pt, { v, suite, ...options })) });
          }
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
        assert.deepEqual(r.fields, shown(s.fields), `line ${i + 1}, version ${s.v}`);
      }
    }
  },
);

// Version-2 plaintexts that §4.1 allows though orderseal does not write
// them, and what they hold.
const twoFiles =
  '{"fields":{"a":{"name":"a","type":"","size":2},"b":[{"name":"b","type":"","size":1},{"name":"c","type":"","size":0}]}}';
const textFile = (name, bytes) => ({ name, type: '', data: b64urlEncode(utf8(bytes)) });
const framings = [
  [
    'files take their bytes in document order',
    frame(twoFiles, utf8('xyz')),
    { a: textFile('a', 'xy'), b: [textFile('b', 'z'), textFile('c', '')] },
  ],
  [
    'file members in another order, and whitespace',
    frame(
      ' {\n "fields" : { "a" : { "size" : 2 , "type" : "" , "name" : "a" } } }\t',
      utf8('xy'),
    ),
    { a: textFile('a', 'xy') },
  ],
  [
    'file bytes that end in 0x80 0x00',
    frame('{"fields":{"a":{"name":"a","type":"","size":2}}}', [0x80, 0x00]),
    { a: { name: 'a', type: '', data: b64urlEncode(new Uint8Array([0x80, 0])) } },
  ],
  ['no fields', frame('{"fields":{}}'), {}],
];

test('this file reads the framings §4.1 allows', () => {
  for (const [name, pt, fields] of framings) {
    assert.deepEqual(parsePlaintext(2, pt).fields, fields, name);
  }
});

test(
  'the wasm Opener and the CLI read every framing §4.1 allows',
  { skip: noPkg || noCli },
  async () => {
    const sealed = [];
    for (const [name, pt, fields] of framings) {
      const s = await specSeal(testRecipient, pt);
      assert.deepEqual(openWithWasm(s.json).fields, fields, `wasm: ${name}`);
      sealed.push(s.json);
    }
    const out = decryptWithCli(sealed);
    assert.deepEqual(
      framings.map(([name], i) => [name, out[i].record?.fields ?? out[i].code]),
      framings.map(([name, , fields]) => [name, fields]),
    );
  },
);

// The plaintext limit of §6 counts a version-2 file as its bytes: exactly
// 8 MiB opens, one byte more does not.
test(
  'the wasm Opener and the CLI take a version-2 plaintext of exactly 8 MiB (§6)',
  { skip: noPkg || noCli },
  async () => {
    const sealed = await specSeal(testRecipient, plaintextOf(fileOf(maxFile), 2));
    assert.ok(byteLength(sealed.json) < 12 * MiB);
    const expected = shown(fileOf(maxFile));
    assert.deepEqual(openWithWasm(sealed.json).fields, expected);
    assert.deepEqual(decryptWithCli([sealed.json])[0].record?.fields, expected);
  },
);

// ---------------------------------------------------------------------------
// 4. What orderseal must refuse, though the HPKE is valid.

// Each: the padded plaintext, as @hpke/core seals it, for a small and a
// large plaintext of one version.
const small = { product: 'Pen' };
const large = { attachment: { name: 'big.bin', type: '', data: big } };
const smallPt = plaintextOf(small, 2);
const wrongPaddingsOf = (smallPt, largePt) => [
  ['no padding at all', smallPt],
  [
    'zeros but no 0x80 marker',
    concat(smallPt, new Uint8Array(pad(smallPt).length - smallPt.length)),
  ],
  ['one byte short of the 1 KiB bucket', pad(smallPt).subarray(0, 1023)],
  ['one zero byte too many', concat(pad(smallPt), [0])],
  ['the next Padmé bucket (1088)', concat(pad(smallPt), new Uint8Array(64))],
  ['padded to 2048', concat(pad(smallPt), new Uint8Array(1024))],
  [
    '0x80 then a non-zero byte',
    (() => {
      const p = pad(smallPt);
      p[smallPt.length + 1] = 0x01;
      return p;
    })(),
  ],
  // Unpads by the rule of §4.2 (1023 is a length whose padded_len is
  // 1024), to a plaintext that ends in NUL bytes: not JSON (version 1),
  // bytes that no file claims (version 2).
  [
    '0x00 instead of 0x80, then 0x80 at the end',
    (() => {
      const p = new Uint8Array(1024);
      p.set(smallPt);
      p[1023] = 0x80;
      return p;
    })(),
  ],
  [
    'a large plaintext with one 16-byte step too few',
    pad(largePt).subarray(0, paddedLen(largePt.length) - 16),
  ],
  [
    'a large plaintext padded to the next power of two',
    concat(pad(largePt), new Uint8Array(8192 - pad(largePt).length)),
  ],
];
const wrongPaddings = VERSIONS.flatMap((v) =>
  wrongPaddingsOf(plaintextOf(small, v), plaintextOf(large, v)).map(([name, pt]) => [
    `version ${v}: ${name}`,
    v,
    pt,
  ]),
);

test('padding: the canonical lengths are used by this test', () => {
  for (const v of VERSIONS) {
    const [smallPt, largePt] = [plaintextOf(small, v), plaintextOf(large, v)];
    assert.equal(pad(smallPt).length, 1024);
    assert.equal(paddedLen(largePt.length), padme(largePt.length + 1));
    assert.ok(pad(largePt).length > 4096 && pad(largePt).length < 8192);
  }
  for (const [name, v, pt] of wrongPaddings) {
    assert.throws(() => parsePlaintext(v, unpad(pt)), { code: 'plaintext_invalid' }, name);
  }
});

// Documents that break a MUST of §4.1 (plaintext_invalid) or a limit of §6,
// as functions of the version; a fourth item is the only version a case is
// about. fileText(v) is a valid file object of version v (0 bytes), with
// `extra` members after its own.
const fileText = (v, extra = '') =>
  `{"name":"n","type":"",${v === 1 ? '"data":""' : '"size":0'}${extra}}`;
const oneField = (value) => `{"fields":{"f":${value}}}`;
const badDocuments = [
  ['an unknown member beside fields', () => '{"fields":{},"x":1}', 'plaintext_invalid'],
  ['no fields member', () => '{}', 'plaintext_invalid'],
  ['fields is an array', () => '{"fields":[]}', 'plaintext_invalid'],
  ['a duplicate field name', () => '{"fields":{"a":"1","a":"2"}}', 'plaintext_invalid'],
  [
    'a duplicate fields member',
    () => '{"fields":{"a":"1"},"fields":{"a":"2"}}',
    'plaintext_invalid',
  ],
  ['a number value', () => '{"fields":{"qty":12}}', 'plaintext_invalid'],
  ['a boolean value', () => '{"fields":{"ok":true}}', 'plaintext_invalid'],
  ['a null value', () => '{"fields":{"x":null}}', 'plaintext_invalid'],
  ['a number in a list', () => '{"fields":{"x":["a",1]}}', 'plaintext_invalid'],
  [
    'strings and files mixed',
    (v) => `{"fields":{"x":["a",${fileText(v)}]}}`,
    'plaintext_invalid',
  ],
  ['a nested list', () => '{"fields":{"x":[["a"]]}}', 'plaintext_invalid'],
  ['an unknown member in a file', (v) => oneField(fileText(v, ',"x":""')), 'plaintext_invalid'],
  ['a duplicate member in a file', (v) => oneField(fileText(v, ',"type":""')), 'plaintext_invalid'],
  [
    'a file with both data and size',
    () => oneField('{"name":"n","type":"","data":"","size":0}'),
    'plaintext_invalid',
  ],
  ['a file without its bytes', () => oneField('{"name":"n","type":""}'), 'plaintext_invalid'],
  [
    'a file without a name',
    (v) => oneField(fileText(v).replace('"name":"n",', '')),
    'plaintext_invalid',
  ],
  [
    'a file whose type is not a string',
    (v) => oneField(fileText(v).replace('"type":""', '"type":null')),
    'plaintext_invalid',
  ],
  [
    'a file whose data is not base64url',
    () => oneField('{"name":"n","type":"","data":"AA=="}'),
    'plaintext_invalid',
    1,
  ],
  ['size in a version-1 document', () => oneField(fileText(2)), 'plaintext_invalid', 1],
  ['data in a version-2 document', () => oneField(fileText(1)), 'plaintext_invalid', 2],
  // §4.1: `size` is an *integer* (§3): not 0 written otherwise, not
  // another type, not negative, not beyond 2^64.
  ...['0.0', '0e0', '-0', '"0"', 'null', '[0]', '-1', '18446744073709551616'].map((size) => [
    `size ${size}`,
    () => oneField(`{"name":"n","type":"","size":${size}}`),
    'plaintext_invalid',
    2,
  ]),
  ['an empty field name', () => '{"fields":{"":"x"}}', 'plaintext_invalid'],
  [
    'a control character in a field name',
    () => '{"fields":{"a\\u0001b":"x"}}',
    'plaintext_invalid',
  ],
  ['a field name of 129 bytes', () => `{"fields":{"${'n'.repeat(129)}":"x"}}`, 'limit_exceeded'],
  [
    '257 fields',
    () =>
      JSON.stringify({
        fields: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, ''])),
      }),
    'limit_exceeded',
  ],
  [
    '257 values in one field',
    () => JSON.stringify({ fields: { x: Array(257).fill('v') } }),
    'limit_exceeded',
  ],
  [
    '257 files in one field',
    (v) => oneField(`[${Array(257).fill(fileText(v)).join(',')}]`),
    'limit_exceeded',
  ],
  [
    'a text value over 64 KiB',
    () => JSON.stringify({ fields: { x: 'v'.repeat(65537) } }),
    'limit_exceeded',
  ],
  [
    'a file name over 255 bytes',
    (v) => oneField(fileText(v).replace('"n"', JSON.stringify('n'.repeat(256)))),
    'limit_exceeded',
  ],
  [
    'a file media type over 255 bytes',
    (v) => oneField(fileText(v).replace('"type":""', `"type":"${'t'.repeat(256)}"`)),
    'limit_exceeded',
  ],
  ['not JSON', () => '{"fields":{}', 'plaintext_invalid'],
  [
    'invalid UTF-8',
    () => concat(utf8('{"fields":{"a":"'), [0xc3, 0x28], utf8('"}}')),
    'plaintext_invalid',
  ],
];
/** [name, version, unpadded plaintext, code]: each bad document, framed. */
const badDocumentCases = VERSIONS.flatMap((v) =>
  badDocuments
    .filter(([, , , only]) => only === undefined || only === v)
    .map(([name, doc, code]) => {
      const text = doc(v);
      const bytes = typeof text === 'string' ? utf8(text) : text;
      // Version 2: the document, then no file bytes (files are of size 0).
      return [`version ${v}: ${name}`, v, v === 1 ? bytes : frame(bytes), code];
    }),
);

// Version-2 plaintexts whose framing breaks §4.1, though the document in
// them (if any) is valid.
const emptyDoc = utf8('{"fields":{}}');
const oneFile = '{"fields":{"po":{"name":"po.pdf","type":"","size":3}}}';
const badPlaintexts = [
  ['an empty plaintext', new Uint8Array(0)],
  ['3 bytes: no room for the length', new Uint8Array([0, 0, 0])],
  ['a length of 0: an empty document', u32be(0)],
  ['the document length one past the end', concat(u32be(emptyDoc.length + 1), emptyDoc)],
  ['the document length 2^32 − 1', concat(u32be(2 ** 32 - 1), emptyDoc)],
  ['the document length one short', concat(u32be(emptyDoc.length - 1), emptyDoc)],
  ['the length little-endian', concat(u32be(emptyDoc.length).reverse(), emptyDoc)],
  ['the length in 2 bytes', concat([0, emptyDoc.length], emptyDoc)],
  ['a version-1 document alone', emptyDoc],
  ['a file past the end (size 3, 2 bytes left)', frame(oneFile, utf8('%P'))],
  ['bytes left over after the last file', frame(oneFile, utf8('%PDF'))],
  ['the second of two files past the end', frame(twoFiles, utf8('xy'))],
  ['a 0x00 after a document that names no file', frame(emptyDoc, [0x00])],
  ['a 0x80 after a document that names no file', frame(emptyDoc, [0x80])],
  ['the file bytes before the document', concat(u32be(oneFile.length), utf8('%PD'), utf8(oneFile))],
];

test('this file refuses the bad documents and framings with the same codes', () => {
  for (const [name, v, pt, code] of badDocumentCases) {
    assert.throws(() => parsePlaintext(v, pt), { code }, name);
  }
  for (const [name, pt] of badPlaintexts) {
    assert.throws(() => parsePlaintext(2, pt), { code: 'plaintext_invalid' }, name);
  }
  assert.throws(() => parsePlaintext(1, smallPt), { code: 'plaintext_invalid' });
  // Positive controls: the same shapes, valid.
  for (const v of VERSIONS) {
    const framed = (doc) => (v === 1 ? utf8(doc) : frame(doc));
    assert.deepEqual(
      parsePlaintext(v, framed('{"fields":{"a":[]}}')).fields,
      { a: [] },
      'an empty list is a valid value',
    );
    assert.deepEqual(parsePlaintext(v, framed(oneField(fileText(v)))).fields, {
      f: { name: 'n', type: '', data: '' },
    });
    const files = oneField(`[${Array(256).fill(fileText(v)).join(',')}]`);
    assert.equal(parsePlaintext(v, framed(files)).fields.f.length, 256);
  }
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
  for (const [name, v, pt] of wrongPaddings) {
    out.push([
      `padding: ${name}`,
      (await specSeal(recipient, '', { v, pt })).json,
      'plaintext_invalid',
    ]);
  }
  for (const [name, v, pt, code] of badDocumentCases) {
    out.push([`document: ${name}`, (await specSeal(recipient, pt, { v })).json, code]);
  }
  for (const [name, pt] of badPlaintexts) {
    out.push([`framing: ${name}`, (await specSeal(recipient, pt)).json, 'plaintext_invalid']);
  }
  out.push([
    'framing: a version-2 plaintext in a version-1 envelope',
    (await specSeal(recipient, smallPt, { v: 1 })).json,
    'plaintext_invalid',
  ]);
  // §6: the whole version-2 plaintext counts, file bytes as they are.
  out.push([
    'a version-2 plaintext of 8 MiB + 1 byte',
    (await specSeal(recipient, plaintextOf(fileOf(maxFile + 1), 2))).json,
    'limit_exceeded',
  ]);
  // §2: info and aad name the version; §7: only 1 and 2 are read.
  const v2 = await specSeal(recipient, smallPt);
  out.push(['version 2 relabelled v 1', v2.json.replace('{"v":2,', '{"v":1,'), 'open_failed']);
  const v1 = await specSeal(recipient, plaintextOf(small, 1), { v: 1 });
  out.push(['version 1 relabelled v 2', v1.json.replace('{"v":1,', '{"v":2,'), 'open_failed']);
  out.push([
    'v 2 sealed with the info of version 1',
    (await specSeal(recipient, smallPt, { info: infoOf(1) })).json,
    'open_failed',
  ]);
  out.push([
    'v 1 sealed with the info of version 2',
    (await specSeal(recipient, plaintextOf(small, 1), { v: 1, info: infoOf(2) })).json,
    'open_failed',
  ]);
  for (const v of [0, 3]) {
    out.push([`v ${v}`, (await specSeal(recipient, smallPt, { v })).json, 'unsupported_version']);
  }
  out.push([
    'v 2.0',
    (await specSeal(recipient, smallPt, { vText: '2.0' })).json,
    'envelope_malformed',
  ]);
  // §3: duplicate members MUST be rejected, whichever copy the aad used.
  out.push([
    'a second ts (aad of the first)',
    (await specSeal(recipient, smallPt, { ts: 1764057600, members: withDuplicateTs })).json,
    'envelope_malformed',
  ]);
  out.push([
    'a second ts (aad of the second)',
    (await specSeal(recipient, smallPt, { ts: 1764057601, members: withDuplicateTs })).json,
    'envelope_malformed',
  ]);
  out.push([
    'a second form, first',
    (await specSeal(recipient, smallPt, { members: withDuplicateFormFirst })).json,
    'envelope_malformed',
  ]);
  out.push([
    'an unknown member',
    (await specSeal(recipient, smallPt, { members: withUnknown })).json,
    'envelope_malformed',
  ]);
  // §3: members outside their alphabet or length, though the aad covers
  // them as written.
  const set = (name, value) => (members) => members.map(([k, v]) => [k, k === name ? value : v]);
  const header = {
    v: CURRENT,
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
    ['v as a string', {}, set('v', '"2"')],
  ]) {
    const h = { ...header, ...change };
    const sealed = await specSeal(recipient, smallPt, {
      aad: aadText(h),
      members: (m) => members(set('sid', JSON.stringify(h.sidText))(set('ts', h.tsText)(m))),
    });
    out.push([name, sealed.json, 'envelope_malformed']);
  }
  // §3: "decoders MUST reject [...] non-zero trailing bits": sid (16 bytes),
  // enc (65) and ct (1040 here) each end in a partial group.
  const base = await specSeal(recipient, smallPt);
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
    v: CURRENT,
    suite: A128,
    kid: recipient.kid,
    form: 'order',
    sidText: 'AAAAAAAAAAAAAAAAAAAAAA',
    tsText: '0',
    ...o,
  });
  const withZeroSid = (json) => json.replace(/"sid":"[^"]*"/, '"sid":"AAAAAAAAAAAAAAAAAAAAAA"');
  for (const [name, aad] of [
    ['aad with a trailing LF', `${aadText(h())}\n`],
    ['aad without the version line', aadText(h()).split('\n').slice(1).join('\n')],
    ['the aad of version 1 in a version-2 envelope', aadText(h({ v: 1 }))],
    ['empty aad', ''],
  ]) {
    const sealed = await specSeal(recipient, smallPt, { ts: 0, aad });
    out.push([name, withZeroSid(sealed.json), 'open_failed']);
  }
  // Positive control for these: the aad of §2, sealed the same way, opens.
  const control = await specSeal(recipient, smallPt, { ts: 0, aad: aadText(h()) });
  assert.deepEqual((await specOpen(withZeroSid(control.json), keyring)).fields, small);
  return out;
}

test(
  "the wasm Opener refuses wrong padding, bad documents and framings, other versions and duplicate members, with the spec's codes",
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
    // Positive control: the same sealing with canonical padding opens, in
    // both versions.
    for (const v of VERSIONS) {
      const sealed = await specSeal(testRecipient, plaintextOf(small, v), { v });
      assert.deepEqual(openWithWasm(sealed.json).fields, small, `version ${v}`);
    }
  },
);

test(
  "orderseal decrypt (CLI) refuses wrong padding, bad documents and framings, other versions and duplicate members, with the spec's codes",
  { skip: noCli },
  async () => {
    const cases = await refusals(freshRecipient);
    const controls = [];
    for (const v of VERSIONS) {
      controls.push((await specSeal(freshRecipient, plaintextOf(small, v), { v })).json);
    }
    const out = decryptWithCli([...cases.map(([, json]) => json), ...controls], freshRecipient);
    assert.deepEqual(
      cases.map(([name], i) => [name, out[i].code ?? 'opened']),
      cases.map(([name, , code]) => [name, code]),
    );
    assert.deepEqual(
      out.slice(cases.length).map((o) => o.record?.fields),
      VERSIONS.map(() => small),
      'the canonical padding opens, in both versions',
    );
  },
);
