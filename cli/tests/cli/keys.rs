//! keygen, key show, key public, and passphrases.

use std::fs;

use crate::support::{cli, snapshot};

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn keygen_writes_an_encrypted_private_key_with_mode_0600_and_both_public_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keys");
    let run = cli(["keygen", "--out"])
        .stdin("")
        .env("ORDERSEAL_PASSPHRASE", "correct horse")
        .run();
    // `--out` needs its value: clap's usage error.
    assert_eq!(run.code, 2);

    let run = cli(["keygen", "--out", out.to_str().unwrap()])
        .env("ORDERSEAL_PASSPHRASE", "correct horse")
        .ok();
    let private = fs::read_to_string(out.join("private.pem")).unwrap();
    assert!(private.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    #[cfg(unix)]
    assert_eq!(mode(&out.join("private.pem")), 0o600);
    let jwk: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("public.jwk")).unwrap()).unwrap();
    assert_eq!(jwk["crv"], "P-256");
    assert!(fs::read_to_string(out.join("public.pem"))
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));

    // The printed key id is the one of both public files.
    let kid = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("key id:"))
        .expect("key id line")
        .trim()
        .to_owned();
    assert_eq!(kid.len(), 16);
    assert!(run.stdout.contains("fingerprint: "));
    for file in ["public.pem", "public.jwk"] {
        let shown = cli(["key", "show", out.join(file).to_str().unwrap()]).ok();
        assert!(
            shown.stdout.contains(&format!("key id:      {kid}")),
            "{}",
            shown.stdout
        );
        assert!(shown.stdout.contains("kind:        public key"));
    }
    // The private key needs its passphrase to be shown.
    let shown = cli(["key", "show", out.join("private.pem").to_str().unwrap()])
        .env("ORDERSEAL_PASSPHRASE", "correct horse")
        .ok();
    assert!(shown
        .stdout
        .contains("kind:        private key (encrypted)"));
    assert!(shown.stdout.contains(&kid));
}

#[test]
fn keygen_refuses_to_overwrite_keys_without_force() {
    let dir = tempfile::tempdir().unwrap();
    cli(["keygen", "--no-passphrase", "--out", "keys"])
        .current_dir(dir.path())
        .ok();
    let before = fs::read(dir.path().join("keys/private.pem")).unwrap();

    let run = cli(["keygen", "--no-passphrase", "--out", "keys"])
        .current_dir(dir.path())
        .fails(1);
    snapshot("keygen-exists.txt", &run.stderr);
    assert_eq!(
        fs::read(dir.path().join("keys/private.pem")).unwrap(),
        before
    );

    cli(["keygen", "--no-passphrase", "--force", "--out", "keys"])
        .current_dir(dir.path())
        .ok();
    let after = fs::read(dir.path().join("keys/private.pem")).unwrap();
    assert_ne!(after, before);
    assert!(String::from_utf8(after)
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("keys/private.pem")), 0o600);
    // No temporary file is left behind.
    assert_eq!(fs::read_dir(dir.path().join("keys")).unwrap().count(), 3);
}

#[test]
fn keygen_without_a_passphrase_source_or_terminal_fails_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let run = cli(["keygen", "--out", "keys"])
        .current_dir(dir.path())
        .fails(1);
    assert!(run.stderr.contains("no terminal"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: "));
    assert!(run.stderr.contains("--no-passphrase"));
    assert!(!dir.path().join("keys/private.pem").exists());

    // An empty passphrase is refused rather than silently unprotected.
    let run = cli(["keygen", "--out", "keys"])
        .env("ORDERSEAL_PASSPHRASE", "")
        .current_dir(dir.path())
        .fails(1);
    assert!(run.stderr.contains("empty"));
}

#[test]
fn passphrase_file_and_variable_unlock_the_key_and_a_wrong_one_fails_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("pass.txt"), "s3cret phrase\n").unwrap();
    fs::write(d.join("wrong.txt"), "not it\n").unwrap();
    cli(["keygen", "--out", "keys", "--passphrase-file", "pass.txt"])
        .current_dir(d)
        .ok();
    let envelope = cli(["encrypt", "--key", "keys/public.pem", "--form", "order"])
        .stdin(r#"{"product":"pen"}"#)
        .current_dir(d)
        .ok()
        .stdout;
    fs::write(d.join("env.json"), &envelope).unwrap();

    // The file's final newline is not part of the passphrase.
    let run = cli(["decrypt", "--format", "jsonl", "--key", "keys/private.pem"])
        .args_after(["--passphrase-file", "pass.txt", "env.json"])
        .current_dir(d)
        .ok();
    assert!(run.stdout.contains(r#""product":"pen""#));
    let run = cli([
        "decrypt",
        "--format",
        "jsonl",
        "--key",
        "keys/private.pem",
        "env.json",
    ])
    .env("ORDERSEAL_PASSPHRASE", "s3cret phrase")
    .current_dir(d)
    .ok();
    assert!(run.stdout.contains(r#""product":"pen""#));

    let run = cli(["decrypt", "--key", "keys/private.pem", "env.json"])
        .env("ORDERSEAL_PASSPHRASE", "wrong")
        .current_dir(d)
        .fails(1);
    snapshot("decrypt-wrong-passphrase.txt", &run.stderr);
    assert!(run.stdout.is_empty());

    let run = cli(["decrypt", "--key", "keys/private.pem", "env.json"])
        .args_after(["--passphrase-file", "wrong.txt"])
        .env("ORDERSEAL_PASSPHRASE", "s3cret phrase")
        .current_dir(d)
        .fails(1);
    assert!(run.stderr.contains("[wrong_passphrase]"));
    assert!(run
        .stderr
        .contains("hint: check the passphrase in wrong.txt"));

    // No terminal and no passphrase: say how to give one.
    let run = cli(["decrypt", "--key", "keys/private.pem", "env.json"])
        .current_dir(d)
        .fails(1);
    assert!(run.stderr.contains("[passphrase_required]"));
    assert!(run.stderr.contains("ORDERSEAL_PASSPHRASE"));
}

#[test]
fn key_public_prints_pem_jwk_and_raw_of_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(["keygen", "--no-passphrase", "--out", "k"])
        .current_dir(d)
        .ok();
    let pem = cli(["key", "public", "k/private.pem"])
        .current_dir(d)
        .ok()
        .stdout;
    assert_eq!(pem, fs::read_to_string(d.join("k/public.pem")).unwrap());
    let jwk = cli(["key", "public", "--format", "jwk", "k/private.pem"])
        .current_dir(d)
        .ok()
        .stdout;
    assert_eq!(jwk, fs::read_to_string(d.join("k/public.jwk")).unwrap());
    let raw = cli(["key", "public", "--format", "raw", "k/public.jwk"])
        .current_dir(d)
        .ok()
        .stdout;
    assert_eq!(raw.trim().len(), 130);
    assert!(raw.starts_with("04"));
    let run = cli(["key", "public", "--format", "base64", "k/private.pem"])
        .current_dir(d)
        .run();
    assert_eq!(run.code, 2);
}
