// libsodium-wrappers: a sealed box (crypto_box_seal: X25519 +
// XSalsa20-Poly1305, libsodium compiled to wasm, inlined in the JS).
// Output: the sealed box, binary.
import sodium from 'libsodium-wrappers';

const te = new TextEncoder();

export async function ready({ publicKey }) {
  await sodium.ready;
  const pk = sodium.from_base64(publicKey, sodium.base64_variants.URLSAFE_NO_PADDING);
  return {
    sealOrder: async (fields) => sodium.crypto_box_seal(te.encode(JSON.stringify({ fields })), pk),
    sealFile: async (file) => sodium.crypto_box_seal(file.data, pk),
  };
}
