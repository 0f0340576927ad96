//! Normalisation that never loses offsets.
//!
//! Extraction runs on a folded copy of the text: full-width ASCII becomes ASCII,
//! the many dash, tilde and bracket forms become one each, spaces inside
//! numbers and dates (`2020 年 2 月`) go, and a line break inside a Japanese
//! sentence (text taken from PDFs: `第三者によ` / `る不正アクセス`) is joined.
//! Every byte of the folded text remembers the character of the original it
//! came from, so any match maps back to `[start, end)` character offsets of
//! the decoded document, which is what records and evidence report.

/// The folded text and its map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`, the original character index it came from;
    /// one extra entry at the end holds the original length in characters.
    origin: Vec<u32>,
}

impl Normalized {
    /// Original character offsets of the folded byte range `[start, end)`.
    pub fn orig_span(&self, start: usize, end: usize) -> (usize, usize) {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let s = self.origin[start] as usize;
        if end == start {
            return (s, s);
        }
        // The end is one past the original character of the last folded character.
        let mut last = end - 1;
        while !self.text.is_char_boundary(last) {
            last -= 1;
        }
        let e = self.origin[last] as usize + 1;
        (s, e.max(s))
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Characters that follow a number in a date or a count (`2020 年`, `1133 件`).
const UNIT_AFTER: &str = "年月日件名人世台円万億時分";
/// Characters after which a number goes on a date (`年 2 月`, `令和 4 年`).
const UNIT_BEFORE: &str = "年月和成日";

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
/// of any text) are copied whole; only spaces, line breaks and the characters
/// of the folding tables look at their neighbours.
pub fn normalize_with(text: &str, join_wraps: bool) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let bytes = text.as_bytes();
    // The original character before the one at `i`, its index, and the line so far.
    let mut prev = '\n';
    let mut at: usize = 0;
    let mut line = LineSoFar::default();
    let mut i = 0;
    while i < bytes.len() {
        let (run_end, run_chars) = copy_plain_run(text, i, at, &mut out, &mut origin);
        if run_chars > 0 {
            if line.len == 0 {
                line.first = text[i..].chars().next().unwrap_or('\n');
            }
            line.len += run_chars;
            prev = text[..run_end].chars().next_back().unwrap_or('\n');
            at += run_chars;
            i = run_end;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        let next = text[i + clen..].chars().next().unwrap_or('\n');
        if !drops(c, prev, next, join_wraps, &line) {
            push_folded(&mut out, &mut origin, c, at as u32);
        }
        if c == '\n' {
            line = LineSoFar::default();
        } else {
            line.push(c);
        }
        prev = c;
        at += 1;
        i += clen;
    }
    origin.push(at as u32);
    Normalized { text: out, origin }
}

/// Length in characters and first character of the original line read so far.
#[derive(Debug, Clone, Copy)]
struct LineSoFar {
    len: usize,
    first: char,
}

impl Default for LineSoFar {
    fn default() -> Self {
        LineSoFar {
            len: 0,
            first: '\n',
        }
    }
}

impl LineSoFar {
    fn push(&mut self, c: char) {
        if self.len == 0 {
            self.first = c;
        }
        self.len += 1;
    }
}

/// Whether `c` may need folding or dropping: spaces, line breaks and the
/// characters of [`fold_char`] and [`fold_alnum`]. Everything else is copied.
fn needs_care(c: char) -> bool {
    matches!(c as u32,
        0x0A | 0x20 | 0xA0 | 0x2DC | 0x2002..=0x223E | 0x3000 | 0x301C | 0x3231 | 0x3232 | 0xFE63 | 0xFF01..=0xFF5E)
}

/// Copies the run of characters from byte `i` that fold to themselves and
/// are no line break, nor a space that may go (see [`drops`]), the first
/// being original character `at`. Returns the byte where the run ends and
/// its length in characters.
fn copy_plain_run(
    text: &str,
    i: usize,
    at: usize,
    out: &mut String,
    origin: &mut Vec<u32>,
) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut j = i;
    let mut n = 0usize;
    while j < bytes.len() {
        let b = bytes[j];
        let o = (at + n) as u32;
        if b < 0x80 {
            if b == b'\n' || (b == b' ' && !space_stays(bytes, j)) {
                break;
            }
            origin.push(o);
            j += 1;
        } else if is_plain_cjk_lead(bytes, j) {
            origin.extend_from_slice(&[o, o, o]);
            j += 3;
        } else {
            match text[j..].chars().next() {
                Some(c) if !needs_care(c) => {
                    for _ in 0..c.len_utf8() {
                        origin.push(o);
                    }
                    j += c.len_utf8();
                }
                _ => break,
            }
        }
        n += 1;
    }
    out.push_str(&text[i..j]);
    (j, n)
}

/// Whether the space at byte `j` surely stays: after the start of the text or
/// an ASCII character other than a digit or `~`, [`drops`] keeps every space.
fn space_stays(bytes: &[u8], j: usize) -> bool {
    match j.checked_sub(1).and_then(|k| bytes.get(k)) {
        None => true,
        Some(&p) => p < 0x80 && !p.is_ascii_digit() && p != b'~',
    }
}

/// Whether the UTF-8 sequence at `j` (whose lead byte is not ASCII) is a kanji
/// (U+4000..U+9FFF) or a kana (U+3040..U+30FF): three bytes, never folded.
fn is_plain_cjk_lead(bytes: &[u8], j: usize) -> bool {
    match bytes[j] {
        0xE4..=0xE9 => true,
        0xE3 => bytes.get(j + 1).is_some_and(|b| (0x81..=0x83).contains(b)),
        _ => false,
    }
}

/// Whether the original character `c` (between `prev` and `next`) goes from the folded text.
fn drops(c: char, prev: char, next: char, join_wraps: bool, line: &LineSoFar) -> bool {
    if c == '\n' {
        // `next_len > 0` of the next line is the same as a next character that is no break.
        let next_len = usize::from(next != '\n');
        return join_wraps
            && !starts_block(line.first)
            && joins_wrapped_line(prev, next, line.len, next_len);
    }
    if c == ' ' || c == '\u{3000}' {
        // `2020 年 2 月 23 日`, `1133 件`: spaces between a digit and a Japanese character go.
        let p = fold_alnum(prev).unwrap_or(prev);
        let n = fold_alnum(next).unwrap_or(next);
        let tilde = |c: char| c == '~' || c == '〜' || c == '～';
        // Only a digit or a tilde on one side can let a space go: most spaces stop here.
        if !(p.is_ascii_digit() || n.is_ascii_digit() || tilde(p) || tilde(n)) {
            return false;
        }
        let unit = |units: &str, c: char| units.chars().any(|u| u == c);
        return (p.is_ascii_digit() && (unit(UNIT_AFTER, n) || tilde(n)))
            || ((unit(UNIT_BEFORE, p) || tilde(p)) && n.is_ascii_digit())
            || (unit(UNIT_BEFORE, p) && tilde(n));
    }
    false
}

/// Appends the folded form of `c`, every byte of it remembering original character `at`.
fn push_folded(out: &mut String, origin: &mut Vec<u32>, c: char, at: u32) {
    let before = out.len();
    if let Some(a) = fold_alnum(c) {
        out.push(a);
    } else if let Some(s) = fold_char(c) {
        out.push_str(s);
    } else {
        out.push(c);
    }
    origin.resize(origin.len() + (out.len() - before), at);
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
    fn company_mark_expands() {
        let text = "㈱テスト";
        let n = normalize(text);
        assert_eq!(n.text, "(株)テスト");
        assert_eq!(orig(text, &n, 0, n.len()), "㈱テスト");
    }

    // The single-pass normaliser against the straightforward one it replaced.
    mod reference {
        use super::super::*;

        fn reference_normalize(text: &str, join_wraps: bool) -> Normalized {
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
                    let digit_cjk = (p.is_ascii_digit() && (UNIT_AFTER.contains(n) || tilde(n)))
                        || ((UNIT_BEFORE.contains(p) || tilde(p)) && n.is_ascii_digit())
                        || (UNIT_BEFORE.contains(p) && tilde(n));
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
            Normalized { text: out, origin }
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
                let b = reference_normalize(text, join);
                assert_eq!(a.text, b.text, "{text:?}");
                assert_eq!(a.origin, b.origin, "{text:?}");
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
            fn matches_reference_on_japanese_pieces(v in proptest::collection::vec(0..PIECES.len(), 0..40)) {
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
        }
    }
}
