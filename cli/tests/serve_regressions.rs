//! Regressions found by the fuzz target `fuzz/fuzz_targets/inbox_request.rs`,
//! replayed against the real `orderseal serve` binary over raw TCP (each
//! is a request a browser never sends but anyone can).

mod serve_support;

use std::time::Duration;

use serve_support::*;

/// Sends one request with `target` as its request-target; the answer text.
fn exchange(server: &Server, method: &str, target: &str) -> String {
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    raw_exchange(
        &server.addr(),
        head.as_bytes(),
        b"",
        Duration::from_secs(10),
    )
    .0
}

#[test]
fn authority_form_target_is_400_bad_request_not_500() {
    // `GET host:port` (fuzz crash 0248d031): hyper hands the app an empty
    // path, which ServeDir took for `www/` itself and answered 500, with an
    // ERROR line in the log for every such request.
    let fx = Fixture::new();
    let server = fx.start();
    let target = server.addr();
    for method in ["GET", "HEAD"] {
        let answer = exchange(&server, method, &target);
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "{method} {target}: {answer}"
        );
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-content-type-options: nosniff"),
            "{answer}"
        );
        if method != "HEAD" {
            assert!(answer.contains("\"code\":\"bad_request\""), "{answer}");
        }
    }
    // Other methods were and are 405 (the static files are GET and HEAD).
    for method in ["POST", "CONNECT"] {
        let answer = exchange(&server, method, &target);
        assert!(
            answer.starts_with("HTTP/1.1 405"),
            "{method} {target}: {answer}"
        );
    }
    // Origin-form and absolute-form targets are served as before.
    assert!(exchange(&server, "GET", "/").starts_with("HTTP/1.1 200"));
    let absolute = format!("http://{target}/");
    assert!(exchange(&server, "GET", &absolute).starts_with("HTTP/1.1 200"));
    let log = server.log();
    assert!(!log.contains("ERROR"), "{log}");
}
