//! Reading inputs: a path, or `-` (or no path) for standard input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::commands::error::{io_error, CliError};

/// Whether `path` means standard input (`-` or absent).
pub fn is_stdin(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p == Path::new("-"))
}

/// How to name `path` in messages.
pub fn name(path: Option<&Path>) -> String {
    match path {
        Some(p) if !is_stdin(Some(p)) => p.display().to_string(),
        _ => "standard input".to_owned(),
    }
}

/// An open input stream.
pub struct Input {
    /// The bytes, buffered.
    pub reader: Box<dyn BufRead + Send>,
    /// The size, when the input is a regular file (for progress).
    pub len: Option<u64>,
}

/// Opens `path`, or standard input for `-` or no path.
pub fn open(path: Option<&Path>) -> Result<Input, CliError> {
    // Large buffers: batches are read sequentially, megabytes at a time.
    const BUF: usize = 256 * 1024;
    match path {
        Some(p) if !is_stdin(Some(p)) => {
            let file = File::open(p).map_err(|e| io_error(p.display(), &e))?;
            let len = file
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            if file.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(CliError::new(format!("{}: is a directory", p.display()))
                    .hint("give a file of envelopes, or - for standard input"));
            }
            Ok(Input {
                reader: Box::new(BufReader::with_capacity(BUF, file)),
                len,
            })
        }
        _ => Ok(Input {
            reader: Box::new(BufReader::with_capacity(BUF, io::stdin())),
            len: None,
        }),
    }
}

/// Reads all of `path` (or standard input), refusing more than `limit`
/// bytes without reading them: key files and single orders are small, and
/// a wrong path (a disk image, a log) must not fill memory.
///
/// The buffer is zeroized on drop: it may hold a private key or an order.
pub fn read_limited(
    path: Option<&Path>,
    limit: usize,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let input = open(path)?;
    let mut buf = Zeroizing::new(Vec::new());
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    input
        .reader
        .take(cap)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(name(path), &e))?;
    if buf.len() > limit {
        return Err(CliError::new(format!(
            "{}: the {what} is larger than {limit} bytes",
            name(path)
        ))
        .with_code("limit_exceeded"));
    }
    Ok(buf)
}
