//! HTML → visible text, including encodings declared by the page.

mod common;

use common::{encode, SENTENCE_JA, SENTENCE_JA_2};
use encoding_rs::{EUC_JP, SHIFT_JIS};
use incidex_read::{read_bytes, Format, Limits, ReadError};
use std::time::{Duration, Instant};

fn html_text(bytes: &[u8]) -> String {
    let doc = read_bytes(bytes, "notice.html", &Limits::default()).unwrap();
    assert_eq!(doc.format, Format::Html);
    doc.text
}

#[test]
fn script_style_dropped_title_kept_breaks_and_entities() {
    let page = "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\">\
        <title>Incident notice &ndash; Harbor &amp; Finch</title>\
        <style>body { color: red }</style><script>var leaked = 'secret';</script></head>\
        <body><p>Harbor &amp; Finch Inc. found &quot;unusual&quot; activity.</p>\
        <p>Affected:<br>names<br/>emails &lt;partial&gt;</p>\
        <script>document.write('hidden')</script><noscript>enable js</noscript></body></html>";
    assert_eq!(
        html_text(page.as_bytes()),
        "Incident notice \u{2013} Harbor & Finch\n\
         Harbor & Finch Inc. found \"unusual\" activity.\n\
         Affected:\nnames\nemails <partial>"
    );
}

#[test]
fn japanese_paragraphs_and_table_cells() {
    let page = format!(
        "<html><body><h1>お知らせ</h1><p>{SENTENCE_JA}</p>\n<p>{SENTENCE_JA_2}</p>\
         <table><tr><th>項目</th><th>件数</th></tr><tr><td>氏名</td><td>１２００</td></tr></table>\
         </body></html>"
    );
    assert_eq!(
        html_text(page.as_bytes()),
        format!("お知らせ\n{SENTENCE_JA}\n{SENTENCE_JA_2}\n項目\t件数\n氏名\t１２００")
    );
}

#[test]
fn inline_whitespace_collapses() {
    let page = "<html><body><p>  Example   Corp\n\n   <em>confirmed</em>\t the&nbsp;&nbsp;breach. </p></body></html>";
    assert_eq!(
        html_text(page.as_bytes()),
        "Example Corp confirmed the breach."
    );
}

#[test]
fn shift_jis_page_with_meta_charset() {
    let page = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\
         <title>重要なお知らせ</title></head><body><p>{SENTENCE_JA}</p></body></html>"
    );
    let bytes = encode(SHIFT_JIS, &page);
    let doc = read_bytes(&bytes, "oshirase.htm", &Limits::default()).unwrap();
    assert_eq!(doc.encoding, "Shift_JIS");
    assert_eq!(doc.text, format!("重要なお知らせ\n{SENTENCE_JA}"));
}

#[test]
fn euc_jp_page_with_meta_charset() {
    let page = format!(
        "<html><head><meta charset=\"EUC-JP\"></head><body><p>{SENTENCE_JA}</p></body></html>"
    );
    let doc = read_bytes(&encode(EUC_JP, &page), "a.html", &Limits::default()).unwrap();
    assert_eq!(doc.encoding, "EUC-JP");
    assert_eq!(doc.text, SENTENCE_JA);
}

#[test]
fn misdeclared_charset_still_decodes_right() {
    // Declares Shift_JIS, but the bytes are UTF-8: the clean decoding wins.
    let page = format!(
        "<html><head><meta charset=\"Shift_JIS\"></head><body><p>{SENTENCE_JA}</p></body></html>"
    );
    let doc = read_bytes(page.as_bytes(), "a.html", &Limits::default()).unwrap();
    assert_eq!(doc.encoding, "UTF-8");
    assert_eq!(doc.text, SENTENCE_JA);

    // Declares EUC-JP, but the bytes are Shift_JIS.
    let page = format!("<html><head><meta charset=\"euc-jp\"></head><body><p>{SENTENCE_JA}{SENTENCE_JA_2}</p></body></html>");
    let doc = read_bytes(&encode(SHIFT_JIS, &page), "a.html", &Limits::default()).unwrap();
    assert_eq!(doc.encoding, "Shift_JIS");
    assert_eq!(doc.text, format!("{SENTENCE_JA}{SENTENCE_JA_2}"));

    // Declares ISO-8859-1 (which decodes anything), but the bytes are Shift_JIS.
    let page = format!("<html><head><meta charset=\"iso-8859-1\"></head><body><p>{SENTENCE_JA}{SENTENCE_JA_2}</p></body></html>");
    let doc = read_bytes(&encode(SHIFT_JIS, &page), "a.html", &Limits::default()).unwrap();
    assert_eq!(doc.encoding, "Shift_JIS");
    assert_eq!(doc.text, format!("{SENTENCE_JA}{SENTENCE_JA_2}"));
}

#[test]
fn html_sniffed_from_stdin() {
    let doc = read_bytes(
        b"  <!doctype html><title>T</title><p>body</p>",
        "-",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.format, Format::Html);
    assert_eq!(doc.text, "T\nbody");
}

#[test]
fn crlf_inside_pre_is_normalised() {
    assert_eq!(
        html_text(b"<html><body><pre>a\r\nb\rc</pre></body></html>"),
        "a\nb\nc"
    );
}

fn assert_fast(label: &str, page: &str, expect_text: &str) {
    let start = Instant::now();
    let doc = read_bytes(page.as_bytes(), "deep.html", &Limits::default()).unwrap();
    let took = start.elapsed();
    assert!(doc.text.contains(expect_text), "{label}: text lost");
    assert!(took < Duration::from_secs(10), "{label}: took {took:?}");
    eprintln!("{label}: {took:?}");
}

#[test]
fn hundred_thousand_nested_divs() {
    let n = 100_000;
    let page = format!(
        "<html><body>{}deep text{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    assert_fast("divs", &page, "deep text");
}

#[test]
fn hundred_thousand_unclosed_divs() {
    let page = format!("<html><body>{}deep text", "<div>".repeat(100_000));
    assert_fast("unclosed divs", &page, "deep text");
}

#[test]
fn deeply_nested_inline_and_tables() {
    let n = 20_000;
    let page = format!("<p>{}bold{}</p>", "<b>".repeat(n), "</b>".repeat(n));
    assert_fast("b", &page, "bold");
    let page = format!(
        "<p>{}span{}</p>",
        "<span>".repeat(100_000),
        "</span>".repeat(100_000)
    );
    assert_fast("span", &page, "span");
    let page = format!("{}cell", "<table><tr><td>".repeat(n));
    assert_fast("tables", &page, "cell");
}

#[test]
fn many_unclosed_and_formatting_tags() {
    let visible = [
        "li",
        "p",
        "dd",
        "option",
        "td",
        "tr",
        "a",
        "b",
        "font",
        "nobr",
        "table",
        "select",
        "ul",
        "blockquote",
        "h1",
        "span",
    ];
    for tag in visible {
        let page = format!(
            "<body><ul>{}text at the bottom",
            format!("<{tag}>x ").repeat(100_000)
        );
        assert_fast(tag, &page, "text at the bottom");
    }
    // Content of these is never shown, so only the time is checked.
    for tag in ["object", "svg", "template", "math", "iframe", "script"] {
        let page = format!("<body>before{}", format!("<{tag}>x ").repeat(100_000));
        assert_fast(tag, &page, "before");
    }
}

#[test]
fn empty_html_file() {
    let err = read_bytes(b" \n\t ", "blank.html", &Limits::default()).unwrap_err();
    assert!(matches!(err, ReadError::Empty));
}
