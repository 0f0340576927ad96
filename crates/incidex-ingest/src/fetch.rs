//! Fetching a document over http(s): GET with a clear User-Agent, a
//! timeout, few redirects and a size cap.

use crate::document::{known_extension, Document};
use incidex_read::Limits;
use incidex_store::sha256_hex;

/// How long one fetch may take, from connecting to the last byte.
pub const FETCH_TIMEOUT_SECS: u64 = 30;
/// Redirects followed before a fetch fails.
pub const MAX_REDIRECTS: u32 = 5;

pub fn user_agent() -> String {
    format!(
        "incidex/{} (+https://example.invalid/incidex)",
        env!("CARGO_PKG_VERSION")
    )
}

pub fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The document name of a URL (the last segment of its path, or its host)
/// and the name hint for the reader: the name, with an extension from the
/// Content-Type when the path has none the reader knows.
pub fn url_names(url: &str, content_type: &str) -> (String, String) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let name = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(host)
        .to_string();
    let name = if name.is_empty() {
        "document".to_string()
    } else {
        name
    };
    if known_extension(&name) {
        return (name.clone(), name);
    }
    let ext = match content_type.trim().to_ascii_lowercase().as_str() {
        "text/html" | "application/xhtml+xml" => ".html",
        "application/pdf" => ".pdf",
        "text/plain" => ".txt",
        _ => "",
    };
    let hint = format!("{name}{ext}");
    (name, hint)
}

fn transport_reason(t: &ureq::Transport) -> String {
    use std::error::Error as _;
    let io_kind = t
        .source()
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .map(|e| e.kind());
    match (t.kind(), io_kind) {
        (_, Some(std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)) => {
            format!("timed out after {FETCH_TIMEOUT_SECS} s")
        }
        (ureq::ErrorKind::TooManyRedirects, _) => {
            format!("more than {MAX_REDIRECTS} redirects")
        }
        (kind, _) => {
            let detail = t
                .source()
                .map(|e| e.to_string())
                .or_else(|| t.message().map(str::to_string));
            let what = match kind {
                ureq::ErrorKind::ConnectionFailed => "cannot connect".to_string(),
                ureq::ErrorKind::Dns => "cannot resolve the host".to_string(),
                kind => format!("cannot fetch: {kind}"),
            };
            match detail {
                Some(d) => format!("{what}: {d}"),
                None => what,
            }
        }
    }
}

/// Fetches a URL (GET, a clear User-Agent, a timeout, at most
/// [`MAX_REDIRECTS`] redirects, at most `limits.max_bytes` bytes).
pub fn fetch_url(url: &str, limits: &Limits) -> Result<Document, String> {
    let agent = ureq::AgentBuilder::new()
        .user_agent(&user_agent())
        .timeout(std::time::Duration::from_secs(FETCH_TIMEOUT_SECS))
        .redirects(MAX_REDIRECTS)
        .build();
    let resp = match agent.get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            let text = r.status_text().trim().to_string();
            return Err(if text.is_empty() {
                format!("HTTP {code}")
            } else {
                format!("HTTP {code} {text}")
            });
        }
        Err(ureq::Error::Transport(t)) => return Err(transport_reason(&t)),
    };
    let too_large =
        |size: String| format!("{size} bytes, more than the limit of {}", limits.max_bytes);
    if let Some(len) = resp
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > limits.max_bytes {
            return Err(too_large(len.to_string()));
        }
    }
    let (name, hint) = url_names(resp.get_url(), resp.content_type());
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.into_reader(), limits.max_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("timed out after {FETCH_TIMEOUT_SECS} s")
        }
        _ => format!("cannot fetch: {e}"),
    })?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(format!("more than {}", limits.max_bytes)));
    }
    let sha = sha256_hex(&bytes);
    Ok(Document {
        shown: url.to_string(),
        key: url.to_string(),
        name,
        hint,
        bytes,
        sha,
    })
}
