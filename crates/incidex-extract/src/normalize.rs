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
pub fn normalize_with(text: &str, join_wraps: bool) -> Normalized {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let line_lengths = line_lengths(&chars);
    let mut line_no = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { '\n' };
        let next = chars.get(i + 1).copied().unwrap_or('\n');
        if c == '\n' {
            let (this_len, this_first) = line_lengths.get(line_no).copied().unwrap_or((0, '\n'));
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

/// Per line: its length in characters and its first character.
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
}
