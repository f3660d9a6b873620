//! base64url without padding, strict: the only text encoding of bytes in
//! orderseal's formats.
//!
//! Decoding is canonical (RFC 4648 §3.5): non-zero trailing bits, padding
//! and characters outside the URL-safe alphabet are rejected, so one byte
//! string has exactly one encoding and a flipped character never decodes to
//! the same bytes.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Encodes bytes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes strict unpadded base64url; `None` when the text is not canonical.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).collect();
            assert_eq!(decode(&encode(&bytes)).as_deref(), Some(&bytes[..]));
        }
    }

    #[test]
    fn decode_rejects_non_canonical_trailing_bits() {
        // "AB" carries 12 bits for one byte; the last 4 must be zero.
        assert_eq!(decode("AA"), Some(vec![0]));
        assert_eq!(decode("AB"), None);
    }

    #[test]
    fn decode_rejects_padding_and_standard_alphabet() {
        assert_eq!(decode("AA=="), None);
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_8"), Some(vec![0xfb, 0xff]));
    }
}
