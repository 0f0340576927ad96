//! The store commands end to end: ingest (idempotent, replacing changed
//! files), linking of several notices of one incident, search with the short
//! query fallback, show, stats, the monthly table, exports, manual links,
//! watchlist alerts, and clear errors for unusable database files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn incidex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("INCIDEX_DB")
        .output()
        .expect("run incidex")
}

fn ok(db: &Path, args: &[&str]) -> (String, String) {
    let out = incidex(db, args);
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "incidex {args:?} failed: {e}\n{o}");
    (o, e)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn ingest_is_idempotent_and_replaces_changed_documents() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_dir(&root().join("examples/corpus"), &corpus);
    let db = dir.path().join("incidex.db");
    let c = corpus.to_str().unwrap();
    let n = std::fs::read_dir(&corpus).unwrap().count();
    assert!(n >= 20, "{n} example documents");
    let (_, e) = ok(&db, &["ingest", c]);
    assert!(
        e.contains(&format!(
            "{n} documents read: {n} added, 0 replaced, 0 skipped"
        )),
        "{e}"
    );
    let (_, e) = ok(&db, &["ingest", c]);
    assert!(
        e.contains(&format!(
            "{n} documents read: 0 added, 0 replaced, {n} skipped"
        )),
        "{e}"
    );
    assert!(e.contains("(+0)"), "{e}");
    let f = corpus.join("22_laptop_theft.txt");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace("約210名分", "約217名分");
    std::fs::write(&f, text).unwrap();
    let (_, e) = ok(&db, &["ingest", c]);
    assert!(
        e.contains(&format!("0 added, 1 replaced, {} skipped", n - 1)),
        "{e}"
    );
    let (o, _) = ok(&db, &["search", "217名", "--format", "jsonl"]);
    assert_eq!(o.lines().count(), 1, "{o}");
    let (o, _) = ok(&db, &["search", "210名"]);
    assert!(o.contains("0 incidents"), "the old reports are gone: {o}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (docs, distinct): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT sha256) FROM documents",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((docs, distinct), (n as i64, n as i64));
}

#[test]
fn the_store_commands_work_on_the_example_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("incidex.db");
    ok(
        &db,
        &["ingest", root().join("examples/corpus").to_str().unwrap()],
    );

    let (o, _) = ok(&db, &["search", "感染"]);
    assert!(
        o.contains("【感染】"),
        "two-character query via the fallback: {o}"
    );
    let (o, _) = ok(
        &db,
        &[
            "search",
            "ランサムウェア",
            "--sector",
            "healthcare",
            "--format",
            "jsonl",
        ],
    );
    for line in o.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["snippet"].as_str().unwrap().contains('【'));
    }
    let (o, _) = ok(
        &db,
        &[
            "search",
            "Emotet",
            "--malware",
            "emotet",
            "--since",
            "2023-03",
            "--until",
            "2023-03-31",
        ],
    );
    assert!(o.contains("ミナト精工"), "{o}");

    let (o, _) = ok(&db, &["show", "1"]);
    assert!(
        o.starts_with("Incident 1:")
            && o.contains("reports")
            && o.contains("01_emotet_spoofed_mail.txt"),
        "{o}"
    );
    assert!(
        o.contains("timeline") && o.contains("「"),
        "evidence text is shown: {o}"
    );
    let (o, _) = ok(&db, &["show", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["id"], 1);

    let (o, _) = ok(&db, &["stats", "--taxonomy", "tsr"]);
    assert!(
        o.contains("ウイルス感染・不正アクセス") && o.contains("total"),
        "{o}"
    );
    let (o, _) = ok(
        &db,
        &[
            "stats", "--by", "month", "--since", "2023-01", "--format", "jsonl",
        ],
    );
    assert!(o
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    ok(&db, &["stats", "--by", "malware", "--taxonomy", "veris"]);
    ok(&db, &["stats", "--by", "vector"]);

    let (o, _) = ok(&db, &["report", "--month", "2023-03"]);
    assert!(
        o.contains("| No | 業種 | 原因 | 概要 | 件数 | 公表日 | 出典 |")
            && o.contains("ミナト精工"),
        "{o}"
    );
    let out = incidex(&db, &["report", "--month", "2023-03", "--format", "csv"]);
    assert!(out.stdout.starts_with(&[0xEF, 0xBB, 0xBF, b'N', b'o']));
    let (o, _) = ok(&db, &["report", "--month", "2023-03", "--format", "html"]);
    assert!(o.contains("<table>"));

    let (o, _) = ok(&db, &["export", "--format", "stix"]);
    let bundle: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert_eq!(bundle["type"], "bundle");
    let (again, _) = ok(&db, &["export", "--format", "stix"]);
    assert_eq!(o, again, "STIX export is deterministic");
    let (o, _) = ok(
        &db,
        &["export", "--format", "misp", "--category", "malware"],
    );
    assert!(o.lines().count() >= 1 && o.contains("\"Event\""));
    let (o, _) = ok(&db, &["export", "--format", "csv"]);
    assert!(o.starts_with('\u{feff}'));
    let (o, _) = ok(
        &db,
        &["export", "--format", "jsonl", "--org", "(株)ミナト精工"],
    );
    assert_eq!(o.lines().count(), 1, "{o}");

    let out = incidex(&db, &["show", "99999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no incident or report 99999"));
    let out = incidex(&db, &["search", "x", "--since", "last week"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
}

#[test]
fn several_notices_of_one_incident_are_linked_and_links_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("incidex.db");
    let fixtures = root().join("fixtures/linking");
    let (_, e) = ok(&db, &["ingest", fixtures.to_str().unwrap()]);
    assert!(
        e.contains("5 reports stored") && e.contains("incidents 0 → 3"),
        "{e}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let incident_of = |doc: &str| -> i64 {
        conn.query_row(
            "SELECT ri.incident_id FROM report_incident ri JOIN reports r ON r.id = ri.report_id
             JOIN documents d ON d.id = r.document_id WHERE d.name = ?1",
            [doc],
            |r| r.get(0),
        )
        .unwrap()
    };
    let fukui = incident_of("01_fukui_contractor_emotet.txt");
    assert_eq!(
        fukui,
        incident_of("02_ishikawa_contractor_emotet.txt"),
        "one contractor, two prefectures"
    );
    let sakurada = incident_of("03_sakurada_ransomware_first.txt");
    assert_eq!(
        sakurada,
        incident_of("04_sakurada_ransomware_second.txt"),
        "第1報 and 第2報"
    );
    assert_ne!(sakurada, incident_of("05_miyabi_ransomware_unrelated.txt"));

    let (o, _) = ok(&db, &["show", &fukui.to_string()]);
    assert!(
        o.contains("why these reports are one incident")
            && o.contains("カワセミシステムズ")
            && o.contains("Emotet"),
        "{o}"
    );
    let (o, _) = ok(&db, &["show", &sakurada.to_string()]);
    assert!(
        o.contains("LockBit") && o.contains("6,200件"),
        "merged facts: {o}"
    );

    // By hand: keep the second report apart, then join the unrelated one.
    let second: i64 = conn
        .query_row(
            "SELECT r.id FROM reports r JOIN documents d ON d.id = r.document_id WHERE d.name LIKE '04_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    ok(&db, &["unlink", &second.to_string()]);
    assert_ne!(
        incident_of("03_sakurada_ransomware_first.txt"),
        incident_of("04_sakurada_ransomware_second.txt")
    );
    let miyabi = incident_of("05_miyabi_ransomware_unrelated.txt");
    ok(&db, &["link", &miyabi.to_string(), &fukui.to_string()]);
    assert_eq!(
        incident_of("05_miyabi_ransomware_unrelated.txt"),
        incident_of("01_fukui_contractor_emotet.txt")
    );
    // A re-ingest keeps the decisions.
    ok(&db, &["ingest", fixtures.to_str().unwrap()]);
    assert_ne!(
        incident_of("03_sakurada_ransomware_first.txt"),
        incident_of("04_sakurada_ransomware_second.txt")
    );
    assert_eq!(
        incident_of("05_miyabi_ransomware_unrelated.txt"),
        incident_of("01_fukui_contractor_emotet.txt")
    );

    ok(
        &db,
        &[
            "watchlist",
            "add",
            "カワセミシステムズ株式会社",
            "--alias",
            "カワセミ",
        ],
    );
    ok(
        &db,
        &[
            "watchlist",
            "add",
            "Partner",
            "--domain",
            "partner.example.jp",
        ],
    );
    let (o, _) = ok(&db, &["watchlist", "list"]);
    assert_eq!(o.lines().count(), 2);
    let (o, _) = ok(&db, &["alerts", "--since", "2024-01"]);
    assert!(
        o.contains("カワセミシステムズ株式会社") && o.contains("1 alerts"),
        "{o}"
    );
    ok(&db, &["watchlist", "remove", "Partner"]);
    assert_eq!(
        incidex(&db, &["watchlist", "remove", "Partner"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn unusable_database_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "これはデータベースではありません。".repeat(200)).unwrap();
    for args in [
        &["stats"][..],
        &["search", "感染"],
        &["ingest", "/nonexistent"],
    ] {
        let out = incidex(&junk, args);
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains("junk.db") && e.contains("not an incidex database"),
            "{e}"
        );
        assert!(!e.contains("panicked"));
    }
    let missing = dir.path().join("missing.db");
    let out = incidex(&missing, &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database here"));
    assert!(!missing.exists(), "queries do not create a database");

    let via_env = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .args(["ingest", root().join("fixtures/linking").to_str().unwrap()])
        .env("INCIDEX_DB", dir.path().join("env.db"))
        .output()
        .unwrap();
    assert!(via_env.status.success());
    assert!(dir.path().join("env.db").exists());
}
