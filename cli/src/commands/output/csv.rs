//! CSV output (RFC 4180: CRLF line ends, fields with `,` `"` CR or LF
//! quoted, quotes doubled).
//!
//! Header: `sid,form,kid,ts`, then the union of the field names of the
//! first chunk of records (up to 1,024 records, fewer if they are large) in
//! first-seen order, then `other_fields`. Output is streamed, so the header
//! cannot wait for the last record: a field first seen later goes into
//! `other_fields`, a JSON object of such fields (empty when there are none).
//! `ts` is RFC 3339 UTC. Lists are joined with `; `; files show as
//! `name (N bytes)`, or their path with `--files-dir`.
//!
//! Cells of customer data that a spreadsheet would run as a formula (first
//! character `=` `+` `-` `@`, tab or CR, and not a plain number) get a
//! leading `'`, as OWASP recommends against CSV injection.

use std::io::{self, Write};

use super::{Columns, Row, Sink};
use crate::commands::time::rfc3339;

/// CSV writer; columns fixed by the first rows.
#[derive(Default)]
pub struct Csv {
    columns: Option<Columns>,
}

const FIXED: [&str; 4] = ["sid", "form", "kid", "ts"];
const OTHER: &str = "other_fields";

impl Csv {
    fn header(&mut self, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        let columns = Columns::of(rows);
        // Field names come from the envelope too: defused like cells.
        let fields: Vec<String> = columns.names().iter().map(|n| defuse(n)).collect();
        let names = FIXED
            .iter()
            .copied()
            .chain(fields.iter().map(String::as_str))
            .chain([OTHER]);
        write_line(out, names)?;
        self.columns = Some(columns);
        Ok(())
    }
}

impl Sink for Csv {
    fn rows(&mut self, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.columns.is_none() {
            self.header(rows, out)?;
        }
        let Some(columns) = &self.columns else {
            return Ok(());
        };
        for row in rows {
            let (cells, other) = columns.cells(row);
            let h = row.header;
            let time = rfc3339(h.ts);
            let fixed = [row.sid.clone(), defuse(&h.form), h.kid.to_string(), time];
            let cells: Vec<String> = cells.iter().map(|c| defuse(c)).collect();
            write_line(
                out,
                fixed
                    .iter()
                    .map(String::as_str)
                    .chain(cells.iter().map(String::as_str))
                    .chain([other.as_str()]),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.columns.is_none() {
            // Nothing opened: still a valid CSV with its fixed columns.
            self.header(&[], out)?;
        }
        Ok(())
    }
}

fn write_line<'a>(out: &mut dyn Write, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if cell.contains([',', '"', '\r', '\n']) {
            out.write_all(b"\"")?;
            out.write_all(cell.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

/// `cell` with a leading `'` if a spreadsheet would evaluate it.
fn defuse(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_as_rfc_4180_says() {
        let mut out = Vec::new();
        write_line(
            &mut out,
            ["a", "b,c", "say \"hi\"", "two\nlines"].into_iter(),
        )
        .expect("write to Vec");
        assert_eq!(out, b"a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }

    #[test]
    fn formulas_are_defused_but_numbers_are_not() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("-5"), "-5");
        assert_eq!(defuse("+3.5"), "+3.5");
        assert_eq!(defuse("plain"), "plain");
    }
}
