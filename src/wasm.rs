//! JavaScript bindings (wasm32 only): type and error conversion around the
//! core, nothing else.
//!
//! There are two binding layers, one per build:
//!
//! - the full build (`full` feature): wasm-bindgen's, in `sealer.rs`,
//!   `opener.rs`, `convert.rs` and `error.rs`;
//! - the seal build: a C ABI (`exports.rs`, values decoded by `values.rs`)
//!   for its hand-written glue, `js/seal.js`, which is smaller than
//!   wasm-bindgen's and needs one import (`crypto.getRandomValues`) where
//!   wasm-bindgen's needed 46.
//!
//! Both read the values they are given by the rules of `rules.rs`, with its
//! messages (`tests/node/builds.test.mjs` compares the two builds).
//!
//! Both give JavaScript the same objects (the npm package's `js/` layer
//! wraps them with `init()`, Promises and the form binding; `js/index.d.ts`
//! types it):
//!
//! | export | core |
//! |---|---|
//! | `new Sealer(key, { expectedKeyId })`, `.keyId`, `.fingerprint` | [`PublicKey::parse`], [`crate::KeyId`] |
//! | `sealer.seal(fields, { formId })` → `{ envelope, json, submissionId }` | [`Sealer::seal_at`] |
//! | `sealer.recipient`, `sealer.prepare(fields, { formId })` → `PreparedSeal` | [`Sealer::prepare_at`] |
//! | `prepared.finish(enc, dh)` → `KeyedSeal` (`.key`, `.nonce`, `.aad`, `.plaintext`) | [`Prepared::finish`] |
//! | `keyed.intoEnvelope(ct)` (full build) → `{ envelope, json, submissionId }`; `keyed.intoEnvelopeHead(ctLength)` → `{ head, envelope, submissionId }` | [`Keyed::into_envelope`], [`Keyed::into_json_head`] |
//! | `new Opener()`, `.addKey(key, passphrase?)`, `.open(json)`, `.clear()`, `.keyIds` | [`PrivateKey::parse`], [`Keyring`], [`Opener`] |
//! | `selfTest()` | [`crate::selftest::run`] |
//! | `errorCodes()` (full build) | [`Error::CODES`] |
//! | `checkFilesSize(bytes)` | the plaintext limit, before files are read |
//!
//! Every failure reaches JavaScript as an `Error` named `OrderSealError`
//! whose `code` is [`Error::code`].
//!
//! **Fail closed**: the self-test runs once, before the first `Sealer` or
//! `Opener` is built (the seal build: before the first `prepare`; its glue
//! runs it just after loading, off the page's path to ready); if it failed,
//! every constructor and method that needs it refuses with `unavailable`.
//!
//! [`PublicKey::parse`]: crate::PublicKey::parse
//! [`PrivateKey::parse`]: crate::PrivateKey::parse
//! [`Keyring`]: crate::Keyring
//! [`Opener`]: crate::Opener
//! [`Sealer::seal_at`]: crate::Sealer::seal_at
//! [`Sealer::prepare_at`]: crate::Sealer::prepare_at
//! [`Prepared::finish`]: crate::Prepared::finish
//! [`Keyed::into_envelope`]: crate::Keyed::into_envelope
//! [`Keyed::into_json_head`]: crate::Keyed::into_json_head

#[cfg(feature = "full")]
use crate::prelude::*;

use core::cell::OnceCell;

#[cfg(feature = "full")]
use wasm_bindgen::prelude::*;

use crate::limits::MAX_PLAINTEXT_BYTES;
use crate::{Error, Limit};

// The full build: wasm-bindgen's bindings.
#[cfg(feature = "full")]
mod convert;
#[cfg(feature = "full")]
pub mod error;
#[cfg(feature = "full")]
mod opener;
#[cfg(feature = "full")]
mod sealer;
#[cfg(feature = "full")]
pub use opener::JsOpener;
#[cfg(feature = "full")]
pub use sealer::{JsKeyed, JsPrepared, JsSealer};

// What both say about the JavaScript values they are given.
mod rules;

// The seal build: a C ABI for its own glue, js/seal.js, without
// wasm-bindgen (whose generated glue and 46 imports made an order page's
// bundle 1.2 KB larger, gzipped, than this ABI and its glue).
#[cfg(not(feature = "full"))]
mod exports;
#[cfg(not(feature = "full"))]
mod values;

/// The self-test's result, computed once per module instance.
static READY: SingleThreaded<OnceCell<Result<(), Error>>> = SingleThreaded(OnceCell::new());

/// A `static` of state that is not `Sync` (a cell), rather than
/// `thread_local!`, which needs `std` (the seal build has none).
struct SingleThreaded<T>(T);
// SAFETY: wasm32 without the atomics target feature has one thread, so
// the value is never shared between threads. A build with atomics
// (threads) does not compile this impl, and so refuses the `static`s.
#[cfg(not(target_feature = "atomics"))]
unsafe impl<T> Sync for SingleThreaded<T> {}

/// The seal build's allocator: talc, smaller than the dlmalloc `std` brings.
#[cfg(not(feature = "std"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic in the seal build traps (`unreachable`), as `panic = "abort"`
/// does with `std`; the JavaScript layer then fails closed. Without `std`'s
/// panic machinery, messages are never formatted, and `core::fmt` is not
/// linked.
#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Runs the self-test on first use and returns its (cached) result: the
/// whole pipeline in the full build, the seal steps in the seal build
/// ([`crate::selftest`]).
pub(crate) fn ready() -> Result<(), Error> {
    #[cfg(feature = "full")]
    let test = crate::selftest::run;
    #[cfg(not(feature = "full"))]
    let test = crate::selftest::run_seal_steps;
    READY.0.get_or_init(test).clone()
}

/// `"full"`: which of the two wasm builds this is (the `full` Cargo
/// feature; the seal build's glue says `"seal"`). The JavaScript layer
/// loads the seal build where WebCrypto can seal, and the full one for the
/// rest.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn build() -> String {
    "full".to_owned()
}

/// The crate version, for diagnostics.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Runs the built-in self-test (once; later calls return the same result).
/// Throws an `unavailable` error if it failed: nothing can be sealed then.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = selfTest)]
pub fn self_test() -> Result<(), JsValue> {
    ready().map_err(error::to_js)
}

/// Every error code, as in `docs/FORMAT.md` §8. Full build only: the
/// JavaScript layer has the list (`js/errors.js`, checked against this).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    Error::CODES.iter().map(|&c| c.to_owned()).collect()
}

/// Refuses files whose sizes add up to more than the plaintext limit, before
/// JavaScript reads them into memory only for the core to refuse them.
/// Throws `limit_exceeded`.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = checkFilesSize)]
pub fn check_files_size(total_bytes: f64) -> Result<(), JsValue> {
    files_fit(total_bytes).map_err(error::to_js)
}

/// `limit_exceeded` if files of `total_bytes` in all cannot fit in a
/// plaintext.
fn files_fit(total_bytes: f64) -> Result<(), Error> {
    // `as` saturates: a size beyond usize is over the limit anyway.
    Error::check_limit(
        Limit::PlaintextSize,
        total_bytes as usize,
        MAX_PLAINTEXT_BYTES,
    )
}
