// orderseal for browsers (plain <script type="module">, Vite, webpack 5,
// Rollup): the wasm-bindgen `web` build, loaded by init().
//
//   import { init, Sealer } from 'orderseal';
//   await init();
//   const sealer = new Sealer(companyJwk, { expectedKeyId: '8c2c0e3ab0b4ba7e' });
//   const { json } = await sealer.seal({ product: 'Pen' }, { formId: 'order' });
//
// init() fetches ./web/orderseal_bg.wasm next to this file
// (`new URL(..., import.meta.url)`, which bundlers understand); pass a URL,
// Response, bytes or WebAssembly.Module to load it from elsewhere.

import initWasm, * as wasm from './web/orderseal.js';
import { createApi } from './api.js';

const api = createApi(async (input) => {
  await initWasm(input === undefined ? undefined : { module_or_path: input });
  return wasm;
});

export const { init, Sealer, Opener, version } = api;
export default init;
export { attach, DEFAULT_KEY_URL } from './attach.js';
export { CODES, ATTACH_CODES, ERROR_NAME, isOrderSealError } from './errors.js';
