//! `incidex ingest`: read, extract and store documents. Each document is
//! stored with its reports in one transaction; documents already stored (by
//! content hash) are skipped, so a rerun after a crash or a kill completes
//! the work. Incidents are relinked at the end.

use crate::extract_cmd::{collect_files, parse_date};
use clap::Args;
use incidex_extract::{Extractor, Options};
use incidex_lexicon::LexiconSet;
use incidex_model::Record;
use incidex_read::{read_bytes, Format, Limits};
use incidex_store::{sha256_hex, DocStatus, NewDocument, Store, Stored};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct IngestArgs {
    /// Files or folders (walked recursively) to ingest.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// The documents' date (YYYY-MM-DD): years that are not written resolve against it.
    #[arg(long, value_parser = parse_date)]
    pub doc_date: Option<(i32, u32, u32)>,
    /// Worker threads for extraction (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// An extra lexicon file (TOML, same format as the built-in ones); may be repeated.
    #[arg(long = "lexicon")]
    pub lexicons: Vec<PathBuf>,
    /// Never draw a progress bar (it is drawn only when standard error is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// One file read and hashed.
struct Read {
    path: PathBuf,
    key: String,
    name: String,
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
        path: path.to_path_buf(),
        key,
        name,
        bytes,
        sha,
    })
}

fn extract(ex: &Extractor, r: &Read, opts: &Options, limits: &Limits) -> Result<Extracted, String> {
    let doc = read_bytes(&r.bytes, &r.name, limits).map_err(|e| e.to_string())?;
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
    let mut lex = match LexiconSet::builtin() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("incidex: built-in lexicons: {e}");
            return ExitCode::from(2);
        }
    };
    for f in &args.lexicons {
        if let Err(e) = lex.add_file(f) {
            eprintln!("incidex: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(j) = args.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
    let mut store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("incidex: {e}");
            return ExitCode::from(2);
        }
    };
    let ex = Extractor::new(lex);
    let opts = Options {
        doc_date: args.doc_date,
        ..Default::default()
    };
    let limits = Limits::default();
    let mut tally = Tally::default();
    let mut paths = Vec::new();
    for p in &args.paths {
        if p.starts_with("http://") || p.starts_with("https://") {
            tally.failed.push(format!(
                "{p}: fetching URLs is not supported yet; save the page and ingest the file"
            ));
        } else if p == "-" {
            tally
                .failed
                .push("-: standard input cannot be ingested (a document needs a path)".into());
        } else {
            paths.push(PathBuf::from(p));
        }
    }
    let files = collect_files(&paths, &mut tally.failed);
    let (_, _, incidents_before) = store.counts().unwrap_or_default();
    let bar = progress(files.len(), args.no_progress);
    let chunk = rayon::current_num_threads().max(1) * 8;
    for group in files.chunks(chunk) {
        let read: Vec<Result<Read, (PathBuf, String)>> = group
            .par_iter()
            .map(|p| read_file(p, &limits).map_err(|e| (p.clone(), e)))
            .collect();
        let mut todo = Vec::new();
        for r in read {
            tally.read += 1;
            match r {
                Err((p, e)) => tally.failed.push(format!("{}: {e}", p.display())),
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
                    tally.failed.push(format!("{}: {e}", r.path.display()));
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
                }
                Ok(Stored::Replaced { reports, .. }) => {
                    tally.replaced += 1;
                    tally.reports += reports;
                }
                Ok(Stored::Skipped) => tally.skipped += 1,
                Err(e) => {
                    eprintln!("incidex: {}: {e}", r.path.display());
                    return ExitCode::from(2);
                }
            }
        }
        bar.inc(group.len() as u64);
    }
    bar.finish_and_clear();
    let relinked = match store.links_dirty() {
        Ok(true) => {
            bar.println("linking reports into incidents…");
            store.relink().map(Some)
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
