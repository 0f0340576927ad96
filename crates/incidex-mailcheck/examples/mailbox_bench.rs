//! Throughput of the mail check on a large generated mailbox.
//!
//! `cargo run --release -p incidex-mailcheck --example mailbox_bench [MESSAGES] [KNOWN_DOMAINS]`
//!
//! Writes an mbox of MESSAGES (default 20,000) messages cycling through the
//! fixture corpus (legitimate and spoofed, attachments included) to a
//! temporary file, then streams it through the same reader and checker as
//! `incidex mailcheck`, with KNOWN_DOMAINS (default 1,000) known domains and
//! 100 recent incidents in the context. Prints messages/s, MB/s, the verdict
//! counts and the peak resident memory (VmHWM).

use incidex_mailcheck::input::read_messages;
use incidex_mailcheck::{Checker, Context, KnownOrg, Limits, RecentIncident, Verdict};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let known: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut corpus: Vec<Vec<u8>> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .filter_map(|p| std::fs::read(p).ok())
            .collect(),
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    corpus.sort();
    let tmp = match tempfile::NamedTempFile::new() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("temporary file: {e}");
            std::process::exit(1);
        }
    };
    let mut bytes = 0usize;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        for i in 0..n {
            let msg = &corpus[i % corpus.len()];
            let _ = writeln!(w, "From bench@example.jp Tue May 14 10:12:00 2024");
            let _ = w.write_all(msg);
            let _ = w.write_all(b"\n");
            bytes += msg.len() + 50;
        }
        let _ = w.flush();
    }
    let context = Context {
        known_domains: (0..known)
            .map(|i| format!("{}.example.co.jp", partner_name(i)))
            .chain(["tsubame-bussan.example.co.jp".to_string()])
            .collect(),
        incidents: (0..100)
            .map(|i| RecentIncident {
                incident: i,
                org: KnownOrg {
                    name: format!("株式会社ベンチ{i}号"),
                    names: vec![format!("ベンチ{i}号")],
                    domains: vec![format!("bench{i}.example.co.jp")],
                },
                disclosed: "2024-05-01".into(),
                what: "Emotet".into(),
                mentioned: vec![format!("sender{i}.example.com")],
            })
            .collect(),
        ..Context::default()
    };
    let limits = Limits::default();
    let checker = match Checker::new(context, limits.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let mut counts = [0usize; 3];
    let mut errors = 0usize;
    read_messages(tmp.path(), &limits, &mut |item| match item {
        Ok(item) => match checker.check(&item.source, &item.bytes) {
            Ok(r) => {
                counts[match r.verdict {
                    Verdict::Ok => 0,
                    Verdict::Suspicious => 1,
                    Verdict::Dangerous => 2,
                }] += 1
            }
            Err(_) => errors += 1,
        },
        Err(_) => errors += 1,
    });
    let secs = start.elapsed().as_secs_f64();
    let total: usize = counts.iter().sum::<usize>() + errors;
    println!(
        "{total} messages ({:.1} MB mbox, {known} known domains, 100 incidents) in {secs:.2} s: {:.0} messages/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        total as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    println!(
        "verdicts: ok {}, suspicious {}, dangerous {}, unreadable {errors}",
        counts[0], counts[1], counts[2]
    );
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        })
        .unwrap_or_else(|| "?".into());
    println!("peak resident memory: {peak} kB");
}

/// A made-up company name of 2 to 6 syllables (lengths vary as real names do).
fn partner_name(i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "sa", "ta", "na", "ha", "ma", "ya", "ra", "ki", "shi", "chi", "ni", "hi", "mi", "ri",
        "tech",
    ];
    let mut name = String::new();
    let mut n = i + 17;
    while n > 0 {
        name.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
    }
    if i.is_multiple_of(3) {
        name.push_str("-sangyo");
    }
    name
}
