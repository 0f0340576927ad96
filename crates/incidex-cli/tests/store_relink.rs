//! Incremental linking: ingesting in several runs (with a replaced document
//! and hand-made links in between) links only the incidents the new reports
//! can join, and gives the same incidents, joins and reasons as a full relink
//! of the same database.

use incidex_store::Store;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ingest(db: &Path, dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(db)
        .args(["ingest", "--no-progress"])
        .arg(dir)
        .env_remove("INCIDEX_DB")
        .output()
        .expect("run incidex");
    let e = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{e}");
    e
}

/// Every table that linking writes, in a fixed order.
fn snapshot(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT report_id || ' ' || incident_id || ' ' || reason FROM report_incident ORDER BY report_id",
        "SELECT id || ' ' || ifnull(victim, '-') || ' ' || ifnull(category, '-') || ' ' || ifnull(sector, '-') || ' '
            || ifnull(disclosed, '-') || ' ' || ifnull(last_disclosed, '-') || ' ' || ifnull(max_affected, '-') || ' ' || report_count
         FROM incidents ORDER BY id",
        "SELECT incident_id || ' ' || report_a || ' ' || report_b || ' ' || reason FROM incident_links
         ORDER BY incident_id, report_a, report_b, reason",
        "SELECT incident_id || ' ' || kind || ' ' || value FROM incident_tags ORDER BY 1",
    ] {
        let mut st = conn.prepare(sql).unwrap();
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        out.extend(rows);
        out.push("--".into());
    }
    out
}

fn report_id(db: &Path, victim_like: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT min(id) FROM reports WHERE victims LIKE ?1",
            [format!("%{victim_like}%")],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn incremental_relink_matches_a_full_relink() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("incidex.db");
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["examples/corpus", "fixtures/linking"] {
        let mut list: Vec<PathBuf> = std::fs::read_dir(root().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        list.sort();
        files.extend(list);
    }
    // Three batches, each with some of the corpus and some of the fixtures.
    let batches: Vec<PathBuf> = (0..3).map(|i| dir.path().join(format!("b{i}"))).collect();
    for (n, f) in files.iter().enumerate() {
        let to = batches[n % 3].join(format!(
            "{n:03}_{}",
            f.file_name().unwrap().to_string_lossy()
        ));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f, to).unwrap();
    }

    ingest(&db, &batches[0]);
    let (incomplete,): (i64,) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM report_incident WHERE reason LIKE 'not linked yet%'",
            [],
            |r| Ok((r.get(0)?,)),
        )
        .unwrap();
    assert_eq!(incomplete, 0, "every report is linked after an ingest");
    ingest(&db, &batches[1]);

    // A changed document replaces its reports (breaking up their incidents).
    let mut changed = false;
    for e in std::fs::read_dir(&batches[0]).unwrap() {
        let p = e.unwrap().path();
        if let Ok(text) = std::fs::read_to_string(&p) {
            if !changed && text.contains("名") {
                std::fs::write(&p, format!("{text}\n")).unwrap();
                changed = true;
            }
        }
    }
    assert!(changed);
    let e = ingest(&db, &batches[0]);
    assert!(e.contains("1 replaced"), "{e}");

    // Hand-made links hold across the incremental relinks that follow.
    let a = report_id(&db, "");
    let b: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT max(id) FROM reports", [], |r| r.get(0))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(&db)
        .args(["link", &a.to_string(), &b.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    ingest(&db, &batches[2]);
    let incremental = snapshot(&db);
    let linked: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM report_incident x JOIN report_incident y ON x.incident_id = y.incident_id
             WHERE x.report_id = ?1 AND y.report_id = ?2",
            [a, b],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, 1, "the hand-made link holds");
    assert!(
        incremental.iter().any(|l| l.contains("joined to report")),
        "some reports were joined"
    );

    let mut store = Store::open(&db).unwrap();
    store.relink().unwrap();
    drop(store);
    let full = snapshot(&db);
    assert_eq!(incremental.len(), full.len());
    for (x, y) in incremental.iter().zip(&full) {
        assert_eq!(x, y);
    }
}
