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
pub(crate) struct Target {
    value: String,
    tag: String,
    weight: f32,
    ascii_start: bool,
    ascii_end: bool,
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    automaton: Option<AhoCorasick>,
    pub(crate) targets: Vec<Target>,
    pub(crate) patterns: Vec<String>,
    values: Vec<String>,
}

impl Target {
    /// Whether a match at `[start, end)` of `text` respects ASCII word boundaries.
    pub(crate) fn fits(&self, text: &str, start: usize, end: usize) -> bool {
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let glued_before = self.ascii_start && before.is_some_and(|c| c.is_ascii_alphanumeric());
        let glued_after = self.ascii_end && after.is_some_and(|c| c.is_ascii_alphanumeric());
        !glued_before && !glued_after
    }
}

/// An automaton reporting overlapping matches. A contiguous NFA: it builds in
/// a fraction of a DFA's time, and on these lexicons it scans documents faster
/// too (measured with `cargo run --release -p incidex-extract --example parser_cost`).
fn overlapping_automaton(
    patterns: &[String],
    kind: aho_corasick::AhoCorasickKind,
) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns)
        .map_err(|e| e.to_string())
}

/// Keeps, from overlapping hits `(start, end, target)`, the leftmost-longest
/// non-overlapping ones.
fn leftmost_longest<'a>(
    mut hits: Vec<(usize, usize, usize)>,
    targets: &'a [Target],
) -> Vec<LexMatch<'a>> {
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut cursor = 0;
    for (s, e, t) in hits {
        if s < cursor {
            continue;
        }
        let tg = &targets[t];
        out.push(LexMatch {
            value: &tg.value,
            tag: &tg.tag,
            weight: tg.weight,
            start: s,
            end: e,
        });
        cursor = e;
    }
    out
}

/// All dimensions in one automaton: one pass over a text finds every match of
/// every lexicon (overlapping), and each dimension then keeps its
/// leftmost-longest matches, as its own automaton would.
#[derive(Debug, Clone)]
pub struct Combined {
    automaton: Option<AhoCorasick>,
    /// For each pattern of the automaton: (dimension index, target index).
    owners: Vec<(usize, usize)>,
    pub(crate) dims: Vec<String>,
}

impl Combined {
    pub(crate) fn build(lexicons: &[(&String, &Lexicon)]) -> Result<Self, LexiconError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        let mut dims = Vec::new();
        for (d, (name, lex)) in lexicons.iter().enumerate() {
            dims.push((*name).clone());
            for (t, p) in lex.patterns.iter().enumerate() {
                patterns.push(p.clone());
                owners.push((d, t));
            }
        }
        if patterns.is_empty() {
            return Ok(Combined {
                automaton: None,
                owners,
                dims,
            });
        }
        let automaton =
            overlapping_automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA)
                .map_err(|reason| LexiconError::Invalid {
                    file: "(combined lexicons)".into(),
                    reason,
                })?;
        Ok(Combined {
            automaton: Some(automaton),
            owners,
            dims,
        })
    }

    /// Leftmost-longest matches per dimension, in the order of `self.dims`.
    pub(crate) fn scan<'a>(&self, lexicons: &[&'a Lexicon], text: &str) -> Vec<Vec<LexMatch<'a>>> {
        let mut per_dim: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); self.dims.len()];
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(text) {
                let (d, t) = self.owners[m.pattern().as_usize()];
                if lexicons[d].targets[t].fits(text, m.start(), m.end()) {
                    per_dim[d].push((m.start(), m.end(), t));
                }
            }
        }
        per_dim
            .into_iter()
            .enumerate()
            .map(|(d, hits)| leftmost_longest(hits, &lexicons[d].targets))
            .collect()
    }
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
            patterns: Vec::new(),
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
                patterns,
                values,
            });
        }
        let automaton =
            overlapping_automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA)
                .map_err(|reason| LexiconError::Invalid {
                    file: file.source.clone(),
                    reason,
                })?;
        Ok(Lexicon {
            automaton: Some(automaton),
            targets,
            patterns,
            values,
        })
    }

    /// The canonical values, in file order.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Every non-overlapping leftmost-longest match in `text` among the patterns
    /// that respect their word boundaries.
    pub fn find_all<'a>(&'a self, text: &str) -> Vec<LexMatch<'a>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let hits = ac
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .filter(|&(s, e, t)| self.targets[t].fits(text, s, e))
            .collect();
        leftmost_longest(hits, &self.targets)
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
