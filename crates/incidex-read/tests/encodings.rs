//! Encoding detection and decoding: every supported encoding is produced
//! programmatically from the same invented sentences and must round-trip,
//! with the right encoding name; broken input must be refused, not guessed.

mod common;

use common::{encode, utf16_with_bom, SENTENCE_EN, SENTENCE_JA, SENTENCE_JA_2};
use encoding_rs::{EUC_JP, ISO_2022_JP, SHIFT_JIS};
use incidex_read::{decode, read_bytes, Format, Limits, ReadError};

fn two_lines(sep: &str) -> String {
    format!("{SENTENCE_JA}{sep}{SENTENCE_JA_2}{sep}")
}

fn expected() -> String {
    two_lines("\n")
}

#[test]
fn utf8_plain() {
    assert_eq!(
        decode(expected().as_bytes()).unwrap(),
        (expected(), "UTF-8")
    );
}

#[test]
fn utf8_bom_is_stripped() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(expected().as_bytes());
    let (text, enc) = decode(&bytes).unwrap();
    assert_eq!(enc, "UTF-8");
    assert_eq!(text, expected());
    assert!(!text.starts_with('\u{FEFF}'));
}

#[test]
fn utf16le_with_bom() {
    let bytes = utf16_with_bom(&two_lines("\r\n"), true);
    assert_eq!(decode(&bytes).unwrap(), (expected(), "UTF-16LE"));
}

#[test]
fn utf16be_with_bom() {
    let bytes = utf16_with_bom(&two_lines("\r\n"), false);
    assert_eq!(decode(&bytes).unwrap(), (expected(), "UTF-16BE"));
}

#[test]
fn shift_jis() {
    let bytes = encode(SHIFT_JIS, &expected());
    assert_eq!(decode(&bytes).unwrap(), (expected(), "Shift_JIS"));
}

#[test]
fn shift_jis_single_sentence() {
    let bytes = encode(SHIFT_JIS, SENTENCE_JA);
    assert_eq!(
        decode(&bytes).unwrap(),
        (SENTENCE_JA.to_owned(), "Shift_JIS")
    );
}

#[test]
fn cp932_extensions_and_halfwidth_kana() {
    // NEC special characters (①, ㈱), an IBM extension kanji (髙) and
    // half-width katakana only exist in the CP932 flavour of Shift_JIS.
    let text = "㈱髙木ﾃｽﾄ工業より①漏えいの可能性についてご報告いたします。\n";
    let bytes = encode(SHIFT_JIS, text);
    assert_eq!(decode(&bytes).unwrap(), (text.to_owned(), "Shift_JIS"));
}

#[test]
fn euc_jp() {
    let bytes = encode(EUC_JP, &expected());
    assert_eq!(decode(&bytes).unwrap(), (expected(), "EUC-JP"));
}

#[test]
fn euc_jp_single_sentence() {
    let bytes = encode(EUC_JP, SENTENCE_JA);
    assert_eq!(decode(&bytes).unwrap(), (SENTENCE_JA.to_owned(), "EUC-JP"));
}

#[test]
fn iso_2022_jp() {
    let text = format!("{}Ref: INC-0042 {}", expected(), SENTENCE_EN);
    let bytes = encode(ISO_2022_JP, &text);
    assert!(bytes.windows(3).any(|w| w == b"\x1b$B"), "escape expected");
    assert!(bytes.iter().all(u8::is_ascii));
    assert_eq!(decode(&bytes).unwrap(), (text, "ISO-2022-JP"));
}

#[test]
fn newlines_are_normalised() {
    let (text, _) = decode(b"line one\r\nline two\rline three\n").unwrap();
    assert_eq!(text, "line one\nline two\nline three\n");
    let (text, enc) = decode(&encode(SHIFT_JIS, &two_lines("\r\n"))).unwrap();
    assert_eq!((text, enc), (expected(), "Shift_JIS"));
}

#[test]
fn ascii_english_is_utf8() {
    let doc = read_bytes(SENTENCE_EN.as_bytes(), "notice.txt", &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Text);
    assert_eq!(doc.encoding, "UTF-8");
    assert_eq!(doc.text, SENTENCE_EN);
}

#[test]
fn utf8_with_invalid_bytes_is_an_error_with_offset() {
    let good = expected();
    let mut bytes = good.as_bytes().to_vec();
    let at = SENTENCE_JA.len(); // a character boundary in the middle
    bytes.splice(at..at, [0xFF, 0xFE, 0x80]);
    let err = decode(&bytes).unwrap_err();
    assert!(
        matches!(err, ReadError::InvalidUtf8 { offset } if offset == at),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("invalid UTF-8 at byte {at} and no other encoding fits")
    );

    // A truncated multi-byte character at the very end.
    let mut bytes = good.as_bytes().to_vec();
    bytes.extend(&"漏".as_bytes()[..2]);
    let err = decode(&bytes).unwrap_err();
    assert!(
        matches!(err, ReadError::InvalidUtf8 { offset } if offset == good.len()),
        "{err:?}"
    );
}

#[test]
fn utf8_bom_with_invalid_bytes_counts_the_bom() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(b"abc\xC3(def");
    let err = decode(&bytes).unwrap_err();
    assert!(
        matches!(err, ReadError::InvalidUtf8 { offset: 6 }),
        "{err:?}"
    );
}

#[test]
fn legacy_bytes_that_fit_nothing_are_refused() {
    // Latin-1 "é" followed by a space is neither Shift_JIS nor EUC-JP.
    let err = decode(b"The caf\xE9 at Rue Imaginaire was breached. ").unwrap_err();
    assert!(matches!(err, ReadError::NoEncoding), "{err:?}");
    assert_eq!(
        err.to_string(),
        "not valid UTF-8 and no Japanese encoding fits"
    );

    // Shift_JIS text with a byte that is invalid in every candidate.
    let mut bytes = encode(SHIFT_JIS, &expected());
    bytes.insert(10, 0xFF);
    assert!(matches!(decode(&bytes), Err(ReadError::NoEncoding)));
}

#[test]
fn broken_utf16_is_an_error_with_offset() {
    let mut bytes = utf16_with_bom("ab", true);
    bytes.extend([0x00, 0xDC]); // lone low surrogate at byte 6
    bytes.extend([0x63, 0x00]);
    let err = decode(&bytes).unwrap_err();
    assert_eq!(err.to_string(), "invalid UTF-16LE at byte 6");

    let mut bytes = utf16_with_bom("ab", false);
    bytes.push(0x41); // odd trailing byte
    let err = decode(&bytes).unwrap_err();
    assert_eq!(err.to_string(), "invalid UTF-16BE at byte 6");
}

#[test]
fn text_extension_does_not_parse_markup() {
    let doc = read_bytes(b"<html><p>kept as is</p>", "raw.txt", &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Text);
    assert_eq!(doc.text, "<html><p>kept as is</p>");
}

#[test]
fn shift_jis_via_read_bytes_and_stdin() {
    let bytes = encode(SHIFT_JIS, &expected());
    for hint in ["notice.txt", "-", "notice"] {
        let doc = read_bytes(&bytes, hint, &Limits::default()).unwrap();
        assert_eq!(
            (doc.text.as_str(), doc.encoding, doc.format),
            (expected().as_str(), "Shift_JIS", Format::Text)
        );
    }
}

#[test]
fn western_legacy_bytes_are_not_passed_off_as_japanese() {
    // Windows-1252 smart quotes and a copyright sign: every byte pair happens
    // to be valid Shift_JIS, but the result would be nonsense kanji.
    let bytes: &[u8] = b"Example Corp\x92s systems were accessed by an outsider; \
        Harbor\x92s backups \xA9 2024 remained intact.";
    assert!(
        SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some(),
        "the test needs bytes that are clean Shift_JIS"
    );
    let err = decode(bytes).unwrap_err();
    assert!(matches!(err, ReadError::NoEncoding), "{err:?}");
}

#[test]
fn short_legacy_japanese() {
    for text in ["お知らせ", "個人情報の漏えい", "不正アクセス被害について\n"]
    {
        for enc in [SHIFT_JIS, EUC_JP] {
            let got = decode(&encode(enc, text));
            assert_eq!(
                got.unwrap(),
                (text.to_owned(), enc.name()),
                "{text} in {}",
                enc.name()
            );
        }
    }
}

#[test]
fn damaged_iso_2022_jp_is_refused() {
    let mut bytes = encode(ISO_2022_JP, SENTENCE_JA);
    // Drop one byte inside the first two-byte run: every later pair shifts.
    bytes.remove(5);
    let err = decode(&bytes).unwrap_err();
    assert!(matches!(err, ReadError::NoEncoding), "{err:?}");
}
