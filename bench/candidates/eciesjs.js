// eciesjs: ECIES with its defaults (secp256k1, HKDF-SHA256, AES-256-GCM, all
// in JavaScript on @noble). Output: ephemeral key ‖ nonce ‖ tag ‖ ct, binary.
import { PublicKey, encrypt } from 'eciesjs';

const te = new TextEncoder();

export async function ready({ publicKeyHex }) {
  const pk = PublicKey.fromHex(publicKeyHex).toBytes(false);
  return {
    sealOrder: async (fields) => encrypt(pk, te.encode(JSON.stringify({ fields }))),
    sealFile: async (file) => encrypt(pk, file.data),
  };
}
