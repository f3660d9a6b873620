//! The inbox server's request handling (`orderseal serve`), in process:
//! arbitrary requests through its real router, store, key and token.
//!
//! Set up once per process: a temporary directory with the data directory
//! (`orders.db` in WAL mode, as in production), a small `www/` and `pkg/`,
//! and a canary file beside them that no response may ever contain; the
//! published test key of `tests/vectors/key.json` (the server gets only its
//! public half); the token [`TOKEN`]; a current-thread tokio runtime.
//!
//! Input: an HTTP/1-like text, so that seeds can be written by hand
//! (`fuzz/seeds/inbox_request/`):
//!
//! ```text
//! METHOD TARGET[ anything]\n      (\r\n works too)
//! Name: value\n                   (any number of headers)
//! @chunk N\n                      (optional: stream the body in N-byte pieces)
//! @abort\n                        (optional: the body ends in an error, a client gone)
//! \n
//! body bytes, to the end
//! ```
//!
//! A method, target or header that the `http` crate refuses is skipped:
//! hyper answers such a request itself, before the app. `Content-Length` is
//! sent as written (in process nothing makes it match the body).
//!
//! Checked for every request:
//! - no panic, and no 5xx;
//! - every 4xx carries `Content-Type: application/json` and a JSON object
//!   body with a non-empty string `code`. Exceptions: a body left empty for
//!   `HEAD` (axum drops the bodies of HEAD answers, RFC 9110 §9.3.2), and a
//!   static file's `416 Range Not Satisfiable`, which is ServeDir's own:
//!   empty, with the file's media type and `Content-Range: bytes */LEN`
//!   (RFC 9110 §15.5.17) — the header a client needs, not a JSON code;
//! - every response has the CSP and `nosniff` headers, and every `/api/`
//!   response `Cache-Control: no-store`;
//! - `201` only for `POST /api/orders` with a body that
//!   [`Envelope::parse`] accepts, sealed to the test key's kid, never seen
//!   before, with a receipt naming its `sid` and the SHA-256 of the bytes
//!   sent; `200` there only for exactly those bytes again (same receipt);
//!   `409` only for a known `sid` with other bytes;
//! - a `200` export only with the token; each of its lines is JSON whose
//!   `envelope` parses and whose `sha256` is that of a stored submission;
//! - no response contains the token or the canary (the file outside
//!   `www/`), unless the request itself carried it elsewhere than in
//!   `Authorization` (refusals may quote what they refuse).
#![no_main]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;
use orderseal::envelope::Envelope;
use orderseal::PrivateKey;
use orderseal_cli::serve::Inbox;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

/// The back-office token the server is given.
const TOKEN: &str = "fuzz-token-0123456789abcdef0123456789abcdef";
/// The key id of the published test key (tests/vectors/key.json).
const KID: &str = "a8796135db82e7f8";
/// The content of a file next to `www/` and `pkg/`, outside both.
const CANARY: &[u8] = b"orderseal-fuzz-canary-7f3a9c: outside www";
/// Most response bytes read; an export beyond it is dropped unread, which
/// also stops the server's reader.
const READ_LIMIT: usize = 1 << 20;
/// Where each fuzzing process keeps its directory, named by its pid.
const DIR_NAME: &str = "orderseal-fuzz-inbox";

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    /// What was answered 201, by sid: the SHA-256 (hex) of the bytes.
    stored: Mutex<HashMap<String, String>>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = fresh_dir();
        let www = dir.join("www");
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(www.join("sub")).expect("www");
        std::fs::create_dir_all(pkg.join("web")).expect("pkg");
        std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").expect("w");
        std::fs::write(www.join("order.js"), "export const x = 1;\n").expect("w");
        std::fs::write(www.join("sub/index.html"), "<!doctype html>").expect("w");
        std::fs::write(pkg.join("index.mjs"), "export {};\n").expect("w");
        std::fs::write(pkg.join("web/orderseal_bg.wasm"), b"\0asm\x01\0\0\0").expect("w");
        std::fs::write(dir.join("canary.txt"), CANARY).expect("w");
        let key = PrivateKey::from_scalar(b"orderseaf test vector key -- no!").expect("test key");
        let public = key.public_key().clone();
        assert_eq!(public.key_id().as_str(), KID);
        drop(key);
        // The runtime exists before the inbox: nothing in `open` needs it,
        // but the router's services are built for it.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let inbox = Inbox::open(&dir.join("data"), &[public], TOKEN, &www, &pkg).expect("inbox");
        Harness {
            runtime,
            router: inbox.router(),
            stored: Mutex::new(HashMap::new()),
        }
    })
}

/// `$TMPDIR/orderseal-fuzz-inbox/<pid>`, new; directories of processes
/// that are gone are removed first (statics are never dropped, so a
/// `TempDir` would not clean up after libFuzzer's exit either).
fn fresh_dir() -> PathBuf {
    let parent = std::env::temp_dir().join(DIR_NAME);
    std::fs::create_dir_all(&parent).expect("temp dir");
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let alive = name
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|pid| Path::new("/proc").join(pid.to_string()).exists());
            if !alive {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = parent.join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// One decoded input.
struct Input<'a> {
    method: &'a [u8],
    target: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    chunk: Option<usize>,
    abort: bool,
    body: &'a [u8],
}

fn decode(data: &[u8]) -> Input<'_> {
    let mut rest = data;
    let mut next_line = || -> Option<&[u8]> {
        if rest.is_empty() {
            return None;
        }
        let (line, after) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = after;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    };
    let request_line = next_line().unwrap_or_default();
    let (method, target) = match request_line.iter().position(|&b| b == b' ') {
        Some(i) => {
            let target = &request_line[i + 1..];
            let end = target
                .iter()
                .position(|&b| b == b' ')
                .unwrap_or(target.len());
            (&request_line[..i], &target[..end])
        }
        None => (request_line, &b"/"[..]),
    };
    let mut input = Input {
        method,
        target,
        headers: Vec::new(),
        chunk: None,
        abort: false,
        body: &[],
    };
    while let Some(line) = next_line() {
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix(b"@chunk ") {
            input.chunk = std::str::from_utf8(n)
                .ok()
                .and_then(|n| n.trim().parse().ok());
        } else if line == b"@abort" {
            input.abort = true;
        } else if let Some(i) = line.iter().position(|&b| b == b':') {
            input
                .headers
                .push((line[..i].trim_ascii(), line[i + 1..].trim_ascii()));
        }
    }
    input.body = rest;
    input
}

/// The request, or `None` where hyper would refuse it before the app.
fn request(input: &Input<'_>) -> Option<Request<Body>> {
    let method = Method::from_bytes(input.method).ok()?;
    let uri = Uri::try_from(input.target).ok()?;
    let mut builder = Request::builder().method(method).uri(uri);
    for &(name, value) in &input.headers {
        let name = HeaderName::from_bytes(name).ok()?;
        let value = HeaderValue::from_bytes(value).ok()?;
        builder = builder.header(name, value);
    }
    let body = match (input.chunk.filter(|&n| n > 0), input.abort) {
        (None, false) => Body::from(input.body.to_vec()),
        (chunk, abort) => {
            let size = chunk.unwrap_or(input.body.len().max(1));
            let mut pieces: Vec<Result<Bytes, std::io::Error>> = input
                .body
                .chunks(size)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            if abort {
                pieces.push(Err(std::io::Error::other("client gone")));
            }
            Body::from_stream(futures_util::stream::iter(pieces))
        }
    };
    builder.body(body).ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let input = decode(data);
    let Some(request) = request(&input) else {
        return;
    };
    let h = harness();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let authorized = request
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .any(|v| contains(v.as_bytes(), TOKEN.as_bytes()));
    // A refusal may echo what the client sent (a member name, say); the
    // token and the canary must not come from anywhere else.
    let echoed = |needle: &[u8]| {
        contains(input.target, needle)
            || contains(input.body, needle)
            || input.headers.iter().any(|(n, v)| {
                !n.eq_ignore_ascii_case(b"authorization")
                    && (contains(n, needle) || contains(v, needle))
            })
    };
    let (token_sent, canary_sent) = (echoed(TOKEN.as_bytes()), echoed(CANARY));
    let router = h.router.clone();
    let (parts, body, body_error) = h.runtime.block_on(async move {
        let response = router.oneshot(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let mut stream = body.into_data_stream();
        let mut bytes = Vec::new();
        let mut error = None;
        while bytes.len() < READ_LIMIT {
            match stream.next().await {
                Some(Ok(chunk)) => bytes.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    error = Some(e.to_string());
                    break;
                }
                None => break,
            }
        }
        (parts, bytes, error)
    });
    let status = parts.status;
    let shown = String::from_utf8_lossy(&body[..body.len().min(2000)]).into_owned();
    let context = format!("{method} {path} -> {status}: {shown}");

    assert!(!status.is_server_error(), "5xx: {context}");
    assert!(
        body_error.is_none(),
        "body failed ({body_error:?}): {context}"
    );
    assert!(
        canary_sent || !contains(&body, CANARY),
        "canary served: {context}"
    );
    assert!(
        token_sent || !contains(&body, TOKEN.as_bytes()),
        "token served: {context}"
    );

    let headers = &parts.headers;
    assert!(
        headers.contains_key(header::CONTENT_SECURITY_POLICY),
        "no CSP: {context}"
    );
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .map(HeaderValue::as_bytes),
        Some(&b"nosniff"[..]),
        "{context}"
    );
    if path.starts_with("/api/") {
        assert_eq!(
            headers
                .get(header::CACHE_CONTROL)
                .map(HeaderValue::as_bytes),
            Some(&b"no-store"[..]),
            "{context}"
        );
    }

    let app_route = path.starts_with("/api/") || path.starts_with("/.well-known/");
    if status == StatusCode::RANGE_NOT_SATISFIABLE && !app_route {
        // ServeDir's answer to a `Range` it cannot satisfy (RFC 9110
        // §15.5.17): no body, the file's media type, and the
        // `Content-Range: bytes */LEN` that tells the client what to ask.
        assert!(body.is_empty(), "{context}");
        assert!(headers.contains_key(header::CONTENT_RANGE), "{context}");
    } else if status.is_client_error() {
        assert_eq!(
            headers.get(header::CONTENT_TYPE).map(HeaderValue::as_bytes),
            Some(&b"application/json"[..]),
            "4xx without JSON: {context}"
        );
        if !(body.is_empty() && method == Method::HEAD) {
            let value: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}: {context}"));
            let code = value["code"].as_str().unwrap_or_default();
            assert!(!code.is_empty(), "4xx without a code: {context}");
        }
    }

    let submission = method == Method::POST && path == "/api/orders";
    let sent = input.body;
    match status {
        StatusCode::CREATED | StatusCode::OK | StatusCode::CONFLICT if submission => {
            assert!(!input.abort, "an aborted body was accepted: {context}");
            let envelope = Envelope::parse(sent).unwrap_or_else(|e| {
                panic!("{status} for a body that does not parse ({e}): {context}")
            });
            assert_eq!(envelope.header.kid.as_str(), KID, "{context}");
            let sid = envelope.submission_id();
            let sha256 = hex(&Sha256::digest(sent));
            let mut stored = h.stored.lock().expect("model");
            let known = stored.get(&sid).cloned();
            if status == StatusCode::CONFLICT {
                assert!(
                    known.as_ref().is_some_and(|k| *k != sha256),
                    "409 without another envelope of this sid: {context}"
                );
                return;
            }
            let receipt: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}: {context}"));
            assert_eq!(receipt["sid"].as_str(), Some(sid.as_str()), "{context}");
            assert_eq!(
                receipt["sha256"].as_str(),
                Some(sha256.as_str()),
                "{context}"
            );
            if status == StatusCode::CREATED {
                assert_eq!(known, None, "stored twice: {context}");
                stored.insert(sid, sha256);
            } else {
                assert_eq!(known, Some(sha256), "200 for unknown bytes: {context}");
            }
        }
        s if s.is_success() && submission => panic!("unexpected success: {context}"),
        StatusCode::OK if path == "/api/orders" => {
            assert!(authorized, "export without the token: {context}");
            let stored = h.stored.lock().expect("model");
            // Only whole lines: the read may stop in the middle of one.
            let end = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            for line in body[..end].split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let record: serde_json::Value =
                    serde_json::from_slice(line).unwrap_or_else(|e| panic!("{e}: {context}"));
                // The envelope's own text, as spliced in (last member).
                let marker = b",\"envelope\":";
                let start = line
                    .windows(marker.len())
                    .position(|w| w == marker)
                    .unwrap_or_else(|| panic!("no envelope: {context}"));
                let envelope = &line[start + marker.len()..line.len() - 1];
                let parsed = Envelope::parse(envelope)
                    .unwrap_or_else(|e| panic!("exported envelope ({e}): {context}"));
                assert_eq!(
                    stored.get(&parsed.submission_id()).map(String::as_str),
                    record["sha256"].as_str(),
                    "exported record not answered 201: {context}"
                );
            }
        }
        _ => {}
    }
});
