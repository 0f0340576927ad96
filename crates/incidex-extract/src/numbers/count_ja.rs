//! The hand matcher for the Japanese count pattern `COUNT_JA` (`最大10,450件`,
//! `約4万2千件`, `1000人分`). Counts are looked for in every run of digits and
//! count units of every document, and the regex's capture search cost several
//! times what this walk costs; the regex stays as the pattern's definition,
//! the matcher for runs outside the plain characters, and the oracle of the
//! differential tests below, which hold the two to the same matches, group by
//! group.

use super::JA_NUM;
use once_cell::sync::Lazy;
use regex::Regex;

pub(super) static COUNT_JA: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(最大|約|およそ|少なくとも|計|合計|総数)?\s*({JA_NUM})\s*(件|人|名|世帯|団体|通|事業者|法人|アカウント|回)(分)?")).unwrap()
});

/// A span of bytes, start and end.
pub(super) type Span = (usize, usize);

/// One match of `COUNT_JA`: the spans of the whole match and of its groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct CountJa {
    pub(super) whole: Span,
    /// `最大`, `約`, ...
    pub(super) qualifier: Option<Span>,
    pub(super) number: Span,
    /// `件`, `人`, ...
    pub(super) unit: Span,
    /// `分` after the unit (`1000人分`).
    pub(super) portion: Option<Span>,
}

impl CountJa {
    /// The match as the regex's captures give it.
    fn of_captures(c: &regex::Captures<'_>) -> Option<CountJa> {
        let span = |i: usize| c.get(i).map(|m| (m.start(), m.end()));
        Some(CountJa {
            whole: span(0)?,
            qualifier: span(1),
            number: span(2)?,
            unit: span(3)?,
            portion: span(4),
        })
    }
}

/// The matches of `COUNT_JA` in `run`, in order, to `each`. A run of ASCII
/// and of characters of U+3000..U+9FFF (where the only `\d` are the ASCII
/// digits and the only `\s` the ASCII spaces and U+3000) is matched by hand,
/// which costs a small part of what the regex's capture search costs; any
/// other run by the regex.
pub(super) fn count_ja_matches(run: &str, mut each: impl FnMut(CountJa)) {
    let bytes = run.as_bytes();
    let plain = bytes
        .iter()
        .all(|&b| b < 0xC0 || (0xE3..=0xE9).contains(&b));
    if !plain {
        COUNT_JA
            .captures_iter(run)
            .filter_map(|c| CountJa::of_captures(&c))
            .for_each(each);
        return;
    }
    let mut at = 0;
    // Whether the byte before `at` is a digit no match starts at.
    let mut after_failed_digit = false;
    while let Some(&first) = bytes.get(at) {
        let digit = first.is_ascii_digit();
        // No match starts at a digit after such a digit: the digit before
        // would start a match one digit longer (`[\d,]*` takes the digit).
        // Nor at a byte that starts no qualifier, space or digit.
        let tried = !(digit && after_failed_digit) && may_start_match(first);
        match tried.then(|| count_ja_at(bytes, at)).flatten() {
            Some(m) => {
                at = m.whole.1;
                after_failed_digit = false;
                each(m);
            }
            // On to the next character.
            None => {
                after_failed_digit = digit;
                at += crate::byte_scan::utf8_len(first);
            }
        }
    }
}

/// Whether a `COUNT_JA` match may start at a byte `first` of a plain run:
/// at a digit, a space (ASCII or the E3 of U+3000) or the first byte of a
/// qualifier (E3, E5..E8).
fn may_start_match(first: u8) -> bool {
    matches!(first, b'0'..=b'9' | b'\t'..=b'\r' | b' ' | 0xE3 | 0xE5..=0xE8)
}

/// The qualifiers of `COUNT_JA`, in its order (no two start alike).
const COUNT_QUALIFIERS: [&str; 7] = ["最大", "約", "およそ", "少なくとも", "計", "合計", "総数"];
/// The units of `COUNT_JA`, in its order (no two start alike).
const COUNT_UNITS: [&str; 10] = [
    "件",
    "人",
    "名",
    "世帯",
    "団体",
    "通",
    "事業者",
    "法人",
    "アカウント",
    "回",
];

/// The `COUNT_JA` match starting at byte `s` of `b` (a plain run, see
/// `count_ja_matches`), as the regex would take it: the qualifier if one
/// leads to a match, else none.
fn count_ja_at(b: &[u8], s: usize) -> Option<CountJa> {
    let qualified = COUNT_QUALIFIERS
        .iter()
        .find(|q| b[s..].starts_with(q.as_bytes()))
        .and_then(|q| {
            let q_end = s + q.len();
            count_ja_from(b, skip_spaces(b, q_end)).map(|m| (Some((s, q_end)), m))
        });
    let (qualifier, (number, unit, portion)) =
        qualified.or_else(|| Some((None, count_ja_from(b, skip_spaces(b, s))?)))?;
    let end = portion.map_or(unit.1, |p| p.1);
    Some(CountJa {
        whole: (s, end),
        qualifier,
        number,
        unit,
        portion,
    })
}

/// The number, unit and `分` of a match whose number starts at `p`: the first
/// end of `JA_NUM` in the regex's order of preference after which spaces and
/// a unit follow.
fn count_ja_from(b: &[u8], p: usize) -> Option<(Span, Span, Option<Span>)> {
    let mut unit = None;
    let end = ja_num_end(b, p, &mut |e| {
        unit = unit_after(b, e);
        unit.is_some()
    })?;
    let (unit, portion) = unit?;
    Some(((p, end), unit, portion))
}

/// The unit (and `分`) after the spaces from `e`, if one is there.
fn unit_after(b: &[u8], e: usize) -> Option<(Span, Option<Span>)> {
    let u = skip_spaces(b, e);
    let unit = COUNT_UNITS
        .iter()
        .find(|w| b[u..].starts_with(w.as_bytes()))?;
    let u_end = u + unit.len();
    let portion = b[u_end..]
        .starts_with("分".as_bytes())
        .then_some((u_end, u_end + "分".len()));
    Some(((u, u_end), portion))
}

/// Past the `\s*` at `i` of a plain run: ASCII spaces and U+3000.
fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    loop {
        match b.get(i) {
            Some(b'\t'..=b'\r' | b' ') => i += 1,
            Some(0xE3) if b[i..].starts_with("\u{3000}".as_bytes()) => i += 3,
            _ => return i,
        }
    }
}

fn is_digit_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(u8::is_ascii_digit)
}

/// The end of the `\d*` at `i`.
fn digits_end(b: &[u8], mut i: usize) -> usize {
    while is_digit_at(b, i) {
        i += 1;
    }
    i
}

/// The end of the `[\d,]*` at `i`.
fn digits_commas_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b',') {
        i += 1;
    }
    i
}

/// The first end, longest first, of `\d[\d,]*` at `i` that `ok` accepts.
fn first_digits_commas(b: &[u8], i: usize, ok: &mut impl FnMut(usize) -> bool) -> Option<usize> {
    if !is_digit_at(b, i) {
        return None;
    }
    (i + 1..=digits_commas_end(b, i + 1)).rev().find(|&e| ok(e))
}

/// The first end, longest first, of `\d[\d,]*(?:\.\d+)?` at `i` for which
/// `ok` accepts the end and what follows.
fn first_decimal(b: &[u8], i: usize, ok: &mut impl FnMut(usize) -> Option<usize>) -> Option<usize> {
    if !is_digit_at(b, i) {
        return None;
    }
    for d in (i + 1..=digits_commas_end(b, i + 1)).rev() {
        if b.get(d) == Some(&b'.') && is_digit_at(b, d + 1) {
            for f in (d + 2..=digits_end(b, d + 1)).rev() {
                if let Some(e) = ok(f) {
                    return Some(e);
                }
            }
        }
        if let Some(e) = ok(d) {
            return Some(e);
        }
    }
    None
}

/// The first end of `JA_NUM` at `p`, in the regex's order of preference
/// (greedy repetitions longest first, alternatives in their order), that `ok`
/// accepts.
fn ja_num_end(b: &[u8], p: usize, ok: &mut impl FnMut(usize) -> bool) -> Option<usize> {
    first_decimal(b, p, &mut |f| myriads_end(b, f, ok))
}

/// The first end, in the regex's order, of the optional
/// `億(?:\d[\d,]*(?:\.\d+)?万)?(?:\d[\d,]*)?|万(?:\d+千\d*|\d[\d,]*)?|千\d*`
/// at `f` that `ok` accepts.
fn myriads_end(b: &[u8], f: usize, ok: &mut impl FnMut(usize) -> bool) -> Option<usize> {
    let rest = &b[f..];
    let marked = if rest.starts_with("億".as_bytes()) {
        let a = f + "億".len();
        // `(?:\d[\d,]*(?:\.\d+)?万)?` taken, then left out; then `(?:\d[\d,]*)?`.
        let mut tail = |x: usize| first_digits_commas(b, x, ok).or_else(|| ok(x).then_some(x));
        first_decimal(b, a, &mut |g| {
            b[g..]
                .starts_with("万".as_bytes())
                .then(|| tail(g + "万".len()))
                .flatten()
        })
        .or_else(|| tail(a))
    } else if rest.starts_with("万".as_bytes()) {
        let a = f + "万".len();
        // `\d+千\d*`: only the longest `\d+` can be followed by 千.
        let d = digits_end(b, a);
        let thousands = (d > a && b[d..].starts_with("千".as_bytes()))
            .then(|| {
                let t = d + "千".len();
                (t..=digits_end(b, t)).rev().find(|&e| ok(e))
            })
            .flatten();
        thousands
            .or_else(|| first_digits_commas(b, a, ok))
            .or_else(|| ok(a).then_some(a))
    } else if rest.starts_with("千".as_bytes()) {
        let t = f + "千".len();
        (t..=digits_end(b, t)).rev().find(|&e| ok(e))
    } else {
        None
    };
    marked.or_else(|| ok(f).then_some(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `COUNT_JA` matches of `text` by hand and by the regex.
    fn count_ja_both(text: &str) -> (Vec<CountJa>, Vec<CountJa>) {
        let mut hand = Vec::new();
        count_ja_matches(text, |m| hand.push(m));
        let regex = COUNT_JA
            .captures_iter(text)
            .filter_map(|c| CountJa::of_captures(&c))
            .collect();
        (hand, regex)
    }

    /// Random texts dense in the pieces of `COUNT_JA`, and pieces of the
    /// runs of the example corpus: the hand matcher finds what the regex
    /// finds, group by group.
    #[test]
    fn count_matcher_finds_what_its_regex_finds() {
        const PIECES: [&str; 58] = [
            "1",
            "23",
            "4,5",
            "0",
            ",",
            ".",
            ".5",
            " ",
            "\n",
            "\t",
            "\u{b}",
            "\u{1f}",
            "\u{3000}",
            "\u{a0}",
            "１",
            "٣",
            "億",
            "万",
            "千",
            "百",
            "最大",
            "最",
            "約",
            "およそ",
            "少なくとも",
            "計",
            "合計",
            "合",
            "総数",
            "件",
            "人",
            "名",
            "世帯",
            "世",
            "団体",
            "通",
            "事業者",
            "事業",
            "法人",
            "アカウント",
            "アカ",
            "回",
            "分",
            "の",
            "x",
            // Runs of the example corpus.
            "者 約39万件\n",
            "約4万2千件",
            "最大4万5千件",
            "約1,800人分",
            "アカウント1件",
            "事業者12",
            "\n\n1.事",
            "通\n\n1",
            "1万5千件",
            "6億8300万",
            "3億8,000万人",
            "1.5万件",
            "2,312件",
        ];
        let mut next = crate::test_random::xorshift(0x5DEE_CE66_D1CE_4E5B);
        let mut found = 0;
        for _ in 0..80_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 12);
            let (hand, regex) = count_ja_both(&text);
            assert_eq!(hand, regex, "COUNT_JA on {text:?}");
            found += regex.len();
        }
        assert!(found > 20_000, "too few counts tried: {found}");
    }

    /// Every qualifier starts with a byte a match may start at.
    #[test]
    fn qualifiers_start_where_matches_may_start() {
        for q in COUNT_QUALIFIERS {
            assert!(may_start_match(q.as_bytes()[0]), "{q}");
        }
        assert!(may_start_match("\u{3000}".as_bytes()[0]));
    }

    /// The hand matcher takes the ASCII digits for the only `\d`, and the
    /// ASCII spaces and U+3000 for the only `\s`, of ASCII and U+3000..U+9FFF.
    #[test]
    fn plain_runs_hold_no_other_digits_or_spaces() {
        let digit = Regex::new(r"^\d$").unwrap();
        let space = Regex::new(r"^\s$").unwrap();
        let plain = (0u32..0x80)
            .chain(0x3000..0xA000)
            .filter_map(char::from_u32);
        for c in plain {
            let s = c.to_string();
            assert_eq!(digit.is_match(&s), c.is_ascii_digit(), "{c:?}");
            let hand = matches!(c, '\t'..='\r' | ' ' | '\u{3000}');
            assert_eq!(space.is_match(&s), hand, "{c:?}");
        }
    }
}
