//! The one error type of orderseal, with stable codes.
//!
//! Codes are API: they are listed in `docs/FORMAT.md`, reach JavaScript as
//! `Error.code`, and never change meaning. Messages are for people and may
//! change. No message ever contains key bytes or plaintext.

use crate::prelude::*;

use crate::json_out::quoted;
use crate::text::decimal;
use core::fmt;

/// Which limit an input went over. See [`crate::limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// The serialized envelope, in bytes.
    EnvelopeSize,
    /// The plaintext before padding, in bytes.
    PlaintextSize,
    /// The number of fields in a form.
    FieldCount,
    /// The length of a field name, in bytes.
    FieldNameLength,
    /// The length of one text value, in bytes.
    FieldValueLength,
    /// The number of values of one repeated field.
    ValueCount,
    /// The length of a file's name or media type, in bytes.
    FileNameLength,
    /// The length of a form id, in bytes.
    FormIdLength,
}

impl Limit {
    /// Every limit, in declaration order.
    pub(crate) const ALL: [Limit; 8] = [
        Limit::EnvelopeSize,
        Limit::PlaintextSize,
        Limit::FieldCount,
        Limit::FieldNameLength,
        Limit::FieldValueLength,
        Limit::ValueCount,
        Limit::FileNameLength,
        Limit::FormIdLength,
    ];

    /// A short name of the limit, used in messages and in JS as `error.limit`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::EnvelopeSize => "envelope size",
            Limit::PlaintextSize => "plaintext size",
            Limit::FieldCount => "field count",
            Limit::FieldNameLength => "field name length",
            Limit::FieldValueLength => "field value length",
            Limit::ValueCount => "values per field",
            Limit::FileNameLength => "file name or type length",
            Limit::FormIdLength => "form id length",
        }
    }
}

/// The key encodings orderseal reads, named in [`Error::KeyMalformed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyEncoding {
    /// PEM armour (any label).
    Pem,
    /// DER: SPKI, PKCS#8, encrypted PKCS#8 or SEC1 `ECPrivateKey`.
    Der,
    /// JSON Web Key (RFC 7517/7518).
    Jwk,
    /// Raw SEC1 point or scalar bytes (binary, hex or base64url).
    Raw,
}

impl KeyEncoding {
    fn name(self) -> &'static str {
        match self {
            KeyEncoding::Pem => "PEM",
            KeyEncoding::Der => "DER",
            KeyEncoding::Jwk => "JWK",
            KeyEncoding::Raw => "raw SEC1",
        }
    }
}

/// Everything that can go wrong in orderseal.
///
/// Every failure to open an envelope that could be caused by tampering or by
/// the wrong key is the single variant [`Error::OpenFailed`]: more detail
/// would be an oracle for an attacker.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The envelope is not well-formed JSON of the documented shape.
    MalformedEnvelope(String),
    /// The envelope's format version is not one this build reads.
    UnsupportedVersion(u64),
    /// The envelope names a suite this build does not implement.
    UnsupportedSuite(String),
    /// No key of the keyring has the envelope's key id.
    UnknownKeyId(String),
    /// Authentication failed: the envelope was changed, or the key is wrong.
    OpenFailed,
    /// A key could not be decoded in the given encoding.
    KeyMalformed(KeyEncoding, String),
    /// The key is an EC key on another curve than P-256.
    KeyWrongCurve(String),
    /// The key is not an EC key at all (RSA, Ed25519, ...).
    KeyUnsupported(String),
    /// The public point is not on the P-256 curve.
    KeyNotOnCurve,
    /// The public point is the point at infinity (or a private scalar is zero).
    KeyIdentity,
    /// A private key's embedded public key does not match its scalar.
    KeyMismatch,
    /// The key file is encrypted and no passphrase was given.
    PassphraseRequired,
    /// The passphrase does not decrypt the key file.
    WrongPassphrase,
    /// The key's id is not the one it was pinned to.
    KeyIdMismatch {
        /// The pinned key id.
        expected: String,
        /// The id of the key actually given.
        actual: String,
    },
    /// An input is over one of the documented limits.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The size found.
        actual: usize,
        /// The largest size allowed.
        max: usize,
    },
    /// The form fields (before sealing or after opening) do not follow the
    /// plaintext schema.
    BadPlaintext(String),
    /// The library could not work at all (no randomness, failed self-test).
    Unavailable(String),
}

impl Error {
    /// The stable code of this error, as documented in `docs/FORMAT.md`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MalformedEnvelope(_) => "envelope_malformed",
            Error::UnsupportedVersion(_) => "unsupported_version",
            Error::UnsupportedSuite(_) => "unsupported_suite",
            Error::UnknownKeyId(_) => "unknown_kid",
            Error::OpenFailed => "open_failed",
            Error::KeyMalformed(..) => "key_malformed",
            Error::KeyWrongCurve(_) => "key_wrong_curve",
            Error::KeyUnsupported(_) => "key_unsupported",
            Error::KeyNotOnCurve => "key_not_on_curve",
            Error::KeyIdentity => "key_identity",
            Error::KeyMismatch => "key_mismatch",
            Error::PassphraseRequired => "passphrase_required",
            Error::WrongPassphrase => "wrong_passphrase",
            Error::KeyIdMismatch { .. } => "kid_mismatch",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::BadPlaintext(_) => "plaintext_invalid",
            Error::Unavailable(_) => "unavailable",
        }
    }

    /// Every code, in the order of `docs/FORMAT.md` (tests check the table).
    pub const CODES: &'static [&'static str] = &[
        "envelope_malformed",
        "unsupported_version",
        "unsupported_suite",
        "unknown_kid",
        "open_failed",
        "key_malformed",
        "key_wrong_curve",
        "key_unsupported",
        "key_not_on_curve",
        "key_identity",
        "key_mismatch",
        "passphrase_required",
        "wrong_passphrase",
        "kid_mismatch",
        "limit_exceeded",
        "plaintext_invalid",
        "unavailable",
    ];

    pub(crate) fn malformed(why: impl Into<String>) -> Self {
        Error::MalformedEnvelope(why.into())
    }

    pub(crate) fn plaintext(why: impl Into<String>) -> Self {
        Error::BadPlaintext(why.into())
    }

    pub(crate) fn key_malformed(enc: KeyEncoding, why: impl Into<String>) -> Self {
        Error::KeyMalformed(enc, why.into())
    }

    pub(crate) fn check_limit(limit: Limit, actual: usize, max: usize) -> Result<(), Error> {
        if actual > max {
            Err(Error::LimitExceeded { limit, actual, max })
        } else {
            Ok(())
        }
    }
}

impl Error {
    /// The message for people: what [`fmt::Display`] writes. Built by
    /// concatenation, not `format!`, so that the wasm seal build, which
    /// turns every error into a JavaScript message, links no formatting
    /// machinery (`core::fmt`).
    pub fn message(&self) -> String {
        let parts: &[&str] = match self {
            Error::MalformedEnvelope(why) => &["malformed envelope: ", why],
            Error::UnsupportedVersion(v) => {
                return [
                    "unsupported envelope version ",
                    &decimal(*v),
                    " (this build reads versions 1 and 2)",
                ]
                .concat()
            }
            Error::UnsupportedSuite(s) => return ["unsupported suite ", &quoted(s)].concat(),
            Error::UnknownKeyId(kid) => &[
                "no key with id ",
                kid,
                " in the keyring: the envelope was sealed to another key",
            ],
            Error::OpenFailed => {
                &["decryption failed: the envelope was modified or the key does not match"]
            }
            Error::KeyMalformed(enc, why) => &["malformed ", enc.name(), " key: ", why],
            Error::KeyWrongCurve(c) => &["the key is on curve ", c, ", not P-256"],
            Error::KeyUnsupported(kind) => &[
                "unsupported key type ",
                kind,
                ": orderseal uses P-256 EC keys",
            ],
            Error::KeyNotOnCurve => &["the public key point is not on the P-256 curve"],
            Error::KeyIdentity => &["the key is the identity (point at infinity or zero scalar)"],
            Error::KeyMismatch => {
                &["the private key's public half does not match its embedded public key"]
            }
            Error::PassphraseRequired => {
                &["the private key is encrypted: a passphrase is required"]
            }
            Error::WrongPassphrase => &["wrong passphrase for the private key"],
            Error::KeyIdMismatch { expected, actual } => &[
                "key id mismatch: expected ",
                expected,
                ", but the key given has id ",
                actual,
            ],
            Error::LimitExceeded { limit, actual, max } => {
                return [
                    limit.name(),
                    " over the limit: ",
                    &decimal(*actual as u64),
                    " > ",
                    &decimal(*max as u64),
                ]
                .concat()
            }
            Error::BadPlaintext(why) => &["invalid form data: ", why],
            Error::Unavailable(why) => &["orderseal is unavailable: ", why],
        };
        parts.concat()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_distinct_listed_code() {
        let all = [
            Error::MalformedEnvelope(String::new()),
            Error::UnsupportedVersion(2),
            Error::UnsupportedSuite(String::new()),
            Error::UnknownKeyId(String::new()),
            Error::OpenFailed,
            Error::KeyMalformed(KeyEncoding::Pem, String::new()),
            Error::KeyWrongCurve(String::new()),
            Error::KeyUnsupported(String::new()),
            Error::KeyNotOnCurve,
            Error::KeyIdentity,
            Error::KeyMismatch,
            Error::PassphraseRequired,
            Error::WrongPassphrase,
            Error::KeyIdMismatch {
                expected: String::new(),
                actual: String::new(),
            },
            Error::LimitExceeded {
                limit: Limit::FieldCount,
                actual: 2,
                max: 1,
            },
            Error::BadPlaintext(String::new()),
            Error::Unavailable(String::new()),
        ];
        let codes: Vec<&str> = all.iter().map(Error::code).collect();
        assert_eq!(codes, Error::CODES);
    }

    #[test]
    fn open_failed_says_nothing_about_the_cause() {
        let msg = Error::OpenFailed.to_string();
        assert!(!msg.contains("tag") && !msg.contains("padding"));
    }
}
