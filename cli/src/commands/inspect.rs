//! `orderseal inspect`: show envelope headers without any key.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use orderseal::Envelope;
use serde::Serialize;

use crate::commands::batch::{self, Done};
use crate::commands::error::{hint_for, io_error};
use crate::commands::records::{salvage_sid, Position, Record};
use crate::commands::text::clean;
use crate::commands::time::rfc3339;
use crate::commands::ui::Ui;
use crate::commands::{input, CmdResult};

const EXAMPLES: &str = "\
Examples:
  orderseal inspect envelope.json
  orderseal inspect --json inbox.jsonl | jq -r .kid | sort | uniq -c
  curl -s https://shop.example/inbox/export | orderseal inspect -

Input: one envelope, a JSON array of envelopes, or JSON Lines, as for decrypt.
Nothing is decrypted: the header is authenticated only when the envelope is opened.";

/// Options of `orderseal inspect`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Print one JSON object per envelope instead of text.
    #[arg(long)]
    json: bool,

    /// Envelopes to inspect; - or nothing for standard input.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// The header of one envelope, as shown.
#[derive(Serialize)]
struct Shown {
    line: u64,
    v: u64,
    suite: &'static str,
    kid: String,
    form: String,
    sid: String,
    ts: u64,
    time: String,
    enc_bytes: usize,
    ct_bytes: usize,
    envelope_bytes: usize,
}

type Outcome = Result<Shown, (orderseal::Error, Option<String>)>;

fn inspect_record(record: &Record) -> Outcome {
    let json = record.envelope_json().map_err(|e| (e, None))?;
    let env = Envelope::parse(&json).map_err(|e| (e, salvage_sid(&json)))?;
    let h = &env.header;
    Ok(Shown {
        line: record.pos.number(),
        v: h.version.number(),
        suite: h.suite.name(),
        kid: h.kid.to_string(),
        form: h.form.clone(),
        sid: h.submission_id(),
        ts: h.ts,
        time: rfc3339(h.ts),
        enc_bytes: env.enc.len(),
        ct_bytes: env.ct.len(),
        envelope_bytes: json.len(),
    })
}

fn write_text(out: &mut impl Write, pos: &Position, s: &Shown) -> io::Result<()> {
    writeln!(out, "{pos}")?;
    writeln!(out, "  version   {}", s.v)?;
    writeln!(out, "  suite     {}", s.suite)?;
    writeln!(out, "  kid       {}", s.kid)?;
    writeln!(out, "  form      {}", s.form)?;
    writeln!(out, "  sid       {}", s.sid)?;
    writeln!(out, "  time      {} ({})", s.time, s.ts)?;
    writeln!(out, "  enc       {} bytes", s.enc_bytes)?;
    writeln!(out, "  ct        {} bytes", s.ct_bytes)?;
    writeln!(out, "  envelope  {} bytes", s.envelope_bytes)
}

/// Runs `orderseal inspect`.
pub fn run(args: Args) -> CmdResult {
    let path = args.input.as_deref();
    let input = input::open(path)?;
    let ui = Ui::for_batch(input.len);
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut hinted = false;
    let mut fatal = None;
    let mut first = true;
    let read = batch::run(input.reader, inspect_record, |done: Done<Outcome>| {
        let mut out = io::stdout().lock();
        let mut write = || -> io::Result<()> {
            for (pos, outcome) in &done.items {
                match outcome {
                    Ok(shown) if args.json => {
                        serde_json::to_writer(&mut out, shown)?;
                        out.write_all(b"\n")?;
                        ok += 1;
                    }
                    Ok(shown) => {
                        if !first {
                            out.write_all(b"\n")?;
                        }
                        first = false;
                        write_text(&mut out, pos, shown)?;
                        ok += 1;
                    }
                    Err((e, sid)) => {
                        failed += 1;
                        let sid = sid
                            .as_deref()
                            .map(|s| format!(" (sid {s})"))
                            .unwrap_or_default();
                        ui.line(&format!(
                            "error: {pos}{sid}: {} [{}]",
                            clean(&e.to_string()),
                            e.code()
                        ));
                        if !hinted {
                            if let Some(h) = hint_for(e) {
                                ui.line(&format!("hint: {h}"));
                                hinted = true;
                            }
                        }
                    }
                }
            }
            out.flush()
        };
        match write() {
            Ok(()) => {
                ui.progress(done.end_offset, ok + failed);
                ControlFlow::Continue(())
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    fatal = Some(io_error("writing the output", &e));
                }
                ControlFlow::Break(())
            }
        }
    });
    ui.finish();
    read.map_err(|e| io_error(input::name(path), &e))?;
    if let Some(e) = fatal {
        return Err(e);
    }
    if ok + failed == 0 {
        eprintln!("note: no envelopes in {}", input::name(path));
    }
    if failed > 0 {
        eprintln!("{ok} envelopes, {failed} unreadable");
    }
    Ok(ExitCode::from(u8::from(failed > 0)))
}
