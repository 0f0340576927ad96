//! Queries of the web application: the incident list (search, filters,
//! watched only, sort, pages) and the per-month series behind its charts.

use crate::error::Result;
use crate::filter::Filter;
use crate::labels::{category_ja, Taxonomy};
use crate::monthly::{count_text, summary};
use crate::store::Store;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The order of the incident list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Newest first disclosure first.
    #[default]
    Disclosed,
    /// Oldest first.
    DisclosedAsc,
    /// Most affected records first.
    Affected,
    /// Best search match first (the disclosed order without a query).
    Relevance,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "disclosed" | "date" => Some(Self::Disclosed),
            "disclosed_asc" | "date_asc" => Some(Self::DisclosedAsc),
            "affected" | "count" => Some(Self::Affected),
            "relevance" => Some(Self::Relevance),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disclosed => "disclosed",
            Self::DisclosedAsc => "disclosed_asc",
            Self::Affected => "affected",
            Self::Relevance => "relevance",
        }
    }
}

/// What the incident list shows.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Full-text search (Japanese or English); empty means every incident.
    pub text: String,
    pub filter: Filter,
    /// Only incidents that touch the watchlist.
    pub watched_only: bool,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

/// One row of the incident list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IncidentRow {
    pub id: i64,
    pub disclosed: Option<String>,
    pub victim: Option<String>,
    pub category: Option<String>,
    /// The category in Japanese.
    pub cause: String,
    pub sector: Option<String>,
    pub max_affected: Option<i64>,
    /// The highest count as written in tables (`最大1,234件`).
    pub count: String,
    pub summary: String,
    pub reports: usize,
    /// The matching text, the match in 【】 (searches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// One page of the incident list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IncidentPage {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<IncidentRow>,
}

/// How many search hits the list considers at most.
pub const SEARCH_LIMIT: usize = 1000;

/// Incidents and affected records of one month, cause class and sector.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthCell {
    pub month: String,
    pub cause: String,
    pub sector: String,
    pub incidents: u64,
    pub affected: u64,
}

impl Store {
    /// One page of incidents that pass the query.
    pub fn list_incidents(&self, q: &ListQuery) -> Result<IncidentPage> {
        q.filter.validate()?;
        let per_page = q.per_page.clamp(1, 200);
        let page = q.page.max(1);
        let text = q.text.trim();
        let mut snippets: HashMap<i64, String> = HashMap::new();
        let mut ids: Vec<i64> = if text.is_empty() || q.sort != Sort::Relevance {
            self.sorted_ids(&q.filter, q.sort)?
        } else {
            Vec::new()
        };
        if !text.is_empty() {
            let hits = self.search(text, &q.filter, SEARCH_LIMIT)?;
            if q.sort == Sort::Relevance {
                ids = hits.iter().map(|h| h.incident).collect();
            } else {
                let found: HashSet<i64> = hits.iter().map(|h| h.incident).collect();
                ids.retain(|id| found.contains(id));
            }
            snippets = hits.into_iter().map(|h| (h.incident, h.snippet)).collect();
        }
        if q.watched_only {
            let watched: HashSet<i64> = self.alerts(None)?.iter().map(|a| a.incident).collect();
            ids.retain(|id| watched.contains(id));
        }
        let total = ids.len();
        let mut items = Vec::new();
        for &id in ids
            .iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
        {
            let v = self.incident(id, false)?;
            items.push(IncidentRow {
                id: v.id,
                disclosed: v.disclosed.clone(),
                victim: v.victim.clone(),
                cause: category_ja(v.category.as_deref().unwrap_or("")).to_string(),
                category: v.category.clone(),
                sector: v.sector.clone(),
                max_affected: v.max_affected,
                count: count_text(&v),
                summary: summary(&v),
                reports: v.reports.len(),
                snippet: snippets.remove(&id),
            });
        }
        Ok(IncidentPage {
            total,
            page,
            per_page,
            items,
        })
    }

    /// Ids of the incidents that pass a filter, in the order of `sort`
    /// (relevance, which needs a query, falls back to newest first).
    pub(crate) fn sorted_ids(&self, filter: &Filter, sort: Sort) -> Result<Vec<i64>> {
        let order = match sort {
            Sort::Disclosed | Sort::Relevance => "coalesce(i.disclosed, '') DESC, i.id DESC",
            Sort::DisclosedAsc => "coalesce(i.disclosed, '9999') ASC, i.id ASC",
            Sort::Affected => {
                "coalesce(i.max_affected, -1) DESC, coalesce(i.disclosed, '') DESC, i.id DESC"
            }
        };
        let (cond, params) = filter.sql();
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT i.id FROM incidents i WHERE {cond} ORDER BY {order}"
            ))
            .map_err(|e| self.err(e))?;
        let ids = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(|e| self.err(e))?;
        Ok(ids)
    }

    /// Incidents and affected records per month (of first disclosure), cause
    /// class in `taxonomy` and sector; undated incidents are left out.
    pub fn month_series(&self, filter: &Filter, taxonomy: Taxonomy) -> Result<Vec<MonthCell>> {
        filter.validate()?;
        let (cond, params) = filter.sql();
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT substr(i.disclosed, 1, 7), i.category, coalesce(i.sector, '(unknown)'),
                        count(*), coalesce(sum(i.max_affected), 0)
                 FROM incidents i WHERE i.disclosed IS NOT NULL AND {cond}
                 GROUP BY 1, 2, 3 ORDER BY 1"
            ))
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut cells: Vec<MonthCell> = Vec::new();
        for row in rows {
            let (month, category, sector, n, sum) = row.map_err(|e| self.err(e))?;
            let cause = taxonomy.class(category.as_deref());
            match cells
                .iter_mut()
                .find(|c| c.month == month && c.cause == cause && c.sector == sector)
            {
                Some(c) => {
                    c.incidents += n as u64;
                    c.affected += sum as u64;
                }
                None => cells.push(MonthCell {
                    month,
                    cause,
                    sector,
                    incidents: n as u64,
                    affected: sum as u64,
                }),
            }
        }
        Ok(cells)
    }

    /// The months (YYYY-MM) that have incidents, newest first.
    pub fn months(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT DISTINCT substr(disclosed, 1, 7) FROM incidents
                 WHERE disclosed IS NOT NULL ORDER BY 1 DESC",
            )
            .map_err(|e| self.err(e))?;
        let months = st
            .query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))?;
        Ok(months)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewDocument;
    use incidex_model::{Affected, Category, Dates, Record, Sector};

    /// Stores one invented notice with one report.
    fn add(
        store: &mut Store,
        path: &str,
        text: &str,
        victim: &str,
        category: Category,
        disclosed: &str,
        count: u64,
    ) {
        let record = Record {
            doc: path.into(),
            span: [0, text.chars().count()],
            victims: vec![victim.into()],
            category: Some(category),
            categories: vec![category],
            sector: Some(Sector::Retail),
            affected: vec![Affected {
                count,
                unit: "件".into(),
                what: "顧客情報".into(),
                qualifier: None,
            }],
            dates: Dates {
                disclosed: Some(disclosed.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let doc = NewDocument {
            path,
            name: path,
            sha256: &crate::sha256_hex(text.as_bytes()),
            encoding: "UTF-8",
            format: "text",
            bytes: text.len() as u64,
            text,
        };
        store.store_document(&doc, &[record]).unwrap();
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("b.db")).unwrap();
        add(
            &mut s,
            "a.txt",
            "株式会社アサギ雑貨は不正アクセスを受け、顧客情報300件が流出した可能性があります。",
            "株式会社アサギ雑貨",
            Category::UnauthorizedAccess,
            "2024-03-05",
            300,
        );
        add(
            &mut s,
            "b.txt",
            "株式会社ツツジ書房の端末がランサムウェアに感染し、顧客情報9,000件が暗号化されました。",
            "株式会社ツツジ書房",
            Category::Ransomware,
            "2024-04-10",
            9000,
        );
        add(&mut s, "c.txt", "株式会社ヒバリ食堂はメールを誤送信し、顧客情報40件が他の顧客に見える状態になりました。", "株式会社ヒバリ食堂", Category::Misdelivery, "2024-04-22", 40);
        s.relink().unwrap();
        (dir, s)
    }

    fn victims(page: &IncidentPage) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|r| r.victim.as_deref())
            .collect()
    }

    #[test]
    fn lists_sort_page_and_search() {
        let (_d, s) = store();
        let q = |sort, page, per_page, text: &str| ListQuery {
            text: text.into(),
            sort,
            page,
            per_page,
            ..Default::default()
        };
        let p = s.list_incidents(&q(Sort::Disclosed, 1, 10, "")).unwrap();
        assert_eq!(
            victims(&p),
            [
                "株式会社ヒバリ食堂",
                "株式会社ツツジ書房",
                "株式会社アサギ雑貨"
            ]
        );
        let p = s.list_incidents(&q(Sort::Affected, 1, 10, "")).unwrap();
        assert_eq!(
            victims(&p),
            [
                "株式会社ツツジ書房",
                "株式会社アサギ雑貨",
                "株式会社ヒバリ食堂"
            ]
        );
        assert_eq!(p.items[0].count, "9,000件");
        let p = s.list_incidents(&q(Sort::DisclosedAsc, 2, 2, "")).unwrap();
        assert_eq!((p.total, victims(&p)), (3, vec!["株式会社ヒバリ食堂"]));
        let p = s
            .list_incidents(&q(Sort::Relevance, 1, 10, "ランサムウェア"))
            .unwrap();
        assert_eq!(victims(&p), ["株式会社ツツジ書房"]);
        assert!(p.items[0]
            .snippet
            .as_deref()
            .unwrap()
            .contains("【ランサムウェア】"));
        // A search sorted by date keeps only the matches.
        let p = s
            .list_incidents(&q(Sort::Disclosed, 1, 10, "顧客情報"))
            .unwrap();
        assert_eq!(p.total, 3);
    }

    #[test]
    fn pages_past_the_end_are_empty_even_when_huge() {
        let (_d, s) = store();
        // (page - 1) * per_page would be 2^64: wrapped, it was 0, the first page.
        for (page, per_page) in [(usize::MAX, 200), ((1usize << 63) + 1, 2), (3, 2)] {
            let p = s
                .list_incidents(&ListQuery {
                    page,
                    per_page,
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(p.total, 3);
            assert!(p.items.is_empty(), "page {page}: {:?}", victims(&p));
        }
    }

    #[test]
    fn watched_only_keeps_the_watched() {
        let (_d, mut s) = store();
        s.watch_add("株式会社アサギ雑貨", &[], &[]).unwrap();
        let p = s
            .list_incidents(&ListQuery {
                watched_only: true,
                per_page: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(victims(&p), ["株式会社アサギ雑貨"]);
    }

    #[test]
    fn month_series_split_by_cause_class() {
        let (_d, s) = store();
        let cells = s.month_series(&Filter::default(), Taxonomy::Veris).unwrap();
        let april: Vec<(&str, u64, u64)> = cells
            .iter()
            .filter(|c| c.month == "2024-04")
            .map(|c| (c.cause.as_str(), c.incidents, c.affected))
            .collect();
        assert_eq!(april.len(), 2, "{cells:?}");
        assert!(april.contains(&("Malware", 1, 9000)));
        assert!(april.contains(&("Error", 1, 40)));
        assert_eq!(s.months().unwrap(), ["2024-04", "2024-03"]);
    }
}
