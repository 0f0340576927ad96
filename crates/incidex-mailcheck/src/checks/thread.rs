//! Replies: a `RE:`/`FW:` subject with no `In-Reply-To`/`References`, and a
//! reply quoting a thread of an organisation that is neither the sender nor a
//! recipient (the Emotet mail replies to stolen threads from its own domain).

use crate::knowledge::{normalize_text, Knowledge};
use crate::message::Mail;
use crate::verdict::Findings;
use incidex_store::mail_domains;
use regex::Regex;
use std::sync::OnceLock;

fn prefix_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(?:(re|fw|fwd)\s*(?:\[\d+\]|\(\d+\))?\s*:|(返信|転送)\s*:)")
            .expect("constant regex")
    })
}

/// `Some(true)` for a reply, `Some(false)` for a forward, None otherwise
/// (the subject is NFKC-normalised first: `ＲＥ：` counts).
pub fn reply_kind(subject: &str) -> Option<bool> {
    let s = normalize_text(subject);
    let c = prefix_re().captures(&s)?;
    let word = c.get(1).or_else(|| c.get(2))?.as_str();
    Some(word == "re" || word == "返信")
}

/// Lines of the body that quote an earlier message: `>` lines and the
/// attribution lines mailers write above a quote.
fn quoted_lines(text: &str) -> impl Iterator<Item = &str> {
    const MARKERS: &[&str] = &[
        "from:",
        "差出人",
        "送信者",
        "wrote:",
        "書きました",
        "のメッセージ",
        "original message",
        "元のメッセージ",
    ];
    text.lines().filter(|l| {
        let t = l.trim_start();
        let low = t.to_lowercase();
        // "2024年5月9日(木) 11:20 山口 <k@x.example.jp>:" — an attribution line.
        let attribution = t.contains('@') && (t.ends_with(">:") || t.ends_with(">："));
        t.starts_with('>')
            || t.starts_with('＞')
            || attribution
            || MARKERS.iter().any(|m| low.contains(m))
    })
}

pub fn check(mail: &Mail, k: &Knowledge, f: &mut Findings<'_>) {
    let Some(is_reply) = reply_kind(&mail.subject) else {
        return;
    };
    if mail.in_reply_to.is_none() && mail.references.is_none() {
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
    for line in quoted_lines(&mail.text) {
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
        assert_eq!(reply_kind("RE: お見積り"), Some(true));
        assert_eq!(reply_kind("ＲＥ：お見積り"), Some(true));
        assert_eq!(reply_kind("Fwd: 議事録"), Some(false));
        assert_eq!(reply_kind("転送: 議事録"), Some(false));
        assert_eq!(reply_kind("Re[2]: 納期"), Some(true));
        assert_eq!(reply_kind("Report: 3月分"), None);
        assert_eq!(reply_kind("定例会議"), None);
    }
}
