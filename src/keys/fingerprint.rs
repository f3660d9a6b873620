//! Key ids and fingerprints: SHA-256 over the uncompressed SEC1 point.
//!
//! Both are computed from the 65-byte `04 || x || y` encoding, never from
//! the encoding a key arrived in, so one key has one id whether it was read
//! from PEM, DER, JWK or a compressed point.

use crate::prelude::*;

use core::fmt;

use sha2::{Digest, Sha256};

use crate::error::{Error, KeyEncoding};

/// Number of fingerprint bytes that make up a [`KeyId`].
const KEY_ID_BYTES: usize = 8;

/// Length of a key id in hex characters.
const KEY_ID_CHARS: usize = 2 * KEY_ID_BYTES;

/// The short id of a public key, as written into envelopes.
///
/// It is the first 8 bytes of SHA-256 over the uncompressed SEC1 point
/// (65 bytes), as 16 lowercase hex characters. Invariant: the string is
/// always exactly 16 characters of `[0-9a-f]`.
///
/// 64 bits are enough to pick a key out of a keyring and to catch a wrong
/// key early; they are not an authentication: opening still needs the key.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct KeyId(String);

impl KeyId {
    /// The id of the point whose full fingerprint is `fingerprint`.
    pub(crate) fn from_fingerprint(fingerprint: &Fingerprint) -> Self {
        KeyId(hex(&fingerprint.0[..KEY_ID_BYTES]))
    }

    /// The 16 lowercase hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a key id: exactly 16 lowercase hex characters.
    ///
    /// Uppercase is rejected rather than folded so that an id has exactly
    /// one spelling, like the envelope's other fields.
    pub fn parse(s: &str) -> Result<KeyId, Error> {
        let ok =
            s.len() == KEY_ID_CHARS && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(KeyId(s.to_owned()))
        } else {
            Err(Error::key_malformed(
                KeyEncoding::Raw,
                "a key id is exactly 16 lowercase hex characters",
            ))
        }
    }

    /// The id in four groups of four, for people comparing ids by eye:
    /// `3f2a 9c0d 1e8b 7a64`.
    pub fn grouped(&self) -> String {
        grouped(&self.0)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::borrow::Borrow<str> for KeyId {
    // Consistent with the derived `Eq`/`Ord`/`Hash`, which all delegate to
    // the inner `String`.
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// SHA-256 over the uncompressed SEC1 point of a public key (65 bytes).
///
/// Show it to people who must check a key out of band; its first 8 bytes
/// are the [`KeyId`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of an uncompressed SEC1 point.
    pub(crate) fn of_point(uncompressed: &[u8; 65]) -> Self {
        Fingerprint(Sha256::digest(uncompressed).into())
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hex characters, without separators.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// What [`fmt::Display`] writes: 16 groups of 4 lowercase hex
    /// characters separated by single spaces.
    pub fn grouped(&self) -> String {
        grouped(&self.to_hex())
    }
}

impl fmt::Display for Fingerprint {
    /// 16 groups of 4 lowercase hex characters separated by single spaces;
    /// the first four groups are [`KeyId::grouped`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// `hex` (ASCII) in groups of four characters separated by single spaces.
fn grouped(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() + hex.len() / 4);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_is_the_first_16_hex_chars_of_the_fingerprint() {
        let fp = Fingerprint::of_point(&[4; 65]);
        let kid = KeyId::from_fingerprint(&fp);
        assert_eq!(kid.as_str(), &fp.to_hex()[..16]);
        assert_eq!(fp.to_hex().len(), 64);
        assert!(fp.to_string().starts_with(&kid.grouped()));
    }

    #[test]
    fn fingerprint_display_is_16_groups_of_4() {
        let fp = Fingerprint::of_point(&[4; 65]);
        let shown = fp.to_string();
        let groups: Vec<&str> = shown.split(' ').collect();
        assert_eq!(groups.len(), 16);
        assert!(groups.iter().all(|g| g.len() == 4));
        assert_eq!(groups.concat(), fp.to_hex());
    }

    #[test]
    fn key_id_parse_accepts_only_16_lowercase_hex() {
        assert_eq!(
            KeyId::parse("3f2a9c0d1e8b7a64").map(|k| k.grouped()),
            Ok("3f2a 9c0d 1e8b 7a64".to_owned())
        );
        for bad in [
            "",
            "3f2a9c0d1e8b7a6",
            "3f2a9c0d1e8b7a640",
            "3F2A9C0D1E8B7A64",
            "3f2a 9c0d 1e8b 7a",
            "3f2a9c0d1e8b7a6g",
            "3f2a9c0d1e8b7a6\u{e9}",
        ] {
            assert_eq!(
                KeyId::parse(bad).map_err(|e| e.code()),
                Err("key_malformed"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn key_id_borrows_as_its_string() {
        use std::collections::BTreeSet;
        let kid = KeyId::parse("0123456789abcdef").expect("valid id");
        let set: BTreeSet<KeyId> = [kid].into_iter().collect();
        assert!(set.contains("0123456789abcdef"));
    }
}
