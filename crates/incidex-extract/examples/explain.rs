//! Shows how a document is read: its sections, the subject found for each, and
//! the records that come out. A tool for lexicon and rule authors.
//!
//!     cargo run --release -p incidex-extract --example explain -- FILE

use incidex_extract::{article, segment, Extractor, Options};
use incidex_lexicon::LexiconSet;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: explain FILE");
        std::process::exit(2);
    };
    let doc = match incidex_read::read_path(
        std::path::Path::new(&path),
        &incidex_read::Limits::default(),
    ) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let lex = LexiconSet::builtin().expect("built-in lexicons");
    let norm = incidex_extract::normalize::normalize_with(
        &doc.text,
        doc.format != incidex_read::Format::Html,
    );
    let t = norm.text.as_str();
    for sec in segment::sections(t, 0, t.len()) {
        let subj = article::subject(
            t,
            (sec.start, sec.heading_end),
            (sec.heading_end, sec.end),
            lex.get("org_suffixes"),
        );
        let head: String = sec.heading(t).chars().take(50).collect();
        let who = subj
            .map(|s| format!("{} ({:?})", s.main.name, s.strength))
            .unwrap_or_default();
        println!(
            "{:>6}..{:<6} {:<52} {}{}",
            sec.start,
            sec.end,
            head,
            who,
            if sec.closes { "  [closes]" } else { "" }
        );
    }
    let ex = Extractor::new(lex);
    let opts = Options {
        lines_are_blocks: doc.format == incidex_read::Format::Html,
        ..Options::default()
    };
    for r in ex.extract(&path, &doc.text, &opts) {
        println!("record {:?} {:?} {:?}", r.span, r.victims, r.category);
    }
}
