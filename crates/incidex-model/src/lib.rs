//! The domain model of incidex: one [`Record`] per incident report, the closed
//! vocabularies of `FORMAT.md`, and the evidence spans that tie every extracted
//! value to the characters of the original text.
//!
//! This crate depends on nothing but serde so that every other crate (extractor,
//! store, server) can share it without pulling each other in.

mod evidence;
mod record;
mod vocab;

pub use evidence::{
    Entry as EvidenceEntry, EvidenceMap, IntoIter as EvidenceIntoIter, Iter as EvidenceIter,
};
pub use record::{
    Affected, Dates, EvidenceItem, Indicator, IndicatorType, Money, Organisation, Record,
    TimelineEvent,
};
pub use vocab::{Action, Category, DataType, Qualifier, Sector, UnknownValue, Vector, Vocabulary};
