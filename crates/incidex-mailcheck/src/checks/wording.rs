//! Wording: requests to change the bank account of a payment (BEC), urgency,
//! seasonal lures. The phrase lists live in `data/wording.toml`.

use crate::knowledge::{normalize_text, Knowledge, PhraseList};
use crate::message::Mail;
use crate::verdict::Findings;

/// The first line (subject first) holding a phrase of the list, with the
/// phrase; `all` is the normalised subject and text (one pass decides whether
/// any line needs looking at).
pub fn find_line<'a>(mail: &Mail, all: &str, list: &'a PhraseList) -> Option<(&'a str, String)> {
    list.find(all)?;
    let subject = format!("Subject: {}", mail.subject);
    std::iter::once(subject.as_str())
        .chain(mail.unsigned_text.lines())
        .find_map(|line| {
            list.find(&normalize_text(line))
                .map(|p| (p, line.trim().to_string()))
        })
}

pub fn check(mail: &Mail, k: &Knowledge, f: &mut Findings<'_>) {
    let w = &k.wording;
    // Signatures (after `-- `) are not read: 「緊急連絡先」 and the like live there.
    let all = normalize_text(&format!("{}\n{}", mail.subject, mail.unsigned_text));
    if let Some((p, line)) = find_line(mail, &all, &w.bec_bank_change) {
        f.add(
            "bec_bank_change",
            format!("asks to send a payment to another bank account (「{p}」): confirm by phone with a number you already have"),
            line,
        );
    }
    if let Some((p, line)) = find_line(mail, &all, &w.urgency) {
        f.add("urgency", format!("presses for haste (「{p}」)"), line);
    }
    if let Some((p, line)) = find_line(mail, &all, &w.seasonal_lure) {
        f.add(
            "seasonal_lure",
            format!("uses a common lure topic (「{p}」)"),
            line,
        );
    }
}

/// The body line that gives a password, if any.
pub fn password_line(mail: &Mail, k: &Knowledge) -> Option<String> {
    mail.text
        .lines()
        .find(|l| k.zip_password.iter().any(|r| r.is_match(l)))
        .map(|l| l.trim().to_string())
}
