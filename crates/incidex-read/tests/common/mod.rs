//! Helpers shared by the integration tests. Every sentence here is invented
//! for these tests, as are the company names.
#![allow(dead_code)] // each test binary uses a different subset

/// A Japanese notice sentence written for these tests.
pub const SENTENCE_JA: &str =
    "株式会社テスト商事は、第三者による不正アクセスを受けたことを公表しました。";

/// A second line, so multi-line handling is exercised too.
pub const SENTENCE_JA_2: &str = "対象となる顧客情報は約１２００件です。";

/// An English notice sentence written for these tests.
pub const SENTENCE_EN: &str = "Example Corp disclosed a ransomware attack on March 4, 2022.";

/// Encodes with encoding_rs, asserting the text was representable.
pub fn encode(enc: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "test text not representable in {}", enc.name());
    bytes.into_owned()
}

/// UTF-16 with a byte-order mark (encoding_rs only encodes to UTF-8 and
/// legacy encodings, so this is done by hand).
pub fn utf16_with_bom(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        if little_endian {
            out.extend(unit.to_le_bytes());
        } else {
            out.extend(unit.to_be_bytes());
        }
    }
    out
}

/// A minimal single-page PDF 1.4 showing `lines` in Helvetica (one text
/// line each), with a correct xref table computed from the real offsets.
pub fn minimal_pdf(lines: &[&str]) -> Vec<u8> {
    minimal_pdf_with(lines, "")
}

/// [`minimal_pdf`] with `page_extra` spliced into the page dictionary (for
/// stress tests of the PDF parser).
pub fn minimal_pdf_with(lines: &[&str], page_extra: &str) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 12 Tf\n14 TL\n72 720 Td\n");
    for line in lines {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {page_extra}\
             /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        format!(
            "<< /Length {} >>\nstream\n{}endstream",
            content.len(),
            content
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];

    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
    }
    let xref_at = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        pdf.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The directory of checked-in fixtures.
pub fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
