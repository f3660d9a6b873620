//! JavaScript values as the seal build receives them: encoded by its glue
//! (`js/seal.js`) into bytes, decoded here, then read into core types with
//! the same rules and messages as the full build's js-sys conversions
//! (`convert.rs`).
//!
//! The encoding, one value after another:
//!
//! | tag | value | then |
//! |---|---|---|
//! | 0 | `undefined` or `null` | |
//! | 1 | a string | length (u32, little-endian), UTF-8 |
//! | 2 | a `Uint8Array` or `ArrayBuffer` | length, the bytes |
//! | 3 | an array | count, the items |
//! | 4 | an object or a `Map` | count, key and value of each entry |
//! | 5 | a member whose getter threw | |
//! | 6 | anything else (a number, a function, …) | |
//! | 7 | what `JSON.parse` threw | its message, as tag 1 has it |
//!
//! The glue decides how deep to look: the fields object, its values, the
//! items of an array value, the members of a file object; an options
//! object and a JWK object carry only the members read from them
//! (`options.formId`, `key.kty`, …, as `Reflect.get` reads them), and
//! none that is `undefined`.

use crate::prelude::*;

use zeroize::Zeroizing;

use crate::error::KeyEncoding;
use crate::json_out::quoted;
use crate::keys::{JwkMember, JwkMembers};
use crate::{b64, Error, FieldValue, Fields, FileValue};

/// A decoded JavaScript value, borrowing its text and bytes from the
/// input (which the caller zeroizes: they may be order fields).
pub enum Value<'a> {
    Nullish,
    Text(&'a str),
    Bytes(&'a [u8]),
    List(Vec<Value<'a>>),
    /// Keys and values, alternating.
    Object(Vec<Value<'a>>),
    Unreadable,
    Other,
    Thrown(&'a str),
}

/// How deep values nest: fields, a value, an array item, a file member.
const MAX_DEPTH: usize = 4;

/// Reads the glue's encoding (module docs) from the front of `bytes`.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

/// The glue sent bytes that are not its encoding: a bug, not a caller's
/// mistake.
fn garbled() -> Error {
    Error::Unavailable("the seal build's glue sent malformed input".into())
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(garbled());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn length(&mut self) -> Result<usize, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn text(&mut self) -> Result<&'a str, Error> {
        let n = self.length()?;
        core::str::from_utf8(self.take(n)?).map_err(|_| garbled())
    }

    /// The next value.
    pub fn value(&mut self) -> Result<Value<'a>, Error> {
        self.nested(0)
    }

    fn nested(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        if depth > MAX_DEPTH {
            return Err(garbled());
        }
        let tag = self.take(1)?[0];
        Ok(match tag {
            0 => Value::Nullish,
            1 => Value::Text(self.text()?),
            2 => {
                let n = self.length()?;
                Value::Bytes(self.take(n)?)
            }
            3 | 4 => {
                // An object's count is of entries: a key and a value each.
                let n = self.length()?.saturating_mul(usize::from(tag - 2));
                // Each item takes a byte at least: a count beyond what is
                // left is garbled, not a reason to reserve memory.
                let mut items = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    items.push(self.nested(depth + 1)?);
                }
                if tag == 3 {
                    Value::List(items)
                } else {
                    Value::Object(items)
                }
            }
            5 => Value::Unreadable,
            6 => Value::Other,
            7 => Value::Thrown(self.text()?),
            _ => return Err(garbled()),
        })
    }

    /// The end of the input: anything left over is garbled.
    pub fn finish(self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(garbled())
        }
    }
}

impl<'a> Value<'a> {
    fn as_text(&self) -> Option<&'a str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The member `name` of an object (`None` if absent or not an object).
    fn member(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(entries) => entries
                .chunks_exact(2)
                .find(|entry| entry[0].as_text() == Some(name))
                .map(|entry| &entry[1]),
            _ => None,
        }
    }
}

/// Key material as the core's parsers take it: text as UTF-8, bytes as
/// they are; `Err` for anything else. (A JWK object is [`jwk_object`]'s.)
pub fn key_bytes<'a>(value: &Value<'a>) -> Result<&'a [u8], Error> {
    match *value {
        Value::Text(text) => Ok(text.as_bytes()),
        Value::Bytes(bytes) => Ok(bytes),
        _ => Err(Error::KeyMalformed(
            KeyEncoding::Jwk,
            "a key must be a JWK object, text (PEM, JWK, hex or base64url) or bytes".into(),
        )),
    }
}

/// The members of a JWK object; `None` if `value` is not an object.
pub fn jwk_object(value: &Value<'_>) -> Option<JwkMembers> {
    matches!(value, Value::Object(_)).then(|| JwkMembers::read(|name| jwk_member(value, name)))
}

/// One member of a JWK object. (Not inlined: `JwkMembers::read` calls it
/// for six names.)
#[inline(never)]
fn jwk_member(jwk: &Value<'_>, name: &str) -> JwkMember {
    // The glue leaves out members that are `undefined`; `null` is there.
    match jwk.member(name) {
        None => JwkMember::Missing,
        Some(Value::Text(text)) => JwkMember::Text(Zeroizing::new((*text).into())),
        Some(_) => JwkMember::NotString,
    }
}

/// What `JSON.parse` made of JWK text: [`crate::keys::JsonParser`] for the
/// seal build, which links no JSON parser of its own.
pub fn parsed_jwk(json: &Value<'_>) -> Result<JwkMembers, Error> {
    match json {
        Value::Thrown(why) => Err(Error::KeyMalformed(
            KeyEncoding::Jwk,
            ["not valid JSON (", why, ")"].concat(),
        )),
        value => Ok(jwk_object(value).unwrap_or_default()),
    }
}

/// An optional string member `key` of an options object (`undefined` or
/// `null` options, or member, give `None`).
pub fn option_string(options: &Value<'_>, key: &str) -> Result<Option<String>, String> {
    match options {
        Value::Nullish => Ok(None),
        Value::Object(_) => match options.member(key) {
            None | Some(Value::Nullish) => Ok(None),
            Some(Value::Text(text)) => Ok(Some((*text).into())),
            Some(Value::Unreadable) => Err(["options.", key, " cannot be read"].concat()),
            Some(_) => Err(["options.", key, " must be a string"].concat()),
        },
        _ => Err("options must be an object".into()),
    }
}

/// Form fields from an object or a `Map` of name → value, in order. A
/// value is a string, an array of strings, a file object
/// `{ name, type, data }` (`data` bytes or base64url text), or an array
/// of file objects.
pub fn fields(value: Value<'_>) -> Result<Fields, Error> {
    let Value::Object(entries) = value else {
        return Err(Error::BadPlaintext(
            "the fields must be an object (or a Map) of field names to values".into(),
        ));
    };
    let mut fields = Fields::new();
    let mut entries = entries.into_iter();
    while let (Some(name), Some(value)) = (entries.next(), entries.next()) {
        let name = name
            .as_text()
            .ok_or_else(|| Error::BadPlaintext("a field name must be a string".into()))?;
        let value = field_value(name, value)?;
        fields.push(name, value)?;
    }
    Ok(fields)
}

fn field_value(name: &str, value: Value<'_>) -> Result<FieldValue, Error> {
    match value {
        Value::Text(text) => Ok(FieldValue::Text(text.into())),
        Value::List(items) => {
            let (mut texts, mut files) = (Vec::new(), Vec::new());
            for item in items {
                match item {
                    Value::Text(text) => texts.push(text.into()),
                    item => files.push(file(name, item)?),
                }
            }
            match (texts.is_empty(), files.is_empty()) {
                (_, true) => Ok(FieldValue::List(texts)),
                (true, false) => Ok(FieldValue::Files(files)),
                (false, false) => Err(bad_field(name, "an array value mixes text and files")),
            }
        }
        Value::Object(_) => file(name, value).map(FieldValue::File),
        _ => Err(bad_field(
            name,
            "a value must be text, an array of texts or files, or a file object",
        )),
    }
}

/// `plaintext_invalid` for field `field`. Not inlined: it is called from
/// many places, each of which would get a copy of the concatenation.
#[inline(never)]
fn bad_field(field: &str, why: &str) -> Error {
    Error::BadPlaintext(["field ", &quoted(field), ": ", why].concat())
}

fn file(field: &str, value: Value<'_>) -> Result<FileValue, Error> {
    let bad = |why: &str| bad_field(field, why);
    let Value::Object(members) = value else {
        return Err(bad(
            "an array value holds text or file objects {name, type, data}",
        ));
    };
    let (mut name, mut media_type, mut data) = (None, None, None);
    let mut members = members.into_iter();
    while let (Some(key), Some(member)) = (members.next(), members.next()) {
        if matches!(member, Value::Unreadable) {
            return Err(bad("unreadable file"));
        }
        match key.as_text() {
            Some("name") => name = member.as_text().map(String::from),
            Some("type") => media_type = member.as_text().map(String::from),
            Some("data") => {
                data = match member {
                    Value::Text(text) => Some(b64::decode(text).ok_or_else(|| {
                        bad("file data text must be canonical unpadded base64url")
                    })?),
                    Value::Bytes(bytes) => Some(bytes.to_vec()),
                    _ => None,
                }
            }
            _ => return Err(bad("a file object has only the members name, type, data")),
        }
    }
    Ok(FileValue {
        name: name.ok_or_else(|| bad("a file needs a name (text)"))?,
        media_type: media_type.ok_or_else(|| bad("a file needs a type (text, may be empty)"))?,
        data: data
            .ok_or_else(|| bad("a file needs data (Uint8Array, ArrayBuffer or base64url)"))?,
    })
}
