//! What the two binding layers say about the JavaScript values they are
//! given, in one place: the full build's (`convert.rs`, js-sys values) and
//! the seal build's (`values.rs`, values its glue encoded) walk their own
//! kind of value, and give these errors for the same mistakes
//! (`tests/node/builds.test.mjs` checks that they do).

use crate::prelude::*;

use crate::error::KeyEncoding;
use crate::json_out::quoted;
use crate::{b64, Error, FieldValue, FileValue, PublicKey, Sealer, Suite};

/// The fields are neither an object nor a `Map`.
pub fn not_fields() -> Error {
    Error::BadPlaintext("the fields must be an object (or a Map) of field names to values".into())
}

/// A `Map` key that is not a string.
pub fn name_not_text() -> Error {
    Error::BadPlaintext("a field name must be a string".into())
}

/// A key that is neither text, bytes nor an object.
pub fn not_a_key() -> Error {
    Error::KeyMalformed(
        KeyEncoding::Jwk,
        "a key must be a JWK object, text (PEM, JWK, hex or base64url) or bytes".into(),
    )
}

/// JWK text that `JSON.parse` refused, saying `why`.
pub fn not_json(why: &str) -> Error {
    Error::KeyMalformed(KeyEncoding::Jwk, ["not valid JSON (", why, ")"].concat())
}

/// `plaintext_invalid` for field `field`. Not inlined: it is called from
/// many places, each of which would get a copy of the concatenation.
#[inline(never)]
pub fn bad_field(field: &str, why: &str) -> Error {
    Error::BadPlaintext(["field ", &quoted(field), ": ", why].concat())
}

/// A field's value that is none of text, an array or a file object.
pub fn bad_value(field: &str) -> Error {
    bad_field(
        field,
        "a value must be text, an array of texts or files, or a file object",
    )
}

/// An array item that is neither text nor a file object.
pub fn not_a_file(field: &str) -> Error {
    bad_field(
        field,
        "an array value holds text or file objects {name, type, data}",
    )
}

/// A member of a file object whose getter threw.
pub fn unreadable_file(field: &str) -> Error {
    bad_field(field, "unreadable file")
}

/// A member of a file object other than `name`, `type` and `data`.
pub fn extra_file_member(field: &str) -> Error {
    bad_field(field, "a file object has only the members name, type, data")
}

/// An array value's texts, or its files.
pub fn list(field: &str, texts: Vec<String>, files: Vec<FileValue>) -> Result<FieldValue, Error> {
    match (texts.is_empty(), files.is_empty()) {
        (_, true) => Ok(FieldValue::List(texts)),
        (true, false) => Ok(FieldValue::Files(files)),
        (false, false) => Err(bad_field(field, "an array value mixes text and files")),
    }
}

/// A file's data given as text: strict base64url.
pub fn file_data_text(field: &str, text: &str) -> Result<Vec<u8>, Error> {
    b64::decode(text)
        .ok_or_else(|| bad_field(field, "file data text must be canonical unpadded base64url"))
}

/// A file object's members, once read: each is needed.
pub fn file(
    field: &str,
    name: Option<String>,
    media_type: Option<String>,
    data: Option<Vec<u8>>,
) -> Result<FileValue, Error> {
    Ok(FileValue {
        name: name.ok_or_else(|| bad_field(field, "a file needs a name (text)"))?,
        media_type: media_type
            .ok_or_else(|| bad_field(field, "a file needs a type (text, may be empty)"))?,
        data: data.ok_or_else(|| {
            bad_field(
                field,
                "a file needs data (Uint8Array, ArrayBuffer or base64url)",
            )
        })?,
    })
}

/// Options that are not an object.
pub fn options_not_object() -> String {
    "options must be an object".into()
}

/// An option whose getter threw.
pub fn option_unreadable(key: &str) -> String {
    ["options.", key, " cannot be read"].concat()
}

/// An option that is not a string.
pub fn option_not_text(key: &str) -> String {
    ["options.", key, " must be a string"].concat()
}

/// The Sealer of `new Sealer(key, { expectedKeyId, suite })`, from the
/// options as the binding read them: a key with another id is refused, and
/// the suite is looked up by name.
pub fn sealer(
    key: &PublicKey,
    expected_key_id: Result<Option<String>, String>,
    suite: Result<Option<String>, String>,
) -> Result<Sealer, Error> {
    let expected = expected_key_id.map_err(|why| Error::KeyMalformed(KeyEncoding::Raw, why))?;
    if let Some(expected) = expected {
        key.expect_key_id(&expected)?;
    }
    let sealer = Sealer::new(key);
    match suite.map_err(Error::UnsupportedSuite)? {
        Some(name) => Ok(sealer.with_suite(Suite::from_name(&name)?)),
        None => Ok(sealer),
    }
}

/// The `formId` option of `seal` and `prepare`, as the binding read it
/// (none is the empty form id, which the core refuses).
pub fn form_id(option: Result<Option<String>, String>) -> Result<String, Error> {
    Ok(option.map_err(Error::BadPlaintext)?.unwrap_or_default())
}

/// A seal's time stamp from `Date.now()`: Unix seconds; before 1970 (a
/// broken clock) counts as 0.
pub fn seal_time(now_ms: f64) -> u64 {
    (now_ms / 1000.0) as u64
}
