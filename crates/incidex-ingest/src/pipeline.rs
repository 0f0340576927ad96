//! Extract and store: the steps every ingest takes, whoever calls it.

use crate::document::Document;
use incidex_extract::{Extractor, Options};
use incidex_lexicon::LexiconSet;
use incidex_model::Record;
use incidex_read::{read_bytes, Format, Limits};
use incidex_store::{DocStatus, NewDocument, Store, StoreError, Stored};
use std::path::PathBuf;

/// The extractor with the built-in lexicons plus the given lexicon files
/// (`--lexicon`); the error names the file that cannot be used.
pub fn extractor_with_lexicons(lexicons: &[PathBuf]) -> Result<Extractor, String> {
    let mut lex = LexiconSet::builtin().map_err(|e| format!("built-in lexicons: {e}"))?;
    for f in lexicons {
        lex.add_file(f).map_err(|e| e.to_string())?;
    }
    Ok(Extractor::new(lex))
}

/// The reports of a document already read (decoded, HTML and PDF turned into
/// text), each with the encoding it was read in. HTML text breaks only
/// between blocks, so its lines are not joined as wraps.
pub fn extract_read(
    extractor: &Extractor,
    name: &str,
    read: &incidex_read::Document,
    options: &Options,
) -> Result<Vec<Record>, String> {
    let opts = Options {
        lines_are_blocks: read.format == Format::Html,
        ..options.clone()
    };
    // The extractor is property-tested never to panic; should a bug slip
    // through anyway, it costs this one document, not the batch.
    let mut records = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extractor.extract(name, &read.text, &opts)
    }))
    .map_err(|_| "internal error while extracting (please report this file)".to_string())?;
    for rec in &mut records {
        rec.encoding = Some(read.encoding.to_string());
    }
    Ok(records)
}

/// A document's decoded text and its reports.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub text: String,
    pub encoding: &'static str,
    /// `text`, `html` or `pdf`.
    pub format: &'static str,
    pub records: Vec<Record>,
}

/// What [`Pipeline::ingest`] did with one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// Stored before with the same content (at this key or another).
    Unchanged,
    /// Stored now: `replaced` when an older version at the same key was replaced.
    Stored {
        reports: usize,
        replaced: bool,
        /// The store's ids of the incidents the document's reports now belong to.
        incidents: Vec<i64>,
    },
}

/// The extractor with its options and the reader's limits.
pub struct Pipeline {
    pub extractor: Extractor,
    pub options: Options,
    pub limits: Limits,
}

impl Pipeline {
    /// The built-in lexicons plus the given lexicon files.
    pub fn with_lexicons(lexicons: &[PathBuf], options: Options) -> Result<Pipeline, String> {
        Ok(Pipeline {
            extractor: extractor_with_lexicons(lexicons)?,
            options,
            limits: Limits::default(),
        })
    }

    /// Decodes and extracts one document; the error names no path (the
    /// caller adds it).
    pub fn extract(&self, doc: &Document) -> Result<Extracted, String> {
        let read = read_bytes(&doc.bytes, &doc.hint, &self.limits).map_err(|e| e.to_string())?;
        let records = extract_read(&self.extractor, &doc.name, &read, &self.options)?;
        let format = match read.format {
            Format::Text => "text",
            Format::Html => "html",
            Format::Pdf => "pdf",
        };
        Ok(Extracted {
            text: read.text,
            encoding: read.encoding,
            format,
            records,
        })
    }

    /// Stores an extracted document with its reports (one transaction).
    pub fn store(
        &self,
        store: &mut Store,
        doc: &Document,
        x: &Extracted,
    ) -> Result<Stored, StoreError> {
        let new = NewDocument {
            path: &doc.key,
            name: &doc.name,
            sha256: &doc.sha,
            encoding: x.encoding,
            format: x.format,
            bytes: doc.bytes.len() as u64,
            text: &x.text,
        };
        store.store_document(&new, &x.records)
    }

    /// The whole path for one document: skip it when already stored,
    /// otherwise extract, store and link its reports into incidents.
    /// `Err(Ok(reason))` is a document that cannot be read; `Err(Err(e))` a
    /// store failure (nothing of the document stored).
    pub fn ingest(
        &self,
        store: &mut Store,
        doc: &Document,
    ) -> Result<Ingested, Result<String, StoreError>> {
        match store.document_status(&doc.key, &doc.sha).map_err(Err)? {
            DocStatus::Unchanged | DocStatus::DuplicateOf(_) => return Ok(Ingested::Unchanged),
            _ => {}
        }
        let x = self.extract(doc).map_err(Ok)?;
        let stored = self.store(store, doc, &x).map_err(Err)?;
        let (reports, replaced) = match stored {
            Stored::Added { reports } => (reports, false),
            Stored::Replaced { reports, .. } => (reports, true),
            Stored::Skipped => return Ok(Ingested::Unchanged),
        };
        store.relink_pending().map_err(Err)?;
        let incidents = store.document_incidents(&doc.key).map_err(Err)?;
        Ok(Ingested::Stored {
            reports,
            replaced,
            incidents,
        })
    }
}
