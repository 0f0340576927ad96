//! Links: text that shows one host while the target is another, and links to
//! look-alikes of known domains.

use super::lookalike::DomainIndex;
use crate::knowledge::Knowledge;
use crate::message::Mail;
use crate::verdict::Findings;
use regex::Regex;
use std::sync::OnceLock;

fn shown_host_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?::\d+)?(?:[/?#]\S*)?$")
            .expect("constant regex")
    })
}

fn url_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)https?://[^\s<>"'）」』]+"#).expect("constant regex"))
}

/// The host of an http(s) URL, lower case.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?;
    if !rest.0.eq_ignore_ascii_case("http") && !rest.0.eq_ignore_ascii_case("https") {
        return None;
    }
    let host = rest.1.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next()?.trim_end_matches('.').to_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The host a link's text shows, when the text is a URL or a host name: it
/// must end in a suffix of data/domains.toml, and a bare `name.ext` whose
/// ending is a file or document extension (data/attachments.toml) that is not
/// also such a suffix is a file name (`catalog.pdf`, `Node.js`), not a host.
pub fn shown_host(k: &Knowledge, text: &str) -> Option<String> {
    let c = shown_host_re().captures(text.trim())?;
    let host = c[1].to_lowercase();
    let ext = host.rsplit('.').next().unwrap_or_default();
    if k.files.is_file_extension(ext) && !k.has_known_suffix(&host) {
        return None;
    }
    k.has_known_suffix(&host).then_some(host)
}

pub fn check(mail: &Mail, index: &DomainIndex, k: &Knowledge, f: &mut Findings<'_>) {
    let recipients = super::lookalike::recipient_domains(k, mail);
    let mut targets: Vec<(String, String)> = Vec::new();
    for link in &mail.links {
        let Some(host) = url_host(&link.href) else {
            continue;
        };
        let evidence = format!("<a href=\"{}\">{}</a>", link.href, link.text);
        if let Some(shown) = shown_host(k, &link.text) {
            if k.registrable(&shown) != k.registrable(&host) {
                f.add(
                    "link_text_mismatch",
                    format!("the link shows {shown} but leads to {host}"),
                    evidence.clone(),
                );
            }
        }
        targets.push((host, evidence));
    }
    for m in url_re().find_iter(&mail.text) {
        if let Some(host) = url_host(m.as_str()) {
            targets.push((host, m.as_str().to_string()));
        }
    }
    for (host, evidence) in targets {
        if let Some((real, how)) = super::lookalike::imitated(k, &host, index, &recipients) {
            f.add(
                "lookalike_link",
                format!("a link leads to {host}, a domain never seen before that imitates {real}: {how}"),
                evidence,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_tool_names_in_link_text_are_not_hosts() {
        let k = Knowledge::for_tests();
        assert_eq!(shown_host(&k, "catalog.pdf"), None);
        assert_eq!(shown_host(&k, "Node.js"), None);
        assert_eq!(shown_host(&k, "report.docx"), None);
        assert_eq!(shown_host(&k, "setup.exe"), None);
        assert_eq!(shown_host(&k, "www.shop.madeup"), None);
        assert_eq!(shown_host(&k, "example.com"), Some("example.com".into()));
        assert_eq!(
            shown_host(&k, "https://login.kawasemi.co.jp/"),
            Some("login.kawasemi.co.jp".into())
        );
    }

    #[test]
    fn hosts_of_urls_and_link_texts() {
        let k = Knowledge::for_tests();
        assert_eq!(
            url_host("https://user@Shop.Example.jp:8443/a?b"),
            Some("shop.example.jp".into())
        );
        assert_eq!(url_host("mailto:a@b.example.jp"), None);
        assert_eq!(
            shown_host(&k, "www.kawasemi.example.co.jp/login"),
            Some("www.kawasemi.example.co.jp".into())
        );
        assert_eq!(shown_host(&k, "こちらをクリック"), None);
    }
}
