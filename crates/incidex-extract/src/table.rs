//! Numbered tables of incidents in plain text: a header line naming the
//! columns (`No 業種 原因 …`), then rows that start with their number
//! (1, 2, 3 …), cells run together. Each row is one report.

use crate::segment::{lines, Line};

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

/// Finds the tables of `text` with at least three sequential rows.
pub fn find_tables(text: &str) -> Vec<Table> {
    find_tables_in(text, &lines(text))
}

/// Whether a line may be a header ([`is_header`]) by its bytes: after its
/// leading white space it starts with `No`, `#` or `番号`. Most lines do
/// not, and need neither be decoded nor counted.
#[inline]
fn may_be_header(line: &[u8]) -> bool {
    let mut rest = line;
    loop {
        match rest {
            [b'N', b'o', ..] | [b'#', ..] | [0xE7, 0x95, 0xAA, 0xE5, 0x8F, 0xB7, ..] => {
                return true
            }
            _ => {}
        }
        let n = crate::segment::space_len(rest);
        if n == 0 {
            return false;
        }
        rest = &rest[n..];
    }
}

/// [`find_tables`] given the lines of `text` ([`lines`]), which the caller
/// shares with [`crate::segment::sections_in`]: a search of the whole
/// text for the header words cost more than a look at each line start.
pub fn find_tables_in(text: &str, ls: &[Line]) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        // The bytes first: slicing the str checks char boundaries at each end.
        let bytes = text
            .as_bytes()
            .get(ls[i].start..ls[i].end)
            .unwrap_or_default();
        if !may_be_header(bytes) || !is_header(&text[ls[i].start..ls[i].end]) {
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
        // A row's text may run over paragraphs: the white space that ends a
        // cell (at most 16 chars) is among its first 17 chars, and no further
        // need be read. Without one the token is too long or ends the row
        // (no space follows): no cell either way.
        let Some(token_len) = cell_len(trimmed) else {
            break;
        };
        let token = &trimmed[..token_len];
        if token.is_empty() || token.contains('。') || token.contains('、') {
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

/// The length in bytes of the token `s` starts with when a white-space char
/// ends it within its first 17 chars (a token of at most 16 chars).
fn cell_len(s: &str) -> Option<usize> {
    s.char_indices()
        .take(17)
        .find(|&(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The former [`split_cells`], which searched the whole row for the end of each token.
    fn split_cells_by_search(text: &str, row: &mut Row) {
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

    /// Random rows: the cells are those a search of the whole row finds.
    #[test]
    fn cells_split_as_by_a_search_of_the_row() {
        let pieces = [
            "1",
            "12",
            " ",
            "\n",
            "\u{3000}",
            "製造業",
            "a",
            "あいうえおかきくけこ",
            "。",
            "、",
            "x",
            "\t",
            "é",
        ];
        let mut next = crate::test_random::xorshift(0xCE11_5EED_0000_0001);
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let new_row = || Row {
                number: 1,
                start: 0,
                cells_end: 0,
                end: text.len(),
                cells: Vec::new(),
            };
            let (mut got, mut want) = (new_row(), new_row());
            split_cells(&text, &mut got);
            split_cells_by_search(&text, &mut want);
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// Random lines: the byte test finds a header word after the white space
    /// exactly when trimming does.
    #[test]
    fn headers_pass_the_first_byte_test() {
        let pieces = [
            "No", "N", "o", "#", "番号", "番", "号", " ", "\u{3000}", "\u{a0}", "\u{2003}", "a",
            "原因", "業種", "概要", "é", "\t", "\u{1680}", "\u{205f}", "\u{85}",
        ];
        let mut next = crate::test_random::xorshift(0x7AB1_E5EE_D000_0001);
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let line: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let head = line.trim_start();
            let want = head.starts_with("No") || head.starts_with("番号") || head.starts_with('#');
            assert_eq!(may_be_header(line.as_bytes()), want, "{line:?}");
            if is_header(&line) {
                assert!(want, "{line:?}");
            }
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
