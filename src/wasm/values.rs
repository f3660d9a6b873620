//! JavaScript values as the seal build receives them: encoded by its glue
//! (`js/seal.js`) into bytes, decoded here, then read into core types with
//! the same rules and messages as the full build's js-sys conversions
//! (`convert.rs`; both take them from `rules.rs`).
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

use super::rules;
use crate::keys::{JwkMember, JwkMembers};
use crate::{Error, FieldValue, Fields, FileValue};

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
        _ => Err(rules::not_a_key()),
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
        Value::Thrown(why) => Err(rules::not_json(why)),
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
            Some(Value::Unreadable) => Err(rules::option_unreadable(key)),
            Some(_) => Err(rules::option_not_text(key)),
        },
        _ => Err(rules::options_not_object()),
    }
}

/// Form fields from an object or a `Map` of name → value, in order. A
/// value is a string, an array of strings, a file object
/// `{ name, type, data }` (`data` bytes or base64url text), or an array
/// of file objects.
pub fn fields(value: Value<'_>) -> Result<Fields, Error> {
    let Value::Object(entries) = value else {
        return Err(rules::not_fields());
    };
    let mut fields = Fields::new();
    let mut entries = entries.into_iter();
    while let (Some(name), Some(value)) = (entries.next(), entries.next()) {
        let name = name.as_text().ok_or_else(rules::name_not_text)?;
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
            rules::list(name, texts, files)
        }
        Value::Object(_) => file(name, value).map(FieldValue::File),
        _ => Err(rules::bad_value(name)),
    }
}

fn file(field: &str, value: Value<'_>) -> Result<FileValue, Error> {
    let Value::Object(members) = value else {
        return Err(rules::not_a_file(field));
    };
    let (mut name, mut media_type, mut data) = (None, None, None);
    let mut members = members.into_iter();
    while let (Some(key), Some(member)) = (members.next(), members.next()) {
        if matches!(member, Value::Unreadable) {
            return Err(rules::unreadable_file(field));
        }
        match key.as_text() {
            Some("name") => name = member.as_text().map(String::from),
            Some("type") => media_type = member.as_text().map(String::from),
            Some("data") => {
                data = match member {
                    Value::Text(text) => Some(rules::file_data_text(field, text)?),
                    Value::Bytes(bytes) => Some(bytes.to_vec()),
                    _ => None,
                }
            }
            _ => return Err(rules::extra_file_member(field)),
        }
    }
    rules::file(field, name, media_type, data)
}
