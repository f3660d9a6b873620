// The probe of bench/phases.mjs: the steps of orderseal's init() and first
// `new Sealer`, one at a time, through the seal build's wasm-bindgen glue.
import initSeal, { Sealer, selfTest } from '../../pkg/web/orderseal_seal.js';

export async function phases({ jwk, kid }) {
  const t = {};
  const url = new URL('./orderseal_seal_bg.wasm', import.meta.url);
  const called = performance.now();
  const response = await fetch(url);
  const bytes = await response.arrayBuffer();
  let at = performance.now();
  const timing = performance.getEntriesByName(url.href)[0];
  t.queued = timing.requestStart - called;
  t.transfer = timing.responseEnd - timing.requestStart;
  t.delivered = at - timing.responseEnd;
  const step = (name) => {
    const now = performance.now();
    t[name] = now - at;
    at = now;
  };
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
