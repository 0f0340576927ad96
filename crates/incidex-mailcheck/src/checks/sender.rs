//! The sender: a display name that shows another address or another
//! organisation, an organisation that recently disclosed an infection or a
//! hijacked mailbox, the watchlist, a Reply-To elsewhere.

use crate::context::Context;
use crate::knowledge::Knowledge;
use crate::message::{domain_of, Mail};
use crate::verdict::Findings;
use incidex_store::{mail_domains, normalize_name};

pub fn check(mail: &Mail, ctx: &Context, k: &Knowledge, f: &mut Findings<'_>) {
    let Some(from) = &mail.from else {
        return;
    };
    let header = mail.from_header.clone();
    let domain = from.domain();
    let name = from.name.clone().unwrap_or_default();
    let normalized = normalize_name(&name);
    // 1. An address in the display name, of another organisation.
    let shown_domains: Vec<String> = mail_domains(&name);
    for d in &shown_domains {
        if k.registrable(d) != k.registrable(&domain) {
            f.add(
                "display_name_address",
                format!(
                    "the display name shows an address at {d}, but the mail comes from {}",
                    from.address
                ),
                header.clone(),
            );
        }
    }
    // 2. An organisation named in the display name, known by other domains.
    for org in ctx.orgs() {
        if let Some(n) = org.named_in_normalized(&normalized) {
            if !org.owns(&domain) {
                f.add(
                    "display_name_org",
                    format!(
                        "the display name names 「{n}」 ({}), whose mail comes from {}, but the sender is {}",
                        org.name,
                        org.domains.join(", "),
                        from.address
                    ),
                    header.clone(),
                );
            }
        }
    }
    // 3. Recent incidents of the sender's organisation (by its own domain, by
    //    the display name, or by an address the display name shows), and
    //    senders whose domain a recent notice mentions as not its own.
    for inc in &ctx.incidents {
        let cite = || {
            format!(
                "incident #{} ({}, disclosed {}, {})",
                inc.incident,
                inc.org.name,
                inc.disclosed,
                if inc.what.is_empty() {
                    "an incident"
                } else {
                    &inc.what
                },
            )
        };
        if let Some(m) = inc
            .mentioned
            .iter()
            .find(|m| crate::context::domain_within(&domain, m))
        {
            f.add(
                "sender_named_in_notice",
                format!(
                    "{}: its notice names {m}, not as its own address; mail from there may be the spoofed mail it warns about",
                    cite()
                ),
                header.clone(),
            );
        }
        let by_domain = inc.org.owns(&domain);
        let by_shown = shown_domains.iter().any(|d| inc.org.owns(d));
        let by_name = inc.org.named_in_normalized(&normalized);
        if !(by_domain || by_shown || by_name.is_some()) {
            continue;
        }
        let how = if by_domain {
            format!("the sender's domain {domain} is its own")
        } else if by_shown {
            "the display name shows one of its addresses".to_string()
        } else {
            format!("the display name names 「{}」", by_name.unwrap_or_default())
        };
        f.add(
            "sender_recent_incident",
            format!(
                "{}: {how}. Mail in its name may be spoofed or come from a hijacked mailbox",
                cite()
            ),
            header.clone(),
        );
    }
    // 4. Mail from a watched organisation's domain (a note: the reasons above
    //    carry the weight; a display name alone is a claim, checked in 2).
    for w in &ctx.watched {
        if w.owns(&domain) {
            f.add(
                "watched_sender",
                format!("the sender is the watched organisation 「{}」", w.name),
                header.clone(),
            );
        }
    }
    // 5. Replies that go to another organisation.
    for r in &mail.reply_to {
        let rd = domain_of(&r.address);
        if !rd.is_empty() && k.registrable(&rd) != k.registrable(&domain) {
            f.add(
                "reply_to_other_domain",
                format!(
                    "replies go to {}, another domain than the sender's {domain}",
                    r.address
                ),
                format!("Reply-To: {}", r.address),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::KnownOrg;
    use crate::message::parse_addrs;

    fn codes(from: &str, ctx: &Context) -> Vec<&'static str> {
        let k = Knowledge::for_tests();
        let mail = Mail {
            from: parse_addrs(from).into_iter().next(),
            from_header: format!("From: {from}"),
            ..Mail::default()
        };
        let mut f = Findings::new(&k);
        check(&mail, ctx, &k, &mut f);
        f.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn display_names_against_the_sender() {
        let ctx = Context {
            watched: vec![KnownOrg {
                name: "株式会社ツバメ物産".into(),
                names: vec![normalize_name("株式会社ツバメ物産")],
                domains: vec!["tsubame.example.co.jp".into()],
            }],
            ..Context::default()
        };
        // An address of the same organisation (another host) is fine.
        assert_eq!(
            codes(
                "\"k@mail.tsubame.example.co.jp\" <k@tsubame.example.co.jp>",
                &Context::default()
            ),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(
                "\"k@tsubame.example.co.jp\" <x@other.example.com>",
                &Context::default()
            ),
            vec!["display_name_address"]
        );
        // The watched company's name from its own domain, and from elsewhere.
        assert_eq!(
            codes("ツバメ物産 山口 <k@tsubame.example.co.jp>", &ctx),
            vec!["watched_sender"]
        );
        assert_eq!(
            codes("(株)ツバメ物産 山口 <k@free.example.net>", &ctx),
            vec!["display_name_org"]
        );
        // A person's name alone says nothing.
        assert_eq!(
            codes("山口 健太 <k@free.example.net>", &ctx),
            Vec::<&str>::new()
        );
    }
}
