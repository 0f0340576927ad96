//! Uploaded documents, shared by the ingest page and `POST /api/v1/ingest`:
//! one name rule, one store key rule and one reading of the outcome.

use crate::error::Failure;
use incidex_ingest::{Document, Ingested, Pipeline};
use incidex_store::{DocStatus, Store};

/// The name of an upload when none is given.
pub const DEFAULT_NAME: &str = "upload.txt";

/// A safe document name from what the client sent: its base name (after the
/// last `/` or `\`), without control characters, at most 120 characters;
/// `fallback` when nothing is left.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        fallback.to_string()
    } else {
        cleaned.to_string()
    }
}

/// An uploaded document, stored under `upload:{sha256[..12]}/{name}`: two
/// different documents with the same name are kept apart, and the same
/// document uploaded twice is the same key (so "already stored").
pub fn document(name: &str, bytes: Vec<u8>) -> Document {
    let mut doc = Document::from_bytes(name, name, bytes);
    doc.key = format!("upload:{}/{name}", &doc.sha[..12]);
    doc.shown = doc.key.clone();
    doc
}

/// What saving a document did.
pub enum Saved {
    /// Stored before with the same content.
    Unchanged { incidents: Vec<i64> },
    /// Stored now.
    Stored {
        reports: usize,
        replaced: bool,
        incidents: Vec<i64>,
    },
    /// Not stored: the document cannot be read.
    Refused(String),
}

/// Ingests one document; a store failure is an error, an unreadable
/// document is `Saved::Refused`.
pub fn save(p: &Pipeline, s: &mut Store, doc: &Document) -> Result<Saved, Failure> {
    Ok(match p.ingest(s, doc) {
        Ok(Ingested::Unchanged) => {
            // The same content may be stored under another key (another
            // name, or not an upload): its incidents are that document's.
            let key = match s.document_status(&doc.key, &doc.sha)? {
                DocStatus::DuplicateOf(other) => other,
                _ => doc.key.clone(),
            };
            Saved::Unchanged {
                incidents: s.document_incidents(&key)?,
            }
        }
        Ok(Ingested::Stored {
            reports,
            replaced,
            incidents,
        }) => Saved::Stored {
            reports,
            replaced,
            incidents,
        },
        Err(Ok(reason)) => Saved::Refused(reason),
        Err(Err(e)) => return Err(e.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_reduced_to_a_base_name() {
        assert_eq!(clean_name("C:\\x\\notice.txt", "f"), "notice.txt");
        assert_eq!(clean_name("../../etc/passwd", "f"), "passwd");
        assert_eq!(clean_name("a/..", "f"), "f");
        assert_eq!(clean_name("", "f"), "f");
        assert_eq!(clean_name("x\u{7}y.txt", "f"), "xy.txt");
        assert_eq!(clean_name(&"a".repeat(200), "f").chars().count(), 120);
    }

    #[test]
    fn uploads_are_keyed_by_content_and_name() {
        let a = document("notice.txt", b"one".to_vec());
        let b = document("notice.txt", b"two".to_vec());
        let a2 = document("notice.txt", b"one".to_vec());
        assert_ne!(a.key, b.key);
        assert_eq!(a.key, a2.key);
        assert_eq!(a.key, format!("upload:{}/notice.txt", &a.sha[..12]));
        assert_eq!(a.name, "notice.txt");
    }
}
