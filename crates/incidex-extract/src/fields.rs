//! Filling a record's fields from the text of one report, each value with its evidence.

use crate::dates::{resolve, Date, DateHit, DateMention};
use crate::text_index::Cue;
use crate::Ctx;
use incidex_model::{
    Action, Affected, Category, DataType, Money, Qualifier, Record, Sector, TimelineEvent, Vector,
    Vocabulary,
};
use once_cell::sync::Lazy;

/// The clause of the sentence `[a, b)` that holds `at`: a denial in another
/// clause (`…可能性がありますが、流出は確認されておりません`) does not deny it. Clauses
/// turn at the `clause_break` words of `denials.toml`.
fn clause_around(ctx: &Ctx, a: usize, b: usize, at: usize) -> (usize, usize) {
    let mut start = a;
    let mut end = b;
    for (ms, me) in ctx.cues_in(Cue::ClauseBreak, a, b) {
        if me <= at {
            start = me;
        } else if ms >= at {
            end = ms;
            break;
        }
    }
    (start, end)
}

pub struct Region {
    pub start: usize,
    pub end: usize,
    /// The heading (title) of the report, part of the region, weighed higher.
    pub title: (usize, usize),
}

/// Category cues: the strongest cue per category; a cue in the title weighs 1.5×.
pub fn categories(ctx: &Ctx, r: &Region) -> Vec<(Category, f32, usize, usize)> {
    // The few categories of a report in a list, not a map.
    let mut v: Vec<(Category, f32, usize, usize)> = Vec::new();
    for m in ctx.lex_in("categories", r.start, r.end) {
        if m.tag == incidex_lexicon::NEG {
            continue;
        }
        let Ok(c) = Category::parse(m.value) else {
            continue;
        };
        let s = m.start;
        let in_title = s >= r.title.0 && s < r.title.1;
        let w = if in_title { m.weight * 1.5 } else { m.weight };
        let e = match v.iter().position(|e| e.0 == c) {
            Some(i) => &mut v[i],
            None => {
                v.push((c, 0.0, s, m.end));
                let last = v.len() - 1;
                &mut v[last]
            }
        };
        if w > e.1 {
            *e = (c, w, s, m.end);
        }
    }
    // In vocabulary order first, as a map by category would give them.
    v.sort_by_key(|e| e.0);
    // Strongest first; among equals the vocabulary order (more specific causes first).
    v.sort_by(|a, b| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    v
}

pub fn set_category(
    rec: &mut Record,
    nt: &crate::normalize::Normalized,
    cats: &[(Category, f32, usize, usize)],
    forced: Option<Category>,
) {
    let primary = forced
        .or_else(|| cats.first().map(|c| c.0))
        .unwrap_or(Category::Other);
    rec.category = Some(primary);
    rec.categories = vec![primary];
    for (c, w, s, e) in cats {
        if *c == primary {
            let (a, b) = nt.orig_span(*s, *e);
            rec.add_evidence("category", c.as_str(), a, b);
        } else if *w >= 5.0 && !rec.categories.contains(c) {
            rec.categories.push(*c);
        }
    }
}

/// The most bytes a character takes in UTF-8.
const MAX_CHAR_LEN: usize = 4;

/// The values of lexicon `dim` within the region, each kept match passed to
/// `each` with its span (the evidence of a value).
fn vocab_matches<V: Vocabulary + Ord>(
    ctx: &Ctx,
    dim: &str,
    r: &Region,
    check_denial: bool,
    mut each: impl FnMut(V, usize, usize),
) -> Vec<V> {
    let mut out: Vec<V> = Vec::new();
    // A match's clause lies within its sentence, which lies within the region
    // (give or take a character on each side): without a denial word there, no
    // clause can deny, and no sentence need be looked up.
    let check_denial = check_denial
        && ctx.has_cue(
            Cue::Denial,
            r.start.saturating_sub(MAX_CHAR_LEN),
            r.end.saturating_add(2 * MAX_CHAR_LEN),
        );
    for m in ctx.lex_in(dim, r.start, r.end) {
        if m.tag == incidex_lexicon::NEG {
            continue;
        }
        let Ok(v) = V::parse(m.value) else { continue };
        let s = m.start;
        if check_denial {
            let (a, b) = ctx.sentence_around(r.start, r.end, s);
            let (a, b) = clause_around(ctx, a, b, s);
            // The sentence denies what it names (`流出はない`, `含まれておりません`).
            if ctx.has_cue(Cue::Denial, a, b) {
                continue;
            }
        }
        if !out.contains(&v) {
            out.push(v);
        }
        each(v, s, m.end);
    }
    out
}

fn vocab_values<V: Vocabulary + Ord>(
    ctx: &Ctx,
    dim: &str,
    r: &Region,
    check_denial: bool,
    rec: &mut Record,
    field: &str,
) -> Vec<V> {
    vocab_matches(ctx, dim, r, check_denial, |v: V, s, e| {
        let (a, b) = ctx.norm.orig_span(s, e);
        rec.add_evidence(field, v.as_str(), a, b);
    })
}

/// The names of lexicon `dim` (malware, threat actors) within the region,
/// each kept match passed to `each` with its span.
fn name_matches(
    ctx: &Ctx,
    dim: &str,
    r: &Region,
    mut each: impl FnMut(&str, usize, usize),
) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for m in ctx.lex_in(dim, r.start, r.end) {
        if m.tag == incidex_lexicon::NEG {
            continue;
        }
        each(m.value, m.start, m.end);
        if !found.iter().any(|f| f == m.value) {
            found.push(m.value.to_string());
        }
    }
    found
}

pub fn fill_lexicon_fields(ctx: &Ctx, r: &Region, rec: &mut Record) {
    rec.vectors = vocab_values::<Vector>(ctx, "vectors", r, false, rec, "vectors");
    rec.data_types = vocab_values::<DataType>(ctx, "data_types", r, true, rec, "data_types");
    rec.actions = vocab_values::<Action>(ctx, "actions", r, false, rec, "actions");
    for (dim, field) in [("malware", "malware"), ("threat_actors", "threat_actors")] {
        let found = name_matches(ctx, dim, r, |value, s, e| {
            let (a, b) = ctx.norm.orig_span(s, e);
            rec.add_evidence(field, value, a, b);
        });
        if field == "malware" {
            rec.malware = found;
        } else {
            rec.threat_actors = found;
        }
    }
}

/// The values [`fill_lexicon_fields`] gives a record, without their evidence:
/// for a report that takes some of a region's facts and none of its spans.
pub fn lexicon_vectors(ctx: &Ctx, r: &Region) -> Vec<Vector> {
    vocab_matches(ctx, "vectors", r, false, |_: Vector, _, _| {})
}

/// See [`lexicon_vectors`].
pub fn lexicon_data_types(ctx: &Ctx, r: &Region) -> Vec<DataType> {
    vocab_matches(ctx, "data_types", r, true, |_: DataType, _, _| {})
}

/// See [`lexicon_vectors`].
pub fn lexicon_actions(ctx: &Ctx, r: &Region) -> Vec<Action> {
    vocab_matches(ctx, "actions", r, false, |_: Action, _, _| {})
}

/// See [`lexicon_vectors`].
pub fn lexicon_malware(ctx: &Ctx, r: &Region) -> Vec<String> {
    name_matches(ctx, "malware", r, |_, _, _| {})
}

/// What a count counts: the words just before it, back to a punctuation mark.
fn what_before(text: &str, from: usize, at: usize) -> String {
    let head = &text[from..at];
    let start = after_last_clause_mark(head.as_bytes());
    let words = head.get(start..).unwrap_or_default().trim();
    // Its last 30 characters, as a slice: no string is built to be cut.
    let w = words
        .char_indices()
        .rev()
        .nth(29)
        .map_or(words, |(i, _)| &words[i..]);
    w.trim_end_matches(['最', '大', '約']).trim().to_string()
}

/// Where the words after the last `、`, `。`, line break, `(`, `,` or `:` of
/// `head` start (0 without one). Searches over bytes, not characters: an
/// ASCII byte is always its own character, and `E3 80` then `81` or `82` is
/// always `、` or `。`, so each place found is one of the marks, as a search
/// by characters finds it. Each search reads only what lies after the last
/// mark found so far.
fn after_last_clause_mark(head: &[u8]) -> usize {
    let mut start = memchr::memrchr3(b'\n', b'(', b',', head).map_or(0, |i| i + 1);
    if let Some(i) = memchr::memrchr(b':', &head[start..]) {
        start += i + 1;
    }
    // `、` and `。`: E3 80 81 and E3 80 82, found by their rarer middle byte.
    let mut end = head.len();
    while let Some(i) = memchr::memrchr(0x80, &head[start..end]) {
        let at = start + i;
        if at > start && head[at - 1] == 0xE3 && matches!(head.get(at + 1), Some(0x81 | 0x82)) {
            return at + 2;
        }
        end = at;
    }
    start
}

/// Words that make a count uncertain (`…の可能性があります`).
const POSSIBLE_WORDS: [&str; 3] = ["可能性", "おそれ", "恐れ"];
/// English words that make a count uncertain: each holds a `y`.
const POSSIBLE_EN_WORDS: [&str; 3] = ["may have", "possibly", "potentially"];
/// Words that confirm a count.
const CONFIRMED_WORDS: [&str; 2] = ["確認", "判明"];
/// English words that confirm a count: each holds an `f`.
const CONFIRMED_EN_WORDS: [&str; 1] = ["confirmed"];

/// `possible` when the sentence holds a word of uncertainty, else `confirmed`
/// when it holds a word of confirmation. (A substring search per word: an
/// automaton of the words reads Japanese text slower, their first bytes
/// being those of most characters.)
fn qualifier_of(sentence: &str) -> Option<Qualifier> {
    let bytes = sentence.as_bytes();
    let has = |finders: &[memchr::memmem::Finder<'static>]| {
        finders.iter().any(|f| f.find(bytes).is_some())
    };
    // The English words hold an ASCII letter each shares (`y` in `may
    // have`, `possibly`, `potentially`; `f` in `confirmed`): most sentences,
    // Japanese, lack it and need no search for them.
    let english = |finders: &[memchr::memmem::Finder<'static>], letter: u8| {
        memchr::memchr(letter, bytes).is_some() && has(finders)
    };
    if has(&POSSIBLE_FINDERS) || english(&POSSIBLE_EN_FINDERS, b'y') {
        Some(Qualifier::Possible)
    } else if has(&CONFIRMED_FINDERS) || english(&CONFIRMED_EN_FINDERS, b'f') {
        Some(Qualifier::Confirmed)
    } else {
        None
    }
}

/// One prepared search per word: `str::contains` sets up its search at every
/// call, and each count's sentence is searched for all nine words.
static POSSIBLE_FINDERS: Lazy<Vec<memchr::memmem::Finder<'static>>> =
    Lazy::new(|| finders(&POSSIBLE_WORDS));
static CONFIRMED_FINDERS: Lazy<Vec<memchr::memmem::Finder<'static>>> =
    Lazy::new(|| finders(&CONFIRMED_WORDS));
static POSSIBLE_EN_FINDERS: Lazy<Vec<memchr::memmem::Finder<'static>>> =
    Lazy::new(|| finders(&POSSIBLE_EN_WORDS));
static CONFIRMED_EN_FINDERS: Lazy<Vec<memchr::memmem::Finder<'static>>> =
    Lazy::new(|| finders(&CONFIRMED_EN_WORDS));

fn finders(words: &[&'static str]) -> Vec<memchr::memmem::Finder<'static>> {
    words
        .iter()
        .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
        .collect()
}

pub fn fill_counts(ctx: &Ctx, r: &Region, rec: &mut Record) {
    let text = &ctx.norm.text;
    // Counts of one sentence follow each other: its qualifier is read once.
    let mut last_sentence: Option<((usize, usize), Option<Qualifier>)> = None;
    for h in ctx.counts_in(r.start, r.end) {
        if rec.affected.iter().any(|x| x.count == h.count) {
            continue;
        }
        let s = h.start;
        let (a, b) = ctx.sentence_around(r.start, r.end, s);
        let qualifier = if h.max {
            Some(Qualifier::Max)
        } else {
            match last_sentence {
                Some((span, q)) if span == (a, b) => q,
                _ => {
                    let q = qualifier_of(&text[a..b]);
                    last_sentence = Some(((a, b), q));
                    q
                }
            }
        };
        let (oa, ob) = ctx.norm.orig_span(s, h.end);
        rec.add_evidence("affected", h.count.to_string(), oa, ob);
        rec.affected.push(Affected {
            count: h.count,
            unit: h.unit.clone(),
            what: what_before(text, a.max(r.start), s),
            qualifier,
        });
    }
}

/// What a sum is, by the words of its sentence: the first kind with a word there.
const MONEY_KINDS: &[(&str, &[&str])] = &[
    ("ransom", &["身代金", "ransom"]),
    (
        "fine",
        &["罰金", "制裁金", "課徴金", "fine", "penalty", "settlement"],
    ),
    (
        "fraud",
        &[
            "不正送金",
            "詐取",
            "だまし取",
            "騙し取",
            "不正利用",
            "fraud",
        ],
    ),
    ("loss", &["損失", "被害", "流出", "loss", "stolen"]),
    ("cost", &["費用", "特別損失", "計上", "cost"]),
];

/// Money counts only where the sentence says what it is (a loss, a ransom, a fine …).
pub fn fill_money(ctx: &Ctx, r: &Region, rec: &mut Record) {
    let text = &ctx.norm.text;
    for h in ctx.money_in(r.start, r.end) {
        // A sum already recorded is skipped whatever its sentence says: the
        // cheap test goes first.
        if rec.money.iter().any(|m| m.amount == h.amount) {
            continue;
        }
        let s = h.start;
        let (a, b) = ctx.sentence_around(r.start, r.end, s);
        let sentence = &text[a..b];
        let Some(kind) = MONEY_KINDS
            .iter()
            .find(|(_, cues)| cues.iter().any(|c| sentence.contains(c)))
            .map(|(k, _)| *k)
        else {
            continue;
        };
        let (oa, ob) = ctx.norm.orig_span(s, h.end);
        rec.add_evidence("money", h.amount.to_string(), oa, ob);
        rec.money.push(Money {
            amount: h.amount,
            currency: h.currency.to_string(),
            kind: kind.to_string(),
        });
    }
}

pub fn fill_indicators(ctx: &Ctx, r: &Region, rec: &mut Record) {
    for h in ctx.indicators_in(r.start, r.end) {
        let (a, b) = ctx.norm.orig_span(h.start, h.end);
        rec.add_evidence("indicators", h.indicator.value.clone(), a, b);
        if !rec.indicators.contains(&h.indicator) {
            rec.indicators.push(h.indicator.clone());
        }
    }
}

/// The disclosure cues of the date roles (lexicon `date_roles.toml`), for
/// subject finding, which looks at a heading's sentence without the document's
/// scan at hand.
static DISCLOSURE_WORDS: Lazy<Vec<memchr::memmem::Finder<'static>>> = Lazy::new(|| {
    // A few literal words from a built-in file (its tests parse it), each
    // with its own vectorised search: an automaton of them reads Japanese
    // text byte by byte, their first bytes being those of most characters.
    crate::rule_words::words("date_roles.toml", "disclosure")
        .into_iter()
        .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
        .collect()
});

/// Whether a sentence tells of a disclosure (`…と発表した`, `…を公表`).
pub(crate) fn tells_disclosure(sentence: &str) -> bool {
    DISCLOSURE_WORDS
        .iter()
        .any(|f| f.find(sentence.as_bytes()).is_some())
}

/// The place of a wire story's dateline, before its date: `TOKYO, `,
/// `NEW YORK, N.Y., `, `Osaka, Japan, `.
static DATELINE_PLACE: Lazy<regex::Regex> = Lazy::new(|| {
    regex::Regex::new(
        r"^\s*[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,3}(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?,\s*$",
    )
    .unwrap_or_else(|e| unreachable!("dateline pattern: {e}"))
});

/// The start of the line that holds byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1)
}

/// Whether a date stands alone on its line (a letterhead's `令和5年5月15日`)
/// or opens a wire story (`TOKYO, March 4, 2024 - …`).
///
/// Only the characters next to the date are read (not its whole line, which
/// may be a long paragraph): the first one on its line after it that is no
/// white space, and whether one stands before it.
fn is_date_line(text: &str, m: &DateMention) -> bool {
    let after = first_on_line(text.get(m.end..).unwrap_or_default().chars());
    let before = first_on_line(text.get(..m.start).unwrap_or_default().chars().rev());
    match after {
        None => before.is_none(),
        // The dash after a dateline is tested before the pattern before it.
        Some('-' | '/' | '(' | '–' | '—') => {
            DATELINE_PLACE.is_match(&text[line_start(text, m.start)..m.start])
        }
        Some(_) => false,
    }
}

/// The first character of `chars` that is no white space, unless a line
/// break comes first.
fn first_on_line(mut chars: impl Iterator<Item = char>) -> Option<char> {
    chars
        .find(|&c| c == '\n' || !c.is_whitespace())
        .filter(|&c| c != '\n')
}

/// Dates, the disclosure/occurrence/discovery roles and the timeline.
pub fn fill_dates(
    ctx: &Ctx,
    r: &Region,
    hits: &[DateHit],
    lead_date: Option<(usize, usize)>,
    rec: &mut Record,
) {
    let text = &ctx.norm.text;
    // `hits` are sorted by start: the region's are one slice of them.
    let lo = hits.partition_point(|h| h.start < r.start);
    let hi = hits.partition_point(|h| h.start < r.end);
    let starting = hits.get(lo..hi.max(lo)).unwrap_or_default();
    // Mostly every hit that starts in the region ends in it: then the slice
    // itself is the region's, and no copy is made.
    let copied: Vec<DateHit>;
    let local: &[DateHit] = if starting.iter().all(|h| h.end <= r.end) {
        starting
    } else {
        copied = starting
            .iter()
            .filter(|h| h.end <= r.end)
            .copied()
            .collect();
        &copied
    };
    let mentions: Vec<DateMention> = resolve(text, local, ctx.doc_year);
    let cap = ctx.doc_date;
    let mut disclosed: Option<&DateMention> = None;
    if let Some((ls, le)) = lead_date {
        disclosed = mentions.iter().find(|m| m.start == ls && m.end == le);
    }
    let mut discovered: Option<(bool, &DateMention)> = None;
    let mut occurred: Option<(&DateMention, &DateMention)> = None;
    let mut single: Option<&DateMention> = None;
    // The sentence of each mention, asked by the roles and the timeline.
    let sentences: Vec<(usize, usize)> = mentions
        .iter()
        .map(|m| ctx.sentence_around(r.start, r.end, m.start))
        .collect();
    for (i, m) in mentions.iter().enumerate() {
        if cap.is_some_and(|c| m.date.key() > c.key() && m.explicit_year) {
            continue;
        }
        let (a, b) = sentences[i];
        let sentence = &text[a..b];
        if let Some(f) = m.range_from {
            if occurred.is_none() && ctx.has_cue(Cue::Occurrence, a, b) {
                occurred = Some((&mentions[f], m));
            }
            continue;
        }
        let starts_range = mentions.get(i + 1).is_some_and(|n| n.range_from == Some(i));
        if starts_range {
            continue;
        }
        // Mentions are in text order: the first of its sentence has no predecessor in it.
        let first_in_sentence = i == 0 || mentions[i - 1].start < a;
        // `…を公表(4/12)`: a date in parentheses right after the disclosure.
        let dated_disclosure =
            text[..m.start].ends_with("公表(") || text[..m.start].ends_with("発表(");
        if disclosed.is_none()
            && (dated_disclosure || ctx.has_cue(Cue::Disclosure, m.end, b))
            && PUBLISHED_NTH.find(sentence.as_bytes()).is_none()
        {
            disclosed = Some(m);
        }
        if first_in_sentence && !ctx.has_cue(Cue::DiscoveryDenied, a, b) {
            let strong = ctx.has_cue(Cue::DiscoveryStrong, a, b);
            let weak = ctx.has_cue(Cue::DiscoveryWeak, a, b);
            if strong || weak {
                let better = match discovered {
                    None => true,
                    Some((was_strong, d)) => {
                        (strong && !was_strong)
                            || (strong == was_strong && m.date.key() < d.date.key())
                    }
                };
                if better {
                    discovered = Some((strong, m));
                }
            }
        }
        if single.is_none()
            && first_in_sentence
            && ctx.has_cue(Cue::SingleOccurrence, m.end, b)
            && !ctx.has_cue(Cue::Disclosure, m.end, b)
        {
            single = Some(m);
        }
    }
    // The date line of a letterhead (`令和5年5月15日` alone near the top) is the
    // disclosure; so is the dateline of a wire story (`TOKYO, March 4, 2024 - …`).
    // A date line is the article's own date, not an event of the incident:
    // it stays out of the timeline.
    let date_line = |m: &DateMention| m.start < r.start + 400 && is_date_line(text, m);
    if disclosed.is_none() {
        disclosed = mentions.iter().find(|m| date_line(m));
    }
    // A period standing on its own line (under a heading such as 発生期間) is the occurrence.
    if occurred.is_none() {
        occurred = mentions
            .iter()
            .filter_map(|m| m.range_from.map(|f| (&mentions[f], m)))
            .find(|(f, t)| {
                let ls = text[..f.start].rfind('\n').map_or(0, |i| i + 1);
                let le = text[t.end..].find('\n').map_or(text.len(), |i| t.end + i);
                text[ls..f.start].trim().is_empty()
                    && text[t.end..le]
                        .trim_start_matches(['(', ')', '月', '火', '水', '木', '金', '土', '日'])
                        .trim()
                        .trim_end_matches('。')
                        .len()
                        <= "までの間".len()
            });
    }
    // A discovery told without its own date takes the date just before it
    // (`5月12日…送信しました。…ご連絡をいただき、誤りが判明しました。`).
    if discovered.is_none() {
        discovered = carried_discovery(ctx, r, &mentions, disclosed).map(|m| (true, m));
    }
    let ev = |rec: &mut Record, field: &str, m: &DateMention, iso: &str| {
        let (a, b) = ctx.norm.orig_span(m.start, m.end);
        rec.add_evidence(field, iso, a, b);
    };
    if let Some(m) = disclosed {
        let iso = m.date.iso();
        ev(rec, "dates.disclosed", m, &iso);
        rec.dates.disclosed = Some(iso);
    }
    if let Some((_, m)) = discovered {
        let iso = m.date.iso();
        ev(rec, "dates.discovered", m, &iso);
        rec.dates.discovered = Some(iso);
    }
    let period = occurred.or(single.map(|m| (m, m)));
    if let Some((f, t)) = period {
        let (from, to) = (f.date.iso(), t.date.iso());
        ev(rec, "dates.occurred_from", f, &from);
        ev(rec, "dates.occurred_to", t, &to);
        rec.dates.occurred_from = Some(from);
        rec.dates.occurred_to = Some(to);
    }
    // The timeline has one event per date. Its events from before this call
    // are compared as text; those of this call by date, which is the same
    // test (`iso` writes each date as its own text) without writing it.
    let earlier_events = rec.timeline.len();
    let mut dated: Vec<Date> = Vec::with_capacity(mentions.len());
    // The sentence of the last event and its place in the timeline.
    let mut last_snippet: Option<((usize, usize), usize)> = None;
    for (i, m) in mentions.iter().enumerate() {
        if cap.is_some_and(|c| m.date.key() > c.key()) {
            continue;
        }
        if dated.contains(&m.date) || date_line(m) {
            continue;
        }
        let iso = m.date.iso();
        let earlier = rec.timeline.get(..earlier_events).unwrap_or_default();
        if earlier.iter().any(|t| t.date == iso) {
            continue;
        }
        dated.push(m.date);
        let (a, b) = sentences[i];
        // The dates of one sentence (a range, a date and its time) share its snippet.
        let known = last_snippet
            .filter(|&(span, _)| span == (a, b))
            .and_then(|(_, at)| rec.timeline.get(at));
        let snippet = match known {
            Some(event) => event.text.clone(),
            None => crate::text_index::first_chars(text[a..b].trim(), 100).to_string(),
        };
        last_snippet = Some(((a, b), rec.timeline.len()));
        ev(rec, "timeline", m, &iso);
        rec.timeline.push(TimelineEvent {
            date: iso,
            text: snippet,
        });
    }
    rec.timeline.sort_by(|a, b| a.date.cmp(&b.date));
}

/// `公開した第…` (the n-th edition published): a sentence that says so dates
/// the edition, not the disclosure. One prepared search for every sentence.
static PUBLISHED_NTH: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("公開した第".as_bytes()));

/// The date of an undated discovery (`…ご連絡をいただき、誤りが判明しました。`):
/// the mention just before the first sentence that tells a strong discovery,
/// has no date of its own and is not denied; never the disclosure date.
fn carried_discovery<'m>(
    ctx: &Ctx,
    r: &Region,
    mentions: &'m [DateMention],
    disclosed: Option<&DateMention>,
) -> Option<&'m DateMention> {
    // The sentences end within the region, at most a mark's length (3 bytes)
    // past its end: without a strong discovery word there, no sentence can hold one.
    if !ctx.has_cue(Cue::DiscoveryStrong, r.start, r.end.saturating_add(3)) {
        return None;
    }
    let mut sentence_start = r.start;
    let mut next_mention = 0;
    for end in ctx.sentence_ends(r.start, r.end) {
        // Mentions are in text order: skip those before this sentence.
        while mentions
            .get(next_mention)
            .is_some_and(|m| m.start < sentence_start)
        {
            next_mention += 1;
        }
        let has_date = mentions.get(next_mention).is_some_and(|m| m.start < end);
        if !has_date
            && ctx.has_cue(Cue::DiscoveryStrong, sentence_start, end)
            && !ctx.has_cue(Cue::DiscoveryDenied, sentence_start, end)
        {
            // Only when no sentence dates the discovery itself, and never the letterhead date.
            let is_disclosure = |m: &DateMention| disclosed.is_some_and(|d| d.start == m.start);
            let carried = mentions.iter().rev().find(|m| {
                m.end <= sentence_start && m.start + 300 >= sentence_start && !is_disclosure(m)
            });
            if carried.is_some() {
                return carried;
            }
        }
        sentence_start = end;
    }
    None
}

/// Sector: the victim's name first (its last sector word: `…大学医学部付属病院` is a
/// hospital), then the industry words of the report, then the most common
/// sector of companies for a company, `other` for the rest.
pub fn sector(
    ctx: &Ctx,
    victim: Option<&str>,
    r: &Region,
    forced: Option<Sector>,
) -> Option<(Sector, Option<(usize, usize)>)> {
    if forced.is_some() {
        return forced.map(|s| (s, None));
    }
    if let Some(v) = victim {
        if let Some(m) = ctx
            .lex
            .get("sectors")
            .find_all(v)
            .into_iter()
            .rev()
            .find(|m| m.tag != incidex_lexicon::NEG)
        {
            if let Ok(s) = Sector::parse(m.value) {
                return Some((s, None));
            }
        }
        // `福井県総務部情報政策課`: a department of a prefecture or municipality.
        // The ending is one test, the body seven searches: the ending first.
        let department = ["課", "部", "局", "室", "係"]
            .iter()
            .any(|e| v.ends_with(e));
        if department && v.contains(['県', '都', '府', '市', '区', '町', '村']) {
            return Some((Sector::Government, None));
        }
        // `岐阜県`, `こはく堂`: a one-character ending that tells the sector.
        let ending = ctx
            .lex
            .get("sector_suffixes")
            .find_all(v)
            .into_iter()
            .rev()
            .find(|m| m.end == v.len());
        if let Some(s) = ending.and_then(|m| Sector::parse(m.value).ok()) {
            return Some((s, None));
        }
    }
    // Per sector its count and first word; the few sectors in a list, not a map
    // (the most frequent, then the first in vocabulary order, wins in any order).
    let mut score: Vec<(Sector, (usize, usize, usize))> = Vec::new();
    for m in ctx.lex_in("sectors", r.start, r.end) {
        // One-character words (県, 市) say too little in running text.
        if m.end - m.start <= 3 {
            continue;
        }
        if let Ok(s) = Sector::parse(m.value) {
            match score.iter_mut().find(|e| e.0 == s) {
                Some(e) => e.1 .0 += 1,
                None => score.push((s, (1, m.start, m.end))),
            }
        }
    }
    if let Some((s, (_, a, b))) = score
        .into_iter()
        .max_by(|x, y| x.1 .0.cmp(&y.1 .0).then(y.0.cmp(&x.0)))
    {
        return Some((s, Some((a, b))));
    }
    victim.map(|_| (Sector::Manufacturing, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random heads of sentences: the search over bytes stops where the
    /// search over characters does.
    #[test]
    fn clause_marks_are_found_as_a_character_search_finds_them() {
        const PIECES: [&str; 17] = [
            "、",
            "。",
            "\n",
            "(",
            ",",
            ":",
            "件",
            "個人情報",
            "a",
            "1",
            " ",
            "ー",
            "ぁ",
            "〃",
            "䀂",
            "、x",
            "。 ",
        ];
        let mut next = crate::test_random::xorshift(0xC1A0_5E5E_0BAD_F00D);
        for _ in 0..50_000 {
            let head = crate::test_random::text_of(&mut next, &PIECES, 10);
            let by_chars = head
                .rfind(['、', '。', '\n', '(', ',', ':'])
                .map(|i| i + head[i..].chars().next().map_or(1, char::len_utf8))
                .unwrap_or(0);
            assert_eq!(
                after_last_clause_mark(head.as_bytes()),
                by_chars,
                "{head:?}"
            );
        }
    }

    /// Random lines around a date: the test of the characters next to it
    /// says what a test of its whole line says.
    #[test]
    fn date_lines_are_told_by_the_characters_next_to_the_date() {
        const PIECES: [&str; 14] = [
            " ",
            "\n",
            "\u{3000}",
            "\t",
            "-",
            "—",
            "(",
            "TOKYO, ",
            "Tokyo",
            "x",
            "は",
            "。",
            "\r",
            "DAYTON, Ohio ",
        ];
        let whole_line = |text: &str, m: &DateMention| {
            let ls = line_start(text, m.start);
            let le = text[m.end..].find('\n').map_or(text.len(), |i| m.end + i);
            let (before, after) = (&text[ls..m.start], &text[m.end..le]);
            (before.trim().is_empty() && after.trim().is_empty())
                || (after.trim_start().starts_with(['-', '/', '(', '–', '—'])
                    && DATELINE_PLACE.is_match(before))
        };
        let mut next = crate::test_random::xorshift(0xDA7E_11E5_0F7E_5700);
        let piece = |next: &mut dyn FnMut() -> u64| {
            let len = (next() % 4) as usize;
            (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect::<String>()
        };
        let mut lines = 0;
        for _ in 0..50_000 {
            let (before, after) = (piece(&mut next), piece(&mut next));
            let text = format!("{before}March 4, 2024{after}");
            let m = DateMention {
                start: before.len(),
                end: text.len() - after.len(),
                date: Date {
                    year: 2024,
                    month: 3,
                    day: Some(4),
                },
                explicit_year: true,
                range_from: None,
            };
            let want = whole_line(&text, &m);
            lines += usize::from(want);
            assert_eq!(is_date_line(&text, &m), want, "{text:?}");
        }
        assert!(lines > 1_000, "too few date lines tried: {lines}");
    }
}
