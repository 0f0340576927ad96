//! The lexicons' automaton: an overlapping Aho-Corasick search over
//! ASCII-case-folded byte columns, built here rather than taken from the
//! `aho-corasick` crate so that each byte of a document costs little. The
//! document scan of all lexicons at once ([`crate::Combined`]) uses one with
//! a large table; each [`crate::Lexicon`], searched in short texts, one with
//! a small table.
//!
//! The states nearest the trie's root (breadth first, up to a limit) get a
//! full row of transitions, as in a DFA: the text spends most of its time in
//! them, and a byte there costs one table lookup (whose bounds test also
//! finds the states that stop or have no row). Each deeper state
//! gets a small record instead: its first (most followed) edge inline, a
//! short list of other edges, and the row of the tabled state its failure
//! path reaches for every other column. The scan reports exactly what the
//! crate's overlapping search reports, in the same order (the tests compare
//! the two step by step and match by match).
//!
//! Measured (callgrind, `throughput 1 single`, ~1 MB of documents): the
//! combined scan went from ~30.6 M instructions with the crate's contiguous
//! NFA to ~17.7 M with this table (4,096 rows of 123 columns, ~2 MB), then
//! to ~13.1 M with 16,384 rows (~8 MB) and the bounds test doubling as the
//! flag test: about 1 M bytes read in rows at ~6.4 instructions each, ~40 K
//! in records, the rest reporting and keeping matches. `Lexicon::find_all`
//! went from ~2 M to ~0.8 M with its own small scanner.

/// How many states of the automaton nearest its root get a full row of
/// transitions. The text spends most of its time in these states (a match
/// of a character or two); deeper states get a short list of the edges that
/// differ from a tabled state's row. With the built-in lexicons (123
/// columns, ~26,500 states) 16,384 rows take 8 MB. Measured (callgrind,
/// `throughput 1 single`): the combined scan cost ~12.5 M instructions with
/// 4,096 rows, ~10.7 M with 8,192, ~9.1 M with 16,384 and ~8.4 M with every
/// state tabled (13 MB); the simulated D1 misses did not grow, as a deep
/// state's record costs a cache line as its row's entry does.
const TABLED_STATES: usize = 16384;

/// How many bytes [`Scanner::run_rows`] reads per round of its loop, with
/// one loop test (the lookups' bounds tests end a round early).
const ROW_ROUND: usize = 32;

/// Flag of a state's code: the state has no row, and the rest is its
/// record's number; without it, the rest is the offset of its row in
/// `Scanner::table`.
const SPARSE: u32 = 1 << 31;
/// Flag of a state's code: the state is a match state.
const STOPS: u32 = 1 << 30;
/// The offset bits of a state's code.
const OFFSET: u32 = STOPS - 1;
/// The first edge's column of a record without edges: no column.
const NO_COLUMN: u32 = u32::MAX;

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
pub(crate) struct Scanner {
    /// The column of each byte in `table` (the two cases of an ASCII letter
    /// share one); column 0 stands for every byte no pattern holds (any state
    /// goes back to the start on those).
    column: [usize; 256],
    /// Columns of a row, plus one slot at its end: the row's match list.
    stride: usize,
    /// Row after row, the code of the next state on each column, and the
    /// row's match list. Shorter than `1 << 30`: the code of a state that
    /// stops or has no row (a flag bit set) plus any column is past its end
    /// (see [`Scanner::run_rows`]).
    table: Vec<u32>,
    /// Per state without a row, by record number: the edge the text most
    /// often follows, its own (first) one, as `(column, code)`, or
    /// `(NO_COLUMN, 0)`; padded with those to a power of two, as `table` is.
    first_edge: Vec<(u32, u32)>,
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
    /// Bit `column % 64` set for the column of each of its other edges: a
    /// byte whose bit is clear (the text leaving the pattern, the usual way
    /// out of a deep state) goes to the fallback row without a search.
    more_columns: u64,
}

/// The bit of `col` in [`Record::more_columns`].
#[inline]
fn column_bit(col: u32) -> u64 {
    1 << (col % 64)
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

    fn build(patterns: &[String], column: &[usize; 256]) -> Self {
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
    pub(crate) fn build(patterns: &[String]) -> Result<Self, String> {
        Self::build_with_rows(patterns, TABLED_STATES)
    }

    /// A scanner whose first `rows` states (breadth first) get a row.
    pub(crate) fn build_with_rows(patterns: &[String], rows: usize) -> Result<Self, String> {
        let (column, columns) = byte_columns(patterns);
        let trie = Trie::build(patterns, &column);
        let stride = columns + 1;
        let tabled = rows.clamp(1, trie.order.len());
        // Rows for the states nearest the start: the text is most often in them.
        let layout = &trie.order;
        let untabled = trie.order.len() - tabled;
        // A table shorter than `OFFSET` also keeps every flagged code past
        // its end, which the scan's lookups rely on (`run_rows`).
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
                Some((&(col, next), more)) => ((u32::from(col), code[next as usize]), more),
                None => ((NO_COLUMN, 0), &[][..]),
            };
            scanner.first_edge.push(first);
            scanner.records.push(Record {
                fallback: code[fallback as usize] & OFFSET,
                list: list_of[s as usize],
                more_from: scanner.more_edges.len() as u32,
                more_len: more.len() as u32,
                more_columns: more
                    .iter()
                    .fold(0, |bits, &(col, _)| bits | column_bit(u32::from(col))),
            });
            scanner.more_edges.extend(
                more.iter()
                    .map(|&(col, next)| (u32::from(col), code[next as usize])),
            );
        }
        let padded = scanner.first_edge.len().next_power_of_two();
        scanner.first_edge.resize(padded, (NO_COLUMN, 0));
        Ok(scanner)
    }

    /// The size of the tables in bytes.
    #[cfg(test)]
    pub(crate) fn memory_usage(&self) -> usize {
        4 * self.table.len()
            + 8 * self.first_edge.len()
            + std::mem::size_of::<Record>() * self.records.len()
            + 8 * (self.more_edges.len() + self.matches.len())
    }

    /// Calls `f(pattern, start, end)` for every match in `text`, overlapping
    /// ones included, ordered by end and then as the automaton lists them.
    pub(crate) fn for_each_match(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        if let Some(list) = self.start_matches {
            self.report(list, 0, &mut f);
        }
        let mut state: u32 = 0;
        // The byte after the last one read.
        let mut at = 0;
        while at < text.len() {
            (at, state) = if state & SPARSE == 0 {
                self.run_rows(state & OFFSET, text, at)
            } else {
                self.run_records((state & OFFSET) as usize, text, at)
            };
            if state & STOPS != 0 {
                let list = self.match_list(state);
                self.report(list, at, &mut f);
            }
        }
    }

    /// From row to row along `text` from byte `at` and the tabled state at
    /// `offset`, until a state that stops or has no row: returns the byte
    /// after the last one read and that state's code (or the last state's,
    /// at the end of the text).
    ///
    /// The flag bits of a code lie above every row's offset, so the code of
    /// a state that stops or has no row plus any column is past the end of
    /// the table: the one bounds test of the next step's lookup is also the
    /// test for those states, and a byte costs a load of its column, an
    /// add, that test and the lookup.
    #[inline(always)]
    fn run_rows(&self, offset: u32, text: &[u8], at: usize) -> (usize, u32) {
        let table = self.table.as_slice();
        let column = &self.column;
        let rest = text.get(at..).unwrap_or(&[]);
        let mut code = offset as usize;
        let mut read = at;
        // Many bytes a round, for fewer loop tests (measured on `throughput 1
        // single`: ~0.3 M instructions fewer with 16 than with 8, ~0.1 M
        // fewer again with 32).
        let mut rounds = rest.chunks_exact(ROW_ROUND);
        for round in &mut rounds {
            for (k, &byte) in round.iter().enumerate() {
                let col = column[usize::from(byte)];
                match table.get(code + col) {
                    Some(&next) => code = next as usize,
                    None => return (read + k, code as u32),
                }
            }
            read += ROW_ROUND;
        }
        for &byte in rounds.remainder() {
            match table.get(code + column[usize::from(byte)]) {
                Some(&next) => code = next as usize,
                None => return (read, code as u32),
            }
            read += 1;
        }
        (read, code as u32)
    }

    /// From record to record along `text` from byte `at` and the state
    /// without a row whose record is number `rec`, until a state that stops
    /// or has a row: returns the byte after the last one read and that
    /// state's code (or the last state's, at the end of the text).
    #[inline(always)]
    fn run_records(&self, rec: usize, text: &[u8], at: usize) -> (usize, u32) {
        let rest = text.get(at..).unwrap_or(&[]);
        let (read, code) = self.run_records_in(rec, rest);
        (at + read, code)
    }

    /// [`Scanner::run_records`] from the start of `text`: returns how many
    /// bytes were read and the state's code.
    ///
    /// The inner loop follows first edges only, with one index over the text
    /// and a masked index into `first_edge` (a power of two long), so that
    /// its few values stay in registers; a byte off the first edge (mostly
    /// the text leaving the pattern) is handled after it.
    #[inline(always)]
    fn run_records_in(&self, mut rec: usize, text: &[u8]) -> (usize, u32) {
        let first_edge = self.first_edge.as_slice();
        let mask = first_edge.len().wrapping_sub(1);
        let column = &self.column;
        let mut read = 0;
        loop {
            let mut off = None;
            while let Some(&byte) = text.get(read) {
                read += 1;
                let col = column[usize::from(byte)] as u32;
                let (first_col, first_next) = first_edge
                    .get(rec & mask)
                    .copied()
                    .unwrap_or((NO_COLUMN, 0));
                if first_col != col {
                    off = Some(col);
                    break;
                }
                // A state without a row that does not stop: `SPARSE` set and
                // `STOPS` clear, so that the code less `SPARSE` is its record.
                let deeper = first_next ^ SPARSE;
                if deeper >= STOPS {
                    return (read, first_next);
                }
                rec = deeper as usize;
            }
            let Some(col) = off else {
                return (text.len(), rec as u32 | SPARSE);
            };
            let next = self.off_first_edge(rec, col);
            let deeper = next ^ SPARSE;
            if deeper >= STOPS {
                return (read, next);
            }
            rec = deeper as usize;
        }
    }

    /// The code of the state that state `state` goes to on `byte`.
    #[cfg(test)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let text = [byte];
        let (_, next) = if state & SPARSE == 0 {
            self.run_rows(state & OFFSET, &text, 0)
        } else {
            self.run_records((state & OFFSET) as usize, &text, 0)
        };
        next
    }

    /// Where the state without a row whose record is number `rec` goes on
    /// column `col`, when that is not its first edge.
    #[inline]
    fn off_first_edge(&self, rec: usize, col: u32) -> u32 {
        let Some(r) = self.records.get(rec) else {
            return 0;
        };
        if r.more_columns & column_bit(col) == 0 {
            return self.fallback_row(r, col);
        }
        let from = r.more_from as usize;
        let more = self
            .more_edges
            .get(from..from + r.more_len as usize)
            .unwrap_or(&[]);
        match more.iter().find(|&&(key, _)| key == col) {
            Some(&(_, next)) => next,
            None => self.fallback_row(r, col),
        }
    }

    /// Where the state of record `r` goes on a column it has no edge for.
    #[inline]
    fn fallback_row(&self, r: &Record, col: u32) -> u32 {
        let at = (r.fallback + col) as usize;
        self.table.get(at).copied().unwrap_or(0)
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

    #[inline(always)]
    fn report(&self, list: u32, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let list = list as usize;
        let count = self.matches.get(list).map_or(0, |&(n, _)| n as usize);
        for &(pid, len) in self.matches.get(list + 1..list + 1 + count).unwrap_or(&[]) {
            f(pid as usize, end.saturating_sub(len as usize), end);
        }
    }
}

/// The rows of the `tabled` states: the code of the next state on each
/// column, failure links followed, then the state's match list. Built as a
/// DFA is: a state's missing edge leads where its failure state's does, and
/// the failure state, being shallower, already has its row when it has one.
fn table_rows(
    trie: &Trie,
    tabled: &[u32],
    code: &[u32],
    list_of: &[u32],
    columns: usize,
) -> Vec<u32> {
    let stride = columns + 1;
    let mut table = vec![0u32; tabled.len() * stride];
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
fn byte_columns(patterns: &[String]) -> ([usize; 256], usize) {
    let mut used = [false; 256];
    for p in patterns {
        for b in p.bytes() {
            used[usize::from(b.to_ascii_lowercase())] = true;
        }
    }
    let mut column = [0usize; 256];
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
    (column, columns)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Lexicon, LexiconFile};
    use aho_corasick::automaton::Automaton;
    use aho_corasick::nfa::contiguous;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, MatchKind};

    /// The crate's overlapping search, as the scanner must report it.
    fn overlapping_automaton(patterns: &[String]) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(patterns)
            .expect("automaton")
    }

    pub(crate) fn builtin_patterns() -> Vec<String> {
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
    pub(crate) fn mixed_text(patterns: &[String], seed: u64, pieces: usize) -> String {
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
            "built-in scanner: {} columns, {} states without a row, {} bytes",
            scanner.stride - 1,
            scanner.records.len(),
            scanner.memory_usage()
        );
    }

    #[test]
    fn scan_reports_what_the_overlapping_search_reports() {
        let patterns = builtin_patterns();
        let scanner = Scanner::build(&patterns).expect("scanner");
        let ac = overlapping_automaton(&patterns);
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

    #[test]
    fn a_small_table_falls_back_to_the_automaton() {
        let patterns: Vec<String> = ["ab", "abc", "bcd", "情報", "個人情報", "b", "AB", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ac = overlapping_automaton(&patterns);
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
