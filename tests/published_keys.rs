//! `PublicKey::parse_published`, the seal build's key reader (no DER
//! decoder, no point decompression), against `PublicKey::parse`: the same
//! key or the same error for every input, but the valid encodings it
//! leaves to the full build, which it refuses saying to convert the key.

// Native only: reads the key fixtures.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

mod common;

use common::to_hex as hex;
use orderseal::b64::encode as b64url;
use orderseal::keys::json;
use orderseal::{Error, PrivateKey, PublicKey};

fn published(input: &[u8]) -> Result<PublicKey, Error> {
    PublicKey::parse_published(input, &json)
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    Base64::encode_string(bytes)
}

/// Every file of `tests/keys/`, by name.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "keys"]
        .iter()
        .collect();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/keys is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e != "md"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into();
            (name, std::fs::read(&path).expect("fixture is readable"))
        })
        .collect();
    files.sort();
    files
}

/// The encodings of `pk` both readers take.
fn published_forms(pk: &PublicKey) -> Vec<(&'static str, Vec<u8>)> {
    let sec1 = pk.to_sec1_uncompressed();
    let der = pk.to_spki_der();
    vec![
        ("JWK", pk.to_jwk().into_bytes()),
        (
            "JWK with whitespace",
            format!("\n  {}\n", pk.to_jwk()).into_bytes(),
        ),
        ("SPKI PEM", pk.to_spki_pem().into_bytes()),
        (
            "SPKI PEM, CRLF",
            pk.to_spki_pem().replace('\n', "\r\n").into_bytes(),
        ),
        ("SPKI DER", der.clone()),
        ("SPKI DER as hex", hex(&der).into_bytes()),
        ("SPKI DER as base64", b64(&der).into_bytes()),
        ("SEC1 binary", sec1.to_vec()),
        ("SEC1 hex", hex(&sec1).into_bytes()),
        ("SEC1 HEX", hex(&sec1).to_uppercase().into_bytes()),
        ("SEC1 base64url", b64url(&sec1).into_bytes()),
    ]
}

/// A compressed SEC1 point of `pk`.
fn compressed(pk: &PublicKey) -> Vec<u8> {
    let sec1 = pk.to_sec1_uncompressed();
    let mut c = sec1[..33].to_vec();
    c[0] = 2 | (sec1[64] & 1);
    c
}

/// Both readers give the same key, or the same error (code and message).
fn assert_agree(what: &str, input: &[u8]) {
    let (full, seal) = (PublicKey::parse(input), published(input));
    assert_eq!(
        full.is_ok(),
        seal.is_ok(),
        "{what}: parse gave {full:?}, parse_published {seal:?}"
    );
    match (full, seal) {
        (Ok(a), Ok(b)) => assert_eq!(a.key_id(), b.key_id(), "{what}"),
        (Err(a), Err(b)) => {
            assert_eq!(a.code(), b.code(), "{what}");
            assert_eq!(a.to_string(), b.to_string(), "{what}");
        }
        _ => {}
    }
}

/// `parse` reads it; `parse_published` refuses it, saying to convert it.
fn assert_left_to_the_full_build(what: &str, input: &[u8]) {
    assert!(PublicKey::parse(input).is_ok(), "{what}: parse reads it");
    let error = published(input).expect_err(what);
    assert_eq!(error.code(), "key_malformed", "{what}");
    let message = error.to_string();
    assert!(
        message.contains("seal build") && message.contains("orderseal key public"),
        "{what}: {message}"
    );
}

#[test]
fn every_published_encoding_reads_as_the_same_key() {
    for _ in 0..32 {
        let key = PrivateKey::generate().expect("RNG available");
        for (what, input) in published_forms(key.public_key()) {
            assert_eq!(published(&input).as_ref(), Ok(key.public_key()), "{what}");
            assert_agree(what, &input);
        }
    }
}

#[test]
fn every_fixture_gives_what_parse_gives_but_a_compressed_spki() {
    for (name, input) in fixtures() {
        if name == "p256-pkcs8.pub.compressed.pem" {
            assert_left_to_the_full_build(&name, &input);
        } else {
            assert_agree(&name, &input);
        }
    }
}

#[test]
fn compressed_points_and_ec_parameters_blocks_are_left_to_the_full_build() {
    let key = PrivateKey::generate().expect("RNG available");
    let pk = key.public_key();
    let c = compressed(pk);
    assert_left_to_the_full_build("compressed binary", &c);
    assert_left_to_the_full_build("compressed hex", hex(&c).as_bytes());
    assert_left_to_the_full_build("compressed base64url", b64url(&c).as_bytes());
    let params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    let with_params = format!("{params}{}", pk.to_spki_pem());
    assert_left_to_the_full_build("PEM with EC PARAMETERS", with_params.as_bytes());
}

#[test]
fn refusals_are_the_same_as_parse() {
    let key = PrivateKey::generate().expect("RNG available");
    let pk = key.public_key();
    let sec1 = pk.to_sec1_uncompressed();
    let mut off_curve = sec1;
    off_curve[64] ^= 1;
    let mut hybrid = sec1;
    hybrid[0] = 6;
    let mut off_curve_der = pk.to_spki_der();
    let last = off_curve_der.len() - 1;
    off_curve_der[last] ^= 1;
    let p = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
    let x_is_p = format!("04{p}{}", hex(&sec1[33..]));
    let zeros = b64url(&[0; 32]);
    let x = b64url(&sec1[1..33]);
    let y = b64url(&sec1[33..]);
    let jwk = |members: &str| format!(r#"{{"kty":"EC",{members}}}"#).into_bytes();
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("off the curve, SEC1", off_curve.to_vec()),
        ("off the curve, hex", hex(&off_curve).into_bytes()),
        ("off the curve, SPKI DER", off_curve_der.clone()),
        (
            "off the curve, JWK",
            jwk(&format!(r#""crv":"P-256","x":"{x}","y":"{zeros}""#)),
        ),
        ("x = p", x_is_p.into_bytes()),
        (
            "zero coordinates",
            jwk(&format!(r#""crv":"P-256","x":"{zeros}","y":"{zeros}""#)),
        ),
        ("identity, binary", vec![0]),
        ("identity, hex", b"00".to_vec()),
        ("hybrid point", hybrid.to_vec()),
        ("64 bytes", sec1[..64].to_vec()),
        ("one byte 04", vec![4]),
        ("empty", Vec::new()),
        ("garbage text", b"not a key".to_vec()),
        ("not UTF-8", vec![0xff, 0xfe, 0x41]),
        ("JSON array", b"[1, 2]".to_vec()),
        ("broken JSON", b"{\"kty\":".to_vec()),
        (
            "JWK P-384",
            jwk(&format!(r#""crv":"P-384","x":"{x}","y":"{y}""#)),
        ),
        (
            "JWK RSA",
            br#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#.to_vec(),
        ),
        (
            "JWK with d",
            key.public_key()
                .to_jwk()
                .replace('}', r#","d":"AAAA"}"#)
                .into_bytes(),
        ),
        (
            "JWK, short x",
            jwk(&format!(r#""crv":"P-256","x":"AAAA","y":"{y}""#)),
        ),
        ("private PKCS#8 PEM", key.to_pkcs8_pem().as_bytes().to_vec()),
        ("private PKCS#8 DER", key.expose_pkcs8_der().to_vec()),
        (
            "encrypted PEM",
            key.to_encrypted_pkcs8_pem(b"pw")
                .expect("encrypts")
                .as_bytes()
                .to_vec(),
        ),
        (
            "certificate",
            b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        (
            "two keys",
            format!("{}{}", pk.to_spki_pem(), pk.to_spki_pem()).into_bytes(),
        ),
        ("truncated SPKI DER", pk.to_spki_der()[..60].to_vec()),
    ];
    for (what, input) in inputs {
        assert!(
            PublicKey::parse(&input).is_err(),
            "{what}: parse refuses it"
        );
        assert_agree(what, &input);
    }
}
