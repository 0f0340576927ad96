//! Counts and money: `2,312件`, `39万件`, `1万1379件`, `最大10,450件`, `約1000人分`,
//! `6億8300万円`, `3億8,000万円`, `168百万円`, `$1.25 million`, `125万ドル`,
//! `180,000 customers`.

use once_cell::sync::Lazy;
use regex::Regex;

/// A number written with Japanese myriads (億, 万) or thousands separators.
const JA_NUM: &str = r"\d[\d,]*(?:\.\d+)?(?:億(?:\d[\d,]*(?:\.\d+)?万)?(?:\d[\d,]*)?|万(?:\d+千\d*|\d[\d,]*)?|千\d*)?";

static COUNT_JA: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(最大|約|およそ|少なくとも|計|合計|総数)?\s*({JA_NUM})\s*(件|人|名|世帯|団体|通|事業者|法人|アカウント|回)(分)?")).unwrap()
});
static COUNT_EN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(?-u:\b)(up to |more than |over |nearly |approximately |about |some |at least )?(\d[\d,]*(?:\.\d+)?)(?:\s+(million|billion|thousand))?\s+((?:[A-Za-z][\w\-]*\s){0,2}?(?:customers|patients|people|individuals|records|accounts|users|employees|members|students|clients|consumers|persons|cards|credit cards|passengers|guests|residents|subscribers|donors|voters|taxpayers|applicants|email addresses))(?-u:\b)").unwrap()
});
static MONEY_JA: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"({JA_NUM})\s*(百万|千万|千)?\s*(円|ドル|米ドル|ユーロ)"
    ))
    .unwrap()
});
static MONEY_EN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(US\$|\$|€|£|¥)\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|thousand|m|bn|k)(?-u:\b))?",
    )
    .unwrap()
});

#[derive(Debug, Clone, PartialEq)]
pub struct CountHit {
    pub start: usize,
    pub end: usize,
    pub count: u64,
    pub unit: String,
    pub max: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MoneyHit {
    pub start: usize,
    pub end: usize,
    pub amount: u64,
    pub currency: &'static str,
}

/// Parses `6億8300万`, `1万1379`, `2,312`, `39万`, `1.5万`, `4万5千` into an integer.
pub fn parse_ja_number(s: &str) -> Option<u64> {
    let s = s.replace(',', "");
    let mut total = 0f64;
    let mut rest = s.as_str();
    for (mark, factor) in [("億", 1e8), ("万", 1e4)] {
        if let Some(i) = rest.find(mark) {
            let v: f64 = rest[..i].parse().ok()?;
            total += v * factor;
            rest = &rest[i + mark.len()..];
        }
    }
    // `4万5千`, `3千`: thousands written with 千.
    if let Some(i) = rest.find('千') {
        let v: f64 = rest[..i].parse().ok()?;
        total += v * 1e3;
        rest = &rest[i + '千'.len_utf8()..];
    }
    if !rest.is_empty() {
        total += rest.parse::<f64>().ok()?;
    }
    (0.0..1e18).contains(&total).then_some(total.round() as u64)
}

fn scale(word: Option<&str>) -> f64 {
    match word.map(|w| w.to_ascii_lowercase()) {
        Some(w) if w == "million" || w == "m" => 1e6,
        Some(w) if w == "billion" || w == "bn" => 1e9,
        Some(w) if w == "thousand" || w == "k" => 1e3,
        _ => 1.0,
    }
}

/// Words before a count that say it counts staff, not victims (`従業員1人`).
const STAFF_BEFORE: &[&str] = &[
    "従業員",
    "職員",
    "社員",
    "作業員",
    "担当者",
    "医師",
    "委員",
    "スタッフ",
    "男性",
    "女性",
];
/// Words after a count that say it is a rate or a batch (`200件ずつ`).
const NOT_TOTAL_AFTER: &[&str] = &[
    "ずつ",
    "ごと",
    "当たり",
    "あたり",
    "以上の企業",
    "歳",
    "未満",
];

pub fn find_counts(text: &str) -> Vec<CountHit> {
    let mut out = Vec::new();
    for c in COUNT_JA.captures_iter(text) {
        let (Some(m), Some(n), Some(u)) = (c.get(0), c.get(2), c.get(3)) else {
            continue;
        };
        if text[..n.start()]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit() || p == '第' || p == '.' || p == '-')
        {
            continue;
        }
        let before: String = text[..m.start()]
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if STAFF_BEFORE.iter().any(|w| before.ends_with(w)) {
            continue;
        }
        let after = &text[m.end()..];
        if NOT_TOTAL_AFTER.iter().any(|w| after.starts_with(w))
            || after.starts_with('(') && after[1..].chars().take(4).any(|c| c == '歳')
        {
            continue;
        }
        // 回 counts only accesses (`106回アクセス`), not repetitions.
        if u.as_str() == "回" && !after.starts_with("アクセス") {
            continue;
        }
        let Some(count) = parse_ja_number(n.as_str()) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        let unit = format!(
            "{}{}",
            u.as_str(),
            c.get(4).map(|x| x.as_str()).unwrap_or("")
        );
        out.push(CountHit {
            start: m.start(),
            end: m.end(),
            count,
            unit,
            max: c.get(1).is_some_and(|q| q.as_str() == "最大"),
        });
    }
    let english = text.bytes().filter(u8::is_ascii_alphabetic).take(8).count() >= 8;
    for c in COUNT_EN.captures_iter(if english { text } else { "" }) {
        let (Some(m), Some(n), Some(what)) = (c.get(0), c.get(2), c.get(4)) else {
            continue;
        };
        let Ok(v) = n.as_str().replace(',', "").parse::<f64>() else {
            continue;
        };
        let count = (v * scale(c.get(3).map(|x| x.as_str()))).round() as u64;
        if count == 0
            || (1900..=2100).contains(&count) && c.get(3).is_none() && !n.as_str().contains(',')
        {
            continue;
        }
        let unit = what.as_str().rsplit(' ').next().unwrap_or("").to_string();
        let q = c.get(1).map(|x| x.as_str().trim().to_ascii_lowercase());
        out.push(CountHit {
            start: m.start(),
            end: m.end(),
            count,
            unit,
            max: q.as_deref() == Some("up to"),
        });
    }
    out.sort_by_key(|h| h.start);
    out
}

pub fn find_money(text: &str) -> Vec<MoneyHit> {
    let mut out = Vec::new();
    let yen = ["円", "ドル", "ユーロ"].iter().any(|n| text.contains(n));
    for c in MONEY_JA.captures_iter(if yen { text } else { "" }) {
        let (Some(m), Some(n)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if text[..n.start()]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit() || p == '.')
        {
            continue;
        }
        let Some(base) = parse_ja_number(n.as_str()) else {
            continue;
        };
        let factor: u64 = match c.get(2).map(|x| x.as_str()) {
            Some("百万") => 1_000_000,
            Some("千万") => 10_000_000,
            Some("千") => 1_000,
            _ => 1,
        };
        let currency = match &c[3] {
            "円" => "JPY",
            "ユーロ" => "EUR",
            _ => "USD",
        };
        out.push(MoneyHit {
            start: m.start(),
            end: m.end(),
            amount: base.saturating_mul(factor),
            currency,
        });
    }
    let symbol = text.contains(['$', '€', '£', '¥']);
    for c in MONEY_EN.captures_iter(if symbol { text } else { "" }) {
        let (Some(m), Some(n)) = (c.get(0), c.get(2)) else {
            continue;
        };
        let Ok(v) = n.as_str().replace(',', "").parse::<f64>() else {
            continue;
        };
        let amount = (v * scale(c.get(3).map(|x| x.as_str()))).round() as u64;
        let currency = match &c[1] {
            "€" => "EUR",
            "£" => "GBP",
            "¥" => "JPY",
            _ => "USD",
        };
        if amount > 0 {
            out.push(MoneyHit {
                start: m.start(),
                end: m.end(),
                amount,
                currency,
            });
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(t: &str) -> Vec<u64> {
        find_counts(t).into_iter().map(|c| c.count).collect()
    }
    fn money(t: &str) -> Vec<u64> {
        find_money(t).into_iter().map(|c| c.amount).collect()
    }

    #[test]
    fn japanese_counts() {
        assert_eq!(
            counts("2,312件、39万件、1万1379件、最大10,450件、約1000人分"),
            [2312, 390000, 11379, 10450, 1000]
        );
        assert_eq!(counts("顧客最大2110人分の情報"), [2110]);
        assert!(find_counts("最大1,846名")[0].max);
        assert_eq!(counts("17世帯37人分、500通"), [17, 37, 500]);
        assert_eq!(counts("最大4万5千件、約3千人"), [45000, 3000]);
        assert_eq!(money("被害額は5千万円"), [50_000_000]);
    }

    #[test]
    fn staff_batches_and_ages_are_not_counts() {
        assert!(
            counts("従業員1人のパソコン、200件ずつ送信、作業員1名(71歳)、パソコン8台、3日間")
                .is_empty()
        );
        assert_eq!(counts("700回にわたって送信、106回アクセス"), [106]);
    }

    #[test]
    fn money_forms() {
        assert_eq!(money("合計6億8300万円"), [683_000_000]);
        assert_eq!(money("3億8,000万円の被害"), [380_000_000]);
        assert_eq!(money("その他費用に168百万円"), [168_000_000]);
        assert_eq!(money("125万ドルの罰金"), [1_250_000]);
        assert_eq!(
            money("a $1.25 million fine and $50,000"),
            [1_250_000, 50_000]
        );
        assert_eq!(money("約2億円"), [200_000_000]);
    }

    #[test]
    fn english_counts() {
        assert_eq!(
            counts("affecting 180,000 customers and 9.4 million passengers"),
            [180_000, 9_400_000]
        );
        assert!(counts("In 2019 users").is_empty());
    }
}
