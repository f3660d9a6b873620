// The known-answer test of WebCrypto's share of a seal or an open, run once
// before the first seal or `openAll` that uses it (the `webcrypto` engine):
// the P-256 ECDH and the AES-128-GCM (both ways) of RFC 9180 A.3
// (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode), the
// same vector the Rust self-test checks the key schedule against
// (`src/selftest.rs`). Together they cover a whole seal and open: a browser
// whose WebCrypto gives other bytes is not used.

const hex = (s) => Uint8Array.from(s.match(/../g), (b) => parseInt(b, 16));
/**
 * Unpadded base64url of public bytes: natively where the browser has
 * `Uint8Array.prototype.toBase64`, else through `btoa` in 32 KiB slices
 * (`String.fromCharCode` takes its arguments on the stack). The known
 * answers' JWK here, and the envelope's `ct` in api.js.
 */
export function base64url(bytes) {
  if (typeof bytes.toBase64 === 'function') {
    return bytes.toBase64({ alphabet: 'base64url', omitPadding: true });
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

// RFC 9180 A.3: the ephemeral key pair, the recipient's public key, the
// shared `dh` (x(skEm * pkRm), which tests/rfc9180.rs computes too), and the
// first encryption (sequence number 0: nonce = base_nonce).
const A3 = {
  skEm: '4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb',
  pkEm:
    '04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325a' +
    'c98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4',
  pkRm:
    '04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a' +
    '826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0',
  dh: '13f918529458d2542531406888c8a6d4ea7ff473a6f4db452ac3c4ae1d01cea1',
  key: '868c066ef58aae6dc589b6cfdd18f97e',
  nonce: '4e0bc5018beba4bf004cca59',
  aad: '436f756e742d30',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  ct:
    '5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f' +
    '9076ac232e3ab2523f39513434',
};

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Resolves if `subtle` computes RFC 9180 A.3's ECDH and AES-GCM; rejects
 * with an Error naming the step otherwise.
 * @param {SubtleCrypto} subtle
 */
export async function checkWebCrypto(subtle) {
  const curve = { name: 'ECDH', namedCurve: 'P-256' };
  const pkEm = hex(A3.pkEm);
  // Independent steps at once: each WebCrypto call is a round trip.
  const [skEm, pkRm, key] = await Promise.all([
    subtle.importKey(
      'jwk',
      {
        kty: 'EC',
        crv: 'P-256',
        x: base64url(pkEm.subarray(1, 33)),
        y: base64url(pkEm.subarray(33)),
        d: base64url(hex(A3.skEm)),
      },
      curve,
      false,
      ['deriveBits'],
    ),
    subtle.importKey('raw', hex(A3.pkRm), curve, false, []),
    subtle.importKey('raw', hex(A3.key), 'AES-GCM', false, ['encrypt', 'decrypt']),
  ]);
  const gcm = { name: 'AES-GCM', iv: hex(A3.nonce), additionalData: hex(A3.aad), tagLength: 128 };
  const [dh, ct, pt] = await Promise.all([
    subtle.deriveBits({ name: 'ECDH', public: pkRm }, skEm, 256),
    subtle.encrypt(gcm, key, hex(A3.pt)),
    subtle.decrypt(gcm, key, hex(A3.ct)),
  ]);
  if (!same(new Uint8Array(dh), hex(A3.dh))) {
    throw new Error('WebCrypto self-test failed: ECDH differs from RFC 9180 A.3');
  }
  if (!same(new Uint8Array(ct), hex(A3.ct)) || !same(new Uint8Array(pt), hex(A3.pt))) {
    throw new Error('WebCrypto self-test failed: AES-GCM differs from RFC 9180 A.3');
  }
}
