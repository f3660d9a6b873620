// Subresource Integrity of the .wasm builds, for the pages: the full build
// (WASM_INTEGRITY: the back office, and order pages without WebCrypto) and
// the seal build's file (SEAL_WASM_INTEGRITY: order pages in browsers that
// cannot gunzip the inlined seal build). This is the source copy: null, so
// pages served straight from www/ load the .wasm unchecked.
// scripts/sri.mjs writes the built site's copy with the real hashes (and
// this module itself is then pinned by a modulepreload integrity).
export const WASM_INTEGRITY = null;
export const SEAL_WASM_INTEGRITY = null;
