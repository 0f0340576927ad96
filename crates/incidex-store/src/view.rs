//! An incident as one object: its reports, and the union of their facts with
//! the reports that state each one.

use crate::error::{Result, StoreError};
use crate::store::Store;
use incidex_model::Record;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;

/// A fact and the reports (ids) that state it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    pub value: String,
    pub reports: Vec<i64>,
}

/// A dated event of the merged timeline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Event {
    pub date: String,
    pub text: String,
    pub reports: Vec<i64>,
}

/// The highest count stated for one unit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    pub count: u64,
    pub unit: String,
    pub what: String,
    pub qualifier: Option<String>,
    pub report: i64,
}

/// One evidence item with the text it points at.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub field: String,
    pub value: String,
    pub span: [usize; 2],
    pub text: String,
}

/// One report of an incident.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: i64,
    pub key: String,
    pub doc: String,
    pub path: String,
    /// Why the report belongs to the incident.
    pub reason: String,
    pub record: Record,
    /// The report's text (only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// A join between two reports and why it was made.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LinkView {
    pub report_a: i64,
    pub report_b: i64,
    pub reason: String,
}

/// An incident: the merged view of its reports.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub id: i64,
    pub victim: Option<String>,
    pub category: Option<String>,
    pub sector: Option<String>,
    pub disclosed: Option<String>,
    pub last_disclosed: Option<String>,
    pub max_affected: Option<i64>,
    pub victims: Vec<Fact>,
    pub categories: Vec<Fact>,
    pub malware: Vec<Fact>,
    pub threat_actors: Vec<Fact>,
    pub vectors: Vec<Fact>,
    pub data_types: Vec<Fact>,
    pub actions: Vec<Fact>,
    pub indicators: Vec<Fact>,
    /// The highest count per unit.
    pub counts: Vec<Count>,
    pub money: Vec<Fact>,
    pub timeline: Vec<Event>,
    pub links: Vec<LinkView>,
    pub reports: Vec<ReportView>,
}

fn add(facts: &mut Vec<Fact>, value: String, report: i64) {
    if value.is_empty() {
        return;
    }
    match facts.iter_mut().find(|f| f.value == value) {
        Some(f) => {
            if !f.reports.contains(&report) {
                f.reports.push(report);
            }
        }
        None => facts.push(Fact {
            value,
            reports: vec![report],
        }),
    }
}

/// Characters `[start, end)` of `text` (clamped).
pub(crate) fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

impl IncidentView {
    fn merge(&mut self) {
        let mut timeline: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
        let mut counts: BTreeMap<String, Count> = BTreeMap::new();
        for rv in &self.reports {
            let (id, r) = (rv.id, &rv.record);
            for v in &r.victims {
                add(&mut self.victims, v.clone(), id);
            }
            for c in r.category.iter().chain(&r.categories) {
                add(&mut self.categories, c.to_string(), id);
            }
            for m in &r.malware {
                add(&mut self.malware, m.clone(), id);
            }
            for a in &r.threat_actors {
                add(&mut self.threat_actors, a.clone(), id);
            }
            for v in &r.vectors {
                add(&mut self.vectors, v.to_string(), id);
            }
            for d in &r.data_types {
                add(&mut self.data_types, d.to_string(), id);
            }
            for a in &r.actions {
                add(&mut self.actions, a.to_string(), id);
            }
            for i in &r.indicators {
                add(
                    &mut self.indicators,
                    format!("{}:{}", i.kind.as_str(), i.value),
                    id,
                );
            }
            for m in &r.money {
                add(
                    &mut self.money,
                    format!("{} {} ({})", m.amount, m.currency, m.kind),
                    id,
                );
            }
            for e in &r.timeline {
                timeline
                    .entry((e.date.clone(), e.text.clone()))
                    .or_default()
                    .push(id);
            }
            for a in &r.affected {
                let c = counts.entry(a.unit.clone()).or_insert_with(|| Count {
                    count: 0,
                    unit: a.unit.clone(),
                    what: a.what.clone(),
                    qualifier: None,
                    report: id,
                });
                if a.count > c.count {
                    *c = Count {
                        count: a.count,
                        unit: a.unit.clone(),
                        what: a.what.clone(),
                        qualifier: a.qualifier.map(|q| q.to_string()),
                        report: id,
                    };
                }
            }
        }
        self.timeline = timeline
            .into_iter()
            .map(|((date, text), mut reports)| {
                reports.dedup();
                Event {
                    date,
                    text,
                    reports,
                }
            })
            .collect();
        let mut counts: Vec<Count> = counts.into_values().collect();
        counts.sort_by_key(|c| std::cmp::Reverse(c.count));
        self.counts = counts;
    }

    /// The main count: the highest, with its unit.
    pub fn main_count(&self) -> Option<&Count> {
        self.counts.first()
    }
}

impl Store {
    /// The incident `id` (an incident id, or the id of one of its reports);
    /// `with_text` adds report texts and evidence excerpts.
    pub fn incident(&self, id: i64, with_text: bool) -> Result<IncidentView> {
        let inc: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM incidents WHERE id = ?1
                 UNION ALL SELECT incident_id FROM report_incident WHERE report_id = ?1 LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let inc = inc.ok_or_else(|| StoreError::NotFound(format!("no incident or report {id}")))?;
        let mut v = self
            .conn
            .query_row(
                "SELECT id, victim, category, sector, disclosed, last_disclosed, max_affected FROM incidents WHERE id = ?1",
                [inc],
                |r| {
                    Ok(IncidentView {
                        id: r.get(0)?,
                        victim: r.get(1)?,
                        category: r.get(2)?,
                        sector: r.get(3)?,
                        disclosed: r.get(4)?,
                        last_disclosed: r.get(5)?,
                        max_affected: r.get(6)?,
                        victims: vec![],
                        categories: vec![],
                        malware: vec![],
                        threat_actors: vec![],
                        vectors: vec![],
                        data_types: vec![],
                        actions: vec![],
                        indicators: vec![],
                        counts: vec![],
                        money: vec![],
                        timeline: vec![],
                        links: vec![],
                        reports: vec![],
                    })
                },
            )
            .map_err(|e| self.err(e))?;
        let text_col = if with_text { "d.text" } else { "NULL" };
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT r.id, r.rkey, d.name, d.path, ri.reason, r.record, {text_col}
                 FROM report_incident ri JOIN reports r ON r.id = ri.report_id JOIN documents d ON d.id = r.document_id
                 WHERE ri.incident_id = ?1 ORDER BY coalesce(r.disclosed, '9999'), r.id"
            ))
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([inc], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (rid, key, doc, path, reason, json, text) = row.map_err(|e| self.err(e))?;
            let record: Record =
                serde_json::from_str(&json).map_err(|source| StoreError::BadRecord {
                    report: rid,
                    source,
                })?;
            let (text, evidence) = match text {
                Some(t) => {
                    let ev = record
                        .evidence
                        .iter()
                        .flat_map(|(field, items)| {
                            items.iter().map(|it| Evidence {
                                field: field.clone(),
                                value: it.value.clone(),
                                span: it.span,
                                text: char_slice(&t, it.span[0], it.span[1]),
                            })
                        })
                        .collect();
                    (Some(char_slice(&t, record.span[0], record.span[1])), ev)
                }
                None => (None, Vec::new()),
            };
            v.reports.push(ReportView {
                id: rid,
                key,
                doc,
                path,
                reason,
                record,
                text,
                evidence,
            });
        }
        let mut st = self
            .conn
            .prepare_cached("SELECT report_a, report_b, reason FROM incident_links WHERE incident_id = ?1 ORDER BY rowid")
            .map_err(|e| self.err(e))?;
        v.links = st
            .query_map([inc], |r| {
                Ok(LinkView {
                    report_a: r.get(0)?,
                    report_b: r.get(1)?,
                    reason: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))?;
        v.merge();
        Ok(v)
    }

    /// Ids of the incidents that pass a filter, in order of first disclosure.
    pub fn incident_ids(&self, filter: &crate::Filter) -> Result<Vec<i64>> {
        filter.validate()?;
        self.sorted_ids(filter, crate::Sort::DisclosedAsc)
    }
}
