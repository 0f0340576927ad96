//! The record emitted per incident report (FORMAT.md), with its evidence.

use crate::evidence::EvidenceMap;
use crate::vocab::{Action, Category, DataType, Qualifier, Sector, Vector};
use serde::{Deserialize, Serialize};

/// A count of exposed or affected things.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub count: u64,
    /// The unit as written: 件, 人, 名, 世帯, 社, records, customers …
    pub unit: String,
    /// What is counted, in the words of the text.
    pub what: String,
    pub qualifier: Option<Qualifier>,
}

/// An amount of money tied to an incident, as an integer in units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: u64,
    pub currency: String,
    /// loss, ransom, fraud, fine, cost or other.
    pub kind: String,
}

/// ISO dates (`YYYY-MM-DD` or `YYYY-MM`); `None` where unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    pub disclosed: Option<String>,
    pub occurred_from: Option<String>,
    pub occurred_to: Option<String>,
    pub discovered: Option<String>,
}

/// A dated event of the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub date: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorType {
    Domain,
    Email,
    Url,
    Ip,
    Hash,
}

impl IndicatorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Email => "email",
            Self::Url => "url",
            Self::Ip => "ip",
            Self::Hash => "hash",
        }
    }
}

/// A technical indicator; `value` is lower-case and refanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Indicator {
    #[serde(rename = "type")]
    pub kind: IndicatorType,
    pub value: String,
}

/// The characters of the original text behind one extracted value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// The value as it appears in the record (a name, a date, a vocabulary value…).
    pub value: String,
    /// Character offsets `[start, end)` into the decoded document text.
    pub span: [usize; 2],
}

/// One incident report: one disclosure of one incident by, or about, one victim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub doc: String,
    /// Characters `[start, end)` of the text the report rests on.
    pub span: [usize; 2],
    /// Organisations hit; the first is the main one.
    pub victims: Vec<String>,
    /// Organisations named with a role (victim, provider, parent, subsidiary, regulator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<Organisation>,
    pub category: Option<Category>,
    pub categories: Vec<Category>,
    pub sector: Option<Sector>,
    pub malware: Vec<String>,
    pub threat_actors: Vec<String>,
    pub vectors: Vec<Vector>,
    pub data_types: Vec<DataType>,
    pub affected: Vec<Affected>,
    pub money: Vec<Money>,
    pub dates: Dates,
    pub timeline: Vec<TimelineEvent>,
    pub indicators: Vec<Indicator>,
    pub actions: Vec<Action>,
    pub stock_code: Option<String>,
    pub sequence: Option<u32>,
    /// The encoding the document was decoded from (UTF-8, Shift_JIS, EUC-JP …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Evidence spans per field: `field -> [{value, span}]`.
    pub evidence: EvidenceMap,
}

/// An organisation named in a report and its role in the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: String,
    /// victim, provider, parent, subsidiary, regulator
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_code: Option<String>,
}

impl Record {
    /// Adds an evidence span for a value of `field`, once per distinct value and span.
    pub fn add_evidence(
        &mut self,
        field: &str,
        value: impl AsRef<str> + Into<String>,
        start: usize,
        end: usize,
    ) {
        let span = [start, end];
        // Extractors add evidence for every match of a value; most fields already
        // exist and many repeats are known, so look before allocating a value.
        // A new field comes with room for a few items.
        let items = self.evidence.items_mut(field);
        if items
            .iter()
            .any(|i| i.span == span && i.value == value.as_ref())
        {
            return;
        }
        items.push(EvidenceItem {
            value: value.into(),
            span,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_serialises_with_the_field_names_of_the_format() {
        let mut r = Record {
            doc: "a.txt".into(),
            span: [3, 10],
            ..Default::default()
        };
        r.category = Some(Category::Malware);
        r.indicators.push(Indicator {
            kind: IndicatorType::Domain,
            value: "example.jp".into(),
        });
        r.add_evidence("category", "malware", 4, 9);
        r.add_evidence("category", "malware", 4, 9);
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["span"], serde_json::json!([3, 10]));
        assert_eq!(v["category"], "malware");
        assert_eq!(v["indicators"][0]["type"], "domain");
        assert_eq!(v["dates"]["disclosed"], serde_json::Value::Null);
        assert_eq!(v["evidence"]["category"].as_array().unwrap().len(), 1);
        assert!(v.get("organisations").is_none());
    }
}
