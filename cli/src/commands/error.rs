//! Errors as the CLI prints them: `error: …` and, where it helps, one or
//! more `hint: …` lines saying what to do next (rage's style).

use std::fmt;
use std::process::ExitCode;

use crate::commands::text::clean;

/// A failed command: a message, an optional stable code, hints.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: Option<&'static str>,
    hints: Vec<String>,
    usage: bool,
}

impl CliError {
    /// A failure (exit 1).
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: None,
            hints: Vec::new(),
            usage: false,
        }
    }

    /// A usage error (exit 2), like clap's own.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            usage: true,
            ..CliError::new(message)
        }
    }

    /// A core error, prefixed with what we were doing (often a file name).
    pub fn core(context: impl fmt::Display, e: &orderseal::Error) -> Self {
        let mut err = CliError::new(format!("{context}: {e}"));
        err.code = Some(e.code());
        if let Some(h) = hint_for(e) {
            err.hints.push(h.to_owned());
        }
        err
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Replaces the hints (when the caller knows better than [`hint_for`]).
    pub fn with_hints(mut self, hints: Vec<String>) -> Self {
        self.hints = hints;
        self
    }

    /// Sets the stable code printed after the message.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Prints `error: …` and the hints to stderr.
    pub fn print(&self) {
        eprintln!("{self}");
    }

    /// 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(if self.usage { 2 } else { 1 })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages can quote file names or envelope members: never let them
        // send control sequences to the terminal.
        write!(f, "error: {}", clean(&self.message))?;
        if let Some(code) = self.code {
            write!(f, " [{code}]")?;
        }
        for h in &self.hints {
            write!(f, "\nhint: {}", clean(h))?;
        }
        Ok(())
    }
}

/// An I/O error on `path`, said the way people expect.
pub fn io_error(what: impl fmt::Display, e: &std::io::Error) -> CliError {
    use std::io::ErrorKind;
    // Plain OS errors read "No such file or directory (os error 2)": say it
    // without the number. Errors we made carry their own context.
    let why = match (e.kind(), e.raw_os_error()) {
        (ErrorKind::NotFound, Some(_)) => "no such file or directory".to_owned(),
        (ErrorKind::PermissionDenied, Some(_)) => "permission denied".to_owned(),
        _ => e.to_string(),
    };
    CliError::new(format!("{what}: {why}"))
}

/// The generic next step for a core error, if there is one. Commands add
/// their own hints where they know more (which key, which source).
pub fn hint_for(e: &orderseal::Error) -> Option<&'static str> {
    Some(match e.code() {
        "wrong_passphrase" => "check the passphrase or ORDERSEAL_PASSPHRASE",
        "passphrase_required" => {
            "set ORDERSEAL_PASSPHRASE or use --passphrase-file FILE to give the passphrase"
        }
        "key_wrong_curve" | "key_unsupported" => {
            "orderseal uses P-256 keys: make one with `orderseal keygen --out DIR` or \
             `openssl ecparam -name prime256v1 -genkey -noout -out key.pem`"
        }
        "key_malformed" => {
            "expected a key file in PEM (SPKI, PKCS#8, SEC1), DER or JWK; \
             `orderseal key show FILE` tells what a file holds"
        }
        "key_not_on_curve" | "key_identity" => {
            "the key file is damaged or was made for another curve; export the key again"
        }
        "key_mismatch" => {
            "the file holds a private key and a public key that are not a pair: \
             it is damaged or was put together from two keys"
        }
        "unsupported_version" => "this envelope comes from a newer orderseal: update this tool",
        "envelope_malformed" => {
            "expected one envelope, a JSON array of envelopes, or JSON Lines \
             (one envelope per line, bare or as {\"envelope\": {...}})"
        }
        _ => return None,
    })
}
