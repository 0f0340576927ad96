//! Numbered tables of incidents in plain text: a header line naming the
//! columns (`No 業種 原因 …`), then rows that start with their number
//! (1, 2, 3 …), cells run together. Each row is one report.

use crate::segment::lines;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    pub start: usize,
    /// Where the row's cells end and its description begins.
    pub cells_end: usize,
    pub end: usize,
    /// The leading cells (industry, cause, organisation) as written.
    pub cells: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub start: usize,
    pub end: usize,
    pub rows: Vec<Row>,
}

fn is_header(line: &str) -> bool {
    // The cheap test of the start first (trailing spaces cannot change it); a
    // header is short, so counting stops at 61.
    let head = line.trim_start();
    if !(head.starts_with("No") || head.starts_with("番号") || head.starts_with('#')) {
        return false;
    }
    let l = head.trim_end();
    l.chars().take(61).count() <= 60
        && (l.contains("原因") || l.contains("業種") || l.contains("概要"))
}

/// The number a row starts with: `12 製造業 …`, `12`, or run together `12製造業…`.
fn row_number(line: &str, expected: u32) -> Option<(u32, usize)> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let digits_len = t.bytes().take_while(u8::is_ascii_digit).take(4).count();
    if digits_len == 0 || digits_len > 3 {
        return None;
    }
    let n: u32 = t[..digits_len].parse().ok()?;
    let after = &t[digits_len..];
    let spaced = after.is_empty() || after.starts_with(' ') || after.starts_with('\t');
    // Cells run together only count when the number is the one expected next and
    // a Japanese word follows (not `12月`, `3件`).
    let joined = n == expected
        && after.chars().next().is_some_and(|c| {
            crate::normalize::is_cjk(c) && !"年月日件名人時分台万億円".contains(c)
        });
    (spaced || joined).then_some((n, lead))
}

/// The words a header line starts with ([`is_header`]).
const HEADER_WORDS: [&str; 3] = ["No", "番号", "#"];

/// Whether some line of `text` starts (after white space) with a word a
/// header starts with: most documents have none, and then their lines need
/// not be split at all. One search finds the places of the rare bytes `N`,
/// `#` and the last byte of `番号` (`E7 95 AA E5 8F B7`), the rarer of its
/// last bytes in Japanese text; a search for each word went
/// over the whole text once a word.
fn may_have_header(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'N', b'#', 0xB7, bytes)
        .filter_map(|i| word_start(bytes, i))
        .any(|at| starts_line(text, at))
}

/// The start of the header word whose cue byte (see `may_have_header`) is
/// at `i` of `bytes`, if a word is there.
fn word_start(bytes: &[u8], i: usize) -> Option<usize> {
    let at = if bytes[i] == 0xB7 {
        i.checked_sub(5)?
    } else {
        i
    };
    let rest = bytes.get(at..)?;
    HEADER_WORDS
        .iter()
        .any(|w| rest.starts_with(w.as_bytes()))
        .then_some(at)
}

/// Whether only white space comes before `at` on its line of `text`.
fn starts_line(text: &str, at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1);
    text.get(line_start..at)
        .is_some_and(|lead| lead.trim_start().is_empty())
}

/// Finds the tables of `text` with at least three sequential rows.
pub fn find_tables(text: &str) -> Vec<Table> {
    if !may_have_header(text) {
        return Vec::new();
    }
    let ls = lines(text);
    let mut tables = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        if !is_header(&text[ls[i].start..ls[i].end]) {
            i += 1;
            continue;
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut j = i + 1;
        let mut expected = 1;
        while j < ls.len() {
            let line = &text[ls[j].start..ls[j].end];
            if let Some((n, lead)) = row_number(line, expected) {
                if n == expected {
                    if let Some(last) = rows.last_mut() {
                        last.end = ls[j].start;
                    }
                    rows.push(Row {
                        number: n,
                        start: ls[j].start + lead,
                        cells_end: ls[j].start + lead,
                        end: ls[j].end,
                        cells: Vec::new(),
                    });
                    expected += 1;
                }
            }
            j += 1;
        }
        if rows.len() >= 3 {
            // The last row runs over its own paragraphs, not the rest of the document.
            if let Some(last) = rows.last_mut() {
                last.end = last_row_end(text, last.start);
            }
            for r in rows.iter_mut() {
                split_cells(text, r);
            }
            let start = ls[i].start;
            let end = rows.last().map(|r| r.end).unwrap_or(start);
            tables.push(Table { start, end, rows });
            i = j;
        } else {
            i += 1;
        }
    }
    tables
}

fn last_row_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut total = 0;
    for para in text[start..].split_inclusive("\n\n") {
        let n = para.trim().chars().count();
        if total > 0 && total + n > 400 {
            break;
        }
        total += n;
        end += para.len();
    }
    end.min(text.len())
}

/// The row number and up to three short leading cells separated by spaces.
fn split_cells(text: &str, row: &mut Row) {
    let body = &text[row.start..row.end];
    let digits = body.chars().take_while(|c| c.is_ascii_digit()).count();
    let mut at = row.start + digits;
    for _ in 0..3 {
        let rest = &text[at..row.end];
        let trimmed = rest.trim_start();
        let token_start = at + (rest.len() - trimmed.len());
        let token_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let token = &trimmed[..token_len];
        if token.is_empty()
            || token.chars().count() > 16
            || token.contains('。')
            || token.contains('、')
        {
            break;
        }
        // A cell is followed by a space on the same line; a description is not a cell.
        if !trimmed[token_len..].starts_with(' ') && !trimmed[token_len..].starts_with('\n') {
            break;
        }
        row.cells.push((token_start, token_start + token_len));
        at = token_start + token_len;
    }
    row.cells_end = at;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random texts: the vector pass finds a header word at a line start
    /// exactly when a search for each word does.
    #[test]
    fn header_words_found_as_by_a_search_per_word() {
        let pieces = [
            "No", "N", "o", "#", "番号", "番", "号", "\n", " ", "\u{3000}", "a", "日本", "é", "\t",
        ];
        let mut next = crate::test_random::xorshift(0x7AB1_E5EE_D000_0001);
        for _ in 0..20_000 {
            let len = (next() % 30) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let by_search = HEADER_WORDS.iter().any(|w| {
                text.match_indices(w).any(|(at, _)| {
                    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    text[line_start..at].trim_start().is_empty()
                })
            });
            assert_eq!(may_have_header(&text), by_search, "{text:?}");
        }
    }

    #[test]
    fn rows_are_found_in_order_with_their_cells() {
        let t = "一覧です。\nNo 業種 原因 概要\n1 製造業 サイバー攻撃 端末が感染した。\n2\n\n誤送信 メールを誤って送った。\n3 紛失 書類をなくした。\n\n補足の段落。\n\n今回取り上げたいのは、全く別の話で、長い段落がここから続きます。".to_string()
            + &"あ".repeat(400);
        let tables = find_tables(&t);
        assert_eq!(tables.len(), 1);
        let rows = &tables[0].rows;
        assert_eq!(rows.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 2, 3]);
        let cells: Vec<&str> = rows[0].cells.iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(cells, ["製造業", "サイバー攻撃"]);
        let cells2: Vec<&str> = rows[1].cells.iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(cells2, ["誤送信"]);
        assert!(t[rows[2].start..rows[2].end].contains("補足"));
        assert!(!t[rows[2].start..rows[2].end].contains("今回"));
    }
}
