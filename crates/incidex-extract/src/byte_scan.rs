//! Finding the next byte of a class (digits, letters, ASCII, the first bytes of
//! date cues …) sixteen bytes at a time: the date, count, money and indicator
//! parsers and normalisation skip the bytes they have nothing to do with this
//! way, in a few vector instructions (`wide` picks SSE2, NEON or plain arrays)
//! instead of a branch per character.

use wide::i8x16;

/// Sixteen bytes as a vector.
#[inline(always)]
pub(crate) fn load16(chunk: &[u8; 16]) -> i8x16 {
    i8x16::new(chunk.map(|b| b as i8))
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
    /// ASCII bytes.
    Ascii,
    /// Bytes outside ASCII (from a character boundary, the first is a first byte).
    NonAscii,
    /// ASCII digits and the first bytes of characters outside U+2000..U+9FFF
    /// (C2..E1, EA..F4), which may be digits.
    DigitCandidate,
    /// What the date forms look at in a window: `-`, `.`, `/`, ASCII letters,
    /// the first bytes of `年` (E5), `月` and `日` (E6), and of characters
    /// outside U+2000..U+9FFF.
    DateCue,
}

/// Stops at ASCII digits and at the first bytes of characters outside
/// U+2000..U+9FFF, which may be digits.
pub(crate) const DIGIT_CANDIDATE: ByteClass = ByteClass::DigitCandidate;
/// Stops at ASCII digits.
pub(crate) const ASCII_DIGIT: ByteClass = ByteClass::AsciiDigit;
/// Stops at ASCII letters.
pub(crate) const ASCII_LETTER: ByteClass = ByteClass::AsciiLetter;
/// Stops at ASCII bytes.
pub(crate) const ASCII: ByteClass = ByteClass::Ascii;
/// Stops at bytes outside ASCII.
pub(crate) const NON_ASCII: ByteClass = ByteClass::NonAscii;
/// Stops at what the date forms look at in a window.
pub(crate) const DATE_CUE: ByteClass = ByteClass::DateCue;

/// Whether `b - lo` (wrapping) is below `n`: `b` in `lo..lo + n`.
#[inline(always)]
fn in_span(b: u8, lo: u8, n: u8) -> bool {
    b.wrapping_sub(lo) < n
}

impl ByteClass {
    /// Whether the class holds `b`.
    #[inline(always)]
    fn holds(self, b: u8) -> bool {
        match self {
            ByteClass::AsciiDigit => in_span(b, b'0', 10),
            ByteClass::AsciiLetter => in_span(b | 0x20, b'a', 26),
            ByteClass::Ascii => b < 0x80,
            ByteClass::NonAscii => b >= 0x80,
            ByteClass::DigitCandidate => {
                in_span(b, b'0', 10) || in_span(b, 0xC2, 0x20) || in_span(b, 0xEA, 0x0B)
            }
            ByteClass::DateCue => {
                in_span(b, b'-', 3)
                    || in_span(b | 0x20, b'a', 26)
                    || in_span(b, 0xC2, 0x20)
                    || in_span(b, 0xE5, 2)
                    || in_span(b, 0xEA, 0x0B)
            }
        }
    }

    /// Bit `i` set for each byte `chunk[i]` the class holds: sixteen bytes in a
    /// few vector instructions (`wide` picks SSE2, NEON or plain arrays).
    #[inline(always)]
    fn mask(self, chunk: &[u8; 16]) -> u32 {
        let v = load16(chunk);
        let lower = v | i8x16::splat(0x20);
        let hits = match self {
            ByteClass::AsciiDigit => span(v, b'0', 10),
            ByteClass::AsciiLetter => span(lower, b'a', 26),
            // The top bit of each byte says non-ASCII.
            ByteClass::Ascii => return !v.to_bitmask() & 0xFFFF,
            ByteClass::NonAscii => return v.to_bitmask(),
            ByteClass::DigitCandidate => {
                span(v, b'0', 10) | span(v, 0xC2, 0x20) | span(v, 0xEA, 0x0B)
            }
            ByteClass::DateCue => {
                span(v, b'-', 3)
                    | span(lower, b'a', 26)
                    | span(v, 0xC2, 0x20)
                    | span(v, 0xE5, 2)
                    | span(v, 0xEA, 0x0B)
            }
        };
        hits.to_bitmask()
    }
}

/// The first byte at or after `from` (a char boundary) that `class` holds,
/// sixteen bytes at a time.
#[inline(always)]
pub(crate) fn scan_to(bytes: &[u8], from: usize, class: &ByteClass) -> Option<usize> {
    let class = *class;
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
    chunks
        .remainder()
        .iter()
        .position(|&b| class.holds(b))
        .map(|i| at + i)
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
        const PIECES: [&str; 14] = [
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
        const CLASSES: [ByteClass; 6] = [
            ASCII_DIGIT,
            ASCII_LETTER,
            ASCII,
            NON_ASCII,
            DIGIT_CANDIDATE,
            DATE_CUE,
        ];
        let mut seed: u64 = 0x5EED_0F5C_A115_0001;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5_000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let bytes = text.as_bytes();
            for class in CLASSES {
                for (from, _) in text.char_indices() {
                    let slow = text[from..]
                        .char_indices()
                        .find(|&(i, _)| class.holds(bytes[from + i]))
                        .map(|(i, _)| from + i);
                    assert_eq!(scan_to(bytes, from, &class), slow, "{text:?} from {from}");
                }
            }
        }
    }
}
