//! Queries for the mail check (`incidex mailcheck`): the recent incidents that
//! make mail from an organisation suspect (an infection, a hijacked mailbox,
//! spoofed mail), and the domains the store has seen.

use crate::dates::civil_from_days;
use crate::error::Result;
use crate::store::Store;
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;

/// An incident that makes mail from its victim suspect.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MailIncident {
    pub incident: i64,
    /// The incident's main victim as written.
    pub victim: Option<String>,
    /// Every victim name of the incident, normalised (`normalize_name`).
    pub names: Vec<String>,
    pub category: Option<String>,
    /// First disclosure.
    pub disclosed: Option<String>,
    /// Latest disclosure (a follow-up report moves it).
    pub last_disclosed: Option<String>,
    pub malware: Vec<String>,
    pub vectors: Vec<String>,
    /// Indicator domains and the domains of mail addresses its reports write
    /// (`*****@victim.example.co.jp` counts as its domain), lower case.
    pub domains: Vec<String>,
    /// Of those, the ones its reports present as the organisation's own: a
    /// masked address (`*****@victim.example.co.jp`) or an address in a
    /// sentence about "our" addresses that does not speak of the senders of
    /// the spoofed mail. The others are domains the reports mention (often
    /// the senders of the spoofed mail).
    pub own_domains: Vec<String>,
}

/// What makes an incident relevant to mail: any of these (compared case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct MailIncidentCriteria {
    pub categories: Vec<String>,
    pub malware: Vec<String>,
    pub vectors: Vec<String>,
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Store {
    /// Incidents whose latest disclosure lies in `since..=until` (ISO dates)
    /// and whose category, malware family or vectors meet `criteria`.
    /// Incidents without a disclosure date are left out: recency cannot be judged.
    pub fn mail_incidents(
        &self,
        since: &str,
        until: &str,
        criteria: &MailIncidentCriteria,
    ) -> Result<Vec<MailIncident>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT i.id, i.victim, i.category, i.disclosed, i.last_disclosed, t.kind, t.value
                 FROM incidents i JOIN incident_tags t ON t.incident_id = i.id
                 WHERE substr(coalesce(i.last_disclosed, i.disclosed), 1, 10) BETWEEN ?1 AND ?2
                 ORDER BY i.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![since, until], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut by_id: BTreeMap<i64, (MailIncident, Vec<String>)> = BTreeMap::new();
        for row in rows {
            let (id, victim, category, disclosed, last, kind, value) =
                row.map_err(|e| self.err(e))?;
            let (inc, categories) = by_id.entry(id).or_insert_with(|| {
                (
                    MailIncident {
                        incident: id,
                        victim,
                        names: vec![],
                        category,
                        disclosed,
                        last_disclosed: last,
                        malware: vec![],
                        vectors: vec![],
                        domains: vec![],
                        own_domains: vec![],
                    },
                    vec![],
                )
            });
            let list = match kind.as_str() {
                "victim" => &mut inc.names,
                "malware" => &mut inc.malware,
                "vector" => &mut inc.vectors,
                "domain" => &mut inc.domains,
                "category" => categories,
                _ => continue,
            };
            if !list.contains(&value) {
                list.push(value);
            }
        }
        let has = |wanted: &[String], got: &[String]| {
            got.iter()
                .any(|g| wanted.iter().any(|w| w.eq_ignore_ascii_case(g)))
        };
        let mut out = Vec::new();
        for (_, (mut inc, categories)) in by_id {
            let relevant = has(&criteria.categories, &categories)
                || inc
                    .category
                    .as_ref()
                    .is_some_and(|c| has(&criteria.categories, std::slice::from_ref(c)))
                || has(&criteria.malware, &inc.malware)
                || has(&criteria.vectors, &inc.vectors);
            if !relevant {
                continue;
            }
            let (all, own) = self.report_mail_domains(inc.incident)?;
            for d in all {
                if !inc.domains.contains(&d) {
                    inc.domains.push(d);
                }
            }
            inc.own_domains = own;
            out.push(inc);
        }
        Ok(out)
    }

    /// The domains of the mail addresses written in an incident's reports,
    /// and those of them presented as the organisation's own.
    fn report_mail_domains(&self, incident: i64) -> Result<(Vec<String>, Vec<String>)> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT rt.text FROM report_incident ri JOIN report_text rt ON rt.id = ri.report_id
                 WHERE ri.incident_id = ?1",
            )
            .map_err(|e| self.err(e))?;
        let texts = st
            .query_map([incident], |r| r.get::<_, Option<String>>(0))
            .map_err(|e| self.err(e))?;
        let (mut all, mut own) = (Vec::new(), Vec::new());
        for t in texts {
            let t = t.map_err(|e| self.err(e))?.unwrap_or_default();
            for d in mail_domains(&t) {
                if !all.contains(&d) {
                    all.push(d);
                }
            }
            for d in own_mail_domains(&t) {
                if !own.contains(&d) {
                    own.push(d);
                }
            }
        }
        Ok((all, own))
    }

    /// Every indicator domain of the store with the earliest disclosure that
    /// names it (None when no incident naming it has a date).
    pub fn domains_seen(&self) -> Result<Vec<(String, Option<String>)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT t.value, min(i.disclosed) FROM incident_tags t
                 JOIN incidents i ON i.id = t.incident_id
                 WHERE t.kind = 'domain' GROUP BY t.value ORDER BY t.value",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }
}

/// Domains after `@` in a text, lower case (`*****@a.example.co.jp` → `a.example.co.jp`).
pub fn mail_domains(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices(['@', '＠']) {
        let rest = &text[i..];
        let rest = rest.trim_start_matches(['@', '＠']);
        let d: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        let d = d.trim_matches(['.', '-']).to_ascii_lowercase();
        let labels: Vec<&str> = d.split('.').collect();
        let tld_ok = labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if labels.len() >= 2 && tld_ok && labels.iter().all(|l| !l.is_empty()) && !out.contains(&d)
        {
            out.push(d);
        }
    }
    out
}

/// Words of a sentence about the organisation's own addresses.
const OWN_WORDS: &[&str] = &[
    "当社",
    "弊社",
    "当法人",
    "当院",
    "本学",
    "当校",
    "当組合",
    "our ",
];
/// Words of a sentence about the senders of the spoofed mail.
const SENDER_WORDS: &[&str] = &[
    "送信元",
    "差出人",
    "なりすまし",
    "不審",
    "偽",
    "攻撃者",
    "sent from",
    "sender",
];

/// The domains a text presents as the writer's own: masked addresses
/// (`*****@…`, `＊＊＊@…`, `xxxx@…`, `○○@…`), and addresses in a sentence that
/// speaks of "our" addresses and not of the senders of spoofed mail.
pub fn own_mail_domains(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for sentence in text.split(['。', '\n']) {
        let lower = sentence.to_lowercase();
        let about_us = OWN_WORDS.iter().any(|w| lower.contains(w))
            && !SENDER_WORDS.iter().any(|w| lower.contains(w));
        for (i, _) in sentence.match_indices(['@', '＠']) {
            let before = sentence[..i].chars().next_back();
            let masked = before
                .is_some_and(|c| matches!(c, '*' | '＊' | '○' | '●' | 'x' | 'X' | '※'))
                && sentence[..i]
                    .chars()
                    .rev()
                    .take(3)
                    .all(|c| matches!(c, '*' | '＊' | '○' | '●' | 'x' | 'X' | '※'));
            if !(masked || about_us) {
                continue;
            }
            if let Some(d) = mail_domains(&sentence[i..]).into_iter().next() {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_domains_reads_masked_and_full_width_addresses() {
        let t = "「*****@minato.example.co.jp」の形式。送信元 k.t@post-qz.example.com。連絡先 info＠a-b.example.jp. 無効 x@localhost";
        assert_eq!(
            mail_domains(t),
            vec![
                "minato.example.co.jp".to_string(),
                "post-qz.example.com".to_string(),
                "a-b.example.jp".to_string()
            ]
        );
    }

    #[test]
    fn own_domains_are_masked_or_ours_and_not_the_senders() {
        let t = "当社のメールアドレスは「*****@minato.example.co.jp」の形式です。\
                 確認された送信元には「k.t@post-qz.example.com」があります。\
                 当社の窓口 info@help.example.jp までご連絡ください。\
                 取引先 a.b@partner.example.jp からの連絡で判明しました。";
        assert_eq!(
            own_mail_domains(t),
            vec![
                "minato.example.co.jp".to_string(),
                "help.example.jp".to_string()
            ]
        );
        assert_eq!(mail_domains(t).len(), 4);
    }

    #[test]
    fn iso_date_round_trips_day_numbers() {
        let d = crate::dates::day_number("2024-02-29").unwrap_or_default();
        assert_eq!(iso_date(d), "2024-02-29");
        assert_eq!(iso_date(0), "1970-01-01");
    }
}
