//! Every bad input gives its message and a non-zero exit, never a panic
//! (`support::Cli::run` checks stderr for panics on every run).

use std::fs;
use std::path::Path;

use crate::support::{cli, openssl, openssl_p256_key, TestKey};

/// Decrypts `envelope` with `key`; expects exit 1 and `code` on stderr.
fn decrypt_fails(key: &TestKey, envelope: &str, code: &str) -> String {
    let run = cli([
        "decrypt",
        "--format",
        "jsonl",
        "--key",
        key.private.to_str().unwrap(),
    ])
    .stdin(envelope)
    .fails(1);
    assert!(
        run.stderr.contains(&format!("[{code}]")),
        "want {code}:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error: line 1") || run.stderr.contains("error: record 1 (line 1)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    run.stderr
}

/// Replaces the value of member `name` of the envelope JSON.
fn with_member(envelope: &str, name: &str, value: serde_json::Value) -> String {
    let mut v: serde_json::Value = serde_json::from_str(envelope).unwrap();
    v[name] = value;
    serde_json::to_string(&v).unwrap()
}

#[test]
fn malformed_envelopes_are_envelope_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let good = key.seal(&[("a", "b")]);
    for bad in [
        "not json".to_owned(),
        "{}".to_owned(),
        "[1]".to_owned(),
        with_member(&good, "extra", 1.into()),
        with_member(&good, "sid", "short".into()),
        good.replace("\"v\":2", "\"v\":\"2\""),
        "\u{1b}[2J{\"v\":1}".to_owned(),
    ] {
        let stderr = decrypt_fails(&key, &bad, "envelope_malformed");
        assert!(!stderr.contains('\u{1b}'), "control characters are escaped");
    }
}

#[test]
fn unsupported_versions_and_suites_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let good = key.seal(&[("a", "b")]);
    let stderr = decrypt_fails(
        &key,
        &with_member(&good, "v", 3.into()),
        "unsupported_version",
    );
    assert!(stderr.contains("version 3"));
    let stderr = decrypt_fails(
        &key,
        &with_member(&good, "suite", "P256-SHA256-CHACHA20POLY1305".into()),
        "unsupported_suite",
    );
    assert!(stderr.contains("P256-SHA256-CHACHA20POLY1305"));
}

#[test]
fn unknown_kid_lists_the_loaded_key_ids() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let other = TestKey::new(dir.path(), "other");
    let stderr = decrypt_fails(&key, &other.seal(&[("a", "b")]), "unknown_kid");
    assert!(stderr.contains(&other.kid()), "names the envelope's key id");
    assert!(
        stderr.contains(&format!("hint: the loaded keys are {}", key.kid())),
        "{stderr}"
    );
}

#[test]
fn tampered_envelopes_are_open_failed_and_say_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let good = key.seal(&[("a", "b")]);
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let ct = v["ct"].as_str().unwrap();
    // Change one character in the middle of ct (still canonical base64url).
    let mid = ct.len() / 2;
    let flipped = if &ct[mid..=mid] == "A" { "B" } else { "A" };
    let tampered_ct = format!("{}{flipped}{}", &ct[..mid], &ct[mid + 1..]);
    decrypt_fails(
        &key,
        &with_member(&good, "ct", tampered_ct.into()),
        "open_failed",
    );
    // An edited header is the same error: it is authenticated.
    decrypt_fails(
        &key,
        &with_member(&good, "form", "invoice".into()),
        "open_failed",
    );
    decrypt_fails(&key, &with_member(&good, "ts", 1.into()), "open_failed");
}

#[test]
fn over_limit_inputs_are_limit_exceeded() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let huge = format!("{{\"v\":1,\"ct\":\"{}\"}}\n", "A".repeat(13 << 20));
    decrypt_fails(&key, &huge, "limit_exceeded");
    let run = cli([
        "encrypt",
        "--key",
        key.public.to_str().unwrap(),
        "--form",
        "order",
    ])
    .stdin(format!("{{\"a\":\"{}\"}}", "x".repeat(13 << 20)))
    .fails(1);
    assert!(run.stderr.contains("[limit_exceeded]"), "{}", run.stderr);
    // A field over its own limit (64 KiB of text) is the core's limit error.
    let run = cli([
        "encrypt",
        "--key",
        key.public.to_str().unwrap(),
        "--form",
        "order",
    ])
    .stdin(format!("{{\"a\":\"{}\"}}", "x".repeat(70_000)))
    .fails(1);
    assert!(
        run.stderr.contains("field value length over the limit"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_orders_and_form_ids_are_refused_by_encrypt() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let public = key.public.to_str().unwrap();
    for (input, code) in [
        ("[1, 2]", "plaintext_invalid"),
        ("not json", "plaintext_invalid"),
        (r#"{"a":"x","a":"y"}"#, "plaintext_invalid"),
        (r#"{"f":{"name":"a","data":"AA=="}}"#, "plaintext_invalid"),
    ] {
        let run = cli(["encrypt", "--key", public, "--form", "order"])
            .stdin(input)
            .fails(1);
        assert!(
            run.stderr.contains(&format!("[{code}]")),
            "{input}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    let run = cli(["encrypt", "--key", public, "--form", "bad form!"])
        .stdin("{}")
        .fails(1);
    assert!(run.stderr.contains("--form"), "{}", run.stderr);
}

/// Keys that are not P-256 keys, by name: (file, expected code).
fn bad_keys(d: &Path) -> Vec<(&'static str, &'static str)> {
    openssl(
        d,
        &[
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            "p384.pem",
        ],
    );
    openssl(
        d,
        &["pkey", "-in", "p384.pem", "-pubout", "-out", "p384.pub.pem"],
    );
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa.pem",
        ],
    );
    openssl(
        d,
        &["pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa.pub.pem"],
    );
    fs::write(
        d.join("cut.pem"),
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYI\n",
    )
    .unwrap();
    fs::write(d.join("bad.jwk"), r#"{"kty":"EC","crv":"P-256","x":"zz"}"#).unwrap();
    // (0, 1) is not on P-256: y^2 = 1 but b != 1.
    let zero = "A".repeat(43);
    let one = format!("{}E", "A".repeat(42));
    fs::write(
        d.join("offcurve.jwk"),
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{zero}","y":"{one}"}}"#),
    )
    .unwrap();
    vec![
        ("p384.pem", "key_wrong_curve"),
        ("p384.pub.pem", "key_wrong_curve"),
        ("rsa.pem", "key_unsupported"),
        ("rsa.pub.pem", "key_unsupported"),
        ("cut.pem", "key_malformed"),
        ("bad.jwk", "key_malformed"),
        ("offcurve.jwk", "key_not_on_curve"),
    ]
}

#[test]
fn non_p256_and_broken_keys_are_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = TestKey::new(d, "good");
    let envelope = good.seal(&[("a", "b")]);
    for (file, code) in bad_keys(d) {
        let public_file = !file.ends_with("p384.pem") && !file.ends_with("rsa.pem");
        if public_file {
            let run = cli(["encrypt", "--key", file, "--form", "order"])
                .stdin("{}")
                .current_dir(d)
                .fails(1);
            assert!(
                run.stderr.contains(&format!("[{code}]")),
                "encrypt {file}: {}",
                run.stderr
            );
            assert!(run.stderr.contains(file));
        } else {
            let run = cli(["decrypt", "--key", file])
                .stdin(envelope.clone())
                .current_dir(d)
                .fails(1);
            assert!(
                run.stderr.contains(&format!("[{code}]")),
                "decrypt {file}: {}",
                run.stderr
            );
            assert!(run.stderr.contains("hint: orderseal uses P-256 keys"));
        }
        let run = cli(["key", "show", file]).current_dir(d).fails(1);
        assert!(
            run.stderr.contains(&format!("[{code}]")),
            "key show {file}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_private_key_whose_public_half_does_not_match_is_key_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl_p256_key(d, "a.pem");
    openssl_p256_key(d, "b.pem");
    openssl(
        d,
        &["ec", "-in", "a.pem", "-outform", "DER", "-out", "a.der"],
    );
    openssl(
        d,
        &["ec", "-in", "b.pem", "-outform", "DER", "-out", "b.der"],
    );
    // SEC1 ECPrivateKey DER ends with the public point (65 bytes): give
    // a's scalar b's point.
    let a = fs::read(d.join("a.der")).unwrap();
    let b = fs::read(d.join("b.der")).unwrap();
    let mut spliced = a[..a.len() - 65].to_vec();
    spliced.extend_from_slice(&b[b.len() - 65..]);
    fs::write(d.join("mixed.der"), spliced).unwrap();
    let run = cli(["decrypt", "--key", "mixed.der"])
        .stdin("{}")
        .current_dir(d)
        .fails(1);
    assert!(run.stderr.contains("[key_mismatch]"), "{}", run.stderr);
    let run = cli(["key", "public", "mixed.der"]).current_dir(d).fails(1);
    assert!(run.stderr.contains("[key_mismatch]"));
}

#[test]
fn the_wrong_half_of_a_key_pair_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let run = cli(["decrypt", "--key", key.public.to_str().unwrap()])
        .stdin(key.seal(&[("a", "b")]))
        .fails(1);
    assert!(run
        .stderr
        .contains("hint: decrypt needs the private key; the public key is for encrypt"));
    let run = cli([
        "encrypt",
        "--key",
        key.private.to_str().unwrap(),
        "--form",
        "order",
    ])
    .stdin("{}")
    .fails(1);
    assert!(run
        .stderr
        .contains("is a private key; encrypt takes the public key"));
    assert!(run
        .stderr
        .contains("hint: print the public key with `orderseal key public"));
}

#[test]
fn missing_files_and_garbage_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let run = cli(["decrypt", "--key", "/nonexistent/key.pem"])
        .stdin("")
        .fails(1);
    assert!(run.stderr.contains("no such file"), "{}", run.stderr);
    let run = cli([
        "decrypt",
        "--key",
        key.private.to_str().unwrap(),
        "/nonexistent.jsonl",
    ])
    .fails(1);
    assert!(run.stderr.contains("no such file"));
    let garbage: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    cli(["decrypt", "--key", key.private.to_str().unwrap()])
        .stdin(garbage.clone())
        .fails(1);
    cli(["inspect"]).stdin(garbage.clone()).fails(1);
    fs::write(dir.path().join("garbage.pem"), &garbage).unwrap();
    cli([
        "key",
        "show",
        dir.path().join("garbage.pem").to_str().unwrap(),
    ])
    .fails(1);
    cli(["decrypt", "--keyring", "/nonexistent"]).fails(1);
    // An unterminated JSON array and binary in an array are errors too.
    cli(["decrypt", "--key", key.private.to_str().unwrap()])
        .stdin(format!("[{}", key.seal(&[("a", "b")])))
        .fails(1);
}
