// The recipient ("company") side, in Node: a key pair per candidate, what the
// page gets (public halves only), and opening each candidate's last
// ciphertexts, to prove the timed work produced real, decryptable output.
import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import sodium from 'libsodium-wrappers';
import * as openpgp from 'openpgp';
import { PrivateKey, decrypt as eciesDecrypt } from 'eciesjs';
import { file1mib, order2kb, orderDocument } from './workload.mjs';

const te = new TextEncoder();
const td = new TextDecoder();

/** Keys for every candidate: { public: what the page gets, private: Node only }. */
export async function makeKeys(root) {
  await sodium.ready;
  const { orderseal } = await loadOrderseal(root);
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = p256.publicKey.export({ format: 'jwk' });
  const privateJwk = p256.privateKey.export({ format: 'jwk' });
  const pem = p256.privateKey.export({ format: 'pem', type: 'pkcs8' });
  const kid = new orderseal.Sealer(jwk).keyId;
  const box = sodium.crypto_box_keypair();
  const pgp = await openpgp.generateKey({
    type: 'ecc',
    curve: 'nistP256',
    userIDs: [{ name: 'Orders', email: 'orders@example.com' }],
    format: 'armored',
  });
  const ecies = new PrivateKey();
  return {
    public: {
      orderseal: { jwk, kid },
      'hpke-core': { jwk },
      webcrypto: { jwk },
      libsodium: { publicKey: sodium.to_base64(box.publicKey, sodium.base64_variants.URLSAFE_NO_PADDING) },
      openpgp: { armoredKey: pgp.publicKey },
      eciesjs: { publicKeyHex: ecies.publicKey.toHex() },
      control: {},
    },
    private: { pem, privateJwk, box, pgp: pgp.privateKey, eciesHex: ecies.toHex() },
  };
}

let loaded = null;
async function loadOrderseal(root) {
  loaded ??= { orderseal: await import(pathToFileURL(join(root, 'pkg', 'node.js')).href) };
  return loaded;
}

const bytesOf = (t) => (t.text !== undefined ? te.encode(t.text) : new Uint8Array(Buffer.from(t.base64, 'base64')));

async function openWebCrypto(ct, privateJwk) {
  const subtle = webcrypto.subtle;
  const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
  const sk = await subtle.importKey('jwk', privateJwk, ECDH, false, ['deriveBits']);
  const ephRaw = ct.subarray(0, 65);
  const eph = await subtle.importKey('raw', ephRaw, ECDH, false, []);
  const shared = await subtle.deriveBits({ name: 'ECDH', public: eph }, sk, 256);
  const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: ephRaw, info: te.encode('orderseal/v1 webcrypto baseline') },
    ikm,
    { name: 'AES-GCM', length: 128 },
    false,
    ['decrypt'],
  );
  return new Uint8Array(
    await subtle.decrypt({ name: 'AES-GCM', iv: ct.subarray(65, 77) }, key, ct.subarray(77)),
  );
}

/** Opens one ciphertext of `id`; resolves to the plaintext bytes. */
async function open(id, ct, keys, root) {
  const k = keys.private;
  switch (id) {
    case 'hpke-core': {
      const suite = new CipherSuite({
        kem: new DhkemP256HkdfSha256(),
        kdf: new HkdfSha256(),
        aead: new Aes128Gcm(),
      });
      const recipientKey = await suite.kem.importKey('jwk', k.privateJwk, false);
      const pt = await suite.open(
        { recipientKey, enc: ct.slice(0, 65), info: te.encode('orderseal/v1') },
        ct.slice(65),
      );
      return new Uint8Array(pt);
    }
    case 'webcrypto':
      return openWebCrypto(ct, k.privateJwk);
    case 'libsodium':
      return sodium.crypto_box_seal_open(ct, k.box.publicKey, k.box.privateKey);
    case 'openpgp': {
      const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: k.pgp });
      const { data } = await openpgp.decrypt({
        message: await openpgp.readMessage({ binaryMessage: ct }),
        decryptionKeys,
        format: 'binary',
      });
      return data;
    }
    case 'eciesjs':
      return eciesDecrypt(k.eciesHex, ct);
    default:
      throw new Error(`no opener for ${id}`);
  }
}

/**
 * Opens a candidate's last order and file ciphertexts and checks them
 * against the workload. Resolves to a short description; throws on mismatch.
 */
export async function verify(id, outputs, keys, root) {
  if (id === 'control') return 'n/a (no output)';
  const fields = order2kb();
  const file = file1mib();
  if (id === 'orderseal') {
    const { orderseal } = await loadOrderseal(root);
    const opener = new orderseal.Opener();
    opener.addKey(keys.private.pem);
    try {
      const order = opener.open(outputs.order.text);
      assert.deepEqual({ ...order.fields }, fields, 'orderseal: the order opened to other fields');
      const withFile = opener.open(outputs.file.text);
      const po = withFile.fields.purchase_order;
      assert.equal(po.name, file.name);
      assert.ok(Buffer.from(po.data).equals(Buffer.from(file.data)), 'orderseal: the file opened to other bytes');
    } finally {
      opener.clear();
    }
    return 'opened with orderseal (Node) Opener';
  }
  const order = await open(id, bytesOf(outputs.order), keys, root);
  assert.equal(td.decode(order), orderDocument(fields), `${id}: the order opened to other bytes`);
  const data = await open(id, bytesOf(outputs.file), keys, root);
  assert.ok(Buffer.from(data).equals(Buffer.from(file.data)), `${id}: the file opened to other bytes`);
  return 'opened in Node';
}
