//! Indexes of one document, built once and asked many times: where its
//! sentences end, and where the rule cue words (date roles, denials, clause
//! breaks, listing verbs) stand.
//!
//! The field rules ask "the sentence around this point" and "does this stretch
//! hold a disclosure word" for every date, count and data-type match of every
//! report. Scanning the sentence again for each question made those rules cost
//! more than reading the document; answered from sorted positions each is a
//! binary search.

use crate::literals::LiteralSet;
use once_cell::sync::Lazy;

/// A sentence is taken to be at most this many bytes on each side of a point, so
/// that text without sentence ends costs linear, not quadratic, time.
pub const SENTENCE_REACH: usize = 1500;

/// Where the sentences of a text end: the byte offset of every `。` and line break.
pub struct SentenceEnds {
    marks: Vec<usize>,
}

impl SentenceEnds {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Two vectorised searches and a merge: a byte-by-byte test of every
        // character cost more than the rest of the index together.
        let mut marks: Vec<usize> = memchr::memchr_iter(b'\n', bytes).collect();
        let stops: Vec<usize> = memchr::memmem::find_iter(bytes, "。".as_bytes()).collect();
        if !stops.is_empty() {
            marks.extend(stops);
            marks.sort_unstable();
        }
        SentenceEnds { marks }
    }

    /// The sentence `[start, end)` around byte `at` within `[from, to)`: from just
    /// after the last `。` or line break before `at` to just after the first one
    /// at or after it, each side reaching at most [`SENTENCE_REACH`] bytes.
    pub fn around(&self, text: &str, from: usize, to: usize, at: usize) -> (usize, usize) {
        let at = at.clamp(from, to);
        let from = crate::article::floor_char(text, from.max(at.saturating_sub(SENTENCE_REACH)));
        let mut to = to.min(at + SENTENCE_REACH);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let first_after = self.marks.partition_point(|&m| m < at);
        let start = first_after
            .checked_sub(1)
            .map(|i| self.marks[i])
            .filter(|&m| m >= from)
            .map_or(from, |m| m + mark_len(text, m));
        let end = self
            .marks
            .get(first_after)
            .filter(|&&m| m < to)
            .map_or(to, |&m| m + mark_len(text, m));
        (start, end)
    }

    /// The ends (one past the mark) of the sentences that end within `[from, to)`.
    pub fn ends_within<'a>(
        &'a self,
        text: &'a str,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let lo = self.marks.partition_point(|&m| m < from);
        self.marks[lo..]
            .iter()
            .take_while(move |&&m| m < to)
            .map(move |&m| m + mark_len(text, m))
    }
}

fn mark_len(text: &str, at: usize) -> usize {
    if text.as_bytes().get(at) == Some(&b'\n') {
        1
    } else {
        '。'.len_utf8()
    }
}

/// The first `n` characters of `s` (all of it when shorter), as a slice: the
/// snippets of timelines are cut this way for every dated event.
pub fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The cue lists the rules ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    DiscoveryStrong,
    DiscoveryWeak,
    DiscoveryDenied,
    Occurrence,
    SingleOccurrence,
    Disclosure,
    Denial,
    ClauseBreak,
    /// Verbs of a sentence that lists organisations which each disclosed an incident.
    ListVerb,
    /// Words of an article about a leak site.
    LeakContext,
}

/// Where each cue list comes from: a value of a rule lexicon (`date_roles.toml`,
/// `denials.toml`), or the words given here.
const SOURCES: &[(Cue, Source)] = &[
    (
        Cue::DiscoveryStrong,
        Source::Rule("date_roles.toml", "discovery_strong"),
    ),
    (
        Cue::DiscoveryWeak,
        Source::Rule("date_roles.toml", "discovery_weak"),
    ),
    (
        Cue::DiscoveryDenied,
        Source::Rule("date_roles.toml", "discovery_denied"),
    ),
    (
        Cue::Occurrence,
        Source::Rule("date_roles.toml", "occurrence"),
    ),
    (
        Cue::SingleOccurrence,
        Source::Rule("date_roles.toml", "single_occurrence"),
    ),
    (
        Cue::Disclosure,
        Source::Rule("date_roles.toml", "disclosure"),
    ),
    (Cue::Denial, Source::Rule("denials.toml", "denial")),
    (
        Cue::ClauseBreak,
        Source::Rule("denials.toml", "clause_break"),
    ),
    (Cue::ListVerb, Source::Words(crate::LIST_VERBS)),
    (Cue::LeakContext, Source::Words(crate::LEAK_CONTEXT)),
];

enum Source {
    Rule(&'static str, &'static str),
    Words(&'static [&'static str]),
}

fn bit(cue: Cue) -> u16 {
    1 << (cue as u16)
}

/// Every cue word of every list in one automaton; per pattern, the lists it is in.
struct CueSet {
    words: LiteralSet,
    lists: Vec<u16>,
}

static CUES: Lazy<CueSet> = Lazy::new(|| {
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut lists: Vec<u16> = Vec::new();
    for (cue, source) in SOURCES {
        let words = match source {
            Source::Rule(file, value) => crate::rule_words::words(file, value),
            Source::Words(words) => words.to_vec(),
        };
        for w in words {
            match patterns.iter().position(|p| *p == w) {
                Some(i) => lists[i] |= bit(*cue),
                None => {
                    patterns.push(w);
                    lists.push(bit(*cue));
                }
            }
        }
    }
    // The document is scanned once for all lists, every occurrence of every
    // word (overlapping), so each list sees exactly what its own search would.
    CueSet {
        words: LiteralSet::new(patterns),
        lists,
    }
});

#[derive(Debug, Clone, Copy)]
struct CueHit {
    start: usize,
    end: usize,
    lists: u16,
}

/// Every occurrence of every cue word in one document, by start.
pub struct CueIndex {
    hits: Vec<CueHit>,
}

impl CueIndex {
    pub fn new(text: &str) -> Self {
        let set = &*CUES;
        let mut hits: Vec<CueHit> = Vec::new();
        // By start, and at one start by end: the order `has` searches in.
        set.words.for_each_match(text, |start, end, w| {
            hits.push(CueHit {
                start,
                end,
                lists: set.lists[w],
            })
        });
        CueIndex { hits }
    }

    /// Whether a word of `cue` lies wholly within `[from, to)`: what a search of
    /// that list over `&text[from..to]` would say.
    pub fn has(&self, cue: Cue, from: usize, to: usize) -> bool {
        let lo = self.hits.partition_point(|h| h.start < from);
        self.hits[lo..]
            .iter()
            .take_while(|h| h.start < to)
            .any(|h| h.end <= to && h.lists & bit(cue) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentence search of the field rules before this index, kept as the oracle.
    fn scan_around(text: &str, from: usize, to: usize, at: usize) -> (usize, usize) {
        let at = at.clamp(from, to);
        let from = crate::article::floor_char(text, from.max(at.saturating_sub(SENTENCE_REACH)));
        let mut to = to.min(at + SENTENCE_REACH);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let s = text[from..at]
            .rfind(['。', '\n'])
            .map(|i| from + i + text[from + i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(from);
        let e = text[at..to]
            .find(['。', '\n'])
            .map(|i| at + i + text[at + i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(to);
        (s, e)
    }

    #[test]
    fn sentences_around_every_point_match_a_scan() {
        let text = "見出し\n当社は5月12日、不正アクセスを確認しました。調査中です。\n\n以上。末尾";
        let ends = SentenceEnds::new(text);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &from in &bounds {
            for &to in bounds.iter().filter(|&&t| t >= from) {
                for &at in bounds.iter().filter(|&&a| a >= from && a <= to) {
                    assert_eq!(
                        ends.around(text, from, to, at),
                        scan_around(text, from, to, at),
                        "from {from} to {to} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn first_chars_cut_at_a_character() {
        assert_eq!(first_chars("不正アクセス", 2), "不正");
        assert_eq!(first_chars("ab", 5), "ab");
        assert_eq!(first_chars("", 3), "");
    }

    #[test]
    fn sentence_ends_within_a_range() {
        let text = "一。二\n三。";
        let ends = SentenceEnds::new(text);
        let all: Vec<usize> = ends.ends_within(text, 0, text.len()).collect();
        assert_eq!(all, vec![6, 10, 16]);
        assert_eq!(ends.ends_within(text, 7, text.len()).count(), 2);
    }

    #[test]
    fn cue_lists_answer_as_their_own_search_would() {
        let text = "5月12日に判明しましたが、流出は確認されておりません。4月に公表";
        let idx = CueIndex::new(text);
        let all = (0, text.len());
        assert!(idx.has(Cue::DiscoveryStrong, all.0, all.1));
        // `確認` is a weak discovery cue inside a denied one: both lists see it.
        assert!(idx.has(Cue::DiscoveryWeak, all.0, all.1));
        assert!(idx.has(Cue::DiscoveryDenied, all.0, all.1));
        assert!(idx.has(Cue::ClauseBreak, all.0, all.1));
        let disclosure = text.find("公表").unwrap();
        assert!(idx.has(Cue::Disclosure, disclosure, text.len()));
        assert!(idx.has(Cue::ListVerb, disclosure, text.len()));
        // A word cut by the end of the range is not in it.
        assert!(!idx.has(Cue::Disclosure, disclosure, text.len() - 1));
        assert!(!idx.has(Cue::Disclosure, 0, disclosure));
    }
}
