//! orderseal: seal order forms in the browser to a company's P-256 public key.
//!
//! An order is sealed with HPKE (RFC 9180) in base mode, suite
//! DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, into a versioned
//! JSON envelope whose header is authenticated. Only the holder of the
//! private key can open it. The wire format is specified in `docs/FORMAT.md`.
//!
//! ```
//! use orderseal::{Fields, FieldValue, Opener, PrivateKey, Sealer};
//!
//! let key = PrivateKey::generate()?;
//! let mut fields = Fields::new();
//! fields.push("product", FieldValue::text("Engraved pen"))?;
//! let envelope = Sealer::new(key.public_key()).seal("order", &fields)?;
//!
//! let opened = Opener::new(&key).open(envelope.to_json().as_bytes())?;
//! assert_eq!(opened.fields, fields);
//! # Ok::<(), orderseal::Error>(())
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]
#![warn(missing_docs)]

extern crate alloc;

mod prelude;

pub mod b64;
pub mod envelope;
pub mod error;
mod json_out;
pub mod keys;
pub mod limits;
#[cfg(not(target_arch = "wasm32"))]
pub mod native_open;
pub mod padding;
pub mod plaintext;
pub mod schedule;
pub mod selftest;
pub mod suite;
mod text;
mod wipe;

#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
pub mod wasm;

pub use envelope::{
    Envelope, Header, Keyed, KeyedOpen, Opened, Opener, Prepared, PreparedOpen, Sealer,
};
pub use error::{Error, KeyEncoding, Limit};
pub use keys::{Fingerprint, KeyId, Keyring, PrivateKey, PublicKey};
pub use plaintext::{FieldValue, Fields, FileValue};
pub use suite::Suite;
