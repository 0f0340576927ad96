//! Organisation names reduced to a comparable form: NFKC, company-form words
//! and labels removed, spaces and punctuation dropped, lower case.

use unicode_normalization::UnicodeNormalization;

/// Legal-form words removed wherever they occur (after NFKC).
const FORMS: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "(株)",
    "(有)",
    "(同)",
    "㈱",
    "㈲",
    "公益財団法人",
    "一般財団法人",
    "公益社団法人",
    "一般社団法人",
    "特定非営利活動法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "学校法人",
    "国立大学法人",
    "独立行政法人",
    "地方独立行政法人",
];

/// Latin legal-form words removed when they stand as words.
const LATIN_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "company",
    "the",
];

/// Labels that extraction sometimes leaves in front of a name.
const LABELS: &[&str] = &["会社名", "社名", "法人名", "団体名"];

/// The comparable form of an organisation name ("" when nothing is left).
pub fn normalize_name(name: &str) -> String {
    let mut s: String = name.nfkc().collect::<String>().to_lowercase();
    for f in FORMS {
        s = s.replace(f, " ");
    }
    let mut s = s.trim().to_string();
    for l in LABELS {
        if let Some(rest) = s.strip_prefix(l) {
            s = rest.trim_start_matches([':', ' ', '：']).to_string();
        }
    }
    // Latin legal forms as whole words.
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty() && !LATIN_FORMS.contains(w))
        .collect();
    let mut out: String = words
        .concat()
        .chars()
        .filter(|c| !(c.is_whitespace() || c.is_ascii_punctuation() || *c == '・'))
        .collect();
    // "X社" (but not 会社, 商社 … where nothing of a name would be left).
    if out.chars().count() >= 3 && out.ends_with('社') && !out.ends_with("会社") {
        out.pop();
    }
    out
}

/// Whether two normalised names denote the same organisation: equal, or one
/// contains the other and the shorter has at least three characters.
pub fn same_name(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    short.chars().count() >= 3 && long.contains(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_forms_and_labels_are_removed() {
        assert_eq!(normalize_name("株式会社ミナト精工"), "ミナト精工");
        assert_eq!(normalize_name("(株)ミナト精工"), "ミナト精工");
        assert_eq!(normalize_name("（株）ミナト精工"), "ミナト精工");
        assert_eq!(normalize_name("ミナト精工社"), "ミナト精工");
        assert_eq!(normalize_name("会社名  北浜フーズ株式会社"), "北浜フーズ");
        assert_eq!(normalize_name("Riverbend Health, Inc."), "riverbendhealth");
        assert_eq!(normalize_name("ＡＢＣ　Ｃｏｒｐ．"), "abc");
        assert_eq!(normalize_name("商社"), "商社");
    }

    #[test]
    fn names_match_when_one_contains_the_other() {
        assert!(same_name("ミナト精工", "ミナト精工"));
        assert!(same_name("ミナト精工", "ミナト精工大阪支店"));
        assert!(!same_name("ミナ", "ミナト精工"));
        assert!(!same_name("", "x"));
    }
}
