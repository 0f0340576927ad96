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
/// of a character or two); deeper states get a short list of the edges that
/// differ from a tabled state's row. With the built-in lexicons (123
/// columns) 4,096 rows take 2 MB.
const TABLED_STATES: usize = 4096;

/// Flag of a state's code: the state has no row, and the rest is its
/// record's number; without it, the rest is the offset of its row in
/// `Scanner::table`.
const SPARSE: u32 = 1 << 31;
/// Flag of a state's code: the state is a match state.
const STOPS: u32 = 1 << 30;
/// The offset bits of a state's code.
const OFFSET: u32 = STOPS - 1;
/// The first edge of a record without edges: its key is no column.
const NO_EDGE: u64 = u64::MAX;

/// An overlapping Aho-Corasick scan, built here rather than by the
/// `aho-corasick` crate so that every state costs little: the states nearest
/// the root get a row of transitions, as in a DFA, and each other state a
/// record of the few edges in which it differs from the nearest tabled state
/// on its failure path (its own trie edges and those of the untabled states
/// between), so that every byte costs one lookup, or a short list and one
/// lookup, instead of a walk along failure links. It reports exactly what
/// the crate's overlapping search does, in the same order (the tests compare
/// the two).
#[derive(Debug, Clone)]
struct Scanner {
    /// The column of each byte in `table` (the two cases of an ASCII letter
    /// share one); column 0 stands for every byte no pattern holds (any state
    /// goes back to the start on those).
    column: [u32; 256],
    /// Columns of a row, plus one slot at its end: the row's match list.
    stride: usize,
    /// Row after row, the code of the next state on each column; padded to
    /// a power of two, so that an index masked with `len - 1` is in range
    /// (and the compiler drops the check in the scan loop).
    table: Vec<u32>,
    /// Per state without a row, by record number: the edge the text most
    /// often follows, its own (first) one, as `column << 32 | code`, or
    /// `NO_EDGE`; padded with `NO_EDGE` to a power of two, as `table` is.
    first_edge: Vec<u64>,
    /// Per state without a row: the rest of its record.
    records: Vec<Record>,
    /// The other edges of the records: `(column, code)`.
    more_edges: Vec<(u32, u32)>,
    /// Match lists, each `(count, 0)` and then `count` times `(pattern, length)`.
    matches: Vec<(u32, u32)>,
    /// The start state's match list (an empty pattern), if it has one.
    start_matches: Option<u32>,
}

/// What a state without a row does besides its first edge.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// The offset of the row of the tabled state that it goes where
    /// it goes on columns it has no edge for.
    fallback: u32,
    /// Its match list.
    list: u32,
    /// Its other edges: `more_edges[more_from..more_from + more_len]`.
    more_from: u32,
    more_len: u32,
}

/// The trie of the patterns (over columns, so ASCII case-insensitive) with
/// its failure links and match lists, as the `aho-corasick` crate's NFA
/// builder makes it.
struct Trie {
    /// Per state: its children, by column.
    children: Vec<Vec<(u8, u32)>>,
    /// Per state: the patterns it reports, in the crate's order.
    lists: Vec<Vec<u32>>,
    fail: Vec<u32>,
    /// The states, breadth first (the start state first).
    order: Vec<u32>,
}

impl Trie {
    const START: u32 = 0;

    fn build(patterns: &[String], column: &[u32; 256]) -> Self {
        let mut trie = Trie {
            children: vec![Vec::new()],
            lists: vec![Vec::new()],
            fail: Vec::new(),
            order: Vec::new(),
        };
        for (pid, p) in patterns.iter().enumerate() {
            let mut at = Self::START;
            for b in p.bytes() {
                let col = column[usize::from(b)] as u8;
                at = match trie.child(at, col) {
                    Some(next) => next,
                    None => trie.add_child(at, col),
                };
            }
            if let Some(list) = trie.lists.get_mut(at as usize) {
                list.push(pid as u32);
            }
        }
        for kids in &mut trie.children {
            // Columns are numbered in the order of their first byte: the
            // crate visits edges in byte order.
            kids.sort_unstable();
        }
        trie.link_failures();
        trie
    }

    fn child(&self, state: u32, col: u8) -> Option<u32> {
        let kids = self.children.get(state as usize)?;
        kids.iter().find(|&&(c, _)| c == col).map(|&(_, s)| s)
    }

    fn add_child(&mut self, state: u32, col: u8) -> u32 {
        let next = self.children.len() as u32;
        self.children.push(Vec::new());
        self.lists.push(Vec::new());
        if let Some(kids) = self.children.get_mut(state as usize) {
            kids.push((col, next));
        }
        next
    }

    /// Where `state` goes on `col`, failure links followed.
    fn next(&self, mut state: u32, col: u8) -> u32 {
        loop {
            if let Some(next) = self.child(state, col) {
                return next;
            }
            if state == Self::START {
                return Self::START;
            }
            state = self
                .fail
                .get(state as usize)
                .copied()
                .unwrap_or(Self::START);
        }
    }

    /// Failure links and match lists, breadth first, as the crate's
    /// standard (non-leftmost) builder sets them: a state's list is its own
    /// patterns, then its failure state's list as it is when the state is
    /// queued, then (an empty pattern) the start state's.
    fn link_failures(&mut self) {
        self.fail = vec![Self::START; self.children.len()];
        let mut queue = std::collections::VecDeque::new();
        queue.extend(self.children[0].iter().map(|&(_, s)| s));
        self.order.push(Self::START);
        while let Some(id) = queue.pop_front() {
            self.order.push(id);
            for k in 0..self.children[id as usize].len() {
                let (col, next) = self.children[id as usize][k];
                let fail = self.next(self.fail[id as usize], col);
                self.fail[next as usize] = fail;
                let inherited = self.lists[fail as usize].clone();
                self.lists[next as usize].extend(inherited);
                queue.push_back(next);
            }
            let from_start = self.lists[0].clone();
            self.lists[id as usize].extend(from_start);
        }
    }
}

impl Scanner {
    fn build(patterns: &[String]) -> Result<Self, String> {
        Self::build_with_rows(patterns, TABLED_STATES)
    }

    /// A scanner whose first `rows` states (breadth first) get a row.
    fn build_with_rows(patterns: &[String], rows: usize) -> Result<Self, String> {
        let (column, columns) = byte_columns(patterns);
        let trie = Trie::build(patterns, &column);
        let stride = columns + 1;
        let tabled = rows.clamp(1, trie.order.len());
        // Rows for the states nearest the start: the text is most often in them.
        let layout = &trie.order;
        let untabled = trie.order.len() - tabled;
        if tabled.saturating_mul(stride) >= OFFSET as usize || untabled >= OFFSET as usize {
            return Err("lexicon automaton too large".into());
        }
        // Each state's code: rows first, then records.
        let mut code = vec![0u32; trie.children.len()];
        let mut is_tabled = vec![false; trie.children.len()];
        for (i, &s) in layout.iter().enumerate() {
            if i < tabled {
                code[s as usize] = (i * stride) as u32;
                is_tabled[s as usize] = true;
            } else {
                code[s as usize] = (i - tabled) as u32 | SPARSE;
            }
        }
        let mut matches = Vec::new();
        let mut list_of = vec![0u32; trie.children.len()];
        for (s, list) in trie.lists.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            list_of[s] = matches.len() as u32;
            matches.push((list.len() as u32, 0));
            for &pid in list {
                let len = patterns.get(pid as usize).map_or(0, |p| p.len()) as u32;
                matches.push((pid, len));
            }
            code[s] |= STOPS;
        }
        let mut scanner = Scanner {
            column,
            stride,
            table: table_rows(&trie, &layout[..tabled], &code, &list_of, columns),
            first_edge: Vec::with_capacity(untabled),
            records: Vec::with_capacity(untabled),
            more_edges: Vec::new(),
            matches,
            start_matches: (!trie.lists[0].is_empty()).then_some(list_of[0]),
        };
        for &s in layout.iter().skip(tabled) {
            let (edges, fallback) = edges_to_fallback(&trie, &is_tabled, s);
            let (first, more) = match edges.split_first() {
                Some((&(col, next), more)) => {
                    (u64::from(col) << 32 | u64::from(code[next as usize]), more)
                }
                None => (NO_EDGE, &[][..]),
            };
            scanner.first_edge.push(first);
            scanner.records.push(Record {
                fallback: code[fallback as usize] & OFFSET,
                list: list_of[s as usize],
                more_from: scanner.more_edges.len() as u32,
                more_len: more.len() as u32,
            });
            scanner.more_edges.extend(
                more.iter()
                    .map(|&(col, next)| (u32::from(col), code[next as usize])),
            );
        }
        let padded = scanner.first_edge.len().next_power_of_two();
        scanner.first_edge.resize(padded, NO_EDGE);
        Ok(scanner)
    }

    /// The size of the tables in bytes.
    #[cfg(test)]
    fn memory_usage(&self) -> usize {
        4 * self.table.len()
            + 8 * self.first_edge.len()
            + std::mem::size_of::<Record>() * self.records.len()
            + 8 * (self.more_edges.len() + self.matches.len())
    }

    /// Calls `f(pattern, start, end)` for every match in `text`, overlapping
    /// ones included, ordered by end and then as the automaton lists them.
    fn for_each_match(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        if let Some(list) = self.start_matches {
            self.report(list, 0, &mut f);
        }
        let mut state: u32 = 0;
        // The byte after the last one read.
        let mut at = 0;
        while let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
            let (read, next) = if state & SPARSE == 0 {
                self.run_rows(state & OFFSET, rest)
            } else {
                self.run_records((state & OFFSET) as usize, rest)
            };
            at += read;
            state = next;
            if state & STOPS != 0 {
                let list = self.match_list(state);
                self.report(list, at, &mut f);
            }
        }
    }

    /// From row to row along `text` from the tabled state at `offset`, until
    /// a state that stops or has no row: returns how many bytes were read
    /// and that state's code (or the last state's, at the end of the text).
    /// Four bytes a round, for fewer loop tests.
    #[inline]
    fn run_rows(&self, mut offset: u32, text: &[u8]) -> (usize, u32) {
        let table = self.table.as_slice();
        let mask = table.len().wrapping_sub(1);
        let column = &self.column;
        let next = |offset: u32, byte: u8| {
            let at = (offset + column[usize::from(byte)]) as usize & mask;
            table.get(at).copied().unwrap_or(0)
        };
        let mut quads = text.chunks_exact(4);
        for (n, quad) in (&mut quads).enumerate() {
            let Ok(quad) = <[u8; 4]>::try_from(quad) else {
                break;
            };
            for (k, byte) in quad.into_iter().enumerate() {
                offset = next(offset, byte);
                if offset & (SPARSE | STOPS) != 0 {
                    return (4 * n + k + 1, offset);
                }
            }
        }
        let done = text.len() - quads.remainder().len();
        for (k, &byte) in quads.remainder().iter().enumerate() {
            offset = next(offset, byte);
            if offset & (SPARSE | STOPS) != 0 {
                return (done + k + 1, offset);
            }
        }
        (text.len(), offset)
    }

    /// From record to record along `text` from the state without a row whose
    /// record is number `rec`, until a state that stops or has a row:
    /// returns how many bytes were read and that state's code (or the last
    /// state's, at the end of the text).
    #[inline]
    fn run_records(&self, mut rec: usize, text: &[u8]) -> (usize, u32) {
        let first_edge = self.first_edge.as_slice();
        let mask = first_edge.len().wrapping_sub(1);
        let column = &self.column;
        for (i, &byte) in text.iter().enumerate() {
            let col = column[usize::from(byte)];
            let edge = first_edge.get(rec & mask).copied().unwrap_or(NO_EDGE);
            let next = if (edge >> 32) as u32 == col {
                edge as u32
            } else {
                self.off_first_edge(rec, col)
            };
            if next & (SPARSE | STOPS) != SPARSE {
                return (i + 1, next);
            }
            rec = (next & OFFSET) as usize;
        }
        (text.len(), rec as u32 | SPARSE)
    }

    /// The code of the state that state `state` goes to on `byte`.
    #[cfg(test)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let text = [byte];
        let (_, next) = if state & SPARSE == 0 {
            self.run_rows(state & OFFSET, &text)
        } else {
            self.run_records((state & OFFSET) as usize, &text)
        };
        next
    }

    /// Where the state without a row whose record is number `rec` goes on
    /// column `col`, when that is not its first edge.
    fn off_first_edge(&self, rec: usize, col: u32) -> u32 {
        let Some(r) = self.records.get(rec) else {
            return 0;
        };
        let from = r.more_from as usize;
        let more = self
            .more_edges
            .get(from..from + r.more_len as usize)
            .unwrap_or(&[]);
        match more.iter().find(|&&(key, _)| key == col) {
            Some(&(_, next)) => next,
            None => {
                let at = (r.fallback + col) as usize;
                self.table.get(at).copied().unwrap_or(0)
            }
        }
    }

    /// Where the match list of a match state's code is.
    fn match_list(&self, state: u32) -> u32 {
        let offset = (state & OFFSET) as usize;
        if state & SPARSE == 0 {
            self.table
                .get(offset + self.stride - 1)
                .copied()
                .unwrap_or(0)
        } else {
            self.records.get(offset).map_or(0, |r| r.list)
        }
    }

    fn report(&self, list: u32, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let list = list as usize;
        let count = self.matches.get(list).map_or(0, |&(n, _)| n as usize);
        for &(pid, len) in self.matches.get(list + 1..list + 1 + count).unwrap_or(&[]) {
            f(pid as usize, end.saturating_sub(len as usize), end);
        }
    }
}

/// The rows of the `tabled` states: the code of the next state on each
/// column, failure links followed, then the state's match list; padded with
/// the start state's code to a power of two. Built as a DFA is: a state's
/// missing edge leads where its failure state's does, and the failure state,
/// being shallower, already has its row when it has one.
fn table_rows(
    trie: &Trie,
    tabled: &[u32],
    code: &[u32],
    list_of: &[u32],
    columns: usize,
) -> Vec<u32> {
    let stride = columns + 1;
    let mut table = vec![0u32; (tabled.len() * stride).next_power_of_two()];
    for (row, &s) in tabled.iter().enumerate() {
        let base = row * stride;
        let fail = trie.fail.get(s as usize).copied().unwrap_or(Trie::START);
        let fail_code = code.get(fail as usize).copied().unwrap_or(SPARSE);
        for col in 0..columns {
            table[base + col] = match trie.child(s, col as u8) {
                Some(child) => code[child as usize],
                None if s == Trie::START => code[Trie::START as usize],
                None if fail_code & SPARSE == 0 => table[(fail_code & OFFSET) as usize + col],
                None => code[trie.next(fail, col as u8) as usize],
            };
        }
        table[base + columns] = list_of[s as usize];
    }
    table
}

/// The edges of untabled state `s` and of the untabled states on its failure
/// path (the first one's edge wins on a column), and the tabled state that
/// path reaches: where `s` goes on any other column.
fn edges_to_fallback(trie: &Trie, is_tabled: &[bool], s: u32) -> (Vec<(u8, u32)>, u32) {
    let mut edges: Vec<(u8, u32)> = Vec::new();
    let mut at = s;
    while !is_tabled.get(at as usize).copied().unwrap_or(true) {
        for &(col, next) in trie.children.get(at as usize).map_or(&[][..], |k| k) {
            if !edges.iter().any(|&(c, _)| c == col) {
                edges.push((col, next));
            }
        }
        at = trie.fail.get(at as usize).copied().unwrap_or(Trie::START);
    }
    (edges, at)
}

/// The columns of a transition table for `patterns` matched ASCII
/// case-insensitively: one for each byte some pattern holds (the two cases
/// of a letter share one), numbered in the order of their first byte, and
/// column 0 for all other bytes. Returns each byte's column and the number
/// of columns.
fn byte_columns(patterns: &[String]) -> ([u32; 256], usize) {
    let mut used = [false; 256];
    for p in patterns {
        for b in p.bytes() {
            used[usize::from(b.to_ascii_lowercase())] = true;
        }
    }
    let mut column = [0u32; 256];
    let mut columns = 1;
    for b in 0..=255u8 {
        let folded = usize::from(b.to_ascii_lowercase());
        if used[folded] {
            if column[folded] == 0 {
                column[folded] = columns;
                columns += 1;
            }
            column[usize::from(b)] = column[folded];
        }
    }
    (column, columns as usize)
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
    /// A `cues` pattern with an ASCII letter: only then can a match (which
    /// ignores ASCII case) be written otherwise than the pattern.
    cased: bool,
    /// The pattern starts (ends) with an ASCII letter or digit: no ASCII
    /// letter or digit may touch it there.
    ascii_start: bool,
    ascii_end: bool,
}

impl Owner {
    /// Whether a match of pattern `pattern` at `[start, end)` of `text` is kept.
    fn keeps(&self, text: &[u8], start: usize, end: usize, pattern: &str) -> bool {
        if self.every {
            return !self.cased || text.get(start..end) == Some(pattern.as_bytes());
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
    use aho_corasick::automaton::Automaton;
    use aho_corasick::nfa::contiguous;
    use aho_corasick::Anchored;

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

    /// The patterns a state's code reports, in order.
    fn listed(scanner: &Scanner, state: u32) -> Vec<usize> {
        let mut got = Vec::new();
        if state & STOPS != 0 {
            scanner.report(scanner.match_list(state), 0, &mut |p, _, _| got.push(p));
        }
        got
    }

    /// Step by step, the scanner is in a state that reports what the crate's
    /// automaton's state reports, whether the state has a row or not.
    fn assert_steps_like_the_automaton(patterns: &[String], rows: usize, text: &str) {
        let scanner = Scanner::build_with_rows(patterns, rows).expect("scanner");
        let nfa = contiguous::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("nfa");
        let mut sid = nfa.start_state(Anchored::No).expect("start");
        let mut state = 0;
        for (at, &byte) in text.as_bytes().iter().enumerate() {
            sid = nfa.next_state(Anchored::No, sid, byte);
            state = scanner.step(state, byte);
            let want: Vec<usize> = if nfa.is_match(sid) {
                (0..nfa.match_len(sid))
                    .map(|i| nfa.match_pattern(sid, i).as_usize())
                    .collect()
            } else {
                Vec::new()
            };
            assert_eq!(listed(&scanner, state), want, "rows {rows} byte {at}");
        }
    }

    #[test]
    fn states_report_what_the_automaton_states_report() {
        let patterns = builtin_patterns();
        for (seed, rows) in [
            (1, TABLED_STATES),
            (2, 1),
            (3, 64),
            (4, 1000),
            (5, usize::MAX),
        ] {
            let text = mixed_text(&patterns, seed, 300);
            assert_steps_like_the_automaton(&patterns, rows, &text);
        }
        let scanner = Scanner::build(&patterns).expect("scanner");
        assert!(scanner.table.len() > scanner.stride);
        eprintln!(
            "built-in scanner: {} columns, {} bytes",
            scanner.stride - 1,
            scanner.memory_usage()
        );
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
        let patterns: Vec<String> = ["ab", "abc", "bcd", "情報", "個人情報", "b", "AB", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ac = overlapping_automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA)
            .expect("automaton");
        let text = "xABCD 個人情報の情報 abcabd aBc";
        let want: Vec<(usize, usize, usize)> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        for limit in [0, 1, 2, 3, 5, 100] {
            let scanner = Scanner::build_with_rows(&patterns, limit).expect("scanner");
            let mut got = Vec::new();
            scanner.for_each_match(text.as_bytes(), |p, s, e| got.push((p, s, e)));
            assert_eq!(got, want, "limit {limit}");
            assert_steps_like_the_automaton(&patterns, limit, text);
        }
    }

    #[test]
    fn an_empty_pattern_lists_as_the_automaton_lists() {
        let patterns: Vec<String> = ["", "ab", "b", "", "abc", "x"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for limit in [1, 2, 100] {
            assert_steps_like_the_automaton(&patterns, limit, "abcxabxxbc");
        }
    }
}
