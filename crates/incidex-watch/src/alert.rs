//! Which incidents to alert on, and why: the watchlist (names, aliases,
//! domains — through the store's matcher —, indicators from the sources
//! file) and the rules (category, malware, sector).

use crate::config::{Rule, WatchEntry};
use incidex_store::{IncidentView, Store};
use serde::Serialize;
use std::collections::BTreeMap;

/// One alert, as every destination receives it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertMessage {
    pub incident: i64,
    pub victim: Option<String>,
    pub category: Option<String>,
    pub sector: Option<String>,
    pub disclosed: Option<String>,
    pub summary: String,
    /// Why it matched, one line per watch entry or rule.
    pub reasons: Vec<String>,
    /// The incident page of the web application.
    pub link: String,
    pub report_count: i64,
    /// Set when this destination was alerted before with fewer reports.
    pub follow_up: bool,
    /// The documents of the incident (URLs for what the watcher fetched).
    pub sources: Vec<String>,
}

impl AlertMessage {
    /// The alert's first line.
    pub fn headline(&self) -> String {
        let victim = self.victim.as_deref().unwrap_or("(名称非公表)");
        let category = self.category.as_deref().unwrap_or("unknown");
        let disclosed = self.disclosed.as_deref().unwrap_or("date unknown");
        let follow = if self.follow_up {
            format!(" — follow-up: now {} reports", self.report_count)
        } else {
            String::new()
        };
        format!(
            "incident {}: {victim} ({category}, disclosed {disclosed}){follow}",
            self.incident
        )
    }

    /// The alert as plain text (standard output, e-mail body, chat message).
    pub fn text(&self) -> String {
        let mut s = format!("ALERT {}\n", self.headline());
        s.push_str(&format!("  summary: {}\n", self.summary));
        for r in &self.reasons {
            s.push_str(&format!("  why: {r}\n"));
        }
        for src in self.sources.iter().take(5) {
            s.push_str(&format!("  source: {src}\n"));
        }
        s.push_str(&format!("  link: {}\n", self.link));
        s
    }
}

/// The reasons each incident matches, by incident id. Only `candidates` are
/// considered.
pub fn matches(
    store: &Store,
    candidates: &[i64],
    watches: &[WatchEntry],
    rules: &[Rule],
) -> Result<BTreeMap<i64, Vec<String>>, String> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    if candidates.is_empty() {
        return Ok(out);
    }
    let wanted: std::collections::HashSet<i64> = candidates.iter().copied().collect();
    for a in store.alerts(None).map_err(|e| e.to_string())? {
        if wanted.contains(&a.incident) {
            out.entry(a.incident)
                .or_default()
                .push(format!("watchlist 「{}」: {}", a.watch, a.matched));
        }
    }
    let needs_views = !rules.is_empty() || watches.iter().any(|w| !w.indicators.is_empty());
    if needs_views {
        for &id in candidates {
            let view = store.incident(id, false).map_err(|e| e.to_string())?;
            let mut reasons = indicator_reasons(&view, watches);
            reasons.extend(rule_reasons(&view, rules));
            if !reasons.is_empty() {
                out.entry(id).or_default().extend(reasons);
            }
        }
    }
    Ok(out)
}

/// A watched indicator the incident states (case-insensitive, exact).
fn indicator_reasons(view: &IncidentView, watches: &[WatchEntry]) -> Vec<String> {
    let mut out = Vec::new();
    for w in watches {
        for want in &w.indicators {
            let want = want.trim().to_lowercase();
            let hit = view.indicators.iter().find(|f| {
                // Stored as "kind:value".
                let value = f.value.split_once(':').map(|(_, v)| v).unwrap_or(&f.value);
                value.to_lowercase() == want
            });
            if let Some(f) = hit {
                out.push(format!("watchlist 「{}」: indicator {}", w.name, f.value));
            }
        }
    }
    out
}

/// The rules whose every listed dimension the incident meets.
fn rule_reasons(view: &IncidentView, rules: &[Rule]) -> Vec<String> {
    let categories: Vec<&str> = view
        .category
        .iter()
        .map(String::as_str)
        .chain(view.categories.iter().map(|f| f.value.as_str()))
        .collect();
    let malware: Vec<&str> = view.malware.iter().map(|f| f.value.as_str()).collect();
    let sector: Vec<&str> = view.sector.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for r in rules {
        let mut why = Vec::new();
        let mut ok = true;
        for (dim, want, have) in [
            ("category", &r.category, &categories),
            ("malware", &r.malware, &malware),
            ("sector", &r.sector, &sector),
        ] {
            if want.is_empty() {
                continue;
            }
            match have
                .iter()
                .find(|h| want.iter().any(|w| w.eq_ignore_ascii_case(h)))
            {
                Some(h) => why.push(format!("{dim} {h}")),
                None => ok = false,
            }
        }
        if ok && !why.is_empty() {
            out.push(format!("rule 「{}」: {}", r.name, why.join(", ")));
        }
    }
    out
}

/// The alert for an incident.
pub fn message(
    store: &Store,
    id: i64,
    report_count: i64,
    reasons: Vec<String>,
    base_url: &str,
    follow_up: bool,
) -> Result<AlertMessage, String> {
    let view = store.incident(id, false).map_err(|e| e.to_string())?;
    let mut sources: Vec<String> = Vec::new();
    for r in &view.reports {
        if !sources.contains(&r.path) {
            sources.push(r.path.clone());
        }
    }
    Ok(AlertMessage {
        incident: id,
        victim: view.victim.clone(),
        category: view.category.clone(),
        sector: view.sector.clone(),
        disclosed: view.disclosed.clone(),
        summary: incidex_store::summary(&view),
        reasons,
        link: format!("{}/incidents/{id}", base_url.trim_end_matches('/')),
        report_count,
        follow_up,
        sources,
    })
}
