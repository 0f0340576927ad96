//! `incidex ingest URL`: fetched over HTTP from a tiny server on loopback
//! (127.0.0.1, hand-written HTTP/1.1 responses; no other network). A page is
//! stored under its URL, a 404 and an oversized body are reported as failed
//! with the URL and the reason, a rerun skips the stored page and changed
//! content replaces its reports.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NOTICE: &str = "<!DOCTYPE html>
<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>不正アクセスによる個人情報漏えいのお知らせ｜株式会社ハマナスフーズ</title></head>
<body>
<h1>不正アクセスによる個人情報漏えいのお知らせ</h1>
<p>2024年5月10日</p>
<p>株式会社ハマナスフーズ</p>
<p>このたび、当社の通販サイトを置いているサーバーに外部から侵入があり、会員様のクレジットカード情報1,234件が外に出たおそれがあると分かりました。不正アクセスによるものです。</p>
<p>お客様には多大なるご迷惑とご心配をおかけしますことを深くお詫び申し上げます。</p>
</body></html>
";

/// Serves, until the test process ends (at most 64 connections):
/// `/notice.html` and `/news/0510` (no extension, Content-Type text/html)
/// with the current notice, `/huge` announcing a body over the size limit,
/// and 404 for anything else.
fn serve(body: Arc<Mutex<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(stream) = stream else { continue };
            let _ = answer(stream, &body);
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, body: &Mutex<String>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16_384 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let request = String::from_utf8_lossy(&request).into_owned();
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    assert!(
        request
            .to_ascii_lowercase()
            .contains("user-agent: incidex/"),
        "{request}"
    );
    let response = match path.as_str() {
        "/notice.html" | "/news/0510" => {
            let b = body.lock().unwrap().clone();
            let ctype = if path == "/notice.html" {
                "application/octet-stream"
            } else {
                "text/html; charset=utf-8"
            };
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                b.len()
            )
        }
        "/huge" => "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 300000000\r\nConnection: close\r\n\r\n<html>".to_string(),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found".to_string(),
    };
    stream.write_all(response.as_bytes())?;
    stream.flush()
}

fn incidex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("INCIDEX_DB")
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .output()
        .expect("run incidex")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ingest_fetches_urls_on_loopback() {
    let body = Arc::new(Mutex::new(NOTICE.to_string()));
    let base = serve(body.clone());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("incidex.db");
    let page = format!("{base}/notice.html");
    let missing = format!("{base}/missing.html");
    let huge = format!("{base}/huge");

    let out = incidex(&db, &["ingest", "--no-progress", &page, &missing, &huge]);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(1), "something failed: {e}");
    assert!(
        e.contains(&format!("failed: {missing}: HTTP 404 Not Found")),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "failed: {huge}: 300000000 bytes, more than the limit"
        )),
        "{e}"
    );
    assert!(
        e.contains("3 documents read: 1 added, 0 replaced, 0 skipped (already stored), 2 failed"),
        "{e}"
    );

    let out = incidex(&db, &["search", "クレジットカード", "--format", "jsonl"]);
    let (o, e) = text(&out);
    assert!(out.status.success(), "{e}");
    assert_eq!(o.lines().count(), 1, "{o}");
    assert!(o.contains("ハマナスフーズ"), "{o}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (path, name, format): (String, String, String) = conn
        .query_row("SELECT path, name, format FROM documents", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (path.as_str(), name.as_str(), format.as_str()),
        (page.as_str(), "notice.html", "html")
    );

    // The same URL with the same content: skipped; exit 0.
    let out = incidex(&db, &["ingest", "--no-progress", &page]);
    let (_, e) = text(&out);
    assert!(out.status.success(), "{e}");
    assert!(
        e.contains("1 documents read: 0 added, 0 replaced, 1 skipped"),
        "{e}"
    );

    // Changed content under the same URL replaces the reports.
    *body.lock().unwrap() = NOTICE.replace("1,234件", "5,678件");
    let out = incidex(&db, &["ingest", "--no-progress", &page]);
    let (_, e) = text(&out);
    assert!(out.status.success(), "{e}");
    assert!(e.contains("0 added, 1 replaced, 0 skipped"), "{e}");
    let (docs, reports): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM reports)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(docs, 1);
    assert!(reports >= 1);
    let out = incidex(&db, &["search", "5,678件", "--format", "jsonl"]);
    let (o, _) = text(&out);
    assert_eq!(o.lines().count(), 1, "{o}");

    // A path without an extension: the Content-Type says HTML.
    let news = format!("{base}/news/0510");
    *body.lock().unwrap() = NOTICE.replace("1,234件", "2,468件");
    let out = incidex(&db, &["ingest", "--no-progress", &news]);
    let (_, e) = text(&out);
    assert!(out.status.success(), "{e}");
    let (name, format): (String, String) = conn
        .query_row(
            "SELECT name, format FROM documents WHERE path = ?1",
            [&news],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((name.as_str(), format.as_str()), ("0510", "html"));
}
