//! Turning the JSON that `encrypt` reads into form fields.
//!
//! Accepted: the plaintext document `{"fields":{...}}`, a flat object of
//! fields, or a whole JSON order, converted like this:
//!
//! - nested objects become dotted names: `{"customer":{"name":"A"}}` is the
//!   field `customer.name`;
//! - numbers and booleans become their JSON text (`3.50` stays `3.50`);
//! - nulls are skipped;
//! - an array of scalars is a repeated field (nulls in it skipped);
//! - an object with `name` and `data` (and optionally `type`) strings is a
//!   file, `data` in base64url; an array of them is several files;
//! - any other array is flattened by position: `items.0.sku`.
//!
//! Values are taken from the raw JSON text, so number spelling survives and
//! member order (the form's order) is kept.

use std::fmt;

use orderseal::{b64, FieldValue, Fields, FileValue};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Why an input could not become fields.
pub enum FlattenError {
    /// Not JSON, or not an object at the top.
    Shape(String),
    /// The fields break a rule of the plaintext format (a limit, a name).
    Core(orderseal::Error),
}

/// The members of a JSON object, in order, values still raw.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'a RawValue>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

fn shape(why: impl Into<String>) -> FlattenError {
    FlattenError::Shape(why.into())
}

/// The fields of the JSON text `json`.
pub fn fields_from_json(json: &str) -> Result<Fields, FlattenError> {
    let top: Entries<'_> = serde_json::from_str(json)
        .map_err(|e| shape(format!("the input is not a JSON object: {e}")))?;
    // The plaintext document itself: exactly one member `fields`, an object.
    let entries = match top.0.as_slice() {
        [(name, raw)] if name == "fields" && raw.get().starts_with('{') => object(raw)?.0,
        _ => top.0,
    };
    let mut fields = Fields::new();
    for (name, raw) in entries {
        add(&mut fields, name, raw)?;
    }
    Ok(fields)
}

fn object(raw: &RawValue) -> Result<Entries<'_>, FlattenError> {
    serde_json::from_str(raw.get()).map_err(|e| shape(e.to_string()))
}

fn text(raw: &RawValue) -> Result<String, FlattenError> {
    serde_json::from_str(raw.get()).map_err(|e| shape(e.to_string()))
}

fn push(fields: &mut Fields, name: String, value: FieldValue) -> Result<(), FlattenError> {
    fields.push(name, value).map_err(FlattenError::Core)
}

/// What a raw value is, by its first character (RawValue has no
/// surrounding whitespace and is valid JSON).
enum Kind {
    Null,
    Scalar,
    Str,
    Object,
    Array,
}

fn kind(raw: &RawValue) -> Kind {
    match raw.get().as_bytes().first() {
        Some(b'n') => Kind::Null,
        Some(b'"') => Kind::Str,
        Some(b'{') => Kind::Object,
        Some(b'[') => Kind::Array,
        _ => Kind::Scalar,
    }
}

/// A scalar's text: strings decoded, numbers and booleans as written.
fn scalar_text(raw: &RawValue) -> Result<Option<String>, FlattenError> {
    Ok(match kind(raw) {
        Kind::Null => None,
        Kind::Str => Some(text(raw)?),
        Kind::Scalar => Some(raw.get().to_owned()),
        Kind::Object | Kind::Array => None,
    })
}

fn add(fields: &mut Fields, name: String, raw: &RawValue) -> Result<(), FlattenError> {
    match kind(raw) {
        Kind::Null => Ok(()),
        Kind::Str | Kind::Scalar => {
            let t = scalar_text(raw)?.unwrap_or_default();
            push(fields, name, FieldValue::Text(t))
        }
        Kind::Object => match file(&name, raw)? {
            Some(f) => push(fields, name, FieldValue::File(f)),
            None => {
                for (key, value) in object(raw)?.0 {
                    add(fields, format!("{name}.{key}"), value)?;
                }
                Ok(())
            }
        },
        Kind::Array => {
            let items: Vec<&RawValue> =
                serde_json::from_str(raw.get()).map_err(|e| shape(e.to_string()))?;
            let items: Vec<&RawValue> = items
                .into_iter()
                .filter(|i| !matches!(kind(i), Kind::Null))
                .collect();
            if items
                .iter()
                .all(|i| matches!(kind(i), Kind::Str | Kind::Scalar))
            {
                let texts = items
                    .iter()
                    .map(|i| scalar_text(i).map(Option::unwrap_or_default))
                    .collect::<Result<Vec<_>, _>>()?;
                return push(fields, name, FieldValue::List(texts));
            }
            let mut files = Vec::new();
            for item in &items {
                match file(&name, item)? {
                    Some(f) => files.push(f),
                    None => break,
                }
            }
            if files.len() == items.len() {
                return push(fields, name, FieldValue::Files(files));
            }
            for (i, item) in items.into_iter().enumerate() {
                add(fields, format!("{name}.{i}"), item)?;
            }
            Ok(())
        }
    }
}

/// The file an object describes: members `name` and `data` and optionally
/// `type`, all strings, nothing else. `data` must be base64url: an object
/// of that shape with other data is a mistake worth reporting.
fn file(field: &str, raw: &RawValue) -> Result<Option<FileValue>, FlattenError> {
    if !matches!(kind(raw), Kind::Object) {
        return Ok(None);
    }
    let entries = object(raw)?.0;
    let known = entries.iter().all(|(k, v)| {
        matches!(k.as_str(), "name" | "type" | "data") && matches!(kind(v), Kind::Str)
    });
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if !known || !has("name") || !has("data") || entries.len() > 3 {
        return Ok(None);
    }
    let (mut name, mut media_type, mut data) = (String::new(), String::new(), None);
    for (k, v) in &entries {
        let t = text(v)?;
        match k.as_str() {
            "name" => name = t,
            "type" => media_type = t,
            _ => {
                data = Some(b64::decode(&t).ok_or_else(|| {
                    shape(format!(
                        "field {field:?}: file data must be unpadded base64url (RFC 4648 §5)"
                    ))
                })?)
            }
        }
    }
    Ok(Some(FileValue {
        name,
        media_type,
        data: data.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_and_values(json: &str) -> Vec<(String, String)> {
        let fields = fields_from_json(json)
            .map_err(|_| "flatten failed")
            .expect("valid");
        fields
            .iter()
            .map(|(n, v)| {
                let shown = match v {
                    FieldValue::Text(t) => t.clone(),
                    FieldValue::List(l) => format!("{l:?}"),
                    FieldValue::File(f) => format!("file {} {}", f.name, f.data.len()),
                    FieldValue::Files(v) => format!("{} files", v.len()),
                    _ => "?".to_owned(),
                };
                (n.to_owned(), shown)
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn whole_orders_flatten_to_dotted_names_in_order() {
        let got = names_and_values(
            r#"{"customer":{"name":"Ada","vip":true},"qty":3.50,"note":null,
                "colors":["red",null,2],"items":[{"sku":"A1"},{"sku":"B2"}]}"#,
        );
        assert_eq!(
            got,
            pairs(&[
                ("customer.name", "Ada"),
                ("customer.vip", "true"),
                ("qty", "3.50"),
                ("colors", "[\"red\", \"2\"]"),
                ("items.0.sku", "A1"),
                ("items.1.sku", "B2"),
            ])
        );
    }

    #[test]
    fn the_plaintext_document_is_read_as_its_fields() {
        let got = names_and_values(
            r#"{"fields":{"po":{"name":"po.pdf","type":"application/pdf","data":"AAEC"}}}"#,
        );
        assert_eq!(got, pairs(&[("po", "file po.pdf 3")]));
        // A flat field that happens to be called "fields" stays a field.
        assert_eq!(
            names_and_values(r#"{"fields":"x"}"#),
            pairs(&[("fields", "x")])
        );
    }

    #[test]
    fn arrays_of_files_are_files_and_bad_file_data_is_an_error() {
        let got = names_and_values(
            r#"{"scans":[{"name":"a","data":""},{"name":"b","type":"t","data":"AA"}]}"#,
        );
        assert_eq!(got, pairs(&[("scans", "2 files")]));
        assert!(matches!(
            fields_from_json(r#"{"f":{"name":"a","data":"AA=="}}"#),
            Err(FlattenError::Shape(_))
        ));
    }

    #[test]
    fn non_objects_and_duplicates_are_rejected() {
        assert!(matches!(
            fields_from_json("[1]"),
            Err(FlattenError::Shape(_))
        ));
        assert!(matches!(
            fields_from_json("nope"),
            Err(FlattenError::Shape(_))
        ));
        assert!(matches!(
            fields_from_json(r#"{"a.b":"x","a":{"b":"y"}}"#),
            Err(FlattenError::Core(_))
        ));
    }
}
