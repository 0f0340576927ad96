//! Fetching a document over http(s): GET with a clear User-Agent, a
//! timeout, few redirects and a size cap.

use crate::document::{known_extension, Document};
use incidex_read::Limits;
use incidex_store::sha256_hex;
use std::io::Read;
use std::time::Duration;

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

/// How a GET is made: its time limit (connecting, and the whole exchange),
/// the redirects it follows and the most bytes it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchLimits {
    pub timeout: Duration,
    pub max_redirects: u32,
    pub max_bytes: u64,
}

/// The validators of an earlier response, sent back as If-None-Match /
/// If-Modified-Since (conditional GET) and returned with each body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A complete response body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The URL after redirects (relative links resolve against it).
    pub url: String,
    pub content_type: String,
    pub validators: Validators,
    pub bytes: Vec<u8>,
}

/// What a GET gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators were issued.
    NotModified,
    Body(Body),
}

/// An agent with incidex's User-Agent (`agent_suffix` appended, e.g.
/// `" watch"`), the time limit and the redirect limit of `limits`.
pub fn http_agent(limits: &FetchLimits, agent_suffix: &str) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .user_agent(&format!("{}{agent_suffix}", user_agent()))
        .timeout_connect(limits.timeout)
        .timeout(limits.timeout)
        .redirects(limits.max_redirects)
        .build()
}

fn timed_out(limits: &FetchLimits) -> String {
    format!("timed out after {} s", limits.timeout.as_secs_f64())
}

/// The reason of a failed request, without the URL (the caller names it):
/// `HTTP 404 Not Found`, `timed out after 30 s`, `more than 5 redirects`,
/// `cannot connect: …`, `cannot resolve the host: …`, `cannot fetch: …`.
pub fn error_reason(e: ureq::Error, limits: &FetchLimits) -> String {
    use std::error::Error as _;
    let t = match e {
        ureq::Error::Status(code, r) => {
            let text = r.status_text().trim().to_string();
            return if text.is_empty() {
                format!("HTTP {code}")
            } else {
                format!("HTTP {code} {text}")
            };
        }
        ureq::Error::Transport(t) => t,
    };
    let io_kind = t
        .source()
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .map(|e| e.kind());
    match (t.kind(), io_kind) {
        (_, Some(std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)) => {
            timed_out(limits)
        }
        (ureq::ErrorKind::TooManyRedirects, _) => {
            format!("more than {} redirects", limits.max_redirects)
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

/// GET, conditional on `since` (If-None-Match / If-Modified-Since when
/// given), reading at most `limits.max_bytes` bytes (a larger
/// Content-Length is refused before reading). The one fetch of incidex:
/// [`fetch_url`] and the watcher both use it. The error is the reason,
/// without the URL.
pub fn fetch(
    agent: &ureq::Agent,
    url: &str,
    since: &Validators,
    limits: &FetchLimits,
) -> Result<Fetched, String> {
    let mut req = agent.get(url);
    if let Some(etag) = &since.etag {
        req = req.set("If-None-Match", etag);
    }
    if let Some(lm) = &since.last_modified {
        req = req.set("If-Modified-Since", lm);
    }
    let resp = req.call().map_err(|e| error_reason(e, limits))?;
    if resp.status() == 304 {
        return Ok(Fetched::NotModified);
    }
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
    let validators = Validators {
        etag: resp.header("ETag").map(str::to_string),
        last_modified: resp.header("Last-Modified").map(str::to_string),
    };
    let final_url = resp.get_url().to_string();
    let content_type = resp.content_type().to_string();
    let mut bytes = Vec::new();
    resp.into_reader()
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => timed_out(limits),
            _ => format!("cannot read the response: {e}"),
        })?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(format!("more than {}", limits.max_bytes)));
    }
    Ok(Fetched::Body(Body {
        url: final_url,
        content_type,
        validators,
        bytes,
    }))
}

/// Fetches a URL (GET, a clear User-Agent, a timeout, at most
/// [`MAX_REDIRECTS`] redirects, at most `limits.max_bytes` bytes).
pub fn fetch_url(url: &str, limits: &Limits) -> Result<Document, String> {
    let limits = FetchLimits {
        timeout: Duration::from_secs(FETCH_TIMEOUT_SECS),
        max_redirects: MAX_REDIRECTS,
        max_bytes: limits.max_bytes,
    };
    let agent = http_agent(&limits, "");
    let body = match fetch(&agent, url, &Validators::default(), &limits)? {
        Fetched::Body(b) => b,
        Fetched::NotModified => return Err("HTTP 304 to an unconditional GET".into()),
    };
    let (name, hint) = url_names(&body.url, &body.content_type);
    let sha = sha256_hex(&body.bytes);
    Ok(Document {
        shown: url.to_string(),
        key: url.to_string(),
        name,
        hint,
        bytes: body.bytes,
        sha,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A loopback server answering `n` requests: 304 when the request
    /// carries If-None-Match "e1", else `body` with ETag "e1" and
    /// Last-Modified; each request's header lines are kept.
    fn server(body: &'static [u8], n: usize) -> (String, std::sync::mpsc::Receiver<String>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/doc.html", l.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for s in l.incoming().take(n) {
                let mut s = s.unwrap();
                let mut head = String::new();
                let mut r = BufReader::new(s.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line.to_ascii_lowercase());
                }
                let resp = if head.contains("if-none-match: \"e1\"") {
                    "HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\nContent-Length: 0\r\n\r\n"
                        .to_string()
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"e1\"\r\nLast-Modified: Fri, 10 May 2024 00:00:00 GMT\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                };
                let _ = s.write_all(resp.as_bytes());
                if !resp.starts_with("HTTP/1.1 304") {
                    let _ = s.write_all(body);
                }
                let _ = tx.send(head);
            }
        });
        (url, rx)
    }

    fn limits(max_bytes: u64) -> FetchLimits {
        FetchLimits {
            timeout: Duration::from_secs(5),
            max_redirects: 2,
            max_bytes,
        }
    }

    #[test]
    fn the_shared_fetch_sends_validators_and_gets_not_modified() {
        let (url, heads) = server(b"<p>x</p>", 2);
        let l = limits(1024);
        let agent = http_agent(&l, " test");
        let Fetched::Body(b) = fetch(&agent, &url, &Validators::default(), &l).unwrap() else {
            panic!("expected a body");
        };
        assert_eq!(b.bytes, b"<p>x</p>");
        assert_eq!(b.content_type, "text/html");
        assert_eq!(b.validators.etag.as_deref(), Some("\"e1\""));
        assert_eq!(
            b.validators.last_modified.as_deref(),
            Some("Fri, 10 May 2024 00:00:00 GMT")
        );
        let first = heads.recv().unwrap();
        assert!(first.contains("user-agent: incidex/"), "{first}");
        assert!(first.contains(" test\r\n"), "{first}");
        assert!(!first.contains("if-none-match"), "{first}");
        assert!(matches!(
            fetch(&agent, &url, &b.validators, &l).unwrap(),
            Fetched::NotModified
        ));
        let second = heads.recv().unwrap();
        assert!(
            second.contains("if-modified-since: fri, 10 may 2024 00:00:00 gmt"),
            "{second}"
        );
    }

    #[test]
    fn the_size_cap_and_errors_read_the_same_for_every_caller() {
        let (url, _heads) = server(&[b'x'; 2048], 2);
        let l = limits(1024);
        let err = fetch(&http_agent(&l, ""), &url, &Validators::default(), &l).unwrap_err();
        assert_eq!(err, "2048 bytes, more than the limit of 1024");
        let err = fetch_url(
            &url,
            &Limits {
                max_bytes: 1024,
                ..Limits::default()
            },
        )
        .unwrap_err();
        assert_eq!(err, "2048 bytes, more than the limit of 1024");
    }
}
