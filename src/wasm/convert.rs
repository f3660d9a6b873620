//! Conversions between JavaScript values and core types.
//!
//! JavaScript values arrive untyped; each function here maps the JS types a
//! caller may pass onto the core's constructors, and refuses the rest with
//! the errors of `rules.rs`, which the seal build's `values.rs` gives too.
//! Validation (names, sizes, key checks) is the core's: [`Fields::push`],
//! [`crate::PublicKey::parse`], [`crate::PrivateKey::parse`].

use crate::prelude::*;

use js_sys::{Array, ArrayBuffer, Map, Object, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use super::rules;
use crate::envelope::Header;
use crate::keys::{JwkMember, JwkMembers};
use crate::{Error, FieldValue, Fields, FileValue};

/// The bytes of a `Uint8Array` or `ArrayBuffer`, if `value` is one.
fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Some(array.to_vec())
    } else {
        value
            .dyn_ref::<ArrayBuffer>()
            .map(|buffer| Uint8Array::new(buffer).to_vec())
    }
}

/// Whether `value` is an object that is neither an array nor a function.
fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value) && !value.is_function()
}

/// Key material as the core's parsers take it: text (PEM, JWK, hex,
/// base64url) as UTF-8, bytes (DER, raw SEC1) as they are, and a JWK object
/// as its JSON text (`JSON.stringify`).
///
/// Zeroized on drop: it may be a private key.
pub fn key_bytes(value: &JsValue) -> Result<Zeroizing<Vec<u8>>, Error> {
    if let Some(text) = value.as_string() {
        return Ok(Zeroizing::new(Zeroizing::new(text).as_bytes().to_vec()));
    }
    if let Some(bytes) = bytes(value) {
        return Ok(Zeroizing::new(bytes));
    }
    if is_plain_object(value) {
        if let Some(text) = JSON::stringify(value).ok().and_then(|s| s.as_string()) {
            return Ok(Zeroizing::new(Zeroizing::new(text).as_bytes().to_vec()));
        }
    }
    Err(rules::not_a_key())
}

/// Parses key text that is JSON (a JWK) with the JavaScript engine's
/// `JSON.parse`, for [`crate::PublicKey::parse_with`]: the seal build links
/// no JSON parser of its own.
pub fn parse_jwk(text: &str) -> Result<JwkMembers, Error> {
    let value = JSON::parse(text)
        .map_err(|e| rules::not_json(&String::from(js_sys::Error::from(e).message())))?;
    Ok(jwk_object(&value).unwrap_or_default())
}

/// The members of a JWK given as a JavaScript object, read with
/// `Reflect.get`; `None` if `value` is not a plain object, or is bytes
/// (a typed array or `ArrayBuffer`, for [`key_bytes`]). (Rather than
/// [`key_bytes`], whose `JSON.stringify` text is parsed again.)
pub fn jwk_object(value: &JsValue) -> Option<JwkMembers> {
    let is_bytes = ArrayBuffer::is_view(value) || value.is_instance_of::<ArrayBuffer>();
    (is_plain_object(value) && !is_bytes).then(|| {
        JwkMembers::read(
            |name| match js_sys::Reflect::get(value, &JsValue::from_str(name)) {
                Ok(v) if v.is_undefined() => JwkMember::Missing,
                Ok(v) => v
                    .as_string()
                    .map_or(JwkMember::NotString, |s| JwkMember::Text(Zeroizing::new(s))),
                Err(_) => JwkMember::NotString,
            },
        )
    })
}

/// An optional string member `key` of an options object (`undefined` or
/// `null` options, or member, give `None`).
pub fn option_string(options: &JsValue, key: &str) -> Result<Option<String>, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !is_plain_object(options) {
        return Err(rules::options_not_object());
    }
    let value = js_sys::Reflect::get(options, &JsValue::from_str(key))
        .map_err(|_| rules::option_unreadable(key))?;
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| rules::option_not_text(key))
    }
}

/// An envelope as text: a string, or its UTF-8 bytes.
pub fn envelope_bytes(value: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(text) = value.as_string() {
        Ok(text.into_bytes())
    } else {
        bytes(value).ok_or_else(|| {
            Error::MalformedEnvelope("an envelope must be JSON text or its bytes".into())
        })
    }
}

/// Form fields from a plain object or a `Map` of name → value, in the
/// object's property order (a `Map`'s insertion order). A value is
///
/// - a string: one text value;
/// - an array of strings: repeated values (multi-select, checkbox group);
/// - a file object `{ name, type, data }`, `data` a `Uint8Array`, an
///   `ArrayBuffer` or base64url text;
/// - an array of file objects.
pub fn fields_from_js(value: &JsValue) -> Result<Fields, Error> {
    let entries: Array = if let Some(map) = value.dyn_ref::<Map>() {
        Array::from(&map.entries().into())
    } else if is_plain_object(value) {
        Object::entries(value.unchecked_ref::<Object>())
    } else {
        return Err(rules::not_fields());
    };
    let mut fields = Fields::new();
    for entry in entries.iter() {
        let entry: Array = entry.unchecked_into();
        let name = entry.get(0).as_string().ok_or_else(rules::name_not_text)?;
        let value = value_from_js(&name, &entry.get(1))?;
        fields.push(name, value)?;
    }
    Ok(fields)
}

fn value_from_js(name: &str, value: &JsValue) -> Result<FieldValue, Error> {
    if let Some(text) = value.as_string() {
        return Ok(FieldValue::Text(text));
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        let (mut texts, mut files) = (Vec::new(), Vec::new());
        for item in array.iter() {
            match item.as_string() {
                Some(text) => texts.push(text),
                None => files.push(file_from_js(name, &item)?),
            }
        }
        return rules::list(name, texts, files);
    }
    if is_plain_object(value) {
        return file_from_js(name, value).map(FieldValue::File);
    }
    Err(rules::bad_value(name))
}

fn file_from_js(field: &str, value: &JsValue) -> Result<FileValue, Error> {
    if !is_plain_object(value) {
        return Err(rules::not_a_file(field));
    }
    let (mut name, mut media_type, mut data) = (None, None, None);
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let member =
            js_sys::Reflect::get(value, &key).map_err(|_| rules::unreadable_file(field))?;
        match key.as_string().as_deref() {
            Some("name") => name = member.as_string(),
            Some("type") => media_type = member.as_string(),
            Some("data") => {
                data = match member.as_string() {
                    Some(text) => Some(rules::file_data_text(field, &text)?),
                    None => bytes(&member),
                }
            }
            _ => return Err(rules::extra_file_member(field)),
        }
    }
    rules::file(field, name, media_type, data)
}

/// Fields as `[name, value]` pairs in form order, and as a plain object
/// (the same values): text as strings, lists as arrays, files as
/// `{ name, type, data: Uint8Array }`.
///
/// The object is built with `Object.fromEntries`, which defines
/// properties: a field named `__proto__` stays a field. Its keys do not
/// keep the form's order when names look like array indices (`"2"` comes
/// before `"a"`, whatever the form said): the pairs do.
pub fn fields_to_js(fields: &Fields) -> (Array, JsValue) {
    let entries = Array::new();
    for (name, value) in fields.iter() {
        let value: JsValue = match value {
            FieldValue::Text(text) => JsValue::from_str(text),
            FieldValue::List(texts) => texts
                .iter()
                .map(|t| JsValue::from_str(t))
                .collect::<Array>()
                .into(),
            FieldValue::File(file) => file_to_js(file),
            FieldValue::Files(files) => files.iter().map(file_to_js).collect::<Array>().into(),
        };
        entries.push(&Array::of2(&JsValue::from_str(name), &value));
    }
    let object = from_entries(&entries);
    (entries, object)
}

fn file_to_js(file: &FileValue) -> JsValue {
    let entries = Array::new();
    entries.push(&Array::of2(&"name".into(), &JsValue::from_str(&file.name)));
    entries.push(&Array::of2(
        &"type".into(),
        &JsValue::from_str(&file.media_type),
    ));
    entries.push(&Array::of2(
        &"data".into(),
        &Uint8Array::new_from_slice(&file.data).into(),
    ));
    from_entries(&entries)
}

/// An envelope header's members as a JavaScript object has them, in the
/// envelope's order, for `object`: `v, suite, kid, form, sid, ts`.
pub fn header_entries(h: &Header) -> Vec<(&'static str, JsValue)> {
    vec![
        ("v", JsValue::from_f64(h.version.number() as f64)),
        ("suite", JsValue::from_str(h.suite.name())),
        ("kid", JsValue::from_str(h.kid.as_str())),
        ("form", JsValue::from_str(&h.form)),
        ("sid", JsValue::from_str(&h.submission_id())),
        // At most 2^53 - 1 (checked when sealing and parsing): exact as a number.
        ("ts", JsValue::from_f64(h.ts as f64)),
    ]
}

/// An object from `(name, value)` pairs, defined in order.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let entries = Array::new();
    for (key, value) in pairs {
        entries.push(&Array::of2(&JsValue::from_str(key), value));
    }
    from_entries(&entries)
}

fn from_entries(entries: &Array) -> JsValue {
    // Object.fromEntries does not throw for an array of [string, value]
    // pairs. Were it to, its error is rethrown as it is: `expect` would
    // format it with `Debug`, which brings wasm-bindgen's `debugString`
    // into the glue of the seal build.
    Object::from_entries(entries)
        .unwrap_or_else(|error| wasm_bindgen::throw_val(error))
        .into()
}
