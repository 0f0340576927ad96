//! Full-text search: an FTS5 trigram index over each report's text and
//! victims, so Japanese needs no word boundaries. Terms of one or two
//! characters (感染) cannot use trigrams; they are matched with LIKE over the
//! candidates, or alone by a LIKE scan.

use crate::error::{Result, StoreError};
use crate::filter::Filter;
use crate::store::Store;
use serde::Serialize;

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
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> Result<Vec<Hit>> {
        filter.validate()?;
        let terms = terms(query);
        if terms.is_empty() {
            return Err(StoreError::Invalid("empty search query".into()));
        }
        let (long, short): (Vec<&String>, Vec<&String>) =
            terms.iter().partition(|t| t.chars().count() >= 3);
        let (cond, mut params) = filter.sql();
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
        let fetch = limit.saturating_mul(4).max(20);
        let sql = if long.is_empty() {
            // LIKE scan: no index can help one- or two-character terms.
            format!(
                "SELECT ri.incident_id, rt.id, i.victim, i.category, i.disclosed, d.name, rt.text, 0.0
                 FROM report_text rt JOIN report_incident ri ON ri.report_id = rt.id
                 JOIN incidents i ON i.id = ri.incident_id
                 JOIN reports r ON r.id = rt.id JOIN documents d ON d.id = r.document_id
                 WHERE {short_sql} AND {cond} LIMIT {fetch}"
            )
        } else {
            let phrase = long
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            params.push(phrase);
            let m = params.len();
            format!(
                "SELECT ri.incident_id, f.rowid, i.victim, i.category, i.disclosed, d.name,
                        snippet(report_fts, 0, '【', '】', '…', 24), bm25(report_fts)
                 FROM report_fts f JOIN report_incident ri ON ri.report_id = f.rowid
                 JOIN incidents i ON i.id = ri.incident_id
                 JOIN reports r ON r.id = f.rowid JOIN documents d ON d.id = r.document_id
                 JOIN report_text rt ON rt.id = f.rowid
                 WHERE report_fts MATCH ?{m} AND {short_sql} AND {cond}
                 ORDER BY bm25(report_fts) LIMIT {fetch}"
            )
        };
        let mut st = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok(Hit {
                    incident: r.get(0)?,
                    report: r.get(1)?,
                    victim: r.get(2)?,
                    category: r.get(3)?,
                    disclosed: r.get(4)?,
                    doc: r.get(5)?,
                    snippet: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    score: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?;
        let mut hits: Vec<Hit> = Vec::new();
        for h in rows {
            let mut h = h.map_err(|e| self.err(e))?;
            if hits.iter().any(|x| x.incident == h.incident) {
                continue;
            }
            if long.is_empty() {
                let count = h.snippet.matches(short[0].as_str()).count() as f64;
                h.score = -count;
                h.snippet = snippet_around(&h.snippet, short[0], 24);
            } else {
                h.snippet = h.snippet.replace('\n', " ");
            }
            hits.push(h);
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
