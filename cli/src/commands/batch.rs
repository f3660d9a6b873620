//! The batch pipeline of `decrypt` and `inspect`: read records in chunks,
//! work on each chunk on all cores, hand results over in input order.
//!
//! ```text
//! reader thread ──chunk──▶ worker thread (rayon par_iter) ──results──▶ caller
//! ```
//!
//! Channels hold one chunk each, so memory is bounded by a few chunks
//! whatever the input size, and reading, opening and writing overlap. A
//! chunk is 1,024 records or 16 MiB of input, whichever comes first.

use std::io::{self, BufRead};
use std::ops::ControlFlow;
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use crate::commands::records::{Position, Record, Records};

/// Records per chunk: enough to keep every core busy between hand-overs.
pub const CHUNK_RECORDS: usize = 1024;
/// Input bytes per chunk, so that large envelopes keep chunks small.
const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// Results of one chunk, in input order.
pub struct Done<T> {
    /// Each record's position and result.
    pub items: Vec<(Position, T)>,
    /// Input bytes consumed up to the chunk's end.
    pub end_offset: u64,
}

/// Runs `work` on every record of `reader` on all cores and passes each
/// chunk's results, in order, to `take`, which may stop the batch early
/// (e.g. when stdout was closed). Fails only when reading fails.
pub fn run<R, T, W, F>(reader: R, work: W, mut take: F) -> io::Result<()>
where
    R: BufRead + Send,
    T: Send,
    W: Fn(&Record) -> T + Sync,
    F: FnMut(Done<T>) -> ControlFlow<()>,
{
    let (chunk_tx, chunk_rx) = sync_channel::<io::Result<Vec<Record>>>(1);
    let (done_tx, done_rx) = sync_channel::<io::Result<Done<T>>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK_RECORDS);
            let mut bytes = 0;
            for record in Records::new(reader) {
                match record {
                    Ok(r) => {
                        bytes += r.bytes.len();
                        chunk.push(r);
                        if chunk.len() >= CHUNK_RECORDS || bytes >= CHUNK_BYTES {
                            let full =
                                std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_RECORDS));
                            bytes = 0;
                            if chunk_tx.send(Ok(full)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        let _ = chunk_tx.send(Err(e));
                        return;
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = chunk_tx.send(Ok(chunk));
            }
        });
        let work = &work;
        scope.spawn(move || {
            for chunk in chunk_rx {
                let done = chunk.map(|records| Done {
                    end_offset: records.last().map_or(0, |r| r.end_offset),
                    items: records.par_iter().map(|r| (r.pos, work(r))).collect(),
                });
                if done_tx.send(done).is_err() {
                    return;
                }
            }
        });
        let mut result = Ok(());
        for done in done_rx.iter() {
            match done {
                Ok(done) => {
                    if take(done).is_break() {
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // Dropping the receiver stops the other threads at their next send.
        drop(done_rx);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_across_chunks() {
        let n = CHUNK_RECORDS * 2 + 7;
        let input: String = (0..n).map(|i| format!("{{\"i\":{i}}}\n")).collect();
        let mut seen = Vec::new();
        run(
            input.as_bytes(),
            |r| String::from_utf8_lossy(&r.bytes).into_owned(),
            |done| {
                seen.extend(done.items);
                ControlFlow::Continue(())
            },
        )
        .expect("in-memory read");
        assert_eq!(seen.len(), n);
        for (i, (pos, text)) in seen.iter().enumerate() {
            assert_eq!(pos.line, i as u64 + 1);
            assert_eq!(text, &format!("{{\"i\":{i}}}"));
        }
    }

    #[test]
    fn stopping_early_does_not_hang() {
        let input: String = (0..10_000).map(|i| format!("{{\"i\":{i}}}\n")).collect();
        let mut chunks = 0;
        run(
            input.as_bytes(),
            |_| (),
            |_| {
                chunks += 1;
                ControlFlow::Break(())
            },
        )
        .expect("in-memory read");
        assert_eq!(chunks, 1);
    }
}
