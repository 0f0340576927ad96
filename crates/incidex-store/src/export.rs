//! Exports of incidents: JSON Lines, CSV, STIX 2.1 and MISP.

use crate::error::Result;
use crate::filter::Filter;
use crate::labels::category_ja;
use crate::monthly::{count_text, summary};
use crate::store::Store;
use crate::view::IncidentView;
use std::io::Write;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Stix,
    Misp,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "jsonl" => Some(Self::Jsonl),
            "csv" => Some(Self::Csv),
            "stix" => Some(Self::Stix),
            "misp" => Some(Self::Misp),
            _ => None,
        }
    }
}

fn join(facts: &[crate::view::Fact]) -> String {
    facts
        .iter()
        .map(|f| f.value.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

impl Store {
    /// Writes the incidents that pass `filter` in `format`; returns how many.
    pub fn export(
        &self,
        format: ExportFormat,
        filter: &Filter,
        out: &mut dyn Write,
    ) -> Result<usize> {
        let ids = self.incident_ids(filter)?;
        match format {
            ExportFormat::Jsonl => {
                for id in &ids {
                    let v = self.incident(*id, false)?;
                    serde_json::to_writer(&mut *out, &v).map_err(std::io::Error::other)?;
                    out.write_all(b"\n")?;
                }
            }
            ExportFormat::Csv => {
                out.write_all(&[0xEF, 0xBB, 0xBF])?;
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(&mut *out);
                let io = |e: csv::Error| crate::StoreError::Io(std::io::Error::other(e));
                w.write_record([
                    "incident",
                    "disclosed",
                    "victim",
                    "victims",
                    "category",
                    "cause",
                    "sector",
                    "malware",
                    "threat_actors",
                    "vectors",
                    "data_types",
                    "count",
                    "max_affected",
                    "reports",
                    "summary",
                    "sources",
                ])
                .map_err(io)?;
                for id in &ids {
                    let v = self.incident(*id, false)?;
                    let sources: Vec<&str> = v.reports.iter().map(|r| r.doc.as_str()).collect();
                    w.write_record([
                        v.id.to_string(),
                        v.disclosed.clone().unwrap_or_default(),
                        v.victim.clone().unwrap_or_default(),
                        join(&v.victims),
                        v.category.clone().unwrap_or_default(),
                        category_ja(v.category.as_deref().unwrap_or("")).to_string(),
                        v.sector.clone().unwrap_or_default(),
                        join(&v.malware),
                        join(&v.threat_actors),
                        join(&v.vectors),
                        join(&v.data_types),
                        count_text(&v),
                        v.max_affected.map(|n| n.to_string()).unwrap_or_default(),
                        v.reports.len().to_string(),
                        summary(&v),
                        sources.join(" "),
                    ])
                    .map_err(io)?;
                }
                w.flush()?;
            }
            ExportFormat::Stix => {
                let views: Vec<IncidentView> = ids
                    .iter()
                    .map(|id| self.incident(*id, false))
                    .collect::<Result<_>>()?;
                let bundle = crate::stix::bundle(&views);
                serde_json::to_writer_pretty(&mut *out, &bundle).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
            }
            ExportFormat::Misp => {
                for id in &ids {
                    let v = self.incident(*id, false)?;
                    serde_json::to_writer(&mut *out, &crate::misp::event(&v))
                        .map_err(std::io::Error::other)?;
                    out.write_all(b"\n")?;
                }
            }
        }
        Ok(ids.len())
    }
}
