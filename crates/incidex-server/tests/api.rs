//! The API and pages, tested over HTTP against a server started on a random
//! loopback port.

use incidex_ingest::{read_file, Pipeline};
use incidex_server::Config;
use incidex_store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

const TOKEN: &str = "test-token-7f3a";

struct Server {
    base: String,
    _dir: tempfile::TempDir,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A database with the fixtures ingested, served on 127.0.0.1:0.
fn start(token: Option<&str>, max_body: Option<usize>) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    {
        let mut store = Store::open(&db).unwrap();
        let pipeline = Pipeline::with_lexicons(&[], Default::default()).unwrap();
        for f in ["seiki_unauthorized_access.txt", "minato_script_markup.txt"] {
            let doc = read_file(&fixture(f), &pipeline.limits).unwrap();
            pipeline.ingest(&mut store, &doc).unwrap();
        }
    }
    let mut config = Config::new(db, token.map(str::to_string));
    if let Some(m) = max_body {
        config.max_body = m;
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = incidex_server::run(config, "127.0.0.1:0", |addr| {
            tx.send(addr).unwrap();
        });
        if let Err(e) = r {
            panic!("server: {e}");
        }
    });
    let addr = rx.recv().unwrap();
    Server {
        base: format!("http://{addr}"),
        _dir: dir,
    }
}

/// Character references back to characters (the page's escaping undone).
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

struct Answer {
    status: u16,
    ctype: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Answer {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let headers = resp
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = resp.header(&n).unwrap_or("").to_string();
            (n, v)
        })
        .collect();
    Answer {
        status: resp.status(),
        ctype: resp.content_type().to_string(),
        headers,
        body: resp.into_string().unwrap(),
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

impl Server {
    fn get(&self, path: &str) -> Answer {
        answer(agent().get(&format!("{}{path}", self.base)).call())
    }
    fn send(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        ctype: &str,
        body: &[u8],
    ) -> Answer {
        let mut req = agent()
            .request(method, &format!("{}{path}", self.base))
            .set("Content-Type", ctype);
        if let Some(t) = auth {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        answer(req.send_bytes(body))
    }
    /// A POST that declares a body of `length` bytes and sends only its headers:
    /// a body over the limit is refused on its declared length, before any of it
    /// is read. (Sending the body races the server's answer: the server closes
    /// the connection after answering, and the client's write may fail first.)
    fn post_declaring(&self, path: &str, auth: &str, length: usize) -> Answer {
        use std::io::{Read, Write};
        let addr = self.base.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(addr).expect("server listens");
        conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("timeout set");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {auth}\r\n\
             Content-Type: text/plain\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        );
        conn.write_all(head.as_bytes()).expect("request head sent");
        let mut raw = Vec::new();
        conn.read_to_end(&mut raw).expect("answer read");
        let raw = String::from_utf8_lossy(&raw);
        let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let ctype = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        Answer {
            status,
            ctype,
            headers,
            body: body.to_string(),
        }
    }
    fn post_json(&self, path: &str, auth: Option<&str>, body: &str) -> Answer {
        self.send("POST", path, auth, "application/json", body.as_bytes())
    }
}

fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----incidexTestBoundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn first_incident(s: &Server, q: &str) -> i64 {
    let a = s.get(&format!("/api/v1/incidents?q={q}"));
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no incident for {q}: {}", a.body))
}

#[test]
fn search_finds_the_organisation_and_its_page_shows_timeline_and_evidence() {
    let s = start(Some(TOKEN), None);
    let a = s.get("/api/v1/incidents?q=%E6%9E%B6%E7%A9%BA%E7%B2%BE%E6%A9%9F"); // 架空精機
    let v = a.json();
    assert_eq!(v["total"], 1, "{}", a.body);
    assert_eq!(v["items"][0]["victim"], "株式会社架空精機");
    assert_eq!(v["items"][0]["category"], "unauthorized_access");
    assert!(v["items"][0]["count"].as_str().unwrap().contains("3,200"));

    // The same search as a page.
    let page = s.get("/?q=%E6%9E%B6%E7%A9%BA%E7%B2%BE%E6%A9%9F");
    assert_eq!(page.status, 200);
    assert!(page.ctype.starts_with("text/html"));
    assert!(page.body.contains("株式会社架空精機"));
    assert!(
        !page.body.contains("ミナト架空物産"),
        "the other notice does not match"
    );

    let id = v["items"][0]["id"].as_i64().unwrap();
    let page = s.get(&format!("/incidents/{id}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<time>2024-05-03</time>"),
        "timeline entry"
    );
    assert!(page.body.contains("外部の専門機関に調査を依頼"));
    // The victim's name in the text is marked as evidence of `victims`.
    assert!(
        page.body.contains(
            "<mark class=\"ev\" title=\"victims: 株式会社架空精機\">株式会社架空精機</mark>"
        ),
        "evidence mark missing"
    );
    // The evidence table links each value to its mark.
    let anchor = page
        .body
        .split("class=\"evidence-value\" href=\"#")
        .nth(1)
        .unwrap();
    let anchor = &anchor[..anchor.find('"').unwrap()];
    let at = page
        .body
        .find(&format!("<span class=\"anchor\" id=\"{anchor}\">"))
        .unwrap();
    let mut rest = page.body[at..].split_once('>').unwrap().1;
    while let Some(r) = rest.strip_prefix("<span class=\"anchor\"") {
        rest = r.split_once('>').unwrap().1;
    }
    assert!(
        rest.starts_with("<mark class=\"ev\""),
        "the anchor wraps a mark: {}",
        &rest[..60]
    );

    let detail = s.get(&format!("/api/v1/incidents/{id}?text=true")).json();
    let dates: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(
        dates.contains(&"2024-05-02") && dates.contains(&"2024-05-03"),
        "{dates:?}"
    );
    assert!(detail["reports"][0]["text"]
        .as_str()
        .unwrap()
        .contains("受注管理サーバー"));
}

#[test]
fn document_markup_is_shown_as_text_never_run() {
    let s = start(Some(TOKEN), None);
    let id = first_incident(&s, "%E3%83%9F%E3%83%8A%E3%83%88"); // ミナト
    let page = s.get(&format!("/incidents/{id}"));
    assert_eq!(page.status, 200);
    // The markup is in the page as text: escaped, it reads as written.
    let text = unescape(&page.body);
    assert!(text.contains(
        "お知らせ <script>document.title='pwned'; window.pwned=1</script> <b>太字</b> & \"引用\""
    ));
    assert!(text.contains("<img src=x onerror=\"document.title='pwned'; window.pwned=2\">"));
    assert!(!page.body.contains("<script>document"));
    assert!(!page.body.contains("<img src=x"));
    assert!(!page.body.contains("<b>太字"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    // No page carries inline script at all.
    assert!(!page.body.contains("<script"));
}

#[test]
fn malformed_requests_get_json_errors() {
    let s = start(Some(TOKEN), Some(64 * 1024));
    for (path, status, word) in [
        ("/api/v1/incidents?page=zero", 400, "page"),
        ("/api/v1/incidents?since=yesterday", 400, "since"),
        ("/api/v1/incidents?sort=random", 400, "sort"),
        ("/api/v1/incidents?category=volcano", 400, "category"),
        ("/api/v1/incidents/abc", 404, "abc"),
        ("/api/v1/incidents/999999", 404, "999999"),
        ("/api/v1/monthly", 400, "month"),
        ("/api/v1/monthly?month=2024-13", 400, "month"),
        ("/api/v1/export?format=xls", 400, "format"),
        ("/api/v1/stats?by=colour", 400, "by"),
        ("/api/v1/nothing-here", 404, "nothing-here"),
        (
            "/api/v1/incidents?page=99999999999999999999999",
            400,
            "page",
        ),
    ] {
        let a = s.get(path);
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert!(
            a.ctype.starts_with("application/json"),
            "{path}: {}",
            a.ctype
        );
        let e = a.json();
        assert!(
            e["error"].as_str().unwrap().contains(word),
            "{path}: {}",
            a.body
        );
    }
    // Bad JSON, wrong content type, wrong method, body too large.
    let a = s.post_json("/api/v1/watchlist", Some(TOKEN), "{\"name\": ");
    assert_eq!(a.status, 400);
    assert!(a.json()["error"].as_str().unwrap().contains("invalid JSON"));
    let a = s.send("POST", "/api/v1/watchlist", Some(TOKEN), "text/plain", b"x");
    assert_eq!(a.status, 415);
    a.json();
    let a = s.send("PUT", "/api/v1/incidents", None, "application/json", b"{}");
    assert_eq!(a.status, 405);
    a.json();
    let a = s.post_declaring("/api/v1/ingest?name=big.txt", TOKEN, 100 * 1024);
    assert_eq!(a.status, 413, "{}", a.body);
    a.json();
    // Pages answer errors with HTML.
    let a = s.get("/incidents/424242");
    assert_eq!(a.status, 404);
    assert!(a.ctype.starts_with("text/html") && a.body.contains("424242"));
    let a = s.get("/?since=soon");
    assert_eq!(a.status, 400);
    assert!(a.body.contains("since"));
}

#[test]
fn writes_need_the_token() {
    let s = start(Some(TOKEN), None);
    let body = r#"{"name": "株式会社架空精機", "domains": ["kakuu-seiki.example.co.jp"]}"#;
    let a = s.post_json("/api/v1/watchlist", None, body);
    assert_eq!(a.status, 401);
    assert!(a.json()["error"].as_str().unwrap().contains("token"));
    let a = s.post_json("/api/v1/watchlist", Some("wrong"), body);
    assert_eq!(a.status, 401);
    assert!(s
        .get("/api/v1/watchlist")
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    let a = s.post_json("/api/v1/watchlist", Some(TOKEN), body);
    assert_eq!(a.status, 201, "{}", a.body);
    let list = s.get("/api/v1/watchlist").json();
    assert_eq!(list[0]["name"], "株式会社架空精機");
    let alerts = s.get("/api/v1/alerts").json();
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["victim"], "株式会社架空精機");
    // The watched-only list has just that incident.
    let watched = s.get("/api/v1/incidents?watched=1").json();
    assert_eq!(watched["total"], 1);
    let page = s.get("/watchlist");
    assert!(page.body.contains("kakuu-seiki.example.co.jp"));

    let name = "%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE%E6%9E%B6%E7%A9%BA%E7%B2%BE%E6%A9%9F";
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/watchlist/{name}"),
            None,
            "application/json",
            b""
        )
        .status,
        401
    );
    let a = s.send(
        "DELETE",
        &format!("/api/v1/watchlist/{name}"),
        Some(TOKEN),
        "application/json",
        b"",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(s
        .get("/api/v1/watchlist")
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    // Forms: the login sets an HttpOnly SameSite=Strict cookie that writes accept.
    let a = s.send(
        "POST",
        "/login",
        None,
        "application/x-www-form-urlencoded",
        b"token=nope&next=/watchlist",
    );
    assert_eq!(a.status, 401);
    let a = s.send(
        "POST",
        "/login",
        None,
        "application/x-www-form-urlencoded",
        format!("token={TOKEN}&next=/watchlist").as_bytes(),
    );
    assert_eq!(a.status, 303);
    assert_eq!(a.header("location"), Some("/watchlist"));
    let cookie = a.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let form = "name=%E6%9E%B6%E7%A9%BA%E9%81%8B%E8%BC%B8&domains=unyu.example.jp";
    let a = answer(
        agent()
            .post(&format!("{}/watchlist/add", s.base))
            .set("Content-Type", "application/x-www-form-urlencoded")
            .send_string(form),
    );
    assert_eq!(a.status, 401, "no cookie, no write");
    let a = answer(
        agent()
            .post(&format!("{}/watchlist/add", s.base))
            .set("Content-Type", "application/x-www-form-urlencoded")
            .set("Cookie", cookie.split(';').next().unwrap())
            .send_string(form),
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(s.get("/api/v1/watchlist").json()[0]["name"], "架空運輸");
}

#[test]
fn without_a_token_writes_are_refused() {
    let s = start(None, None);
    let a = s.post_json(
        "/api/v1/watchlist",
        Some("anything"),
        r#"{"name": "架空運輸"}"#,
    );
    assert_eq!(a.status, 403);
    assert!(a.json()["error"].as_str().unwrap().contains("--token"));
    assert_eq!(s.get("/api/v1/status").json()["writes"], false);
    // Reads still work.
    assert_eq!(s.get("/api/v1/incidents").json()["total"], 2);
}

const NOTICE: &str = "2024年7月9日\n架空フーズ株式会社\n\n当社通販サイトへの不正アクセスについて\n\n2024年7月1日、当社通販サイトが外部から不正にアクセスされ、購入者のクレジットカード情報1,150件が流出した可能性があることが判明しました。\n";

#[test]
fn ingest_previews_without_saving_then_saves() {
    let s = start(Some(TOKEN), None);
    let before = s.get("/api/v1/status").json()["incidents"]
        .as_u64()
        .unwrap();
    let a = s.send(
        "POST",
        "/api/v1/ingest?name=foods.txt",
        Some(TOKEN),
        "text/plain",
        NOTICE.as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["saved"], false);
    assert_eq!(v["reports"][0]["victims"][0], "架空フーズ株式会社");
    assert_eq!(
        s.get("/api/v1/status").json()["incidents"]
            .as_u64()
            .unwrap(),
        before
    );

    let v = s
        .send(
            "POST",
            "/api/v1/ingest?name=foods.txt&save=true",
            Some(TOKEN),
            "text/plain",
            NOTICE.as_bytes(),
        )
        .json();
    assert_eq!(v["status"], "stored", "{v}");
    let id = v["incidents"][0].as_i64().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/incidents/{id}")).json()["victim"],
        "架空フーズ株式会社"
    );
    assert_eq!(
        s.get("/api/v1/status").json()["incidents"]
            .as_u64()
            .unwrap(),
        before + 1
    );
    // The same document again changes nothing.
    let v = s
        .send(
            "POST",
            "/api/v1/ingest?name=foods.txt&save=true",
            Some(TOKEN),
            "text/plain",
            NOTICE.as_bytes(),
        )
        .json();
    assert_eq!(v["status"], "unchanged");
}

#[test]
fn the_ingest_page_previews_an_upload_and_saves_it() {
    let s = start(Some(TOKEN), None);
    let (ctype, body) = multipart(&[
        ("text", NOTICE),
        ("name", "foods.txt"),
        ("action", "preview"),
        ("token", TOKEN),
    ]);
    let a = s.send("POST", "/ingest", None, &ctype, &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("架空フーズ株式会社"));
    assert!(a.body.contains("<mark class=\"ev\""));
    assert_eq!(
        s.get("/api/v1/incidents?q=%E3%83%95%E3%83%BC%E3%82%BA")
            .json()["total"],
        0,
        "not saved by a preview"
    );
    let pending = a.body.split("name=\"pending\" value=\"").nth(1).unwrap();
    let pending = &pending[..64];
    let (ctype, body) = multipart(&[("pending", pending), ("action", "save"), ("token", TOKEN)]);
    let a = s.send("POST", "/ingest", None, &ctype, &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("1 report(s) stored"), "{}", a.body);
    assert_eq!(
        s.get("/api/v1/incidents?q=%E3%83%95%E3%83%BC%E3%82%BA")
            .json()["total"],
        1
    );
    // Without the token the page refuses.
    let (ctype, body) = multipart(&[("text", NOTICE), ("action", "save")]);
    assert_eq!(s.send("POST", "/ingest", None, &ctype, &body).status, 401);
}

#[test]
fn statistics_charts_and_downloads_have_the_data() {
    let s = start(Some(TOKEN), None);
    let page = s.get("/stats");
    assert_eq!(page.status, 200);
    // Two incidents, in 2024-05 and 2024-06: bars in the cause, sector and affected charts.
    let bars = page.body.matches("<rect class=\"bar ").count();
    assert!(bars >= 6, "{bars} bars");
    assert!(page.body.contains("2024-06"));
    let tsr = s.get("/stats?taxonomy=tsr");
    assert!(tsr.body.contains("ウイルス感染・不正アクセス"));
    let veris = s.get("/stats?taxonomy=veris&month=2024-05");
    assert!(veris.body.contains("Hacking"));
    assert!(
        veris.body.contains("株式会社架空精機"),
        "the monthly table of May"
    );

    let csv = s.get("/stats/monthly.csv?month=2024-05");
    assert_eq!(csv.status, 200);
    assert!(csv.ctype.starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("incidex-2024-05.csv"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("株式会社架空精機") && !csv.body.contains("ミナト"));

    let series = s.get("/api/v1/series?taxonomy=veris").json();
    assert_eq!(series.as_array().unwrap().len(), 2);
    let stix = s.get("/api/v1/export?format=stix").json();
    assert_eq!(stix["type"], "bundle");
    let misp = s.get("/api/v1/export?format=misp");
    assert_eq!(misp.status, 200);
    for line in misp.body.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        assert!(event["Event"]["info"].is_string());
    }
    assert_eq!(misp.body.lines().count(), 2);
    let jsonl = s.get("/api/v1/export?format=jsonl&category=ransomware");
    assert_eq!(jsonl.body.lines().count(), 1);
    let monthly = s.get("/api/v1/monthly?month=2024-06").json();
    assert_eq!(monthly[0]["cause"], "ランサムウェア");
}

#[test]
fn every_documented_path_is_served() {
    let s = start(Some(TOKEN), None);
    let doc = s.get("/api/v1/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 12);
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "1").replace("{name}", "x");
        for method in ops.as_object().unwrap().keys() {
            let a = s.send(
                &method.to_uppercase(),
                &format!("/api/v1{concrete}"),
                None,
                "application/json",
                b"",
            );
            assert!(
                !(a.status == 404 && a.body.contains("no such page")) && a.status != 405,
                "{method} {path}: {} {}",
                a.status,
                a.body
            );
        }
    }
}

#[test]
fn pages_render_with_sort_and_pagination() {
    let s = start(Some(TOKEN), None);
    let v = s.get("/api/v1/incidents?sort=affected").json();
    assert_eq!(
        v["items"][0]["victim"], "株式会社架空精機",
        "3,200 before 450"
    );
    let v = s.get("/api/v1/incidents?sort=disclosed").json();
    assert_eq!(
        v["items"][0]["victim"], "ミナト架空物産株式会社",
        "June before May"
    );
    let v = s
        .get("/api/v1/incidents?per_page=1&page=2&sort=disclosed")
        .json();
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"][0]["victim"], "株式会社架空精機");
    let page = s.get("/?per_page=1&sort=disclosed");
    assert!(page.body.contains("rel=\"next\""));
    assert!(page.body.contains("1 / 2"));
    // The list offers downloads of what its filters select.
    let page = unescape(&s.get("/?category=ransomware").body);
    let href = "/api/v1/export?category=ransomware&format=csv";
    assert!(page.contains(&format!("href=\"{href}\"")), "export link");
    let csv = s.get(href).body;
    assert!(csv.contains("ミナト架空物産株式会社") && !csv.contains("架空精機"));
    for p in [
        "/",
        "/stats",
        "/watchlist",
        "/ingest",
        "/login",
        "/static/style.css",
    ] {
        assert_eq!(s.get(p).status, 200, "{p}");
    }
}

#[test]
fn reports_are_joined_and_split_by_hand() {
    let s = start(Some(TOKEN), None);
    let a = first_incident(&s, "%E6%9E%B6%E7%A9%BA%E7%B2%BE%E6%A9%9F"); // 架空精機
    let b = first_incident(&s, "%E3%83%9F%E3%83%8A%E3%83%88"); // ミナト
    let ra = s.get(&format!("/api/v1/incidents/{a}")).json()["reports"][0]["id"]
        .as_i64()
        .unwrap();
    let rb = s.get(&format!("/api/v1/incidents/{b}")).json()["reports"][0]["id"]
        .as_i64()
        .unwrap();
    let body = format!(r#"{{"a": "{ra}", "b": "{rb}"}}"#);
    assert_eq!(s.post_json("/api/v1/link", None, &body).status, 401);
    let a = s.post_json("/api/v1/link", Some(TOKEN), &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(s.get("/api/v1/incidents").json()["total"], 1, "joined");
    let joined = s.get(&format!("/api/v1/incidents/{ra}")).json();
    assert_eq!(joined["reports"].as_array().unwrap().len(), 2);
    // The page's "split" form (token in the form) undoes it.
    let a = s.send(
        "POST",
        "/unlink",
        None,
        "application/x-www-form-urlencoded",
        format!("report={rb}&token={TOKEN}").as_bytes(),
    );
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        a.header("location"),
        Some(format!("/incidents/{rb}").as_str())
    );
    assert_eq!(s.get("/api/v1/incidents").json()["total"], 2, "split again");
    let a = s.post_json(
        "/api/v1/link",
        Some(TOKEN),
        &format!(r#"{{"a": "{ra}", "b": "{ra}"}}"#),
    );
    assert_eq!(a.status, 400);
    a.json();
    let a = s.post_json("/api/v1/link", Some(TOKEN), r#"{"a": "999999", "b": "1"}"#);
    assert_eq!(a.status, 404, "{}", a.body);
    a.json();
}

const NOTICE_B: &str = "2024年9月2日\n架空ホテル株式会社\n\n不正アクセスに関するお知らせ\n\n2024年8月28日、当社予約サイトが第三者による不正アクセスを受け、お客様の氏名と電話番号2,400件が流出した可能性があることが判明しました。\n";

#[test]
fn two_uploads_with_one_name_are_both_kept() {
    let s = start(Some(TOKEN), None);
    let before = s.get("/api/v1/status").json()["incidents"]
        .as_u64()
        .unwrap();
    let save = |body: &str| {
        let a = s.send(
            "POST",
            "/api/v1/ingest?name=notice.txt&save=true",
            Some(TOKEN),
            "text/plain",
            body.as_bytes(),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()
    };
    assert_eq!(save(NOTICE)["status"], "stored");
    assert_eq!(save(NOTICE_B)["status"], "stored", "not a replacement");
    let v = save(NOTICE);
    assert_eq!(v["status"], "unchanged");
    assert!(!v["incidents"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        s.get("/api/v1/status").json()["incidents"]
            .as_u64()
            .unwrap(),
        before + 2
    );
    for q in ["%E3%83%95%E3%83%BC%E3%82%BA", "%E3%83%9B%E3%83%86%E3%83%AB"] {
        assert_eq!(
            s.get(&format!("/api/v1/incidents?q={q}")).json()["total"],
            1,
            "{q}"
        );
    }

    // The same through the page: a file with the same name but other content.
    let boundary = "----incidexTestBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notice.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(NOTICE.replace("1,150", "1,151").as_bytes());
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nsave\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{TOKEN}\r\n--{boundary}--\r\n").as_bytes(),
    );
    let ctype = format!("multipart/form-data; boundary={boundary}");
    let a = s.send("POST", "/ingest", None, &ctype, &body);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("1 report(s) stored"), "{}", a.body);
    assert_eq!(save(NOTICE_B)["status"], "unchanged", "still there");
    // The same content under another name is stored already, with its incidents.
    let a = s.send(
        "POST",
        "/api/v1/ingest?name=other.txt&save=true",
        Some(TOKEN),
        "text/plain",
        NOTICE_B.as_bytes(),
    );
    let v = a.json();
    assert_eq!(v["status"], "unchanged", "{v}");
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1, "{v}");
}

#[test]
fn upload_names_are_reduced_to_a_base_name_by_the_api_too() {
    let s = start(Some(TOKEN), None);
    for name in ["dir%2Ffoods.txt", "C%3A%5Cdir%5Cfoods.txt"] {
        let a = s.send(
            "POST",
            &format!("/api/v1/ingest?name={name}"),
            Some(TOKEN),
            "text/plain",
            NOTICE.as_bytes(),
        );
        assert_eq!(a.status, 200, "{name}: {}", a.body);
        assert_eq!(a.json()["document"], "foods.txt", "{name}");
    }
    let a = s.send(
        "POST",
        "/api/v1/ingest",
        Some(TOKEN),
        "text/plain",
        NOTICE.as_bytes(),
    );
    assert_eq!(a.json()["document"], "upload.txt");
    // `on` is yes here as on the list's `watched`.
    let a = s.send(
        "POST",
        "/api/v1/ingest?name=a%2Fb%2Ffoods.txt&save=on",
        Some(TOKEN),
        "text/plain",
        NOTICE.as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["status"], "stored", "{}", a.body);
}

#[test]
fn a_page_number_too_large_is_an_empty_page() {
    let s = start(Some(TOKEN), None);
    let a = s.get("/api/v1/incidents?page=18446744073709551615");
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["total"], 2);
    assert!(v["items"].as_array().unwrap().is_empty());
    // (page - 1) * per_page is 2^64 here: wrapped, it would be the first page.
    let a = s.get("/api/v1/incidents?page=9223372036854775809&per_page=2");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.json()["items"].as_array().unwrap().is_empty(),
        "{}",
        a.body
    );
    let page = s.get("/?page=18446744073709551615&per_page=200");
    assert_eq!(page.status, 200, "{}", page.body);
}

#[test]
fn the_login_sends_only_to_local_paths() {
    let s = start(Some(TOKEN), None);
    for next in [
        "/%09/evil.example.com",
        "/%0a",
        "/%0d%0a/evil.example.com",
        "/%20/evil.example.com",
        "/%5Cevil.example.com",
        "//evil.example.com",
        "https://evil.example.com",
    ] {
        let a = s.send(
            "POST",
            "/login",
            None,
            "application/x-www-form-urlencoded",
            format!("token={TOKEN}&next={next}").as_bytes(),
        );
        assert_eq!(a.status, 303, "{next}: {}", a.body);
        assert_eq!(a.header("location"), Some("/"), "{next}");
        let form = s.get(&format!("/login?next={next}"));
        assert_eq!(form.status, 200, "{next}");
        assert!(!unescape(&form.body).contains("evil.example.com"), "{next}");
    }
    let a = s.send(
        "POST",
        "/login",
        None,
        "application/x-www-form-urlencoded",
        format!("token={TOKEN}&next=/%3Fq%3Da%2520b").as_bytes(),
    );
    assert_eq!(a.header("location"), Some("/?q=a%20b"));
}
