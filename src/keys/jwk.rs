//! JSON Web Keys (RFC 7517, EC members per RFC 7518 §6.2) for P-256.
//!
//! The public form is what WebCrypto's `exportKey("jwk")` gives, so the
//! order page can import it with `importKey("jwk", …)`. Members we do not
//! need (`ext`, `key_ops`, `alg`, `use`, `kid`) are ignored on input.

use crate::prelude::*;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::b64;
use crate::error::{Error, KeyEncoding};
use crate::text::decimal;

fn malformed(why: impl Into<String>) -> Error {
    Error::key_malformed(KeyEncoding::Jwk, why)
}

/// One member of a JSON object, as the JWK checks need to tell them apart.
#[derive(Default)]
pub enum Member {
    /// Not there.
    #[default]
    Missing,
    /// There, but not a string.
    NotString,
    /// A string (zeroized on drop: it may be the private scalar `d`).
    Text(Zeroizing<String>),
}

/// The members of a parsed JSON value that matter to a JWK, whichever JSON
/// parser read the text: `serde_json` natively ([`JwkMembers::from_value`]),
/// the JavaScript engine's `JSON.parse` in the wasm seal build, which links
/// no JSON parser of its own.
#[derive(Default)]
pub struct JwkMembers {
    /// Whether the value is a JSON object at all.
    pub object: bool,
    /// Whether it has a `keys` member (a JWK Set).
    pub keys: bool,
    /// `kty`.
    pub kty: Member,
    /// `crv`.
    pub crv: Member,
    /// `x`.
    pub x: Member,
    /// `y`.
    pub y: Member,
    /// `d`, the private scalar.
    pub d: Member,
}

impl JwkMembers {
    /// Reads the members with `get`, which returns a member by name.
    pub fn read(get: impl Fn(&str) -> Member) -> Self {
        JwkMembers {
            object: true,
            keys: !matches!(get("keys"), Member::Missing),
            kty: get("kty"),
            crv: get("crv"),
            x: get("x"),
            y: get("y"),
            d: get("d"),
        }
    }

    /// The members of a `serde_json` value.
    pub fn from_value(v: &Value) -> Self {
        let Some(obj) = v.as_object() else {
            return JwkMembers::default();
        };
        JwkMembers::read(|name| match obj.get(name) {
            None => Member::Missing,
            Some(Value::String(s)) => Member::Text(Zeroizing::new(s.clone())),
            Some(_) => Member::NotString,
        })
    }

    fn string(&self, name: &str) -> Result<&str, Error> {
        let member = match name {
            "kty" => &self.kty,
            "crv" => &self.crv,
            "x" => &self.x,
            "y" => &self.y,
            _ => &self.d,
        };
        match member {
            Member::Text(s) => Ok(s),
            Member::NotString => Err(malformed(["\"", name, "\" is not a string"].concat())),
            Member::Missing => Err(malformed(["missing \"", name, "\""].concat())),
        }
    }

    /// Checks that this is a single JWK object.
    fn check_object(&self) -> Result<(), Error> {
        if !self.object {
            return Err(malformed("a JWK is a JSON object"));
        }
        if matches!(self.kty, Member::Missing) && self.keys {
            return Err(malformed(
                "this is a JWK Set ({\"keys\": [...]}); give a single key",
            ));
        }
        Ok(())
    }

    /// Decodes a base64url member of exactly 32 bytes into `out`.
    ///
    /// RFC 7518 §6.2.1.2 says coordinates are always full length, so a short
    /// value is an encoder bug we do not guess around.
    fn coordinate(&self, name: &str, out: &mut [u8]) -> Result<(), Error> {
        let text = self.string(name)?;
        // May be the private scalar `d`.
        let bytes = Zeroizing::new(b64::decode(text).ok_or_else(|| {
            malformed(["\"", name, "\" is not unpadded base64url (RFC 7515 §2)"].concat())
        })?);
        if bytes.len() != out.len() {
            return Err(malformed(
                [
                    "\"",
                    name,
                    "\" is ",
                    &decimal(bytes.len() as u64),
                    " bytes; P-256 needs ",
                    &decimal(out.len() as u64),
                ]
                .concat(),
            ));
        }
        out.copy_from_slice(&bytes);
        Ok(())
    }

    /// Checks `kty` and `crv`: an EC key on P-256.
    fn check_type(&self) -> Result<(), Error> {
        self.check_object()?;
        match self.string("kty")? {
            "EC" => match self.string("crv")? {
                "P-256" => Ok(()),
                other => Err(Error::KeyWrongCurve(other.to_owned())),
            },
            "OKP" => Err(Error::KeyUnsupported(
                self.string("crv").unwrap_or("OKP").to_owned(),
            )),
            "RSA" => Err(Error::KeyUnsupported("RSA".into())),
            "oct" => Err(Error::KeyUnsupported("oct (a symmetric key)".into())),
            other => Err(Error::KeyUnsupported(["JWK kty \"", other, "\""].concat())),
        }
    }

    /// Whether the JWK carries a private scalar `d`.
    pub(super) fn has_private(&self) -> bool {
        !matches!(self.d, Member::Missing)
    }

    /// Whether this looks like a single JWK at all (an object with `kty`).
    pub(super) fn is_jwk(&self) -> bool {
        self.object && !matches!(self.kty, Member::Missing)
    }

    /// The uncompressed SEC1 point `04 || x || y` of an EC P-256 JWK.
    pub(super) fn public_point(&self) -> Result<[u8; 65], Error> {
        self.check_type()?;
        let mut point = [0u8; 65];
        point[0] = 0x04;
        self.coordinate("x", &mut point[1..33])?;
        self.coordinate("y", &mut point[33..])?;
        Ok(point)
    }

    /// The private scalar `d` of an EC P-256 JWK.
    pub(super) fn private_scalar(&self) -> Result<Zeroizing<[u8; 32]>, Error> {
        self.check_type()?;
        let mut d = Zeroizing::new([0u8; 32]);
        self.coordinate("d", &mut d[..])?;
        Ok(d)
    }
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
        assert_eq!(JwkMembers::from_value(&v).public_point(), Ok(point));
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
            assert_eq!(
                code(JwkMembers::from_value(&v).public_point()),
                want,
                "{json}"
            );
        }
    }
}
