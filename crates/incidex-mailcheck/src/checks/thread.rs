//! Replies: a `RE:`/`FW:` subject with no `In-Reply-To`/`References`, and a
//! reply quoting a thread of an organisation that is neither the sender nor a
//! recipient (the Emotet mail replies to stolen threads from its own domain).

use crate::knowledge::{normalize_text, Knowledge};
use crate::message::Mail;
use crate::verdict::Findings;
use incidex_store::mail_domains;

/// `Some(true)` for a reply, `Some(false)` for a forward, None otherwise
/// (the subject is NFKC-normalised first: `ＲＥ：` counts). The prefixes are
/// those of data/thread.toml.
pub fn reply_kind(k: &Knowledge, subject: &str) -> Option<bool> {
    let s = normalize_text(subject);
    let c = k.subject_prefix.captures(&s)?;
    let word = c.get(1)?.as_str();
    Some(
        k.thread
            .reply_prefixes
            .iter()
            .any(|p| normalize_text(p) == word),
    )
}

/// Lines of the body that quote an earlier message: `>` lines and the
/// attribution lines mailers write above a quote (markers in data/thread.toml).
fn quoted_lines<'a>(k: &'a Knowledge, text: &'a str) -> impl Iterator<Item = &'a str> {
    text.lines().filter(move |l| {
        let t = l.trim_start();
        let low = t.to_lowercase();
        // "2024年5月9日(木) 11:20 山口 <k@x.example.jp>:" — an attribution line.
        let attribution = t.contains('@') && (t.ends_with(">:") || t.ends_with(">："));
        k.thread
            .quote_starts
            .iter()
            .any(|q| t.starts_with(q.as_str()))
            || attribution
            || k.thread
                .quote_markers
                .iter()
                .any(|m| low.contains(m.as_str()))
    })
}

pub fn check(mail: &Mail, k: &Knowledge, f: &mut Findings<'_>) {
    let Some(is_reply) = reply_kind(k, &mail.subject) else {
        return;
    };
    let threaded = mail.in_reply_to.is_some() || mail.references.is_some();
    if !threaded {
        f.add(
            "reply_without_thread",
            format!(
                "the subject marks a {} but the message has no In-Reply-To or References header",
                if is_reply { "reply" } else { "forward" }
            ),
            format!("Subject: {}", mail.subject),
        );
    }
    if !is_reply {
        // Forwarding another organisation's mail is ordinary.
        return;
    }
    let Some(from) = &mail.from else {
        return;
    };
    let mut own: Vec<String> = vec![k.registrable(&from.domain())];
    own.extend(mail.recipients.iter().map(|r| k.registrable(&r.domain())));
    // A reply with In-Reply-To / References answers a thread the recipient's
    // mailer can match; quotes of third parties (a partner CC'd earlier, a
    // forwarded hop) are ordinary there. The hijacked-thread pattern that
    // remains is the sender posing as a quoted participant of another
    // domain: the quoted line carries the sender's own display name.
    let sender_name: String = from
        .name
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    for line in quoted_lines(k, &mail.text) {
        if threaded {
            let flat: String = line.split_whitespace().collect();
            if sender_name.chars().count() < 2 || !flat.contains(&sender_name) {
                continue;
            }
        }
        for d in mail_domains(line) {
            let r = k.registrable(&d);
            if !own.contains(&r) {
                f.add(
                    "quoted_other_domain",
                    format!(
                        "the reply quotes a thread with {d}, neither the sender's domain nor a recipient's"
                    ),
                    line.trim().to_string(),
                );
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_prefixes_in_any_width() {
        let k = Knowledge::for_tests();
        let reply_kind = |s: &str| reply_kind(&k, s);
        assert_eq!(reply_kind("RE: お見積り"), Some(true));
        assert_eq!(reply_kind("ＲＥ：お見積り"), Some(true));
        assert_eq!(reply_kind("Fwd: 議事録"), Some(false));
        assert_eq!(reply_kind("転送: 議事録"), Some(false));
        assert_eq!(reply_kind("Re[2]: 納期"), Some(true));
        assert_eq!(reply_kind("Report: 3月分"), None);
        assert_eq!(reply_kind("定例会議"), None);
    }
}
