//! Opening the database and storing one document with its reports, in one
//! transaction, so a kill at any moment leaves it consistent.

use crate::error::{classify, Result, StoreError};
use crate::normalize::normalize_name;
use crate::schema;
use incidex_model::{IndicatorType, Record};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// An open incident store.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

/// A document as read, before its reports are stored.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    /// Where it was read from (as shown to the user; unique in the store).
    pub path: &'a str,
    /// The file name (records' `doc`).
    pub name: &'a str,
    /// The SHA-256 of the raw bytes, lower-case hex ([`sha256_hex`]).
    pub sha256: &'a str,
    pub encoding: &'a str,
    /// text, html or pdf.
    pub format: &'a str,
    pub bytes: u64,
    /// The decoded text that record offsets refer to.
    pub text: &'a str,
}

/// What the store knows of a document before it is read further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocStatus {
    /// Never stored.
    New,
    /// Stored under this path with the same content.
    Unchanged,
    /// The same content is stored under another path.
    DuplicateOf(String),
    /// Stored under this path with other content: its reports will be replaced.
    Changed,
}

/// What [`Store::store_document`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Added { reports: usize },
    Replaced { reports: usize, removed: usize },
    Skipped,
}

/// The SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl Store {
    /// Opens (creating if needed) the database at `path`: WAL mode, schema
    /// migrated; a file that is not an incidex database, is corrupt, or comes
    /// from a newer incidex is refused with an error naming it.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_at_version(path, schema::SCHEMA_VERSION)
    }

    /// Opens with the schema migrated only up to `version` (for tests of migration).
    pub fn open_at_version(path: &Path, version: i64) -> Result<Store> {
        if path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "is a folder".into(),
            });
        }
        let mut conn = Connection::open(path).map_err(|e| classify(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| classify(path, e))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(|e| classify(path, e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("journal mode {mode}, not WAL"),
            });
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| classify(path, e))?;
        schema::migrate_to(&mut conn, path, version)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing database for reading only (SQLITE_OPEN_READ_ONLY):
    /// no file is created, nothing is migrated and the journal mode is left
    /// alone. A database of another schema version than this incidex's is
    /// refused with an error saying so (an older one needs a writing command
    /// such as `incidex ingest` to migrate it first).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        if path.is_dir() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "is a folder".into(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| classify(path, e))?;
        let app: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if app != schema::APPLICATION_ID {
            return Err(StoreError::NotADatabase {
                path: path.to_path_buf(),
                reason: "not an incidex database (or an empty one)".into(),
            });
        }
        if version > schema::SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: schema::SCHEMA_VERSION,
            });
        }
        if version < schema::SCHEMA_VERSION {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: format!(
                    "schema version {version} is older than this incidex's {} (opened read-only, so not migrated; `incidex ingest` migrates it)",
                    schema::SCHEMA_VERSION
                ),
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Whether a document needs reading: see [`DocStatus`].
    pub fn document_status(&self, path: &str, sha256: &str) -> Result<DocStatus> {
        status(&self.conn, path, sha256).map_err(|e| self.err(e))
    }

    /// Stores a document and its reports in one transaction: skipped when the
    /// same content is already stored, its old reports replaced when the path
    /// is stored with other content. Each new report starts as an incident of
    /// its own; [`Store::relink`] joins them.
    pub fn store_document(&mut self, doc: &NewDocument<'_>, records: &[Record]) -> Result<Stored> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let outcome = store_in(&tx, doc, records).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(outcome)
    }

    /// Counts of documents, reports and incidents.
    pub fn counts(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM reports), (SELECT count(*) FROM incidents)",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
            )
            .map_err(|e| self.err(e))
    }

    /// The incidents the reports of the document stored at `path` belong to
    /// (ascending ids; empty when the path is not stored or not linked yet).
    pub fn document_incidents(&self, path: &str) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT ri.incident_id FROM documents d
                 JOIN reports r ON r.document_id = d.id
                 JOIN report_incident ri ON ri.report_id = r.id
                 WHERE d.path = ?1 ORDER BY ri.incident_id",
            )
            .map_err(|e| self.err(e))?;
        let ids = stmt
            .query_map([path], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
            .map_err(|e| self.err(e))?;
        Ok(ids)
    }

    /// Whether reports were stored since the last [`Store::relink`] or
    /// [`Store::relink_pending`].
    pub fn links_dirty(&self) -> Result<bool> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'links_dirty'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(matches!(v.as_deref(), Some(v) if v != "0"))
    }
}

fn status(conn: &Connection, path: &str, sha256: &str) -> rusqlite::Result<DocStatus> {
    let same_path: Option<String> = conn
        .query_row(
            "SELECT sha256 FROM documents WHERE path = ?1",
            [path],
            |r| r.get(0),
        )
        .optional()?;
    if same_path.as_deref() == Some(sha256) {
        return Ok(DocStatus::Unchanged);
    }
    let other: Option<String> = conn
        .query_row(
            "SELECT path FROM documents WHERE sha256 = ?1 AND path <> ?2 LIMIT 1",
            [sha256, path],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(p) = other {
        return Ok(DocStatus::DuplicateOf(p));
    }
    Ok(if same_path.is_some() {
        DocStatus::Changed
    } else {
        DocStatus::New
    })
}

fn store_in(
    tx: &Transaction<'_>,
    doc: &NewDocument<'_>,
    records: &[Record],
) -> rusqlite::Result<Stored> {
    let removed = match status(tx, doc.path, doc.sha256)? {
        DocStatus::Unchanged | DocStatus::DuplicateOf(_) => return Ok(Stored::Skipped),
        DocStatus::Changed => remove_document(tx, doc.path)?,
        DocStatus::New => None,
    };
    tx.execute(
        "INSERT INTO documents(path, name, sha256, encoding, format, bytes, ingested_at, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            doc.path,
            doc.name,
            doc.sha256,
            doc.encoding,
            doc.format,
            doc.bytes as i64,
            crate::dates::now_rfc3339(),
            doc.text
        ],
    )?;
    let doc_id = tx.last_insert_rowid();
    let mut keys = std::collections::HashSet::new();
    for r in records {
        let report_id = insert_report(tx, doc_id, doc.sha256, r, &mut keys)?;
        insert_singleton_incident(tx, report_id)?;
    }
    crate::link::mark_dirty(tx)?;
    Ok(match removed {
        Some(n) => Stored::Replaced {
            reports: records.len(),
            removed: n,
        },
        None => Stored::Added {
            reports: records.len(),
        },
    })
}

/// Removes a stored document, its reports and search entries; the incidents
/// they belonged to fall apart into single-report incidents, marked pending,
/// until the next relink. Returns the number of reports removed.
fn remove_document(tx: &Transaction<'_>, path: &str) -> rusqlite::Result<Option<usize>> {
    let doc_id: i64 = tx.query_row("SELECT id FROM documents WHERE path = ?1", [path], |r| {
        r.get(0)
    })?;
    let mut st = tx.prepare("SELECT id FROM reports WHERE document_id = ?1")?;
    let ids: Vec<i64> = st
        .query_map([doc_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut incidents = std::collections::BTreeSet::new();
    for id in &ids {
        tx.execute(
            "INSERT INTO report_fts(report_fts, rowid, text, victims) SELECT 'delete', id, text, victims FROM report_text WHERE id = ?1",
            [id],
        )?;
        if let Some(i) = tx
            .query_row(
                "SELECT incident_id FROM report_incident WHERE report_id = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        {
            incidents.insert(i);
        }
        tx.execute("DELETE FROM report_incident WHERE report_id = ?1", [id])?;
    }
    tx.execute("DELETE FROM documents WHERE id = ?1", [doc_id])?;
    for inc in incidents {
        let mut st = tx.prepare("SELECT report_id FROM report_incident WHERE incident_id = ?1")?;
        let rest: Vec<i64> = st
            .query_map([inc], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        drop_incident(tx, inc)?;
        for r in rest {
            tx.execute("DELETE FROM report_incident WHERE report_id = ?1", [r])?;
            insert_singleton_incident(tx, r)?;
        }
    }
    Ok(Some(ids.len()))
}

fn drop_incident(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM incidents WHERE id = ?1", [id])?;
    tx.execute("DELETE FROM incident_tags WHERE incident_id = ?1", [id])?;
    tx.execute("DELETE FROM incident_links WHERE incident_id = ?1", [id])?;
    Ok(())
}

/// The tags of a record: names by role, causes, malware, indicators …
pub(crate) fn record_tags(r: &Record) -> Vec<(&'static str, String)> {
    let mut tags: Vec<(&'static str, String)> = Vec::new();
    let mut push = |k: &'static str, v: String| {
        if !v.is_empty() && !tags.iter().any(|(k2, v2)| *k2 == k && *v2 == v) {
            tags.push((k, v));
        }
    };
    for v in &r.victims {
        push("victim", normalize_name(v));
    }
    if r.victims.len() >= 2 {
        push("provider", normalize_name(&r.victims[0]));
    }
    for o in &r.organisations {
        match o.role.as_str() {
            "provider" => push("provider", normalize_name(&o.name)),
            "parent" => push("parent", normalize_name(&o.name)),
            "victim" | "subsidiary" => push("victim", normalize_name(&o.name)),
            _ => {}
        }
    }
    for c in r.category.iter().chain(&r.categories) {
        push("category", c.to_string());
    }
    for m in &r.malware {
        push("malware", m.clone());
    }
    for a in &r.threat_actors {
        push("actor", a.clone());
    }
    for v in &r.vectors {
        push("vector", v.to_string());
    }
    for d in &r.data_types {
        push("data", d.to_string());
    }
    for i in &r.indicators {
        push("indicator", format!("{}:{}", i.kind.as_str(), i.value));
        if let Some(d) = indicator_domain(i.kind, &i.value) {
            push("domain", d);
        }
    }
    tags
}

/// The domain an indicator names, if any.
pub(crate) fn indicator_domain(kind: IndicatorType, value: &str) -> Option<String> {
    let v = value.trim().to_lowercase();
    let d = match kind {
        IndicatorType::Domain => v,
        IndicatorType::Email => v.rsplit_once('@').map(|(_, d)| d.to_string())?,
        IndicatorType::Url => {
            let rest = v.split_once("://").map(|(_, r)| r).unwrap_or(&v);
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
            host.split(':').next().unwrap_or("").to_string()
        }
        IndicatorType::Ip | IndicatorType::Hash => return None,
    };
    (!d.is_empty()).then_some(d)
}

fn insert_report(
    tx: &Transaction<'_>,
    doc_id: i64,
    sha: &str,
    r: &Record,
    keys: &mut std::collections::HashSet<String>,
) -> rusqlite::Result<i64> {
    let base = format!(
        "{}:{}-{}",
        sha.get(..16).unwrap_or(sha),
        r.span[0],
        r.span[1]
    );
    let mut key = base.clone();
    let mut n = 1;
    while !keys.insert(key.clone()) {
        n += 1;
        key = format!("{base}#{n}");
    }
    let json = serde_json::to_string(r)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let max_affected = r
        .affected
        .iter()
        .map(|a| a.count)
        .max()
        .map(|c| c.min(i64::MAX as u64) as i64);
    tx.execute(
        "INSERT INTO reports(document_id, rkey, span_start, span_end, victim, victims, category, sector, disclosed, sequence, max_affected, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            doc_id,
            key,
            r.span[0] as i64,
            r.span[1] as i64,
            r.victims.first(),
            r.victims.join("\n"),
            r.category.map(|c| c.to_string()),
            r.sector.map(|s| s.to_string()),
            r.dates.disclosed,
            r.sequence,
            max_affected,
            json
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut st =
        tx.prepare_cached("INSERT INTO report_tags(report_id, kind, value) VALUES (?1, ?2, ?3)")?;
    for (k, v) in record_tags(r) {
        st.execute(params![id, k, v])?;
    }
    tx.execute("INSERT INTO report_fts(rowid, text, victims) SELECT id, text, victims FROM report_text WHERE id = ?1", [id])?;
    Ok(id)
}

/// Tags of reports that incidents carry (for filters, statistics, alerts).
pub(crate) const INCIDENT_TAG_KINDS: &str =
    "('victim', 'provider', 'parent', 'category', 'malware', 'actor', 'vector', 'domain')";

fn insert_singleton_incident(tx: &Transaction<'_>, report_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO incidents(id, victim, category, sector, disclosed, last_disclosed, max_affected, report_count)
         SELECT id, victim, category, sector, disclosed, disclosed, max_affected, 1 FROM reports WHERE id = ?1",
        [report_id],
    )?;
    tx.execute(
        "INSERT INTO report_incident(report_id, incident_id, reason) VALUES (?1, ?1, ?2)",
        params![report_id, crate::link::PENDING],
    )?;
    tx.execute(
        &format!(
            "INSERT OR IGNORE INTO incident_tags(incident_id, kind, value)
             SELECT report_id, CASE WHEN kind IN ('provider', 'parent') THEN 'victim' ELSE kind END, value
             FROM report_tags WHERE report_id = ?1 AND kind IN {INCIDENT_TAG_KINDS}"
        ),
        [report_id],
    )?;
    Ok(())
}
