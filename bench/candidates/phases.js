// The probe of bench/phases.mjs: the steps of orderseal's init() and first
// `new Sealer`, one at a time, through the seal build's glue (js/seal.js),
// from the inlined .wasm as js/index.js reads it.
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
  // As js/index.js does it.
  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  writer.write(gzip);
  writer.close();
  const reader = gunzip.readable.getReader();
  const parts = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0);
  step('gunzip');
  const module = await WebAssembly.compile(bytes);
  step('compile');
  await initSeal({ module_or_path: module });
  step('instantiate');
  selfTest();
  step('selfTest');
  new Sealer(jwk, { expectedKeyId: kid }).free();
  step('sealer');
  new Sealer(jwk, { expectedKeyId: kid }).free();
  step('sealerAgain');
  return t;
}
