//! A report's text cut into segments, the evidence of every extracted value
//! marked; templates escape each segment, so document text never becomes
//! markup. Offsets are in characters, as records store them.

use incidex_model::Record;

/// A run of text, marked when it is evidence of some value.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
    /// What the marked text is evidence of (`field: value`, one per line).
    pub title: String,
    /// Anchors of the evidence items that start here.
    pub anchors: Vec<String>,
}

/// One extracted value, where it is and the sentence around it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    pub field: String,
    pub value: String,
    pub anchor: String,
    pub before: String,
    pub quote: String,
    pub after: String,
}

/// A report's text with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlighted {
    pub segments: Vec<Segment>,
    pub evidence: Vec<EvidenceRow>,
}

struct Item {
    field: String,
    value: String,
    start: usize,
    end: usize,
    anchor: String,
}

/// How far a sentence reaches each way at most.
const SENTENCE_REACH: usize = 80;

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '\n' | '!' | '?')
}

/// `text` (the report's characters, starting at document offset `offset`)
/// with the evidence of `record` marked; anchors start with `prefix`.
pub fn highlight(prefix: &str, text: &str, offset: usize, record: &Record) -> Highlighted {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let mut items: Vec<Item> = Vec::new();
    for (field, list) in &record.evidence {
        for ev in list {
            let start = ev.span[0].saturating_sub(offset).min(len);
            let end = ev.span[1].saturating_sub(offset).min(len);
            if ev.span[0] < offset || start >= end {
                continue;
            }
            items.push(Item {
                field: field.clone(),
                value: ev.value.clone(),
                start,
                end,
                anchor: String::new(),
            });
        }
    }
    // Anchors number the evidence in reading order.
    items.sort_by_key(|i| (i.start, i.end));
    for (k, i) in items.iter_mut().enumerate() {
        i.anchor = format!("{prefix}-e{k}");
    }
    let mut cuts: Vec<usize> = vec![0, len];
    for i in &items {
        cuts.push(i.start);
        cuts.push(i.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut segments = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let covering: Vec<&Item> = items
            .iter()
            .filter(|i| i.start <= a && i.end >= b)
            .collect();
        segments.push(Segment {
            text: chars[a..b].iter().collect(),
            marked: !covering.is_empty(),
            title: covering
                .iter()
                .map(|i| format!("{}: {}", i.field, i.value))
                .collect::<Vec<_>>()
                .join("\n"),
            anchors: covering
                .iter()
                .filter(|i| i.start == a)
                .map(|i| i.anchor.clone())
                .collect(),
        });
    }
    let evidence = items
        .iter()
        .map(|i| {
            let mut s = i.start;
            while s > 0 && i.start - s < SENTENCE_REACH && !ends_sentence(chars[s - 1]) {
                s -= 1;
            }
            let mut e = i.end;
            while e < len && e - i.end < SENTENCE_REACH && !ends_sentence(chars[e]) {
                e += 1;
            }
            if e < len && chars[e] != '\n' {
                e += 1;
            }
            EvidenceRow {
                field: i.field.clone(),
                value: i.value.clone(),
                anchor: i.anchor.clone(),
                before: chars[s..i.start]
                    .iter()
                    .collect::<String>()
                    .trim_start()
                    .to_string(),
                quote: chars[i.start..i.end].iter().collect(),
                after: chars[i.end..e].iter().collect(),
            }
        })
        .collect();
    Highlighted { segments, evidence }
}

#[cfg(test)]
mod tests {
    use super::*;
    use incidex_model::EvidenceItem;

    fn record(evidence: &[(&str, &str, [usize; 2])]) -> Record {
        let mut r = Record::default();
        for (field, value, span) in evidence {
            r.evidence
                .entry(field.to_string())
                .or_default()
                .push(EvidenceItem {
                    value: value.to_string(),
                    span: *span,
                });
        }
        r
    }

    #[test]
    fn spans_are_characters_not_bytes() {
        // Document: "前文。株式会社架空商事は不正アクセスを受けました。" — the report starts at 3.
        let doc = "前文。株式会社架空商事は不正アクセスを受けました。";
        let text: String = doc.chars().skip(3).collect();
        let r = record(&[
            ("victims", "株式会社架空商事", [3, 11]),
            ("category", "unauthorized_access", [12, 18]),
        ]);
        let h = highlight("r1", &text, 3, &r);
        let marked: Vec<&str> = h
            .segments
            .iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, vec!["株式会社架空商事", "不正アクセス"]);
        let joined: String = h.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(h.evidence[1].quote, "不正アクセス");
        assert_eq!(h.evidence[1].before, "株式会社架空商事は");
        assert_eq!(h.evidence[1].after, "を受けました。");
        assert_eq!(h.segments[0].anchors, vec!["r1-e0".to_string()]);
    }

    #[test]
    fn overlapping_evidence_is_split_and_titled_by_both() {
        let text = "abcdefgh";
        let r = record(&[("a", "x", [1, 5]), ("b", "y", [3, 7])]);
        let h = highlight("p", text, 0, &r);
        let parts: Vec<(&str, bool)> = h
            .segments
            .iter()
            .map(|s| (s.text.as_str(), s.marked))
            .collect();
        assert_eq!(
            parts,
            vec![
                ("a", false),
                ("bc", true),
                ("de", true),
                ("fg", true),
                ("h", false)
            ]
        );
        assert_eq!(h.segments[2].title, "a: x\nb: y");
    }

    #[test]
    fn spans_outside_the_report_are_dropped() {
        let r = record(&[("a", "x", [0, 2]), ("b", "y", [10, 99])]);
        let h = highlight("p", "abcdef", 5, &r);
        // [0,2) lies before the report; [10,99) is clamped to the text's end.
        assert_eq!(h.evidence.len(), 1);
        assert_eq!(h.evidence[0].quote, "f");
    }
}
