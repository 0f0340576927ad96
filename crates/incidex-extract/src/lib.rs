//! The extraction engine of incidex: a notice or a news digest in, one
//! [`Record`] per incident report out, every value with its evidence span.
//!
//! Pipeline (see docs/architecture.md):
//! 1. [`normalize`] folds the text, keeping a map back to original offsets;
//! 2. [`table`] finds numbered tables of incidents (one report per row);
//! 3. [`segment`] splits the rest into sections at headings, and sections are
//!    grouped into articles by the organisation each one names ([`article`]);
//! 4. articles that report no incident (tips, tools, statistics, guidance) are
//!    dropped; listing sentences (`A社やB社などが感染を公表`) and leak-site lists
//!    give one report per organisation;
//! 5. [`fields`] fills every field from the lexicons and the parsers of
//!    [`dates`], [`numbers`] and [`indicators`].

pub mod article;
mod byte_scan;
pub mod dates;
pub mod fields;
pub mod indicators;
pub mod normalize;
pub mod numbers;
pub mod orgs;
mod rule_words;
pub mod segment;
pub mod table;
mod text_index;

use article::{roles, Named, Subject};
use dates::{document_year, find_dates, Date, DateHit};
use fields::{fill_counts, fill_dates, fill_indicators, fill_lexicon_fields, fill_money, Region};
use incidex_lexicon::{LexiconError, LexiconSet};
use incidex_model::{Category, Organisation, Record, Sector, Vocabulary};
use normalize::Normalized;
use once_cell::sync::Lazy;
use orgs::{clean_name, company_names, same_org};
use regex::Regex;

/// Options of one extraction run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The document's date; years that are not written resolve against it.
    pub doc_date: Option<(i32, u32, u32)>,
    /// The text's lines are blocks (text from HTML): never join them as wrapped lines.
    pub lines_are_blocks: bool,
}

/// Everything the field extractors share for one document.
pub struct Ctx<'a> {
    pub lex: &'a LexiconSet,
    pub norm: Normalized,
    pub doc_year: i32,
    pub doc_date: Option<Date>,
    /// Each lexicon and parser runs once over the whole document; reports, whose
    /// regions overlap, take the hits inside their region.
    scan: Scan<'a>,
    /// Sentence ends, found on first use (documents with no incident article
    /// never need them).
    sentences: once_cell::unsync::OnceCell<text_index::SentenceEnds>,
    /// The cue words, one list per cue, made on first use.
    cue_spans: once_cell::unsync::OnceCell<text_index::CueSpans>,
}

/// The items of a list sentence, each with the `、` or `や` that ends it
/// (the last item ends the sentence): `、` always separates, `や` only after
/// a char that is neither hiragana nor `、`.
fn list_pieces(sentence: &str) -> Vec<&str> {
    let bytes = sentence.as_bytes();
    let mut pieces: Vec<&str> = Vec::new();
    let mut from = 0;
    // `、` is E3 80 81 and `や` E3 82 84: a vectorised search for their last
    // bytes passes over the other chars without decoding them.
    for last in memchr::memchr2_iter(0x81, 0x84, bytes) {
        let Some(at) = last.checked_sub(2) else {
            continue;
        };
        let separates = match &bytes[at..=last] {
            [0xE3, 0x80, 0x81] => true,
            [0xE3, 0x82, 0x84] => {
                let prev = sentence[..at].chars().next_back().unwrap_or(' ');
                !orgs::is_hiragana(prev) && prev != '、'
            }
            _ => false,
        };
        if separates {
            pieces.push(&sentence[from..=last]);
            from = last + 1;
        }
    }
    pieces.push(&sentence[from..]);
    pieces
}

/// Random inputs for the differential tests that compare hand matchers with
/// the regexes they stand in for.
#[cfg(test)]
pub(crate) mod test_random {
    /// A xorshift64 generator: deterministic, so a failing input can be rerun.
    pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// A text of fewer than `max_len` pieces drawn from `pieces` (the length
    /// first, then each piece): random inputs made of what a matcher cares about.
    pub(crate) fn text_of(next: &mut impl FnMut() -> u64, pieces: &[&str], max_len: u64) -> String {
        let len = (next() % max_len) as usize;
        (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect()
    }
}

struct Scan<'a> {
    lex: incidex_lexicon::LexScan<'a>,
    /// The matches of the cue lexicons (`text_index::CUE_DIMENSIONS`), asked for
    /// around every date and data type: kept apart to skip the lookup by name.
    cues: Vec<Vec<incidex_lexicon::LexMatch<'a>>>,
    counts: Vec<numbers::CountHit>,
    money: Vec<numbers::MoneyHit>,
    indicators: Vec<indicators::IndicatorHit>,
}

/// The items whose `[start, end)` lies within `[from, to)`; `items` sorted by start.
#[inline]
fn within<T>(
    items: &[T],
    from: usize,
    to: usize,
    span: impl Fn(&T) -> (usize, usize) + Copy,
) -> impl Iterator<Item = &T> {
    let lo = items.partition_point(|x| span(x).0 < from);
    // The end is found by walking on from `lo` (not by a second binary
    // search): a caller that stops at the first item reads only that far.
    items[lo..]
        .iter()
        .take_while(move |x| span(x).0 < to)
        .filter(move |x| span(x).1 <= to)
}

impl<'a> Ctx<'a> {
    /// Matches of a lexicon dimension within `[from, to)` of the folded text (absolute offsets).
    pub fn lex_in(
        &self,
        dim: &str,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = &incidex_lexicon::LexMatch<'a>> {
        let all = self.scan.lex.get(dim);
        within(all, from, to, |m| (m.start, m.end))
    }
    /// All matches of a lexicon dimension, by start: a loop that asks for the
    /// same dimension many times looks it up once.
    fn lex_all(&self, dim: &str) -> &[incidex_lexicon::LexMatch<'a>] {
        self.scan.lex.get(dim)
    }
    pub fn counts_in(&self, from: usize, to: usize) -> impl Iterator<Item = &numbers::CountHit> {
        within(&self.scan.counts, from, to, |h| (h.start, h.end))
    }
    pub fn money_in(&self, from: usize, to: usize) -> impl Iterator<Item = &numbers::MoneyHit> {
        within(&self.scan.money, from, to, |h| (h.start, h.end))
    }
    /// The sentence `[start, end)` around byte `at` within `[from, to)` of the folded text.
    pub fn sentence_around(&self, from: usize, to: usize, at: usize) -> (usize, usize) {
        let text = self.norm.text.as_str();
        self.sentences
            .get_or_init(|| text_index::SentenceEnds::new(text))
            .around(text, from, to, at)
    }
    /// The matches of the cue lexicon `dim` (one of `text_index::CUE_DIMENSIONS`):
    /// every occurrence of its words, by start.
    fn cue_words(&self, dim: &str) -> &[incidex_lexicon::LexMatch<'a>] {
        text_index::CUE_DIMENSIONS
            .iter()
            .position(|d| *d == dim)
            .and_then(|i| self.scan.cues.get(i))
            .map_or(&[], Vec::as_slice)
    }
    /// The ends of the sentences that end within `[from, to)`.
    fn sentence_ends(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        let text = self.norm.text.as_str();
        self.sentences
            .get_or_init(|| text_index::SentenceEnds::new(text))
            .ends_within(text, from, to)
    }
    /// Whether a word of the cue list lies within `[from, to)` of the folded text.
    #[inline(always)]
    fn has_cue(&self, cue: text_index::Cue, from: usize, to: usize) -> bool {
        self.cues_in(cue, from, to).next().is_some()
    }
    /// The words of the cue list within `[from, to)`, as `(start, end)`, by start.
    #[inline]
    fn cues_in(
        &self,
        cue: text_index::Cue,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.cue_spans
            .get_or_init(|| text_index::CueSpans::new(&self.scan.cues))
            .within(cue, from, to)
    }
    pub fn indicators_in(
        &self,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = &indicators::IndicatorHit> {
        within(&self.scan.indicators, from, to, |h| (h.start, h.end))
    }
}

/// How strong a section's subject must be for [`Extractor::articles`] to use
/// it (`None`: not at all). A section that opens an article, or goes on one
/// without a subject, keeps whatever it names. One that goes on an article
/// with a subject matters only when it may open an article of its own: by a
/// newsy heading and a name of [`article::Strength::Weak`] or more, or by a
/// name of [`article::Strength::Title`] or more; a line of a leak-site list
/// never does.
fn wanted_subject(
    current: Option<&Article>,
    list_line: bool,
    opens_anyway: bool,
    newsy_heading: bool,
) -> Option<article::Strength> {
    use article::Strength;
    let Some(a) = current.filter(|a| !a.closed) else {
        return Some(Strength::Guess);
    };
    if a.subject.is_none() {
        return Some(Strength::Guess);
    }
    if list_line {
        None
    } else if opens_anyway {
        Some(Strength::Guess)
    } else if newsy_heading {
        Some(Strength::Weak)
    } else {
        Some(Strength::Title)
    }
}

/// The extraction engine; cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Extractor {
    lex: LexiconSet,
}

struct Article {
    start: usize,
    end: usize,
    /// The sections the article is made of, `[start, end)`.
    sections: Vec<(usize, usize)>,
    title: (usize, usize),
    subject: Option<Subject>,
    closed: bool,
}

static STOCK: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:[\p{Han}\p{Katakana}ーA-Za-z)]\((\d{4})\)|証券コード[::\s]*(\d{4})|東証[^\s()]{0,6}[::\s]*(\d{4}))").unwrap()
});
static SEQUENCE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"第\s?(\d{1,2}|[一二三四五六七八九十]+)\s?報").unwrap());
/// The words [`STOCK`] and [`SEQUENCE`] need, each found by a prebuilt
/// vectorised searcher (a `str::contains` builds its searcher per call).
static STOCK_CODE_WORD: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("証券コード"));
static STOCK_EXCHANGE_WORD: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("東証"));
static ORDINAL_WORD: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("第"));
static REPORT_WORD: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("報"));
/// `には`, which every [`ALSO`] match holds: most sentences have none.
static NIWA: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("には"));
static ALSO: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"には、?([^\s、。]{2,20}?)も(?:。|、)").unwrap());
static LEAK_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?m)^[ \t]*([^\n()]{2,40}?)[ \t]*\(([a-z0-9][a-z0-9.\-]*\.[a-z]{2,})\)[ \t]*$")
        .unwrap()
});

/// A bulleted line of a leak-site list: `- Name (Country) - posted by Group`.
/// Read by [`leak_bullet`]; the regex stays as the oracle of its test.
#[cfg(test)]
static LEAK_BULLET: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?m)^[ \t]*[-・•*][ \t]*([^\n()]{2,60}?)[ \t]*\(([^\n()]{2,40})\)(?:[ \t]*[-–:][^\n]*)?[ \t]*$")
        .unwrap()
});
/// The part in brackets of a leak line that is the victim's domain.
static LEAK_DOMAIN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[a-z0-9][a-z0-9.\-]*\.[a-z]{2,}$").unwrap());

/// Whether `s` holds the `.` and the `)` every [`LEAK_LINE`] match holds
/// (two vectorised byte searches).
fn may_be_leak_line(s: &str) -> bool {
    memchr::memchr(b')', s.as_bytes()).is_some() && memchr::memchr(b'.', s.as_bytes()).is_some()
}

/// Whether a line may be a whole [`LEAK_LINE`]: it ends, but for spaces and
/// tabs, with the `)` after the domain.
fn may_be_leak_line_end(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']).ends_with(')')
}

/// Whether a line may be a whole `LEAK_BULLET`: it starts, but for spaces
/// and tabs, with a bullet, and holds a `(`.
fn may_be_leak_bullet(line: &str) -> bool {
    line.trim_start_matches([' ', '\t'])
        .starts_with(['-', '・', '•', '*'])
        && memchr::memchr(b'(', line.as_bytes()).is_some()
}

/// The matches of `re` in `text`, each with the offset of the line it is
/// in. `re` is a `(?m)^…$` pattern none of whose parts matches `\n`: each
/// match is one whole line, and the same match whether the regex reads the
/// line alone or the whole text. So it runs only on the lines `may_match`
/// admits (few lines of an article are such lines).
fn line_captures<'t>(
    re: &Regex,
    text: &'t str,
    may_match: impl Fn(&str) -> bool,
) -> Vec<(usize, regex::Captures<'t>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = &text[start..end];
        if may_match(line) {
            if let Some(c) = re.captures(line) {
                out.push((start, c));
            }
        }
        start = end + 1;
    }
    out
}

/// A leak-site list line ([`LEAK_LINE`] or `LEAK_BULLET`): where it
/// starts in the text, and within it the victim's name, the part in
/// brackets and the end of the match.
struct LeakLine {
    line_start: usize,
    name: LineSpan,
    bracket: LineSpan,
    end: usize,
}

/// Bytes `[start, end)` of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineSpan {
    start: usize,
    end: usize,
}

impl LineSpan {
    /// The text of the span in `line`.
    fn of(self, line: &str) -> Option<&str> {
        line.get(self.start..self.end)
    }
}

/// The [`LEAK_LINE`] lines of `text`.
fn leak_lines(text: &str) -> Vec<LeakLine> {
    line_captures(&LEAK_LINE, text, may_be_leak_line_end)
        .into_iter()
        .filter_map(|(line_start, c)| {
            let span = |m: regex::Match| LineSpan {
                start: m.start(),
                end: m.end(),
            };
            let name = c.get(1).map(span)?;
            let bracket = c.get(2).map(span)?;
            Some(LeakLine {
                line_start,
                name,
                bracket,
                end: c.get(0).map_or(name.end, |m| m.end()),
            })
        })
        .collect()
}

/// The `LEAK_BULLET` lines of `text`, read by [`leak_bullet`] (the regex,
/// with its lazy name and Unicode classes, cost some 18,000 instructions a line).
fn leak_bullets(text: &str) -> Vec<LeakLine> {
    let mut out = Vec::new();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = &text[start..end];
        if may_be_leak_bullet(line) {
            if let Some((name, bracket)) = leak_bullet(line) {
                out.push(LeakLine {
                    line_start: start,
                    name,
                    bracket,
                    end: line.len(),
                });
            }
        }
        start = end + 1;
    }
    out
}

/// The name and the part in brackets of `line` (one line, no `\n`) when the
/// whole line matches `LEAK_BULLET`, as the regex gives them:
/// `^[ \t]*[-・•*][ \t]*([^\n()]{2,60}?)[ \t]*\(([^\n()]{2,40})\)(?:[ \t]*[-–:][^\n]*)?[ \t]*$`.
fn leak_bullet(line: &str) -> Option<(LineSpan, LineSpan)> {
    let is_blank = |c: char| c == ' ' || c == '\t';
    let b = line.as_bytes();
    let lead = line.len() - line.trim_start_matches(is_blank).len();
    let bullet = line[lead..].chars().next()?;
    if !matches!(bullet, '-' | '・' | '•' | '*') {
        return None;
    }
    let after_bullet = lead + bullet.len_utf8();
    // Neither the name nor the blanks around it hold a bracket: the first
    // `(` opens the part in brackets, and no `)` comes before it.
    let open = after_bullet + memchr::memchr(b'(', &b[after_bullet..])?;
    if memchr::memchr(b')', &b[after_bullet..open]).is_some() {
        return None;
    }
    // The part in brackets holds no bracket: it ends at the next one, a `)`.
    let close = open + 1 + memchr::memchr2(b'(', b')', &b[open + 1..])?;
    if b[close] != b')' || !(2..=40).contains(&line[open + 1..close].chars().count()) {
        return None;
    }
    let rest = line[close + 1..].trim_start_matches(is_blank);
    if !(rest.is_empty() || rest.starts_with(['-', '–', ':'])) {
        return None;
    }
    // The name: the blanks after the bullet go to it only when it is too
    // short without them (the regex takes them greedily, then gives them
    // back one by one); it ends at the first place from which only blanks
    // lead to the `(` (lazily), at least two chars in, at most sixty.
    let name_first = line.len() - line[after_bullet..].trim_start_matches(is_blank).len();
    let blanks_end = line[..open].trim_end_matches(is_blank).len();
    for start in (after_bullet..=name_first).rev() {
        let Some((two_chars, _)) = line[start..open]
            .char_indices()
            .nth(2)
            .or_else(|| (line[start..open].chars().count() == 2).then_some((open - start, ' ')))
        else {
            continue;
        };
        let end = (start + two_chars).max(blanks_end);
        if line[start..end].chars().count() <= 60 {
            return Some((
                LineSpan { start, end },
                LineSpan {
                    start: open + 1,
                    end: close,
                },
            ));
        }
        // A longer name only grows as the start moves back.
        return None;
    }
    None
}

/// Whether `s` holds `(` four digits `)`, as the first form of [`STOCK`]
/// does (most heads hold brackets, few a code in them). `\d` is any Unicode
/// digit: `char::is_numeric` admits all of them.
fn has_paren_code(s: &str) -> bool {
    memchr::memchr_iter(b'(', s.as_bytes()).any(|i| {
        let mut after = s[i + 1..].chars();
        (0..4).all(|_| after.next().is_some_and(char::is_numeric)) && after.next() == Some(')')
    })
}

fn kanji_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    match s.chars().collect::<Vec<_>>().as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => digit(*c).map(|d| 10 + d),
        _ => None,
    }
}

fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    1970 + (secs / 31_556_952) as i32
}

impl Extractor {
    pub fn new(lex: LexiconSet) -> Self {
        Extractor { lex }
    }

    /// An extractor with the built-in lexicons.
    pub fn builtin() -> Result<Self, LexiconError> {
        Ok(Extractor {
            lex: LexiconSet::builtin()?,
        })
    }

    pub fn lexicons(&self) -> &LexiconSet {
        &self.lex
    }

    /// Extracts the incident reports of one document. `doc` is the name records carry.
    pub fn extract(&self, doc: &str, text: &str, opts: &Options) -> Vec<Record> {
        let norm = normalize::normalize_with(text, !opts.lines_are_blocks);
        let hits = find_dates(&norm.text);
        let doc_date = opts.doc_date.map(|(y, m, d)| Date {
            year: y,
            month: m,
            day: Some(d),
        });
        let doc_year = doc_date
            .map(|d| d.year)
            .or_else(|| document_year(&hits))
            .unwrap_or_else(current_year);
        let t0 = norm.text.as_str();
        let mut lex = self.lex.scan_dims(t0);
        let cues = text_index::CUE_DIMENSIONS
            .iter()
            .map(|d| lex.take(d))
            .collect();
        let scan = Scan {
            lex,
            cues,
            counts: numbers::find_counts(t0),
            money: numbers::find_money(t0),
            indicators: indicators::find_indicators(t0),
        };
        let ctx = Ctx {
            lex: &self.lex,
            norm,
            doc_year,
            doc_date,
            scan,
            sentences: Default::default(),
            cue_spans: Default::default(),
        };
        let t = ctx.norm.text.as_str();
        let mut records = Vec::new();
        // The lines of the text, split once for the tables and every range of articles.
        let lines = segment::lines(t);
        let tables = table::find_tables_in(t, &lines);
        let mut from = 0;
        for tb in &tables {
            self.articles(&ctx, doc, &hits, &lines, (from, tb.start), &mut records);
            for row in &tb.rows {
                if let Some(r) = self.table_row(&ctx, doc, &hits, row) {
                    records.push(r);
                }
            }
            from = tb.end;
        }
        self.articles(&ctx, doc, &hits, &lines, (from, t.len()), &mut records);
        records.sort_by_key(|r| (r.span[0], r.span[1]));
        records
    }

    fn articles(
        &self,
        ctx: &Ctx,
        doc: &str,
        hits: &[DateHit],
        lines: &[segment::Line],
        (from, to): (usize, usize),
        out: &mut Vec<Record>,
    ) {
        if from >= to {
            return;
        }
        let t = ctx.norm.text.as_str();
        let suffixes = self.lex.get("org_suffixes");
        let sections = segment::sections_in(t, lines, from, to);
        // At most one article per section: room for all at once saves the
        // copying of a growing vector of these large items.
        let mut articles: Vec<Article> = Vec::with_capacity(sections.len());
        let events = ctx.lex_all("events");
        let non_incident = ctx.lex_all("non_incident");
        let any_in = |all: &[incidex_lexicon::LexMatch], from: usize, to: usize| {
            within(all, from, to, |m| (m.start, m.end)).next().is_some()
        };
        for sec in sections {
            // A heading that tells of an incident (`…が流出の可能性 - スマホ買取店`) opens a news item
            // even when the organisation it names is only a weak guess.
            let heading_text = &t[sec.start..sec.heading_end];
            // Counted once, and only for a heading with a cue word (most have none).
            let heading_chars = once_cell::unsync::Lazy::new(|| heading_text.chars().count());
            let newsy_heading = any_in(events, sec.start, sec.heading_end) && *heading_chars >= 12;
            // `日本語の見出し / English headline` (translated news) and a heading that names
            // a tip, a tool or a survey open an article of their own, even without a subject.
            // (A vectorised search for `/` first: most headings have none.)
            let bilingual = memchr::memchr(b'/', heading_text.as_bytes()).is_some()
                && heading_text.split_once(" / ").is_some_and(|(_, en)| {
                    en.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 8
                });
            let non_incident_heading =
                any_in(non_incident, sec.start, sec.heading_end) && *heading_chars >= 8;
            // A leak-site list puts one `Name(domain)` per line: those lines stay in the list.
            // Such a line holds `.` and `)`: a heading without them needs no regex.
            let list_line = sec.heading_end + 2 >= sec.end
                && may_be_leak_line(heading_text)
                && LEAK_LINE.is_match(heading_text.trim());
            let current = articles.last_mut();
            let wanted = wanted_subject(
                current.as_deref(),
                list_line,
                bilingual || non_incident_heading,
                newsy_heading,
            );
            let subj = wanted.and_then(|min| {
                article::subject_at_least(
                    t,
                    (sec.start, sec.heading_end),
                    (sec.heading_end, sec.end),
                    suffixes,
                    min,
                )
            });
            let starts_new = match (&current, &subj) {
                (None, _) => true,
                (Some(a), _) if a.closed => true,
                (Some(_), _) if list_line => false,
                (Some(_), _) if bilingual || non_incident_heading => true,
                (Some(a), Some(s)) if newsy_heading && s.strength >= article::Strength::Weak => !a
                    .subject
                    .as_ref()
                    .is_some_and(|cs| same_org(&cs.main.name, &s.main.name)),
                (Some(a), Some(s))
                    if s.strength >= article::Strength::Title
                        || (sec.heading_end > sec.start
                            && s.strength >= article::Strength::Weak
                            && a.subject.is_none()) =>
                {
                    !a.subject
                        .as_ref()
                        .is_some_and(|cs| same_org(&cs.main.name, &s.main.name))
                        && !roles(
                            t,
                            a.start,
                            a.end,
                            &a.subject
                                .as_ref()
                                .map(|c| c.main.clone())
                                .unwrap_or_else(|| s.main.clone()),
                            suffixes,
                        )
                        .iter()
                        .any(|n| same_org(&n.name, &s.main.name))
                }
                _ => false,
            };
            if starts_new {
                articles.push(Article {
                    start: sec.start,
                    end: sec.end,
                    sections: {
                        // Room for a few sections: a vector made for one grows on the next.
                        let mut v = Vec::with_capacity(4);
                        v.push((sec.start, sec.end));
                        v
                    },
                    title: (sec.start, sec.heading_end),
                    subject: subj,
                    closed: sec.closes,
                });
            } else if let Some(a) = articles.last_mut() {
                a.end = sec.end;
                a.sections.push((sec.start, sec.end));
                a.closed = sec.closes;
                if a.subject.is_none() {
                    a.subject = subj;
                }
            }
        }
        for a in &articles {
            self.article_records(ctx, doc, hits, a, suffixes, out);
        }
    }

    /// Whether an article reports an incident: something happened, and it is
    /// not mainly advice, a tool, a statistic or guidance.
    fn reports_incident(&self, ctx: &Ctx, from: usize, to: usize) -> bool {
        let mut events: Vec<&str> = Vec::new();
        for m in ctx
            .lex_in("events", from, to)
            .filter(|m| m.tag != incidex_lexicon::NEG)
        {
            if !events.contains(&m.value) {
                events.push(m.value);
            }
        }
        let t = ctx.norm.text.as_str();
        let mut non: Vec<&str> = Vec::new();
        for m in ctx.lex_in("non_incident", from, to) {
            let s = &t[m.start..m.end];
            if !non.contains(&s) {
                non.push(s);
            }
        }
        !events.is_empty() && non.len() <= events.len() + 1
    }

    fn article_records(
        &self,
        ctx: &Ctx,
        doc: &str,
        hits: &[DateHit],
        a: &Article,
        suffixes: &incidex_lexicon::Lexicon,
        out: &mut Vec<Record>,
    ) {
        let t = ctx.norm.text.as_str();
        if !self.reports_incident(ctx, a.start, a.end) {
            return;
        }
        let region = Region {
            start: a.start,
            end: a.end,
            title: a.title,
        };
        let cats = fields::categories(ctx, &region);
        if cats.is_empty() {
            return;
        }
        let listed = self.listed_reports(ctx, doc, hits, a, &cats);
        let had_list = !listed.is_empty();
        out.extend(listed);
        let Some(subj) = &a.subject else { return };
        if had_list && subj.strength < article::Strength::Title {
            return;
        }
        let mut main = subj.main.clone();
        let mut orgs: Vec<Named> = Vec::new();
        // The document's lexicon scan tells whether it holds an order word or a role cue.
        let cues = article::article_cues(t, a.start, a.end, ctx.cue_words("list_cues"));
        let target = if cues.order {
            article::regulated_company_cued(t, a.start, a.end)
        } else {
            None
        };
        if let Some(target) = target {
            orgs.push(Named {
                role: "regulator",
                ..main.clone()
            });
            main = target;
        }
        let around = if cues.role {
            article::roles_cued(t, a.start, a.end, &main, suffixes)
        } else {
            Vec::new()
        };
        let mut victims: Vec<Named> = Vec::with_capacity(2);
        if let Some(p) = around
            .iter()
            .find(|n| n.role == "provider" || n.role == "subsidiary")
        {
            victims.push(p.clone());
            let parent_role = if p.role == "subsidiary" {
                "parent"
            } else {
                "victim"
            };
            victims.push(Named {
                role: parent_role,
                ..main.clone()
            });
        } else {
            victims.push(main.clone());
        }
        let mut rec = self.base_record(ctx, doc, &region);
        // Made with their room: a vector grown from empty takes the slower path.
        rec.victims = Vec::with_capacity(victims.len());
        rec.organisations = Vec::with_capacity(victims.len() + orgs.len());
        for v in victims {
            let (s, e) = ctx.norm.orig_span(v.start, v.end);
            rec.add_evidence("victims", v.name.as_str(), s, e);
            rec.victims.push(v.name.clone());
            rec.organisations.push(Organisation {
                name: v.name,
                role: v.role.to_string(),
                stock_code: None,
            });
        }
        for o in orgs {
            rec.organisations.push(Organisation {
                name: o.name,
                role: o.role.to_string(),
                stock_code: None,
            });
        }
        fields::set_category(&mut rec, &ctx.norm, &cats, None);
        self.set_sector(ctx, &mut rec, &region, None);
        fill_lexicon_fields(ctx, &region, &mut rec);
        fill_counts(ctx, &region, &mut rec);
        fill_money(ctx, &region, &mut rec);
        fill_indicators(ctx, &region, &mut rec);
        fill_dates(ctx, &region, hits, subj.lead_date, &mut rec);
        self.stock_and_sequence(ctx, &region, &mut rec);
        if let Some(first) = rec.organisations.first_mut() {
            first.stock_code = rec.stock_code.clone();
        }
        out.push(rec);
    }

    fn base_record(&self, ctx: &Ctx, doc: &str, r: &Region) -> Record {
        let (s, e) = ctx.norm.orig_span(r.start, r.end);
        Record {
            doc: doc.to_string(),
            span: [s, e],
            ..Default::default()
        }
    }

    fn set_sector(&self, ctx: &Ctx, rec: &mut Record, r: &Region, forced: Option<Sector>) {
        let victim = rec.victims.first().cloned();
        if let Some((s, ev)) = fields::sector(ctx, victim.as_deref(), r, forced) {
            rec.sector = Some(s);
            if let Some((a, b)) = ev {
                let (a, b) = ctx.norm.orig_span(a, b);
                rec.add_evidence("sector", s.as_str(), a, b);
            }
        }
    }

    fn stock_and_sequence(&self, ctx: &Ctx, r: &Region, rec: &mut Record) {
        let t = ctx.norm.text.as_str();
        let head_end = article::nth_sentence_end(t, r.title.1, r.end, 2).max(r.title.1);
        let head = &t[r.start..head_end];
        // Each form of the code needs one of these; most heads have none.
        let holds = |f: &memchr::memmem::Finder| f.find(head.as_bytes()).is_some();
        let may_hold_stock =
            has_paren_code(head) || holds(&STOCK_CODE_WORD) || holds(&STOCK_EXCHANGE_WORD);
        if let Some(c) = may_hold_stock.then(|| STOCK.captures(head)).flatten() {
            if let Some(m) = c.get(1).or(c.get(2)).or(c.get(3)) {
                let (a, b) = ctx.norm.orig_span(r.start + m.start(), r.start + m.end());
                rec.stock_code = Some(m.as_str().to_string());
                rec.add_evidence("stock_code", m.as_str(), a, b);
            }
        }
        // `第…報` needs both chars: `報` alone is in most heads (`情報`).
        if let Some(c) = (holds(&ORDINAL_WORD) && holds(&REPORT_WORD))
            .then(|| SEQUENCE.captures(head))
            .flatten()
        {
            if let (Some(m), Some(n)) = (c.get(0), c.get(1).and_then(|n| kanji_number(n.as_str())))
            {
                let (a, b) = ctx.norm.orig_span(r.start + m.start(), r.start + m.end());
                rec.sequence = Some(n);
                rec.add_evidence("sequence", n.to_string(), a, b);
            }
        }
    }

    /// Reports for organisations an article lists: `A社やB社などが感染を公表`,
    /// `3/7にはC社も。`, and leak-site lists (`D株式会社(d.example.jp)` per line).
    fn listed_reports(
        &self,
        ctx: &Ctx,
        doc: &str,
        hits: &[DateHit],
        a: &Article,
        cats: &[(Category, f32, usize, usize)],
    ) -> Vec<Record> {
        let t = ctx.norm.text.as_str();
        let mut out = Vec::new();
        let body = &t[a.start..a.end];
        let subject_name = a.subject.as_ref().map(|s| s.main.name.as_str());
        let is_subject = |n: &str| subject_name.is_some_and(|s| same_org(s, n));
        let leak_context = ctx.has_cue(text_index::Cue::LeakContext, a.start, a.end);
        if leak_context {
            // `Name(domain)` lines; failing those, bulleted `- Name (Country) - posted by X`.
            let mut lines = leak_lines(body);
            if lines.is_empty() {
                lines = leak_bullets(body);
            }
            for line in lines {
                let at = line.line_start;
                let line_text = &body[at..];
                let (Some(n), Some(d)) = (line.name.of(line_text), line.bracket.of(line_text))
                else {
                    continue;
                };
                let Some(name) = clean_name(n) else {
                    continue;
                };
                // Offsets within the article's body.
                let s = a.start + at + line.name.start;
                let e = a.start + at + line.end;
                let mut rec = self.list_record(ctx, doc, &name, s, e, cats);
                // A group named on the line itself (`- X (Japan) - posted by Akira`)
                // is that victim's; otherwise the article's group stands.
                let own: Vec<String> = ctx
                    .lex_in("malware", s, e)
                    .filter(|m| m.tag != incidex_lexicon::NEG)
                    .map(|m| m.value.to_string())
                    .collect();
                if !own.is_empty() {
                    rec.malware = own;
                    rec.malware.dedup();
                }
                let date = hits
                    .iter()
                    .find(|h| h.start >= a.start && h.end <= a.end && h.year.is_some())
                    .copied();
                if let Some(h) = date {
                    let iso = Date {
                        year: h.year.unwrap_or(ctx.doc_year),
                        month: h.month,
                        day: None,
                    }
                    .iso();
                    rec.dates.occurred_from = Some(iso.clone());
                    rec.timeline.push(incidex_model::TimelineEvent {
                        date: iso,
                        text: "leak-site listing".into(),
                    });
                }
                let domain = d.to_ascii_lowercase();
                if !LEAK_DOMAIN.is_match(&domain) {
                    out.push(rec);
                    continue;
                }
                let (da, db) = ctx.norm.orig_span(
                    a.start + at + line.bracket.start,
                    a.start + at + line.bracket.end,
                );
                rec.add_evidence("indicators", domain.clone(), da, db);
                rec.indicators.push(incidex_model::Indicator {
                    kind: incidex_model::IndicatorType::Domain,
                    value: domain,
                });
                out.push(rec);
            }
            if !out.is_empty() {
                return out;
            }
        }
        if a.subject
            .as_ref()
            .is_some_and(|s| s.strength >= article::Strength::Title)
        {
            return out;
        }
        // Sentences that list organisations which each disclosed an incident.
        let mut sentences: Vec<(usize, usize)> = Vec::new();
        let mut s = a.start;
        for e in ctx.sentence_ends(a.start, a.end) {
            sentences.push((s, e));
            s = e;
        }
        sentences.push((s, a.end));
        for (k, &(ss, se)) in sentences.iter().enumerate() {
            let sentence = &t[ss..se];
            let mut names: Vec<(usize, usize, String)> = Vec::new();
            if ctx.has_cue(text_index::Cue::ListVerb, ss, se) {
                for h in company_names(sentence) {
                    names.push((ss + h.start, ss + h.end, h.name));
                }
                // Names without a company form in the same list (`、やまびこ信用金庫、`).
                let mut at = 0;
                // List items are separated by 、 and by や after a name (`A株式会社やB`), not
                // by the や a name may begin with (`やまびこ信用金庫`).
                for piece in list_pieces(sentence) {
                    let piece_start = ss + at;
                    let end = ss + at + piece.trim_end_matches(['、', 'や']).len();
                    at += piece.len();
                    let found = orgs::name_before(t, end)
                        .filter(|(_, n)| orgs::looks_like_org(n, self.lex.get("org_suffixes")));
                    // `やまびこ信用金庫`: a name that opens the list item with hiragana keeps them.
                    let found = found.map(|(s0, n)| {
                        let lead = t.get(piece_start.min(s0)..s0).unwrap_or("").trim_start();
                        if !lead.is_empty() && lead.chars().all(orgs::is_hiragana) {
                            (s0 - lead.len(), format!("{lead}{n}"))
                        } else {
                            (s0, n)
                        }
                    });
                    if let Some((s0, n)) = found {
                        if s0 >= ss && !names.iter().any(|x| x.0 < end && s0 < x.1) {
                            names.push((s0, end, n));
                        }
                    }
                }
                names.sort_by_key(|x| x.0);
            }
            let also = NIWA
                .find(sentence.as_bytes())
                .is_some()
                .then(|| ALSO.captures_iter(sentence));
            for c in also.into_iter().flatten() {
                if let Some(m) = c.get(1) {
                    if let Some(n) = clean_name(m.as_str()) {
                        if !names.iter().any(|x| same_org(&x.2, &n)) {
                            names.push((ss + m.start(), ss + m.end(), n));
                        }
                    }
                }
            }
            names.retain(|n| !is_subject(&n.2));
            if names.is_empty() {
                continue;
            }
            // The date of the sentence, or of the next one when it says `いずれも…に公表`.
            let in_sentence = |(a0, b0): (usize, usize)| {
                let lo = hits.partition_point(|h| h.start < a0);
                hits[lo..]
                    .iter()
                    .take_while(|h| h.start < b0)
                    .find(|h| h.end <= b0)
                    .copied()
            };
            let date = in_sentence((ss, se)).or_else(|| {
                sentences
                    .get(k + 1)
                    .filter(|&&(ns, ne)| {
                        t[ns..ne].contains("いずれも") || t[ns..ne].contains("公表")
                    })
                    .and_then(|&n| in_sentence(n))
            });
            // The facts of a listed report come from its own section, not the whole
            // digest; a sentence naming one organisation goes on in the sentences after it.
            let section = a
                .sections
                .iter()
                .copied()
                .find(|&(x, y)| ss >= x && ss < y)
                .unwrap_or((a.start, a.end));
            let section_region = Region {
                start: section.0,
                end: section.1,
                title: (section.0, section.0),
            };
            let local_cats = fields::categories(ctx, &section_region);
            let cats_here: &[(Category, f32, usize, usize)] = if local_cats.is_empty() {
                cats
            } else {
                &local_cats
            };
            let single = names.len() == 1;
            let follow_end = if single {
                sentences[k + 1..]
                    .iter()
                    .take_while(|&&(x, y)| {
                        y <= section.1
                            && orgs::first_company_name(&t[x..y]).is_none()
                            && !(NIWA.find(&t.as_bytes()[x..y]).is_some()
                                && ALSO.is_match(&t[x..y]))
                    })
                    .last()
                    .map_or(se, |&(_, y)| y)
            } else {
                se
            };
            // The section's vectors and malware, the same for every name listed.
            let section_facts = Region {
                start: section.0,
                end: section.1,
                title: (ss, ss),
            };
            let section_vectors = fields::lexicon_vectors(ctx, &section_facts);
            let section_malware = fields::lexicon_malware(ctx, &section_facts);
            for (ns, _ne, name) in names {
                let mut rec = self.list_record(ctx, doc, &name, ns, se, cats_here);
                // The report rests on the whole sentence that lists it.
                rec.span = {
                    let (a0, b0) = ctx.norm.orig_span(ss, follow_end);
                    [a0, b0]
                };
                let own = Region {
                    start: ss,
                    end: follow_end,
                    title: (ss, ss),
                };
                rec.vectors.clone_from(&section_vectors);
                // The section may say only `感染を公表`; the family is then the article's.
                if !section_malware.is_empty() {
                    rec.malware.clone_from(&section_malware);
                }
                if single {
                    fill_counts(ctx, &own, &mut rec);
                    fill_indicators(ctx, &own, &mut rec);
                    rec.data_types = fields::lexicon_data_types(ctx, &own);
                    rec.actions = fields::lexicon_actions(ctx, &own);
                }
                // `物流の東雲ロジテック`, `通販サイトを運営する株式会社かざはな`: the words before a listed name.
                let before_start = t[ss..ns].rfind(['、', 'や']).map_or(ss, |i| ss + i);
                if let Some((sector, _)) = fields::sector(
                    ctx,
                    None,
                    &Region {
                        start: before_start,
                        end: ns,
                        title: (ns, ns),
                    },
                    None,
                )
                .filter(|_| ns > before_start)
                {
                    if self.lex.get("sectors").find_all(&name).is_empty() {
                        rec.sector = Some(sector);
                    }
                }
                if let Some(h) = date {
                    let m = dates::resolve(t, &[h], ctx.doc_year);
                    if let Some(m) = m.first() {
                        let iso = m.date.iso();
                        let (da, db) = ctx.norm.orig_span(m.start, m.end);
                        rec.dates.disclosed = Some(iso.clone());
                        rec.add_evidence("dates.disclosed", iso.clone(), da, db);
                        rec.timeline.push(incidex_model::TimelineEvent {
                            date: iso,
                            text: text_index::first_chars(t[ss..se].trim(), 100).to_string(),
                        });
                    }
                }
                out.push(rec);
            }
        }
        out
    }

    fn list_record(
        &self,
        ctx: &Ctx,
        doc: &str,
        name: &str,
        start: usize,
        end: usize,
        cats: &[(Category, f32, usize, usize)],
    ) -> Record {
        let (s, e) = ctx.norm.orig_span(start, end);
        let mut rec = Record {
            doc: doc.to_string(),
            span: [s, e],
            ..Default::default()
        };
        let (ns, ne) = ctx
            .norm
            .orig_span(start, start + name.len().min(end - start));
        rec.add_evidence("victims", name, ns, ne);
        rec.victims.push(name.to_string());
        rec.organisations.push(Organisation {
            name: name.to_string(),
            role: "victim".into(),
            stock_code: None,
        });
        fields::set_category(&mut rec, &ctx.norm, cats, None);
        if let Some((sector, _)) = fields::sector(
            ctx,
            Some(name),
            &Region {
                start,
                end: start,
                title: (start, start),
            },
            None,
        ) {
            rec.sector = Some(sector);
        }
        let from = cats.first().map_or(start, |c| c.2.min(start));
        for m in ctx
            .lex_in("malware", from, end)
            .filter(|m| m.tag != incidex_lexicon::NEG)
        {
            if !rec.malware.iter().any(|x| x == m.value) {
                rec.malware.push(m.value.to_string());
            }
        }
        rec
    }

    fn table_row(
        &self,
        ctx: &Ctx,
        doc: &str,
        hits: &[DateHit],
        row: &table::Row,
    ) -> Option<Record> {
        let t = ctx.norm.text.as_str();
        let region = Region {
            start: row.start,
            end: row.end,
            title: (row.start, row.cells_end),
        };
        let mut rec = self.base_record(ctx, doc, &region);
        let mut sector: Option<Sector> = None;
        let mut cause: Option<&str> = None;
        for &(s, e) in &row.cells {
            let cell = &t[s..e];
            if orgs::has_form(cell) {
                if let Some(n) = clean_name(cell) {
                    let (a, b) = ctx.norm.orig_span(s, e);
                    rec.add_evidence("victims", n.clone(), a, b);
                    rec.victims.push(n);
                }
            } else if let Some(m) = self
                .lex
                .get("table_causes")
                .find_all(cell)
                .into_iter()
                .find(|m| m.start == 0 && m.end == cell.len())
            {
                cause = Some(m.value);
                let (a, b) = ctx.norm.orig_span(s, e);
                rec.add_evidence("category", m.value, a, b);
            } else if let Some(m) = self.lex.get("sectors").find_all(cell).into_iter().last() {
                sector = Sector::parse(m.value).ok();
                let (a, b) = ctx.norm.orig_span(s, e);
                rec.add_evidence("sector", m.value, a, b);
            } else if let Some(n) =
                clean_name(cell).filter(|n| orgs::looks_like_org(n, self.lex.get("org_suffixes")))
            {
                let (a, b) = ctx.norm.orig_span(s, e);
                rec.add_evidence("victims", n.clone(), a, b);
                rec.victims.push(n);
            }
        }
        let mut desc_start = row.cells_end;
        if row.cells.is_empty() {
            // `6金融サイバー攻撃株式会社…`: cells run together; peel known words off the front.
            for dim in ["sectors", "table_causes"] {
                let rest = &t[desc_start..row.end];
                let head = &rest[..article::floor_char(rest, 40)];
                if let Some(m) = self
                    .lex
                    .get(dim)
                    .find_all(head)
                    .into_iter()
                    .find(|m| m.start == 0)
                {
                    if dim == "sectors" {
                        sector = Sector::parse(m.value).ok();
                    } else {
                        cause = Some(m.value);
                    }
                    desc_start += m.end;
                }
            }
        }
        let desc = Region {
            start: desc_start,
            end: row.end,
            title: (desc_start, desc_start),
        };
        // A row that names its organisation in the description (`株式会社Xが…`, `Xは…`).
        if rec.victims.is_empty() {
            let lead_end = article::nth_sentence_end(t, desc.start, desc.end, 1);
            let first = company_names(&t[desc.start..lead_end])
                .into_iter()
                .next()
                .map(|h| (desc.start + h.start, desc.start + h.end, h.name));
            if let Some((s, e, n)) = first {
                let (a, b) = ctx.norm.orig_span(s, e);
                rec.add_evidence("victims", n.clone(), a, b);
                rec.victims.push(n);
            }
        }
        let cats = fields::categories(ctx, &desc);
        let cyber = |c: &Category| {
            matches!(
                c,
                Category::Ransomware
                    | Category::Malware
                    | Category::Ddos
                    | Category::Phishing
                    | Category::Bec
                    | Category::UnauthorizedAccess
            )
        };
        let forced = match cause {
            Some("サイバー攻撃") => Some(
                cats.iter()
                    .map(|c| c.0)
                    .find(cyber)
                    .unwrap_or(Category::UnauthorizedAccess),
            ),
            Some("不正アクセス") => Some(Category::UnauthorizedAccess),
            Some("誤送信") | Some("誤送付") => Some(Category::Misdelivery),
            Some("誤設定") | Some("誤公開") | Some("誤表示") => {
                Some(Category::Misconfiguration)
            }
            Some("紛失") | Some("誤廃棄") => Some(Category::Loss),
            Some("盗難") => Some(Category::Theft),
            Some("不具合") => Some(Category::Bug),
            Some("持ち出し") | Some("内部不正") => Some(Category::Insider),
            _ => None,
        };
        fields::set_category(&mut rec, &ctx.norm, &cats, forced);
        if rec.victims.is_empty() {
            if let Some(s) = sector {
                rec.sector = Some(s);
            }
        } else {
            self.set_sector(ctx, &mut rec, &desc, sector);
        }
        fill_lexicon_fields(ctx, &desc, &mut rec);
        fill_counts(ctx, &desc, &mut rec);
        fill_money(ctx, &desc, &mut rec);
        fill_indicators(ctx, &desc, &mut rec);
        fill_dates(ctx, &desc, hits, None, &mut rec);
        Some(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list split of [`Extractor::listed_reports`] as it was, char by char.
    fn list_pieces_by_char(sentence: &str) -> Vec<&str> {
        let mut pieces: Vec<&str> = Vec::new();
        let mut from = 0;
        let mut prev = ' ';
        for (i, c) in sentence.char_indices() {
            if c == '、' || (c == 'や' && !orgs::is_hiragana(prev) && prev != '、') {
                pieces.push(&sentence[from..i + c.len_utf8()]);
                from = i + c.len_utf8();
            }
            prev = c;
        }
        pieces.push(&sentence[from..]);
        pieces
    }

    #[test]
    fn leak_bullets_are_read_as_the_regex_reads_them() {
        let parts = [
            "-",
            "・",
            "•",
            "*",
            " ",
            "\t",
            "(",
            ")",
            "Japan",
            "US",
            "A",
            "株式会社かざはな",
            "é",
            "–",
            ":",
            "posted by Akira",
            "\r",
            "x",
            "ab",
            "Tanabe Textile Co., Ltd.",
            "abcdefghijklmnopqrstuvwxyz0123456789",
        ];
        let mut next = crate::test_random::xorshift(0x1EA7_B011_E7ED_0003);
        let mut matched = 0;
        for round in 0..60_000 {
            let n = 1 + (next() % 12) as usize;
            let mut line: String = (0..n)
                .map(|_| parts[(next() % parts.len() as u64) as usize])
                .collect();
            // Most lines are built like a leak line, from random pieces.
            if round % 4 != 0 {
                let mut pick = |options: &[&str]| {
                    options[(next() % options.len() as u64) as usize].to_string()
                };
                let blanks = ["", " ", "  ", "\t", " \t "];
                let words = [
                    "A",
                    "ab",
                    "株式会社かざはな",
                    "é",
                    " ",
                    "Tanabe Textile Co., Ltd.",
                    "x y",
                    "–",
                    ":",
                    "-",
                ];
                let name: String = (0..pick(&["", "x", "xx", "xxx", "xxxx"]).len())
                    .map(|_| pick(&words))
                    .collect();
                let inner: String = (0..3)
                    .map(|_| pick(&["", "Japan", "U", "S", " ", "é", "(", "abcdefghijklmnopqrst"]))
                    .collect();
                line = format!(
                    "{}{}{}{}{}({}){}{}",
                    pick(&blanks),
                    pick(&["-", "・", "•", "*", "x"]),
                    pick(&blanks),
                    name,
                    pick(&blanks),
                    inner,
                    pick(&blanks),
                    pick(&["", "- posted by Akira", "–x", ":", "x", ")", "\r"]),
                );
            }
            let want = LEAK_BULLET.captures(&line).map(|c| {
                let span = |i: usize| {
                    c.get(i).map(|m| LineSpan {
                        start: m.start(),
                        end: m.end(),
                    })
                };
                (span(1), span(2), c.get(0).map(|m| m.end()))
            });
            let got = leak_bullet(&line).map(|(n, b)| (Some(n), Some(b), Some(line.len())));
            assert_eq!(got, want, "{line:?}");
            matched += usize::from(got.is_some());
        }
        assert!(matched > 1000, "{matched}");
        let line = "- Akizuki Logistics (Japan) - posted by Akira";
        let (n, b) = leak_bullet(line).expect("a leak line");
        assert_eq!(&line[n.start..n.end], "Akizuki Logistics");
        assert_eq!(&line[b.start..b.end], "Japan");
    }

    #[test]
    fn list_pieces_split_as_the_char_loop_did() {
        let parts = [
            "、",
            "や",
            "やまびこ",
            "株式会社",
            "A",
            "信用金庫",
            "ぁ",
            "ゟ",
            "ア",
            "\u{81}",
            "é",
            "ā",
            "。",
            " ",
            "\u{3084}",
            "\u{3001}",
            "\u{2081}",
            "\u{e084}",
        ];
        let mut next = crate::test_random::xorshift(0x11E5_7A11_0D0C_0001);
        for _ in 0..20_000 {
            let n = (next() % 10) as usize;
            let s: String = (0..n)
                .map(|_| parts[(next() % parts.len() as u64) as usize])
                .collect();
            assert_eq!(list_pieces(&s), list_pieces_by_char(&s), "{s:?}");
        }
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number("一"), Some(1));
        assert_eq!(kanji_number("十二"), Some(12));
        assert_eq!(kanji_number("4"), Some(4));
    }
}
