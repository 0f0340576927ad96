//! Statistics: incidents and affected records per category, sector, month,
//! malware or vector, with the cause classes of TSR, JNSA and VERIS as
//! alternative views of the category.

use crate::error::{Result, StoreError};
use crate::filter::Filter;
use crate::labels::Taxonomy;
use crate::store::Store;
use serde::Serialize;
use std::collections::BTreeMap;

/// What statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Category,
    Sector,
    Month,
    Malware,
    Vector,
}

impl By {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "category" => Some(Self::Category),
            "sector" => Some(Self::Sector),
            "month" => Some(Self::Month),
            "malware" => Some(Self::Malware),
            "vector" => Some(Self::Vector),
            _ => None,
        }
    }
}

/// One row of statistics.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct StatsRow {
    pub key: String,
    pub incidents: u64,
    /// Incidents that state a count of affected records.
    pub with_count: u64,
    /// The sum of each incident's highest count.
    pub affected: u64,
}

impl StatsRow {
    /// Affected records per incident that states a count.
    pub fn average(&self) -> f64 {
        if self.with_count == 0 {
            0.0
        } else {
            self.affected as f64 / self.with_count as f64
        }
    }
}

impl Store {
    /// Statistics grouped by `by`; with a taxonomy other than incidex, the
    /// category becomes its cause class (and, when grouping by something else,
    /// each row is split by that class). The last row is the total.
    pub fn stats(&self, by: By, filter: &Filter, taxonomy: Taxonomy) -> Result<Vec<StatsRow>> {
        filter.validate()?;
        let (cond, params) = filter.sql();
        let key = match by {
            By::Category => "i.category",
            By::Sector => "coalesce(i.sector, '(unknown)')",
            By::Month => "coalesce(substr(i.disclosed, 1, 7), '(undated)')",
            By::Malware | By::Vector => "t.value",
        };
        let join = match by {
            By::Malware => "JOIN incident_tags t ON t.incident_id = i.id AND t.kind = 'malware'",
            By::Vector => "JOIN incident_tags t ON t.incident_id = i.id AND t.kind = 'vector'",
            _ => "",
        };
        let sql = format!(
            "SELECT {key}, i.category, count(*), count(i.max_affected), coalesce(sum(i.max_affected), 0)
             FROM incidents i {join} WHERE {cond} GROUP BY 1, 2"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut groups: BTreeMap<String, StatsRow> = BTreeMap::new();
        for row in rows {
            let (k, cat, n, with, sum) = row.map_err(|e| self.err(e))?;
            let class = taxonomy.class(cat.as_deref());
            let k = match (by, taxonomy) {
                (By::Category, _) => class,
                (_, Taxonomy::Incidex) => k.unwrap_or_else(|| "(unknown)".into()),
                _ => format!("{} / {class}", k.unwrap_or_else(|| "(unknown)".into())),
            };
            let g = groups.entry(k.clone()).or_insert_with(|| StatsRow {
                key: k,
                ..Default::default()
            });
            g.incidents += n as u64;
            g.with_count += with as u64;
            g.affected += sum as u64;
        }
        let mut out: Vec<StatsRow> = groups.into_values().collect();
        if by != By::Month {
            out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.key.cmp(&b.key)));
        }
        // The total counts each incident once, even where tags split it.
        let total_sql = format!(
            "SELECT count(*), count(i.max_affected), coalesce(sum(i.max_affected), 0) FROM incidents i WHERE {cond}"
        );
        let (n, with, sum): (i64, i64, i64) = self
            .conn
            .query_row(&total_sql, rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(|e| self.err(e))?;
        out.push(StatsRow {
            key: "total".into(),
            incidents: n as u64,
            with_count: with as u64,
            affected: sum as u64,
        });
        Ok(out)
    }
}

/// Checks a `--month` value.
pub fn valid_month(month: &str) -> Result<()> {
    let ok = month.len() == 7 && crate::dates::valid_date(month);
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "--month {month:?}: expected YYYY-MM"
        )))
    }
}
