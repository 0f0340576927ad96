//! End-to-end tests of `incidex extract` with the built binary: good and bad
//! input side by side, every output format and option, encodings, and the
//! bundled example corpus.
//!
//! The contract for bad input: each bad file gets exactly one line on stderr,
//! `<path>: <reason>`; the other files are still processed; the exit status is
//! 1 when any file failed, 0 when none did, 2 for a usage or lexicon error.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A short notice by an invented company.
const NOTICE: &str = "株式会社テスト商事は2023年5月12日、第三者による不正アクセスを受け、\
顧客情報1,234件が流出した可能性があると公表しました。\n";

/// A second invented notice, with a date without its year.
const NOTICE_NO_YEAR: &str =
    "株式会社サンプル物産は3/4に公表した。同社のサーバーが不正アクセスを受け、\
取引先の氏名とメールアドレス512件が流出した可能性がある。\n";

fn incidex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incidex"))
}

fn run(args: &[&str]) -> Output {
    incidex().args(args).output().expect("run incidex")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    incidex()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run incidex")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = incidex()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn incidex");
    // The child may exit without reading (a usage error): a broken pipe is fine.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(input) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait for incidex")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// The JSON-lines records on stdout; every line must be one JSON object.
fn records(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"));
            assert!(v.is_object(), "not a record: {l}");
            v
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

fn victims(r: &Value) -> Vec<&str> {
    r["victims"]
        .as_array()
        .expect("victims is an array")
        .iter()
        .map(|v| v.as_str().expect("a victim is a string"))
        .collect()
}

/// Asserts that stderr holds exactly one line per bad file, each
/// `<path>: <reason>` with the reason containing `reason`, and nothing else.
fn assert_error_lines(err: &str, expected: &[(&Path, &str)]) {
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "expected {} error lines, got:\n{err}",
        expected.len()
    );
    for (path, reason) in expected {
        let prefix = format!("{}: ", path.display());
        let matching: Vec<&&str> = lines.iter().filter(|l| l.starts_with(&prefix)).collect();
        assert_eq!(
            matching.len(),
            1,
            "expected exactly one line starting with {prefix:?}:\n{err}"
        );
        let why = &matching[0][prefix.len()..];
        assert!(!why.trim().is_empty(), "no reason given for {prefix:?}");
        assert!(
            why.contains(reason),
            "reason for {} is {why:?}, expected it to mention {reason:?}",
            path.display()
        );
    }
}

/// A minimal valid one-page PDF without any text.
fn pdf_without_text() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn bad_files_get_one_error_line_each_and_good_files_are_still_processed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "a_good.txt", NOTICE);
    let binary = write(
        d,
        "b_binary.bin",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\xff\xfe",
    );
    let empty = write(d, "c_empty.txt", b"");
    let pdf = write(
        d,
        "d_corrupt.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage trailer\n",
    );
    // UTF-8 text with a sequence cut short in the middle.
    let mut broken = "株式会社テスト商事は".as_bytes().to_vec();
    broken.extend_from_slice(b"\xe3\x81");
    broken.extend_from_slice("公表しました。不正アクセスがありました。\n".as_bytes());
    let bad_utf8 = write(d, "e_invalid_utf8.txt", &broken);
    // Shift_JIS cut after the lead byte of a two-byte character.
    let mut cut = encoding_rs::SHIFT_JIS
        .encode(&NOTICE.repeat(3))
        .0
        .into_owned();
    cut.push(0x82);
    let truncated = write(d, "f_truncated_sjis.txt", &cut);
    write(d, "g_good_too.txt", NOTICE_NO_YEAR);
    let scan = write(d, "h_no_text.pdf", pdf_without_text());

    let out = run(&["extract", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    let recs = records(&out);
    let docs: Vec<&str> = recs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert!(docs.contains(&"a_good.txt"), "docs: {docs:?}");
    assert!(
        docs.contains(&"g_good_too.txt"),
        "the file after the bad ones is processed too: {docs:?}"
    );
    assert!(
        docs.iter()
            .all(|d| *d == "a_good.txt" || *d == "g_good_too.txt"),
        "records only from the good files: {docs:?}"
    );
    let first = recs.iter().find(|r| r["doc"] == "a_good.txt").unwrap();
    assert_eq!(victims(first), ["株式会社テスト商事"]);
    assert_eq!(first["encoding"], "UTF-8");
    assert_eq!(first["dates"]["disclosed"], "2023-05-12");
    assert_error_lines(
        &stderr(&out),
        &[
            (&binary, "binary"),
            (&empty, "empty"),
            (&pdf, "PDF"),
            (&bad_utf8, "UTF-8"),
            (&truncated, "encoding"),
            (&scan, "PDF"),
        ],
    );
}

#[test]
fn bad_file_named_on_the_command_line_and_missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let good = write(d, "good.txt", NOTICE);
    let empty = write(d, "empty.txt", "  \n\n");
    let missing = d.join("missing.txt");
    let out = run(&[
        "extract",
        empty.to_str().unwrap(),
        missing.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(records(&out).len(), 1);
    assert_error_lines(
        &stderr(&out),
        &[(&empty, "empty"), (&missing, "no such file")],
    );
}

#[test]
fn all_good_files_exit_zero_with_nothing_on_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "one.txt", NOTICE);
    write(d, "two.txt", NOTICE_NO_YEAR);
    std::fs::create_dir(d.join("sub")).unwrap();
    write(
        &d.join("sub"),
        "three.html",
        format!("<html><body><p>{NOTICE}</p></body></html>"),
    );
    let out = run(&["extract", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let recs = records(&out);
    let mut docs: Vec<&str> = recs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    docs.dedup();
    assert_eq!(
        docs,
        ["one.txt", "three.html", "two.txt"],
        "folders walked recursively in name order"
    );
}

#[test]
fn reads_standard_input() {
    let out = run_stdin(&["extract", "-"], NOTICE.as_bytes());
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(victims(&recs[0]), ["株式会社テスト商事"]);
    assert_eq!(recs[0]["affected"][0]["count"], 1234);

    // No path at all reads standard input too.
    let out = run_stdin(&["extract"], NOTICE.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(records(&out).len(), 1);

    // Shift_JIS on standard input is detected.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(NOTICE);
    let out = run_stdin(&["extract", "-"], &sjis);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(records(&out)[0]["encoding"], "Shift_JIS");
}

#[test]
fn empty_standard_input_is_a_clean_error() {
    let out = run_stdin(&["extract", "-"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "stderr:\n{err}");
    assert!(
        err.starts_with("<stdin>: ") && err.contains("empty"),
        "stderr:\n{err}"
    );
}

#[test]
fn format_json_prints_one_array() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "one.txt", NOTICE);
    write(d, "two.txt", NOTICE_NO_YEAR);
    let out = run(&["extract", "--format", "json", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    let arr = v.as_array().expect("a JSON array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["doc"], "one.txt");
    assert_eq!(arr[1]["doc"], "two.txt");

    // No records is still an array.
    let out = run_stdin(
        &["extract", "--format", "json", "-"],
        b"Nothing happened today.\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v, Value::Array(vec![]));
}

#[test]
fn format_table_prints_one_line_per_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    write(d, "one.txt", NOTICE);
    write(d, "two.txt", NOTICE_NO_YEAR);
    let out = run(&["extract", "--format", "table", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("one.txt\t株式会社テスト商事\t"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("2023-05-12"), "{}", lines[0]);
    assert!(lines[0].contains("1234"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("two.txt\t株式会社サンプル物産\t"),
        "{}",
        lines[1]
    );
    assert!(
        serde_json::from_str::<Value>(lines[0]).is_err(),
        "a table line is not JSON"
    );
}

#[test]
fn doc_date_resolves_dates_without_a_year() {
    let disclosed = |args: &[&str]| {
        let out = run_stdin(args, NOTICE_NO_YEAR.as_bytes());
        assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
        let recs = records(&out);
        assert_eq!(recs.len(), 1);
        recs[0]["dates"]["disclosed"].as_str().map(str::to_string)
    };
    assert_eq!(
        disclosed(&["extract", "--doc-date", "2023-01-01", "-"]).as_deref(),
        Some("2023-03-04")
    );
    assert_eq!(
        disclosed(&["extract", "--doc-date", "2022-05-01", "-"]).as_deref(),
        Some("2022-03-04")
    );
}

#[test]
fn bad_doc_date_is_a_usage_error() {
    let out = run_stdin(
        &["extract", "--doc-date", "2023-13-01", "-"],
        NOTICE.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("2023-13-01"), "{}", stderr(&out));
}

#[test]
fn extra_lexicon_adds_a_malware_family() {
    let text = "株式会社テスト商事は2023年5月12日、ランサムウェア「ズッキーニ」に感染し、\
サーバーのファイルが暗号化されたと公表しました。\n";
    let families = |out: &Output| -> Vec<String> {
        assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(out));
        records(out)
            .iter()
            .flat_map(|r| r["malware"].as_array().unwrap().clone())
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let before = families(&run_stdin(&["extract", "-"], text.as_bytes()));
    assert!(!before.contains(&"Zucchini".to_string()), "{before:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let lex = write(
        dir.path(),
        "extra.toml",
        "[meta]\ndimension = \"malware\"\n\n[[entry]]\nvalue = \"Zucchini\"\npatterns = [\"ズッキーニ\", \"Zucchini\"]\n",
    );
    let after = families(&run_stdin(
        &["extract", "--lexicon", lex.to_str().unwrap(), "-"],
        text.as_bytes(),
    ));
    assert!(after.contains(&"Zucchini".to_string()), "{after:?}");
}

#[test]
fn bad_lexicon_file_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let broken = write(d, "broken.toml", "[meta\ndimension = \"malware\"\n");
    let unknown = write(
        d,
        "unknown.toml",
        "[meta]\ndimension = \"malware\"\nsurprise = 1\n",
    );
    let missing = d.join("missing.toml");
    for lex in [&broken, &unknown, &missing] {
        let out = run_stdin(
            &["extract", "--lexicon", lex.to_str().unwrap(), "-"],
            NOTICE.as_bytes(),
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: stderr:\n{}",
            lex.display(),
            stderr(&out)
        );
        assert_eq!(stdout(&out), "", "no records when the lexicon is bad");
        let err = stderr(&out);
        assert!(
            err.contains(&lex.display().to_string()),
            "error does not name the file:\n{err}"
        );
        assert!(err.lines().count() >= 1);
    }
}

#[test]
fn shift_jis_and_euc_jp_files_report_their_encoding() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(NOTICE);
    let (euc, _, _) = encoding_rs::EUC_JP.encode(NOTICE);
    write(d, "a_sjis.txt", &sjis);
    write(d, "b_eucjp.txt", &euc);
    let out = run(&["extract", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["doc"], "a_sjis.txt");
    assert_eq!(recs[0]["encoding"], "Shift_JIS");
    assert_eq!(recs[1]["doc"], "b_eucjp.txt");
    assert_eq!(recs[1]["encoding"], "EUC-JP");
    for r in &recs {
        assert_eq!(
            victims(r),
            ["株式会社テスト商事"],
            "decoded without mojibake"
        );
        assert_eq!(r["affected"][0]["count"], 1234);
    }
}

#[test]
fn misdeclared_html_charset_is_not_decoded_as_mojibake() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(NOTICE);
    let mut page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
    page.extend_from_slice(&sjis);
    page.extend_from_slice(b"</p></body></html>\n");
    let p = write(dir.path(), "declared_utf8.html", &page);
    let out = run(&["extract", p.to_str().unwrap()]);
    let err = stderr(&out);
    match out.status.code() {
        // Either the real encoding is found…
        Some(0) => {
            let recs = records(&out);
            assert_eq!(recs.len(), 1, "stderr:\n{err}");
            assert_eq!(victims(&recs[0]), ["株式会社テスト商事"]);
            assert_eq!(recs[0]["encoding"], "Shift_JIS");
        }
        // …or the file is refused with one clear line.
        Some(1) => assert_error_lines(&err, &[(&p, "")]),
        other => panic!("exit status {other:?}, stderr:\n{err}"),
    }
}

#[test]
fn deeply_nested_html_does_not_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let depth = 100_000;
    let page = format!(
        "<html><body>{}<p>{NOTICE}</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let p = write(dir.path(), "nested.html", page);
    let out = run(&["extract", p.to_str().unwrap()]);
    let err = stderr(&out);
    match out.status.code() {
        Some(0) => {
            let recs = records(&out);
            assert!(
                recs.iter().any(|r| victims(r) == ["株式会社テスト商事"]),
                "the text inside the nesting is kept"
            );
        }
        Some(1) => assert_error_lines(&err, &[(&p, "")]),
        other => panic!("crashed: exit status {other:?}, stderr:\n{err}"),
    }
}

#[test]
fn ten_megabyte_single_line_does_not_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sentence = NOTICE.trim_end();
    let line = sentence.repeat(10 * 1024 * 1024 / sentence.len() + 1);
    assert!(line.len() >= 10 * 1024 * 1024 && !line.contains('\n'));
    let p = write(dir.path(), "one_line.txt", &line);
    let good = write(dir.path(), "z_good.txt", NOTICE);
    let out = run(&["extract", p.to_str().unwrap(), good.to_str().unwrap()]);
    let err = stderr(&out);
    match out.status.code() {
        Some(0) => assert_eq!(err, ""),
        Some(1) => assert_error_lines(&err, &[(&p, "")]),
        other => panic!("crashed: exit status {other:?}, stderr:\n{err}"),
    }
    assert!(
        records(&out).iter().any(|r| r["doc"] == "z_good.txt"),
        "the file after the long line is processed"
    );
}

#[test]
fn large_files_are_processed_or_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    // Over the 256 MiB limit: refused from its size alone (a sparse file, so
    // the test writes nothing to disk).
    let huge = d.join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    // 200 MB under the limit, all NUL bytes: read, then refused as binary.
    let zeros = d.join("zeros.txt");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(200 * 1000 * 1000)
        .unwrap();
    // About 2 MB of real notices: the UTF-8 files of the example corpus, over
    // and over (the 200 MB text run is in docs/benchmarks.md: it takes
    // minutes even in a release build).
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("examples/corpus")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let one_copy: String = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| t + "\n")
        .collect();
    let copies = 2_000_000 / one_copy.len() + 1;
    let big = write(d, "big.txt", one_copy.repeat(copies));
    let out = run(&[
        "extract",
        huge.to_str().unwrap(),
        zeros.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    assert_error_lines(&stderr(&out), &[(&huge, "too large"), (&zeros, "binary")]);
    let recs = records(&out);
    assert!(
        recs.len() >= copies,
        "only {} records from {copies} copies of the corpus",
        recs.len()
    );
    assert!(recs.iter().all(|r| r["doc"] == "big.txt"));
}

#[test]
fn bundled_examples_give_a_record_for_every_gold_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let gold =
        std::fs::read_to_string(root.join("examples/gold.jsonl")).expect("examples/gold.jsonl");
    let mut gold_docs: Vec<String> = gold
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("gold line is JSON");
            v["doc"].as_str().expect("gold doc").to_string()
        })
        .collect();
    gold_docs.sort();
    gold_docs.dedup();
    assert!(gold_docs.len() >= 20, "{gold_docs:?}");

    let out = run_in(&root, &["extract", "examples/corpus"]);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let recs = records(&out);
    for doc in &gold_docs {
        assert!(
            recs.iter().any(|r| r["doc"] == doc.as_str()),
            "no record for {doc}"
        );
    }
    let encodings: Vec<(&str, &str)> = recs
        .iter()
        .map(|r| (r["doc"].as_str().unwrap(), r["encoding"].as_str().unwrap()))
        .collect();
    assert!(encodings.contains(&("02_ransomware_lockbit_sjis.txt", "Shift_JIS")));
    assert!(encodings.contains(&("05_hospital_usb_loss_eucjp.txt", "EUC-JP")));
    assert!(encodings.contains(&("20_university_phishing.pdf", "PDF")));
}

#[test]
fn jobs_option_gives_the_same_output_in_the_same_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let one = run_in(&root, &["extract", "--jobs", "1", "examples/corpus"]);
    let many = run_in(&root, &["extract", "--jobs", "4", "examples/corpus"]);
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
}
