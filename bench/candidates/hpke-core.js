// @hpke/core: HPKE (RFC 9180) on WebCrypto, the same suite as orderseal:
// DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, base mode, with
// orderseal's info string. The plaintext is the JSON of the fields (no
// padding); the output is enc ‖ ct, binary.
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';

const INFO = new TextEncoder().encode('orderseal/v1');
const te = new TextEncoder();

export async function ready({ jwk }) {
  const suite = new CipherSuite({
    kem: new DhkemP256HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Aes128Gcm(),
  });
  const recipientPublicKey = await suite.kem.importKey('jwk', jwk, true);
  const seal = async (pt) => {
    const { enc, ct } = await suite.seal({ recipientPublicKey, info: INFO }, pt);
    const out = new Uint8Array(enc.byteLength + ct.byteLength);
    out.set(new Uint8Array(enc), 0);
    out.set(new Uint8Array(ct), enc.byteLength);
    return out;
  };
  return {
    sealOrder: (fields) => seal(te.encode(JSON.stringify({ fields }))),
    sealFile: (file) => seal(file.data),
  };
}
