//! Hostile, broken, empty, huge: the reader must answer with a clear error
//! or a result, never a panic, and never take quadratic time.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{minimal_pdf, SENTENCE_EN, SENTENCE_JA};
use incidex_read::{read_bytes, read_path, read_reader, Format, Limits, ReadError};
use proptest::prelude::*;

const HINTS: [&str; 4] = ["notice.txt", "notice.html", "notice.pdf", "-"];

#[test]
fn binary_png_is_refused() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend([0u8; 4096]);
    for hint in ["image.txt", "image.html", "-", "image.png"] {
        let err = read_bytes(&png, hint, &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::Binary), "{hint}: {err:?}");
        assert_eq!(err.to_string(), "binary data (not text, HTML or PDF)");
    }
}

#[test]
fn many_control_characters_are_binary() {
    let bytes: Vec<u8> = b"abc\x01\x02\x03\x04defghi\x05\x06".to_vec();
    assert!(matches!(
        read_bytes(&bytes, "-", &Limits::default()),
        Err(ReadError::Binary)
    ));
    // A few stray controls in prose are tolerated.
    let mut prose = SENTENCE_EN.repeat(3).into_bytes();
    prose.push(0x07);
    assert!(read_bytes(&prose, "-", &Limits::default()).is_ok());
}

#[test]
fn empty_inputs() {
    let utf16_bom_only = [0xFF, 0xFE];
    let utf16_spaces = [0xFE, 0xFF, 0x00, 0x20, 0x30, 0x00];
    let cases: [&[u8]; 6] = [
        b"",
        b"   \n\r\n\t",
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF \n",
        &utf16_bom_only,
        &utf16_spaces,
    ];
    for bytes in cases {
        for hint in HINTS {
            let err = read_bytes(bytes, hint, &Limits::default()).unwrap_err();
            assert!(matches!(err, ReadError::Empty), "{bytes:?} {hint}: {err:?}");
            assert_eq!(err.to_string(), "empty file");
        }
    }
}

#[test]
fn too_large_is_refused_before_reading() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let err = read_bytes(&[b'a'; 100], "a.txt", &limits).unwrap_err();
    assert_eq!(err.to_string(), "file too large: 100 bytes (limit 10)");

    let mut file = tempfile::Builder::new().suffix(".txt").tempfile().unwrap();
    file.write_all(&[b'a'; 100]).unwrap();
    let err = read_path(file.path(), &limits).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::TooLarge {
                size: 100,
                limit: 10
            }
        ),
        "{err:?}"
    );

    // A stream stops after limit + 1 bytes.
    let err = read_reader(std::io::repeat(b'a'), "-", &limits).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::TooLarge {
                size: 11,
                limit: 10
            }
        ),
        "{err:?}"
    );
}

#[test]
fn read_path_by_extension_and_errors_without_path() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.HTML");
    std::fs::write(&html, format!("<title>T</title><p>{SENTENCE_JA}</p>")).unwrap();
    let doc = read_path(&html, &Limits::default()).unwrap();
    assert_eq!(
        (doc.format, doc.text.as_str()),
        (Format::Html, format!("T\n{SENTENCE_JA}").as_str())
    );

    let pdf = dir.path().join("scan.pdf");
    std::fs::write(&pdf, minimal_pdf(&[SENTENCE_EN])).unwrap();
    assert_eq!(
        read_path(&pdf, &Limits::default()).unwrap().format,
        Format::Pdf
    );

    let missing = dir.path().join("missing-notice.txt");
    let err = read_path(&missing, &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Io(_)));
    let msg = err.to_string();
    assert!(msg.starts_with("cannot read: "), "{msg}");
    assert!(
        !msg.contains("missing-notice"),
        "path must not be in the reason: {msg}"
    );

    let err = read_path(dir.path(), &Limits::default()).unwrap_err();
    assert!(err.to_string().starts_with("cannot read: "), "{err}");
}

fn timed<T>(label: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    eprintln!("{label}: {took:?}");
    assert!(took < limit, "{label} took {took:?}");
    out
}

#[test]
fn ten_megabyte_single_line() {
    let line = SENTENCE_JA.repeat(10 * 1024 * 1024 / SENTENCE_JA.len());
    let doc = timed("10 MB text line", Duration::from_secs(20), || {
        read_bytes(line.as_bytes(), "long.txt", &Limits::default()).unwrap()
    });
    assert_eq!(doc.text.len(), line.len());

    let html = format!("<html><body><p>{line}</p></body></html>");
    let doc = timed("10 MB HTML line", Duration::from_secs(30), || {
        read_bytes(html.as_bytes(), "long.html", &Limits::default()).unwrap()
    });
    assert_eq!(doc.text, line);

    let sjis = common::encode(encoding_rs::SHIFT_JIS, &line);
    let doc = timed("10 MB Shift_JIS line", Duration::from_secs(20), || {
        read_bytes(&sjis, "long.txt", &Limits::default()).unwrap()
    });
    assert_eq!((doc.text.len(), doc.encoding), (line.len(), "Shift_JIS"));
}

#[test]
fn two_hundred_megabyte_crlf_file() {
    // Read through read_path, with every line ending rewritten: any
    // quadratic step would show here (it takes a few seconds in debug builds).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let expected_len = write_big_file(&path, 200 << 20);
    let doc = timed("200 MB file", Duration::from_secs(120), || {
        read_path(&path, &Limits::default()).unwrap()
    });
    assert_eq!(doc.text.len(), expected_len);
    assert!(!doc.text.contains('\r'));
}

/// Writes at least `size` bytes of CRLF-terminated lines; returns the text
/// length after newline normalisation.
fn write_big_file(path: &std::path::Path, size: usize) -> usize {
    let line = format!("{SENTENCE_JA} {SENTENCE_EN}\r\n");
    let count = size / line.len() + 1;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..count {
        out.write_all(line.as_bytes()).unwrap();
    }
    out.flush().unwrap();
    // Every "\r\n" becomes "\n"; the trailing newline is kept.
    count * (line.len() - 1)
}

/// Markup-ish strings: tags, entities, Japanese, whitespace, broken bits.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div>".to_owned()),
        Just("</div>".to_owned()),
        Just("<p>".to_owned()),
        Just("<br>".to_owned()),
        Just("<td>".to_owned()),
        Just("<tr>".to_owned()),
        Just("<table>".to_owned()),
        Just("<script>".to_owned()),
        Just("</script>".to_owned()),
        Just("<pre>".to_owned()),
        Just("<title>".to_owned()),
        Just("<svg>".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("&amp;&#x3042;&bogus;".to_owned()),
        Just("<meta charset=shift_jis>".to_owned()),
        Just("<a href=\"x>".to_owned()),
        Just(" \n\r\t".to_owned()),
        Just("公表しました。".to_owned()),
        "[a-z<>/=\"' ]{0,12}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Valid minimal PDFs with random damage: truncation and byte overwrites.
fn damaged_pdf() -> impl Strategy<Value = Vec<u8>> {
    let base = minimal_pdf(&[SENTENCE_EN]);
    let len = base.len();
    (0..=len, prop::collection::vec((0..len, any::<u8>()), 0..8)).prop_map(move |(cut, edits)| {
        let mut pdf = base.clone();
        for (at, byte) in edits {
            pdf[at] = byte;
        }
        pdf.truncate(cut);
        pdf
    })
}

fn check_no_panic(bytes: &[u8]) {
    for hint in HINTS {
        let limits = Limits {
            max_html_depth: 8,
            ..Limits::default()
        };
        match read_bytes(bytes, hint, &limits) {
            Ok(doc) => {
                assert!(!doc.text.contains('\r'), "{hint}: CR survived");
                assert!(!doc.encoding.is_empty());
            }
            Err(err) => assert!(!err.to_string().is_empty()),
        }
    }
}

proptest! {
    // Regressions are saved next to this file (tests/ has no lib.rs for the
    // default location).
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_no_panic(&bytes);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,1000}") {
        check_no_panic(text.as_bytes());
    }

    #[test]
    fn html_soup_never_panics(html in html_soup()) {
        check_no_panic(html.as_bytes());
        // Outside <pre>, no line starts or ends with a space.
        let doc = read_bytes(html.as_bytes(), "soup.html", &Limits::default());
        if let (Ok(doc), false) = (doc, html.contains("<pre>")) {
            for line in doc.text.lines() {
                prop_assert!(!line.ends_with(' ') && !line.starts_with(' '), "{:?}", line);
            }
        }
    }

    #[test]
    fn damaged_pdfs_never_panic(pdf in damaged_pdf()) {
        check_no_panic(&pdf);
    }

    #[test]
    fn utf8_text_round_trips(text in "[\\PC\n]{1,300}") {
        prop_assume!(!text.trim().is_empty());
        prop_assume!(text.chars().filter(|c| c.is_control() && !"\t\n\x0c".contains(*c)).count() == 0);
        let doc = read_bytes(text.as_bytes(), "x.txt", &Limits::default()).unwrap();
        prop_assert_eq!(doc.text, text);
        prop_assert_eq!(doc.encoding, "UTF-8");
    }
}
