//! Look-alike domains: a sender or link domain that imitates a known one by
//! an edit (a letter dropped, added, changed or two swapped), homoglyphs
//! (`rn` for `m`, Cyrillic `а` for `a` …), a hyphen, or another suffix.

use crate::context::{domain_within, Context};
use crate::knowledge::Knowledge;
use crate::message::Mail;
use crate::verdict::Findings;
use std::collections::{HashMap, HashSet};

/// A domain split and mapped once, so that a message is compared against
/// thousands of known domains cheaply.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub domain: String,
    name: String,
    suffix: String,
    skeleton: String,
    /// The name without hyphens.
    bare: String,
    len: usize,
    /// Letter counts: an edit changes them by at most 2, so names whose
    /// counts differ more are skipped before the edit distance is computed.
    counts: [u8; 38],
}

fn letter_counts(name: &str) -> [u8; 38] {
    let mut c = [0u8; 38];
    for ch in name.chars() {
        let i = match ch {
            'a'..='z' => ch as usize - 'a' as usize,
            '0'..='9' => 26 + ch as usize - '0' as usize,
            '-' => 36,
            _ => 37,
        };
        c[i] = c[i].saturating_add(1);
    }
    c
}

fn counts_distance(a: &[u8; 38], b: &[u8; 38]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u32::from(x.abs_diff(*y)))
        .sum()
}

impl Prepared {
    /// None for a domain without a name part (a bare suffix, one label).
    pub fn new(k: &Knowledge, domain: &str) -> Option<Prepared> {
        let domain = domain.trim().trim_end_matches('.').to_lowercase();
        let (name, suffix) = k.split_domain(&domain)?;
        Some(Prepared {
            counts: letter_counts(&name),
            skeleton: k.skeleton(&name),
            bare: name.replace('-', ""),
            len: name.chars().count(),
            domain,
            name,
            suffix,
        })
    }
}

/// The known domains, prepared and indexed (built once per run), so that a
/// candidate is compared only with the known domains it could imitate: the
/// same name, skeleton or hyphen-less name, a name it extends by a word, or a
/// name within two letters of its length.
#[derive(Debug, Clone, Default)]
pub struct DomainIndex {
    pub domains: Vec<Prepared>,
    exact: HashSet<String>,
    by_name: HashMap<String, Vec<usize>>,
    by_skeleton: HashMap<String, Vec<usize>>,
    by_bare: HashMap<String, Vec<usize>>,
    by_len: HashMap<usize, Vec<usize>>,
}

impl DomainIndex {
    /// The context's known domains and the domains of its organisations.
    pub fn build(k: &Knowledge, ctx: &Context) -> DomainIndex {
        let mut index = DomainIndex::default();
        let all = ctx
            .known_domains
            .iter()
            .chain(ctx.orgs().flat_map(|o| o.domains.iter()));
        for d in all {
            let Some(p) = Prepared::new(k, d) else {
                continue;
            };
            if !index.exact.insert(p.domain.clone()) {
                continue;
            }
            let i = index.domains.len();
            index.by_name.entry(p.name.clone()).or_default().push(i);
            index
                .by_skeleton
                .entry(p.skeleton.clone())
                .or_default()
                .push(i);
            index.by_bare.entry(p.bare.clone()).or_default().push(i);
            index.by_len.entry(p.len).or_default().push(i);
            index.domains.push(p);
        }
        index
    }

    /// Whether `domain` is a known domain or a subdomain of one.
    fn knows(&self, domain: &str) -> bool {
        let mut d = domain;
        loop {
            if self.exact.contains(d) {
                return true;
            }
            match d.split_once('.') {
                Some((_, rest)) => d = rest,
                None => return false,
            }
        }
    }

    /// The known domains `c` could imitate, in index order.
    fn candidates(&self, c: &Prepared) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut take = |v: Option<&Vec<usize>>| out.extend(v.into_iter().flatten().copied());
        take(self.by_name.get(&c.name));
        take(self.by_skeleton.get(&c.skeleton));
        take(self.by_bare.get(&c.bare));
        // "kn-word" and "word-kn": every hyphen splits off a possible known name.
        for (i, ch) in c.name.char_indices() {
            if ch == '-' {
                take(self.by_name.get(&c.name[..i]));
                take(self.by_name.get(&c.name[i + 1..]));
            }
        }
        for len in c.len.saturating_sub(2)..=c.len + 2 {
            take(self.by_len.get(&len));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// How `candidate` imitates `known`, or None when it does not (or is the
/// same organisation: equal, a subdomain, the same registrable domain).
pub fn imitation(k: &Knowledge, candidate: &str, known: &str) -> Option<String> {
    imitation_of(&Prepared::new(k, candidate)?, &Prepared::new(k, known)?)
}

fn imitation_of(c: &Prepared, known: &Prepared) -> Option<String> {
    if domain_within(&c.domain, &known.domain) || domain_within(&known.domain, &c.domain) {
        return None;
    }
    let (cn, kn) = (&c.name, &known.name);
    let known_len = known.len;
    if cn == kn {
        return (c.suffix != known.suffix && known_len >= 3).then(|| {
            format!(
                "the same name under .{} instead of .{}",
                c.suffix, known.suffix
            )
        });
    }
    if known_len < 4 {
        return None;
    }
    if c.skeleton == known.skeleton {
        return Some(format!(
            "「{cn}」 reads as 「{kn}」 (look-alike characters)"
        ));
    }
    if known_len < 6 {
        // Short names are too close to each other to judge by edits
        // (sato / saito are two families, not an imitation).
        return None;
    }
    if c.bare == known.bare {
        return Some(format!("「{cn}」 is 「{kn}」 with a hyphen moved"));
    }
    if c.len > known_len
        && (cn
            .strip_prefix(kn.as_str())
            .is_some_and(|r| r.starts_with('-'))
            || cn
                .strip_suffix(kn.as_str())
                .is_some_and(|r| r.ends_with('-')))
    {
        return Some(format!("「{cn}」 is 「{kn}」 with a word added"));
    }
    let allowed = if known_len >= 10 { 2 } else { 1 };
    if c.len.abs_diff(known_len) > allowed
        || counts_distance(&c.counts, &known.counts) > 2 * allowed as u32
    {
        return None;
    }
    let distance = strsim::osa_distance(cn, kn);
    if distance > allowed {
        return None;
    }
    let cl = c.len;
    let how = if distance == 1 && cl + 1 == known_len {
        "a letter dropped"
    } else if distance == 1 && cl == known_len + 1 {
        "a letter added"
    } else if distance == 1 && strsim::levenshtein(cn, kn) == 2 {
        "two letters swapped"
    } else if distance == 1 {
        "a letter changed"
    } else {
        "two edits"
    };
    Some(format!("「{cn}」 is 「{kn}」 with {how}"))
}

/// The first known domain (of the index and the recipients') that `domain`
/// imitates, with how; None when the domain is itself known.
pub fn imitated(
    k: &Knowledge,
    domain: &str,
    index: &DomainIndex,
    recipients: &[Prepared],
) -> Option<(String, String)> {
    if domain.is_empty()
        || index.knows(domain)
        || recipients.iter().any(|d| domain_within(domain, &d.domain))
    {
        return None;
    }
    let c = Prepared::new(k, domain)?;
    let known = index
        .candidates(&c)
        .into_iter()
        .map(|i| &index.domains[i])
        .chain(recipients);
    known
        .into_iter()
        .find_map(|d| imitation_of(&c, d).map(|how| (d.domain.clone(), how)))
}

/// The recipients' domains, prepared.
pub fn recipient_domains(k: &Knowledge, mail: &Mail) -> Vec<Prepared> {
    let mut out: Vec<Prepared> = Vec::new();
    for r in &mail.recipients {
        let d = r.domain();
        if !out.iter().any(|p| p.domain == d) {
            out.extend(Prepared::new(k, &d));
        }
    }
    out
}

/// From and Reply-To domains.
pub fn check(mail: &Mail, index: &DomainIndex, k: &Knowledge, f: &mut Findings<'_>) {
    let recipients = recipient_domains(k, mail);
    let from = mail.from.iter().map(|a| (a, mail.from_header.clone()));
    let reply_to = mail
        .reply_to
        .iter()
        .map(|a| (a, format!("Reply-To: {}", a.address)));
    for (addr, evidence) in from.chain(reply_to) {
        let d = addr.domain();
        if let Some((real, how)) = imitated(k, &d, index, &recipients) {
            f.add(
                "lookalike_domain",
                format!("{d} imitates {real}: {how}"),
                evidence,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imitations_and_their_kinds() {
        let k = Knowledge::for_tests();
        let how = |a: &str, b: &str| imitation(&k, a, b);
        assert!(how("example-netwrk.co.jp", "example-network.co.jp")
            .is_some_and(|h| h.contains("dropped")));
        assert!(how("exmaple-network.co.jp", "example-network.co.jp")
            .is_some_and(|h| h.contains("swapped")));
        assert!(how("example-network.com", "example-network.co.jp")
            .is_some_and(|h| h.contains("instead of")));
        assert!(how("examplenetwork.co.jp", "example-network.co.jp")
            .is_some_and(|h| h.contains("hyphen")));
        assert!(
            how("rnisago-kogyo.example.co.jp", "misago-kogyo.example.co.jp")
                .is_some_and(|h| h.contains("look-alike"))
        );
        // The same organisation, and different ones, are not imitations.
        assert_eq!(
            how("mail.example-network.co.jp", "example-network.co.jp"),
            None
        );
        assert_eq!(how("hayabusa.example.jp", "kawasemi.example.jp"), None);
        assert_eq!(how("sato.example.jp", "saito.example.jp"), None);
    }

    #[test]
    fn the_index_finds_what_a_full_scan_finds() {
        let k = Knowledge::for_tests();
        let syllables = ["ka", "sa", "mi", "to", "ne", "ha", "ru", "yo", "-"];
        let known: Vec<String> = (0..150usize)
            .map(|i| {
                let mut name = String::from("x");
                let mut n = i;
                while n > 0 {
                    name.push_str(syllables[n % syllables.len()]);
                    n /= syllables.len();
                }
                format!("{}.example.co.jp", name.trim_matches('-'))
            })
            .collect();
        let ctx = Context {
            known_domains: known.clone(),
            ..Context::default()
        };
        let index = DomainIndex::build(&k, &ctx);
        let candidates = known.iter().flat_map(|d| {
            [
                d.replacen('a', "", 1),
                d.replacen("mi", "rni", 1),
                d.replacen(".example.co.jp", ".example.com", 1),
                d.replacen(".example.co.jp", "-support.example.co.jp", 1),
                d.replacen('k', "kk", 1),
                format!("mail.{d}"),
            ]
        });
        let mut found = 0;
        for c in candidates {
            let scan = if known.iter().any(|d| domain_within(&c, d)) {
                None
            } else {
                known
                    .iter()
                    .find_map(|d| imitation(&k, &c, d).map(|h| (d.clone(), h)))
            };
            assert_eq!(imitated(&k, &c, &index, &[]), scan, "{c}");
            found += usize::from(scan.is_some());
        }
        assert!(found > 200, "{found}");
    }
}
