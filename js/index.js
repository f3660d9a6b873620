// orderseal for browsers (plain <script type="module">, Vite, webpack 5,
// Rollup): the wasm-bindgen `web` builds, loaded by init().
//
//   import { init, Sealer } from 'orderseal';
//   await init();
//   const sealer = new Sealer(companyJwk, { expectedKeyId: '8c2c0e3ab0b4ba7e' });
//   const { json } = await sealer.seal({ product: 'Pen' }, { formId: 'order' });
//
// init() fetches ./web/orderseal_seal_bg.wasm (the seal build) where
// WebCrypto can seal, and ./web/orderseal_bg.wasm (the full build) where it
// cannot, both next to this file (`new URL(..., import.meta.url)`, which
// bundlers understand). The full build's glue is imported only when it is
// needed (a dynamic import, its own chunk in a bundle). To load the .wasm
// from elsewhere, pass init() a URL, Response, bytes or WebAssembly.Module
// of either build, or `{ seal, full }` with one of those (or a function
// returning one, called only if that build is needed) for each.

// Named imports, not `* as`: a namespace object would make bundlers put a
// helper they share with the dynamic import below into a chunk of its own,
// one more request before the page is ready.
import initSeal, {
  Sealer as SealSealer,
  build as sealBuild,
  checkFilesSize,
  errorCodes,
  selfTest,
  version as sealVersion,
} from './web/orderseal_seal.js';
import { createApi } from './api.js';
import { createOpener } from './opener.js';

const seal = {
  Sealer: SealSealer,
  build: sealBuild,
  checkFilesSize,
  errorCodes,
  selfTest,
  version: sealVersion,
};

const api = createApi({
  seal: async (source) => {
    await initSeal(source === undefined ? undefined : { module_or_path: source });
    return seal;
  },
  full: async (source) => {
    const full = await import('./web/orderseal.js');
    await full.default(source === undefined ? undefined : { module_or_path: source });
    return full;
  },
});

export const { init, Sealer, version, build } = api;
// Pure: a bundle that never uses the Opener leaves it (and js/opener.js) out.
export const Opener = /* @__PURE__ */ createOpener(api);
export default init;
export { attach, DEFAULT_KEY_URL } from './attach.js';
export { CODES, ATTACH_CODES, ERROR_NAME, isOrderSealError } from './errors.js';
