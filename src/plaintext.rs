//! The plaintext schema: an order form's fields, in the order the form has
//! them, as the JSON document that is padded and sealed.
//!
//! ```text
//! { "fields": { "<name>": <value>, ... } }
//! value = "text"                                    one text value
//!       | ["text", ...]                             repeated values (multi-select, checkboxes)
//!       | {"name": "...", "type": "...", "size": n}    one file (version 2)
//!       | {"name": "...", "type": "...", "data": "<base64url>"}   one file (version 1)
//!       | [{file}, ...]                             several files
//! ```
//!
//! A version-2 plaintext is `u32be(len(doc)) || doc || bytes of each file`,
//! the files in document order, each `size` bytes: file bytes are sealed as
//! they are, not as base64url text a third larger (and slow to encode in
//! constant time). A version-1 plaintext is the document alone, files inline.
//!
//! Names are unique, non-empty, without control characters. Every size is
//! bounded by [`crate::limits`]. Field values are zeroized on drop.

use crate::prelude::*;

use crate::json_out::quoted;
use core::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::envelope::Version;
use crate::limits::{
    MAX_FIELDS, MAX_FIELD_NAME_BYTES, MAX_FILE_NAME_BYTES, MAX_PLAINTEXT_BYTES, MAX_TEXT_BYTES,
    MAX_VALUES,
};
use crate::text::{decimal, decimal_len};
use crate::{b64, json_out, Error, Limit};

/// A file attached to a form (e.g. a purchase order PDF). Zeroized on
/// drop, its bytes by [`crate::wipe`] (they may be megabytes).
#[derive(Clone, PartialEq, Eq)]
pub struct FileValue {
    /// The file's name as the customer's system gave it.
    pub name: String,
    /// Its media type (`type` in JSON), e.g. `application/pdf`; may be empty.
    pub media_type: String,
    /// Its bytes (after the document in version 2; `data`, base64url, in
    /// version 1 and in the JSON callers hand in).
    pub data: Vec<u8>,
}

/// By hand, not derived: a derived `zeroize` would clear `data` with
/// zeroize's volatile stores, and `Fields`' derived `ZeroizeOnDrop` calls
/// it before any `Drop` of ours (about 0.3 ms a MiB in wasm).
impl Zeroize for FileValue {
    fn zeroize(&mut self) {
        crate::wipe::wipe(&mut self.data);
        self.name.zeroize();
        self.media_type.zeroize();
    }
}

impl Drop for FileValue {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for FileValue {}

impl fmt::Debug for FileValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Even the file's name is customer data: show sizes only.
        write!(f, "FileValue {{ {} bytes, .. }}", self.data.len())
    }
}

/// The value of one form field. Zeroized on drop, its text by
/// [`crate::wipe::wipe_string`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue {
    /// One text value.
    Text(String),
    /// Repeated text values, in order (multi-select, checkbox groups).
    List(Vec<String>),
    /// One file.
    File(FileValue),
    /// Several files (a file input with `multiple`); never empty (an empty
    /// list is [`FieldValue::List`]).
    Files(Vec<FileValue>),
}

/// By hand, not derived: a derived `zeroize` clears text with zeroize's
/// volatile stores, byte by byte on wasm32 (the same reason as
/// `FileValue`'s).
impl Zeroize for FieldValue {
    fn zeroize(&mut self) {
        match self {
            FieldValue::Text(t) => crate::wipe::wipe_string(t),
            FieldValue::List(v) => v.iter_mut().for_each(crate::wipe::wipe_string),
            FieldValue::File(f) => f.zeroize(),
            FieldValue::Files(v) => v.iter_mut().for_each(Zeroize::zeroize),
        }
    }
}

impl Drop for FieldValue {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for FieldValue {}

impl FieldValue {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Self {
        FieldValue::Text(s.into())
    }

    /// The text, if this is one text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    fn check(&self) -> Result<(), Error> {
        let text = |s: &str| Error::check_limit(Limit::FieldValueLength, s.len(), MAX_TEXT_BYTES);
        match self {
            FieldValue::Text(s) => text(s),
            FieldValue::List(v) => {
                Error::check_limit(Limit::ValueCount, v.len(), MAX_VALUES)?;
                v.iter().try_for_each(|s| text(s))
            }
            FieldValue::File(f) => check_file(f),
            FieldValue::Files(v) => {
                Error::check_limit(Limit::ValueCount, v.len(), MAX_VALUES)?;
                v.iter().try_for_each(check_file)
            }
        }
    }
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No plaintext in Debug output: it ends up in logs and panics.
        match self {
            FieldValue::Text(s) => write!(f, "Text({} bytes)", s.len()),
            FieldValue::List(v) => write!(f, "List({} values)", v.len()),
            FieldValue::File(file) => write!(f, "File({file:?})"),
            FieldValue::Files(v) => write!(f, "Files({} files)", v.len()),
        }
    }
}

/// How a document gives a file's bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileRepr {
    /// `"data":"<base64url>"` (version 1).
    Inline,
    /// `"size":n`, the bytes after the document (version 2).
    Attached,
}

impl FieldValue {
    /// The length of the value as JSON.
    fn json_len(&self, repr: FileRepr) -> usize {
        // `[a,b]`: brackets and the commas between items.
        let list = |n: usize, items: usize| 2 + items + n.saturating_sub(1);
        match self {
            FieldValue::Text(t) => json_out::string_len(t),
            FieldValue::List(v) => list(v.len(), v.iter().map(|t| json_out::string_len(t)).sum()),
            FieldValue::File(f) => f.json_len(repr),
            FieldValue::Files(v) => list(v.len(), v.iter().map(|f| f.json_len(repr)).sum()),
        }
    }

    /// The files of this value, in order.
    fn files(&self) -> &[FileValue] {
        match self {
            FieldValue::File(f) => core::slice::from_ref(f),
            FieldValue::Files(v) => v,
            FieldValue::Text(_) | FieldValue::List(_) => &[],
        }
    }

    /// Appends the value as JSON.
    fn write(&self, out: &mut Vec<u8>, repr: FileRepr) {
        fn list<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(out, item);
            }
            out.push(b']');
        }
        match self {
            FieldValue::Text(t) => json_out::push_string(out, t),
            FieldValue::List(v) => list(out, v, |out, t| json_out::push_string(out, t)),
            FieldValue::File(f) => f.write(out, repr),
            FieldValue::Files(v) => list(out, v, |out, f| f.write(out, repr)),
        }
    }
}

impl FileValue {
    /// `{"name":…,"type":…,"data":…}` or `…,"size":…}` (the member order is
    /// the format's).
    const MEMBERS: [&'static [u8]; 2] = [b"{\"name\":", b",\"type\":"];

    fn last_member(repr: FileRepr) -> &'static [u8] {
        match repr {
            FileRepr::Inline => b",\"data\":",
            FileRepr::Attached => b",\"size\":",
        }
    }

    fn json_len(&self, repr: FileRepr) -> usize {
        let bytes = match repr {
            FileRepr::Inline => json_out::base64_len(self.data.len()),
            FileRepr::Attached => decimal_len(self.data.len() as u64),
        };
        Self::MEMBERS.iter().map(|m| m.len()).sum::<usize>()
            + Self::last_member(repr).len()
            + json_out::string_len(&self.name)
            + json_out::string_len(&self.media_type)
            + bytes
            + 1
    }

    fn write(&self, out: &mut Vec<u8>, repr: FileRepr) {
        out.extend_from_slice(Self::MEMBERS[0]);
        json_out::push_string(out, &self.name);
        out.extend_from_slice(Self::MEMBERS[1]);
        json_out::push_string(out, &self.media_type);
        out.extend_from_slice(Self::last_member(repr));
        match repr {
            FileRepr::Inline => json_out::push_base64(out, &self.data),
            FileRepr::Attached => out.extend_from_slice(decimal(self.data.len() as u64).as_bytes()),
        }
        out.push(b'}');
    }
}

/// The length prefix of a version-2 plaintext: the document's length.
const DOC_LEN_BYTES: usize = 4;

fn check_file(f: &FileValue) -> Result<(), Error> {
    Error::check_limit(Limit::FileNameLength, f.name.len(), MAX_FILE_NAME_BYTES)?;
    Error::check_limit(
        Limit::FileNameLength,
        f.media_type.len(),
        MAX_FILE_NAME_BYTES,
    )?;
    Error::check_limit(Limit::PlaintextSize, f.data.len(), MAX_PLAINTEXT_BYTES)
}

#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
struct Field {
    name: String,
    value: FieldValue,
}

/// An order form's fields, in form order, names unique.
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Fields {
    entries: Vec<Field>,
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field names are the form's schema, not customer data.
        f.debug_map()
            .entries(self.entries.iter().map(|e| (&e.name, &e.value)))
            .finish()
    }
}

impl Fields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field. Fails on a duplicate or invalid name, or a value
    /// over the limits.
    pub fn push(&mut self, name: impl Into<String>, value: FieldValue) -> Result<(), Error> {
        // One body whatever the name's type: the wasm links it once.
        self.push_owned(name.into(), value)
    }

    fn push_owned(&mut self, name: String, value: FieldValue) -> Result<(), Error> {
        Error::check_limit(Limit::FieldCount, self.entries.len() + 1, MAX_FIELDS)?;
        Error::check_limit(Limit::FieldNameLength, name.len(), MAX_FIELD_NAME_BYTES)?;
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(Error::plaintext(
                "a field name must be non-empty and without control characters",
            ));
        }
        if self.get(&name).is_some() {
            return Err(Error::plaintext(
                ["duplicate field name ", &quoted(&name)].concat(),
            ));
        }
        value.check()?;
        let value = match &value {
            FieldValue::Files(v) if v.is_empty() => FieldValue::List(Vec::new()),
            _ => value,
        };
        self.entries.push(Field { name, value });
        Ok(())
    }

    /// The value of the field with this name.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.value)
    }

    /// The fields in form order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.entries.iter().map(|e| (e.name.as_str(), &e.value))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The version-1 plaintext document `{"fields":{...}}`, compact, files
    /// inline as base64url, before padding (`docs/FORMAT.md` §4.1;
    /// [`crate::json_out`] writes it). Also the JSON form of the fields that
    /// the CLI prints and reads.
    pub fn to_document(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let len = self.document_len(FileRepr::Inline);
        Error::check_limit(Limit::PlaintextSize, len, MAX_PLAINTEXT_BYTES)?;
        let mut out = Zeroizing::new(Vec::with_capacity(len));
        self.write_document(&mut out, FileRepr::Inline);
        Ok(out)
    }

    /// The version-2 plaintext before padding (`docs/FORMAT.md` §4.1):
    /// `u32be(len(doc)) || doc || file bytes`, where the document gives each
    /// file's `size`. Its capacity is the padded length, so that
    /// [`crate::padding::pad_in_place`] pads it without a copy.
    pub fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let doc_len = self.document_len(FileRepr::Attached);
        let files: usize = self.files().map(|f| f.data.len()).sum();
        let len = DOC_LEN_BYTES + doc_len + files;
        Error::check_limit(Limit::PlaintextSize, len, MAX_PLAINTEXT_BYTES)?;
        let prefix = u32::try_from(doc_len)
            .map_err(|_| Error::plaintext("the document is longer than 2^32 - 1 bytes"))?;
        let mut out = Zeroizing::new(Vec::with_capacity(crate::padding::padded_len(len)));
        out.extend_from_slice(&prefix.to_be_bytes());
        self.write_document(&mut out, FileRepr::Attached);
        for file in self.files() {
            out.extend_from_slice(&file.data);
        }
        Ok(out)
    }

    /// The files of every field, in document order.
    fn files(&self) -> impl Iterator<Item = &FileValue> {
        self.entries.iter().flat_map(|e| e.value.files())
    }

    fn write_document(&self, out: &mut Vec<u8>, repr: FileRepr) {
        out.extend_from_slice(b"{\"fields\":{");
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_out::push_string(out, &e.name);
            out.push(b':');
            e.value.write(out, repr);
        }
        out.extend_from_slice(b"}}");
    }

    /// The exact length of the document [`Fields::write_document`] writes.
    fn document_len(&self, repr: FileRepr) -> usize {
        let members: usize = self
            .entries
            .iter()
            .map(|e| json_out::string_len(&e.name) + 1 + e.value.json_len(repr))
            .sum();
        r#"{"fields":{}}"#.len() + members + self.entries.len().saturating_sub(1)
    }

    /// Parses a version-1 plaintext document strictly (unknown members,
    /// duplicate names and anything over a limit are errors). Files are
    /// inline (`data`, base64url).
    pub fn from_document(doc: &[u8]) -> Result<Fields, Error> {
        Error::check_limit(Limit::PlaintextSize, doc.len(), MAX_PLAINTEXT_BYTES)?;
        parse_document(doc, Attachments::Inline)
    }

    /// Parses an unpadded plaintext of `version` strictly: for version 2,
    /// the length prefix, the document (files by `size`), and file bytes
    /// that add up exactly.
    pub fn from_plaintext(version: Version, plaintext: &[u8]) -> Result<Fields, Error> {
        Error::check_limit(Limit::PlaintextSize, plaintext.len(), MAX_PLAINTEXT_BYTES)?;
        match version {
            Version::V1 => parse_document(plaintext, Attachments::Inline),
            Version::V2 => {
                let (prefix, rest) = plaintext
                    .split_first_chunk::<DOC_LEN_BYTES>()
                    .ok_or_else(|| Error::plaintext("the plaintext has no document length"))?;
                let doc_len = usize::try_from(u32::from_be_bytes(*prefix)).unwrap_or(usize::MAX);
                if doc_len > rest.len() {
                    return Err(Error::plaintext(
                        "the document length is more than the plaintext holds",
                    ));
                }
                let (doc, mut files) = rest.split_at(doc_len);
                let fields = parse_document(doc, Attachments::After(&mut files))?;
                if !files.is_empty() {
                    return Err(Error::plaintext(format!(
                        "{} bytes after the document belong to no file",
                        files.len()
                    )));
                }
                Ok(fields)
            }
        }
    }
}

/// Parses `{"fields":{...}}` with files' bytes from `attachments`.
fn parse_document(doc: &[u8], mut attachments: Attachments<'_, '_>) -> Result<Fields, Error> {
    if !crate::envelope::starts_json_object(doc) {
        return Err(Error::plaintext("the document is a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(doc);
    DocumentSeed(&mut attachments)
        .deserialize(&mut de)
        .and_then(|fields| de.end().map(|()| fields))
        .map_err(|e| match extract_limit(&e) {
            Some(limit) => limit,
            None => Error::plaintext(e.to_string()),
        })
}

// serde_json flattens our errors into strings; limit errors keep their
// structure by travelling in this form and being parsed back.
const LIMIT_TAG: &str = "orderseal-limit:";

fn limit_error<E: de::Error>(err: Error) -> E {
    match err {
        Error::LimitExceeded { limit, actual, max } => {
            E::custom(format_args!("{LIMIT_TAG}{}:{actual}:{max}", limit as u8))
        }
        other => E::custom(other.to_string()),
    }
}

fn extract_limit(e: &serde_json::Error) -> Option<Error> {
    let msg = e.to_string();
    let rest = &msg[msg.find(LIMIT_TAG)? + LIMIT_TAG.len()..];
    let mut parts = rest.split([':', ' ']);
    let limit = *Limit::ALL.get(parts.next()?.parse::<usize>().ok()?)?;
    let actual = parts.next()?.parse().ok()?;
    let max = parts.next()?.parse().ok()?;
    Some(Error::LimitExceeded { limit, actual, max })
}

impl Serialize for FileValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("File", 3)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("type", &self.media_type)?;
        st.serialize_field("data", &*Zeroizing::new(b64::encode(&self.data)))?;
        st.end()
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(t) => s.serialize_str(t),
            FieldValue::List(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                v.iter().try_for_each(|t| seq.serialize_element(t))?;
                seq.end()
            }
            FieldValue::File(f) => f.serialize(s),
            FieldValue::Files(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                v.iter().try_for_each(|f| seq.serialize_element(f))?;
                seq.end()
            }
        }
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for e in &self.entries {
            map.serialize_entry(&e.name, &e.value)?;
        }
        map.end()
    }
}

/// Where a document's files have their bytes.
enum Attachments<'s, 'b> {
    /// In the file object: `data`, base64url text, or raw bytes from formats
    /// that have them (e.g. a `Uint8Array` through serde-wasm-bindgen).
    /// Version 1, and the JSON callers hand in.
    Inline,
    /// After the document: `size` bytes each, taken from the front of the
    /// slice in document order. Version 2.
    After(&'s mut &'b [u8]),
}

impl Attachments<'_, '_> {
    /// The member that gives a file's bytes.
    fn member(&self) -> &'static str {
        match self {
            Attachments::Inline => "data",
            Attachments::After(_) => "size",
        }
    }

    /// Reads that member's value.
    fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Vec<u8>, A::Error> {
        match self {
            Attachments::Inline => Ok(map.next_value::<FileData>()?.0),
            Attachments::After(rest) => {
                let size = map.next_value::<u64>()?;
                let size = usize::try_from(size)
                    .ok()
                    .filter(|&n| n <= rest.len())
                    .ok_or_else(|| {
                        de::Error::custom("a file's size is more than the bytes after the document")
                    })?;
                let (data, tail) = rest.split_at(size);
                **rest = tail;
                Ok(data.to_vec())
            }
        }
    }
}

/// The bytes of a file: base64url text in JSON, or raw bytes from
/// formats that have them (e.g. a `Uint8Array` through serde-wasm-bindgen).
struct FileData(Vec<u8>);

impl<'de> Deserialize<'de> for FileData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("file data as base64url text or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FileData, E> {
                b64::decode(v)
                    .map(FileData)
                    .ok_or_else(|| E::custom("file data is not canonical unpadded base64url"))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<FileData, E> {
                Ok(FileData(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<FileData, E> {
                Ok(FileData(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn file_from_map<'de, A: MapAccess<'de>>(
    mut map: A,
    attachments: &mut Attachments<'_, '_>,
) -> Result<FileValue, A::Error> {
    let bytes = attachments.member();
    let (mut name, mut media_type, mut data) = (None, None, None);
    while let Some(key) = map.next_key::<String>()? {
        match key.as_str() {
            "name" if name.is_none() => name = Some(map.next_value::<String>()?),
            "type" if media_type.is_none() => media_type = Some(map.next_value::<String>()?),
            k if k == bytes && data.is_none() => data = Some(attachments.read(&mut map)?),
            k if k == "name" || k == "type" || k == bytes => {
                return Err(de::Error::custom("duplicate file member"))
            }
            other => {
                return Err(de::Error::custom(format_args!(
                    "unknown file member {} (expected name, type, {bytes})",
                    quoted(other)
                )))
            }
        }
    }
    let file = FileValue {
        name: name.ok_or_else(|| de::Error::missing_field("name"))?,
        media_type: media_type.ok_or_else(|| de::Error::missing_field("type"))?,
        data: data.ok_or_else(|| de::Error::missing_field(bytes))?,
    };
    check_file(&file).map_err(limit_error)?;
    Ok(file)
}

/// Reads one file object.
struct FileSeed<'a, 's, 'b>(&'a mut Attachments<'s, 'b>);

impl<'de> Visitor<'de> for FileSeed<'_, '_, '_> {
    type Value = FileValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a file object {{name, type, {}}}", self.0.member())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FileValue, A::Error> {
        file_from_map(map, self.0)
    }
}

impl<'de> Deserialize<'de> for FileValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FileSeed(&mut Attachments::Inline))
    }
}

/// One element of an array value: text or file, never mixed.
enum Item {
    Text(String),
    File(FileValue),
}

struct ItemSeed<'a, 's, 'b>(&'a mut Attachments<'s, 'b>);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, '_, '_> {
    type Value = Item;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Item, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, '_, '_> {
    type Value = Item;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text value or a file object")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Item, E> {
        Ok(Item::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Item, E> {
        Ok(Item::Text(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item, A::Error> {
        file_from_map(map, self.0).map(Item::File)
    }
}

/// Reads one field's value.
struct ValueSeed<'a, 's, 'b>(&'a mut Attachments<'s, 'b>);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = FieldValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FieldValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_, '_> {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text value, an array of texts or files, or a file object")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<FieldValue, E> {
        Ok(FieldValue::Text(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldValue, A::Error> {
        file_from_map(map, self.0).map(FieldValue::File)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let (mut texts, mut files) = (Vec::new(), Vec::new());
        while let Some(item) = seq.next_element_seed(ItemSeed(&mut *self.0))? {
            if texts.len() + files.len() >= MAX_VALUES {
                return Err(limit_error(Error::LimitExceeded {
                    limit: Limit::ValueCount,
                    actual: MAX_VALUES + 1,
                    max: MAX_VALUES,
                }));
            }
            match item {
                Item::Text(t) => texts.push(t),
                Item::File(f) => files.push(f),
            }
        }
        match (texts.is_empty(), files.is_empty()) {
            (_, true) => Ok(FieldValue::List(texts)),
            (true, false) => Ok(FieldValue::Files(files)),
            (false, false) => Err(de::Error::custom("an array value mixes text and files")),
        }
    }
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ValueSeed(&mut Attachments::Inline).deserialize(d)
    }
}

/// Reads the object of form fields.
struct FieldsSeed<'a, 's, 'b>(&'a mut Attachments<'s, 'b>);

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_, '_, '_> {
    type Value = Fields;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_, '_, '_> {
    type Value = Fields;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of form fields")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::new();
        while let Some(name) = map.next_key::<String>()? {
            // Check the count before reading a value: bounds the work on hostile input.
            Error::check_limit(Limit::FieldCount, fields.len() + 1, MAX_FIELDS)
                .map_err(limit_error)?;
            let value = map.next_value_seed(ValueSeed(&mut *self.0))?;
            fields.push(name, value).map_err(limit_error)?;
        }
        Ok(fields)
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FieldsSeed(&mut Attachments::Inline).deserialize(d)
    }
}

/// Reads the document `{"fields":{...}}`: exactly one member.
struct DocumentSeed<'a, 's, 'b>(&'a mut Attachments<'s, 'b>);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_, '_> {
    type Value = Fields;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_, '_> {
    type Value = Fields;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"the document {"fields":{...}}"#)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "fields" if fields.is_none() => {
                    fields = Some(map.next_value_seed(FieldsSeed(&mut *self.0))?)
                }
                "fields" => return Err(de::Error::duplicate_field("fields")),
                other => return Err(de::Error::unknown_field(other, &["fields"])),
            }
        }
        fields.ok_or_else(|| de::Error::missing_field("fields"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Fields {
        let mut f = Fields::new();
        f.push("product", FieldValue::text("Fountain pen"))
            .expect("valid");
        f.push(
            "colors",
            FieldValue::List(vec!["red".into(), "blue".into()]),
        )
        .expect("valid");
        f.push(
            "po",
            FieldValue::File(FileValue {
                name: "po.pdf".into(),
                media_type: "application/pdf".into(),
                data: b"%PDF-1.7".to_vec(),
            }),
        )
        .expect("valid");
        f
    }

    #[test]
    fn zeroizing_fields_wipes_and_frees_each_files_bytes() {
        let mut fields = sample();
        fields.zeroize();
        assert!(fields.entries.is_empty());

        let mut file = FileValue {
            name: "po.pdf".into(),
            media_type: "application/pdf".into(),
            data: b"%PDF-1.7".to_vec(),
        };
        file.zeroize();
        // The bytes went through `wipe`, which leaves no allocation behind.
        assert_eq!(file.data.capacity(), 0);
        assert!(file.name.is_empty() && file.media_type.is_empty());
    }

    #[test]
    fn document_round_trips_in_form_order() {
        let doc = sample().to_document().expect("serializes");
        assert_eq!(
            std::str::from_utf8(&doc).expect("utf8"),
            r#"{"fields":{"product":"Fountain pen","colors":["red","blue"],"po":{"name":"po.pdf","type":"application/pdf","data":"JVBERi0xLjc"}}}"#
        );
        assert_eq!(Fields::from_document(&doc), Ok(sample()));
    }

    /// `u32be(len(doc)) || doc || files`, by hand.
    fn framed(doc: &str, files: &[u8]) -> Vec<u8> {
        let mut out = (doc.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(doc.as_bytes());
        out.extend_from_slice(files);
        out
    }

    #[test]
    fn version_2_plaintext_carries_file_bytes_after_the_document() {
        let pt = sample().to_plaintext().expect("serializes");
        let doc = r#"{"fields":{"product":"Fountain pen","colors":["red","blue"],"po":{"name":"po.pdf","type":"application/pdf","size":8}}}"#;
        assert_eq!(&pt[..], &framed(doc, b"%PDF-1.7")[..]);
        assert_eq!(Fields::from_plaintext(Version::V2, &pt), Ok(sample()));
        assert_eq!(pt.capacity(), crate::padding::padded_len(pt.len()));
    }

    #[test]
    fn version_2_files_take_their_bytes_in_document_order() {
        let file = |name: &str, data: &[u8]| FileValue {
            name: name.into(),
            media_type: String::new(),
            data: data.to_vec(),
        };
        let mut f = Fields::new();
        f.push("a", FieldValue::File(file("a", &[0x80, 0])))
            .expect("valid");
        f.push("note", FieldValue::text("x")).expect("valid");
        f.push(
            "b",
            FieldValue::Files(vec![file("b1", b""), file("b2", &[1, 2, 3])]),
        )
        .expect("valid");
        let pt = f.to_plaintext().expect("serializes");
        assert!(pt.ends_with(&[0x80, 0, 1, 2, 3]));
        assert_eq!(Fields::from_plaintext(Version::V2, &pt), Ok(f.clone()));
        // Bytes ending in 0x80 0x00 still unpad exactly.
        let mut padded = pt.clone();
        crate::padding::pad_in_place(&mut padded);
        let unpadded = crate::padding::unpad(&padded).expect("unpads");
        assert_eq!(Fields::from_plaintext(Version::V2, unpadded), Ok(f));
    }

    #[test]
    fn version_2_framing_errors_are_plaintext_invalid() {
        let one = r#"{"fields":{"po":{"name":"p","type":"","size":3}}}"#;
        for (why, pt) in [
            ("no length", vec![0, 0, 1]),
            ("length past the end", vec![0, 0, 0, 9, b'{', b'}']),
            ("file past the end", framed(one, b"ab")),
            ("unclaimed bytes", framed(one, b"abcd")),
            ("bytes, no files", framed(r#"{"fields":{}}"#, b"x")),
            (
                "inline data",
                framed(r#"{"fields":{"po":{"name":"p","type":"","data":""}}}"#, b""),
            ),
            (
                "size and data",
                framed(
                    r#"{"fields":{"po":{"name":"p","type":"","size":0,"data":""}}}"#,
                    b"",
                ),
            ),
            (
                "two sizes",
                framed(
                    r#"{"fields":{"po":{"name":"p","type":"","size":0,"size":0}}}"#,
                    b"",
                ),
            ),
            (
                "size not an integer",
                framed(
                    r#"{"fields":{"po":{"name":"p","type":"","size":1.0}}}"#,
                    b"a",
                ),
            ),
            (
                "negative size",
                framed(r#"{"fields":{"po":{"name":"p","type":"","size":-1}}}"#, b""),
            ),
            (
                "huge size",
                framed(
                    r#"{"fields":{"po":{"name":"p","type":"","size":18446744073709551615}}}"#,
                    b"",
                ),
            ),
            (
                "the document alone (version 1)",
                br#"{"fields":{}}"#.to_vec(),
            ),
        ] {
            assert_eq!(
                Fields::from_plaintext(Version::V2, &pt).map_err(|e| e.code()),
                Err("plaintext_invalid"),
                "{why}"
            );
        }
        // And a version-1 document does not take version 2's `size`.
        assert_eq!(
            Fields::from_document(br#"{"fields":{"po":{"name":"p","type":"","size":0}}}"#)
                .map_err(|e| e.code()),
            Err("plaintext_invalid")
        );
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let err = Fields::from_document(br#"{"fields":{"a":"1","a":"2"}}"#);
        assert_eq!(err.map_err(|e| e.code()), Err("plaintext_invalid"));
    }

    #[test]
    fn unknown_members_and_wrong_types_are_rejected() {
        for doc in [
            &br#"{"fields":{},"x":1}"#[..],
            br#"{"fields":{"a":1}}"#,
            br#"{"fields":{"a":null}}"#,
            br#"{"fields":{"a":["x",{"name":"n","type":"t","data":""}]}}"#,
            br#"{"fields":{"a":{"name":"n","type":"t"}}}"#,
            br#"{"fields":{"a":{"name":"n","type":"t","data":"A"}}}"#,
            br#"{"fields":[]}"#,
            b"[]",
            br#"[{"a":"b"}]"#,
            br#" [{}]"#,
        ] {
            assert_eq!(
                Fields::from_document(doc).map_err(|e| e.code()),
                Err("plaintext_invalid"),
                "{}",
                String::from_utf8_lossy(doc)
            );
        }
    }

    #[test]
    fn limits_keep_their_structure_through_parsing() {
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        let doc = format!(r#"{{"fields":{{"a":"{long}"}}}}"#);
        assert_eq!(
            Fields::from_document(doc.as_bytes()),
            Err(Error::LimitExceeded {
                limit: Limit::FieldValueLength,
                actual: MAX_TEXT_BYTES + 1,
                max: MAX_TEXT_BYTES
            })
        );
        let many: Vec<String> = (0..=MAX_FIELDS).map(|i| format!(r#""f{i}":"v""#)).collect();
        let doc = format!(r#"{{"fields":{{{}}}}}"#, many.join(","));
        assert!(matches!(
            Fields::from_document(doc.as_bytes()),
            Err(Error::LimitExceeded {
                limit: Limit::FieldCount,
                ..
            })
        ));
    }

    #[test]
    fn debug_shows_no_values() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("Fountain"));
        assert!(!shown.contains("po.pdf"));
        assert!(shown.contains("product"));
    }
}
