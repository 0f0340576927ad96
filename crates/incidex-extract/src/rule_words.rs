//! The word lists that rules read as lists (company forms, name rules, date
//! role cues, denials, letterhead units): the entries of the built-in
//! lexicons of scope `names` and `cues`, parsed once for the whole program and folded
//! as text is (㈱ → (株)).

use once_cell::sync::Lazy;
use std::collections::HashMap;

/// (file, value) → patterns, for every built-in lexicon of scope `names` or `cues`.
static WORDS: Lazy<HashMap<(String, String), Vec<&'static str>>> = Lazy::new(|| {
    let mut out: HashMap<(String, String), Vec<&'static str>> = HashMap::new();
    for (file, text) in incidex_lexicon::BUILTIN {
        // The built-in files parse (their tests say so); one that did not
        // would leave its lists empty rather than stop extraction.
        let Ok(parsed) = incidex_lexicon::LexiconFile::parse(file, text) else {
            continue;
        };
        if parsed.meta.scope != "names" && parsed.meta.scope != "cues" {
            continue;
        }
        for e in parsed.entries {
            let list = out.entry((file.to_string(), e.value)).or_default();
            // Kept for the life of the program: the rules hold `&'static str`.
            list.extend(
                e.patterns
                    .iter()
                    .map(|p| &*Box::leak(incidex_lexicon::fold(p).into_boxed_str())),
            );
        }
    }
    out
});

/// The patterns of one value of a built-in lexicon file of scope `names` or `cues`.
pub fn words(file: &str, value: &str) -> Vec<&'static str> {
    WORDS
        .get(&(file.to_string(), value.to_string()))
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_from_the_rule_files() {
        assert!(words("company_forms.toml", "ja").contains(&"株式会社"));
        assert!(words("date_roles.toml", "disclosure").contains(&"公表"));
        assert!(words("no_such.toml", "x").is_empty());
    }
}
