//! PEM armour (RFC 7468): splitting text into labelled DER blocks.
//!
//! Written here rather than taken from `pem-rfc7468` because key files in
//! the wild hold more than one block (`openssl ecparam -genkey` writes an
//! `EC PARAMETERS` block before the key) and explanatory text around them
//! (OpenSSL's "Bag Attributes"), which RFC 7468's strict single-document
//! parser rejects. The base64 inside a block is still decoded strictly.

use crate::prelude::*;

use crate::json_out::quoted;
use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::b64;
use crate::error::{Error, KeyEncoding};

/// One `-----BEGIN label----- … -----END label-----` block.
pub(super) struct Block {
    /// The label, e.g. `PUBLIC KEY`.
    pub label: String,
    /// The decoded body; may hold a private key, hence zeroized.
    pub der: Zeroizing<Vec<u8>>,
}

/// Whether `text` has a line that starts PEM armour, as [`blocks`] reads
/// lines. (Line by line rather than `str::contains`, whose substring
/// search is code the wasm seal build need not carry.)
pub(super) fn is_pem(text: &str) -> bool {
    text.lines()
        .any(|line| line.trim().starts_with("-----BEGIN "))
}

fn malformed(why: impl Into<String>) -> Error {
    Error::key_malformed(KeyEncoding::Pem, why)
}

/// Every PEM block of `text`, in order. Text outside blocks is ignored, as
/// OpenSSL does.
pub(super) fn blocks(text: &str) -> Result<Vec<Block>, Error> {
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = ["-----END ", label, "-----"].concat();
        // The body is base64 of a possibly secret DER document.
        let mut body = Zeroizing::new(String::new());
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.starts_with("-----") {
                return Err(malformed(
                    [
                        "the ",
                        label,
                        " block ends with ",
                        &quoted(line),
                        " instead of ",
                        &quoted(&end),
                    ]
                    .concat(),
                ));
            }
            if line.starts_with("Proc-Type:") || line.starts_with("DEK-Info:") {
                // RFC 1421 encryption, as `openssl ec -aes256` writes it: MD5
                // based and not supported by the RustCrypto stack.
                return Err(malformed(
                    "this key uses OpenSSL's legacy PEM encryption (Proc-Type/DEK-Info), \
                     which orderseal does not read; convert it with \
                     `openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt -in OLD -out NEW`",
                ));
            }
            if line.contains(':') {
                return Err(malformed(
                    ["unexpected header line in the ", label, " block"].concat(),
                ));
            }
            body.push_str(line);
        }
        if !closed {
            return Err(malformed(
                ["the ", label, " block has no ", &quoted(&end), " line"].concat(),
            ));
        }
        let der = b64::decode_standard(&body)
            .map(Zeroizing::new)
            .ok_or_else(|| malformed(["the ", label, " block is not valid base64"].concat()))?;
        out.push(Block {
            label: label.to_owned(),
            der,
        });
    }
    if out.is_empty() {
        return Err(malformed("no -----BEGIN ...----- line"));
    }
    Ok(out)
}

/// PEM-encodes `der` under `label` with LF line endings and 64-character
/// lines, as OpenSSL writes it.
///
/// The capacity is reserved up front, so a secret body is never left behind
/// in a reallocated buffer; callers wrap the result in `Zeroizing` when
/// `der` is secret.
pub(super) fn encode(label: &str, der: &[u8]) -> String {
    let body = Zeroizing::new(Base64::encode_string(der));
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest: &str = &body;
    while !rest.is_empty() {
        // Base64 is ASCII, so every index is a char boundary.
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_and_skip_surrounding_text() {
        let der: Vec<u8> = (0..=200).collect();
        let text = format!(
            "Bag Attributes: x\n{}\r\n{}trailing",
            &*encode("EC PARAMETERS", &[6, 1, 0]),
            &*encode("PRIVATE KEY", &der)
        );
        let blocks = blocks(&text).expect("well-formed PEM");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "EC PARAMETERS");
        assert_eq!(&blocks[0].der[..], &[6, 1, 0]);
        assert_eq!(blocks[1].label, "PRIVATE KEY");
        assert_eq!(&blocks[1].der[..], &der[..]);
    }

    #[test]
    fn encode_wraps_at_64_columns() {
        let pem = encode("PUBLIC KEY", &[0xab; 91]);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
    }

    #[test]
    fn blocks_reject_missing_end_bad_base64_and_legacy_encryption() {
        for text in [
            "-----BEGIN PUBLIC KEY-----\nAAAA\n",
            "-----BEGIN PUBLIC KEY-----\nAA!A\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n",
            "no armour here",
        ] {
            assert_eq!(
                blocks(text).map(|_| ()).map_err(|e| e.code()),
                Err("key_malformed"),
                "{text:?}"
            );
        }
    }
}
