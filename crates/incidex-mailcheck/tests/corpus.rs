//! The fixture corpus (tests/corpus/*.eml, written by make_corpus.py) against
//! its manifest: every verdict as expected, no false positive on legitimate
//! mail, and precision / recall of each reason code printed (run with
//! `--nocapture` to see the table; docs/mailcheck.md records it).

use incidex_mailcheck::{Checker, Context, KnownOrg, Limits, RecentIncident};
use incidex_store::normalize_name;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Deserialize)]
struct Manifest {
    context: ManifestContext,
    message: Vec<Expected>,
}

#[derive(Deserialize)]
struct ManifestContext {
    known_domains: Vec<String>,
    watched: Vec<Watched>,
    #[serde(default)]
    incidents: Vec<Incident>,
}

#[derive(Deserialize)]
struct Incident {
    incident: i64,
    name: String,
    disclosed: String,
    what: String,
    domains: Vec<String>,
    mentioned: Vec<String>,
}

#[derive(Deserialize)]
struct Watched {
    name: String,
    domains: Vec<String>,
}

#[derive(Deserialize)]
struct Expected {
    file: String,
    #[serde(default)]
    legitimate: bool,
    verdict: String,
    reasons: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn checker(m: &ManifestContext) -> Checker {
    let context = Context {
        known_domains: m.known_domains.clone(),
        watched: m
            .watched
            .iter()
            .map(|w| KnownOrg {
                name: w.name.clone(),
                names: vec![normalize_name(&w.name)],
                domains: w.domains.clone(),
            })
            .collect(),
        incidents: m
            .incidents
            .iter()
            .map(|i| RecentIncident {
                incident: i.incident,
                org: KnownOrg {
                    name: i.name.clone(),
                    names: vec![normalize_name(&i.name)],
                    domains: i.domains.clone(),
                },
                disclosed: i.disclosed.clone(),
                what: i.what.clone(),
                mentioned: i.mentioned.clone(),
            })
            .collect(),
        ..Context::default()
    };
    match Checker::new(context, Limits::default()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn corpus_verdicts_and_reasons() {
    let dir = corpus_dir();
    let text = std::fs::read_to_string(dir.join("manifest.toml")).unwrap_or_default();
    let manifest: Manifest = match toml::from_str(&text) {
        Ok(m) => m,
        Err(e) => panic!("manifest.toml: {e}"),
    };
    let checker = checker(&manifest.context);
    // Every .eml is in the manifest and the reverse.
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".eml"))
                .collect()
        })
        .unwrap_or_default();
    let listed: BTreeSet<String> = manifest.message.iter().map(|m| m.file.clone()).collect();
    assert_eq!(on_disk, listed, "corpus files and manifest differ");
    assert!(
        listed.len() >= 25,
        "the corpus has {} messages",
        listed.len()
    );
    assert!(manifest.message.iter().filter(|m| m.legitimate).count() >= 8);

    // code → (true positives, false positives, false negatives)
    let mut counts: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut tp_v, mut fp_v, mut fn_v) = (0u32, 0u32, 0u32);
    for m in &manifest.message {
        let raw = std::fs::read(dir.join(&m.file)).unwrap_or_default();
        let report = match checker.check(&m.file, &raw) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", m.file));
                continue;
            }
        };
        let got: BTreeSet<String> = report.reasons.iter().map(|r| r.code.to_string()).collect();
        let want: BTreeSet<String> = m.reasons.iter().cloned().collect();
        for code in got.union(&want) {
            let c = counts.entry(code.clone()).or_default();
            match (got.contains(code), want.contains(code)) {
                (true, true) => c.0 += 1,
                (true, false) => c.1 += 1,
                (false, true) => c.2 += 1,
                _ => {}
            }
        }
        let flagged = report.verdict.as_str() != "ok";
        let should = m.verdict != "ok";
        match (flagged, should) {
            (true, true) => tp_v += 1,
            (true, false) => fp_v += 1,
            (false, true) => fn_v += 1,
            _ => {}
        }
        if m.legitimate && flagged {
            failures.push(format!(
                "FALSE POSITIVE {}: {} {:?}",
                m.file,
                report.verdict.as_str(),
                got
            ));
        }
        if report.verdict.as_str() != m.verdict {
            failures.push(format!(
                "{}: verdict {} (score {}), expected {}; reasons {:?}",
                m.file,
                report.verdict.as_str(),
                report.score,
                m.verdict,
                got
            ));
        }
        if got != want {
            failures.push(format!("{}: reasons {got:?}, expected {want:?}", m.file));
        }
        for r in &report.reasons {
            assert!(
                checker.knowledge.knows_code(r.code),
                "{}: code {} missing from data/scoring.toml",
                m.file,
                r.code
            );
            assert!(
                !r.message.is_empty(),
                "{}: {} has no explanation",
                m.file,
                r.code
            );
        }
    }
    let ratio = |a: u32, b: u32| {
        if a + b == 0 {
            1.0
        } else {
            a as f64 / (a + b) as f64
        }
    };
    println!("| reason | TP | FP | FN | precision | recall |");
    println!("|---|---|---|---|---|---|");
    let (mut tp, mut fp, mut fnn) = (0, 0, 0);
    for (code, (t, f, n)) in &counts {
        tp += t;
        fp += f;
        fnn += n;
        println!(
            "| {code} | {t} | {f} | {n} | {:.2} | {:.2} |",
            ratio(*t, *f),
            ratio(*t, *n)
        );
    }
    println!(
        "| all reasons | {tp} | {fp} | {fnn} | {:.2} | {:.2} |",
        ratio(tp, fp),
        ratio(tp, fnn)
    );
    println!(
        "verdict (flagged = suspicious or dangerous): TP {tp_v} FP {fp_v} FN {fn_v}, precision {:.2}, recall {:.2}",
        ratio(tp_v, fp_v),
        ratio(tp_v, fn_v)
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn japanese_encodings_decode_in_headers_and_bodies() {
    let dir = corpus_dir();
    let c = match Checker::new(Context::default(), Limits::default()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let parse = |f: &str| {
        let raw = std::fs::read(dir.join(f)).unwrap_or_default();
        match incidex_mailcheck::message::parse(&raw, &c.limits) {
            Ok(m) => m,
            Err(e) => panic!("{f}: {e}"),
        }
    };
    let jis = parse("l02_delivery_iso2022jp.eml");
    assert_eq!(jis.subject, "【ヒバリ運輸】配送予定のご案内");
    assert_eq!(
        jis.from.and_then(|a| a.name).as_deref(),
        Some("ヒバリ運輸 配送センター")
    );
    assert!(
        jis.text.contains("午前中にお届けの予定です"),
        "{}",
        jis.text
    );
    let sjis = parse("l03_order_shiftjis.eml");
    assert_eq!(sjis.subject, "発注内容のご確認");
    assert!(sjis.text.contains("制御盤部品 40点"), "{}", sjis.text);
    // File names written as ISO-2022-JP words inside the parameter.
    let zip = parse("l10_plain_zip_reply.eml");
    assert_eq!(zip.attachments.len(), 1);
    assert_eq!(zip.attachments[0].name, "伝票控え.zip");
}
