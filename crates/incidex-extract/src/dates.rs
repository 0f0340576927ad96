//! Dates: full dates, `3/4`, `6月6日(月曜日)`, eras (`令和4年`, `平成30年`, `令和元年`),
//! month-only dates, English dates, ranges, and relative years (`昨年`, `同年`).
//! Years that are not written are resolved from context: the range they end,
//! the last date of the same report, or the document year.

use once_cell::sync::Lazy;
use regex::Regex;

/// A date as written: the year may be missing, the day may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateHit {
    pub start: usize,
    pub end: usize,
    pub year: Option<i32>,
    pub month: u32,
    pub day: Option<u32>,
    pub relative: Relative,
}

impl DateHit {
    fn at(
        start: usize,
        end: usize,
        year: Option<i32>,
        month: u32,
        day: Option<u32>,
        relative: Relative,
    ) -> Self {
        DateHit {
            start,
            end,
            year,
            month,
            day,
            relative,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relative {
    None,
    LastYear,
    ThisYear,
    SameYear,
    NextYear,
}

/// A date whose year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl Date {
    pub fn iso(&self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{:02}", self.year, self.month, d),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }
    /// Sort key where a month-only date sorts at the start of its month.
    pub fn key(&self) -> (i32, u32, u32) {
        (self.year, self.month, self.day.unwrap_or(0))
    }
}

/// A resolved date mention with its place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub date: Date,
    pub explicit_year: bool,
    /// Index (in the same list) of the mention this one ends a range with.
    pub range_from: Option<usize>,
}

static ERA: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(?:(\d{1,2})日)?").unwrap());
static YMD_JA: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?").unwrap());
static YMD_NUM: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})").unwrap());
static MD_JA: Lazy<Regex> = Lazy::new(|| Regex::new(r"(\d{1,2})月(\d{1,2})日").unwrap());
static MD_SLASH: Lazy<Regex> = Lazy::new(|| Regex::new(r"(\d{1,2})/(\d{1,2})").unwrap());
static M_JA: Lazy<Regex> = Lazy::new(|| Regex::new(r"(\d{1,2})月").unwrap());
static D_JA: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(\d{1,2})日(?:午前|午後|、|,|に|から|まで|現在|\(|未明|夜|朝)").unwrap()
});
static EN_MDY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{4}))?").unwrap()
});
static EN_DMY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})\s+(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,?\s+(\d{4})").unwrap()
});
static EN_MY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?-u:\b)(January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:of\s+)?(\d{4})(?-u:\b)").unwrap()
});
static RANGE_GAP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:\((?:[月火水木金土日]|[月火水木金土日]曜日?)\))?(?:\s*(?:午前|午後)?\d{1,2}時(?:\d{1,2}分)?(?:ごろ|頃)?)?\s*(?:~|-|から|より|to|until|through)[、,]?\s*(?:同年)?$").unwrap()
});

fn month_of(name: &str) -> u32 {
    let n = name.to_ascii_lowercase();
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    M.iter()
        .position(|m| n.starts_with(m))
        .map(|i| i as u32 + 1)
        .unwrap_or(0)
}

fn num(s: Option<regex::Match<'_>>) -> Option<u32> {
    s.and_then(|m| m.as_str().parse().ok())
}

/// A plausible month and day; month 0 stands for a bare day (`10日`) whose month comes from context.
fn valid(month: u32, day: Option<u32>) -> bool {
    (month <= 12 && (month > 0 || day.is_some())) && day.is_none_or(|d| (1..=31).contains(&d))
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn next_char(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

fn relative_before(text: &str, at: usize) -> Relative {
    let head = &text[..at];
    let tail: String = head
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let t = tail.trim_end_matches('の');
    if t.ends_with("昨年") || t.ends_with("前年") || t.ends_with("去年") {
        Relative::LastYear
    } else if t.ends_with("今年") || t.ends_with("本年") {
        Relative::ThisYear
    } else if t.ends_with("同年") {
        Relative::SameYear
    } else if t.ends_with("翌年") || t.ends_with("来年") {
        Relative::NextYear
    } else {
        Relative::None
    }
}

/// A date regex, the text it searches, and the test that its match is glued to
/// something else.
type FullDateForm<'a> = (&'a Regex, &'a str, &'a dyn Fn(usize, usize) -> bool);

/// Every date mention in `text`, in order, overlapping forms removed.
pub fn find_dates(text: &str) -> Vec<DateHit> {
    let mut hits: Vec<DateHit> = Vec::new();
    // Forms are tried most specific first; a later form's hit that overlaps an
    // accepted one is dropped. Accepted hits never overlap, so the one starting
    // last before a new hit's end is the only one that can overlap it.
    let mut accepted: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut push = |hits: &mut Vec<DateHit>, h: DateHit| {
        let overlaps = accepted
            .range(..h.end)
            .next_back()
            .is_some_and(|(_, &e)| e > h.start);
        if valid(h.month, h.day) && !overlaps {
            accepted.insert(h.start, h.end);
            hits.push(h);
        }
    };
    // Cheap literal checks spare the regexes a pass over text that cannot match.
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    let english = text.bytes().filter(u8::is_ascii_alphabetic).take(8).count() >= 8;
    let era = has(&["令和", "平成", "昭和"]);
    let month_ja = has(&["月"]);
    let slash = has(&["/"]);
    let day_ja = has(&["日"]);
    // Every date form holds a digit: the regexes run only over small windows
    // around the runs of digits, not over all the text.
    for (ws, we) in digit_windows(text, 16, 24) {
        let w = &text[ws..we];
        for c in ERA.captures_iter(if era { w } else { "" }) {
            let m = c.get(0).unwrap_or_else(|| unreachable!());
            let base = match &c[1] {
                "令和" => 2018,
                "平成" => 1988,
                _ => 1925,
            };
            let n: i32 = if &c[2] == "元" {
                1
            } else {
                c[2].parse().unwrap_or(0)
            };
            let (Some(month), day) = (num(c.get(3)), num(c.get(4))) else {
                continue;
            };
            push(
                &mut hits,
                DateHit {
                    start: ws + m.start(),
                    end: ws + m.end(),
                    year: Some(base + n),
                    month,
                    day,
                    relative: Relative::None,
                },
            );
        }
        // `2023年5月12日` and `2023/5/12`: the same year-month-day captures; a digit or a
        // letter glued to either side makes them part of something else.
        let glued_ja = |s: usize, _e: usize| prev_char(text, s).is_some_and(|p| p.is_ascii_digit());
        let glued_num = |s: usize, e: usize| {
            prev_char(text, s).is_some_and(|p| p.is_ascii_alphanumeric())
                || next_char(text, e).is_some_and(|p| p.is_ascii_digit())
        };
        let full: [FullDateForm; 2] = [
            (&YMD_JA, if month_ja { w } else { "" }, &glued_ja),
            (&YMD_NUM, w, &glued_num),
        ];
        for (re, haystack, glued) in full {
            for c in re.captures_iter(haystack) {
                let m = c.get(0).unwrap_or_else(|| unreachable!());
                let year: i32 = c[1].parse().unwrap_or(0);
                let (Some(month), day) = (num(c.get(2)), num(c.get(3))) else {
                    continue;
                };
                if glued(ws + m.start(), ws + m.end()) || !(1900..=2100).contains(&year) {
                    continue;
                }
                push(
                    &mut hits,
                    DateHit {
                        start: ws + m.start(),
                        end: ws + m.end(),
                        year: Some(year),
                        month,
                        day,
                        relative: Relative::None,
                    },
                );
            }
        }
        for c in EN_MDY.captures_iter(if english { w } else { "" }) {
            let m = c.get(0).unwrap_or_else(|| unreachable!());
            let month = month_of(&c[1]);
            let day = num(c.get(2));
            let year = c.get(3).and_then(|y| y.as_str().parse().ok());
            // "May 5" alone is too often not a date ("may 5 users"): require a year for May without a capital.
            if c[1].starts_with('m') && c[1].len() == 3 && year.is_none() {
                continue;
            }
            push(
                &mut hits,
                DateHit {
                    start: ws + m.start(),
                    end: ws + m.end(),
                    year,
                    month,
                    day,
                    relative: Relative::None,
                },
            );
        }
        for c in EN_DMY.captures_iter(if english { w } else { "" }) {
            let m = c.get(0).unwrap_or_else(|| unreachable!());
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start(),
                    ws + m.end(),
                    c[3].parse().ok(),
                    month_of(&c[2]),
                    num(c.get(1)),
                    Relative::None,
                ),
            );
        }
        for c in EN_MY.captures_iter(if english { w } else { "" }) {
            let m = c.get(0).unwrap_or_else(|| unreachable!());
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start(),
                    ws + m.end(),
                    c[2].parse().ok(),
                    month_of(&c[1]),
                    None,
                    Relative::None,
                ),
            );
        }
        // `6月6日` and `3/4`: month and day without a year; a digit (or, around a
        // slash, a character of a path, URL or fraction) glued to them makes them
        // part of something else.
        let glued_md = |s: usize, _e: usize| prev_char(text, s).is_some_and(|p| p.is_ascii_digit());
        let glued_slash = |s: usize, e: usize| {
            prev_char(text, s).is_some_and(|p| {
                p.is_ascii_alphanumeric()
                    || matches!(p, '/' | '.' | ':' | '-' | '_' | '=' | '?' | '#' | '%')
            }) || next_char(text, e).is_some_and(|n| {
                n.is_ascii_alphanumeric() || matches!(n, '/' | '.' | '%' | '_' | '-')
            })
        };
        let month_day: [FullDateForm; 2] = [
            (&MD_JA, if month_ja { w } else { "" }, &glued_md),
            (&MD_SLASH, if slash { w } else { "" }, &glued_slash),
        ];
        for (re, haystack, glued) in month_day {
            for c in re.captures_iter(haystack) {
                let m = c.get(0).unwrap_or_else(|| unreachable!());
                let (s, e) = (ws + m.start(), ws + m.end());
                if glued(s, e) {
                    continue;
                }
                push(
                    &mut hits,
                    DateHit::at(
                        s,
                        e,
                        None,
                        num(c.get(1)).unwrap_or(0),
                        num(c.get(2)),
                        relative_before(text, s),
                    ),
                );
            }
        }
        for c in M_JA.captures_iter(if month_ja { w } else { "" }) {
            let m = c.get(0).unwrap_or_else(|| unreachable!());
            if prev_char(text, ws + m.start()).is_some_and(|p| p.is_ascii_digit() || p == '第') {
                continue;
            }
            let n = next_char(text, ws + m.end());
            if n.is_some_and(|n| {
                n.is_ascii_digit() || n == '日' || n == '分' || n == '間' || n == '額'
            }) {
                continue;
            }
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start(),
                    ws + m.end(),
                    None,
                    num(c.get(1)).unwrap_or(0),
                    None,
                    relative_before(text, ws + m.start()),
                ),
            );
        }
        for c in D_JA.captures_iter(if day_ja { w } else { "" }) {
            let (Some(whole), Some(d)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if prev_char(text, ws + whole.start())
                .is_some_and(|p| p.is_ascii_digit() || p == '月' || p == '第' || p == '~')
            {
                continue;
            }
            // Only the day and 日: the cue after it belongs to the sentence.
            let end = (ws + d.end()) + '日'.len_utf8();
            push(
                &mut hits,
                DateHit {
                    start: ws + whole.start(),
                    end,
                    year: None,
                    month: 0,
                    day: num(Some(d)),
                    relative: Relative::None,
                },
            );
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// `[start, end)` windows reaching `before` bytes before and `after` bytes after
/// each run of ASCII digits, on char boundaries, merged where they overlap.
fn digit_windows(text: &str, before: usize, after: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut s = start.saturating_sub(before);
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = (i + after).min(text.len());
        while !text.is_char_boundary(e) {
            e += 1;
        }
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Resolves the years (and, for a bare `10日`, the month) of the hits of one
/// report. `doc_year` is the year of the document.
pub fn resolve(text: &str, hits: &[DateHit], doc_year: i32) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::with_capacity(hits.len());
    let mut context: Option<Date> = None;
    for h in hits {
        let range_from = out.last().and_then(|prev: &DateMention| {
            let gap = text.get(prev.end..h.start)?;
            RANGE_GAP.is_match(gap.trim()).then_some(out.len() - 1)
        });
        let from_date = range_from.map(|i| out[i].date);
        let (month, day) = if h.month == 0 {
            // A bare day takes the month of the last date.
            match context.or(from_date) {
                Some(c) => (c.month, h.day),
                None => continue,
            }
        } else {
            (h.month, h.day)
        };
        let explicit_year = h.year.is_some();
        let year = match (h.year, h.relative) {
            (Some(y), _) => y,
            (None, Relative::LastYear) => doc_year - 1,
            (None, Relative::ThisYear) => doc_year,
            (None, Relative::NextYear) => context.map(|c| c.year + 1).unwrap_or(doc_year + 1),
            (None, Relative::SameYear) => context.map(|c| c.year).unwrap_or(doc_year),
            (None, Relative::None) => match from_date.or(context) {
                Some(c) => {
                    // Dates run forward: a month before the context month is the next
                    // year, as long as that stays within the document's year; the end
                    // of a range before its start crosses the new year.
                    let wraps_context = from_date.is_none() && month < c.month && c.year < doc_year;
                    let wraps_range = from_date.is_some()
                        && (month, day.unwrap_or(0)) < (c.month, c.day.unwrap_or(0));
                    if wraps_context || wraps_range {
                        c.year + 1
                    } else {
                        c.year
                    }
                }
                None => doc_year,
            },
        };
        let date = Date { year, month, day };
        out.push(DateMention {
            start: h.start,
            end: h.end,
            date,
            explicit_year,
            range_from,
        });
        context = Some(date);
    }
    out
}

/// The year of a document: the latest year written in a full date (a date with
/// year and month), or `None` when it writes none.
pub fn document_year(hits: &[DateHit]) -> Option<i32> {
    hits.iter()
        .filter_map(|h| h.year)
        .filter(|y| (1990..=2100).contains(y))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isos(text: &str, doc_year: i32) -> Vec<String> {
        let hits = find_dates(text);
        resolve(text, &hits, doc_year)
            .iter()
            .map(|m| m.date.iso())
            .collect()
    }

    #[test]
    fn japanese_forms() {
        assert_eq!(isos("2023年5月12日に公表", 2020), ["2023-05-12"]);
        assert_eq!(
            isos("令和4年3月10日から6月8日まで", 2020),
            ["2022-03-10", "2022-06-08"]
        );
        assert_eq!(isos("令和元年5月7日", 2020), ["2019-05-07"]);
        assert_eq!(isos("平成30年6月に移設", 2020), ["2018-06"]);
        assert_eq!(isos("6月6日(月曜日)に確認", 2022), ["2022-06-06"]);
        assert_eq!(isos("同社は3/4に公表", 2022), ["2022-03-04"]);
        assert_eq!(isos("事案の発生は今年2月。", 2021), ["2021-02"]);
        assert_eq!(isos("昨年の12/9に開示", 2022), ["2021-12-09"]);
        assert_eq!(
            isos("2020年7月3日に検知。同年6月30日ごろから", 2021),
            ["2020-07-03", "2020-06-30"]
        );
    }

    #[test]
    fn ranges_share_the_year_and_cross_new_year() {
        assert_eq!(
            isos("2020年12月8日~2021年3月9日の期間", 2021),
            ["2020-12-08", "2021-03-09"]
        );
        let t = "2021年8月2日から、2022年1月25日にわたって";
        assert_eq!(resolve(t, &find_dates(t), 2022)[1].range_from, Some(0));
        assert_eq!(
            isos("2021年10月29日から11月30日にかけて募集。1月7日に公表", 2022),
            ["2021-10-29", "2021-11-30", "2022-01-07"]
        );
        let hits = find_dates("2023年5月2日午後7時15分~2023年5月3日午前6時40分");
        let r = resolve(
            "2023年5月2日午後7時15分~2023年5月3日午前6時40分",
            &hits,
            2021,
        );
        assert_eq!(r[1].range_from, Some(0));
    }

    #[test]
    fn a_bare_day_takes_the_month_of_the_context() {
        assert_eq!(
            isos(
                "2022年6月24日、発表。職員が10日午前9時ごろクリックした",
                2022
            ),
            ["2022-06-24", "2022-06-10"]
        );
    }

    #[test]
    fn english_forms() {
        assert_eq!(
            isos("On March 4, 2022 the company said", 2020),
            ["2022-03-04"]
        );
        assert_eq!(
            isos("discovered in May 2019 and disclosed on 3 March 2020", 2020),
            ["2019-05", "2020-03-03"]
        );
    }

    #[test]
    fn not_dates() {
        assert!(isos(
            "約1ヶ月が経過。5か月以上。https://a.example/3/4/x 10.5/3 v2/3",
            2022
        )
        .is_empty());
    }
}
