//! Helpers of the CLI tests: run the built binary, make keys and envelopes,
//! compare snapshots.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use orderseal::{FieldValue, Fields, PrivateKey, Sealer};

/// What a run of `orderseal` gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A command line to run, with environment and standard input.
pub struct Cli {
    cmd: Command,
    stdin: Vec<u8>,
}

/// `orderseal ARGS`, with no passphrase in the environment, help at 100
/// columns, and empty standard input (never a terminal).
pub fn cli<I, S>(args: I) -> Cli
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orderseal"));
    cmd.args(args)
        .env_remove("ORDERSEAL_PASSPHRASE")
        .env("COLUMNS", "100")
        .env_remove("RUST_BACKTRACE");
    Cli {
        cmd,
        stdin: Vec::new(),
    }
}

impl Cli {
    /// More arguments.
    pub fn args_after<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Runs the command; asserts it did not panic, whatever it returned.
    pub fn run(mut self) -> Run {
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the orderseal binary runs");
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = std::mem::take(&mut self.stdin);
        let writer = std::thread::spawn(move || {
            // The command may stop reading early; that is not a test failure.
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("orderseal finishes");
        writer.join().expect("stdin writer");
        let run = Run {
            code: out.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "orderseal panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Runs and asserts success (exit 0).
    pub fn ok(self) -> Run {
        let run = self.run();
        assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
        run
    }

    /// Runs and asserts failure with `code`.
    pub fn fails(self, code: i32) -> Run {
        let run = self.run();
        assert_eq!(
            run.code, code,
            "stdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        run
    }
}

/// A private key written unencrypted to `dir/name.pem`, its public key to
/// `dir/name.pub.pem`.
pub struct TestKey {
    pub key: PrivateKey,
    pub private: PathBuf,
    pub public: PathBuf,
}

impl TestKey {
    pub fn new(dir: &Path, name: &str) -> TestKey {
        let key = PrivateKey::generate().expect("randomness");
        let private = dir.join(format!("{name}.pem"));
        let public = dir.join(format!("{name}.pub.pem"));
        std::fs::write(&private, key.to_pkcs8_pem().as_bytes()).expect("write key");
        std::fs::write(&public, key.public_key().to_spki_pem()).expect("write key");
        TestKey {
            key,
            private,
            public,
        }
    }

    pub fn kid(&self) -> String {
        self.key.key_id().to_string()
    }

    /// An envelope of `fields` (all text) sealed to this key, as one line.
    pub fn seal(&self, fields: &[(&str, &str)]) -> String {
        let mut f = Fields::new();
        for (name, value) in fields {
            f.push(*name, FieldValue::text(*value))
                .expect("valid field");
        }
        Sealer::new(self.key.public_key())
            .seal("order", &f)
            .expect("seal")
            .to_json()
    }
}

/// Runs `openssl ARGS` in `dir`.
/// `openssl ecparam -name prime256v1 -genkey -noout -out FILE` in `dir`: a
/// P-256 private key in OpenSSL's SEC1 `EC PRIVATE KEY` form.
pub fn openssl_p256_key(dir: &Path, file: &str) {
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            file,
        ],
    );
}

pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (Debian package openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The JSON Lines of `stdout`, parsed.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// Compares `actual` with `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1`
/// writes it instead.
pub fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}
