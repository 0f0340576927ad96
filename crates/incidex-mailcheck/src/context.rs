//! What the check knows about organisations beyond the message: recent
//! incidents and the watchlist from the store, and domains the user names.

use incidex_store::{day_number, iso_date, normalize_name, same_name, MailIncidentCriteria, Store};
use serde::Deserialize;

const CRITERIA: &str = include_str!("../data/incidents.toml");

/// An organisation with the names and domains it is known by.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownOrg {
    /// As written (for messages).
    pub name: String,
    /// Normalised names (`normalize_name`) of the organisation and its aliases.
    pub names: Vec<String>,
    /// Its mail and web domains, lower case.
    pub domains: Vec<String>,
}

/// A recent incident that makes mail from its victim suspect.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentIncident {
    pub incident: i64,
    pub org: KnownOrg,
    /// The date cited: the first disclosure (and the latest, if later).
    pub disclosed: String,
    /// What makes it relevant: "Emotet", "email_account_takeover" …
    pub what: String,
    /// Domains its reports mention that are not the organisation's own
    /// (typically the senders of the spoofed mail).
    pub mentioned: Vec<String>,
}

/// Everything known beyond the message.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub incidents: Vec<RecentIncident>,
    pub watched: Vec<KnownOrg>,
    /// Domains legitimately in use (store indicators, watchlist, `--known-domain`);
    /// the look-alike check compares against these and the recipients' domains.
    pub known_domains: Vec<String>,
    /// Said once at the top of the output (e.g. the store was skipped).
    pub notes: Vec<String>,
}

/// The incident criteria of `data/incidents.toml`.
#[derive(Debug, Clone, Deserialize)]
struct CriteriaFile {
    categories: Vec<String>,
    malware: Vec<String>,
    vectors: Vec<String>,
}

/// What makes an incident relevant to mail, from `data/incidents.toml`.
pub fn incident_criteria() -> Result<MailIncidentCriteria, String> {
    let c: CriteriaFile =
        toml::from_str(CRITERIA).map_err(|e| format!("data/incidents.toml: {e}"))?;
    Ok(MailIncidentCriteria {
        categories: c.categories,
        malware: c.malware,
        vectors: c.vectors,
    })
}

/// The day a check runs on: `--now` (YYYY-MM-DD) or today (UTC).
pub fn day_of(now: Option<&str>) -> Result<i64, String> {
    match now {
        Some(s) => day_number(s)
            .filter(|_| s.len() == 10)
            .ok_or_else(|| format!("--now {s:?}: expected YYYY-MM-DD")),
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| format!("system clock: {e}"))?
                .as_secs();
            Ok((secs / 86_400) as i64)
        }
    }
}

impl Context {
    /// Reads the recent incidents (latest disclosure within `recent_days`
    /// before `today`, inclusive) and the watchlist.
    pub fn from_store(store: &Store, today: i64, recent_days: u32) -> Result<Context, String> {
        let criteria = incident_criteria()?;
        let since = iso_date(today - i64::from(recent_days));
        let until = iso_date(today);
        let watched: Vec<KnownOrg> = store
            .watch_list()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|w| KnownOrg {
                names: std::iter::once(&w.name)
                    .chain(&w.aliases)
                    .map(|n| normalize_name(n))
                    .filter(|n| !n.is_empty())
                    .collect(),
                name: w.name,
                domains: w.domains,
            })
            .collect();
        let mut incidents = Vec::new();
        for inc in store
            .mail_incidents(&since, &until, &criteria)
            .map_err(|e| e.to_string())?
        {
            let mut org = KnownOrg {
                name: inc
                    .victim
                    .clone()
                    .or_else(|| inc.names.first().cloned())
                    .unwrap_or_default(),
                names: inc.names.clone(),
                domains: inc.own_domains.clone(),
            };
            // A watched organisation lends its domains to its incidents.
            for w in &watched {
                if w.names
                    .iter()
                    .any(|a| org.names.iter().any(|b| same_name(a, b)))
                {
                    for d in &w.domains {
                        if !org.domains.contains(d) {
                            org.domains.push(d.clone());
                        }
                    }
                }
            }
            let first = inc.disclosed.clone().unwrap_or_default();
            let disclosed = match &inc.last_disclosed {
                Some(l) if *l != first => format!("{first} (latest report {l})"),
                _ => first,
            };
            let mut what: Vec<String> = inc.malware.clone();
            what.extend(
                inc.vectors
                    .iter()
                    .filter(|v| criteria.vectors.iter().any(|c| c == *v))
                    .cloned(),
            );
            if what.is_empty() {
                what.extend(inc.category.clone());
            }
            let mentioned = inc
                .domains
                .iter()
                .filter(|d| !org.owns(d))
                .cloned()
                .collect();
            incidents.push(RecentIncident {
                incident: inc.incident,
                org,
                disclosed,
                what: what.join(", "),
                mentioned,
            });
        }
        let mut known_domains: Vec<String> = store
            .domains_seen()
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        for w in &watched {
            known_domains.extend(w.domains.iter().cloned());
        }
        for i in &incidents {
            known_domains.extend(i.org.domains.iter().cloned());
        }
        known_domains.sort();
        known_domains.dedup();
        Ok(Context {
            incidents,
            watched,
            known_domains,
            notes: vec![],
        })
    }

    /// Every organisation whose domains are known (incident victims, watched).
    pub fn orgs(&self) -> impl Iterator<Item = &KnownOrg> {
        self.incidents
            .iter()
            .map(|i| &i.org)
            .chain(self.watched.iter())
            .filter(|o| !o.domains.is_empty())
    }
}

impl KnownOrg {
    /// Whether a display name (any text) names this organisation: its
    /// normalised form contains one of the organisation's names of at least
    /// three characters.
    pub fn named_in(&self, display: &str) -> Option<&str> {
        self.named_in_normalized(&normalize_name(display))
    }

    /// [`KnownOrg::named_in`] for a display name already normalised.
    pub fn named_in_normalized(&self, d: &str) -> Option<&str> {
        if d.is_empty() {
            return None;
        }
        self.names
            .iter()
            .find(|n| n.chars().count() >= 3 && d.contains(n.as_str()))
            .map(|n| n.as_str())
    }

    /// Whether mail from `domain` is mail from this organisation (the domain
    /// or a subdomain of one of its domains).
    pub fn owns(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| domain_within(domain, d))
    }
}

/// `domain` equals `parent` or is a subdomain of it.
pub fn domain_within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_file_names_emotet_and_hijacked_mailboxes() {
        let c = match incident_criteria() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert!(c.malware.iter().any(|m| m == "Emotet"));
        assert!(c.vectors.iter().any(|v| v == "email_account_takeover"));
    }

    #[test]
    fn org_names_match_inside_display_names() {
        let org = KnownOrg {
            name: "株式会社ミナト精工".into(),
            names: vec![normalize_name("株式会社ミナト精工")],
            domains: vec!["minato-seiko.example.co.jp".into()],
        };
        assert!(org.named_in("ミナト精工 営業部 田辺").is_some());
        assert!(org.named_in("(株)ミナト精工").is_some());
        assert!(org.named_in("ミナミ商事 田辺").is_none());
        assert!(org.owns("mail.minato-seiko.example.co.jp"));
        assert!(!org.owns("xminato-seiko.example.co.jp"));
    }

    #[test]
    fn now_must_be_a_full_date() {
        assert!(day_of(Some("2023-03")).is_err());
        assert_eq!(day_of(Some("1970-01-02")), Ok(1));
    }
}
