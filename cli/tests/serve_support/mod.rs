//! Helpers for the inbox server tests: a fixture directory (keys, pages, a
//! package), the real `orderseal serve` binary on a free loopback port, and
//! small HTTP helpers (ureq, and raw TCP where we need to misbehave).

// Each test binary uses a part of the helpers; a failed helper fails the test.
#![allow(dead_code, clippy::panic)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use orderseal::{FieldValue, Fields, FileValue, PrivateKey, Sealer};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_orderseal");

/// A temporary directory with a key pair, pages and a package to serve.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub key: PrivateKey,
    pub public_pem: PathBuf,
    pub data: PathBuf,
    pub www: PathBuf,
    pub pkg: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = PrivateKey::generate().expect("key");
        let public_pem = dir.path().join("public.pem");
        std::fs::write(&public_pem, key.public_key().to_spki_pem()).expect("write key");
        let www = dir.path().join("www");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&www).expect("www");
        std::fs::create_dir_all(pkg.join("web")).expect("pkg");
        std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").expect("w");
        std::fs::write(www.join("order.js"), "export const x = 1;\n").expect("w");
        std::fs::write(www.join("style.css"), "body{}\n").expect("w");
        std::fs::write(pkg.join("index.mjs"), "export {};\n").expect("w");
        std::fs::write(pkg.join("web/orderseal.js"), "export {};\n").expect("w");
        // The 8-byte header of an empty wasm module.
        std::fs::write(pkg.join("web/orderseal_bg.wasm"), b"\0asm\x01\0\0\0").expect("w");
        let data = dir.path().join("data");
        Fixture {
            dir,
            key,
            public_pem,
            data,
            www,
            pkg,
        }
    }

    /// The usual arguments: this fixture's data, key, pages, any port.
    pub fn args(&self) -> Vec<OsString> {
        vec![
            "--addr".into(),
            "127.0.0.1:0".into(),
            "--data".into(),
            self.data.clone().into(),
            "--public-key".into(),
            self.public_pem.clone().into(),
            "--www".into(),
            self.www.clone().into(),
            "--pkg".into(),
            self.pkg.clone().into(),
        ]
    }

    pub fn start(&self) -> Server {
        Server::start(&self.args())
    }

    /// Writes a file into the fixture directory and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture file");
        path
    }

    /// The back-office token the server made.
    pub fn token(&self) -> String {
        std::fs::read_to_string(self.data.join("token"))
            .expect("token file")
            .trim()
            .to_owned()
    }

    /// An order sealed to this fixture's key, as the submitted JSON text.
    pub fn seal(&self, fields: &Fields) -> String {
        Sealer::new(self.key.public_key())
            .seal("order", fields)
            .expect("seal")
            .to_json()
    }
}

/// A small order with recognisable values.
pub fn order(tag: &str) -> Fields {
    let mut f = Fields::new();
    f.push("product", FieldValue::text(format!("Engraved pen {tag}")))
        .expect("field");
    f.push("name", FieldValue::text(format!("Customer {tag}")))
        .expect("field");
    f
}

/// An order with an attachment.
pub fn order_with_file(tag: &str, pdf: &[u8]) -> Fields {
    let mut f = order(tag);
    f.push(
        "po",
        FieldValue::File(FileValue {
            name: format!("po-{tag}.pdf"),
            media_type: "application/pdf".into(),
            data: pdf.to_vec(),
        }),
    )
    .expect("field");
    f
}

/// A running `orderseal serve`.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the server and waits until it listens.
    pub fn start(args: &[OsString]) -> Server {
        match Server::try_start(args) {
            Ok(server) => server,
            Err((status, log)) => {
                panic!("orderseal serve did not start ({status:?}):\n{log}")
            }
        }
    }

    /// Starts the server; if it exits instead, its status and stderr.
    pub fn try_start(args: &[OsString]) -> Result<Server, (Option<ExitStatus>, String)> {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn orderseal serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        // Keep draining both pipes for the server's whole life: a full pipe
        // would block it.
        let stderr = child.stderr.take().expect("stderr");
        let stdout = child.stdout.take().expect("stdout");
        for pipe in [Box::new(stderr) as Box<dyn Read + Send>, Box::new(stdout)] {
            let log = Arc::clone(&log);
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let _ = tx.send(rest.trim().trim_end_matches('/').to_owned());
                    }
                    let mut log = log.lock().expect("log");
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        drop(tx);
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => Ok(Server {
                child: Some(child),
                base,
                log,
            }),
            Err(_) => {
                let status = wait_timeout(&mut child, Duration::from_secs(5));
                if status.is_none() {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                std::thread::sleep(Duration::from_millis(100));
                let log = log.lock().expect("log").clone();
                Err((status, log))
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// host:port.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// The exit status if the server has exited (crashed), `None` while it
    /// runs. Does not wait.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child
            .as_mut()
            .expect("running")
            .try_wait()
            .expect("try_wait")
    }

    /// SIGKILL: no chance to flush or shut down.
    pub fn kill9(mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("wait");
        }
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        wait_timeout(&mut child, Duration::from_secs(30)).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("the server did not stop on SIGTERM")
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// A client that returns 4xx/5xx as responses, not errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A response, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The `code` of a JSON error body.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_owned()
    }
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .expect("read body");
    Reply {
        status,
        headers,
        body,
    }
}

/// `POST /api/orders` with `Content-Type: application/json`.
pub fn post_envelope(server: &Server, body: &str) -> Reply {
    post(
        server,
        "/api/orders",
        Some("application/json"),
        body.as_bytes(),
    )
}

pub fn post(server: &Server, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
    let mut request = agent().post(server.url(path));
    if let Some(ct) = content_type {
        request = request.header("Content-Type", ct);
    }
    reply(request.send(body).expect("POST"))
}

pub fn get(server: &Server, path: &str, token: Option<&str>) -> Reply {
    let mut request = agent().get(server.url(path));
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    reply(request.call().expect("GET"))
}

/// Every record of the export, following the `since` cursor.
pub fn export_all(server: &Server, token: &str) -> Vec<serde_json::Value> {
    let mut records = Vec::new();
    let mut since = 0;
    loop {
        let r = get(
            server,
            &format!("/api/orders?since={since}&limit=500"),
            Some(token),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let page: Vec<serde_json::Value> = r
            .text()
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect();
        let Some(last) = page.last() else {
            return records;
        };
        since = last["id"].as_i64().expect("id");
        records.extend(page);
    }
}

/// Sends raw bytes and reads until the server closes or `timeout` passes;
/// returns what came back (possibly partial) and whether writing failed.
/// Reads on another thread while writing, so that an answer sent before the
/// request is complete (413) is read before the server's close can reset
/// the connection.
pub fn raw_exchange(addr: &str, head: &[u8], body: &[u8], timeout: Duration) -> (String, bool) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream.set_write_timeout(Some(timeout)).expect("timeout");
    let mut reader = stream.try_clone().expect("clone");
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
            // One response is all we want.
            if let Some(end) = find(&out, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&out[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok());
                if len.is_some_and(|len| out.len() >= end + 4 + len) {
                    break;
                }
            }
        }
        out
    });
    let write_failed = stream.write_all(head).is_err() || stream.write_all(body).is_err();
    let out = reading.join().expect("reader");
    (String::from_utf8_lossy(&out).into_owned(), write_failed)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `needle` occurs in the file at `path` (false if there is no file).
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path)
        .map(|bytes| find(&bytes, needle).is_some())
        .unwrap_or(false)
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
