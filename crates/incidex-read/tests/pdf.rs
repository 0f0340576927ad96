//! PDF text-layer extraction.

mod common;

use common::{fixtures, minimal_pdf, minimal_pdf_with, SENTENCE_EN};
use incidex_read::{read_bytes, read_path, Format, Limits, ReadError};

#[test]
fn minimal_pdf_text_is_extracted() {
    let pdf = minimal_pdf(&[SENTENCE_EN]);
    let doc = read_bytes(&pdf, "notice.pdf", &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Pdf);
    assert_eq!(doc.encoding, "PDF");
    assert!(doc.text.contains(SENTENCE_EN), "got {:?}", doc.text);
}

#[test]
fn pdf_is_sniffed_without_extension() {
    let pdf = minimal_pdf(&[SENTENCE_EN]);
    let doc = read_bytes(&pdf, "-", &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Pdf);
    assert!(doc.text.contains("ransomware attack"));
}

#[test]
fn truncated_pdf_is_an_error_not_a_panic() {
    let pdf = minimal_pdf(&[SENTENCE_EN]);
    for cut in [9, pdf.len() / 3, pdf.len() / 2, pdf.len() - 30] {
        match read_bytes(&pdf[..cut], "cut.pdf", &Limits::default()) {
            Err(ReadError::CorruptPdf(detail)) => assert!(!detail.is_empty()),
            // Salvage by the parser is acceptable as long as it is the right text.
            Ok(doc) => assert!(
                doc.text.contains("Example Corp"),
                "cut {cut}: {:?}",
                doc.text
            ),
            Err(other) => panic!("cut {cut}: unexpected {other}"),
        }
    }
}

#[test]
fn garbage_after_pdf_magic_is_corrupt() {
    let err = read_bytes(
        b"%PDF-1.4\nthis is not really a pdf",
        "x.pdf",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ReadError::CorruptPdf(_)), "{err}");
    assert!(err.to_string().starts_with("corrupt PDF: "), "{err}");
}

#[test]
fn pdf_without_text_has_no_text_layer() {
    let pdf = minimal_pdf(&[]);
    let err = read_bytes(&pdf, "scan.pdf", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::PdfNoText), "{err}");
    assert_eq!(err.to_string(), "PDF has no text layer (scanned image?)");
}

#[test]
fn nesting_just_under_the_limit_does_not_overflow() {
    // 9,000 nested arrays: accepted by the pre-scan, so the recursive parser
    // really descends them, on the extraction thread's large stack.
    let n = 9_000;
    let junk = format!("/Junk {}{} ", "[".repeat(n), "]".repeat(n));
    let pdf = minimal_pdf_with(&[SENTENCE_EN], &junk);
    match read_bytes(&pdf, "deep.pdf", &Limits::default()) {
        Ok(doc) => assert!(doc.text.contains(SENTENCE_EN)),
        Err(err) => assert!(matches!(err, ReadError::CorruptPdf(_)), "{err}"),
    }
}

#[test]
fn nesting_over_the_limit_is_refused() {
    let n = 50_000;
    let junk = format!("/Junk {}{} ", "<<".repeat(n), ">>".repeat(n));
    let pdf = minimal_pdf_with(&[SENTENCE_EN], &junk);
    let err = read_bytes(&pdf, "deep.pdf", &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "corrupt PDF: objects nested 50001 levels deep"
    );
}

#[test]
fn fixture_sample_pdf() {
    let doc = read_path(&fixtures().join("sample.pdf"), &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Pdf);
    assert!(doc.text.contains(SENTENCE_EN), "got {:?}", doc.text);
    assert!(doc.text.contains("Northwind Parcel"), "got {:?}", doc.text);
}

/// Writes tests/fixtures/sample.pdf from the generator. Run once by hand:
/// `cargo test -p incidex-read --test pdf -- --ignored write_sample_pdf_fixture`
#[test]
#[ignore]
fn write_sample_pdf_fixture() {
    let pdf = minimal_pdf(&[
        SENTENCE_EN,
        "Northwind Parcel Ltd. said about 3,400 customer records may have been exposed.",
    ]);
    std::fs::write(fixtures().join("sample.pdf"), pdf).unwrap();
}

/// tests/fixtures/notice_ja.pdf was made by tests/fixtures/gen_notice_ja.py
/// (fpdf2 with an embedded IPA Gothic subset, which writes a ToUnicode map);
/// pdf-extract reads the CJK text layer back exactly.
#[test]
fn fixture_japanese_pdf() {
    let doc = read_path(&fixtures().join("notice_ja.pdf"), &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Pdf);
    let lines: Vec<&str> = doc.text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines,
        [
            "不正アクセスに関するお知らせ",
            common::SENTENCE_JA,
            common::SENTENCE_JA_2
        ]
    );
}
