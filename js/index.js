// orderseal for browsers (plain <script type="module">, Vite, webpack 5,
// Rollup): the two builds, loaded by init(): the seal build through its
// own glue (seal.js), the full build through wasm-bindgen's (`web` target).
//
//   import { init, Sealer } from 'orderseal';
//   await init();
//   const sealer = new Sealer(companyJwk, { expectedKeyId: '8c2c0e3ab0b4ba7e' });
//   const { json } = await sealer.seal({ product: 'Pen' }, { formId: 'order' });
//
// init() loads the seal build where WebCrypto can seal: from
// ./web/orderseal_seal_inline.js, a module this one imports, which holds
// the .wasm gzipped in base64, so that it comes with the scripts rather
// than by a request of its own once init() runs (browsers without
// DecompressionStream fetch ./web/orderseal_seal_bg.wasm instead). Where
// WebCrypto cannot seal, it fetches ./web/orderseal_bg.wasm (the full
// build), next to this file (`new URL(..., import.meta.url)`, which bundlers
// understand); the full build's glue is imported only then (a dynamic
// import, its own chunk in a bundle). To load a .wasm from elsewhere, pass
// init() a URL, Response, bytes or WebAssembly.Module of either build, or
// `{ seal, full }` with one of those (or a function returning one, called
// only if that build is needed) for each.

// Named imports, not `* as`: a namespace object would make bundlers put a
// helper they share with the dynamic import below into a chunk of its own,
// one more request before the page is ready.
import initSeal, {
  Sealer as SealSealer,
  build as sealBuild,
  checkFilesSize,
  selfTest,
  version as sealVersion,
} from './seal.js';
import { SEAL_WASM_GZIP_BASE64 } from './web/orderseal_seal_inline.js';
import { createApi } from './api.js';
import { createOpener } from './opener.js';

const seal = {
  Sealer: SealSealer,
  build: sealBuild,
  checkFilesSize,
  selfTest,
  version: sealVersion,
};

// The seal build, compiled from the module imported above (its .wasm file
// where the browser cannot gunzip). A corrupt copy rejects: init() fails.
async function inlineSeal() {
  if (typeof DecompressionStream !== 'function') {
    return new URL('./web/orderseal_seal_bg.wasm', import.meta.url);
  }
  const gzip =
    typeof Uint8Array.fromBase64 === 'function'
      ? Uint8Array.fromBase64(SEAL_WASM_GZIP_BASE64)
      : Uint8Array.from(atob(SEAL_WASM_GZIP_BASE64), (c) => c.charCodeAt(0));
  // Piping a Blob's stream into the DecompressionStream took about four
  // times as long as writing the bytes (6 against 1.4 ms, Chromium 156,
  // 2026-11-25).
  const gunzip = new DecompressionStream('gzip');
  const writer = gunzip.writable.getWriter();
  // Their errors are arrayBuffer()'s too.
  writer.write(gzip).catch(() => {});
  writer.close().catch(() => {});
  const bytes = await new Response(gunzip.readable).arrayBuffer();
  // Compiled on this thread, at once: with V8's lazy compilation of wasm
  // functions there is little to do, and compileStreaming (fed by the
  // gunzip) or compile() spent more than a millisecond more on handing the
  // work to other threads and back (3.0 against 4.3 ms, Chromium 156,
  // 2026-12-06). Browsers that refuse to compile more than a few KB on the
  // main thread (Chromium before 2023) throw a RangeError: compile() then.
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    if (error instanceof RangeError) return WebAssembly.compile(bytes);
    throw error;
  }
}

const api = createApi({
  seal: async (source) => {
    await initSeal({ module_or_path: source ?? (await inlineSeal()) });
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
