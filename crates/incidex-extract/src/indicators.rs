//! Indicators: domains, mail addresses, URLs, IPv4 addresses and hashes,
//! including defanged forms (`example[.]com`, `hxxp://`) and masked addresses
//! (`*****@example.co.jp` counts as its domain). Placeholders such as
//! `xxx@xxx.xxx` are not indicators.

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
        let run = &text[start..i];
        let worth = run.len() >= 32 || (run.len() >= 4 && run.contains(['.', '@', '[']));
        if worth {
            out.extend(find_in_run(run).into_iter().map(|h| IndicatorHit {
                start: h.start + start,
                end: h.end + start,
                ..h
            }));
        }
    }
    out
}

fn find_in_run(text: &str) -> Vec<IndicatorHit> {
    let mut out: Vec<IndicatorHit> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && a < e);
    // Cheap literal checks spare the regexes a pass over text that cannot match.
    let url_text = if text.contains("//") { text } else { "" };
    for m in URL.find_iter(url_text) {
        let raw = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '>']);
        let value = refang(raw);
        let host = value
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or("");
        taken.push((m.start(), m.start() + raw.len()));
        if host.is_empty() || placeholder_domain(host) || value.contains('{') {
            continue;
        }
        out.push(IndicatorHit {
            start: m.start(),
            end: m.start() + raw.len(),
            indicator: Indicator {
                kind: IndicatorType::Url,
                value,
            },
        });
    }
    let mail_text = if text.contains(['@', '[']) { text } else { "" };
    for c in EMAIL.captures_iter(mail_text) {
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
    for m in DOMAIN.find_iter(text) {
        // `「@example.co.jp」以外`: an address without its local part names the domain.
        let bare_at = text[..m.start()].strip_suffix('@').is_some_and(|b| {
            !b.ends_with(|c: char| c.is_ascii_alphanumeric() || "._%+-*●".contains(c))
        });
        if overlaps(&taken, m.start(), m.end())
            || (text[..m.start()].ends_with(['@', '.', '-', '/']) && !bare_at)
            || text[m.end()..].starts_with(['@', '-'])
        {
            continue;
        }
        let value = refang(m.as_str());
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
        taken.push((m.start(), m.end()));
        out.push(IndicatorHit {
            start: m.start(),
            end: m.end(),
            indicator: Indicator {
                kind: IndicatorType::Domain,
                value,
            },
        });
    }
    for c in IPV4.captures_iter(text) {
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
    for m in HASH.find_iter(text) {
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

    #[test]
    fn placeholders_and_files_are_not_indicators() {
        assert!(values("不正: xxx@xxx.xxx.xxx と xxxxxx@xxx.xxx.xx").is_empty());
        assert!(values("請求書.zip や report.pdf、バージョン 1.2.3").is_empty());
    }
}
