//! Sealing and opening envelopes: round trips, tamper detection, limits.

// Native only: reads files, runs commands or uses the system clock.
#![cfg(not(target_arch = "wasm32"))]

use orderseal::envelope::{Envelope, MAX_TS};
use orderseal::limits::{MAX_PLAINTEXT_BYTES, MAX_TEXT_BYTES};
use orderseal::{
    Error, FieldValue, Fields, FileValue, Keyring, Limit, Opener, PrivateKey, Sealer, Suite,
};
use proptest::prelude::*;

fn key() -> PrivateKey {
    PrivateKey::generate().expect("the OS has randomness")
}

fn order() -> Fields {
    let mut f = Fields::new();
    for (k, v) in [
        ("product", "Engraved fountain pen"),
        ("variant", "Black lacquer, medium nib"),
        ("quantity", "12"),
        ("engraving_style", "Copperplate script"),
        ("payment_reference", "RF18 5390 0754 7034"),
        ("amount", "1 284.00 EUR"),
        ("customer_name", "Zoë Åkesson-Ng"),
        ("email", "zoe@example.com"),
    ] {
        f.push(k, FieldValue::text(v)).expect("valid field");
    }
    f
}

fn seal(key: &PrivateKey, fields: &Fields) -> String {
    Sealer::new(key.public_key())
        .seal("order", fields)
        .expect("seals")
        .to_json()
}

#[test]
fn sealed_order_opens_to_the_same_fields_and_header() {
    let k = key();
    let env = Sealer::new(k.public_key())
        .seal_at("order", &order(), 1_764_057_600)
        .expect("seals");
    let opened = Opener::new(&k)
        .open(env.to_json().as_bytes())
        .expect("opens");
    assert_eq!(opened.fields, order());
    assert_eq!(opened.header, env.header);
    assert_eq!(opened.header.form, "order");
    assert_eq!(opened.header.ts, 1_764_057_600);
    assert_eq!(&opened.header.kid, k.key_id());
}

#[test]
fn aes256_envelopes_open_too() {
    let k = key();
    let env = Sealer::new(k.public_key())
        .with_suite(Suite::P256Sha256Aes256Gcm)
        .seal("order", &order())
        .expect("seals");
    assert!(env.to_json().contains(r#""suite":"P256-SHA256-A256GCM""#));
    assert_eq!(
        Opener::new(&k)
            .open(env.to_json().as_bytes())
            .expect("opens")
            .fields,
        order()
    );
}

#[test]
fn two_seals_of_the_same_order_differ() {
    let k = key();
    let (a, b) = (seal(&k, &order()), seal(&k, &order()));
    assert_ne!(a, b);
    let (a, b) = (
        Envelope::parse(a.as_bytes()).expect("parses"),
        Envelope::parse(b.as_bytes()).expect("parses"),
    );
    assert_ne!(a.header.sid, b.header.sid);
    assert_ne!(a.enc, b.enc);
}

#[test]
fn envelope_json_round_trips_byte_for_byte() {
    let json = seal(&key(), &order());
    assert_eq!(
        Envelope::parse(json.as_bytes()).expect("parses").to_json(),
        json
    );
}

#[test]
fn flipping_any_single_bit_makes_opening_fail() {
    let k = key();
    let json = seal(&k, &order()).into_bytes();
    for i in 0..json.len() {
        for bit in 0..8 {
            let mut bad = json.clone();
            bad[i] ^= 1 << bit;
            let result = Opener::new(&k).open(&bad);
            assert!(result.is_err(), "bit {bit} of byte {i} flipped still opens");
        }
    }
}

#[test]
fn truncation_and_extension_of_the_ciphertext_fail_to_open() {
    let k = key();
    let env = Envelope::parse(seal(&k, &order()).as_bytes()).expect("parses");
    for cut in [1, 16, env.ct.len() - 16] {
        let mut short = env.clone();
        short.ct.truncate(env.ct.len() - cut);
        assert_eq!(
            Opener::new(&k).open_envelope(&short).map(|_| ()),
            Err(Error::OpenFailed)
        );
    }
    let mut long = env.clone();
    long.ct.push(0);
    assert_eq!(
        Opener::new(&k).open_envelope(&long).map(|_| ()),
        Err(Error::OpenFailed)
    );
}

#[test]
fn swapping_enc_or_header_between_envelopes_fails_to_open() {
    let k = key();
    let a = Envelope::parse(seal(&k, &order()).as_bytes()).expect("parses");
    let b = Envelope::parse(seal(&k, &order()).as_bytes()).expect("parses");
    let mut swapped = a.clone();
    swapped.enc = b.enc.clone();
    assert_eq!(
        Opener::new(&k).open_envelope(&swapped).map(|_| ()),
        Err(Error::OpenFailed)
    );
    let mut relabelled = a.clone();
    relabelled.header = b.header.clone();
    assert_eq!(
        Opener::new(&k).open_envelope(&relabelled).map(|_| ()),
        Err(Error::OpenFailed)
    );
    for edit in [
        |e: &mut Envelope| e.header.form = "invoice".into(),
        |e: &mut Envelope| e.header.ts += 1,
        |e: &mut Envelope| e.header.sid[0] ^= 1,
        |e: &mut Envelope| e.header.suite = Suite::P256Sha256Aes256Gcm,
    ] {
        let mut edited = a.clone();
        edit(&mut edited);
        assert_eq!(
            Opener::new(&k).open_envelope(&edited).map(|_| ()),
            Err(Error::OpenFailed)
        );
    }
}

#[test]
fn a_version_2_envelope_relabelled_as_version_1_does_not_open() {
    // info and aad name the version: a v2 plaintext can never be read as v1.
    let k = key();
    let json = seal(&k, &order());
    let relabelled = json.replacen(r#""v":2"#, r#""v":1"#, 1);
    assert_eq!(
        Opener::new(&k)
            .open(relabelled.as_bytes())
            .map_err(|e| e.code())
            .err(),
        Some("open_failed")
    );
}

#[test]
fn wrong_key_is_unknown_kid_and_forged_kid_is_open_failed() {
    let (k, other) = (key(), key());
    let json = seal(&k, &order());
    assert_eq!(
        Opener::new(&other).open(json.as_bytes()).map(|_| ()),
        Err(Error::UnknownKeyId(k.key_id().to_string()))
    );
    // Relabel the envelope with the other key's id: now it is the wrong key.
    let forged = json.replace(k.key_id().as_str(), other.key_id().as_str());
    assert_eq!(
        Opener::new(&other).open(forged.as_bytes()).map(|_| ()),
        Err(Error::OpenFailed)
    );
}

#[test]
fn keyring_opens_envelopes_of_every_rotated_key() {
    let (old, new) = (key(), key());
    let (a, b) = (seal(&old, &order()), seal(&new, &order()));
    let ring: Keyring = [old.clone(), new.clone()].into_iter().collect();
    let opener = Opener::with_keyring(&ring);
    assert_eq!(
        opener.open(a.as_bytes()).expect("old key opens").header.kid,
        *old.key_id()
    );
    assert_eq!(
        opener.open(b.as_bytes()).expect("new key opens").header.kid,
        *new.key_id()
    );
    let stranger = seal(&key(), &order());
    assert_eq!(
        opener.open(stranger.as_bytes()).map_err(|e| e.code()).err(),
        Some("unknown_kid")
    );
}

#[test]
fn parse_reports_version_suite_and_shape_errors_by_code() {
    let json = seal(&key(), &order());
    let code = |s: &str| {
        Envelope::parse(s.as_bytes())
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert!(json.starts_with(r#"{"v":2,"#), "sealers write version 2");
    assert_eq!(
        code(&json.replace(r#""v":2"#, r#""v":3"#)),
        Err("unsupported_version")
    );
    assert_eq!(code(r#"{"v":7,"future":true}"#), Err("unsupported_version"));
    assert_eq!(
        code(&json.replace("A128GCM", "C20P1305")),
        Err("unsupported_suite")
    );
    assert_eq!(
        code(&json.replace(r#""v":2,"#, r#""v":2,"x":0,"#)),
        Err("envelope_malformed")
    );
    assert_eq!(
        code(&json.replace(r#""v":2,"#, r#""v":2,"v":2,"#)),
        Err("envelope_malformed")
    );
    assert_eq!(code(&json[..json.len() - 1]), Err("envelope_malformed"));
    assert_eq!(code(""), Err("envelope_malformed"));
    assert_eq!(code("[]"), Err("envelope_malformed"));
    // The members in order, as an array: serde would take it, §3 does not.
    let as_array = {
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let members: Vec<serde_json::Value> =
            v.as_object().expect("object").values().cloned().collect();
        serde_json::to_string(&members).expect("json")
    };
    assert_eq!(code(&as_array), Err("envelope_malformed"));
    assert_eq!(
        code(&json.replace(r#""form":"order""#, r#""form":"or\nder""#)),
        Err("envelope_malformed")
    );
    assert_eq!(
        code(&json.replace(r#""form":"order""#, r#""form":"""#)),
        Err("envelope_malformed")
    );
    let ts_too_big = format!(r#""ts":{}"#, MAX_TS + 1);
    let re = json
        .split(r#""ts":"#)
        .nth(1)
        .and_then(|s| s.split(',').next())
        .expect("has ts");
    assert_eq!(
        code(&json.replace(&format!(r#""ts":{re}"#), &ts_too_big)),
        Err("envelope_malformed")
    );
}

#[test]
fn envelope_over_the_size_limit_is_refused_before_parsing() {
    let huge = vec![b' '; orderseal::limits::MAX_ENVELOPE_BYTES + 1];
    assert!(matches!(
        Envelope::parse(&huge),
        Err(Error::LimitExceeded {
            limit: Limit::EnvelopeSize,
            ..
        })
    ));
}

#[test]
fn sealing_enforces_field_and_plaintext_limits() {
    let mut f = Fields::new();
    assert!(matches!(
        f.push("note", FieldValue::text("x".repeat(MAX_TEXT_BYTES + 1))),
        Err(Error::LimitExceeded {
            limit: Limit::FieldValueLength,
            ..
        })
    ));
    let file = |n: usize| {
        FieldValue::File(FileValue {
            name: "a.bin".into(),
            media_type: String::new(),
            data: vec![7; n],
        })
    };
    f.push("a", file(MAX_PLAINTEXT_BYTES / 2))
        .expect("within limits");
    f.push("b", file(MAX_PLAINTEXT_BYTES / 2))
        .expect("within limits");
    let k = key();
    assert!(matches!(
        Sealer::new(k.public_key()).seal("order", &f),
        Err(Error::LimitExceeded {
            limit: Limit::PlaintextSize,
            ..
        })
    ));
    assert_eq!(
        Sealer::new(k.public_key())
            .seal("bad form id", &order())
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("plaintext_invalid")
    );
}

#[test]
fn largest_allowed_file_seals_and_opens() {
    // Version 2 seals file bytes as they are: leave room for the length
    // prefix and the JSON document only.
    let n = MAX_PLAINTEXT_BYTES - 200;
    let mut f = Fields::new();
    f.push(
        "po",
        FieldValue::File(FileValue {
            name: "po.pdf".into(),
            media_type: "application/pdf".into(),
            data: vec![0xa5; n],
        }),
    )
    .expect("within limits");
    let k = key();
    let env = Sealer::new(k.public_key())
        .seal("order", &f)
        .expect("seals");
    assert_eq!(
        Opener::new(&k)
            .open(env.to_json().as_bytes())
            .expect("opens")
            .fields,
        f
    );
}

#[test]
fn ciphertext_length_depends_only_on_the_padded_bucket() {
    let k = key();
    let sizes: Vec<usize> = (0..600)
        .step_by(37)
        .map(|n| {
            let mut f = Fields::new();
            f.push("note", FieldValue::text("y".repeat(n)))
                .expect("valid");
            Envelope::parse(seal(&k, &f).as_bytes())
                .expect("parses")
                .ct
                .len()
        })
        .collect();
    assert!(
        sizes.iter().all(|&s| s == sizes[0]),
        "small orders differ in size: {sizes:?}"
    );
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        ".{0,40}",
        "\\PC{0,200}",
        "[a-z]{2000,4000}"
    ]
}

fn arb_file() -> impl Strategy<Value = FileValue> {
    (
        "\\PC{1,30}",
        "[a-z]+/[a-z0-9.+-]+",
        proptest::collection::vec(any::<u8>(), 0..3000),
    )
        .prop_map(|(name, media_type, data)| FileValue {
            name,
            media_type,
            data,
        })
}

fn arb_value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        arb_text().prop_map(FieldValue::Text),
        proptest::collection::vec(arb_text(), 0..5).prop_map(FieldValue::List),
        arb_file().prop_map(FieldValue::File),
        proptest::collection::vec(arb_file(), 1..3).prop_map(FieldValue::Files),
    ]
}

fn arb_fields() -> impl Strategy<Value = Fields> {
    proptest::collection::vec(("[^\\p{Cc}]{1,20}", arb_value()), 0..12).prop_map(|pairs| {
        let mut f = Fields::new();
        for (name, value) in pairs {
            // Duplicate names are refused by design; keep the first.
            let _ = f.push(name, value);
        }
        f
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn random_forms_round_trip(fields in arb_fields(), form in "[A-Za-z0-9._:/-]{1,64}") {
        let k = key();
        let json = Sealer::new(k.public_key()).seal(&form, &fields).expect("seals").to_json();
        let opened = Opener::new(&k).open(json.as_bytes()).expect("opens");
        prop_assert_eq!(opened.fields, fields);
        prop_assert_eq!(opened.header.form, form);
    }

    /// `Fields::to_document` is written by hand (src/json_out.rs, so that
    /// the wasm seal build links no JSON library); it must write exactly
    /// what serde_json writes for the same fields, byte for byte, and its
    /// length prediction must hold (one allocation, nothing to zeroize twice).
    #[test]
    fn the_document_writer_writes_what_serde_json_writes(fields in arb_fields()) {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            fields: &'a Fields,
        }
        let want = serde_json::to_vec(&Document { fields: &fields }).expect("serializes");
        let got = fields.to_document().expect("within limits");
        prop_assert_eq!(got.capacity(), got.len());
        prop_assert_eq!(&got[..], &want[..]);
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Envelope::parse(&bytes);
    }
}
