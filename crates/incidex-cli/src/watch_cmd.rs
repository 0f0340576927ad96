//! Watch: feeds and listing pages in, alerts out.
//! `incidex watch`, `incidex sources list|test`, `incidex demo-feeds`.

use clap::{Args, Subcommand};
use incidex_store::Store;
use incidex_watch::{serve_demo, Config, Watcher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

#[derive(Args)]
pub struct WatchArgs {
    /// Poll every source once, whatever its schedule, deliver the alerts and exit
    /// (for cron and tests).
    #[arg(long)]
    pub once: bool,
    /// The sources file.
    #[arg(long, default_value = "incidex.toml")]
    pub config: PathBuf,
}

#[derive(Subcommand)]
pub enum SourcesCmd {
    /// The configured sources: when each was last polled, its last error, when it is due.
    List {
        /// The sources file.
        #[arg(long, default_value = "incidex.toml")]
        config: PathBuf,
    },
    /// Fetch one source now and show what would be ingested (nothing is stored).
    Test {
        name: String,
        /// The sources file.
        #[arg(long, default_value = "incidex.toml")]
        config: PathBuf,
    },
}

#[derive(Args)]
pub struct DemoFeedsArgs {
    /// Where to listen (loopback).
    #[arg(long, default_value = "127.0.0.1:8181")]
    pub addr: String,
    /// The folder of notices to serve.
    #[arg(long, default_value = "examples/corpus")]
    pub corpus: PathBuf,
}

fn open(db: &Path, config: &Path) -> Result<(Config, Store), String> {
    let config = Config::load(config)?;
    let store = Store::open(db).map_err(|e| e.to_string())?;
    Ok((config, store))
}

fn fail(cmd: &str, e: String) -> ExitCode {
    eprintln!("incidex {cmd}: {e}");
    ExitCode::from(2)
}

pub fn run(db: &Path, args: WatchArgs) -> ExitCode {
    let (config, store) = match open(db, &args.config) {
        Ok(x) => x,
        Err(e) => return fail("watch", e),
    };
    if config.sources.is_empty() {
        return fail(
            "watch",
            format!("{}: no [[source]] to follow", args.config.display()),
        );
    }
    let mut watcher = match Watcher::new(config, store) {
        Ok(w) => w,
        Err(e) => return fail("watch", e),
    };
    // Without --once the watcher runs until Ctrl-C; with it a plain flag does.
    let stop = if args.once {
        std::sync::Arc::new(AtomicBool::new(false))
    } else {
        match incidex_watch::stop_flag() {
            Ok(f) => f,
            Err(e) => return fail("watch", e),
        }
    };
    let mut out = std::io::stdout();
    match watcher.run(args.once, &stop, &mut out) {
        Ok(r) => {
            // A closed pipe (`| head`) is no reason to panic.
            let _ = writeln!(
                out,
                "watch: {} source poll{} ({} failed), {} document{} ingested, {} alert{} delivered{}",
                r.polled,
                if r.polled == 1 { "" } else { "s" },
                r.failed,
                r.ingested,
                if r.ingested == 1 { "" } else { "s" },
                r.alerts,
                if r.alerts == 1 { "" } else { "s" },
                if r.alert_failures > 0 {
                    format!(", {} not delivered", r.alert_failures)
                } else {
                    String::new()
                }
            );
            if r.failed > 0 || r.alert_failures > 0 || r.item_failures > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => fail("watch", e),
    }
}

pub fn sources(db: &Path, cmd: SourcesCmd) -> ExitCode {
    match cmd {
        SourcesCmd::List { config } => {
            let (config, store) = match open(db, &config) {
                Ok(x) => x,
                Err(e) => return fail("sources list", e),
            };
            match list(&config, &store) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail("sources list", e),
            }
        }
        SourcesCmd::Test { name, config } => {
            let (config, store) = match open(db, &config) {
                Ok(x) => x,
                Err(e) => return fail("sources test", e),
            };
            let mut watcher = match Watcher::new(config, store) {
                Ok(w) => w,
                Err(e) => return fail("sources test", e),
            };
            match watcher.test_source(&name, &mut std::io::stdout()) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("incidex sources test {name}: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn list(config: &Config, store: &Store) -> Result<(), String> {
    let mut text = String::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    for s in &config.sources {
        text += &format!(
            "{}\t{}\tevery {}\t{}\n",
            s.name,
            s.kind.as_str(),
            incidex_watch::format_duration(s.interval),
            s.url
        );
        let state = store
            .source_state(&s.name)
            .map_err(|e| e.to_string())?
            .filter(|st| st.url == s.url);
        let Some(st) = state else {
            text += "  never polled\n";
            continue;
        };
        let seen = store.items_seen(&s.name).map_err(|e| e.to_string())?;
        text += &format!(
            "  last polled {}, last success {}, items seen: {seen}\n",
            st.last_polled.as_deref().unwrap_or("never"),
            st.last_success.as_deref().unwrap_or("never")
        );
        match &st.last_error {
            Some(e) if st.errors > 0 => {
                text += &format!("  last error: {e} ({} in a row)\n", st.errors)
            }
            Some(e) => text += &format!("  last error: {e}\n"),
            None => text += "  last error: none\n",
        }
        let due = st.next_poll - now;
        if due <= 0 {
            text += "  next poll: due now\n";
        } else {
            text += &format!(
                "  next poll: in {}\n",
                incidex_watch::format_duration(std::time::Duration::from_secs(due as u64))
            );
        }
    }
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(())
}

pub fn demo_feeds(args: DemoFeedsArgs) -> ExitCode {
    match serve_demo(&args.addr, &args.corpus) {
        Ok(server) => {
            println!("incidex demo feeds for {}:", args.corpus.display());
            println!("  feed:         {}/feed.xml", server.url);
            println!("  listing page: {}/news/", server.url);
            println!("Serving until Ctrl-C.");
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => fail("demo-feeds", e),
    }
}
