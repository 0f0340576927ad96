//! Who an article is about: the issuer of a dated press-release title, the
//! organisation after ` - ` or in parentheses at the end of a title, the
//! subject of the lead sentence (`Xは3/4、…`), the first word of a blog-style
//! title (`X 不正アクセス …`), and the roles around it: the contractor that
//! was breached (受託事業者), the subsidiary where it happened, the company a
//! regulator's order is addressed to.

use crate::byte_scan::has_ascii_letters;
use crate::orgs::{
    any_word_finder, clean_name, clean_name_where, company_names, first_company_name,
    looks_like_org, name_after, name_before, same_org,
};
use incidex_lexicon::Lexicon;
use once_cell::sync::Lazy;
use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    Guess,
    Weak,
    Title,
    Subject,
    Issuer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub role: &'static str,
}

#[derive(Debug, Clone)]
pub struct Subject {
    pub main: Named,
    pub strength: Strength,
    /// Byte span of a date written in the title or the lead sentence (the disclosure).
    pub lead_date: Option<(usize, usize)>,
}

const DATE: &str = r"(?:\d{4}年\d{1,2}月\d{1,2}日|(?:令和|平成)(?:元|\d{1,2})年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{1,2}/\d{1,2}|\d{4}/\d{1,2}/\d{1,2})";

/// The pattern [`dated_title`] stands for (the tests compare them).
#[cfg(test)]
static DATED_TITLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"^(.*\S)\s+({DATE})\s+(\S.{{0,40}})$")).unwrap());
/// A [`DATE`] at the start, tried where the date of [`DATED_TITLE`] may start.
static DATE_START: Lazy<Regex> = Lazy::new(|| Regex::new(&format!(r"^{DATE}")).unwrap());
/// The regexes [`dash_title_issuer`] and [`paren_end_issuer`] stand for
/// (the tests compare them).
#[cfg(test)]
static DASH_TITLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(.*\S)\s+[-|]\s+(\S.{0,30})$").unwrap());
#[cfg(test)]
static PAREN_END: Lazy<Regex> = Lazy::new(|| Regex::new(r"\(([^()]{2,40})\)$").unwrap());
/// The pattern [`lead_date`] stands for (the tests compare them).
#[cfg(test)]
static LEAD: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"(は|が)、?\s?({DATE})(?:\([^)]{{1,6}}\))?、")).unwrap());
/// The most bytes a [`LEAD`] match can span: particle 3, `、` 3, `\s` 3, the
/// longest date 41 (`\d` is at most 4 bytes), `(…)` 26 and `、` 3 make 79.
const LEAD_MAX_LEN: usize = 96;
/// The pattern [`possessive_at`] stands for (the tests compare them).
#[cfg(test)]
static POSSESSIVE: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!("の(?:{})", POSSESSED.join("|"))).unwrap());
/// What a lead sentence says the victim's own (`Xのサーバが…`).
const POSSESSED: &[&str] = &[
    "サーバ",
    "システム",
    "ウェブサイト",
    "Webサイト",
    "サイト",
    "メールアカウント",
    "ネットワーク",
    "パソコン",
    "オンラインショップ",
    "ファイルサーバ",
];

/// Where the first `の` followed by one of [`POSSESSED`] starts (the start
/// of the first [`POSSESSIVE`] match): each `の` found by a vectorised
/// search, the words compared after it, without starting a regex search.
fn possessive_at(lead: &str) -> Option<usize> {
    let heads = &*POSSESSED_HEADS;
    let firsts = &*POSSESSED_FIRST;
    NO_FINDER.find_iter(lead.as_bytes()).find(|&i| {
        let rest = &lead[i + "の".len()..];
        // Most `の` are followed by a char no word starts with: a look at
        // its first two bytes (hiragana and kanji differ from katakana
        // there), then at the char.
        let head_ok = heads.as_ref().is_none_or(|heads| {
            rest.as_bytes()
                .get(..2)
                .is_some_and(|h| heads.iter().any(|w| w == h))
        });
        head_ok
            && rest.chars().next().is_some_and(|c| firsts.contains(&c))
            && POSSESSED.iter().any(|w| rest.starts_with(w))
    })
}

/// The first two bytes of each of [`POSSESSED`], once each (`None` when a
/// word is shorter: then every `の` is looked at).
static POSSESSED_HEADS: Lazy<Option<Vec<[u8; 2]>>> = Lazy::new(|| {
    let mut heads: Vec<[u8; 2]> = POSSESSED
        .iter()
        .map(|w| <[u8; 2]>::try_from(w.as_bytes().get(..2)?).ok())
        .collect::<Option<_>>()?;
    heads.sort_unstable();
    heads.dedup();
    Some(heads)
});

/// The first chars of [`POSSESSED`] (every char, when a word is empty).
static POSSESSED_FIRST: Lazy<CharSet> =
    Lazy::new(|| CharSet::of(POSSESSED.iter().map(|w| w.chars().next())));

static EN_SUBJECT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?-u:\b)((?:[A-Z][A-Za-z0-9&'.\-]*\s){0,4}(?:[A-Z][A-Za-z0-9&'.\-]*))(?:,? (?:Inc|Corp|Ltd|LLC)\.?)?\s+(?:said|says|announced|disclosed|reported|confirmed|revealed|has disclosed|has notified|is notifying|notified|was hit|has been hit|suffered|was targeted|fell victim|agreed to pay|to pay|discloses|reports|warns|admits)(?-u:\b)").unwrap()
});
static LINE_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"^{DATE}$|^(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{{1,2}}, \d{{4}}$")).unwrap()
});
static EN_HEADLINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^((?:[A-Z][A-Za-z0-9&'.\-]*\s){1,6}?)(?:Confirms|Says|Discloses|Reports|Hit|Suffers|Notifies|Warns|Announces|Pays|Agrees|Fined|Investigates|Targeted|Breached|Hacked|Falls|Struck|Reveals|Admits|Alerts|Probes|Recovers|Restores)(?-u:\b)").unwrap()
});
static EN_LEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^\W*((?:[A-Z][A-Za-z0-9&'.\-]*)(?:\s+(?:[A-Z][A-Za-z0-9&'.\-]*|of|and|&|de|du)){0,5})(?:,\s[^,]{1,80},)?\s+(?:has|have|had|is|was|were|says|said|will|on|announced|confirmed|disclosed|reported|revealed|suffered|paid|agreed|notified|detected|discovered|became|began|informed|warned|experienced|fell|exposed|admitted|acknowledged|issued|sent|today|yesterday|recently|last)(?-u:\b)").unwrap()
});
static EN_PROPER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?-u:\b)[A-Z][A-Za-z0-9&'\-]*[A-Za-z0-9](?:\s[A-Z][A-Za-z0-9&'\-]*[A-Za-z0-9]){0,2}(?-u:\b)")
        .unwrap()
});
/// Capitalised words that are not names of victims.
const EN_COMMON: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "FBI",
    "Internet",
    "Windows",
    "Microsoft",
    "Google",
    "Twitter",
    "Facebook",
    "He",
    "She",
    "They",
    "It",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "US",
    "UK",
    "EU",
    "Russian",
    "Russia",
    "China",
    "Chinese",
    "North",
    "Korea",
    "Iran",
    "American",
    "British",
    "Mr",
    "Ms",
    "Dr",
    "CEO",
    "IT",
    "Bitcoin",
    "Department",
    "Justice",
    "Commission",
    "Office",
    "Police",
    "Security",
    "Research",
];
/// The pattern [`provider_ends`] stands for (the tests compare them).
#[cfg(test)]
static PROVIDER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?:受託事業者|委託事業者|受託業者|委託先事業者|委託先|運営事業者)(?:である|の)?\(?",
    )
    .unwrap()
});
static PROVIDING: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:サービスを提供する|サービスを運営する|業務を受託する|業務を受託している|サービスを提供している)").unwrap()
});
/// The pattern [`subsidiary_ends`] stands for (the tests compare them).
#[cfg(test)]
static SUBSIDIARY: Lazy<Regex> = Lazy::new(|| Regex::new(r"子会社(?:である|の|、)?").unwrap());
/// The words [`PROVIDER`], [`PROVIDING`] and [`SUBSIDIARY`] start with
/// (lexicon `list_cues`, value [`ROLE_CUE`]): a region without any of them
/// needs none of the three scans.
static ROLE_CUE_LIST: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("list_cues.toml", ROLE_CUE));
static ROLE_CUES: Lazy<aho_corasick::AhoCorasick> =
    Lazy::new(|| any_word_finder(ROLE_CUE_LIST.iter()).expect("literal cues compile"));
/// The words of a regulator's order ([`regulated_company`]; lexicon
/// `list_cues`, value [`ORDER_CUE`]).
static ORDER_WORD_LIST: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("list_cues.toml", ORDER_CUE));
static ORDER_WORDS: Lazy<aho_corasick::AhoCorasick> =
    Lazy::new(|| any_word_finder(ORDER_WORD_LIST.iter()).expect("literal cues compile"));
/// The value of the order words in lexicon `list_cues`.
pub const ORDER_CUE: &str = "order_word";
/// The value of the role cues in lexicon `list_cues`.
pub const ROLE_CUE: &str = "role_cue";
static REGULATED: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?:\([^)]{0,30}\))?に対し").unwrap());

/// Words that end an English subject that is not an organisation.
const EN_NOT_ORG: &[&str] = &[
    "In",
    "On",
    "At",
    "According",
    "Hackers",
    "Attackers",
    "Cybercriminals",
    "Criminals",
    "Security",
    "Users",
    "Customers",
    "Last",
    "Earlier",
    "Some",
    "Many",
    "Two",
    "Three",
    "More",
    "Over",
    "If",
    "As",
    "After",
    "When",
    "While",
    "Following",
    "Today",
    "Yesterday",
    "New",
    "Now",
    "Data",
    "Personal",
    "Ransomware",
    "Malware",
    "Phishing",
    "Cyber",
    "Information",
    "These",
    "Those",
    "There",
    "What",
    "Why",
    "How",
    "Who",
    "You",
    "I",
    "Hacker",
    "By",
    "The",
    "It",
    "He",
    "She",
    "They",
    "We",
    "This",
    "That",
    "Officials",
    "Researchers",
    "Police",
    "Authorities",
    "A",
    "An",
];

/// [`EN_NOT_ORG`] and [`EN_COMMON`] in one sorted list: a binary search per
/// word instead of a pass over both.
static EN_NOT_VICTIM: Lazy<Vec<&'static str>> = Lazy::new(|| {
    let mut words: Vec<&'static str> = EN_NOT_ORG.iter().chain(EN_COMMON).copied().collect();
    words.sort_unstable();
    words
});

fn named(name: String, start: usize, end: usize, role: &'static str) -> Named {
    Named {
        name,
        start,
        end,
        role,
    }
}

/// The subject of a section: heading first, then the lead sentences of its body.
pub fn subject(
    text: &str,
    head: (usize, usize),
    body: (usize, usize),
    suffixes: &Lexicon,
) -> Option<Subject> {
    subject_at_least(text, head, body, suffixes, Strength::Guess)
}

/// [`subject`] when it is at least `min` strong, else `None`: the searches
/// that can only find weaker names are skipped (a section that goes on an
/// article with a subject matters only if it names a strong one). A skipped
/// search could not have changed a result of `min` or more: a candidate
/// replaces the best only when it is stronger.
pub fn subject_at_least(
    text: &str,
    head: (usize, usize),
    body: (usize, usize),
    suffixes: &Lexicon,
    min: Strength,
) -> Option<Subject> {
    // `■ 見出し`, `【速報】見出し`: the marker is not part of the title.
    let mut head = head;
    let raw = &text[head.0..head.1];
    let unmarked = raw.trim_start_matches(['■', '□', '◆', '◇', '●', '▼', '▶', ' ']);
    let unmarked = match unmarked
        .strip_prefix('【')
        .and_then(|r| r.find('】').map(|i| &r[i + '】'.len_utf8()..]))
    {
        Some(rest) if !rest.trim().is_empty() => rest.trim_start(),
        _ => unmarked,
    };
    head.0 += raw.len() - unmarked.len();
    let heading = &text[head.0..head.1];
    // A candidate replaces the best only when it is stronger: a search
    // whose strongest result cannot beat the best so far is skipped.
    let mut best: Option<Subject> = None;
    let beats = |best: &Option<Subject>, s: Strength| best.as_ref().is_none_or(|b| s > b.strength);
    // The searches run strongest first (the issuer, then the subject of the
    // lead, then the title's first word, then the weak guesses of the lead):
    // each is skipped once a stronger one has found a name, which it could
    // not beat. Each strength comes from searches that keep their order, so
    // the first of equals is the one it always was.
    if !heading.is_empty() {
        keep_stronger(&mut best, title_patterns(text, head, suffixes));
    }
    // Text from HTML has no blank lines: its first line (the page title,
    // `… - 高松市`) is a title even though it stands in the body.
    if heading.is_empty() {
        let first = str_lines(&text[body.0..body.1])
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        // At most 100 chars: a char is 1 to 4 bytes, so only lengths between need a count.
        let short = first.len() <= 100 || (first.len() <= 4 * 100 && first.chars().count() <= 100);
        if !first.is_empty() && short && !first.trim_end().ends_with('。') {
            let at = body.0 + (first.as_ptr() as usize - text[body.0..].as_ptr() as usize);
            keep_stronger(
                &mut best,
                title_patterns(text, (at, at + first.len()), suffixes),
            );
        }
    }
    if beats(&best, Strength::Issuer) {
        let from = if heading.is_empty() { head.0 } else { body.0 };
        keep_stronger(&mut best, letterhead(text, from, body.1, suffixes));
    }
    // The lead sentences, found once for the dated subject and the weak guesses.
    let lead_end = once_cell::unsync::Lazy::new(|| nth_sentence_end(text, body.0, body.1, 2));
    if beats(&best, Strength::Subject) {
        keep_stronger(&mut best, dated_lead_subject(text, body.0, *lead_end));
    }
    if heading.is_empty() && beats(&best, Strength::Subject) {
        keep_stronger(&mut best, item_subject(text, body, suffixes));
    }
    if !heading.is_empty() && beats(&best, Strength::Title) {
        if heading.starts_with(|c: char| c.is_ascii_alphabetic()) {
            keep_stronger(&mut best, en_headline(text, head));
        } else {
            keep_stronger(&mut best, title_head(text, head, suffixes));
        }
    }
    if min <= Strength::Weak && beats(&best, Strength::Weak) {
        keep_stronger(&mut best, weak_lead_subject(text, body.0, *lead_end));
    }
    if min > Strength::Guess {
        return best.filter(|b| b.strength >= min);
    }
    best.or_else(|| frequent_english_name(text, body))
}

/// English news often names its victim only later (`…hack 500 million Yahoo
/// accounts`): the proper name repeated most in the article, at least twice.
fn frequent_english_name(text: &str, body: (usize, usize)) -> Option<Subject> {
    let region = &text[body.0..floor_char(text, body.1.min(body.0 + 6000))];
    if !mostly_ascii_letters(region) {
        return None;
    }
    let mut counts: Vec<(&str, usize, usize)> = Vec::new();
    for m in EN_PROPER.find_iter(region) {
        let name = m.as_str();
        if name
            .split_whitespace()
            .any(|w| EN_NOT_VICTIM.binary_search(&w).is_ok())
        {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == name) {
            Some(c) => c.1 += 1,
            None => counts.push((name, 1, m.start())),
        }
    }
    let (name, n, at) = counts.into_iter().max_by_key(|c| (c.1, usize::MAX - c.2))?;
    (n >= 2).then(|| Subject {
        main: named(
            name.to_string(),
            body.0 + at,
            body.0 + at + name.len(),
            "victim",
        ),
        strength: Strength::Guess,
        lead_date: None,
    })
}

/// Whether at least half the bytes of `region` are ASCII letters; counted a
/// block at a time, stopping once the rest cannot reach half.
fn mostly_ascii_letters(region: &str) -> bool {
    let need = region.len().div_ceil(2);
    let mut ascii = 0;
    let mut left = region.len();
    // Blocks of at most 255 bytes count in a `u8`, which vectorises well.
    for block in region.as_bytes().chunks(255) {
        let letters = block
            .iter()
            .fold(0u8, |n, b| n + u8::from(b.is_ascii_alphabetic()));
        ascii += usize::from(letters);
        left -= block.len();
        if ascii + left < need {
            return false;
        }
    }
    ascii >= need
}

/// The lines of `s` as `str::lines` gives them (split at `\n`, a `\r` before
/// it dropped, no empty line after a final `\n`), each end found by a
/// vectorised search instead of a char search.
fn str_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                let line = &rest[..i];
                rest = &rest[i + 1..];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => Some(std::mem::take(&mut rest)),
        }
    })
}

/// Keeps `cand` when it is stronger than what `best` holds (the first of equals wins).
fn keep_stronger(best: &mut Option<Subject>, cand: Option<Subject>) {
    if let Some(c) = cand {
        if best.as_ref().is_none_or(|b| c.strength > b.strength) {
            *best = Some(c);
        }
    }
}

/// The issuer a title names: `… 2022年6月30日 X`, `… - X`, `…(X)`.
fn title_patterns(text: &str, head: (usize, usize), suffixes: &Lexicon) -> Option<Subject> {
    let heading = &text[head.0..head.1];
    let offset_in = |s: &str| head.0 + (s.as_ptr() as usize - heading.as_ptr() as usize);
    let mut best: Option<Subject> = None;
    let mut consider = |cand: Option<Subject>| keep_stronger(&mut best, cand);
    if let Some((d, o)) = (space_before_date(heading) && short_tail_after_date(heading))
        .then(|| dated_title(heading))
        .flatten()
    {
        if let Some(n) = clean_name(o) {
            let s = offset_in(o);
            consider(Some(Subject {
                main: named(n, s, s + o.len(), "victim"),
                strength: Strength::Issuer,
                lead_date: Some((head.0 + d.0, head.0 + d.1)),
            }));
        }
    }
    if let Some(o) = dash_title_issuer(heading) {
        if let Some(n) = clean_name(o) {
            let s = offset_in(o);
            let strength = if looks_like_org(&n, suffixes) {
                Strength::Issuer
            } else {
                Strength::Guess
            };
            consider(Some(Subject {
                main: named(n, s, s + o.len(), "victim"),
                strength,
                lead_date: None,
            }));
        }
    }
    if let Some(o) = paren_end_issuer(heading) {
        if let Some(n) = clean_name_where(o, |n| looks_like_org(n, suffixes)).map(str::to_string) {
            let s = offset_in(o);
            consider(Some(Subject {
                main: named(n, s, s + o.len(), "victim"),
                strength: Strength::Issuer,
                lead_date: None,
            }));
        }
    }
    best
}

/// The letterhead of a notice: a few short lines before or after the title
/// with the date and the issuer (`2023年3月10日` / `株式会社X` / `(証券コード:1234)`).
static ISSUER_UNITS: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("issuer_units.toml", "unit"));
static ISSUER_TITLES: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("issuer_units.toml", "title"));

/// The last chars of [`ISSUER_UNITS`] and the first chars of
/// [`ISSUER_TITLES`]: a token that ends (starts) with none of them needs no
/// pass over the words. An empty word would match every token: its list
/// then holds every char a token can end (start) with, so none is skipped.
static UNIT_LAST_CHARS: Lazy<CharSet> =
    Lazy::new(|| CharSet::of(ISSUER_UNITS.iter().map(|u| u.chars().next_back())));
static TITLE_FIRST_CHARS: Lazy<CharSet> =
    Lazy::new(|| CharSet::of(ISSUER_TITLES.iter().map(|t| t.chars().next())));

/// A set of chars, or every char (when a word was empty).
struct CharSet(Option<Vec<char>>);

impl CharSet {
    fn of(chars: impl Iterator<Item = Option<char>>) -> Self {
        let mut set: Option<Vec<char>> = chars.collect();
        if let Some(set) = &mut set {
            set.sort_unstable();
            set.dedup();
        }
        CharSet(set)
    }

    fn contains(&self, c: &char) -> bool {
        self.0
            .as_ref()
            .is_none_or(|set| set.binary_search(c).is_ok())
    }
}

/// A letterhead line without the department or signer after the issuer's
/// name: `こもれび市 総務部 情報政策課` → `こもれび市` (lexicon `issuer_units`).
fn issuer_part(line: &str) -> &str {
    // One token (no white space) is kept whole: most lines need no split.
    if !may_hold_space(line) {
        return line;
    }
    let mut end = 0;
    for (i, token) in line.split_whitespace().enumerate() {
        let at = token.as_ptr() as usize - line.as_ptr() as usize;
        // The first token is always kept: the lists are read from the second on.
        let unit = || {
            token
                .chars()
                .next_back()
                .is_some_and(|c| UNIT_LAST_CHARS.contains(&c))
                && ISSUER_UNITS.iter().any(|u| token.ends_with(u))
        };
        let title = || {
            token
                .chars()
                .next()
                .is_some_and(|c| TITLE_FIRST_CHARS.contains(&c))
                && ISSUER_TITLES.iter().any(|t| token.starts_with(t))
        };
        if i > 0 && (unit() || title()) {
            break;
        }
        end = at + token.len();
    }
    &line[..end]
}

/// Whether `s` may hold a white-space char: its UTF-8 holds an ASCII
/// space or control `09`..`0D`, a lead byte `C2`, `E1` or `E2` (the other
/// spaces below U+3000), or `80 80` (the end of U+3000, `E3 80 80`). Sixteen
/// bytes are compared at once; the last chunk is padded with zeros, which
/// are neither.
fn may_hold_space(s: &str) -> bool {
    let b = s.as_bytes();
    // Bit 0 set when the byte before the chunk is `80`.
    let mut carry = 0u32;
    let mut chunks = b.chunks_exact(16);
    let mut test = |chunk: &[u8; 16]| {
        let v = crate::byte_scan::load16(chunk);
        let eq = |x: u8| v.simd_eq(wide::i8x16::splat(x as i8));
        let lead = crate::byte_scan::span(v, 0x09, 5) | eq(0x20) | eq(0xC2) | eq(0xE1) | eq(0xE2);
        let eighty = eq(0x80).to_bitmask() & 0xFFFF;
        let pairs = eighty & ((eighty << 1) | carry);
        carry = eighty >> 15;
        lead.to_bitmask() & 0xFFFF != 0 || pairs != 0
    };
    for chunk in &mut chunks {
        if <&[u8; 16]>::try_from(chunk).is_ok_and(&mut test) {
            return true;
        }
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 16];
    last[..rest.len()].copy_from_slice(rest);
    !rest.is_empty() && test(&last)
}

fn letterhead(text: &str, from: usize, to: usize, suffixes: &Lexicon) -> Option<Subject> {
    let mut issuer: Option<Named> = None;
    let mut date: Option<(usize, usize)> = None;
    let region = &text[from..to];
    let mut pos = 0;
    let mut seen = 0;
    // The lines with their `\n` (as `split_inclusive` gives them), each end
    // found by a vectorised search.
    while pos < region.len() {
        // An empty line (most often the blank line after a heading) needs no search.
        if region.as_bytes()[pos] == b'\n' {
            pos += 1;
            continue;
        }
        let line_end =
            memchr::memchr(b'\n', &region.as_bytes()[pos..]).map_or(region.len(), |i| pos + i + 1);
        let line = &region[pos..line_end];
        let start = from + pos;
        pos = line_end;
        let l = crate::segment::trim(line);
        if l.is_empty() {
            continue;
        }
        seen += 1;
        // More than 40 chars: a char is 1 to 4 bytes, so only lengths between need a
        // count, and only on a line the other tests have not already ended on.
        let long = || l.len() > 4 * 40 || (l.len() > 40 && l.chars().count() > 40);
        if seen > 6 || l.ends_with('。') || long() {
            break;
        }
        // Where `l` starts: after the white space `line` starts with.
        let lead = start + (l.as_ptr() as usize - line.as_ptr() as usize);
        if let Some(m) = may_be_line_date(l).then(|| LINE_DATE.find(l)).flatten() {
            if m.start() == 0 && date.is_none() {
                date = Some((lead + m.start(), lead + m.end()));
                continue;
            }
        }
        if issuer.is_none() {
            let is_org = |s: &str| {
                clean_name_where(s, |n| !n.contains('(') && looks_like_org(n, suffixes))
                    .map(str::to_string)
            };
            let part = issuer_part(l);
            let found = is_org(part).map(|n| (n, part.len())).or_else(|| {
                (part.len() != l.len())
                    .then(|| is_org(l))
                    .flatten()
                    .map(|n| (n, l.len()))
            });
            if let Some((n, len)) = found {
                issuer = Some(named(n, lead, lead + len, "victim"));
            } else if let Some(h) = first_company_name(l).filter(|h| h.start == 0) {
                issuer = Some(named(h.name, lead + h.start, lead + h.end, "victim"));
            }
        }
    }
    issuer.map(|main| Subject {
        main,
        strength: Strength::Issuer,
        lead_date: date,
    })
}

/// Whether [`LINE_DATE`] may match `line`: it starts (it is anchored) with a
/// `\d` ([`maybe_digit`]), an era (`令和`, `平成`) or a month's name, and
/// every date holds a digit.
fn may_be_line_date(line: &str) -> bool {
    line.starts_with(|c: char| {
        maybe_digit(c)
            || matches!(
                c,
                '令' | '平' | 'J' | 'F' | 'M' | 'A' | 'S' | 'O' | 'N' | 'D'
            )
    }) && has_digit(line)
}

/// `Riverbend Community Hospital Confirms Ransomware Attack`: the name before the verb of an English headline.
fn en_headline(text: &str, head: (usize, usize)) -> Option<Subject> {
    let heading = &text[head.0..head.1];
    let c = EN_HEADLINE.captures(heading)?;
    let m = c.get(1)?;
    let name = m.as_str().trim().to_string();
    if name.split_whitespace().all(|w| EN_NOT_ORG.contains(&w)) {
        return None;
    }
    Some(Subject {
        main: named(
            name,
            head.0 + m.start(),
            head.0 + m.start() + m.as_str().trim_end().len(),
            "victim",
        ),
        strength: Strength::Title,
        lead_date: None,
    })
}

/// `X 不正アクセス…`, `X、子会社の…`, `X(1234)…`, `Xが…`: the name a title starts with.
fn title_head(text: &str, head: (usize, usize), suffixes: &Lexicon) -> Option<Subject> {
    let heading = &text[head.0..head.1];
    let cut = title_cut(heading);
    let mut first = &heading[..cut];
    // `カーニバルクルーズが2019年…`: a subject marked by が or は.
    for p in [&*GA_FINDER, &*WA_FINDER] {
        if let Some(i) = p.find(first.as_bytes()) {
            first = &first[..i];
        }
    }
    let rest = &heading[cut..];
    // `総数 2,311件…`: a label and a figure, not a title (known before the name is read).
    if rest.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (s, name) = name_before(text, head.0 + first.len())?;
    // A title that starts with a description (`…を生んだX、…`), or a heading that is a
    // sentence (`医師は、…。`), counts only when X is plainly an organisation.
    if (s != head.0 || heading.ends_with('。')) && !looks_like_org(&name, suffixes) {
        return None;
    }
    // A one-word heading is a section title, unless it is a company name.
    if rest.trim().is_empty() && !looks_like_org(&name, suffixes) {
        return None;
    }
    Some(Subject {
        main: named(name, s, head.0 + first.len(), "victim"),
        strength: Strength::Title,
        lead_date: None,
    })
}

/// Where the first word of a title ends: the first of ` `, `、`, `(`, `「`,
/// `/`, `,`, `!`, `?` (or the end). The ASCII bytes and the lead byte `E3`
/// of `、` and `「` never occur inside another char; sixteen bytes are
/// looked at at once, and only the few that may cut there one by one.
fn title_cut(heading: &str) -> usize {
    let b = heading.as_bytes();
    let cuts_at = |i: usize| match b[i] {
        b' ' | b'(' | b'/' | b',' | b'!' | b'?' => true,
        0xE3 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x81 | 0x8C)),
        _ => false,
    };
    let mut at = 0;
    let mut chunks = b.chunks_exact(16);
    for chunk in &mut chunks {
        let mut hits = <&[u8; 16]>::try_from(chunk).map_or(u32::MAX, cut_candidates);
        while hits != 0 {
            let i = at + hits.trailing_zeros() as usize;
            if i < b.len() && cuts_at(i) {
                return i;
            }
            hits &= hits - 1;
        }
        at += 16;
    }
    (at..b.len()).find(|&i| cuts_at(i)).unwrap_or(b.len())
}

/// The bytes of `chunk` where [`title_cut`] may cut (bit `i` for byte `i`):
/// its ASCII bytes, and an `E3` followed by `80` (or last in the chunk).
fn cut_candidates(chunk: &[u8; 16]) -> u32 {
    let v = crate::byte_scan::load16(chunk);
    let eq = |x: u8| v.simd_eq(wide::i8x16::splat(x as i8));
    let ascii = (eq(b' ') | eq(b'(') | eq(b'/') | eq(b',') | eq(b'!') | eq(b'?')).to_bitmask();
    let e3 = eq(0xE3).to_bitmask();
    let next_80 = (eq(0x80).to_bitmask() >> 1) | 0x8000;
    (ascii | (e3 & next_80)) & 0xFFFF
}

/// `Xは3/4、…`, `Xが2022年6月30日、…`, `Xによれば`, `Xのサーバが`, `X said`: the lead sentences.
/// The organisation a digest's news item is about: the first name in its
/// first sentence that is the subject of the sentence (`が` or `は` right after
/// it) when the sentence reports a disclosure (`…と発表した`, `…を公表`):
/// `・11日、食品卸の株式会社まるやま商会が、…と発表した。`
fn item_subject(text: &str, body: (usize, usize), suffixes: &Lexicon) -> Option<Subject> {
    let lead = text[body.0..body.1].trim_start();
    if !crate::segment::is_news_item(str_lines(lead).next().unwrap_or("")) {
        return None;
    }
    let from = body.0 + (text[body.0..body.1].len() - lead.len());
    let first_end = nth_sentence_end(text, from, body.1, 1);
    let sentence = &text[from..first_end];
    // Without `が` or `は` no name below can be the subject: the cue search can wait.
    let has_particle = |f: &memchr::memmem::Finder| f.find(sentence.as_bytes()).is_some();
    if !(has_particle(&GA_FINDER) || has_particle(&WA_FINDER))
        || !crate::fields::tells_disclosure(sentence)
    {
        return None;
    }
    // Each `が` and `は` in order, found by two vectorised searches.
    for i in particles(sentence) {
        let at = from + i;
        let Some((s, n)) = name_before(text, at) else {
            continue;
        };
        if s >= from && looks_like_org(&n, suffixes) {
            let (s, n) = with_kana_head(text, from, s, n);
            return Some(Subject {
                main: named(n, s, at, "victim"),
                strength: Strength::Subject,
                lead_date: None,
            });
        }
    }
    None
}

/// A name may begin in hiragana (`のぞみ台町`, `みずなぎ病院`), which the name
/// rules stop at: the hiragana run is taken in when it starts right after a
/// comma, a bracket or the start of the sentence (so no particle can be in it).
fn with_kana_head(text: &str, from: usize, start: usize, name: String) -> (usize, String) {
    let head = &text[from..start];
    let run: usize = head
        .chars()
        .rev()
        .take_while(|&c| crate::orgs::is_hiragana(c))
        .map(char::len_utf8)
        .sum();
    let run_start = start - run;
    let bounded =
        run_start == from || text[from..run_start].ends_with(['、', ',', '「', '(', ' ', '・']);
    if run == 0 || run > 5 * 3 || !bounded {
        return (start, name);
    }
    (run_start, format!("{}{name}", &text[run_start..start]))
}

/// The subject of the lead sentences `from..lead_end` with its date (the
/// one of [`Strength::Subject`]): `Xは3/4、…`.
fn dated_lead_subject(text: &str, from: usize, lead_end: usize) -> Option<Subject> {
    let lead = &text[from..lead_end];
    let (p, d) = (TOUTEN_FINDER.find(lead.as_bytes()).is_some()
        && has_digit(lead)
        && particle_before_digit(lead))
    .then(|| lead_date(lead))
    .flatten()?;
    let (s, n) = name_before(text, from + p)?;
    Some(Subject {
        main: named(n, s, from + p, "victim"),
        strength: Strength::Subject,
        lead_date: Some((from + d.0, from + d.1)),
    })
}

/// A subject of the lead sentences `from..lead_end` without a date
/// ([`Strength::Weak`]): `Xによれば`, `Xのサーバが`, `X said`.
fn weak_lead_subject(text: &str, from: usize, lead_end: usize) -> Option<Subject> {
    let lead = &text[from..lead_end];
    // `経済産業省は、2022年6月30日、` and a subject without a date: `X(は|が)…を公表`.
    if let Some(at) = according_at(lead) {
        if let Some((s, n)) = name_before(text, from + at) {
            return Some(Subject {
                main: named(n, s, from + at, "victim"),
                strength: Strength::Weak,
                lead_date: None,
            });
        }
    }
    if let Some(at) = possessive_at(lead) {
        if let Some((s, n)) = name_before(text, from + at) {
            return Some(Subject {
                main: named(n, s, from + at, "victim"),
                strength: Strength::Weak,
                lead_date: None,
            });
        }
    }
    // The English patterns need English words to look at.
    if !has_ascii_letters(lead, 12) {
        return None;
    }
    // The English patterns read the lead without its `By …` lines and only
    // count when there were none: they need the lead exactly as it is.
    if !lines_unchanged(lead) {
        return None;
    }
    let lead_en = lead;
    // `Wasaga Beach has paid…`, `Eurostar, the rail operator, said…`: the proper name a news lead opens with.
    if let Some(c) = en_lead_may_count(lead_en.trim_start())
        .then(|| EN_LEAD.captures(lead_en.trim_start()))
        .flatten()
    {
        if let Some(o) = c.get(1) {
            let first_ok = o
                .as_str()
                .split_whitespace()
                .next()
                .is_some_and(|w| !EN_NOT_ORG.contains(&w));
            if first_ok {
                let s = from + (lead.len() - lead.trim_start().len()) + o.start();
                return Some(Subject {
                    main: named(o.as_str().to_string(), s, s + o.len(), "victim"),
                    strength: Strength::Weak,
                    lead_date: None,
                });
            }
        }
    }
    if let Some(c) = EN_SUBJECT.captures(lead_en) {
        if let Some(o) = c.get(1) {
            let words: Vec<&str> = o
                .as_str()
                .split_whitespace()
                .filter(|w| !EN_NOT_ORG.contains(w))
                .collect();
            if !words.is_empty() {
                let name = words.join(" ");
                let s = from + o.end() - name.len();
                return Some(Subject {
                    main: named(name, s, from + o.end(), "victim"),
                    strength: Strength::Weak,
                    lead_date: None,
                });
            }
        }
    }
    None
}

/// Whether an [`EN_LEAD`] match in `lead` (trimmed at its start) may name
/// a victim. Its name starts at the first word char: when `lead` starts
/// with an ASCII word char, that is the first char, which must be `A`-`Z`,
/// and its first word is the whole run of name chars from there (a shorter
/// one would be followed by a name char, where the pattern needs white
/// space or a comma), which must not be one of [`EN_NOT_ORG`].
fn en_lead_may_count(lead: &str) -> bool {
    let b = lead.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_uppercase() => {
            let name_char = |c: &u8| c.is_ascii_alphanumeric() || b"&'.-".contains(c);
            let len = b.iter().take_while(|c| name_char(c)).count();
            !EN_NOT_ORG.contains(&&lead[..len])
        }
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => false,
        _ => true,
    }
}

/// Where the first `によれば` or `によると` starts: each `によ` found by a
/// vectorised search, then its ending compared.
fn according_at(lead: &str) -> Option<usize> {
    NIYO_FINDER.find_iter(lead.as_bytes()).find(|&i| {
        let rest = &lead[i + "によ".len()..];
        rest.starts_with("れば") || rest.starts_with("ると")
    })
}

/// The issuer after ` - ` or ` | ` at the end of a title: what the
/// regex `^(.*\S)\s+[-|]\s+(\S.{0,30})$` captures as its group 2, found
/// without running it. Its greedy `.*` takes the rightmost dash that fits;
/// the white space on each side of a dash is all of the run there (a dash and
/// `\S` are not white space); `.` and `\S` never match `\n`, `\s` may.
fn dash_title_issuer(heading: &str) -> Option<&str> {
    memchr::memrchr2_iter(b'-', b'|', heading.as_bytes()).find_map(|i| {
        let name = heading[..i].trim_end();
        let after = &heading[i + 1..];
        let issuer = after.trim_start();
        let fits = !name.is_empty()
            && name.len() < i
            && !name.contains('\n')
            && !issuer.is_empty()
            && issuer.len() < after.len()
            && !issuer.contains('\n')
            && issuer.chars().nth(31).is_none();
        fits.then_some(issuer)
    })
}

/// The issuer in parentheses at the end of a title: what the regex
/// `\(([^()]{2,40})\)$` captures, found without running it. Only the last
/// `(` can open it (no parenthesis may stand inside).
fn paren_end_issuer(heading: &str) -> Option<&str> {
    let body = heading.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let inner = &body[open + 1..];
    let n = inner.chars().take(41).count();
    (!inner.contains(')') && (2..=40).contains(&n)).then_some(inner)
}

/// `。` and `. `, each found by its own searcher: one literal is found with
/// a vectorised scan, where a scan for both at once stops at every `、`.
static MARU_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("。"));
static DOT_SPACE_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new(". "));
/// `、`, `は` and `が` for the prefilters of [`LEAD`].
static NIYO_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("によ"));
static TOUTEN_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("、"));
static WA_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("は"));
static GA_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("が"));
/// `の`, which every [`POSSESSIVE`] match starts with: the search starts there.
static NO_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("の"));

/// What [`DATED_TITLE`] captures as its date (a byte span) and its issuer,
/// found by trying its tail at each end its greedy first group `(.*\S)` may
/// have, the last first. That group holds no `\n` and ends before white
/// space; the date after the white space starts with a digit or an era name.
fn dated_title(heading: &str) -> Option<((usize, usize), &str)> {
    let limit = heading.find('\n').unwrap_or(heading.len());
    let mut prev_space = true;
    let mut ends: Vec<usize> = Vec::new();
    for (i, c) in heading.char_indices() {
        let space = c.is_whitespace();
        if space && !prev_space && i <= limit {
            ends.push(i);
        }
        prev_space = space;
    }
    ends.into_iter().rev().find_map(|i| {
        // `\s+` takes all the white space at `i` (a date starts with none).
        let after = heading[i..].trim_start();
        let date_first = after.starts_with(maybe_digit) || after.starts_with(['令', '平']);
        let d = date_first.then(|| DATE_START.find(after))??;
        let issuer = issuer_after_date(&after[d.end()..])?;
        let at = heading.len() - after.len();
        Some(((at + d.start(), at + d.end()), issuer))
    })
}

/// What `^\s+(\S.{0,40})$` captures in `rest`, the text after a date:
/// white space, then all the rest, at most 41 chars without a `\n`.
///
/// The date the search for [`DATE`] finds first is the only one that can
/// be followed by white space: its forms exclude one another (after the
/// first digits comes `年`, `月` or `/`, or more digits), and a shorter run
/// of digits than the longest is followed by a digit.
fn issuer_after_date(rest: &str) -> Option<&str> {
    let issuer = rest.trim_start();
    let fits = issuer.len() < rest.len()
        && !issuer.is_empty()
        && !issuer.contains('\n')
        && issuer.chars().nth(41).is_none();
    fits.then_some(issuer)
}

/// The offsets of `は` and `が` in `s`, in order: two vectorised searches
/// merged (a search for either char would stop at every kana sharing their
/// last byte).
fn particles(s: &str) -> impl Iterator<Item = usize> + '_ {
    let mut wa = WA_FINDER.find_iter(s.as_bytes()).peekable();
    let mut ga = GA_FINDER.find_iter(s.as_bytes()).peekable();
    std::iter::from_fn(move || match (wa.peek(), ga.peek()) {
        (Some(&w), Some(&g)) if g < w => ga.next(),
        (Some(_), _) => wa.next(),
        (None, _) => ga.next(),
    })
}

/// Where [`LEAD`] matches in `lead`: the byte offset of its particle and the
/// span of its date. The match starts at a `は` or `が`: each is tried in
/// order with the anchored pattern on the few bytes a match can span.
fn lead_date(lead: &str) -> Option<(usize, (usize, usize))> {
    particles(lead).find_map(|i| {
        // `は` and `が` are both 3 bytes long.
        let rest = &lead[i + 'は'.len_utf8()..];
        let rest = rest.strip_prefix('、').unwrap_or(rest);
        let rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
        if !(rest.starts_with(is_numeric) || rest.starts_with("令和") || rest.starts_with("平成"))
        {
            return None;
        }
        let end = floor_char(lead, i + LEAD_MAX_LEN);
        // `rest` within the bytes a match can span (none is cut off there).
        let rest = &rest[..rest.len().saturating_sub(lead.len() - end)];
        let d = DATE_START.find(rest)?;
        closes_lead_date(&rest[d.end()..]).then(|| {
            let at = end - rest.len();
            (i, (at + d.start(), at + d.end()))
        })
    })
}

/// Whether `(?:\([^)]{1,6}\))?、` matches at the start of `rest`, the text
/// after a lead's date: `、`, or 1 to 6 chars in parentheses and `、`.
///
/// The date the search for [`DATE`] finds first is the only one that can
/// be followed by `、` or `(`: its forms exclude one another, and a shorter
/// run of digits than the longest is followed by a digit.
fn closes_lead_date(rest: &str) -> bool {
    let Some(inner) = rest.strip_prefix('(') else {
        return rest.starts_with('、');
    };
    let Some(close) = inner.find(')') else {
        return false;
    };
    let n = inner[..close].chars().take(7).count();
    (1..=6).contains(&n) && inner[close + 1..].starts_with('、')
}

/// The end of the `n`th sentence after `from` (or `to`).
pub fn nth_sentence_end(text: &str, from: usize, to: usize, n: usize) -> usize {
    let mut count = 0;
    let mut at = from;
    // The next `。` at or after `at`, kept while it lies ahead.
    let mut maru: Option<Option<usize>> = None;
    loop {
        let m = match maru {
            Some(m) if m.is_none_or(|m| m >= at) => m,
            _ => {
                let m = MARU_FINDER.find(&text.as_bytes()[at..to]).map(|x| at + x);
                maru = Some(m);
                m
            }
        };
        // A `. ` ends a sentence (at its dot) when it comes before that `。`;
        // the space may lie just past `to`.
        let limit = m.unwrap_or(to);
        let hay_end = if text.as_bytes().get(limit) == Some(&b' ') {
            limit + 1
        } else {
            limit
        };
        let end = match DOT_SPACE_FINDER.find(&text.as_bytes()[at..hay_end]) {
            Some(d) => at + d + 1,
            None => match m {
                Some(m) => m + '。'.len_utf8(),
                None => break,
            },
        };
        count += 1;
        if count == n {
            return end;
        }
        at = end;
    }
    floor_char(text, to.min(from + 1200)).max(from)
}

/// The largest char boundary of `text` at or before `i`.
pub fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether `s` may hold a `\d` (a Unicode decimal digit): a regex that
/// needs one cannot match where this says no.
fn has_digit(s: &str) -> bool {
    // Kana and kanji (U+3000..U+9FFF, lead bytes E3..E9) hold no decimal
    // digit: only text with other non-ASCII characters needs the full test.
    // Counted a block at a time in `u8`s, which vectorises.
    let mut other = false;
    for block in s.as_bytes().chunks(64) {
        let count = |f: fn(u8) -> bool| block.iter().fold(0u8, |k, &b| k + u8::from(f(b)));
        if count(|b| b.is_ascii_digit()) > 0 {
            return true;
        }
        other |= count(|b| b >= 0xC0 && !(0xE3..=0xE9).contains(&b)) > 0;
    }
    other && s.chars().any(is_numeric)
}

/// `char::is_numeric`, answered without its table for kana and kanji
/// (U+3041..U+30FF, U+4E00..U+9FFF), which hold no numeric char and are
/// what most often follows a particle.
fn is_numeric(c: char) -> bool {
    let kana_or_kanji =
        ('\u{3041}'..='\u{30FF}').contains(&c) || ('\u{4E00}'..='\u{9FFF}').contains(&c);
    !kana_or_kanji && c.is_numeric()
}

/// Whether `LEAD` can match: it needs `は` or `が`, then `、` and a space
/// (each optional) and a digit; `is_numeric` and `is_whitespace` hold every
/// char of `\d` and `\s`.
fn particle_before_digit(lead: &str) -> bool {
    let digit_after = |i: usize, p: &str| {
        let rest = &lead[i + p.len()..];
        let rest = rest.strip_prefix('、').unwrap_or(rest);
        let rest = rest.strip_prefix(char::is_whitespace).unwrap_or(rest);
        rest.starts_with(is_numeric)
    };
    // Vectorised searches for the two particles (a char search would stop at
    // every byte their last byte shares with other kana).
    WA_FINDER
        .find_iter(lead.as_bytes())
        .any(|i| digit_after(i, "は"))
        || GA_FINDER
            .find_iter(lead.as_bytes())
            .any(|i| digit_after(i, "が"))
}

/// Whether `DATED_TITLE` can match: its date follows a space and starts with
/// a digit or an era name (`令和`, `平成`), and every date holds a digit.
fn space_before_date(heading: &str) -> bool {
    let mut after_space = false;
    // Most titles hold no white space at all: two byte scans say so.
    may_hold_space(heading)
        && has_digit(heading)
        && heading.chars().any(|c| {
            let starts = after_space && (maybe_digit(c) || c == '令' || c == '平');
            after_space = c.is_whitespace();
            starts
        })
}

/// Whether `DATED_TITLE` can match at its end: its last group (`\S.{0,40}$`)
/// is at most 41 chars without a `\n`, and starts after white space that
/// follows the date's last char (`日` or a digit).
fn short_tail_after_date(heading: &str) -> bool {
    let from = heading.char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    heading[from..].char_indices().any(|(j, c)| {
        let at = from + j;
        let before = &heading[..at];
        !c.is_whitespace()
            && before.chars().next_back().is_some_and(char::is_whitespace)
            && !heading[at..].contains('\n')
            && before
                .trim_end()
                .chars()
                .next_back()
                .is_some_and(|d| d == '日' || d.is_numeric())
    })
}

/// Whether `c` may be a `\d`: kana and kanji (U+3000..U+9FFF) hold none,
/// and `is_numeric` holds every decimal digit.
fn maybe_digit(c: char) -> bool {
    c.is_ascii_digit()
        || (!c.is_ascii() && !('\u{3000}'..='\u{9FFF}').contains(&c) && c.is_numeric())
}

/// Whether joining the lines of `lead` (by `str::lines`) that do not start
/// with `By ` gives `lead` back: no such line, no `\r\n`, no final newline.
fn lines_unchanged(lead: &str) -> bool {
    let mut len = 0;
    let mut kept = 0;
    for l in lead.lines() {
        if l.trim_start().starts_with("By ") {
            return false;
        }
        len += l.len();
        kept += 1;
    }
    // Joining drops bytes and never adds any: an equal length is an equal text.
    len + kept.max(1) - 1 == lead.len()
}

/// How far from an article's start [`roles`] looks.
const ROLE_REACH: usize = 3000;
/// How far from an article's start [`regulated_company`] looks.
const ORDER_REACH: usize = 1500;

/// Which of the cue words [`roles`] and [`regulated_company`] need an article holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleCues {
    /// An order word within [`ORDER_REACH`] of the start.
    pub order: bool,
    /// A role cue within [`ROLE_REACH`] of the start.
    pub role: bool,
}

/// [`ArticleCues`] of the article `from..to`, looked up among `cue_words`:
/// the document's matches of lexicon `list_cues` (every occurrence of its
/// words, by start), which hold the order words and the role cues. A word
/// counts when it lies within the article's first [`ROLE_REACH`] bytes (an
/// order word within the first [`ORDER_REACH`]), as a search of that prefix
/// would find it.
pub fn article_cues(
    text: &str,
    from: usize,
    to: usize,
    cue_words: &[incidex_lexicon::LexMatch],
) -> ArticleCues {
    let order_end = floor_char(text, to.min(from + ORDER_REACH));
    let role_end = floor_char(text, to.min(from + ROLE_REACH));
    let mut cues = ArticleCues {
        order: false,
        role: false,
    };
    let lo = cue_words.partition_point(|m| m.start < from);
    for m in cue_words[lo..].iter().take_while(|m| m.start < role_end) {
        if m.value == ORDER_CUE {
            cues.order |= m.end <= order_end;
        } else if m.value == ROLE_CUE {
            cues.role |= m.end <= role_end;
        }
        if cues.order && cues.role {
            break;
        }
    }
    cues
}

/// The other organisations around the main victim in an article.
pub fn roles(text: &str, from: usize, to: usize, main: &Named, suffixes: &Lexicon) -> Vec<Named> {
    let region = &text[from..floor_char(text, to.min(from + ROLE_REACH))];
    if !ROLE_CUES.is_match(region) {
        return Vec::new();
    }
    roles_cued(text, from, to, main, suffixes)
}

/// The words of [`PROVIDER`] in its order: all but the last hold `託` as
/// their second char, which is searched for instead of the words.
const PROVIDER_WORDS: [&str; 6] = [
    "受託事業者",
    "委託事業者",
    "受託業者",
    "委託先事業者",
    "委託先",
    "運営事業者",
];
static TAKU_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("託"));
static UNEI_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("運営事業者"));

/// The ends of the [`PROVIDER`] matches in `region`, found without the
/// regex: at each place a word may start (a char before `託`, or
/// `運営事業者`), in order, the first listed word that starts there, then
/// `である` or `の` if one follows, then `(` if one follows; the next match
/// starts after it.
fn provider_ends(region: &str) -> impl Iterator<Item = usize> + '_ {
    let b = region.as_bytes();
    // `受` and `委` are 3 bytes long, as `運` is.
    let mut taku = TAKU_FINDER
        .find_iter(b)
        .filter(|&i| i >= 3)
        .map(|i| i - 3)
        .peekable();
    let mut unei = UNEI_FINDER.find_iter(b).peekable();
    let mut starts = std::iter::from_fn(move || match (taku.peek(), unei.peek()) {
        (Some(&t), Some(&u)) if u < t => unei.next(),
        (Some(_), _) => taku.next(),
        (None, _) => unei.next(),
    });
    let mut next = 0;
    std::iter::from_fn(move || loop {
        let p = starts.next()?;
        if p < next {
            continue;
        }
        // A `託` after a 1- or 2-byte char gives no char boundary: no word there.
        let Some(w) = region
            .get(p..)
            .and_then(|rest| PROVIDER_WORDS.iter().find(|w| rest.starts_with(*w)))
        else {
            continue;
        };
        let mut end = p + w.len();
        if let Some(s) = ["である", "の"]
            .iter()
            .find(|s| region[end..].starts_with(*s))
        {
            end += s.len();
        }
        end += usize::from(region[end..].starts_with('('));
        next = end;
        return Some(end);
    })
}

static SUBSIDIARY_FINDER: Lazy<memchr::memmem::Finder<'static>> =
    Lazy::new(|| memchr::memmem::Finder::new("子会社"));

/// The ends of the [`SUBSIDIARY`] matches in `region`, found without the
/// regex: each `子会社` (which cannot overlap another, nor start inside
/// the words after it) with the first of `である`, `の`, `、` that follows.
fn subsidiary_ends(region: &str) -> impl Iterator<Item = usize> + '_ {
    SUBSIDIARY_FINDER.find_iter(region.as_bytes()).map(|i| {
        let end = i + "子会社".len();
        let rest = &region[end..];
        end + ["である", "の", "、"]
            .iter()
            .find(|p| rest.starts_with(*p))
            .map_or(0, |p| p.len())
    })
}

/// [`roles`] of an article known to hold a role cue ([`ArticleCues::role`]).
pub fn roles_cued(
    text: &str,
    from: usize,
    to: usize,
    main: &Named,
    suffixes: &Lexicon,
) -> Vec<Named> {
    let region = &text[from..floor_char(text, to.min(from + ROLE_REACH))];
    let mut out: Vec<Named> = Vec::new();
    // The contractor that was breached.
    for end in provider_ends(region).chain(PROVIDING.find_iter(region).map(|m| m.end())) {
        let at = from + end;
        // Only the first name can start at 0: the search stops there.
        if let Some(h) = first_company_name(&text[at..floor_char(text, (at + 80).min(to))])
            .filter(|h| h.start == 0)
        {
            out.push(named(h.name, at + h.start, at + h.end, "provider"));
            break;
        }
    }
    // The subsidiary where it happened.
    for at in subsidiary_ends(region) {
        let at = from + at;
        if let Some((e, n)) = name_after(text, at) {
            let next = &text[e..];
            // `子会社であるXにおいて` names X; after a weaker particle (`子会社のXで`) X
            // must plainly be an organisation (`海外子会社のリモートデスクトップ経由で` is not).
            let strong = ["において", "における", "が運営"]
                .iter()
                .any(|p| next.starts_with(p));
            let weak = ["で", "の"].iter().any(|p| next.starts_with(p));
            if (strong || (weak && looks_like_org(&n, suffixes))) && !same_org(&n, &main.name) {
                out.push(named(n, at, e, "subsidiary"));
                break;
            }
        }
    }
    out
}

/// A regulator's order: the company it is addressed to (`…株式会社X(法人番号…)に対し、…命令`).
pub fn regulated_company(text: &str, from: usize, to: usize) -> Option<Named> {
    let region = &text[from..floor_char(text, to.min(from + ORDER_REACH))];
    if !ORDER_WORDS.is_match(region) {
        return None;
    }
    regulated_company_cued(text, from, to)
}

/// [`regulated_company`] of an article known to hold an order word ([`ArticleCues::order`]).
pub fn regulated_company_cued(text: &str, from: usize, to: usize) -> Option<Named> {
    let region = &text[from..floor_char(text, to.min(from + ORDER_REACH))];
    company_names(region).into_iter().find_map(|h| {
        REGULATED
            .find(&region[h.end..])
            .filter(|m| m.start() == 0)
            .map(|_| named(h.name, from + h.start, from + h.end, "victim"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use incidex_lexicon::LexiconSet;

    fn subj(heading: &str, body: &str) -> Option<String> {
        let set = LexiconSet::builtin().unwrap();
        let text = format!("{heading}\n\n{body}");
        subject(
            &text,
            (0, heading.len()),
            (heading.len() + 2, text.len()),
            set.get("org_suffixes"),
        )
        .map(|s| s.main.name)
    }

    #[test]
    fn provider_ends_are_the_regex_match_ends() {
        let bits = [
            "委託先",
            "委託先事業者",
            "受託業者",
            "運営事業者",
            "である",
            "の",
            "(",
            "受託事業者",
            "委託",
            "託",
            "運営",
            "x",
            "受",
            "事業者",
        ];
        let mut next = crate::test_random::xorshift(7);
        for _ in 0..5000 {
            let n = (next() % 8) as usize;
            let t: String = (0..n)
                .map(|_| bits[(next() % bits.len() as u64) as usize])
                .collect();
            let want: Vec<usize> = PROVIDER.find_iter(&t).map(|m| m.end()).collect();
            assert_eq!(provider_ends(&t).collect::<Vec<_>>(), want, "{t:?}");
        }
    }

    #[test]
    fn dated_title_finds_what_its_regex_captures_in_random_titles() {
        let words = [
            "お知らせ",
            "a",
            "市",
            "x y",
            "",
            "0123456789",
            "高松\n市",
            "٣",
        ];
        let spaces = [" ", "\u{3000}", "\n", " \t", "", "  "];
        let dates = [
            "4/1",
            "12/31",
            "2023/4/1",
            "2023/12/311",
            "2023年4月1日",
            "4月12日",
            "令和5年1月1日",
            "平成元年12月31日",
            "令和元年",
            "12/345",
            "٣/٤",
            "4/12a",
            "2023/4/1/",
            "1/2 3/4",
        ];
        let mut next = crate::test_random::xorshift(11);
        let mut pick = |list: &[&'static str]| list[(next() % list.len() as u64) as usize];
        let mut hits = 0;
        for _ in 0..20000 {
            let t: String = [
                pick(&words),
                pick(&spaces),
                pick(&dates),
                pick(&spaces),
                pick(&dates),
                pick(&spaces),
                pick(&words),
                pick(&words),
            ]
            .concat();
            let want = DATED_TITLE
                .captures(&t)
                .and_then(|c| Some(((c.get(2)?.start(), c.get(2)?.end()), c.get(3)?.as_str())));
            hits += usize::from(want.is_some());
            assert_eq!(dated_title(&t), want, "{t:?}");
        }
        assert!(hits > 1000, "{hits}");
    }

    #[test]
    fn lead_date_finds_what_its_regex_captures_in_random_leads() {
        let words = [
            "同社", "は", "が", "、", " ", "\u{3000}", "", "x", "(", ")", "発表", "\n",
        ];
        let dates = [
            "3月1日",
            "3/4",
            "2022/1/2",
            "令和5年3月1日",
            "令和元年3月1日",
            "12/345",
            "٣/٤",
            "3/4(月)",
            "3/4(月曜日です)",
            "3/4(月曜日の朝まで)",
            "3/4()",
            "3/4(a)b)",
            "1/2/3",
            "2022年6月30日",
        ];
        let mut next = crate::test_random::xorshift(5);
        let mut pick = |list: &[&'static str]| list[(next() % list.len() as u64) as usize];
        let mut hits = 0;
        for _ in 0..20000 {
            let t: String = [
                pick(&words),
                pick(&words),
                pick(&words),
                pick(&dates),
                pick(&words),
                pick(&words),
                pick(&dates),
                pick(&words),
            ]
            .concat();
            let want = LEAD.captures(&t).and_then(|c| {
                let d = c.get(2)?;
                Some((c.get(1)?.start(), (d.start(), d.end())))
            });
            hits += usize::from(want.is_some());
            assert_eq!(lead_date(&t), want, "{t:?}");
        }
        assert!(hits > 300, "{hits}");
    }

    #[test]
    fn subsidiary_ends_are_the_regex_match_ends() {
        for t in [
            "",
            "子会社",
            "子会社である株式会社Aにおいて",
            "海外子会社の子会社、子会社子会社である",
            "子会社のである子会社、の子会社",
            "親子会社子会",
            "x子会社でああ子会社であ",
        ] {
            let want: Vec<usize> = SUBSIDIARY.find_iter(t).map(|m| m.end()).collect();
            let got: Vec<usize> = subsidiary_ends(t).collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    /// The cues looked up in the document's scan are those a search of the
    /// article's first bytes for the words finds.
    #[test]
    fn article_cues_agree_with_the_separate_searches() {
        let lex = LexiconSet::builtin().unwrap();
        const PIECES: [&str; 16] = [
            "あ",
            "命令",
            "命",
            "令",
            "処分",
            "勧告",
            "指導",
            "委託先",
            "子会社",
            "業務を受託する",
            "サービスを提供している",
            "運営事業者",
            "受託",
            "a",
            "公表",
            "\n",
        ];
        let mut next = crate::test_random::xorshift(0xA47C_1E5C_0E50_0001);
        let mut seen = (0, 0);
        for round in 0..4_000 {
            // Long texts now and then, so that the reaches cut them.
            let len = if round % 8 == 0 {
                900
            } else {
                (next() % 40) as usize
            };
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let scan = lex.scan_dims(&text);
            let words = scan.get("list_cues");
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for _ in 0..8 {
                let a = bounds[(next() % bounds.len() as u64) as usize];
                let b = bounds[(next() % bounds.len() as u64) as usize];
                let (from, to) = (a.min(b), a.max(b));
                let order_region = &text[from..floor_char(&text, to.min(from + ORDER_REACH))];
                let role_region = &text[from..floor_char(&text, to.min(from + ROLE_REACH))];
                let want = ArticleCues {
                    order: ORDER_WORDS.is_match(order_region),
                    role: ROLE_CUES.is_match(role_region),
                };
                seen.0 += usize::from(want.order);
                seen.1 += usize::from(want.role);
                assert_eq!(
                    article_cues(&text, from, to, words),
                    want,
                    "{text:?} {from} {to}"
                );
            }
        }
        assert!(
            seen.0 > 1_000 && seen.1 > 1_000,
            "too few cues tried: {seen:?}"
        );
    }

    #[test]
    fn issuers_of_press_release_titles() {
        assert_eq!(
            subj("委託先の不正アクセスについて 2023年7月3日 岐阜県", "本文。").as_deref(),
            Some("岐阜県")
        );
        assert_eq!(
            subj("案内メールの誤送信 - 高松市", "本文。").as_deref(),
            Some("高松市")
        );
        assert_eq!(
            subj("ランサムウェア被害調査報告書(みなと台中央病院)", "本文。").as_deref(),
            Some("みなと台中央病院")
        );
    }

    #[test]
    fn subjects_of_news() {
        assert_eq!(
            subj(
                "ミナト精工 不正アクセスに関する調査結果",
                "調査を進めてきたミナト精工は4/13、報告を公表しました。"
            )
            .as_deref(),
            Some("ミナト精工")
        );
        assert_eq!(
            subj(
                "北浜フーズの通販サイトで情報流出",
                "高級食材を扱う北浜本店は1月19日、公表した。"
            )
            .as_deref(),
            Some("北浜本店")
        );
        assert_eq!(subj("流出した情報", "氏名と住所です。"), None);
        assert_eq!(
            subj(
                "Breach at clinic",
                "Riverside Health said on Monday that records were exposed."
            )
            .as_deref(),
            Some("Riverside Health")
        );
        assert_eq!(
            subj(
                "Lakeside Clinic Confirms Ransomware Attack",
                "By Staff | May 2, 2023"
            )
            .as_deref(),
            Some("Lakeside Clinic")
        );
    }

    #[test]
    fn letterheads_name_the_issuer() {
        let set = LexiconSet::builtin().unwrap();
        let t = "2023年3月10日\n株式会社ミナト精工\n(証券コード:7391)\n\n不審メールに関するお詫び\n\n本文です。";
        let s = subject(t, (0, 0), (0, t.len()), set.get("org_suffixes")).unwrap();
        assert_eq!(s.main.name, "株式会社ミナト精工");
        assert_eq!(
            &t[s.lead_date.unwrap().0..s.lead_date.unwrap().1],
            "2023年3月10日"
        );
    }

    #[test]
    fn letterheads_drop_department_and_signer() {
        let set = LexiconSet::builtin().unwrap();
        for (head, issuer) in [
            ("こもれび市 総務部 情報政策課", "こもれび市"),
            (
                "株式会社こもれび物産 代表取締役社長 山田一郎",
                "株式会社こもれび物産",
            ),
            (
                "社会医療法人 青嵐会 みずなぎ総合病院",
                "社会医療法人 青嵐会 みずなぎ総合病院",
            ),
        ] {
            let t = format!("2024年5月10日\n{head}\n\n不正アクセスに関するお知らせ\n\n本文です。");
            let s = subject(&t, (0, 0), (0, t.len()), set.get("org_suffixes"));
            assert_eq!(s.map(|s| s.main.name), Some(issuer.to_string()), "{head}");
        }
    }

    /// The sentence ends as a plain scan over the chars finds them.
    fn nth_sentence_end_by_chars(text: &str, from: usize, to: usize, n: usize) -> usize {
        let mut count = 0;
        for (i, c) in text[from..to].char_indices() {
            if c == '。' || (c == '.' && text[from + i + 1..].starts_with(' ')) {
                count += 1;
                if count == n {
                    return from + i + c.len_utf8();
                }
            }
        }
        floor_char(text, to.min(from + 1200)).max(from)
    }

    #[test]
    fn sentence_ends_match_a_char_scan() {
        let texts = [
            "一文目。二文目。三文目。",
            "First. Second. Third.",
            "混在. です。English. 日本語。",
            "v1.2 と 3.5 は区切りでない。次.",
            "末尾のドット. ",
            "句点なし",
            "。。. . 。",
            "",
        ];
        for t in texts {
            for from in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                for to in (from..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                    for n in 0..4 {
                        assert_eq!(
                            nth_sentence_end(t, from, to, n),
                            nth_sentence_end_by_chars(t, from, to, n),
                            "{t:?} {from} {to} {n}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn title_issuers_match_their_regexes() {
        let titles = [
            "案内メールの誤送信 - 高松市",
            "a - - b",
            "a -b",
            "- 高松市",
            " - 高松市",
            "x\u{3000}|\u{3000}y",
            "x - y\nz",
            "x\n - y",
            "a\nb - c",
            "お知らせ - ",
            "お知らせ -  ",
            "x - 0123456789012345678901234567890",
            "x - 01234567890123456789012345678901",
            "x - a - b | c",
            "",
            "-",
            "ランサムウェア被害調査報告書(みなと台中央病院)",
            "(x)",
            "(xy)",
            "a(b(cd)",
            "a(bc)d)",
            "a(b)c)",
            "()",
            "(\nx)",
            "((12345678901234567890123456789012345678901))",
            "(1234567890123456789012345678901234567890)",
            "(あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりる)",
        ];
        for t in titles {
            let want = DASH_TITLE
                .captures(t)
                .and_then(|c| c.get(2))
                .map(|m| (m.start(), m.end()));
            let got = dash_title_issuer(t).map(|s| {
                let at = s.as_ptr() as usize - t.as_ptr() as usize;
                (at, at + s.len())
            });
            assert_eq!(got, want, "dash {t:?}");
            let want = PAREN_END
                .captures(t)
                .and_then(|c| c.get(1))
                .map(|m| (m.start(), m.end()));
            let got = paren_end_issuer(t).map(|s| {
                let at = s.as_ptr() as usize - t.as_ptr() as usize;
                (at, at + s.len())
            });
            assert_eq!(got, want, "paren {t:?}");
        }
    }

    #[test]
    fn possessives_are_found_where_their_regex_finds_them() {
        let leads = [
            "",
            "の",
            "Xのサーバが",
            "XのシステムとYのサイト",
            "のの のWebサイトのファイルサーバ",
            "社のオンラインショップ",
            "社のネット",
            "ののサ",
            "AのパソコンBのメールアカウント",
        ];
        for lead in leads {
            assert_eq!(
                possessive_at(lead),
                POSSESSIVE.find(lead).map(|m| m.start()),
                "{lead:?}"
            );
        }
    }

    #[test]
    fn literal_searches_find_what_their_regexes_found() {
        let according = Regex::new(r"(によれば|によると)").unwrap();
        for t in [
            "同社のサーバが",
            "ののシステム",
            "の",
            "",
            "県によると、同社のWebサイトに",
            "のウェブサイトのサイト",
            "によによれば",
            "によるとによれば",
            "関係者によれ",
        ] {
            assert_eq!(
                according_at(t),
                according.find(t).map(|m| m.start()),
                "{t:?}"
            );
        }
    }

    #[test]
    fn title_cuts_match_a_byte_scan() {
        let by_bytes = |t: &str| {
            let b = t.as_bytes();
            (0..b.len())
                .find(|&i| match b[i] {
                    b' ' | b'(' | b'/' | b',' | b'!' | b'?' => true,
                    0xE3 => {
                        b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x81 | 0x8C))
                    }
                    _ => false,
                })
                .unwrap_or(b.len())
        };
        let pieces = [
            "ミナト精工",
            "a",
            "、",
            "「",
            "(",
            " ",
            "?",
            "あ",
            "\u{3000}",
            "。",
            "x/y",
        ];
        for n in 0..60usize {
            let t: String = (0..n)
                .map(|k| pieces[(k * 7 + n * 3) % pieces.len()])
                .collect();
            for from in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                assert_eq!(title_cut(&t[from..]), by_bytes(&t[from..]), "{t:?} {from}");
            }
        }
    }

    #[test]
    fn space_prefilter_matches_a_byte_pair_scan() {
        let by_pairs = |s: &str| {
            let b = s.as_bytes();
            let lead = |x: u8| matches!(x, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1 | 0xE2);
            b.iter().any(|&x| lead(x)) || b.windows(2).any(|w| w == [0x80, 0x80])
        };
        let pieces = [
            "あ", "a", " ", "\u{3000}", "\u{a0}", "\t", "\u{2003}", "\u{1680}", "€", "耀", "〇",
            "\u{8000}", "x",
        ];
        for n in 0..70usize {
            for k in 0..pieces.len() {
                let t: String = (0..n)
                    .map(|j| pieces[if j + 1 == n { k } else { (j * 5 + n + k) % 3 }])
                    .collect();
                assert_eq!(may_hold_space(&t), by_pairs(&t), "{t:?}");
                let t2: String = (0..n).map(|j| pieces[(j * 7 + k) % pieces.len()]).collect();
                assert_eq!(may_hold_space(&t2), by_pairs(&t2), "{t2:?}");
            }
        }
        // `80 80` across a chunk boundary: `耀` is `E8 80 80`.
        for pad in 0..20 {
            let t = format!("{}耀", "a".repeat(pad));
            assert_eq!(may_hold_space(&t), by_pairs(&t), "{t:?}");
        }
    }

    #[test]
    fn numeric_chars_are_the_std_ones() {
        for c in ('\0'..='\u{10FFFF}').step_by(1) {
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?}");
        }
    }

    #[test]
    fn lines_split_as_str_lines_does() {
        for t in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb",
            "a\r",
            "\r\n\r\n",
            "foo\nbar\n\r\nbaz\r",
            "a\n\nb\n",
            "\r",
        ] {
            assert_eq!(
                str_lines(t).collect::<Vec<_>>(),
                t.lines().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn digit_and_date_prefilters_admit_every_match() {
        assert!(has_digit("令和5年"));
        assert!(has_digit("٣ أيام"));
        assert!(!has_digit("数字なし"));
        assert!(particle_before_digit("同社は、 3月1日、"));
        assert!(!particle_before_digit("同社は 、3月1日、"));
        assert!(space_before_date("お知らせ 令和5年4月1日 高松市"));
        for t in [
            "委託先の不正アクセスについて 2023年7月3日 岐阜県",
            "お知らせ 4/1 高松市",
            "お知らせ 4/1\n 高松市",
            "お知らせ 2023年4月1日  株式会社 こもれび 物産",
        ] {
            assert_eq!(short_tail_after_date(t), DATED_TITLE.is_match(t), "{t:?}");
        }
        assert!(!short_tail_after_date("お知らせ 4/1 高松市\n続き"));
        assert!(!space_before_date("お知らせ2023年4月1日高松市"));
        assert!(lines_unchanged("one\ntwo"));
        assert!(!lines_unchanged("one\r\ntwo"));
        assert!(!lines_unchanged("one\n"));
        assert!(!lines_unchanged("Hello\n  By Staff"));
    }

    #[test]
    fn dated_title_and_lead_date_find_what_their_regexes_capture() {
        for t in [
            "委託先の不正アクセスについて 2023年7月3日 岐阜県",
            "お知らせ 4/1 高松市",
            "お知らせ 4/1\n 高松市",
            "お知らせ\n見出し 4/1 高松市",
            "お知らせ 2023年4月1日  株式会社 こもれび 物産",
            "お知らせ 令和5年4月1日 高松市",
            "お知らせ 令和元年4月1日 高松市",
            "a 1/2 b 3/4 c",
            "a 2023/4/1 b",
            "a 12/31 2023年1月1日 x",
            "a\u{3000}4/1\u{3000}高松市",
            "一 1/1 ٣/٤ x",
            "4/1 高松市",
            "x 4/1 ",
            "x 4/1 0123456789012345678901234567890123456789012",
            "x 4/1 012345678901234567890123456789012345678901",
            "x 4/1 01234567890123456789012345678901234567890",
            "x 4/1 \t\n 高松\r市",
            "x 4/1 高松\n市",
            "x 4/12a 高松市",
            "x 2023/4/1/ 高松市",
            "x 12/345 y",
            "x 2023年12月1日 y 2023年1月12日 z",
            "x 令和12年1月1日 y",
            "x 平成元年12月31日\u{3000}y",
            "x ٣/٤ y",
            "x 2023/12/311 y",
        ] {
            let want = DATED_TITLE
                .captures(t)
                .and_then(|c| Some(((c.get(2)?.start(), c.get(2)?.end()), c.get(3)?.as_str())));
            assert_eq!(dated_title(t), want, "{t:?}");
        }
        for t in [
            "同社は、3月1日、発表した。",
            "同社は 、3月1日、",
            "市は、令和5年3月1日(水)、公表",
            "市は令和元年3月1日、",
            "AがBは3/4(月曜日です)、Cが2022/1/2、",
            "Xは1月2日、Yが3月4日(木)、",
            "Xは 1月2日(土曜日の朝まで)、Yが3月4日、",
            "Xが、\u{3000}2022年6月30日、",
            "数字なし",
        ] {
            let want = LEAD.captures(t).and_then(|c| {
                let d = c.get(2)?;
                Some((c.get(1)?.start(), (d.start(), d.end())))
            });
            assert_eq!(lead_date(t), want, "{t:?}");
        }
    }

    #[test]
    fn providers_and_subsidiaries() {
        let t = "県の電子申請の受託事業者((株)サンプルデータ西)で感染。子会社である株式会社ことりの森において不正アクセス。";
        let main = named("岐阜県".into(), 0, 0, "victim");
        let set = LexiconSet::builtin().unwrap();
        let r = roles(t, 0, t.len(), &main, set.get("org_suffixes"));
        assert_eq!(
            r.iter()
                .map(|n| (n.name.as_str(), n.role))
                .collect::<Vec<_>>(),
            [
                ("(株)サンプルデータ西", "provider"),
                ("株式会社ことりの森", "subsidiary")
            ]
        );
    }
}
