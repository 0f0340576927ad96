//! Indicators: domains, mail addresses, URLs, IPv4 addresses and hashes,
//! including defanged forms (`example[.]com`, `hxxp://`) and masked addresses
//! (`*****@example.co.jp` counts as its domain). Placeholders such as
//! `xxx@xxx.xxx` are not indicators.

use crate::byte_scan::{scan_to, ASCII, NON_ASCII};
use incidex_model::{Indicator, IndicatorType};
use once_cell::sync::Lazy;
use regex::Regex;

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
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = scan_to(bytes, from, &ASCII) {
        let i = scan_to(bytes, start, &NON_ASCII).unwrap_or(bytes.len());
        let run = &text[start..i];
        let worth = run.len() >= 32
            || (run.len() >= 4 && memchr::memchr3(b'.', b'@', b'[', run.as_bytes()).is_some());
        if worth {
            out.extend(find_in_run(run).into_iter().map(|h| IndicatorHit {
                start: h.start + start,
                end: h.end + start,
                ..h
            }));
        }
        from = i;
    }
    out
}

/// The places of the `.`s of `run` that may separate a label from a top-level
/// domain (see `dot_before_letter`).
fn domain_dots(run: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'.', run).filter(|&i| dot_before_letter(run, i))
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
fn has_three_ip_separators(run: &[u8]) -> bool {
    let digit = |i: Option<usize>| i.and_then(|i| run.get(i)).is_some_and(u8::is_ascii_digit);
    let separators = memchr::memchr_iter(b'.', run).filter(|&i| {
        digit(i.checked_sub(1))
            || (i.checked_sub(1).and_then(|j| run.get(j)) == Some(&b'[')
                && run.get(i + 1) == Some(&b']')
                && digit(i.checked_sub(2)))
    });
    separators.take(3).count() == 3
}

/// An `@`, `[@]` or `[at]` (any case) and a `.`: what every address needs.
fn may_hold_address(run: &[u8]) -> bool {
    let bracketed_at = || {
        memchr::memchr_iter(b'[', run).any(|i| {
            run.get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"[at]"))
        })
    };
    memchr::memchr(b'.', run).is_some() && (memchr::memchr(b'@', run).is_some() || bracketed_at())
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

/// The matches of `re` in `run` (ASCII), as spans of `run`, searched only in
/// the tokens that hold one of `cues` (places in `run`, in order). A token is a
/// stretch between bytes that `outside` accepts; `re` matches no such byte,
/// and each is an ASCII byte that is not a word byte, so no match crosses one
/// and `\b` sees the same at the edge of a token as inside the run: the
/// matches are those in the whole run when every token that can hold a match
/// holds a cue.
fn cued_token_matches(
    re: &Regex,
    run: &str,
    outside: fn(u8) -> bool,
    cues: impl Iterator<Item = usize>,
) -> Vec<(usize, usize)> {
    let bytes = run.as_bytes();
    let mut spans = Vec::new();
    // The end of the last token searched: a later cue before it is in that token.
    let mut searched_to = 0;
    for cue in cues {
        if cue < searched_to || cue >= bytes.len() {
            continue;
        }
        let start = bytes[..cue]
            .iter()
            .rposition(|&b| outside(b))
            .map_or(0, |i| i + 1);
        let end = bytes[cue..]
            .iter()
            .position(|&b| outside(b))
            .map_or(bytes.len(), |i| cue + i);
        if let Some(token) = run.get(start..end) {
            spans.extend(
                re.find_iter(token)
                    .map(|m| (start + m.start(), start + m.end())),
            );
        }
        searched_to = end.max(cue + 1);
    }
    spans
}

/// The `URL` matches of `run`: only tokens holding `//` can hold one.
fn url_matches(run: &str) -> Vec<(usize, usize)> {
    let cues = memchr::memmem::find_iter(run.as_bytes(), b"//");
    cued_token_matches(&URL, run, outside_url, cues)
}

/// The `DOMAIN` matches of `run`: only tokens holding a dot before a
/// top-level domain can hold one.
fn domain_matches(run: &str) -> Vec<(usize, usize)> {
    cued_token_matches(&DOMAIN, run, outside_domain, domain_dots(run.as_bytes()))
}

fn find_in_run(text: &str) -> Vec<IndicatorHit> {
    let mut out: Vec<IndicatorHit> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && a < e);
    // Cheap literal checks spare the regexes a pass over text that cannot match.
    for (m_start, m_end) in url_matches(text) {
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
    let mails = may_hold_address(text.as_bytes()).then(|| EMAIL.captures_iter(text));
    for c in mails.into_iter().flatten() {
        let (Some(m), Some(local), Some(dom)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        taken.push((m.start(), m.end()));
        let domain = refang(dom.as_str());
        if placeholder_domain(&domain) {
            continue;
        }
        let indicator = if masked(local.as_str()) {
            Indicator {
                kind: IndicatorType::Domain,
                value: domain,
            }
        } else {
            Indicator {
                kind: IndicatorType::Email,
                value: format!("{}@{}", local.as_str().to_ascii_lowercase(), domain),
            }
        };
        out.push(IndicatorHit {
            start: m.start(),
            end: m.end(),
            indicator,
        });
    }
    // Each pattern below needs what its test looks for; a run without it is not searched.
    let bytes = text.as_bytes();
    for (m_start, m_end) in domain_matches(text) {
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
    let ips = has_three_ip_separators(bytes).then(|| IPV4.captures_iter(text));
    for c in ips.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let octets: Vec<u32> = (1..=4)
            .filter_map(|i| c.get(i)?.as_str().parse().ok())
            .collect();
        if octets.len() != 4 || octets.iter().any(|&o| o > 255) {
            continue;
        }
        let value = format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]);
        out.push(IndicatorHit {
            start: m.start(),
            end: m.end(),
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
        const PIECES: [&str; 26] = [
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
        let mut seed: u64 = 0x1234_5678_9ABC_DEF1;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let spans = |re: &Regex, t: &str| -> Vec<(usize, usize)> {
            re.find_iter(t).map(|m| (m.start(), m.end())).collect()
        };
        for _ in 0..30_000 {
            let len = (next() % 16) as usize;
            let run: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let b = run.as_bytes();
            let url = url_matches(&run);
            assert_eq!(url, spans(&URL, &run), "URL in {run:?}");
            let domain = domain_matches(&run);
            assert_eq!(domain, spans(&DOMAIN, &run), "DOMAIN in {run:?}");
            assert!(
                may_hold_address(b) || !EMAIL.is_match(&run),
                "EMAIL in {run:?}"
            );
            assert!(
                has_three_ip_separators(b) || !IPV4.is_match(&run),
                "IPV4 in {run:?}"
            );
            assert!(has_hex_run(b) || !HASH.is_match(&run), "HASH in {run:?}");
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
