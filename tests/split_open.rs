//! The split open of the back office's WebCrypto path
//! (`Opener::prepare_open`, `PreparedOpen::finish`, `KeyedOpen::into_opened`),
//! with the platform's part (ECDH with the private key, AES-GCM decryption)
//! done here by p256 and aes-gcm, as `js/api.js` does it with WebCrypto: for
//! every envelope it must give what `Opener::open` gives.

// aes-gcm is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use orderseal::{Error, FieldValue, Fields, KeyedOpen, Opened, Opener, PreparedOpen, PrivateKey};
use serde_json::Value;

mod common;
use common::{envelope_vector_files, test_key};

/// What WebCrypto does with the imported private key: `deriveBits` of
/// ECDH with `enc` as the public key.
fn ecdh(key: &PrivateKey, prepared: &PreparedOpen) -> [u8; 32] {
    assert_eq!(prepared.key_id(), key.key_id());
    let sk = p256::SecretKey::from_slice(&key.expose_secret()[..]).expect("scalar");
    let pk = p256::PublicKey::from_sec1_bytes(prepared.enc()).expect("enc is a point");
    let dh = p256::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
    (*dh.raw_secret_bytes()).into()
}

/// `decrypt({ iv: nonce, additionalData: aad, tagLength: 128 })`; `None`
/// where WebCrypto would throw (the tag does not verify).
fn aes_gcm_open(keyed: &KeyedOpen) -> Option<Vec<u8>> {
    common::aes_gcm(
        keyed.expose_key(),
        keyed.nonce(),
        keyed.aad(),
        keyed.ciphertext(),
        true,
    )
}

/// The whole split open; an AES-GCM refusal is `open_failed`, as the
/// JavaScript layer reports it.
fn split_open(key: &PrivateKey, json: &[u8]) -> Result<Opened, Error> {
    let prepared = Opener::new(key).prepare_open(json)?;
    let dh = ecdh(key, &prepared);
    let keyed = prepared.finish(&dh)?;
    let padded = aes_gcm_open(&keyed).ok_or(Error::OpenFailed)?;
    keyed.into_opened(&padded)
}

#[test]
fn every_vector_gives_the_same_result_as_the_one_step_open() {
    let key = test_key();
    let files = envelope_vector_files();
    assert!(files.len() >= 20, "the committed vectors");
    for path in files {
        let case: Value = serde_json::from_slice(&fs::read(&path).expect("read")).expect("json");
        let json = case["envelope"].as_str().expect("envelope").as_bytes();
        let one_step = Opener::new(&key).open(json);
        let split = split_open(&key, json);
        let name = path.display();
        match (one_step, split) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.header, b.header, "{name}");
                assert_eq!(a.fields, b.fields, "{name}");
            }
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{name}"),
            (a, b) => panic!(
                "{name}: one step {:?}, split {:?}",
                a.map(|_| ()).map_err(|e| e.code()),
                b.map(|_| ()).map_err(|e| e.code())
            ),
        }
        match case["expect"].as_str() {
            Some("ok") => assert!(split_open(&key, json).is_ok(), "{name}"),
            Some(code) => assert_eq!(
                split_open(&key, json).map(|_| ()).map_err(|e| e.code()),
                Err(code),
                "{name}"
            ),
            None => panic!("{name}: no expect"),
        }
    }
}

#[test]
fn what_the_sealer_writes_opens_split_with_a_keyring_of_several_keys() {
    let (a, b) = (
        PrivateKey::generate().expect("rng"),
        PrivateKey::generate().expect("rng"),
    );
    let mut fields = Fields::new();
    fields
        .push("product", FieldValue::text("pen"))
        .expect("valid");
    let json = orderseal::Sealer::new(b.public_key())
        .seal("order", &fields)
        .expect("seals")
        .to_json();
    let mut ring = orderseal::Keyring::new();
    ring.add(a);
    ring.add(b.clone());
    let prepared = Opener::with_keyring(&ring)
        .prepare_open(json.as_bytes())
        .expect("prepares");
    assert_eq!(prepared.key_id(), b.key_id(), "names the key that opens it");
    let dh = ecdh(&b, &prepared);
    let keyed = prepared.finish(&dh).expect("keyed");
    let padded = aes_gcm_open(&keyed).expect("decrypts");
    assert_eq!(keyed.into_opened(&padded).expect("opens").fields, fields);
}

/// An envelope of no fields, sealed to `key`.
fn empty_order(key: &orderseal::PrivateKey) -> String {
    orderseal::Sealer::new(key.public_key())
        .seal("order", &Fields::new())
        .expect("seals")
        .to_json()
}

#[test]
fn a_wrong_dh_or_a_wrong_length_is_refused() {
    let key = test_key();
    let json = empty_order(&key);
    let opener = Opener::new(&key);

    // Another dh: a key AES-GCM refuses, never a plaintext.
    let prepared = opener.prepare_open(json.as_bytes()).expect("prepares");
    let mut dh = ecdh(&key, &prepared);
    dh[0] ^= 1;
    assert!(aes_gcm_open(&prepared.finish(&dh).expect("keyed")).is_none());

    // Lengths only a misbehaving platform gives: `unavailable`.
    let prepared = opener.prepare_open(json.as_bytes()).expect("prepares");
    assert_eq!(
        prepared.finish(&[0; 31]).map(|_| ()).map_err(|e| e.code()),
        Err("unavailable")
    );
    let prepared = opener.prepare_open(json.as_bytes()).expect("prepares");
    let dh = ecdh(&key, &prepared);
    let keyed = prepared.finish(&dh).expect("keyed");
    let mut padded = aes_gcm_open(&keyed).expect("decrypts");
    padded.pop();
    assert_eq!(
        keyed.into_opened(&padded).map(|_| ()).map_err(|e| e.code()),
        Err("unavailable")
    );
}

#[test]
fn an_enc_off_the_curve_is_open_failed_before_any_ecdh() {
    let key = test_key();
    let json = empty_order(&key);
    let mut envelope = orderseal::Envelope::parse(json.as_bytes()).expect("parses");
    envelope.enc[64] ^= 1; // y changed: no longer on the curve
    assert_eq!(
        Opener::new(&key)
            .prepare_open(envelope.to_json().as_bytes())
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("open_failed")
    );
}
