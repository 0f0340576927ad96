//! Criterion benchmark of extraction throughput.
//!
//! One iteration extracts the example corpus repeated to about 5 MB of text,
//! once sequentially and once with rayon on all cores; criterion reports
//! bytes per second. The full 50 MB run is the `throughput` example
//! (`cargo run --release -p incidex-extract --example throughput`), see
//! docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use incidex_extract::{Extractor, Options};
use incidex_read::{read_path, Format, Limits};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The allocator the `incidex` binary uses, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Text per iteration.
const TARGET_BYTES: usize = 5_000_000;

/// The corpus documents, decoded as the CLI decodes them: (name, text, options).
fn corpus() -> Vec<(String, String, Options)> {
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
        if let Ok(d) = read_path(&p, &Limits::default()) {
            let opts = Options {
                lines_are_blocks: d.format == Format::Html,
                ..Options::default()
            };
            docs.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                d.text,
                opts,
            ));
        }
    }
    assert!(!docs.is_empty(), "no documents in {}", dir.display());
    docs
}

fn throughput(c: &mut Criterion) {
    let ex = Extractor::builtin().expect("built-in lexicons");
    let base = corpus();
    let mut docs = Vec::new();
    let mut total = 0usize;
    while total < TARGET_BYTES {
        for d in &base {
            total += d.1.len();
            docs.push(d.clone());
        }
    }
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("corpus_5MB/single_thread", |b| {
        b.iter(|| {
            docs.iter()
                .map(|(name, text, opts)| black_box(ex.extract(name, text, opts)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("corpus_5MB/all_cores", |b| {
        b.iter(|| {
            docs.par_iter()
                .map(|(name, text, opts)| black_box(ex.extract(name, text, opts)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
