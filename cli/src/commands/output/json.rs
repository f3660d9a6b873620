//! JSON and JSON Lines output: one object per opened record.
//!
//! ```text
//! {"line":3,"sid":"…","form":"order","kid":"…","ts":1764057600,
//!  "time":"2025-11-25T08:00:00Z","fields":{…},"replay_of_line":1}
//! ```
//!
//! `line` is the record's line, or its position for JSON array input;
//! `replay_of_line` appears only on a possible replay.

use std::io::{self, Write};

use serde::Serialize;

use super::{FieldsJson, Row, Sink};
use crate::commands::time::rfc3339;

#[derive(Serialize)]
struct Record<'r, 'a> {
    line: u64,
    sid: &'r str,
    form: &'a str,
    kid: &'a str,
    ts: u64,
    time: String,
    fields: FieldsJson<'r, 'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay_of_line: Option<u64>,
}

/// JSON array or JSON Lines.
pub struct Json {
    array: bool,
    written: u64,
}

impl Json {
    /// `[` records separated by `,` `]`.
    pub fn array() -> Json {
        Json {
            array: true,
            written: 0,
        }
    }

    /// One record per line.
    pub fn lines() -> Json {
        Json {
            array: false,
            written: 0,
        }
    }
}

impl Sink for Json {
    fn rows(&mut self, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        for row in rows {
            let h = row.header;
            let record = Record {
                line: row.pos.number(),
                sid: &row.sid,
                form: &h.form,
                kid: h.kid.as_str(),
                ts: h.ts,
                time: rfc3339(h.ts),
                fields: FieldsJson(row.fields.iter().collect()),
                replay_of_line: row.replay_of,
            };
            if self.array {
                out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            }
            serde_json::to_writer(&mut *out, &record)?;
            if !self.array {
                out.write_all(b"\n")?;
            }
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.array {
            out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Ok(())
    }
}
