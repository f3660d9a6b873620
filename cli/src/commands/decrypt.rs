//! `orderseal decrypt`: open envelopes with one or more private keys.
//!
//! A bad record never stops a batch: it is reported on stderr with its
//! line, submission id (if readable) and error code, and counted. Opened
//! records with a submission id seen before are flagged as possible
//! replays. Exit 1 if any record failed.

use std::collections::{HashMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use orderseal::envelope::SID_LEN;
use orderseal::{Envelope, FieldValue, Keyring, Opened, Opener};
use zeroize::Zeroize;

use crate::commands::batch::{self, Done};
use crate::commands::error::{hint_for, io_error, CliError};
use crate::commands::files::FilesDir;
use crate::commands::output::{self, Format, Row};
use crate::commands::passphrase::{PassphraseArgs, Passphrases};
use crate::commands::records::{salvage_sid, Position, Record};
use crate::commands::text::clean;
use crate::commands::ui::Ui;
use crate::commands::{input, keyfile, CmdResult};

const EXAMPLES: &str = "\
Examples:
  orderseal decrypt --key keys/private.pem envelope.json
  orderseal decrypt --keyring keys/ --format csv inbox.jsonl > orders.csv
  orderseal decrypt --key new.pem --key old.pem --files-dir attachments/ inbox.jsonl
  ORDERSEAL_PASSPHRASE=... orderseal decrypt --key keys/private.pem - < inbox.jsonl

Input: one envelope, a JSON array of envelopes, or JSON Lines (one envelope per line,
bare or wrapped as {\"received\": ..., \"envelope\": {...}}). Errors are reported per record
on stderr, with a summary; the exit code is 1 if any record failed. Output is streamed:
CSV and table columns are the fields of the first 1,024 records (fewer if they are large),
in first-seen order; fields first seen later go to the last column as a JSON object.";

/// Options of `orderseal decrypt`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A private key file (PEM, DER or JWK); repeat for several keys.
    #[arg(short = 'k', long = "key", value_name = "PRIVATE")]
    keys: Vec<PathBuf>,

    /// Load every private key file in DIR (public keys are skipped).
    #[arg(long, value_name = "DIR")]
    keyring: Option<PathBuf>,

    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Write attached files to DIR/<submission id>/<file name> (mode 0600)
    /// and show their paths instead of their sizes.
    #[arg(long, value_name = "DIR")]
    files_dir: Option<PathBuf>,

    #[command(flatten)]
    passphrase: PassphraseArgs,

    /// Envelopes to open; - or nothing for standard input.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// What happened to one record.
enum Outcome {
    Opened(Box<Opened>),
    Failed {
        error: orderseal::Error,
        sid: Option<String>,
    },
}

fn open_record(opener: &Opener<'_>, record: &Record) -> Outcome {
    let json = match record.envelope_json() {
        Ok(json) => json,
        Err(error) => return Outcome::Failed { error, sid: None },
    };
    match Envelope::parse(&json).and_then(|env| opener.open_envelope(&env)) {
        Ok(opened) => Outcome::Opened(Box::new(opened)),
        Err(error) => Outcome::Failed {
            sid: salvage_sid(&json),
            error,
        },
    }
}

/// Runs `orderseal decrypt`.
pub fn run(args: Args) -> CmdResult {
    if args.keys.is_empty() && args.keyring.is_none() {
        return Err(
            CliError::usage("no private key to open envelopes with").hint(
                "Did you forget --key? e.g. `orderseal decrypt --key private.pem orders.jsonl`, \
             or --keyring DIR for all the keys in a directory",
            ),
        );
    }
    let input_path = args.input.as_deref();
    if input::is_stdin(input_path) && args.keys.iter().any(|k| input::is_stdin(Some(k))) {
        return Err(CliError::usage(
            "standard input cannot be both the key and the envelopes",
        ));
    }
    let mut pass = Passphrases::new(&args.passphrase);
    let ring = keyfile::load_keyring(&args.keys, args.keyring.as_deref(), &mut pass, &Ui::quiet())?;
    let input = input::open(input_path)?;
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let files = match &args.files_dir {
        Some(dir) => Some(FilesDir::new(dir).map_err(|e| io_error(dir.display(), &e))?),
        None => None,
    };
    let ui = Ui::for_batch(input.len);
    let opener = Opener::with_keyring(&ring);
    let mut writer = Writer {
        ui: &ui,
        ring: &ring,
        sink: output::sink(format),
        out: Vec::with_capacity(64 * 1024),
        files,
        seen: HashMap::new(),
        hinted: HashSet::new(),
        opened: 0,
        failed: 0,
        replays: 0,
        fatal: None,
        closed: false,
    };
    let read = batch::run(
        input.reader,
        |record| open_record(&opener, record),
        |done| writer.take(done),
    );
    ui.finish();
    if let Err(e) = read {
        return Err(io_error(input::name(input_path), &e));
    }
    if let Some(fatal) = writer.fatal.take() {
        return Err(fatal);
    }
    writer.finish()?;
    let Writer {
        opened,
        failed,
        replays,
        ..
    } = writer;
    if opened + failed == 0 {
        eprintln!("note: no envelopes in {}", input::name(input_path));
    }
    if !(opened == 1 && failed == 0 && replays == 0) {
        eprintln!("{opened} opened, {failed} failed, {replays} possible replays");
    }
    Ok(ExitCode::from(u8::from(failed > 0)))
}

/// The ordered end of the pipeline: reports, replay detection, files,
/// output.
struct Writer<'a> {
    ui: &'a Ui,
    ring: &'a Keyring,
    sink: Box<dyn output::Sink + Send>,
    /// The output of one chunk, before it goes to stdout: kept from chunk
    /// to chunk (cleared, with its capacity) rather than allocated anew.
    out: Vec<u8>,
    files: Option<FilesDir>,
    /// Submission ids of opened records, and where each was first seen.
    seen: HashMap<[u8; SID_LEN], Position>,
    /// Codes whose hint was already printed (once per batch is enough).
    hinted: HashSet<&'static str>,
    opened: u64,
    failed: u64,
    replays: u64,
    fatal: Option<CliError>,
    /// Standard output was closed (e.g. `| head`): stop quietly.
    closed: bool,
}

impl Writer<'_> {
    fn take(&mut self, done: Done<Outcome>) -> ControlFlow<()> {
        match self.chunk(&done.items) {
            Ok(()) => {
                self.ui.progress(done.end_offset, self.opened + self.failed);
                ControlFlow::Continue(())
            }
            Err(e) => {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    self.closed = true;
                } else {
                    self.fatal = Some(io_error("writing the output", &e));
                }
                ControlFlow::Break(())
            }
        }
    }

    fn chunk(&mut self, items: &[(Position, Outcome)]) -> io::Result<()> {
        let mut opened = Vec::with_capacity(items.len());
        for (pos, outcome) in items {
            match outcome {
                Outcome::Failed { error, sid } => self.report(pos, error, sid.as_deref()),
                Outcome::Opened(o) => {
                    let replay_of = self.replay_check(pos, o);
                    let paths = self.write_files(o)?;
                    opened.push((*pos, o, paths, replay_of));
                }
            }
        }
        self.opened += opened.len() as u64;
        let rows: Vec<Row<'_>> = opened
            .iter()
            .map(|(pos, o, paths, replay_of)| Row::new(*pos, o, paths, *replay_of))
            .collect();
        // Decrypted data passes through this buffer: cleared after use
        // (zeroize keeps the capacity).
        let buf = &mut self.out;
        let result = self.sink.rows(&rows, buf).and_then(|()| {
            let mut out = io::stdout().lock();
            out.write_all(buf)?;
            out.flush()
        });
        buf.zeroize();
        result
    }

    fn report(&mut self, pos: &Position, error: &orderseal::Error, sid: Option<&str>) {
        self.failed += 1;
        let sid = sid.map(|s| format!(" (sid {s})")).unwrap_or_default();
        self.ui.line(&format!(
            "error: {pos}{sid}: {} [{}]",
            clean(&error.to_string()),
            error.code()
        ));
        if self.hinted.insert(error.code()) {
            let hint = match error.code() {
                "unknown_kid" => Some(format!(
                    "the loaded keys are {}; add the key with that id with --key or --keyring",
                    self.ring
                        .key_ids()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => hint_for(error).map(str::to_owned),
            };
            if let Some(h) = hint {
                self.ui.line(&format!("hint: {h}"));
            }
        }
    }

    /// Where an opened record's submission id was seen before, if it was.
    /// Only opened records count: an unopened envelope's sid is not
    /// authenticated.
    fn replay_check(&mut self, pos: &Position, opened: &Opened) -> Option<u64> {
        match self.seen.get(&opened.header.sid) {
            Some(first) => {
                self.replays += 1;
                self.ui.line(&format!(
                    "warning: {pos}: submission id {} was already seen at {first}: possible replay",
                    opened.header.submission_id()
                ));
                Some(first.number())
            }
            None => {
                self.seen.insert(opened.header.sid, *pos);
                None
            }
        }
    }

    fn write_files(&self, opened: &Opened) -> io::Result<Vec<PathBuf>> {
        let Some(files) = &self.files else {
            return Ok(Vec::new());
        };
        let sid = opened.header.submission_id();
        let mut paths = Vec::new();
        for (_, value) in opened.fields.iter() {
            let list = match value {
                FieldValue::File(f) => std::slice::from_ref(f),
                FieldValue::Files(v) => v.as_slice(),
                _ => continue,
            };
            for f in list {
                paths.push(files.write(&sid, &f.name, &f.data)?);
            }
        }
        Ok(paths)
    }

    fn finish(&mut self) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        let mut buf = Vec::new();
        let result = self.sink.finish(&mut buf).and_then(|()| {
            let mut out = io::stdout().lock();
            out.write_all(&buf)?;
            out.flush()
        });
        match result {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                Err(io_error("writing the output", &e))
            }
            _ => Ok(()),
        }
    }
}
