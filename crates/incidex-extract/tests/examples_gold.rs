//! Scores the bundled example corpus (examples/, written independently of the
//! extractor) the way ../shared/eval/score.py does for reports: a prediction
//! matches a gold record when its span covers the anchor and a victim matches.
//! Floors sit a little under today's figures so that a regression fails.

use incidex_extract::orgs::same_org;
use incidex_extract::{Extractor, Options};
use incidex_read::{read_path, Format, Limits};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Gold {
    doc: String,
    at: usize,
    victims: Vec<String>,
    category: Option<String>,
    optional: bool,
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn extract_file(ex: &Extractor, path: &Path, name: &str) -> (String, Vec<incidex_model::Record>) {
    let d = read_path(path, &Limits::default()).expect("example reads");
    let opts = Options {
        lines_are_blocks: d.format == Format::Html,
        ..Options::default()
    };
    let records = ex.extract(name, &d.text, &opts);
    (d.text, records)
}

fn load() -> (Vec<Gold>, BTreeMap<String, Vec<incidex_model::Record>>) {
    let root = examples();
    let gold_text = std::fs::read_to_string(root.join("gold.jsonl")).expect("examples/gold.jsonl");
    let ex = Extractor::builtin().expect("lexicons");
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut preds = BTreeMap::new();
    let mut gold = Vec::new();
    for line in gold_text.lines().filter(|l| !l.trim().is_empty()) {
        let g: Value = serde_json::from_str(line).expect("gold line is JSON");
        let doc = g["doc"].as_str().unwrap_or_default().to_string();
        if !texts.contains_key(&doc) {
            let (text, records) = extract_file(&ex, &root.join("corpus").join(&doc), &doc);
            preds.insert(doc.clone(), records);
            texts.insert(doc.clone(), text);
        }
        let text = &texts[&doc];
        let anchor = g["anchor"].as_str().unwrap_or_default();
        let byte = text
            .find(anchor)
            .unwrap_or_else(|| panic!("anchor {anchor:?} not in {doc}"));
        let at = text[..byte].chars().count();
        let names = |k: &str| {
            g[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        let mut victims = names("victims");
        victims.extend(names("aliases"));
        let category = g["category"].as_str().map(String::from);
        gold.push(Gold {
            doc,
            at,
            victims,
            category,
            optional: g["optional"].as_bool().unwrap_or(false),
        });
    }
    (gold, preds)
}

#[test]
fn example_corpus_reports_and_key_fields_hold() {
    let (gold, preds) = load();
    let mut used: Vec<(String, usize)> = Vec::new();
    let (mut matched, mut required, mut victim_ok, mut cat_ok, mut cat_n) = (0, 0, 0, 0, 0);
    for g in &gold {
        if !g.optional {
            required += 1;
        }
        let victim_matches = |p: &incidex_model::Record| {
            g.victims.is_empty()
                || g.victims
                    .iter()
                    .any(|v| p.victims.iter().any(|pv| same_org(v, pv)))
        };
        let hit = preds[&g.doc]
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                !used.contains(&(g.doc.clone(), *i))
                    && p.span[0] <= g.at
                    && g.at < p.span[1]
                    && victim_matches(p)
            })
            .min_by_key(|(_, p)| p.span[1] - p.span[0]);
        let Some((i, p)) = hit else { continue };
        used.push((g.doc.clone(), i));
        if g.optional {
            continue;
        }
        matched += 1;
        if g.victims.is_empty()
            || p.victims
                .first()
                .is_some_and(|pv| g.victims.iter().any(|v| same_org(v, pv)))
        {
            victim_ok += 1;
        }
        if let Some(c) = &g.category {
            cat_n += 1;
            if p.category.map(|x| x.to_string()).as_deref() == Some(c.as_str()) {
                cat_ok += 1;
            }
        }
    }
    let predicted: usize = preds.values().map(Vec::len).sum();
    let recall = matched as f64 / required as f64;
    let precision = matched as f64 / predicted.max(1) as f64;
    let report = format!("matched {matched}/{required} gold, {predicted} predicted; victims {victim_ok}/{matched}; category {cat_ok}/{cat_n}");
    assert!(recall >= 0.90, "recall {recall:.3}: {report}");
    assert!(precision >= 0.90, "precision {precision:.3}: {report}");
    assert!(victim_ok as f64 >= 0.9 * matched as f64, "{report}");
    assert!(cat_ok as f64 >= 0.75 * cat_n as f64, "{report}");
}

#[test]
fn non_incident_examples_give_no_record() {
    let ex = Extractor::builtin().unwrap();
    for name in ["18_en_patch_advisory.txt", "19_tips_column.txt"] {
        let (_, got) = extract_file(&ex, &examples().join("corpus").join(name), name);
        assert!(
            got.is_empty(),
            "{name} gave {:?}",
            got.iter().map(|r| &r.victims).collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_value_has_evidence_inside_the_document() {
    let ex = Extractor::builtin().unwrap();
    let name = "03_ec_card_skimming.txt";
    let (text, records) = extract_file(&ex, &examples().join("corpus").join(name), name);
    let chars: Vec<char> = text.chars().collect();
    assert!(!records.is_empty());
    for r in &records {
        assert!(r.span[0] < r.span[1] && r.span[1] <= chars.len());
        for field in [
            "victims",
            "category",
            "data_types",
            "affected",
            "dates.disclosed",
        ] {
            let items = r
                .evidence
                .get(field)
                .unwrap_or_else(|| panic!("no evidence for {field}"));
            for it in items {
                assert!(
                    it.span[0] < it.span[1] && it.span[1] <= chars.len(),
                    "{field} {:?}",
                    it.span
                );
            }
        }
        // The victim's evidence is the name as written.
        let v = &r.evidence["victims"][0];
        let written: String = chars[v.span[0]..v.span[1]].iter().collect();
        assert!(
            same_org(&written, &r.victims[0]),
            "{written} vs {}",
            r.victims[0]
        );
    }
}

/// The evidence of a count, a sum or a date is the figure as written (`2,312件`,
/// `3億8,000万円`, `2024年5月15日`), not a stretch of text around it: across the
/// whole example corpus each such span holds a digit and stays short.
#[test]
fn evidence_of_figures_is_the_figure_as_written() {
    let ex = Extractor::builtin().unwrap();
    let dir = examples().join("corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut checked = 0;
    for p in paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let (text, records) = extract_file(&ex, &p, &name);
        let chars: Vec<char> = text.chars().collect();
        for r in &records {
            for field in ["affected", "money", "dates.disclosed", "timeline"] {
                for it in r.evidence.get(field).into_iter().flatten() {
                    let written: String = chars[it.span[0]..it.span[1]].iter().collect();
                    assert!(
                        written.chars().count() <= 40
                            && written.chars().any(|c| c.is_numeric() || "元".contains(c)),
                        "{name}: {field} {} has evidence {written:?}",
                        it.value
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} figures checked");
}
