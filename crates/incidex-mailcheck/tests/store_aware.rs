//! The store-aware check: an infection notice ingested through the shared
//! pipeline makes mail from its organisation suspect, with the incident id
//! and date, until the configured period has passed.

use incidex_ingest::{Document, Ingested, Pipeline};
use incidex_mailcheck::{day_of, Checker, Context, Limits, Report, Verdict};
use incidex_store::Store;

const NOTICE: &[u8] = include_bytes!("store/misago_emotet_notice.txt");

/// Mail from the organisation's own domain (its mailbox may be hijacked).
const FROM_OWN_DOMAIN: &[u8] = "From: =?UTF-8?B?44Of44K144K05bel5qWtIOacqOadkQ==?= <kimura@misago-kogyo.example.co.jp>\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: =?UTF-8?B?44GU55u46KuH?=\r\nMessage-ID: <m1@misago-kogyo.example.co.jp>\r\n\r\nhello\r\n".as_bytes();
/// Mail whose display name claims the organisation, from elsewhere.
const CLAIMING_NAME: &[u8] = "From: =?UTF-8?B?44Of44K144K05bel5qWtIOacqOadkQ==?= <kimura-x@post-zz.example.com>\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: hello\r\n\r\nhi\r\n".as_bytes();
/// Mail from an address the notice names among the senders of the spoofed mail.
const FROM_NAMED_SENDER: &[u8] = b"From: t.kimura@relay-mx.example.com\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: hello\r\n\r\nhi\r\n";
/// Unrelated mail.
const UNRELATED: &[u8] = b"From: center@hibari-unyu.example.jp\r\nTo: m.sato@aoba-denki.example.co.jp\r\nSubject: hello\r\n\r\nhi\r\n";

fn ingest() -> (tempfile::TempDir, Store, i64) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    let mut store = match Store::open(&dir.path().join("t.db")) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let pipeline = match Pipeline::with_lexicons(&[], Default::default()) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let doc = Document::from_bytes("test:misago", "misago_emotet_notice.txt", NOTICE.to_vec());
    let incident = match pipeline.ingest(&mut store, &doc) {
        Ok(Ingested::Stored { incidents, .. }) => incidents.first().copied().unwrap_or(-1),
        other => panic!("ingest: {other:?}"),
    };
    (dir, store, incident)
}

fn check(store: &Store, now: &str, days: u32, raw: &[u8]) -> Report {
    let today = match day_of(Some(now)) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let ctx = match Context::from_store(store, today, days) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let checker = match Checker::new(ctx, Limits::default()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    match checker.check("mail", raw) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn recent_infection_notice_flags_its_organisations_mail() {
    let (_dir, store, incident) = ingest();
    assert!(incident > 0);
    let r = check(&store, "2024-05-20", 90, FROM_OWN_DOMAIN);
    assert_eq!(codes(&r), vec!["sender_recent_incident"]);
    assert_eq!(r.verdict, Verdict::Suspicious);
    let msg = &r.reasons[0].message;
    assert!(msg.contains(&format!("incident #{incident}")), "{msg}");
    assert!(msg.contains("2024-05-08"), "{msg}");
    assert!(msg.contains("Emotet"), "{msg}");

    let r = check(&store, "2024-05-20", 90, CLAIMING_NAME);
    assert_eq!(
        codes(&r),
        vec!["display_name_org", "sender_recent_incident"]
    );
    assert_eq!(r.verdict, Verdict::Dangerous);

    let r = check(&store, "2024-05-20", 90, FROM_NAMED_SENDER);
    assert_eq!(codes(&r), vec!["sender_named_in_notice"]);
    assert!(r.reasons[0].message.contains("relay-mx.example.com"));

    let r = check(&store, "2024-05-20", 90, UNRELATED);
    assert_eq!(codes(&r), Vec::<&str>::new());
}

#[test]
fn the_flag_ends_after_the_configured_period() {
    let (_dir, store, _) = ingest();
    // 2024-05-08 + 30 days = 2024-06-07: still inside on that day, outside the next.
    let inside = check(&store, "2024-06-07", 30, FROM_OWN_DOMAIN);
    assert_eq!(codes(&inside), vec!["sender_recent_incident"]);
    let outside = check(&store, "2024-06-08", 30, FROM_OWN_DOMAIN);
    assert_eq!(outside.verdict, Verdict::Ok);
    assert!(codes(&outside).is_empty());
    // A longer period keeps it.
    let longer = check(&store, "2024-06-08", 90, FROM_OWN_DOMAIN);
    assert_eq!(codes(&longer), vec!["sender_recent_incident"]);
    // Before the disclosure, nothing was known.
    let before = check(&store, "2024-05-01", 90, FROM_OWN_DOMAIN);
    assert!(codes(&before).is_empty());
}
