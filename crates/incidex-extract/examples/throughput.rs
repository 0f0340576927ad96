//! Extraction throughput on the example corpus repeated to at least 50 MB.
//!
//! ```text
//! cargo run --release -p incidex-extract --example throughput [-- MB [single]]
//! ```
//!
//! With `single`, only the single-thread run is made: for instruction counts,
//! `valgrind --tool=callgrind --toggle-collect='throughput::measure' … 1 single`
//! counts the steady-state cost of extracting 1 MB, without start-up.
//!
//! Every file of `examples/corpus` is read with `incidex-read` (so the
//! Shift_JIS, EUC-JP, HTML and PDF notices count too, as the text the
//! extractor sees), and the documents are copied until their UTF-8 text
//! reaches the target size (50 MB unless an argument says otherwise). The
//! run extracts every document once on one thread, then once with a rayon
//! `par_iter` on all cores, and prints MB/s (MB = 10^6 bytes of UTF-8 text)
//! and documents/s for both.

use incidex_extract::{Extractor, Options};

/// The allocator the `incidex` binary uses, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
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

/// CPU time (user + system) this process has used so far, from
/// `/proc/self/stat` (Linux; ticks of 1/100 s). Wall time counts the time
/// other programs on a shared machine take; CPU time does not.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    bytes: usize,
    docs: usize,
    records: usize,
    wall: Duration,
    cpu: Option<Duration>,
    threads: usize,
}

fn report(label: &str, r: &Run) {
    let secs = r.wall.as_secs_f64();
    let mbs = r.bytes as f64 / 1e6 / secs;
    let per_cpu = r
        .cpu
        .map(|c| {
            format!(
                "{:>8.2} MB per CPU-second",
                r.bytes as f64 / 1e6 / c.as_secs_f64()
            )
        })
        .unwrap_or_default();
    println!(
        "{label:<14} threads={:<2} {secs:>7.3} s  {mbs:>7.2} MB/s  {:>7.2} MB/s/core  {:>7.0} docs/s  {per_cpu}  ({} records)",
        r.threads,
        mbs / r.threads as f64,
        r.docs as f64 / secs,
        r.records,
    );
}

/// Extracts every document, sequentially or with rayon.
fn measure(ex: &Extractor, docs: &[Doc], parallel: bool) -> Run {
    let cpu0 = cpu_time();
    let t = Instant::now();
    let count = |d: &Doc| std::hint::black_box(ex.extract(&d.name, &d.text, &d.opts)).len();
    let records: usize = if parallel {
        docs.par_iter().map(count).sum()
    } else {
        docs.iter().map(count).sum()
    };
    let wall = t.elapsed();
    let cpu = cpu_time().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
    Run {
        bytes: docs.iter().map(|d| d.text.len()).sum(),
        docs: docs.len(),
        records,
        wall,
        cpu,
        threads: if parallel {
            rayon::current_num_threads()
        } else {
            1
        },
    }
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

    report("single thread", &measure(&ex, &docs, false));
    if std::env::args().nth(2).as_deref() != Some("single") {
        report("all cores", &measure(&ex, &docs, true));
    }

    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak RSS {:.1} MiB (includes the {:.1} MB corpus held in memory)",
            kib as f64 / 1024.0,
            total as f64 / 1e6
        );
    }
}
