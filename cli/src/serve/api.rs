//! The HTTP API: submissions, the back-office export, the key manifest, and
//! the JSON error body every refusal carries.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use futures_util::StreamExt;
use orderseal::limits::MAX_ENVELOPE_BYTES;
use orderseal::{Envelope, Error as CoreError};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::json_text::minify;
use super::store::{self, ActiveKeys, Outcome, Store, Submission};
use super::token::{self, Token};

/// Records per export response unless `limit` says otherwise.
const DEFAULT_EXPORT_LIMIT: i64 = 1000;
/// Longest wait for the next piece of a request body.
const BODY_STALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Most records per export response.
const MAX_EXPORT_LIMIT: i64 = 100_000;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    store: Store,
    keys: ActiveKeys,
    /// `keys.json`, made once at start.
    manifest: Bytes,
    token: Token,
}

impl AppState {
    /// The state of one run.
    pub fn new(store: Store, keys: ActiveKeys, token: Token) -> AppState {
        let manifest = manifest_json(&keys);
        AppState {
            inner: Arc::new(Shared {
                store,
                keys,
                manifest,
                token,
            }),
        }
    }
}

/// The API routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/orders", post(submit).get(export))
        .route("/.well-known/orderseal/keys.json", get(manifest))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// A refusal: an HTTP status and the body `{"code","message"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// A refusal with a server code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn core(e: &CoreError) -> Self {
        let status = match e {
            CoreError::MalformedEnvelope(_) => StatusCode::BAD_REQUEST,
            CoreError::LimitExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        // The core's messages name no plaintext and no key bytes.
        ApiError::new(status, e.code(), e.to_string())
    }

    fn too_large() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("an envelope is at most {MAX_ENVELOPE_BYTES} bytes"),
        )
    }

    fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &serde_json::json!({ "code": self.code, "message": self.message }),
        )
    }
}

fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// `Content-Type: application/json`, parameters (charset) allowed.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads the body, refusing it as soon as it is known to be too large:
/// from `Content-Length` before reading a byte, else while streaming.
async fn read_limited(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_ENVELOPE_BYTES as u64) {
        return Err(ApiError::too_large());
    }
    let capacity = declared.map_or(0, |n| usize::try_from(n).unwrap_or(0));
    let mut buf = Vec::with_capacity(capacity);
    let mut stream = body.into_data_stream();
    loop {
        // A client that stops sending mid-body does not hold its buffer
        // (up to 12 MiB) forever.
        let next = tokio::time::timeout(BODY_STALL_TIMEOUT, stream.next())
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    "the request body stalled",
                )
            })?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the request body could not be read",
            )
        })?;
        if buf.len() + chunk.len() > MAX_ENVELOPE_BYTES {
            return Err(ApiError::too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// `POST /api/orders`: checks one envelope without any key and stores it.
async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    match store_submission(&state, &headers, body).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn store_submission(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the envelope as Content-Type: application/json",
        ));
    }
    let received = store::now_rfc3339();
    let bytes = read_limited(headers, body).await?;
    let envelope = Envelope::parse(&bytes).map_err(|e| ApiError::core(&e))?;
    let kid = envelope.header.kid.as_str();
    if !state.inner.keys.contains(kid) {
        return Err(ApiError::core(&CoreError::UnknownKeyId(kid.to_owned())));
    }
    let submission = Submission {
        sid: envelope.submission_id(),
        kid: kid.to_owned(),
        sha256: token::hex(&Sha256::digest(&bytes)),
        bytes,
        received,
    };
    let outcome = state.inner.store.submit(submission).await.map_err(|e| {
        tracing::error!("store: {e}");
        ApiError::internal("the order could not be stored; try again")
    })?;
    Ok(match outcome {
        Outcome::Created(receipt) => json_response(StatusCode::CREATED, &receipt),
        Outcome::Existing(receipt) => json_response(StatusCode::OK, &receipt),
        Outcome::Conflict => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "another envelope with this sid is already stored",
        )
        .into_response(),
    })
}

/// The export's query string.
#[derive(Deserialize)]
pub struct ExportQuery {
    /// Only records with a larger id.
    since: Option<i64>,
    /// At most this many records.
    limit: Option<i64>,
}

/// `GET /api/orders`: JSON Lines, oldest first, behind the bearer token.
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    if !state.inner.token.accepts(auth) {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the back-office token as Authorization: Bearer <token> (it is in DATA/token)",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"orderseal\""),
        );
        return Ok(response);
    }
    let Query(q) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    let since = q.since.unwrap_or(0).max(0);
    let limit = q.limit.unwrap_or(DEFAULT_EXPORT_LIMIT);
    if !(1..=MAX_EXPORT_LIMIT).contains(&limit) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("limit must be 1 to {MAX_EXPORT_LIMIT}"),
        ));
    }
    let store = state.inner.store.clone();
    let reader = tokio::task::spawn_blocking(move || store.reader())
        .await
        .map_err(|_| ApiError::internal("export failed"))?
        .map_err(|e| {
            tracing::error!("export: {e}");
            ApiError::internal("the store cannot be read")
        })?;
    // Rows are read on a blocking thread and streamed out line by line, so
    // an export of big envelopes never sits whole in memory. A read error
    // mid-way aborts the response (the client sees a truncated body, never
    // a short export that looks complete).
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    tokio::task::spawn_blocking(move || {
        let result = reader.for_each(since, limit, |record| {
            tx.blocking_send(Ok(Bytes::from(export_line(&record))))
                .is_ok()
        });
        if let Err(e) = result {
            tracing::error!("export: {e}");
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/jsonl; charset=utf-8"),
        )],
        Body::from_stream(stream),
    )
        .into_response())
}

/// One export line: `{"id","received","sha256","envelope"}` and LF.
fn export_line(record: &store::Record) -> Vec<u8> {
    let envelope = minify(&record.envelope);
    let head = serde_json::json!({
        "id": record.id,
        "received": record.received,
        "sha256": record.sha256,
    })
    .to_string();
    // `head` is `{...}`: splice the envelope in as the last member, as
    // stored, rather than re-encoding it.
    let mut line = Vec::with_capacity(head.len() + envelope.len() + 16);
    line.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    line.extend_from_slice(b",\"envelope\":");
    line.extend_from_slice(&envelope);
    line.extend_from_slice(b"}\n");
    line
}

/// `GET /.well-known/orderseal/keys.json`.
async fn manifest(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            // Rotation takes effect at the next page load.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        state.inner.manifest.clone(),
    )
        .into_response()
}

fn manifest_json(keys: &ActiveKeys) -> Bytes {
    let list: Vec<serde_json::Value> = keys
        .keys()
        .iter()
        .map(|k| {
            serde_json::json!({
                "kid": k.kid,
                "jwk": k.jwk,
                "fingerprint": k.fingerprint,
                "created": k.created,
            })
        })
        .collect();
    Bytes::from(serde_json::json!({ "keys": list }).to_string())
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this method is not allowed here",
    )
}
