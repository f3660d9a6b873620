//! Every key parser on arbitrary bytes: never panics; a parsed public key
//! survives its own encodings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orderseal::{PrivateKey, PublicKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(pk) = PublicKey::parse(data) {
        assert_eq!(PublicKey::from_spki_pem(&pk.to_spki_pem()).ok().as_ref(), Some(&pk));
        assert_eq!(PublicKey::from_jwk(&pk.to_jwk()).ok().as_ref(), Some(&pk));
    }
    // A fixed passphrase: exercises the encrypted-PKCS#8 path too.
    let _ = PrivateKey::parse(data, Some(b"fuzz"));
    let _ = PrivateKey::parse(data, None);
    let _ = orderseal::keys::describe(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PublicKey::from_jwk(text);
        let _ = PublicKey::from_spki_pem(text);
    }
});
