//! Extraction throughput on the example corpus repeated to at least 50 MB.
//!
//! ```text
//! cargo run --release -p incidex-extract --example throughput [-- MB]
//! ```
//!
//! Every file of `examples/corpus` is read with `incidex-read` (so the
//! Shift_JIS, EUC-JP, HTML and PDF notices count too, as the text the
//! extractor sees), and the documents are copied until their UTF-8 text
//! reaches the target size (50 MB unless an argument says otherwise). The
//! run extracts every document once on one thread, then once with a rayon
//! `par_iter` on all cores, and prints MB/s (MB = 10^6 bytes of UTF-8 text)
//! and documents/s for both.

use incidex_extract::{Extractor, Options};
use incidex_read::{read_path, Format, Limits};
use rayon::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

struct Doc {
    name: String,
    text: String,
    opts: Options,
}

/// The corpus documents, decoded as the CLI decodes them.
fn corpus() -> Vec<Doc> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/corpus"
    ));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut docs = Vec::new();
    for p in paths {
        match read_path(&p, &Limits::default()) {
            Ok(d) => docs.push(Doc {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                text: d.text,
                opts: Options {
                    lines_are_blocks: d.format == Format::Html,
                    ..Options::default()
                },
            }),
            Err(e) => eprintln!("skipping {}: {e}", p.display()),
        }
    }
    assert!(!docs.is_empty(), "no documents in {}", dir.display());
    docs
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn report(label: &str, bytes: usize, docs: usize, records: usize, took: Duration, threads: usize) {
    let secs = took.as_secs_f64();
    let mbs = bytes as f64 / 1e6 / secs;
    println!(
        "{label:<14} threads={threads:<2} {:>8.3} s  {mbs:>8.2} MB/s  {:>8.2} MB/s/core  {:>9.0} docs/s  ({records} records)",
        secs,
        mbs / threads as f64,
        docs as f64 / secs,
    );
}

fn main() {
    let target_mb: f64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the argument is the corpus size in MB"))
        .unwrap_or(50.0);
    let ex = Extractor::builtin().expect("built-in lexicons");
    let base = corpus();
    let base_bytes: usize = base.iter().map(|d| d.text.len()).sum();
    let target = (target_mb * 1e6) as usize;
    // Real copies, not references, so the run streams through the whole size.
    let mut docs: Vec<Doc> = Vec::new();
    let mut total = 0usize;
    let mut round = 0usize;
    while total < target {
        for d in &base {
            docs.push(Doc {
                name: format!("{round:05}/{}", d.name),
                text: d.text.clone(),
                opts: d.opts.clone(),
            });
            total += d.text.len();
        }
        round += 1;
    }
    println!(
        "corpus: {} files, {:.3} MB of text; repeated {round} times: {} documents, {:.2} MB",
        base.len(),
        base_bytes as f64 / 1e6,
        docs.len(),
        total as f64 / 1e6
    );

    // Warm-up: lazy regexes and lexicon automata are built on first use.
    for d in &base {
        std::hint::black_box(ex.extract(&d.name, &d.text, &d.opts));
    }

    let t = Instant::now();
    let mut records = 0usize;
    for d in &docs {
        records += std::hint::black_box(ex.extract(&d.name, &d.text, &d.opts)).len();
    }
    report("single thread", total, docs.len(), records, t.elapsed(), 1);

    let threads = rayon::current_num_threads();
    let t = Instant::now();
    let records: usize = docs
        .par_iter()
        .map(|d| std::hint::black_box(ex.extract(&d.name, &d.text, &d.opts)).len())
        .sum();
    report(
        "all cores",
        total,
        docs.len(),
        records,
        t.elapsed(),
        threads,
    );

    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak RSS {:.1} MiB (includes the {:.1} MB corpus held in memory)",
            kib as f64 / 1024.0,
            total as f64 / 1e6
        );
    }
}
