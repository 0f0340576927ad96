//! Malformed input never panics: every corpus message cut short at many
//! points and with bytes overwritten, plus hostile shapes (thousands of
//! parts, huge headers, a message over the size limit).

use incidex_mailcheck::{Checker, Context, Limits};
use std::path::PathBuf;

fn checker(limits: Limits) -> Checker {
    match Checker::new(Context::default(), limits) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_default())
        .collect()
}

#[test]
fn truncated_and_corrupted_messages_do_not_panic() {
    let c = checker(Limits::default());
    let messages = corpus();
    assert!(messages.len() >= 25);
    let mut checked = 0;
    for raw in &messages {
        let step = (raw.len() / 40).max(1);
        for cut in (0..raw.len()).step_by(step) {
            let _ = c.check("cut", &raw[..cut]);
            let mut bad = raw.clone();
            // Overwrite a run of bytes with high bytes and a boundary-like line.
            for b in bad.iter_mut().skip(cut).take(16) {
                *b = 0xFF;
            }
            let _ = c.check("corrupt", &bad);
            checked += 2;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn hostile_shapes_stay_within_limits() {
    let limits = Limits {
        max_message_bytes: 1 << 20,
        ..Limits::default()
    };
    let c = checker(limits);
    // 5,000 attachments in one flat multipart.
    let mut many = String::from(
        "From: a@x.example.jp\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for i in 0..5000 {
        many.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream; name=\"f{i}.exe\"\r\n\r\nMZ\r\n"
        ));
    }
    many.push_str("--b--\r\n");
    let r = match c.check("many", many.as_bytes()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    // Only the first parts were opened, and the report says so.
    assert!(
        r.notes.iter().any(|n| n.contains("MIME parts")),
        "{:?}",
        r.notes
    );
    assert_eq!(
        r.reasons.iter().filter(|x| x.code == "executable").count(),
        64
    );

    // A message far over the size limit is cut, not refused.
    let mut big = b"From: a@x.example.jp\r\nSubject: big\r\n\r\n".to_vec();
    big.resize(3 << 20, b'a');
    let r = match c.check("big", &big) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.subject, "big");
    assert!(r.notes.iter().any(|n| n.contains("only the first")));

    // Not mail at all.
    assert!(c.check("empty", b"").is_err());
    assert!(c.check("binary", &[0u8, 159, 146, 150, 0, 1, 2]).is_err());
}
