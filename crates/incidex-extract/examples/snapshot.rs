//! Prints the records of every file under the given paths as JSON lines, in path
//! order: a regression snapshot for refactoring the extractor (the output of two
//! builds on the same inputs must be identical).
//!
//!     cargo run --release -p incidex-extract --example snapshot -- PATH... > out.jsonl

use incidex_extract::{Extractor, Options};
use std::path::{Path, PathBuf};

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let ex = Extractor::builtin().expect("built-in lexicons");
    let mut paths = Vec::new();
    for a in std::env::args().skip(1) {
        files(Path::new(&a), &mut paths);
    }
    for p in paths {
        let doc = match incidex_read::read_path(&p, &incidex_read::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                println!("# {}: {e}", p.display());
                continue;
            }
        };
        let opts = Options {
            lines_are_blocks: doc.format == incidex_read::Format::Html,
            ..Options::default()
        };
        for r in ex.extract(&p.display().to_string(), &doc.text, &opts) {
            println!("{}", serde_json::to_string(&r).expect("records serialise"));
        }
    }
}
