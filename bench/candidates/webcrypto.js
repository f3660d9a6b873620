// The floor: plain WebCrypto, the fewest calls that do what HPKE's base mode
// does (no library): an ephemeral ECDH P-256 key, ECDH with the recipient's
// key, HKDF-SHA256 to an AES-128-GCM key, one encryption. Not HPKE (no
// labeled extract/expand, no key schedule), so a little less work than the
// real thing. Output: ephemeral public key (65 bytes, SEC1) ‖ 12-byte nonce ‖ ct.
const te = new TextEncoder();
const INFO = te.encode('orderseal/v1 webcrypto baseline');
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

export async function ready({ jwk }) {
  const subtle = crypto.subtle;
  const recipient = await subtle.importKey('jwk', jwk, ECDH, false, []);
  const seal = async (pt) => {
    const eph = await subtle.generateKey(ECDH, true, ['deriveBits']);
    const [shared, ephRaw] = await Promise.all([
      subtle.deriveBits({ name: 'ECDH', public: recipient }, eph.privateKey, 256),
      subtle.exportKey('raw', eph.publicKey),
    ]);
    const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    const key = await subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: ephRaw, info: INFO },
      ikm,
      { name: 'AES-GCM', length: 128 },
      false,
      ['encrypt'],
    );
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, key, pt);
    const out = new Uint8Array(65 + 12 + ct.byteLength);
    out.set(new Uint8Array(ephRaw), 0);
    out.set(iv, 65);
    out.set(new Uint8Array(ct), 77);
    return out;
  };
  return {
    sealOrder: (fields) => seal(te.encode(JSON.stringify({ fields }))),
    sealFile: (file) => seal(file.data),
  };
}
