//! Splitting a document into articles.
//!
//! A file may be one notice, a digest of many articles, a weekly round-up or a
//! column. Lines that stand alone between blank lines and do not end a
//! sentence are headings; each heading opens a section. A section that names
//! an organisation of its own (in its heading or its lead sentence) opens a new
//! article; one that does not (`経緯`, `流出した情報`, a company profile of the
//! same victim) continues the article before it. A `出典:` line closes an article.

use once_cell::sync::Lazy;

/// `。`, found by a vectorised search (a char search stops at every byte
/// that shares its last byte `82`, common in Japanese text).
static MARU: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("。"));

/// A line of the normalised text, byte offsets without its newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub end: usize,
}

pub fn lines(text: &str) -> Vec<Line> {
    // Lines average far more than 64 bytes: room for that many saves most
    // of the copying a growing vector does.
    let mut out = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    for_each_newline(text.as_bytes(), |i| {
        out.push(Line { start, end: i });
        start = i + 1;
    });
    out.push(Line {
        start,
        end: text.len(),
    });
    out
}

/// Calls `f` with the offset of every `\n` of `bytes`, in order. Lines are
/// short (a blank line is one byte): a mask of the newlines of 64 bytes at a
/// time, its bits taken one by one, costs less per line than restarting a
/// search after each, and a block of 64 (most hold no newline) one test.
fn for_each_newline(bytes: &[u8], mut f: impl FnMut(usize)) {
    let mut at = 0;
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        let mut hits = newline_mask(block);
        while hits != 0 {
            f(at + hits.trailing_zeros() as usize);
            hits &= hits - 1;
        }
        at += 64;
    }
    for (i, &b) in blocks.remainder().iter().enumerate() {
        if b == b'\n' {
            f(at + i);
        }
    }
}

/// Bit `i` set where byte `i` of a 64-byte `block` is `\n`.
#[inline(always)]
fn newline_mask(block: &[u8]) -> u64 {
    let mut mask = 0u64;
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let bits = <&[u8; 16]>::try_from(chunk).map_or(0, |c| {
            let v = crate::byte_scan::load16(c);
            v.simd_eq(wide::i8x16::splat(b'\n' as i8)).to_bitmask() & 0xFFFF
        });
        mask |= u64::from(bits) << (16 * k);
    }
    mask
}

/// The number of characters of `s`, counted no further than `cap` (a long
/// paragraph needs not be counted to know it is longer than a heading).
fn chars_up_to(s: &str, cap: usize) -> usize {
    // A character is at most 4 bytes: a head of `4 * cap - 3` bytes or more
    // holds at least `cap` whole characters (a long line needs no count).
    if s.len() >= cap.saturating_mul(4) {
        return cap;
    }
    let mut head = s.len().min(cap.saturating_mul(4));
    while !s.is_char_boundary(head) {
        head -= 1;
    }
    s[..head].chars().count().min(cap)
}

/// A blank line, or a rule drawn with dashes or box characters. Inlined:
/// most lines asked about are answered by their first byte (or by being
/// empty), and the call cost more than that answer.
#[inline(always)]
fn is_blank(text: &str, l: &Line) -> bool {
    // A blank line is empty or starts with white space (`09`..`0D`, `20`,
    // or a char with the first byte `C2`, `E1`, `E2` or `E3 80 80`) or a
    // rule char (`-`, `=`, `_`, `*`, `~`, first bytes `E2`, `EF`, or `・`
    // `E3 83 BB`): any other first byte says no at once.
    match text.as_bytes().get(l.start..l.end) {
        Some([]) => return true,
        Some(
            [0x09..=0x0D | 0x20 | b'-' | b'=' | b'_' | b'*' | b'~' | 0xC2 | 0xE1 | 0xE2 | 0xEF, ..]
            | [0xE3, 0x80, 0x80, ..]
            | [0xE3, 0x83, 0xBB, ..],
        )
        | None => {}
        _ => return false,
    }
    is_blank_after_first_byte(text.get(l.start..l.end).unwrap_or_default())
}

/// [`is_blank`] of a `line` whose first byte may start a space or a rule
/// char (rare: kept out of line).
#[inline(never)]
fn is_blank_after_first_byte(line: &str) -> bool {
    // A line indented with white space (`　本文…`) is not blank when its
    // first other char is no rule char: nothing more need be read.
    let t = line.trim_start();
    if t.chars().next().is_some_and(|c| !is_rule_char(c)) {
        return false;
    }
    let t = t.trim_end();
    t.is_empty() || t.chars().all(is_rule_char)
}

/// Whether `s` starts with a white-space char (`char::is_whitespace`), read
/// from its UTF-8 bytes: U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680,
/// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
#[inline]
fn starts_with_space(s: &[u8]) -> bool {
    // Only these first bytes start a white-space char: most lines are
    // answered by one look at their first byte.
    match s.first() {
        Some(0x09..=0x0D | 0x20) => return true,
        Some(0xC2 | 0xE1 | 0xE2 | 0xE3) => {}
        _ => return false,
    }
    matches!(
        s,
        [0x09..=0x0D | 0x20, ..]
            | [0xC2, 0x85 | 0xA0, ..]
            | [0xE1, 0x9A, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
            | [0xE2, 0x81, 0x9F, ..]
            | [0xE3, 0x80, 0x80, ..]
    )
}

/// The length in bytes of the white-space char (as [`starts_with_space`])
/// `s` starts with, 0 if it starts with none.
#[inline]
pub(crate) fn space_len(s: &[u8]) -> usize {
    match s {
        [0x09..=0x0D | 0x20, ..] => 1,
        [0xC2, 0x85 | 0xA0, ..] => 2,
        [0xE1, 0x9A, 0x80, ..]
        | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
        | [0xE2, 0x81, 0x9F, ..]
        | [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Whether `s` ends with a white-space char (the same chars as [`starts_with_space`]).
#[inline]
fn ends_with_space(s: &[u8]) -> bool {
    // Every white-space char ends in one of these bytes: most lines are
    // answered by one look at their last byte.
    match s.last() {
        Some(0x09..=0x0D | 0x20) => return true,
        Some(0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF) => {}
        _ => return false,
    }
    matches!(
        s,
        [.., 0x09..=0x0D | 0x20]
            | [.., 0xC2, 0x85 | 0xA0]
            | [.., 0xE1, 0x9A, 0x80]
            | [.., 0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
            | [.., 0xE2, 0x81, 0x9F]
            | [.., 0xE3, 0x80, 0x80]
    )
}

/// `str::trim`, answered from a few bytes when neither end is white space
/// (most lines), which saves decoding a char at each end.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if !starts_with_space(b) && !ends_with_space(b) {
        return s;
    }
    s.trim()
}

/// The chars a rule is drawn with.
fn is_rule_char(c: char) -> bool {
    matches!(
        c,
        '―' | '-' | '=' | '━' | '─' | '_' | '*' | '~' | '＝' | '・'
    )
}

/// Whether line `i` reads as a heading.
pub fn is_heading(text: &str, lines: &[Line], i: usize) -> bool {
    let l = &lines[i];
    is_heading_trimmed(text, lines, i, trim(&text[l.start..l.end]))
}

/// [`is_heading`] given line `i` trimmed (`s`), which the caller has at hand.
fn is_heading_trimmed(text: &str, lines: &[Line], i: usize, s: &str) -> bool {
    heading_between(s, || {
        (i == 0 || is_blank(text, &lines[i - 1]))
            && (i + 1 >= lines.len() || is_blank(text, &lines[i + 1]))
    })
}

/// Whether a trimmed line `s` reads as a heading; `between_blanks` says
/// whether the lines beside it are blank (asked at most once).
fn heading_between(s: &str, between_blanks: impl FnOnce() -> bool) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    if matches!(
        first,
        '・' | '•' | '○' | '※' | '*' | '(' | '①' | '〇' | '<' | '>' | '|'
    ) || s.starts_with("出典")
    {
        return false;
    }
    // Fewer than 2 bytes hold fewer than 2 chars: too short for a heading
    // (most such lines are the blank ones between paragraphs).
    if s.len() < 2 {
        return false;
    }
    // `■ 見出し` / `◆ 見出し` / `【見出し】`: a marked heading may run straight into its text.
    let mark = matches!(first, '■' | '□' | '◆' | '◇' | '●' | '▼' | '▶' | '【');
    // An unmarked heading stands between blank lines. The neighbours are asked
    // first: most lines of a text have some, and then nothing else need be read.
    let stands_alone = between_blanks();
    if !mark && !stands_alone {
        return false;
    }
    // More than 480 bytes hold more than 120 chars (a char is at most 4
    // bytes): a paragraph, not a heading, known without counting.
    if s.len() > 4 * 120 {
        return false;
    }
    // A heading is one phrase: a 。 inside it makes it a sentence; a title may end
    // with one (`…行政処分を受ける。`) when it is short. Asked before the chars
    // are counted: most paragraphs stop here.
    let inner = s.trim_end_matches('。');
    if s.ends_with('、') || MARU.find(inner.as_bytes()).is_some() {
        return false;
    }
    // 32 to 120 bytes hold 8 to 120 chars (a char is 1 to 4 bytes): without
    // a final `。` every test below passes, known without counting (most headings).
    if (32..=120).contains(&s.len()) && !s.ends_with('。') {
        return true;
    }
    // Only `2..=120`, `> 60` and `>= 8` are asked of `n`: 121 stands for any longer line.
    let n = chars_up_to(s, 121);
    if !(2..=120).contains(&n) || (s.ends_with('。') && n > 60) {
        return false;
    }
    (mark && n >= 8) || stands_alone
}

/// A bulleted news item of a digest (`・11日、X社が…と発表した。`): a bullet and
/// at least one whole sentence. Each item is a section of its own.
pub fn is_news_item(line: &str) -> bool {
    if !starts_with_bullet(line) {
        return false;
    }
    // The bullets `-` and `*` are one byte long, the others three.
    let bullet_len = if line.as_bytes()[0] < 0x80 { 1 } else { 3 };
    let Some(rest) = line.get(bullet_len..) else {
        return false;
    };
    // The length first: it reads at most 120 bytes, the search for `。` may read the whole line.
    // 30 chars take at least 30 bytes: most list items (`・氏名`) are
    // shorter, known without decoding a char.
    rest.len() >= 30
        && rest.starts_with(|c: char| !c.is_whitespace() || c == ' ')
        && chars_up_to(rest, 30) >= 30
        && MARU.find(rest.as_bytes()).is_some()
}

/// Whether `line` starts with a bullet of [`is_news_item`], read from its
/// UTF-8: `-`, `*`, `・` E3 83 BB, `•` E2 80 A2, `●` E2 97 8F, `○` E2 97 8B,
/// `◆` E2 97 86, `◇` E2 97 87, `▼` E2 96 BC. Most lines do not (a line of
/// kana starts with `E3` too), and need no call.
#[inline]
fn starts_with_bullet(line: &str) -> bool {
    matches!(
        line.as_bytes(),
        [b'-' | b'*', ..]
            | [0xE3, 0x83, 0xBB, ..]
            | [0xE2, 0x80, 0xA2, ..]
            | [0xE2, 0x97, 0x8F | 0x8B | 0x86 | 0x87, ..]
            | [0xE2, 0x96, 0xBC, ..]
    )
}

/// A section: a heading line (if any) and the text after it up to the next heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub start: usize,
    pub heading_end: usize,
    pub end: usize,
    /// The section ends an article (`出典:` closes it).
    pub closes: bool,
}

impl Section {
    pub fn heading<'a>(&self, text: &'a str) -> &'a str {
        text[self.start..self.heading_end].trim()
    }
    pub fn body<'a>(&self, text: &'a str) -> &'a str {
        &text[self.heading_end..self.end]
    }
}

/// Sections of `text[range]`.
pub fn sections(text: &str, from: usize, to: usize) -> Vec<Section> {
    sections_in(text, &lines(text), from, to)
}

/// [`sections`] given the lines of `text` ([`lines`]): the caller splits
/// the text once for all its ranges and its tables.
pub fn sections_in(text: &str, all: &[Line], from: usize, to: usize) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::with_capacity(8);
    let mut cur: Option<Section> = None;
    let blank_at = |j: usize| is_blank(text, &all[j]);
    // Lines are in order, their starts and ends rising: those of the range
    // are one run, found by a binary search for its first.
    let first = all.partition_point(|l| l.start < from);
    for (i, &l) in all.iter().enumerate().skip(first) {
        if l.end > to {
            break;
        }
        // An empty line (most often between paragraphs) opens nothing and
        // closes nothing: it only extends the section it stands in.
        if l.start == l.end {
            if let Some(c) = cur.as_mut() {
                c.end = l.end;
            }
            continue;
        }
        let line = trim(&text[l.start..l.end]);
        let news_item = cur.is_some() && starts_with_bullet(line) && is_news_item(line);
        let between_blanks =
            || (i == 0 || blank_at(i - 1)) && (i + 1 >= all.len() || blank_at(i + 1));
        if news_item || heading_between(line, between_blanks) {
            // A heading line is the section's heading; a news item has none.
            let heading_end = if news_item { l.start } else { l.end };
            if let Some(mut c) = cur.take() {
                c.end = l.start;
                out.push(c);
            }
            cur = Some(Section {
                start: l.start,
                heading_end,
                end: l.end,
                closes: false,
            });
        } else if cur.is_none() && !line.is_empty() {
            cur = Some(Section {
                start: l.start,
                heading_end: l.start,
                end: l.end,
                closes: false,
            });
        }
        if let Some(c) = cur.as_mut() {
            c.end = l.end;
            if line.starts_with("出典") {
                c.closes = true;
            }
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_open_sections_and_sources_close_them() {
        let t = "ミナト精工 不正アクセスの調査結果\n\nミナト精工は5/10、調査結果を公表しました。詳細は以下の通りです。\n\n流出した情報\n\n氏名と住所です。電話番号も含まれます。\n出典:ミナト精工\n\n別の記事\n\n本文です。以上。";
        let s = sections(t, 0, t.len());
        let heads: Vec<&str> = s.iter().map(|x| x.heading(t)).collect();
        assert_eq!(
            heads,
            [
                "ミナト精工 不正アクセスの調査結果",
                "流出した情報",
                "別の記事"
            ]
        );
        assert!(s[1].closes);
        assert!(!s[0].closes);
    }

    #[test]
    fn sentences_and_list_items_are_not_headings() {
        let t = "\n氏名と住所です。電話番号も含まれます。\n\n・氏名\n\n短い見出し\n\n多数の被害を生んだ事業者が行政処分を受ける。\n";
        let ls = lines(t);
        assert!(!is_heading(t, &ls, 1));
        assert!(!is_heading(t, &ls, 3));
        assert!(is_heading(t, &ls, 5));
        // A short news title may end with 。
        assert!(is_heading(t, &ls, 7));
    }

    #[test]
    fn lines_split_at_every_newline() {
        let mut texts: Vec<String> = vec![String::new(), "\n".into(), "\n\n\n".into()];
        for n in 0..40 {
            // Newlines at every offset of a word, between ASCII, kana and bytes with the high bit set.
            let t: String = (0..n)
                .map(|k| match (k * 7 + n) % 5 {
                    0 => '\n',
                    1 => 'a',
                    2 => 'あ',
                    3 => '\u{8a}',
                    _ => '\u{0b}',
                })
                .collect();
            texts.push(t);
        }
        for t in &texts {
            let want: Vec<(usize, usize)> = {
                let mut v = Vec::new();
                let mut start = 0;
                for part in t.split('\n') {
                    v.push((start, start + part.len()));
                    start += part.len() + 1;
                }
                v
            };
            let got: Vec<(usize, usize)> = lines(t).iter().map(|l| (l.start, l.end)).collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn byte_tests_agree_with_the_char_tests() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            for t in [
                s.clone(),
                format!("a{s}"),
                format!("{s}a"),
                format!("・{s}x"),
            ] {
                let b = t.as_bytes();
                assert_eq!(
                    starts_with_space(b),
                    t.starts_with(char::is_whitespace),
                    "{t:?}"
                );
                assert_eq!(
                    ends_with_space(b),
                    t.ends_with(char::is_whitespace),
                    "{t:?}"
                );
                assert_eq!(trim(&t), t.trim(), "{t:?}");
                let first_len = t.chars().next().map_or(0, char::len_utf8);
                let want = if t.starts_with(char::is_whitespace) {
                    first_len
                } else {
                    0
                };
                assert_eq!(space_len(b), want, "{t:?}");
            }
        }
        let bullets = ['・', '•', '●', '○', '◆', '◇', '-', '*', '▼'];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let line = format!("{c}一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十。");
            assert_eq!(is_news_item(&line), bullets.contains(&c), "{c:?}");
        }
    }

    #[test]
    fn blank_lines_are_found_as_by_trimming() {
        let firsts = [
            "", " ", "\t", "\u{3000}", "\u{a0}", "\u{2003}", "-", "=", "_", "*", "~", "―", "━",
            "─", "＝", "・", "a", "あ", "本", "■", "【", "\u{1680}", "\u{ff01}", "\u{3001}",
        ];
        let mut t = String::new();
        for a in firsts {
            for b in ["", " ", "-", "x", "・", "\u{3000}"] {
                t.push_str(&format!("{a}{b}\n"));
            }
        }
        let ls = lines(&t);
        for l in &ls {
            let line = &t[l.start..l.end];
            let want = {
                let s = line.trim();
                s.is_empty() || s.chars().all(is_rule_char)
            };
            assert_eq!(is_blank(&t, l), want, "{line:?}");
        }
    }

    #[test]
    fn bounded_char_count_is_exact_below_the_cap() {
        let texts = [
            "",
            "a",
            "あいう",
            "é😀x",
            &"あ".repeat(200),
            &"ab😀".repeat(50),
        ];
        for t in texts {
            for cap in [0, 1, 2, 3, 29, 30, 60, 61, 120, 121, 500] {
                assert_eq!(
                    chars_up_to(t, cap),
                    t.chars().count().min(cap),
                    "{t:?} {cap}"
                );
            }
        }
    }
}
