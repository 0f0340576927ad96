//! Compiled lexicons: one Aho-Corasick automaton per dimension.

use crate::{LexiconError, LexiconFile};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use unicode_normalization::UnicodeNormalization;

/// The tag of a shield: a cue that matches (and so hides the shorter cues
/// inside it) but yields nothing, e.g. advice to customers in a notice.
pub const NEG: &str = "neg";

/// One match of a lexicon pattern in a text (byte offsets into that text).
#[derive(Debug, Clone, PartialEq)]
pub struct LexMatch<'a> {
    pub value: &'a str,
    pub tag: &'a str,
    pub weight: f32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
struct Target {
    value: String,
    tag: String,
    weight: f32,
    ascii_start: bool,
    ascii_end: bool,
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    automaton: Option<AhoCorasick>,
    targets: Vec<Target>,
    values: Vec<String>,
}

/// Folds a pattern the way the extractor folds text: NFKC (full-width to ASCII).
pub fn fold(s: &str) -> String {
    s.nfkc().collect()
}

impl Lexicon {
    pub fn empty() -> Self {
        Lexicon {
            automaton: None,
            targets: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn compile(file: &LexiconFile) -> Result<Self, LexiconError> {
        let mut patterns = Vec::new();
        let mut targets = Vec::new();
        let mut values: Vec<String> = Vec::new();
        for e in &file.entries {
            if !values.contains(&e.value) {
                values.push(e.value.clone());
            }
            for p in &e.patterns {
                let p = fold(p);
                let first = p.chars().next().unwrap_or(' ');
                let last = p.chars().last().unwrap_or(' ');
                patterns.push(p.clone());
                targets.push(Target {
                    value: e.value.clone(),
                    tag: e.tag.clone(),
                    weight: e.weight,
                    ascii_start: first.is_ascii_alphanumeric(),
                    ascii_end: last.is_ascii_alphanumeric(),
                });
            }
        }
        if patterns.is_empty() {
            return Ok(Lexicon {
                automaton: None,
                targets,
                values,
            });
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| LexiconError::Invalid {
                file: file.source.clone(),
                reason: e.to_string(),
            })?;
        Ok(Lexicon {
            automaton: Some(automaton),
            targets,
            values,
        })
    }

    /// The canonical values, in file order.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Every non-overlapping leftmost-longest match in `text`.
    pub fn find_all<'a>(&'a self, text: &str) -> Vec<LexMatch<'a>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        ac.find_iter(text)
            .filter_map(|m| {
                let t = &self.targets[m.pattern().as_usize()];
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                if t.ascii_start && before.is_some_and(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                if t.ascii_end && after.is_some_and(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                Some(LexMatch {
                    value: &t.value,
                    tag: &t.tag,
                    weight: t.weight,
                    start: m.start(),
                    end: m.end(),
                })
            })
            .collect()
    }

    /// The distinct values found in `text`, in order of first appearance;
    /// matches of `neg` shields count for nothing.
    pub fn values_in(&self, text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.find_all(text).into_iter().filter(|m| m.tag != NEG) {
            if !out.contains(&m.value) {
                out.push(m.value);
            }
        }
        out
    }
}
