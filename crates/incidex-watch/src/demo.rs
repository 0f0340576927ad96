//! `incidex demo-feeds`: the example corpus served on loopback as an RSS 2.0
//! feed (`/feed.xml`), an HTML listing page (`/news/`) and the notices
//! themselves (`/notices/NAME`), with ETags so conditional GET answers 304.

use incidex_read::{read_bytes, Limits};
use incidex_store::{html_escape as escape, sha256_hex};
use std::path::Path;
use std::sync::Arc;

struct Notice {
    file: String,
    title: String,
    bytes: Vec<u8>,
}

/// A running demo server.
pub struct DemoServer {
    /// `http://ADDR` (no trailing slash).
    pub url: String,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DemoServer {
    /// Blocks until the server stops.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves the notices of `corpus` (its files, not sub-folders) on `addr`.
pub fn serve_demo(addr: &str, corpus: &Path) -> Result<DemoServer, String> {
    let notices = load(corpus)?;
    if notices.is_empty() {
        return Err(format!("{}: no notices in this folder", corpus.display()));
    }
    let server =
        tiny_http::Server::http(addr).map_err(|e| format!("{addr}: cannot listen: {e}"))?;
    let local = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_else(|| addr.to_string());
    let url = format!("http://{local}");
    let server = Arc::new(server);
    let site = Site {
        feed: feed(&url, &notices).into_bytes(),
        listing: listing(&notices).into_bytes(),
        notices,
    };
    let srv = Arc::clone(&server);
    let thread = std::thread::spawn(move || {
        for req in srv.incoming_requests() {
            let (status, ctype, body) = site.answer(req.url());
            respond(req, status, ctype, body);
        }
    });
    Ok(DemoServer {
        url,
        server,
        thread: Some(thread),
    })
}

struct Site {
    feed: Vec<u8>,
    listing: Vec<u8>,
    notices: Vec<Notice>,
}

impl Site {
    fn answer(&self, url: &str) -> (u16, &'static str, &[u8]) {
        let path = url.split('?').next().unwrap_or(url);
        match path {
            "/feed.xml" => (200, "application/rss+xml; charset=utf-8", &self.feed),
            "/news/" | "/news" => (200, "text/html; charset=utf-8", &self.listing),
            "/" => (
                200,
                "text/html; charset=utf-8",
                b"<!DOCTYPE html><html><body><h1>incidex demo feeds</h1><ul><li><a href=\"/feed.xml\">feed.xml</a></li><li><a href=\"/news/\">news/</a></li></ul></body></html>",
            ),
            _ => match path
                .strip_prefix("/notices/")
                .and_then(|f| self.notices.iter().find(|n| n.file == f))
            {
                Some(n) => (200, content_type(&n.file), &n.bytes),
                None => (404, "text/plain; charset=utf-8", b"not found"),
            },
        }
    }
}

fn respond(req: tiny_http::Request, status: u16, ctype: &str, body: &[u8]) {
    let etag = format!("\"{}\"", &sha256_hex(body)[..16]);
    let not_modified = status == 200
        && req
            .headers()
            .iter()
            .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag);
    let mut resp = if not_modified {
        tiny_http::Response::from_data(Vec::new()).with_status_code(304)
    } else {
        tiny_http::Response::from_data(body.to_vec()).with_status_code(status)
    };
    for (k, v) in [("Content-Type", ctype), ("ETag", etag.as_str())] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    // A client that went away is no reason to stop serving.
    let _ = req.respond(resp);
}

fn content_type(file: &str) -> &'static str {
    match file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html" | "htm") => "text/html",
        Some("pdf") => "application/pdf",
        // No charset: the notices are in several encodings; the reader detects them.
        _ => "text/plain",
    }
}

fn load(corpus: &Path) -> Result<Vec<Notice>, String> {
    let entries = std::fs::read_dir(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut notices = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
            continue;
        };
        if !path.is_file() || file.starts_with('.') {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let title = read_bytes(&bytes, &file, &Limits::default())
            .ok()
            .and_then(|d| {
                let lines = || d.text.lines().map(str::trim).filter(|l| !l.is_empty());
                // The first line that is not a date or a number (a letterhead
                // date comes before the title in many notices).
                lines()
                    .find(|l| {
                        l.chars().count() >= 8
                            && !l.starts_with(|c: char| c.is_ascii_digit())
                            && !l.starts_with("令和")
                            && !l.starts_with("平成")
                    })
                    .or_else(|| lines().next())
                    .map(|l| l.chars().take(80).collect::<String>())
            })
            .unwrap_or_else(|| file.clone());
        notices.push(Notice { file, title, bytes });
    }
    notices.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(notices)
}

fn feed(url: &str, notices: &[Notice]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n<title>incidex demo: incident notices</title>\n<link>{url}/news/</link>\n<description>The example corpus as a feed</description>\n"
    );
    for n in notices.iter().rev() {
        let link = format!("{url}/notices/{}", n.file);
        s.push_str(&format!(
            "<item><title>{}</title><link>{link}</link><guid isPermaLink=\"true\">{link}</guid></item>\n",
            escape(&n.title)
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

fn listing(notices: &[Notice]) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>お知らせ一覧</title></head><body>\n<nav><a href=\"/\">トップ</a></nav>\n<h1>お知らせ一覧</h1>\n<ul class=\"news\">\n",
    );
    for n in notices {
        // Relative links, as listing pages write them.
        s.push_str(&format!(
            "<li><a href=\"../notices/{}\">{}</a></li>\n",
            escape(&n.file),
            escape(&n.title)
        ));
    }
    s.push_str("</ul></body></html>\n");
    s
}
