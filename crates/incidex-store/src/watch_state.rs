//! What the watcher (`incidex watch`) remembers across restarts: each
//! source's HTTP validators, schedule and last error; the items it has seen;
//! and the alerts it has delivered (schema version 3).

use crate::dates::now_rfc3339;
use crate::error::Result;
use crate::store::Store;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The polling state of one configured source.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SourceState {
    pub name: String,
    pub url: String,
    /// The validators of the last full response, sent back as
    /// If-None-Match / If-Modified-Since.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// RFC 3339 times (UTC).
    pub last_polled: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    /// Consecutive failed polls (0 after a success): drives the backoff.
    pub errors: u32,
    /// Unix seconds before which the source is not polled again.
    pub next_poll: i64,
}

/// An incident fed by something the watcher ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedIncident {
    pub id: i64,
    pub report_count: i64,
    /// The alert keys of its reports (see [`Store::watched_incidents`]),
    /// what deliveries are remembered by.
    pub reports: Vec<String>,
}

impl Store {
    /// The state of a source; `None` before its first poll.
    pub fn source_state(&self, name: &str) -> Result<Option<SourceState>> {
        self.conn
            .query_row(
                "SELECT name, url, etag, last_modified, last_polled, last_success, last_error, errors, next_poll
                 FROM watch_sources WHERE name = ?1",
                [name],
                row_state,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Writes a source's state (insert or replace).
    pub fn save_source_state(&mut self, s: &SourceState) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO watch_sources(name, url, etag, last_modified, last_polled, last_success, last_error, errors, next_poll)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    s.name,
                    s.url,
                    s.etag,
                    s.last_modified,
                    s.last_polled,
                    s.last_success,
                    s.last_error,
                    s.errors,
                    s.next_poll
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Whether the source has seen this item (its key includes the item's
    /// update date, so a changed item is new again).
    pub fn item_seen(&self, source: &str, item: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM watch_items WHERE source = ?1 AND item = ?2",
                [source, item],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err(e))
    }

    /// Remembers an item, with the stored document it became (its own path,
    /// or the path of the identical document stored before); `None` when it
    /// gave no document.
    pub fn mark_item_seen(
        &mut self,
        source: &str,
        item: &str,
        doc_path: Option<&str>,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO watch_items(source, item, doc_path, seen_at) VALUES (?1, ?2, ?3, ?4)",
                params![source, item, doc_path, now_rfc3339()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// How many items a source has seen.
    pub fn items_seen(&self, source: &str) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM watch_items WHERE source = ?1",
                [source],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// The incidents that contain a report of a document the watcher
    /// ingested (or recognised as already stored), with their report counts
    /// and the alert keys of all their reports. Found through the documents
    /// rather than remembered incident ids, so incidents joined or
    /// renumbered by a later relink are still found.
    ///
    /// A report's alert key is its document's path and its place among that
    /// document's reports (`PATH#1`, `PATH#2` …): unlike the incident id
    /// (the smallest report id, which changes when reports are split off or
    /// replaced, and is reused) and unlike the report key (which changes
    /// with the document's content), it survives a relink and an updated
    /// version of the same document, so deliveries remembered by it are
    /// neither repeated nor wrongly suppressed.
    pub fn watched_incidents(&self) -> Result<Vec<WatchedIncident>> {
        let mut st = self
            .conn
            .prepare(
                "WITH watched AS (
                     SELECT DISTINCT i.id, i.report_count FROM watch_items w
                     JOIN documents d ON d.path = w.doc_path
                     JOIN reports r ON r.document_id = d.id
                     JOIN report_incident ri ON ri.report_id = r.id
                     JOIN incidents i ON i.id = ri.incident_id)
                 SELECT w.id, w.report_count, d.path || '#' ||
                        (SELECT count(*) FROM reports r2
                         WHERE r2.document_id = r.document_id AND r2.id <= r.id)
                 FROM watched w
                 JOIN report_incident ri ON ri.incident_id = w.id
                 JOIN reports r ON r.id = ri.report_id
                 JOIN documents d ON d.id = r.document_id
                 ORDER BY w.id, r.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out: Vec<WatchedIncident> = Vec::new();
        for row in rows {
            let (id, report_count, key) = row.map_err(|e| self.err(e))?;
            match out.last_mut() {
                Some(w) if w.id == id => w.reports.push(key),
                _ => out.push(WatchedIncident {
                    id,
                    report_count,
                    reports: vec![key],
                }),
            }
        }
        Ok(out)
    }

    /// How many of these reports (alert keys) were alerted to a
    /// destination.
    pub fn delivered_reports(&self, reports: &[String], destination: &str) -> Result<usize> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM alert_deliveries WHERE report = ?1 AND destination = ?2")
            .map_err(|e| self.err(e))?;
        let mut n = 0;
        for r in reports {
            if st
                .query_row(params![r, destination], |_| Ok(()))
                .optional()
                .map_err(|e| self.err(e))?
                .is_some()
            {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Records that these reports (alert keys) were alerted to a
    /// destination.
    pub fn record_delivery(&mut self, reports: &[String], destination: &str) -> Result<()> {
        let now = now_rfc3339();
        let res = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            for r in reports {
                tx.execute(
                    "INSERT OR REPLACE INTO alert_deliveries(report, destination, delivered_at)
                     VALUES (?1, ?2, ?3)",
                    params![r, destination, now],
                )?;
            }
            tx.commit()
        })();
        res.map_err(|e| self.err(e))
    }

    /// Every delivery made: (report alert key, destination).
    pub fn deliveries(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT report, destination FROM alert_deliveries ORDER BY report, destination",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

fn row_state(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceState> {
    Ok(SourceState {
        name: r.get(0)?,
        url: r.get(1)?,
        etag: r.get(2)?,
        last_modified: r.get(3)?,
        last_polled: r.get(4)?,
        last_success: r.get(5)?,
        last_error: r.get(6)?,
        errors: r.get::<_, i64>(7)?.clamp(0, u32::MAX as i64) as u32,
        next_poll: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{sha256_hex, NewDocument};

    fn doc<'a>(path: &'a str, sha: &'a str) -> NewDocument<'a> {
        NewDocument {
            path,
            name: "notice.txt",
            sha256: sha,
            encoding: "UTF-8",
            format: "text",
            bytes: 10,
            text: "お知らせ本文",
        }
    }

    #[test]
    fn version_2_database_migrates_to_3_keeping_its_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let sha = sha256_hex(b"old");
        {
            let mut s = Store::open_at_version(&path, 2).unwrap();
            s.store_document(&doc("/old/notice.txt", &sha), &[])
                .unwrap();
            assert_eq!(s.schema_version().unwrap(), 2);
        }
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), 3);
        assert_eq!(s.counts().unwrap().0, 1);
        assert_eq!(
            s.document_status("/old/notice.txt", &sha).unwrap(),
            crate::DocStatus::Unchanged
        );
        s.mark_item_seen("feed", "item-1", Some("/old/notice.txt"))
            .unwrap();
        assert!(s.item_seen("feed", "item-1").unwrap());
        assert!(!s.item_seen("feed", "item-2").unwrap());
        assert!(!s.item_seen("other", "item-1").unwrap());
    }

    #[test]
    fn source_state_and_deliveries_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        {
            let mut s = Store::open(&path).unwrap();
            assert_eq!(s.source_state("news").unwrap(), None);
            s.save_source_state(&SourceState {
                name: "news".into(),
                url: "http://127.0.0.1:1/feed.xml".into(),
                etag: Some("\"v1\"".into()),
                errors: 2,
                next_poll: 1_700_000_000,
                last_error: Some("HTTP 500".into()),
                ..SourceState::default()
            })
            .unwrap();
            s.record_delivery(&["/a#1".to_string()], "stdout").unwrap();
            s.record_delivery(&["/a#1".to_string(), "/b#1".to_string()], "stdout")
                .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let st = s.source_state("news").unwrap().unwrap();
        assert_eq!(st.etag.as_deref(), Some("\"v1\""));
        assert_eq!(st.errors, 2);
        assert_eq!(st.next_poll, 1_700_000_000);
        let keys = ["/a#1".to_string(), "/b#1".to_string(), "/c#1".to_string()];
        assert_eq!(s.delivered_reports(&keys, "stdout").unwrap(), 2);
        assert_eq!(s.delivered_reports(&keys, "webhook").unwrap(), 0);
        assert_eq!(s.deliveries().unwrap().len(), 2);
    }
}
