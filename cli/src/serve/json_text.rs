//! JSON text helpers for the export.
//!
//! The store keeps each envelope exactly as it was received (the receipt's
//! `sha256` is over those bytes). FORMAT.md lets a writer put whitespace,
//! line feeds included, between members; a JSON Lines export cannot carry a
//! line feed inside a record, so the export embeds the stored text with the
//! whitespace *between* tokens removed. Members, their order and every
//! string stay byte for byte, so for the usual compact envelope (what the
//! browser module and the CLI write) the embedded text *is* the stored
//! bytes.

/// Removes JSON insignificant whitespace (RFC 8259 §2: space, tab, LF, CR
/// outside strings). `text` must be valid JSON (it was parsed strictly
/// before it was stored).
pub fn minify(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in text {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                b'"' => {
                    in_string = true;
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn minify_keeps_compact_json_byte_for_byte() {
        let s = br#"{"v":1,"suite":"P256-SHA256-A128GCM","ts":5}"#;
        assert_eq!(minify(s), s.to_vec());
    }

    #[test]
    fn minify_removes_whitespace_between_tokens_only() {
        let s = b"{\n  \"a\" : \"x y\\\" \\\\\" ,\r\n\t\"b\": [ 1 , 2 ]\n}\n";
        assert_eq!(minify(s), br#"{"a":"x y\" \\","b":[1,2]}"#.to_vec());
    }
}
