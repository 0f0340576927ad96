//! The incidex incident store: an embedded SQLite database (WAL) of documents,
//! the reports extracted from them, and the incidents those reports are
//! linked into; with full-text search (FTS5 trigram, LIKE for one- and
//! two-character terms), statistics, monthly tables, exports (JSON Lines, CSV,
//! STIX 2.1, MISP) and a watchlist.
//!
//! The store takes records as input: it does not depend on the extractor.

mod browse;
mod dates;
mod error;
mod export;
mod filter;
mod labels;
mod link;
mod mail_queries;
mod misp;
mod monthly;
mod normalize;
mod schema;
mod search;
mod stats;
mod stix;
mod store;
mod view;
mod watch_state;
mod watchlist;

pub use browse::{IncidentPage, IncidentRow, ListQuery, MonthCell, Sort, SEARCH_LIMIT};
pub use dates::day_number;
pub use error::{Result, StoreError};
pub use export::ExportFormat;
pub use filter::Filter;
pub use labels::{category_ja, sector_ja, Taxonomy};
pub use link::{LinkSummary, MAX_DAYS};
pub use mail_queries::{
    iso_date, mail_domains, own_mail_domains, MailIncident, MailIncidentCriteria,
};
pub use monthly::{
    html_escape, render_csv, render_html, render_md, summary, thousands, MonthlyRow,
};
pub use normalize::{normalize_name, same_name};
pub use schema::SCHEMA_VERSION;
pub use search::Hit;
pub use stats::{By, StatsRow};
pub use store::{sha256_hex, DocStatus, NewDocument, Store, Stored};
pub use view::{Count, Event, Evidence, Fact, IncidentView, LinkView, ReportView};
pub use watch_state::{SourceState, WatchedIncident};
pub use watchlist::{Alert, Watch};
