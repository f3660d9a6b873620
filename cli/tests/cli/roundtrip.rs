//! keygen → encrypt → decrypt, in every format, with rotated keys and with
//! keys made by OpenSSL.

use std::fs;
use std::path::Path;

use crate::support::{cli, json_lines, openssl, openssl_p256_key, TestKey};

const ORDER: &str = r#"{
  "customer": {"name": "Ada Lovelace, \"Countess\"", "vip": true},
  "qty": 3.50,
  "note": null,
  "colors": ["red", "blue"],
  "po": {"name": "po.pdf", "type": "application/pdf", "data": "JVBERi0xLjc"}
}"#;

/// keygen with a passphrase and one sealed order in `dir/env.json`.
fn sealed_order(dir: &Path) {
    cli(["keygen", "--out", "keys"])
        .env("ORDERSEAL_PASSPHRASE", "pw")
        .current_dir(dir)
        .ok();
    fs::write(dir.join("order.json"), ORDER).unwrap();
    let envelope = cli([
        "encrypt",
        "--key",
        "keys/public.pem",
        "--form",
        "order",
        "order.json",
    ])
    .current_dir(dir)
    .ok()
    .stdout;
    assert_eq!(envelope.lines().count(), 1, "one line of JSON");
    fs::write(dir.join("env.json"), envelope).unwrap();
}

fn decrypt(dir: &Path, format: &str) -> String {
    cli([
        "decrypt",
        "--key",
        "keys/private.pem",
        "--format",
        format,
        "env.json",
    ])
    .env("ORDERSEAL_PASSPHRASE", "pw")
    .current_dir(dir)
    .ok()
    .stdout
}

#[test]
fn round_trip_opens_the_order_in_json_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    sealed_order(dir.path());
    let jsonl = json_lines(&decrypt(dir.path(), "jsonl"));
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&decrypt(dir.path(), "json")).expect("a JSON array");
    for records in [jsonl, json] {
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r["form"], "order");
        assert_eq!(r["line"], 1);
        let f = &r["fields"];
        assert_eq!(f["customer.name"], "Ada Lovelace, \"Countess\"");
        assert_eq!(f["customer.vip"], "true");
        assert_eq!(f["qty"], "3.50");
        assert_eq!(f["colors"], serde_json::json!(["red", "blue"]));
        assert_eq!(f["po"]["name"], "po.pdf");
        assert_eq!(f["po"]["size"], 8);
        assert!(f.get("note").is_none(), "nulls are skipped");
        assert!(r["time"].as_str().unwrap().ends_with('Z'));
        assert!(r.get("replay_of_line").is_none());
    }
}

#[test]
fn round_trip_opens_the_order_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    sealed_order(dir.path());
    let csv = decrypt(dir.path(), "csv");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "sid,form,kid,ts,customer.name,customer.vip,qty,colors,po,other_fields"
    );
    assert!(
        lines[1].contains(r#",order,"#)
            && lines[1].ends_with(
                r#","Ada Lovelace, ""Countess""",true,3.50,red; blue,po.pdf (8 bytes),"#
            ),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "", "CRLF after the last record");
}

#[test]
fn round_trip_opens_the_order_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    sealed_order(dir.path());
    let table = decrypt(dir.path(), "table");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    for column in [
        "#",
        "sid",
        "form",
        "time",
        "customer.name",
        "qty",
        "colors",
        "po",
    ] {
        assert!(
            lines[0].split_whitespace().any(|c| c == column),
            "{}",
            lines[0]
        );
    }
    assert!(lines[1].starts_with("-"));
    for value in [
        "Ada Lovelace, \"Countess\"",
        "3.50",
        "red; blue",
        "po.pdf (8 bytes)",
    ] {
        assert!(lines[2].contains(value), "{}", lines[2]);
    }
}

#[test]
fn files_dir_receives_attachments_readable_by_the_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    sealed_order(dir.path());
    let out = cli(["decrypt", "--key", "keys/private.pem", "--format", "jsonl"])
        .args_after(["--files-dir", "files", "env.json"])
        .env("ORDERSEAL_PASSPHRASE", "pw")
        .current_dir(dir.path())
        .ok()
        .stdout;
    let record = &json_lines(&out)[0];
    let path = record["fields"]["po"]["path"].as_str().expect("a path");
    let sid = record["sid"].as_str().unwrap();
    assert_eq!(path, format!("files/{sid}/po.pdf"));
    assert_eq!(fs::read(dir.path().join(path)).unwrap(), b"%PDF-1.7");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join(path))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn encrypt_reads_the_document_form_stdin_and_the_aes256_suite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = TestKey::new(d, "k");
    let envelope = cli([
        "encrypt",
        "-k",
        "k.pub.pem",
        "--form",
        "quote",
        "--suite",
        "aes256",
        "-",
    ])
    .stdin(r#"{"fields":{"product":"pen","colors":["red"]}}"#)
    .current_dir(d)
    .ok()
    .stdout;
    let parsed: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    assert_eq!(parsed["suite"], "P256-SHA256-A256GCM");
    assert_eq!(parsed["kid"], key.kid());
    let out = cli(["decrypt", "--key", "k.pem", "--format", "jsonl"])
        .stdin(envelope)
        .current_dir(d)
        .ok()
        .stdout;
    let r = &json_lines(&out)[0];
    assert_eq!(r["form"], "quote");
    assert_eq!(r["fields"]["product"], "pen");
    assert_eq!(r["fields"]["colors"], serde_json::json!(["red"]));
}

#[test]
fn a_keyring_of_two_keys_opens_envelopes_of_both_in_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    fs::create_dir(&ring).unwrap();
    let old = TestKey::new(&ring, "2024");
    let new = TestKey::new(&ring, "2025");
    fs::write(ring.join("README.txt"), "keys of the shop\n").unwrap();
    let batch = [
        old.seal(&[("n", "1")]),
        new.seal(&[("n", "2")]),
        old.seal(&[("n", "3")]),
    ]
    .join("\n");
    let run = cli([
        "decrypt",
        "--keyring",
        ring.to_str().unwrap(),
        "--format",
        "jsonl",
    ])
    .stdin(batch.clone())
    .ok();
    let records = json_lines(&run.stdout);
    let ns: Vec<&str> = records
        .iter()
        .map(|r| r["fields"]["n"].as_str().unwrap())
        .collect();
    assert_eq!(ns, ["1", "2", "3"]);
    assert_eq!(records[0]["kid"], old.kid());
    assert_eq!(records[1]["kid"], new.kid());
    // Public keys and other files in the directory are skipped, with a note.
    assert!(
        run.stderr.contains("2024.pub.pem: a public key"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("README.txt: not a key file"));
    assert!(run
        .stderr
        .contains("3 opened, 0 failed, 0 possible replays"));

    // The same with repeated --key.
    let run = cli(["decrypt", "--format", "jsonl", "--key"])
        .args_after([
            old.private.as_os_str(),
            "--key".as_ref(),
            new.private.as_os_str(),
        ])
        .stdin(batch)
        .ok();
    assert_eq!(json_lines(&run.stdout).len(), 3);
}

#[test]
fn openssl_generated_keys_work_for_encrypt_and_decrypt() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // SEC1 `EC PRIVATE KEY` (with an EC PARAMETERS block when -noout is
    // left out), and PKCS#8 from genpkey.
    openssl_p256_key(d, "k.pem");
    openssl(d, &["pkey", "-in", "k.pem", "-pubout", "-out", "k.pub.pem"]);
    openssl(
        d,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-out",
            "kp.pem",
        ],
    );
    openssl(
        d,
        &["pkey", "-in", "kp.pem", "-pubout", "-out", "kp.pub.pem"],
    );
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "g.pem",
        ],
    );
    openssl(
        d,
        &[
            "pkey",
            "-in",
            "g.pem",
            "-pubout",
            "-outform",
            "DER",
            "-out",
            "g.pub.der",
        ],
    );
    for (private, public) in [
        ("k.pem", "k.pub.pem"),
        ("kp.pem", "kp.pub.pem"),
        ("g.pem", "g.pub.der"),
    ] {
        let envelope = cli(["encrypt", "--key", public, "--form", "order"])
            .stdin(r#"{"product":"pen"}"#)
            .current_dir(d)
            .ok()
            .stdout;
        let out = cli(["decrypt", "--key", private, "--format", "jsonl"])
            .stdin(envelope)
            .current_dir(d)
            .ok()
            .stdout;
        assert_eq!(json_lines(&out)[0]["fields"]["product"], "pen", "{private}");
        // Both halves have the same key id.
        let a = cli(["key", "show", private]).current_dir(d).ok().stdout;
        let b = cli(["key", "show", public]).current_dir(d).ok().stdout;
        assert_eq!(a.lines().nth(2), b.lines().nth(2));
    }
}
