//! No input can panic the extractor.
//!
//! Property tests feed arbitrary Unicode, Japanese-heavy text built from the
//! characters and words the parsers look for, and arbitrary bytes (through
//! the reader) to `Extractor::extract` and to every public parser, and check
//! the invariants every caller relies on: byte offsets are ordered, inside
//! the text and on character boundaries (callers slice with them), and the
//! character offsets of records and evidence lie inside the document.

use incidex_extract::{
    dates, indicators, normalize, numbers, orgs, segment, table, Extractor, Options,
};
use incidex_model::Record;
use once_cell::sync::Lazy;
use proptest::prelude::*;

static EX: Lazy<Extractor> = Lazy::new(|| Extractor::builtin().expect("built-in lexicons"));

/// Longest generated text, in characters (or tokens for the token strategy).
const MAX_LEN: usize = 2000;

/// Characters the parsers react to: dates, counts, money, eras, brackets in
/// both widths, indicator punctuation, list and sentence marks, newlines.
const JA_CHARS: &str = "0123456789０１２３４５６７８９٣๓𝟘年月日件名人万億千百十円~〜～()（）@.:/-第報,、。\n\n\n \t　\
令和平成昭和元株式会社有限合同法人一二三四五六七八九十不正アクセス流出漏えい感染公表発表被害顧客情報個人\
ランサムウェア攻撃サーバー約最大計米ドル社世帯台日月火水木金土曜午前後時分頃から年度同昨今翌\
■●□◆・「」『』【】<>[]{}\"'#*_%&=+?!|\\^$ABCDEFabcdefxyzNo.comjphttpswww";

/// Whole words, so that multi-character forms (`令和5年5月12日`, `株式会社`,
/// `hxxp[:]//`) appear far more often than random characters would make them.
const TOKENS: &[&str] = &[
    "2023年",
    "令和元年",
    "令和5年",
    "平成30年",
    "昭和64年",
    "5月",
    "12日",
    "(金)",
    "(金曜日)",
    "3/4",
    "2023/05/12",
    "2023-5-12",
    "March 4, 2023",
    "4 March 2023",
    "June of 2022",
    "~",
    "〜",
    "から",
    "まで",
    "同年",
    "昨年",
    "翌年",
    "第2報",
    "第十二報",
    "第一報",
    "1,234件",
    "約39万件",
    "1万1379件",
    "最大10,450人",
    "3億2,000万円",
    "約218万米ドル",
    "$1.25 million",
    "180,000 patients",
    "株式会社",
    "(株)",
    "有限会社",
    "テスト商事",
    "ミナト精工",
    "は",
    "が",
    "や",
    "など",
    "も。",
    "、",
    "。",
    "\n",
    "\n\n",
    " ",
    "　",
    "\t",
    "■",
    "1.",
    "(1)",
    "①",
    "No 業種 原因 概要",
    "1 製造業 不正アクセス",
    "2 金融 誤送信",
    "3",
    "6金融サイバー攻撃",
    "不正アクセス",
    "ランサムウェア",
    "LockBit",
    "Emotet",
    "感染",
    "流出",
    "漏えい",
    "公表",
    "発表",
    "明らかに",
    "お詫び",
    "について",
    "出典",
    "リークサイト",
    "被害組織",
    "A社(a.example.jp)",
    "hxxps[:]//evil[.]example[.]com/a",
    "user@example.co.jp",
    "203.0.113.7",
    "d41d8cd98f00b204e9800998ecf8427e",
    "(証券コード:7391)",
    "東証プライム:1234",
    "(6487)",
    "顧客情報",
    "クレジットカード",
    "メールアドレス",
    "氏名",
    "には",
    "いずれも",
    "\u{FEFF}",
    "\u{200B}",
    "\u{301C}",
    "\u{FF5E}",
    "\u{2212}",
    "ｱｲｳ",
    "ｶﾞ",
    "é",
    "🎌",
];

fn arbitrary_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..MAX_LEN).prop_map(|v| v.into_iter().collect())
}

fn japanese_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> = JA_CHARS.chars().collect();
    let one = prop_oneof![
        8 => proptest::sample::select(chars),
        1 => any::<char>(),
    ];
    proptest::collection::vec(one, 0..MAX_LEN).prop_map(|v| v.into_iter().collect())
}

fn token_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> = JA_CHARS.chars().collect();
    let piece = prop_oneof![
        6 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        3 => proptest::sample::select(chars).prop_map(|c| c.to_string()),
        1 => "[0-9]{1,6}",
    ];
    proptest::collection::vec(piece, 0..MAX_LEN / 4).prop_map(|v| v.concat())
}

/// Any of the three text strategies.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![arbitrary_text(), japanese_text(), token_text()]
}

fn check_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(
        end <= text.len(),
        "{what}: end {end} past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: [{start}, {end}) not on character boundaries"
    );
}

/// Character offsets of records and their evidence lie inside the document.
fn check_records(text: &str, records: &[Record]) {
    let chars = text.chars().count();
    for r in records {
        let [s, e] = r.span;
        assert!(
            s <= e && e <= chars,
            "record span {:?} outside 0..={chars}",
            r.span
        );
        for (field, items) in &r.evidence {
            for it in items {
                let [s, e] = it.span;
                assert!(
                    s <= e && e <= chars,
                    "evidence {field} {:?} span {:?} outside 0..={chars}",
                    it.value,
                    it.span
                );
            }
        }
        let dates = [
            &r.dates.disclosed,
            &r.dates.occurred_from,
            &r.dates.occurred_to,
            &r.dates.discovered,
        ];
        for d in dates
            .into_iter()
            .flatten()
            .chain(r.timeline.iter().map(|t| &t.date))
        {
            check_iso(d);
        }
    }
}

/// `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
fn check_iso(d: &str) {
    let parts: Vec<&str> = d.split('-').collect();
    let ok = (parts.len() == 2 || parts.len() == 3)
        && parts[0].len() == 4
        && parts[0].parse::<u32>().is_ok()
        && parts[1].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && parts
            .get(2)
            .is_none_or(|x| x.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)));
    assert!(ok, "date {d:?} is not YYYY-MM or YYYY-MM-DD");
}

fn extract_all_ways(text: &str) {
    for opts in [
        Options::default(),
        Options {
            lines_are_blocks: true,
            ..Options::default()
        },
        Options {
            doc_date: Some((2023, 1, 1)),
            ..Options::default()
        },
    ] {
        let records = EX.extract("doc", text, &opts);
        check_records(text, &records);
        for r in &records {
            assert_eq!(r.doc, "doc");
        }
    }
}

fn check_normalize(text: &str) {
    let chars = text.chars().count();
    for join in [true, false] {
        let n = normalize::normalize_with(text, join);
        let t = n.text.as_str();
        let bounds: Vec<usize> = t
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(t.len()))
            .collect();
        let mut last_start = 0;
        for (k, &a) in bounds.iter().enumerate() {
            // Every start with a spread of ends: the empty range, the next
            // character, a few further on and the end of the text; all pairs
            // when the text is short.
            let ends: Vec<usize> = if bounds.len() <= 120 {
                bounds[k..].to_vec()
            } else {
                [k, k + 1, k + 2, k + 7, k + 31, bounds.len() - 1]
                    .into_iter()
                    .filter_map(|j| bounds.get(j).copied())
                    .collect()
            };
            for b in ends {
                let (s, e) = n.orig_span(a, b);
                assert!(s <= e, "orig_span({a}, {b}) = ({s}, {e}): start > end");
                assert!(
                    e <= chars,
                    "orig_span({a}, {b}) = ({s}, {e}) past {chars} characters"
                );
            }
            // Folding keeps order: later bytes come from later characters.
            let (s, _) = n.orig_span(a, a);
            assert!(s >= last_start, "orig_span not monotonic at byte {a}");
            last_start = s;
        }
        // Out-of-range requests are clamped, not a panic.
        let (s, e) = n.orig_span(t.len() + 5, t.len() + 10);
        assert!(s <= e && e <= chars);
    }
}

fn check_parsers(text: &str) {
    let hits = dates::find_dates(text);
    for h in &hits {
        check_range(text, h.start, h.end, "find_dates");
        assert!(
            h.month <= 12,
            "find_dates: month {} in {:?}",
            h.month,
            &text[h.start..h.end]
        );
    }
    for year in [2023, 1, 9999] {
        for m in dates::resolve(text, &hits, year) {
            check_range(text, m.start, m.end, "resolve");
            assert!(
                (1..=12).contains(&m.date.month),
                "resolve: month {} in {:?}",
                m.date.month,
                &text[m.start..m.end]
            );
        }
    }
    let _ = dates::document_year(&hits);
    for h in numbers::find_counts(text) {
        check_range(text, h.start, h.end, "find_counts");
    }
    for h in numbers::find_money(text) {
        check_range(text, h.start, h.end, "find_money");
    }
    let _ = numbers::parse_ja_number(text);
    for piece in text.split(['\n', ' ', '、', '。']) {
        let _ = numbers::parse_ja_number(piece);
    }
    for h in indicators::find_indicators(text) {
        check_range(text, h.start, h.end, "find_indicators");
    }
    for h in orgs::company_names(text) {
        check_range(text, h.start, h.end, "company_names");
    }
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let quarter = bounds[bounds.len() / 4];
    let three_quarters = bounds[bounds.len() * 3 / 4];
    for (from, to) in [
        (0, text.len()),
        (quarter, three_quarters),
        (three_quarters, quarter),
    ] {
        for s in segment::sections(text, from, to) {
            check_range(text, s.start, s.end, "sections");
            assert!(
                s.start <= s.heading_end && s.heading_end <= s.end,
                "sections: heading_end"
            );
            let _ = (s.heading(text), s.body(text));
        }
    }
    for tb in table::find_tables(text) {
        check_range(text, tb.start, tb.end, "find_tables");
        for row in &tb.rows {
            check_range(text, row.start, row.end, "table row");
            assert!(
                row.start <= row.cells_end && row.cells_end <= row.end,
                "table row cells_end"
            );
            for &(s, e) in &row.cells {
                check_range(text, s, e, "table cell");
            }
        }
    }
}

proptest! {
    #[test]
    fn extract_never_panics_on_arbitrary_unicode(text in arbitrary_text()) {
        extract_all_ways(&text);
    }

    #[test]
    fn extract_never_panics_on_japanese_text(text in japanese_text()) {
        extract_all_ways(&text);
    }

    #[test]
    fn extract_never_panics_on_notice_like_tokens(text in token_text()) {
        extract_all_ways(&text);
    }

    #[test]
    fn parsers_never_panic(text in any_text()) {
        check_parsers(&text);
    }

    #[test]
    fn normalize_offsets_stay_inside_the_original(text in any_text()) {
        check_normalize(&text);
    }

    #[test]
    fn reader_then_extract_never_panics(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..4000),
            // Bytes that start like the formats the reader recognises.
            (
                proptest::sample::select(vec![
                    &b"%PDF-1.4\n"[..], b"<html>", b"<!DOCTYPE html><meta charset=shift_jis>",
                    b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\x82\xa0\x82\xa2", b"\xa4\xa2",
                ]),
                proptest::collection::vec(any::<u8>(), 0..4000),
            )
                .prop_map(|(head, rest)| [head, &rest[..]].concat()),
            // Valid text re-encoded, then possibly cut short.
            (token_text(), any::<prop::sample::Index>()).prop_map(|(t, i)| {
                let b = t.into_bytes();
                let cut = if b.is_empty() { 0 } else { i.index(b.len() + 1) };
                b[..cut].to_vec()
            }),
        ],
        name in proptest::sample::select(vec!["x.txt", "x.html", "x.pdf", "-", "x.eml"]),
    ) {
        let limits = incidex_read::Limits::default();
        if let Ok(doc) = incidex_read::read_bytes(&bytes, name, &limits) {
            let opts = Options {
                lines_are_blocks: doc.format == incidex_read::Format::Html,
                ..Options::default()
            };
            let records = EX.extract(name, &doc.text, &opts);
            check_records(&doc.text, &records);
        }
    }
}

/// Pathological shapes that random generation rarely reaches.
#[test]
fn extract_survives_pathological_shapes() {
    let long_line = "株式会社テスト商事は不正アクセスを公表。".repeat(5_000);
    let many_lines = "1\n".repeat(20_000);
    let table = format!(
        "No 業種 原因 概要\n{}",
        (1..=500)
            .map(|i| format!("{i} 製造業 不正アクセス 株式会社{i}が流出\n"))
            .collect::<String>()
    );
    let digits = "9".repeat(10_000);
    let nested = "(".repeat(10_000) + &")".repeat(10_000);
    let dates = "2023年5月12日〜".repeat(3_000);
    let numbers = "1,".repeat(10_000) + "件";
    for text in [long_line, many_lines, table, digits, nested, dates, numbers] {
        extract_all_ways(&text);
        check_parsers(&text);
    }
}

/// The invariants hold on real notices too, where records and evidence exist.
#[test]
fn invariants_hold_on_the_example_corpus() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/corpus"
    ));
    let mut with_records = 0;
    let mut evidence = 0;
    for entry in std::fs::read_dir(dir).expect("examples/corpus") {
        let path = entry.expect("corpus entry").path();
        let doc = incidex_read::read_path(&path, &incidex_read::Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let opts = Options {
            lines_are_blocks: doc.format == incidex_read::Format::Html,
            ..Options::default()
        };
        let records = EX.extract("doc", &doc.text, &opts);
        check_records(&doc.text, &records);
        check_parsers(&doc.text);
        check_normalize(&doc.text);
        with_records += usize::from(!records.is_empty());
        evidence += records
            .iter()
            .flat_map(|r| r.evidence.values())
            .map(Vec::len)
            .sum::<usize>();
    }
    assert!(
        with_records >= 20,
        "only {with_records} corpus files gave records"
    );
    assert!(
        evidence > 100,
        "only {evidence} evidence spans in the corpus"
    );
}

/// The token strategy reaches the deep paths: some generated texts give
/// records (with evidence), so the record invariants above are exercised.
#[test]
fn token_strategy_reaches_records() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let strategy = token_text();
    let mut with_records = 0;
    for _ in 0..100 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        let records = EX.extract("doc", &text, &Options::default());
        check_records(&text, &records);
        with_records += usize::from(records.iter().any(|r| !r.evidence.is_empty()));
    }
    assert!(
        with_records >= 20,
        "only {with_records} of 100 token texts gave records"
    );
}
