//! Organisation names: Japanese company forms before or after the name
//! (`株式会社X`, `X株式会社`, `(株)X`), names ending in an organisation suffix
//! (病院, 大学, 県, 市 …), and names in the positions Japanese notices and news put
//! their subject (`Xは3/4、…を公表`, `… 2022年6月30日 X`, `… - X`, `X、…`).

use crate::normalize::is_cjk;
use once_cell::sync::Lazy;

/// Company-form words (株式会社, (株), 医療法人社団 …), longest first so that
/// `医療法人社団` wins over `医療法人`. They come from the built-in lexicon
/// `company_forms.toml` (its `ja` entry), the one place this knowledge lives.
pub static FORMS: Lazy<Vec<&'static str>> = Lazy::new(|| {
    let mut forms = crate::rule_words::words("company_forms.toml", "ja");
    forms.sort_by_key(|f| (std::cmp::Reverse(f.chars().count()), *f));
    forms.dedup();
    forms
});

/// One automaton over [`FORMS`]: leftmost-longest finds the form a scan
/// meets first (and the longest one there); searching form by form cost a
/// pass over the text per form.
static FORM_FINDER: Lazy<aho_corasick::AhoCorasick> = Lazy::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(FORMS.iter())
        .expect("the built-in company forms compile")
});

/// The first company form in `text` (leftmost, longest there): its offset and the form.
fn find_form(text: &str) -> Option<(usize, &'static str)> {
    FORM_FINDER
        .find(text)
        .map(|m| (m.start(), FORMS[m.pattern().as_usize()]))
}

/// All form occurrences, overlapping (for the last form in a window). The
/// windows are a dozen chars: a full DFA without prefilter costs less there.
static FORM_ANY: Lazy<aho_corasick::AhoCorasick> = Lazy::new(|| {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build(FORMS.iter())
        .expect("the built-in company forms compile")
});

/// [`FORMS`] for [`has_form`]: the names it is asked about are short, where a
/// table lookup per byte costs less than starting a vectorised prefilter.
static FORM_IN_NAME: Lazy<aho_corasick::AhoCorasick> =
    Lazy::new(|| short_text_finder(FORMS.iter()).expect("the built-in company forms compile"));

/// Whether the text holds a company form anywhere.
pub fn has_form(s: &str) -> bool {
    may_hold_form(s) && FORM_IN_NAME.is_match(s)
}

/// Chars of which every form holds one (`法`, `株` …), as UTF-8:
/// a text without any holds no form. `None` when they cannot be so
/// written (a form that is empty, or a chosen char not 3 bytes long).
static FORM_KEYS: Lazy<Option<Vec<[u8; 3]>>> = Lazy::new(|| key_chars(&FORMS));

/// A few chars of which each of `words` holds one, chosen greedily (the
/// char most words hold first), each as its 3 UTF-8 bytes.
fn key_chars(words: &[&str]) -> Option<Vec<[u8; 3]>> {
    let mut left: Vec<&str> = words.to_vec();
    let mut keys = Vec::new();
    while !left.is_empty() {
        let held_by = |c: char| left.iter().filter(|w| w.contains(c)).count();
        let mut best: Option<(char, usize)> = None;
        for c in left.iter().flat_map(|w| w.chars()) {
            let n = held_by(c);
            if best.is_none_or(|(_, m)| n > m) {
                best = Some((c, n));
            }
        }
        // An empty word holds no char: no key can rule it out.
        let (c, _) = best?;
        let mut buf = [0u8; 4];
        let &[b0, b1, b2] = c.encode_utf8(&mut buf).as_bytes() else {
            return None;
        };
        keys.push([b0, b1, b2]);
        left.retain(|w| !w.contains(c));
    }
    Some(keys)
}

/// Whether `s` may hold a company form: it holds one of [`FORM_KEYS`].
/// Sixteen starting bytes are tried at once against every key, without a
/// branch per byte (the few bytes left over are tried in a zero-padded
/// copy, which no key's bytes can match).
fn may_hold_form(s: &str) -> bool {
    let Some(keys) = FORM_KEYS.as_ref() else {
        return true;
    };
    let b = s.as_bytes();
    let mut at = 0;
    while at + 18 <= b.len() {
        if keys_at_16(&b[at..at + 18], keys) {
            return true;
        }
        at += 16;
    }
    let rest = &b[at..];
    if rest.len() < 3 {
        return false;
    }
    let mut padded = [0u8; 18];
    padded[..rest.len()].copy_from_slice(rest);
    keys_at_16(&padded, keys)
}

/// Whether one of `keys` starts at one of the first 16 bytes of `block`
/// (18 bytes long).
fn keys_at_16(block: &[u8], keys: &[[u8; 3]]) -> bool {
    let load = |k: usize| <&[u8; 16]>::try_from(&block[k..k + 16]).map(crate::byte_scan::load16);
    let (Ok(v0), Ok(v1), Ok(v2)) = (load(0), load(1), load(2)) else {
        return true;
    };
    let splat = |x: u8| wide::i8x16::splat(x as i8);
    let hits = keys.iter().fold(splat(0), |hits, k| {
        hits | (v0.simd_eq(splat(k[0])) & v1.simd_eq(splat(k[1])) & v2.simd_eq(splat(k[2])))
    });
    hits.to_bitmask() != 0
}

/// An automaton that says whether any of `words` occurs in a short text
/// (a name, a cell): a full DFA without prefilter.
fn short_text_finder<I, P>(words: I) -> Result<aho_corasick::AhoCorasick, aho_corasick::BuildError>
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build(words)
}

/// Words that are never a victim's name even where a name stands.
static NOT_NAMES: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "not_name"));

/// [`NOT_NAMES`] and [`FORMS`] sorted, for the whole-name lookups of [`clean_name`].
static NOT_NAMES_SORTED: Lazy<WordList> = Lazy::new(|| WordList::new(&NOT_NAMES));
static FORMS_SORTED: Lazy<WordList> = Lazy::new(|| WordList::new(&FORMS));

/// Words sorted by a number made of their length and their first and last
/// bytes, for a binary search over numbers (a string comparison per step
/// costs a call), with the byte length of the longest.
struct WordList {
    keyed: Vec<(u64, &'static str)>,
    longest: usize,
}

impl WordList {
    fn new(words: &[&'static str]) -> Self {
        let mut keyed: Vec<(u64, &'static str)> = words.iter().map(|w| (word_key(w), *w)).collect();
        keyed.sort_unstable();
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        WordList { keyed, longest }
    }

    /// Whether `s` is one of the words: a text longer than the longest word
    /// needs no search (names are often longer than these words); words with
    /// the key of `s` are compared whole.
    fn contains(&self, s: &str) -> bool {
        if s.len() > self.longest {
            return false;
        }
        let key = word_key(s);
        let lo = self.keyed.partition_point(|w| w.0 < key);
        self.keyed[lo..]
            .iter()
            .take_while(|w| w.0 == key)
            .any(|w| w.1 == s)
    }
}

/// The byte length of `w` and its first three and last three bytes (zero
/// where it is shorter) in one number: equal words have equal keys.
fn word_key(w: &str) -> u64 {
    let b = w.as_bytes();
    let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
    let n = b.len();
    let back = |k: usize| {
        u64::from(
            n.checked_sub(k)
                .and_then(|i| b.get(i))
                .copied()
                .unwrap_or(0),
        )
    };
    ((n.min(0xFFFF) as u64) << 48)
        | (byte(0) << 40)
        | (byte(1) << 32)
        | (byte(2) << 24)
        | (back(3) << 16)
        | (back(2) << 8)
        | back(1)
}

/// Words that make a would-be name a description instead (`個人情報`, `不正アクセス`).
static NOT_IN_NAMES: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "not_in_name"));

/// Characters a name is made of (besides company-form words).
#[inline]
pub fn is_name_char(c: char) -> bool {
    (is_cjk(c) && !is_hiragana(c))
        || c.is_ascii_alphanumeric()
        || matches!(
            c,
            '・' | '&' | '＆' | 'ー' | '-' | '.' | '_' | '\'' | '々' | 'ヶ'
        )
}

pub fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// Particles and verbs that end a name written with a company form and hiragana
/// (`株式会社ことりの森において`).
static NAME_ENDS: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "name_end"));

/// The [`NAME_ENDS`] of more than one char (`において`, `から`): the ones a
/// widened name must not hold.
static LONG_NAME_ENDS: Lazy<Vec<&'static str>> = Lazy::new(|| {
    NAME_ENDS
        .iter()
        .copied()
        .filter(|p| p.chars().count() > 1)
        .collect()
});

/// Endings of the names of public bodies and their departments.
static DEPARTMENT_ENDS: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "department_end"));

/// Labels written before a name in a notice's header (`会社名  北浜フーズ株式会社`).
static NAME_LABELS: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "name_label"));

/// Words written before a name that are not part of it (`子会社`, `同社`).
static NAME_LEADS: Lazy<Vec<&'static str>> =
    Lazy::new(|| crate::rule_words::words("name_rules.toml", "name_lead"));

/// An automaton that says whether any of `words` occurs (`is_match`).
/// Leftmost-first semantics let it use a vectorised prefilter over the
/// words; under the standard semantics it would step through every byte.
pub fn any_word_finder<I, P>(
    words: I,
) -> Result<aho_corasick::AhoCorasick, aho_corasick::BuildError>
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(words)
}

/// One automaton over [`NOT_IN_NAMES`]: one pass instead of a `contains` per word.
static NOT_IN_NAME_FINDER: Lazy<aho_corasick::AhoCorasick> = Lazy::new(|| {
    short_text_finder(NOT_IN_NAMES.iter()).expect("the built-in name rule words compile")
});

/// Trims a candidate and says whether it can be an organisation's name.
pub fn clean_name(raw: &str) -> Option<String> {
    clean_name_str(raw).map(str::to_string)
}

/// [`clean_name`] without the copy: the trimmed name as a slice of `raw`.
pub fn clean_name_str(raw: &str) -> Option<&str> {
    let s = trim_name(raw);
    can_be_name(s).then_some(s)
}

/// [`clean_name_str`] for a name that must also pass `test`, which runs
/// before the rules that reject names: when `test` is cheaper and says no
/// more often (is it an organisation?), most candidates stop there.
pub fn clean_name_where(raw: &str, test: impl FnOnce(&str) -> bool) -> Option<&str> {
    let s = trim_name(raw);
    (passes_cheap_rules(s) && test(s) && passes_word_rules(s)).then_some(s)
}

/// A candidate without the label, the quotes and punctuation around it and
/// the word before it that is not part of a name (`会社名: `, `「…」`, `同社`).
fn trim_name(raw: &str) -> &str {
    // `segment::trim` is `str::trim`, answered from a byte at each end for
    // the most of names, which hold no white space there.
    use crate::segment::trim;
    let mut raw = trim(raw);
    if may_start(raw, &LABEL_STARTS) {
        for label in NAME_LABELS.iter() {
            if let Some(rest) = raw.strip_prefix(label) {
                if rest.starts_with([' ', ':', ':', '\t', '　']) {
                    raw = rest.trim_start_matches([' ', ':', ':', '\t', '　']);
                }
            }
        }
    }
    let edge = |c: char| {
        matches!(
            c,
            '「' | '」' | '『' | '』' | '"' | '、' | ',' | ':' | '・' | ' ' | '-' | '.'
        )
    };
    // Most names have no such char at either end: a look at the two saves
    // the general trim.
    let raw = trim(raw);
    let mut s = if raw.chars().next().is_some_and(edge) || raw.chars().next_back().is_some_and(edge)
    {
        raw.trim_matches(edge)
    } else {
        raw
    };
    if may_start(s, &LEAD_STARTS) {
        for lead in NAME_LEADS.iter() {
            if let Some(rest) = s.strip_prefix(lead) {
                if rest.chars().count() >= 2 {
                    s = rest;
                }
            }
        }
    }
    trim(s)
}

/// Whether a trimmed candidate ([`trim_name`]) can be an organisation's name.
fn can_be_name(s: &str) -> bool {
    passes_cheap_rules(s) && passes_word_rules(s)
}

/// The rules of [`can_be_name`] that cost a few comparisons: the length, the
/// whole-name word lists, digits, the words for people at the end.
fn passes_cheap_rules(s: &str) -> bool {
    let rejected = !chars_within(s, 2, 40)
        || NOT_NAMES_SORTED.contains(s)
        || FORMS_SORTED.contains(s)
        || s.starts_with(|c: char| c.is_ascii_digit())
        || s.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        || s.ends_with("男性")
        || s.ends_with("女性")
        || s.ends_with('氏')
        || s.ends_with("さん")
        || s.ends_with("者");
    !rejected
}

/// The rules of [`can_be_name`] that read the whole name: a masked name, a
/// word that makes it a description.
fn passes_word_rules(s: &str) -> bool {
    let description = || NOT_IN_NAME_FINDER.is_match(s) && !has_form(s) && !is_department(s);
    !has_placeholder(s) && !description()
}

/// Whether `s` holds `○`, `〇`, `●` or `XX` (a masked name), in one pass over
/// its bytes: `○` and `●` are `E2 97 8B` and `E2 97 8F`, `〇` is `E3 80 87`,
/// and lead bytes and ASCII never occur inside another char.
fn has_placeholder(s: &str) -> bool {
    let b = s.as_bytes();
    // Each placeholder holds `X`, the lead byte `E2` or the last byte `87`
    // of `〇`: a vectorised search for the three rules out most names at once.
    if memchr::memchr3(b'X', 0xE2, 0x87, b).is_none() {
        return false;
    }
    (0..b.len()).any(|i| match b[i] {
        b'X' => b.get(i + 1) == Some(&b'X'),
        0xE2 => b.get(i + 1) == Some(&0x97) && matches!(b.get(i + 2), Some(0x8B | 0x8F)),
        0xE3 => b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x87),
        _ => false,
    })
}

/// The first chars of [`NAME_LABELS`] and of [`NAME_LEADS`] (`None` when a
/// word is empty): a name that starts with none of them needs no prefix test.
static LABEL_STARTS: Lazy<Option<Vec<char>>> = Lazy::new(|| first_chars(&NAME_LABELS));
static LEAD_STARTS: Lazy<Option<Vec<char>>> = Lazy::new(|| first_chars(&NAME_LEADS));
/// The first chars of [`NAME_ENDS`], for [`name_after`].
static NAME_END_STARTS: Lazy<Option<Vec<char>>> = Lazy::new(|| first_chars(&NAME_ENDS));
/// The first chars of [`FORMS`], for [`form_at_start`].
static FORM_STARTS: Lazy<Option<Vec<char>>> = Lazy::new(|| first_chars(&FORMS));

fn first_chars(words: &[&str]) -> Option<Vec<char>> {
    let mut chars: Option<Vec<char>> = words.iter().map(|w| w.chars().next()).collect();
    if let Some(chars) = &mut chars {
        chars.sort_unstable();
        chars.dedup();
    }
    chars
}

/// Whether `s` may start with one of the words whose first chars are `starts`.
fn may_start(s: &str, starts: &Option<Vec<char>>) -> bool {
    match starts {
        // Every entry compared and the answers or-ed: a dozen chars, no
        // branch on which (if any) is equal.
        Some(starts) => s
            .chars()
            .next()
            .is_some_and(|c| starts.iter().fold(false, |any, &x| any | (x == c))),
        None => true,
    }
}

/// Whether `s` has between `min` and `max` characters, counting only when
/// its byte length leaves the answer open (a char is 1 to 4 bytes).
fn chars_within(s: &str, min: usize, max: usize) -> bool {
    if s.len() < min || s.len() > 4 * max {
        return false;
    }
    (min..=max).contains(&s.chars().count())
}

/// `福井県総務部情報政策課`: a department's name may hold any word.
fn is_department(s: &str) -> bool {
    DEPARTMENT_ENDS.iter().any(|e| s.ends_with(e))
        && s.chars().count() >= 4
        && !s.chars().any(|c| is_hiragana(c) || c.is_whitespace())
}

/// The name that ends at `end` (exclusive): a run of name characters, widened
/// to a company form written before it (`株式会社ことりの森`).
pub fn name_before(text: &str, end: usize) -> Option<(usize, String)> {
    let head = &text[..end];
    let (run_start, run_cut) = name_run_before(head);
    let mut start = run_start;
    // A company form a little earlier, with hiragana between (`株式会社きんでん`).
    // The run stopped at a char that is no name char: only hiragana there
    // can be the end of such a between, so any other char (most often)
    // saves the search.
    if head[..start].chars().next_back().is_some_and(is_hiragana) {
        start = widened_to_form(head, start);
    }
    // A count or an amount right before a name is not part of it
    // (`6億8300万円クロガネ工業`): the last one counts. The walk over the run
    // found any in it; only a widened start adds text to look through.
    let cut = run_cut.or_else(|| {
        (start < run_start)
            .then(|| count_end_in(&head[start..run_start]).map(|c| start + c))
            .flatten()
    });
    if let Some(cut) = cut {
        start = cut;
    }
    let raw = head[start..end].trim_start_matches(['(', ')']);
    // The start counts back from `end` over the untrimmed run: a `(` trimmed
    // off the end must not move it into the middle of a character.
    let s = end - raw.len();
    let raw = raw.trim_end_matches('(');
    clean_name(raw).map(|n| (s, n))
}

/// The run of name chars (and parentheses) that ends `head`: its start, and
/// the end of the last count in it ([`count_end_in`] of the run, found in the
/// same backward walk).
fn name_run_before(head: &str) -> (usize, Option<usize>) {
    let mut start = head.len();
    let mut cut: Option<usize> = None;
    // The char after the one looked at (the one visited before it).
    let mut next: Option<char> = None;
    for (i, c) in head.char_indices().rev() {
        if !(is_name_char(c) || c == '(' || c == ')') {
            break;
        }
        if cut.is_none() && next.is_some_and(is_count_unit) && is_count_digit(c) {
            // `next` starts where `c` ends.
            let unit_end = start + next.map_or(0, char::len_utf8);
            cut = Some(unit_end);
        }
        start = i;
        next = Some(c);
    }
    (start, cut)
}

/// The end of the last count unit of `s` written right after a digit
/// (`8300万円`): where a name after the count starts.
fn count_end_in(s: &str) -> Option<usize> {
    s.char_indices()
        .rev()
        .find(|&(i, c)| is_count_unit(c) && s[..i].chars().next_back().is_some_and(is_count_digit))
        .map(|(i, c)| i + c.len_utf8())
}

/// The chars that end a count or an amount (`円`, `件`, `人` …).
fn is_count_unit(c: char) -> bool {
    matches!(c, '円' | '件' | '人' | '名' | '年' | '月' | '日')
}

/// The chars a count ends with before its unit: a digit or a `万`, `億` ….
fn is_count_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '万' | '億' | '千' | '百')
}

/// Where a name that starts at `start` begins when a company form stands a
/// little earlier with hiragana between (`株式会社きんでん`): the form's
/// start, or `start`.
fn widened_to_form(head: &str, start: usize) -> usize {
    let window_start = head[..start]
        .char_indices()
        .rev()
        .nth(12)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let window = &head[window_start..start];
    // Most windows hold no form: one quick yes-or-no pass says so before
    // the search for all occurrences.
    if let Some((fi, f)) = has_form(window)
        .then(|| FORM_ANY.find_overlapping_iter(window))
        .into_iter()
        .flatten()
        .map(|m| (m.start(), FORMS[m.pattern().as_usize()]))
        .max_by_key(|(i, f)| (*i, f.len()))
    {
        let between = &window[fi + f.len()..];
        // `株式会社ことりの森` widens back to its form; `X株式会社やミハマ光機` does not:
        // a particle right after a form ends the name before it.
        let after_particle =
            between.starts_with(['や', 'と', 'が', 'は', 'を', 'に', 'で', 'も', 'の', 'へ']);
        if !between.is_empty()
            && !after_particle
            && between.chars().all(|c| is_hiragana(c) || is_name_char(c))
            && !LONG_NAME_ENDS.iter().any(|p| between.contains(p))
        {
            return window_start + fi;
        }
    }
    start
}

/// The name that starts at `start`: name characters, or after a company form
/// hiragana too, up to a particle (`株式会社ことりの森において` → `株式会社ことりの森`).
pub fn name_after(text: &str, start: usize) -> Option<(usize, String)> {
    let rest = &text[start..];
    let form = form_at_start(rest);
    let body_start = form.map(|f| f.len()).unwrap_or(0);
    let body = &rest[body_start..];
    let body = body.strip_prefix(' ').unwrap_or(body);
    let offset = rest.len() - body.len();
    let mut end = 0;
    for (i, c) in body.char_indices() {
        if is_name_char(c) {
            end = i + c.len_utf8();
            continue;
        }
        if form.is_some() && is_hiragana(c) {
            let tail = &body[i..];
            // `株式会社えにしブライダルの元社員`: の after katakana or kanji is a particle.
            if c == 'の'
                && body[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| !is_hiragana(p))
                && end > 0
            {
                break;
            }
            // A one-character particle ends the name only where no hiragana follows it:
            // `株式会社きたかぜが感染` ends at が, `株式会社えにしブライダル` goes on.
            let ends = may_start(tail, &NAME_END_STARTS)
                && NAME_ENDS.iter().any(|p| {
                    tail.starts_with(p)
                        && (p.chars().count() > 1
                            || !tail[p.len()..].chars().next().is_some_and(is_hiragana))
                });
            if ends && end > 0 {
                break;
            }
            end = i + c.len_utf8();
            continue;
        }
        break;
    }
    let mut name_end = offset + end;
    // A company form written after the name (`ミハマ光機株式会社`).
    if let Some(f) = form_at_start(&rest[name_end..]) {
        name_end += f.len();
    }
    let raw = &rest[..name_end];
    clean_name(raw).map(|n| (start + name_end, n))
}

/// The first of [`FORMS`] (the longest) that `s` starts with. Most texts
/// start with a char no form starts with: one look at it saves comparing
/// every form.
fn form_at_start(s: &str) -> Option<&'static str> {
    if !may_start(s, &FORM_STARTS) {
        return None;
    }
    // Of two forms `s` starts with, one starts the other: the first in
    // [`FORMS`] order is the longest, which an anchored leftmost-longest
    // search finds in one pass.
    let input = aho_corasick::Input::new(s).anchored(aho_corasick::Anchored::Yes);
    FORM_PREFIX
        .find(input)
        .map(|m| FORMS[m.pattern().as_usize()])
}

/// [`FORMS`] for [`form_at_start`]: anchored searches only.
static FORM_PREFIX: Lazy<aho_corasick::AhoCorasick> = Lazy::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .start_kind(aho_corasick::StartKind::Anchored)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(FORMS.iter())
        .expect("the built-in company forms compile")
});

/// An organisation found with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgHit {
    pub start: usize,
    pub end: usize,
    pub name: String,
}

/// Names written with a company form, in order.
pub fn company_names(text: &str) -> Vec<OrgHit> {
    company_names_up_to(text, usize::MAX)
}

/// The first name [`company_names`] would give: the search stops there.
pub fn first_company_name(text: &str) -> Option<OrgHit> {
    // Asked of short lines, most without a form: a vector test says so
    // before the automaton starts.
    if !may_hold_form(text) {
        return None;
    }
    company_names_up_to(text, 1).pop()
}

/// The first `limit` names of [`company_names`] (each hit depends only on
/// the ones before it, so stopping early changes none of them).
fn company_names_up_to(text: &str, limit: usize) -> Vec<OrgHit> {
    let mut out: Vec<OrgHit> = Vec::new();
    let mut i = 0;
    while i < text.len() && out.len() < limit {
        let rest = &text[i..];
        let Some((f_at, f)) = find_form(rest) else {
            break;
        };
        let at = i + f_at;
        let before = text[..at].chars().next_back();
        let after = text[at + f.len()..].chars().next();
        // `X株式会社`: the name runs before the form.
        let suffix_form = before.is_some_and(is_name_char)
            && !after.is_some_and(|c| is_name_char(c) && !before.is_some_and(is_name_char));
        let before_hit = if suffix_form {
            name_before(text, at).map(|(s, n)| OrgHit {
                start: s,
                end: at + f.len(),
                name: format!("{n}{f}"),
            })
        } else {
            None
        };
        // When the words before a form are no name (`…サイバー攻撃株式会社X`), the name follows it.
        let hit = before_hit.or_else(|| {
            name_after(text, at).map(|(e, n)| OrgHit {
                start: at,
                end: e,
                name: n,
            })
        });
        match hit {
            Some(h) if !out.iter().any(|o| o.start < h.end && h.start < o.end) => {
                i = h.end.max(at + f.len());
                out.push(h);
            }
            _ => i = at + f.len(),
        }
    }
    out
}

/// Whether a name carries a company form or ends like an organisation.
pub fn looks_like_org(name: &str, suffixes: &incidex_lexicon::Lexicon) -> bool {
    has_form(name) || suffixes.last_match_end(name) == Some(name.len())
}

/// Compares two names the way readers do: company forms and spaces ignored,
/// one containing the other.
pub fn same_org(a: &str, b: &str) -> bool {
    RECENT_KEYS.with(|recent| match recent.try_borrow_mut() {
        Ok(mut recent) => {
            let at_a = recent.slot_of(a, None);
            let at_b = recent.slot_of(b, Some(at_a));
            same_org_key(recent.key_at(at_a), recent.key_at(at_b))
        }
        // Never so (nothing here calls back), but then the keys are made anew.
        Err(_) => same_org_key(&org_key(a), &org_key(b)),
    })
}

/// How many names [`RecentKeys`] keeps.
const RECENT_KEY_SLOTS: usize = 16;

/// The [`org_key`]s of the names compared last: a document compares the same
/// few names (an article's subject with each section's) again and again, and
/// a key costs a few thousand instructions (the company forms searched and
/// removed), a look-up a few comparisons.
#[derive(Default)]
struct RecentKeys {
    /// `(name, key)`, at most [`RECENT_KEY_SLOTS`].
    slots: Vec<(String, String)>,
    /// The slot the next new name takes once all are in use (the oldest).
    next: usize,
}

impl RecentKeys {
    /// The slot of `name`, its key made and kept when it is not kept yet
    /// (never in slot `spare`, whose key the caller still needs).
    fn slot_of(&mut self, name: &str, spare: Option<usize>) -> usize {
        match self.slots.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => self.keep(name.to_string(), org_key(name), spare),
        }
    }

    /// The key in slot `at`.
    fn key_at(&self, at: usize) -> &str {
        self.slots.get(at).map_or("", |(_, key)| key.as_str())
    }

    /// Puts `(name, key)` in a free slot, or else in the oldest other than
    /// `spare`, returning which.
    fn keep(&mut self, name: String, key: String, spare: Option<usize>) -> usize {
        if self.slots.len() < RECENT_KEY_SLOTS {
            self.slots.push((name, key));
            return self.slots.len() - 1;
        }
        let mut at = self.next % RECENT_KEY_SLOTS;
        if Some(at) == spare {
            at = (at + 1) % RECENT_KEY_SLOTS;
        }
        self.next = at + 1;
        self.slots[at] = (name, key);
        at
    }
}

thread_local! {
    static RECENT_KEYS: std::cell::RefCell<RecentKeys> = std::cell::RefCell::new(RecentKeys::default());
}

/// A name as [`same_org`] compares it: lower case, without its company forms,
/// spaces and `・`. A caller that compares one name with many makes its key once.
fn org_key(name: &str) -> String {
    let mut s = to_lowercase(name);
    // Removing a form can join the text around it into another form, so
    // the forms go one by one, each looked up in the text as it stands:
    // one pass says which forms occur, again after each removal. Most
    // names hold none, which one quick pass says.
    if has_form(&s) {
        s = without_forms(s);
    }
    s.retain(|c| !c.is_whitespace() && c != '・');
    s
}

/// [`same_org`] of two names given by their [`org_key`]s.
fn same_org_key(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))
}

/// `s` with every company form removed, the forms taken in [`FORMS`] order,
/// each removed wherever it occurs in the text as it stands then.
fn without_forms(mut s: String) -> String {
    // The forms present are bits of one number (no vector per pass); a list
    // of forms too long for it is looked up form by form, with the same result.
    if FORMS.len() > 128 {
        for f in FORMS.iter() {
            if s.contains(f) {
                s = s.replace(f, "");
            }
        }
        return s;
    }
    let mut next = 0;
    loop {
        // The first form at or after `next` (in FORMS order) that occurs now.
        let present = forms_mask(&s) >> next << next;
        if present == 0 {
            return s;
        }
        let i = present.trailing_zeros() as usize;
        s = removed(&s, i);
        next = i + 1;
        if next >= 128 {
            return s;
        }
    }
}

/// `s` without any occurrence of form `i` (as `str::replace` with "" does:
/// the occurrences found left to right, none overlapping).
fn removed(s: &str, i: usize) -> String {
    let (Some(finder), Some(f)) = (FORM_FINDERS.get(i), FORMS.get(i)) else {
        return s.to_string();
    };
    // An empty form removes nothing (and would match inside a char).
    if f.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for m in finder.find_iter(s.as_bytes()) {
        out.push_str(&s[at..m]);
        at = m + f.len();
    }
    out.push_str(&s[at..]);
    out
}

/// One prebuilt searcher per form of [`FORMS`], in its order.
static FORM_FINDERS: Lazy<Vec<memchr::memmem::Finder<'static>>> = Lazy::new(|| {
    FORMS
        .iter()
        .map(|f| memchr::memmem::Finder::new(f.as_bytes()))
        .collect()
});

/// Which of the first 128 [`FORMS`] occur in `s`: bit `i` for form `i`.
fn forms_mask(s: &str) -> u128 {
    FORM_ANY
        .find_overlapping_iter(s)
        .map(|m| m.pattern().as_usize())
        .filter(|&p| p < 128)
        .fold(0u128, |mask, p| mask | (1u128 << p))
}

/// `str::to_lowercase`, without its Unicode tables when every char is ASCII
/// or in U+3000..U+9FFF (kana and kanji, lead bytes `E3`..`E9`), where no
/// char has a lowercase form: most names are written so.
fn to_lowercase(s: &str) -> String {
    if s.bytes().all(|b| b < 0xC0 || (0xE3..=0xE9).contains(&b)) {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<String> {
        company_names(t).into_iter().map(|h| h.name).collect()
    }

    #[test]
    fn kept_keys_compare_as_keys_made_anew() {
        let names: Vec<String> = (0..40)
            .map(|i| match i % 4 {
                0 => format!("株式会社ミナト{}", i % 7),
                1 => format!("ミナト{}株式会社", i % 5),
                2 => format!("(株)ミナト{}", i % 3),
                _ => format!("北浜 フーズ・{}", i % 6),
            })
            .collect();
        // More names than slots, in an order that makes each evict others.
        for _ in 0..3 {
            for a in &names {
                for b in names.iter().rev() {
                    assert_eq!(
                        same_org(a, b),
                        same_org_key(&org_key(a), &org_key(b)),
                        "{a} {b}"
                    );
                }
            }
        }
    }

    /// [`name_before`] as it was with two walks back (the run, then the
    /// count in it), kept as the oracle of the one-walk version.
    fn name_before_two_walks(text: &str, end: usize) -> Option<(usize, String)> {
        let head = &text[..end];
        let mut start = end;
        for (i, c) in head.char_indices().rev() {
            if is_name_char(c) || c == '(' || c == ')' {
                start = i;
            } else {
                break;
            }
        }
        if head[..start].chars().next_back().is_some_and(is_hiragana) {
            start = widened_to_form(head, start);
        }
        if let Some(cut) = head[start..end]
            .char_indices()
            .rev()
            .find(|&(i, c)| {
                matches!(c, '円' | '件' | '人' | '名' | '年' | '月' | '日')
                    && head[start..start + i].chars().next_back().is_some_and(|p| {
                        p.is_ascii_digit() || matches!(p, '万' | '億' | '千' | '百')
                    })
            })
            .map(|(i, c)| i + c.len_utf8())
        {
            start += cut;
        }
        let raw = head[start..end].trim_start_matches(['(', ')']);
        let s = end - raw.len();
        let raw = raw.trim_end_matches('(');
        clean_name(raw).map(|n| (s, n))
    }

    #[test]
    fn one_walk_back_finds_the_names_two_walks_found() {
        let pieces = [
            "円",
            "件",
            "人",
            "名",
            "年",
            "月",
            "日",
            "万",
            "億",
            "千",
            "百",
            "1",
            "23",
            "の",
            "は",
            "株式会社",
            "(株)",
            "(",
            ")",
            "クロガネ",
            "工業",
            "商事",
            "、",
            " ",
            "a",
            "ことり",
            "森",
            "。",
            "X",
        ];
        let mut next = crate::test_random::xorshift(0x0A1E_5EED_2B0F_0C07);
        for _ in 0..20_000 {
            let n = (next() % 9) as usize;
            let text: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                assert_eq!(
                    name_before(&text, end),
                    name_before_two_walks(&text, end),
                    "{text:?} {end}"
                );
            }
        }
    }

    #[test]
    fn a_name_before_an_open_bracket_starts_where_it_is_written() {
        // The `(` after the name is trimmed; the start must still be the name's own.
        let text = "2 金融 誤送信テスト商事(";
        let (start, name) = name_before(text, text.len()).expect("a name");
        assert_eq!(name, "誤送信テスト商事");
        assert_eq!(&text[start..start + name.len()], name);
        // The whole notice-like line that found it extracts without a panic.
        let ex = crate::Extractor::builtin().expect("built-in lexicons");
        let records = ex.extract(
            "t",
            "2 金融 誤送信テスト商事(、公表",
            &crate::Options::default(),
        );
        assert!(records.iter().all(|r| r.span[0] <= r.span[1]));
    }

    #[test]
    fn forms_before_and_after() {
        assert_eq!(
            names("上場企業ではミナト精工株式会社や株式会社アオバ、株式会社きたかぜ、北浜フーズ株式会社などが感染を公表。"),
            ["ミナト精工株式会社", "株式会社アオバ", "株式会社きたかぜ", "北浜フーズ株式会社"]
        );
        assert_eq!(
            names("子会社である株式会社ことりの森において"),
            ["株式会社ことりの森"]
        );
        assert_eq!(
            names("株式会社えにしブライダルの元社員"),
            ["株式会社えにしブライダル"]
        );
        assert_eq!(
            names("6金融サイバー攻撃株式会社ハナミズキ証券で"),
            ["株式会社ハナミズキ証券"]
        );
        assert_eq!(
            names("受託事業者((株)サンプルデータ西)のヘルプデスク"),
            ["(株)サンプルデータ西"]
        );
        assert_eq!(
            names("株式会社 港回漕店(minato-kaiso.example.jp)"),
            ["株式会社 港回漕店"]
        );
    }

    #[test]
    fn names_in_subject_position() {
        let t = "高級食材を扱う北浜本店は1月19日、";
        let end = t.find("は1月").unwrap();
        assert_eq!(name_before(t, end).unwrap().1, "北浜本店");
        assert!(name_before("同社は", "同社".len()).is_none());
        assert_eq!(
            clean_name("会社名  北浜フーズ株式会社").as_deref(),
            Some("北浜フーズ株式会社")
        );
        assert_eq!(
            clean_name("福井県総務部情報政策課").as_deref(),
            Some("福井県総務部情報政策課")
        );
        assert!(name_before("42歳男性が", "42歳男性".len()).is_none());
        let t = "特別損失6億8300万円クロガネ工業";
        assert_eq!(name_before(t, t.len()).unwrap().1, "クロガネ工業");
    }

    #[test]
    fn the_form_prefilter_admits_every_form() {
        assert!(FORM_KEYS.is_some());
        let fillers = [
            "",
            "あ",
            "ミナト精工",
            "abc",
            "株",
            "社会",
            "(",
            "0123456789abcdefghij",
        ];
        for f in FORMS.iter() {
            for a in fillers {
                for b in fillers {
                    let t = format!("{a}{f}{b}");
                    assert!(may_hold_form(&t), "{t:?}");
                    assert!(has_form(&t), "{t:?}");
                }
            }
        }
        for t in [
            "",
            "ミナト精工",
            "あいうえおかきくけこさしすせそたちつてと",
            "abc",
        ] {
            assert_eq!(has_form(t), FORM_IN_NAME.is_match(t), "{t:?}");
        }
    }

    #[test]
    fn same_org_ignores_forms() {
        assert!(same_org("株式会社ミナト精工", "ミナト精工"));
        assert!(same_org("(株)ミナト精工", "ミナト精工株式会社"));
        assert!(!same_org("ミナト精工", "北浜フーズ"));
        // Removing one form can join another: each goes in turn, as before.
        assert!(same_org("株式会社(株)株式会社ミナト", "ミナト"));
        assert!(!same_org("株式会社", "ミナト"));
    }

    #[test]
    fn word_lists_hold_exactly_their_words() {
        let list = WordList::new(&NOT_NAMES);
        for w in NOT_NAMES.iter() {
            assert!(list.contains(w), "{w}");
            for other in [
                format!("{w}x"),
                format!("x{w}"),
                w.chars().skip(1).collect(),
            ] {
                assert_eq!(
                    list.contains(&other),
                    NOT_NAMES.contains(&other.as_str()),
                    "{other}"
                );
            }
        }
        for s in ["", "a", "同", "同日x", "株式会", "ミナト精工"] {
            assert_eq!(list.contains(s), NOT_NAMES.contains(&s), "{s}");
        }
        let forms = WordList::new(&FORMS);
        assert!(FORMS.iter().all(|f| forms.contains(f)));
    }
}
