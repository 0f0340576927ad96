//! Runs the example corpus of every built-in lexicon: each example phrase must
//! yield exactly the values it expects. Also checks that values of the
//! dimensions backed by a closed vocabulary belong to it.

use incidex_lexicon::{fold, LexiconSet};
use incidex_model::{Action, Category, DataType, Sector, Vector, Vocabulary};
use std::collections::BTreeSet;

#[test]
fn every_example_yields_exactly_its_expected_values() {
    let set = LexiconSet::builtin().expect("built-in lexicons parse");
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in set.files() {
        let lex = set.get(&file.meta.dimension);
        for ex in &file.examples {
            checked += 1;
            let got: BTreeSet<&str> = lex.values_in(&fold(&ex.text)).into_iter().collect();
            let want: BTreeSet<&str> = ex.expect.iter().map(String::as_str).collect();
            if got != want {
                failures.push(format!(
                    "{} {:?}: expected {:?}, got {:?}",
                    file.source, ex.text, want, got
                ));
            }
        }
    }
    assert!(checked >= 20, "only {checked} examples");
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_vocab<V: Vocabulary>(set: &LexiconSet, dimension: &str) {
    let lex = set.get(dimension);
    assert!(!lex.values().is_empty(), "{dimension} has no entries");
    for v in lex.values() {
        assert!(
            V::parse(v).is_ok(),
            "{dimension}: {v:?} is not a {} value",
            V::NAME
        );
    }
}

#[test]
fn vocabulary_dimensions_use_only_vocabulary_values() {
    let set = LexiconSet::builtin().unwrap();
    check_vocab::<Category>(&set, "categories");
    check_vocab::<Vector>(&set, "vectors");
    check_vocab::<DataType>(&set, "data_types");
    check_vocab::<Action>(&set, "actions");
    check_vocab::<Sector>(&set, "sectors");
}

#[test]
fn every_vector_data_type_and_action_has_at_least_one_pattern() {
    let set = LexiconSet::builtin().unwrap();
    for v in Vector::ALL {
        assert!(
            set.get("vectors").values().iter().any(|x| x == v.as_str()),
            "vector {v} has no cue"
        );
    }
    for v in Action::ALL {
        assert!(
            set.get("actions").values().iter().any(|x| x == v.as_str()),
            "action {v} has no cue"
        );
    }
    for v in DataType::ALL {
        assert!(
            set.get("data_types")
                .values()
                .iter()
                .any(|x| x == v.as_str()),
            "data type {v} has no cue"
        );
    }
}

#[test]
fn a_user_lexicon_extends_a_dimension_at_run_time() {
    let mut set = LexiconSet::builtin().unwrap();
    assert!(set.get("malware").values_in("Zorblat was found").is_empty());
    set.add_text(
        "user.toml",
        "[meta]\ndimension = \"malware\"\n[[entry]]\nvalue = \"Zorblat\"\npatterns = [\"Zorblat\", \"ゾーブラット\"]\n",
    )
    .unwrap();
    assert_eq!(
        set.get("malware").values_in("端末がゾーブラットに感染"),
        vec!["Zorblat"]
    );
    assert!(set
        .get("malware")
        .values_in("an Emotet wave")
        .contains(&"Emotet"));
}

#[test]
fn a_broken_user_lexicon_is_refused_with_its_name() {
    let mut set = LexiconSet::builtin().unwrap();
    let err = set
        .add_text("mine.toml", "[meta]\ndimension = 3\n")
        .unwrap_err();
    assert!(err.to_string().starts_with("mine.toml: "), "{err}");
    let err = set
        .add_text(
            "mine.toml",
            "[meta]\ndimension = \"malware\"\n[[entry]]\nvalue = \"X\"\npatterns = [\" \"]\n",
        )
        .unwrap_err();
    assert!(err.to_string().contains("empty pattern"), "{err}");
}

#[test]
fn ascii_patterns_match_only_whole_words() {
    let set = LexiconSet::builtin().unwrap();
    let lex = set.get("vectors");
    assert!(lex.values_in("VPNs and the VPN gateway").contains(&"vpn"));
    assert!(lex.values_in("SVPNX").is_empty());
}

/// A lexicon of scope `cues` keeps every occurrence of its words in the document
/// scan, nested and overlapping ones too, but only as written (the scan itself
/// ignores ASCII case); a `text` lexicon keeps its leftmost-longest matches.
#[test]
fn cue_lexicons_keep_every_occurrence_as_written() {
    let mut set = LexiconSet::builtin().unwrap();
    let cues = "[meta]\ndimension = \"test_cues\"\nscope = \"cues\"\n\n[[entry]]\nvalue = \"seen\"\npatterns = [\"確認\", \"確認されていない\", \"but\"]\n";
    set.add_text("test_cues.toml", cues).unwrap();
    let text = "流出は確認されていないが、確認中。But but";
    let scan = set.scan_all(text);
    let found: Vec<&str> = scan["test_cues"]
        .iter()
        .map(|m| &text[m.start..m.end])
        .collect();
    assert_eq!(found, ["確認", "確認されていない", "確認", "but"]);
    let as_text = cues
        .replace("\"cues\"", "\"text\"")
        .replace("test_cues", "test_words");
    set.add_text("test_words.toml", &as_text).unwrap();
    let scan = set.scan_all(text);
    let found: Vec<&str> = scan["test_words"]
        .iter()
        .map(|m| &text[m.start..m.end])
        .collect();
    assert_eq!(found, ["確認されていない", "確認", "But", "but"]);
}
