//! `incidex ingest`: read (or fetch, for http/https URLs), extract and store
//! documents. Each document is stored with its reports in one transaction;
//! documents already stored (by content hash) are skipped, so a rerun after a
//! crash or a kill completes the work. New reports are linked into incidents
//! every few thousand reports and at the end, incrementally
//! ([`Store::relink_pending`]).

use crate::extract_cmd::collect_files;
use clap::Args;
use incidex_extract::{Extractor, Options};
use incidex_model::Record;
use incidex_read::{read_bytes, Format, Limits};
use incidex_store::{sha256_hex, DocStatus, NewDocument, Store, Stored};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct IngestArgs {
    /// Files, folders (walked recursively) or http(s) URLs to ingest.
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub extraction: crate::extract_cmd::ExtractionArgs,
    /// Never draw a progress bar (it is drawn only when standard error is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// Where a document comes from.
enum Source {
    File(PathBuf),
    Url(String),
}

impl Source {
    fn shown(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Url(u) => u.clone(),
        }
    }
}

/// One file read (or URL fetched) and hashed.
struct Read {
    /// As shown in messages.
    shown: String,
    /// The document's path in the store: the canonical file path, or the URL.
    key: String,
    name: String,
    /// The name whose extension tells the reader the format.
    hint: String,
    bytes: Vec<u8>,
    sha: String,
}

struct Extracted {
    text: String,
    encoding: &'static str,
    format: &'static str,
    records: Vec<Record>,
}

#[derive(Default)]
struct Tally {
    read: usize,
    added: usize,
    replaced: usize,
    skipped: usize,
    failed: Vec<String>,
    reports: usize,
}

fn read_file(path: &Path, limits: &Limits) -> Result<Read, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > limits.max_bytes {
        return Err(format!(
            "{} bytes, more than the limit of {}",
            meta.len(),
            limits.max_bytes
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let key = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| key.clone());
    let sha = sha256_hex(&bytes);
    Ok(Read {
        shown: path.display().to_string(),
        key,
        hint: name.clone(),
        name,
        bytes,
        sha,
    })
}

/// Reports stored (or left by a replaced document) after which the ingest
/// links them, before it goes on.
const RELINK_EVERY: usize = 2_000;

/// How long one fetch may take, from connecting to the last byte.
const FETCH_TIMEOUT_SECS: u64 = 30;
/// Redirects followed before a fetch fails.
const MAX_REDIRECTS: u32 = 5;

fn user_agent() -> String {
    format!(
        "incidex/{} (+https://example.invalid/incidex)",
        env!("CARGO_PKG_VERSION")
    )
}

fn is_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The extension the reader recognises, if the name has one.
fn known_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext.to_ascii_lowercase().as_str(),
            "txt" | "text" | "md" | "markdown" | "html" | "htm" | "xhtml" | "shtml" | "pdf"
        )
    })
}

/// The document name of a URL (the last segment of its path, or its host)
/// and the name hint for the reader: the name, with an extension from the
/// Content-Type when the path has none the reader knows.
fn url_names(url: &str, content_type: &str) -> (String, String) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let name = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or(host)
        .to_string();
    let name = if name.is_empty() {
        "document".to_string()
    } else {
        name
    };
    if known_extension(&name) {
        return (name.clone(), name);
    }
    let ext = match content_type.trim().to_ascii_lowercase().as_str() {
        "text/html" | "application/xhtml+xml" => ".html",
        "application/pdf" => ".pdf",
        "text/plain" => ".txt",
        _ => "",
    };
    let hint = format!("{name}{ext}");
    (name, hint)
}

fn transport_reason(t: &ureq::Transport) -> String {
    use std::error::Error as _;
    let io_kind = t
        .source()
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .map(|e| e.kind());
    match (t.kind(), io_kind) {
        (_, Some(std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)) => {
            format!("timed out after {FETCH_TIMEOUT_SECS} s")
        }
        (ureq::ErrorKind::TooManyRedirects, _) => {
            format!("more than {MAX_REDIRECTS} redirects")
        }
        (kind, _) => {
            let detail = t
                .source()
                .map(|e| e.to_string())
                .or_else(|| t.message().map(str::to_string));
            let what = match kind {
                ureq::ErrorKind::ConnectionFailed => "cannot connect".to_string(),
                ureq::ErrorKind::Dns => "cannot resolve the host".to_string(),
                kind => format!("cannot fetch: {kind}"),
            };
            match detail {
                Some(d) => format!("{what}: {d}"),
                None => what,
            }
        }
    }
}

/// Fetches a URL (GET, a clear User-Agent, a timeout, at most
/// [`MAX_REDIRECTS`] redirects, at most `limits.max_bytes` bytes).
fn fetch_url(url: &str, limits: &Limits) -> Result<Read, String> {
    let agent = ureq::AgentBuilder::new()
        .user_agent(&user_agent())
        .timeout(std::time::Duration::from_secs(FETCH_TIMEOUT_SECS))
        .redirects(MAX_REDIRECTS)
        .build();
    let resp = match agent.get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(code, r)) => {
            let text = r.status_text().trim().to_string();
            return Err(if text.is_empty() {
                format!("HTTP {code}")
            } else {
                format!("HTTP {code} {text}")
            });
        }
        Err(ureq::Error::Transport(t)) => return Err(transport_reason(&t)),
    };
    let too_large =
        |size: String| format!("{size} bytes, more than the limit of {}", limits.max_bytes);
    if let Some(len) = resp
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > limits.max_bytes {
            return Err(too_large(len.to_string()));
        }
    }
    let (name, hint) = url_names(resp.get_url(), resp.content_type());
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(resp.into_reader(), limits.max_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("timed out after {FETCH_TIMEOUT_SECS} s")
        }
        _ => format!("cannot fetch: {e}"),
    })?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(format!("more than {}", limits.max_bytes)));
    }
    let sha = sha256_hex(&bytes);
    Ok(Read {
        shown: url.to_string(),
        key: url.to_string(),
        name,
        hint,
        bytes,
        sha,
    })
}

fn read_source(src: &Source, limits: &Limits) -> Result<Read, String> {
    match src {
        Source::File(p) => read_file(p, limits),
        Source::Url(u) => fetch_url(u, limits),
    }
}

fn extract(ex: &Extractor, r: &Read, opts: &Options, limits: &Limits) -> Result<Extracted, String> {
    let doc = read_bytes(&r.bytes, &r.hint, limits).map_err(|e| e.to_string())?;
    let opts = Options {
        lines_are_blocks: doc.format == Format::Html,
        ..opts.clone()
    };
    let mut records = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.extract(&r.name, &doc.text, &opts)
    }))
    .map_err(|_| "internal error while extracting (please report this file)".to_string())?;
    for rec in &mut records {
        rec.encoding = Some(doc.encoding.to_string());
    }
    let format = match doc.format {
        Format::Text => "text",
        Format::Html => "html",
        Format::Pdf => "pdf",
    };
    Ok(Extracted {
        text: doc.text,
        encoding: doc.encoding,
        format,
        records,
    })
}

fn progress(total: usize, hidden: bool) -> indicatif::ProgressBar {
    if hidden || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents  {per_sec}  eta {eta}  {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

pub fn run(db: &Path, args: IngestArgs) -> ExitCode {
    let ex = match crate::extract_cmd::build_extractor(
        &args.extraction.lexicons,
        args.extraction.jobs,
    ) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    let mut store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("incidex: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = Options {
        doc_date: args.extraction.doc_date,
        ..Default::default()
    };
    let limits = Limits::default();
    let mut tally = Tally::default();
    let mut paths = Vec::new();
    let mut urls = Vec::new();
    for p in &args.paths {
        if is_url(p) {
            if !urls.contains(p) {
                urls.push(p.clone());
            }
        } else if p == "-" {
            tally
                .failed
                .push("-: standard input cannot be ingested (a document needs a path)".into());
        } else {
            paths.push(PathBuf::from(p));
        }
    }
    let files: Vec<Source> = collect_files(&paths, &mut tally.failed)
        .into_iter()
        .map(Source::File)
        .chain(urls.into_iter().map(Source::Url))
        .collect();
    let (_, _, incidents_before) = store.counts().unwrap_or_default();
    let bar = progress(files.len(), args.no_progress);
    let mut unlinked = 0usize;
    let chunk = rayon::current_num_threads().max(1) * 8;
    for group in files.chunks(chunk) {
        let read: Vec<Result<Read, (String, String)>> = group
            .par_iter()
            .map(|p| read_source(p, &limits).map_err(|e| (p.shown(), e)))
            .collect();
        let mut todo = Vec::new();
        for r in read {
            tally.read += 1;
            match r {
                Err((p, e)) => tally.failed.push(format!("{p}: {e}")),
                Ok(r) => match store.document_status(&r.key, &r.sha) {
                    Ok(DocStatus::Unchanged | DocStatus::DuplicateOf(_)) => tally.skipped += 1,
                    Ok(_) => todo.push(r),
                    Err(e) => {
                        eprintln!("incidex: {e}");
                        return ExitCode::from(2);
                    }
                },
            }
        }
        let done: Vec<(Read, Result<Extracted, String>)> = todo
            .into_par_iter()
            .map(|r| {
                let x = extract(&ex, &r, &opts, &limits);
                (r, x)
            })
            .collect();
        for (r, x) in done {
            let x = match x {
                Ok(x) => x,
                Err(e) => {
                    tally.failed.push(format!("{}: {e}", r.shown));
                    continue;
                }
            };
            let doc = NewDocument {
                path: &r.key,
                name: &r.name,
                sha256: &r.sha,
                encoding: x.encoding,
                format: x.format,
                bytes: r.bytes.len() as u64,
                text: &x.text,
            };
            match store.store_document(&doc, &x.records) {
                Ok(Stored::Added { reports }) => {
                    tally.added += 1;
                    tally.reports += reports;
                    unlinked += reports;
                }
                Ok(Stored::Replaced { reports, removed }) => {
                    tally.replaced += 1;
                    tally.reports += reports;
                    unlinked += reports + removed;
                }
                Ok(Stored::Skipped) => tally.skipped += 1,
                Err(e) => {
                    eprintln!("incidex: {}: {e}", r.shown);
                    return ExitCode::from(2);
                }
            }
        }
        // Link as we go, so that a relink never holds more than the reports
        // of a few chunks and those they can join.
        if unlinked >= RELINK_EVERY {
            if let Err(e) = store.relink_pending() {
                eprintln!("incidex: {e}");
                return ExitCode::from(2);
            }
            unlinked = 0;
        }
        bar.inc(group.len() as u64);
    }
    bar.finish_and_clear();
    let relinked = match store.links_dirty() {
        Ok(true) => {
            bar.println("linking reports into incidents…");
            store.relink_pending().map(Some)
        }
        Ok(false) => Ok(None),
        Err(e) => Err(e),
    };
    if let Err(e) = relinked {
        eprintln!("incidex: {e}");
        return ExitCode::from(2);
    }
    let (docs, reports, incidents) = store.counts().unwrap_or_default();
    for f in &tally.failed {
        eprintln!("failed: {f}");
    }
    eprintln!(
        "ingest: {} documents read: {} added, {} replaced, {} skipped (already stored), {} failed; {} reports stored; incidents {} → {} ({:+}); database {}: {} documents, {} reports, {} incidents",
        tally.read,
        tally.added,
        tally.replaced,
        tally.skipped,
        tally.failed.len(),
        tally.reports,
        incidents_before,
        incidents,
        incidents as i64 - incidents_before as i64,
        db.display(),
        docs,
        reports,
        incidents
    );
    if tally.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
