//! The pages (`/`) and the npm package (`/pkg/`), from disk, with the media
//! types browsers insist on: `application/wasm` for streaming compilation,
//! `text/javascript` for modules (with `nosniff`, a wrong type is fatal).

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::Router;
use tower_http::services::ServeDir;

use super::api::ApiError;

/// Adds the static routes to `router`: `/pkg/…` from `pkg`, everything
/// else from `www` (`/` is `index.html`).
pub fn mount(router: Router, www: &Path, pkg: &Path) -> Router {
    router
        .nest_service(
            "/pkg",
            ServeDir::new(pkg).append_index_html_on_directories(false),
        )
        .fallback_service(ServeDir::new(www))
        .layer(middleware::from_fn(media_types))
        .layer(middleware::from_fn(refuse_authority_form))
}

/// `GET host:port HTTP/1.1` (authority-form, RFC 9112 §3.2.3: for CONNECT
/// only) reaches us with an empty path, which ServeDir takes for the `www`
/// directory itself and answers with a redirect to `/` that it cannot build
/// from such a URI: a 500 with an ERROR log line, for anyone who asks.
/// Without a path there is nothing to get: 400. (Other methods never reach
/// the redirect: ServeDir answers them 405, and still does.)
async fn refuse_authority_form(request: Request, next: Next) -> Response<Body> {
    let get = matches!(*request.method(), Method::GET | Method::HEAD);
    if get && request.uri().path().is_empty() {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request target must be a path",
        )
        .into_response();
    }
    next.run(request).await
}

/// Longest file name component the file systems we run on accept (NAME_MAX).
const MAX_NAME_BYTES: usize = 255;
/// Longest path we look up; nothing we serve comes near it.
const MAX_PATH_BYTES: usize = 1024;

/// Whether a request path could name one of our files: no component longer
/// than [`MAX_NAME_BYTES`] and no more than [`MAX_PATH_BYTES`] in all, both
/// counted after percent-decoding, as ServeDir decodes them.
fn servable(path: &str) -> bool {
    let mut total = 0;
    for segment in path.split('/') {
        let len = decoded_len(segment);
        total += len + 1;
        if len > MAX_NAME_BYTES || total > MAX_PATH_BYTES {
            return false;
        }
    }
    true
}

/// The length of `segment` once its `%XX` escapes are decoded.
fn decoded_len(segment: &str) -> usize {
    let bytes = segment.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < bytes.len() {
        let escape = bytes[i] == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        i += if escape { 3 } else { 1 };
        len += 1;
    }
    len
}

/// Our media type for a file name, where we care which one it is.
pub fn media_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, ext)| ext)?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "ts" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// Sets the media type of successful file responses from [`media_type`]
/// (the API's own responses already have theirs and are left alone).
async fn media_types(request: Request, next: Next) -> Response<Body> {
    let path = request.uri().path().to_owned();
    if !path.starts_with("/api/") && !servable(&path) {
        // ServeDir would hand such a name to the file system, get ENAMETOOLONG
        // and answer 500 with an ERROR log line: a way to flood the log.
        return ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such file").into_response();
    }
    let mut response = next.run(request).await;
    if response.status().is_success()
        && !path.starts_with("/api/")
        && !path.starts_with("/.well-known/")
    {
        let file = if path.ends_with('/') {
            "index.html"
        } else {
            path.as_str()
        };
        if let Some(media) = media_type(file) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{decoded_len, media_type, servable};

    #[test]
    fn names_too_long_for_the_file_system_are_not_servable() {
        assert!(servable("/pkg/web/orderseal_bg.wasm"));
        assert!(servable(&format!("/{}", "a".repeat(255))));
        assert!(!servable(&format!("/{}", "a".repeat(256))));
        assert!(!servable(&format!("/pkg/{}", "%41".repeat(256))));
        assert!(servable(&format!("/{}", "%41".repeat(255))));
        assert!(!servable(&"/a".repeat(600)));
        assert_eq!(decoded_len("%4"), 2);
        assert_eq!(decoded_len("%zz1"), 4);
    }

    #[test]
    fn modules_and_wasm_get_the_types_browsers_require() {
        assert_eq!(
            media_type("/pkg/web/orderseal_bg.wasm"),
            Some("application/wasm")
        );
        assert_eq!(
            media_type("/order.js"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            media_type("/pkg/index.MJS"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(media_type("/noext"), None);
    }
}
