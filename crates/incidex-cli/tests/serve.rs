//! `incidex serve` end to end: it prints the URL it listens on (port 0 picks
//! a free one), serves the database, and takes the token from the environment.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const NOTICE: &str = "2024年8月20日\n株式会社架空ベーカリー\n\n不正アクセスに関するお知らせ\n\n\
2024年8月12日、当社オンラインショップが第三者による不正アクセスを受け、お客様の氏名とメールアドレス820件が流出した可能性があることが判明しました。\n";

fn incidex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incidex"))
}

/// A running server, stopped when dropped.
struct Serving {
    child: Child,
    url: String,
    second_line: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &std::path::Path, token: Option<&str>) -> Serving {
    let mut cmd = incidex();
    cmd.arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0"]);
    cmd.env_remove("INCIDEX_TOKEN");
    if let Some(t) = token {
        cmd.env("INCIDEX_TOKEN", t);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("incidex: serving ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    let mut second_line = String::new();
    if token.is_none() {
        out.read_line(&mut second_line).unwrap();
    }
    Serving {
        child,
        url,
        second_line,
    }
}

#[test]
fn serve_prints_its_url_and_serves_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let notice = dir.path().join("bakery.txt");
    std::fs::write(&notice, NOTICE).unwrap();
    let st = incidex()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&notice)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );

    let s = serve(&db, Some("cli-token-1"));
    assert!(s.url.starts_with("http://127.0.0.1:") && s.url.ends_with('/'));
    assert_ne!(s.url, "http://127.0.0.1:0/", "the real port is printed");
    let list: serde_json::Value = ureq::get(&format!("{}api/v1/incidents", s.url))
        .call()
        .unwrap()
        .into_string()
        .map(|b| serde_json::from_str(&b).unwrap())
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["victim"], "株式会社架空ベーカリー");
    let page = ureq::get(&s.url).call().unwrap().into_string().unwrap();
    assert!(page.contains("株式会社架空ベーカリー"));
    // The token from INCIDEX_TOKEN allows writes.
    let added = ureq::post(&format!("{}api/v1/watchlist", s.url))
        .set("Authorization", "Bearer cli-token-1")
        .set("Content-Type", "application/json")
        .send_string(r#"{"name": "株式会社架空ベーカリー"}"#)
        .unwrap();
    assert_eq!(added.status(), 201);
}

#[test]
fn without_a_token_the_server_says_it_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = serve(&dir.path().join("empty.db"), None);
    assert!(s.second_line.contains("read-only"), "{:?}", s.second_line);
    let err = ureq::post(&format!("{}api/v1/watchlist", s.url))
        .set("Content-Type", "application/json")
        .send_string(r#"{"name": "架空"}"#)
        .unwrap_err();
    match err {
        ureq::Error::Status(code, _) => assert_eq!(code, 403),
        other => panic!("{other}"),
    }
}

#[test]
fn bad_databases_and_addresses_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = incidex()
        .arg("--db")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a folder"), "{err}");
    let out = incidex()
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .args(["serve", "--addr", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on not-an-address"));
    let out = incidex()
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .args(["serve", "--token", "has space"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_upload_limit_too_large_for_bytes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // The database path is a folder too, so that a server started by
    // mistake stops at once instead of serving.
    let out = incidex()
        .arg("--db")
        .arg(dir.path())
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--max-upload-mb",
            &usize::MAX.to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--max-upload-mb") && err.contains("too large"),
        "{err}"
    );
}
