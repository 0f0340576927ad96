//! Output formats of `incidex extract`.

use incidex_model::Record;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON record per line.
    Jsonl,
    /// One JSON array of all records.
    Json,
    /// A human-readable table.
    Table,
}

pub fn write_records(out: &mut impl Write, records: &[Record], format: Format) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for r in records {
                serde_json::to_writer(&mut *out, r)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, records)?;
            out.write_all(b"\n")?;
        }
        Format::Table => {
            for r in records {
                let victim = r.victims.first().map(String::as_str).unwrap_or("(unnamed)");
                let most = r
                    .affected
                    .iter()
                    .map(|a| a.count)
                    .max()
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.doc,
                    victim,
                    r.category.map(|c| c.to_string()).unwrap_or_default(),
                    r.sector.map(|s| s.to_string()).unwrap_or_default(),
                    r.dates.disclosed.as_deref().unwrap_or("-"),
                    most,
                    r.malware.join(",")
                )?;
            }
        }
    }
    Ok(())
}
