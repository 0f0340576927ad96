//! Store benchmark helpers.
//!
//! `bench_store gen DIR N` writes N synthetic notices made from the example
//! corpus and the linking fixtures: organisation names, years and counts
//! varied (names repeat now and then, so follow-ups and shared providers
//! occur). `bench_store query DB` times typical searches, statistics and
//! monthly tables on a database built with `incidex ingest`.
//!
//! `scripts/bench_store.sh` runs both around a timed `incidex ingest`.

use incidex_store::{By, Filter, Store, Taxonomy};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const KANA: &[&str] = &[
    "ア", "カ", "サ", "タ", "ナ", "ハ", "マ", "ヤ", "ラ", "ワ", "イ", "キ", "シ", "チ", "ニ", "ミ",
    "リ", "ク", "ス", "ツ", "ヌ", "フ", "ム", "ユ", "ル", "ケ", "セ", "テ", "ネ", "メ", "レ", "コ",
    "ソ", "ト", "ノ", "ホ", "モ", "ヨ", "ロ", "ガ", "ザ", "ダ", "バ",
];
const TRADES: &[&str] = &[
    "精工",
    "物産",
    "商事",
    "電機",
    "運輸",
    "建設",
    "食品",
    "化成",
    "システム",
    "工業",
    "薬品",
    "観光",
    "不動産",
    "証券",
    "製作所",
];

fn org_name(rng: &mut Rng) -> String {
    let len = 2 + rng.below(3) as usize;
    let mut s: String = (0..len)
        .map(|_| KANA[rng.below(KANA.len() as u64) as usize])
        .collect();
    s.push_str(TRADES[rng.below(TRADES.len() as u64) as usize]);
    s
}

/// The names the example gold data gives for victims, without company forms.
fn known_names(root: &Path) -> Vec<String> {
    let gold = std::fs::read_to_string(root.join("examples/gold.jsonl")).unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for line in gold.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        for key in ["victims", "aliases"] {
            for n in v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str())
            {
                let core = incidex_store::normalize_name(n);
                if core.chars().count() >= 3 && !core.is_ascii() && !names.contains(&core) {
                    names.push(core);
                }
            }
        }
    }
    for n in ["カワセミシステムズ", "サクラダ電機", "ミヤビ運輸"] {
        names.push(n.to_string());
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names
}

/// Replaces runs of digits (with commas) before 件/名/人 by a random count.
fn vary_counts(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ',') {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i], '件' | '名' | '人') {
                out.push_str(&incidex_store::thousands(1 + rng.below(50_000)));
            } else {
                out.extend(&chars[start..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn generate(root: &Path, dir: &Path, n: usize) -> std::io::Result<()> {
    let mut templates: Vec<(String, String)> = Vec::new();
    for folder in ["examples/corpus", "fixtures/linking"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(folder))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for p in paths {
            // UTF-8 text and HTML only: the generator edits text.
            if let Ok(t) = std::fs::read_to_string(&p) {
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("txt")
                    .to_string();
                templates.push((t, ext));
            }
        }
    }
    let names = known_names(root);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pool: Vec<String> = (0..(n / 3).max(10)).map(|_| org_name(&mut rng)).collect();
    std::fs::create_dir_all(dir)?;
    for i in 0..n {
        let (text, ext) = &templates[i % templates.len()];
        let mut t = text.clone();
        for name in &names {
            if t.contains(name.as_str()) {
                t = t.replace(name.as_str(), &pool[rng.below(pool.len() as u64) as usize]);
            }
        }
        let shift = rng.below(6) as i32 - 3;
        for y in (2015..=2025).rev() {
            t = t.replace(&format!("{y}年"), &format!("{}年", y + shift));
        }
        let mut t = vary_counts(&t, &mut rng);
        t.push_str(&format!("\n(整理番号 {i})\n"));
        let sub = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join(format!("{i:06}.{ext}")), t)?;
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    (percentile(&ms, 0.5), percentile(&ms, 0.99))
}

fn query(db: &Path) -> Result<(), incidex_store::StoreError> {
    let store = Store::open(db)?;
    let (docs, reports, incidents) = store.counts()?;
    println!("database: {docs} documents, {reports} reports, {incidents} incidents");
    let none = Filter::default();
    let runs = 100;
    println!("| query | p50 ms | p99 ms |\n|---|---|---|");
    let searches: &[(&str, Filter)] = &[
        ("ランサムウェア", none.clone()),
        ("不正アクセス", none.clone()),
        ("Emotet", none.clone()),
        ("クレジットカード", none.clone()),
        ("個人情報保護委員会", none.clone()),
        (
            "フィッシング",
            Filter {
                sector: Some("education".into()),
                ..Default::default()
            },
        ),
        (
            "ランサムウェア",
            Filter {
                since: Some("2023-01".into()),
                until: Some("2023-06".into()),
                ..Default::default()
            },
        ),
        ("LockBit 暗号化", none.clone()),
        ("感染", none.clone()),
        ("誤送信", none.clone()),
        ("盗難", none.clone()),
        ("zzzzzz", none.clone()),
    ];
    for (q, f) in searches {
        let (p50, p99) = time(runs, || {
            store.search(q, f, 20).map(|h| h.len()).unwrap_or(0)
        });
        let label = if f.sector.is_some() || f.since.is_some() {
            format!("search {q} (+filter)")
        } else {
            format!("search {q}")
        };
        println!("| {label} | {p50:.1} | {p99:.1} |");
    }
    for by in ["category", "sector", "month", "malware", "vector"] {
        let b = By::parse(by).unwrap_or(By::Category);
        let (p50, p99) = time(10, || {
            store
                .stats(b, &none, Taxonomy::Incidex)
                .map(|r| r.len())
                .unwrap_or(0)
        });
        println!("| stats --by {by} | {p50:.1} | {p99:.1} |");
    }
    let (p50, p99) = time(10, || {
        store
            .stats(By::Category, &none, Taxonomy::Tsr)
            .map(|r| r.len())
            .unwrap_or(0)
    });
    println!("| stats --taxonomy tsr | {p50:.1} | {p99:.1} |");
    let (p50, p99) = time(5, || {
        store
            .monthly_report("2023-06")
            .map(|r| r.len())
            .unwrap_or(0)
    });
    let rows = store.monthly_report("2023-06")?.len();
    println!("| report --month 2023-06 ({rows} rows) | {p50:.1} | {p99:.1} |");
    let (p50, _) = time(1, || {
        let mut sink = std::io::sink();
        store.export(
            incidex_store::ExportFormat::Stix,
            &Filter {
                since: Some("2023-06".into()),
                until: Some("2023-06".into()),
                ..Default::default()
            },
            &mut sink,
        )
    });
    println!("| export --format stix (one month) | {p50:.1} | - |");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let result = match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => match args[3].parse::<usize>() {
            Ok(n) => {
                generate(&root, Path::new(&args[2]), n).map_err(|e| format!("{}: {e}", args[2]))
            }
            Err(_) => Err(format!("{:?} is not a number of documents", args[3])),
        },
        Some("relink") if args.len() == 3 => Store::open(Path::new(&args[2]))
            .and_then(|mut s| {
                let t = Instant::now();
                let r = s.relink()?;
                println!(
                    "relink: {} reports → {} incidents, {} joins in {:.2} s",
                    r.reports,
                    r.incidents,
                    r.joins,
                    t.elapsed().as_secs_f64()
                );
                Ok(())
            })
            .map_err(|e| e.to_string()),
        Some("query") if args.len() == 3 => query(Path::new(&args[2])).map_err(|e| e.to_string()),
        _ => Err(
            "usage: bench_store gen DIR N | bench_store query DB | bench_store relink DB".into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("bench_store: {e}");
        std::process::exit(1);
    }
}
