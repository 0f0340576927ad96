//! Compiled lexicons: per dimension a [`Lexicon`] with its own small
//! scanner (for searches in short texts: names, cells, headings), and
//! [`Combined`], every document-scanned dimension in one scanner.

use crate::dims::DimIndex;
use crate::scanner::Scanner;
use crate::{LexiconError, LexiconFile};
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
    /// The overlapping search over the patterns; `None` without patterns.
    scanner: Option<Scanner>,
    pub(crate) targets: Vec<Target>,
    pub(crate) patterns: Vec<String>,
    values: Vec<String>,
}

impl Target {
    /// Whether a match at `[start, end)` of `text` respects ASCII word boundaries.
    #[cfg(test)]
    pub(crate) fn fits(&self, text: &str, start: usize, end: usize) -> bool {
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let glued_before = self.ascii_start && before.is_some_and(|c| c.is_ascii_alphanumeric());
        let glued_after = self.ascii_end && after.is_some_and(|c| c.is_ascii_alphanumeric());
        !glued_before && !glued_after
    }

    /// [`Target::fits`] on bytes: a match starts and ends on characters (the
    /// patterns are whole UTF-8), so the byte before it is the last byte of
    /// the character before it, an ASCII letter or digit only when that
    /// character is one; the same holds for the byte after it.
    #[inline]
    fn fits_bytes(&self, text: &[u8], start: usize, end: usize) -> bool {
        let glued = |at: Option<&u8>| at.is_some_and(|b| b.is_ascii_alphanumeric());
        let glued_before =
            self.ascii_start && glued(start.checked_sub(1).and_then(|k| text.get(k)));
        let glued_after = self.ascii_end && glued(text.get(end));
        !glued_before && !glued_after
    }
}

/// How many states of one lexicon's scanner get a row. Its searches run on
/// short texts (a name, a cell), which stay near the root. Measured: with 256
/// rows `find_all` and `last_match_end` cost ~0.83 M instructions a run, with
/// 64 rows ~1.06 M; the eighteen built-in lexicons' scanners take ~3 MB
/// (~2.1 MB with 64 rows), mostly the deep records of the large lexicons,
/// which short texts seldom reach.
const LEXICON_ROWS: usize = 256;

/// Keeps, from overlapping hits `(start, end, target)`, the leftmost-longest
/// non-overlapping ones.
fn leftmost_longest<'a>(
    hits: &mut [(usize, usize, usize)],
    targets: &'a [Target],
) -> Vec<LexMatch<'a>> {
    let kept = keep_leftmost_longest(hits);
    // The kept hits are known before any match is built: one allocation of
    // the right size, filled without a capacity test per match.
    hits[..kept]
        .iter()
        .map(|&hit| lex_match(hit, targets))
        .collect()
}

/// The match of a hit `(start, end, target)`.
fn lex_match((start, end, t): (usize, usize, usize), targets: &[Target]) -> LexMatch<'_> {
    let tg = &targets[t];
    LexMatch {
        value: &tg.value,
        tag: &tg.tag,
        weight: tg.weight,
        start,
        end,
    }
}

/// Moves the leftmost-longest non-overlapping hits of `hits` to its front,
/// in order, and returns how many there are.
fn keep_leftmost_longest(hits: &mut [(usize, usize, usize)]) -> usize {
    // Hits found by end are mostly in this order already (a stable sort
    // would leave them as they are).
    if !hits.is_sorted_by(|a, b| (a.0, std::cmp::Reverse(a.1)) <= (b.0, std::cmp::Reverse(b.1))) {
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    }
    let mut kept = 0;
    let mut cursor = 0;
    for i in 0..hits.len() {
        let hit = hits[i];
        if hit.0 < cursor {
            continue;
        }
        hits[kept] = hit;
        kept += 1;
        cursor = hit.1;
    }
    kept
}

/// All dimensions in one automaton: one pass over a text finds every match of
/// every lexicon (overlapping), and each dimension then keeps its
/// leftmost-longest matches, as its own automaton would.
#[derive(Debug, Clone)]
pub struct Combined {
    scanner: Option<Scanner>,
    /// For each pattern of the automaton: its dimension, target and how its
    /// matches are kept.
    owners: Vec<Owner>,
    /// The patterns of the automaton, as written (a `cues` match must be one exactly).
    patterns: Vec<String>,
    /// Per dimension: its targets, in its lexicon's order.
    targets: Vec<Vec<Target>>,
    pub(crate) dims: DimIndex,
    /// Per dimension: whether it reports every occurrence as written (scope
    /// `cues`) rather than its leftmost-longest matches at word boundaries.
    every_occurrence: Vec<bool>,
}

/// What a match of one pattern of the combined automaton is.
#[derive(Debug, Clone, Copy)]
struct Owner {
    dim: u32,
    target: u32,
    /// A `cues` pattern: kept when the text is written exactly as it.
    every: bool,
    /// A `cues` pattern with an ASCII letter: only then can a match (which
    /// ignores ASCII case) be written otherwise than the pattern.
    cased: bool,
    /// The pattern starts (ends) with an ASCII letter or digit: no ASCII
    /// letter or digit may touch it there.
    ascii_start: bool,
    ascii_end: bool,
}

impl Owner {
    /// Whether a match of a pattern at `[start, end)` of `text` is kept;
    /// `pattern` gives the pattern, asked for only when its case matters.
    #[inline]
    fn keeps<'p>(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        pattern: impl FnOnce() -> Option<&'p str>,
    ) -> bool {
        if self.every {
            return !self.cased
                || pattern().is_some_and(|p| text.get(start..end) == Some(p.as_bytes()));
        }
        // A match starts and ends on characters (the patterns are whole
        // UTF-8), so the byte before it is the last byte of the character
        // before it: an ASCII letter or digit only when that character is one.
        let glued = |at: Option<&u8>| at.is_some_and(|b| b.is_ascii_alphanumeric());
        let glued_before =
            self.ascii_start && glued(start.checked_sub(1).and_then(|k| text.get(k)));
        let glued_after = self.ascii_end && glued(text.get(end));
        !glued_before && !glued_after
    }
}

impl Combined {
    /// One automaton for `lexicons`: (dimension, lexicon, every occurrence).
    pub(crate) fn build(lexicons: &[(&String, &Lexicon, bool)]) -> Result<Self, LexiconError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        let mut dims = Vec::new();
        let mut every_occurrence = Vec::new();
        let mut targets = Vec::new();
        for (d, (name, lex, every)) in lexicons.iter().enumerate() {
            dims.push((*name).clone());
            every_occurrence.push(*every);
            targets.push(lex.targets.clone());
            for (t, (p, tg)) in lex.patterns.iter().zip(&lex.targets).enumerate() {
                patterns.push(p.clone());
                owners.push(Owner {
                    dim: d as u32,
                    target: t as u32,
                    every: *every,
                    cased: *every && p.bytes().any(|b| b.is_ascii_alphabetic()),
                    ascii_start: tg.ascii_start,
                    ascii_end: tg.ascii_end,
                });
            }
        }
        let scanner = if patterns.is_empty() {
            None
        } else {
            Some(
                Scanner::build(&patterns).map_err(|reason| LexiconError::Invalid {
                    file: "(combined lexicons)".into(),
                    reason,
                })?,
            )
        };
        Ok(Combined {
            scanner,
            owners,
            patterns,
            targets,
            dims: DimIndex::new(dims),
            every_occurrence,
        })
    }

    /// Per dimension, in the order of `self.dims`: its leftmost-longest matches,
    /// or for a `cues` dimension every occurrence written exactly as a pattern
    /// (the automaton ignores ASCII case), by start and then end.
    pub(crate) fn scan<'a>(&'a self, text: &str) -> Vec<Vec<LexMatch<'a>>> {
        let mut out: Vec<Vec<LexMatch<'a>>> = vec![Vec::new(); self.dims.names().len()];
        let Some(scanner) = &self.scanner else {
            return out;
        };
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.scan_into(scanner, text, &mut scratch, &mut out),
            // Never in use twice on one thread; a fresh one all the same.
            Err(_) => self.scan_into(scanner, text, &mut Scratch::default(), &mut out),
        });
        out
    }

    /// [`Combined::scan`] with buffers kept from call to call.
    fn scan_into<'a>(
        &'a self,
        scanner: &Scanner,
        text: &str,
        scratch: &mut Scratch,
        out: &mut [Vec<LexMatch<'a>>],
    ) {
        let bytes = text.as_bytes();
        // Each dimension's hits in a buffer of its own, in the order found:
        // no grouping pass after the scan.
        let per_dim = &mut scratch.per_dim;
        per_dim.resize_with(out.len(), Vec::new);
        per_dim.iter_mut().for_each(Vec::clear);
        scanner.for_each_match(bytes, |pattern, start, end| {
            let Some(owner) = self.owners.get(pattern) else {
                return;
            };
            let written = || self.patterns.get(pattern).map(String::as_str);
            if owner.keeps(bytes, start, end, written) {
                if let Some(dim_hits) = per_dim.get_mut(owner.dim as usize) {
                    dim_hits.push((start, end, owner.target as usize));
                }
            }
        });
        for (((slot, dim_hits), targets), &every) in out
            .iter_mut()
            .zip(per_dim.iter_mut())
            .zip(&self.targets)
            .zip(&self.every_occurrence)
        {
            if dim_hits.is_empty() {
                continue;
            }
            *slot = if every {
                every_match(dim_hits, targets)
            } else {
                leftmost_longest(dim_hits, targets)
            };
        }
    }
}

/// Buffers of [`Combined::scan`], kept per thread so that a scan allocates
/// only the vectors it returns.
#[derive(Debug, Default)]
struct Scratch {
    /// Per dimension: its hits `(start, end, target)`.
    per_dim: Vec<Vec<(usize, usize, usize)>>,
}

thread_local! {
    static LEXICON_HITS: std::cell::RefCell<Vec<(usize, usize, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Runs `f` with the per-thread buffer of [`Lexicon`] searches.
fn with_hit_buffer<R>(f: impl FnOnce(&mut Vec<(usize, usize, usize)>) -> R) -> R {
    LEXICON_HITS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut hits) => f(&mut hits),
        // Never in use twice on one thread; a fresh one all the same.
        Err(_) => f(&mut Vec::new()),
    })
}

/// The end of the last hit `leftmost_longest` would keep, without building
/// its matches.
fn last_kept_end(hits: &mut [(usize, usize, usize)]) -> Option<usize> {
    // The order `leftmost_longest` takes them in; only the spans matter
    // here, so an unstable sort (which allocates nothing) does.
    if !hits.is_sorted_by(|a, b| (a.0, std::cmp::Reverse(a.1)) <= (b.0, std::cmp::Reverse(b.1))) {
        hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    }
    let mut cursor = 0;
    let mut last = None;
    for &mut (s, e, _) in hits {
        if s >= cursor {
            last = Some(e);
            cursor = e;
        }
    }
    last
}

/// All hits `(start, end, target)`, by start and then end.
fn every_match<'a>(hits: &mut [(usize, usize, usize)], targets: &'a [Target]) -> Vec<LexMatch<'a>> {
    // Hits found by end are mostly in this order already.
    if !hits.is_sorted_by_key(|&(s, e, _)| (s, e)) {
        hits.sort_by_key(|&(s, e, _)| (s, e));
    }
    hits.iter().map(|&hit| lex_match(hit, targets)).collect()
}

/// Folds a pattern the way the extractor folds text: NFKC (full-width to ASCII).
pub fn fold(s: &str) -> String {
    s.nfkc().collect()
}

impl Lexicon {
    pub fn empty() -> Self {
        Lexicon {
            scanner: None,
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
                scanner: None,
                targets,
                patterns,
                values,
            });
        }
        let scanner = Scanner::build_with_rows(&patterns, LEXICON_ROWS).map_err(|reason| {
            LexiconError::Invalid {
                file: file.source.clone(),
                reason,
            }
        })?;
        Ok(Lexicon {
            scanner: Some(scanner),
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
        let Some(scanner) = &self.scanner else {
            return Vec::new();
        };
        with_hit_buffer(|hits| {
            self.fitting_hits(scanner, text.as_bytes(), hits);
            leftmost_longest(hits, &self.targets)
        })
    }

    /// The end of the last of [`Lexicon::find_all`]'s matches in `text`
    /// (`find_all(text).last().map(|m| m.end)`), found without building the
    /// matches; a call allocates nothing once the per-thread buffer has grown.
    pub fn last_match_end(&self, text: &str) -> Option<usize> {
        let scanner = self.scanner.as_ref()?;
        with_hit_buffer(|hits| {
            self.fitting_hits(scanner, text.as_bytes(), hits);
            last_kept_end(hits)
        })
    }

    /// Puts in `hits` (cleared first) every overlapping match `(start, end,
    /// target)` in `text` that respects its word boundaries, by end.
    fn fitting_hits(&self, scanner: &Scanner, text: &[u8], hits: &mut Vec<(usize, usize, usize)>) {
        hits.clear();
        let targets = self.targets.as_slice();
        scanner.for_each_match(text, |t, s, e| {
            if targets.get(t).is_some_and(|tg| tg.fits_bytes(text, s, e)) {
                hits.push((s, e, t));
            }
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::tests::{builtin_patterns, mixed_text};

    /// The combined scan as it was: per-match lookups in the lexicons, one
    /// vector per dimension, a sort per dimension.
    fn reference_scan<'a>(
        c: &Combined,
        lexicons: &[&'a Lexicon],
        text: &str,
    ) -> Vec<Vec<LexMatch<'a>>> {
        let mut owners = Vec::new();
        for (d, lex) in lexicons.iter().enumerate() {
            for t in 0..lex.patterns.len() {
                owners.push((d, t));
            }
        }
        let mut per_dim: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); c.dims.names().len()];
        if let Some(scanner) = &c.scanner {
            scanner.for_each_match(text.as_bytes(), |pattern, start, end| {
                let (d, t) = owners[pattern];
                let keep = if c.every_occurrence[d] {
                    text.as_bytes().get(start..end) == Some(lexicons[d].patterns[t].as_bytes())
                } else {
                    lexicons[d].targets[t].fits(text, start, end)
                };
                if keep {
                    per_dim[d].push((start, end, t));
                }
            });
        }
        per_dim
            .into_iter()
            .enumerate()
            .map(|(d, mut hits)| {
                if c.every_occurrence[d] {
                    hits.sort_by_key(|&(s, e, _)| (s, e));
                    hits.into_iter()
                        .map(|(s, e, t)| {
                            let tg = &lexicons[d].targets[t];
                            LexMatch {
                                value: &tg.value,
                                tag: &tg.tag,
                                weight: tg.weight,
                                start: s,
                                end: e,
                            }
                        })
                        .collect()
                } else {
                    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                    let mut out = Vec::new();
                    let mut cursor = 0;
                    for (s, e, t) in hits {
                        if s < cursor {
                            continue;
                        }
                        let tg = &lexicons[d].targets[t];
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
            })
            .collect()
    }

    #[test]
    fn combined_scan_keeps_what_it_kept() {
        let mut files = Vec::new();
        for (name, text) in crate::BUILTIN {
            let file = LexiconFile::parse(name, text).expect("builtin lexicon");
            if file.meta.scope != "names" {
                let every = file.meta.scope == "cues";
                let lex = Lexicon::compile(&file).expect("builtin lexicon");
                files.push((file.meta.dimension.clone(), lex, every));
            }
        }
        assert!(files.iter().any(|f| f.2), "a cues lexicon");
        let all: Vec<(&String, &Lexicon, bool)> =
            files.iter().map(|(d, l, e)| (d, l, *e)).collect();
        let c = Combined::build(&all).expect("combined");
        let lexicons: Vec<&Lexicon> = files.iter().map(|f| &f.1).collect();
        let patterns = builtin_patterns();
        for seed in 1..300u64 {
            let text = mixed_text(&patterns, seed, 80);
            assert_eq!(
                c.scan(&text),
                reference_scan(&c, &lexicons, &text),
                "seed {seed}"
            );
        }
        for text in ["", "a", "Emotet", "xEmotet", "Emotetx", "1Emotet 2"] {
            assert_eq!(
                c.scan(text),
                reference_scan(&c, &lexicons, text),
                "{text:?}"
            );
        }
    }

    /// `find_all` as it was: the `aho-corasick` crate's overlapping search.
    fn reference_find_all<'a>(lex: &'a Lexicon, text: &str) -> Vec<LexMatch<'a>> {
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&lex.patterns)
            .expect("automaton");
        let mut hits = ac
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .filter(|&(s, e, t)| lex.targets[t].fits(text, s, e))
            .collect::<Vec<_>>();
        leftmost_longest(&mut hits, &lex.targets)
    }

    #[test]
    fn lexicon_tables_stay_small() {
        let mut total = 0;
        for (name, text) in crate::BUILTIN {
            let file = LexiconFile::parse(name, text).expect("builtin lexicon");
            let lex = Lexicon::compile(&file).expect("builtin lexicon");
            let bytes = lex.scanner.as_ref().map_or(0, Scanner::memory_usage);
            eprintln!("{name}: {} patterns, {bytes} bytes", lex.patterns.len());
            total += bytes;
        }
        eprintln!("all lexicons: {total} bytes");
        assert!(total < 4 << 20, "{total} bytes");
    }

    #[test]
    fn find_all_finds_what_the_crate_search_found() {
        for (name, text) in crate::BUILTIN {
            let file = LexiconFile::parse(name, text).expect("builtin lexicon");
            let lex = Lexicon::compile(&file).expect("builtin lexicon");
            if lex.patterns.is_empty() {
                assert!(lex.find_all("anything").is_empty());
                continue;
            }
            for seed in 1..60u64 {
                let text = mixed_text(&lex.patterns, seed, 1 + seed as usize % 30);
                assert_eq!(
                    lex.find_all(&text),
                    reference_find_all(&lex, &text),
                    "{name} seed {seed}"
                );
            }
        }
    }

    #[test]
    fn last_match_end_is_the_end_of_the_last_match() {
        for (name, text) in crate::BUILTIN {
            let file = LexiconFile::parse(name, text).expect("builtin lexicon");
            let lex = Lexicon::compile(&file).expect("builtin lexicon");
            if lex.patterns.is_empty() {
                assert_eq!(lex.last_match_end("anything"), None);
                continue;
            }
            for seed in 1..40u64 {
                let text = mixed_text(&lex.patterns, seed, 1 + seed as usize % 12);
                assert_eq!(
                    lex.last_match_end(&text),
                    lex.find_all(&text).last().map(|m| m.end),
                    "{name} seed {seed}"
                );
            }
            for text in ["", "a", "株式会社", "xEmotet", "Emotet 2", "(株)テスト"] {
                assert_eq!(
                    lex.last_match_end(text),
                    lex.find_all(text).last().map(|m| m.end),
                    "{name} {text:?}"
                );
            }
        }
    }
}
