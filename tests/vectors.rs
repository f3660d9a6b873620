//! orderseal's own test vectors (`tests/vectors/envelope-*.json`, one case
//! per file, see docs/FORMAT.md §9): each opens with `key.json` to exactly
//! the expected plaintext or fails with exactly the expected code.
//!
//! `cargo test --test vectors -- --ignored regenerate` rewrites the files
//! (fresh randomness; commit the result only when the format changes).

// Native only: reads files, runs commands or uses the system clock.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use orderseal::envelope::{seal_base, Envelope, Version};
use orderseal::{b64, padding, FieldValue, Fields, FileValue, Opener, Sealer, Suite};
use serde_json::{json, Value};

mod common;
use common::{envelope_vector_files as vector_files, test_key, DIR, TEST_SCALAR};

const TS: u64 = 1_764_057_600;

#[test]
fn key_file_matches_the_published_scalar() {
    let key: Value =
        serde_json::from_slice(&fs::read(Path::new(DIR).join("key.json")).expect("key.json"))
            .expect("json");
    let k = test_key();
    assert_eq!(key["kid"], k.key_id().as_str());
    assert_eq!(key["private_scalar_hex"], TEST_SCALAR);
    let jwk = orderseal::PublicKey::from_jwk_value(&key["public_jwk"]).expect("jwk parses");
    assert_eq!(&jwk, k.public_key());
}

#[test]
fn every_vector_opens_as_expected() {
    let files = vector_files();
    assert!(
        files.len() >= 10,
        "expected the committed vectors, found {}",
        files.len()
    );
    let key = test_key();
    for path in files {
        let case: Value = serde_json::from_slice(&fs::read(&path).expect("read")).expect("json");
        let name = path.display();
        let envelope = case["envelope"].as_str().expect("envelope is a string");
        let expect = case["expect"].as_str().expect("expect is a string");
        let result = Opener::new(&key).open(envelope.as_bytes());
        match (expect, result) {
            ("ok", Ok(opened)) => {
                // `plaintext`: the fields, files inline, whatever the version.
                let inline = opened.fields.to_document().expect("serializes");
                let got: Value = serde_json::from_slice(&inline).expect("json");
                assert_eq!(got, case["plaintext"], "{name}: plaintext differs");
                // `unpadded`: the exact bytes that were padded and sealed.
                let unpadded = match opened.header.version {
                    Version::V1 => inline,
                    Version::V2 => opened.fields.to_plaintext().expect("serializes"),
                };
                let expected = case["unpadded"]
                    .as_str()
                    .map(|t| b64::decode(t).expect("b64"));
                assert_eq!(
                    Some(&unpadded[..]),
                    expected.as_deref(),
                    "{name}: bytes differ"
                );
                // `document`: the JSON document inside them.
                let document = match opened.header.version {
                    Version::V1 => &unpadded[..],
                    Version::V2 => {
                        let len = u32::from_be_bytes(unpadded[..4].try_into().expect("prefix"));
                        &unpadded[4..4 + len as usize]
                    }
                };
                let expected = case["document"].as_str().expect("ok cases have a document");
                assert_eq!(document, expected.as_bytes(), "{name}: document differs");
            }
            ("ok", Err(e)) => panic!("{name}: expected to open, got {}", e.code()),
            (code, Ok(_)) => panic!("{name}: expected {code}, but it opened"),
            (code, Err(e)) => assert_eq!(e.code(), code, "{name}"),
        }
    }
}

fn basic() -> Fields {
    let mut f = Fields::new();
    for (k, v) in [
        ("product", "Engraved fountain pen"),
        ("variant", "Black lacquer / M nib"),
        ("quantity", "12"),
        ("engraving_style", "Copperplate"),
        ("payment_reference", "RF18539007547034"),
        ("amount", "1284.00 EUR"),
        ("transport", "Courier"),
        ("station", "Ghent-Dampoort"),
        ("customer_name", "Ada Lovelace"),
        ("email", "ada@example.com"),
    ] {
        f.push(k, FieldValue::text(v)).expect("valid");
    }
    f
}

fn every_kind() -> Fields {
    let mut f = Fields::new();
    f.push("name", FieldValue::text("Zoë Åkesson-Ng 王小明 🖋"))
        .expect("valid");
    f.push("note", FieldValue::text("line one\nline \"two\"\ttabbed"))
        .expect("valid");
    f.push(
        "extras",
        FieldValue::List(vec!["gift wrap".into(), "card".into()]),
    )
    .expect("valid");
    f.push("none_selected", FieldValue::List(vec![]))
        .expect("valid");
    f.push(
        "purchase_order",
        FieldValue::File(FileValue {
            name: "PO-2026-117.pdf".into(),
            media_type: "application/pdf".into(),
            data: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
        }),
    )
    .expect("valid");
    f.push(
        "photos",
        FieldValue::Files(vec![
            FileValue {
                name: "a.png".into(),
                media_type: "image/png".into(),
                data: vec![0x89, b'P', b'N', b'G'],
            },
            FileValue {
                name: "b.txt".into(),
                media_type: String::new(),
                data: vec![],
            },
        ]),
    )
    .expect("valid");
    f
}

/// Writes one vector (version 2: the Sealer's). For `ok` cases:
/// `plaintext` is the fields as JSON with files inline (what an opener
/// shows), `unpadded` the exact sealed bytes before padding (base64url),
/// and `document` the JSON document at their start, after the length.
fn write(name: &str, description: &str, expect: &str, envelope: &str, fields: Option<&Fields>) {
    let inline = fields.map(|f| f.to_document().expect("doc"));
    let plaintext: Value = inline
        .as_deref()
        .map_or(Value::Null, |d| serde_json::from_slice(d).expect("json"));
    let unpadded = fields.map(|f| f.to_plaintext().expect("plaintext"));
    let document = unpadded.as_deref().map(|u| {
        let len = u32::from_be_bytes(u[..4].try_into().expect("prefix")) as usize;
        String::from_utf8(u[4..4 + len].to_vec()).expect("utf8")
    });
    let case = json!({
        "description": description,
        "expect": expect,
        "envelope": envelope,
        "plaintext": plaintext,
        "document": document,
        "unpadded": unpadded.as_deref().map(|u| b64::encode(u)),
    });
    let text = serde_json::to_string_pretty(&case).expect("json") + "\n";
    fs::write(Path::new(DIR).join(format!("envelope-{name}.json")), text).expect("write");
}

#[test]
#[ignore = "rewrites tests/vectors; run by hand"]
fn regenerate() {
    let key = test_key();
    let pk = key.public_key();
    fs::write(
        Path::new(DIR).join("key.json"),
        serde_json::to_string_pretty(&json!({
            "description": "orderseal test vector key. PUBLISHED: never use it for real orders.",
            "kid": pk.key_id().as_str(),
            "fingerprint": pk.fingerprint().to_string(),
            "private_scalar_hex": TEST_SCALAR,
            "private_pkcs8_pem": &*key.to_pkcs8_pem(),
            "public_sec1_hex": pk.to_sec1_uncompressed().iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "public_jwk": pk.to_jwk_value(),
            "public_spki_pem": pk.to_spki_pem(),
        }))
        .expect("json")
            + "\n",
    )
    .expect("write key.json");

    let sealer = Sealer::new(pk);
    let ok = sealer.seal_at("order", &basic(), TS).expect("seal");
    let ok_json = ok.to_json();
    write(
        "ok-basic",
        "a typical order of text fields",
        "ok",
        &ok_json,
        Some(&basic()),
    );
    let kinds = sealer.seal_at("order", &every_kind(), TS).expect("seal");
    write(
        "ok-every-kind",
        "unicode text, repeated values, empty list, files",
        "ok",
        &kinds.to_json(),
        Some(&every_kind()),
    );
    let empty = sealer
        .seal_at("contact/v2", &Fields::new(), 0)
        .expect("seal");
    write(
        "ok-empty",
        "no fields, form id with a slash, ts 0",
        "ok",
        &empty.to_json(),
        Some(&Fields::new()),
    );
    let a256 = sealer
        .clone()
        .with_suite(Suite::P256Sha256Aes256Gcm)
        .seal_at("order", &basic(), TS)
        .expect("seal");
    write(
        "ok-aes256",
        "suite P256-SHA256-A256GCM",
        "ok",
        &a256.to_json(),
        Some(&basic()),
    );
    let spaced =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&ok_json).expect("json"))
            .expect("json");
    write(
        "ok-whitespace",
        "the ok-basic envelope reformatted with whitespace: still opens",
        "ok",
        &spaced,
        Some(&basic()),
    );

    let edit = |f: &dyn Fn(&mut Envelope)| {
        let mut e = ok.clone();
        f(&mut e);
        e.to_json()
    };
    write(
        "bad-tag",
        "last byte of ct (the tag) flipped",
        "open_failed",
        &edit(&|e| *e.ct.last_mut().expect("ct") ^= 1),
        None,
    );
    write(
        "bad-ct-body",
        "first byte of ct flipped",
        "open_failed",
        &edit(&|e| e.ct[0] ^= 0x80),
        None,
    );
    write(
        "bad-form",
        "form changed from order to invoice",
        "open_failed",
        &edit(&|e| e.header.form = "invoice".into()),
        None,
    );
    write(
        "bad-ts",
        "ts one second later",
        "open_failed",
        &edit(&|e| e.header.ts += 1),
        None,
    );
    write(
        "bad-sid",
        "one bit of sid flipped",
        "open_failed",
        &edit(&|e| e.header.sid[15] ^= 1),
        None,
    );
    write(
        "bad-suite-swap",
        "suite relabelled A256GCM",
        "open_failed",
        &edit(&|e| e.header.suite = Suite::P256Sha256Aes256Gcm),
        None,
    );
    write(
        "bad-enc-swap",
        "enc taken from another envelope",
        "open_failed",
        &edit(&|e| e.enc = kinds.enc.clone()),
        None,
    );
    write(
        "bad-truncated",
        "last 16 bytes of ct removed",
        "open_failed",
        &edit(&|e| {
            let n = e.ct.len() - 16;
            e.ct.truncate(n)
        }),
        None,
    );
    write(
        "bad-unknown-kid",
        "kid of another key",
        "unknown_kid",
        &ok_json.replace(pk.key_id().as_str(), "0000000000000000"),
        None,
    );
    write(
        "bad-version",
        "v 3",
        "unsupported_version",
        &ok_json.replace("\"v\":2", "\"v\":3"),
        None,
    );
    write(
        "bad-version-relabel",
        "the ok-basic envelope relabelled v 1: info and aad differ",
        "open_failed",
        &edit(&|e| e.header.version = Version::V1),
        None,
    );
    // Well-sealed envelopes whose version-2 plaintext breaks §4.1.
    let crafted = |unpadded: &[u8]| {
        let header = ok.header.clone();
        let (enc, ct) = seal_base(
            header.suite,
            pk,
            header.version.info(),
            &header.aad(),
            &padding::pad(unpadded),
        )
        .expect("seal");
        Envelope { header, enc, ct }.to_json()
    };
    let framed = |doc: &str, files: &[u8]| {
        let mut out = (doc.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(doc.as_bytes());
        out.extend_from_slice(files);
        out
    };
    let one_file = r#"{"fields":{"po":{"name":"po.pdf","type":"","size":3}}}"#;
    write(
        "bad-plaintext-short-file",
        "a file's size is more than the bytes after the document",
        "plaintext_invalid",
        &crafted(&framed(one_file, b"%P")),
        None,
    );
    write(
        "bad-plaintext-extra-bytes",
        "bytes after the document that no file claims",
        "plaintext_invalid",
        &crafted(&framed(one_file, b"%PDF")),
        None,
    );
    write(
        "bad-plaintext-inline-data",
        "a version-1 file object (data) in a version-2 document",
        "plaintext_invalid",
        &crafted(&framed(
            r#"{"fields":{"po":{"name":"po.pdf","type":"","data":"JVBE"}}}"#,
            b"",
        )),
        None,
    );
    write(
        "bad-plaintext-length",
        "a document length past the end of the plaintext",
        "plaintext_invalid",
        &crafted(&[0, 0, 1, 0, b'{', b'}']),
        None,
    );
    write(
        "bad-suite-name",
        "an unknown suite",
        "unsupported_suite",
        &ok_json.replace("P256-SHA256-A128GCM", "X25519-SHA256-CHACHA20POLY1305"),
        None,
    );
    write(
        "bad-extra-member",
        "an unknown member",
        "envelope_malformed",
        &ok_json.replacen('{', "{\"x\":0,", 1),
        None,
    );
    write(
        "bad-enc-length",
        "enc of 64 bytes",
        "envelope_malformed",
        &edit(&|e| {
            e.enc.pop();
        }),
        None,
    );
    write(
        "bad-padded-base64",
        "sid with base64 padding",
        "envelope_malformed",
        &ok_json.replace(&ok.submission_id(), &format!("{}==", ok.submission_id())),
        None,
    );
}
