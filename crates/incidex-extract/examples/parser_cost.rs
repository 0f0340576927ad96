//! Times each whole-document parser, document by document, over a folder of text files.
//!     cargo run --release -p incidex-extract --example parser_cost -- DIR
use std::time::{Duration, Instant};
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/corpus".into());
    let docs: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let lex = incidex_lexicon::LexiconSet::builtin().expect("lexicons");
    let mb = docs.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let mut totals = vec![Duration::ZERO; 9];
    let names = [
        "normalize",
        "dates",
        "counts",
        "money",
        "indicators",
        "lexicons",
        "sections",
        "tables",
        "extract",
    ];
    let ex = incidex_extract::Extractor::builtin().expect("lexicons");
    for d in &docs {
        let t = Instant::now();
        let n = incidex_extract::normalize::normalize(d);
        totals[0] += t.elapsed();
        let s = n.text.as_str();
        let t = Instant::now();
        let _ = incidex_extract::dates::find_dates(s);
        totals[1] += t.elapsed();
        let t = Instant::now();
        let _ = incidex_extract::numbers::find_counts(s);
        totals[2] += t.elapsed();
        let t = Instant::now();
        let _ = incidex_extract::numbers::find_money(s);
        totals[3] += t.elapsed();
        let t = Instant::now();
        let _ = incidex_extract::indicators::find_indicators(s);
        totals[4] += t.elapsed();
        let t = Instant::now();
        let _ = lex.scan_all(s);
        totals[5] += t.elapsed();
        let t = Instant::now();
        let _ = incidex_extract::segment::sections(s, 0, s.len());
        totals[6] += t.elapsed();
        let t = Instant::now();
        let _ = incidex_extract::table::find_tables(s);
        totals[7] += t.elapsed();
        let t = Instant::now();
        let _ = ex.extract("d", d, &incidex_extract::Options::default());
        totals[8] += t.elapsed();
    }
    for (n, t) in names.iter().zip(totals) {
        println!(
            "{n:<12} {:>8.3} s {:>8.1} MB/s",
            t.as_secs_f64(),
            mb / t.as_secs_f64()
        );
    }
}
