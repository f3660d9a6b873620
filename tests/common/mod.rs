//! Helpers shared by the integration tests that read `tests/vectors/`:
//! the published test key, the envelope vector files and RFC 9180 A.3.
//! (Each test file uses only some of them.)
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;

use orderseal::PrivateKey;

/// `tests/vectors/`.
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

/// The private scalar of `tests/vectors/key.json`. Published: never use it
/// for real orders.
pub const TEST_SCALAR: &str = "6f7264657273656166207465737420766563746f72206b6579202d2d206e6f21";

/// RFC 9180 A.3 (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM,
/// base mode), verbatim.
pub const RFC_A3: &str = include_str!("../vectors/rfc9180-A3-p256-sha256-aes128gcm-base.txt");

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of `tests/vectors/key.json`.
pub fn test_key() -> PrivateKey {
    PrivateKey::from_scalar(&hex(TEST_SCALAR)).expect("fixed valid scalar")
}

/// `tests/vectors/envelope-*.json`, sorted.
pub fn envelope_vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(DIR)
        .expect("vectors dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("envelope-") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    files
}

/// The values of RFC 9180 A.3's "Base Setup Information" block and of its
/// encryptions, in file order, with wrapped hex lines joined.
pub fn rfc_a3_fields() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in RFC_A3.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with("~~~") {
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) => out.push((k.trim().to_owned(), v.trim().to_owned())),
            None => out
                .last_mut()
                .expect("a continuation line follows a field")
                .1
                .push_str(line),
        }
    }
    out
}

/// The first value of `name` in RFC 9180 A.3 (the setup, or sequence
/// number 0), decoded from hex.
pub fn rfc_a3(name: &str) -> Vec<u8> {
    let (_, v) = rfc_a3_fields()
        .into_iter()
        .find(|(k, _)| k == name)
        .expect("the vector file has this field");
    hex(&v)
}

/// AES-GCM as WebCrypto's `encrypt`/`decrypt` with `tagLength: 128` compute
/// it (AES-128 or AES-256 by the key's length, 96-bit nonce, tag at the end
/// of the ciphertext): the platform's share of a split seal or open. `None`
/// where decryption fails (a tag that does not verify).
// aes-gcm is a native dev-dependency; tests/rfc9180.rs also runs in wasm.
#[cfg(not(target_arch = "wasm32"))]
pub fn aes_gcm(key: &[u8], nonce: &[u8], aad: &[u8], msg: &[u8], decrypt: bool) -> Option<Vec<u8>> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::{Aes128Gcm, Aes256Gcm};

    fn run<C: Aead + KeyInit>(
        key: &[u8],
        nonce: &[u8],
        payload: Payload<'_, '_>,
        decrypt: bool,
    ) -> Option<Vec<u8>> {
        let cipher = C::new_from_slice(key).expect("an AES key");
        let nonce = aes_gcm::aead::Nonce::<C>::try_from(nonce).expect("a 96-bit nonce");
        if decrypt {
            cipher.decrypt(&nonce, payload).ok()
        } else {
            cipher.encrypt(&nonce, payload).ok()
        }
    }
    let payload = Payload { msg, aad };
    match key.len() {
        16 => run::<Aes128Gcm>(key, nonce, payload, decrypt),
        _ => run::<Aes256Gcm>(key, nonce, payload, decrypt),
    }
}
