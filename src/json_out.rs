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

/// Whether [`escape`] escapes `b`.
#[inline(always)]
const fn is_escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// `b` in each byte of a word.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// Whether [`escape`] escapes any of the eight bytes of `w`: the classic
/// "has a byte less than n" and "has a zero byte" word tricks, which are
/// exact as a yes or no (`tests` checks every byte value at every place).
#[inline(always)]
const fn has_escaped(w: u64) -> bool {
    // Nonzero (in the high bits) where a byte of `w` is below `n`.
    const fn below(w: u64, n: u8) -> u64 {
        w.wrapping_sub(splat(n)) & !w
    }
    (below(w, 0x20) | below(w ^ splat(b'"'), 1) | below(w ^ splat(b'\\'), 1)) & splat(0x80) != 0
}

/// The index of the first byte of `bytes` from `i` on that [`escape`]
/// escapes, or `bytes.len()`. Eight bytes a step: ordinary text (nearly all
/// of an order) then costs a few operations per word rather than three
/// comparisons per byte (byte by byte, the two loops below were a tenth of
/// the core's share of a 2 KB seal in the wasm seal build; now 2.5 %).
fn next_escaped(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&word) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        if has_escaped(u64::from_le_bytes(word)) {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !is_escaped(bytes[i]) {
        i += 1;
    }
    i
}

/// The length of `s` as a JSON string, quotes included.
pub(crate) fn string_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut len = 2 + bytes.len();
    let mut i = next_escaped(bytes, 0);
    while let Some(&b) = bytes.get(i) {
        len += escape(b).map_or(0, |e| e.len() - 1);
        i = next_escaped(bytes, i + 1);
    }
    len
}

/// Appends `s` as a JSON string.
pub(crate) fn push_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = next_escaped(bytes, 0);
    while let Some(&b) = bytes.get(i) {
        if let Some(escaped) = escape(b) {
            out.extend_from_slice(&bytes[plain..i]);
            out.extend_from_slice(escaped);
            plain = i + 1;
        }
        i = next_escaped(bytes, i + 1);
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
    fn next_escaped_finds_every_escaped_byte_at_every_place() {
        // Every byte value, alone at each place of a 17-byte run of bytes
        // that are not escaped (ASCII and the high bytes of UTF-8, whose
        // bits are the likeliest to fool a word-at-a-time test).
        for filler in [b'a', b'~', 0x80, 0xa2, 0xdc, 0xff] {
            for b in 0..=u8::MAX {
                for at in 0..17 {
                    let mut bytes = [filler; 17];
                    bytes[at] = b;
                    let want = if is_escaped(b) { at } else { bytes.len() };
                    assert_eq!(
                        next_escaped(&bytes, 0),
                        want,
                        "byte {b:#04x} at {at} among {filler:#04x}"
                    );
                    assert_eq!(next_escaped(&bytes, at + 1), bytes.len());
                }
            }
        }
    }

    #[test]
    fn has_escaped_is_exact_for_every_byte_in_every_lane() {
        for b in 0..=u8::MAX {
            for lane in 0..8 {
                for filler in [b'a', 0x80, 0xff] {
                    let mut word = [filler; 8];
                    word[lane] = b;
                    assert_eq!(
                        has_escaped(u64::from_le_bytes(word)),
                        is_escaped(b),
                        "byte {b:#04x} in lane {lane}"
                    );
                }
            }
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
