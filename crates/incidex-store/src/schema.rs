//! The schema and its migrations. The version lives in `PRAGMA user_version`;
//! `PRAGMA application_id` marks the file as an incidex database.

use crate::error::{classify, Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// "INCX" as a big-endian integer.
pub const APPLICATION_ID: i64 = 0x494E_4358;
/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 3;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3];

const V1: &str = r#"
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    encoding TEXT NOT NULL,
    format TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX documents_sha ON documents(sha256);
CREATE TABLE reports(
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    rkey TEXT NOT NULL UNIQUE,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    victim TEXT,
    victims TEXT NOT NULL,
    category TEXT,
    sector TEXT,
    disclosed TEXT,
    sequence INTEGER,
    max_affected INTEGER,
    record TEXT NOT NULL
);
CREATE INDEX reports_doc ON reports(document_id);
CREATE TABLE report_tags(
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX report_tags_report ON report_tags(report_id);
CREATE INDEX report_tags_kv ON report_tags(kind, value);
CREATE TABLE incidents(
    id INTEGER PRIMARY KEY,
    victim TEXT,
    category TEXT,
    sector TEXT,
    disclosed TEXT,
    last_disclosed TEXT,
    max_affected INTEGER,
    report_count INTEGER NOT NULL
);
CREATE INDEX incidents_disclosed ON incidents(disclosed);
CREATE TABLE report_incident(
    report_id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX report_incident_incident ON report_incident(incident_id);
CREATE TABLE incident_links(
    incident_id INTEGER NOT NULL,
    report_a INTEGER NOT NULL,
    report_b INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX incident_links_incident ON incident_links(incident_id);
CREATE TABLE incident_tags(
    incident_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY(incident_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX incident_tags_kv ON incident_tags(kind, value);
CREATE VIEW report_text AS
    SELECT r.id AS id,
           substr(d.text, r.span_start + 1, r.span_end - r.span_start) AS text,
           r.victims AS victims
    FROM reports r JOIN documents d ON d.id = r.document_id;
CREATE VIRTUAL TABLE report_fts USING fts5(
    text, victims, content='report_text', content_rowid='id', tokenize='trigram'
);
"#;

const V2: &str = r#"
CREATE TABLE manual_links(
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    kind TEXT NOT NULL CHECK(kind IN ('link', 'unlink')),
    created_at TEXT NOT NULL,
    PRIMARY KEY(a, b)
);
CREATE TABLE watchlist(
    name TEXT PRIMARY KEY,
    aliases TEXT NOT NULL,
    domains TEXT NOT NULL,
    added_at TEXT NOT NULL
);
"#;

/// The watcher's memory (`incidex watch`): each source's HTTP validators,
/// schedule and errors; the items seen per source (and the document each
/// became, so the incidents it feeds can be found again); and the alerts
/// delivered per incident and destination with the report count they carried,
/// so an incident alerts once per destination and again only on a follow-up.
/// Only new tables: existing data is untouched.
const V3: &str = r#"
CREATE TABLE watch_sources(
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    next_poll INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE watch_items(
    source TEXT NOT NULL,
    item TEXT NOT NULL,
    doc_path TEXT,
    seen_at TEXT NOT NULL,
    PRIMARY KEY(source, item)
);
CREATE INDEX watch_items_doc ON watch_items(doc_path);
CREATE TABLE alert_deliveries(
    report TEXT NOT NULL,
    destination TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY(report, destination)
);
"#;

/// Migrates up to `target` (tests build older schemas with it).
pub fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let err = |e| classify(path, e);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(err)?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if app != APPLICATION_ID && (tables > 0 || version > 0) {
        return Err(StoreError::NotADatabase {
            path: path.to_path_buf(),
            reason: "an SQLite file written by another program".into(),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version >= target {
        return Ok(());
    }
    let tx = conn.transaction().map_err(err)?;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(version as usize)
    {
        tx.execute_batch(sql).map_err(|e| classify(path, e))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(|e| classify(path, e))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(|e| classify(path, e))?;
    tx.commit().map_err(err)
}
