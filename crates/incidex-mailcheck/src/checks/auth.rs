//! `Authentication-Results`: SPF, DKIM and DMARC verdicts of the receiving server.

use crate::message::Mail;
use crate::verdict::Findings;
use regex::Regex;
use std::sync::OnceLock;

fn result_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(spf|dkim|dmarc)\s*=\s*([a-z]+)").expect("constant regex"))
}

pub fn check(mail: &Mail, f: &mut Findings<'_>) {
    for header in &mail.authentication_results {
        let evidence = format!("Authentication-Results: {header}");
        for c in result_re().captures_iter(header) {
            let method = c[1].to_ascii_lowercase();
            let result = c[2].to_ascii_lowercase();
            let code = match (method.as_str(), result.as_str()) {
                ("spf", "fail") => "spf_fail",
                ("spf", "softfail") => "spf_softfail",
                ("dkim", "fail") => "dkim_fail",
                ("dmarc", "fail") => "dmarc_fail",
                _ => continue,
            };
            if f.has(code) {
                continue;
            }
            let what = match method.as_str() {
                "spf" => "the sending server is not one the sender's domain allows (SPF)",
                "dkim" => "the signature of the sender's domain does not verify (DKIM)",
                _ => "the sender's domain policy rejects this mail (DMARC)",
            };
            f.add(code, format!("{method}={result}: {what}"), evidence.clone());
        }
    }
}
