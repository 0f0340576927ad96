//! `incidex extract`: files in, one record per incident report out.
//!
//! Files are read and extracted in parallel (rayon) in chunks, and written in
//! the order given, so memory stays flat however many files there are. A file
//! that cannot be read gets one error line naming it and the reason; the
//! others are still processed, and the exit status says whether any failed.

use crate::output::{write_records, Format};
use clap::Args;
use incidex_extract::{Extractor, Options};
use incidex_model::Record;
use incidex_read::{read_bytes, read_path, Limits};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct ExtractArgs {
    /// Files or folders to read; `-` (or nothing) reads standard input.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    #[command(flatten)]
    pub extraction: ExtractionArgs,
}

/// The options every command that extracts shares (`extract`, `ingest`).
#[derive(Args)]
pub struct ExtractionArgs {
    /// The documents' date (YYYY-MM-DD): years that are not written resolve against it.
    #[arg(long, value_parser = parse_date)]
    pub doc_date: Option<(i32, u32, u32)>,
    /// Worker threads for extraction (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// An extra lexicon file (TOML, same format as the built-in ones); may be repeated.
    #[arg(long = "lexicon")]
    pub lexicons: Vec<PathBuf>,
}

pub fn parse_date(s: &str) -> Result<(i32, u32, u32), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let bad = || format!("{s:?} is not a date of the form YYYY-MM-DD");
    if parts.len() != 3 {
        return Err(bad());
    }
    let y: i32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let d: u32 = parts[2].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// Every file under the given paths, folders walked recursively in name order.
pub fn collect_files(paths: &[PathBuf], errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out, errors);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            errors.push(format!("{}: no such file or folder", p.display()));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("{}: cannot read folder: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, errors);
        } else {
            out.push(p);
        }
    }
}

/// Reads and extracts one file; the error names no path (the caller adds it).
pub fn extract_one(
    ex: &Extractor,
    path: &Path,
    opts: &Options,
    limits: &Limits,
) -> Result<Vec<Record>, String> {
    let (doc, name) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limits.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        (
            read_bytes(&bytes, "-", limits).map_err(|e| e.to_string())?,
            "stdin".to_string(),
        )
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        (read_path(path, limits).map_err(|e| e.to_string())?, name)
    };
    incidex_ingest::extract_read(ex, &name, &doc, opts)
}

/// The extractor with the built-in lexicons and the user's `--lexicon` files,
/// and the worker pool sized by `--jobs`; an error has been printed when it fails.
pub fn build_extractor(lexicons: &[PathBuf], jobs: Option<usize>) -> Result<Extractor, ExitCode> {
    let ex = incidex_ingest::extractor_with_lexicons(lexicons).map_err(|e| {
        eprintln!("incidex: {e}");
        ExitCode::from(2)
    })?;
    if let Some(j) = jobs {
        // Only fails when a global pool already exists, which cannot happen here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
    Ok(ex)
}

pub fn run(args: ExtractArgs) -> ExitCode {
    let ex = match build_extractor(&args.extraction.lexicons, args.extraction.jobs) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    let opts = Options {
        doc_date: args.extraction.doc_date,
        ..Options::default()
    };
    let limits = Limits::default();
    let mut errors = Vec::new();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths.clone()
    };
    let files = collect_files(&paths, &mut errors);
    for e in &errors {
        eprintln!("{e}");
    }
    let mut failed = !errors.is_empty();
    // Not locked: a library printing from a worker thread must not wait on us.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut all: Vec<Record> = Vec::new();
    let chunk = rayon::current_num_threads().max(1) * 8;
    for group in files.chunks(chunk) {
        // pdf-extract prints diagnostics on standard output for some fonts; while a
        // chunk is read nothing of ours is written, so standard output is muted then
        // (flushed first) and the JSON stream stays clean.
        if let Err(e) = out.flush() {
            eprintln!("incidex: cannot write output: {e}");
            return ExitCode::from(2);
        }
        let mute = if group
            .iter()
            .any(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        {
            gag::Gag::stdout().ok()
        } else {
            None
        };
        let results: Vec<(&PathBuf, Result<Vec<Record>, String>)> = group
            .par_iter()
            .map(|p| (p, extract_one(&ex, p, &opts, &limits)))
            .collect();
        drop(mute);
        for (p, r) in results {
            match r {
                Ok(records) => {
                    if args.format == Format::Json {
                        all.extend(records);
                    } else if let Err(e) = write_records(&mut out, &records, args.format) {
                        eprintln!("incidex: cannot write output: {e}");
                        return ExitCode::from(2);
                    }
                }
                Err(e) => {
                    failed = true;
                    let shown = if p.as_os_str() == "-" {
                        "<stdin>".to_string()
                    } else {
                        p.display().to_string()
                    };
                    eprintln!("{shown}: {e}");
                }
            }
        }
    }
    if args.format == Format::Json {
        if let Err(e) = write_records(&mut out, &all, args.format) {
            eprintln!("incidex: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("incidex: cannot write output: {e}");
        return ExitCode::from(2);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(Args)]
pub struct TextArgs {
    /// The file to read (`-` for standard input).
    pub path: PathBuf,
    /// Print the encoding and format detected on standard error.
    #[arg(long)]
    pub verbose: bool,
}

/// `incidex text FILE`: the decoded text, exactly as extraction sees it.
pub fn run_text(args: TextArgs) -> ExitCode {
    let limits = Limits::default();
    let result = if args.path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        match std::io::stdin()
            .take(limits.max_bytes + 1)
            .read_to_end(&mut bytes)
        {
            Ok(_) => read_bytes(&bytes, "-", &limits),
            Err(e) => {
                eprintln!("<stdin>: cannot read: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        read_path(&args.path, &limits)
    };
    match result {
        Ok(doc) => {
            if args.verbose {
                eprintln!(
                    "{}: {} ({:?})",
                    args.path.display(),
                    doc.encoding,
                    doc.format
                );
            }
            let mut out = std::io::stdout().lock();
            if out
                .write_all(doc.text.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", args.path.display());
            ExitCode::from(1)
        }
    }
}
