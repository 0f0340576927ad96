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
                String::new(),
            );
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
