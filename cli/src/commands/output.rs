//! Output formats of `decrypt`: the opened records as JSON, JSON Lines,
//! CSV or a table. Each format is a [`Sink`] fed chunk by chunk, so output
//! streams like input does.

mod csv;
mod json;
mod table;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use orderseal::{FieldValue, Header, Opened};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::commands::records::Position;

/// The output format of `decrypt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON array of records.
    Json,
    /// One JSON record per line.
    Jsonl,
    /// RFC 4180 CSV: sid, form, kid, ts, one column per field, other_fields.
    Csv,
    /// Aligned columns for reading on a terminal.
    Table,
}

/// Writes rows in one format.
pub trait Sink {
    /// Writes a chunk of rows, in input order.
    fn rows(&mut self, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()>;
    /// Ends the output (closing brackets, a header never written, …).
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// The sink for `format`.
pub fn sink(format: Format) -> Box<dyn Sink + Send> {
    match format {
        Format::Json => Box::new(json::Json::array()),
        Format::Jsonl => Box::new(json::Json::lines()),
        Format::Csv => Box::new(csv::Csv::default()),
        Format::Table => Box::new(table::Table::default()),
    }
}

/// An opened record, ready to show.
pub struct Row<'a> {
    /// Where it was in the input.
    pub pos: Position,
    /// Its authenticated header.
    pub header: &'a Header,
    /// Its submission id (base64url).
    pub sid: String,
    /// Its fields, in form order.
    pub fields: Vec<(&'a str, Shown<'a>)>,
    /// The number (line or record) of an earlier record with the same sid.
    pub replay_of: Option<u64>,
}

impl<'a> Row<'a> {
    /// The row of `opened`; `paths` are where its files were written, in
    /// field order (empty if files are not written).
    pub fn new(
        pos: Position,
        opened: &'a Opened,
        paths: &'a [PathBuf],
        replay_of: Option<u64>,
    ) -> Row<'a> {
        let mut paths = paths.iter();
        let mut info = |f: &'a orderseal::FileValue| FileInfo {
            name: &f.name,
            media_type: &f.media_type,
            size: f.data.len(),
            path: paths.next().map(PathBuf::as_path),
        };
        let fields = opened
            .fields
            .iter()
            .map(|(name, value)| {
                let shown = match value {
                    FieldValue::Text(t) => Shown::Text(t),
                    FieldValue::List(l) => Shown::List(l),
                    FieldValue::File(f) => Shown::File(info(f)),
                    FieldValue::Files(v) => Shown::Files(v.iter().map(&mut info).collect()),
                    _ => Shown::Unknown,
                };
                (name, shown)
            })
            .collect();
        Row {
            pos,
            header: &opened.header,
            sid: opened.header.submission_id(),
            fields,
            replay_of,
        }
    }
}

/// A field value as shown: files by name and size (or written path),
/// never by content.
pub enum Shown<'a> {
    /// One text.
    Text(&'a str),
    /// Repeated texts.
    List(&'a [String]),
    /// One file.
    File(FileInfo<'a>),
    /// Several files.
    Files(Vec<FileInfo<'a>>),
    /// A kind of value newer than this tool.
    Unknown,
}

/// What is shown of a file.
pub struct FileInfo<'a> {
    /// Its name, as the customer gave it.
    pub name: &'a str,
    /// Its media type.
    pub media_type: &'a str,
    /// Its size in bytes.
    pub size: usize,
    /// Where it was written, with `--files-dir`.
    pub path: Option<&'a Path>,
}

impl FileInfo<'_> {
    fn text(&self) -> String {
        match self.path {
            Some(p) => p.display().to_string(),
            None => format!("{} ({} bytes)", self.name, self.size),
        }
    }
}

impl Shown<'_> {
    /// The value as one line of text for a cell: lists joined with `; `,
    /// files as `name (N bytes)` or their written path.
    pub fn cell(&self) -> Cow<'_, str> {
        match self {
            Shown::Text(t) => Cow::Borrowed(t),
            Shown::List(l) => Cow::Owned(l.join("; ")),
            Shown::File(f) => Cow::Owned(f.text()),
            Shown::Files(v) => {
                Cow::Owned(v.iter().map(FileInfo::text).collect::<Vec<_>>().join("; "))
            }
            Shown::Unknown => Cow::Borrowed(""),
        }
    }
}

impl Serialize for FileInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("File", 4)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("type", self.media_type)?;
        st.serialize_field("size", &self.size)?;
        if let Some(p) = self.path {
            st.serialize_field("path", &p.display().to_string())?;
        } else {
            st.skip_field("path")?;
        }
        st.end()
    }
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Text(t) => s.serialize_str(t),
            Shown::List(l) => l.serialize(s),
            Shown::File(f) => f.serialize(s),
            Shown::Files(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                v.iter().try_for_each(|f| seq.serialize_element(f))?;
                seq.end()
            }
            Shown::Unknown => s.serialize_unit(),
        }
    }
}

/// Fields as a JSON object, in form order.
pub struct FieldsJson<'r, 'a>(pub Vec<&'r (&'a str, Shown<'a>)>);

impl Serialize for FieldsJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The field columns of CSV and table output, fixed when the first rows
/// arrive (output is streamed, so later fields cannot add columns: they go
/// to one last column instead).
pub struct Columns {
    names: Vec<String>,
    set: HashSet<String>,
}

impl Columns {
    /// The union of the field names of `rows`, in first-seen order.
    pub fn of(rows: &[Row<'_>]) -> Columns {
        let mut names = Vec::new();
        let mut set = HashSet::new();
        for row in rows {
            for (name, _) in &row.fields {
                if set.insert((*name).to_owned()) {
                    names.push((*name).to_owned());
                }
            }
        }
        Columns { names, set }
    }

    /// The field names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// One cell per column for `row`, and the JSON object of the fields
    /// that have no column (empty text if none).
    pub fn cells<'r>(&self, row: &'r Row<'_>) -> (Vec<Cow<'r, str>>, String) {
        let cells = self
            .names
            .iter()
            .map(|n| {
                row.fields
                    .iter()
                    .find(|(name, _)| name == n)
                    .map_or(Cow::Borrowed(""), |(_, v)| v.cell())
            })
            .collect();
        let others: Vec<_> = row
            .fields
            .iter()
            .filter(|(name, _)| !self.set.contains(*name))
            .collect();
        let other = if others.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&FieldsJson(others)).unwrap_or_default()
        };
        (cells, other)
    }
}
