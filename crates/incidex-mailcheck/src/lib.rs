//! Mail check: flags spoofed, Emotet-style and business e-mail compromise
//! (BEC) mail, using what the incident store knows.
//!
//! [`Checker::check`] parses one message ([`message::parse`], within
//! [`Limits`]), runs the checks of [`checks`] and scores their reasons with
//! `data/scoring.toml` into a [`Verdict`]. [`input`] reads `.eml` files,
//! folders, mbox files and standard input.

pub mod checks;
pub mod context;
pub mod input;
pub mod knowledge;
pub mod message;
pub mod verdict;

pub use context::{day_of, Context, KnownOrg, RecentIncident};
pub use knowledge::Knowledge;
pub use message::{Limits, Mail};
pub use verdict::{Reason, Report, Verdict};

/// Knowledge, context and limits: everything a check needs besides the message.
pub struct Checker {
    pub knowledge: Knowledge,
    pub context: Context,
    pub limits: Limits,
    /// The context's known domains, prepared for the look-alike checks.
    domains: checks::lookalike::DomainIndex,
}

impl Checker {
    /// A checker with the built-in knowledge.
    pub fn new(context: Context, limits: Limits) -> Result<Checker, String> {
        let knowledge = Knowledge::builtin()?;
        let domains = checks::lookalike::DomainIndex::build(&knowledge, &context);
        Ok(Checker {
            knowledge,
            context,
            limits,
            domains,
        })
    }

    /// Checks one message; `Err` when the bytes are not a mail message.
    pub fn check(&self, source: &str, raw: &[u8]) -> Result<Report, String> {
        let mail = message::parse(raw, &self.limits)?;
        Ok(self.check_mail(source, &mail))
    }

    /// Runs every check on a parsed message.
    pub fn check_mail(&self, source: &str, mail: &Mail) -> Report {
        let k = &self.knowledge;
        let ctx = &self.context;
        let mut f = verdict::Findings::new(k);
        checks::sender::check(mail, ctx, k, &mut f);
        checks::lookalike::check(mail, &self.domains, k, &mut f);
        checks::attachments::check(mail, k, &self.limits, &mut f);
        checks::thread::check(mail, k, &mut f);
        checks::links::check(mail, &self.domains, k, &mut f);
        checks::wording::check(mail, k, &mut f);
        checks::auth::check(mail, &mut f);
        for note in &mail.limits_hit {
            f.add(
                "message_limits",
                format!("not inspected: {note}"),
                note.clone(),
            );
        }
        if mail.parts_skipped {
            // Parts that were never opened may hold anything: never `ok`.
            f.raise_to("message_limits", k.suspicious_from);
        }
        let (score, verdict) = f.verdict();
        Report {
            source: source.to_string(),
            from: mail.from_header.trim_start_matches("From: ").to_string(),
            subject: mail.subject.clone(),
            verdict,
            score,
            reasons: f.reasons,
            notes: mail.limits_hit.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason code the checks can emit (auth.rs builds its four from a
    /// match; the others are literals in `add` calls, which the test below
    /// also collects from the sources).
    const EMITTED: &[&str] = &[
        "display_name_address",
        "display_name_org",
        "sender_recent_incident",
        "sender_named_in_notice",
        "watched_sender",
        "lookalike_domain",
        "reply_to_other_domain",
        "encrypted_zip",
        "zip_password_in_body",
        "macro_office",
        "executable",
        "shortcut",
        "archive_bomb",
        "archive_unreadable",
        "reply_without_thread",
        "quoted_other_domain",
        "link_text_mismatch",
        "lookalike_link",
        "bec_bank_change",
        "urgency",
        "seasonal_lure",
        "spf_fail",
        "spf_softfail",
        "dkim_fail",
        "dmarc_fail",
        "message_limits",
    ];

    fn checker() -> Checker {
        match Checker::new(Context::default(), Limits::default()) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_reason_code_is_in_the_scoring_file() {
        let k = checker().knowledge;
        for code in EMITTED {
            assert!(
                k.knows_code(code),
                "{code} is missing from data/scoring.toml"
            );
        }
        let re = regex::Regex::new(r#"\badd\(\s*"([a-z_]+)""#).unwrap_or_else(|e| panic!("{e}"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![format!("{dir}/lib.rs")];
        for e in std::fs::read_dir(format!("{dir}/checks"))
            .into_iter()
            .flatten()
            .flatten()
        {
            files.push(e.path().display().to_string());
        }
        let mut seen = 0;
        for f in files {
            let src = std::fs::read_to_string(&f).unwrap_or_default();
            for c in re.captures_iter(&src) {
                seen += 1;
                assert!(
                    EMITTED.contains(&&c[1]),
                    "{f}: code {} not in EMITTED",
                    &c[1]
                );
            }
        }
        assert!(seen > 15, "only {seen} add(\"…\") calls found");
    }

    fn check(raw: &str) -> Report {
        match checker().check("t", raw.as_bytes()) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn parts_left_unopened_make_a_message_at_least_suspicious() {
        let mut raw = String::from("From: a@x.example.jp\r\nSubject: nest\r\n");
        for i in 0..150 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
            ));
        }
        let r = check(&raw);
        assert!(r.verdict >= Verdict::Suspicious, "{r:?}");
        assert!(r.reasons.iter().any(|x| x.code == "message_limits"));
    }

    #[test]
    fn a_code_scores_once_per_message() {
        let raw = "From: a@x.example.jp\r\nSubject: s\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<a href=\"https://click.a.example.net/1\">www.kawasemi.co.jp</a><a href=\"https://click.a.example.net/2\">https://www.kawasemi.co.jp/x</a><a href=\"https://click.b.example.org/3\">shop.kawasemi.co.jp</a>";
        let r = check(raw);
        let hits: Vec<u32> = r
            .reasons
            .iter()
            .filter(|x| x.code == "link_text_mismatch")
            .map(|x| x.points)
            .collect();
        assert!(hits.len() >= 2, "{r:?}");
        assert_eq!(hits.iter().sum::<u32>(), 3, "{r:?}");
        assert_eq!(r.score, 3);
    }

    #[test]
    fn a_threaded_reply_quoting_a_third_party_and_a_signature_is_ok() {
        let raw = "From: =?UTF-8?B?55Sw5LitIOS4gOmDjg==?= <tanaka@kawasemi.co.jp>\r\nTo: sato@aoba.co.jp\r\nSubject: Re: mtg\r\nIn-Reply-To: <o1@aoba.co.jp>\r\nReferences: <o1@aoba.co.jp>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nsee you\r\n\r\n-- \r\n緊急連絡先: 090-0000-0000\r\n\r\n2024/9/9 sato <sato@aoba.co.jp>:\r\n> From: takahashi <takahashi@hibari.co.jp>\r\n";
        let r = check(raw);
        assert_eq!(r.verdict, Verdict::Ok, "{r:?}");
        // Without thread headers the same quote still counts.
        let bare = raw
            .replace("In-Reply-To: <o1@aoba.co.jp>\r\n", "")
            .replace("References: <o1@aoba.co.jp>\r\n", "");
        let r = check(&bare);
        assert!(
            r.reasons.iter().any(|x| x.code == "quoted_other_domain"),
            "{r:?}"
        );
    }
}
