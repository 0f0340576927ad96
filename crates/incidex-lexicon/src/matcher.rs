//! Compiled lexicons: one Aho-Corasick automaton per dimension.

use crate::{LexiconError, LexiconFile};
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, MatchKind};
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
    hits: &mut [(usize, usize, usize)],
    targets: &'a [Target],
) -> Vec<LexMatch<'a>> {
    // Hits found by end are mostly in this order already (a stable sort
    // would leave them as they are).
    if !hits.is_sorted_by(|a, b| (a.0, std::cmp::Reverse(a.1)) <= (b.0, std::cmp::Reverse(b.1))) {
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    }
    let mut out = Vec::with_capacity(hits.len());
    let mut cursor = 0;
    for &mut (s, e, t) in hits {
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

/// How many states of the automaton nearest its root get a full row of
/// transitions. The text spends most of its time in these states (a match
/// of a character or two); deeper states follow the automaton itself.
/// With the built-in lexicons (148 columns) 4,096 rows take about 2.4 MB;
/// 8,192 and 16,384 rows leave fewer bytes to the automaton and save
/// instructions but, measured on the example corpus, not time (the bigger
/// table misses the caches more), and cost memory and start-up.
const TABLED_STATES: usize = 4096;

/// Flag of a table entry: the next state has no row; the rest is its state id.
const UNTABLED: u32 = 1 << 31;
/// Flag of a table entry: the next state has a row but is a match (or dead)
/// state; the rest is the row's offset.
const STOPS: u32 = 1 << 30;
/// `row_of` of a state without a row.
const NO_ROW: u32 = u32::MAX;

/// An overlapping Aho-Corasick scan: a contiguous NFA (small and quick to
/// build) whose states nearest the root also get a row of transitions, as in
/// a DFA, so that most bytes cost one lookup instead of a walk along failure
/// links. It reports exactly what the NFA's overlapping search does, in the
/// same order.
#[derive(Debug, Clone)]
struct Scanner {
    nfa: contiguous::NFA,
    start: StateID,
    /// The column of each byte in `table`; column 0 stands for every byte no
    /// pattern holds (any state goes back to the start on those).
    column: [u32; 256],
    stride: usize,
    /// The row of each tabled state, by state id; `NO_ROW` for the others.
    row_of: Vec<u32>,
    /// The state of each row.
    row_state: Vec<StateID>,
    /// Row after row, the next state on each column: the next row's offset
    /// in `table`, with the `STOPS` flag when it is a match, or the state id
    /// with the `UNTABLED` flag.
    table: Vec<u32>,
}

impl Scanner {
    fn build(patterns: &[String]) -> Result<Self, String> {
        let nfa = contiguous::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        let start = nfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
        if nfa.memory_usage() / 4 >= STOPS as usize {
            // State ids must leave the two flag bits of a table entry free.
            return Err("lexicon automaton too large".into());
        }
        let (column, columns) = byte_columns(patterns);
        let mut scanner = Scanner {
            row_of: vec![NO_ROW; nfa.memory_usage() / 4 + 1],
            nfa,
            start,
            column,
            stride: columns.len(),
            row_state: Vec::new(),
            table: Vec::new(),
        };
        let next = scanner.rows_near_root(&columns, TABLED_STATES);
        scanner.table = next.iter().map(|&sid| scanner.entry(sid)).collect();
        Ok(scanner)
    }

    /// Gives the start state and the trie states nearest it (breadth first, up
    /// to `limit`) a row each, and returns the rows: the next state of each
    /// row's state on each column, failure links followed. Built as a DFA is:
    /// a state's missing edge leads where its failure state's does, and the
    /// failure state, being shorter, already has its row.
    fn rows_near_root(&mut self, columns: &[u8], limit: usize) -> Vec<StateID> {
        let stride = columns.len();
        let mut next: Vec<StateID> = Vec::new();
        // The failure state of each row's state.
        let mut fail: Vec<StateID> = vec![self.start];
        if !self.add_state_row(self.start) {
            return next;
        }
        let mut row = 0;
        while row < self.row_state.len() {
            let sid = self.row_state[row];
            let fail_row = self.row_of_state(fail[row]).unwrap_or(0);
            for (c, &byte) in columns.iter().enumerate() {
                let child = if c == 0 {
                    // No pattern holds this byte: no edge from any state.
                    None
                } else if sid == self.start {
                    Some(self.nfa.next_state(Anchored::No, sid, byte)).filter(|&t| t != self.start)
                } else {
                    // The trie's own edge: no failure links followed.
                    Some(self.nfa.next_state(Anchored::Yes, sid, byte))
                        .filter(|&t| !self.nfa.is_dead(t))
                };
                let failed = if sid == self.start {
                    self.start
                } else {
                    next[fail_row * stride + c]
                };
                match child {
                    Some(t) => {
                        next.push(t);
                        if self.row_state.len() < limit
                            && self.row_of_state(t).is_none()
                            && self.add_state_row(t)
                        {
                            // The child's failure state: where the parent's failure state goes.
                            fail.push(failed);
                        }
                    }
                    None => next.push(failed),
                }
            }
            row += 1;
        }
        next
    }

    /// Gives state `sid` the next row; false when its id is out of range.
    fn add_state_row(&mut self, sid: StateID) -> bool {
        let Some(slot) = self.row_of.get_mut(sid.as_usize()) else {
            return false;
        };
        *slot = self.row_state.len() as u32;
        self.row_state.push(sid);
        true
    }

    fn row_of_state(&self, sid: StateID) -> Option<usize> {
        match self.row_of.get(sid.as_usize()) {
            Some(&row) if row != NO_ROW => Some(row as usize),
            _ => None,
        }
    }

    /// The table entry that leads to state `sid`.
    fn entry(&self, sid: StateID) -> u32 {
        match self.row_of.get(sid.as_usize()) {
            Some(&row) if row != NO_ROW => {
                let offset = row * self.stride as u32;
                if self.stops(sid) {
                    offset | STOPS
                } else {
                    offset
                }
            }
            _ => sid.as_u32() | UNTABLED,
        }
    }

    /// A state where the scan must look: a match, or the dead end.
    fn stops(&self, sid: StateID) -> bool {
        self.nfa.is_match(sid) || self.nfa.is_dead(sid)
    }

    /// Calls `f(pattern, start, end)` for every match in `text`, overlapping
    /// ones included, ordered by end and then as the automaton lists them.
    fn for_each_match(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let nfa = &self.nfa;
        let mut report = |sid: StateID, end: usize| {
            for i in 0..nfa.match_len(sid) {
                let pid = nfa.match_pattern(sid, i);
                let len = nfa.pattern_len(pid);
                f(pid.as_usize(), end - len, end);
            }
        };
        if nfa.is_match(self.start) {
            report(self.start, 0);
        }
        // The state is a row offset while it has a row, else an NFA state.
        let mut offset: u32 = self.entry(self.start) & !STOPS;
        let mut sid = self.start;
        // The byte after the last one read.
        let mut at = 0;
        while at < text.len() {
            if offset & UNTABLED == 0 {
                // From row to row until a state that stops or has no row.
                let e = loop {
                    let Some(&byte) = text.get(at) else {
                        return;
                    };
                    at += 1;
                    let col = self.column[usize::from(byte)];
                    let e = self
                        .table
                        .get((offset + col) as usize)
                        .copied()
                        .unwrap_or(UNTABLED);
                    if e & (UNTABLED | STOPS) != 0 {
                        break e;
                    }
                    offset = e;
                };
                if e & UNTABLED != 0 {
                    sid = StateID::new_unchecked((e & !UNTABLED) as usize);
                    offset = UNTABLED;
                } else {
                    offset = e & !STOPS;
                    sid = self.row_state[offset as usize / self.stride];
                }
            } else {
                sid = nfa.next_state(Anchored::No, sid, text[at]);
                at += 1;
                offset = self.entry(sid) & !STOPS;
            }
            if nfa.is_dead(sid) {
                return;
            }
            if nfa.is_match(sid) {
                report(sid, at);
            }
        }
    }
}

/// The columns of a transition table for `patterns` matched ASCII
/// case-insensitively: one for each byte some pattern holds (in either case),
/// and column 0 for all other bytes. Returns each byte's column and a byte of each column.
fn byte_columns(patterns: &[String]) -> ([u32; 256], Vec<u8>) {
    let mut used = [false; 256];
    for p in patterns {
        for b in p.bytes() {
            used[usize::from(b)] = true;
            used[usize::from(b.to_ascii_lowercase())] = true;
            used[usize::from(b.to_ascii_uppercase())] = true;
        }
    }
    let mut column = [0u32; 256];
    // Column 0's byte is one no pattern holds, when there is one.
    let unused = (0..=255u8).find(|&b| !used[usize::from(b)]);
    let mut columns = vec![unused.unwrap_or(0)];
    for b in 0..=255u8 {
        if used[usize::from(b)] || unused.is_none() {
            column[usize::from(b)] = columns.len() as u32;
            columns.push(b);
        }
    }
    (column, columns)
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
    pub(crate) dims: Vec<String>,
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
    /// The pattern starts (ends) with an ASCII letter or digit: no ASCII
    /// letter or digit may touch it there.
    ascii_start: bool,
    ascii_end: bool,
}

impl Owner {
    /// Whether a match of pattern `pattern` at `[start, end)` of `text` is kept.
    fn keeps(&self, text: &[u8], start: usize, end: usize, pattern: &str) -> bool {
        if self.every {
            return text.get(start..end) == Some(pattern.as_bytes());
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

/// One kept match while a text is scanned.
#[derive(Debug, Clone, Copy)]
struct Hit {
    dim: u32,
    target: u32,
    start: usize,
    end: usize,
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
            dims,
            every_occurrence,
        })
    }

    /// Per dimension, in the order of `self.dims`: its leftmost-longest matches,
    /// or for a `cues` dimension every occurrence written exactly as a pattern
    /// (the automaton ignores ASCII case), by start and then end.
    pub(crate) fn scan<'a>(&'a self, text: &str) -> Vec<Vec<LexMatch<'a>>> {
        let mut out: Vec<Vec<LexMatch<'a>>> = vec![Vec::new(); self.dims.len()];
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
        let hits = &mut scratch.hits;
        hits.clear();
        scanner.for_each_match(bytes, |pattern, start, end| {
            let (Some(owner), Some(p)) = (self.owners.get(pattern), self.patterns.get(pattern))
            else {
                return;
            };
            if owner.keeps(bytes, start, end, p) {
                hits.push(Hit {
                    dim: owner.dim,
                    target: owner.target,
                    start,
                    end,
                });
            }
        });
        if hits.is_empty() {
            return;
        }
        group_by_dimension(hits, &mut scratch.grouped, &mut scratch.bounds, out.len());
        for (d, slot) in out.iter_mut().enumerate() {
            let (Some(&(from, to)), Some(targets), Some(&every)) = (
                scratch.bounds.get(d),
                self.targets.get(d),
                self.every_occurrence.get(d),
            ) else {
                continue;
            };
            let Some(dim_hits) = scratch.grouped.get_mut(from..to) else {
                continue;
            };
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
    hits: Vec<Hit>,
    grouped: Vec<(usize, usize, usize)>,
    bounds: Vec<(usize, usize)>,
}

thread_local! {
    static LAST_END_HITS: std::cell::RefCell<Vec<(usize, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Puts `hits` in `grouped` as `(start, end, target)`, dimension by
/// dimension, each in the order found (a counting sort), and each
/// dimension's range of `grouped` in `bounds`.
fn group_by_dimension(
    hits: &[Hit],
    grouped: &mut Vec<(usize, usize, usize)>,
    bounds: &mut Vec<(usize, usize)>,
    dims: usize,
) {
    bounds.clear();
    bounds.resize(dims, (0, 0));
    for h in hits {
        if let Some(b) = bounds.get_mut(h.dim as usize) {
            b.1 += 1;
        }
    }
    // Counts to ranges; `.1` then serves as the next free place.
    let mut at = 0;
    for b in bounds.iter_mut() {
        let n = b.1;
        *b = (at, at);
        at += n;
    }
    grouped.clear();
    grouped.resize(at, (0, 0, 0));
    for h in hits {
        if let Some(b) = bounds.get_mut(h.dim as usize) {
            if let Some(slot) = grouped.get_mut(b.1) {
                *slot = (h.start, h.end, h.target as usize);
            }
            b.1 += 1;
        }
    }
}

/// All hits `(start, end, target)`, by start and then end.
fn every_match<'a>(hits: &mut [(usize, usize, usize)], targets: &'a [Target]) -> Vec<LexMatch<'a>> {
    // Hits found by end are mostly in this order already.
    if !hits.is_sorted_by_key(|&(s, e, _)| (s, e)) {
        hits.sort_by_key(|&(s, e, _)| (s, e));
    }
    hits.iter()
        .map(|&(s, e, t)| {
            let tg = &targets[t];
            LexMatch {
                value: &tg.value,
                tag: &tg.tag,
                weight: tg.weight,
                start: s,
                end: e,
            }
        })
        .collect()
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
        let mut hits = ac
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .filter(|&(s, e, t)| self.targets[t].fits(text, s, e))
            .collect::<Vec<_>>();
        leftmost_longest(&mut hits, &self.targets)
    }

    /// The end of the last of [`Lexicon::find_all`]'s matches in `text`
    /// (`find_all(text).last().map(|m| m.end)`), found without building the
    /// matches: the hits go to a buffer kept per thread, so a call allocates
    /// nothing once the buffer has grown.
    pub fn last_match_end(&self, text: &str) -> Option<usize> {
        let ac = self.automaton.as_ref()?;
        LAST_END_HITS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut hits) => self.last_match_end_with(ac, text, &mut hits),
            // Never in use twice on one thread; a fresh one all the same.
            Err(_) => self.last_match_end_with(ac, text, &mut Vec::new()),
        })
    }

    /// [`Lexicon::last_match_end`] with `hits` as its buffer.
    fn last_match_end_with(
        &self,
        ac: &AhoCorasick,
        text: &str,
        hits: &mut Vec<(usize, usize)>,
    ) -> Option<usize> {
        hits.clear();
        hits.extend(
            ac.find_overlapping_iter(text)
                .filter(|m| {
                    self.targets
                        .get(m.pattern().as_usize())
                        .is_some_and(|t| t.fits(text, m.start(), m.end()))
                })
                .map(|m| (m.start(), m.end())),
        );
        // The order `leftmost_longest` takes them in; only the spans matter
        // here, so an unstable sort (which allocates nothing) does.
        if !hits.is_sorted_by(|a, b| (a.0, std::cmp::Reverse(a.1)) <= (b.0, std::cmp::Reverse(b.1)))
        {
            hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        }
        let mut cursor = 0;
        let mut last = None;
        for &(s, e) in hits.iter() {
            if s >= cursor {
                last = Some(e);
                cursor = e;
            }
        }
        last
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

    fn builtin_patterns() -> Vec<String> {
        let mut patterns = Vec::new();
        for (name, text) in crate::BUILTIN {
            let file = LexiconFile::parse(name, text).expect("builtin lexicon");
            if file.meta.scope != "names" {
                let lex = Lexicon::compile(&file).expect("builtin lexicon");
                patterns.extend(lex.patterns);
            }
        }
        patterns
    }

    /// A text made of pieces of the patterns, cut anywhere, with bytes of all
    /// kinds between them: matches overlap, nest and break off.
    fn mixed_text(patterns: &[String], seed: u64, pieces: usize) -> String {
        let mut x = seed.max(1);
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let fillers = [
            "", " ", "\n", "の", "が", "ア", "x", "Z", "1", "。", "、", "é", "😀", "-",
        ];
        let mut out = String::new();
        for _ in 0..pieces {
            let p = &patterns[(rand() % patterns.len() as u64) as usize];
            let chars: Vec<char> = p.chars().collect();
            let a = (rand() % (chars.len() as u64 + 1)) as usize;
            let b = a + (rand() % (chars.len() - a + 1) as u64) as usize;
            let piece: String = if rand() % 3 == 0 {
                chars[a..b].iter().collect()
            } else {
                p.clone()
            };
            if rand() % 2 == 0 {
                out.push_str(&piece.to_ascii_uppercase());
            } else {
                out.push_str(&piece);
            }
            out.push_str(fillers[(rand() % fillers.len() as u64) as usize]);
        }
        out
    }

    #[test]
    fn rows_hold_the_automaton_transitions() {
        let patterns = builtin_patterns();
        let scanner = Scanner::build(&patterns).expect("scanner");
        assert!(scanner.row_state.len() > 1);
        for (row, &sid) in scanner.row_state.iter().enumerate() {
            for byte in 0..=255u8 {
                let want = scanner.nfa.next_state(Anchored::No, sid, byte);
                let e = scanner.table
                    [row * scanner.stride + scanner.column[usize::from(byte)] as usize];
                let got = if e & UNTABLED != 0 {
                    StateID::new_unchecked((e & !UNTABLED) as usize)
                } else {
                    scanner.row_state[(e & !STOPS) as usize / scanner.stride]
                };
                assert_eq!(got, want, "row {row} byte {byte}");
                assert_eq!(e & STOPS != 0, e & UNTABLED == 0 && scanner.stops(want));
            }
        }
    }

    #[test]
    fn scan_reports_what_the_overlapping_search_reports() {
        let patterns = builtin_patterns();
        let scanner = Scanner::build(&patterns).expect("scanner");
        let ac = overlapping_automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA)
            .expect("automaton");
        for seed in 1..200u64 {
            let text = mixed_text(&patterns, seed, 60);
            let want: Vec<(usize, usize, usize)> = ac
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            let mut got = Vec::new();
            scanner.for_each_match(text.as_bytes(), |p, s, e| got.push((p, s, e)));
            assert_eq!(got, want, "seed {seed}");
        }
    }

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
        let mut per_dim: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); c.dims.len()];
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

    #[test]
    fn a_small_table_falls_back_to_the_automaton() {
        let patterns: Vec<String> = ["ab", "abc", "bcd", "情報", "個人情報", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ac = overlapping_automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA)
            .expect("automaton");
        let text = "xABCD 個人情報の情報 abcabd";
        let want: Vec<(usize, usize, usize)> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        for limit in [1, 2, 3, 5, 100] {
            let mut scanner = Scanner::build(&patterns).expect("scanner");
            scanner.row_of.iter_mut().for_each(|r| *r = NO_ROW);
            scanner.row_state.clear();
            let next = scanner.rows_near_root(&byte_columns(&patterns).1, limit);
            scanner.table = next.iter().map(|&sid| scanner.entry(sid)).collect();
            let mut got = Vec::new();
            scanner.for_each_match(text.as_bytes(), |p, s, e| got.push((p, s, e)));
            assert_eq!(got, want, "limit {limit}");
        }
    }
}
