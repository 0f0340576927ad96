//! The monthly table analysts publish: No, 業種, 原因, 概要, 件数, 公表日, 出典.

use crate::error::Result;
use crate::labels::{category_ja, data_type_ja, sector_ja};
use crate::store::Store;
use crate::view::IncidentView;
use serde::Serialize;

/// One row of the monthly table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthlyRow {
    pub no: usize,
    pub incident: i64,
    pub sector: String,
    pub cause: String,
    pub summary: String,
    pub count: String,
    pub disclosed: String,
    pub sources: Vec<String>,
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits: Vec<char> = n.to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|g| g.iter().collect())
        .collect();
    groups.join(",")
}

/// The highest count as written in a table: `最大1,234件`.
pub fn count_text(v: &IncidentView) -> String {
    match v.main_count() {
        Some(c) => {
            let q = match c.qualifier.as_deref() {
                Some("max") => "最大",
                Some("possible") => "最大",
                _ => "",
            };
            format!("{q}{}{}", thousands(c.count), c.unit)
        }
        None => String::new(),
    }
}

/// A one-line summary built from the extracted facts.
pub fn summary(v: &IncidentView) -> String {
    let victim = v.victim.clone().unwrap_or_else(|| "(名称非公表)".into());
    let mut s = format!(
        "{victim}：{}",
        category_ja(v.category.as_deref().unwrap_or(""))
    );
    let names: Vec<&str> = v
        .malware
        .iter()
        .chain(&v.threat_actors)
        .map(|f| f.value.as_str())
        .take(3)
        .collect();
    if !names.is_empty() {
        s.push_str(&format!("（{}）", names.join("、")));
    }
    let data: Vec<&str> = v
        .data_types
        .iter()
        .map(|f| data_type_ja(&f.value))
        .take(3)
        .collect();
    if !data.is_empty() {
        let more = if v.data_types.len() > 3 { "等" } else { "" };
        s.push_str(&format!("。{}{more}", data.join("・")));
        let c = count_text(v);
        if !c.is_empty() {
            s.push_str(&format!(" {c}"));
        }
        s.push_str("が流出のおそれ");
    } else {
        let c = count_text(v);
        if !c.is_empty() {
            s.push_str(&format!("。{c}に影響"));
        }
    }
    if v.reports.len() > 1 {
        s.push_str(&format!("（{}報を統合）", v.reports.len()));
    }
    s
}

impl Store {
    /// The incidents first disclosed in `month` (YYYY-MM), as table rows.
    pub fn monthly_report(&self, month: &str) -> Result<Vec<MonthlyRow>> {
        crate::stats::valid_month(month)?;
        let filter = crate::Filter {
            since: Some(month.into()),
            until: Some(month.into()),
            ..Default::default()
        };
        let mut rows = Vec::new();
        for (n, id) in self.incident_ids(&filter)?.into_iter().enumerate() {
            let v = self.incident(id, false)?;
            let mut sources: Vec<String> = Vec::new();
            for r in &v.reports {
                if !sources.contains(&r.doc) {
                    sources.push(r.doc.clone());
                }
            }
            rows.push(MonthlyRow {
                no: n + 1,
                incident: v.id,
                sector: sector_ja(v.sector.as_deref().unwrap_or("")).to_string(),
                cause: category_ja(v.category.as_deref().unwrap_or("")).to_string(),
                summary: summary(&v),
                count: count_text(&v),
                disclosed: v.disclosed.clone().unwrap_or_default(),
                sources,
            });
        }
        Ok(rows)
    }
}

/// Renders the monthly table as Markdown.
pub fn render_md(month: &str, rows: &[MonthlyRow]) -> String {
    let mut s = format!("# {month} のセキュリティインシデント\n\n| No | 業種 | 原因 | 概要 | 件数 | 公表日 | 出典 |\n|---|---|---|---|---|---|---|\n");
    let esc = |t: &str| t.replace('|', "\\|").replace('\n', " ");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.no,
            esc(&r.sector),
            esc(&r.cause),
            esc(&r.summary),
            esc(&r.count),
            esc(&r.disclosed),
            esc(&r.sources.join(", "))
        ));
    }
    s.push_str(&format!("\n{} 件\n", rows.len()));
    s
}

/// Renders the monthly table as CSV, UTF-8 with a BOM so Excel reads it right.
pub fn render_csv(rows: &[MonthlyRow]) -> Result<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let io = |e: csv::Error| crate::StoreError::Io(std::io::Error::other(e));
        w.write_record(["No", "業種", "原因", "概要", "件数", "公表日", "出典"])
            .map_err(io)?;
        for r in rows {
            w.write_record([
                r.no.to_string(),
                r.sector.clone(),
                r.cause.clone(),
                r.summary.clone(),
                r.count.clone(),
                r.disclosed.clone(),
                r.sources.join(" "),
            ])
            .map_err(io)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Escapes text for HTML content and double-quoted attribute values
/// (`&`, `<`, `>`, `"`): the one escaper of incidex's generated HTML.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the monthly table as a standalone HTML page.
pub fn render_html(month: &str, rows: &[MonthlyRow]) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{m} のセキュリティインシデント</title>\
         <style>table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px;vertical-align:top}}</style></head>\n\
         <body><h1>{m} のセキュリティインシデント</h1>\n<table>\n<tr><th>No</th><th>業種</th><th>原因</th><th>概要</th><th>件数</th><th>公表日</th><th>出典</th></tr>\n",
        m = html_escape(month)
    );
    for r in rows {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            r.no,
            html_escape(&r.sector),
            html_escape(&r.cause),
            html_escape(&r.summary),
            html_escape(&r.count),
            html_escape(&r.disclosed),
            html_escape(&r.sources.join(", "))
        ));
    }
    s.push_str(&format!(
        "</table>\n<p>{} 件</p>\n</body></html>\n",
        rows.len()
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn csv_starts_with_a_bom() {
        let out = render_csv(&[]).unwrap();
        assert!(out.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert!(String::from_utf8_lossy(&out).contains("No,業種,原因"));
    }
}
