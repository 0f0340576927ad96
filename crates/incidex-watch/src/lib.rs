//! incidex-watch: follows RSS/Atom feeds and press-release listing pages,
//! ingests new notices through the one ingest path (`incidex-ingest`),
//! remembers what it has seen in the database, and alerts — on standard
//! output, a log file, a webhook or by e-mail — when an incident it fed
//! touches a watched organisation or meets a rule. Each incident alerts once
//! per destination, and again only when it gains a report (a follow-up).

pub mod alert;
pub mod config;
pub mod deliver;
pub mod demo;
pub mod feed;
pub mod http;
pub mod item;
pub mod page;
pub mod watcher;

pub use alert::AlertMessage;
pub use config::{Config, Destination, Source, SourceKind};
pub use demo::{serve_demo, DemoServer};
/// Durations as the sources file writes them (for the CLI).
pub use humantime::format_duration;
pub use watcher::{Round, Watcher};

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A flag that Ctrl-C (SIGINT) and SIGTERM set, so the watcher stops between
/// polls instead of in the middle of one.
pub fn stop_flag() -> Result<Arc<AtomicBool>, String> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = Arc::clone(&flag);
    ctrlc::set_handler(move || f.store(true, std::sync::atomic::Ordering::SeqCst))
        .map_err(|e| format!("cannot catch Ctrl-C: {e}"))?;
    Ok(flag)
}
