//! Full-text search: an FTS5 trigram index over each report's text and
//! victims, so Japanese needs no word boundaries. Terms of one or two
//! characters (感染) cannot use trigrams; they are matched with LIKE over the
//! candidates, or alone by a LIKE scan.

use crate::error::{Result, StoreError};
use crate::filter::Filter;
use crate::store::Store;
use serde::Serialize;

/// How many of the newest matching reports are ranked (see [`Store::search`]).
pub const RANK_WINDOW: usize = 1000;

/// One search result: the best-matching report of an incident.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub incident: i64,
    pub report: i64,
    pub victim: Option<String>,
    pub category: Option<String>,
    pub disclosed: Option<String>,
    pub doc: String,
    /// The matching text, the match in 【】.
    pub snippet: String,
    /// Lower is better (bm25 for indexed queries).
    pub score: f64,
}

/// Splits a query into terms; quoted phrases stay whole.
fn terms(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn like_pattern(term: &str) -> String {
    format!(
        "%{}%",
        term.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// A snippet around the first occurrence of `term` (case-insensitive for ASCII).
fn snippet_around(text: &str, term: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let t: Vec<char> = term.chars().map(|c| c.to_ascii_lowercase()).collect();
    let pos = (0..chars.len().saturating_sub(t.len().saturating_sub(1))).find(|&i| {
        chars[i..]
            .iter()
            .zip(&t)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
            && chars.len() >= i + t.len()
    });
    let Some(p) = pos else {
        return chars
            .iter()
            .take(width * 2)
            .collect::<String>()
            .replace('\n', " ");
    };
    let start = p.saturating_sub(width);
    let end = (p + t.len() + width).min(chars.len());
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.extend(&chars[start..p]);
    s.push('【');
    s.extend(&chars[p..p + t.len()]);
    s.push('】');
    s.extend(&chars[p + t.len()..end]);
    if end < chars.len() {
        s.push('…');
    }
    s.replace('\n', " ")
}

impl Store {
    /// Searches report texts and victims; at most `limit` incidents, best first.
    ///
    /// Ranking reads only the index (bm25) of the newest [`RANK_WINDOW`]
    /// matching reports (in ingest order) that pass the filters; report texts
    /// are read for the snippets of the hits shown, so common terms stay fast.
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> Result<Vec<Hit>> {
        filter.validate()?;
        let terms = terms(query);
        if terms.is_empty() {
            return Err(StoreError::Invalid("empty search query".into()));
        }
        let (long, short): (Vec<&String>, Vec<&String>) =
            terms.iter().partition(|t| t.chars().count() >= 3);
        let (cond, mut params) = filter.sql();
        let filtered = cond != "1";
        let mut short_conds = Vec::new();
        for t in &short {
            params.push(like_pattern(t));
            short_conds.push(format!(
                "(rt.text LIKE ?{n} ESCAPE '\\' OR rt.victims LIKE ?{n} ESCAPE '\\')",
                n = params.len()
            ));
        }
        let short_sql = if short_conds.is_empty() {
            "1".to_string()
        } else {
            short_conds.join(" AND ")
        };
        let joins = if filtered {
            "JOIN report_incident ri ON ri.report_id = c.id JOIN incidents i ON i.id = ri.incident_id"
        } else {
            ""
        };
        let fetch = limit.saturating_mul(4).max(20);
        let phrase = long
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        // Phase 1: candidate reports, best first.
        let sql = if long.is_empty() {
            // One- and two-character terms: no trigram can help; scan with LIKE.
            let joins = joins.replace("c.id", "rt.id");
            format!(
                "SELECT rt.id, 0.0 FROM report_text rt {joins} WHERE {short_sql} AND {cond} LIMIT {fetch}"
            )
        } else {
            params.push(phrase.clone());
            let m = params.len();
            let text_join = if short.is_empty() {
                ""
            } else {
                "JOIN report_text rt ON rt.id = c.id"
            };
            // The newest RANK_WINDOW matches that pass the filters are ranked
            // by bm25: FTS5 walks its doclists in rowid order and stops there,
            // so a term that matches most of the corpus costs no more than a rare one.
            let joins = joins.replace("c.id", "f.rowid");
            let text_join = text_join.replace("c.id", "f.rowid");
            format!(
                "SELECT c.id, c.score FROM
                   (SELECT f.rowid AS id, bm25(report_fts) AS score FROM report_fts f
                    {text_join} {joins}
                    WHERE report_fts MATCH ?{m} AND {short_sql} AND {cond}
                    ORDER BY f.rowid DESC LIMIT {RANK_WINDOW}) c
                 ORDER BY c.score LIMIT {fetch}"
            )
        };
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let candidates: Vec<(i64, f64)> = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))?;
        // Phase 2: incident, fields and snippet of each candidate.
        let mut info = self
            .conn
            .prepare_cached(
                "SELECT ri.incident_id, i.victim, i.category, i.disclosed, d.name, rt.text
                 FROM report_incident ri JOIN incidents i ON i.id = ri.incident_id
                 JOIN reports r ON r.id = ri.report_id JOIN documents d ON d.id = r.document_id
                 JOIN report_text rt ON rt.id = ri.report_id
                 WHERE ri.report_id = ?1",
            )
            .map_err(|e| self.err(e))?;
        let mut hits: Vec<Hit> = Vec::new();
        for (report, score) in candidates {
            if !long.is_empty() && hits.len() >= limit {
                break;
            }
            let (incident, victim, category, disclosed, doc, text) = info
                .query_row([report], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    ))
                })
                .map_err(|e| self.err(e))?;
            if hits.iter().any(|h| h.incident == incident) {
                continue;
            }
            let (snippet, score) = if long.is_empty() {
                let count = text.matches(short[0].as_str()).count() as f64;
                (snippet_around(&text, short[0], 24), -count)
            } else {
                (snippet_around(&text, long[0], 24), score)
            };
            hits.push(Hit {
                incident,
                report,
                victim,
                category,
                disclosed,
                doc,
                snippet,
                score,
            });
        }
        if long.is_empty() {
            hits.sort_by(|a, b| {
                a.score
                    .total_cmp(&b.score)
                    .then(b.disclosed.cmp(&a.disclosed))
            });
        }
        hits.truncate(limit);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_terms_and_phrases() {
        assert_eq!(terms("Emotet 感染"), vec!["Emotet", "感染"]);
        assert_eq!(terms("\"spoofed mail\" x"), vec!["spoofed mail", "x"]);
        assert!(terms("   ").is_empty());
    }

    #[test]
    fn snippets_mark_the_match() {
        assert_eq!(
            snippet_around("端末がウイルスに感染しました", "感染", 3),
            "…ルスに【感染】しまし…"
        );
        assert_eq!(snippet_around("abc", "zz", 3), "abc");
    }
}
