// orderseal, as its README shows it: init(), new Sealer(jwk, { expectedKeyId }),
// sealer.seal(fields, { formId }). The output is the envelope's JSON text,
// ready to POST (padded plaintext, base64url, JSON: more work than the peers'
// raw binary output).
import { init, Sealer } from '../../pkg/index.js';

export async function ready({ jwk, kid }) {
  // The seal build, which this secure page loads, comes inlined in the
  // bundle (the package's default); the full build, which init() would load
  // instead where WebCrypto cannot seal, is copied next to the bundle
  // (bench/bundle.mjs), as a bundler would emit it.
  // (`seal: undefined`: its default; `{ full }` alone would ask for the full
  // build only, as the back office does.)
  await init({ seal: undefined, full: () => new URL('./orderseal_bg.wasm', import.meta.url) });
  const sealer = new Sealer(jwk, { expectedKeyId: kid });
  return {
    sealOrder: async (fields) => (await sealer.seal(fields, { formId: 'order' })).json,
    sealFile: async (file) => (await sealer.seal({ purchase_order: file }, { formId: 'order' })).json,
  };
}
