//! `incidex mailcheck` as a user and a mail filter run it: the README's
//! example messages, exit statuses, JSON output, mbox and standard input,
//! unreadable inputs, and the store-aware check through `incidex ingest`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn incidex(args: &[&str], db: &Path) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(root())
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("running incidex: {e}"),
    }
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    }
}

#[test]
fn example_messages_are_explained_with_their_exit_status() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let ok = incidex(&["mailcheck", "examples/mail/01_partner_meeting.eml"], &db);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("verdict: ok (score 0)"));
    // No database: the store-aware check is skipped with a note, and none is created.
    assert!(String::from_utf8_lossy(&ok.stderr).contains("store-aware check is skipped"));
    assert!(!db.exists());

    let emotet = incidex(&["mailcheck", "examples/mail/02_emotet_reply.eml"], &db);
    assert_eq!(emotet.status.code(), Some(2));
    let t = text(&emotet);
    assert!(t.contains("verdict: dangerous"), "{t}");
    for code in [
        "display_name_address",
        "encrypted_zip",
        "zip_password_in_body",
        "reply_without_thread",
        "quoted_other_domain",
    ] {
        assert!(t.contains(&format!("] {code}: ")), "{code} missing:\n{t}");
    }
    // Each reason shows what it rests on.
    assert!(t.contains("evidence: 解凍パスワード：Tb2024x"), "{t}");
    assert!(t.contains("evidence: Subject: RE: 部品の納期"), "{t}");

    // The worst verdict of several messages decides the status.
    let both = incidex(
        &[
            "mailcheck",
            "examples/mail/01_partner_meeting.eml",
            "examples/mail/03_bec_bank_change.eml",
        ],
        &db,
    );
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn json_output_has_one_object_per_message() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let o = incidex(&["mailcheck", "--format", "json", "examples/mail"], &db);
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(serde_json::Value::Null))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["verdict"], "ok");
    assert_eq!(lines[2]["verdict"], "dangerous");
    let codes: Vec<&str> = lines[2]["reasons"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"bec_bank_change"), "{codes:?}");
    assert!(lines[2]["reasons"][0]["evidence"].as_str().is_some());
}

#[test]
fn mbox_on_standard_input_and_unreadable_inputs() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let mut mbox = Vec::new();
    for f in ["01_partner_meeting.eml", "04_link_and_macro.eml"] {
        mbox.extend_from_slice(b"From sender@example.jp Tue May 14 10:12:00 2024\n");
        mbox.extend_from_slice(
            &std::fs::read(root().join("examples/mail").join(f)).unwrap_or_default(),
        );
        mbox.extend_from_slice(b"\n");
    }
    let child = Command::new(env!("CARGO_BIN_EXE_incidex"))
        .args([
            "--db",
            &db.to_string_lossy(),
            "mailcheck",
            "--format",
            "json",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&mbox);
    }
    let o = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    let t = text(&o);
    assert_eq!(t.lines().count(), 2, "{t}");
    assert!(t.contains("\"source\":\"-#2\""), "{t}");
    assert_eq!(o.status.code(), Some(2));

    // A missing file: `path: reason` and status 3, never a panic.
    let missing = incidex(&["mailcheck", "no/such/file.eml"], &db);
    assert_eq!(missing.status.code(), Some(3));
    let err = String::from_utf8_lossy(&missing.stderr).into_owned();
    assert!(
        err.lines().any(|l| l.starts_with("no/such/file.eml: ")),
        "{err}"
    );
    // An empty file is unreadable too.
    let empty = dir.path().join("empty.eml");
    let _ = std::fs::write(&empty, b"");
    let e = incidex(&["mailcheck", &empty.to_string_lossy()], &db);
    assert_eq!(e.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&e.stderr).contains("empty.eml: empty"));
}

#[test]
fn ingested_infection_notice_flags_mail_until_the_period_ends() {
    let dir = tmp();
    let db = dir.path().join("t.db");
    let notice = root().join("crates/incidex-mailcheck/tests/store/misago_emotet_notice.txt");
    let ing = incidex(&["ingest", &notice.to_string_lossy()], &db);
    assert!(
        ing.status.success(),
        "{}",
        String::from_utf8_lossy(&ing.stderr)
    );
    let mail = dir.path().join("m.eml");
    let _ = std::fs::write(
        &mail,
        "From: =?UTF-8?B?44Of44K144K05bel5qWtIOacqOadkQ==?= <kimura@misago-kogyo.example.co.jp>\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: hello\r\n\r\nhi\r\n",
    );
    let m = mail.to_string_lossy().into_owned();
    let inside = incidex(&["mailcheck", "--now", "2024-05-20", &m], &db);
    assert_eq!(inside.status.code(), Some(1), "{}", text(&inside));
    let t = text(&inside);
    assert!(t.contains("sender_recent_incident: incident #1"), "{t}");
    assert!(t.contains("disclosed 2024-05-08"), "{t}");
    let after = incidex(
        &["mailcheck", "--now", "2024-05-20", "--recent-days", "7", &m],
        &db,
    );
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    let later = incidex(&["mailcheck", "--now", "2024-09-01", &m], &db);
    assert_eq!(later.status.code(), Some(0), "{}", text(&later));
}

/// The check only reads the database: a 0-byte file counts as none and stays
/// empty, and a database of an older (or newer) schema is neither migrated
/// nor refused outright: the store-aware check is skipped with a note.
#[test]
fn mailcheck_never_writes_or_migrates_the_database() {
    let dir = tmp();
    let mail = "crates/incidex-mailcheck/tests/corpus/l01_meeting_utf8.eml";
    let empty = dir.path().join("empty.db");
    if let Err(e) = std::fs::write(&empty, b"") {
        panic!("{e}");
    }
    let o = incidex(&["mailcheck", mail], &empty);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("no database"));
    assert_eq!(std::fs::metadata(&empty).map(|m| m.len()).ok(), Some(0));

    let old = dir.path().join("old.db");
    match incidex_store::Store::open_at_version(&old, 1) {
        Ok(s) => drop(s),
        Err(e) => panic!("{e}"),
    }
    let o = incidex(&["mailcheck", mail], &old);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("older") && err.contains("skipped"), "{err}");
    let version: i64 = match rusqlite::Connection::open(&old)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
    {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(version, 1, "mailcheck migrated the database");

    if let Err(e) =
        rusqlite::Connection::open(&old).and_then(|c| c.execute_batch("PRAGMA user_version = 99"))
    {
        panic!("{e}");
    }
    let o = incidex(&["mailcheck", mail], &old);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("skipped"), "{err}");
}

/// Exit 3 (an input could not be read) outranks 2 (dangerous), as
/// docs/mailcheck.md says: the dangerous message is still reported.
#[test]
fn an_unreadable_input_outranks_a_dangerous_one() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let missing = dir.path().join("missing.eml");
    let missing = missing.to_string_lossy();
    let o = incidex(
        &[
            "mailcheck",
            "--no-store",
            "crates/incidex-mailcheck/tests/corpus/s10_zip_with_exe.eml",
            &missing,
        ],
        &db,
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("verdict: dangerous"), "{}", text(&o));
}
