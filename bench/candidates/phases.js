// The probe of bench/phases.mjs: the steps of orderseal's init() and first
// `new Sealer`, one at a time, through the seal build's glue (js/seal.js),
// from the inlined .wasm as js/index.js reads it; then the self-test, which
// init() leaves to a task of its own.
import initSeal, { Sealer, selfTest } from '../../pkg/seal.js';
import { SEAL_WASM_GZIP_BASE64 } from '../../pkg/web/orderseal_seal_inline.js';

export async function phases({ jwk, kid }) {
  const t = {};
  let at = performance.now();
  const step = (name) => {
    const now = performance.now();
    t[name] = now - at;
    at = now;
  };
  const gzip = Uint8Array.fromBase64(SEAL_WASM_GZIP_BASE64);
  step('decode');
  // As js/index.js does it: gunzipped, then compiled on this thread.
  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  writer.write(gzip);
  writer.close();
  const bytes = await new Response(gunzip.readable).arrayBuffer();
  step('gunzip');
  const module = new WebAssembly.Module(bytes);
  step('compile');
  await initSeal({ module_or_path: module });
  step('instantiate');
  new Sealer(jwk, { expectedKeyId: kid }).free();
  step('sealer');
  new Sealer(jwk, { expectedKeyId: kid }).free();
  step('sealerAgain');
  // After init() has resolved, in a task of its own (js/api.js).
  await new Promise((resolve) => setTimeout(resolve, 0));
  at = performance.now();
  selfTest();
  step('selfTest');
  return t;
}
