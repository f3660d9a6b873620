//! base64url without padding, strict: the only text encoding of bytes in
//! orderseal's formats.
//!
//! Decoding is canonical (RFC 4648 §3.5): non-zero trailing bits, padding
//! and characters outside the URL-safe alphabet are rejected, so one byte
//! string has exactly one encoding and a flipped character never decodes to
//! the same bytes.

use crate::prelude::*;

use base64ct::{Base64UrlUnpadded, Encoding};

/// Encodes bytes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    // Through `encode_into`: one copy of the encoder in the wasm, not two.
    let mut out = Vec::with_capacity(encoded_len(bytes.len()));
    encode_into(bytes, &mut out);
    // base64url is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// The length of the unpadded base64url text of `n` bytes.
pub const fn encoded_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3][n % 3]
}

/// Appends the unpadded base64url text of `bytes` to `out`, written in
/// place: no intermediate copy of what may be a secret (a file in a form).
pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    // The slice is exactly encoded_len long, so this cannot fail.
    let _ = Base64UrlUnpadded::encode(bytes, &mut out[start..]);
}

/// [`encode_into`] for bytes that are not secret (the envelope's `ct`):
/// the same text, from a table-driven encoder many times faster in wasm.
/// Not constant-time: never for plaintext or keys.
pub fn encode_public_into(bytes: &[u8], out: &mut Vec<u8>) {
    use base64::Engine;
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    // The slice is exactly encoded_len long, so this cannot fail.
    let _ = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_slice(bytes, &mut out[start..]);
}

/// Decodes strict unpadded base64url; `None` when the text is not canonical.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

/// Decodes strict standard base64 with padding (RFC 4648 §4: a PEM body, a
/// key pasted as base64); `None` when the text is not canonical. The same
/// answers as base64ct's `Base64` decoder, through the base64url one above,
/// so that a build links one decoder: `+` and `/` become `-` and `_`
/// (without branching on the text, which may be a private key), and text
/// that had `-` or `_` is refused.
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    // The padding: one or two `=` at the end, how many telling the length.
    let pad = bytes
        .iter()
        .rev()
        .take(2)
        .take_while(|&&b| b == b'=')
        .count();
    let body = &bytes[..bytes.len() - pad];
    // All-ones when `a == b`, else zero.
    let eq = |a: u8, b: u8| (u16::from(a ^ b).wrapping_sub(1) >> 8) as u8;
    let mut url = zeroize::Zeroizing::new(Vec::with_capacity(body.len()));
    let mut foreign = 0u8;
    for &b in body {
        foreign |= eq(b, b'-') | eq(b, b'_');
        url.push(b ^ (eq(b, b'+') & (b'+' ^ b'-')) ^ (eq(b, b'/') & (b'/' ^ b'_')));
    }
    if foreign != 0 {
        return None;
    }
    // ASCII in, ASCII out: `from_utf8` cannot fail unless the text was not
    // base64, which the decoder refuses anyway.
    Base64UrlUnpadded::decode_vec(core::str::from_utf8(&url).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `decode_standard` answers as base64ct's padded standard decoder,
    /// on every short text over an alphabet that has each kind of
    /// character (both alphabets, padding, others) and on longer samples.
    #[test]
    fn decode_standard_is_base64cts_standard_decoder() {
        use base64ct::Base64;
        let alphabet = b"AQgw+/-_=a0.";
        let mut texts = vec![String::new()];
        for len in 1..=5 {
            let mut next = Vec::new();
            for t in texts.iter().filter(|t| t.len() == len - 1) {
                for &c in alphabet {
                    next.push(format!("{t}{}", char::from(c)));
                }
            }
            texts.extend(next);
        }
        for n in 0..200u16 {
            let bytes: Vec<u8> = (0..n).map(|i| (i.wrapping_mul(97) >> 1) as u8).collect();
            let text = Base64::encode_string(&bytes);
            texts.push(text.clone());
            texts.push(text.replace('+', "-").replace('/', "_"));
            texts.push(text.trim_end_matches('=').to_owned());
        }
        for text in &texts {
            assert_eq!(
                decode_standard(text),
                Base64::decode_vec(text).ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn round_trips_every_length() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).collect();
            assert_eq!(decode(&encode(&bytes)).as_deref(), Some(&bytes[..]));
        }
    }

    #[test]
    fn encode_into_appends_exactly_encoded_len_characters() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).collect();
            let mut out = b"x".to_vec();
            encode_into(&bytes, &mut out);
            assert_eq!(out.len(), 1 + encoded_len(bytes.len()));
            assert_eq!(&out[1..], encode(&bytes).as_bytes());
        }
    }

    #[test]
    fn the_public_encoder_writes_the_same_text() {
        for n in 0..300u16 {
            let bytes: Vec<u8> = (0..n).map(|i| (i.wrapping_mul(151) >> 1) as u8).collect();
            let (mut fast, mut ct) = (Vec::new(), Vec::new());
            encode_public_into(&bytes, &mut fast);
            encode_into(&bytes, &mut ct);
            assert_eq!(fast, ct);
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
