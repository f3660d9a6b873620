//! Snapshots of `--help` and of error messages (`tests/snapshots/`;
//! `UPDATE_SNAPSHOTS=1 cargo test -p orderseal-cli` rewrites them).

use crate::support::{cli, snapshot, TestKey};

#[test]
fn help_of_every_command_matches_its_snapshot_and_ends_with_examples() {
    for (args, name) in [
        (&["--help"][..], "help.txt"),
        (&["keygen", "--help"], "help-keygen.txt"),
        (&["key", "--help"], "help-key.txt"),
        (&["key", "show", "--help"], "help-key-show.txt"),
        (&["key", "public", "--help"], "help-key-public.txt"),
        (&["encrypt", "--help"], "help-encrypt.txt"),
        (&["decrypt", "--help"], "help-decrypt.txt"),
        (&["inspect", "--help"], "help-inspect.txt"),
    ] {
        let run = cli(args).ok();
        assert!(run.stdout.contains("\nExamples:\n  orderseal "), "{name}");
        snapshot(name, &run.stdout);
    }
}

#[test]
fn version_is_the_package_version() {
    let run = cli(["--version"]).ok();
    assert_eq!(
        run.stdout,
        format!("orderseal {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn decrypt_without_a_key_is_a_usage_error_with_a_hint() {
    let run = cli(["decrypt", "orders.jsonl"]).fails(2);
    snapshot("decrypt-no-key.txt", &run.stderr);
}

#[test]
fn there_is_no_passphrase_flag_and_the_usage_error_does_not_echo_its_value() {
    let run = cli(["decrypt", "--passphrase", "hunter2"]).fails(2);
    assert!(run.stderr.contains("unexpected argument '--passphrase'"));
    assert!(!run.stderr.contains("hunter2"));
    cli(["frobnicate"]).fails(2);
}

#[test]
fn error_messages_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = TestKey::new(d, "k");
    let other = TestKey::new(d, "other");
    let normalize = |s: &str| {
        s.replace(&key.kid(), "<kid>")
            .replace(&other.kid(), "<other-kid>")
    };

    let run = cli(["decrypt", "--key", "k.pub.pem", "-"])
        .current_dir(d)
        .fails(1);
    snapshot("decrypt-public-key.txt", &run.stderr);

    let run = cli(["decrypt", "--key", "k.pem", "--format", "jsonl"])
        .stdin(other.seal(&[("a", "b")]))
        .current_dir(d)
        .fails(1);
    let stderr = normalize(&run.stderr);
    // The sid is random: keep the line's shape.
    let stderr: String = stderr
        .lines()
        .map(|l| match l.find("(sid ") {
            Some(i) => format!("{}(sid <sid>){}", &l[..i], &l[i + 28..]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    snapshot("decrypt-unknown-kid.txt", &stderr);

    let run = cli(["decrypt", "--key", "k.pem"])
        .stdin("{\"v\":1}\n")
        .current_dir(d)
        .fails(1);
    snapshot("decrypt-malformed.txt", &run.stderr);

    let run = cli(["encrypt", "--key", "k.pem", "--form", "order"])
        .stdin("{}")
        .current_dir(d)
        .fails(1);
    snapshot("encrypt-private-key.txt", &run.stderr);
}
