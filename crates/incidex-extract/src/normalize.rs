//! Normalisation that never loses offsets.
//!
//! Extraction runs on a folded copy of the text: full-width ASCII becomes ASCII,
//! the many dash, tilde and bracket forms become one each, spaces inside
//! numbers and dates (`2020 年 2 月`) go, and a line break inside a Japanese
//! sentence (text taken from PDFs: `第三者によ` / `る不正アクセス`) is joined.
//! Every byte of the folded text remembers the character of the original it
//! came from, so any match maps back to `[start, end)` character offsets of
//! the decoded document, which is what records and evidence report.

use crate::byte_scan::{load16, span};
use wide::i8x16;

/// The folded text and its map back to the original.
///
/// Most text folds to itself, so the map is sparse: the folded text's
/// characters run in step with the original's except where a character was
/// dropped (a space, a joined line break) or folded into several (`㈱`).
/// `shifts` records those points; `blocks` turn a byte offset of the
/// folded text into a character index without walking the whole text.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// `(byte, shift)`, by byte: from the folded character starting at
    /// `byte` on, original index = folded character index + `shift`, until
    /// the next entry. Before the first entry the shift is 0.
    shifts: Vec<(usize, isize)>,
    /// For each block of [`BLOCK`] bytes of `text`: how many characters
    /// start before it, and how many entries of `shifts` lie before it.
    blocks: Vec<BlockStart>,
    /// Length of the original in characters.
    orig_chars: usize,
}

/// Bytes of the folded text per entry of `blocks`: one bit of a `u64` each.
const BLOCK: usize = 64;

/// What [`Normalized::origin`] needs to know of a block.
#[derive(Debug, Clone, Copy, Default)]
struct BlockStart {
    /// Characters starting before the block.
    chars: usize,
    /// Entries of `shifts` before the block.
    shifts: usize,
    /// Characters starting in the block before each of its eight words.
    in_word: [u8; 8],
    /// Bit `k` set when byte `k` of the block starts a character.
    starts: u64,
}

/// The number of bits set in each byte value: without the `popcnt`
/// instruction (not in the baseline x86-64), a count of a word's bits is
/// some thirty instructions, a look-up one.
const BITS_IN_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    t
};

impl BlockStart {
    /// Characters starting in the block up to its byte `k` (inclusive).
    #[inline(always)]
    fn chars_through(&self, k: usize) -> usize {
        let word = k / 8;
        let starts_in_word = (self.starts >> (word * 8)) as u8;
        let through = starts_in_word & ((2u32 << (k % 8)) - 1) as u8;
        usize::from(self.in_word.get(word).copied().unwrap_or(0))
            + usize::from(BITS_IN_BYTE[usize::from(through)])
    }
}

impl Normalized {
    /// Original character offsets of the folded byte range `[start, end)`.
    pub fn orig_span(&self, start: usize, end: usize) -> (usize, usize) {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let s = self.origin(start);
        if end == start {
            return (s, s);
        }
        // The end is one past the original character of the last folded
        // character: the one holding byte `end - 1` (`origin` takes any byte
        // of a character, so no walk back to its first byte is needed).
        let e = self.origin(end - 1) + 1;
        (s, e.max(s))
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The original character index of the folded character holding byte
    /// `b` (any byte of it: the characters counted are those starting at or
    /// before `b`, and no entry of `shifts` lies inside a character); the
    /// original length in characters at the end of the text.
    #[inline(always)]
    fn origin(&self, b: usize) -> usize {
        if b >= self.text.len() {
            return self.orig_chars;
        }
        // Every byte of the text lies in a block.
        let Some(block) = self.blocks.get(b / BLOCK) else {
            return self.orig_chars;
        };
        let index = (block.chars + block.chars_through(b % BLOCK)).saturating_sub(1);
        let mut k = block.shifts;
        while self.shifts.get(k).is_some_and(|&(pos, _)| pos <= b) {
            k += 1;
        }
        let shift = k.checked_sub(1).map_or(0, |k| self.shifts[k].1);
        index.saturating_add_signed(shift)
    }
}

/// For each block of [`BLOCK`] bytes of `text`, the characters and the
/// entries of `shifts` before it and the places where its characters start;
/// and the characters of `text`.
// Once a text, out of line: the scan loop of `normalize_with` stays small
// enough for its window loads to compile to plain vector loads.
#[inline(never)]
fn block_starts(text: &str, shifts: &[(usize, isize)]) -> (Vec<BlockStart>, usize) {
    let (full, rest) = text.as_bytes().as_chunks::<BLOCK>();
    let mut out = Vec::with_capacity(full.len() + 1);
    let mut chars = 0;
    let mut before = 0;
    let mut add_block = |k: usize, starts: u64| {
        let start = k * BLOCK;
        while shifts.get(before).is_some_and(|&(pos, _)| pos < start) {
            before += 1;
        }
        let (in_word, n) = char_counts_of_block(starts);
        out.push(BlockStart {
            chars,
            shifts: before,
            in_word,
            starts,
        });
        chars += n;
    };
    for (k, block) in full.iter().enumerate() {
        add_block(k, char_start_bits(block));
    }
    if !rest.is_empty() {
        // The last block is short: read it padded with zero bytes, whose
        // bits are cleared.
        let mut padded = [0u8; BLOCK];
        if let Some(to) = padded.get_mut(..rest.len()) {
            to.copy_from_slice(rest);
        }
        let keep = (1u64 << rest.len().min(BLOCK - 1)) - 1;
        add_block(full.len(), char_start_bits(&padded) & keep);
    }
    (out, chars)
}

/// For a block of [`BLOCK`] bytes whose bit `k` of `starts` says whether a
/// character starts at byte `k`: the characters starting in it before each
/// of its eight words, and in all of it. The bits are counted a byte of the
/// mask (a word of the block) at a time and summed across words with one
/// multiplication.
#[inline(always)]
fn char_counts_of_block(starts: u64) -> ([u8; 8], usize) {
    let per_word = byte_lane_counts(starts);
    // Byte `k` of the product: the characters of words `0..=k` (at most 64).
    let through = per_word.wrapping_mul(0x0101_0101_0101_0101);
    ((through << 8).to_le_bytes(), (through >> 56) as usize)
}

/// For each byte lane of `x`, the number of its bits that are set.
fn byte_lane_counts(x: u64) -> u64 {
    let x = x - ((x >> 1) & 0x5555_5555_5555_5555);
    let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
    (x + (x >> 4)) & 0x0F0F_0F0F_0F0F_0F0F
}

/// Bit `k` set when byte `k` of `bytes` starts a character (is no
/// continuation byte), sixteen bytes to a vector compare.
#[inline(always)]
fn char_start_bits(bytes: &[u8; BLOCK]) -> u64 {
    let (chunks, _) = bytes.as_chunks::<16>();
    let mut starts = 0u64;
    for (k, chunk) in chunks.iter().enumerate() {
        let continuation = load16(chunk)
            .simd_lt(i8x16::splat(0xC0u8 as i8))
            .to_bitmask();
        starts |= u64::from(!continuation & 0xFFFF) << (16 * k);
    }
    starts
}

/// Characters that follow a number in a date or a count (`2020 年`, `1133 件`).
const UNIT_AFTER: &[char] = &[
    '年', '月', '日', '件', '名', '人', '世', '台', '円', '万', '億', '時', '分',
];
/// Characters after which a number goes on a date (`年 2 月`, `令和 4 年`).
const UNIT_BEFORE: &[char] = &['年', '月', '和', '成', '日'];

/// Folds one character; `None` keeps it as it is.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{3000}' | '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{200B}' => " ",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => "-",
        '\u{301C}' | '\u{FF5E}' | '\u{223C}' | '\u{223E}' | '\u{02DC}' => "~",
        '\u{FF08}' => "(",
        '\u{FF09}' => ")",
        '\u{FF3B}' => "[",
        '\u{FF3D}' => "]",
        '\u{FF5B}' => "{",
        '\u{FF5D}' => "}",
        '\u{3231}' => "(株)",
        '\u{3232}' => "(有)",
        '\u{FF0C}' => ",",
        '\u{FF0E}' => ".",
        '\u{FF1A}' => ":",
        '\u{FF1B}' => ";",
        '\u{FF0F}' => "/",
        '\u{FF20}' => "@",
        '\u{FF05}' => "%",
        '\u{FF04}' => "$",
        '\u{FF06}' => "&",
        '\u{FF03}' => "#",
        '\u{FF0A}' => "*",
        '\u{FF1F}' => "?",
        '\u{FF01}' => "!",
        '\u{FF0B}' => "+",
        '\u{FF1D}' => "=",
        '\u{FF3F}' => "_",
        '\u{2018}' | '\u{2019}' => "'",
        '\u{201C}' | '\u{201D}' => "\"",
        _ => return None,
    })
}

/// Full-width digits and Latin letters to ASCII.
fn fold_alnum(c: char) -> Option<char> {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0)
        }
        _ => None,
    }
}

/// Hiragana, katakana, kanji and the Japanese long-vowel mark.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}' | '々' | '〆')
}

/// Characters that end a sentence or a heading: no join after them.
fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '。' | '!' | '?' | '！' | '？' | ':' | '：' | '」' | '』' | ')' | '）' | '】'
    )
}

/// Characters that start a list item, a numbered line or a heading.
fn starts_block(c: char) -> bool {
    matches!(
        c,
        '・' | '•'
            | '●'
            | '○'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '※'
            | '*'
            | '-'
            | '('
            | '（'
            | '【'
            | '「'
            | '〇'
            | '①'..='⑳'
    ) || c.is_ascii_digit()
        || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// Folds `text`, joining lines wrapped inside Japanese sentences.
pub fn normalize(text: &str) -> Normalized {
    normalize_with(text, true)
}

/// Folds `text`; `join_wraps` joins lines wrapped inside Japanese sentences
/// (plain text and PDF wrap lines; text from HTML breaks only between blocks).
///
/// One pass over the bytes: runs of characters that fold to themselves (most
/// of any text) are copied whole; only the characters [`CarePlaces`] finds
/// (spaces, line breaks and the characters of the folding tables, in the
/// neighbourhoods where they may go or change) are looked at one by one, and
/// only a character that goes or changes leaves a record in the map back to
/// the original.
pub fn normalize_with(text: &str, join_wraps: bool) -> Normalized {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut map = ShiftLog::default();
    // `text[..copied]` is in `out`, folded; the rest is not yet.
    let mut copied = 0;
    for i in CarePlaces::new(bytes, join_wraps) {
        let Some((c, clen)) = char_at(bytes, i) else {
            continue;
        };
        // The original characters around `c`, read only for breaks and spaces.
        let prev = || text[..i].chars().next_back().unwrap_or('\n');
        let next = || text[i + clen..].chars().next().unwrap_or('\n');
        let goes = match c {
            '\n' => join_wraps && joins_line(prev(), next(), text, i),
            ' ' | '\u{3000}' => space_goes(c, prev(), next()),
            _ => false,
        };
        if goes {
            out.push_str(&text[copied..i]);
            map.drop_char(out.len());
            copied = i + clen;
        } else if let Some(folded) = folded(c) {
            out.push_str(&text[copied..i]);
            map.fold_char(&mut out, folded);
            copied = i + clen;
        }
    }
    out.push_str(&text[copied..]);
    let (blocks, out_chars) = block_starts(&out, &map.shifts);
    Normalized {
        orig_chars: out_chars.saturating_add_signed(map.shift),
        text: out,
        shifts: map.shifts,
        blocks,
    }
}

/// The character starting at byte `i` of `bytes` (valid UTF-8, `i` a char
/// boundary) and its length: decoded by hand, the lead byte already known to
/// be ASCII or to start one of the short sequences the care scan stops at.
#[inline(always)]
fn char_at(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let lead = *bytes.get(i)?;
    let len = crate::byte_scan::utf8_len(lead);
    let tail = bytes.get(i + 1..i + len)?;
    let first = u32::from(lead) & (0x7F >> len);
    let u = tail
        .iter()
        .fold(first, |u, &b| (u << 6) | u32::from(b & 0x3F));
    Some((char::from_u32(u)?, len))
}

/// The folded form of `c` when it differs from `c`.
fn folded(c: char) -> Option<Folded> {
    if let Some(a) = fold_alnum(c) {
        Some(Folded::Char(a))
    } else {
        fold_char(c).map(Folded::Str)
    }
}

#[derive(Debug, Clone, Copy)]
enum Folded {
    Char(char),
    Str(&'static str),
}

/// The map back to the original while it is built: the points where the
/// folded text's characters stop running in step with the original's.
#[derive(Debug, Default)]
struct ShiftLog {
    shifts: Vec<(usize, isize)>,
    /// Original index minus folded index of the next folded character.
    shift: isize,
}

impl ShiftLog {
    /// From folded byte `pos` on, the shift is `shift`.
    fn set(&mut self, pos: usize, shift: isize) {
        self.shift = shift;
        match self.shifts.last_mut() {
            Some(last) if last.0 == pos => last.1 = shift,
            _ => self.shifts.push((pos, shift)),
        }
    }

    /// An original character goes: the folded text from `pos` on lags one more.
    fn drop_char(&mut self, pos: usize) {
        self.set(pos, self.shift + 1);
    }

    /// Appends `folded`, the form of one original character; when it is
    /// several characters, each after the first still maps to that original.
    fn fold_char(&mut self, out: &mut String, folded: Folded) {
        match folded {
            Folded::Char(a) => out.push(a),
            Folded::Str(s) => {
                let base = out.len();
                out.push_str(s);
                let shift = self.shift;
                for (k, (offset, _)) in s.char_indices().enumerate().skip(1) {
                    self.set(base + offset, shift - k as isize);
                }
            }
        }
    }
}

/// Whether `c` may need folding or dropping: spaces, line breaks and the
/// characters of [`fold_char`] and [`fold_alnum`]. Everything else is copied.
#[cfg(test)]
fn needs_care(c: char) -> bool {
    matches!(c, '\n' | ' ' | '\u{3000}') || folded(c).is_some()
}

/// The places (char boundaries, in order) of the characters that may go or
/// fold: a superset of those that do, found [`STEP`] bytes at a time.
///
/// One vector test per sixteen bytes instead of a branch per character:
/// Japanese text mixes kana (lead byte E3, mostly plain) with kanji, and
/// English text has a space every few bytes, so a branch on the kind of each
/// character would be mispredicted at almost every change of kind. The hits
/// of a chunk depend only on the original bytes, so each chunk is tested
/// once, however many places in it are looked at. The bytes looked at are
/// never continuation bytes, so a hit is always a character's start.
struct CarePlaces<'a> {
    bytes: &'a [u8],
    join_wraps: bool,
    /// Start of the chunk `mask` belongs to.
    base: usize,
    /// The places of the chunk not yet given, as bits.
    mask: u32,
}

/// Bytes of the text tested at a time: two vectors.
const STEP: usize = 32;
/// The bytes read for a step: one before it and two after it.
const WINDOW: usize = STEP + 3;

impl<'a> CarePlaces<'a> {
    fn new(bytes: &'a [u8], join_wraps: bool) -> Self {
        let (base, mask) = next_care_chunk(bytes, 0, join_wraps).unwrap_or((bytes.len(), 0));
        CarePlaces {
            bytes,
            join_wraps,
            base,
            mask,
        }
    }
}

impl Iterator for CarePlaces<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if self.mask == 0 {
            (self.base, self.mask) =
                next_care_chunk(self.bytes, self.base + STEP, self.join_wraps)?;
        }
        let i = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(i)
    }
}

/// From byte `from` on, [`STEP`] bytes at a time: the first step with a
/// place that may need care, and its places as bits.
// Out of line, so that the scan loop compiles the same whatever the loop
// around it: inlined into `normalize_with`, the vector code was at the mercy
// of the optimiser's choices for the whole function (once it took every
// bit of the mask apart, one instruction each).
#[inline(never)]
fn next_care_chunk(bytes: &[u8], mut from: usize, join_wraps: bool) -> Option<(usize, u32)> {
    while from < bytes.len() {
        let mask = care_hits(bytes, from, join_wraps);
        if mask != 0 {
            return Some((from, mask));
        }
        from += STEP;
    }
    None
}

/// Bit `k` set when byte `at + k` of `bytes` may start a character that goes
/// or folds (see [`care_mask`]). The [`WINDOW`] bytes from `at - 1` are read
/// as one; at the start and the end of the text the bytes outside it read as
/// zero, which starts nothing and is no digit, `~` or non-ASCII byte before
/// a space or a break (a space or a break at the start stays).
#[inline(always)]
fn care_hits(bytes: &[u8], at: usize, join_wraps: bool) -> u32 {
    let part = |from: usize| {
        bytes
            .get(from..from + 19)
            .and_then(|w| <&[u8; 19]>::try_from(w).ok())
    };
    match (at.checked_sub(1).and_then(part), part(at + 15)) {
        (Some(low), Some(high)) => {
            care_mask(chunks_of(low), join_wraps) | care_mask(chunks_of(high), join_wraps) << 16
        }
        _ => window_hits(&padded_window(bytes, at), join_wraps),
    }
}

/// The [`WINDOW`] bytes of `bytes` from `at - 1`, those outside it zero.
// Only at the start and the end of a text: kept out of the scan loop.
#[inline(never)]
fn padded_window(bytes: &[u8], at: usize) -> [u8; WINDOW] {
    let mut padded = [0u8; WINDOW];
    // At the start there is no byte before `at`: the window's first stays zero.
    let (from, skip) = match at.checked_sub(1) {
        Some(from) => (from, 0),
        None => (0, 1),
    };
    let src = bytes.get(from..).unwrap_or_default();
    let n = src.len().min(WINDOW - skip);
    if let (Some(to), Some(src)) = (padded.get_mut(skip..skip + n), src.get(..n)) {
        to.copy_from_slice(src);
    }
    padded
}

/// [`care_hits`] of the [`STEP`] bytes from byte 1 of `window`: its first
/// and its last nineteen bytes, each a chunk of sixteen with the byte before
/// it and the two after it.
#[inline(always)]
fn window_hits(window: &[u8; WINDOW], join_wraps: bool) -> u32 {
    let hits = |part: Option<&[u8; 19]>| part.map_or(0, |w| care_mask(chunks_of(w), join_wraps));
    hits(window.first_chunk::<19>()) | hits(window.last_chunk::<19>()) << 16
}

/// The sixteen bytes from each of the first four bytes of `window`.
#[inline(always)]
fn chunks_of(window: &[u8; 19]) -> [i8x16; 4] {
    [
        chunk_at(window, 0),
        chunk_at(window, 1),
        chunk_at(window, 2),
        chunk_at(window, 3),
    ]
}

/// The sixteen bytes from `at` (at most 3) of `window` as a vector.
#[inline(always)]
fn chunk_at(window: &[u8; 19], at: usize) -> i8x16 {
    window[at.min(3)..]
        .first_chunk::<16>()
        .map_or(i8x16::splat(0), load16)
}

/// Bit `k` set when byte `k` of `cur` may need a closer look (given the
/// byte before it in `prev` and the two after it in `next` and `third`): a
/// line break after a non-ASCII character when lines are joined
/// ([`joins_line`] joins only after kana and kanji), a space after a digit, a
/// `~` or a non-ASCII character ([`space_goes`] lets no other space go), an
/// E3 character that may fold or go (U+3000, U+301C, U+3231, U+3232; not the
/// frequent `、。「」`), an E2 character up to U+223F, and every character
/// starting with C2, CB or EF.
#[inline(always)]
fn care_mask([prev, cur, next, third]: [i8x16; 4], join_wraps: bool) -> u32 {
    let is = |v: i8x16, b: u8| v.simd_eq(i8x16::splat(b as i8));
    let prev_high = prev.simd_lt(i8x16::splat(0));
    let space = is(cur, b' ') & (prev_high | span(prev, b'0', 10) | is(prev, b'~'));
    let lead = is(cur, 0xC2)
        | is(cur, 0xCB)
        | is(cur, 0xEF)
        | (is(cur, 0xE2) & span(next, 0x80, 9))
        | (is(cur, 0xE3)
            & ((is(next, 0x80) & (is(third, 0x80) | is(third, 0x9C)))
                | (is(next, 0x88) & span(third, 0xB1, 2))));
    let mut hits = space | lead;
    if join_wraps {
        hits |= is(cur, b'\n') & prev_high;
    }
    hits.to_bitmask() & 0xFFFF
}

/// Whether the original character `c` (between `prev` and `next`), a space,
/// goes from the folded text; line breaks are [`joins_line`]'s.
fn space_goes(c: char, prev: char, next: char) -> bool {
    if c == ' ' || c == '\u{3000}' {
        // `2020 年 2 月 23 日`, `1133 件`: spaces between a digit and a Japanese character go.
        let p = fold_alnum(prev).unwrap_or(prev);
        let n = fold_alnum(next).unwrap_or(next);
        let tilde = |c: char| c == '~' || c == '〜' || c == '～';
        // Only a digit or a tilde on one side can let a space go: most spaces stop here.
        if !(p.is_ascii_digit() || n.is_ascii_digit() || tilde(p) || tilde(n)) {
            return false;
        }
        let unit = |units: &[char], c: char| units.contains(&c);
        return (p.is_ascii_digit() && (unit(UNIT_AFTER, n) || tilde(n)))
            || ((unit(UNIT_BEFORE, p) || tilde(p)) && n.is_ascii_digit())
            || (unit(UNIT_BEFORE, p) && tilde(n));
    }
    false
}

/// The longest line [`joins_line`] measures, in bytes: a line of more than
/// 80 characters has more than 80 bytes, and one of more than 324 bytes more
/// than 81 characters.
const LONGEST_LINE: usize = 4 * 81;

/// Whether the line break at byte `at` of `text` (between `prev` and `next`)
/// joins a wrapped line. The line is looked for, and its length counted, only
/// when the rest allows a join.
fn joins_line(prev: char, next: char, text: &str, at: usize) -> bool {
    // `next_len > 0` of the next line is the same as a next character that is no break.
    let next_len = usize::from(next != '\n');
    if !is_cjk(prev) || next_len == 0 {
        return false;
    }
    // A line of more than `LONGEST_LINE` bytes has more than 80 characters.
    let Some(line) = line_before(text, at) else {
        return false;
    };
    let first = line.chars().next().unwrap_or('\n');
    !starts_block(first) && joins_wrapped_line(prev, next, line.chars().count(), next_len)
}

/// The line that ends at byte `at` of `text` (from after the line break
/// before it), or `None` when it is longer than [`LONGEST_LINE`] bytes.
fn line_before(text: &str, at: usize) -> Option<&str> {
    let from = at.saturating_sub(LONGEST_LINE + 1);
    let window = text.as_bytes().get(from..at)?;
    let start = match memchr::memrchr(b'\n', window) {
        Some(k) => from + k + 1,
        None if from == 0 => 0,
        // No break in the last `LONGEST_LINE + 1` bytes: longer than that.
        None => return None,
    };
    text.get(start..at)
        .filter(|line| line.len() <= LONGEST_LINE)
}

/// A line break is a wrap inside a sentence when a long line stops in the
/// middle of Japanese text and the next line goes on without starting a block.
/// Wrapped text has short lines (a page or a mail is 30 to 80 characters wide),
/// so a longer line ends a paragraph, not a wrap.
fn joins_wrapped_line(prev: char, next: char, this_len: usize, next_len: usize) -> bool {
    (28..=80).contains(&this_len)
        && next_len > 0
        && is_cjk(prev)
        && !ends_sentence(prev)
        && ((is_cjk(next) || next == '」') && !starts_block(next) || continues_number(prev, next))
}

/// `2024年8月` / `19日に判明`: a date or a quantity cut after its unit goes on
/// with a digit on the next line.
fn continues_number(prev: char, next: char) -> bool {
    fold_alnum(next).unwrap_or(next).is_ascii_digit() && "年月第約計大".contains(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orig(text: &str, n: &Normalized, s: usize, e: usize) -> String {
        let (a, b) = n.orig_span(s, e);
        text.chars().skip(a).take(b - a).collect()
    }

    #[test]
    fn full_width_forms_fold_and_map_back() {
        let text = "被害は２，３１２件（最大）〜";
        let n = normalize(text);
        assert_eq!(n.text, "被害は2,312件(最大)~");
        let s = n.text.find("2,312").unwrap();
        assert_eq!(orig(text, &n, s, s + 5), "２，３１２");
    }

    #[test]
    fn spaces_inside_japanese_dates_go() {
        let text = "2019 年 7 月 11 日 ~ 2020 年 3 月 5 日";
        let n = normalize(text);
        assert_eq!(n.text, "2019年7月11日~2020年3月5日");
        let s = n.text.find("2020").unwrap();
        assert_eq!(orig(text, &n, s, n.len()), "2020 年 3 月 5 日");
    }

    #[test]
    fn spaces_after_a_row_number_stay() {
        assert_eq!(
            normalize("1 誤設定 ファイルを公開").text,
            "1 誤設定 ファイルを公開"
        );
    }

    #[test]
    fn a_date_cut_by_a_wrap_is_joined() {
        let t = "外部の専門機関からの指摘を受けて社内で調査したところ、2024年8月\n19日に流出の可能性があることが判明いたしました。";
        let n = normalize_with(t, true);
        assert!(n.text.contains("2024年8月19日"), "{}", n.text);
        // A list under a short sentence is no wrap.
        let list = "流出した可能性のある情報は以下の通りです\n1. 氏名\n2. 住所";
        assert!(normalize_with(list, true).text.contains("です\n1."));
    }

    #[test]
    fn wrapped_japanese_lines_are_joined_but_paragraphs_are_not() {
        let text = "このたび、弊社が運営するオンラインショップにおきまして、第三者によ\nる不正アクセスを受けました。\n・氏名\n・住所";
        let n = normalize(text);
        assert!(n.text.contains("第三者による不正アクセス"), "{}", n.text);
        assert!(n.text.contains("。\n・氏名\n・住所"));
        let s = n.text.find("による").unwrap();
        assert_eq!(orig(text, &n, s, s + "による".len()), "によ\nる");
    }

    #[test]
    fn characters_are_counted_in_any_length() {
        for len in [0, 1, 7, 8, 9, 63, 64, 65, 200, 4000] {
            let text: String = "aé😀あ年\n".chars().cycle().take(len).collect();
            let bytes = text.as_bytes();
            let (blocks, total) = block_starts(&text, &[]);
            assert_eq!(total, text.chars().count());
            for b in 0..bytes.len() {
                let block = blocks[b / BLOCK];
                let n = block.chars + block.chars_through(b % BLOCK);
                let want = bytes[..=b].iter().filter(|&&c| c & 0xC0 != 0x80).count();
                assert_eq!(n, want, "len {len} byte {b}");
            }
        }
    }

    /// Every character that may fold, and U+3000, is a place the care scan
    /// stops at, wherever it lies in a text (the start, a chunk's first or
    /// last byte, the end).
    #[test]
    fn care_scan_stops_at_every_character_that_may_fold() {
        let cared: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| c != '\n' && c != ' ' && needs_care(c))
            .collect();
        assert!(cared.contains(&'\u{3000}') && cared.contains(&'１'));
        for c in cared {
            for pad in [0, 1, 15, 16, 30, 31, 32, 33, 40] {
                let text = format!("{}{c}あ", "a".repeat(pad));
                for join in [true, false] {
                    assert!(
                        CarePlaces::new(text.as_bytes(), join).any(|i| i == pad),
                        "{c:?} after {pad} bytes"
                    );
                }
            }
        }
    }

    #[test]
    fn company_mark_expands() {
        let text = "㈱テスト";
        let n = normalize(text);
        assert_eq!(n.text, "(株)テスト");
        assert_eq!(orig(text, &n, 0, n.len()), "㈱テスト");
    }

    // The single-pass normaliser and its sparse map against the straightforward
    // normaliser with one origin entry per folded byte, which they replaced.
    mod reference {
        use super::super::*;

        /// The folded text and, for each of its bytes, the original character
        /// index it came from (one extra entry: the original length).
        fn reference_normalize(text: &str, join_wraps: bool) -> (String, Vec<u32>) {
            let chars: Vec<char> = text.chars().collect();
            let mut out = String::with_capacity(text.len());
            let mut origin: Vec<u32> = Vec::with_capacity(text.len() + 1);
            let line_lengths = line_lengths(&chars);
            let mut line_no = 0usize;
            for (i, &c) in chars.iter().enumerate() {
                let prev = if i > 0 { chars[i - 1] } else { '\n' };
                let next = chars.get(i + 1).copied().unwrap_or('\n');
                if c == '\n' {
                    let (this_len, this_first) =
                        line_lengths.get(line_no).copied().unwrap_or((0, '\n'));
                    let (next_len, _) = line_lengths.get(line_no + 1).copied().unwrap_or((0, '\n'));
                    line_no += 1;
                    if join_wraps
                        && !starts_block(this_first)
                        && joins_wrapped_line(prev, next, this_len, next_len)
                    {
                        continue;
                    }
                }
                if c == ' ' || c == '\u{3000}' {
                    // `2020 年 2 月 23 日`, `1133 件`: spaces between a digit and a Japanese character go.
                    let p = fold_alnum(prev).unwrap_or(prev);
                    let n = fold_alnum(next).unwrap_or(next);
                    let tilde = |c: char| c == '~' || c == '〜' || c == '～';
                    let digit_cjk = (p.is_ascii_digit() && (UNIT_AFTER.contains(&n) || tilde(n)))
                        || ((UNIT_BEFORE.contains(&p) || tilde(p)) && n.is_ascii_digit())
                        || (UNIT_BEFORE.contains(&p) && tilde(n));
                    if digit_cjk {
                        continue;
                    }
                }
                let at = i as u32;
                if let Some(a) = fold_alnum(c) {
                    out.push(a);
                    origin.push(at);
                } else if let Some(s) = fold_char(c) {
                    for _ in 0..s.len() {
                        origin.push(at);
                    }
                    out.push_str(s);
                } else {
                    let before = out.len();
                    out.push(c);
                    for _ in before..out.len() {
                        origin.push(at);
                    }
                }
            }
            origin.push(chars.len() as u32);
            (out, origin)
        }

        /// `orig_span` as it was, on the map with one entry per byte.
        fn reference_orig_span(
            text: &str,
            origin: &[u32],
            start: usize,
            end: usize,
        ) -> (usize, usize) {
            let start = start.min(text.len());
            let end = end.clamp(start, text.len());
            let s = origin[start] as usize;
            if end == start {
                return (s, s);
            }
            let mut last = end - 1;
            while !text.is_char_boundary(last) {
                last -= 1;
            }
            let e = origin[last] as usize + 1;
            (s, e.max(s))
        }

        // Per line: its length in characters and its first character.
        fn line_lengths(chars: &[char]) -> Vec<(usize, char)> {
            let mut v = Vec::new();
            let mut n = 0;
            let mut first = '\n';
            for &c in chars {
                if c == '\n' {
                    v.push((n, first));
                    n = 0;
                    first = '\n';
                } else {
                    if n == 0 {
                        first = c;
                    }
                    n += 1;
                }
            }
            v.push((n, first));
            v
        }

        fn same(text: &str) {
            for join in [true, false] {
                let a = normalize_with(text, join);
                let (b_text, b_origin) = reference_normalize(text, join);
                assert_eq!(a.text, b_text, "{text:?}");
                assert_eq!(a.len(), b_text.len());
                // Every range of a short text, out-of-range ends included;
                // short ranges and ranges to the end of a long one.
                let n = b_text.len();
                for s in 0..=n + 1 {
                    let ends: Vec<usize> = if n <= 200 {
                        (0..=n + 1).collect()
                    } else {
                        (s.saturating_sub(2)..=s + 8).chain([n, n + 1]).collect()
                    };
                    for e in ends {
                        assert_eq!(
                            a.orig_span(s, e),
                            reference_orig_span(&b_text, &b_origin, s, e),
                            "{text:?} join {join} span {s}..{e}"
                        );
                    }
                }
            }
        }

        const PIECES: &[&str] = &[
            "\n",
            "\n\n",
            " ",
            "\u{3000}",
            "2020",
            "１２",
            "年",
            "月",
            "日",
            "件",
            "和",
            "〜",
            "～",
            "~",
            "（",
            "）",
            "㈱",
            "−",
            "–",
            "\u{a0}",
            "「",
            "」",
            "。",
            "・",
            "①",
            "第三者によ",
            "る不正アクセスを受けました",
            "このたび、弊社が運営するオンラインショップにおきまして",
            "ａｂｃＡＢＣ",
            "abc",
            "é",
            "😀",
            "\r",
            "ｱｲｳ",
            "\u{2014}",
            "\u{FF5E}",
            "\u{3231}",
            "\u{FE63}",
        ];

        proptest::proptest! {
            #[test]
            fn matches_reference_on_any_text(s in "\\PC{0,60}") {
                same(&s);
            }

            #[test]
            fn matches_reference_on_japanese_pieces(v in proptest::collection::vec(0..PIECES.len(), 0..200)) {
                let s: String = v.into_iter().map(|i| PIECES[i]).collect();
                same(&s);
            }
        }

        #[test]
        fn matches_reference_on_edges() {
            for t in [
                "",
                "\n",
                " ",
                "\n\n",
                "a\n",
                "\nb",
                "2020 年",
                "年 2",
                "あ".repeat(30).as_str(),
            ] {
                same(t);
            }
            let long = "あ".repeat(30) + "\nい" + &"\n".repeat(2) + "年\n１";
            same(&long);
            // Many blocks of the character index, with shifts inside and across them.
            let mut many = String::new();
            for k in 0..400 {
                many.push_str(PIECES[k * 7 % PIECES.len()]);
            }
            same(&many);
        }
    }
}
