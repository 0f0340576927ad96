//! Errors: a status and a message for the user. API requests get
//! `{"error": "…"}`, pages an HTML page; the framework's own rejections
//! (bad query, body too large, unknown route) are rewritten the same way, so
//! no request ever sees a bare text error or a stack.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use incidex_store::StoreError;

/// A failed request: what status, and why (in words for the user).
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub message: String,
}

impl Failure {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Failure {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Failure {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> Failure {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::NotFound(m) => Failure::not_found(m),
            // The store names CLI flags (`--since`); the web names parameters.
            StoreError::Invalid(m) => Failure::bad_request(m.replace("--", "")),
            other => Failure::internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for Failure {
    fn from(e: askama::Error) -> Failure {
        Failure::internal(format!("cannot render the page: {e}"))
    }
}

/// A failure answered as JSON.
pub struct ApiError(pub Failure);

impl<E: Into<Failure>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.0.status, &self.0.message)
    }
}

/// A failure answered as an HTML page.
pub struct PageError(pub Failure);

impl<E: Into<Failure>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        html_error(self.0.status, &self.0.message)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: crate::pages::Nav,
    status: u16,
    reason: &'a str,
    message: &'a str,
}

fn json_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message, "status": status.as_u16() });
    (status, axum::Json(body)).into_response()
}

fn html_error(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        nav: crate::pages::Nav::plain(""),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("error"),
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// The answer to an unknown route.
pub async fn not_found(req: Request) -> Response {
    let msg = format!("no such page: {}", req.uri().path());
    if req.uri().path().starts_with("/api/") {
        json_error(StatusCode::NOT_FOUND, &msg)
    } else {
        html_error(StatusCode::NOT_FOUND, &msg)
    }
}

/// The largest framework error text read back to rewrite it.
const MAX_ERROR_TEXT: usize = 16 * 1024;

/// Rewrites error responses that are not JSON or HTML yet (axum's
/// rejections are plain text) into the form the client expects.
pub async fn uniform_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if ctype.starts_with("application/json") || ctype.starts_with("text/html") {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = match axum::body::to_bytes(body, MAX_ERROR_TEXT).await {
        Ok(b) if !b.is_empty() => String::from_utf8_lossy(&b).into_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_string(),
    };
    let mut out = if api {
        json_error(status, &text)
    } else {
        html_error(status, &text)
    };
    // Keep headers such as `Allow` of a 405.
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// A body whose declared length (`Content-Length`) is over `limit` is refused at
/// once, before any of it is read: the client gets its 413 while still sending,
/// instead of a connection closed under it after `limit` bytes were taken in.
/// Bodies without a declared length are cut off by `DefaultBodyLimit` as they
/// are read.
pub async fn refuse_declared_oversize(limit: usize, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body too large: the limit is {limit} bytes"),
        )
            .into_response();
    }
    next.run(req).await
}

/// A plain body with a content type (downloads).
pub fn download(ctype: &'static str, filename: &str, body: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // File names are built by the server from checked values only.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
