//! Table output for terminals: `#`, sid, form, time, one column per field
//! (as for CSV: fixed by the first chunk, later fields under `other`).
//! Column widths come from the first chunk too; cells are capped at 40
//! characters (cut with `…`) and control characters are escaped, so
//! customer data cannot move the cursor or recolour the terminal.

use std::io::{self, Write};

use super::{Columns, Row, Sink};
use crate::commands::text::clean;
use crate::commands::time::rfc3339;

const MAX_WIDTH: usize = 40;

/// Table writer; columns and widths fixed by the first rows.
#[derive(Default)]
pub struct Table {
    layout: Option<(Columns, Vec<usize>)>,
}

fn cell_text(s: &str) -> String {
    let cleaned = clean(s);
    if cleaned.chars().count() <= MAX_WIDTH {
        cleaned.into_owned()
    } else {
        let mut cut: String = cleaned.chars().take(MAX_WIDTH - 1).collect();
        cut.push('…');
        cut
    }
}

fn line_cells(columns: &Columns, row: &Row<'_>) -> Vec<String> {
    let number = match row.replay_of {
        Some(n) => format!("{} (replay of {n})", row.pos.number()),
        None => row.pos.number().to_string(),
    };
    let (cells, other) = columns.cells(row);
    let mut out = vec![
        number,
        row.sid.clone(),
        cell_text(&row.header.form),
        rfc3339(row.header.ts),
    ];
    out.extend(cells.iter().map(|c| cell_text(c)));
    out.push(cell_text(&other));
    out
}

fn write_cells(out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let shown: String = cell.chars().take(*width).collect();
        line.push_str(&shown);
        let pad = width.saturating_sub(shown.chars().count());
        if i + 1 < cells.len() {
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

impl Sink for Table {
    fn rows(&mut self, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.layout.is_none() {
            let columns = Columns::of(rows);
            let mut header: Vec<String> = ["#", "sid", "form", "time"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            header.extend(columns.names().iter().map(|n| cell_text(n)));
            header.push("other".to_owned());
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
            for row in rows {
                for (w, c) in widths.iter_mut().zip(line_cells(&columns, row)) {
                    *w = (*w).max(c.chars().count());
                }
            }
            write_cells(out, &header, &widths)?;
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            write_cells(out, &rule, &widths)?;
            self.layout = Some((columns, widths));
        }
        if let Some((columns, widths)) = &self.layout {
            for row in rows {
                write_cells(out, &line_cells(columns, row), widths)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
