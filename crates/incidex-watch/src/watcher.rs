//! The watcher: polls the sources that are due, ingests what is new through
//! the one ingest path, and delivers the alerts not yet delivered.

use crate::alert::{matches, message};
use crate::config::{Config, Destination, Source, SourceKind};
use crate::deliver::deliver;
use crate::feed::feed_items;
use crate::http::{backoff, Fetched, Fetcher, Validators};
use crate::item::Item;
use crate::page::listing_items;
use incidex_extract::Options;
use incidex_ingest::{url_names, Document, Ingested, Pipeline};
use incidex_store::{html_escape, sha256_hex, DocStatus, SourceState, Store};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What one round of polling did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    pub polled: usize,
    /// Sources whose listing could not be fetched or parsed.
    pub failed: usize,
    /// Documents stored (new or replaced).
    pub ingested: usize,
    /// Items that could not be fetched (tried again next time).
    pub item_failures: usize,
    pub alerts: usize,
    pub alert_failures: usize,
}

pub struct Watcher {
    pub config: Config,
    sources: Vec<Source>,
    destinations: Vec<Destination>,
    store: Store,
    pipeline: Pipeline,
    fetcher: Fetcher,
}

/// Whether the store failed (stop) or only something outside (go on).
type Fatal = String;

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn now_text() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

fn line(out: &mut dyn Write, text: &str) {
    // Progress lines are best effort: a closed pipe must not stop ingesting.
    let _ = writeln!(out, "{text}");
}

impl Watcher {
    /// A watcher over an open store; the sources file's `[[watch]]` entries
    /// are added to the store's watchlist.
    pub fn new(config: Config, mut store: Store) -> Result<Watcher, String> {
        for w in &config.watches {
            store
                .watch_add(&w.name, &w.aliases, &w.domains)
                .map_err(|e| format!("watch {:?}: {e}", w.name))?;
        }
        let mut pipeline = Pipeline::with_lexicons(&[], Options::default())?;
        pipeline.limits.max_bytes = config.http.max_bytes;
        Ok(Watcher {
            sources: config.compiled_sources()?,
            destinations: config.destinations_or_stdout(),
            fetcher: Fetcher::new(&config.http),
            config,
            store,
            pipeline,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Runs until `stop` is set (between polls), or one round when `once`
    /// (every source polled whatever its schedule).
    pub fn run(
        &mut self,
        once: bool,
        stop: &AtomicBool,
        out: &mut dyn Write,
    ) -> Result<Round, Fatal> {
        if once {
            return self.round(true, stop, out);
        }
        let mut total = Round::default();
        while !stop.load(Ordering::SeqCst) {
            let r = self.round(false, stop, out)?;
            total.polled += r.polled;
            total.failed += r.failed;
            total.ingested += r.ingested;
            total.item_failures += r.item_failures;
            total.alerts += r.alerts;
            total.alert_failures += r.alert_failures;
            let next = self.next_due()?;
            // Sleep in short steps so Ctrl-C is answered promptly.
            while !stop.load(Ordering::SeqCst) && now_secs() < next {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Ok(total)
    }

    /// The earliest time (Unix seconds) a source is due.
    fn next_due(&self) -> Result<i64, Fatal> {
        let mut next = i64::MAX;
        for s in &self.sources {
            let due = self
                .store
                .source_state(&s.config.name)
                .map_err(|e| e.to_string())?
                .filter(|st| st.url == s.config.url)
                .map(|st| st.next_poll)
                .unwrap_or(0);
            next = next.min(due);
        }
        Ok(if next == i64::MAX {
            now_secs() + 60
        } else {
            next
        })
    }

    /// Polls the sources that are due (all when `force`), then delivers alerts.
    pub fn round(
        &mut self,
        force: bool,
        stop: &AtomicBool,
        out: &mut dyn Write,
    ) -> Result<Round, Fatal> {
        let mut round = Round::default();
        for i in 0..self.sources.len() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let src = self.sources[i].clone();
            let state = self.state_of(&src)?;
            if !force && state.next_poll > now_secs() {
                continue;
            }
            self.poll(&src, state, stop, out, &mut round)?;
        }
        self.alert(out, &mut round)?;
        Ok(round)
    }

    fn state_of(&self, src: &Source) -> Result<SourceState, Fatal> {
        let st = self
            .store
            .source_state(&src.config.name)
            .map_err(|e| e.to_string())?;
        Ok(match st {
            // A source whose URL changed in the file starts afresh.
            Some(st) if st.url == src.config.url => st,
            _ => SourceState {
                name: src.config.name.clone(),
                url: src.config.url.clone(),
                ..SourceState::default()
            },
        })
    }

    fn poll(
        &mut self,
        src: &Source,
        mut state: SourceState,
        stop: &AtomicBool,
        out: &mut dyn Write,
        round: &mut Round,
    ) -> Result<(), Fatal> {
        let name = &src.config.name;
        round.polled += 1;
        state.last_polled = Some(now_text());
        let since = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let listing = self
            .fetcher
            .get(&src.config.url, &since)
            .and_then(|f| match f {
                Fetched::NotModified => Ok(None),
                Fetched::Body(b) => {
                    let items = match src.config.kind {
                        SourceKind::Feed => feed_items(&b.bytes, &b.url),
                        SourceKind::Page => listing_items(&b.bytes, &b.url, src),
                    }?;
                    Ok(Some((b.validators, items)))
                }
            });
        let (validators, items) = match listing {
            Err(reason) => {
                state.errors = state.errors.saturating_add(1);
                let wait = backoff(
                    src.config.interval,
                    state.errors,
                    self.config.http.backoff_max,
                );
                line(
                    out,
                    &format!(
                        "source {name}: failed: {}: {reason} (error {} in a row; next try in {})",
                        src.config.url,
                        state.errors,
                        humantime::format_duration(wait)
                    ),
                );
                state.last_error = Some(reason);
                state.next_poll = now_secs() + wait.as_secs() as i64;
                round.failed += 1;
                return self.save(&state);
            }
            Ok(None) => {
                line(out, &format!("source {name}: not modified (304)"));
                state.errors = 0;
                state.last_error = None;
                state.last_success = state.last_polled.clone();
                state.next_poll = now_secs() + src.config.interval.as_secs() as i64;
                return self.save(&state);
            }
            Ok(Some(x)) => x,
        };
        line(
            out,
            &format!("source {name}: {} items ({})", items.len(), src.config.url),
        );
        let mut fresh = 0usize;
        let mut failures: Vec<String> = Vec::new();
        let mut complete = true;
        for item in &items {
            if self
                .store
                .item_seen(name, &item.key)
                .map_err(|e| e.to_string())?
            {
                continue;
            }
            if fresh >= self.config.http.max_items || stop.load(Ordering::SeqCst) {
                // The rest waits for the next poll, which must not get a 304.
                complete = false;
                break;
            }
            fresh += 1;
            if let Err(reason) = self.take_item(src, item, out, round)? {
                failures.push(reason);
                complete = false;
            }
        }
        round.item_failures += failures.len();
        line(
            out,
            &format!(
                "  {fresh} new{}",
                if failures.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} could not be fetched (tried again next poll)",
                        failures.len()
                    )
                }
            ),
        );
        // Keep the validators only when every item was taken: otherwise the
        // next poll would get a 304 and never see the items left over.
        if complete {
            state.etag = validators.etag;
            state.last_modified = validators.last_modified;
        } else {
            state.etag = None;
            state.last_modified = None;
        }
        state.errors = 0;
        state.last_success = state.last_polled.clone();
        state.last_error = failures.first().map(|f| {
            if failures.len() > 1 {
                format!("{f} (and {} more items)", failures.len() - 1)
            } else {
                f.clone()
            }
        });
        state.next_poll = now_secs() + src.config.interval.as_secs() as i64;
        self.save(&state)
    }

    fn save(&mut self, state: &SourceState) -> Result<(), Fatal> {
        self.store
            .save_source_state(state)
            .map_err(|e| e.to_string())
    }

    /// Fetches and ingests one new item. The outer error is the store's
    /// (fatal); the inner one an item to try again at the next poll.
    fn take_item(
        &mut self,
        src: &Source,
        item: &Item,
        out: &mut dyn Write,
        round: &mut Round,
    ) -> Result<Result<(), String>, Fatal> {
        let name = &src.config.name;
        let doc = match self.document(src, item) {
            Ok(d) => d,
            Err(reason) => {
                line(out, &format!("  failed: {reason}"));
                return Ok(Err(reason));
            }
        };
        // An item whose content is already stored under another path feeds
        // that document's incidents.
        let doc_path = match self
            .store
            .document_status(&doc.key, &doc.sha)
            .map_err(|e| e.to_string())?
        {
            DocStatus::DuplicateOf(p) => p,
            _ => doc.key.clone(),
        };
        let stored_as = match self.pipeline.ingest(&mut self.store, &doc) {
            Ok(Ingested::Stored {
                reports,
                replaced,
                incidents,
            }) => {
                round.ingested += 1;
                let ids: Vec<String> = incidents.iter().map(i64::to_string).collect();
                line(
                    out,
                    &format!(
                        "  ingested {}: {reports} report{}{}{}",
                        doc.key,
                        if reports == 1 { "" } else { "s" },
                        if ids.is_empty() {
                            String::new()
                        } else {
                            format!(", incident {}", ids.join(", "))
                        },
                        if replaced {
                            " (replaced an older version)"
                        } else {
                            ""
                        }
                    ),
                );
                Some(doc_path)
            }
            Ok(Ingested::Unchanged) => {
                if doc_path == doc.key {
                    line(out, &format!("  already stored: {}", doc.key));
                } else {
                    line(
                        out,
                        &format!("  already stored: {} (as {doc_path})", doc.key),
                    );
                }
                Some(doc_path)
            }
            Err(Ok(reason)) => {
                // Unreadable content does not improve by fetching it again.
                line(out, &format!("  unreadable: {}: {reason}", doc.key));
                None
            }
            Err(Err(e)) => return Err(e.to_string()),
        };
        self.store
            .mark_item_seen(name, &item.key, stored_as.as_deref())
            .map_err(|e| e.to_string())?;
        Ok(Ok(()))
    }

    /// The document an item stands for: its linked notice (HTML or PDF,
    /// fetched with the same limits), or the entry's own content.
    fn document(&mut self, src: &Source, item: &Item) -> Result<Document, String> {
        if let Some(link) = &item.link {
            return match self.fetcher.get(link, &Validators::default()) {
                Ok(Fetched::Body(b)) => {
                    let (name, hint) = url_names(&b.url, &b.content_type);
                    Ok(Document {
                        shown: link.clone(),
                        key: link.clone(),
                        name,
                        hint,
                        sha: sha256_hex(&b.bytes),
                        bytes: b.bytes,
                    })
                }
                Ok(Fetched::NotModified) => Err(format!("{link}: unexpected 304")),
                Err(reason) => Err(format!("{link}: {reason}")),
            };
        }
        let html = entry_html(item);
        Ok(Document::from_bytes(
            // The entry id, not the seen key: an updated entry (a new update
            // date) replaces its earlier version instead of adding a copy.
            &format!("{}#{}", src.config.url, item.id),
            "item.html",
            html.into_bytes(),
        ))
    }

    /// Delivers the alerts due: each incident the watcher fed that matches
    /// the watchlist or a rule, to each destination that has not had any of
    /// its reports (an alert), or has had only some (a follow-up).
    /// Deliveries are remembered per report (its document path and place,
    /// see [`Store::watched_incidents`]), not per incident id, which changes
    /// and is reused when reports are split off or replaced.
    fn alert(&mut self, out: &mut dyn Write, round: &mut Round) -> Result<(), Fatal> {
        let watched = self.store.watched_incidents().map_err(|e| e.to_string())?;
        let mut pending = Vec::new();
        for w in watched {
            for d in &self.destinations {
                let delivered = self
                    .store
                    .delivered_reports(&w.reports, &d.key())
                    .map_err(|e| e.to_string())?;
                if delivered < w.reports.len() {
                    pending.push(w);
                    break;
                }
            }
        }
        let ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
        let found = matches(&self.store, &ids, &self.config.watches, &self.config.rules)?;
        for w in pending {
            let Some(reasons) = found.get(&w.id) else {
                continue;
            };
            let id = w.id;
            for d in self.destinations.clone() {
                let key = d.key();
                let delivered = self
                    .store
                    .delivered_reports(&w.reports, &key)
                    .map_err(|e| e.to_string())?;
                if delivered >= w.reports.len() {
                    continue;
                }
                let msg = message(
                    &self.store,
                    id,
                    w.report_count,
                    reasons.clone(),
                    &self.config.base_url,
                    delivered > 0,
                )?;
                match deliver(&d, &msg, out, &mut self.fetcher, self.config.http.timeout) {
                    Ok(()) => {
                        round.alerts += 1;
                        self.store
                            .record_delivery(&w.reports, &key)
                            .map_err(|e| e.to_string())?;
                    }
                    Err(reason) => {
                        round.alert_failures += 1;
                        line(
                            out,
                            &format!("alert for incident {id} not delivered to {key}: {reason} (tried again next time)"),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// `incidex sources test NAME`: fetches the source (unconditionally) and
    /// shows its items, which are new, and what each new one would give,
    /// without storing anything.
    pub fn test_source(&mut self, name: &str, out: &mut dyn Write) -> Result<bool, String> {
        let src = self
            .sources
            .iter()
            .find(|s| s.config.name == name)
            .cloned()
            .ok_or_else(|| format!("no source named {name:?} in the sources file"))?;
        let body = match self.fetcher.get(&src.config.url, &Validators::default())? {
            Fetched::Body(b) => b,
            Fetched::NotModified => return Err("unexpected 304".into()),
        };
        let items = match src.config.kind {
            SourceKind::Feed => feed_items(&body.bytes, &body.url),
            SourceKind::Page => listing_items(&body.bytes, &body.url, &src),
        }?;
        line(
            out,
            &format!(
                "{} ({}, {}): {} items",
                name,
                src.config.kind.as_str(),
                body.url,
                items.len()
            ),
        );
        let mut shown = 0;
        for item in &items {
            let seen = self
                .store
                .item_seen(name, &item.key)
                .map_err(|e| e.to_string())?;
            let what = item.link.as_deref().unwrap_or("(entry content)");
            if seen {
                line(out, &format!("  seen  {what}  {}", item.title));
                continue;
            }
            if shown >= self.config.http.max_items {
                line(out, &format!("  new   {what}  {} (next poll)", item.title));
                continue;
            }
            shown += 1;
            line(out, &format!("  new   {what}  {}", item.title));
            match self.document(&src, item) {
                Err(reason) => line(out, &format!("        would fail: {reason}")),
                Ok(doc) => match self.pipeline.extract(&doc) {
                    Err(reason) => line(out, &format!("        unreadable: {reason}")),
                    Ok(x) if x.records.is_empty() => line(out, "        no incident report in it"),
                    Ok(x) => {
                        for r in &x.records {
                            line(
                                out,
                                &format!(
                                    "        would ingest: {} ({}, disclosed {})",
                                    r.victims.first().map(String::as_str).unwrap_or("(unnamed)"),
                                    r.category
                                        .as_ref()
                                        .map(|c| c.to_string())
                                        .unwrap_or_else(|| "unknown".into()),
                                    r.dates.disclosed.as_deref().unwrap_or("-")
                                ),
                            );
                        }
                    }
                },
            }
        }
        Ok(true)
    }
}

/// The HTML document of a feed entry without a link: its title (escaped)
/// and its own content (HTML already).
fn entry_html(item: &Item) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body><h1>{t}</h1>\n{}\n</body></html>",
        item.html.as_deref().unwrap_or(""),
        t = html_escape(&item.title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_title_is_escaped_quotes_included() {
        let item = Item {
            key: "k".into(),
            id: "k".into(),
            title: "\"速報\" <障害> & 復旧".into(),
            link: None,
            html: Some("<p>本文</p>".into()),
        };
        let html = entry_html(&item);
        assert!(
            html.contains("<title>&quot;速報&quot; &lt;障害&gt; &amp; 復旧</title>"),
            "{html}"
        );
        assert!(html.contains("<p>本文</p>"), "{html}");
    }
}
