//! The store on hand-made records: idempotent storage, replacement, linking,
//! manual links, search, statistics, monthly table, exports, watchlist, and
//! refusal of files it cannot use.

use incidex_model::{Affected, Category, Indicator, IndicatorType, Record, Sector};
use incidex_store::{
    sha256_hex, By, DocStatus, ExportFormat, Filter, NewDocument, Store, Stored, Taxonomy,
};
use std::path::Path;

struct Doc {
    path: &'static str,
    text: String,
    records: Vec<Record>,
}

fn record(
    doc: &str,
    text: &str,
    victims: &[&str],
    category: Category,
    malware: &[&str],
    disclosed: &str,
) -> Record {
    Record {
        doc: doc.into(),
        span: [0, text.chars().count()],
        victims: victims.iter().map(|s| s.to_string()).collect(),
        category: Some(category),
        categories: vec![category],
        sector: Some(Sector::Government),
        malware: malware.iter().map(|s| s.to_string()).collect(),
        dates: incidex_model::Dates {
            disclosed: Some(disclosed.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Three notices of one contractor's Emotet infection (two prefectures and the
/// contractor), a company's first and second report, and an unrelated one.
fn corpus() -> Vec<Doc> {
    let a = "愛宕県は、委託先の株式会社ツバメ情報サービスの端末がEmotetに感染し、県民のメールアドレス1,200件が流出した可能性があると発表した。".to_string();
    let b = "小谷県の発表によると、受託事業者である(株)ツバメ情報サービスがマルウェアEmotetに感染し、不審なメールが送信された。".to_string();
    let c =
        "ツバメ情報サービス社は、当社端末のEmotet感染について調査結果を公表しました。".to_string();
    let d = "株式会社ミズハ物産は、ランサムウェアによる被害を受けたことを公表しました(第1報)。"
        .to_string();
    let e = "ミズハ物産株式会社は、ランサムウェア被害に関する第2報として、調査結果と顧客情報3万件の漏えいのおそれを公表しました。".to_string();
    let f = "株式会社カエデ食品は、顧客宛てのメールを誤送信しました。".to_string();
    let mut ra = record(
        "a.txt",
        &a,
        &["株式会社ツバメ情報サービス", "愛宕県"],
        Category::Malware,
        &["Emotet"],
        "2023-03-01",
    );
    ra.affected.push(Affected {
        count: 1200,
        unit: "件".into(),
        what: "メールアドレス".into(),
        qualifier: None,
    });
    ra.indicators.push(Indicator {
        kind: IndicatorType::Domain,
        value: "tsubame-is.example.jp".into(),
    });
    let rb = record(
        "b.txt",
        &b,
        &["(株)ツバメ情報サービス", "小谷県"],
        Category::Malware,
        &["Emotet"],
        "2023-03-03",
    );
    let rc = record(
        "c.txt",
        &c,
        &["ツバメ情報サービス社"],
        Category::Malware,
        &["Emotet"],
        "2023-04-20",
    );
    let rd = record(
        "d.txt",
        &d,
        &["株式会社ミズハ物産"],
        Category::Ransomware,
        &[],
        "2023-06-01",
    );
    let mut re = record(
        "e.txt",
        &e,
        &["ミズハ物産株式会社"],
        Category::Ransomware,
        &["LockBit"],
        "2023-07-14",
    );
    re.sequence = Some(2);
    re.affected.push(Affected {
        count: 30000,
        unit: "件".into(),
        what: "顧客情報".into(),
        qualifier: None,
    });
    let rf = record(
        "f.txt",
        &f,
        &["株式会社カエデ食品"],
        Category::Misdelivery,
        &[],
        "2023-06-20",
    );
    vec![
        Doc {
            path: "/n/a.txt",
            text: a,
            records: vec![ra],
        },
        Doc {
            path: "/n/b.txt",
            text: b,
            records: vec![rb],
        },
        Doc {
            path: "/n/c.txt",
            text: c,
            records: vec![rc],
        },
        Doc {
            path: "/n/d.txt",
            text: d,
            records: vec![rd],
        },
        Doc {
            path: "/n/e.txt",
            text: e,
            records: vec![re],
        },
        Doc {
            path: "/n/f.txt",
            text: f,
            records: vec![rf],
        },
    ]
}

fn put(store: &mut Store, d: &Doc) -> Stored {
    let sha = sha256_hex(d.text.as_bytes());
    let name = d.path.rsplit('/').next().unwrap();
    let nd = NewDocument {
        path: d.path,
        name,
        sha256: &sha,
        encoding: "UTF-8",
        format: "text",
        bytes: d.text.len() as u64,
        text: &d.text,
    };
    store.store_document(&nd, &d.records).unwrap()
}

fn filled(dir: &Path) -> Store {
    let mut s = Store::open(&dir.join("t.db")).unwrap();
    for d in corpus() {
        put(&mut s, &d);
    }
    s.relink().unwrap();
    s
}

fn incident_of(s: &Store, report: i64) -> i64 {
    s.incident(report, false).unwrap().id
}

#[test]
fn documents_are_stored_once_and_replaced_when_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = filled(dir.path());
    assert_eq!(s.counts().unwrap().0, 6);
    let docs = corpus();
    assert_eq!(put(&mut s, &docs[0]), Stored::Skipped);
    let sha = sha256_hex(docs[0].text.as_bytes());
    assert_eq!(
        s.document_status("/n/a.txt", &sha).unwrap(),
        DocStatus::Unchanged
    );
    assert_eq!(
        s.document_status("/m/copy.txt", &sha).unwrap(),
        DocStatus::DuplicateOf("/n/a.txt".into())
    );
    let mut changed = corpus().remove(5);
    changed.text.push_str("(追記)");
    changed.records[0].span[1] += 4;
    assert_eq!(
        s.document_status("/n/f.txt", &sha256_hex(changed.text.as_bytes()))
            .unwrap(),
        DocStatus::Changed
    );
    assert_eq!(
        put(&mut s, &changed),
        Stored::Replaced {
            reports: 1,
            removed: 1
        }
    );
    let (docs_n, reports_n, _) = s.counts().unwrap();
    assert_eq!((docs_n, reports_n), (6, 6));
    assert!(s.links_dirty().unwrap());
    s.relink().unwrap();
    assert!(!s.links_dirty().unwrap());
    assert_eq!(s.search("追記", &Filter::default(), 10).unwrap().len(), 1);
}

#[test]
fn reports_of_one_incident_are_linked_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let s = filled(dir.path());
    let (_, reports, incidents) = s.counts().unwrap();
    assert_eq!(
        (reports, incidents),
        (6, 3),
        "contractor ×3, company ×2, misdelivery ×1"
    );
    assert_eq!(incident_of(&s, 1), incident_of(&s, 2));
    assert_eq!(incident_of(&s, 1), incident_of(&s, 3));
    assert_eq!(incident_of(&s, 4), incident_of(&s, 5));
    assert_ne!(incident_of(&s, 4), incident_of(&s, 6));
    let v = s.incident(1, true).unwrap();
    assert_eq!(v.reports.len(), 3);
    assert_eq!(v.max_affected, Some(1200));
    assert!(
        v.links
            .iter()
            .any(|l| l.reason.contains("ツバメ情報サービス") && l.reason.contains("Emotet")),
        "{:?}",
        v.links
    );
    assert!(
        v.victims.iter().any(|f| f.value == "愛宕県")
            && v.victims.iter().any(|f| f.value == "小谷県")
    );
    let follow = s.incident(5, false).unwrap();
    assert_eq!(follow.id, 4);
    assert_eq!(follow.max_affected, Some(30000));
    assert!(follow
        .malware
        .iter()
        .any(|f| f.value == "LockBit" && f.reports == vec![5]));
    assert!(
        follow.reports[1].reason.contains("joined to report 4"),
        "{}",
        follow.reports[1].reason
    );
}

#[test]
fn manual_unlink_and_link_survive_a_reingest() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = filled(dir.path());
    s.unlink_reports("3", Some("1")).unwrap();
    s.unlink_reports("3", Some("2")).unwrap();
    assert_ne!(incident_of(&s, 3), incident_of(&s, 1));
    s.link_reports("6", "4").unwrap();
    assert_eq!(incident_of(&s, 6), incident_of(&s, 4));
    let v = s.incident(6, false).unwrap();
    assert!(v.links.iter().any(|l| l.reason.contains("by hand")));
    drop(s);
    // A fresh database built again from the same documents keeps the decisions
    // only if they are keyed by content; here: same file, new store → not kept,
    // but re-storing into the same store after relinking keeps them.
    let mut s = Store::open(&dir.path().join("t.db")).unwrap();
    for d in corpus() {
        assert_eq!(put(&mut s, &d), Stored::Skipped);
    }
    s.relink().unwrap();
    assert_ne!(incident_of(&s, 3), incident_of(&s, 1));
    assert_eq!(incident_of(&s, 6), incident_of(&s, 4));
    assert!(s.link_reports("1", "1").is_err());
    assert!(s
        .link_reports("1", "999")
        .unwrap_err()
        .to_string()
        .contains("no report"));
}

#[test]
fn a_split_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = filled(dir.path());
    assert_eq!(incident_of(&s, 3), incident_of(&s, 1));
    // An unknown member: nothing is kept apart, the incident stays whole.
    let err = s
        .split_report("3", &["1".to_string(), "999".to_string()])
        .unwrap_err();
    assert!(err.to_string().contains("no report"), "{err}");
    assert_eq!(incident_of(&s, 3), incident_of(&s, 1));
    s.split_report("3", &["1".to_string(), "2".to_string()])
        .unwrap();
    assert_ne!(incident_of(&s, 3), incident_of(&s, 1));
    assert_ne!(incident_of(&s, 3), incident_of(&s, 2));
}

#[test]
fn search_uses_trigrams_and_falls_back_for_short_terms() {
    let dir = tempfile::tempdir().unwrap();
    let s = filled(dir.path());
    let hits = s.search("ランサムウェア", &Filter::default(), 10).unwrap();
    assert_eq!(hits.len(), 1, "two reports, one incident");
    assert_eq!(hits[0].incident, 4);
    assert!(
        hits[0].snippet.contains("【ランサムウェア】"),
        "{}",
        hits[0].snippet
    );
    let short = s.search("感染", &Filter::default(), 10).unwrap();
    assert_eq!(short.len(), 1);
    assert!(short[0].snippet.contains("【感染】"));
    let mixed = s.search("Emotet 県民", &Filter::default(), 10).unwrap();
    assert_eq!(mixed.len(), 1);
    let f = Filter {
        category: Some("misdelivery".into()),
        ..Default::default()
    };
    assert!(s
        .search("公表", &f, 10)
        .unwrap()
        .iter()
        .all(|h| h.category.as_deref() == Some("misdelivery")));
    let f = Filter {
        org: Some("(株)ミズハ物産".into()),
        ..Default::default()
    };
    assert_eq!(s.search("公表", &f, 10).unwrap().len(), 1);
    let f = Filter {
        malware: Some("emotet".into()),
        since: Some("2023-03".into()),
        until: Some("2023-03".into()),
        ..Default::default()
    };
    assert_eq!(s.search("ツバメ", &f, 10).unwrap().len(), 1);
    assert!(s.search("  ", &Filter::default(), 10).is_err());
    assert!(s
        .search(
            "x",
            &Filter {
                since: Some("March".into()),
                ..Default::default()
            },
            10
        )
        .is_err());
}

#[test]
fn statistics_monthly_table_and_taxonomies() {
    let dir = tempfile::tempdir().unwrap();
    let s = filled(dir.path());
    let rows = s
        .stats(By::Category, &Filter::default(), Taxonomy::Incidex)
        .unwrap();
    let total = rows.last().unwrap();
    assert_eq!(
        (total.key.as_str(), total.incidents, total.affected),
        ("total", 3, 31_200)
    );
    let tsr = s
        .stats(By::Category, &Filter::default(), Taxonomy::Tsr)
        .unwrap();
    assert_eq!(tsr[0].key, "ウイルス感染・不正アクセス");
    assert_eq!(tsr[0].incidents, 2);
    let months = s
        .stats(By::Month, &Filter::default(), Taxonomy::Veris)
        .unwrap();
    assert!(
        months.iter().any(|r| r.key == "2023-06 / Malware"),
        "{months:?}"
    );
    let malware = s
        .stats(By::Malware, &Filter::default(), Taxonomy::Incidex)
        .unwrap();
    assert!(malware
        .iter()
        .any(|r| r.key == "Emotet" && r.incidents == 1));
    let june = s.monthly_report("2023-06").unwrap();
    assert_eq!(june.len(), 2);
    assert_eq!(june[0].cause, "ランサムウェア");
    assert!(
        june[0].summary.contains("ミズハ物産") && june[0].summary.contains("LockBit"),
        "{}",
        june[0].summary
    );
    assert_eq!(june[0].sources, vec!["d.txt", "e.txt"]);
    let csv = incidex_store::render_csv(&june).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(incidex_store::render_md("2023-06", &june)
        .contains("| 1 | 官公庁・自治体 | ランサムウェア |"));
    assert!(s.monthly_report("2023-6").is_err());
}

#[test]
fn exports_are_deterministic_and_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let s = filled(dir.path());
    let mut a = Vec::new();
    let mut b = Vec::new();
    assert_eq!(
        s.export(ExportFormat::Stix, &Filter::default(), &mut a)
            .unwrap(),
        3
    );
    s.export(ExportFormat::Stix, &Filter::default(), &mut b)
        .unwrap();
    assert_eq!(a, b);
    let bundle: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let objects = bundle["objects"].as_array().unwrap();
    for t in [
        "identity",
        "incident",
        "malware",
        "indicator",
        "report",
        "relationship",
    ] {
        assert!(objects.iter().any(|o| o["type"] == t), "no {t}");
    }
    let mut m = Vec::new();
    s.export(ExportFormat::Misp, &Filter::default(), &mut m)
        .unwrap();
    let first: serde_json::Value =
        serde_json::from_slice(m.split(|c| *c == b'\n').next().unwrap()).unwrap();
    assert!(first["Event"]["Attribute"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["type"] == "domain"));
    let mut j = Vec::new();
    s.export(
        ExportFormat::Jsonl,
        &Filter {
            category: Some("malware".into()),
            ..Default::default()
        },
        &mut j,
    )
    .unwrap();
    assert_eq!(j.iter().filter(|c| **c == b'\n').count(), 1);
    let mut c = Vec::new();
    s.export(ExportFormat::Csv, &Filter::default(), &mut c)
        .unwrap();
    assert_eq!(String::from_utf8(c).unwrap().lines().count(), 4);
}

#[test]
fn watchlist_alerts_on_names_and_domains() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = filled(dir.path());
    s.watch_add("ツバメ情報サービス株式会社", &[], &[]).unwrap();
    s.watch_add("Example partner", &[], &["example.jp".into()])
        .unwrap();
    s.watch_add("カエデ", &["カエデ食品".into()], &[]).unwrap();
    assert_eq!(s.watch_list().unwrap().len(), 3);
    let alerts = s.alerts(None).unwrap();
    assert!(alerts
        .iter()
        .any(|a| a.watch == "ツバメ情報サービス株式会社" && a.incident == 1));
    assert!(alerts
        .iter()
        .any(|a| a.watch == "Example partner" && a.matched.contains("tsubame-is.example.jp")));
    assert!(alerts
        .iter()
        .any(|a| a.watch == "カエデ" && a.incident == 6));
    assert!(s
        .alerts(Some("2023-06"))
        .unwrap()
        .iter()
        .all(|a| a.incident != 1));
    assert!(s.watch_remove("カエデ").unwrap());
    assert!(!s.watch_remove("カエデ").unwrap());
    assert!(s.watch_add("x", &[], &["nodot".into()]).is_err());
}

#[test]
fn unusable_files_are_refused_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        b"this is not a database, just text that is long enough to look like a header...",
    )
    .unwrap();
    let e = Store::open(&junk).err().unwrap().to_string();
    assert!(
        e.contains("junk.db") && e.contains("not an incidex database"),
        "{e}"
    );

    let other = dir.path().join("other.db");
    let c = rusqlite::Connection::open(&other).unwrap();
    c.execute_batch("CREATE TABLE t(x)").unwrap();
    drop(c);
    assert!(Store::open(&other)
        .err()
        .unwrap()
        .to_string()
        .contains("another program"));

    let newer = dir.path().join("newer.db");
    drop(Store::open(&newer).unwrap());
    let c = rusqlite::Connection::open(&newer).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    let e = Store::open(&newer).err().unwrap().to_string();
    assert!(e.contains("schema version 99 is newer"), "{e}");

    // A database of schema 1 is migrated, keeping its documents.
    let old = dir.path().join("old.db");
    let mut s = Store::open_at_version(&old, 1).unwrap();
    put(&mut s, &corpus()[0]);
    assert_eq!(s.schema_version().unwrap(), 1);
    drop(s);
    let mut s = Store::open(&old).unwrap();
    assert_eq!(s.schema_version().unwrap(), incidex_store::SCHEMA_VERSION);
    assert_eq!(s.counts().unwrap().0, 1);
    s.watch_add("ツバメ情報サービス", &[], &[]).unwrap();

    let e = Store::open(dir.path()).err().unwrap().to_string();
    assert!(e.contains("folder"), "{e}");
}

#[test]
fn a_truncated_database_gives_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.db");
    drop(filled(dir.path()));
    let bytes = std::fs::read(&p).unwrap();
    let mut damaged = bytes.clone();
    for b in damaged.iter_mut().skip(4096).take(8192) {
        *b = 0x5A;
    }
    std::fs::write(&p, &damaged).unwrap();
    let _ = std::fs::remove_file(dir.path().join("t.db-wal"));
    match Store::open(&p) {
        Err(e) => assert!(e.to_string().contains("t.db"), "{e}"),
        Ok(s) => {
            // Damage may only show when pages are read.
            let r = s
                .search("ツバメ", &Filter::default(), 10)
                .map(|_| ())
                .and_then(|_| {
                    s.stats(By::Sector, &Filter::default(), Taxonomy::Incidex)
                        .map(|_| ())
                });
            if let Err(e) = r {
                assert!(e.to_string().contains("t.db"), "{e}");
            }
        }
    }
}

/// Every report's incident, and every join with its reason.
fn links_snapshot(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut out: Vec<String> = Vec::new();
    for sql in [
        "SELECT report_id || ' ' || incident_id || ' ' || reason FROM report_incident ORDER BY report_id",
        "SELECT incident_id || ' ' || report_a || ' ' || report_b || ' ' || reason FROM incident_links ORDER BY 1",
        "SELECT id || ' ' || report_count || ' ' || ifnull(disclosed, '') FROM incidents ORDER BY id",
        "SELECT incident_id || ' ' || kind || ' ' || value FROM incident_tags ORDER BY 1",
    ] {
        let mut st = c.prepare(sql).unwrap();
        out.extend(
            st.query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(|r| r.unwrap()),
        );
    }
    out
}

#[test]
fn relinking_pending_reports_only_keeps_manual_rules_and_matches_a_full_relink() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut s = filled(dir.path());
    s.unlink_reports("2", None).unwrap();
    s.link_reports("6", "4").unwrap();
    assert!(!s.links_dirty().unwrap());
    // Nothing pending: nothing to do.
    assert_eq!(
        s.relink_pending().unwrap(),
        incidex_store::LinkSummary::default()
    );
    let g = "ツバメ情報サービスは、Emotet感染の第2報を公表しました。".to_string();
    let h = "株式会社ミズハ物産は、ランサムウェア被害の第3報を公表しました。".to_string();
    let k = "株式会社ヒバリ運輸は、顧客宛てのメールを誤送信しました。".to_string();
    let docs = [
        Doc {
            path: "/n/g.txt",
            records: vec![record(
                "g.txt",
                &g,
                &["ツバメ情報サービス"],
                Category::Malware,
                &["Emotet"],
                "2023-03-20",
            )],
            text: g,
        },
        Doc {
            path: "/n/h.txt",
            records: vec![record(
                "h.txt",
                &h,
                &["株式会社ミズハ物産"],
                Category::Ransomware,
                &[],
                "2023-05-01",
            )],
            text: h,
        },
        Doc {
            path: "/n/k.txt",
            records: vec![record(
                "k.txt",
                &k,
                &["株式会社ヒバリ運輸"],
                Category::Misdelivery,
                &[],
                "2023-05-02",
            )],
            text: k,
        },
    ];
    for d in &docs {
        put(&mut s, d);
    }
    assert!(s.links_dirty().unwrap());
    let summary = s.relink_pending().unwrap();
    assert!(!s.links_dirty().unwrap());
    // Recomputed: the three new reports (7, 8, 9), the Tsubame reports (1, 2,
    // 3: one of them unlinked), the Mizuha incident (4, 5 and, by hand, 6).
    assert_eq!(summary.reports, 9, "{summary:?}");
    assert_eq!(incident_of(&s, 7), incident_of(&s, 1));
    assert_eq!(incident_of(&s, 8), incident_of(&s, 4));
    assert_eq!(
        incident_of(&s, 6),
        incident_of(&s, 4),
        "the hand-made link holds"
    );
    assert_eq!(incident_of(&s, 2), 2, "the unlink holds");
    assert_eq!(incident_of(&s, 9), 9);
    let incremental = links_snapshot(&db);
    s.relink().unwrap();
    assert_eq!(incremental, links_snapshot(&db));

    // A database whose pending reports are unknown (an older build left
    // links_dirty = 1) is relinked in full.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute("UPDATE meta SET value = '1' WHERE key = 'links_dirty'", [])
        .unwrap();
    drop(c);
    assert!(s.links_dirty().unwrap());
    assert_eq!(s.relink_pending().unwrap().reports, 9);
    assert!(!s.links_dirty().unwrap());

    // Only what new reports can join is recomputed: a report of Hibari
    // touches Hibari's incident, nothing else.
    let m = "ヒバリ運輸は、誤送信の対象が顧客12名であったと公表しました。".to_string();
    put(
        &mut s,
        &Doc {
            path: "/n/m.txt",
            records: vec![record(
                "m.txt",
                &m,
                &["ヒバリ運輸"],
                Category::Misdelivery,
                &[],
                "2023-05-09",
            )],
            text: m,
        },
    );
    let summary = s.relink_pending().unwrap();
    assert_eq!((summary.reports, summary.incidents), (2, 1), "{summary:?}");
    assert_eq!(incident_of(&s, 10), 9);
    let incremental = links_snapshot(&db);
    s.relink().unwrap();
    assert_eq!(incremental, links_snapshot(&db));
}

#[test]
fn an_incident_joined_through_a_name_of_another_report_stays_joined() {
    // "モナ電機" and "イシヌダ精工" are joined because a third report names
    // "モナ電機イシヌダ精工" (a group contains the names inside its name).
    // Relinking the incident later, for a new report that joins it through
    // another name, must keep the join although the third report is neither
    // in the incident nor among the reports relinked.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut s = Store::open(&db).unwrap();
    let doc = |path: &'static str, victims: &[&str], category: Category, day: &str| {
        let text = format!(
            "{}は、{day}に不正アクセスの被害を公表しました。",
            victims[0]
        );
        Doc {
            path,
            records: vec![record(path, &text, victims, category, &[], day)],
            text,
        }
    };
    put(
        &mut s,
        &doc(
            "/a1.txt",
            &["モナ電機"],
            Category::UnauthorizedAccess,
            "2013-12-24",
        ),
    );
    put(
        &mut s,
        &doc(
            "/b1.txt",
            &["イシヌダ精工", "ヒバリ運輸"],
            Category::UnauthorizedAccess,
            "2014-01-26",
        ),
    );
    put(
        &mut s,
        &doc(
            "/x.txt",
            &["モナ電機イシヌダ精工"],
            Category::Other,
            "2020-01-01",
        ),
    );
    s.relink_pending().unwrap();
    assert_eq!(incident_of(&s, 2), 1);
    assert_eq!(incident_of(&s, 3), 3);
    put(
        &mut s,
        &doc(
            "/c.txt",
            &["ヒバリ運輸"],
            Category::UnauthorizedAccess,
            "2014-01-28",
        ),
    );
    let summary = s.relink_pending().unwrap();
    assert_eq!(summary.reports, 3, "{summary:?}");
    assert_eq!(incident_of(&s, 4), 1);
    assert_eq!(incident_of(&s, 2), 1, "still joined");
    let incremental = links_snapshot(&db);
    s.relink().unwrap();
    assert_eq!(incremental, links_snapshot(&db));
}
