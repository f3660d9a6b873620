// Subresource Integrity of the .wasm, for order.js. This is the source
// copy: null, so pages served straight from www/ load the .wasm unchecked.
// scripts/sri.mjs writes the built site's copy with the real hash (and
// this module itself is then pinned by a modulepreload integrity).
export const WASM_INTEGRITY = null;
