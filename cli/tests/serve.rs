//! `orderseal serve` tested from outside: the real binary on loopback, a
//! temporary data directory, envelopes sealed with the core `Sealer`.

mod serve_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orderseal::{PrivateKey, Sealer};
use serve_support::*;

// --- submissions -------------------------------------------------------

#[test]
fn submission_is_answered_201_with_a_receipt_of_the_stored_bytes() {
    let fx = Fixture::new();
    let server = fx.start();
    let envelope = fx.seal(&order("a"));
    let r = post_envelope(&server, &envelope);
    assert_eq!(r.status, 201, "{}", r.text());
    let receipt = r.json();
    let sid = orderseal::Envelope::parse(envelope.as_bytes())
        .expect("parse")
        .submission_id();
    assert_eq!(receipt["sid"], sid.as_str());
    assert_eq!(receipt["sha256"], sha256_hex(envelope.as_bytes()).as_str());
    let received = receipt["received"].as_str().expect("received");
    assert!(humantime::parse_rfc3339(received).is_ok(), "{received}");

    let records = export_all(&server, &fx.token());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["sha256"], receipt["sha256"]);
    assert_eq!(records[0]["received"], receipt["received"]);
    // The compact envelope comes back byte for byte.
    assert_eq!(records[0]["envelope"].to_string().len(), envelope.len());
    let line = get(&server, "/api/orders", Some(&fx.token())).text();
    assert!(
        line.contains(&format!("\"envelope\":{envelope}}}")),
        "{line}"
    );
}

#[test]
fn retry_with_the_same_bytes_gets_the_same_receipt_with_200() {
    let fx = Fixture::new();
    let server = fx.start();
    let envelope = fx.seal(&order("retry"));
    let first = post_envelope(&server, &envelope);
    assert_eq!(first.status, 201);
    let again = post_envelope(&server, &envelope);
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), first.json());
    assert_eq!(export_all(&server, &fx.token()).len(), 1);
}

#[test]
fn same_sid_with_other_bytes_is_409_and_nothing_changes() {
    let fx = Fixture::new();
    let server = fx.start();
    let envelope = fx.seal(&order("conflict"));
    assert_eq!(post_envelope(&server, &envelope).status, 201);
    // Same sid, another ts (the server cannot check the tag; it must still
    // not replace what it has).
    let mut value: serde_json::Value = serde_json::from_str(&envelope).expect("json");
    value["ts"] = serde_json::json!(1);
    let r = post_envelope(&server, &value.to_string());
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.code(), "conflict");
    // Same members, other whitespace: other bytes too.
    let spaced = envelope.replacen(',', ", ", 1);
    assert_eq!(post_envelope(&server, &spaced).status, 409);
    let records = export_all(&server, &fx.token());
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["sha256"],
        sha256_hex(envelope.as_bytes()).as_str()
    );
}

#[test]
fn envelope_for_another_key_is_422_unknown_kid() {
    let fx = Fixture::new();
    let server = fx.start();
    let other = PrivateKey::generate().expect("key");
    let envelope = Sealer::new(other.public_key())
        .seal("order", &order("x"))
        .expect("seal")
        .to_json();
    let r = post_envelope(&server, &envelope);
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.code(), "unknown_kid");
    assert!(export_all(&server, &fx.token()).is_empty());
}

#[test]
fn malformed_envelopes_are_refused_with_the_core_codes() {
    let fx = Fixture::new();
    let server = fx.start();
    let good: serde_json::Value = serde_json::from_str(&fx.seal(&order("m"))).expect("json");
    let with = |member: &str, value: serde_json::Value| {
        let mut v = good.clone();
        v[member] = value;
        v.to_string()
    };
    let mut extra = good.clone();
    extra["note"] = serde_json::json!("hi");
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove("ct");
    let cases: Vec<(String, u16, &str)> = vec![
        ("not json".into(), 400, "envelope_malformed"),
        ("".into(), 400, "envelope_malformed"),
        ("[]".into(), 400, "envelope_malformed"),
        (extra.to_string(), 400, "envelope_malformed"),
        (missing.to_string(), 400, "envelope_malformed"),
        (with("sid", "short".into()), 400, "envelope_malformed"),
        (with("enc", "AAAA".into()), 400, "envelope_malformed"),
        (
            with("kid", "ABCDEF0123456789".into()),
            400,
            "envelope_malformed",
        ),
        (with("v", 3.into()), 422, "unsupported_version"),
        (
            with("suite", "P256-SHA256-CHACHA".into()),
            422,
            "unsupported_suite",
        ),
    ];
    for (body, status, code) in cases {
        let r = post_envelope(&server, &body);
        assert_eq!((r.status, r.code().as_str()), (status, code), "{body}");
        assert!(r.json()["message"].is_string());
    }
    assert!(export_all(&server, &fx.token()).is_empty());
}

#[test]
fn wrong_or_missing_content_type_is_415() {
    let fx = Fixture::new();
    let server = fx.start();
    let envelope = fx.seal(&order("ct"));
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let r = post(&server, "/api/orders", ct, envelope.as_bytes());
        assert_eq!(r.status, 415, "{ct:?}");
        assert_eq!(r.code(), "unsupported_media_type");
    }
    let r = post(
        &server,
        "/api/orders",
        Some("Application/JSON; charset=utf-8"),
        envelope.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
}

#[test]
fn oversized_body_is_refused_413_before_it_is_read() {
    let fx = Fixture::new();
    let server = fx.start();
    // Declares 100 MiB, sends 64 KiB, then waits: the answer must come
    // without the rest of the body.
    let head = format!(
        "POST /api/orders HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        server.addr(),
        100 * 1024 * 1024
    );
    let started = std::time::Instant::now();
    let (answer, _) = raw_exchange(
        &server.addr(),
        head.as_bytes(),
        &vec![b' '; 64 * 1024],
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"code\":\"payload_too_large\""),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // With `Expect: 100-continue` the client is told before sending a byte.
    let head = head.replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
    let (answer, _) = raw_exchange(
        &server.addr(),
        head.as_bytes(),
        b"",
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // No Content-Length (chunked): cut off once the limit is passed.
    let head = format!(
        "POST /api/orders HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        server.addr()
    );
    let chunk = vec![b' '; 1024 * 1024];
    let mut body = Vec::new();
    for _ in 0..13 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    let (answer, _) = raw_exchange(
        &server.addr(),
        head.as_bytes(),
        &body,
        Duration::from_secs(20),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // The server is fine afterwards.
    assert_eq!(
        post_envelope(&server, &fx.seal(&order("after"))).status,
        201
    );
}

#[test]
fn envelope_at_the_size_limit_is_accepted() {
    let fx = Fixture::new();
    let server = fx.start();
    // A 7.5 MiB attachment, near the 8 MiB plaintext limit: the envelope
    // (ciphertext in base64url) is over 10 MiB, under 12 MiB.
    let pdf = vec![0x25u8; 7 * 1024 * 1024 + 512 * 1024];
    let envelope = fx.seal(&order_with_file("big", &pdf));
    assert!(envelope.len() > 10 * 1024 * 1024);
    let r = post_envelope(&server, &envelope);
    assert_eq!(r.status, 201, "{}", r.text());
    let records = export_all(&server, &fx.token());
    assert_eq!(
        records[0]["sha256"],
        sha256_hex(envelope.as_bytes()).as_str()
    );
}

// --- the back-office export ----------------------------------------------

#[test]
fn export_needs_the_bearer_token() {
    let fx = Fixture::new();
    let server = fx.start();
    assert_eq!(post_envelope(&server, &fx.seal(&order("t"))).status, 201);
    let token = fx.token();
    assert_eq!(token.len(), 64, "256 bits in hex");

    for wrong in [
        None,
        Some("nope"),
        Some(&token[..63]),
        Some(&*format!("{token}0")),
    ] {
        let r = get(&server, "/api/orders", wrong);
        assert_eq!(r.status, 401, "{wrong:?}");
        assert_eq!(r.code(), "unauthorized");
        assert!(!r.text().contains("envelope"), "no data without the token");
    }
    let r = agent()
        .get(server.url("/api/orders"))
        .header("Authorization", &format!("Basic {token}"))
        .call()
        .expect("GET");
    assert_eq!(r.status().as_u16(), 401);

    let r = get(&server, "/api/orders", Some(&token));
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/jsonl"));
    assert_eq!(r.text().lines().count(), 1);
    // The token reaches the log only where it is printed at the first start.
    assert_eq!(
        server.log().matches(&token[8..]).count(),
        1,
        "{}",
        server.log()
    );
}

#[test]
fn token_is_made_once_with_mode_0600_and_printed_once() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let server = fx.start();
    let token = fx.token();
    assert!(server.log().contains(&token), "printed at the first start");
    let mode = std::fs::metadata(fx.data.join("token"))
        .expect("token")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    drop(server);

    let server = fx.start();
    assert_eq!(fx.token(), token, "kept across restarts");
    assert!(!server.log().contains(&token), "printed only once");
}

#[test]
fn export_pages_with_since_and_limit() {
    let fx = Fixture::new();
    let server = fx.start();
    let token = fx.token();
    for i in 0..5 {
        assert_eq!(
            post_envelope(&server, &fx.seal(&order(&i.to_string()))).status,
            201
        );
    }
    let ids = |path: &str| -> Vec<i64> {
        get(&server, path, Some(&token))
            .text()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).expect("json")["id"]
                    .as_i64()
                    .expect("id")
            })
            .collect()
    };
    assert_eq!(ids("/api/orders"), [1, 2, 3, 4, 5]);
    assert_eq!(ids("/api/orders?limit=2"), [1, 2]);
    assert_eq!(ids("/api/orders?since=2&limit=2"), [3, 4]);
    assert_eq!(ids("/api/orders?since=5"), Vec::<i64>::new());
    for bad in [
        "/api/orders?since=x",
        "/api/orders?limit=0",
        "/api/orders?limit=-1",
    ] {
        let r = get(&server, bad, Some(&token));
        assert_eq!((r.status, r.code().as_str()), (400, "bad_request"), "{bad}");
    }
}

// --- keys --------------------------------------------------------------

#[test]
fn manifest_lists_the_active_key_with_jwk_fingerprint_and_created() {
    let fx = Fixture::new();
    let server = fx.start();
    let r = get(&server, "/.well-known/orderseal/keys.json", None);
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/json"));
    let m = r.json();
    let keys = m["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    let pk = fx.key.public_key();
    assert_eq!(keys[0]["kid"], pk.key_id().as_str());
    assert_eq!(keys[0]["fingerprint"], pk.fingerprint().to_hex().as_str());
    assert_eq!(keys[0]["jwk"], pk.to_jwk_value());
    assert!(humantime::parse_rfc3339(keys[0]["created"].as_str().expect("created")).is_ok());
    let parsed = orderseal::PublicKey::from_jwk_value(&keys[0]["jwk"]).expect("jwk");
    assert_eq!(&parsed, pk);
}

#[test]
fn rotation_lists_the_newest_key_first_and_keeps_old_envelopes_exportable() {
    let fx = Fixture::new();
    let server = fx.start();
    let old_envelope = fx.seal(&order("old"));
    assert_eq!(post_envelope(&server, &old_envelope).status, 201);
    drop(server);

    let new_key = PrivateKey::generate().expect("key");
    let new_pem = fx.file("new.pem", new_key.public_key().to_spki_pem());
    let seal_new = || {
        Sealer::new(new_key.public_key())
            .seal("order", &order("new"))
            .expect("seal")
            .to_json()
    };
    // The old key still accepted during the overlap; pages seal to the
    // newest, whatever the order on the command line.
    let mut args = fx.args();
    args.extend(["--public-key".into(), new_pem.clone().into()]);
    let server = Server::start(&args);
    let m = get(&server, "/.well-known/orderseal/keys.json", None).json();
    let kids: Vec<&str> = m["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid"))
        .collect();
    assert_eq!(kids, [new_key.key_id().as_str(), fx.key.key_id().as_str()]);
    assert_eq!(post_envelope(&server, &seal_new()).status, 201);
    assert_eq!(post_envelope(&server, &fx.seal(&order("late"))).status, 201);
    drop(server);

    // Only the new key: the old one is refused, its envelopes stay.
    let mut args: Vec<std::ffi::OsString> = fx.args();
    args[5] = new_pem.into();
    let server = Server::start(&args);
    let r = post_envelope(&server, &fx.seal(&order("too late")));
    assert_eq!((r.status, r.code().as_str()), (422, "unknown_kid"));
    let records = export_all(&server, &fx.token());
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0]["sha256"],
        sha256_hex(old_envelope.as_bytes()).as_str()
    );
    assert!(fx
        .data
        .join(format!("keys/{}.pub.pem", fx.key.key_id()))
        .is_file());
    drop(server);

    // No --public-key: the keys active last time.
    let args: Vec<std::ffi::OsString> = fx
        .args()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !(4..6).contains(i))
        .map(|(_, a)| a)
        .collect();
    let server = Server::start(&args);
    assert_eq!(post_envelope(&server, &seal_new()).status, 201);
}

#[test]
fn refuses_to_start_with_a_private_key() {
    let fx = Fixture::new();
    let plain = fx.file("private.pem", fx.key.to_pkcs8_pem().as_bytes());
    let encrypted = fx.file(
        "private-enc.pem",
        fx.key
            .to_encrypted_pkcs8_pem(b"correct horse")
            .expect("encrypt")
            .as_bytes(),
    );
    for key in [plain, encrypted] {
        let mut args = fx.args();
        args[5] = key.clone().into();
        let Err((status, log)) = Server::try_start(&args) else {
            panic!("started with a private key {key:?}");
        };
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{log}");
        assert!(log.contains("private key"), "{log}");
        assert!(
            !fx.data.join("orders.db").exists(),
            "refused before touching data"
        );
    }
}

#[test]
fn refuses_to_start_without_any_key() {
    let fx = Fixture::new();
    let args: Vec<std::ffi::OsString> = fx
        .args()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !(4..6).contains(i))
        .map(|(_, a)| a)
        .collect();
    let Err((status, log)) = Server::try_start(&args) else {
        panic!("started without a key");
    };
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{log}");
    assert!(log.contains("--public-key"), "{log}");
}

// --- headers and static files ------------------------------------------

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

#[test]
fn every_response_has_the_security_headers() {
    let fx = Fixture::new();
    let server = fx.start();
    let token = fx.token();
    let replies = [
        get(&server, "/", None),
        get(&server, "/order.js", None),
        get(&server, "/pkg/web/orderseal_bg.wasm", None),
        get(&server, "/.well-known/orderseal/keys.json", None),
        get(&server, "/api/orders", None),
        get(&server, "/api/orders", Some(&token)),
        get(&server, "/missing.html", None),
        get(&server, "/api/nothing", None),
        post(&server, "/api/orders", Some("text/plain"), b"x"),
        post_envelope(&server, &fx.seal(&order("h"))),
    ];
    for r in &replies {
        assert_eq!(r.header("content-security-policy"), Some(CSP));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    }
    for r in &replies[4..6] {
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    assert_eq!(replies[9].header("cache-control"), Some("no-store"));
    // Refusals from below the handlers are JSON too.
    assert_eq!(
        (replies[6].status, replies[6].code().as_str()),
        (404, "not_found")
    );
    assert_eq!(
        (replies[7].status, replies[7].code().as_str()),
        (404, "not_found")
    );
    let r = agent()
        .put(server.url("/api/orders"))
        .send("x")
        .expect("PUT");
    assert_eq!(r.status().as_u16(), 405);
}

#[test]
fn static_files_have_the_media_types_browsers_require() {
    let fx = Fixture::new();
    let server = fx.start();
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/order.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/pkg/index.mjs", "text/javascript; charset=utf-8"),
        ("/pkg/web/orderseal.js", "text/javascript; charset=utf-8"),
        ("/pkg/web/orderseal_bg.wasm", "application/wasm"),
    ];
    for (path, media) in cases {
        let r = get(&server, path, None);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(media), "{path}");
    }
    assert_eq!(
        get(&server, "/pkg/web/orderseal_bg.wasm", None).body,
        b"\0asm\x01\0\0\0"
    );
    // No way out of the served directories.
    for path in [
        "/../public.pem",
        "/pkg/../../public.pem",
        "/%2e%2e/public.pem",
    ] {
        let (answer, _) = raw_exchange(
            &server.addr(),
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            b"",
            Duration::from_secs(5),
        );
        assert!(!answer.contains("BEGIN PUBLIC KEY"), "{path}: {answer}");
    }
}

// --- what is stored ----------------------------------------------------

#[test]
fn database_files_hold_no_byte_of_the_plaintext() {
    let fx = Fixture::new();
    let server = fx.start();
    let secrets = [
        "Sigrid Vasquez-Oyelaran",
        "+41 79 555 01 23",
        "sigrid.v@example.org",
        "Rue du Marché 17, 1204 Genève",
        "PAY-REF-7Q3ZX9",
        "Engrave: To M., forever",
    ];
    let pdf = b"%PDF-1.7 purchase order PO-99812 confidential".to_vec();
    let mut fields = orderseal::Fields::new();
    for (i, s) in secrets.iter().enumerate() {
        fields
            .push(format!("f{i}"), orderseal::FieldValue::text(*s))
            .expect("field");
    }
    fields
        .push(
            "po",
            orderseal::FieldValue::File(orderseal::FileValue {
                name: "po-PO-99812.pdf".into(),
                media_type: "application/pdf".into(),
                data: pdf.clone(),
            }),
        )
        .expect("field");
    let envelope = fx.seal(&fields);
    assert_eq!(post_envelope(&server, &envelope).status, 201);

    let files = ["orders.db", "orders.db-wal", "orders.db-shm"].map(|f| fx.data.join(f));
    let check = |when: &str| {
        assert!(
            files[..2]
                .iter()
                .any(|f| file_contains(f, envelope.as_bytes())),
            "{when}: the envelope is stored, as sent"
        );
        for file in &files {
            for s in secrets
                .iter()
                .map(|s| s.as_bytes())
                .chain([&pdf[..], b"PO-99812"])
            {
                assert!(!file_contains(file, s), "{when}: {file:?} holds {s:?}");
            }
        }
    };
    check("running");
    assert!(server.terminate().success());
    check("stopped");
    // Round trip: the private key (which the server never had) opens it.
    let opened = orderseal::Opener::new(&fx.key)
        .open(envelope.as_bytes())
        .expect("open");
    assert_eq!(opened.fields, fields);
}

// --- durability and shutdown -------------------------------------------

#[test]
fn sigterm_stops_the_server_cleanly() {
    let fx = Fixture::new();
    let server = fx.start();
    assert_eq!(post_envelope(&server, &fx.seal(&order("s"))).status, 201);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn kill_9_mid_stream_loses_no_submission_answered_201() {
    let fx = Fixture::new();
    let server = fx.start();
    let addr = server.base.clone();
    // Sealed beforehand so that the clients only send.
    let envelopes: Vec<String> = (0..4000).map(|i| fx.seal(&order(&i.to_string()))).collect();
    let envelopes = Arc::new(envelopes);
    let accepted = Arc::new(Mutex::new(Vec::<String>::new()));
    let failed = Arc::new(Mutex::new(0usize));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (envelopes, accepted, failed, stop, addr) = (
                Arc::clone(&envelopes),
                Arc::clone(&accepted),
                Arc::clone(&failed),
                Arc::clone(&stop),
                addr.clone(),
            );
            std::thread::spawn(move || {
                let agent = agent();
                for envelope in envelopes.iter().skip(c).step_by(4) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = agent
                        .post(format!("{addr}/api/orders"))
                        .header("Content-Type", "application/json")
                        .send(envelope.as_str());
                    match result {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let sid = orderseal::Envelope::parse(envelope.as_bytes())
                                .expect("parse")
                                .submission_id();
                            accepted.lock().expect("lock").push(sid);
                        }
                        _ => *failed.lock().expect("lock") += 1,
                    }
                }
            })
        })
        .collect();
    // Let a stream build up, then pull the plug mid-flight.
    let start = std::time::Instant::now();
    while accepted.lock().expect("lock").len() < 300 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill9();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    let accepted = accepted.lock().expect("lock").clone();
    assert!(accepted.len() >= 300, "only {} accepted", accepted.len());
    assert!(
        *failed.lock().expect("lock") > 0,
        "the kill happened mid-stream"
    );

    let server = fx.start();
    let stored: std::collections::HashSet<String> = export_all(&server, &fx.token())
        .iter()
        .map(|r| r["envelope"]["sid"].as_str().expect("sid").to_owned())
        .collect();
    let lost: Vec<&String> = accepted.iter().filter(|s| !stored.contains(*s)).collect();
    eprintln!(
        "kill -9: {} answered 201, {} failed or cut off, {} stored after restart",
        accepted.len(),
        failed.lock().expect("lock"),
        stored.len()
    );
    assert!(
        lost.is_empty(),
        "{} of {} answered 201 were lost",
        lost.len(),
        accepted.len()
    );
}
