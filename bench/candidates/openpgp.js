// OpenPGP.js 6: encrypt to an ECC (NIST P-256) public key, default options
// (SEIPD v1, AES-256, no compression). Output: the binary message.
import { createMessage, encrypt, readKey } from 'openpgp';

export async function ready({ armoredKey }) {
  const encryptionKeys = await readKey({ armoredKey });
  return {
    sealOrder: async (fields) =>
      encrypt({
        message: await createMessage({ text: JSON.stringify({ fields }) }),
        encryptionKeys,
        format: 'binary',
      }),
    sealFile: async (file) =>
      encrypt({
        message: await createMessage({ binary: file.data, filename: file.name }),
        encryptionKeys,
        format: 'binary',
      }),
  };
}
