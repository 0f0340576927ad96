//! A kill (SIGKILL) in the middle of `incidex ingest` leaves a consistent
//! database, readers work while an ingest runs, and a rerun stores every
//! document exactly once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `n` distinct documents made from the example corpus (PDF left out).
fn make_corpus(dir: &Path, n: usize) -> usize {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root().join("examples/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "pdf"))
        .collect();
    sources.sort();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let src = &sources[i % sources.len()];
        let mut bytes = std::fs::read(src).unwrap();
        bytes.extend_from_slice(format!("\n\n(copy {i})\n").as_bytes());
        let name = format!("{i:05}_{}", src.file_name().unwrap().to_string_lossy());
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    n
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn check_consistent(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ic: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ic, "ok");
    conn.execute(
        "INSERT INTO report_fts(report_fts) VALUES ('integrity-check')",
        [],
    )
    .unwrap();
    for (what, sql) in [
        ("reports without document", "SELECT count(*) FROM reports WHERE document_id NOT IN (SELECT id FROM documents)"),
        ("reports without incident", "SELECT count(*) FROM reports WHERE id NOT IN (SELECT report_id FROM report_incident)"),
        ("links to missing incidents", "SELECT count(*) FROM report_incident WHERE incident_id NOT IN (SELECT id FROM incidents)"),
        ("duplicate documents", "SELECT count(*) - count(DISTINCT sha256) FROM documents"),
    ] {
        let n: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{what}");
    }
}

#[test]
fn a_killed_ingest_is_completed_by_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    let n = make_corpus(&docs, 400);
    let db = dir.path().join("incidex.db");
    let bin = env!("CARGO_BIN_EXE_incidex");
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--no-progress", "--jobs", "1"])
        .arg(&docs)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some documents are stored, read while the ingest runs, then kill.
    let start = Instant::now();
    let mut read_during_ingest = false;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            eprintln!("ingest finished before the kill ({status})");
            break;
        }
        if db.exists() && start.elapsed() > Duration::from_millis(300) {
            let stored = rusqlite::Connection::open(&db)
                .and_then(|c| {
                    c.query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0))
                })
                .unwrap_or(0);
            if stored >= 20 {
                let out = Command::new(bin)
                    .arg("--db")
                    .arg(&db)
                    .args(["stats", "--by", "sector"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "stats while ingesting: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let out = Command::new(bin)
                    .arg("--db")
                    .arg(&db)
                    .args(["search", "不正アクセス"])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "search while ingesting: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                read_during_ingest = true;
                child.kill().unwrap(); // SIGKILL on Unix
                child.wait().unwrap();
                break;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "ingest made no progress"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let partial = count(&db, "SELECT count(*) FROM documents");
    eprintln!("{partial} of {n} documents stored before the kill");
    check_consistent(&db);
    assert!(read_during_ingest || partial == n as i64);

    let out = Command::new(bin)
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--no-progress"])
        .arg(&docs)
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{e}");
    assert!(e.contains(&format!("{partial} skipped")), "{e}");
    check_consistent(&db);
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), n as i64);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT path) FROM documents"),
        n as i64
    );
    assert_eq!(
        count(
            &db,
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'links_dirty'"
        ),
        0
    );
}
