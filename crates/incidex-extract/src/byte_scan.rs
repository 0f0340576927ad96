//! Finding the next byte of a class (digits, letters, ASCII, the first bytes of
//! date cues …) sixteen bytes at a time: the date, count, money and indicator
//! parsers and normalisation skip the bytes they have nothing to do with this
//! way, in a few vector instructions (`wide` picks SSE2, NEON or plain arrays)
//! instead of a branch per character.

use wide::i8x16;

/// Sixteen bytes as a vector: their bytes as they are, one vector load (a
/// map of each byte to `i8` is one too, but only when the optimiser sees
/// through it, which in a large loop it does not always).
#[inline(always)]
pub(crate) fn load16(chunk: &[u8; 16]) -> i8x16 {
    i8x16::from_ne_bytes(*chunk)
}

/// Lanes whose byte `b` is in `lo..lo + n` (unsigned, wrapping), as a signed
/// compare: `b - lo + 0x80 < n + 0x80`.
#[inline(always)]
pub(crate) fn span(v: i8x16, lo: u8, n: u8) -> i8x16 {
    let shifted = v + i8x16::splat(0x80u8.wrapping_sub(lo) as i8);
    shifted.simd_lt(i8x16::splat(0x80u8.wrapping_add(n) as i8))
}

/// The bytes a scan stops at. Each class holds only ASCII bytes and first
/// bytes of characters, never a continuation byte (but `NonAscii`, whose first
/// byte after a character boundary is a first byte), so a scan from a
/// character boundary that looks at every byte stops where one stepping a
/// character at a time would.
#[derive(Clone, Copy)]
pub(crate) enum ByteClass {
    /// ASCII digits.
    AsciiDigit,
    /// ASCII letters.
    AsciiLetter,
    /// Bytes outside ASCII (from a character boundary, the first is a first byte).
    NonAscii,
    /// ASCII digits and the first bytes of characters outside U+2000..U+9FFF
    /// (C2..E1, EA..F4), which may be digits.
    DigitCandidate,
    /// What the date forms look at in a window: `-`, `.`, `/`, ASCII letters,
    /// the first bytes of `年` (E5), `月` and `日` (E6), and of characters
    /// outside U+2000..U+9FFF. Of the many kanji that start with E5 or E6
    /// only those whose second byte is one of `年`, `和`, `月`, `日` or `成`
    /// are held (by a look at the next byte), not a stop at each kanji.
    DateCue,
    /// [`DateCue`](ByteClass::DateCue) but E5 and E6, each byte alone.
    DateCueNotKanji,
    /// E5 and E6, the first bytes of `年`, `和`, `月`, `日` and `成`.
    DateKanjiFirst,
    /// B9, 92, 9C, 97 and 88, the second bytes of `年`, `和`, `月`, `日` and `成`.
    DateKanjiSecond,
}

/// Stops at ASCII digits and at the first bytes of characters outside
/// U+2000..U+9FFF, which may be digits.
pub(crate) const DIGIT_CANDIDATE: ByteClass = ByteClass::DigitCandidate;
/// Stops at ASCII digits.
pub(crate) const ASCII_DIGIT: ByteClass = ByteClass::AsciiDigit;
/// Stops at ASCII letters.
pub(crate) const ASCII_LETTER: ByteClass = ByteClass::AsciiLetter;
/// Stops at bytes outside ASCII.
pub(crate) const NON_ASCII: ByteClass = ByteClass::NonAscii;
/// Stops at what the date forms look at in a window.
pub(crate) const DATE_CUE: ByteClass = ByteClass::DateCue;

/// The length of the UTF-8 sequence that lead byte `lead` starts (1 for an
/// ASCII byte, and for a continuation byte, so that a walk always moves on).
#[inline(always)]
pub(crate) const fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0xBF => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Whether `b - lo` (wrapping) is below `n`: `b` in `lo..lo + n`.
#[cfg(test)]
fn in_span(b: u8, lo: u8, n: u8) -> bool {
    b.wrapping_sub(lo) < n
}

impl ByteClass {
    /// Whether the class holds `b` (the tests' byte-by-byte reference).
    #[cfg(test)]
    fn holds(self, b: u8) -> bool {
        match self {
            ByteClass::AsciiDigit => in_span(b, b'0', 10),
            ByteClass::AsciiLetter => in_span(b | 0x20, b'a', 26),
            ByteClass::NonAscii => b >= 0x80,
            ByteClass::DigitCandidate => {
                in_span(b, b'0', 10) || in_span(b, 0xC2, 0x20) || in_span(b, 0xEA, 0x0B)
            }
            // A byte alone cannot tell: see `holds_at`.
            ByteClass::DateCue => false,
            ByteClass::DateCueNotKanji => {
                in_span(b, b'-', 3)
                    || in_span(b | 0x20, b'a', 26)
                    || in_span(b, 0xC2, 0x20)
                    || in_span(b, 0xEA, 0x0B)
            }
            ByteClass::DateKanjiFirst => in_span(b, 0xE5, 2),
            ByteClass::DateKanjiSecond => matches!(b, 0xB9 | 0x92 | 0x9C | 0x97 | 0x88),
        }
    }

    /// Whether the class holds `bytes[i]`, with what follows it (the tests'
    /// reference).
    #[cfg(test)]
    fn holds_at(self, bytes: &[u8], i: usize) -> bool {
        match self {
            ByteClass::DateCue => {
                ByteClass::DateCueNotKanji.holds(bytes[i])
                    || (ByteClass::DateKanjiFirst.holds(bytes[i])
                        && bytes
                            .get(i + 1)
                            .is_some_and(|&n| ByteClass::DateKanjiSecond.holds(n)))
            }
            _ => self.holds(bytes[i]),
        }
    }

    /// Bit `i` set for each byte `chunk[i]` the class holds: sixteen bytes in a
    /// few vector instructions (`wide` picks SSE2, NEON or plain arrays).
    #[inline(always)]
    fn mask(self, chunk: &[u8; 16]) -> u32 {
        let v = load16(chunk);
        // The top bit of each byte says non-ASCII.
        if let ByteClass::NonAscii = self {
            return v.to_bitmask();
        }
        self.vector_mask(v).to_bitmask()
    }

    /// The lanes of `v` whose byte the class holds (any but `NonAscii`).
    #[inline(always)]
    fn vector_mask(self, v: i8x16) -> i8x16 {
        let lower = v | i8x16::splat(0x20);
        match self {
            ByteClass::AsciiDigit => span(v, b'0', 10),
            ByteClass::AsciiLetter => span(lower, b'a', 26),
            ByteClass::NonAscii => v & i8x16::splat(i8::MIN),
            ByteClass::DigitCandidate => {
                span(v, b'0', 10) | span(v, 0xC2, 0x20) | span(v, 0xEA, 0x0B)
            }
            // Made of the three classes below, by `chunk_hits`.
            ByteClass::DateCue => i8x16::splat(0),
            ByteClass::DateCueNotKanji => {
                span(v, b'-', 3) | span(lower, b'a', 26) | span(v, 0xC2, 0x20) | span(v, 0xEA, 0x0B)
            }
            ByteClass::DateKanjiFirst => span(v, 0xE5, 2),
            ByteClass::DateKanjiSecond => [0xB9u8, 0x92, 0x9C, 0x97, 0x88]
                .iter()
                .fold(i8x16::splat(0), |m, &x| {
                    m | v.simd_eq(i8x16::splat(x as i8))
                }),
        }
    }
}

/// Bit `i` set for each byte `bytes[at + i]` (`i < 16`, within `bytes`) that
/// `class` holds.
#[inline(always)]
fn chunk_hits(bytes: &[u8], at: usize, class: ByteClass) -> u32 {
    if let ByteClass::DateCue = class {
        return date_cue_hits(bytes, at);
    }
    one_class_hits(bytes, at, class)
}

/// [`chunk_hits`] of [`DATE_CUE`]: a first byte (E5, E6) is held when the
/// byte after it is a second byte, the sixteen bytes and the sixteen after
/// the first tested side by side (one read more, cut short at the end).
#[inline(always)]
fn date_cue_hits(bytes: &[u8], at: usize) -> u32 {
    let pair = bytes.get(at..at + 17).and_then(|r| {
        Some((
            <&[u8; 16]>::try_from(r.get(..16)?).ok()?,
            <&[u8; 16]>::try_from(r.get(1..)?).ok()?,
        ))
    });
    match pair {
        Some((chunk, next)) => {
            let v = load16(chunk);
            let first = span(v, 0xE5, 2);
            (ByteClass::DateCueNotKanji.vector_mask(v)
                | (first & ByteClass::DateKanjiSecond.vector_mask(load16(next))))
            .to_bitmask()
        }
        None => {
            one_class_hits(bytes, at, ByteClass::DateCueNotKanji)
                | (one_class_hits(bytes, at, ByteClass::DateKanjiFirst)
                    & one_class_hits(bytes, at + 1, ByteClass::DateKanjiSecond))
        }
    }
}

/// [`chunk_hits`] for a class that a byte alone tells.
#[inline(always)]
fn one_class_hits(bytes: &[u8], at: usize, class: ByteClass) -> u32 {
    match bytes.get(at..at + 16) {
        Some(chunk) => <&[u8; 16]>::try_from(chunk).map_or(0, |c| class.mask(c)),
        None => tail_hits(bytes, at, class),
    }
}

/// [`chunk_hits`] for a chunk cut short by the end of `bytes`: read as the
/// last sixteen bytes, shifted, or (in a text of fewer than sixteen bytes)
/// padded; a vector test either way, never a loop over bytes.
#[inline(always)]
fn tail_hits(bytes: &[u8], at: usize, class: ByteClass) -> u32 {
    let left = bytes.len().saturating_sub(at).min(16);
    if left == 0 {
        return 0;
    }
    let keep = (1u32 << left) - 1;
    let hits = match bytes.len().checked_sub(16) {
        // The last sixteen bytes: the bits of those before `at` go.
        Some(base) => bytes
            .get(base..)
            .and_then(|c| <&[u8; 16]>::try_from(c).ok())
            .map_or(0, |c| class.mask(c) >> (at - base)),
        None => {
            let mut pad = [0u8; 16];
            if let (Some(to), Some(from)) = (pad.get_mut(..left), bytes.get(at..)) {
                to.copy_from_slice(from);
            }
            class.mask(&pad)
        }
    };
    hits & keep
}

/// The sixteen bytes of `bytes` from `at`; near the end, those left copied
/// into the front of `pad`, whose other bytes the caller chose so that they
/// match nothing it tests for.
#[inline(always)]
pub(crate) fn chunk16_at<'a>(bytes: &'a [u8], at: usize, pad: &'a mut [u8; 16]) -> &'a [u8; 16] {
    if let Some(chunk) = bytes
        .get(at..at + 16)
        .and_then(|c| <&[u8; 16]>::try_from(c).ok())
    {
        return chunk;
    }
    let tail = bytes.get(at..).unwrap_or_default();
    if let Some(to) = pad.get_mut(..tail.len()) {
        to.copy_from_slice(tail);
    }
    pad
}

/// The first byte at or after `from` (a char boundary) that `class` holds,
/// sixteen bytes at a time.
#[inline(always)]
pub(crate) fn scan_to(bytes: &[u8], from: usize, class: &ByteClass) -> Option<usize> {
    let class = *class;
    if let ByteClass::DateCue = class {
        return Hits::new(bytes, from, &class).next();
    }
    let rest = bytes.get(from..)?;
    let mut at = from;
    let mut chunks = rest.chunks_exact(16);
    for chunk in &mut chunks {
        let hits = <&[u8; 16]>::try_from(chunk).map_or(0, |c| class.mask(c));
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize);
        }
        at += 16;
    }
    let hits = tail_hits(bytes, at, class);
    (hits != 0).then(|| at + hits.trailing_zeros() as usize)
}

/// The places of the bytes of a class in order, each chunk of sixteen bytes
/// tested once: for a caller that stops at many bytes close together (the
/// cues of a date window), where a fresh scan from each would test the same
/// chunk again and again. Every byte of the class is given, so the class
/// must hold no continuation byte (any but `NON_ASCII`).
pub(crate) struct Hits<'a> {
    bytes: &'a [u8],
    class: ByteClass,
    /// Start of the chunk `mask` belongs to.
    base: usize,
    /// The places of the chunk not yet given, as bits.
    mask: u32,
}

impl<'a> Hits<'a> {
    /// The places in `bytes` from `from` (a char boundary) on.
    #[inline(always)]
    pub(crate) fn new(bytes: &'a [u8], from: usize, class: &ByteClass) -> Self {
        Hits {
            bytes,
            class: *class,
            base: from,
            mask: chunk_hits(bytes, from, *class),
        }
    }

    /// Leaves out the places before `pos` (a char boundary).
    #[inline(always)]
    pub(crate) fn skip_to(&mut self, pos: usize) {
        match pos.checked_sub(self.base) {
            Some(d) if d < 16 => self.mask &= !((1u32 << d) - 1),
            Some(_) => *self = Hits::new(self.bytes, pos, &self.class),
            None => {}
        }
    }
}

impl Iterator for Hits<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 16;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = chunk_hits(self.bytes, self.base, self.class);
        }
        let i = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(i)
    }
}

/// Whether `text` holds at least `n` ASCII letters.
pub(crate) fn has_ascii_letters(text: &str, n: usize) -> bool {
    let bytes = text.as_bytes();
    let (mut seen, mut from) = (0, 0);
    while let Some(at) = scan_to(bytes, from, &ASCII_LETTER) {
        seen += 1;
        if seen >= n {
            return true;
        }
        from = at + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random text: each scan stops where a loop over the characters stops.
    #[test]
    fn scans_stop_where_a_character_loop_stops() {
        const PIECES: [&str; 19] = [
            "年",
            "月",
            "和",
            "成",
            "平",
            "a",
            "Z",
            "0",
            "9",
            " ",
            "/",
            "日本",
            "ſ",
            "×",
            "٣",
            "１",
            "\u{a0}",
            "😀",
            "abcdefghij",
        ];
        const CLASSES: [ByteClass; 5] = [
            ASCII_DIGIT,
            ASCII_LETTER,
            NON_ASCII,
            DIGIT_CANDIDATE,
            DATE_CUE,
        ];
        let mut next = crate::test_random::xorshift(0x5EED_0F5C_A115_0001);
        for _ in 0..5_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 40);
            let bytes = text.as_bytes();
            for class in CLASSES {
                for (from, _) in text.char_indices() {
                    let slow = text[from..]
                        .char_indices()
                        .find(|&(i, _)| class.holds_at(bytes, from + i))
                        .map(|(i, _)| from + i);
                    assert_eq!(scan_to(bytes, from, &class), slow, "{text:?} from {from}");
                    // Every place, and every place after a skip, as a loop finds
                    // them (`NonAscii` holds continuation bytes: not for `Hits`).
                    if matches!(class, ByteClass::NonAscii) {
                        continue;
                    }
                    let all: Vec<usize> = text[from..]
                        .char_indices()
                        .filter(|&(i, _)| class.holds_at(bytes, from + i))
                        .map(|(i, _)| from + i)
                        .collect();
                    assert_eq!(Hits::new(bytes, from, &class).collect::<Vec<_>>(), all);
                    let skip = from + (next() as usize % (text.len() - from + 1));
                    if text.is_char_boundary(skip) {
                        let mut hits = Hits::new(bytes, from, &class);
                        hits.skip_to(skip);
                        let rest: Vec<usize> = all.iter().copied().filter(|&i| i >= skip).collect();
                        assert_eq!(hits.collect::<Vec<_>>(), rest, "{text:?} skip to {skip}");
                    }
                }
            }
        }
    }
}
