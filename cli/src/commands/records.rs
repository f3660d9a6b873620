//! Splitting an input stream into envelope records without reading it
//! whole: one envelope (compact or pretty-printed), a JSON array of
//! envelopes, or JSON Lines, each line a bare envelope or an object holding
//! one as its `envelope` member (as the inbox exports them).
//!
//! The splitter tracks only JSON's string and bracket structure, so memory
//! is one record (capped) at a time. Outside arrays a record ends at the end
//! of the line where its brackets balance: a broken line stays one bad
//! record and the next line starts afresh. A JSON string never contains a
//! raw line feed, so a line ending inside a string is broken too.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use orderseal::limits::MAX_ENVELOPE_BYTES;
use orderseal::{Error, Limit};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Room for a wrapper's other members (`received`, …) around an envelope.
const WRAPPER_ALLOWANCE: usize = 64 * 1024;

/// Where a record starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The 1-based line of its first byte.
    pub line: u64,
    /// Its 1-based ordinal in the input.
    pub index: u64,
    /// Whether it is an element of a JSON array.
    pub in_array: bool,
}

impl Position {
    /// The number people see: the line for JSON Lines, the element number
    /// for arrays (whose elements often share one line).
    pub fn number(&self) -> u64 {
        if self.in_array {
            self.index
        } else {
            self.line
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_array {
            write!(f, "record {} (line {})", self.index, self.line)
        } else {
            write!(f, "line {}", self.line)
        }
    }
}

/// What is wrong with a record before it is even parsed.
#[derive(Debug)]
pub enum Problem {
    /// Over the size limit; holds the size seen.
    TooLarge(usize),
    /// The input ended inside a JSON array.
    Unterminated,
}

/// One record of the input.
#[derive(Debug)]
pub struct Record {
    /// Where it starts.
    pub pos: Position,
    /// Its bytes (empty when `problem` is `TooLarge`).
    pub bytes: Vec<u8>,
    /// Set when the record cannot be an envelope at all.
    pub problem: Option<Problem>,
    /// Input bytes consumed up to its end, for progress.
    pub end_offset: u64,
}

impl Record {
    /// The envelope's JSON: the record, or its `envelope` member.
    pub fn envelope_json(&self) -> Result<Cow<'_, [u8]>, Error> {
        match self.problem {
            Some(Problem::TooLarge(actual)) => Err(Error::LimitExceeded {
                limit: Limit::EnvelopeSize,
                actual,
                max: MAX_ENVELOPE_BYTES,
            }),
            Some(Problem::Unterminated) => Err(Error::MalformedEnvelope(
                "the input ends inside a JSON array (no closing ])".into(),
            )),
            None => Ok(unwrap_envelope(&self.bytes)),
        }
    }
}

/// The `envelope` member of a wrapper object, or `bytes` itself. A string
/// member is accepted too (a store that kept the envelope as text).
fn unwrap_envelope(bytes: &[u8]) -> Cow<'_, [u8]> {
    #[derive(Deserialize)]
    struct Wrapper<'a> {
        #[serde(borrow)]
        envelope: Option<&'a RawValue>,
    }
    // Cheap test first: a bare envelope has no "envelope" member.
    if !contains(bytes, b"\"envelope\"") {
        return Cow::Borrowed(bytes);
    }
    match serde_json::from_slice::<Wrapper<'_>>(bytes) {
        Ok(Wrapper {
            envelope: Some(raw),
        }) => {
            let text = raw.get();
            if text.starts_with('"') {
                match serde_json::from_str::<String>(text) {
                    Ok(s) => Cow::Owned(s.into_bytes()),
                    Err(_) => Cow::Borrowed(bytes),
                }
            } else {
                Cow::Owned(text.as_bytes().to_vec())
            }
        }
        // Not a wrapper: let the envelope parser say what is wrong.
        _ => Cow::Borrowed(bytes),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The submission id of an envelope that failed to parse or open, if it
/// has a plausible one: for error reports only, never trusted.
pub fn salvage_sid(envelope: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct SidOnly<'a> {
        #[serde(borrow)]
        sid: Option<Cow<'a, str>>,
    }
    let sid = serde_json::from_slice::<SidOnly<'_>>(envelope).ok()?.sid?;
    let plausible = !sid.is_empty()
        && sid.len() <= 64
        && sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plausible.then(|| sid.into_owned())
}

/// A record being scanned.
struct Scan {
    pos: Position,
    bytes: Vec<u8>,
    size: usize,
    depth: i64,
    in_str: bool,
    escaped: bool,
    /// Starts with `{` or `[` (else a scalar, which ends at a delimiter).
    bracketed: bool,
}

/// Iterator over the records of a stream.
pub struct Records<R> {
    reader: R,
    state: Splitter,
    started: bool,
    done: bool,
    pending: Option<Record>,
}

/// The splitter's state, apart from the reader so that it can scan the
/// reader's buffer in place.
struct Splitter {
    cap: usize,
    line: u64,
    index: u64,
    offset: u64,
    in_array: bool,
    scan: Option<Scan>,
}

impl<R: BufRead> Records<R> {
    /// Records of `reader`, each capped at the envelope limit plus room
    /// for a wrapper.
    pub fn new(reader: R) -> Self {
        Records::with_cap(reader, MAX_ENVELOPE_BYTES + WRAPPER_ALLOWANCE)
    }

    fn with_cap(reader: R, cap: usize) -> Self {
        Records {
            reader,
            state: Splitter {
                cap,
                line: 1,
                index: 0,
                offset: 0,
                in_array: false,
                scan: None,
            },
            started: false,
            done: false,
            pending: None,
        }
    }
}

impl Splitter {
    fn finish_scan(&mut self, end_offset: u64) -> Option<Record> {
        let scan = self.scan.take()?;
        let mut bytes = scan.bytes;
        while bytes.last().is_some_and(u8::is_ascii_whitespace) {
            bytes.pop();
        }
        let problem = (scan.size > self.cap).then(|| {
            bytes = Vec::new();
            Problem::TooLarge(scan.size)
        });
        Some(Record {
            pos: scan.pos,
            bytes,
            problem,
            end_offset,
        })
    }

    /// Feeds `buf`; returns how many bytes were used and a finished record.
    fn feed(&mut self, buf: &[u8]) -> (usize, Option<Record>) {
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            let Some(scan) = self.scan.as_mut() else {
                // Between records.
                i += 1;
                match b {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    b',' if self.in_array => {}
                    b']' if self.in_array => self.in_array = false,
                    b'[' if !self.in_array => self.in_array = true,
                    _ => {
                        self.index += 1;
                        self.scan = Some(Scan {
                            pos: Position {
                                line: self.line,
                                index: self.index,
                                in_array: self.in_array,
                            },
                            bytes: Vec::with_capacity(2048),
                            size: 0,
                            depth: 0,
                            in_str: false,
                            escaped: false,
                            bracketed: b == b'{' || b == b'[',
                        });
                        // Scan this byte as the record's first.
                        i -= 1;
                    }
                }
                continue;
            };
            if self.in_array
                && !scan.bracketed
                && !scan.in_str
                && matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n')
            {
                // A scalar element ends before its delimiter, which is then
                // read between records.
                let end = self.offset + i as u64;
                return (i, self.finish_scan(end));
            }
            if scan.in_str && !scan.escaped {
                // Inside a string only `"`, `\` and a line feed change the
                // state: copy the run before the next one at once. Most of
                // an envelope is the base64url of its ciphertext, and this
                // loop runs on the reader thread, one core with the openers.
                let run = buf[i..]
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\\' | b'\n'))
                    .unwrap_or(buf.len() - i);
                if run > 0 {
                    scan.size += run;
                    if scan.size <= self.cap {
                        scan.bytes.extend_from_slice(&buf[i..i + run]);
                    } else if !scan.bytes.is_empty() {
                        scan.bytes = Vec::new();
                    }
                    i += run;
                    continue;
                }
            }
            i += 1;
            if b == b'\n' {
                self.line += 1;
                if !self.in_array && (scan.in_str || scan.depth <= 0) {
                    let end = self.offset + i as u64;
                    return (i, self.finish_scan(end));
                }
            }
            if scan.in_str {
                if scan.escaped {
                    scan.escaped = false;
                } else if b == b'\\' {
                    scan.escaped = true;
                } else if b == b'"' {
                    scan.in_str = false;
                }
            } else {
                match b {
                    b'"' => scan.in_str = true,
                    b'{' | b'[' => scan.depth += 1,
                    b'}' | b']' => scan.depth -= 1,
                    _ => {}
                }
            }
            scan.size += 1;
            if scan.size <= self.cap {
                scan.bytes.push(b);
            } else if !scan.bytes.is_empty() {
                // Over the cap: keep counting, stop holding.
                scan.bytes = Vec::new();
            }
            if self.in_array && scan.bracketed && !scan.in_str && scan.depth == 0 {
                let end = self.offset + i as u64;
                return (i, self.finish_scan(end));
            }
        }
        (i, None)
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = io::Result<Record>;

    fn next(&mut self) -> Option<io::Result<Record>> {
        if let Some(r) = self.pending.take() {
            return Some(Ok(r));
        }
        while !self.done {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let st = &mut self.state;
            if buf.is_empty() {
                self.done = true;
                let last = st.finish_scan(st.offset);
                let unterminated = st.in_array.then(|| Record {
                    pos: Position {
                        line: st.line,
                        index: st.index + 1,
                        in_array: true,
                    },
                    bytes: Vec::new(),
                    problem: Some(Problem::Unterminated),
                    end_offset: st.offset,
                });
                return match (last, unterminated) {
                    (Some(r), u) => {
                        self.pending = u;
                        Some(Ok(r))
                    }
                    (None, u) => u.map(Ok),
                };
            }
            // A UTF-8 byte order mark (Windows editors) is not JSON.
            let skip = if !self.started && buf.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            self.started = true;
            st.offset += skip as u64;
            let (used, record) = st.feed(&buf[skip..]);
            st.offset += used as u64;
            self.reader.consume(skip + used);
            if let Some(r) = record {
                return Some(Ok(r));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(u64, bool, String)> {
        Records::new(input.as_bytes())
            .map(|r| {
                let r = r.expect("in-memory read");
                let shown = match r.problem {
                    Some(Problem::TooLarge(n)) => format!("too large {n}"),
                    Some(Problem::Unterminated) => "unterminated".to_owned(),
                    None => String::from_utf8(r.bytes).expect("utf-8 test input"),
                };
                (r.pos.number(), r.pos.in_array, shown)
            })
            .collect()
    }

    #[test]
    fn json_lines_split_per_line_with_line_numbers() {
        let got = split("{\"a\":1}\n\n{\"b\":\"}\"}\r\n{\"c\":2}");
        assert_eq!(
            got,
            vec![
                (1, false, "{\"a\":1}".to_owned()),
                (3, false, "{\"b\":\"}\"}".to_owned()),
                (4, false, "{\"c\":2}".to_owned()),
            ]
        );
    }

    #[test]
    fn a_broken_line_does_not_swallow_the_next() {
        let got = split("{\"a\":\"unterminated\n{\"b\":1}\n{\"c\":{\n}}\n");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, false, "{\"a\":\"unterminated".to_owned()));
        assert_eq!(got[1], (2, false, "{\"b\":1}".to_owned()));
        assert_eq!(got[2], (3, false, "{\"c\":{\n}}".to_owned()));
    }

    #[test]
    fn pretty_printed_envelope_is_one_record() {
        let got = split("\u{feff}{\n  \"v\": 1,\n  \"x\": [1, 2]\n}\n");
        assert_eq!(
            got,
            vec![(1, false, "{\n  \"v\": 1,\n  \"x\": [1, 2]\n}".to_owned())]
        );
    }

    #[test]
    fn arrays_split_into_elements_numbered_by_position() {
        let got = split("[{\"a\":\"],\"}, {\"b\":[1]},\n 3, \"s\"]");
        assert_eq!(
            got,
            vec![
                (1, true, "{\"a\":\"],\"}".to_owned()),
                (2, true, "{\"b\":[1]}".to_owned()),
                (3, true, "3".to_owned()),
                (4, true, "\"s\"".to_owned()),
            ]
        );
        assert!(split("[]").is_empty());
    }

    #[test]
    fn an_unterminated_array_is_reported() {
        let got = split("[{\"a\":1},");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].2, "unterminated");
    }

    #[test]
    fn splitting_does_not_depend_on_where_reads_end() {
        // Strings with escaped quotes and backslashes, a line feed inside a
        // string (a broken line), brackets inside strings, an array, and
        // records over the cap, read through buffers of 1 to 9 bytes.
        let input = concat!(
            "{\"a\":\"x\\\"y\\\\\",\"b\":\"[{\"}\n",
            "{\"broken\":\"ab\ncd\"}\n",
            "[{\"c\":\"],\\\"\"}, \"s\\\"t\", 7]\n",
            "{\"long\":\"0123456789012345678901234567890123456789\"}\n{}\n",
        );
        let read = |reader: &mut dyn BufRead| -> Vec<(u64, bool, Vec<u8>, Option<usize>)> {
            Records::with_cap(reader, 40)
                .map(|r| {
                    let r = r.expect("in-memory read");
                    let big = match r.problem {
                        Some(Problem::TooLarge(n)) => Some(n),
                        _ => None,
                    };
                    (r.pos.number(), r.pos.in_array, r.bytes, big)
                })
                .collect()
        };
        let whole = read(&mut input.as_bytes());
        assert_eq!(whole.len(), 8);
        for cap in 1..10 {
            let mut small = io::BufReader::with_capacity(cap, input.as_bytes());
            assert_eq!(read(&mut small), whole, "buffers of {cap} bytes");
        }
    }

    #[test]
    fn records_over_the_cap_are_counted_not_held() {
        let big = format!("{{\"a\":\"{}\"}}\n{{}}\n", "x".repeat(100));
        let got: Vec<_> = Records::with_cap(big.as_bytes(), 50)
            .map(|r| r.expect("in-memory read"))
            .collect();
        assert!(matches!(got[0].problem, Some(Problem::TooLarge(108))));
        assert!(got[0].bytes.is_empty());
        assert_eq!(got[1].bytes, b"{}");
    }

    #[test]
    fn wrapped_envelopes_are_unwrapped() {
        let rec = br#"{"received":"2025-01-01","envelope":{"v":1}}"#;
        assert_eq!(&*unwrap_envelope(rec), br#"{"v":1}"#);
        let rec = br#"{"envelope":"{\"v\":1}"}"#;
        assert_eq!(&*unwrap_envelope(rec), br#"{"v":1}"#);
        assert_eq!(&*unwrap_envelope(br#"{"v":1}"#), br#"{"v":1}"#);
    }

    #[test]
    fn salvaged_sids_must_look_like_base64url() {
        assert_eq!(
            salvage_sid(br#"{"sid":"abc-_9","v":"x"}"#),
            Some("abc-_9".into())
        );
        assert_eq!(salvage_sid(b"{\"sid\":\"a\\u001b[2J\"}"), None);
        assert_eq!(salvage_sid(b"not json"), None);
    }
}
