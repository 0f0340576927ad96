//! Dates: full dates, `3/4`, `6月6日(月曜日)`, eras (`令和4年`, `平成30年`, `令和元年`),
//! month-only dates, English dates, ranges, and relative years (`昨年`, `同年`).
//! Years that are not written are resolved from context: the range they end,
//! the last date of the same report, or the document year.

use crate::byte_scan::{has_ascii_letters, scan_to, Hits, ASCII_DIGIT, DATE_CUE};
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
    /// `2023-05-12`, or `2023-05` without a day. Asked for every date of every
    /// record: the usual years, months and days are written digit by digit,
    /// without the formatting machinery; anything else goes through `format!`,
    /// which gives the same text.
    pub fn iso(&self) -> String {
        let usual =
            (0..=9999).contains(&self.year) && self.month <= 99 && self.day.is_none_or(|d| d <= 99);
        if !usual {
            return match self.day {
                Some(d) => format!("{:04}-{:02}-{:02}", self.year, self.month, d),
                None => format!("{:04}-{:02}", self.year, self.month),
            };
        }
        let mut out = String::with_capacity(10);
        let year = self.year.unsigned_abs();
        for n in [year / 1000, year / 100, year / 10, year] {
            push_digit(&mut out, n);
        }
        out.push('-');
        push_digit(&mut out, self.month / 10);
        push_digit(&mut out, self.month);
        if let Some(d) = self.day {
            out.push('-');
            push_digit(&mut out, d / 10);
            push_digit(&mut out, d);
        }
        out
    }
    /// Sort key where a month-only date sorts at the start of its month.
    pub fn key(&self) -> (i32, u32, u32) {
        (self.year, self.month, self.day.unwrap_or(0))
    }
}

/// The last decimal digit of `n` onto `out`. Each caller divides by a
/// constant (a multiplication once compiled), not by a power worked out in a loop.
fn push_digit(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n % 10) as u8));
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

fn num(s: Option<&str>) -> Option<u32> {
    s.and_then(parse_number)
}

/// `s` read as a number, as `str::parse` reads it. Every date group is a few
/// digits: those of ASCII digits only (up to nine, so the value fits any
/// target) are read digit by digit, without the general parser; anything else
/// goes through `str::parse`, which gives the same value or none.
fn parse_number<T: std::str::FromStr + TryFrom<u32>>(s: &str) -> Option<T> {
    let b = s.as_bytes();
    if (1..=9).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        let v = b
            .iter()
            .fold(0u32, |v, &d| v * 10 + u32::from(d.wrapping_sub(b'0')));
        return T::try_from(v).ok();
    }
    s.parse().ok()
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
    // Every relative word ends with 年, before any の: most dates have neither
    // just before them, and need no closer look.
    if !(head.ends_with('年') || head.ends_with('の')) {
        return Relative::None;
    }
    // The last four characters, as a slice of the text: no copy.
    let from = head.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    let t = head[from..].trim_end_matches('の');
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

/// A date form: its regex and, for the forms that need no more, a matcher
/// that finds the same matches when every digit of the window is ASCII (or,
/// with `whole_ascii`, every character).
struct Form {
    re: &'static Lazy<Regex>,
    ascii: Option<AsciiMatcher>,
    /// The matcher needs a window all of ASCII: the form's `\s` and its
    /// case-insensitive letters are then ASCII's (no `ſ`, no no-break space).
    whole_ascii: bool,
}

const ERA_FORM: Form = Form {
    re: &ERA,
    ascii: Some(ascii::era_year_month_day),
    whole_ascii: false,
};
const YMD_JA_FORM: Form = Form {
    re: &YMD_JA,
    ascii: Some(ascii::year_month_day_ja),
    whole_ascii: false,
};
const YMD_NUM_FORM: Form = Form {
    re: &YMD_NUM,
    ascii: Some(ascii::year_month_day_num),
    whole_ascii: false,
};
const EN_MDY_FORM: Form = Form {
    re: &EN_MDY,
    ascii: Some(ascii::month_day_year_en),
    whole_ascii: true,
};
const EN_DMY_FORM: Form = Form {
    re: &EN_DMY,
    ascii: None,
    whole_ascii: false,
};
const EN_MY_FORM: Form = Form {
    re: &EN_MY,
    ascii: None,
    whole_ascii: false,
};
const MD_JA_FORM: Form = Form {
    re: &MD_JA,
    ascii: Some(ascii::month_day_ja),
    whole_ascii: false,
};
const MD_SLASH_FORM: Form = Form {
    re: &MD_SLASH,
    ascii: Some(ascii::month_day_slash),
    whole_ascii: false,
};
const M_JA_FORM: Form = Form {
    re: &M_JA,
    ascii: Some(ascii::month_ja),
    whole_ascii: false,
};
const D_JA_FORM: Form = Form {
    re: &D_JA,
    ascii: Some(ascii::day_ja),
    whole_ascii: false,
};

/// Finds the matches of a form in a window (as bytes) into a list, from the
/// places of `年`, `月` and `日` in the window.
type AsciiMatcher = fn(&[u8], &Anchors, &mut Vec<FormMatch>);

/// The places of `年`, `月` and `日` in a window, and of the separators
/// (`/`, `.`, `-`) between two ASCII digits, in order: found once, by the scan
/// for the window's cues, for all the forms that start from them.
#[derive(Default)]
struct Anchors {
    year: Vec<usize>,
    month: Vec<usize>,
    day: Vec<usize>,
    /// `/`, `.` or `-` between two ASCII digits.
    separator: Vec<usize>,
    /// `/` between two ASCII digits.
    slash: Vec<usize>,
    /// The month names of the English forms: whole runs of ASCII letters.
    month_name: Vec<(usize, usize)>,
}

/// How many dates (and places of `年`, `月`, `日`) the lists of a document
/// or a window make room for at once.
const FEW: usize = 16;

impl Anchors {
    /// Room for `n` places of `年`, `月` and `日` each; the separators, rare
    /// in Japanese text, get theirs when first met.
    fn with_capacity(n: usize) -> Anchors {
        Anchors {
            year: Vec::with_capacity(n),
            month: Vec::with_capacity(n),
            day: Vec::with_capacity(n),
            separator: Vec::new(),
            slash: Vec::new(),
            month_name: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.year.clear();
        self.month.clear();
        self.day.clear();
        self.separator.clear();
        self.slash.clear();
        self.month_name.clear();
    }
}

/// One match of a form in a window: its span and the spans of its groups
/// (group `i` at `groups[i - 1]`), in bytes of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FormMatch {
    start: usize,
    end: usize,
    groups: [Option<(usize, usize)>; 4],
}

impl FormMatch {
    fn group<'w>(&self, w: &'w str, i: usize) -> Option<&'w str> {
        let (s, e) = (*self.groups.get(i.checked_sub(1)?)?)?;
        w.get(s..e)
    }
}

/// The matches of `form` in `w`, in order, into `out` (emptied first).
/// `ascii_digits` says that no character of `w` outside ASCII can be a digit.
/// `anchors` are the places of `年`, `月` and `日` in `w`.
fn form_matches(
    form: &Form,
    w: &str,
    anchors: &Anchors,
    ascii_digits: bool,
    out: &mut Vec<FormMatch>,
) {
    out.clear();
    let ascii = ascii_digits && (!form.whole_ascii || w.is_ascii());
    match form.ascii {
        Some(find) if ascii => find(w.as_bytes(), anchors, out),
        _ => out.extend(form.re.captures_iter(w).filter_map(|c| {
            let whole = c.get(0)?;
            let span = |i: usize| c.get(i).map(|m| (m.start(), m.end()));
            Some(FormMatch {
                start: whole.start(),
                end: whole.end(),
                groups: [span(1), span(2), span(3), span(4)],
            })
        })),
    }
}

/// Every date mention in `text`, in order, overlapping forms removed.
pub fn find_dates(text: &str) -> Vec<DateHit> {
    // Every date form holds a digit: the forms run only over small windows
    // around the runs of digits, not over all the text.
    let windows = digit_windows(text, 16, 24);
    // Room for the usual few dates of a document, so that the lists do not
    // grow one push at a time.
    let mut hits: Vec<DateHit> = Vec::with_capacity(windows.len().min(FEW));
    // Forms are tried most specific first; a later form's hit that overlaps an
    // accepted one is dropped. Accepted hits never overlap, so the one starting
    // last before a new hit's end is the only one that can overlap it; they are
    // kept in order of their starts, where a new one that overlaps none goes
    // just after that one.
    let mut accepted: Vec<(usize, usize)> = Vec::with_capacity(windows.len().min(FEW));
    let mut push = |hits: &mut Vec<DateHit>, h: DateHit| {
        let at = accepted.partition_point(|&(s, _)| s < h.end);
        let overlaps = at
            .checked_sub(1)
            .and_then(|i| accepted.get(i))
            .is_some_and(|&(_, e)| e > h.start);
        if valid(h.month, h.day) && !overlaps {
            accepted.insert(at, (h.start, h.end));
            hits.push(h);
        }
    };
    // Whether the text is English enough for the English forms: asked only
    // when a window holds the cue of one (most Japanese documents hold none).
    let mut english_text: Option<bool> = None;
    let mut found: Vec<FormMatch> = Vec::with_capacity(FEW);
    let mut anchors = Anchors::with_capacity(FEW);
    for (ws, we) in windows {
        let w = &text[ws..we];
        // Each form runs only on a window holding the characters it cannot match
        // without.
        let cue = Cues::of(w, &mut anchors);
        let english = (cue.name_day || cue.day_name_year || cue.name_year)
            && *english_text.get_or_insert_with(|| has_ascii_letters(text, 8));
        // A third of the windows (digits in prose, tables, versions) hold
        // no cue of any form: nothing to run.
        if !cue.any_form(english) {
            continue;
        }
        let ascii = !cue.other_digit;
        let era =
            cue.year_ja && cue.month_ja && cue.era_end && ERA_NAMES.iter().any(|n| w.contains(n));
        // A form whose cue is missing is not run, and its hits are not read.
        let run = |form: &Form, wanted: bool, buf: &mut Vec<FormMatch>| {
            if wanted {
                form_matches(form, w, &anchors, ascii, buf);
            } else {
                buf.clear();
            }
        };
        run(&ERA_FORM, era, &mut found);
        for m in &found {
            let base = match m.group(w, 1) {
                Some("令和") => 2018,
                Some("平成") => 1988,
                _ => 1925,
            };
            let n: i32 = match m.group(w, 2) {
                Some("元") => 1,
                g => g.and_then(parse_number).unwrap_or(0),
            };
            let (Some(month), day) = (num(m.group(w, 3)), num(m.group(w, 4))) else {
                continue;
            };
            push(
                &mut hits,
                DateHit {
                    start: ws + m.start,
                    end: ws + m.end,
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
        let full: [DateForm; 2] = [
            (&YMD_JA_FORM, cue.year_ja && cue.month_ja, &glued_ja),
            (&YMD_NUM_FORM, cue.digit_sep, &glued_num),
        ];
        for (form, wanted, glued) in full {
            run(form, wanted, &mut found);
            for m in &found {
                let year: i32 = m.group(w, 1).and_then(parse_number).unwrap_or(0);
                let (Some(month), day) = (num(m.group(w, 2)), num(m.group(w, 3))) else {
                    continue;
                };
                if glued(ws + m.start, ws + m.end) || !(1900..=2100).contains(&year) {
                    continue;
                }
                push(
                    &mut hits,
                    DateHit {
                        start: ws + m.start,
                        end: ws + m.end,
                        year: Some(year),
                        month,
                        day,
                        relative: Relative::None,
                    },
                );
            }
        }
        run(&EN_MDY_FORM, english && cue.name_day, &mut found);
        for m in &found {
            let name = m.group(w, 1).unwrap_or("");
            let month = month_of(name);
            let day = num(m.group(w, 2));
            let year = m.group(w, 3).and_then(parse_number);
            // "May 5" alone is too often not a date ("may 5 users"): require a year for May without a capital.
            if name.starts_with('m') && name.len() == 3 && year.is_none() {
                continue;
            }
            push(
                &mut hits,
                DateHit {
                    start: ws + m.start,
                    end: ws + m.end,
                    year,
                    month,
                    day,
                    relative: Relative::None,
                },
            );
        }
        run(&EN_DMY_FORM, english && cue.day_name_year, &mut found);
        for m in &found {
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start,
                    ws + m.end,
                    m.group(w, 3).and_then(parse_number),
                    month_of(m.group(w, 2).unwrap_or("")),
                    num(m.group(w, 1)),
                    Relative::None,
                ),
            );
        }
        run(&EN_MY_FORM, english && cue.name_year, &mut found);
        for m in &found {
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start,
                    ws + m.end,
                    m.group(w, 2).and_then(parse_number),
                    month_of(m.group(w, 1).unwrap_or("")),
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
        let month_day: [DateForm; 2] = [
            (&MD_JA_FORM, cue.month_ja && cue.day_ja, &glued_md),
            (&MD_SLASH_FORM, cue.digit_slash, &glued_slash),
        ];
        for (form, wanted, glued) in month_day {
            run(form, wanted, &mut found);
            for m in &found {
                let (s, e) = (ws + m.start, ws + m.end);
                if glued(s, e) {
                    continue;
                }
                push(
                    &mut hits,
                    DateHit::at(
                        s,
                        e,
                        None,
                        num(m.group(w, 1)).unwrap_or(0),
                        num(m.group(w, 2)),
                        relative_before(text, s),
                    ),
                );
            }
        }
        run(&M_JA_FORM, cue.month_ja, &mut found);
        for m in &found {
            if prev_char(text, ws + m.start).is_some_and(|p| p.is_ascii_digit() || p == '第') {
                continue;
            }
            let n = next_char(text, ws + m.end);
            if n.is_some_and(|n| {
                n.is_ascii_digit() || n == '日' || n == '分' || n == '間' || n == '額'
            }) {
                continue;
            }
            push(
                &mut hits,
                DateHit::at(
                    ws + m.start,
                    ws + m.end,
                    None,
                    num(m.group(w, 1)).unwrap_or(0),
                    None,
                    relative_before(text, ws + m.start),
                ),
            );
        }
        run(&D_JA_FORM, cue.day_ja, &mut found);
        for m in &found {
            let Some((_, d_end)) = m.groups[0] else {
                continue;
            };
            if prev_char(text, ws + m.start)
                .is_some_and(|p| p.is_ascii_digit() || p == '月' || p == '第' || p == '~')
            {
                continue;
            }
            // Only the day and 日: the cue after it belongs to the sentence.
            let end = (ws + d_end) + '日'.len_utf8();
            push(
                &mut hits,
                DateHit {
                    start: ws + m.start,
                    end,
                    year: None,
                    month: 0,
                    day: num(m.group(w, 1)),
                    relative: Relative::None,
                },
            );
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// A date form, whether its window holds what it needs, and the test that its
/// match is glued to something else.
type DateForm<'a> = (&'a Form, bool, &'a dyn Fn(usize, usize) -> bool);

const ERA_NAMES: [&str; 3] = ["令和", "平成", "昭和"];

/// The characters of a window that the date forms need. Every test is a
/// necessary condition of a form's match, so a form whose cue is missing
/// cannot match and need not run.
#[derive(Default)]
struct Cues {
    /// `年`
    year_ja: bool,
    /// `月`
    month_ja: bool,
    /// `日`
    day_ja: bool,
    /// `和` or `成`, the last characters of the era names: a window without
    /// one needs no search for the names.
    era_end: bool,
    /// `/`, `.` or `-` between two characters that may be digits.
    digit_sep: bool,
    /// `/` between two characters that may be digits.
    digit_slash: bool,
    /// A character outside ASCII that may be a digit (`\d` is Unicode): a
    /// numeric one outside U+2000..U+9FFF.
    other_digit: bool,
    /// A month name of the English forms that may start `EN_MDY`: a word
    /// of ASCII letters, in any case, then `\.?\s+` and a digit. Each of the
    /// three English cues is also set by a long s (`ſ`), which
    /// case-insensitive matching takes for `s`, and wherever a character
    /// outside ASCII (maybe a space or a digit) leaves the test open.
    name_day: bool,
    /// A month name that may be the middle of `EN_DMY`: `\d\s+` before it,
    /// `\.?,?\s+` and a digit after it.
    day_name_year: bool,
    /// A capitalised full month name that may start `EN_MY`: `\s+`, maybe
    /// `of\s+`, then four digits and a word boundary after it (most month
    /// names in running text are followed by a day, which this form lacks).
    name_year: bool,
}

impl Cues {
    /// The cues of `w`, and the places of its `年`, `月` and `日` into `anchors`.
    /// Kept out of line: the loop over the windows stays small.
    #[inline(never)]
    fn of(w: &str, anchors: &mut Anchors) -> Cues {
        let b = w.as_bytes();
        let mut cue = Cues::default();
        anchors.clear();
        // `\d` is Unicode: any non-ASCII byte may belong to a digit.
        let digitish = |x: Option<&u8>| x.is_some_and(|&x| x.is_ascii_digit() || x >= 0x80);
        // Only the bytes the cues are made of are looked at: each is ASCII or
        // the first byte of a character, so a place found is a character's.
        let mut hits = Hits::new(b, 0, &DATE_CUE);
        while let Some(i) = hits.next() {
            let Some(&x) = b.get(i) else { break };
            match x {
                0xE5 => match b.get(i + 1..i + 3) {
                    Some([0xB9, 0xB4]) => {
                        cue.year_ja = true;
                        anchors.year.push(i);
                    }
                    Some([0x92, 0x8C]) => cue.era_end = true,
                    _ => {}
                },
                0xE6 => match b.get(i + 1..i + 3) {
                    Some([0x9C, 0x88]) => {
                        cue.month_ja = true;
                        anchors.month.push(i);
                    }
                    Some([0x97, 0xA5]) => {
                        cue.day_ja = true;
                        anchors.day.push(i);
                    }
                    Some([0x88, 0x90]) => cue.era_end = true,
                    _ => {}
                },
                b'/' | b'.' | b'-' if i > 0 && digitish(b.get(i - 1)) && digitish(b.get(i + 1)) => {
                    cue.digit_sep = true;
                    cue.digit_slash |= x == b'/';
                    if b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                        anchors.separator.push(i);
                        if x == b'/' {
                            anchors.slash.push(i);
                        }
                    }
                }
                0xC5 if b.get(i + 1) == Some(&0xBF) => {
                    (cue.name_day, cue.day_name_year, cue.name_year) = (true, true, true);
                }
                // Only a numeric character can be a digit (`\d` is `Nd`, a
                // part of what `is_numeric` takes): `×`, `·` or a no-break
                // space leaves the window to the ASCII matchers.
                0xC2..=0xE1 | 0xEA..=0xF4 => {
                    cue.other_digit |= w
                        .get(i..)
                        .and_then(|t| t.chars().next())
                        .is_some_and(char::is_numeric);
                }
                _ if x.is_ascii_alphabetic() => {
                    // A whole word: looked at once, then passed.
                    let word = b[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                    if is_month_word(&b[i..i + word]) {
                        anchors.month_name.push((i, i + word));
                        cue.english_forms_around(b, i, i + word);
                    }
                    hits.skip_to(i + word);
                }
                _ => {}
            }
        }
        cue
    }
}

impl Cues {
    /// Whether any form may match in the window: each form needs one of
    /// these cues (the era and the year-month-day forms need `年` and `月`,
    /// the slash form needs `digit_sep` too).
    fn any_form(&self, english: bool) -> bool {
        self.year_ja
            || self.month_ja
            || self.day_ja
            || self.digit_sep
            || (english && (self.name_day || self.day_name_year || self.name_year))
    }

    /// Sets the cues of the English forms that the month name `b[start..end]`
    /// (a whole word) may belong to, from the bytes around it. Rare (kept
    /// out of line, away from the loop over a window's cues).
    #[inline(never)]
    fn english_forms_around(&mut self, b: &[u8], start: usize, end: usize) {
        let period = usize::from(b.get(end) == Some(&b'.'));
        self.name_day |= digit_after_spaces(b, end + period);
        let comma = usize::from(b.get(end + period) == Some(&b','));
        self.day_name_year |=
            digit_after_spaces(b, end + period + comma) && digit_before_spaces(b, start);
        self.name_year |= is_full_month_name(&b[start..end])
            && match spaces_from(b, end) {
                Spaces::Absent => false,
                Spaces::Unknown => true,
                Spaces::Ascii(at) => {
                    maybe_year(b, at)
                        || (b.get(at..at + 2) == Some(b"of")
                            && match spaces_from(b, at + 2) {
                                Spaces::Absent => false,
                                Spaces::Unknown => true,
                                Spaces::Ascii(end) => maybe_year(b, end),
                            })
                }
            };
    }
}

/// A run of `\s` (Unicode white space) as far as ASCII bytes tell.
enum Spaces {
    /// None at all: the next byte is ASCII and no space (or there is none).
    Absent,
    /// ASCII white space up to here, where an ASCII byte or the end follows.
    Ascii(usize),
    /// A byte outside ASCII, which may be a space (or a digit), is met first.
    Unknown,
}

/// The run of white space from `at` in `b`.
fn spaces_from(b: &[u8], at: usize) -> Spaces {
    let is_space = |x: &&u8| matches!(**x, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let n = b
        .get(at..)
        .map_or(0, |t| t.iter().take_while(is_space).count());
    match b.get(at + n) {
        Some(&x) if x >= 0x80 => Spaces::Unknown,
        _ if n == 0 => Spaces::Absent,
        _ => Spaces::Ascii(at + n),
    }
}

/// Whether the byte at `at` may start a `\d` (an ASCII digit or a byte outside ASCII).
fn maybe_digit(b: &[u8], at: usize) -> bool {
    b.get(at).is_some_and(|&x| x.is_ascii_digit() || x >= 0x80)
}

/// Whether `(\d{4})(?-u:\b)` may match from `at`: four ASCII digits and no
/// word byte after them, or a byte outside ASCII (maybe a digit) among them.
fn maybe_year(b: &[u8], at: usize) -> bool {
    for i in at..at + 4 {
        match b.get(i) {
            Some(&x) if x >= 0x80 => return true,
            Some(x) if x.is_ascii_digit() => {}
            _ => return false,
        }
    }
    !b.get(at + 4)
        .is_some_and(|&x| x.is_ascii_alphanumeric() || x == b'_')
}

/// Whether `\s+\d` may match from `at`.
fn digit_after_spaces(b: &[u8], at: usize) -> bool {
    match spaces_from(b, at) {
        Spaces::Absent => false,
        Spaces::Unknown => true,
        Spaces::Ascii(end) => maybe_digit(b, end),
    }
}

/// Whether `\d\s+` may end at `at`.
fn digit_before_spaces(b: &[u8], at: usize) -> bool {
    let head = b.get(..at).unwrap_or_default();
    let n = head
        .iter()
        .rev()
        .take_while(|&&x| matches!(x, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '))
        .count();
    match head.len().checked_sub(n + 1).and_then(|k| head.get(k)) {
        Some(&x) if x >= 0x80 => true,
        Some(&x) => n > 0 && x.is_ascii_digit(),
        None => false,
    }
}

/// Whether `word` is one of the month names of `EN_MY`, exactly.
fn is_full_month_name(word: &[u8]) -> bool {
    const NAMES: [&[u8]; 12] = [
        b"January",
        b"February",
        b"March",
        b"April",
        b"May",
        b"June",
        b"July",
        b"August",
        b"September",
        b"October",
        b"November",
        b"December",
    ];
    NAMES.contains(&word)
}

/// Whether `word` (a whole run of ASCII letters) is, in any case, one of the
/// month names of the English forms. In a match of those forms the name has
/// no ASCII letter on either side (a word boundary or a space before it; a
/// `.`, `,` or space after it), and without a long s its letters are ASCII,
/// so it is a whole run of letters of the window.
fn is_month_word(word: &[u8]) -> bool {
    // The first three letters (lower-cased: the word is all ASCII letters)
    // name the month; the word is those three or the one longer name (two
    // for September) that starts with them.
    let [a, b, c, ..] = *word else {
        return false;
    };
    if word.len() > 9 {
        return false;
    }
    let longer: &[&[u8]] = match [a | 0x20, b | 0x20, c | 0x20] {
        [b'j', b'a', b'n'] => &[b"january"],
        [b'f', b'e', b'b'] => &[b"february"],
        [b'm', b'a', b'r'] => &[b"march"],
        [b'a', b'p', b'r'] => &[b"april"],
        [b'm', b'a', b'y'] => &[],
        [b'j', b'u', b'n'] => &[b"june"],
        [b'j', b'u', b'l'] => &[b"july"],
        [b'a', b'u', b'g'] => &[b"august"],
        [b's', b'e', b'p'] => &[b"sept", b"september"],
        [b'o', b'c', b't'] => &[b"october"],
        [b'n', b'o', b'v'] => &[b"november"],
        [b'd', b'e', b'c'] => &[b"december"],
        _ => return false,
    };
    word.len() == 3 || longer.iter().any(|n| word.eq_ignore_ascii_case(n))
}

/// Matchers for the Japanese and numeric forms that find exactly what their
/// regexes find (leftmost first, then on from the end of each match) in a
/// window whose digits are all ASCII. Every character of these forms but the
/// digits is a fixed one, so a match is found from the place of that
/// character: `年`, `月`, `日`, `/` or a separator.
mod ascii {
    use super::{Anchors, FormMatch};

    const YEAR: &[u8] = "年".as_bytes();
    const MONTH: &[u8] = "月".as_bytes();
    const DAY: &[u8] = "日".as_bytes();
    /// What may follow the day of `D_JA`, in the order of its alternation.
    const DAY_CUES: [&str; 12] = [
        "午前", "午後", "、", ",", "に", "から", "まで", "現在", "(", "未明", "夜", "朝",
    ];

    fn is_at(b: &[u8], at: usize, what: &[u8]) -> bool {
        b.get(at..).is_some_and(|r| r.starts_with(what))
    }

    /// The number of ASCII digits just before `at`, none before `floor`.
    fn digits_before(b: &[u8], at: usize, floor: usize) -> usize {
        b.get(floor..at).map_or(0, |h| {
            h.iter().rev().take_while(|x| x.is_ascii_digit()).count()
        })
    }

    /// The number of ASCII digits from `at` on.
    fn digits_from(b: &[u8], at: usize) -> usize {
        b.get(at..)
            .map_or(0, |t| t.iter().take_while(|x| x.is_ascii_digit()).count())
    }

    /// `\d{1,2}` then `what` from `at`: the digits' end when they are there.
    fn one_or_two_then(b: &[u8], at: usize, what: &[u8]) -> Option<usize> {
        let n = digits_from(b, at);
        ((1..=2).contains(&n) && is_at(b, at + n, what)).then_some(at + n)
    }

    fn is_separator(b: &[u8], at: usize) -> bool {
        matches!(b.get(at), Some(b'/' | b'.' | b'-'))
    }

    /// Calls `each(anchor, floor)` for every place in `places` (in order)
    /// not inside the last match, where `floor` is the end of the last match;
    /// `each` gives the end of its match.
    fn each_place(places: &[usize], mut each: impl FnMut(usize, usize) -> Option<usize>) {
        let mut floor = 0;
        for &at in places {
            if at < floor {
                continue;
            }
            if let Some(end) = each(at, floor) {
                floor = end;
            }
        }
    }

    /// A match of `(\d{1,2})` + a unit, when digits stand before the unit at
    /// `at`: its one group is the digits (`start..at`). Returns where it ends.
    fn number_before(
        out: &mut Vec<FormMatch>,
        start: usize,
        at: usize,
        end: usize,
    ) -> Option<usize> {
        (start < at).then(|| {
            out.push(FormMatch {
                start,
                end,
                groups: [Some((start, at)), None, None, None],
            });
            end
        })
    }

    /// `(\d{1,2})月`
    pub(super) fn month_ja(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        each_place(&anchors.month, |at, floor| {
            let start = at - digits_before(b, at, floor).min(2);
            let end = at + MONTH.len();
            number_before(out, start, at, end)
        });
    }

    /// `(\d{1,2})日(?:午前|午後|、|,|に|から|まで|現在|\(|未明|夜|朝)`
    pub(super) fn day_ja(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        each_place(&anchors.day, |at, floor| {
            let start = at - digits_before(b, at, floor).min(2);
            // Most `日` follow no digit (`日本`, `本日`): no cue need be looked for.
            if start == at {
                return None;
            }
            let after = at + DAY.len();
            let cue = DAY_CUES.iter().find(|c| is_at(b, after, c.as_bytes()))?;
            let end = after + cue.len();
            number_before(out, start, at, end)
        });
    }

    /// `(\d{1,2})月(\d{1,2})日`
    pub(super) fn month_day_ja(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        each_place(&anchors.month, |at, floor| {
            let start = at - digits_before(b, at, floor).min(2);
            let day_from = at + MONTH.len();
            let day_end = one_or_two_then(b, day_from, DAY)?;
            let end = day_end + DAY.len();
            (start < at).then(|| {
                out.push(FormMatch {
                    start,
                    end,
                    groups: [Some((start, at)), Some((day_from, day_end)), None, None],
                });
                end
            })
        });
    }

    /// `(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?`
    pub(super) fn year_month_day_ja(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        each_place(&anchors.year, |at, floor| {
            if digits_before(b, at, floor) < 4 {
                return None;
            }
            let start = at - 4;
            let month_from = at + YEAR.len();
            let month_end = one_or_two_then(b, month_from, MONTH)?;
            let day_from = month_end + MONTH.len();
            let day = one_or_two_then(b, day_from, DAY).map(|e| (day_from, e));
            let end = day.map_or(day_from, |(_, e)| e + DAY.len());
            out.push(FormMatch {
                start,
                end,
                groups: [Some((start, at)), Some((month_from, month_end)), day, None],
            });
            Some(end)
        });
    }

    /// `(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(?:(\d{1,2})日)?`
    pub(super) fn era_year_month_day(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        const FIRST: &[u8] = "元".as_bytes();
        each_place(&anchors.year, |at, floor| {
            // The year of the era: one or two digits, or `元`, just before `年`.
            let num_start = match digits_before(b, at, floor) {
                1 => at - 1,
                2 => at - 2,
                0 if at >= floor + FIRST.len() && b[..at].ends_with(FIRST) => at - FIRST.len(),
                _ => return None,
            };
            let era_len = super::ERA_NAMES[0].len();
            let start = num_start.checked_sub(era_len).filter(|&s| s >= floor)?;
            if !super::ERA_NAMES
                .iter()
                .any(|e| b[start..num_start] == *e.as_bytes())
            {
                return None;
            }
            let month_from = at + YEAR.len();
            let month_end = one_or_two_then(b, month_from, MONTH)?;
            let day_from = month_end + MONTH.len();
            let day = one_or_two_then(b, day_from, DAY).map(|e| (day_from, e));
            let end = day.map_or(day_from, |(_, e)| e + DAY.len());
            out.push(FormMatch {
                start,
                end,
                groups: [
                    Some((start, num_start)),
                    Some((num_start, at)),
                    Some((month_from, month_end)),
                    day,
                ],
            });
            Some(end)
        });
    }

    /// `(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})`
    pub(super) fn year_month_day_num(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        // Its separators have a digit on either side.
        each_place(&anchors.separator, |at, floor| {
            if digits_before(b, at, floor) < 4 {
                return None;
            }
            let start = at - 4;
            let month_from = at + 1;
            let n = digits_from(b, month_from);
            if !(1..=2).contains(&n) || !is_separator(b, month_from + n) {
                return None;
            }
            let month_end = month_from + n;
            let day_from = month_end + 1;
            let day_end = day_from + digits_from(b, day_from).min(2);
            (day_end > day_from).then(|| {
                out.push(FormMatch {
                    start,
                    end: day_end,
                    groups: [
                        Some((start, at)),
                        Some((month_from, month_end)),
                        Some((day_from, day_end)),
                        None,
                    ],
                });
                day_end
            })
        });
    }

    /// Whether the byte at `at` is a word byte of `(?-u:\b)`.
    fn is_word_at(b: &[u8], at: usize) -> bool {
        b.get(at)
            .is_some_and(|&x| x.is_ascii_alphanumeric() || x == b'_')
    }

    /// The number of ASCII white space bytes (`\s` in ASCII text) from `at` on.
    fn spaces_from(b: &[u8], at: usize) -> usize {
        b.get(at..).map_or(0, |t| {
            t.iter()
                .take_while(|x| matches!(x, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '))
                .count()
        })
    }

    /// `EN_MDY` in a window all of ASCII:
    /// `(?i)(?-u:\b)(jan(?:uary)?|…|dec(?:ember)?)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{4}))?`.
    /// The name has no word byte before it and `.` or a space after it, so it
    /// is a whole run of letters: a match starts only at one of the month
    /// names the scan for cues found.
    pub(super) fn month_day_year_en(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        let mut floor = 0;
        for &(start, end) in &anchors.month_name {
            let bounded = start == 0 || !is_word_at(b, start - 1);
            if start < floor || !bounded {
                continue;
            }
            if let Some(m) = month_day_year_from(b, start, end) {
                floor = m.end;
                out.push(m);
            }
        }
    }

    /// The match of `EN_MDY` whose month name is `b[start..end]`, if any.
    fn month_day_year_from(b: &[u8], start: usize, end: usize) -> Option<FormMatch> {
        // `\.?\s+`: without spaces after the period none after the name either.
        let after_name = end + usize::from(b.get(end) == Some(&b'.'));
        let spaces = spaces_from(b, after_name);
        if spaces == 0 {
            return None;
        }
        let day_from = after_name + spaces;
        let digits = digits_from(b, day_from);
        // Three digits or more: no boundary after the first one or two.
        if !(1..=2).contains(&digits) {
            return None;
        }
        let day_end = day_from + digits;
        // `(?:st|nd|rd|th)?(?-u:\b)`: the suffix when a boundary follows it,
        // else a boundary right after the digits.
        let suffix = b.get(day_end..day_end + 2).is_some_and(|x| {
            [b"st", b"nd", b"rd", b"th"]
                .iter()
                .any(|s| x.eq_ignore_ascii_case(*s))
        }) && !is_word_at(b, day_end + 2);
        let day_tail = if suffix {
            day_end + 2
        } else if is_word_at(b, day_end) {
            return None;
        } else {
            day_end
        };
        // `(?:,?\s+(\d{4}))?`
        let comma = day_tail + usize::from(b.get(day_tail) == Some(&b','));
        let gap = spaces_from(b, comma);
        let year_from = comma + gap;
        let year =
            (gap > 0 && digits_from(b, year_from) >= 4).then_some((year_from, year_from + 4));
        Some(FormMatch {
            start,
            end: year.map_or(day_tail, |(_, e)| e),
            groups: [Some((start, end)), Some((day_from, day_end)), year, None],
        })
    }

    /// `(\d{1,2})/(\d{1,2})`
    pub(super) fn month_day_slash(b: &[u8], anchors: &Anchors, out: &mut Vec<FormMatch>) {
        // Its slash has a digit on either side.
        each_place(&anchors.slash, |at, floor| {
            let start = at - digits_before(b, at, floor).min(2);
            let day_from = at + 1;
            let day_end = day_from + digits_from(b, day_from).min(2);
            (start < at && day_end > day_from).then(|| {
                out.push(FormMatch {
                    start,
                    end: day_end,
                    groups: [Some((start, at)), Some((day_from, day_end)), None, None],
                });
                day_end
            })
        });
    }
}

/// `[start, end)` windows reaching `before` bytes before and `after` bytes after
/// each run of ASCII digits, on char boundaries, merged where they overlap.
/// Kept out of line, as the scan for a window's cues: `find_dates` stays small.
#[inline(never)]
fn digit_windows(text: &str, before: usize, after: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(FEW * 4);
    let mut from = 0;
    while let Some(start) = scan_to(bytes, from, &ASCII_DIGIT) {
        let mut i = start;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let s = char_start_at_or_before(bytes, start.saturating_sub(before));
        let e = char_start_at_or_after(bytes, (i + after).min(text.len()));
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
        from = i;
    }
    out
}

/// Whether `b` is a UTF-8 continuation byte (never the start of a character).
fn is_continuation(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| (b as i8) < -0x40)
}

/// The start of the character holding byte `at` of the text `bytes` (or
/// `at` itself at the end): at most three steps back over continuation
/// bytes, as steps without a branch, since how many there are changes from
/// one window to the next in Japanese text.
fn char_start_at_or_before(bytes: &[u8], mut at: usize) -> usize {
    for _ in 0..3 {
        at -= usize::from(is_continuation(bytes.get(at)));
    }
    at
}

/// The first character start at or after byte `at` of the text `bytes`
/// (its length at the end): at most three steps over continuation bytes.
fn char_start_at_or_after(bytes: &[u8], mut at: usize) -> usize {
    for _ in 0..3 {
        at += usize::from(is_continuation(bytes.get(at)));
    }
    at
}

/// What `RANGE_GAP` ends with: its word of a range (`~`, `-`, `から` …),
/// maybe `、` or `,`, maybe white space and `同年`.
const RANGE_WORDS: [&str; 7] = ["~", "-", "から", "より", "to", "until", "through"];

/// Whether the trimmed gap `gap` ends as a match of `RANGE_GAP` must: a
/// necessary test, a few comparisons at its end, so that the gaps between
/// most pairs of dates (running text) need no regex search.
fn ends_like_range_gap(gap: &str) -> bool {
    let body = match gap.strip_suffix("同年") {
        Some(rest) => rest.trim_end(),
        None => gap,
    };
    let body = body.strip_suffix(['、', ',']).unwrap_or(body);
    RANGE_WORDS.iter().any(|w| body.ends_with(w))
}

/// Resolves the years (and, for a bare `10日`, the month) of the hits of one
/// report. `doc_year` is the year of the document.
pub fn resolve(text: &str, hits: &[DateHit], doc_year: i32) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::with_capacity(hits.len());
    let mut context: Option<Date> = None;
    for h in hits {
        let range_from = out.last().and_then(|prev: &DateMention| {
            let gap = text.get(prev.end..h.start)?.trim();
            (ends_like_range_gap(gap) && RANGE_GAP.is_match(gap)).then_some(out.len() - 1)
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

    /// Random windows over the characters the forms care about: each ASCII
    /// matcher finds what its regex finds.
    #[test]
    fn ascii_matchers_find_what_the_regexes_find() {
        const PIECES: [&str; 29] = [
            "0", "1", "2", "9", "20", "2023", "12345", "年", "月", "日", "/", ".", "-", "、", ",",
            "から", "午前", "午", "に", "(", "朝", "x", " ", "の", "令和", "平成", "昭和", "元",
            "和",
        ];
        let forms: [(&Form, &str); 7] = [
            (&ERA_FORM, "era"),
            (&YMD_JA_FORM, "ymd_ja"),
            (&YMD_NUM_FORM, "ymd_num"),
            (&MD_JA_FORM, "md_ja"),
            (&MD_SLASH_FORM, "md_slash"),
            (&M_JA_FORM, "m_ja"),
            (&D_JA_FORM, "d_ja"),
        ];
        let mut next = crate::test_random::xorshift(0x9E37_79B9_7F4A_7C15);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let mut anchors = Anchors::default();
        for _ in 0..60_000 {
            let w = crate::test_random::text_of(&mut next, &PIECES, 14);
            // The places of `年`, `月` and `日` as the scan for cues finds them.
            Cues::of(&w, &mut anchors);
            for (form, name) in &forms {
                form_matches(form, &w, &anchors, true, &mut fast);
                form_matches(form, &w, &anchors, false, &mut slow);
                assert_eq!(fast, slow, "{name} on {w:?}");
            }
        }
    }

    /// Random windows of Japanese and numeric dates and what is near them: a
    /// window where a form's regex matches has the cues that let the form run.
    #[test]
    fn japanese_forms_match_only_where_their_cue_is() {
        const PIECES: [&str; 24] = [
            "0", "1", "12", "2023", "年", "月", "日", "本", "毎", "/", ".", "-", "、", "から",
            "令和", "元", "和", "٣", "１", "x", " ", "に", "成", "平",
        ];
        let mut next = crate::test_random::xorshift(0x7A9A_4E5E_C0E5_0001);
        let mut anchors = Anchors::default();
        for _ in 0..100_000 {
            let w = crate::test_random::text_of(&mut next, &PIECES, 12);
            let cue = Cues::of(&w, &mut anchors);
            for (re, has) in [
                (&ERA, cue.year_ja && cue.month_ja && cue.era_end),
                (&YMD_JA, cue.year_ja && cue.month_ja),
                (&YMD_NUM, cue.digit_sep),
                (&MD_JA, cue.month_ja && cue.day_ja),
                (&MD_SLASH, cue.digit_slash),
                (&M_JA, cue.month_ja),
                (&D_JA, cue.day_ja),
            ] {
                assert!(!re.is_match(&w) || has, "{} on {w:?}", re.as_str());
            }
        }
    }

    /// Random windows dense in era dates: the era matcher finds what its
    /// regex finds.
    #[test]
    fn era_matcher_finds_what_its_regex_finds() {
        const PIECES: [&str; 16] = [
            "令和",
            "平成4年",
            "昭和元年",
            "令和12年3月",
            "平成123年",
            "和",
            "元",
            "1",
            "12",
            "123",
            "年",
            "5月",
            "月",
            "10日",
            "日",
            "x",
        ];
        let mut next = crate::test_random::xorshift(0x0E2A_0E2A_1234_5679);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let mut anchors = Anchors::default();
        let mut found = 0;
        for _ in 0..60_000 {
            let w = crate::test_random::text_of(&mut next, &PIECES, 14);
            Cues::of(&w, &mut anchors);
            form_matches(&ERA_FORM, &w, &anchors, true, &mut fast);
            form_matches(&ERA_FORM, &w, &anchors, false, &mut slow);
            assert_eq!(fast, slow, "era on {w:?}");
            found += slow.len();
        }
        assert!(found > 500, "too few era dates tried: {found}");
    }

    #[test]
    fn iso_writes_what_format_writes() {
        for year in [i32::MIN, -5, 0, 7, 999, 2023, 9999, 10_000, i32::MAX] {
            for month in [0, 1, 12, 99, 100] {
                for day in [None, Some(0), Some(9), Some(31), Some(100), Some(u32::MAX)] {
                    let want = match day {
                        Some(d) => format!("{year:04}-{month:02}-{d:02}"),
                        None => format!("{year:04}-{month:02}"),
                    };
                    assert_eq!(Date { year, month, day }.iso(), want);
                }
            }
        }
    }

    /// Random windows of English dates and what is near them: the matcher of
    /// `EN_MDY` finds what its regex finds (and a window not all ASCII is
    /// left to the regex).
    #[test]
    fn english_matcher_finds_what_its_regex_finds() {
        const PIECES: [&str; 40] = [
            "May",
            "may",
            "MARCH",
            "Sept",
            "sept",
            "September",
            "jan",
            "Janu",
            "junE",
            "julyx",
            "decided",
            "5",
            "12",
            "123",
            "2021",
            "20210",
            "st",
            "ND",
            "th",
            "x",
            "_",
            " ",
            "  ",
            "\t",
            "\n",
            ".",
            ",",
            ", ",
            "of",
            "3rd",
            "4th,",
            "ſt",
            "\u{a0}",
            "٣",
            "March 4",
            " 5",
            ", 2023",
            "Jan. 12",
            "oct 31st",
            " 2024",
        ];
        let mut next = crate::test_random::xorshift(0x5EED_0FEA_57DA_7E00);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let mut anchors = Anchors::default();
        let mut found = 0;
        for _ in 0..100_000 {
            let w = crate::test_random::text_of(&mut next, &PIECES, 12);
            // The month names as the scan for cues finds them.
            Cues::of(&w, &mut anchors);
            form_matches(&EN_MDY_FORM, &w, &anchors, true, &mut fast);
            form_matches(&EN_MDY_FORM, &w, &anchors, false, &mut slow);
            assert_eq!(fast, slow, "en_mdy on {w:?}");
            found += slow.len();
        }
        assert!(found > 2_000, "too few English dates tried: {found}");
    }

    /// Random windows of English words and numbers: a window where an
    /// English form matches has the cue that lets the form run.
    #[test]
    fn english_forms_match_only_where_their_cue_is() {
        const PIECES: [&str; 33] = [
            "20210",
            "2021x",
            "_",
            "1999,",
            "of\n",
            "May",
            "may",
            "MARCH",
            "Sept",
            "sept.",
            "decided",
            "junior",
            "Jan",
            "ſept",
            "5",
            "12",
            "2021",
            " ",
            ", ",
            ".",
            "\u{a0}",
            "of ",
            "x",
            "日",
            "3rd",
            "\t",
            "of",
            ",",
            "\u{3000}",
            "September",
            "1",
            "٣",
            "June",
        ];
        let mut next = crate::test_random::xorshift(0x0DDB_1A5E_5BAD_5EED);
        for _ in 0..100_000 {
            let w = crate::test_random::text_of(&mut next, &PIECES, 10);
            let cue = Cues::of(&w, &mut Anchors::default());
            for (re, has) in [
                (&EN_MDY, cue.name_day),
                (&EN_DMY, cue.day_name_year),
                (&EN_MY, cue.name_year),
            ] {
                assert!(!re.is_match(&w) || has, "{w:?}");
            }
        }
    }

    /// Random gaps between two dates: where `RANGE_GAP` matches, the test of
    /// the gap's end passes.
    #[test]
    fn range_gaps_end_as_the_test_of_their_end_says() {
        const PIECES: [&str; 22] = [
            "~",
            "-",
            "から",
            "より",
            "to",
            "until",
            "through",
            "、",
            ",",
            " ",
            "\u{3000}",
            "同年",
            "同",
            "年",
            "(月)",
            "午後",
            "3",
            "時",
            "ごろ",
            "x",
            "から、",
            "\t",
        ];
        let mut next = crate::test_random::xorshift(0x5EED_0F6A_9512);
        let mut matched = 0;
        for _ in 0..60_000 {
            let gap = crate::test_random::text_of(&mut next, &PIECES, 7);
            let gap = gap.trim();
            if RANGE_GAP.is_match(gap) {
                matched += 1;
                assert!(ends_like_range_gap(gap), "{gap:?}");
            }
        }
        assert!(matched > 1000, "too few range gaps tried: {matched}");
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
