//! JSON Web Keys (RFC 7517, EC members per RFC 7518 §6.2) for P-256.
//!
//! The public form is what WebCrypto's `exportKey("jwk")` gives, so the
//! order page can import it with `importKey("jwk", …)`. Members we do not
//! need (`ext`, `key_ops`, `alg`, `use`, `kid`) are ignored on input.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::b64;
use crate::error::{Error, KeyEncoding};

fn malformed(why: impl Into<String>) -> Error {
    Error::key_malformed(KeyEncoding::Jwk, why)
}

/// The members of a JWK object.
fn members(v: &Value) -> Result<&Map<String, Value>, Error> {
    let obj = v
        .as_object()
        .ok_or_else(|| malformed("a JWK is a JSON object"))?;
    if !obj.contains_key("kty") && obj.contains_key("keys") {
        return Err(malformed(
            "this is a JWK Set ({\"keys\": [...]}); give a single key",
        ));
    }
    Ok(obj)
}

fn string_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, Error> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(malformed(format!("\"{name}\" is not a string"))),
        None => Err(malformed(format!("missing \"{name}\""))),
    }
}

/// Decodes a base64url member of exactly 32 bytes into `out`.
///
/// RFC 7518 §6.2.1.2 says coordinates are always full length, so a short
/// value is an encoder bug we do not guess around.
fn coordinate(obj: &Map<String, Value>, name: &str, out: &mut [u8]) -> Result<(), Error> {
    let text = string_member(obj, name)?;
    // May be the private scalar `d`.
    let bytes = Zeroizing::new(b64::decode(text).ok_or_else(|| {
        malformed(format!(
            "\"{name}\" is not unpadded base64url (RFC 7515 §2)"
        ))
    })?);
    if bytes.len() != out.len() {
        return Err(malformed(format!(
            "\"{name}\" is {} bytes; P-256 needs {}",
            bytes.len(),
            out.len()
        )));
    }
    out.copy_from_slice(&bytes);
    Ok(())
}

/// Checks `kty` and `crv`: an EC key on P-256.
fn check_type(obj: &Map<String, Value>) -> Result<(), Error> {
    match string_member(obj, "kty")? {
        "EC" => match string_member(obj, "crv")? {
            "P-256" => Ok(()),
            other => Err(Error::KeyWrongCurve(other.to_owned())),
        },
        "OKP" => Err(Error::KeyUnsupported(
            obj.get("crv")
                .and_then(Value::as_str)
                .unwrap_or("OKP")
                .to_owned(),
        )),
        "RSA" => Err(Error::KeyUnsupported("RSA".into())),
        "oct" => Err(Error::KeyUnsupported("oct (a symmetric key)".into())),
        other => Err(Error::KeyUnsupported(format!("JWK kty {other:?}"))),
    }
}

/// Whether the JWK carries a private scalar `d`.
pub(super) fn has_private(v: &Value) -> bool {
    v.as_object().is_some_and(|obj| obj.contains_key("d"))
}

/// Whether `v` looks like a single JWK at all (an object with `kty`).
pub(super) fn is_jwk(v: &Value) -> bool {
    v.as_object().is_some_and(|obj| obj.contains_key("kty"))
}

/// The uncompressed SEC1 point `04 || x || y` of an EC P-256 JWK.
pub(super) fn public_point(v: &Value) -> Result<[u8; 65], Error> {
    let obj = members(v)?;
    check_type(obj)?;
    let mut point = [0u8; 65];
    point[0] = 0x04;
    coordinate(obj, "x", &mut point[1..33])?;
    coordinate(obj, "y", &mut point[33..])?;
    Ok(point)
}

/// The private scalar `d` of an EC P-256 JWK.
pub(super) fn private_scalar(v: &Value) -> Result<Zeroizing<[u8; 32]>, Error> {
    let obj = members(v)?;
    check_type(obj)?;
    let mut d = Zeroizing::new([0u8; 32]);
    coordinate(obj, "d", &mut d[..])?;
    Ok(d)
}

/// Compact public JWK with members in the order `kty, crv, x, y`.
pub(super) fn encode(point: &[u8; 65]) -> String {
    let (x, y) = point[1..].split_at(32);
    // base64url needs no JSON escaping.
    format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
        b64::encode(x),
        b64::encode(y)
    )
}

/// The public JWK as a JSON value.
pub(super) fn value(point: &[u8; 65]) -> Value {
    let (x, y) = point[1..].split_at(32);
    serde_json::json!({
        "kty": "EC",
        "crv": "P-256",
        "x": b64::encode(x),
        "y": b64::encode(y),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: Result<T, Error>) -> &'static str {
        r.err().map_or("ok", |e| e.code())
    }

    #[test]
    fn encode_then_public_point_round_trips() {
        let mut point = [7u8; 65];
        point[0] = 4;
        let v: Value = serde_json::from_str(&encode(&point)).expect("valid JSON");
        assert_eq!(v, value(&point));
        assert_eq!(public_point(&v), Ok(point));
    }

    #[test]
    fn public_point_names_other_key_types() {
        let cases = [
            (
                r#"{"kty":"EC","crv":"P-384","x":"","y":""}"#,
                "key_wrong_curve",
            ),
            (r#"{"kty":"OKP","crv":"Ed25519","x":""}"#, "key_unsupported"),
            (r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#, "key_unsupported"),
            (r#"{"kty":"oct","k":"AA"}"#, "key_unsupported"),
            (r#"{"crv":"P-256"}"#, "key_malformed"),
            (r#"{"keys":[]}"#, "key_malformed"),
            (r#"[1]"#, "key_malformed"),
            (r#"{"kty":"EC","crv":"P-256","y":"AA"}"#, "key_malformed"),
            (
                r#"{"kty":"EC","crv":"P-256","x":5,"y":"AA"}"#,
                "key_malformed",
            ),
        ];
        for (json, want) in cases {
            let v: Value = serde_json::from_str(json).expect("valid JSON");
            assert_eq!(code(public_point(&v)), want, "{json}");
        }
    }
}
