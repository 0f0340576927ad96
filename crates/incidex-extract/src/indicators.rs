//! Indicators: domains, mail addresses, URLs, IPv4 addresses and hashes,
//! including defanged forms (`example[.]com`, `hxxp://`) and masked addresses
//! (`*****@example.co.jp` counts as its domain). Placeholders such as
//! `xxx@xxx.xxx` are not indicators.

use crate::byte_scan::{chunk16_at, load16, scan_to, NON_ASCII};
use incidex_model::{Indicator, IndicatorType};
use once_cell::sync::Lazy;
use regex::Regex;
use wide::i8x16;

static URL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:https?|hxxps?|h\*\*ps?|ftp)(?::|\[:\])//[^\s<>()「」『』、。\x22']+",
    )
    .unwrap()
});
static EMAIL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)([a-z0-9._%+\-*●]+)\s?(?:@|\[@\]|\[at\])\s?((?:[a-z0-9\-*]+(?:\.|\[\.\]|\(\.\)))+[a-z]{2,})").unwrap()
});
static DOMAIN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.|\[\.\]|\(\.\)))+(?:com|net|org|jp|io|info|biz|co|us|uk|de|fr|cn|ru|kr|tw|hk|sg|au|ca|in|br|edu|gov|xyz|top|site|online|club|app|dev|me|tv|cc|ly|eu|nl|it|es|ch|se|pl|vn|th|id|ph|my|nz|tk|ml|ga|cf|gq|pw|su|ir|ua|link|live|shop|store|cloud|tech|asia|test|example))(?-u:\b)").unwrap()
});
static IPV4: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,3})(?:\.|\[\.\])(\d{1,3})(?:\.|\[\.\])(\d{1,3})(?:\.|\[\.\])(\d{1,3})(?-u:\b)").unwrap()
});
static HASH: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?-u:\b)(?:[a-fA-F0-9]{64}|[a-fA-F0-9]{40}|[a-fA-F0-9]{32})(?-u:\b)").unwrap()
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorHit {
    pub start: usize,
    pub end: usize,
    pub indicator: Indicator,
}

fn refang(s: &str) -> String {
    // Most values are written plainly: without a bracket, a parenthesis or
    // a defanged scheme, every replacement below leaves them as they are.
    let plain = !s.contains(['[', '(']) && !s.contains("hxxp") && !s.contains("h**p");
    if plain {
        return s.to_ascii_lowercase();
    }
    s.replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[:]", ":")
        .replace("[@]", "@")
        .replace("[at]", "@")
        .replacen("hxxp", "http", 1)
        .replacen("h**p", "http", 1)
        .to_ascii_lowercase()
}

/// A label made only of masking characters (`xxx`, `***`, `●●`).
fn masked(label: &str) -> bool {
    !label.is_empty()
        && label
            .chars()
            .all(|c| matches!(c, 'x' | 'X' | '*' | '●' | '○' | '.' | '-' | '_'))
}

/// A placeholder domain such as `xxx.xxx.xxx` or `example` forms that are all masks.
fn placeholder_domain(domain: &str) -> bool {
    domain.split('.').filter(|l| !l.is_empty()).all(masked)
        || domain.split('.').next().is_some_and(masked)
}

/// File names look like domains (`invoice.zip`); these endings never are one.
const FILE_TLDS: &[&str] = &[
    "zip", "exe", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "pdf", "lnk", "txt", "png", "jpg",
    "html", "htm", "js", "iso", "img", "rar", "7z",
];

/// Every indicator in `text`. Indicators are ASCII (the text is folded), so
/// only the runs of ASCII between Japanese characters are searched: a Japanese
/// notice has few and short ones, and a Japanese character is a boundary for
/// every pattern here, so a run gives the same matches as the whole text.
pub fn find_indicators(text: &str) -> Vec<IndicatorHit> {
    let mut out = Vec::new();
    // The places of the marks of a run, one list for all the runs.
    let mut marks = Vec::new();
    for (start, end) in runs_worth_searching(text.as_bytes()) {
        let Some(run) = text.get(start..end) else {
            continue;
        };
        out.extend(
            find_in_run(run, &mut marks)
                .into_iter()
                .map(|h| IndicatorHit {
                    start: h.start + start,
                    end: h.end + start,
                    ..h
                }),
        );
    }
    out
}

/// The maximal runs of ASCII in `bytes` that may hold an indicator, in
/// order: those of at least 32 bytes, and those of at least 4 holding a `.`,
/// `@` or `[` (every shorter indicator holds one). A Japanese text has a short
/// run of ASCII every few characters, few of them worth a look: the runs are
/// found from their `.`, `@` and `[` and from the sixteen-byte chunks that are
/// all ASCII (a run of 31 bytes or more holds a whole chunk, wherever the
/// chunks start), a few vector operations a chunk.
fn runs_worth_searching(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(hit) = next_run_cue(bytes, from) {
        let start = bytes[..hit]
            .iter()
            .rposition(|b| !b.is_ascii())
            .map_or(0, |i| i + 1);
        let end = scan_to(bytes, hit, &NON_ASCII).unwrap_or(bytes.len());
        let run = &bytes[start..end];
        if run.len() >= 32 || (run.len() >= 4 && memchr::memchr3(b'.', b'@', b'[', run).is_some()) {
            runs.push((start, end));
        }
        from = end;
    }
    runs
}

/// The first place at or after `from`, in chunks of sixteen bytes from
/// `from`, of a `.`, `@` or `[`, or of the start of a chunk that is all
/// ASCII.
fn next_run_cue(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = skip_quiet_blocks(bytes, from);
    while at < bytes.len() {
        let mut pad = [0x80u8; 16];
        let chunk = chunk16_at(bytes, at, &mut pad);
        let v = load16(chunk);
        let is = |b: u8| v.simd_eq(i8x16::splat(b as i8));
        let marks = (is(b'.') | is(b'@') | is(b'[')).to_bitmask();
        if v.to_bitmask() == 0 {
            return Some(at);
        }
        if marks != 0 {
            return Some(at + marks.trailing_zeros() as usize);
        }
        at += 16;
        // Past a block of four chunks, whole blocks are skipped again.
        if (at - from).is_multiple_of(64) {
            at = skip_quiet_blocks(bytes, at);
        }
    }
    None
}

/// The start of the first block of 64 bytes (four chunks of sixteen, the
/// blocks following on from `from`) that holds a `.`, `@` or `[` or a chunk
/// that is all ASCII, or of the last part shorter than a block. A Japanese
/// text is nearly all such quiet blocks, and a block costs a few vector
/// operations and one test, with no branch per chunk.
fn skip_quiet_blocks(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(block) = bytes.get(at..at + 64) {
        if !quiet_block(block) {
            break;
        }
        at += 64;
    }
    at
}

/// Whether each of the four chunks of `block` holds a byte that is not
/// ASCII, and none holds a `.`, `@` or `[`.
#[inline(always)]
fn quiet_block(block: &[u8]) -> bool {
    let mut marks = i8x16::splat(0);
    let mut some_chunk_ascii = false;
    for chunk in block.chunks_exact(16) {
        let Ok(chunk) = <&[u8; 16]>::try_from(chunk) else {
            return false;
        };
        let v = load16(chunk);
        let is = |b: u8| v.simd_eq(i8x16::splat(b as i8));
        marks |= is(b'.') | is(b'@') | is(b'[');
        some_chunk_ascii |= v.to_bitmask() == 0;
    }
    !some_chunk_ascii && marks.to_bitmask() == 0
}

/// The places of the `.`, `@`, `[` and `/` of a run, in order: every check
/// of a run starts from one of them (a dot of a domain or an address, an `@`
/// or bracket of an address, the `//` of a URL), and one pass finds them all
/// instead of a search for each kind in each check.
fn mark_places(run: &[u8], out: &mut Vec<usize>) {
    out.clear();
    let mut at = 0;
    while at < run.len() {
        let mut pad = [0u8; 16];
        let chunk = chunk16_at(run, at, &mut pad);
        let v = load16(chunk);
        let is = |b: u8| v.simd_eq(i8x16::splat(b as i8));
        let mut marks = (is(b'.') | is(b'@') | is(b'[') | is(b'/')).to_bitmask();
        while marks != 0 {
            out.push(at + marks.trailing_zeros() as usize);
            marks &= marks - 1;
        }
        at += 16;
    }
}

/// The places among `marks` (see `mark_places`) of the byte `b` of `run`.
fn marks_of<'a>(run: &'a [u8], marks: &'a [usize], b: u8) -> impl Iterator<Item = usize> + 'a {
    marks
        .iter()
        .copied()
        .filter(move |&i| run.get(i) == Some(&b))
}

/// The places of the `.`s of `run` that may separate a label from a top-level
/// domain (see `dot_before_letter`).
fn domain_dots<'a>(run: &'a [u8], marks: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    marks_of(run, marks, b'.').filter(|&i| dot_before_letter(run, i))
}

/// Whether the `.` at `i` is between a letter or digit and a letter, or the
/// same around `[.]` or `(.)`. Whatever bounds a token of a domain is not a
/// letter, digit or bracket, so the answer is the same in the token and in
/// the whole run.
fn dot_before_letter(run: &[u8], i: usize) -> bool {
    let letter = |i: Option<usize>| {
        i.and_then(|i| run.get(i))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    let alnum = |i: Option<usize>| {
        i.and_then(|i| run.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    let at =
        |i: Option<usize>, set: &[u8]| i.and_then(|i| run.get(i)).is_some_and(|b| set.contains(b));
    (alnum(i.checked_sub(1)) && letter(Some(i + 1)))
        || (at(i.checked_sub(1), b"[(")
            && alnum(i.checked_sub(2))
            && at(Some(i + 1), b"])")
            && letter(Some(i + 2)))
}

/// At least three separators of an IPv4 address: a `.` or `[.]` after a digit.
/// Each separator holds a `.`, and a `.` is in one separator at most.
fn has_three_ip_separators(run: &[u8], marks: &[usize]) -> bool {
    ip_separators(run, marks).take(3).count() == 3
}

/// An `@`, `[@]` or `[at]` (any case) and a `.`: what every address needs.
fn may_hold_address(run: &[u8], marks: &[usize]) -> bool {
    let bracketed_at = || {
        marks_of(run, marks, b'[').any(|i| {
            run.get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"[at]"))
        })
    };
    marks_of(run, marks, b'.').next().is_some()
        && (marks_of(run, marks, b'@').next().is_some() || bracketed_at())
}

/// A run of at least 32 hexadecimal digits, the shortest hash. Such a run
/// covers two of every sixteenth byte, so only those bytes are looked at
/// until one is a hexadecimal digit.
fn has_hex_run(run: &[u8]) -> bool {
    let hex = |i: usize| run.get(i).is_some_and(u8::is_ascii_hexdigit);
    let mut probe = 15;
    while probe < run.len() {
        if !hex(probe) {
            probe += 16;
            continue;
        }
        let start = (0..probe)
            .rev()
            .take_while(|&i| hex(i))
            .last()
            .unwrap_or(probe);
        let end = (probe..run.len())
            .take_while(|&i| hex(i))
            .last()
            .map_or(probe, |i| i + 1);
        if end - start >= 32 {
            return true;
        }
        probe = end + 16;
    }
    false
}

/// A byte no URL holds (the run is ASCII): a space, `<`, `>`, `(`, `)`, `"` or `'`.
fn outside_url(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0B || matches!(b, b'<' | b'>' | b'(' | b')' | b'"' | b'\'')
}

/// A byte no domain holds and no `\b` is changed by: ASCII that is neither a
/// word byte nor `-`, `.`, `[`, `]`, `(`, `)`.
fn outside_domain(b: u8) -> bool {
    !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']' | b'(' | b')'))
}

/// The tokens of `run` (ASCII) that hold one of `cues` (places in `run`, in
/// order), as spans of `run`. A token is a stretch between places that
/// `outside` accepts; a pattern searched in the tokens must match no such
/// byte, and each must be an ASCII byte that is not a word byte, so no match
/// crosses one and `\b` sees the same at the edge of a token as inside the
/// run: the matches are those in the whole run when every token that can hold
/// a match holds a cue.
fn cued_tokens(
    run: &[u8],
    outside: impl Fn(&[u8], usize) -> bool,
    cues: impl Iterator<Item = usize>,
) -> Vec<(usize, usize)> {
    let mut tokens = Vec::new();
    // The end of the last token: a later cue before it is in that token.
    let mut searched_to = 0;
    for cue in cues {
        if cue < searched_to || cue >= run.len() {
            continue;
        }
        let start = (0..cue)
            .rev()
            .find(|&i| outside(run, i))
            .map_or(0, |i| i + 1);
        let end = (cue..run.len())
            .find(|&i| outside(run, i))
            .unwrap_or(run.len());
        tokens.push((start, end));
        searched_to = end.max(cue + 1);
    }
    tokens
}

/// The matches of `re` in `run` (ASCII), as spans of `run`, searched only in
/// the tokens (see `cued_tokens`) between places that `outside` accepts that
/// hold one of `cues`.
fn cued_token_matches(
    re: &Regex,
    run: &str,
    outside: impl Fn(&[u8], usize) -> bool,
    cues: impl Iterator<Item = usize>,
) -> Vec<Span> {
    let mut spans = Vec::new();
    for (start, end) in cued_tokens(run.as_bytes(), outside, cues) {
        if let Some(token) = run.get(start..end) {
            spans.extend(
                re.find_iter(token)
                    .map(|m| (start + m.start(), start + m.end())),
            );
        }
    }
    spans
}

/// A span of bytes, start and end.
type Span = (usize, usize);

/// Whether the byte at `i` of `run` is in no `EMAIL` match: it is neither an
/// ASCII letter or digit nor one of `._%+-*@[]()`, or it is a space (what
/// `\s` takes in ASCII, and to be safe the separators 1C..1F) that neither
/// follows an `@` or `]` nor comes before an `@` or `[`, the only places a
/// match holds a space. Neither kind is a word byte.
fn outside_address(run: &[u8], i: usize) -> bool {
    let Some(&b) = run.get(i) else {
        return true;
    };
    if matches!(b, b'\t'..=b'\r' | b' ' | 0x1C..=0x1F) {
        let after_at = i
            .checked_sub(1)
            .and_then(|p| run.get(p))
            .is_some_and(|p| matches!(p, b'@' | b']'));
        let before_at = run.get(i + 1).is_some_and(|n| matches!(n, b'@' | b'['));
        return !(after_at || before_at);
    }
    !(b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'_' | b'%' | b'+' | b'-' | b'*' | b'@' | b'[' | b']' | b'(' | b')'
        ))
}

/// One `EMAIL` match: the spans of the whole, of the local part (group 1)
/// and of the domain (group 2).
struct Address {
    whole: Span,
    local: Span,
    domain: Span,
}

/// The `EMAIL` matches of `run`: every match holds an `@` or the `[` of `[@]`
/// or `[at]`, and only the tokens holding one are searched. The groups are
/// read off the match (see `address_parts`): the capture search cost many
/// times the search for the match.
fn email_matches(run: &str, marks: &[usize]) -> Vec<Address> {
    if !may_hold_address(run.as_bytes(), marks) {
        return Vec::new();
    }
    let bytes = run.as_bytes();
    let cues = marks
        .iter()
        .copied()
        .filter(|&i| matches!(bytes.get(i), Some(b'@' | b'[')));
    cued_token_matches(&EMAIL, run, outside_address, cues)
        .into_iter()
        .filter_map(|whole| address_parts(bytes, whole))
        .collect()
}

/// The groups of the `EMAIL` match `whole` of `run`. The local part holds
/// no `@`, `[` or space, so the first `@` or `[` of the match starts the `@`,
/// `[@]` or `[at]`, and the local part is what comes before it but a space;
/// the domain is what follows it but a space, to the end of the match.
fn address_parts(run: &[u8], whole: Span) -> Option<Address> {
    let (start, end) = whole;
    let matched = run.get(start..end)?;
    let at = start + memchr::memchr2(b'@', b'[', matched)?;
    let is_space = |i: usize| {
        run.get(i)
            .is_some_and(|b| matches!(b, b'\t'..=b'\r' | b' '))
    };
    let local_end = if at > start && is_space(at - 1) {
        at - 1
    } else {
        at
    };
    let sign = match run.get(at..end)? {
        [b'@', ..] => 1,
        [b'[', b'@', b']', ..] => 3,
        _ => 4,
    };
    let domain_start = if is_space(at + sign) {
        at + sign + 1
    } else {
        at + sign
    };
    Some(Address {
        whole,
        local: (start, local_end),
        domain: (domain_start, end),
    })
}

/// The places of the `.`s of `run` after a digit, or in a `[.]` after one:
/// each match of `IPV4` holds one.
fn ip_separators<'a>(run: &'a [u8], marks: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    let digit = |i: Option<usize>| i.and_then(|i| run.get(i)).is_some_and(u8::is_ascii_digit);
    marks_of(run, marks, b'.').filter(move |&i| {
        digit(i.checked_sub(1))
            || (i.checked_sub(1).and_then(|j| run.get(j)) == Some(&b'[')
                && run.get(i + 1) == Some(&b']')
                && digit(i.checked_sub(2)))
    })
}

/// The `IPV4` matches of `run`: only tokens holding a separator are
/// searched, and tokens end at what no address or `\b` cares about
/// (`outside_domain`: an address is digits, `.`, `[`, `]`). Its four groups
/// are the four runs of digits of the match.
fn ip_matches(run: &str, marks: &[usize]) -> Vec<Span> {
    if !has_three_ip_separators(run.as_bytes(), marks) {
        return Vec::new();
    }
    let cues = ip_separators(run.as_bytes(), marks);
    cued_token_matches(&IPV4, run, |b, i| outside_domain(b[i]), cues)
}

/// The `URL` matches of `run`: only tokens holding `//` can hold one.
fn url_matches(run: &str, marks: &[usize]) -> Vec<(usize, usize)> {
    let bytes = run.as_bytes();
    // A `/` followed by another.
    let cues = marks_of(bytes, marks, b'/').filter(|&i| bytes.get(i + 1) == Some(&b'/'));
    cued_token_matches(&URL, run, |b, i| outside_url(b[i]), cues)
}

/// The `DOMAIN` matches of `run`: only tokens holding a dot before a
/// top-level domain can hold one.
fn domain_matches(run: &str, marks: &[usize]) -> Vec<Span> {
    let dots = domain_dots(run.as_bytes(), marks);
    cued_token_matches(&DOMAIN, run, |b, i| outside_domain(b[i]), dots)
}

fn find_in_run(text: &str, marks: &mut Vec<usize>) -> Vec<IndicatorHit> {
    mark_places(text.as_bytes(), marks);
    let marks = marks.as_slice();
    let mut out: Vec<IndicatorHit> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && a < e);
    // Cheap literal checks spare the regexes a pass over text that cannot match.
    for (m_start, m_end) in url_matches(text, marks) {
        let raw = text[m_start..m_end].trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '>']);
        let value = refang(raw);
        let host = value
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or("");
        taken.push((m_start, m_start + raw.len()));
        if host.is_empty() || placeholder_domain(host) || value.contains('{') {
            continue;
        }
        out.push(IndicatorHit {
            start: m_start,
            end: m_start + raw.len(),
            indicator: Indicator {
                kind: IndicatorType::Url,
                value,
            },
        });
    }
    // A search that cannot match is not even started: its set-up is most of
    // the cost on a short run.
    for address in email_matches(text, marks) {
        let (m_start, m_end) = address.whole;
        let (Some(local), Some(dom)) = (
            text.get(address.local.0..address.local.1),
            text.get(address.domain.0..address.domain.1),
        ) else {
            continue;
        };
        if overlaps(&taken, m_start, m_end) {
            continue;
        }
        taken.push((m_start, m_end));
        let domain = refang(dom);
        if placeholder_domain(&domain) {
            continue;
        }
        let indicator = if masked(local) {
            Indicator {
                kind: IndicatorType::Domain,
                value: domain,
            }
        } else {
            Indicator {
                kind: IndicatorType::Email,
                value: format!("{}@{}", local.to_ascii_lowercase(), domain),
            }
        };
        out.push(IndicatorHit {
            start: m_start,
            end: m_end,
            indicator,
        });
    }
    // Each pattern below needs what its test looks for; a run without it is not searched.
    let bytes = text.as_bytes();
    for (m_start, m_end) in domain_matches(text, marks) {
        // `「@example.co.jp」以外`: an address without its local part names the domain.
        let bare_at = text[..m_start].strip_suffix('@').is_some_and(|b| {
            !b.ends_with(|c: char| c.is_ascii_alphanumeric() || "._%+-*●".contains(c))
        });
        if overlaps(&taken, m_start, m_end)
            || (text[..m_start].ends_with(['@', '.', '-', '/']) && !bare_at)
            || text[m_end..].starts_with(['@', '-'])
        {
            continue;
        }
        let value = refang(&text[m_start..m_end]);
        let labels: Vec<&str> = value.split('.').collect();
        if labels.len() < 2
            || placeholder_domain(&value)
            || labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit()))
        {
            continue;
        }
        if labels.first().is_some_and(|l| FILE_TLDS.contains(l))
            || FILE_TLDS.contains(&labels[labels.len() - 1])
        {
            continue;
        }
        taken.push((m_start, m_end));
        out.push(IndicatorHit {
            start: m_start,
            end: m_end,
            indicator: Indicator {
                kind: IndicatorType::Domain,
                value,
            },
        });
    }
    for (m_start, m_end) in ip_matches(text, marks) {
        if overlaps(&taken, m_start, m_end) {
            continue;
        }
        let octets: Vec<u32> = text[m_start..m_end]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|d| d.parse().ok())
            .collect();
        if octets.len() != 4 || octets.iter().any(|&o| o > 255) {
            continue;
        }
        let value = format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]);
        out.push(IndicatorHit {
            start: m_start,
            end: m_end,
            indicator: Indicator {
                kind: IndicatorType::Ip,
                value,
            },
        });
    }
    let hashes = has_hex_run(bytes).then(|| HASH.find_iter(text));
    for m in hashes.into_iter().flatten() {
        if overlaps(&taken, m.start(), m.end()) || m.as_str().chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        out.push(IndicatorHit {
            start: m.start(),
            end: m.end(),
            indicator: Indicator {
                kind: IndicatorType::Hash,
                value: m.as_str().to_ascii_lowercase(),
            },
        });
    }
    out.sort_by_key(|h| h.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The places of the marks of `run`, as `find_in_run` finds them.
    fn marks(run: &str) -> Vec<usize> {
        let mut m = Vec::new();
        mark_places(run.as_bytes(), &mut m);
        m
    }

    fn url_matches(run: &str) -> Vec<Span> {
        super::url_matches(run, &marks(run))
    }

    fn domain_matches(run: &str) -> Vec<Span> {
        super::domain_matches(run, &marks(run))
    }

    fn ip_matches(run: &str) -> Vec<Span> {
        super::ip_matches(run, &marks(run))
    }

    fn email_matches(run: &str) -> Vec<Address> {
        super::email_matches(run, &marks(run))
    }

    #[test]
    fn mark_places_are_every_dot_at_bracket_and_slash() {
        let mut next = crate::test_random::xorshift(0x3A5C_0FFE_E123_4567);
        for _ in 0..5_000 {
            let len = (next() % 70) as usize;
            let run: Vec<u8> = (0..len)
                .map(|_| b"./@[a1 ]:"[(next() % 9) as usize])
                .collect();
            let by_hand: Vec<usize> = (0..run.len())
                .filter(|&i| matches!(run[i], b'.' | b'@' | b'[' | b'/'))
                .collect();
            let mut found = Vec::new();
            mark_places(&run, &mut found);
            assert_eq!(found, by_hand, "{run:?}");
        }
    }

    fn values(t: &str) -> Vec<(String, String)> {
        find_indicators(t)
            .into_iter()
            .map(|h| (h.indicator.kind.as_str().to_string(), h.indicator.value))
            .collect()
    }

    #[test]
    fn finds_each_kind() {
        assert_eq!(
            values("問い合わせ窓口 help-desk@minato.example.co.jp まで。サイト https://www.minato.example.jp/ 攻撃元 203.0.113.7"),
            [("email".into(), "help-desk@minato.example.co.jp".into()), ("url".into(), "https://www.minato.example.jp/".into()), ("ip".into(), "203.0.113.7".into())]
        );
    }

    #[test]
    fn defanged_and_masked_forms() {
        assert_eq!(
            values("hxxp://bad[.]example[.]com/a"),
            [("url".to_string(), "http://bad.example.com/a".to_string())]
        );
        assert_eq!(
            values("差出人 ******* @kantan.example.jp"),
            [("domain".to_string(), "kantan.example.jp".to_string())]
        );
        assert_eq!(
            values("@マーク以下がminato-shoji.comとなっているか"),
            [("domain".to_string(), "minato-shoji.com".to_string())]
        );
        assert_eq!(
            values("実際のアドレスは「@kaede-kogyo.example.co.jp」以外です"),
            [(
                "domain".to_string(),
                "kaede-kogyo.example.co.jp".to_string()
            )]
        );
    }

    /// Random ASCII runs: the tokens and the tests that skip the searches
    /// change no match.
    #[test]
    fn skipped_searches_find_nothing() {
        const PIECES: [&str; 36] = [
            "[@]",
            "[AT]",
            "\t",
            "\n",
            "\u{1f}",
            "%+",
            "*",
            "u.",
            "0.",
            "1[.]2",
            "a",
            "Com",
            "jp",
            "x1",
            "-",
            "_",
            ".",
            "[.]",
            "(.)",
            "[at]",
            "@",
            " ",
            "/",
            "//",
            "http:",
            "hxxps[:]",
            "<",
            "'",
            "1",
            "255",
            "0f",
            "deadbeef0123456789abcdef",
            ":",
            "?",
            "(",
            "]",
        ];
        let mut next = crate::test_random::xorshift(0x1234_5678_9ABC_DEF1);
        let spans = |re: &Regex, t: &str| -> Vec<(usize, usize)> {
            re.find_iter(t).map(|m| (m.start(), m.end())).collect()
        };
        let (mut found_emails, mut found_ips) = (0, 0);
        for _ in 0..30_000 {
            let run = crate::test_random::text_of(&mut next, &PIECES, 16);
            let b = run.as_bytes();
            let url = url_matches(&run);
            assert_eq!(url, spans(&URL, &run), "URL in {run:?}");
            let domain = domain_matches(&run);
            assert_eq!(domain, spans(&DOMAIN, &run), "DOMAIN in {run:?}");
            let emails = email_groups(&run);
            assert_eq!(emails, regex_email_groups(&run), "EMAIL in {run:?}");
            found_emails += emails.len();
            let ip = ip_matches(&run);
            found_ips += ip.len();
            assert_eq!(ip, spans(&IPV4, &run), "IPV4 in {run:?}");
            for (s, e) in ip {
                let by_hand: Vec<&str> = run[s..e]
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|d| !d.is_empty())
                    .collect();
                let groups = IPV4.captures(&run[s..]).map(|c| {
                    (1..=4)
                        .filter_map(|i| c.get(i).map(|g| g.as_str()))
                        .collect::<Vec<_>>()
                });
                assert_eq!(Some(by_hand), groups, "IPV4 groups in {run:?}");
            }
            assert!(has_hex_run(b) || !HASH.is_match(&run), "HASH in {run:?}");
        }
        assert!(
            found_emails > 50 && found_ips > 5,
            "{found_emails} {found_ips}"
        );
    }

    /// Random runs dense in the pieces of addresses: the address and IPv4
    /// searches in tokens, with their groups read off the match, find what
    /// the regexes' capture searches find in the whole run.
    #[test]
    fn addresses_and_ips_by_tokens_are_the_regex_matches() {
        const PIECES: [&str; 29] = [
            "10.0.", "1[.]2[.]", "7.8", "ab", "x", "1", "25", "255", ".", "[.]", "(.)", "@", "[@]",
            "[At]", " ", "\t", "jp", "Com", "-", "*", "_", "%", "[", "]", "(", ")", "\n", "k.t",
            "a@b.co",
        ];
        let mut next = crate::test_random::xorshift(0x7E57_AB1E_0DD5_EED5);
        let (mut found_emails, mut found_ips) = (0, 0);
        for _ in 0..40_000 {
            let run = crate::test_random::text_of(&mut next, &PIECES, 14);
            let emails = email_groups(&run);
            assert_eq!(emails, regex_email_groups(&run), "EMAIL in {run:?}");
            found_emails += emails.len();
            let ip = ip_matches(&run);
            let whole: Vec<Span> = IPV4.find_iter(&run).map(|m| (m.start(), m.end())).collect();
            assert_eq!(ip, whole, "IPV4 in {run:?}");
            found_ips += ip.len();
        }
        assert!(
            found_emails > 2_000 && found_ips > 200,
            "{found_emails} {found_ips}"
        );
    }

    type Groups = Vec<(Span, Span, Span)>;

    /// The `EMAIL` matches of `run` with their groups, as `email_matches`
    /// gives them.
    fn email_groups(run: &str) -> Groups {
        email_matches(run)
            .into_iter()
            .map(|a| (a.whole, a.local, a.domain))
            .collect()
    }

    /// The same from the regex's own capture search.
    fn regex_email_groups(run: &str) -> Groups {
        let span = |m: Option<regex::Match<'_>>| m.map_or((0, 0), |m| (m.start(), m.end()));
        EMAIL
            .captures_iter(run)
            .map(|c| (span(c.get(0)), span(c.get(1)), span(c.get(2))))
            .collect()
    }

    /// `\s` in ASCII is what `outside_address` and `address_parts` take for
    /// a space.
    #[test]
    fn address_spaces_are_the_regex_spaces() {
        let space = Regex::new(r"^\s$").unwrap();
        for b in 0u8..0x80 {
            let s = char::from(b).to_string();
            let hand = matches!(b, b'\t'..=b'\r' | b' ');
            assert_eq!(space.is_match(&s), hand, "{b:#x}");
        }
    }

    /// Random texts of ASCII and other characters: the runs found from their
    /// cues are the runs of ASCII a walk over every run keeps.
    #[test]
    fn runs_worth_searching_are_those_of_a_full_walk() {
        const PIECES: [&str; 12] = [
            "a",
            "b1",
            ".",
            "@",
            "[",
            " ",
            "日本",
            "é",
            "\u{3000}",
            "0123456789abcdef",
            "x.y",
            "😀",
        ];
        let mut next = crate::test_random::xorshift(0x0BAD_5EED_1234_5678);
        for _ in 0..20_000 {
            let text = crate::test_random::text_of(&mut next, &PIECES, 24);
            let bytes = text.as_bytes();
            let mut walk = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if !bytes[i].is_ascii() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii() {
                    i += 1;
                }
                let run = &bytes[start..i];
                let cued = run.iter().any(|b| matches!(b, b'.' | b'@' | b'['));
                if run.len() >= 32 || (run.len() >= 4 && cued) {
                    walk.push((start, i));
                }
            }
            assert_eq!(runs_worth_searching(bytes), walk, "{text:?}");
        }
    }

    #[test]
    fn plain_values_are_only_lowered() {
        let slow = |s: &str| {
            s.replace("[.]", ".")
                .replace("(.)", ".")
                .replace("[:]", ":")
                .replace("[@]", "@")
                .replace("[at]", "@")
                .replacen("hxxp", "http", 1)
                .replacen("h**p", "http", 1)
                .to_ascii_lowercase()
        };
        for v in [
            "Example.COM",
            "hxxp://a[.]b",
            "HXXP://a.b",
            "h**ps://x(.)y",
            "a[at]b.c",
            "user@Mail.jp",
            "",
        ] {
            assert_eq!(refang(v), slow(v), "{v}");
        }
    }

    #[test]
    fn placeholders_and_files_are_not_indicators() {
        assert!(values("不正: xxx@xxx.xxx.xxx と xxxxxx@xxx.xxx.xx").is_empty());
        assert!(values("請求書.zip や report.pdf、バージョン 1.2.3").is_empty());
    }
}
