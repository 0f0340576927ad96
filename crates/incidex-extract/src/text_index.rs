//! What the field rules ask of a document many times: where its sentences end,
//! and which cue lists (date roles, denials, clause breaks, listing verbs) they
//! ask about.
//!
//! The rules ask "the sentence around this point" and "does this stretch hold a
//! disclosure word" for every date, count and data-type match of every report.
//! Scanning the sentence again for each question made them cost more than
//! reading the document; the sentence ends are found once, the cue words come
//! from the document's one lexicon scan, and each question is a binary search.

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

/// The cue lists the rules ask about: values of the lexicons of scope `cues`,
/// whose every occurrence the document's lexicon scan keeps.
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

/// The lexicons of scope `cues` the rules ask about, by index.
pub const CUE_DIMENSIONS: [&str; 3] = ["date_roles", "denials", "list_cues"];

impl Cue {
    /// The lexicon (an index into [`CUE_DIMENSIONS`]) and value of the list.
    pub fn source(self) -> (usize, &'static str) {
        match self {
            Cue::DiscoveryStrong => (0, "discovery_strong"),
            Cue::DiscoveryWeak => (0, "discovery_weak"),
            Cue::DiscoveryDenied => (0, "discovery_denied"),
            Cue::Occurrence => (0, "occurrence"),
            Cue::SingleOccurrence => (0, "single_occurrence"),
            Cue::Disclosure => (0, "disclosure"),
            Cue::Denial => (1, "denial"),
            Cue::ClauseBreak => (1, "clause_break"),
            Cue::ListVerb => (2, "list_verb"),
            Cue::LeakContext => (2, "leak_context"),
        }
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
}
