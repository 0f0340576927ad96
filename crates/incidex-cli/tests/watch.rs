//! `incidex watch`, `incidex sources`, `incidex demo-feeds` against servers
//! on loopback that the tests start themselves (hand-written HTTP/1.1 on
//! std::net — a feed site whose content changes between polls, a webhook
//! receiver — and an SMTP sink speaking just enough SMTP to take messages).
//! No other network is used.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------- fixtures
// Invented organisations, our own wording.

const TSUBAME_1: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>不正アクセスによる個人情報流出の可能性に関するお知らせ - 株式会社ツバメ工機</title></head><body>
<h1>不正アクセスによる個人情報流出の可能性に関するお知らせ</h1>
<p>2024年6月3日</p>
<p>株式会社ツバメ工機</p>
<p>当社の受発注システムのサーバーが第三者による不正アクセスを受け、取引先の担当者情報最大3,150件が外部に流出した可能性があることが判明しました。</p>
<p>関係者の皆様にご迷惑をおかけし、深くお詫び申し上げます。</p>
</body></html>";

const TSUBAME_2: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>不正アクセスに関するお知らせ（第2報） - 株式会社ツバメ工機</title></head><body>
<h1>不正アクセスに関するお知らせ（第2報）</h1>
<p>2024年6月17日</p>
<p>株式会社ツバメ工機</p>
<p>2024年6月3日にお知らせした受発注システムへの不正アクセスについて、外部専門家による調査が終わりました。流出した可能性のある取引先の担当者情報は3,420件であることが分かりました。</p>
</body></html>";

const MIZUHA: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>メール誤送信に関するお詫び - 株式会社ミズハ食品</title></head><body>
<h1>メール誤送信に関するお詫び</h1>
<p>2024年6月4日</p>
<p>株式会社ミズハ食品</p>
<p>当社から会員様へ送ったキャンペーンのご案内メールで、宛先をBCCではなくTOに入れて送信したため、会員212名のメールアドレスが他の受信者に見える状態となりました。</p>
</body></html>";

/// Served in Shift_JIS, like many older corporate sites.
const SHIRASAGI: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"Shift_JIS\"><title>ランサムウェア被害の発生について - 株式会社シラサギ商会</title></head><body>
<h1>ランサムウェア被害の発生について</h1>
<p>2024年6月5日</p>
<p>株式会社シラサギ商会</p>
<p>当社の社内ネットワークの一部サーバーがランサムウェアに感染し、ファイルが暗号化される被害が発生しました。調査の中で不審な通信先（198.51.100.23）を確認しています。</p>
</body></html>";

const PRESS_PAGE: &str = "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"Shift_JIS\"><title>お知らせ一覧</title></head><body>
<nav><a href=\"/\">トップ</a> <a href=\"/company/\">会社概要</a></nav>
<ul><li><a href=\"2024/0605.html\">ランサムウェア被害の発生について</a></li></ul>
</body></html>";

fn sjis(s: &str) -> Vec<u8> {
    let (b, _, bad) = encoding_rs::SHIFT_JIS.encode(s);
    assert!(!bad);
    b.into_owned()
}

fn rss(base: &str, links: &[&str]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>ニュース</title><link>/</link><description>d</description>");
    for l in links {
        s.push_str(&format!(
            "<item><title>お知らせ</title><link>{base}{l}</link><guid>{base}{l}</guid></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

// ------------------------------------------------------------ HTTP server

#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    headers: String,
    body: Vec<u8>,
}

struct Response {
    status: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

fn ok(ctype: &str, body: Vec<u8>) -> Response {
    Response {
        status: "200 OK",
        headers: vec![("Content-Type".into(), ctype.into())],
        body,
        delay: Duration::ZERO,
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Serves on 127.0.0.1 (a thread per connection, so a slow answer does not
/// hold up the others) until the test process ends; every request is logged.
fn serve(handler: Arc<Handler>) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(500) {
            let Ok(stream) = stream else { continue };
            let (h, l) = (Arc::clone(&handler), Arc::clone(&log2));
            std::thread::spawn(move || {
                let _ = answer(stream, &*h, &l);
            });
        }
    });
    (base, log)
}

fn answer(
    mut stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut l = String::new();
        if reader.read_line(&mut l)? == 0 || l == "\r\n" {
            break;
        }
        head.push_str(&l);
    }
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("/").to_string();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let req = Request {
        method,
        path,
        headers: head.to_ascii_lowercase(),
        body,
    };
    log.lock().unwrap().push(req.clone());
    let resp = handler(&req);
    std::thread::sleep(resp.delay);
    let mut out = format!(
        "HTTP/1.1 {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    stream.write_all(&resp.body)?;
    stream.flush()
}

// ------------------------------------------------------------- SMTP sink

/// Accepts messages (no TLS, no AUTH) and keeps their DATA.
fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let m = Arc::clone(&mails);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(stream) = stream else { continue };
            let m = Arc::clone(&m);
            std::thread::spawn(move || {
                let _ = smtp_session(stream, &m);
            });
        }
    });
    (port, mails)
}

fn smtp_session(mut s: TcpStream, mails: &Mutex<Vec<String>>) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut r = BufReader::new(s.try_clone()?);
    s.write_all(b"220 sink.test ESMTP\r\n")?;
    loop {
        let mut l = String::new();
        if r.read_line(&mut l)? == 0 {
            return Ok(());
        }
        let cmd = l.trim_end().to_ascii_uppercase();
        if cmd.starts_with("EHLO") {
            s.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?;
        } else if cmd.starts_with("DATA") {
            s.write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                let mut dl = String::new();
                if r.read_line(&mut dl)? == 0 || dl == ".\r\n" {
                    break;
                }
                data.push_str(&dl);
            }
            mails.lock().unwrap().push(data);
            s.write_all(b"250 queued\r\n")?;
        } else if cmd.starts_with("QUIT") {
            s.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            s.write_all(b"250 ok\r\n")?;
        }
    }
}

// ------------------------------------------------------------------ helpers

/// The answer to a path the test site does not serve.
fn not_found() -> Response {
    Response {
        status: "404 Not Found",
        headers: vec![],
        body: vec![],
        delay: Duration::ZERO,
    }
}

/// A database path and a sources file in `dir`: the site's one feed, the
/// watched ツバメ工機, alerts on standard output.
fn one_feed_watching_tsubame(dir: &Path, base: &str, db: &str) -> (std::path::PathBuf, String) {
    let cfg = dir.join("incidex.toml");
    std::fs::write(
        &cfg,
        format!(
            "[http]\nper_host_delay = 0\n[[source]]\nname = \"news\"\nkind = \"feed\"\nurl = \"{base}/feed.xml\"\n\
             [[watch]]\nname = \"ツバメ工機\"\n[[destination]]\nkind = \"stdout\"\n"
        ),
    )
    .unwrap();
    (dir.join(db), cfg.to_str().unwrap().to_string())
}

fn incidex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run incidex")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The test site: a feed whose items change with `phase`, a Shift_JIS
/// listing page, and sources that fail in every way the watcher must survive.
fn site(phase: Arc<AtomicUsize>, hooks: Arc<Mutex<Vec<String>>>) -> Arc<Handler> {
    Arc::new(move |req: &Request| {
        let p = phase.load(Ordering::SeqCst);
        let base = "";
        match req.path.as_str() {
            "/feed.xml" => {
                let etag = format!("\"feed-v{p}\"");
                if req.headers.contains(&format!("if-none-match: {etag}")) {
                    return Response {
                        status: "304 Not Modified",
                        headers: vec![("ETag".into(), etag)],
                        body: vec![],
                        delay: Duration::ZERO,
                    };
                }
                let links: &[&str] = if p == 1 {
                    &["/n/tsubame-1.html", "/n/mizuha.html"]
                } else {
                    &["/n/tsubame-2.html", "/n/tsubame-1.html", "/n/mizuha.html"]
                };
                let mut r = ok("application/rss+xml", rss(base, links).into_bytes());
                r.headers.push(("ETag".into(), etag));
                r
            }
            "/n/tsubame-1.html" => ok("text/html; charset=utf-8", TSUBAME_1.into()),
            "/n/tsubame-2.html" => ok("text/html; charset=utf-8", TSUBAME_2.into()),
            "/n/mizuha.html" => ok("text/html; charset=utf-8", MIZUHA.into()),
            "/press/" => ok("text/html", sjis(PRESS_PAGE)),
            "/press/2024/0605.html" => ok("text/html", sjis(SHIRASAGI)),
            "/broken.xml" => Response {
                status: "500 Internal Server Error",
                headers: vec![],
                body: b"oops".to_vec(),
                delay: Duration::ZERO,
            },
            "/slow.xml" => {
                let mut r = ok("application/rss+xml", rss(base, &[]).into_bytes());
                r.delay = Duration::from_secs(4);
                r
            }
            "/huge.xml" => ok("application/rss+xml", vec![b' '; 300_000]),
            "/loop" => Response {
                status: "302 Found",
                headers: vec![("Location".into(), "/loop".into())],
                body: vec![],
                delay: Duration::ZERO,
            },
            "/bad.xml" => ok(
                "application/rss+xml",
                b"<rss><channel><item><title>unclosed".to_vec(),
            ),
            "/hook" => {
                hooks
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&req.body).into_owned());
                ok("text/plain", b"ok".to_vec())
            }
            _ => Response {
                status: "404 Not Found",
                headers: vec![],
                body: b"not found".to_vec(),
                delay: Duration::ZERO,
            },
        }
    })
}

fn config(base: &str, smtp_port: u16, log: &Path) -> String {
    let log = log.display();
    format!(
        r#"
base_url = "http://127.0.0.1:8080"
[http]
timeout = "1s"
per_host_delay = 0
max_bytes = 100000
max_redirects = 3

[[source]]
name = "news"
kind = "feed"
url = "{base}/feed.xml"
interval = "10m"
[[source]]
name = "press"
kind = "page"
url = "{base}/press/"
[[source]]
name = "broken"
kind = "feed"
url = "{base}/broken.xml"
[[source]]
name = "slow"
kind = "feed"
url = "{base}/slow.xml"
[[source]]
name = "huge"
kind = "feed"
url = "{base}/huge.xml"
[[source]]
name = "loop"
kind = "feed"
url = "{base}/loop"
[[source]]
name = "bad"
kind = "feed"
url = "{base}/bad.xml"

[[watch]]
name = "株式会社ツバメ工機"
[[watch]]
name = "通信先リスト"
indicators = ["198.51.100.23"]

[[destination]]
kind = "stdout"
[[destination]]
kind = "webhook"
url = "{base}/hook"
format = "json"
[[destination]]
kind = "log"
path = "{log}"
[[destination]]
kind = "smtp"
host = "127.0.0.1"
port = {smtp_port}
starttls = false
from = "incidex <watch@example.co.jp>"
to = ["analyst@example.co.jp"]
"#
    )
}

fn documents(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT path FROM documents ORDER BY path")
        .unwrap();
    let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

// -------------------------------------------------------------------- tests

#[test]
fn watch_ingests_once_alerts_once_per_destination_and_follows_up() {
    let phase = Arc::new(AtomicUsize::new(1));
    let hooks = Arc::new(Mutex::new(Vec::new()));
    let (base, log) = serve(site(Arc::clone(&phase), Arc::clone(&hooks)));
    let (smtp_port, mails) = smtp_sink();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let cfg = dir.path().join("incidex.toml");
    let alert_log = dir.path().join("alerts.jsonl");
    std::fs::write(&cfg, config(&base, smtp_port, &alert_log)).unwrap();
    let logged = || {
        std::fs::read_to_string(&alert_log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let cfg = cfg.to_str().unwrap();

    // First poll: the feed's two notices and the listing page's one are
    // ingested; the five broken sources fail without stopping the others.
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!("ingested {base}/n/tsubame-1.html: 1 report")),
        "{out}"
    );
    assert!(
        out.contains(&format!("ingested {base}/n/mizuha.html: 1 report")),
        "{out}"
    );
    assert!(
        out.contains(&format!("ingested {base}/press/2024/0605.html: 1 report")),
        "{out}"
    );
    assert!(!out.contains("/company/"), "{out}");
    for (name, why) in [
        ("broken", "HTTP 500"),
        ("slow", "timed out"),
        ("huge", "more than the limit of 100000"),
        ("loop", "more than 3 redirects"),
        ("bad", "not a readable RSS or Atom feed"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("source {name}: failed")) && l.contains(why)),
            "{name}: {out}"
        );
    }
    // Alerts: the watched supplier by name, the watched indicator in the
    // Shift_JIS notice; the unwatched company not at all.
    assert_eq!(count(&out, "ALERT "), 2, "{out}");
    assert!(
        out.contains("株式会社ツバメ工機 (unauthorized_access, disclosed 2024-06-03)"),
        "{out}"
    );
    assert!(
        out.contains("why: watchlist 「株式会社ツバメ工機」: name"),
        "{out}"
    );
    assert!(
        out.contains("why: watchlist 「通信先リスト」: indicator ip:198.51.100.23"),
        "{out}"
    );
    assert!(
        out.contains("link: http://127.0.0.1:8080/incidents/"),
        "{out}"
    );
    assert!(!out.contains("ミズハ食品 ("), "{out}");
    assert_eq!(hooks.lock().unwrap().len(), 2);
    assert_eq!(mails.lock().unwrap().len(), 2);
    let first: serde_json::Value = serde_json::from_str(&hooks.lock().unwrap()[0]).unwrap();
    assert_eq!(first["follow_up"], false);
    assert!(
        first["summary"].as_str().unwrap().contains("不正アクセス"),
        "{first}"
    );
    assert!(first["link"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:8080/incidents/"));
    assert!(mails
        .lock()
        .unwrap()
        .iter()
        .any(|m| m.contains("Subject:") && m.contains("To: analyst@example.co.jp")));
    assert_eq!(documents(&db).len(), 3);
    assert_eq!(logged().len(), 2);

    // `sources list` shows each source's state and last error.
    let o = incidex(&db, &["sources", "list", "--config", cfg]);
    let list = stdout(&o);
    assert!(o.status.success());
    assert!(
        list.contains("last error: HTTP 500 Internal Server Error (1 in a row)"),
        "{list}"
    );
    assert!(list.contains("items seen: 2"), "{list}");

    // A restart with nothing new: the feed answers 304 to the validators it
    // was given, nothing is fetched again, nothing alerts again.
    let before = log.lock().unwrap().len();
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(out.contains("source news: not modified (304)"), "{out}");
    assert!(!out.contains("ingested "), "{out}");
    assert_eq!(count(&out, "ALERT "), 0, "{out}");
    let asked: Vec<Request> = log.lock().unwrap()[before..].to_vec();
    assert!(asked
        .iter()
        .any(|r| r.path == "/feed.xml" && r.headers.contains("if-none-match: \"feed-v1\"")));
    assert!(
        !asked
            .iter()
            .any(|r| r.path.starts_with("/n/") || r.path.starts_with("/press/2024")),
        "{asked:?}"
    );
    assert!(asked
        .iter()
        .all(|r| r.method == "POST" || r.headers.contains("user-agent: incidex/")));
    assert_eq!(hooks.lock().unwrap().len(), 2);
    assert_eq!(mails.lock().unwrap().len(), 2);
    assert!(stdout(&incidex(&db, &["sources", "list", "--config", cfg])).contains("(2 in a row)"));

    // The supplier publishes a second report: it joins the incident and
    // alerts again, as a follow-up, once per destination.
    phase.store(2, Ordering::SeqCst);
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("ingested {base}/n/tsubame-2.html: 1 report")),
        "{out}"
    );
    assert_eq!(count(&out, "ALERT "), 1, "{out}");
    assert!(out.contains("follow-up: now 2 reports"), "{out}");
    assert_eq!(hooks.lock().unwrap().len(), 3);
    let last: serde_json::Value =
        serde_json::from_str(hooks.lock().unwrap().last().unwrap()).unwrap();
    assert_eq!(last["follow_up"], true);
    assert_eq!(last["report_count"], 2);
    assert_eq!(mails.lock().unwrap().len(), 3);
    assert!(mails.lock().unwrap()[2].contains("follow-up"));
    assert_eq!(logged().len(), 3);
    assert_eq!(logged()[2]["follow_up"], true);

    // And once more: nothing new anywhere.
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert_eq!(count(&out, "ALERT "), 0, "{out}");
    assert!(!out.contains("ingested "), "{out}");
    assert_eq!(documents(&db).len(), 4);
    assert_eq!(hooks.lock().unwrap().len(), 3);
    assert_eq!(mails.lock().unwrap().len(), 3);
    assert_eq!(logged().len(), 3);
}

#[test]
fn sources_test_shows_what_would_be_ingested_and_stores_nothing() {
    let phase = Arc::new(AtomicUsize::new(1));
    let (base, _log) = serve(site(phase, Arc::new(Mutex::new(Vec::new()))));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let cfg = dir.path().join("incidex.toml");
    std::fs::write(&cfg, config(&base, 1, &dir.path().join("a.jsonl"))).unwrap();
    let cfg = cfg.to_str().unwrap();
    let o = incidex(&db, &["sources", "test", "press", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains(&format!(
            "new   {base}/press/2024/0605.html  ランサムウェア被害の発生について"
        )),
        "{out}"
    );
    assert!(
        out.contains("would ingest: 株式会社シラサギ商会 (ransomware, disclosed 2024-06-05)"),
        "{out}"
    );
    assert!(documents(&db).is_empty());
    let o = incidex(&db, &["sources", "test", "nope", "--config", cfg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no source named \"nope\""));
}

#[test]
fn a_bad_sources_file_is_refused_with_its_name_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let cfg = dir.path().join("bad.toml");
    std::fs::write(
        &cfg,
        "[[source]]\nname = \"x\"\nkind = \"feed\"\nurl = \"gopher://x\"\n",
    )
    .unwrap();
    let o = incidex(&db, &["watch", "--once", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("http(s) URL"),
        "{err}"
    );
    let o = incidex(
        &db,
        &[
            "watch",
            "--once",
            "--config",
            dir.path().join("missing.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.toml"));
}

/// The walkthrough of docs/watch.md: the bundled demo feed server and the
/// example sources file (its port swapped for the one the test got).
#[test]
fn the_example_config_against_the_demo_feeds_ingests_and_alerts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .args(["demo-feeds", "--addr", "127.0.0.1:0", "--corpus"])
        .arg(root.join("examples/corpus"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start demo-feeds");
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let feed_line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("/feed.xml"))
        .expect("demo-feeds prints its feed URL");
    let feed = feed_line.split_whitespace().last().unwrap().to_string();
    let addr = feed
        .trim_start_matches("http://")
        .trim_end_matches("/feed.xml")
        .to_string();
    let example = std::fs::read_to_string(root.join("examples/incidex.toml")).unwrap();
    assert!(example.contains("127.0.0.1:8181"));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("incidex.toml");
    std::fs::write(&cfg, example.replace("127.0.0.1:8181", &addr)).unwrap();
    let db = dir.path().join("demo.db");
    let o = incidex(&db, &["watch", "--once", "--config", cfg.to_str().unwrap()]);
    let again = incidex(&db, &["watch", "--once", "--config", cfg.to_str().unwrap()]);
    let _ = demo.kill();
    let _ = demo.wait();
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(count(&out, "  ingested ") >= 24, "{out}");
    assert!(
        out.contains("why: watchlist 「株式会社テクノはやぶさ」"),
        "{out}"
    );
    assert!(
        out.contains("why: rule 「ransomware at hospitals」"),
        "{out}"
    );
    let again = stdout(&again);
    assert!(
        again.contains("source demo-feed: not modified (304)"),
        "{again}"
    );
    assert_eq!(count(&again, "ALERT "), 0, "{again}");
}

/// Without `--once` the watcher polls on each source's schedule and stops
/// cleanly, between polls, on Ctrl-C (SIGINT).
#[test]
fn watch_polls_on_schedule_and_stops_on_ctrl_c() {
    let phase = Arc::new(AtomicUsize::new(1));
    let (base, _log) = serve(site(phase, Arc::new(Mutex::new(Vec::new()))));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let cfg = dir.path().join("incidex.toml");
    std::fs::write(
        &cfg,
        format!(
            "[http]\nper_host_delay = 0\n[[source]]\nname = \"news\"\nkind = \"feed\"\nurl = \"{base}/feed.xml\"\ninterval = \"1s\"\n"
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(&db)
        .args(["watch", "--config", cfg.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start incidex watch");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for l in reader.lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !seen
        .iter()
        .any(|l: &String| l.contains("not modified (304)"))
    {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => seen.push(l),
            Err(_) => {
                let _ = child.kill();
                panic!("no second poll within 30 s: {seen:?}");
            }
        }
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("incidex watch did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    seen.extend(rx.iter());
    assert!(
        seen.iter()
            .any(|l| l.contains("ingested ") && l.contains("tsubame-1.html")),
        "{seen:?}"
    );
    assert!(
        seen.last().is_some_and(|l| l.starts_with("watch: ")),
        "{seen:?}"
    );
    assert_eq!(documents(&db).len(), 2);
}

/// A notice that cannot be fetched is tried again at the next poll (the feed's
/// validators are not kept, so the feed is not answered 304); an entry
/// without a link is ingested from its own content.
#[test]
fn an_item_that_failed_is_fetched_again_and_entries_without_links_are_ingested() {
    let tries = Arc::new(AtomicUsize::new(0));
    let t = Arc::clone(&tries);
    let handler: Arc<Handler> = Arc::new(move |req: &Request| match req.path.as_str() {
        "/flaky.xml" => {
            let mut r = ok(
                "application/rss+xml",
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>/</link><description>d</description>\
<item><title>メール誤送信に関するお詫び</title><link>/n/mizuha.html</link></item>\
<item><title>ランサムウェア被害の発生について</title><guid isPermaLink=\"false\">inline-1</guid><description>{}</description></item>\
</channel></rss>",
                    SHIRASAGI.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
                )
                .into_bytes(),
            );
            r.headers.push(("ETag".into(), "\"same\"".into()));
            if req.headers.contains("if-none-match: \"same\"") {
                r.status = "304 Not Modified";
                r.body.clear();
            }
            r
        }
        "/n/mizuha.html" if t.fetch_add(1, Ordering::SeqCst) == 0 => Response {
            status: "503 Service Unavailable",
            headers: vec![],
            body: b"busy".to_vec(),
            delay: Duration::ZERO,
        },
        "/n/mizuha.html" => ok("text/html; charset=utf-8", MIZUHA.into()),
        _ => not_found(),
    });
    let (base, _log) = serve(handler);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let cfg = dir.path().join("incidex.toml");
    std::fs::write(
        &cfg,
        format!("[http]\nper_host_delay = 0\n[[source]]\nname = \"flaky\"\nkind = \"feed\"\nurl = \"{base}/flaky.xml\"\n"),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!("failed: {base}/n/mizuha.html: HTTP 503")),
        "{out}"
    );
    assert!(
        out.contains(&format!("ingested {base}/flaky.xml#inline-1: 1 report")),
        "{out}"
    );
    assert!(
        stdout(&incidex(&db, &["sources", "list", "--config", cfg])).contains("last error: http")
    );
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(!out.contains("not modified"), "{out}");
    assert!(
        out.contains(&format!("ingested {base}/n/mizuha.html: 1 report")),
        "{out}"
    );
    assert!(!out.contains("inline-1"), "{out}");
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    assert!(stdout(&o).contains("source flaky: not modified (304)"));
    assert_eq!(documents(&db).len(), 2);
}

/// A webhook that fails gets the alert at the next poll; standard output,
/// which had it already, does not get it again.
#[test]
fn a_failed_delivery_is_retried_for_that_destination_only() {
    let calls = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(Mutex::new(Vec::new()));
    let (c, r) = (Arc::clone(&calls), Arc::clone(&received));
    let handler: Arc<Handler> = Arc::new(move |req: &Request| match req.path.as_str() {
        "/feed.xml" => ok(
            "application/rss+xml",
            rss("", &["/n/tsubame-1.html"]).into_bytes(),
        ),
        "/n/tsubame-1.html" => ok("text/html; charset=utf-8", TSUBAME_1.into()),
        "/hook" if c.fetch_add(1, Ordering::SeqCst) == 0 => Response {
            status: "502 Bad Gateway",
            headers: vec![],
            body: vec![],
            delay: Duration::ZERO,
        },
        "/hook" => {
            r.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&req.body).into_owned());
            ok("text/plain", b"ok".to_vec())
        }
        _ => not_found(),
    });
    let (base, _log) = serve(handler);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let cfg = dir.path().join("incidex.toml");
    std::fs::write(
        &cfg,
        format!(
            "[http]\nper_host_delay = 0\n[[source]]\nname = \"news\"\nkind = \"feed\"\nurl = \"{base}/feed.xml\"\n\
             [[watch]]\nname = \"ツバメ工機\"\n\
             [[destination]]\nkind = \"stdout\"\n\
             [[destination]]\nname = \"team-chat\"\nkind = \"webhook\"\nurl = \"{base}/hook\"\nformat = \"slack\"\n"
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_eq!(count(&out, "ALERT "), 1, "{out}");
    assert!(
        out.contains("not delivered to team-chat: HTTP 502"),
        "{out}"
    );
    assert!(received.lock().unwrap().is_empty());
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(count(&out, "ALERT "), 0, "{out}");
    assert!(out.contains("1 alert delivered"), "{out}");
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let slack: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .contains("株式会社ツバメ工機"),
        "{slack}"
    );
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    assert!(stdout(&o).contains("0 alerts delivered"));
    assert_eq!(received.lock().unwrap().len(), 1);
}

/// A feed entry without a link, updated (a new date, changed content): its
/// new version replaces the old one's reports (one document), and the
/// incident, alerted once, is not alerted again.
#[test]
fn an_updated_entry_without_a_link_replaces_its_earlier_version() {
    let phase = Arc::new(AtomicUsize::new(0));
    let p = Arc::clone(&phase);
    let handler: Arc<Handler> = Arc::new(move |req: &Request| match req.path.as_str() {
        "/feed.xml" => {
            let (date, extra) = if p.load(Ordering::SeqCst) == 0 {
                ("Fri, 10 May 2024 09:00:00 +0900", "")
            } else {
                (
                    "Mon, 13 May 2024 09:00:00 +0900",
                    "<p>調査の進捗を追記しました。</p>",
                )
            };
            let body = TSUBAME_1.replace("</body>", &format!("{extra}</body>"));
            ok(
                "application/rss+xml",
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>/</link><description>d</description>\
<item><title>不正アクセスに関するお知らせ</title><guid isPermaLink=\"false\">upd-1</guid><pubDate>{date}</pubDate><description>{}</description></item>\
</channel></rss>",
                    body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
                )
                .into_bytes(),
            )
        }
        _ => not_found(),
    });
    let (base, _log) = serve(handler);
    let dir = tempfile::tempdir().unwrap();
    let (db, cfg) = one_feed_watching_tsubame(dir.path(), &base, "u.db");
    let cfg = cfg.as_str();
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(count(&out, "ALERT"), 1, "{out}");
    phase.store(1, Ordering::SeqCst);
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains(&format!("ingested {base}/feed.xml#upd-1: 1 report")),
        "{out}"
    );
    assert!(out.contains("(replaced an older version)"), "{out}");
    assert_eq!(count(&out, "ALERT"), 0, "{out}");
    assert_eq!(documents(&db).len(), 1, "{:?}", documents(&db));
}

/// Deliveries are remembered per report, not per incident id: an incident
/// split by `unlink` (its second report now an incident of its own, with a
/// new id) is not alerted again as new.
#[test]
fn an_incident_split_after_its_alert_is_not_alerted_again() {
    let handler: Arc<Handler> = Arc::new(move |req: &Request| match req.path.as_str() {
        "/feed.xml" => ok(
            "application/rss+xml",
            rss("", &["/n/tsubame-1.html", "/n/tsubame-2.html"]).into_bytes(),
        ),
        "/n/tsubame-1.html" => ok("text/html; charset=utf-8", TSUBAME_1.into()),
        "/n/tsubame-2.html" => ok("text/html; charset=utf-8", TSUBAME_2.into()),
        _ => not_found(),
    });
    let (base, _log) = serve(handler);
    let dir = tempfile::tempdir().unwrap();
    let (db, cfg) = one_feed_watching_tsubame(dir.path(), &base, "s.db");
    let cfg = cfg.as_str();
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(count(&out, "ALERT"), 1, "{out}");
    let o = incidex(&db, &["unlink", "1", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = incidex(&db, &["watch", "--once", "--config", cfg]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(count(&out, "ALERT"), 0, "{out}");
    assert!(out.contains("0 alerts delivered"), "{out}");
}
