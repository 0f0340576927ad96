//! `incidex ingest`: read (or fetch, for http/https URLs), extract and store
//! documents. Each document is stored with its reports in one transaction;
//! documents already stored (by content hash) are skipped, so a rerun after a
//! crash or a kill completes the work. New reports are linked into incidents
//! every few thousand reports and at the end, incrementally
//! ([`Store::relink_pending`]).

use crate::extract_cmd::collect_files;
use clap::Args;
use incidex_extract::Options;
use incidex_ingest::{fetch_url, is_url, read_file, Document, Extracted, Pipeline};
use incidex_read::Limits;
use incidex_store::{DocStatus, Store, Stored};
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

#[derive(Default)]
struct Tally {
    read: usize,
    added: usize,
    replaced: usize,
    skipped: usize,
    failed: Vec<String>,
    reports: usize,
}

/// Reports stored (or left by a replaced document) after which the ingest
/// links them, before it goes on.
const RELINK_EVERY: usize = 2_000;

fn read_source(src: &Source, limits: &Limits) -> Result<Document, String> {
    match src {
        Source::File(p) => read_file(p, limits),
        Source::Url(u) => fetch_url(u, limits),
    }
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
    let extractor = match crate::extract_cmd::build_extractor(
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
    let pipeline = Pipeline {
        extractor,
        options: Options {
            doc_date: args.extraction.doc_date,
            ..Default::default()
        },
        limits: Limits::default(),
    };
    let limits = &pipeline.limits;
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
        let read: Vec<Result<Document, (String, String)>> = group
            .par_iter()
            .map(|p| read_source(p, limits).map_err(|e| (p.shown(), e)))
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
        let done: Vec<(Document, Result<Extracted, String>)> = todo
            .into_par_iter()
            .map(|r| {
                let x = pipeline.extract(&r);
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
            match pipeline.store(&mut store, &r, &x) {
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
