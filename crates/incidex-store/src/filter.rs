//! Field filters shared by search, statistics and exports; they apply to
//! incidents (alias `i`).

use crate::dates::valid_date;
use crate::error::{Result, StoreError};
use crate::normalize::normalize_name;

/// Field filters; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    pub sector: Option<String>,
    pub malware: Option<String>,
    /// An organisation name (any written form): matches victims, providers, parents.
    pub org: Option<String>,
    /// First disclosure on or after (YYYY-MM or YYYY-MM-DD).
    pub since: Option<String>,
    /// First disclosure on or before (YYYY-MM or YYYY-MM-DD; a month includes all its days).
    pub until: Option<String>,
}

impl Filter {
    /// Checks the values, naming the one that is wrong.
    pub fn validate(&self) -> Result<()> {
        for (flag, v) in [("--since", &self.since), ("--until", &self.until)] {
            if let Some(v) = v {
                if !valid_date(v) {
                    return Err(StoreError::Invalid(format!(
                        "{flag} {v:?}: expected YYYY-MM or YYYY-MM-DD"
                    )));
                }
            }
        }
        if let Some(c) = &self.category {
            <incidex_model::Category as incidex_model::Vocabulary>::parse(c)
                .map_err(|e| StoreError::Invalid(format!("--category: {e}")))?;
        }
        if let Some(s) = &self.sector {
            <incidex_model::Sector as incidex_model::Vocabulary>::parse(s)
                .map_err(|e| StoreError::Invalid(format!("--sector: {e}")))?;
        }
        Ok(())
    }

    /// SQL conditions (joined with AND, or "1") and their parameters.
    pub(crate) fn sql(&self) -> (String, Vec<String>) {
        let mut conds = Vec::new();
        let mut params = Vec::new();
        if let Some(c) = &self.category {
            params.push(c.clone());
            conds.push(format!("i.category = ?{}", params.len()));
        }
        if let Some(s) = &self.sector {
            params.push(s.clone());
            conds.push(format!("i.sector = ?{}", params.len()));
        }
        if let Some(m) = &self.malware {
            params.push(m.clone());
            conds.push(format!(
                "EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = i.id AND t.kind = 'malware' AND lower(t.value) = lower(?{}))",
                params.len()
            ));
        }
        if let Some(o) = &self.org {
            let n = normalize_name(o);
            params.push(format!(
                "%{}%",
                n.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            ));
            conds.push(format!(
                "EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = i.id AND t.kind = 'victim' AND t.value LIKE ?{} ESCAPE '\\')",
                params.len()
            ));
        }
        if let Some(s) = &self.since {
            params.push(s.clone());
            conds.push(format!("i.disclosed >= ?{}", params.len()));
        }
        if let Some(u) = &self.until {
            params.push(u.clone());
            let n = params.len();
            conds.push(format!("substr(i.disclosed, 1, length(?{n})) <= ?{n}"));
        }
        if conds.is_empty() {
            ("1".into(), params)
        } else {
            (conds.join(" AND "), params)
        }
    }
}
