//! Writing orderseal's JSON: the plaintext document and the envelope,
//! compact, members in their documented order, strings escaped exactly as
//! `serde_json` escapes them (the bytes are what gets padded and sealed, so
//! they are specified: `docs/FORMAT.md` §4.1).
//!
//! Written by hand rather than through `serde_json` for two reasons: the
//! wasm seal build then links no JSON library, and the exact length is
//! known before writing, so a document holding customer data is written
//! into one allocation of the right size and never copied by a growing
//! buffer (whose old copies could not be zeroized).

use crate::prelude::*;

/// How a string byte is written: as itself, or its JSON escape.
fn escape(b: u8) -> Option<&'static [u8]> {
    Some(match b {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0c => b"\\f",
        0x00..=0x1f => return Some(&CONTROL[b as usize]),
        _ => return None,
    })
}

/// `\u00XX` for every control character (lowercase hex, as serde_json).
const CONTROL: [[u8; 6]; 32] = {
    let hex = b"0123456789abcdef";
    let mut table = [*b"\\u0000"; 32];
    let mut i = 0;
    while i < 32 {
        table[i][4] = hex[i >> 4];
        table[i][5] = hex[i & 15];
        i += 1;
    }
    table
};

/// Whether [`escape`] escapes `b`. Tested first, so that the bytes of
/// ordinary text (nearly all of an order) cost three comparisons rather
/// than a pass through `escape`'s match: in the wasm seal build, the two
/// loops below took a tenth of the core's share of a 2 KB seal that way.
#[inline(always)]
const fn is_escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The length of `s` as a JSON string, quotes included.
pub(crate) fn string_len(s: &str) -> usize {
    let mut len = 2 + s.len();
    for b in s.bytes() {
        if is_escaped(b) {
            len += escape(b).map_or(0, |e| e.len() - 1);
        }
    }
    len
}

/// Appends `s` as a JSON string.
pub(crate) fn push_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !is_escaped(b) {
            continue;
        }
        if let Some(escaped) = escape(b) {
            out.extend_from_slice(&bytes[plain..i]);
            out.extend_from_slice(escaped);
            plain = i + 1;
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// `s` as a JSON string: how messages quote names and values that came from
/// outside (control characters escaped, so a message is one clean line).
/// Rather than `{:?}`, whose escaping tables the wasm seal build would
/// otherwise have to carry.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = Vec::with_capacity(string_len(s));
    push_string(&mut out, s);
    // Escaping replaces ASCII bytes only: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `"` base64url(`bytes`) `"`.
pub(crate) fn push_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    crate::b64::encode_into(bytes, out);
    out.push(b'"');
}

/// The length of [`push_base64`]'s output.
pub(crate) const fn base64_len(n: usize) -> usize {
    2 + crate::b64::encoded_len(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é€😀/\u{2028}\u{7f}");
        for s in [all.as_str(), "", "plain", "\"\\", "a\u{0}b\u{1f}"] {
            let mut out = Vec::new();
            push_string(&mut out, s);
            let want = serde_json::to_string(s).expect("a string serializes");
            assert_eq!(String::from_utf8(out).as_deref(), Ok(want.as_str()));
            assert_eq!(string_len(s), want.len());
        }
    }

    #[test]
    fn is_escaped_is_exactly_what_escape_escapes() {
        for b in 0..=u8::MAX {
            assert_eq!(is_escaped(b), escape(b).is_some(), "byte {b:#04x}");
        }
    }

    #[test]
    fn base64_is_quoted_unpadded_base64url() {
        let mut out = Vec::new();
        push_base64(&mut out, &[0xfb, 0xff]);
        assert_eq!(out, b"\"-_8\"");
        assert_eq!(base64_len(2), out.len());
    }
}
