//! What the field rules ask of a document many times: where its sentences end,
//! and which cue lists (date roles, denials, clause breaks, listing verbs) they
//! ask about.
//!
//! The rules ask "the sentence around this point" and "does this stretch hold a
//! disclosure word" for every date, count and data-type match of every report.
//! Scanning the sentence again for each question made them cost more than
//! reading the document; the sentence ends are found once, the cue words come
//! from the document's one lexicon scan, and each question is a binary search.

use wide::u8x16;

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
        // One pass, sixteen bytes at a time, finds both marks in text order: a
        // search per mark and a merge cost a call per mark, and the marks of
        // Japanese text are dense.
        let mut marks: Vec<usize> = Vec::with_capacity(bytes.len() / 64 + 8);
        let mut at = 0;
        // Thirty-two bytes a round (two chunks of sixteen), for fewer loop
        // tests, then one chunk.
        let mut pairs = bytes.windows(34).step_by(32);
        while let Some(Ok(pair)) = pairs.next().map(<&[u8; 34]>::try_from) {
            let (Ok(first), Ok(second)) = (
                <&[u8; 18]>::try_from(&pair[..18]),
                <&[u8; 18]>::try_from(&pair[16..]),
            ) else {
                break;
            };
            push_marks(&mut marks, at, mark_mask(first) | mark_mask(second) << 16);
            at += 32;
        }
        let mut windows = bytes.get(at..).unwrap_or_default().windows(18).step_by(16);
        while let Some(Ok(window)) = windows.next().map(<&[u8; 18]>::try_from) {
            push_marks(&mut marks, at, mark_mask(window));
            at += 16;
        }
        marks.extend((at..bytes.len()).filter(|&i| is_mark_at(bytes, i)));
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

/// Puts in `marks` the place of each bit of `hits`, bit `k` standing for
/// byte `at + k`.
#[inline(always)]
fn push_marks(marks: &mut Vec<usize>, at: usize, mut hits: u32) {
    while hits != 0 {
        marks.push(at + hits.trailing_zeros() as usize);
        hits &= hits - 1;
    }
}

/// The bytes of `。`.
const FULL_STOP: [u8; 3] = [0xE3, 0x80, 0x82];

/// Whether a line break or a `。` starts at byte `i`.
fn is_mark_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\n' || bytes.get(i..i + 3) == Some(&FULL_STOP[..])
}

/// Bit `k` set when a line break or a `。` starts at byte `k` of `window`
/// (`k` < 16; the two bytes after the sixteen complete a `。`).
#[inline(always)]
fn mark_mask(window: &[u8; 18]) -> u32 {
    let vector = |from: usize| {
        let mut lanes = [0u8; 16];
        lanes.copy_from_slice(&window[from..from + 16]);
        u8x16::new(lanes)
    };
    let is = |v: u8x16, b: u8| v.simd_eq(u8x16::splat(b));
    let (first, second, third) = (vector(0), vector(1), vector(2));
    let hits = is(first, b'\n')
        | (is(first, FULL_STOP[0]) & is(second, FULL_STOP[1]) & is(third, FULL_STOP[2]));
    hits.to_bitmask() & 0xFFFF
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
    // A text of at most `n` bytes has at most `n` characters.
    if s.len() <= n {
        return s;
    }
    // Count the first bytes of characters eight bytes at a time while a whole
    // word still fits in the first `n`, then step by character: a loop over
    // every character mispredicts at each change of character width.
    let bytes = s.as_bytes();
    let (mut at, mut seen) = (0, 0);
    // Thirty-two bytes at a time while they surely fit (they hold at most 32
    // first bytes), then eight.
    while seen + 32 <= n {
        let Some(block) = bytes.get(at..at + 32) else {
            break;
        };
        seen += block.chunks_exact(8).map(char_starts_in).sum::<usize>();
        at += 32;
    }
    while let Some(word) = bytes.get(at..at + 8) {
        let starts = char_starts_in(word);
        if seen + starts > n {
            break;
        }
        seen += starts;
        at += 8;
    }
    // `at` may fall inside a character: step back to its first byte, which
    // was counted, then go on by character.
    while !s.is_char_boundary(at) {
        at -= 1;
        if s.is_char_boundary(at) {
            seen -= 1;
        }
    }
    match s[at..].char_indices().nth(n - seen) {
        Some((i, _)) => &s[..at + i],
        None => s,
    }
}

/// How many of the eight bytes of `word` start a character (are not
/// continuation bytes `10xxxxxx`).
#[inline(always)]
fn char_starts_in(word: &[u8]) -> usize {
    let x = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
    // Bit 7 of a byte set and bit 6 clear: a continuation byte.
    let continuation = (x & !(x << 1) & 0x8080_8080_8080_8080) >> 7;
    // The sum of the eight 0/1 bytes lands in the top byte (no popcount on
    // baseline x86-64).
    8 - (continuation.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
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
    /// Every cue list, each at the index `cue as usize`.
    pub const ALL: [Cue; 10] = [
        Cue::DiscoveryStrong,
        Cue::DiscoveryWeak,
        Cue::DiscoveryDenied,
        Cue::Occurrence,
        Cue::SingleOccurrence,
        Cue::Disclosure,
        Cue::Denial,
        Cue::ClauseBreak,
        Cue::ListVerb,
        Cue::LeakContext,
    ];

    /// The list named `value` in lexicon `dimension` (an index into [`CUE_DIMENSIONS`]).
    fn named(dimension: usize, value: &str) -> Option<Cue> {
        Cue::ALL
            .into_iter()
            .find(|c| c.source() == (dimension, value))
    }

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

/// The words of each cue list in a document, as `(start, end)` by start, one
/// list per cue: the rules ask about one cue list at a time, and a walk over
/// the words of all the lists of a lexicon, compared by name, cost more than
/// the binary search that finds them.
pub struct CueSpans {
    /// The lists one after the other, in the order of [`Cue::ALL`].
    spans: Vec<(usize, usize)>,
    /// Where each list starts in `spans`, and where the last one ends.
    bounds: [usize; Cue::ALL.len() + 1],
}

/// No cue list holds the word.
const NO_CUE: u8 = u8::MAX;

impl CueSpans {
    /// The lists from the matches of the lexicons of [`CUE_DIMENSIONS`] (by
    /// index), each sorted by start as those are.
    pub fn new(dimensions: &[Vec<incidex_lexicon::LexMatch<'_>>]) -> Self {
        let total: usize = dimensions.iter().map(Vec::len).sum();
        let mut cues: Vec<u8> = Vec::with_capacity(total);
        let mut counts = [0usize; Cue::ALL.len()];
        for (dimension, matches) in dimensions.iter().enumerate() {
            for m in matches {
                let cue = Cue::named(dimension, m.value).map_or(NO_CUE, |c| c as u8);
                if let Some(n) = counts.get_mut(cue as usize) {
                    *n += 1;
                }
                cues.push(cue);
            }
        }
        let mut bounds = [0usize; Cue::ALL.len() + 1];
        for (i, n) in counts.iter().enumerate() {
            bounds[i + 1] = bounds[i] + n;
        }
        // Each list is filled in the order of its lexicon's matches: by start.
        let mut next = bounds;
        let mut spans = vec![(0, 0); bounds[Cue::ALL.len()]];
        let matches = dimensions.iter().flatten();
        for (m, &cue) in matches.zip(&cues) {
            if let Some(at) = next.get_mut(cue as usize) {
                if let Some(slot) = spans.get_mut(*at) {
                    *slot = (m.start, m.end);
                }
                *at += 1;
            }
        }
        CueSpans { spans, bounds }
    }

    /// The words of `cue` whose `[start, end)` lies within `[from, to)`, by start.
    pub fn within(
        &self,
        cue: Cue,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        let i = cue as usize;
        let list = self
            .spans
            .get(self.bounds[i]..self.bounds[i + 1])
            .unwrap_or(&[]);
        let lo = list.partition_point(|&(s, _)| s < from);
        list[lo..]
            .iter()
            .take_while(move |&&(s, _)| s < to)
            .filter(move |&&(_, e)| e <= to)
            .copied()
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

    /// A small random generator, the same on every run.
    fn pieces_text(seed: &mut u64, pieces: &[&str], len: usize) -> String {
        (0..len)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                pieces[(*seed % pieces.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn sentence_marks_match_a_search_per_mark() {
        let pieces = [
            "。", "\n", "a", "日本", "、", "ー", "😀", "\u{3000}", "。。",
        ];
        let mut seed = 0x5EED_0F5C_A115_0002;
        for len in 0..300 {
            let text = pieces_text(&mut seed, &pieces, len % 60);
            let mut expected: Vec<usize> =
                text.match_indices(['。', '\n']).map(|(i, _)| i).collect();
            expected.sort_unstable();
            assert_eq!(SentenceEnds::new(&text).marks, expected, "{text:?}");
        }
    }

    #[test]
    fn first_chars_match_a_character_count() {
        let pieces = ["a", "日本", "é", "😀", " ", "アクセス"];
        let mut seed = 0x5EED_0F5C_A115_0003;
        for len in 0..300 {
            let text = pieces_text(&mut seed, &pieces, len % 80);
            for n in [0, 1, 2, 7, 8, 9, 30, 100] {
                let slow = match text.char_indices().nth(n) {
                    Some((i, _)) => &text[..i],
                    None => text.as_str(),
                };
                assert_eq!(first_chars(&text, n), slow, "{text:?} {n}");
            }
        }
    }

    #[test]
    fn cue_spans_hold_what_a_filter_by_name_finds() {
        let word = |value: &'static str, start: usize, end: usize| incidex_lexicon::LexMatch {
            value,
            tag: "",
            weight: 1.0,
            start,
            end,
        };
        let dimensions = vec![
            vec![
                word("disclosure", 0, 6),
                word("discovery_strong", 3, 9),
                word("disclosure", 3, 12),
                word("unknown", 4, 7),
                word("disclosure", 10, 13),
            ],
            vec![word("clause_break", 2, 5), word("denial", 8, 20)],
            vec![],
        ];
        let spans = CueSpans::new(&dimensions);
        for cue in Cue::ALL {
            let (dimension, value) = cue.source();
            for from in 0..22 {
                for to in 0..22 {
                    let expected: Vec<(usize, usize)> = dimensions[dimension]
                        .iter()
                        .filter(|m| m.value == value && m.start >= from && m.start < to)
                        .filter(|m| m.end <= to)
                        .map(|m| (m.start, m.end))
                        .collect();
                    let found: Vec<(usize, usize)> = spans.within(cue, from, to).collect();
                    assert_eq!(found, expected, "{cue:?} {from} {to}");
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
