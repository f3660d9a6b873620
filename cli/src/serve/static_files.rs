//! The pages (`/`) and the npm package (`/pkg/`), from disk, with the media
//! types browsers insist on: `application/wasm` for streaming compilation,
//! `text/javascript` for modules (with `nosniff`, a wrong type is fatal).

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Response};
use axum::middleware::{self, Next};
use axum::Router;
use tower_http::services::ServeDir;

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
    use super::media_type;

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
