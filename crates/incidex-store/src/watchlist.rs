//! The analyst's watchlist (suppliers, partners) and the incidents that touch it.

use crate::dates::valid_date;
use crate::error::{Result, StoreError};
use crate::normalize::{normalize_name, same_name};
use crate::store::Store;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A watched organisation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Watch {
    pub name: String,
    pub aliases: Vec<String>,
    pub domains: Vec<String>,
}

/// An incident that matches a watched organisation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    pub watch: String,
    pub incident: i64,
    pub victim: Option<String>,
    pub category: Option<String>,
    pub disclosed: Option<String>,
    /// What matched: `name 「…」` or `domain …`.
    pub matched: String,
}

impl Store {
    /// Adds a watched organisation, or adds aliases and domains to it.
    pub fn watch_add(
        &mut self,
        name: &str,
        aliases: &[String],
        domains: &[String],
    ) -> Result<Watch> {
        if normalize_name(name).is_empty() {
            return Err(StoreError::Invalid(format!(
                "{name:?} is not an organisation name"
            )));
        }
        let mut w = self.watch_get(name)?.unwrap_or(Watch {
            name: name.to_string(),
            aliases: vec![],
            domains: vec![],
        });
        for a in aliases {
            if !w.aliases.contains(a) {
                w.aliases.push(a.clone());
            }
        }
        for d in domains {
            let d = d
                .trim()
                .trim_start_matches("*.")
                .trim_end_matches('.')
                .to_lowercase();
            if d.is_empty() || !d.contains('.') {
                return Err(StoreError::Invalid(format!(
                    "--domain {d:?}: expected a domain such as example.co.jp"
                )));
            }
            if !w.domains.contains(&d) {
                w.domains.push(d);
            }
        }
        let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(
                "INSERT OR REPLACE INTO watchlist(name, aliases, domains, added_at) VALUES (?1, ?2, ?3, ?4)",
                params![w.name, json(&w.aliases), json(&w.domains), crate::dates::now_rfc3339()],
            )
            .map_err(|e| self.err(e))?;
        Ok(w)
    }

    /// Removes a watched organisation; false when it was not watched.
    pub fn watch_remove(&mut self, name: &str) -> Result<bool> {
        let n = self
            .conn
            .execute("DELETE FROM watchlist WHERE name = ?1", [name])
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    fn watch_get(&self, name: &str) -> Result<Option<Watch>> {
        self.conn
            .query_row(
                "SELECT name, aliases, domains FROM watchlist WHERE name = ?1",
                [name],
                row_watch,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every watched organisation, by name.
    pub fn watch_list(&self) -> Result<Vec<Watch>> {
        let mut st = self
            .conn
            .prepare("SELECT name, aliases, domains FROM watchlist ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([], row_watch).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Incidents whose victims (any written form, providers and parents
    /// included) or indicator domains match a watched organisation.
    pub fn alerts(&self, since: Option<&str>) -> Result<Vec<Alert>> {
        if let Some(s) = since {
            if !valid_date(s) {
                return Err(StoreError::Invalid(format!(
                    "--since {s:?}: expected YYYY-MM or YYYY-MM-DD"
                )));
            }
        }
        let since = since.unwrap_or("");
        let mut out = Vec::new();
        let mut st = self
            .conn
            .prepare(
                "SELECT i.id, i.victim, i.category, i.disclosed, t.kind, t.value FROM incident_tags t
                 JOIN incidents i ON i.id = t.incident_id
                 WHERE t.kind IN ('victim', 'domain') AND coalesce(i.disclosed, '') >= ?1
                   AND (t.value = ?2 OR (t.kind = 'victim' AND length(?2) >= 3 AND instr(t.value, ?2) > 0)
                        OR (t.kind = 'victim' AND length(t.value) >= 3 AND instr(?2, t.value) > 0)
                        OR (t.kind = 'domain' AND t.value LIKE '%.' || ?2))
                 ORDER BY i.disclosed, i.id",
            )
            .map_err(|e| self.err(e))?;
        for w in self.watch_list()? {
            let names: Vec<String> = std::iter::once(&w.name)
                .chain(&w.aliases)
                .map(|n| normalize_name(n))
                .filter(|n| !n.is_empty())
                .collect();
            let keys: Vec<(&str, String)> = names
                .iter()
                .map(|n| ("victim", n.clone()))
                .chain(w.domains.iter().map(|d| ("domain", d.clone())))
                .collect();
            for (want, key) in keys {
                let rows = st
                    .query_map(params![since, key], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, Option<String>>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                        ))
                    })
                    .map_err(|e| self.err(e))?;
                for row in rows {
                    let (incident, victim, category, disclosed, kind, value) =
                        row.map_err(|e| self.err(e))?;
                    if kind != want || (kind == "victim" && !same_name(&value, &key)) {
                        continue;
                    }
                    if out
                        .iter()
                        .any(|a: &Alert| a.watch == w.name && a.incident == incident)
                    {
                        continue;
                    }
                    let matched = if kind == "domain" {
                        format!("domain {value}")
                    } else {
                        format!("name 「{value}」")
                    };
                    out.push(Alert {
                        watch: w.name.clone(),
                        incident,
                        victim,
                        category,
                        disclosed,
                        matched,
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            a.disclosed
                .cmp(&b.disclosed)
                .then(a.incident.cmp(&b.incident))
        });
        Ok(out)
    }
}

fn row_watch(r: &rusqlite::Row<'_>) -> rusqlite::Result<Watch> {
    let parse = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    Ok(Watch {
        name: r.get(0)?,
        aliases: parse(r.get(1)?),
        domains: parse(r.get(2)?),
    })
}
