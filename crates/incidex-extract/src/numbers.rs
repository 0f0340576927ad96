//! Counts and money: `2,312件`, `39万件`, `1万1379件`, `最大10,450件`, `約1000人分`,
//! `6億8300万円`, `3億8,000万円`, `168百万円`, `$1.25 million`, `125万ドル`,
//! `180,000 customers`.

mod count_ja;

use crate::byte_scan::{has_ascii_letters, scan_to, DIGIT_CANDIDATE};
use count_ja::{count_ja_matches, CountJa, Span};
use once_cell::sync::Lazy;
use regex::Regex;

/// A number written with Japanese myriads (億, 万) or thousands separators.
const JA_NUM: &str = r"\d[\d,]*(?:\.\d+)?(?:億(?:\d[\d,]*(?:\.\d+)?万)?(?:\d[\d,]*)?|万(?:\d+千\d*|\d[\d,]*)?|千\d*)?";

/// What an English count counts; every `COUNT_EN` match ends with one.
const COUNT_EN_NOUNS: &str = "customers|patients|people|individuals|records|accounts|users|employees|members|students|clients|consumers|persons|cards|credit cards|passengers|guests|residents|subscribers|donors|voters|taxpayers|applicants|email addresses";
static COUNT_EN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)(?-u:\b)(up to |more than |over |nearly |approximately |about |some |at least )?(\d[\d,]*(?:\.\d+)?)(?:\s+(million|billion|thousand))?\s+((?:[A-Za-z][\w\-]*\s){{0,2}}?(?:{COUNT_EN_NOUNS}))(?-u:\b)")).unwrap()
});
static MONEY_JA: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"({JA_NUM})\s*(百万|千万|千)?\s*(円|ドル|米ドル|ユーロ)"
    ))
    .unwrap()
});
static MONEY_EN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(US\$|\$|€|£|¥)\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|thousand|m|bn|k)(?-u:\b))?",
    )
    .unwrap()
});

#[derive(Debug, Clone, PartialEq)]
pub struct CountHit {
    pub start: usize,
    pub end: usize,
    pub count: u64,
    pub unit: String,
    pub max: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MoneyHit {
    pub start: usize,
    pub end: usize,
    pub amount: u64,
    pub currency: &'static str,
}

/// Parses `6億8300万`, `1万1379`, `2,312`, `39万`, `1.5万`, `4万5千` into an integer.
pub fn parse_ja_number(s: &str) -> Option<u64> {
    let mut total = 0f64;
    let mut rest: &str = s;
    // Most numbers are ASCII (`2,312`): no mark to look for. `4万5千`, `3千`:
    // thousands written with 千. Marks are looked for as chars, not strings: a
    // char search is a byte search, a string search first builds a searcher.
    let marks: &[(char, f64)] = if s.is_ascii() {
        &[]
    } else {
        &[('億', 1e8), ('万', 1e4), ('千', 1e3)]
    };
    for &(mark, factor) in marks {
        if let Some(i) = rest.find(mark) {
            let v = parse_part(&rest[..i])?;
            total += v * factor;
            rest = &rest[i + mark.len_utf8()..];
        }
    }
    if !rest.is_empty() {
        total += parse_part(rest)?;
    }
    (0.0..1e18).contains(&total).then_some(total.round() as u64)
}

/// One part of a number between its myriad marks, its separators (`,`) left
/// out, as a float. Most parts are a few ASCII digits: read as an integer,
/// which as a float is exactly what parsing them as a float gives (below 2^53),
/// without copying the part or running the float parser.
fn parse_part(part: &str) -> Option<f64> {
    let mut n = 0u64;
    let mut digits = 0;
    for &b in part.as_bytes() {
        match b {
            b'0'..=b'9' => {
                n = n * 10 + u64::from(b - b'0');
                digits += 1;
                if digits > 15 {
                    return parse_part_as_float(part);
                }
            }
            b',' => {}
            _ => return parse_part_as_float(part),
        }
    }
    if digits == 0 {
        return parse_part_as_float(part);
    }
    Some(n as f64)
}

/// `part` without its separators, parsed as a float.
fn parse_part_as_float(part: &str) -> Option<f64> {
    if part.contains(',') {
        part.replace(',', "").parse().ok()
    } else {
        part.parse().ok()
    }
}

fn scale(word: Option<&str>) -> f64 {
    match word.map(|w| w.to_ascii_lowercase()) {
        Some(w) if w == "million" || w == "m" => 1e6,
        Some(w) if w == "billion" || w == "bn" => 1e9,
        Some(w) if w == "thousand" || w == "k" => 1e3,
        _ => 1.0,
    }
}

/// Words before a count that say it counts staff, not victims (`従業員1人`).
const STAFF_BEFORE: &[&str] = &[
    "従業員",
    "職員",
    "社員",
    "作業員",
    "担当者",
    "医師",
    "委員",
    "スタッフ",
    "男性",
    "女性",
];
/// Words after a count that say it is a rate or a batch (`200件ずつ`).
const NOT_TOTAL_AFTER: &[&str] = &[
    "ずつ",
    "ごと",
    "当たり",
    "あたり",
    "以上の企業",
    "歳",
    "未満",
];

/// A set of characters of U+3000..U+9FFF (kana, kanji, CJK punctuation) as a
/// bitmap: asked for every character of every number stretch, a table look-up
/// costs one load where a `matches!` over a few dozen kanji is a chain of
/// data-dependent branches.
struct CjkSet {
    bits: [u64; CJK_WORDS],
}

const CJK_FIRST: u32 = 0x3000;
const CJK_LEN: u32 = 0x7000;
const CJK_WORDS: usize = (CJK_LEN / 64) as usize;

impl CjkSet {
    /// The set of `chars` (characters outside U+3000..U+9FFF are left out).
    const fn of(chars: &[char]) -> CjkSet {
        let mut bits = [0u64; CJK_WORDS];
        let mut i = 0;
        while i < chars.len() {
            let at = (chars[i] as u32).wrapping_sub(CJK_FIRST);
            if at < CJK_LEN {
                bits[(at / 64) as usize] |= 1 << (at % 64);
            }
            i += 1;
        }
        CjkSet { bits }
    }

    #[inline(always)]
    fn holds(&self, c: char) -> bool {
        let at = (c as u32).wrapping_sub(CJK_FIRST);
        at < CJK_LEN
            && self
                .bits
                .get((at / 64) as usize)
                .is_some_and(|w| (w >> (at % 64)) & 1 == 1)
    }
}

/// The kana and kanji of `COUNT_JA`.
static COUNT_JA_CHARS: CjkSet = CjkSet::of(&[
    '最', '大', '約', 'お', 'よ', 'そ', '少', 'な', 'く', 'と', 'も', '計', '合', '総', '数', '億',
    '万', '千', '件', '人', '名', '世', '帯', '団', '体', '通', '事', '業', '者', '法', 'ア', 'カ',
    'ウ', 'ン', 'ト', '回', '分',
]);
/// The first characters of the units of `COUNT_JA`: every match holds one.
static COUNT_UNIT_STARTS: CjkSet =
    CjkSet::of(&['件', '人', '名', '世', '団', '通', '事', '法', 'ア', '回']);
/// The kana and kanji of `MONEY_JA`.
static MONEY_JA_CHARS: CjkSet = CjkSet::of(&[
    '億', '万', '千', '百', '円', 'ド', 'ル', '米', 'ユ', 'ー', 'ロ',
]);
/// The first characters of the currencies of `MONEY_JA`: every match holds
/// one. (Tests only: the runs of `find_money` are found from the currency
/// words.)
#[cfg(test)]
static CURRENCY_STARTS: CjkSet = CjkSet::of(&['円', 'ド', '米', 'ユ']);

/// The kana and kanji of `COUNT_JA`.
fn in_count_ja(c: char) -> bool {
    COUNT_JA_CHARS.holds(c)
}
/// The first characters of the units of `COUNT_JA`: every match holds one.
fn starts_count_unit(c: char) -> bool {
    COUNT_UNIT_STARTS.holds(c)
}
/// The kana and kanji of `MONEY_JA`.
fn in_money_ja(c: char) -> bool {
    MONEY_JA_CHARS.holds(c)
}
/// The first characters of the currencies of `MONEY_JA`: every match holds one.
#[cfg(test)]
fn starts_currency(c: char) -> bool {
    CURRENCY_STARTS.holds(c)
}

/// The ASCII characters a Japanese number pattern can hold: digits, `,`, `.`,
/// and the controls and space (`\s` is among them), one bit each.
const ASCII_IN_NUMBER: u128 = {
    let mut m = 0u128;
    let mut b = 0u8;
    while b < 0x80 {
        if b.is_ascii_digit() || b == b',' || b == b'.' || b <= b' ' {
            m |= 1 << b;
        }
        b += 1;
    }
    m
};

/// Whether `c` can be part of a match of a Japanese number pattern whose kana
/// and kanji are those `holds` accepts. Kana, kanji and CJK
/// punctuation (U+3000..U+9FFF) hold no digit (`\d` is Unicode) and no space
/// but U+3000; other non-ASCII characters are taken to be possible digits or
/// spaces.
#[inline(always)]
fn may_be_in_number(c: char, holds: impl Fn(char) -> bool) -> bool {
    let u = c as u32;
    if u < 0x80 {
        (ASCII_IN_NUMBER >> u) & 1 == 1
    } else if u.wrapping_sub(CJK_FIRST) < CJK_LEN {
        c == '\u{3000}' || holds(c)
    } else {
        true
    }
}

/// The first byte at or after `from` (a char boundary) that may start a digit:
/// an ASCII digit or the lead byte of a character outside U+2000..U+9FFF
/// (where no `\d` lies).
fn next_digit_candidate(bytes: &[u8], from: usize) -> Option<usize> {
    scan_to(bytes, from, &DIGIT_CANDIDATE)
}

/// The character whose UTF-8 encoding starts at byte `i` of `bytes` (a char
/// boundary of valid UTF-8), as a code point, and its length in bytes.
#[inline(always)]
fn char_at(bytes: &[u8], i: usize) -> Option<(u32, usize)> {
    let lead = *bytes.get(i)?;
    if lead < 0x80 {
        return Some((lead as u32, 1));
    }
    let len = crate::byte_scan::utf8_len(lead);
    let tail = bytes.get(i + 1..i + len)?;
    let first = (lead as u32) & (0x7F >> len);
    let u = tail
        .iter()
        .fold(first, |u, &b| (u << 6) | (b as u32 & 0x3F));
    Some((u, len))
}

/// Whether the code point `u` can be part of a match of a Japanese number
/// pattern (see `may_be_in_number`); code points of valid UTF-8 are chars.
#[inline(always)]
fn may_be_in_number_at(u: u32, holds: impl Fn(char) -> bool) -> bool {
    char::from_u32(u).is_some_and(|c| may_be_in_number(c, holds))
}

/// The stretches of `text` that a Japanese number pattern (no look-around,
/// every match holds a digit and, after its first digit, a character that
/// `needs` accepts) can match in: maximal runs of characters the pattern can
/// hold, holding a possible digit and, after the first, a needed character.
/// No match crosses a character the pattern cannot hold, so the matches in
/// these runs, in order, are the matches in the whole text. The runs are
/// walked byte by byte: decoding the short UTF-8 sequences by hand costs less
/// than the string iterators.
fn number_runs(
    text: &str,
    holds: impl Fn(char) -> bool + Copy,
    needs: impl Fn(char) -> bool + Copy,
) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let needed_at = |u: u32| char::from_u32(u).is_some_and(needs);
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(digit) = next_digit_candidate(bytes, from) {
        // Between `from` and `digit` lies no possible digit: every digit of
        // a match in the run, and so what follows it, is from `digit` on.
        let mut needed = false;
        let mut end = digit;
        let mut stop = None;
        loop {
            // Digits, separators and spaces a byte at a time: ASCII holds no
            // needed character.
            end += ascii_in_number_len(bytes.get(end..).unwrap_or_default());
            let Some((u, len)) = char_at(bytes, end) else {
                break;
            };
            if !may_be_in_number_at(u, holds) {
                stop = Some(len);
                break;
            }
            needed |= needed_at(u);
            end += len;
        }
        // The start is looked for only for a run that is kept (most are not:
        // a date's `2024年`).
        if needed {
            runs.push((run_start(bytes, from, digit, holds), end));
        }
        // On past the run and the character that ends it.
        match stop {
            Some(len) => from = end + len,
            None => break,
        }
    }
    runs
}

/// How many of the first bytes of `bytes` are ASCII characters a Japanese
/// number pattern can hold (see `ASCII_IN_NUMBER`).
#[inline(always)]
fn ascii_in_number_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b < 0x80 && (ASCII_IN_NUMBER >> b) & 1 == 1)
        .count()
}

/// The start of the run holding byte `digit` of `bytes`: back over the
/// characters from `from` on that the pattern can hold.
fn run_start(
    bytes: &[u8],
    from: usize,
    digit: usize,
    holds: impl Fn(char) -> bool + Copy,
) -> usize {
    let mut start = digit;
    while start > from {
        let mut prev = start - 1;
        // Back over the continuation bytes (10xxxxxx) to the lead byte.
        while prev > from && bytes[prev] & 0xC0 == 0x80 {
            prev -= 1;
        }
        match char_at(bytes, prev) {
            Some((u, _)) if may_be_in_number_at(u, holds) => start = prev,
            _ => break,
        }
    }
    start
}

/// The first bytes of the units of `COUNT_JA` (a test holds them to these):
/// a text without one (most English texts) has no run to walk.
const COUNT_UNIT_LEADS: std::ops::RangeInclusive<u8> = 0xE3..=0xE9;

/// Whether `bytes` holds a byte in `range`: thirty-two at a time, each block
/// folded without a branch (which the compiler turns into vector code).
fn has_byte_in(bytes: &[u8], range: std::ops::RangeInclusive<u8>) -> bool {
    let (lo, n) = (*range.start(), range.end().wrapping_sub(*range.start()));
    let hit = |b: u8| b.wrapping_sub(lo) <= n;
    let mut blocks = bytes.chunks_exact(32);
    blocks
        .by_ref()
        .any(|block| block.iter().fold(false, |any, &b| any | hit(b)))
        || blocks.remainder().iter().any(|&b| hit(b))
}

pub fn find_counts(text: &str) -> Vec<CountHit> {
    let mut out = Vec::new();
    let runs = if has_byte_in(text.as_bytes(), COUNT_UNIT_LEADS) {
        number_runs(text, in_count_ja, starts_count_unit)
    } else {
        Vec::new()
    };
    for (rs, re) in runs {
        count_ja_matches(&text[rs..re], |m| {
            if let Some(hit) = count_ja_hit(text, rs, &m) {
                out.push(hit);
            }
        });
    }
    count_en_hits(text, &mut out);
    out.sort_by_key(|h| h.start);
    out
}

/// The count of one `COUNT_JA` match found in the run starting at `at`, unless
/// its neighbours say it is not a count of victims.
fn count_ja_hit(text: &str, at: usize, m: &CountJa) -> Option<CountHit> {
    let (start, end) = (at + m.whole.0, at + m.whole.1);
    let in_text = |(s, e): Span| &text[at + s..at + e];
    if text[..at + m.number.0]
        .chars()
        .next_back()
        .is_some_and(|p| p.is_ascii_digit() || p == '第' || p == '.' || p == '-')
    {
        return None;
    }
    // The six characters before the match, as a slice of the text.
    let head = &text[..start];
    let from = head.char_indices().rev().nth(5).map_or(0, |(i, _)| i);
    if STAFF_BEFORE.iter().any(|w| head[from..].ends_with(w)) {
        return None;
    }
    let after = &text[end..];
    if NOT_TOTAL_AFTER.iter().any(|w| after.starts_with(w))
        || after.starts_with('(') && after[1..].chars().take(4).any(|c| c == '歳')
    {
        return None;
    }
    let unit = in_text(m.unit);
    // 回 counts only accesses (`106回アクセス`), not repetitions.
    if unit == "回" && !after.starts_with("アクセス") {
        return None;
    }
    let count = parse_ja_number(in_text(m.number)).filter(|&n| n != 0)?;
    let portion = m.portion.map_or("", in_text);
    let mut unit_and_portion = String::with_capacity(unit.len() + portion.len());
    unit_and_portion.push_str(unit);
    unit_and_portion.push_str(portion);
    Some(CountHit {
        start,
        end,
        count,
        unit: unit_and_portion,
        max: m.qualifier.is_some_and(|q| in_text(q) == "最大"),
    })
}

/// The last words of the nouns of `COUNT_EN`.
static COUNT_NOUN_ENDS: Lazy<Vec<&str>> = Lazy::new(|| {
    COUNT_EN_NOUNS
        .split('|')
        .filter_map(|n| n.rsplit(' ').next())
        .collect()
});

/// The last words of the nouns of `COUNT_EN` by their length in bytes (at
/// most `MAX_NOUN_END`).
static COUNT_NOUN_ENDS_BY_LEN: Lazy<[Vec<&[u8]>; MAX_NOUN_END + 1]> = Lazy::new(|| {
    let mut by_len: [Vec<&[u8]>; MAX_NOUN_END + 1] = Default::default();
    for n in COUNT_NOUN_ENDS.iter() {
        if let Some(list) = by_len.get_mut(n.len()) {
            list.push(n.as_bytes());
        }
    }
    by_len
});
/// The shortest and longest last word of a noun of `COUNT_EN` (a test holds
/// the nouns to these bounds and to their last letters).
const MIN_NOUN_END: usize = 5;
const MAX_NOUN_END: usize = 11;

/// Whether `text` holds a word that ends a noun of `COUNT_EN` (`cards` for
/// `credit cards`), in any ASCII case. In a match the noun follows a space and
/// is followed by a byte that is not an ASCII word character, so its last word
/// is a whole run of ASCII letters. Every such word ends in `s` or `e`: the
/// `s` and `e` are found thirty-two bytes at a time, and only the words they end
/// are looked at, not every word of an English text.
// Called once a text: kept out of line, which measured a little cheaper.
#[inline(never)]
fn has_count_noun(text: &str) -> bool {
    let bytes = text.as_bytes();
    let may_end = |i: usize| {
        !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) && is_noun_end_at(bytes, i)
    };
    // Thirty-two bytes a step, both chunks' lanes joined for one test: most
    // steps hold no `s` or `e` that may end a noun.
    let (pairs, _) = bytes.as_chunks::<32>();
    let mut at = 0;
    for pair in pairs {
        let (low, high) = pair.split_at(16);
        let (Ok(low), Ok(high)) = (<&[u8; 16]>::try_from(low), <&[u8; 16]>::try_from(high)) else {
            break;
        };
        let (low, high) = (last_letter_lanes(low), last_letter_lanes(high));
        if (low | high).to_bitmask() != 0 {
            for (k, lanes) in [low, high].into_iter().enumerate() {
                let mut ends = lanes.to_bitmask();
                while ends != 0 {
                    if may_end(at + 16 * k + ends.trailing_zeros() as usize) {
                        return true;
                    }
                    ends &= ends - 1;
                }
            }
        }
        at += 32;
    }
    let mut chunks = bytes.get(at..).unwrap_or_default().chunks_exact(16);
    for chunk in &mut chunks {
        let mut ends = <&[u8; 16]>::try_from(chunk).map_or(0, last_letter_mask);
        while ends != 0 {
            if may_end(at + ends.trailing_zeros() as usize) {
                return true;
            }
            ends &= ends - 1;
        }
        at += 16;
    }
    let tail = chunks.remainder();
    (0..tail.len()).any(|i| matches!(tail[i] | 0x20, b's' | b'e') && may_end(at + i))
}

/// Bit `i` set where `chunk[i]` is an `s` or an `e` in any case: the last
/// letters of the last words of the nouns of `COUNT_EN`.
#[inline(always)]
fn last_letter_mask(chunk: &[u8; 16]) -> u32 {
    last_letter_lanes(chunk).to_bitmask()
}

/// The lanes of [`last_letter_mask`], all ones where its bit is set.
#[inline(always)]
fn last_letter_lanes(chunk: &[u8; 16]) -> wide::i8x16 {
    use wide::i8x16;
    let lower = crate::byte_scan::load16(chunk) | i8x16::splat(0x20);
    lower.simd_eq(i8x16::splat(b's' as i8)) | lower.simd_eq(i8x16::splat(b'e' as i8))
}

/// Whether the run of ASCII letters ending at byte `last` of `bytes` (a
/// letter followed by none) is a last word of a noun of `COUNT_EN`.
#[inline(always)]
fn is_noun_end_at(bytes: &[u8], last: usize) -> bool {
    let end = last + 1;
    let mut start = end;
    while start > 0 && end - start <= MAX_NOUN_END && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    let word = &bytes[start..end];
    (MIN_NOUN_END..=MAX_NOUN_END).contains(&word.len())
        && (start == 0 || !bytes[start - 1].is_ascii_alphabetic())
        && COUNT_NOUN_ENDS_BY_LEN
            .get(word.len())
            .is_some_and(|ns| ns.iter().any(|n| word.eq_ignore_ascii_case(n)))
}

/// English counts (`180,000 customers`) into `out`.
fn count_en_hits(text: &str, out: &mut Vec<CountHit>) {
    let english = has_ascii_letters(text, 8);
    // Case-insensitive matching takes the long s (`ſ`) for `s`: a text holding one
    // is searched whatever its nouns. `ſ` is C5 BF: a search for the rare C5
    // spares one for the common BF, and memchr's vector search one byte at a time.
    let long_s = || memchr::memchr(0xC5, text.as_bytes()).is_some() && text.contains('ſ');
    // Without one, no search at all: even on no text the regex's capture
    // search takes a cache and allocates its slots.
    if !(english && (has_count_noun(text) || long_s())) {
        return;
    }
    for c in COUNT_EN.captures_iter(text) {
        let (Some(m), Some(n), Some(what)) = (c.get(0), c.get(2), c.get(4)) else {
            continue;
        };
        let Ok(v) = n.as_str().replace(',', "").parse::<f64>() else {
            continue;
        };
        let count = (v * scale(c.get(3).map(|x| x.as_str()))).round() as u64;
        if count == 0
            || (1900..=2100).contains(&count) && c.get(3).is_none() && !n.as_str().contains(',')
        {
            continue;
        }
        let unit = what.as_str().rsplit(' ').next().unwrap_or("").to_string();
        let q = c.get(1).map(|x| x.as_str().trim().to_ascii_lowercase());
        out.push(CountHit {
            start: m.start(),
            end: m.end(),
            count,
            unit,
            max: q.as_deref() == Some("up to"),
        });
    }
}

/// The amount of one `MONEY_JA` match found in the run starting at `at`,
/// unless it is the tail of a longer number.
fn money_ja_hit(text: &str, at: usize, c: &regex::Captures<'_>) -> Option<MoneyHit> {
    let (m, n) = (c.get(0)?, c.get(1)?);
    if text[..at + n.start()]
        .chars()
        .next_back()
        .is_some_and(|p| p.is_ascii_digit() || p == '.')
    {
        return None;
    }
    let base = parse_ja_number(n.as_str())?;
    let factor: u64 = match c.get(2).map(|x| x.as_str()) {
        Some("百万") => 1_000_000,
        Some("千万") => 10_000_000,
        Some("千") => 1_000,
        _ => 1,
    };
    let currency = match c.get(3).map(|x| x.as_str()) {
        Some("円") => "JPY",
        Some("ユーロ") => "EUR",
        _ => "USD",
    };
    Some(MoneyHit {
        start: at + m.start(),
        end: at + m.end(),
        amount: base.saturating_mul(factor),
        currency,
    })
}

/// The currencies of `MONEY_JA`, one of which every match holds (`米ドル`
/// holds `ドル`), and the currency symbols of `MONEY_EN` (`US$` holds `$`).
const CURRENCY_WORDS: [&str; 3] = ["円", "ドル", "ユーロ"];
const CURRENCY_SYMBOLS: [&str; 4] = ["$", "€", "£", "¥"];

/// The first bytes of the currency words (`next_currency_word` looks for them first).
const CURRENCY_WORD_LEADS: [u8; 2] = [0xE3, 0xE5];

/// A packed searcher for the currency words (vectorised, built once), one
/// pass over a text without one instead of one for each; `None` where the
/// packed searcher is not to be had. (One searcher for both words and symbols
/// costs many times more: its one-byte `$` makes every byte that starts a
/// word's character, common in Japanese text, a candidate to check.)
static CURRENCY_WORD_FINDER: Lazy<Option<aho_corasick::packed::Searcher>> =
    Lazy::new(|| aho_corasick::packed::Searcher::new(CURRENCY_WORDS));

/// The first byte at or after `from` of `bytes` where a currency word of
/// `MONEY_JA` starts.
fn next_currency_word(bytes: &[u8], from: usize) -> Option<usize> {
    // First to the lead byte of a kana or of a kanji of U+5000..U+5FFF
    // (every currency word starts with one, a test holds them to these): memchr's
    // two-byte search costs a fraction of the packed one, and a text
    // without either (most English text) is done with.
    let from = from
        + memchr::memchr2(
            CURRENCY_WORD_LEADS[0],
            CURRENCY_WORD_LEADS[1],
            bytes.get(from..)?,
        )?;
    let rest = bytes.get(from..)?;
    let at = match CURRENCY_WORD_FINDER.as_ref() {
        Some(finder) => finder.find(rest).map(|m| m.start()),
        None => CURRENCY_WORDS
            .iter()
            .filter_map(|w| memchr::memmem::find(rest, w.as_bytes()))
            .min(),
    }?;
    Some(from + at)
}

/// The maximal runs of characters `MONEY_JA` can hold (see `number_runs`)
/// that hold a currency word: every match holds one, and no match crosses a
/// character the pattern cannot hold, so the matches in these runs, in
/// order, are the matches in the whole text. The currency words are found
/// by one packed search, which most texts (without one) need anyway, and
/// each run is walked out from its word: no walk over the text's other
/// numbers, as `number_runs` would.
fn currency_word_runs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(word) = next_currency_word(bytes, from) {
        // The character at `from` (the one ending the last run) is not held:
        // the run holding `word` starts after it.
        let start = run_start(bytes, from, word, in_money_ja);
        let end = held_run_end(bytes, word, in_money_ja);
        runs.push((start, end));
        // Past the run: a currency word starts with a held character, so
        // none starts at `end`, and `end` moves on past `word`.
        from = end.max(word + 1);
    }
    runs
}

/// The end of the run of characters a Japanese number pattern can hold (see
/// `may_be_in_number`) going on from byte `at` (a char boundary).
fn held_run_end(bytes: &[u8], mut at: usize, holds: impl Fn(char) -> bool + Copy) -> usize {
    loop {
        at += ascii_in_number_len(bytes.get(at..).unwrap_or_default());
        match char_at(bytes, at) {
            Some((u, len)) if may_be_in_number_at(u, holds) => at += len,
            _ => return at,
        }
    }
}

/// Whether `bytes` hold a currency symbol of `MONEY_EN`: a search for the
/// first bytes of the symbols (`$`, C2 for `£` and `¥`, E2 for `€`), each
/// place looked at with the bytes after it. Outside English text those
/// bytes are rare, and memchr's three-byte search costs a fraction of a
/// packed search for the symbols, whose one-byte `$` leaves it no
/// fingerprint to skip by.
fn has_currency_symbol(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(k) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr3(b'$', 0xC2, 0xE2, rest))
    {
        let at = from + k;
        let rest = bytes.get(at..).unwrap_or_default();
        if CURRENCY_SYMBOLS
            .iter()
            .any(|w| rest.starts_with(w.as_bytes()))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

pub fn find_money(text: &str) -> Vec<MoneyHit> {
    let mut out = Vec::new();
    for (rs, re) in currency_word_runs(text) {
        for c in MONEY_JA.captures_iter(&text[rs..re]) {
            if let Some(hit) = money_ja_hit(text, rs, &c) {
                out.push(hit);
            }
        }
    }
    // Without a currency symbol, no search at all (see `count_en_hits`).
    if has_currency_symbol(text.as_bytes()) {
        money_en_hits(text, &mut out);
    }
    out.sort_by_key(|h| h.start);
    out
}

/// English amounts (`$1.25 million`, `€30,000`) into `out` (a text with a
/// currency symbol).
fn money_en_hits(text: &str, out: &mut Vec<MoneyHit>) {
    for c in MONEY_EN.captures_iter(text) {
        let (Some(m), Some(n)) = (c.get(0), c.get(2)) else {
            continue;
        };
        let Ok(v) = n.as_str().replace(',', "").parse::<f64>() else {
            continue;
        };
        let amount = (v * scale(c.get(3).map(|x| x.as_str()))).round() as u64;
        let currency = match &c[1] {
            "€" => "EUR",
            "£" => "GBP",
            "¥" => "JPY",
            _ => "USD",
        };
        if amount > 0 {
            out.push(MoneyHit {
                start: m.start(),
                end: m.end(),
                amount,
                currency,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::count_ja::COUNT_JA;
    use super::*;

    fn counts(t: &str) -> Vec<u64> {
        find_counts(t).into_iter().map(|c| c.count).collect()
    }
    fn money(t: &str) -> Vec<u64> {
        find_money(t).into_iter().map(|c| c.amount).collect()
    }

    #[test]
    fn japanese_counts() {
        assert_eq!(
            counts("2,312件、39万件、1万1379件、最大10,450件、約1000人分"),
            [2312, 390000, 11379, 10450, 1000]
        );
        assert_eq!(counts("顧客最大2110人分の情報"), [2110]);
        assert!(find_counts("最大1,846名")[0].max);
        assert_eq!(counts("17世帯37人分、500通"), [17, 37, 500]);
        assert_eq!(counts("最大4万5千件、約3千人"), [45000, 3000]);
        assert_eq!(money("被害額は5千万円"), [50_000_000]);
    }

    #[test]
    fn staff_batches_and_ages_are_not_counts() {
        assert!(
            counts("従業員1人のパソコン、200件ずつ送信、作業員1名(71歳)、パソコン8台、3日間")
                .is_empty()
        );
        assert_eq!(counts("700回にわたって送信、106回アクセス"), [106]);
    }

    #[test]
    fn money_forms() {
        assert_eq!(money("合計6億8300万円"), [683_000_000]);
        assert_eq!(money("3億8,000万円の被害"), [380_000_000]);
        assert_eq!(money("その他費用に168百万円"), [168_000_000]);
        assert_eq!(money("125万ドルの罰金"), [1_250_000]);
        assert_eq!(
            money("a $1.25 million fine and $50,000"),
            [1_250_000, 50_000]
        );
        assert_eq!(money("約2億円"), [200_000_000]);
    }

    #[test]
    fn currency_words_start_with_their_lead_bytes() {
        for w in CURRENCY_WORDS {
            assert!(CURRENCY_WORD_LEADS.contains(&w.as_bytes()[0]), "{w}");
        }
    }

    /// The spans of the matches of `re` in `text` searched as a whole and
    /// searched run by run.
    fn whole_and_by_runs(
        re: &Regex,
        text: &str,
        holds: fn(char) -> bool,
        needs: fn(char) -> bool,
    ) -> (Vec<Span>, Vec<Span>) {
        let whole = re.find_iter(text).map(|m| (m.start(), m.end())).collect();
        let by_runs = number_runs(text, holds, needs)
            .into_iter()
            .flat_map(|(s, e)| {
                re.find_iter(&text[s..e])
                    .map(move |m| (s + m.start(), s + m.end()))
            })
            .collect();
        (whole, by_runs)
    }

    #[test]
    fn runs_find_what_the_whole_text_finds() {
        const PIECES: [&str; 30] = [
            "1",
            "23",
            "4,5",
            ".",
            ",",
            " ",
            "\u{3000}",
            "\u{a0}",
            "٣",
            "約",
            "最大",
            "少なくとも",
            "件",
            "人",
            "名",
            "世帯",
            "事業者",
            "アカウント",
            "回",
            "分",
            "万",
            "億",
            "千",
            "円",
            "ドル",
            "米ドル",
            "ユーロ",
            "百万",
            "の",
            "x",
        ];
        let mut next = crate::test_random::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..40_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 12);
            let (whole, runs) = whole_and_by_runs(&COUNT_JA, &text, in_count_ja, starts_count_unit);
            assert_eq!(whole, runs, "COUNT_JA on {text:?}");
            let (whole, runs) = whole_and_by_runs(&MONEY_JA, &text, in_money_ja, starts_currency);
            assert_eq!(whole, runs, "MONEY_JA on {text:?}");
            let by_words: Vec<Span> = currency_word_runs(&text)
                .into_iter()
                .flat_map(|(s, e)| {
                    MONEY_JA
                        .find_iter(&text[s..e])
                        .map(move |m| (s + m.start(), s + m.end()))
                })
                .collect();
            assert_eq!(whole, by_words, "MONEY_JA by currency words on {text:?}");
        }
    }

    /// The integer reading of a number's parts gives what the float parser
    /// gives.
    #[test]
    fn parts_read_as_integers_parse_as_floats() {
        let parts = [
            "",
            ",",
            "0",
            "7",
            "1,200",
            "12,,3",
            ",5",
            "5,",
            "1.5",
            "1.",
            ".5",
            "+3",
            "-3",
            "999999999999999",
            "9999999999999999",
            "12345678901234567890",
            "1e3",
            "٣",
            "１",
            "0012",
            "inf",
            "NaN",
        ];
        for p in parts {
            let float: Option<f64> = p.replace(',', "").parse().ok();
            assert_eq!(
                parse_part(p).map(f64::to_bits),
                float.map(f64::to_bits),
                "{p:?}"
            );
        }
        for n in (0..200_000u64)
            .step_by(7)
            .chain([u64::from(u32::MAX), 999_999_999_999_999])
        {
            let p = n.to_string();
            assert_eq!(parse_part(&p), p.parse().ok(), "{p}");
        }
    }

    #[test]
    fn run_characters_cover_the_patterns() {
        let cjk = |c: &char| ('\u{3001}'..='\u{9FFF}').contains(c);
        for c in COUNT_JA.as_str().chars().filter(cjk) {
            assert!(in_count_ja(c), "{c} of COUNT_JA");
        }
        for c in MONEY_JA.as_str().chars().filter(cjk) {
            assert!(in_money_ja(c), "{c} of MONEY_JA");
        }
    }

    /// What `has_count_noun` looks for, word by word.
    fn has_count_noun_by_words(text: &str) -> bool {
        text.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
            COUNT_NOUN_ENDS
                .iter()
                .any(|n| w.as_bytes().eq_ignore_ascii_case(n.as_bytes()))
        })
    }

    #[test]
    fn noun_ends_are_found_by_their_last_letters() {
        for n in COUNT_NOUN_ENDS.iter() {
            assert!((MIN_NOUN_END..=MAX_NOUN_END).contains(&n.len()), "{n}");
            assert!(n.ends_with('s') || n.ends_with('e'), "{n}");
            assert!(n.bytes().all(|b| b.is_ascii_lowercase()), "{n}");
        }
        const PIECES: [&str; 16] = [
            "cards",
            "CARDS",
            "Users",
            "people",
            "peoplex",
            "xusers",
            "s",
            "e",
            "ab",
            "x",
            " ",
            "1",
            "_",
            "日本",
            "ſ",
            "addresses",
        ];
        let mut next = crate::test_random::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..40_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 14);
            assert_eq!(
                has_count_noun(&text),
                has_count_noun_by_words(&text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn currency_symbols_are_found_by_their_first_bytes() {
        // The first bytes searched for are those of the symbols.
        let firsts: Vec<u8> = CURRENCY_SYMBOLS.iter().map(|w| w.as_bytes()[0]).collect();
        assert!(firsts.iter().all(|b| [b'$', 0xC2, 0xE2].contains(b)));
        const PIECES: [&str; 12] = [
            "$", "€", "£", "¥", "US", "a", " ", "日本", "¢", "‰", "→", "\u{a0}",
        ];
        let mut next = crate::test_random::xorshift(0x7A3C_0DE5_11A9_3B01);
        for _ in 0..20_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 30);
            let by_search = CURRENCY_SYMBOLS.iter().any(|w| text.contains(w));
            assert_eq!(has_currency_symbol(text.as_bytes()), by_search, "{text:?}");
        }
    }

    #[test]
    fn count_units_start_with_the_bytes_looked_for() {
        let cjk = |c: &char| ('\u{3001}'..='\u{9FFF}').contains(c);
        for c in (0x3000..0xA000).filter_map(char::from_u32).filter(cjk) {
            if starts_count_unit(c) {
                let lead = c.to_string().as_bytes()[0];
                assert!(COUNT_UNIT_LEADS.contains(&lead), "{c}");
            }
        }
        assert!(has_byte_in("a".repeat(40).as_bytes(), 0x61..=0x61));
        assert!(has_byte_in(
            ("b".repeat(40) + "件").as_bytes(),
            COUNT_UNIT_LEADS
        ));
        assert!(!has_byte_in(
            "abc 123 ü ſ".repeat(9).as_bytes(),
            COUNT_UNIT_LEADS
        ));
    }

    #[test]
    fn english_counts_need_their_nouns() {
        assert!(has_count_noun("9 Credit CARDS."));
        assert!(!has_count_noun("cardstock userss"));
        assert!(has_ascii_letters("a日b本c d e f g h", 8));
        assert!(!has_ascii_letters("abc日本語1234567", 8));
    }

    #[test]
    fn english_counts() {
        assert_eq!(
            counts("affecting 180,000 customers and 9.4 million passengers"),
            [180_000, 9_400_000]
        );
        assert!(counts("In 2019 users").is_empty());
    }
}
