//! The one ingest path of incidex, shared by `incidex ingest`, the web
//! application's upload and the watcher: a [`Document`] (read from a file,
//! fetched from a URL or handed over as bytes) is decoded and extracted by a
//! [`Pipeline`], then stored with its reports in one transaction; new reports
//! are linked into incidents incrementally.

mod document;
mod fetch;
mod pipeline;

pub use document::{known_extension, read_file, Document};
pub use fetch::{
    error_reason, fetch, fetch_url, http_agent, is_url, url_names, user_agent, Body, FetchLimits,
    Fetched, Validators, FETCH_TIMEOUT_SECS, MAX_REDIRECTS,
};
pub use pipeline::{extract_read, extractor_with_lexicons, Extracted, Ingested, Pipeline};
